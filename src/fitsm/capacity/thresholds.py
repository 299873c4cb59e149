"""Thresholds and the breaches they find in a utilisation series (PR5.2, PR5.4).

FitSM-2 asks to "monitor capacity including assessment against thresholds" and
to "respond when capacity thresholds are exceeded"; PR5.4 speaks of
"operational warnings and exceptions". A :class:`Threshold` sets a warning and a
critical level for one metric, as shares of the subject's capacity, either for
one CI or for every CI of a CI type; the one for the CI wins
(:meth:`~fitsm.capacity.CapacityRegister.threshold_for`).

:func:`breaches` evaluates a series against a threshold with numpy, and reports
*intervals*, not samples: a :class:`Breach` starts at the first sample at or
above a level and ends at the first sample below it again (``end`` is None when
the series ends above it), with the peak value in between. A critical breach
lies within a warning breach; both are reported.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from fitsm._validators import identifier, identifier_or_empty, shown
from fitsm.capacity.capacities import Capacity
from fitsm.capacity.series import UtilisationSeries
from fitsm.errors import ValidationError
from fitsm.time.intervals import from_micros
from fitsm.units import Quantity, root_units, share

__all__ = ["Breach", "BreachLevel", "Threshold", "breach_indices", "breaches", "level_share"]


class BreachLevel(StrEnum):
    """How serious a breach is: a warning, or critical (an exception, PR5.4)."""

    WARNING = "warning"
    CRITICAL = "critical"


def _share(value: Any) -> Fraction:
    return level_share(value, "threshold level")


def level_share(value: Any, what: str) -> Fraction:
    """A share of a capacity (``Q_(80, "percent")``, ``0.8``, ``Fraction(4, 5)``) as a
    fraction; a quantity in bytes is refused, though pint counts bytes as dimensionless."""
    if isinstance(value, Quantity) and root_units(value.units) != "dimensionless":
        raise ValidationError(
            f"{what} is a share of the capacity, such as Q_(80, 'percent') or 0.8; got {value}",
            field=what,
        )
    return share(value, what)


@attrs.frozen
class Threshold:
    """Warning and critical levels of ``metric``, as shares of the capacity (``Q_(80,
    "percent")`` or ``Fraction(4, 5)``), for one CI (``subject``) or for a CI type.

    >>> from fitsm.units import Q_
    >>> Threshold("storage", Q_(80, "percent"), Q_(90, "percent"), ci_type="storage").key
    'type:storage/storage'
    """

    metric: str = attrs.field(validator=identifier)
    warning: Fraction = attrs.field(converter=_share)
    critical: Fraction = attrs.field(converter=_share)
    subject: str = attrs.field(default="", validator=identifier_or_empty)
    ci_type: str = attrs.field(default="", validator=identifier_or_empty)

    def __attrs_post_init__(self) -> None:
        if bool(self.subject) == bool(self.ci_type):
            raise ValidationError(
                f"threshold for {self.metric!r} must name either a CI (subject=) or a CI type "
                f"(ci_type=), got subject={self.subject!r} and ci_type={self.ci_type!r}",
                field="subject",
            )
        if not 0 < self.warning < self.critical:
            raise ValidationError(
                f"threshold {self.key}: expected 0 < warning < critical, got warning "
                f"{float(self.warning):.4g} and critical {float(self.critical):.4g} (shares of "
                "the capacity)",
                field="warning",
            )

    @property
    def key(self) -> str:
        """``ci:<subject>/<metric>`` or ``type:<ci type>/<metric>``."""
        scope = f"ci:{self.subject}" if self.subject else f"type:{self.ci_type}"
        return f"{scope}/{self.metric}"


@attrs.frozen
class Breach:
    """An interval in which a series was at or above a level (PR5.4).

    ``end`` is the instant of the first sample below the level again, None if the
    series ends in the breach; ``peak`` is the highest value, in the series' unit.
    """

    subject: str
    metric: str
    level: BreachLevel
    start: datetime
    end: datetime | None
    peak: float
    unit: str
    limit: float
    """The level in the series' unit (share x capacity)."""


def breach_indices(values: Any, limit: float) -> tuple[Any, Any, Any]:
    """Where ``values`` is at or above ``limit``: the index of each run's first sample, of
    the first sample after it (``len(values)`` if none) and the run's maximum, as arrays.

    >>> s, e, p = breach_indices(np.array([1.0, 5, 6, 2, 7]), 5)
    >>> s.tolist(), e.tolist(), p.tolist()
    ([1, 4], [3, 5], [6.0, 7.0])
    """
    above = np.asarray(values) >= limit
    if not above.any():
        empty = np.empty(0, np.int64)
        return empty, empty, np.empty(0, np.float64)
    # a run starts where above turns on and ends where it turns off: one pass of diff
    edges = np.diff(above.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    bounds = np.column_stack([starts, ends]).ravel()
    if bounds[-1] == len(above):
        bounds = bounds[:-1]  # reduceat takes the last run up to the end by itself
    peaks = np.maximum.reduceat(values, bounds)[::2]
    return starts, ends, peaks


def breaches(
    series: UtilisationSeries, capacity: Capacity | Any, threshold: Threshold
) -> list[Breach]:
    """The warning and critical breaches of ``series`` against ``threshold`` applied to
    ``capacity`` (a :class:`Capacity` or a quantity), by start, warning before critical.

    >>> from datetime import UTC, timedelta
    >>> from fitsm.units import Q_
    >>> t0 = datetime(2026, 1, 1, tzinfo=UTC)
    >>> s = UtilisationSeries.of("san1", "storage", "TB",
    ...     [t0 + timedelta(hours=h) for h in range(5)], [70, 85, 95, 82, 60])
    >>> t = Threshold("storage", Q_(80, "percent"), Q_(90, "percent"), subject="san1")
    >>> [(b.level.value, b.start.hour, b.end.hour, b.peak) for b in breaches(s, Q_(100, "TB"), t)]
    [('warning', 1, 4, 95.0), ('critical', 2, 3, 95.0)]
    """
    if not isinstance(threshold, Threshold):
        raise ValidationError(f"expected a Threshold, got {shown(threshold)}", field="threshold")
    if threshold.metric != series.metric:
        raise ValidationError(
            f"threshold {threshold.key} is for {threshold.metric!r}, the series for "
            f"{series.metric!r}; expected the same metric",
            field="threshold",
        )
    amount = capacity if not isinstance(capacity, Capacity) else capacity.amount
    full = Capacity(series.subject, series.metric, amount).in_unit(series.unit)
    found: list[Breach] = []
    times = series.times
    for level, fraction in (
        (BreachLevel.WARNING, threshold.warning),
        (BreachLevel.CRITICAL, threshold.critical),
    ):
        limit = float(fraction * Fraction(full))
        starts, ends, peaks = breach_indices(series.values, limit)
        for s, e, p in zip(starts.tolist(), ends.tolist(), peaks.tolist(), strict=True):
            end = from_micros(times[e]) if e < len(times) else None
            start = from_micros(times[s])
            found.append(
                Breach(series.subject, series.metric, level, start, end, p, series.unit, limit)
            )
    order = {BreachLevel.WARNING: 0, BreachLevel.CRITICAL: 1}
    found.sort(key=lambda b: (b.start, order[b.level]))
    return found
