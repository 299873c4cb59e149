"""Outage records one row each (PR4.4): appended, ended once, read by subject and period.

An ongoing outage is stored with ``end_us = OPEN`` (a time past any real one), so
"ends after the period starts" is one index range that includes it. The index
on ``(subject, end_us)`` makes the outages of one service in one month a range
read whatever the table holds; ``end_us`` alone serves questions over every subject.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from fitsm.availability.measurement import Outage, OutageLog, OutageState
from fitsm.errors import ConflictError, NotFoundError
from fitsm.storage import codec
from fitsm.storage._outages import PendingOutages, period
from fitsm.storage.sql.audit import AuditEntries
from fitsm.storage.sql.connection import Connection
from fitsm.time.intervals import from_micros, micros

__all__ = ["OPEN", "OUTAGE_TABLES", "SqlOutageRepository", "outages_to_rows"]

OPEN = 1 << 62
"""``end_us`` of an outage that is still going on."""

OUTAGE_TABLES = [
    "CREATE TABLE outages (id TEXT PRIMARY KEY, subject TEXT NOT NULL, start_us BIGINT NOT NULL, "
    "end_us BIGINT NOT NULL, state TEXT NOT NULL, planned INTEGER NOT NULL)",
    "CREATE INDEX outages_by_subject ON outages (subject, end_us)",
    "CREATE INDEX outages_by_end ON outages (end_us)",
]
"""The outage table and its indexes (schema 2)."""

_COLUMNS = "id, subject, start_us, end_us, state, planned"
_CHUNK = 500
"""Subjects per query: well inside every driver's limit on parameters."""


def _row(outage: Outage) -> tuple[Any, ...]:
    end = OPEN if outage.end is None else micros(outage.end)
    return (
        outage.id,
        outage.subject,
        micros(outage.start),
        end,
        outage.state.value,
        int(bool(outage.planned)),
    )


def _outage(row: Sequence[Any]) -> Outage:
    id, subject, start, end, state, planned = row
    return Outage(
        subject,
        from_micros(start),
        None if end == OPEN else from_micros(end),
        state,
        bool(planned),
        id=id,
    )


class SqlOutageRepository:
    """Outage records of an SQL store."""

    def __init__(self, db: Connection) -> None:
        self._db = db
        self.pending = PendingOutages()

    def record(self, *outages: Outage) -> list[str]:
        return self.pending.record(outages, self._stored)

    def _stored(self, id: str) -> bool:
        return bool(self._db.read("SELECT 1 FROM outages WHERE id = ?", (id,)))

    def get(self, id: str) -> Outage:
        found = self.pending.get(id)
        if found is not None:
            return found
        rows = self._db.read(f"SELECT {_COLUMNS} FROM outages WHERE id = ?", (id,))
        if not rows:
            raise NotFoundError(f"no outage with id {id!r} in the store")
        return _outage(rows[0])

    def close(self, id: str, end: datetime) -> Outage:
        return self.pending.close(self.get(id), end)

    def _rows(
        self, start: datetime, end: datetime, subjects: Iterable[str] | None
    ) -> list[tuple[Any, ...]]:
        lo, hi = micros(start), micros(end)
        if subjects is None:
            return self._db.read(
                f"SELECT {_COLUMNS} FROM outages WHERE end_us > ? AND start_us < ?", (lo, hi)
            )
        wanted = sorted(set(subjects))
        rows: list[tuple[Any, ...]] = []
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows += self._db.read(
                f"SELECT {_COLUMNS} FROM outages "
                f"WHERE subject IN ({marks}) AND end_us > ? AND start_us < ?",
                (*chunk, lo, hi),
            )
        return rows

    def find(
        self, start: datetime, end: datetime, subjects: Iterable[str] | None = None
    ) -> list[Outage]:
        start, end = period(start, end)
        wanted = None if subjects is None else set(subjects)
        found = [_outage(r) for r in self._rows(start, end, wanted)]
        return self.pending.merged(found, start, end, wanted)

    def log(
        self, start: datetime, end: datetime, subjects: Iterable[str] | None = None
    ) -> OutageLog:
        start, end = period(start, end)
        if self.pending.new or self.pending.closed:
            return OutageLog.of(self.find(start, end, subjects), until=end)
        rows = self._rows(start, end, None if subjects is None else set(subjects))
        # columns straight from the rows: no Outage object per row
        rows.sort(key=lambda r: (r[2], r[0]))
        index: dict[str, int] = {}
        codes = [index.setdefault(r[1], len(index)) for r in rows]
        ends = np.fromiter((r[3] for r in rows), dtype=np.int64, count=len(rows))
        np.minimum(ends, micros(end), out=ends)  # ongoing outages last until the period's end
        starts = np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows))
        np.maximum(ends, starts, out=ends)
        down = [r[4] == OutageState.DOWN for r in rows]
        planned = [bool(r[5]) for r in rows]
        return OutageLog(index, codes, starts, ends, down, planned)

    def write(self, cur: Any, audit: AuditEntries) -> None:
        db = self._db
        if self.pending.new:
            db.bulk(
                cur,
                "outages",
                _COLUMNS.split(", "),
                [_row(o) for o in self.pending.new.values()],
            )
            for outage in self.pending.new.values():
                audit.changed(audit.outage(outage, "recorded"), "outages", None, _row(outage))
        for id, outage in self.pending.closed.items():
            assert outage.end is not None
            cur.execute(
                db.sql("UPDATE outages SET end_us = ? WHERE id = ? AND end_us = ?"),
                (micros(outage.end), id, OPEN),
            )
            if cur.rowcount != 1:
                raise ConflictError(f"outage {id!r} was ended by someone else meanwhile")
            # the stored row was the outage as loaded, still going on: only its end changed
            row = _row(outage)
            audit.changed(audit.outage(outage, "ended"), "outages", (*row[:3], OPEN, *row[4:]), row)

    def settle(self) -> None:
        self.pending.clear()


def outages_to_rows(db: Connection, cur: Any) -> None:
    """Schema 1 -> 2: the outage document (every outage in one JSON body) becomes rows.

    Each outage gets the id ``<document id>-<n>``, n counting from 1 in the order
    they were recorded.
    """
    for statement in OUTAGE_TABLES:
        cur.execute(statement)
    cur.execute("SELECT id, body FROM aggregates WHERE kind = 'outages'")
    documents = cur.fetchall()
    for book, body in documents:
        # the document as schema 1 wrote it: {"$g": "Outages", "s": {"_records": [...]}}
        records = json.loads(body)["s"]["_records"]
        rows = []
        for n, encoded in enumerate(records, 1):
            outage: Outage = codec.decode(encoded)
            rows.append(_row(Outage(
                outage.subject, outage.start, outage.end, outage.state, outage.planned,
                id=f"{book}-{n}",
            )))  # fmt: skip
        db.bulk(cur, "outages", _COLUMNS.split(", "), rows)
    cur.execute("DELETE FROM aggregates WHERE kind = 'outages'")
