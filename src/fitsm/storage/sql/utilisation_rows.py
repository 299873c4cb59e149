"""Utilisation samples (PR5.2), one narrow row each, read back as numpy columns.

A series (subject, metric, unit) gets an integer id in ``utilisation_series``;
its samples are rows ``(series, at_us, value)`` of ``utilisation`` keyed by
``(series, at_us)``, so one subject's samples in a time range are one index range
read, however many series and samples the table holds (on SQLite the table is
``WITHOUT ROWID``: the rows are stored in key order, no second index). Batches
go in with ``COPY`` on PostgreSQL and ``executemany`` on SQLite; reads turn the
rows into two arrays without an object per sample.

Each appended batch is one audit entry. Its rows carry a random batch number,
and the entry records the batch's series, unit, number of samples and the
SHA-256 of its samples (:func:`samples_digest`), so that ``verify_audit`` can
tell a stored sample changed, removed or added from what was appended
(:mod:`~fitsm.storage.sql.integrity`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

import numpy as np

from fitsm.capacity.series import UtilisationSeries
from fitsm.errors import ConflictError
from fitsm.storage._utilisation import PendingSamples, bounds, checked_key, empty, missing
from fitsm.storage.sql.audit import AuditEntries
from fitsm.storage.sql.connection import Connection
from fitsm.time.intervals import from_micros

__all__ = [
    "SAMPLE",
    "UTILISATION_TABLES",
    "SqlUtilisationRepository",
    "add_batches",
    "create_utilisation",
    "samples_digest",
]

UTILISATION_TABLES = [
    "CREATE TABLE utilisation_series (id INTEGER PRIMARY KEY, subject TEXT NOT NULL, "
    "metric TEXT NOT NULL, unit TEXT NOT NULL, UNIQUE (subject, metric))",
    "CREATE TABLE utilisation (series INTEGER NOT NULL, at_us BIGINT NOT NULL, "
    "value DOUBLE PRECISION NOT NULL, batch BIGINT, PRIMARY KEY (series, at_us)) WITHOUT ROWID",
]
"""The utilisation tables (schema 8); PostgreSQL's are made without ``WITHOUT ROWID``.
``batch`` is the number of the append that wrote a sample (None: stored before schema 8,
and recorded in the upgrade's baseline entry)."""

SAMPLE = np.dtype([("at_us", "<i8"), ("value", "<f8")])
"""One sample as :func:`samples_digest` hashes it: the instant, then the value, little-endian."""


def samples_digest(times: np.ndarray, values: np.ndarray) -> str:
    """The SHA-256 (hex) of samples in time order, as the audit trail records a batch.
    A value of -0.0 counts as 0.0: SQLite stores it so."""
    packed = np.empty(len(times), dtype=SAMPLE)
    packed["at_us"] = times
    packed["value"] = values + 0.0  # -0.0 + 0.0 is 0.0
    return hashlib.sha256(packed.tobytes()).hexdigest()


def statements(db: Connection) -> list[str]:
    """:data:`UTILISATION_TABLES` as ``db``'s dialect writes them."""
    if db.dialect.name == "sqlite":
        return list(UTILISATION_TABLES)
    return [s.replace(" WITHOUT ROWID", "") for s in UTILISATION_TABLES]


def create_utilisation(db: Connection, cur: Any) -> None:
    """Schema 6 -> 7: the utilisation tables, empty (nothing stored before had samples).
    They are made as schema 7 had them: :func:`add_batches` takes them on to 8."""
    for statement in statements(db):
        cur.execute(statement.replace(" batch BIGINT,", ""))


def add_batches(db: Connection, cur: Any) -> None:
    """Schema 7 -> 8: samples get the number of the batch that wrote them. The samples
    stored already (whose entries recorded no rows) are recorded once, in a baseline
    entry, as :func:`~fitsm.storage.sql.integrity.record_baseline` did for schema 6."""
    from fitsm.storage.sql.integrity import record_utilisation_baseline

    cur.execute("ALTER TABLE utilisation ADD COLUMN batch BIGINT")
    record_utilisation_baseline(db, cur)


_EXACT = 1 << 53
"""Beyond this many microseconds from the epoch a float64 no longer holds every one."""


class SqlUtilisationRepository:
    """Utilisation series of an SQL store."""

    def __init__(self, db: Connection) -> None:
        self._db = db
        self.pending = PendingSamples()

    def _series(self, subject: str, metric: str) -> tuple[int, str] | None:
        rows = self._db.read(
            "SELECT id, unit FROM utilisation_series WHERE subject = ? AND metric = ?",
            (subject, metric),
        )
        return (int(rows[0][0]), str(rows[0][1])) if rows else None

    def _unit(self, subject: str, metric: str) -> str | None:
        found = self._series(subject, metric)
        return None if found is None else found[1]

    def _taken(self, subject: str, metric: str, series: UtilisationSeries) -> list[int]:
        found = self._series(subject, metric)
        if found is None:
            return []
        # only the stored instants inside the batch's span can collide: one index range
        rows = self._db.read(
            "SELECT at_us FROM utilisation WHERE series = ? AND at_us >= ? AND at_us <= ?",
            (found[0], int(series.times[0]), int(series.times[-1])),
        )
        if not rows:
            return []
        stored = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        return [int(t) for t in np.intersect1d(stored, series.times)]

    def append(self, series: UtilisationSeries) -> int:
        return self.pending.append(series, self._unit, self._taken)

    def read(
        self,
        subject: str,
        metric: str,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> UtilisationSeries:
        subject, metric = checked_key(subject, metric)
        lo, hi = bounds(start, end)
        found = self._series(subject, metric)
        if found is None:
            unit = self.pending.unit(subject, metric)
            if unit is None:
                raise missing(subject, metric)
            return self.pending.merged(empty(subject, metric, unit), (lo, hi))
        id, unit = found
        rows = self._db.read(
            "SELECT at_us, value FROM utilisation WHERE series = ? AND at_us >= ? AND at_us < ? "
            "ORDER BY at_us",
            (id, lo, hi),
        )
        if not rows:
            within = empty(subject, metric, unit)
        else:
            # both columns in one conversion of the fetched rows; microseconds since the epoch
            # stay below 2**53 until the year 2255, so float64 holds them exactly
            columns = np.array(rows, dtype=np.float64)
            times = columns[:, 0].astype(np.int64)
            if len(times) and (times[0] < -_EXACT or times[-1] > _EXACT):
                times = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            within = UtilisationSeries(subject, metric, unit, times, columns[:, 1].copy())
        return self.pending.merged(within, (lo, hi))

    def series(self) -> list[tuple[str, str, str]]:
        rows = self._db.read("SELECT subject, metric, unit FROM utilisation_series")
        known = {(str(s), str(m)): str(u) for s, m, u in rows}
        known.update(self.pending.units)
        return sorted((s, m, u) for (s, m), u in known.items())

    def write(self, cur: Any, audit: AuditEntries) -> None:
        db = self._db
        for key, batches in sorted(self.pending.batches.items()):
            subject, metric = key
            unit = self.pending.units[key]
            cur.execute(
                db.sql("SELECT id, unit FROM utilisation_series WHERE subject = ? AND metric = ?"),
                key,
            )
            found = cur.fetchone()
            if found is None:
                cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM utilisation_series")
                id = int(cur.fetchone()[0])
                # a concurrent first writer of the same series breaks UNIQUE: a ConflictError
                cur.execute(
                    db.sql(
                        "INSERT INTO utilisation_series (id, subject, metric, unit) "
                        "VALUES (?, ?, ?, ?)"
                    ),
                    (id, subject, metric, unit),
                )
            elif key in self.pending.new or found[1] != unit:
                raise ConflictError(
                    f"utilisation series {subject}/{metric} was started by someone else "
                    "meanwhile; reload and append again"
                )
            else:
                id = int(found[0])
            for batch in batches:
                number = secrets.randbits(62) + 1  # unique without a round trip to the store
                # a sample taken meanwhile breaks the primary key: a ConflictError, nothing written
                db.bulk(
                    cur,
                    "utilisation",
                    ("series", "at_us", "value", "batch"),
                    zip(
                        [id] * len(batch),
                        batch.times.tolist(),
                        batch.values.tolist(),
                        [number] * len(batch),
                        strict=True,
                    ),
                )
                digest = samples_digest(batch.times, batch.values)
                index = audit.add(
                    from_micros(int(batch.times[-1])),
                    audit.actor,
                    "utilisation",
                    f"{subject}/{metric}",
                    "recorded",
                    {
                        "samples": len(batch),
                        "first": from_micros(int(batch.times[0])).isoformat(),
                        "last": from_micros(int(batch.times[-1])).isoformat(),
                        "unit": unit,
                        "sha256": digest,
                    },
                )
                audit.states.setdefault(index, {})["utilisation"] = [
                    subject, metric, unit, number, len(batch), digest,
                ]  # fmt: skip

    def settle(self) -> None:
        self.pending.clear()
