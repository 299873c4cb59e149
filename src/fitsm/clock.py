"""Time as the domain sees it: aware datetimes, passed in, normalised to UTC.

The domain never reads a clock. Operations that record *when* something
happened (a CMDB change, a service's move) take a required ``at=``, so the same
history always gives the same answer. A :class:`Clock` belongs to the
application service that stamps the times (``CaseDesk``, or your own code):
:class:`SystemClock` in production, :class:`FixedClock` in tests and replays.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from fitsm._validators import shown
from fitsm.errors import NaiveDatetimeError, ValidationError

__all__ = ["Clock", "FixedClock", "SystemClock", "as_utc", "recorded_at"]


def as_utc(value: datetime, name: str = "datetime") -> datetime:
    """Return ``value`` converted to UTC; reject naive datetimes.

    >>> as_utc(datetime(2024, 3, 1, 12, tzinfo=UTC)).isoformat()
    '2024-03-01T12:00:00+00:00'
    """
    if not isinstance(value, datetime):
        raise ValidationError(f"{name} must be a datetime, got {shown(value)}", field=name)
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise NaiveDatetimeError(
            f"{name} {value.isoformat()!r} has no time zone; "
            "expected an aware datetime such as datetime(..., tzinfo=UTC)",
            field=name,
        )
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        # datetime.max at UTC-1 is a moment after the last one UTC can name
        raise ValidationError(
            f"{name} {value.isoformat()!r} lies outside the years 1 to 9999 in UTC; "
            "expected a datetime that UTC can represent",
            field=name,
        ) from None


def recorded_at(at: datetime | None, now: datetime, lead: timedelta, what: str) -> datetime:
    """When an operation is recorded: ``at`` (in UTC), or ``now`` when not given.

    ``at`` may lie in the past (recording what happened) but not later than
    ``now + lead``: something dated in the future would block a record for everyone
    until then. ``what`` names the operation in the error.
    """
    when = now if at is None else as_utc(at, "at")
    if when > now + lead:
        raise ValidationError(
            f"{what} is dated {when.isoformat()}, later than now ({now.isoformat()}) by "
            f"more than {lead}; operations record what happened",
            field="at",
        )
    return when


class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that shows a set time until moved; for tests and replays."""

    def __init__(self, at: datetime) -> None:
        self._at = as_utc(at, "at")

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = as_utc(at, "at")
