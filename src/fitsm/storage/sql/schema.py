"""The tables of an SQL store, their creation, and upgrades of stores written by older versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fitsm._validators import shown
from fitsm.errors import StoreError
from fitsm.storage.sql.audit import GENESIS
from fitsm.storage.sql.case_rows import CASE_TABLES, case_roles_to_cases, index_stored_cases
from fitsm.storage.sql.connection import Connection
from fitsm.storage.sql.integrity import BASELINE_TABLES, record_baseline
from fitsm.storage.sql.outage_rows import OUTAGE_TABLES, outages_to_rows
from fitsm.storage.sql.outbox import OUTBOX_TABLES, create_outbox
from fitsm.storage.sql.utilisation_rows import (
    UTILISATION_TABLES,
    add_batches,
    create_utilisation,
)

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "prepare"]

SCHEMA_VERSION = 8
"""The version of the tables this code writes; older stores are upgraded on open.

1. fitsm 0.1.0.dev0: documents, the CMDB row-wise, the audit chain.
2. outages one row each (they were one document).
3. the read side of cases: an index row per case, the CIs of each case.
4. the outbox of events and its consumers' cursors.
5. roles held for one case are fields of the case, no longer role-model entries.
6. audit entries record the rows they wrote (``state``) and may carry an HMAC (``mac``);
   an upgraded store's rows are recorded once, as a baseline (``audit_baseline``).
7. utilisation samples (PR5.2) one narrow row each, keyed by series and instant
   (``utilisation_series``, ``utilisation``); an upgrade adds the empty tables.
8. each utilisation sample names the batch that appended it (``batch``), which its
   audit entry records, so ``verify_audit`` checks the samples; samples stored before
   are recorded once, in a baseline entry.

A migration that rewrites stored rows after schema 6 must record them in the audit
trail (or a new baseline), or :meth:`~fitsm.storage.sql.SqlStore.verify_audit` reports them.
"""

TABLES = [
    "CREATE TABLE fitsm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE aggregates (kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, "
    "body TEXT NOT NULL, PRIMARY KEY (kind, id))",
    "CREATE TABLE cmdbs (id TEXT PRIMARY KEY, version INTEGER NOT NULL, schema_body TEXT NOT NULL)",
    "CREATE TABLE cmdb_nodes (cmdb TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, "
    "type TEXT, name TEXT NOT NULL, owner TEXT NOT NULL, attributes TEXT NOT NULL, min_up INTEGER, "
    "PRIMARY KEY (cmdb, id))",
    "CREATE TABLE cmdb_edges (cmdb TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, "
    "type TEXT NOT NULL, PRIMARY KEY (cmdb, source, target))",
    "CREATE TABLE cmdb_log (cmdb TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, "
    "PRIMARY KEY (cmdb, seq))",
    "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, "
    "kind TEXT NOT NULL, subject TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL, "
    "prev TEXT NOT NULL, hash TEXT NOT NULL, state TEXT, mac TEXT)",
    *BASELINE_TABLES,
    *OUTAGE_TABLES,
    *CASE_TABLES,
    *OUTBOX_TABLES,
    *UTILISATION_TABLES,
]


MIGRATIONS: dict[int, Callable[[Connection, Any], None]] = {
    1: outages_to_rows,
    2: index_stored_cases,
    3: create_outbox,
    4: case_roles_to_cases,
    5: record_baseline,
    6: create_utilisation,
    7: add_batches,
}
"""Upgrade steps: ``MIGRATIONS[n]`` takes a store from schema ``n`` to ``n + 1``."""


def prepare(db: Connection) -> None:
    """Create the tables in an empty database, check and upgrade an existing one."""
    try:
        names = db.table_names()
    except db.dialect.errors as e:
        db.close()
        raise StoreError(f"{db.url!r} is not a fitsm store (not a readable database: {e})") from e
    if not names:
        db.write(lambda cur: _create(db, cur))
        return
    if "fitsm_meta" not in names:
        db.close()
        raise StoreError(
            f"{db.url!r} is not a fitsm store: it has tables ({', '.join(sorted(names)[:5])}) "
            "but no fitsm_meta; nothing was changed"
        )
    found = dict(db.read("SELECT key, value FROM fitsm_meta"))
    stored = found.get("schema_version", "0")
    if not (isinstance(stored, str) and stored.isascii() and stored.isdigit()):
        db.close()
        raise StoreError(
            f"{db.url!r} is not a fitsm store: its schema_version {shown(stored)} is not a "
            "whole number; nothing was changed"
        )
    version = int(stored)
    if found.get("format") != "fitsm" or version < 1:
        db.close()
        raise StoreError(f"{db.url!r} is not a fitsm store; nothing was changed")
    if version > SCHEMA_VERSION:
        db.close()
        raise StoreError(
            f"{db.url!r} was written by a newer fitsm (schema {version}; this one knows up "
            f"to {SCHEMA_VERSION}); upgrade fitsm to open it. Nothing was changed"
        )
    if version < SCHEMA_VERSION:
        db.write(lambda cur: _migrate(db, cur, version))


def _create(db: Connection, cur: Any) -> None:
    for statement in TABLES:
        if db.dialect.name == "postgresql":
            statement = statement.replace("seq INTEGER PRIMARY KEY", "seq BIGINT PRIMARY KEY")
            statement = statement.replace(" WITHOUT ROWID", "")  # SQLite's clustered table
        cur.execute(statement)
    cur.execute(db.sql("INSERT INTO fitsm_meta (key, value) VALUES (?, ?)"), ("format", "fitsm"))
    cur.execute(
        db.sql("INSERT INTO fitsm_meta (key, value) VALUES (?, ?)"),
        ("schema_version", str(SCHEMA_VERSION)),
    )
    cur.execute(
        db.sql("INSERT INTO fitsm_meta (key, value) VALUES (?, ?)"), ("audit_head", GENESIS)
    )


def _migrate(db: Connection, cur: Any, version: int) -> None:
    for step in range(version, SCHEMA_VERSION):
        MIGRATIONS[step](db, cur)
    cur.execute(
        db.sql("UPDATE fitsm_meta SET value = ? WHERE key = 'schema_version'"),
        (str(SCHEMA_VERSION),),
    )
