"""What the utilisation repositories of every backend share: the batches a unit of work
holds until commit, unit handling, and merging them into what a read returns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np

from fitsm._validators import check_id
from fitsm.capacity.capacities import check_same_measure
from fitsm.capacity.series import UtilisationSeries, checked_unit
from fitsm.errors import DuplicateError, NotFoundError, ValidationError
from fitsm.time.intervals import from_micros, micros

__all__ = ["PendingSamples", "Range", "bounds", "checked_key", "empty", "missing"]

Key = tuple[str, str]
Range = tuple[int, int]
"""``[start, end)`` in microseconds since the epoch."""

_FIRST, _LAST = -(1 << 62), 1 << 62


def bounds(start: datetime | None, end: datetime | None) -> Range:
    """``[start, end)`` in microseconds; None is open on that side."""
    lo = _FIRST if start is None else micros(start, "start")
    hi = _LAST if end is None else micros(end, "end")
    if hi < lo:
        raise ValidationError(
            f"the range ends before it starts: {from_micros(lo).isoformat()} to "
            f"{from_micros(hi).isoformat()}"
        )
    return lo, hi


class PendingSamples:
    """The samples one unit of work appended, by subject and metric, not yet committed.

    ``units`` holds the unit each series had when the batch was appended (the stored
    one, or the batch's own for a new series): the commit checks it is still so.
    """

    def __init__(self) -> None:
        self.batches: dict[Key, list[UtilisationSeries]] = {}
        self.units: dict[Key, str] = {}
        self.new: set[Key] = set()
        """Series this unit of work starts (no unit was stored when it appended)."""

    def append(
        self,
        series: UtilisationSeries,
        stored_unit: Callable[[str, str], str | None],
        stored_at: Callable[[str, str, UtilisationSeries], list[int]],
    ) -> int:
        """Hold ``series`` for the commit, converted to the unit stored for it.

        ``stored_unit(subject, metric)`` is the committed unit (None if new);
        ``stored_at(subject, metric, series)`` lists committed instants among the series'.
        """
        if not isinstance(series, UtilisationSeries):
            raise ValidationError(f"expected a UtilisationSeries, got {series!r}", field="series")
        if not len(series):
            return 0
        key = (series.subject, series.metric)
        unit = self.units.get(key) or stored_unit(*key)
        if unit is None:
            unit = series.unit
        else:
            check_same_measure(series.unit, unit, series.label)
            series = series.to(unit)
        taken = stored_at(series.subject, series.metric, series)
        for held in self.batches.get(key, ()):
            taken += np.intersect1d(held.times, series.times).tolist()
        if taken:
            raise DuplicateError(
                f"{series.label} has a sample at {from_micros(min(taken)).isoformat()} already "
                f"({len(taken)} of the {len(series)} instants are taken); expected one sample "
                "per instant"
            )
        if key not in self.units and stored_unit(*key) is None:
            self.new.add(key)
        self.units[key] = unit
        self.batches.setdefault(key, []).append(series)
        return len(series)

    def merged(self, found: UtilisationSeries, span: Range) -> UtilisationSeries:
        """``found`` (committed samples in ``span``) with this unit of work's appended ones."""
        key = (found.subject, found.metric)
        held = self.batches.get(key)
        if not held:
            return found
        lo, hi = span
        times = [found.times] + [b.times for b in held]
        values = [found.values] + [b.values for b in held]
        t, v = np.concatenate(times), np.concatenate(values)
        keep = (t >= lo) & (t < hi)
        t, v = t[keep], v[keep]
        order = np.argsort(t, kind="stable")
        return UtilisationSeries(found.subject, found.metric, found.unit, t[order], v[order])

    def unit(self, subject: str, metric: str) -> str | None:
        return self.units.get((subject, metric))

    def clear(self) -> None:
        self.batches.clear()
        self.units.clear()
        self.new.clear()


def checked_key(subject: str, metric: str) -> Key:
    return check_id(subject, "subject", field="subject"), check_id(metric, "metric", field="metric")


def missing(subject: str, metric: str) -> NotFoundError:
    return NotFoundError(f"no utilisation series {subject}/{metric} in the store")


def empty(subject: str, metric: str, unit: str) -> UtilisationSeries:
    return UtilisationSeries.empty(subject, metric, checked_unit(unit))
