"""Measured availability: worked examples with known answers, policies and properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import BusinessCalendar, NotFoundError, Outage, ValidationError, measure_availability
from fitsm.availability import AvailabilityPolicy, OutageLog
from fitsm.errors import NaiveDatetimeError

HOUR = timedelta(hours=1)
JAN = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday
OFFICE = BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"})


def at(day: int, hour: float = 0) -> datetime:
    return JAN + timedelta(days=day - 1, hours=hour)


class TestKnownAnswers:
    def test_three_hours_down_in_a_24x7_thirty_day_month(self) -> None:
        report = measure_availability(
            [Outage("web", at(3, 1), at(3, 4))], "web", BusinessCalendar.always(), at(1), at(31)
        )
        assert report.agreed_time == 720 * HOUR
        assert report.rounded(4) == Decimal("99.5833")
        assert report.availability == Fraction(717, 720)

    def test_four_office_weeks_with_a_lost_day_and_two_lost_mornings(self) -> None:
        outages = [
            Outage("web", at(3), at(4)),  # a whole working day
            Outage("web", at(9, 8), at(9, 10)),  # a morning until 10:00
            Outage("web", at(16, 0), at(16, 10)),  # from midnight: only 08-10 counts
        ]
        report = measure_availability(outages, "web", OFFICE, at(1), at(29))
        assert report.agreed_time == 200 * HOUR
        assert report.downtime == 14 * HOUR
        assert report.percent == Decimal("93")
        assert report.outages == 3
        assert report.mtrs == timedelta(hours=14) / 3  # 4.67 h
        assert report.mtbf == 62 * HOUR
        assert round(report.mtbsi / HOUR, 1) == 66.7

    def test_outages_outside_service_hours_do_not_count(self) -> None:
        nine_to_five = BusinessCalendar.from_rules({"mon-fri": "08:00-17:00"})
        outages = [
            Outage("web", at(1, 8), at(1, 11)),
            Outage("web", at(3, 16), at(3, 19)),
            Outage("web", at(4, 17), at(4, 20)),
            Outage("web", at(5, 13), at(5, 14)),
        ]
        report = measure_availability(outages, "web", nine_to_five, at(1), at(8))
        assert (report.agreed_time, report.downtime) == (45 * HOUR, 5 * HOUR)
        assert report.rounded(2) == Decimal("88.89")
        assert report.outages == 3

    def test_thirty_minutes_degraded_counted_as_up_and_twenty_down(self) -> None:
        outages = [
            Outage("web", at(1, 0), at(1, 0.5), state="degraded"),
            Outage("web", at(1, 0.5), at(1, 0.5) + timedelta(minutes=20)),
        ]
        report = measure_availability(outages, "web", BusinessCalendar.always(), at(1), at(1, 1))
        assert report.rounded(2) == Decimal("66.67")
        assert report.degraded_time == timedelta(minutes=30)

    def test_no_outage_means_no_mean_times(self) -> None:
        report = measure_availability([], "web", OFFICE, at(1), at(8))
        assert report.availability == 1
        assert (report.mtrs, report.mtbf, report.mtbsi) == (None, None, None)

    def test_no_agreed_time_means_no_availability(self) -> None:
        report = measure_availability([], "web", OFFICE, at(6), at(8))  # a weekend
        assert report.availability is None and report.percent is None


class TestPolicies:
    outages = (
        Outage("web", at(1, 9), at(1, 11), planned=True),
        Outage("web", at(2, 9), at(2, 10)),
    )

    def report(self, **policy) -> object:
        return measure_availability(
            self.outages, "web", OFFICE, at(1), at(3), AvailabilityPolicy(**policy)
        )

    def test_maintenance_is_excluded_from_agreed_time_by_default(self) -> None:
        r = self.report()
        assert (r.agreed_time, r.downtime, r.planned_downtime) == (18 * HOUR, HOUR, 2 * HOUR)

    def test_maintenance_can_count_as_downtime(self) -> None:
        r = self.report(maintenance="count")
        assert (r.agreed_time, r.downtime, r.outages) == (20 * HOUR, 3 * HOUR, 2)

    def test_maintenance_can_be_reported_separately(self) -> None:
        r = self.report(maintenance="separate")
        assert (r.agreed_time, r.downtime, r.planned_downtime) == (20 * HOUR, HOUR, 2 * HOUR)

    def test_degraded_time_can_be_weighted(self) -> None:
        outages = [Outage("web", at(1, 9), at(1, 13), state="degraded")]
        r = measure_availability(
            outages, "web", OFFICE, at(1), at(2), AvailabilityPolicy(degraded_weight=Fraction(1, 2))
        )
        assert r.downtime == 2 * HOUR and r.availability == Fraction(8, 10)

    def test_short_outages_can_be_ignored(self) -> None:
        outages = [
            Outage("web", at(1, 9), at(1, 9) + timedelta(minutes=4)),
            Outage("web", at(1, 10), at(1, 11)),
        ]
        r = measure_availability(
            outages,
            "web",
            OFFICE,
            at(1),
            at(2),
            AvailabilityPolicy(minimum_outage=timedelta(minutes=5)),
        )
        assert (r.downtime, r.outages) == (HOUR, 1)

    def test_bad_policies_are_named(self) -> None:
        with pytest.raises(ValidationError, match="'sometimes' is not a valid MaintenancePolicy"):
            AvailabilityPolicy(maintenance="sometimes")
        with pytest.raises(ValidationError, match="degraded_weight must be between 0 and 1, got 2"):
            AvailabilityPolicy(degraded_weight=2)


class TestBadOutages:
    def test_an_outage_ending_before_it_starts_is_named(self) -> None:
        with pytest.raises(
            ValidationError, match="outage of 'web' ends before it starts: 2024-01-01T10"
        ):
            Outage("web", at(1, 10), at(1, 9))

    def test_naive_times_are_refused(self) -> None:
        with pytest.raises(NaiveDatetimeError):
            Outage("web", datetime(2024, 1, 1), datetime(2024, 1, 2))

    def test_an_unknown_state_is_named(self) -> None:
        with pytest.raises(ValidationError, match="'broken' is not a valid OutageState"):
            Outage("web", at(1), at(2), state="broken")


class TestLogs:
    def test_a_log_round_trips_its_records(self) -> None:
        records = [Outage("a", at(1), at(2)), Outage("b", at(2), at(3), "degraded", True)]
        assert list(OutageLog.of(records)) == records

    def test_arrays_of_datetime64_are_accepted(self) -> None:
        import numpy as np

        starts = np.array(["2024-01-01T09:00", "2024-01-02T09:00"], dtype="datetime64[us]")
        log = OutageLog.for_subject("web", starts, starts + np.timedelta64(1, "h"))
        assert measure_availability(log, "web", OFFICE, at(1), at(3)).downtime == 2 * HOUR


outage_lists = st.lists(
    st.tuples(st.integers(0, 14 * 24), st.integers(0, 30), st.booleans(), st.booleans()),
    max_size=12,
).map(
    lambda rows: [
        Outage("web", at(1, h), at(1, h + d), "down" if down else "degraded", planned)
        for h, d, down, planned in rows
    ]
)
policies = st.builds(
    AvailabilityPolicy,
    maintenance=st.sampled_from(["exclude", "count", "separate"]),
    degraded_weight=st.sampled_from([0, Fraction(1, 2), 1]),
)


class TestProperties:
    @given(outage_lists, policies)
    def test_availability_is_between_0_and_100_percent(self, outages, policy) -> None:
        r = measure_availability(outages, "web", OFFICE, at(1), at(15), policy)
        assert r.availability is None or 0 <= r.availability <= 1

    @given(outage_lists, outage_lists, policies)
    def test_adding_outages_never_raises_availability(self, some, more, policy) -> None:
        unplanned_more = [o for o in more if not o.planned]
        before = measure_availability(some, "web", OFFICE, at(1), at(15), policy)
        after = measure_availability(some + unplanned_more, "web", OFFICE, at(1), at(15), policy)
        if before.availability is not None:
            assert after.availability <= before.availability

    @given(outage_lists)
    def test_clipping_to_service_hours_never_adds_downtime(self, outages) -> None:
        policy = AvailabilityPolicy(maintenance="count", degraded_weight=1)
        office = measure_availability(outages, "web", OFFICE, at(1), at(15), policy)
        always = measure_availability(
            outages, "web", BusinessCalendar.always(), at(1), at(15), policy
        )
        assert office.downtime <= always.downtime


class TestUnknownSubjects:
    def test_a_subject_without_outages_is_fully_available_by_default(self) -> None:
        start = datetime(2026, 6, 1, tzinfo=UTC)
        report = measure_availability([], "shpo", BusinessCalendar.always(), start,
                                      start + timedelta(days=1))  # fmt: skip
        assert report.availability == 1

    def test_with_known_subjects_a_typo_is_refused_and_named(self) -> None:
        start = datetime(2026, 6, 1, tzinfo=UTC)
        with pytest.raises(NotFoundError, match="no subject 'shpo'.*did you mean 'shop'"):
            measure_availability([], "shpo", BusinessCalendar.always(), start,
                                 start + timedelta(days=1), known={"shop", "mail"})  # fmt: skip
