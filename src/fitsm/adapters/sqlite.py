"""SQLite: the embedded default. A file path is all a user gives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fitsm.adapters.sql import Dialect, SqlStore
from fitsm.errors import StoreError

__all__ = ["SQLITE", "open_sqlite"]

SQLITE = Dialect(
    name="sqlite",
    param="?",
    serial="INTEGER",
    begin="BEGIN IMMEDIATE",
    errors=(sqlite3.Error,),
    integrity=(sqlite3.IntegrityError,),
)


def open_sqlite(url: str, path: str) -> SqlStore:
    """Open (or create) the SQLite store at ``path``; ``:memory:`` keeps it in this process."""
    if path not in ("", ":memory:"):
        parent = Path(path).parent
        if not parent.is_dir():
            raise StoreError(f"cannot open {url!r}: the directory {str(parent)!r} does not exist")
    try:
        connection = sqlite3.connect(
            path or ":memory:", isolation_level=None, check_same_thread=False, timeout=30
        )
    except sqlite3.Error as e:
        raise StoreError(f"cannot open {url!r}: {e}") from e

    def tune(conn: sqlite3.Connection) -> None:
        # only once the file is known to be ours: WAL rewrites the file header
        if path not in ("", ":memory:"):
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")

    return SqlStore(url, connection, SQLITE, after_open=tune)
