"""One connection to an SQL database: the dialect, reads, bulk inserts, write transactions."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import attrs

from fitsm.errors import ConflictError, StoreError

__all__ = ["Connection", "Dialect", "Reader"]

_T = TypeVar("_T")


@attrs.frozen
class Dialect:
    """What differs between the SQL backends."""

    name: str
    param: str
    """The placeholder: ``?`` or ``%s``."""
    begin: str
    """The statement that starts a write transaction."""
    errors: tuple[type[BaseException], ...]
    """The driver's error classes, translated to StoreError."""
    integrity: tuple[type[BaseException], ...]
    """Errors that mean a concurrent writer won (a key taken, a deadlock, a serialization
    failure): translated to ConflictError, which the caller may retry."""
    begin_read: str = "BEGIN"
    """The statement that starts a read transaction: one consistent snapshot."""
    lock_read: str = ""
    """Appended to a SELECT whose row must not change until the commit (`` FOR SHARE``)."""
    server_cursors: bool = False
    """Whether a long read is streamed through a named (server-side) cursor: psycopg's
    ordinary cursors fetch a whole result at once, sqlite3's step through it anyway."""


class Connection:
    """One database connection, used by one thread at a time, with driver errors translated."""

    def __init__(
        self,
        url: str,
        connection: Any,
        dialect: Dialect,
        reconnect: Callable[[], Any] | None = None,
    ) -> None:
        self.url = url
        self.dialect = dialect
        self.raw = connection
        """The driver's connection (sqlite3 or psycopg)."""
        self._reconnect = reconnect
        # one statement at a time: the store may be shared by the threads of a process
        self._lock = threading.RLock()
        self.closed = False
        self._streams = 0

    def _usable(self) -> None:
        """Check the store is open; replace a connection the server dropped."""
        self.check_open()
        if self._reconnect is not None and (
            getattr(self.raw, "broken", False) or getattr(self.raw, "closed", False)
        ):
            try:
                self.raw = self._reconnect()
            except self.dialect.errors as e:
                raise StoreError(f"cannot reconnect to store {self.url!r}: {e}") from e

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.raw.close()

    def check_open(self) -> None:
        if self.closed:
            raise StoreError(f"store {self.url!r} is closed")

    def sql(self, statement: str) -> str:
        return statement if self.dialect.param == "?" else statement.replace("?", "%s")

    def snapshot(self, work: Callable[[Reader], _T]) -> _T:
        """Run ``work(reader)`` in one read transaction: every read sees the same commits."""
        with self._lock:
            self._usable()
            cur = self.raw.cursor()
            try:
                cur.execute(self.dialect.begin_read)
                result = work(Reader(self, cur))
                cur.execute("COMMIT")
                return result
            except BaseException as e:
                with contextlib.suppress(*self.dialect.errors):
                    cur.execute("ROLLBACK")
                if isinstance(e, self.dialect.errors):
                    raise StoreError(f"cannot read store {self.url!r}: {e}") from e
                raise
            finally:
                cur.close()

    def read(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            self._usable()
            try:
                cur = self.raw.cursor()
                cur.execute(self.sql(statement), params)
                rows: list[tuple[Any, ...]] = cur.fetchall()
                cur.close()
                return rows
            except self.dialect.errors as e:
                raise StoreError(f"cannot read store {self.url!r}: {e}") from e

    def stream(
        self, statement: str, params: Sequence[Any] = (), size: int = 2000
    ) -> Iterator[tuple[Any, ...]]:
        """The rows of ``statement``, fetched ``size`` at a time: a table of millions of rows
        is read without holding it in memory. Only inside a transaction (a snapshot, a
        write), which must outlive the iteration; read the stream to its end or close it."""
        if self.dialect.server_cursors:
            self._streams += 1
            cur = self.raw.cursor(name=f"fitsm_stream_{self._streams}")
        else:
            cur = self.raw.cursor()
        try:
            cur.execute(self.sql(statement), params)
            while rows := cur.fetchmany(size):
                yield from rows
        finally:
            cur.close()

    def table_names(self) -> set[str]:
        cur = self.raw.cursor()
        if self.dialect.name == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            cur.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            )
        names = {r[0] for r in cur.fetchall()}
        cur.close()
        return names

    def require_version(self, cur: Any, select: str, params: Sequence[Any], loaded_at: Any) -> bool:
        """Whether the row ``select`` finds still has the version ``loaded_at``; the row stays
        locked against writers until the commit where the dialect can (``FOR SHARE``)."""
        cur.execute(self.sql(select) + self.dialect.lock_read, params)
        found = cur.fetchone()
        return found is not None and found[0] == loaded_at

    def bulk(
        self, cur: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Insert many rows: ``COPY`` on PostgreSQL, ``executemany`` on SQLite."""
        names = ", ".join(columns)
        if self.dialect.name == "postgresql":
            with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def write(self, work: Callable[[Any], None]) -> None:
        """Run ``work(cursor)`` in one transaction; translate driver errors."""
        with self._lock:
            self._usable()
            cur = self.raw.cursor()
            try:
                cur.execute(self.dialect.begin)
                work(cur)
                cur.execute("COMMIT")
            except BaseException as e:
                with contextlib.suppress(*self.dialect.errors):
                    cur.execute("ROLLBACK")
                if isinstance(e, self.dialect.integrity):
                    raise ConflictError(
                        f"a concurrent writer got there first ({e}); nothing was written, "
                        "reload and try again"
                    ) from e
                if isinstance(e, self.dialect.errors):
                    raise StoreError(
                        f"cannot write to store {self.url!r}: {e}; nothing was written"
                    ) from e
                raise
            finally:
                cur.close()


class Reader:
    """Reads inside one :meth:`Connection.snapshot`."""

    def __init__(self, db: Connection, cur: Any) -> None:
        self._db = db
        self._cur = cur

    def read(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._cur.execute(self._db.sql(statement), params)
        rows: list[tuple[Any, ...]] = self._cur.fetchall()
        return rows

    def stream(self, statement: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of ``statement`` a few thousand at a time (:meth:`Connection.stream`)."""
        return self._db.stream(statement, params)
