"""Service level objectives: rolling and calendar windows, their periods and error budgets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm.errors import ValidationError
from fitsm.service_levels import (
    BudgetingMethod,
    ServiceLevelObjective,
    SloObjective,
    SloWindow,
)

BERLIN = ZoneInfo("Europe/Berlin")
US = timedelta(microseconds=1)


def slo(window: SloWindow, *objectives: SloObjective, **kwargs) -> ServiceLevelObjective:
    return ServiceLevelObjective(
        "shop-availability",
        "shop",
        objectives or [SloObjective(Fraction(999, 1000))],
        window,
        indicator="shop-good",
        **kwargs,
    )


class TestWindows:
    @pytest.mark.parametrize(
        ("text", "length"),
        [
            ("5m", timedelta(minutes=5)),
            ("12h", timedelta(hours=12)),
            ("28d", timedelta(days=28)),
            ("4w", timedelta(days=28)),
            # rolling months, quarters and years count 30, 90 and 365 days, as the Go SDK does
            ("1M", timedelta(days=30)),
            ("1Q", timedelta(days=90)),
            ("1Y", timedelta(days=365)),
        ],
    )
    def test_a_rolling_window_has_a_fixed_length(self, text, length) -> None:
        window = SloWindow.parse(text)
        assert (window.rolling, window.length, window.shorthand) == (True, length, text)

    def test_a_rolling_window_ends_at_the_instant_asked_about(self) -> None:
        at = datetime(2026, 3, 10, tzinfo=UTC)
        assert SloWindow.parse("7d").period(at) == (at - timedelta(days=7), at)

    def test_a_calendar_month_runs_to_the_same_day_and_time_of_the_next(self) -> None:
        window = SloWindow.parse("1M", start=datetime(2026, 1, 31, 12), zone="Europe/Berlin")
        period = window.period(datetime(2026, 3, 1, tzinfo=UTC))
        assert period == (
            datetime(2026, 2, 28, 12, tzinfo=BERLIN),
            datetime(2026, 3, 31, 12, tzinfo=BERLIN),
        )
        assert period.duration == timedelta(days=31, hours=-1)

    def test_calendar_days_follow_local_midnight(self) -> None:
        window = SloWindow.parse("1d", start=datetime(2026, 3, 1), zone="Europe/Berlin")
        assert window.period(datetime(2026, 3, 29, 12, tzinfo=UTC)).duration == timedelta(hours=23)

    def test_calendar_hours_elapse_in_utc(self) -> None:
        window = SloWindow.parse("6h", start=datetime(2026, 3, 28, 21), zone="Europe/Berlin")
        period = window.period(datetime(2026, 3, 29, 3, tzinfo=UTC))
        assert period.duration == timedelta(hours=6)
        assert period.start == datetime(2026, 3, 29, 2, tzinfo=UTC)

    def test_a_quarter_is_three_months(self) -> None:
        window = SloWindow.parse("1Q", start=datetime(2026, 1, 1, tzinfo=UTC))
        assert window.period(datetime(2026, 5, 5, tzinfo=UTC)).start == datetime(
            2026, 4, 1, tzinfo=UTC
        )

    def test_a_calendar_month_has_no_single_length(self) -> None:
        window = SloWindow.parse("1M", start=datetime(2026, 1, 1, tzinfo=UTC))
        with pytest.raises(ValidationError, match="no fixed length; ask for period"):
            window.length  # noqa: B018
        assert SloWindow.parse("2w", start=datetime(2026, 1, 1, tzinfo=UTC)).length == timedelta(
            weeks=2
        )

    def test_there_is_no_period_before_the_first(self) -> None:
        window = SloWindow.parse("1M", start=datetime(2026, 1, 1, tzinfo=UTC))
        with pytest.raises(ValidationError, match="before the window's first period") as caught:
            window.period(datetime(2025, 12, 31, tzinfo=UTC))
        assert caught.value.field == "at"

    def test_an_aware_start_is_shown_in_the_windows_zone(self) -> None:
        window = SloWindow(1, "M", datetime(2026, 1, 1, tzinfo=UTC), "Europe/Berlin")
        assert window.start.tzinfo == BERLIN and window.start.hour == 1

    def test_starts_in_the_repeated_hour_are_told_apart(self) -> None:
        first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        a = SloWindow(1, "d", first, "Europe/Berlin")
        b = SloWindow(1, "d", first + timedelta(hours=1), "Europe/Berlin")
        assert a.start.replace(tzinfo=None) == b.start.replace(tzinfo=None)
        assert a != b

    @pytest.mark.parametrize(
        ("args", "kwargs", "match"),
        [
            (("28s",), {}, "'28s' is not a duration"),
            (("d",), {}, "not a duration"),
            (("28 d",), {}, "not a duration"),
            ((28,), {}, "28 is not a duration"),
            (("0d",), {}, "whole number of units >= 1, got 0"),
            (("1M",), {"zone": "Europe/Berlin"}, "a rolling window has no time zone"),
            (("1M",), {"start": datetime(2026, 1, 1), "zone": "Nowhere"}, "unknown time zone"),
        ],
    )
    def test_bad_windows_are_refused(self, args, kwargs, match) -> None:
        with pytest.raises(ValidationError, match=match):
            SloWindow.parse(*args, **kwargs)

    @given(
        st.sampled_from(["1M", "2M", "1Q", "1Y", "1d", "3d", "1w", "90m", "5h"]),
        st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2021, 1, 1)),
        st.integers(0, 3 * 366 * 24 * 3600),
        st.sampled_from(["UTC", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe"]),
    )
    def test_calendar_periods_hold_the_instant_and_follow_each_other(
        self, duration, start, seconds, zone
    ) -> None:
        window = SloWindow.parse(duration, start=start, zone=zone)
        at = window.start + timedelta(seconds=seconds)
        period = window.period(at)
        assert period.start <= at < period.end
        assert window.period(period.end).start == period.end
        if period.start > window.start:
            assert window.period(period.start - US).end == period.start


class TestObjectives:
    def test_a_rolling_slos_budget_is_over_its_length(self) -> None:
        budget = slo(SloWindow.parse("28d")).error_budget()
        assert (budget.window, budget.allowed) == (timedelta(days=28), timedelta(seconds=2419.2))

    def test_a_calendar_slos_budget_is_over_the_period_asked_about(self) -> None:
        objective = slo(SloWindow.parse("1M", start=datetime(2026, 1, 1), zone="Europe/Berlin"))
        march = objective.error_budget(datetime(2026, 3, 15, tzinfo=UTC))
        assert march.window == timedelta(days=31, hours=-1)
        with pytest.raises(ValidationError, match="give at= to choose its period"):
            objective.error_budget()

    def test_each_objective_has_its_budget(self) -> None:
        two = slo(SloWindow.parse("1d"), SloObjective(0.99), SloObjective(0.9))
        assert two.error_budget(objective=1).allowed == timedelta(hours=2.4)
        with pytest.raises(ValidationError, match="has 2 objective"):
            two.error_budget(objective=2)

    def test_time_slice_methods_need_their_slices(self) -> None:
        window = SloWindow.parse("28d")
        with pytest.raises(ValidationError, match="needs a time_slice_window") as caught:
            slo(window, budgeting_method="RatioTimeslices")
        assert caught.value.field == "time_slice_window"
        sliced = SloObjective(0.99, time_slice_window=timedelta(minutes=5))
        with pytest.raises(ValidationError, match="needs a time_slice_target"):
            slo(window, sliced, budgeting_method=BudgetingMethod.TIMESLICES)
        assert slo(window, sliced, budgeting_method="RatioTimeslices").budgeting_method is (
            BudgetingMethod.RATIO_TIMESLICES
        )

    @pytest.mark.parametrize(
        ("kwargs", "field", "match"),
        [
            ({"target": 1}, "target", "100 % leaves no error budget"),
            ({"target": 0}, "target", "above 0 %"),
            ({"target": 0.9, "time_slice_target": 0}, "time_slice_target", "above 0 and at most 1"),
            ({"target": 0.9, "op": "eq"}, "op", "op must be one of lt, lte, gt, gte"),
            ({"target": 0.9, "time_slice_window": timedelta(0)}, "time_slice_window", "longer"),
        ],
    )
    def test_bad_objectives_are_refused(self, kwargs, field, match) -> None:
        with pytest.raises(ValidationError, match=match) as caught:
            SloObjective(**kwargs)
        assert caught.value.field == field

    def test_an_slo_needs_an_objective_a_window_and_a_known_method(self) -> None:
        with pytest.raises(ValidationError, match="at least one objective"):
            ServiceLevelObjective("a", "s", [], SloWindow.parse("1d"), indicator="i")
        with pytest.raises(ValidationError, match="window must be an SloWindow"):
            ServiceLevelObjective("a", "s", [SloObjective(0.9)], "1d", indicator="i")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'Occurences' is not a valid BudgetingMethod"):
            slo(SloWindow.parse("1d"), budgeting_method="Occurences")

    def test_labels_annotations_and_the_inline_indicator_are_read_only(self) -> None:
        objective = slo(
            SloWindow.parse("1d"),
            labels={"team": "web", "tags": ["a", "b"]},
            annotations={"openslo.com/key": "v"},
            indicator_spec={"metadata": {"name": "shop-good"}, "spec": {"x": [1, {"y": 2}]}},
        )
        assert dict(objective.labels) == {"team": ("web",), "tags": ("a", "b")}
        assert objective.indicator_spec["spec"]["x"][1]["y"] == 2
        with pytest.raises(TypeError):
            objective.indicator_spec["spec"]["x"] = 3  # type: ignore[index]
        with pytest.raises(ValidationError, match="labels map a name to text"):
            slo(SloWindow.parse("1d"), labels={"team": 5})
        with pytest.raises(ValidationError, match="annotations map a name to text"):
            slo(SloWindow.parse("1d"), annotations={"k": ["v"]})
