"""SLO arithmetic: error budgets, burn rates, allowed bad events and exact percent figures."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import FitsmError, ValidationError
from fitsm.service_levels.slo import (
    ErrorBudget,
    allowed_bad_events,
    burn_rate,
    error_budget,
    percent,
)
from fitsm.units import Q_

THIRTY_DAYS = timedelta(days=30)
THREE_NINES = Fraction(999, 1000)
US = timedelta(microseconds=1)

targets = st.fractions(
    min_value=Fraction(1, 10**6), max_value=1 - Fraction(1, 10**6), max_denominator=10**6
)
windows = st.integers(min_value=1, max_value=400 * 86_400 * 10**6).map(
    lambda n: timedelta(microseconds=n)
)


class TestErrorBudget:
    def test_three_nines_over_thirty_days_allow_43_2_minutes(self) -> None:
        budget = error_budget(Q_(99.9, "percent"), Q_(30, "day"))
        assert budget.allowed == timedelta(minutes=43, seconds=12)
        assert budget.target == THREE_NINES
        assert budget.window == THIRTY_DAYS

    def test_the_allowed_percent_of_three_nines_is_exactly_0_1(self) -> None:
        budget = error_budget(Q_(99.9, "percent"), THIRTY_DAYS)
        assert budget.allowed_percent == Decimal("0.1")
        assert str(budget.allowed_percent) == "0.1"
        assert budget.allowed_share == Fraction(1, 1000)

    @pytest.mark.parametrize(
        "target",
        [Q_(99.9, "percent"), Q_("99.9 %"), THREE_NINES, Decimal("0.999"), 0.999, "0.999"],
    )
    def test_every_spelling_of_99_9_percent_is_the_same_target(self, target: object) -> None:
        assert error_budget(target, THIRTY_DAYS) == error_budget(THREE_NINES, THIRTY_DAYS)

    @pytest.mark.parametrize(
        "window", [THIRTY_DAYS, Q_(30, "day"), Q_(720, "hour"), Q_(43_200, "minute")]
    )
    def test_a_window_is_a_timedelta_or_a_time_quantity(self, window: object) -> None:
        assert error_budget(THREE_NINES, window).window == THIRTY_DAYS

    def test_the_class_converts_its_inputs_like_the_function(self) -> None:
        budget = ErrorBudget(Q_(99.9, "percent"), Q_(30, "day"))
        assert budget == error_budget(THREE_NINES, THIRTY_DAYS)

    def test_allowed_is_derived_and_the_budget_is_frozen(self) -> None:
        budget = error_budget(THREE_NINES, THIRTY_DAYS)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            budget.allowed = timedelta(0)  # type: ignore[misc]
        with pytest.raises(TypeError):
            ErrorBudget(THREE_NINES, THIRTY_DAYS, timedelta(0))  # type: ignore[call-arg]

    def test_allowed_rounds_down_to_the_microsecond(self) -> None:
        budget = error_budget(Fraction(2, 3), timedelta(microseconds=10))
        assert budget.allowed == timedelta(microseconds=3)

    def test_a_target_without_a_finite_decimal_is_reported_rounded(self) -> None:
        assert error_budget(Fraction(2, 3), THIRTY_DAYS).allowed_percent == Decimal("33.3333333333")


class TestConsumedAndRemaining:
    def test_half_the_budget_bad_is_half_consumed_and_half_remaining(self) -> None:
        budget = error_budget(Q_(99.9, "percent"), Q_(30, "day"))
        half = timedelta(minutes=21, seconds=36)
        assert budget.consumed(half) == Fraction(1, 2)
        assert budget.remaining(half) == half

    def test_bad_time_may_be_a_time_quantity(self) -> None:
        budget = error_budget(THREE_NINES, THIRTY_DAYS)
        assert budget.consumed(Q_(21.6, "minute")) == Fraction(1, 2)
        assert budget.remaining(Q_(21.6, "minute")) == timedelta(minutes=21, seconds=36)

    def test_no_bad_time_consumes_nothing(self) -> None:
        budget = error_budget(THREE_NINES, THIRTY_DAYS)
        assert budget.consumed(timedelta(0)) == 0
        assert budget.remaining(timedelta(0)) == budget.allowed

    def test_an_overspent_budget_is_more_than_consumed_and_has_negative_remaining(self) -> None:
        budget = error_budget(THREE_NINES, THIRTY_DAYS)
        bad = timedelta(minutes=86, seconds=24)
        assert budget.consumed(bad) == 2
        assert budget.remaining(bad) == -budget.allowed

    def test_consumed_uses_the_exact_budget_not_the_rounded_one(self) -> None:
        budget = error_budget(Fraction(2, 3), timedelta(microseconds=10))
        assert budget.consumed(timedelta(microseconds=3)) == Fraction(9, 10)

    def test_negative_bad_time_is_rejected_naming_it(self) -> None:
        budget = error_budget(THREE_NINES, THIRTY_DAYS)
        with pytest.raises(ValidationError, match="bad must not be negative, got -0:01:00"):
            budget.consumed(timedelta(minutes=-1))
        with pytest.raises(ValidationError, match="got -5 min"):
            budget.remaining(Q_(-5, "minute"))


class TestExhaustion:
    @pytest.mark.parametrize(
        ("rate", "lasts"),
        [
            (1, timedelta(days=30)),
            (2, timedelta(days=15)),
            (10, timedelta(days=3)),
            (1000, timedelta(minutes=43, seconds=12)),
        ],
    )
    def test_a_burn_rate_exhausts_the_budget_in_the_window_over_the_rate(
        self, rate: int, lasts: timedelta
    ) -> None:
        assert error_budget(Q_(99.9, "percent"), Q_(30, "day")).exhausted_after(rate) == lasts

    def test_a_fractional_burn_rate_makes_the_budget_outlast_the_window(self) -> None:
        budget = error_budget(THREE_NINES, THIRTY_DAYS)
        assert budget.exhausted_after(0.5) == timedelta(days=60)
        assert budget.exhausted_after(Fraction(72, 5)) == timedelta(days=2, hours=2)

    def test_exhaustion_rounds_down_to_the_microsecond(self) -> None:
        budget = error_budget(THREE_NINES, timedelta(microseconds=10))
        assert budget.exhausted_after(3) == timedelta(microseconds=3)

    @pytest.mark.parametrize("rate", [0, -1, Fraction(-1, 2)])
    def test_a_burn_rate_of_zero_or_less_is_rejected_naming_it(self, rate: object) -> None:
        budget = error_budget(THREE_NINES, THIRTY_DAYS)
        with pytest.raises(
            ValidationError, match=re.escape(f"burn rate must be above 0, got {rate!r}")
        ):
            budget.exhausted_after(rate)

    @given(targets, windows)
    def test_a_burn_rate_of_one_lasts_exactly_the_window(
        self, target: Fraction, window: timedelta
    ) -> None:
        assert error_budget(target, window).exhausted_after(1) == window


class TestBurnRate:
    def test_two_percent_of_a_thirty_day_budget_in_one_hour_is_14_4(self) -> None:
        rate = burn_rate(Q_(2, "percent"), Q_(1, "hour"), Q_(30, "day"))
        assert rate == Fraction(72, 5)
        assert percent(rate / 100) == Decimal("14.4")

    def test_five_percent_of_a_thirty_day_budget_in_six_hours_is_6(self) -> None:
        assert burn_rate(0.05, timedelta(hours=6), THIRTY_DAYS) == 6

    def test_spending_the_whole_budget_over_the_window_is_a_rate_of_one(self) -> None:
        assert burn_rate(1, THIRTY_DAYS, THIRTY_DAYS) == 1

    def test_the_rate_found_exhausts_the_budget_when_projected(self) -> None:
        rate = burn_rate(Fraction(1, 50), timedelta(hours=1), THIRTY_DAYS)
        lasts = error_budget(THREE_NINES, THIRTY_DAYS).exhausted_after(rate)
        assert lasts == timedelta(hours=50)

    def test_a_negative_consumed_share_is_rejected_naming_it(self) -> None:
        with pytest.raises(ValidationError, match="consumed must not be negative, got -2 %"):
            burn_rate(Q_(-2, "percent"), Q_(1, "hour"), THIRTY_DAYS)

    @pytest.mark.parametrize("elapsed", [timedelta(0), Q_(-1, "hour")])
    def test_an_elapsed_time_of_zero_or_less_is_rejected(self, elapsed: object) -> None:
        with pytest.raises(ValidationError, match="elapsed must be longer than zero"):
            burn_rate(0.02, elapsed, THIRTY_DAYS)


class TestAllowedBadEvents:
    @pytest.mark.parametrize(
        ("target", "allowed"),
        [
            (Q_(97, "percent"), 109_897),
            (Q_(90, "percent"), 366_325),
            (Q_(99, "percent"), 36_632),
            (0.99, 36_632),
        ],
    )
    def test_3_663_253_requests_allow_the_known_number_of_bad_ones(
        self, target: object, allowed: int
    ) -> None:
        assert allowed_bad_events(3_663_253, target) == allowed

    def test_no_events_allow_no_bad_ones(self) -> None:
        assert allowed_bad_events(0, THREE_NINES) == 0

    def test_a_negative_event_count_is_rejected_naming_it(self) -> None:
        with pytest.raises(ValidationError, match="total must not be negative, got -5"):
            allowed_bad_events(-5, THREE_NINES)

    @pytest.mark.parametrize("total", [True, 10.0, "10"])
    def test_an_event_count_that_is_not_a_whole_number_is_rejected(self, total: object) -> None:
        with pytest.raises(ValidationError, match=re.escape(f"got {total!r}")):
            allowed_bad_events(total, THREE_NINES)  # type: ignore[arg-type]

    @given(st.integers(min_value=0, max_value=10**12), targets)
    def test_the_count_is_the_floor_of_the_exact_share(self, total: int, target: Fraction) -> None:
        allowed = allowed_bad_events(total, target)
        assert allowed <= total * (1 - target) < allowed + 1


class TestPercent:
    @pytest.mark.parametrize(
        ("share", "shown"),
        [
            (Fraction(1, 1000), "0.1"),
            (Fraction(1, 2), "50"),
            (Fraction(1), "100"),
            (Fraction(0), "0"),
            (Fraction(1, 8), "12.5"),
            (Fraction(-1, 1000), "-0.1"),
            (Fraction(99_999, 100_000), "99.999"),
        ],
    )
    def test_a_share_with_a_finite_decimal_is_exact(self, share: Fraction, shown: str) -> None:
        assert str(percent(share)) == shown

    def test_a_share_without_a_finite_decimal_is_rounded_to_ten_places(self) -> None:
        assert percent(Fraction(1, 3)) == Decimal("33.3333333333")
        assert percent(Fraction(2, 3)) == Decimal("66.6666666667")

    def test_places_round_half_to_even(self) -> None:
        assert percent(Fraction(1, 8), 0) == Decimal("12")
        assert percent(Fraction(3, 8), 0) == Decimal("38")
        assert str(percent(Fraction(1, 2), 2)) == "50.00"
        assert percent(Fraction(2, 3), 2) == Decimal("66.67")

    @pytest.mark.parametrize("places", [-1, 1.5, True])
    def test_places_must_be_a_whole_number_of_at_least_zero(self, places: object) -> None:
        with pytest.raises(ValidationError, match=re.escape(f"got {places!r}")):
            percent(Fraction(1, 3), places)  # type: ignore[arg-type]

    @given(st.fractions(max_denominator=10**9))
    def test_the_percent_differs_from_the_exact_share_by_at_most_half_a_last_place(
        self, share: Fraction
    ) -> None:
        assert abs(Fraction(percent(share)) - share * 100) <= Fraction(1, 2 * 10**10)


class TestBadInput:
    @pytest.mark.parametrize(
        ("target", "shown"),
        [
            (Q_(120, "percent"), "120 %"),
            (Q_(100, "percent"), "100 %"),
            (1, "1"),
            (0, "0"),
            (Q_(0, "percent"), "0 %"),
            (-0.5, "-0.5"),
            (Q_(-1, "percent"), "-1 %"),
        ],
    )
    def test_a_target_outside_0_to_100_percent_is_rejected_naming_it(
        self, target: object, shown: str
    ) -> None:
        with pytest.raises(ValidationError, match=f"SLO target {re.escape(shown)} ") as e:
            error_budget(target, THIRTY_DAYS)
        assert e.value.field == "target"

    def test_a_target_of_100_percent_is_rejected_for_having_no_budget(self) -> None:
        with pytest.raises(ValidationError, match="100 % leaves no error budget"):
            error_budget(Q_(100, "percent"), THIRTY_DAYS)

    def test_a_bare_number_above_one_is_rejected_with_a_hint_to_use_percent(self) -> None:
        with pytest.raises(ValidationError, match=r"99\.9 .*share of 1.*Q_\(99\.9, 'percent'\)"):
            error_budget(99.9, THIRTY_DAYS)

    @pytest.mark.parametrize("target", [float("nan"), float("inf"), Decimal("NaN")])
    def test_a_target_that_is_not_finite_is_rejected(self, target: object) -> None:
        with pytest.raises(ValidationError, match=r"finite number, got (nan|inf|Decimal\('NaN'\))"):
            error_budget(target, THIRTY_DAYS)

    def test_a_target_with_a_unit_other_than_a_share_is_rejected(self) -> None:
        with pytest.raises(ValidationError, match=r"target must have dimension \[\], got 99\.9 s"):
            error_budget(Q_(99.9, "second"), THIRTY_DAYS)

    def test_a_window_of_the_wrong_dimension_is_rejected_naming_it(self) -> None:
        with pytest.raises(ValidationError, match=r"window must have dimension \[time\], got 3 m"):
            error_budget(THREE_NINES, Q_(3, "meter"))

    def test_a_window_that_is_a_bare_number_is_rejected(self) -> None:
        with pytest.raises(ValidationError, match="window must be a quantity.*got 30"):
            error_budget(THREE_NINES, 30)

    @pytest.mark.parametrize(
        ("window", "shown"),
        [(Q_(-3, "day"), "-3 d"), (timedelta(days=-30), "-30 days"), (timedelta(0), "0:00:00")],
    )
    def test_a_window_of_zero_or_less_is_rejected_naming_it(
        self, window: object, shown: str
    ) -> None:
        with pytest.raises(ValidationError, match=f"window must be longer than zero, got {shown}"):
            error_budget(THREE_NINES, window)

    def test_errors_are_value_errors_and_fitsm_errors(self) -> None:
        with pytest.raises(ValueError, match="120 %"):
            error_budget(Q_(120, "percent"), THIRTY_DAYS)
        with pytest.raises(FitsmError):
            error_budget(THREE_NINES, Q_(3, "meter"))


class TestProperties:
    @given(targets, windows, st.integers(min_value=1, max_value=1000))
    def test_the_budget_scales_linearly_with_the_window(
        self, target: Fraction, window: timedelta, k: int
    ) -> None:
        small = error_budget(target, window).allowed
        large = error_budget(target, window * k).allowed
        assert small * k <= large < small * k + US * k
        assert large // US == window * k // US * (1 - target) // 1

    @given(
        st.integers(min_value=1, max_value=999).map(lambda n: Fraction(n, 1000)),
        st.integers(min_value=1, max_value=400 * 86_400).map(lambda s: timedelta(seconds=s)),
        st.integers(min_value=1, max_value=1000),
    )
    def test_whole_second_windows_with_per_mille_targets_scale_exactly(
        self, target: Fraction, window: timedelta, k: int
    ) -> None:
        assert error_budget(target, window * k).allowed == error_budget(target, window).allowed * k

    @given(targets, windows)
    def test_the_allowed_downtime_consumes_at_most_the_whole_budget(
        self, target: Fraction, window: timedelta
    ) -> None:
        budget = error_budget(target, window)
        assert budget.consumed(budget.allowed) <= 1 < budget.consumed(budget.allowed + US)
        assert budget.remaining(budget.allowed) == timedelta(0)
