"""The outbox of an SQL store: events written in the commit's transaction, read by cursor.

Positions are given while the commit holds the audit chain's head row, the lock
every commit takes, so they follow commit order: a consumer that has handled
everything up to position p has missed nothing before p.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fitsm.storage.events import (
    NewEvent,
    StoredEvent,
    checked_consumer,
    checked_limit,
    checked_position,
)
from fitsm.storage.sql.connection import Connection

__all__ = [
    "OUTBOX_TABLES",
    "acknowledge",
    "append_events",
    "consumer_position",
    "create_outbox",
    "read_events",
]

OUTBOX_TABLES = [
    "CREATE TABLE outbox (position BIGINT PRIMARY KEY, kind TEXT NOT NULL, "
    "subject TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL)",
    "CREATE TABLE outbox_consumers (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
]
"""The outbox and its consumers' cursors (schema 4)."""


def append_events(db: Connection, cur: Any, events: list[NewEvent]) -> None:
    """Write the commit's events after the last one, inside its transaction."""
    if not events:
        return
    cur.execute(db.sql("UPDATE fitsm_meta SET value = value WHERE key = 'audit_head'"))
    cur.execute("SELECT COALESCE(MAX(position), 0) FROM outbox")
    last = int(cur.fetchone()[0])
    db.bulk(
        cur,
        "outbox",
        ("position", "kind", "subject", "at", "data"),
        [
            (last + n, kind, subject, at.isoformat(), json.dumps(data, ensure_ascii=False))
            for n, (kind, subject, at, data) in enumerate(events, 1)
        ],
    )


def read_events(db: Connection, after: int, limit: int) -> list[StoredEvent]:
    """The events after position ``after``, at most ``limit``, in commit order."""
    after, limit = checked_position(after, "after"), checked_limit(limit)
    rows = db.read(
        "SELECT position, kind, subject, at, data FROM outbox WHERE position > ? "
        "ORDER BY position LIMIT ?",
        (after, limit),
    )
    return [
        StoredEvent(int(p), kind, subject, datetime.fromisoformat(at), json.loads(data))
        for p, kind, subject, at, data in rows
    ]


def consumer_position(db: Connection, consumer: str) -> int:
    """How far ``consumer`` has acknowledged (0: nothing yet)."""
    rows = db.read(
        "SELECT position FROM outbox_consumers WHERE name = ?", (checked_consumer(consumer),)
    )
    return int(rows[0][0]) if rows else 0


def acknowledge(db: Connection, consumer: str, position: int) -> None:
    """Record that ``consumer`` has handled every event up to ``position`` (never back)."""
    consumer, position = checked_consumer(consumer), checked_position(position)

    def work(cur: Any) -> None:
        cur.execute(db.sql("SELECT position FROM outbox_consumers WHERE name = ?"), (consumer,))
        found = cur.fetchone()
        if found is None:
            cur.execute(
                db.sql("INSERT INTO outbox_consumers (name, position) VALUES (?, ?)"),
                (consumer, position),
            )
        elif position > int(found[0]):
            cur.execute(
                db.sql("UPDATE outbox_consumers SET position = ? WHERE name = ?"),
                (position, consumer),
            )

    db.write(work)


def create_outbox(db: Connection, cur: Any) -> None:
    """Schema 3 -> 4: the outbox starts empty."""
    for statement in OUTBOX_TABLES:
        cur.execute(statement)
