"""Service hours: weekly rules in an IANA time zone, holidays and exceptions (PR2).

A :class:`BusinessCalendar` says when a service is agreed to be provided. Rules
are written in local wall-clock time (``"mon-fri": "08:00-12:00, 13:00-17:00"``)
and every answer is computed in UTC, so a day that loses or gains an hour to
daylight saving time has 23 or 25 hours:

>>> from datetime import UTC, datetime
>>> berlin = BusinessCalendar.always("Europe/Berlin")
>>> march = datetime(2024, 3, 1, tzinfo=berlin.tz), datetime(2024, 4, 1, tzinfo=berlin.tz)
>>> berlin.service_time(*march)
datetime.timedelta(days=30, seconds=82800)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import numpy as np

from fitsm._validators import check_text, frozen_mapping, items, shown, text
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.time.intervals import Intervals, from_micros, micros
from fitsm.units import duration

__all__ = ["BusinessCalendar", "Window"]

Window = tuple[int, int]
"""Seconds after local midnight: ``(28800, 64800)`` is 08:00-18:00; 86400 ends at midnight."""

DAY = 86_400
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
_SEARCH_CHUNK = timedelta(days=28)
_SEARCH_LIMIT = timedelta(days=3 * 366)


def _seconds(text: str) -> int:
    match = _CLOCK.match(text)
    if not match:
        raise ValidationError(f"{text!r} is not a time of day; expected HH:MM such as '08:00'")
    h, m, s = int(match[1]), int(match[2]), int(match[3] or 0)
    value = h * 3600 + m * 60 + s
    if m > 59 or s > 59 or value > DAY:
        raise ValidationError(f"{text!r} is not a time of day between 00:00 and 24:00")
    return value


def _window(value: Any) -> Window:
    if isinstance(value, str):
        if value.count("-") != 1:
            raise ValidationError(f"{shown(value)} is not a window; expected 'HH:MM-HH:MM'")
        a, b = (_seconds(part) for part in value.split("-"))
    elif isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, time) for v in value):
        a = value[0].hour * 3600 + value[0].minute * 60 + value[0].second
        b = value[1].hour * 3600 + value[1].minute * 60 + value[1].second or DAY
    else:
        raise ValidationError(
            f"{shown(value)} is not a window; expected 'HH:MM-HH:MM' or (time, time)"
        )
    if not a < b:
        raise ValidationError(f"window {shown(value)} ends before it starts")
    return (a, b)


def _windows(value: Any) -> tuple[Window, ...]:
    if not isinstance(value, str | tuple | list):
        raise ValidationError(
            f"{shown(value)} is not a list of windows; expected e.g. '08:00-18:00'"
        )
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, time) for v in value):
        value = [value]
    found = sorted(_window(v) for v in value)
    for (_, end), (start, _) in itertools.pairwise(found):
        if start < end:
            raise ValidationError(f"windows {found!r} overlap")
    return tuple(found)


def _day_set(key: str) -> list[int]:
    if not isinstance(key, str):
        raise ValidationError(f"{shown(key)} is not a day; expected e.g. 'mon' or 'mon-fri'")
    days: list[int] = []
    for part in key.lower().replace(" ", "").split(","):
        if part in ("daily", "all"):
            days.extend(range(7))
        elif "-" in part:
            first, last = part.split("-", 1)
            if first not in _DAYS or last not in _DAYS:
                raise ValidationError(f"{key!r} is not a day range; expected e.g. 'mon-fri'")
            i, j = _DAYS.index(first), _DAYS.index(last)
            days.extend(range(i, j + 1) if i <= j else [*range(i, 7), *range(j + 1)])
        elif part in _DAYS:
            days.append(_DAYS.index(part))
        else:
            raise ValidationError(f"{part!r} is not a day; expected one of {', '.join(_DAYS)}")
    return days


def _day_windows(value: Any, what: str) -> tuple[Window, ...]:
    """One day's windows as stored: (start, end) seconds after midnight, in order."""
    found = items(value, f"{what} as a list of (start, end) seconds")
    for window in found:
        if not (
            isinstance(window, tuple)
            and len(window) == 2
            and all(isinstance(s, int) and not isinstance(s, bool) for s in window)
            and 0 <= window[0] < window[1] <= DAY
        ):
            raise ValidationError(
                f"{what}: {shown(window)} is not a window of seconds between 0 and {DAY}"
            )
    return found


