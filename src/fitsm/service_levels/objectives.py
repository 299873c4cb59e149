"""Service level objectives: targets for an indicator over a time window (PR2.3).

A :class:`ServiceLevelObjective` says what share of a service's events (or time
slices) must be good over a window, in the terms of the OpenSLO v1
specification, so that objectives kept in OpenSLO files can be read, evaluated
with :func:`~fitsm.service_levels.error_budget` and written back
(:mod:`fitsm.interop.openslo`). The indicator itself (the query that counts good
and total events) belongs to the monitoring system: it is kept by name and, when
given inline, as the mapping it was given in.

A window is *rolling* (the last 28 days, at any instant) or *calendar-aligned*
(each calendar month from a start, in a time zone):

>>> from datetime import UTC, datetime
>>> from fractions import Fraction
>>> slo = ServiceLevelObjective(
...     "shop-availability", "shop", [SloObjective(Fraction(999, 1000))],
...     SloWindow.parse("1M", start=datetime(2026, 1, 1), zone="Europe/Berlin"),
...     indicator="shop-good-requests",
... )
>>> budget = slo.error_budget(at=datetime(2026, 2, 10, tzinfo=UTC))
>>> budget.window, budget.allowed
(datetime.timedelta(days=28), datetime.timedelta(seconds=2419, microseconds=200000))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier, text
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.service_levels.slo import ErrorBudget, _target
from fitsm.time.periods import Period, add_months, localize, time_zone
from fitsm.units import to_fraction

__all__ = [
    "WINDOW_UNITS",
    "BudgetingMethod",
    "ServiceLevelObjective",
    "SloObjective",
    "SloWindow",
]

WINDOW_UNITS = ("m", "h", "d", "w", "M", "Q", "Y")
"""OpenSLO's duration units: minute, hour, day, week, month, quarter, year (case matters)."""

_FIXED = {
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    # A rolling month, quarter and year have no calendar to follow; OpenSLO's
    # reference Go SDK counts them as 30, 90 and 365 days, and so does fitsm.
    "M": timedelta(days=30),
    "Q": timedelta(days=90),
    "Y": timedelta(days=365),
}
_MONTHS = {"M": 1, "Q": 3, "Y": 12}
_SHORTHAND = re.compile(r"^([0-9]+)([mhdwMQY])$")
_OPERATORS = ("lt", "lte", "gt", "gte")


class BudgetingMethod(StrEnum):
    """How an objective counts: good events of all events (``Occurrences``), good time
    slices of all slices (``Timeslices``), or the ratio per slice (``RatioTimeslices``)."""

    OCCURRENCES = "Occurrences"
    TIMESLICES = "Timeslices"
    RATIO_TIMESLICES = "RatioTimeslices"


def _count(instance: Any, attribute: attrs.Attribute[int], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"a window is a whole number of units >= 1, got {value!r}", field="duration"
        )


def _unit(instance: Any, attribute: attrs.Attribute[str], value: Any) -> None:
    if value not in WINDOW_UNITS:
        raise ValidationError(
            f"window unit {value!r} is not one of {', '.join(WINDOW_UNITS)}", field="duration"
        )


def _zone_name(instance: Any, attribute: attrs.Attribute[str], value: Any) -> None:
    time_zone(value)


