"""SQL stores, split by concern.

:mod:`~fitsm.storage.sql.connection` (the connection and the dialects differ
in), :mod:`~fitsm.storage.sql.schema` (tables and migrations),
:mod:`~fitsm.storage.sql.documents` (document aggregates),
:mod:`~fitsm.storage.sql.cmdb_rows` (the CMDB row by row),
:mod:`~fitsm.storage.sql.audit` (the hash-chained audit trail),
:mod:`~fitsm.storage.sql.integrity` (its verification, stored rows included) and
:mod:`~fitsm.storage.sql.store` (the store and its unit of work).
"""

from fitsm.storage.sql.audit import AuditReport, StateMismatch
from fitsm.storage.sql.connection import Dialect
from fitsm.storage.sql.schema import MIGRATIONS, SCHEMA_VERSION
from fitsm.storage.sql.store import SqlStore, SqlUnitOfWork

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AuditReport",
    "Dialect",
    "SqlStore",
    "SqlUnitOfWork",
    "StateMismatch",
]
