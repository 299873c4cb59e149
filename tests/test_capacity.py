"""Capacity management (PR5): capacities, series, thresholds, forecasts, requirements, plans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitsm import Q_
from fitsm.capacity import (
    MIN_SAMPLES,
    Capacity,
    CapacityPlan,
    CapacityRegister,
    ForecastStatus,
    ItemStatus,
    PlanItem,
    PlanStatus,
    Threshold,
    UtilisationSeries,
    breach_indices,
    breaches,
    capacity_plan_subject,
    capacity_requirements_subject,
    derive_requirement,
    forecast_crossing,
)
from fitsm.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from fitsm.reviews import ReviewSchedules
from fitsm.service_levels import ServiceTarget
from fitsm.time.intervals import from_micros
from fitsm.units import root_units

from .strategies import linear_series, utilisation_values

T0 = datetime(2026, 3, 1, tzinfo=UTC)
DAY = timedelta(days=1)
PCT = "percent"


def daily(values: list[float], unit: str = "TB", subject: str = "san1") -> UtilisationSeries:
    return UtilisationSeries.of(
        subject, "storage", unit, [T0 + d * DAY for d in range(len(values))], values
    )


# -- capacities and units -------------------------------------------------------------


def test_capacities_are_quantities_of_their_own_kind() -> None:
    assert root_units("core") == "core"
    assert root_units("licences") == "licence"
    assert root_units("people") == "person"
    # pint counts bytes as dimensionless: the root unit tells them from percent
    assert (root_units("TB"), root_units("percent")) == ("bit", "dimensionless")
    pool = Capacity("san1", "storage", Q_(100, "TB"))
    assert pool.in_unit("GB") == 100_000.0
    assert pool.in_unit("TiB") == pytest.approx(90.949470177, rel=1e-9)
    with pytest.raises(ValidationError, match=r"'core' cannot be compared.*'TB'"):
        pool.in_unit("core")
    with pytest.raises(ValidationError, match="percent"):
        pool.in_unit("percent")


@pytest.mark.parametrize(
    ("amount", "message"),
    [(Q_(0, "TB"), "above zero"), (100, "quantity"), (Q_(float("nan"), "TB"), "finite")],
)
def test_a_capacity_needs_a_positive_finite_quantity(amount: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Capacity("san1", "storage", amount)


# -- series ---------------------------------------------------------------------------------


def test_a_series_is_sorted_owned_and_read_only() -> None:
    times = np.array([2, 1, 3], dtype=np.int64) * 1_000_000
    values = np.array([20.0, 10.0, 30.0])
    series = UtilisationSeries.of("san1", "storage", "TB", times, values)
    assert series.values.tolist() == [10.0, 20.0, 30.0]
    values[0] = 99.0  # the caller's array is theirs
    assert series.values.tolist() == [10.0, 20.0, 30.0]
    with pytest.raises(ValueError, match="read-only"):
        series.values[0] = 1.0
    assert series.to("GB").values.tolist() == [10_000.0, 20_000.0, 30_000.0]
    assert series.between(from_micros(2_000_000), from_micros(3_000_000)).values.tolist() == [20.0]


@pytest.mark.parametrize(
    ("times", "values", "message"),
    [
        ([1, 1], [1.0, 2.0], "strictly increasing"),
        ([1, 2], [1.0, float("nan")], "finite"),
        ([1, 2], [1.0], "one value per time"),
        (["x"], [1.0], "integer microseconds"),
    ],
)
def test_a_bad_series_is_refused(times: list[object], values: list[float], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        UtilisationSeries.of("san1", "storage", "TB", times, values)


def test_a_series_needs_a_unit_pint_knows() -> None:
    with pytest.raises(ValidationError, match="furlongs_of_disk"):
        UtilisationSeries.of("san1", "storage", "furlongs_of_disk", [1], [1.0])


# -- thresholds -----------------------------------------------------------------------


THRESHOLD = Threshold("storage", Q_(80, PCT), Q_(90, PCT), subject="san1")


def test_breaches_are_intervals_with_their_peaks() -> None:
    # day:    0   1   2   3   4   5   6   7
    # value: 70  85  95  92  79  81  60  91  (limits 80 and 90 of 100 TB)
    # warning: days 1-3 (ends day 4, peak 95), day 5 (ends day 6, peak 81), day 7 (ongoing)
    # critical: days 2-3 (ends day 4, peak 95), day 7 (ongoing, peak 91)
    found = breaches(daily([70, 85, 95, 92, 79, 81, 60, 91]), Q_(100, "TB"), THRESHOLD)
    got = [
        (b.level.value, (b.start - T0).days, None if b.end is None else (b.end - T0).days, b.peak)
        for b in found
    ]
    assert got == [
        ("warning", 1, 4, 95.0),
        ("critical", 2, 4, 95.0),
        ("warning", 5, 6, 81.0),
        ("warning", 7, None, 91.0),
        ("critical", 7, None, 91.0),
    ]
    assert {b.limit for b in found} == {80.0, 90.0}


def test_a_level_is_reached_at_exactly_the_limit_and_in_any_unit_of_the_kind() -> None:
    # 80 000 GB of a 100 TB pool is exactly 80 %: a breach
    [warning] = breaches(daily([79_999, 80_000], unit="GB"), Q_(100, "TB"), THRESHOLD)
    assert (warning.start, warning.end, warning.limit) == (T0 + DAY, None, 80_000.0)


def test_a_series_in_cores_is_not_compared_with_terabytes() -> None:
    with pytest.raises(ValidationError, match="'core' cannot be compared"):
        breaches(daily([1, 2], unit="core"), Q_(100, "TB"), THRESHOLD)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"subject": "san1", "ci_type": "storage"}, "either a CI"),
        ({}, "either a CI"),
        ({"subject": "san1", "warning": Q_(90, PCT), "critical": Q_(80, PCT)}, "warning <"),
        ({"subject": "san1", "warning": Q_(90, "TB")}, "share of the capacity"),
    ],
)
def test_a_bad_threshold_is_refused(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"warning": Q_(80, PCT), "critical": Q_(90, PCT)} | kwargs
    with pytest.raises(ValidationError, match=message):
        Threshold("storage", **fields)  # type: ignore[arg-type]


@given(utilisation_values(), st.sampled_from([0.0, 50.0, 80.0, 100.0]))
def test_breach_runs_are_exactly_the_samples_at_or_above_the_limit(
    values: list[float], limit: float
) -> None:
    array = np.array(values, dtype=np.float64)
    starts, ends, peaks = breach_indices(array, limit)
    covered = np.zeros(len(array), dtype=bool)
    for s, e, p in zip(starts, ends, peaks, strict=True):
        assert not covered[s:e].any()  # runs do not overlap
        covered[s:e] = True
        assert p == array[s:e].max()
        assert e == len(array) or array[e] < limit  # a run ends at the first sample below
        assert s == 0 or array[s - 1] < limit  # and starts after one below
    assert covered.tolist() == (array >= limit).tolist()


# -- forecast ---------------------------------------------------------------------------


def test_a_linear_pool_crosses_80_percent_on_the_day_computed_by_hand() -> None:
    # 30 daily samples from 1 March 2026: 50 TB + 0.75 TB a day. 80 % of 100 TB is 80 TB:
    # 50 + 0.75 d = 80 gives d = 40, and 1 March + 40 days is 10 April 2026, 00:00 UTC
    series = daily([50 + 0.75 * d for d in range(30)])
    forecast = forecast_crossing(series, Q_(100, "TB"), fraction=Q_(80, PCT))
    assert forecast.status is ForecastStatus.CROSSES
    assert forecast.crossing == datetime(2026, 4, 10, tzinfo=UTC)
    assert forecast.limit == 80.0
    assert forecast.trend is not None
    assert forecast.trend.slope_per_day == pytest.approx(0.75, rel=1e-12)
    assert (forecast.samples, forecast.span) == (30, 29 * DAY)
    assert "2026-04-10" in forecast.reason


def test_the_trend_is_fitted_to_the_window_only() -> None:
    # 60 flat days at 10 TB, then 30 days rising 1 TB a day from 20 TB (days 60..89): the
    # default window (30 days back from day 89) holds days 59..89, and day 59 is flat at 10.
    # With window=20 days only days 69..89 count: 20 + (d - 60) = 80 gives d = 120.
    values = [10.0] * 60 + [20.0 + k for k in range(30)]
    series = daily(values)
    recent = forecast_crossing(series, Q_(100, "TB"), 0.8, window=20 * DAY)
    assert recent.crossing == T0 + 120 * DAY
    assert recent.samples == 21


def test_too_short_a_history_is_said_not_guessed() -> None:
    nine = daily([50.0 + d for d in range(MIN_SAMPLES - 1)], unit="TB")
    forecast = forecast_crossing(nine, Q_(100, "TB"))
    assert (forecast.status, forecast.crossing, forecast.trend) == (
        ForecastStatus.TOO_SHORT,
        None,
        None,
    )
    assert "9 samples" in forecast.reason
    hourly = UtilisationSeries.of(
        "san1", "storage", "TB", [T0 + timedelta(hours=h) for h in range(48)], range(48)
    )
    assert forecast_crossing(hourly, Q_(100, "TB")).status is ForecastStatus.TOO_SHORT
    # with a shorter minimum span, two days of hourly samples are enough
    short = forecast_crossing(hourly, Q_(100, "TB"), min_span=DAY)
    assert short.crossing == T0 + timedelta(hours=80)
    assert forecast_crossing(daily([]), Q_(100, "TB")).status is ForecastStatus.TOO_SHORT


def test_flat_falling_and_already_above_trends() -> None:
    assert forecast_crossing(daily([50.0] * 20), Q_(100, "TB")).status is (
        ForecastStatus.NOT_RISING
    )
    falling = forecast_crossing(daily([90.0 - d for d in range(20)]), Q_(100, "TB"))
    assert (falling.status, falling.crossing) == (ForecastStatus.NOT_RISING, None)
    # 70 + d reaches 80 on day 10; the last sample is day 19
    above = forecast_crossing(daily([70.0 + d for d in range(20)]), Q_(100, "TB"))
    assert (above.status, above.crossing) == (ForecastStatus.ABOVE, T0 + 10 * DAY)


def test_a_forecast_checks_its_arguments() -> None:
    series = daily([50.0 + d for d in range(20)])
    with pytest.raises(ValidationError, match="min_samples"):
        forecast_crossing(series, Q_(100, "TB"), min_samples=1)
    with pytest.raises(ValidationError, match="fraction"):
        forecast_crossing(series, Q_(100, "TB"), fraction=0)
    with pytest.raises(ValidationError, match="capacity in 'core'"):
        forecast_crossing(series, Q_(64, "core"))
    with pytest.raises(ValidationError, match="share of the capacity"):
        forecast_crossing(series, Q_(64, "TB"), fraction=Q_(80, "TB"))


@settings(max_examples=200)
@given(linear_series(), st.integers(1, 99))
def test_for_exact_linear_data_the_forecast_is_the_analytic_crossing(
    history: tuple[int, int, float, float, int], percent: int
) -> None:
    start, step, first, growth, n = history
    times = start + step * np.arange(n, dtype=np.int64)
    values = first + growth * np.arange(n, dtype=np.float64)
    series = UtilisationSeries("pool", "storage", "TB", times, values)
    capacity = Q_(2000, "TB")
    forecast = forecast_crossing(
        series, capacity, Fraction(percent, 100), window=timedelta(days=10**5), min_span=0 * DAY,
        min_samples=2,
    )  # fmt: skip
    limit = 2000 * percent / 100
    if growth <= 0:
        assert forecast.status is ForecastStatus.NOT_RISING
        return
    # value(t) = first + growth * (t - start) / step, solved for value = limit, exactly
    exact = Fraction(start) + (Fraction(limit) - Fraction(first)) / Fraction(growth) * step
    expected = from_micros(round(exact))
    assert forecast.crossing is not None
    # float64 least squares over up to 400 points: within a millisecond of the exact instant
    assert abs(forecast.crossing - expected) <= timedelta(milliseconds=1)
    assert forecast.status is (
        ForecastStatus.CROSSES if exact > times[-1] else ForecastStatus.ABOVE
    )


# -- requirements ------------------------------------------------------------------------


def test_a_requirement_from_an_sla_target_computed_by_hand() -> None:
    # 200 transactions/s x 0.02 core s per transaction = 4 cores, x 1.25 headroom = 5 cores
    target = ServiceTarget("performance", Q_(200, "transaction/s"), name="checkout throughput")
    requirement = derive_requirement(
        "cpu-shop", "shop", "cpu", unit="core", target=target,
        cost=Q_(Fraction(1, 50), "core*s/transaction"), headroom=Q_(25, PCT),
        sources=["sla-shop"],
    )  # fmt: skip
    assert requirement.amount == Q_(5, "core")
    assert requirement.magnitude == 5
    assert requirement.sources == ("sla-shop",)
    assert requirement.is_met_by(Q_(5, "core"))
    assert not requirement.is_met_by(Q_(4, "core"))
    with pytest.raises(ValidationError, match="'TB' cannot be compared"):
        requirement.is_met_by(Q_(5, "TB"))


def test_the_larger_of_target_and_forecast_demand_counts() -> None:
    # 120 transactions/s forecast against a 100/s target: 120 x 0.05 core s = 6 cores
    requirement = derive_requirement(
        "cpu", "shop", "cpu", unit="core", target=Q_(100, "transaction/s"),
        forecast=Q_(7200, "transaction/min"), cost=Q_(0.05, "core*s/transaction"),
    )  # fmt: skip
    assert requirement.amount == Q_(6, "core")
    assert "(forecast)" in requirement.basis


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "needs a demand"),
        ({"target": ServiceTarget("availability", Q_(99.9, PCT))}, "sets no demand"),
        ({"target": Q_(100, "transaction/s"), "cost": Q_(1, "TB")}, "not a quantity in 'core'"),
        ({"target": Q_(1, "transaction/s"), "forecast": Q_(1, "TB")}, "cannot be compared"),
        ({"target": Q_(1, "transaction/s"), "headroom": -0.1}, "headroom"),
    ],
)
def test_a_requirement_needs_a_demand_and_a_cost_that_fit(
    kwargs: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {"cost": Q_(0.02, "core*s/transaction")} | kwargs
    with pytest.raises(ValidationError, match=message):
        derive_requirement("r", "shop", "cpu", unit="core", **fields)  # type: ignore[arg-type]


# -- the register ---------------------------------------------------------------------------


def register() -> CapacityRegister:
    r = CapacityRegister()
    r.set_capacity(Capacity("san1", "storage", Q_(100, "TB"), ci_type="storage"), at=T0, by="ann")
    r.set_capacity(Capacity("san2", "storage", Q_(40, "TB"), ci_type="storage"), at=T0, by="ann")
    r.set_threshold(Threshold("storage", 0.8, 0.9, ci_type="storage"), at=T0, by="ann")
    r.add_requirement(
        derive_requirement(
            "st-shop", "shop", "storage", unit="TB", target=Q_(60, "TB"), cost=Q_(1, "")
        ),
        at=T0,
        by="ann",
    )
    r.add_plan(CapacityPlan("cap-2026", "Capacity 2026", owner="olga"), at=T0, by="olga")
    return r


def test_the_threshold_of_the_ci_wins_over_its_types() -> None:
    r = register()
    assert r.threshold_for("san1", "storage").key == "type:storage/storage"  # type: ignore[union-attr]
    own = Threshold("storage", 0.7, 0.95, subject="san1")
    r.set_threshold(own, at=T0, by="ann")
    assert r.threshold_for("san1", "storage") == own
    assert r.threshold_for("san2", "storage").key == "type:storage/storage"  # type: ignore[union-attr]
    assert r.threshold_for("hv1", "cpu") is None
    # san1 at 75 TB is above its own 70 % warning, which the type's 80 % would not show
    [warning] = r.evaluate(daily([60.0, 75.0]))
    assert (warning.level.value, warning.limit) == ("warning", 70.0)
    with pytest.raises(NotFoundError, match="no threshold applies to hv1/cpu"):
        r.set_capacity(Capacity("hv1", "cpu", Q_(64, "core")), at=T0, by="ann")
        r.evaluate(UtilisationSeries.of("hv1", "cpu", "core", [T0], [3.0]))


def test_a_capacity_changes_only_within_its_kind_and_is_recorded() -> None:
    r = register()
    r.set_capacity(Capacity("san1", "storage", Q_(150_000, "GB")), at=T0 + DAY, by="bob")
    with pytest.raises(ValidationError, match="'core' cannot be compared"):
        r.set_capacity(Capacity("san1", "storage", Q_(3, "core")), at=T0 + DAY, by="bob")
    assert [(c.action, c.by) for c in r.history("capacity:san1/storage")] == [
        ("recorded", "ann"),
        ("changed", "bob"),
    ]
    assert r.forecast(daily([100.0 + d for d in range(20)]), 0.8).crossing == T0 + 20 * DAY


def test_plans_carry_human_technical_and_financial_items_and_need_approval() -> None:
    r = register()
    shelf = PlanItem("shelf", "technical", "50 TB shelf", amount=Q_(50, "TB"), cost="18000",
                     currency="EUR", requirement="st-shop")  # fmt: skip
    admin = PlanItem("admin", "human", "A second storage admin per shift",
                     amount=Q_(1, "person"), cost=Decimal("61000.00"), currency="EUR")  # fmt: skip
    budget = PlanItem("budget", "financial", "Reserve for 2027", cost="5000", currency="USD")
    r.add_plan_item("cap-2026", shelf, at=T0, by="olga")
    r.add_plan_item("cap-2026", admin, at=T0, by="olga")
    plan = r.approve_plan("cap-2026", at=T0 + DAY, by="pete")
    assert plan.status is PlanStatus.APPROVED
    # carrying out a measure is no change of the plan: it stays approved
    plan = r.update_plan_item(
        "cap-2026", "shelf", status="in_progress", change="CHG-12", at=T0 + DAY, by="olga"
    )
    assert (plan.status, plan.item("shelf").change) == (PlanStatus.APPROVED, "CHG-12")
    # a new measure is: the plan goes back to draft until it is approved again
    plan = r.add_plan_item("cap-2026", budget, at=T0 + 2 * DAY, by="olga")
    assert plan.status is PlanStatus.DRAFT
    assert plan.cost() == {"EUR": Decimal("79000.00"), "USD": Decimal("5000")}
    assert {k.value: [i.id for i in v] for k, v in plan.by_kind().items()} == {
        "human": ["admin"], "technical": ["shelf"], "financial": ["budget"],
    }  # fmt: skip
    r.update_plan_item("cap-2026", "admin", status=ItemStatus.CANCELLED, at=T0 + 2 * DAY, by="o")
    assert r.plan("cap-2026").cost() == {"EUR": Decimal("18000"), "USD": Decimal("5000")}
    assert [c.action for c in r.history("plan:cap-2026")] == [
        "created", "item added", "item added", "approved", "item updated", "item added",
        "item updated",
    ]  # fmt: skip
    r.terminate_plan("cap-2026", at=T0 + 3 * DAY, by="olga")
    with pytest.raises(ValidationError, match="terminated"):
        r.add_plan_item("cap-2026", PlanItem("x", "human", "x"), at=T0 + 3 * DAY, by="olga")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda r: r.approve_plan("cap-2026", at=T0, by="p"), ValidationError, "no items"),
        (
            lambda r: r.add_plan_item(
                "cap-2026", PlanItem("i", "technical", "x", requirement="nope"), at=T0, by="o"
            ),
            NotFoundError,
            "'nope'",
        ),
        (
            lambda r: r.add_plan(CapacityPlan("cap-2026", "again"), at=T0, by="o"),
            DuplicateError,
            "cap-2026",
        ),
        (
            lambda r: r.add_plan(CapacityPlan("p2", "x", status="approved"), at=T0, by="o"),
            ValidationError,
            "starts as a draft",
        ),
        (
            lambda r: r.update_plan_item("cap-2026", "zz", status="done", at=T0, by="o"),
            ValidationError,
            "no item 'zz'",
        ),
        (
            lambda r: r.set_capacity(
                Capacity("san1", "storage", Q_(1, "TB")), at=T0 - DAY, by="ann"
            ),
            ValidationError,
            "before its last change",
        ),
        (lambda r: r.plan("nope"), NotFoundError, "no capacity plan 'nope'"),
        (lambda r: r.review_requirements("mail", at=T0, by="a"), NotFoundError, "mail"),
        (lambda r: r.set_threshold("storage", at=T0, by="a"), ValidationError, "Threshold"),
        (
            lambda r: PlanItem("i", "technical", "x", cost="12.5"),
            ValidationError,
            "no currency",
        ),
        (lambda r: PlanItem("i", "technical", "x", cost=1.5), ValidationError, "exact"),
    ],
)
def test_bad_operations_are_refused_and_change_nothing(call, error, message) -> None:  # type: ignore[no-untyped-def]
    r = register()
    before = r.copy()
    with pytest.raises(error, match=message):
        call(r)
    assert r == before


def test_reviews_advance_their_schedules_or_nothing_changes() -> None:
    r = register()
    schedules = ReviewSchedules()
    schedules.plan(capacity_plan_subject("cap-2026"), timedelta(days=90), at=T0, by="olga")
    schedules.plan(capacity_requirements_subject("shop"), timedelta(days=365), at=T0, by="pete")
    later = T0 + 30 * DAY
    r.review_plan("cap-2026", at=later, by="olga", outcome="updated", schedules=schedules)
    r.review_requirements("shop", at=later, by="pete", schedules=schedules)
    assert schedules.schedule(capacity_plan_subject("cap-2026")).next_due == later + 90 * DAY
    assert schedules.schedule(capacity_requirements_subject("shop")).next_due == later + 365 * DAY
    assert r.history("requirement:st-shop")[-1].changes == {"outcome": "passed"}
    # a review dated before the last one is refused by the schedule: the register is untouched
    before, plans = r.copy(), len(schedules.schedule(capacity_plan_subject("cap-2026")).reviews)
    with pytest.raises(ValidationError, match="before the last one"):
        r.review_plan("cap-2026", at=later, by="olga", schedules=_earlier(schedules, later))
    assert r == before
    assert len(schedules.schedule(capacity_plan_subject("cap-2026")).reviews) == plans
    with pytest.raises(NotFoundError):  # no schedule for the plan: nothing recorded
        r.review_plan("cap-2026", at=later, by="olga", schedules=ReviewSchedules())
    assert r == before


def _earlier(schedules: ReviewSchedules, later: datetime) -> ReviewSchedules:
    """A copy whose plan was reviewed after ``later`` already."""
    other = schedules.copy()
    other.perform(capacity_plan_subject("cap-2026"), at=later + DAY, by="olga")
    return other


def test_writers_of_different_items_merge_and_of_the_same_item_conflict() -> None:
    base = register()
    ours, theirs = base.copy(), base.copy()
    ours.set_capacity(Capacity("san1", "storage", Q_(120, "TB"), ci_type="storage"), at=T0, by="a")
    theirs.set_threshold(Threshold("storage", 0.7, 0.8, subject="san2"), at=T0, by="b")
    ours.rebase(theirs, base)
    assert ours.capacity("san1", "storage").amount == Q_(120, "TB")
    assert ours.threshold_for("san2", "storage").key == "ci:san2/storage"  # type: ignore[union-attr]
    mine, other = base.copy(), base.copy()
    mine.review_requirements("shop", at=T0, by="a")
    other.review_requirements("shop", at=T0, by="b")
    kept = mine.copy()
    with pytest.raises(ConflictError, match="requirement:st-shop"):
        mine.rebase(other, base)
    assert mine == kept
    assert repr(base) == (
        "<CapacityRegister 'default': 2 capacities, 1 thresholds, 1 requirements, 1 plans>"
    )


def test_flat_data_is_flat_whatever_the_rounding() -> None:
    # found by the property above: 26 equal samples fitted a slope of 2e-15 TB a day,
    # "rising" to 20 TB before the year 1
    times = 248_361_000_000 * np.arange(26, dtype=np.int64)
    flat = UtilisationSeries("pool", "storage", "TB", times, np.full(26, 582.828125))
    forecast = forecast_crossing(flat, Q_(2000, "TB"), 0.01, min_span=0 * DAY)
    assert (forecast.status, forecast.crossing) == (ForecastStatus.NOT_RISING, None)
