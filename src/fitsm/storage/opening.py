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


def open_store(url: str) -> Store:
    """Open the store a URL names.

    ``memory://`` is a new, empty in-process store; ``sqlite:///path/to/fitsm.db``
    (three slashes before a relative path, four before an absolute one) or
    ``sqlite:///:memory:`` an SQLite database; ``postgresql://user@host/db`` a
    PostgreSQL database (with the ``postgresql`` extra).

    >>> open_store("memory://")
    <MemoryStore 'memory://'>
    """
    if not isinstance(url, str):
        raise UnsupportedStoreError(f"store URL must be a string, got {type(url).__name__}")
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        from fitsm.storage.memory import MemoryStore

        return MemoryStore(url)
    if scheme == "sqlite":
        from fitsm.storage.sqlite import open_sqlite

        path = url[len("sqlite://") :]
        return open_sqlite(url, path[1:] if path.startswith("/") else path)
    if scheme in ("postgresql", "postgres"):
        from fitsm.storage.postgresql import open_postgres

        return open_postgres(url)
    known = ", ".join(f"{s}://" for s in _SCHEMES)
    raise UnsupportedStoreError(f"no store serves {redacted(url)!r}; supported: {known}")