def _instant_key(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def _aware_or_none(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    as_utc(value, "window start")
    return value


@attrs.frozen
class SloWindow:
    """A rolling window of ``count`` ``unit`` s, or a calendar-aligned one from ``start``.

    ``start`` (aware) is where the first calendar period begins; periods follow
    each other in ``zone``'s wall-clock time, so a calendar month runs from the
    start's day and time in one month to the same in the next (the last day of a
    shorter month), and a calendar day from local midnight to local midnight.
    A rolling window has no start and no zone.

    >>> SloWindow.parse("28d").length
    datetime.timedelta(days=28)
    """

    count: int = attrs.field(validator=_count)
    unit: str = attrs.field(validator=_unit)
    # compared as instants: Python finds two times of a repeated hour equal in one zone
    start: datetime | None = attrs.field(default=None, converter=_aware_or_none, eq=_instant_key)
    zone: str = attrs.field(default="UTC", validator=_zone_name)

    def __attrs_post_init__(self) -> None:
        if self.start is None and self.zone != "UTC":
            raise ValidationError(
                f"a rolling window has no time zone, got {self.zone!r}; give a start "
                "for a calendar-aligned window",
                field="zone",
            )
        if self.start is not None:
            object.__setattr__(self, "start", self.start.astimezone(time_zone(self.zone)))

    @classmethod
    def parse(cls, duration: str, *, start: datetime | None = None, zone: str = "UTC") -> SloWindow:
        """A window from OpenSLO's shorthand (``"28d"``, ``"1M"``); calendar-aligned when
        ``start`` is given. A naive ``start`` is a wall-clock time in ``zone``."""
        match = _SHORTHAND.match(duration) if isinstance(duration, str) else None
        if match is None:
            raise ValidationError(
                f"{duration!r} is not a duration; expected a whole number and a unit, "
                f"one of {', '.join(WINDOW_UNITS)}, such as '28d' or '1M'",
                field="duration",
            )
        if start is not None and start.tzinfo is None:
            start = localize(start, zone)
        return cls(int(match[1]), match[2], start, zone)

    @property
    def rolling(self) -> bool:
        """True for a rolling window, False for a calendar-aligned one."""
        return self.start is None

    @property
    def shorthand(self) -> str:
        """The window's length in OpenSLO's notation: ``"28d"``."""
        return f"{self.count}{self.unit}"

    @property
    def length(self) -> timedelta:
        """How long the window is; a calendar month, quarter or year has no one length."""
        if self.start is not None and self.unit in _MONTHS:
            raise ValidationError(
                f"a calendar-aligned {self.shorthand} window has no fixed length; "
                "ask for period(at)",
                field="duration",
            )
        return self.count * _FIXED[self.unit]

    def period(self, at: datetime) -> Period:
        """The window that ends at ``at`` (rolling), or the calendar period holding ``at``."""
        now = as_utc(at, "at")
        if self.start is None:
            return Period(now - self.length, now)
        tz = time_zone(self.zone)
        if now < self.start:
            raise ValidationError(
                f"{at.isoformat()} is before the window's first period starts, "
                f"{self.start.isoformat()}",
                field="at",
            )
        boundary = self._boundaries()
        step = self.count * _FIXED[self.unit]
        k = int((now - self.start) // step) if self.unit in "mh" else self._estimate(now)
        while k > 0 and boundary(k) > now:
            k -= 1
        while boundary(k + 1) <= now:
            k += 1
        return Period(boundary(k).astimezone(tz), boundary(k + 1).astimezone(tz))

    def _boundaries(self) -> Callable[[int], datetime]:
        assert self.start is not None
        start = self.start
        tz = time_zone(self.zone)
        wall = start.replace(tzinfo=None)
        if self.unit in "mh":
            # minutes and hours elapse: count them in UTC, not on the wall clock
            first, step = as_utc(start), self.count * _FIXED[self.unit]
            return lambda k: first + k * step
        if self.unit in "dw":
            days = self.count * _FIXED[self.unit].days
            return lambda k: localize(wall + timedelta(days=k * days), tz)
        months = self.count * _MONTHS[self.unit]
        return lambda k: localize(add_months(wall, k * months), tz)

    def _estimate(self, now: datetime) -> int:
        assert self.start is not None
        local = now.astimezone(self.start.tzinfo)
        if self.unit in "dw":
            days = self.count * _FIXED[self.unit].days
            return max(0, (local.date() - self.start.date()).days // days)
        months = self.count * _MONTHS[self.unit]
        elapsed = (local.year - self.start.year) * 12 + local.month - self.start.month
        return max(0, elapsed // months)


def _share_or_none(value: Any) -> Fraction | None:
    if value is None:
        return None
    share = to_fraction(value)
    if not 0 < share <= 1:
        raise ValidationError(
            f"time slice target must be above 0 and at most 1, got {value!r}",
            field="time_slice_target",
        )
    return share


def _number_or_none(value: Any) -> Fraction | None:
    return None if value is None else to_fraction(value)


def _operator(instance: Any, attribute: attrs.Attribute[str | None], value: Any) -> None:
    if value is not None and value not in _OPERATORS:
        raise ValidationError(
            f"op must be one of {', '.join(_OPERATORS)}, got {value!r}", field="op"
        )


def _slice_window(instance: Any, attribute: attrs.Attribute[timedelta | None], value: Any) -> None:
    if value is not None and (not isinstance(value, timedelta) or value <= timedelta(0)):
        raise ValidationError(
            f"time slice window must be a timedelta longer than zero, got {value!r}",
            field="time_slice_window",
        )


@attrs.frozen
class SloObjective:
    """One target of an SLO: the share of good events (or slices) it needs, strictly
    between 0 and 1, with the threshold (``op`` and ``value``) for a threshold indicator
    and the time slices for the ``Timeslices`` budgeting methods."""

    target: Fraction = attrs.field(converter=_target)
    display_name: str = attrs.field(default="", validator=text)
    op: str | None = attrs.field(default=None, validator=_operator)
    value: Fraction | None = attrs.field(default=None, converter=_number_or_none)
    time_slice_target: Fraction | None = attrs.field(default=None, converter=_share_or_none)
    time_slice_window: timedelta | None = attrs.field(default=None, validator=_slice_window)


def _objectives(value: Iterable[SloObjective]) -> tuple[SloObjective, ...]:
    found = tuple(value)
    if not found:
        raise ValidationError("an SLO needs at least one objective", field="objectives")
    for o in found:
        if not isinstance(o, SloObjective):
            raise ValidationError(
                f"objectives must be SloObjective values, got {o!r}", field="objectives"
            )
    return found


def _method(value: object) -> BudgetingMethod:
    try:
        return enum_value(BudgetingMethod)(value)
    except ValidationError as e:
        raise ValidationError(str(e), field="budgeting_method") from None


def _window(instance: Any, attribute: attrs.Attribute[SloWindow], value: Any) -> None:
    if not isinstance(value, SloWindow):
        raise ValidationError(f"window must be an SloWindow, got {value!r}", field="window")


def _frozen(value: Any) -> Any:
    """A JSON-like value made read-only: mappings as mapping proxies, lists as tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _labels(value: Mapping[str, Any]) -> Mapping[str, tuple[str, ...]]:
    labels = {}
    for key, values in dict(value).items():
        given = (values,) if isinstance(values, str) else values
        if (
            not isinstance(key, str)
            or not isinstance(given, list | tuple)
            or not all(isinstance(v, str) for v in given)
        ):
            raise ValidationError(
                f"labels map a name to text or a list of texts, got {key!r}: {values!r}",
                field="labels",
            )
        labels[key] = tuple(given)
    return MappingProxyType(labels)


def _annotations(value: Mapping[str, str]) -> Mapping[str, str]:
    found = dict(value)
    for key, v in found.items():
        if not isinstance(key, str) or not isinstance(v, str):
            raise ValidationError(
                f"annotations map a name to text, got {key!r}: {v!r}", field="annotations"
            )
    return MappingProxyType(found)


def _spec(value: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    return None if value is None else _frozen(value)


_NO_LABELS: Mapping[str, tuple[str, ...]] = MappingProxyType({})
_NO_ANNOTATIONS: Mapping[str, str] = MappingProxyType({})


@attrs.frozen
class ServiceLevelObjective:
    """An SLO of ``service`` (PR2.3): ``objectives`` for ``indicator`` over ``window``.

    ``indicator`` names the service level indicator; ``indicator_spec`` holds its
    definition when the SLO carries it inline (OpenSLO's ``indicator``: its
    ``metadata`` and ``spec``), read-only and as given. ``labels`` map a name to
    one or more values, ``annotations`` a name to one value.
    """

    name: str = attrs.field(validator=identifier)
    service: str = attrs.field(validator=identifier)
    objectives: tuple[SloObjective, ...] = attrs.field(converter=_objectives)
    window: SloWindow = attrs.field(validator=_window)
    indicator: str = attrs.field(kw_only=True, validator=identifier)
    budgeting_method: BudgetingMethod = attrs.field(
        default=BudgetingMethod.OCCURRENCES, converter=_method, kw_only=True
    )
    description: str = attrs.field(default="", validator=text, kw_only=True)
    display_name: str = attrs.field(default="", validator=text, kw_only=True)
    labels: Mapping[str, tuple[str, ...]] = attrs.field(
        default=_NO_LABELS, converter=_labels, kw_only=True
    )
    annotations: Mapping[str, str] = attrs.field(
        default=_NO_ANNOTATIONS, converter=_annotations, kw_only=True
    )
    indicator_spec: Mapping[str, Any] | None = attrs.field(
        default=None, converter=_spec, kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        sliced = self.budgeting_method is not BudgetingMethod.OCCURRENCES
        for i, o in enumerate(self.objectives):
            if sliced and o.time_slice_window is None:
                raise ValidationError(
                    f"SLO {self.name!r}: objective {i} needs a time_slice_window "
                    f"with budgeting method {self.budgeting_method.value}",
                    field="time_slice_window",
                )
            if self.budgeting_method is BudgetingMethod.TIMESLICES and o.time_slice_target is None:
                raise ValidationError(
                    f"SLO {self.name!r}: objective {i} needs a time_slice_target "
                    "with budgeting method Timeslices",
                    field="time_slice_target",
                )

    def error_budget(self, at: datetime | None = None, *, objective: int = 0) -> ErrorBudget:
        """The error budget of ``objectives[objective]`` over the window.

        A rolling window's budget is over its length; a calendar-aligned window's
        over the period holding ``at``, which it then needs (a calendar month's
        length depends on the month).
        """
        try:
            chosen = self.objectives[objective]
        except IndexError:
            raise ValidationError(
                f"SLO {self.name!r} has {len(self.objectives)} objective(s); "
                f"there is no objective {objective}",
                field="objective",
            ) from None
        if self.window.rolling:
            return ErrorBudget(chosen.target, self.window.length)
        if at is None:
            raise ValidationError(
                f"SLO {self.name!r} has a calendar-aligned window: give at= to choose its period",
                field="at",
            )
        return ErrorBudget(chosen.target, self.window.period(at).duration)
