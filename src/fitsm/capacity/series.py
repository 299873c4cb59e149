"""Utilisation series (PR5.2): samples of one metric of one subject, as numpy columns.

A monitoring system measures how much of a capacity is used, again and again:
a :class:`UtilisationSeries` holds those samples for one subject (a CI or
component) and one metric, as two arrays of equal length, instants in integer
microseconds since the epoch (UTC, strictly increasing) and values as float64 in
the series' unit. Millions of samples cost two arrays, no Python object each;
:class:`~fitsm.storage.ports.UtilisationRepository` stores and reads them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from fitsm._validators import check_id, shown
from fitsm.capacity.capacities import check_same_measure, exact_factor
from fitsm.errors import ValidationError
from fitsm.time.intervals import from_micros, micros
from fitsm.units import registry, root_units

__all__ = ["UtilisationSeries", "checked_unit"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


def checked_unit(unit: Any) -> str:
    """``unit`` as pint spells it (``"TB"`` -> ``"terabyte"``), or ValidationError."""
    if not isinstance(unit, str) or not unit.strip():
        raise ValidationError(f"unit must be a unit name such as 'TB', got {shown(unit)}")
    root_units(unit)  # refuses what pint cannot read
    return _spelled(unit)


@functools.lru_cache(maxsize=512)
def _spelled(unit: str) -> str:
    # every series checks its unit, and pint takes most of a millisecond to spell one
    return str(registry().Unit(unit))


def _instants(times: Any) -> I64:
    if isinstance(times, np.ndarray) and times.dtype.kind in "iu":
        return np.array(times, dtype=np.int64)  # a copy: the series owns its arrays
    if isinstance(times, np.ndarray) and times.dtype.kind == "M":
        return times.astype("datetime64[us]").astype(np.int64)
    listed = list(times)
    if all(isinstance(t, datetime) for t in listed):
        return np.array([micros(t, "sample time") for t in listed], dtype=np.int64)
    try:
        return np.asarray(listed, dtype=np.int64)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(
            "sample times must be aware datetimes or integer microseconds since the epoch, "
            f"got {shown(listed[:3])}",
            field="times",
        ) from None


def _values(values: Any) -> F64:
    try:
        return np.array(values, dtype=np.float64)  # a copy: the series owns its arrays
    except (TypeError, ValueError):
        raise ValidationError(
            f"sample values must be numbers, got {shown(values)}", field="values"
        ) from None


@attrs.frozen(eq=False)
class UtilisationSeries:
    """The samples of ``metric`` of ``subject``, oldest first, in ``unit``.

    ``times`` are integer microseconds since the epoch, strictly increasing;
    ``values`` are finite floats. :meth:`of` builds one from datetimes or
    microseconds and any sequence of numbers, sorting by time.

    >>> from datetime import UTC, timedelta
    >>> t0 = datetime(2026, 1, 1, tzinfo=UTC)
    >>> s = UtilisationSeries.of("san1", "storage", "TB",
    ...                          [t0 + timedelta(days=1), t0], [41.0, 40.0])
    >>> s.values.tolist(), s.start.isoformat(), s.unit
    ([40.0, 41.0], '2026-01-01T00:00:00+00:00', 'terabyte')
    """

    subject: str
    metric: str
    unit: str
    times: I64
    values: F64

    def __attrs_post_init__(self) -> None:
        check_id(self.subject, "utilisation subject", field="subject")
        check_id(self.metric, "utilisation metric", field="metric")
        object.__setattr__(self, "unit", checked_unit(self.unit))
        times, values = self.times, self.values
        if not (isinstance(times, np.ndarray) and times.dtype == np.int64 and times.ndim == 1):
            raise ValidationError(f"{self.label}: times must be a 1-d int64 array", field="times")
        if not (isinstance(values, np.ndarray) and values.dtype == np.float64):
            raise ValidationError(f"{self.label}: values must be a float64 array", field="values")
        if values.shape != times.shape:
            raise ValidationError(
                f"{self.label}: {len(times)} times but {values.size} values; expected one value "
                "per time",
                field="values",
            )
        if len(times) > 1 and not bool(np.all(times[1:] > times[:-1])):
            at = int(np.flatnonzero(times[1:] <= times[:-1])[0]) + 1
            raise ValidationError(
                f"{self.label}: sample {at} at {from_micros(times[at]).isoformat()} is not after "
                "the one before; expected strictly increasing times (one sample per instant)",
                field="times",
            )
        if not bool(np.isfinite(values).all()):
            at = int(np.flatnonzero(~np.isfinite(values))[0])
            raise ValidationError(
                f"{self.label}: sample {at} is {values[at]!r}; expected finite numbers",
                field="values",
            )
        # a series is a value: read-only views, so nobody changes it under a reader (the
        # caller's own arrays stay writable)
        for name, array in (("times", times.view()), ("values", values.view())):
            array.flags.writeable = False
            object.__setattr__(self, name, array)

    @classmethod
    def of(
        cls, subject: str, metric: str, unit: str, times: Iterable[Any], values: Iterable[Any]
    ) -> UtilisationSeries:
        """A series from datetimes (aware) or integer microseconds, and numbers; sorted by time."""
        t = _instants(times)
        v = _values(values if isinstance(values, np.ndarray) else list(values))
        if v.shape != t.shape:
            raise ValidationError(
                f"utilisation {subject}/{metric}: {t.size} times but {v.size} values; expected "
                "one value per time",
                field="values",
            )
        if len(t) > 1 and not bool(np.all(t[1:] >= t[:-1])):
            order = np.argsort(t, kind="stable")
            t, v = t[order], v[order]
        return cls(subject, metric, unit, t, v)

    @classmethod
    def empty(cls, subject: str, metric: str, unit: str) -> UtilisationSeries:
        """A series without samples."""
        return cls(subject, metric, unit, np.empty(0, np.int64), np.empty(0, np.float64))

    @property
    def label(self) -> str:
        return f"utilisation {self.subject}/{self.metric}"

    @property
    def start(self) -> datetime:
        """The first sample's instant; ValidationError for an empty series."""
        return from_micros(int(self.times[0])) if len(self) else self._empty("start")

    @property
    def end(self) -> datetime:
        """The last sample's instant; ValidationError for an empty series."""
        return from_micros(int(self.times[-1])) if len(self) else self._empty("end")

    def _empty(self, what: str) -> datetime:
        raise ValidationError(f"{self.label} has no samples, so no {what}")

    def __len__(self) -> int:
        return int(self.times.size)

    def to(self, unit: str) -> UtilisationSeries:
        """The same samples in ``unit``, which must measure the same (GB for TB, not cores)."""
        wanted = checked_unit(unit)
        check_same_measure(wanted, self.unit, f"{self.label}")
        if wanted == self.unit:
            return self
        factor = float(exact_factor(self.unit, wanted))
        return UtilisationSeries(
            self.subject, self.metric, wanted, self.times, self.values * factor
        )

    def between(self, start: datetime, end: datetime) -> UtilisationSeries:
        """The samples at or after ``start`` and before ``end``."""
        lo, hi = np.searchsorted(self.times, [micros(start, "start"), micros(end, "end")])
        return UtilisationSeries(
            self.subject, self.metric, self.unit, self.times[lo:hi], self.values[lo:hi]
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, UtilisationSeries):
            return NotImplemented
        return (
            (self.subject, self.metric, self.unit) == (other.subject, other.metric, other.unit)
            and np.array_equal(self.times, other.times)
            and np.array_equal(self.values, other.values)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if not len(self):
            return f"<UtilisationSeries {self.subject}/{self.metric}: no samples>"
        return (
            f"<UtilisationSeries {self.subject}/{self.metric}: {len(self)} samples in "
            f"{self.unit}, {self.start.isoformat()} to {self.end.isoformat()}>"
        )
