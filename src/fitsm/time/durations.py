"""Durations as people read them: signed, largest unit first, business hours said so.

``timedelta`` prints an overspent error budget as ``-1 day, 23:43:48``, which
reads as almost a day; :func:`format_duration` prints ``-16 min 12 s``. Where a
duration counts only agreed service hours (an SLA clock on an office calendar),
a day is not 24 hours of it, so it is shown in hours and marked as business
time: ``28 business h 30 min``.

>>> from datetime import timedelta
>>> format_duration(timedelta(days=-1, seconds=85428))
'-16 min 12 s'
>>> format_duration(timedelta(days=3, hours=4))
'3 d 4 h'
"""

from __future__ import annotations

from datetime import timedelta

from fitsm.errors import ValidationError
from fitsm.time.calendar import DAY, BusinessCalendar
from fitsm.units import Quantity, duration

__all__ = ["format_duration", "is_wall_clock"]

_US = timedelta(microseconds=1)
_UNITS = (("d", 86_400_000_000), ("h", 3_600_000_000), ("min", 60_000_000))
_ALL_DAY = ((0, DAY),)


def is_wall_clock(calendar: BusinessCalendar | None) -> bool:
    """Whether time counted in ``calendar`` is plain elapsed time (none, or 24x7 without
    holidays), rather than business time.

    >>> is_wall_clock(BusinessCalendar.always("Europe/Berlin"))
    True
    >>> is_wall_clock(BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"}))
    False
    """
    if calendar is None:
        return True
    return (
        all(day == _ALL_DAY for day in calendar.weekly)
        and not calendar.holidays
        and all(day == _ALL_DAY for day in calendar.exceptions.values())
    )


def format_duration(
    value: timedelta | Quantity,  # type: ignore[type-arg]
    *,
    calendar: BusinessCalendar | None = None,
) -> str:
    """A duration as signed, readable text, exact to the microsecond.

    Parts are days, hours, minutes and seconds, largest first, zero parts left
    out; seconds keep their fraction (``12.5 s``), so the text says exactly what
    the ``timedelta`` holds. The sign stands once, in front. When ``calendar``
    counts business time (anything but 24x7 without holidays: see
    :func:`is_wall_clock`), there are no days, since a business day has no fixed
    length, and the largest part says ``business``.

    ``value`` is a ``timedelta`` or a ``[time]`` quantity such as ``Q_(90, "minute")``.

    >>> from fitsm.time import BusinessCalendar
    >>> format_duration(timedelta(hours=-1, minutes=-2, seconds=-12))
    '-1 h 2 min 12 s'
    >>> office = BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"})
    >>> format_duration(timedelta(days=1, hours=4, minutes=30), calendar=office)
    '28 business h 30 min'
    >>> format_duration(timedelta(0))
    '0 s'
    """
    if isinstance(value, bool) or not isinstance(value, timedelta | Quantity):
        raise ValidationError(
            f"expected a timedelta or a [time] quantity such as Q_(4, 'hour'), got {value!r}"
        )
    micros = duration(value, "duration") // _US
    if micros == 0:
        return "0 s"
    business = not is_wall_clock(calendar)
    left = abs(micros)
    parts: list[str] = []
    for unit, size in _UNITS:
        if business and unit == "d":
            continue  # a business day has no fixed length: count business hours
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count} {unit}")
    if left:
        whole, fraction = divmod(left, 1_000_000)
        shown = f"{whole}.{fraction:06d}".rstrip("0") if fraction else str(whole)
        parts.append(f"{shown} s")
    if business:
        parts[0] = parts[0].replace(" ", " business ", 1)
    return ("-" if micros < 0 else "") + " ".join(parts)
