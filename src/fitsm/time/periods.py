"""Reporting periods: calendar months in a time zone (PR2.3, PR3).

An SLA is usually reported per calendar month, and a month begins at local
midnight where the customer is. :func:`month` gives one month as a
:class:`Period` (a ``(start, end)`` pair of aware datetimes, end excluded) and
:func:`months` the months from one instant to another:

>>> march = month(2026, 3, zone="Europe/Berlin")
>>> print(march.start, march.end)
2026-03-01 00:00:00+01:00 2026-04-01 00:00:00+02:00
>>> march.duration  # 31 days less the hour daylight saving time takes
datetime.timedelta(days=30, seconds=82800)
>>> may = month(2026, 5, zone="Europe/Berlin")
>>> [p.start.strftime("%b") for p in months(march.start, may.end)]
['Mar', 'Apr', 'May']

Both ends are in the month's zone, so they print as the local midnights they
are. Python subtracts two datetimes that share a zone as wall-clock times
(``march.end - march.start`` is 31 days); :attr:`Period.duration` subtracts in
UTC and is what elapsed. Local midnight that the clocks skip (a few zones change
at midnight) means the first instant after the gap, and one that happens twice
its first occurrence, as in :class:`~fitsm.time.BusinessCalendar`.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo

from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.time.calendar import _instant, _zone
from fitsm.time.intervals import from_micros

__all__ = ["Period", "add_months", "localize", "month", "months", "time_zone"]


class Period(NamedTuple):
    """A half-open span of time ``[start, end)`` between two aware datetimes."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        """The time that elapses from ``start`` to ``end``, counted in UTC."""
        return as_utc(self.end, "end") - as_utc(self.start, "start")


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; an unknown name is a :class:`~fitsm.errors.ValidationError`.

    >>> time_zone("Europe/Berlin").key
    'Europe/Berlin'
    """
    if not isinstance(name, str):
        raise ValidationError(
            f"a time zone is an IANA name such as 'Europe/Berlin', got {name!r}", field="zone"
        )
    try:
        return _zone(name)
    except ValidationError as e:
        raise ValidationError(str(e), field="zone") from None


def add_months(wall: datetime, count: int) -> datetime:
    """The same day and time ``count`` months later, on the month's last day if it is shorter.

    Works on wall-clock time: the result keeps ``wall``'s tzinfo (or its absence).

    >>> add_months(datetime(2026, 1, 31, 12), 1)
    datetime.datetime(2026, 2, 28, 12, 0)
    """
    index = wall.year * 12 + wall.month - 1 + count
    year, month_ = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValidationError(f"{count} months after {wall.isoformat()} is out of range")
    day = min(wall.day, calendar.monthrange(year, month_ + 1)[1])
    return wall.replace(year=year, month=month_ + 1, day=day)


def localize(wall: datetime, zone: str | tzinfo) -> datetime:
    """A wall-clock time (a naive datetime) in ``zone`` as an aware datetime in ``zone``.

    A time the clocks skip means the first instant after the gap, a time that
    happens twice its first occurrence (the rule of
    :class:`~fitsm.time.BusinessCalendar`), which suits boundaries such as a
    month's first midnight. To read recorded times, where such a time is an
    error in the data, :func:`fitsm.interop.read_outages` refuses both instead.

    >>> print(localize(datetime(2026, 3, 29, 2, 30), "Europe/Berlin"))
    2026-03-29 03:00:00+02:00
    """
    if wall.tzinfo is not None:
        raise ValidationError(
            f"localize takes a wall-clock time without a zone, got {wall.isoformat()}"
        )
    tz = _zone_of(zone)
    if isinstance(tz, ZoneInfo):
        return from_micros(_instant(wall, tz)).astimezone(tz)
    return wall.replace(tzinfo=tz)  # a fixed offset has no gaps nor folds


def _zone_of(zone: str | tzinfo) -> tzinfo:
    return time_zone(zone) if isinstance(zone, str) else zone


def month(year: int, month: int, *, zone: str | tzinfo = "UTC") -> Period:
    """The calendar month ``month`` of ``year`` in ``zone``, from its first local midnight
    to the next month's.

    >>> month(2026, 2)
    Period(start=datetime.datetime(2026, 2, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo(key='UTC')), \
end=datetime.datetime(2026, 3, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo(key='UTC')))
    """
    for what, value in (("year", year), ("month", month)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"{what} must be a whole number, got {value!r}", field=what)
    if not 1 <= month <= 12:
        raise ValidationError(f"month must be between 1 and 12, got {month}", field="month")
    if not 1 <= year <= 9998:
        raise ValidationError(f"year must be between 1 and 9998, got {year}", field="year")
    tz = _zone_of(zone)
    first = datetime(year, month, 1)
    return Period(localize(first, tz), localize(add_months(first, 1), tz))


def months(start: datetime, end: datetime, *, zone: str | tzinfo | None = None) -> list[Period]:
    """The calendar months in ``zone`` that ``[start, end)`` touches, whole, in order.

    ``zone`` defaults to ``start``'s time zone. A month is listed whole even where
    ``start`` or ``end`` falls inside it, so each period is a full reporting month.

    >>> from zoneinfo import ZoneInfo
    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> [p.start.month for p in months(datetime(2026, 1, 15, tzinfo=berlin),
    ...                                datetime(2026, 4, 1, tzinfo=berlin))]
    [1, 2, 3]
    """
    begin, finish = as_utc(start, "start"), as_utc(end, "end")
    if finish <= begin:
        raise ValidationError(
            f"end {end.isoformat()} must be after start {start.isoformat()}", field="end"
        )
    tz = _zone_of(zone) if zone is not None else start.tzinfo
    assert tz is not None  # as_utc refused a naive start
    first = begin.astimezone(tz)
    last = (finish - timedelta(microseconds=1)).astimezone(tz)
    found = []
    year, number = first.year, first.month
    while (year, number) <= (last.year, last.month):
        found.append(month(year, number, zone=tz))
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return found
