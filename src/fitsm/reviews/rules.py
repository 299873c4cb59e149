"""When a review falls due: after a fixed interval, or every N calendar months on a day.

FitSM-1 asks for a dozen things "at planned intervals" (GR1.3, GR6.2, PR2.2,
PR2.4, PR4.1, PR4.2, PR5.1, PR6.1, PR6.2, PR7.4, PR8.4, PR11.5). A *rule* says
how long after one review the next falls due:

- a :class:`~datetime.timedelta`: the next review is due that long after the
  last one, counted in UTC (so a day is always 24 hours, whatever the clocks do);
- a :class:`MonthlyRule`: the next review is due by 00:00 on a day of the month,
  a number of calendar months after the month of the last one, in a time zone.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from fitsm.clock import as_utc
from fitsm.errors import ValidationError

__all__ = ["MonthlyRule", "ReviewRule", "checked_rule", "next_due"]


def _whole(low: int, high: int) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(
                f"{type(instance).__name__}.{attribute.name} must be a whole number from "
                f"{low} to {high}, got {value!r}",
                field=attribute.name,
            )

    return check


def _zone_name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _tz(value)


def _tz(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise ValidationError(
            f"zone must be an IANA time zone name such as 'Europe/Berlin', got {name!r}",
            field="zone",
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"unknown time zone {name!r}; expected an IANA name such as 'Europe/Berlin'",
            field="zone",
        ) from None


@attrs.frozen
class MonthlyRule:
    """Every ``months`` calendar months, due by 00:00 on day ``day``, in time zone ``zone``.

    After a review done on the local date *d* (in ``zone``), the next one falls due at
    00:00 local time on ``day`` of the month that lies ``months`` calendar months after
    *d*'s month. A day the month lacks means its last day (31 in April is the 30th,
    in February the 28th or 29th). Calendar months are counted in ``zone`` because
    "the first of the quarter" is a local date; the due instant is kept in UTC.

    >>> rule = MonthlyRule(3, day=1, zone="Europe/Berlin")
    >>> rule.next_due(datetime(2026, 1, 20, 15, tzinfo=UTC)).isoformat()
    '2026-03-31T22:00:00+00:00'
    """

    months: int = attrs.field(validator=_whole(1, 120))
    day: int = attrs.field(default=1, validator=_whole(1, 31))
    zone: str = attrs.field(default="UTC", validator=_zone_name)

    def next_due(self, after: datetime) -> datetime:
        """When the next review falls due, after one done at ``after`` (UTC).

        Always later than ``after``: the month is at least the next one.
        """
        tz = _tz(self.zone)
        local = as_utc(after, "after").astimezone(tz).date()
        index = local.year * 12 + local.month - 1 + self.months
        year, month = divmod(index, 12)
        day = min(self.day, calendar.monthrange(year, month + 1)[1])
        # 00:00 local; where the clocks skip midnight, zoneinfo's first reading (fold=0)
        # lands on the first instant after the gap
        due = datetime.combine(date(year, month + 1, day), datetime.min.time(), tzinfo=tz)
        return due.astimezone(UTC)

    def __str__(self) -> str:
        every = "every month" if self.months == 1 else f"every {self.months} months"
        return f"{every} by day {self.day} ({self.zone})"


ReviewRule: TypeAlias = timedelta | MonthlyRule
"""How long after a review the next falls due: an interval, or a :class:`MonthlyRule`."""


def checked_rule(rule: object) -> ReviewRule:
    """``rule`` if it is a positive interval or a :class:`MonthlyRule`; else ValidationError."""
    if isinstance(rule, MonthlyRule):
        return rule
    if isinstance(rule, timedelta):
        if rule <= timedelta(0):
            raise ValidationError(f"a review interval must be positive, got {rule!r}", field="rule")
        return rule
    raise ValidationError(
        f"a review rule must be a timedelta or a MonthlyRule, got {rule!r}", field="rule"
    )


def next_due(rule: ReviewRule, after: datetime) -> datetime:
    """When the next review falls due under ``rule``, after one done at ``after`` (UTC).

    >>> next_due(timedelta(days=90), datetime(2026, 1, 5, 9, tzinfo=UTC)).isoformat()
    '2026-04-05T09:00:00+00:00'
    """
    rule = checked_rule(rule)
    if isinstance(rule, MonthlyRule):
        return rule.next_due(after)
    return as_utc(after, "after") + rule
