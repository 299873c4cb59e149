"""Half-open time intervals as sorted numpy arrays of UTC microseconds.

An :class:`Intervals` set is normalised: sorted, disjoint, non-empty, with
touching intervals merged, so ``[a, b) + [b, c) = [a, c)``. Instants are integer
microseconds since 1970-01-01 UTC, which makes every measure exact and lets a
million outages be merged and clipped to service hours in a handful of numpy
passes instead of a Python loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from fitsm.clock import as_utc
from fitsm.errors import ValidationError

__all__ = ["EPOCH", "Intervals", "from_micros", "micros"]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""The instant interval arithmetic counts microseconds from."""
_MICRO = timedelta(microseconds=1)

I64 = npt.NDArray[np.int64]


def micros(value: datetime, what: str = "datetime") -> int:
    """An aware datetime as integer microseconds since the epoch (UTC)."""
    return (as_utc(value, what) - EPOCH) // _MICRO


def from_micros(value: int) -> datetime:
    """The UTC instant ``value`` microseconds after :data:`EPOCH`."""
    return EPOCH + timedelta(microseconds=int(value))


def _array(values: Any) -> I64:
    return np.ascontiguousarray(values, dtype=np.int64)


@attrs.frozen(eq=False)
class Intervals:
    """A normalised set of half-open ``[start, end)`` intervals, in UTC microseconds."""

    starts: I64
    ends: I64

    # -- construction ----------------------------------------------------------

    @classmethod
    def empty(cls) -> Intervals:
        return cls(np.empty(0, np.int64), np.empty(0, np.int64))

    @classmethod
    def of(cls, starts: Any, ends: Any) -> Intervals:
        """Normalise possibly overlapping, unsorted intervals; empty ones vanish.

        An interval that ends before it starts is an error.
        """
        s, e = _array(starts), _array(ends)
        if s.shape != e.shape or s.ndim != 1:
            raise ValidationError(
                f"starts and ends must be two 1-d arrays of one length, got {s.shape} and {e.shape}"
            )
        bad = np.flatnonzero(e < s)
        if bad.size:
            i = int(bad[0])
            raise ValidationError(
                f"interval {i} ends before it starts: {from_micros(s[i]).isoformat()} "
                f"to {from_micros(e[i]).isoformat()}"
            )
        keep = e > s
        if not keep.all():
            s, e = s[keep], e[keep]
        if not s.size:
            return cls.empty()
        order = np.argsort(s)  # the merge needs start order only, not a stable one
        s, e = s[order], e[order]
        reach = np.maximum.accumulate(e)
        first = np.empty(s.size, dtype=bool)
        first[0] = True
        np.greater(s[1:], reach[:-1], out=first[1:])
        heads = np.flatnonzero(first)
        tails = np.append(heads[1:] - 1, s.size - 1)
        return cls(s[heads], reach[tails])

    @classmethod
    def from_datetimes(cls, pairs: Iterable[tuple[datetime, datetime]]) -> Intervals:
        starts, ends = [], []
        for start, end in pairs:
            starts.append(micros(start, "start"))
            ends.append(micros(end, "end"))
        return cls.of(starts, ends)

    @classmethod
    def span(cls, start: datetime, end: datetime) -> Intervals:
        return cls.of([micros(start, "start")], [micros(end, "end")])

    # -- reading ---------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.starts.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Intervals):
            return NotImplemented
        return bool(
            np.array_equal(self.starts, other.starts) and np.array_equal(self.ends, other.ends)
        )

    __hash__ = None  # type: ignore[assignment]

    def total(self) -> int:
        """The measure, in microseconds."""
        return int((self.ends - self.starts).sum())

    def duration(self) -> timedelta:
        return timedelta(microseconds=self.total())

    def pairs(self) -> list[tuple[datetime, datetime]]:
        return [
            (from_micros(s), from_micros(e)) for s, e in zip(self.starts, self.ends, strict=True)
        ]

    def __repr__(self) -> str:
        shown = ", ".join(f"[{a.isoformat()}, {b.isoformat()})" for a, b in self.pairs()[:3])
        more = f", ... ({len(self)} in all)" if len(self) > 3 else ""
        return f"Intervals({shown}{more})"

    # -- measures against another set ------------------------------------------

    def covered(self, at: Any) -> I64:
        """For each instant, the measure of this set before it (a step-wise ramp)."""
        at = _array(at)
        if not self.starts.size:
            return np.zeros(at.shape, dtype=np.int64)
        cumulative = np.concatenate(([0], np.cumsum(self.ends - self.starts)))
        i = np.searchsorted(self.starts, at, side="right") - 1
        j = np.clip(i, 0, None)
        partial = np.minimum(at, self.ends[j]) - self.starts[j]
        return np.where(i >= 0, cumulative[j] + partial, 0).astype(np.int64)

    def at_measure(self, value: Any) -> I64:
        """The instants at which the measure of this set reaches each value (inverse of
        :meth:`covered`); values must lie in ``(0, total]``."""
        v = _array(value)
        cumulative = np.concatenate(([0], np.cumsum(self.ends - self.starts)))
        if v.size and (v.min() <= 0 or v.max() > cumulative[-1]):
            raise ValidationError(
                f"measure {int(v.max())} is beyond the {int(cumulative[-1])} this set holds"
            )
        j = np.searchsorted(cumulative[1:], v, side="left")
        return (self.starts[j] + (v - cumulative[j])).astype(np.int64)

    def overlap_each(self, starts: Any, ends: Any) -> I64:
        """The measure of this set inside each of the given intervals (which may overlap)."""
        return self.covered(ends) - self.covered(starts)

    def overlap(self, other: Intervals) -> int:
        """The measure of the intersection, without building it."""
        return int(self.overlap_each(other.starts, other.ends).sum())

    def contains(self, at: Any) -> npt.NDArray[np.bool_]:
        at = _array(at)
        i = np.searchsorted(self.starts, at, side="right") - 1
        if not self.starts.size:
            return np.zeros(at.shape, dtype=bool)
        found: npt.NDArray[np.bool_] = (i >= 0) & (at < self.ends[np.clip(i, 0, None)])
        return found

    # -- set algebra -----------------------------------------------------------

    def union(self, other: Intervals) -> Intervals:
        return Intervals.of(
            np.concatenate((self.starts, other.starts)), np.concatenate((self.ends, other.ends))
        )

    def _combine(self, other: Intervals, keep_both: bool) -> Intervals:
        points = np.unique(np.concatenate((self.starts, self.ends, other.starts, other.ends)))
        if points.size < 2:
            return Intervals.empty()
        left, right = points[:-1], points[1:]
        mine = self.contains(left)
        theirs = other.contains(left)
        chosen = mine & theirs if keep_both else mine & ~theirs
        return Intervals.of(left[chosen], right[chosen])

    def intersection(self, other: Intervals) -> Intervals:
        return self._combine(other, keep_both=True)

    def difference(self, other: Intervals) -> Intervals:
        return self._combine(other, keep_both=False)

    def clip(self, start: int, end: int) -> Intervals:
        """The part inside ``[start, end)`` (microseconds)."""
        s = np.maximum(self.starts, start)
        e = np.minimum(self.ends, end)
        keep = e > s
        return Intervals(s[keep], e[keep])
