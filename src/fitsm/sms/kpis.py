"""Key performance indicators and their measurements (GR5, GR6.1).

FitSM-1 (CC BY 4.0): "GR6.1 The effectiveness of the SMS and its service
management processes shall be measured and evaluated based on suitable key
performance indicators in support of defined or agreed goals." The FitSM SPD
training defines a KPI in five columns, which :class:`Kpi` keeps: the *goal*
(the situation to achieve, a FitSM-1 requirement), the *measure* (quantifiable,
objective), the *collection* (responsibility, effort, means), the *target*
(achievable, time-bound) and the *review* (periodic assessment). Measurements
are exact numbers (Fraction); whether one meets the target is decided exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

import attrs

from fitsm._validators import enum_value, identifier, text
from fitsm.errors import ValidationError
from fitsm.roles import Process
from fitsm.sms.records import SmsChange, history, non_blank, utc, utc_or_none

__all__ = ["Kpi", "KpiTarget", "Measurement", "TargetDirection", "exact"]


def exact(value: object, what: str = "value") -> Fraction:
    """``value`` as an exact Fraction: int, Fraction, Decimal or a decimal string; floats are
    refused, since ``0.1`` is not one tenth."""
    if isinstance(value, bool | float):
        raise ValidationError(
            f"{what} must be exact (int, Fraction, Decimal or a decimal string), got {value!r}",
            field=what,
        )
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, Decimal | str):
        try:
            result = Fraction(Decimal(value))
        except (ArithmeticError, ValueError):
            raise ValidationError(f"{what} must be a finite number, got {value!r}") from None
        return result
    raise ValidationError(
        f"{what} must be exact (int, Fraction, Decimal or a decimal string), got {value!r}",
        field=what,
    )


def _exact_target(value: object) -> Fraction:
    return exact(value, "target")


def _exact_value(value: object) -> Fraction:
    return exact(value, "value")


def _direction(value: object) -> TargetDirection:
    return enum_value(TargetDirection, "direction")(value)


class TargetDirection(StrEnum):
    """Whether a KPI meets its target at or above it, or at or below it."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


@attrs.frozen
class KpiTarget:
    """A target: a value, which side of it is good, and by when it is to be reached
    (time-bound)."""

    value: Fraction = attrs.field(converter=_exact_target)
    direction: TargetDirection = attrs.field(default=TargetDirection.AT_LEAST, converter=_direction)
    by: datetime | None = attrs.field(default=None, converter=utc_or_none)

    def met(self, value: Fraction) -> bool:
        """Whether ``value`` meets the target (a value equal to it does)."""
        if self.direction is TargetDirection.AT_LEAST:
            return value >= self.value
        return value <= self.value

    def __str__(self) -> str:
        sign = ">=" if self.direction is TargetDirection.AT_LEAST else "<="
        return f"{sign} {_shown(self.value)}"


def _shown(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return str(decimal.normalize()) if Fraction(decimal) == value else str(value)


def _counts(value: Mapping[str, int]) -> Mapping[str, int]:
    for key, count in value.items():
        if not isinstance(key, str) or isinstance(count, bool) or not isinstance(count, int):
            raise ValidationError(
                f"counts map names to whole numbers, got {key!r}: {count!r}", field="counts"
            )
    return MappingProxyType(dict(value))


@attrs.frozen
class Measurement:
    """One measurement of a KPI: its exact value, when and by whom it was taken, the
    period it covers and the counts behind it (``{"met": 18, "counted": 20}``)."""

    at: datetime = attrs.field(converter=utc)
    by: str = attrs.field(validator=identifier)
    value: Fraction = attrs.field(converter=_exact_value)
    period: str = attrs.field(default="", validator=text)
    """The period measured, as the reports name it (``"2024-03"``)."""
    counts: Mapping[str, int] = attrs.field(factory=dict, converter=_counts)
    note: str = attrs.field(default="", validator=text)


def _process(value: object) -> Process | None:
    return None if value is None else enum_value(Process, "process")(value)


def _measurements(value: Iterable[Measurement]) -> tuple[Measurement, ...]:
    return tuple(value)


@attrs.frozen
class Kpi:
    """A key performance indicator in the five columns of the SPD training.

    ``process`` is the process it measures, or None for the SMS as a whole;
    ``computed`` names the function of :mod:`fitsm.sms.computed` that measures it
    from the stored data, where the library holds them (``"incidents_within_target"``).

    >>> k = Kpi("k1", "Incidents resolved in time", goal="PR9.4: resolve within the SLA",
    ...         measure="share of incidents resolved within target", collection="desk tool",
    ...         target=KpiTarget("0.9"), review="quarterly", process="ISRM")
    >>> k.target.met(Fraction(18, 20)), str(k.target)
    (True, '>= 0.9')
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=non_blank)
    goal: str = attrs.field(validator=non_blank)
    measure: str = attrs.field(validator=non_blank)
    collection: str = attrs.field(validator=non_blank)
    target: KpiTarget
    review: str = attrs.field(validator=non_blank)
    process: Process | None = attrs.field(default=None, converter=_process)
    computed: str = attrs.field(default="", validator=text)
    measurements: tuple[Measurement, ...] = attrs.field(default=(), converter=_measurements)
    retired: bool = False
    history: tuple[SmsChange, ...] = attrs.field(default=(), converter=history)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.target, KpiTarget):
            raise ValidationError(
                f"KPI {self.id!r}: target must be a KpiTarget, got {self.target!r}",
                field="target",
            )

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    def on_target(self) -> bool | None:
        """Whether the latest measurement meets the target; None before the first."""
        latest = self.latest
        return None if latest is None else self.target.met(latest.value)
