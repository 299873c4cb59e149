"""Stores chosen by URL: memory, SQLite (the embedded default) and PostgreSQL.

Drivers are imported only when a store of their kind is opened, so
``import fitsm`` never pays for a backend it does not use.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fitsm.errors import UnsupportedStoreError
from fitsm.storage.ports import Store
from fitsm.storage.urls import redacted

__all__ = ["open_store"]

_SCHEMES = ("memory", "sqlite", "postgresql")


def open_store(url: str, *, audit_key: bytes | str | None = None) -> Store:
    """Open the store a URL names.

    ``memory://`` is a new, empty in-process store; ``sqlite:///path/to/fitsm.db``
    (three slashes before a relative path, four before an absolute one) or
    ``sqlite:///:memory:`` an SQLite database; ``postgresql://user@host/db`` a
    PostgreSQL database (with the ``postgresql`` extra).

    ``audit_key`` (SQL stores; at least 16 bytes, best 32 random ones, kept by
    the application, never in the database) signs each audit entry with an
    HMAC, so that ``verify_audit()`` finds a trail rewritten without the key. A
    store whose trail is signed takes commits only with its key.

    >>> open_store("memory://")
    <MemoryStore 'memory://'>
    """
    if not isinstance(url, str):
        raise UnsupportedStoreError(f"store URL must be a string, got {type(url).__name__}")
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        from fitsm.storage.memory import MemoryStore

        if audit_key is not None:
            raise UnsupportedStoreError(
                "memory:// keeps no audit trail to sign: audit_key is for SQL stores"
            )
        return MemoryStore(url)
    if scheme == "sqlite":
        from fitsm.storage.sql.audit import AuditKey
        from fitsm.storage.sqlite import open_sqlite

        key = None if audit_key is None else AuditKey(audit_key)
        path = url[len("sqlite://") :]
        return open_sqlite(url, path[1:] if path.startswith("/") else path, key)
    if scheme in ("postgresql", "postgres"):
        from fitsm.storage.postgresql import open_postgres
        from fitsm.storage.sql.audit import AuditKey

        return open_postgres(url, None if audit_key is None else AuditKey(audit_key))
    known = ", ".join(f"{s}://" for s in _SCHEMES)
    raise UnsupportedStoreError(f"no store serves {redacted(url)!r}; supported: {known}")
