"""Reporting months in a time zone: local midnights, daylight saving time, whole months."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm.errors import ValidationError
from fitsm.time import Period, month, months
from fitsm.time.periods import add_months, localize, time_zone

BERLIN = ZoneInfo("Europe/Berlin")


class TestMonth:
    def test_a_month_runs_from_local_midnight_to_the_next_months(self) -> None:
        march = month(2026, 3, zone="Europe/Berlin")
        assert march == (datetime(2026, 3, 1, tzinfo=BERLIN), datetime(2026, 4, 1, tzinfo=BERLIN))
        assert march.start.utcoffset() == timedelta(hours=1)
        assert march.end.utcoffset() == timedelta(hours=2)

    def test_its_duration_counts_the_hour_daylight_saving_time_takes(self) -> None:
        assert month(2026, 3, zone="Europe/Berlin").duration == timedelta(days=31, hours=-1)
        assert month(2026, 10, zone="Europe/Berlin").duration == timedelta(days=31, hours=1)
        assert month(2026, 2).duration == timedelta(days=28)

    def test_a_period_unpacks_as_a_start_and_an_end(self) -> None:
        start, end = month(2026, 12)
        assert (start.month, end.year, end.month) == (12, 2027, 1)

    def test_the_default_zone_is_utc_and_any_tzinfo_is_accepted(self) -> None:
        assert month(2026, 1).start == datetime(2026, 1, 1, tzinfo=UTC)
        plus5 = timezone(timedelta(hours=5))
        assert month(2026, 1, zone=plus5).start == datetime(2025, 12, 31, 19, tzinfo=UTC)

    def test_midnight_inside_a_gap_means_the_first_instant_after_it(self) -> None:
        # Chile moved its clocks from 00:00 to 01:00 on 2024-09-08 (a Sunday)
        santiago = localize(datetime(2024, 9, 8), "America/Santiago")
        assert santiago.hour == 1
        assert localize(datetime(2026, 3, 29, 2, 30), "Europe/Berlin") == datetime(
            2026, 3, 29, 1, tzinfo=UTC
        )

    def test_a_time_that_happens_twice_means_its_first_occurrence(self) -> None:
        first = localize(datetime(2026, 10, 25, 2, 30), "Europe/Berlin")
        # (compared in UTC: Python never finds a time in a fold equal to another zone's)
        assert first.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)

    @pytest.mark.parametrize(
        ("args", "zone", "field", "match"),
        [
            ((2026, 13), "UTC", "month", "month must be between 1 and 12, got 13"),
            ((2026, 0), "UTC", "month", "between 1 and 12"),
            ((2026, "3"), "UTC", "month", "month must be a whole number, got '3'"),
            ((True, 3), "UTC", "year", "year must be a whole number"),
            ((10000, 1), "UTC", "year", "between 1 and 9998"),
            ((2026, 3), "Mars/Olympus", "zone", "unknown time zone 'Mars/Olympus'"),
        ],
    )
    def test_bad_arguments_are_refused_naming_the_field(self, args, zone, field, match) -> None:
        with pytest.raises(ValidationError, match=match) as caught:
            month(*args, zone=zone)
        assert caught.value.field == field

    def test_time_zone_names_what_it_expects(self) -> None:
        with pytest.raises(ValidationError, match="IANA name"):
            time_zone(5)  # type: ignore[arg-type]

    def test_localize_takes_a_wall_clock_time_only(self) -> None:
        with pytest.raises(ValidationError, match="without a zone"):
            localize(datetime(2026, 1, 1, tzinfo=UTC), "UTC")


class TestMonths:
    def test_the_months_a_span_touches_are_listed_whole(self) -> None:
        found = months(datetime(2026, 1, 15, tzinfo=BERLIN), datetime(2026, 4, 1, tzinfo=BERLIN))
        assert [p.start.month for p in found] == [1, 2, 3]
        assert found[0].start == datetime(2026, 1, 1, tzinfo=BERLIN)
        assert all(a.end == b.start for a, b in itertools.pairwise(found))

    def test_the_zone_defaults_to_the_starts(self) -> None:
        found = months(*month(2026, 3, zone="Europe/Berlin"))
        assert found == [month(2026, 3, zone="Europe/Berlin")]

    def test_an_explicit_zone_decides_where_months_begin(self) -> None:
        # Berlin's March, read in UTC, touches February's last hour
        berlin_march = month(2026, 3, zone="Europe/Berlin")
        assert [p.start.month for p in months(*berlin_march, zone="UTC")] == [2, 3]

    def test_an_empty_or_reversed_span_is_refused(self) -> None:
        t = datetime(2026, 1, 1, tzinfo=UTC)
        with pytest.raises(ValidationError, match="must be after start"):
            months(t, t)

    def test_naive_bounds_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="no time zone"):
            months(datetime(2026, 1, 1), datetime(2026, 2, 1))

    @given(
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
        st.integers(1, 24 * 400),
        st.sampled_from(["UTC", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe"]),
    )
    def test_months_tile_the_span_without_gaps(self, start, hours, zone) -> None:
        begin = start.replace(tzinfo=UTC)
        end = begin + timedelta(hours=hours)
        found = months(begin, end, zone=zone)
        assert found[0].start <= begin and end <= found[-1].end
        assert all(a.end == b.start for a, b in itertools.pairwise(found))
        assert all(p.start.day == 1 for p in found)
        whole = Period(found[0].start, found[-1].end)
        assert sum((p.duration for p in found), timedelta(0)) == whole.duration


class TestAddMonths:
    def test_the_day_is_kept_or_clamped_to_the_months_end(self) -> None:
        assert add_months(datetime(2026, 1, 31), 1) == datetime(2026, 2, 28)
        assert add_months(datetime(2024, 1, 31), 1) == datetime(2024, 2, 29)
        assert add_months(datetime(2026, 3, 15, 9), -3) == datetime(2025, 12, 15, 9)

    def test_out_of_range_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="out of range"):
            add_months(datetime(9999, 12, 1), 1)


def test_period_duration_needs_aware_ends() -> None:
    with pytest.raises(ValidationError, match="no time zone"):
        Period(datetime(2026, 1, 1), datetime(2026, 2, 1)).duration  # noqa: B018
