"""PostgreSQL: one store shared by a team (needs the ``postgresql`` extra)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fitsm.errors import StoreError
from fitsm.storage.sql import Dialect, SqlStore
from fitsm.storage.sql.audit import AuditKey
from fitsm.storage.urls import redacted

__all__ = ["open_postgres"]


def open_postgres(url: str, audit_key: AuditKey | None = None) -> SqlStore:
    """A store in the PostgreSQL database ``url`` names (needs the ``postgresql`` extra)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - depends on the environment
        raise StoreError(
            "PostgreSQL stores need the optional psycopg driver: pip install 'fitsm[postgresql]'"
        ) from None
    dialect = Dialect(
        name="postgresql",
        param="%s",
        begin="BEGIN",
        errors=(psycopg.Error,),
        integrity=(
            psycopg.errors.IntegrityError,
            psycopg.errors.DeadlockDetected,
            psycopg.errors.SerializationFailure,
        ),
        begin_read="BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        lock_read=" FOR SHARE",
        server_cursors=True,
    )
    shown = redacted(url)
    password = urlsplit(url).password or ""
    try:
        connection = psycopg.connect(url, autocommit=True)
    except psycopg.Error as e:
        # libpq may echo the connection string in its message: never the password
        message = str(e).replace(password, "***") if password else str(e)
        raise StoreError(f"cannot open {shown!r}: {message}") from None

    def reconnect() -> Any:
        return psycopg.connect(url, autocommit=True)

    return SqlStore(shown, connection, dialect, reconnect=reconnect, audit_key=audit_key)