def _weekly(value: Any) -> tuple[tuple[Window, ...], ...]:
    days = items(value, "7 lists of windows, Monday first")
    if len(days) != 7:
        raise ValidationError(f"weekly needs 7 entries (Monday first), got {shown(value)}")
    return tuple(_day_windows(d, f"weekly[{i}]") for i, d in enumerate(days))


def _dates(value: Any) -> frozenset[date]:
    found = items(value, "a list of dates")
    for day in found:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValidationError(
                f"holidays must be dates, got {shown(day)} in {shown(value)}", field="holidays"
            )
    return frozenset(found)


def _frozen_exceptions(
    value: Mapping[date, tuple[Window, ...]],
) -> Mapping[date, tuple[Window, ...]]:
    found = frozen_mapping(value, "exceptions as a mapping of date to windows")
    for day, windows in found.items():
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValidationError(
                f"exceptions must map dates to windows, got {shown(day)} in {shown(value)}",
                field="exceptions",
            )
        _day_windows(windows, f"the exception on {day}")
    return found


def _instant(wall: datetime, tz: ZoneInfo) -> int:
    """A local wall-clock time as UTC microseconds.

    A time the clocks skip (inside a spring-forward gap) means the first instant
    after the gap; a time that happens twice (autumn) means its first occurrence.
    """
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return micros(first)
    # in a gap: fold=1 reads it with the offset after the change, landing before the
    # gap; fold=0 with the offset before, landing after it. Search between the two.
    lo, hi = micros(wall.replace(tzinfo=tz, fold=1).astimezone(UTC)), micros(first)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if from_micros(mid).astimezone(tz).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid
    return hi


def _zone(name: str) -> ZoneInfo:
    check_text(name, "zone", field="zone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError(
            f"unknown time zone {name!r}; expected an IANA name such as 'Europe/Berlin'"
        ) from None


