"""SLA clocks replayed from history: pauses, breaches, warnings, carry-over policies."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import (
    Q_,
    Agreement,
    BusinessCalendar,
    Incident,
    InvalidTransitionError,
    ServiceTarget,
    ValidationError,
)
from fitsm.cases import INCIDENT, ClockBreached, ClockPolicy, ClockWarning, clock_events, sla_clocks
from fitsm.service_levels import Agreements

OFFICE = BusinessCalendar.from_rules({"mon-fri": "09:00-17:00"})
H = timedelta(hours=1)


def at(day: int, hour: float) -> datetime:
    return datetime(2024, 1, day, tzinfo=UTC) + timedelta(hours=hour)  # 1 January 2024 is a Monday


@pytest.fixture
def agreements() -> Agreements:
    registry = Agreements()
    registry.add(
        Agreement(
            "sla",
            "SLA",
            "staff",
            ["mail"],
            [
                ServiceTarget("resolution_time", Q_(4, "hour"), priority="P1"),
                ServiceTarget("resolution_time", Q_(16, "hour"), priority="P3"),
                ServiceTarget("response_time", Q_(30, "minute"), priority="P1"),
            ],
            calendar=OFFICE,
        )
    )
    return registry


def incident(priority: str = "P1", when: datetime | None = None) -> Incident:
    when = when or at(1, 16)
    return Incident(
        "INC-1",
        "mail",
        when,
        "ann",
        service="mail",
        category="c",
        impact="x",
        urgency="y",
        priority=priority,
    )


def step(case, event, when, **data):
    INCIDENT.fire(case, event, actor="ann", at=when, **data)


class TestResolutionClock:
    def test_pending_time_does_not_count_and_the_breach_is_dated(self, agreements) -> None:
        case = incident()
        step(case, "assign", at(1, 16.75), group="g")
        step(case, "wait", at(2, 10))
        step(case, "resume", at(2, 12))
        [clock] = sla_clocks([case], agreements, at(3, 9))
        assert clock.elapsed == 7 * H  # Mon 16-17, Tue 9-10, Tue 12-17
        assert clock.target == 4 * H and clock.used == Fraction(7, 4)
        assert clock.breached_at == at(2, 14) and clock.warned_at == at(2, 13)
        assert clock.running and clock.due == at(2, 14)

    def test_a_resolved_case_stops_its_clock(self, agreements) -> None:
        case = incident()
        step(case, "assign", at(1, 16.5), group="g")
        step(case, "resolve", at(2, 10), resolution="r")
        [clock] = sla_clocks([case], agreements, at(5, 12))
        assert (clock.elapsed, clock.running, clock.breached) == (2 * H, False, False)
        assert clock.due is None and clock.warned_at is None

    def test_a_running_clock_projects_its_due_time_through_service_hours(self, agreements) -> None:
        case = incident(when=at(1, 15))
        [clock] = sla_clocks([case], agreements, at(1, 16))
        assert clock.due == at(2, 11)  # 1 h used, 3 h left: Mon 16-17 and Tue 9-11
        assert not clock.breached

    def test_the_same_history_gives_the_same_answer(self, agreements) -> None:
        case = incident()
        step(case, "assign", at(1, 16.5), group="g")
        first = sla_clocks([case], agreements, at(4, 9))
        assert sla_clocks([case.copy()], agreements, at(4, 9)) == first


class TestResponseClock:
    def test_response_runs_until_the_case_leaves_new(self, agreements) -> None:
        case = incident()
        step(case, "assign", at(1, 16.75), group="g")
        [clock] = sla_clocks([case], agreements, at(3, 9), kind="response_time")
        assert clock.elapsed == timedelta(minutes=45)
        assert clock.breached_at == at(1, 16.5)


class TestPriorityChanges:
    def history(self):
        case = incident(priority="P3")
        step(case, "assign", at(1, 16), group="g")
        step(case, "prioritise", at(2, 11), impact="high", urgency="high", priority="P1")
        return case

    def test_elapsed_time_is_kept_against_the_new_target_by_default(self, agreements) -> None:
        [clock] = sla_clocks([self.history()], agreements, at(2, 12))
        assert (clock.target, clock.elapsed) == (4 * H, 4 * H)  # Mon 16-17, Tue 9-12
        assert clock.breached_at == at(2, 12)

    def test_the_clock_can_restart_at_the_change(self, agreements) -> None:
        [clock] = sla_clocks(
            [self.history()], agreements, at(2, 12), policy=ClockPolicy(carry_over="restart")
        )
        assert (clock.target, clock.elapsed, clock.breached) == (4 * H, H, False)

    def test_a_bad_policy_is_named(self) -> None:
        with pytest.raises(ValidationError, match="'sometimes' is not a valid CarryOver"):
            ClockPolicy(carry_over="sometimes")
        with pytest.raises(ValidationError, match="warn_at must be a share between 0 and 1, got 2"):
            ClockPolicy(warn_at=2)


def test_warnings_and_breaches_are_events(agreements) -> None:
    case = incident()
    step(case, "assign", at(1, 16.75), group="g")
    events = clock_events(sla_clocks([case], agreements, at(3, 9)))
    assert events == [
        ClockWarning("INC-1", "resolution_time", at(2, 11), Fraction(3, 4)),
        ClockBreached("INC-1", "resolution_time", at(2, 12)),
    ]


def test_a_case_without_a_target_has_no_breach(agreements) -> None:
    [clock] = sla_clocks([incident(priority="P5")], agreements, at(5, 9))
    assert clock.target is None and clock.used is None and not clock.breached


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["wait", "resume", "start", "resolve", "reopen"]), st.integers(0, 30)
        ),
        max_size=12,
    )
)
def test_elapsed_time_never_exceeds_the_service_time_since_registration(steps) -> None:
    agreements = Agreements()
    agreements.add(
        Agreement(
            "sla",
            "SLA",
            "staff",
            ["mail"],
            [ServiceTarget("resolution_time", Q_(4, "hour"), priority="P1")],
            calendar=OFFICE,
        )
    )
    case = incident(when=at(1, 8))
    now = at(1, 9)
    step(case, "assign", now, group="g")
    for event, hours in steps:
        now += timedelta(hours=hours)
        with contextlib.suppress(InvalidTransitionError, ValidationError):
            step(case, event, now, resolution="r")
    [clock] = sla_clocks([case], agreements, now + H)
    assert timedelta(0) <= clock.elapsed <= OFFICE.service_time(case.registered_at, now + H)


def test_a_target_without_a_priority_applies_to_every_priority() -> None:
    """Otherwise a prioritised incident's clock would have no target and never breach."""
    registry = Agreements()
    registry.add(
        Agreement("sla", "SLA", "staff", ["mail"],
                  [ServiceTarget("resolution_time", Q_(8, "hour")),
                   ServiceTarget("resolution_time", Q_(2, "hour"), priority="P1")],
                  calendar=OFFICE)
    )  # fmt: skip
    p3 = incident("P3", at(1, 9))
    [clock] = sla_clocks([p3], registry, at(2, 9))
    assert clock.target == timedelta(hours=8)
    assert clock.breached
    [clock] = sla_clocks([incident("P1", at(1, 9))], registry, at(1, 10))
    assert clock.target == timedelta(hours=2)
