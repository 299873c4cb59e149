"""The schedule of changes (PR12.6), problem candidates (PR10.1) and the KEDB (PR10.4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fitsm import BusinessCalendar, Change, Cmdb, Incident, Problem, ValidationError
from fitsm.cases import (
    PROBLEM,
    change_schedule,
    known_errors,
    problem_candidates,
    schedule_conflicts,
)

T0 = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
H = timedelta(hours=1)


def planned(
    cid: str, start: float, hours: float, cis=(), services=(), status="scheduled"
) -> Change:
    return Change(
        cid,
        cid,
        T0,
        "carl",
        status=status,
        cis=cis,
        impacted_services=services,
        planned_start=T0 + start * H,
        planned_end=T0 + (start + hours) * H,
    )


class TestSchedule:
    def test_only_approved_changes_with_windows_are_scheduled_in_order(self) -> None:
        changes = [
            planned("B", 5, 1),
            planned("A", 1, 1),
            planned("C", 0, 1, status="assessed"),
            Change("D", "d", T0, "carl", status="approved"),
        ]
        assert [c.id for c in change_schedule(changes)] == ["A", "B"]

    def test_overlapping_changes_on_one_ci_conflict(self) -> None:
        found = schedule_conflicts(
            [planned("A", 0, 2, cis=("db1",)), planned("B", 1, 2, cis=("db1",))]
        )
        assert [(c.problem, c.changes) for c in found] == [("same_ci", ("A", "B"))]

    def test_changes_that_do_not_overlap_do_not_conflict(self) -> None:
        assert (
            schedule_conflicts([planned("A", 0, 1, cis=("db1",)), planned("B", 1, 1, cis=("db1",))])
            == []
        )

    def test_overlapping_changes_on_dependent_cis_conflict(self, shop: Cmdb) -> None:
        found = schedule_conflicts(
            [planned("A", 0, 2, cis=("web1",)), planned("B", 1, 2, cis=("sw1",))], cmdb=shop
        )
        assert [(c.problem, c.detail) for c in found] == [
            ("dependent_cis", "dependencies between their CIs: web1 -> sw1")
        ]

    def test_changes_outside_maintenance_windows_are_flagged(self) -> None:
        nights = BusinessCalendar.from_rules({"daily": "00:00-04:00"})
        found = schedule_conflicts(
            [planned("A", 1, 2, services=("shop",)), planned("B", 3, 2, services=("shop",))],
            maintenance={"shop": nights},
        )
        assert [(c.problem, c.changes) for c in found] == [("outside_maintenance", ("B",))]


def incident(iid: str, day: int, *, cis=(), service=None, category="") -> Incident:
    return Incident(
        iid, iid, T0 + timedelta(days=day), "ann", cis=cis, service=service, category=category
    )


class TestProblemCandidates:
    def test_recurring_incidents_propose_problems_largest_first(self) -> None:
        incidents = [
            incident("I1", 1, cis=("db1",), service="shop", category="slow"),
            incident("I2", 2, cis=("db1",), service="shop"),
            incident("I3", 3, cis=("db1", "sw1"), service="mail", category="slow"),
            incident("I4", 4, cis=("sw1",), service="shop", category="slow"),
            incident("I5", 40, cis=("db1",), service="shop"),  # outside the window
        ]
        found = problem_candidates(incidents, T0, T0 + timedelta(days=30), min_incidents=3)
        assert [(c.by, c.value, c.incidents) for c in found] == [
            ("ci", "db1", ("I1", "I2", "I3")),
            ("service", "shop", ("I1", "I2", "I4")),
            ("category", "slow", ("I1", "I3", "I4")),
        ]
        assert found[0].first == T0 + timedelta(days=1) and found[0].count == 3

    def test_bad_groupings_are_named(self) -> None:
        with pytest.raises(ValidationError, match="cannot group incidents by 'team'"):
            problem_candidates([], T0, T0, by=["team"])


def test_the_kedb_answers_for_a_ci_or_a_service() -> None:
    known = Problem("PRB-1", "db leak", T0, "pam", service="shop", cis=("db1",))
    for event, data in [
        ("classify", {"category": "db"}),
        ("investigate", {}),
        ("record_root_cause", {"root_cause": "pool leak"}),
        ("declare_known_error", {"workarounds": ("restart pool",)}),
    ]:
        PROBLEM.fire(known, event, actor="pam", at=T0, **data)
    other = Problem("PRB-2", "new", T0, "pam", service="shop", cis=("db1",))
    [entry] = known_errors([known, other], ci="db1")
    assert (entry.problem, entry.workarounds) == ("PRB-1", ("restart pool",))
    assert known_errors([known], service="mail") == []