@attrs.frozen(eq=True)
class BusinessCalendar:
    """Agreed service hours.

    ``weekly`` holds the windows of each weekday (Monday first); ``holidays``
    are dates without service; ``exceptions`` replace the weekly windows on
    single dates (an empty tuple closes the day). Build one with
    :meth:`from_rules` or :meth:`always`.
    """

    zone: str
    weekly: tuple[tuple[Window, ...], ...] = attrs.field(converter=_weekly)
    holidays: frozenset[date] = attrs.field(default=frozenset(), converter=_dates)
    exceptions: Mapping[date, tuple[Window, ...]] = attrs.field(
        factory=dict, converter=_frozen_exceptions
    )
    name: str = attrs.field(default="", validator=text)
    tz: ZoneInfo = attrs.field(init=False, eq=False, repr=False)

    @tz.default
    def _tz(self) -> ZoneInfo:
        return _zone(self.zone)

    # -- construction ------------------------------------------------------------

    @classmethod
    def from_rules(
        cls,
        rules: Mapping[str, Any],
        *,
        zone: str = "UTC",
        holidays: Iterable[date] = (),
        exceptions: Mapping[date, Any] | None = None,
        name: str = "",
    ) -> BusinessCalendar:
        """Service hours from rules such as ``{"mon-fri": "08:00-12:00, 13:00-17:00"}``.

        Keys are days (``"mon"``), ranges (``"mon-fri"``), lists (``"sat,sun"``)
        or ``"daily"``; later keys override earlier ones for the days they name.
        """
        if not isinstance(rules, Mapping):
            raise ValidationError(
                f"rules must map days to windows, such as {{'mon-fri': '08:00-17:00'}}, "
                f"got {shown(rules)}"
            )
        if exceptions is not None and not isinstance(exceptions, Mapping):
            raise ValidationError(f"exceptions must map dates to windows, got {shown(exceptions)}")
        weekly: list[tuple[Window, ...]] = [()] * 7
        for key, value in rules.items():
            windows = _windows(value)
            for day in _day_set(key):
                weekly[day] = windows
        return cls(
            zone,
            tuple(weekly),
            _dates(holidays),
            {d: _windows(v) for d, v in (exceptions or {}).items()},
            name,
        )

    @classmethod
    def always(cls, zone: str = "UTC") -> BusinessCalendar:
        """24 hours a day, 7 days a week."""
        return cls(zone, (((0, DAY),),) * 7, name="24x7")

    def with_holidays(self, dates: Iterable[date]) -> BusinessCalendar:
        return attrs.evolve(self, holidays=self.holidays | frozenset(dates))

    def with_country_holidays(
        self, country: str, years: Iterable[int], *, subdiv: str | None = None
    ) -> BusinessCalendar:
        """Add the public holidays of a country (needs the ``holidays`` extra)."""
        try:
            import holidays as country_holidays
        except ImportError:  # pragma: no cover - depends on the environment
            raise ValidationError(
                "country holidays need the optional 'holidays' package: "
                "pip install 'fitsm[holidays]'"
            ) from None
        try:
            found = country_holidays.country_holidays(country, subdiv=subdiv, years=list(years))
        except NotImplementedError:
            raise ValidationError(f"no holiday calendar for country {country!r}") from None
        return self.with_holidays(found.keys())

    # -- questions -----------------------------------------------------------------

    def windows(self, start: datetime, end: datetime) -> Intervals:
        """The service windows within ``[start, end)``, as UTC intervals."""
        lo, hi = micros(start, "start"), micros(end, "end")
        if hi < lo:
            raise ValidationError(
                f"period ends before it starts: {start.isoformat()} to {end.isoformat()}"
            )
        return self._windows_between(lo, hi)

    def service_time(self, start: datetime, end: datetime) -> timedelta:
        """Agreed service time between two instants (business time)."""
        return self.windows(start, end).duration()

    def is_open(self, at: datetime) -> bool:
        instant = micros(at, "at")
        return bool(self._windows_between(instant, instant + 1).total())

    def add(self, start: datetime, amount: Any) -> datetime:
        """The instant when ``amount`` of service time has passed after ``start``.

        ``amount`` is a ``timedelta`` or a ``[time]`` quantity. Deadlines use this:
        a "1 day" target on a 9-to-5 calendar is 24 hours of service time, three
        working days.
        """
        left = duration(amount, "amount") // timedelta(microseconds=1)
        if left < 0:
            raise ValidationError(f"cannot add a negative amount of service time: {amount!r}")
        cursor = micros(start, "start")
        chunk = _SEARCH_CHUNK // timedelta(microseconds=1)
        limit = cursor + _SEARCH_LIMIT // timedelta(microseconds=1)
        while cursor < limit:
            found = self._windows_between(cursor, cursor + chunk)
            lengths = found.ends - found.starts
            passed = np.cumsum(lengths)
            k = int(np.searchsorted(passed, left))
            if k < lengths.size:
                before = int(passed[k] - lengths[k])
                return from_micros(int(found.starts[k]) + left - before).astimezone(UTC)
            left -= int(passed[-1]) if passed.size else 0
            cursor += chunk
        raise ValidationError(
            f"calendar {self.name or self.zone!r} has no service time left within "
            f"{_SEARCH_LIMIT.days} days of {as_utc(start).isoformat()}"
        )

    # -- internals -------------------------------------------------------------------

    def _windows_between(self, lo: int, hi: int) -> Intervals:
        tz = self.tz
        first = from_micros(lo).astimezone(tz).date() - timedelta(days=1)
        last = from_micros(hi).astimezone(tz).date()
        starts: list[int] = []
        ends: list[int] = []
        day = first
        while day <= last:
            if day not in self.holidays:
                todays = self.exceptions.get(day)
                if todays is None:
                    todays = self.weekly[day.weekday()]
                if todays:
                    midnight = datetime(day.year, day.month, day.day)
                    for a, b in todays:
                        # wall-clock times, then UTC: DST days get 23 or 25 hours
                        starts.append(_instant(midnight + timedelta(seconds=a), tz))
                        ends.append(_instant(midnight + timedelta(seconds=b), tz))
            day += timedelta(days=1)
        return Intervals.of(starts, ends).clip(lo, hi)
