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

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from typing import Any, overload

import attrs
import numpy as np

from fitsm._validators import identifier, identifier_or_empty, shown
from fitsm.capacity.capacities import Capacity
from fitsm.capacity.series import UtilisationSeries
from fitsm.errors import ValidationError
from fitsm.time.intervals import from_micros
from fitsm.units import Quantity, root_units, share

__all__ = [
    "ONGOING",
    "Breach",
    "BreachLevel",
    "Breaches",
    "Threshold",
    "breach_indices",
    "breaches",
    "level_share",
]


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
    values = np.asarray(values)
    above = values >= limit
    # the runs change where a sample differs from the one before: one comparison pass
    flips = np.flatnonzero(above[1:] != above[:-1]) + 1
    if len(above) and above[0]:
        flips = np.concatenate(([0], flips))
    if len(above) and above[-1]:
        flips = np.concatenate((flips, [len(above)]))
    starts, ends = flips[::2], flips[1::2]
    if not starts.size:
        return starts, ends, np.empty(0, np.float64)
    bounds = flips if flips[-1] < len(above) else flips[:-1]
    # the maximum of each run: reduceat takes [bounds[i], bounds[i+1]), the runs are every other
    peaks = np.maximum.reduceat(values, bounds)[::2]
    return starts, ends, peaks


class Breaches(Sequence[Breach]):
    """The breaches of one evaluation, kept as numpy columns; each :class:`Breach` is made
    when it is looked at, so a series that breaches a million times costs arrays, not a
    million objects. Ordered by start, a warning before the critical breach it holds."""

    def __init__(
        self,
        subject: str,
        metric: str,
        unit: str,
        limits: tuple[float, float],
        columns: tuple[Any, Any, Any, Any],
    ) -> None:
        self.subject, self.metric, self.unit = subject, metric, unit
        self.limits = limits
        """The warning and critical levels in ``unit``."""
        self.levels, self.starts, self.ends, self.peaks = columns
        """Columns: 0 (warning) or 1 (critical); start and end in microseconds since the
        epoch (:data:`ONGOING` for a breach the series ends in); the peak value."""

    def __len__(self) -> int:
        return int(self.starts.size)

    @overload
    def __getitem__(self, index: int) -> Breach: ...

    @overload
    def __getitem__(self, index: slice) -> list[Breach]: ...

    def __getitem__(self, index: int | slice) -> Breach | list[Breach]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        level = int(self.levels[index])
        end = int(self.ends[index])
        return Breach(
            self.subject,
            self.metric,
            _LEVELS[level],
            from_micros(int(self.starts[index])),
            None if end == ONGOING else from_micros(end),
            float(self.peaks[index]),
            self.unit,
            self.limits[level],
        )

    def __repr__(self) -> str:
        critical = int(np.count_nonzero(self.levels))
        return (
            f"<Breaches {self.subject}/{self.metric}: {len(self) - critical} warning, "
            f"{critical} critical>"
        )


ONGOING = 1 << 62
"""The end, in :attr:`Breaches.ends`, of a breach the series ends in."""

_LEVELS = (BreachLevel.WARNING, BreachLevel.CRITICAL)


def breaches(series: UtilisationSeries, capacity: Capacity | Any, threshold: Threshold) -> Breaches:
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
    full = Fraction(Capacity(series.subject, series.metric, amount).in_unit(series.unit))
    limits = (float(threshold.warning * full), float(threshold.critical * full))
    times = series.times
    last = len(times) - 1
    parts = []
    for level, limit in enumerate(limits):
        starts, ends, peaks = breach_indices(series.values, limit)
        # a run that reaches the last sample is ongoing: it has no first sample below
        ends_us = np.where(ends <= last, times[np.minimum(ends, last)], np.int64(ONGOING))
        parts.append((np.full(starts.size, level, np.int8), times[starts], ends_us, peaks))
    levels, starts, ends, peaks = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.lexsort((levels, starts))  # by start, then warning before critical
    columns = (levels[order], starts[order], ends[order], peaks[order])
    return Breaches(series.subject, series.metric, series.unit, limits, columns)
