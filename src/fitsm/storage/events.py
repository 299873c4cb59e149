"""Events out, none lost: the outbox a store writes in the same transaction as the change.

Every commit records what it did as events: cases registered and moved (and
major incidents declared), CMDB changes, outages recorded and ended, and any
event the application publishes in the unit of work (``uow.publish(...)``: SLA
clock warnings and breaches, target violations). An application reads them in
commit order with a cursor, acts (notifies people, syncs another system) and
acknowledges what it has handled; events it has not acknowledged come again
(at least once), so a crash between a commit and its delivery loses nothing.

>>> from fitsm import open_store
>>> store = open_store("memory://")
>>> store.pending_events("mailer")
[]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from fitsm.cases.base import Case
from fitsm.cases.incidents import IncidentChart
from fitsm.cmdb.history import Batch, CmdbChangeRecord
from fitsm.errors import ValidationError

__all__ = [
    "NewEvent",
    "StoredEvent",
    "case_events",
    "checked_consumer",
    "checked_limit",
    "checked_position",
    "cmdb_events",
    "outage_events",
    "plain",
    "published",
    "unseen",
]

_MAJOR = IncidentChart.declare_major.id

NewEvent = tuple[str, str, datetime, dict[str, Any]]
"""An event a commit writes: kind, subject, when it happened, its data (plain JSON values)."""


@attrs.frozen
class StoredEvent:
    """One event in the outbox, at its position in commit order."""

    position: int
    kind: str
    """``case_registered``, ``case_transition``, ``major_incident_declared``,
    ``cmdb_change``, ``cmdb_import``, ``outage_recorded``, ``outage_ended``, or the
    class name of a published event (``ClockWarning``, ``ClockBreached``, ...)."""
    subject: str
    """The case, CMDB, outage or other record the event is about."""
    at: datetime
    data: Mapping[str, Any]


def plain(value: Any) -> Any:
    """``value`` as plain JSON: ISO times, seconds, strings for exact numbers."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Fraction | Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if attrs.has(type(value)):
        return {a.name: plain(getattr(value, a.name)) for a in attrs.fields(type(value))}
    return str(value)


def case_events(case: Case, since: int | None) -> list[NewEvent]:
    """The events of a case written with its history from position ``since`` on
    (``None``: the case is new)."""
    found: list[NewEvent] = []
    if since is None:
        data = {"kind": case.kind, "by": case.registered_by, "title": case.title}
        found.append(("case_registered", case.id, case.registered_at, data))
    for h in case.history[since or 0 :]:
        data = {"kind": case.kind, "event": h.event, "from": h.source, "to": h.target,
                "actor": h.actor}  # fmt: skip
        found.append(("case_transition", case.id, h.at, data))
        if h.event == _MAJOR:
            found.append(("major_incident_declared", case.id, h.at, data))
    return found


def cmdb_events(cmdb_id: str, entries: Iterable[CmdbChangeRecord | Batch]) -> list[NewEvent]:
    """One event per recorded CMDB change; a bulk load is one ``cmdb_import``."""
    found: list[NewEvent] = []
    for entry in entries:
        if isinstance(entry, Batch):
            data = {"nodes": len(entry.nodes), "relationships": len(entry.sources),
                    "actor": entry.actor}  # fmt: skip
            found.append(("cmdb_import", cmdb_id, entry.at, data))
            continue
        data = {"cmdb": cmdb_id, "action": entry.action.value, "subject": entry.subject,
                "target": entry.target, "attribute": entry.attribute, "actor": entry.actor,
                "old": plain(entry.old), "new": plain(entry.new)}  # fmt: skip
        item = entry.subject if entry.target is None else f"{entry.subject} -> {entry.target}"
        found.append(("cmdb_change", item, entry.at, data))
    return found


def outage_events(recorded: Iterable[Any], ended: Iterable[Any]) -> list[NewEvent]:
    """Outages appended and outages ended by a commit."""
    found: list[NewEvent] = [("outage_recorded", o.id, o.start, plain(o)) for o in recorded]
    found += [("outage_ended", o.id, o.end, plain(o)) for o in ended]
    return found


def published(event: Any) -> NewEvent:
    """An event object the application publishes (``ClockWarning``, ``TargetViolated``, ...).

    It must be an attrs class with an ``at`` (or ``end``) time; its subject is its
    ``case``, ``subject`` or ``agreement``.
    """
    if not attrs.has(type(event)):
        raise ValidationError(f"publish takes an event object (an attrs class), got {event!r}")
    at = getattr(event, "at", None) or getattr(event, "end", None)
    if not isinstance(at, datetime):
        raise ValidationError(f"an event needs an 'at' or 'end' time, got {event!r}")
    subject = next(
        (getattr(event, n) for n in ("case", "subject", "agreement") if hasattr(event, n)), ""
    )
    return type(event).__name__, str(subject), at, plain(event)


def checked_consumer(consumer: object) -> str:
    """``consumer`` if it names one."""
    if not isinstance(consumer, str) or not consumer.strip():
        raise ValidationError(f"a consumer is named by a non-empty string, got {consumer!r}")
    return consumer


def checked_position(position: object, name: str = "position") -> int:
    """``position`` if it is one."""
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise ValidationError(f"{name} must be a whole number of at least 0, got {position!r}")
    return position


def checked_limit(limit: object) -> int:
    """``limit`` if it is a page size."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError(f"limit must be a whole number of at least 1, got {limit!r}")
    return limit


def unseen(events: Sequence[StoredEvent], after: int, limit: int) -> list[StoredEvent]:
    """The events after position ``after``, at most ``limit``, in order."""
    return [e for e in events if e.position > after][:limit]
