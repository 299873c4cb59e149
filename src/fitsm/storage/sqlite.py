"""SQLite: the embedded default. A file path is all a user gives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fitsm.errors import StoreError
from fitsm.storage.sql import Dialect, SqlStore
from fitsm.storage.sql.audit import AuditKey

__all__ = ["SQLITE", "open_sqlite"]

SQLITE = Dialect(
    name="sqlite",
    param="?",
    begin="BEGIN IMMEDIATE",
    errors=(sqlite3.Error,),
    integrity=(sqlite3.IntegrityError,),
)
"""What SQLite needs: ``?`` placeholders, write transactions that take the lock at once."""


def open_sqlite(url: str, path: str, audit_key: AuditKey | None = None) -> SqlStore:
    """Open (or create) the SQLite store at ``path``; ``:memory:`` keeps it in this process.

    ``path?mode=ro`` opens an existing store read-only: reads work, commits raise.
    """
    read_only = False
    if "?" in path:
        path, _, query = path.partition("?")
        if query != "mode=ro":
            raise StoreError(f"cannot open {url!r}: the only option is '?mode=ro', got {query!r}")
        read_only = True
    if path not in ("", ":memory:"):
        parent = Path(path).parent
        if not parent.is_dir():
            raise StoreError(f"cannot open {url!r}: the directory {str(parent)!r} does not exist")
        if Path(path).is_file() and Path(path).stat().st_size == 0:
            # SQLite would take it for a new database; a store is never an empty file, so
            # this is something else (a truncated store, a file made for another purpose)
            raise StoreError(
                f"cannot open {url!r}: the file exists and is empty, so it is not a fitsm "
                "store; remove it to create a new store there. Nothing was changed"
            )
    try:
        if read_only:
            if not Path(path).is_file():
                raise StoreError(f"cannot open {url!r} read-only: there is no such file")
            connection = sqlite3.connect(
                f"file:{Path(path).resolve()}?mode=ro",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=30,
            )
        else:
            connection = sqlite3.connect(
                path or ":memory:", isolation_level=None, check_same_thread=False, timeout=30
            )
    except sqlite3.Error as e:
        raise StoreError(f"cannot open {url!r}: {e}") from e

    def tune(conn: sqlite3.Connection) -> None:
        # only once the file is known to be ours: WAL rewrites the file header
        if path not in ("", ":memory:") and not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")

    return SqlStore(url, connection, SQLITE, after_open=tune, audit_key=audit_key)
