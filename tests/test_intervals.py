"""Half-open interval algebra."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import ValidationError
from fitsm.time.intervals import Intervals, micros

raw = st.lists(st.tuples(st.integers(0, 100), st.integers(0, 30)), max_size=20).map(
    lambda pairs: ([s for s, _ in pairs], [s + d for s, d in pairs])
)


def points(x: Intervals) -> set[int]:
    return {t for s, e in zip(x.starts, x.ends, strict=True) for t in range(s, e)}


class TestNormalising:
    def test_overlapping_and_touching_intervals_merge(self) -> None:
        x = Intervals.of([5, 0, 10, 20], [10, 3, 12, 20])
        assert x.starts.tolist() == [0, 5] and x.ends.tolist() == [3, 12]

    def test_an_interval_ending_before_it_starts_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="interval 1 ends before it starts"):
            Intervals.of([0, 5], [1, 4])

    @given(raw)
    def test_merging_is_idempotent(self, pairs) -> None:
        once = Intervals.of(*pairs)
        assert Intervals.of(once.starts, once.ends) == once

    @given(raw)
    def test_the_measure_is_the_number_of_covered_points(self, pairs) -> None:
        x = Intervals.of(*pairs)
        covered = {t for s, e in zip(*pairs, strict=True) for t in range(s, e)}
        assert x.total() == len(covered) == len(points(x))


class TestAlgebra:
    @given(raw, raw)
    def test_set_operations_agree_with_point_sets(self, a, b) -> None:
        x, y = Intervals.of(*a), Intervals.of(*b)
        assert points(x.union(y)) == points(x) | points(y)
        assert points(x.intersection(y)) == points(x) & points(y)
        assert points(x.difference(y)) == points(x) - points(y)
        assert x.overlap(y) == len(points(x) & points(y))

    @given(raw, st.integers(0, 130), st.integers(0, 130))
    def test_clip_and_contains(self, a, lo, hi) -> None:
        x = Intervals.of(*a)
        assert points(x.clip(lo, hi)) == {t for t in points(x) if lo <= t < hi}
        probe = np.arange(0, 131)
        assert {int(t) for t in probe[x.contains(probe)]} == points(x)

    def test_datetimes_convert_exactly(self) -> None:
        start = datetime(2026, 1, 1, tzinfo=UTC)
        end = datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC)
        x = Intervals.span(start, end)
        assert x.total() == 1 and x.pairs() == [(start, end)]
        assert micros(start) == 1_767_225_600_000_000

    def test_naive_datetimes_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="no time zone"):
            Intervals.span(datetime(2026, 1, 1), datetime(2026, 1, 2))
