"""Case lifecycles: strict charts, compiled execution equal to the declared charts, history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from statemachine.exceptions import TransitionNotAllowed

from fitsm import InvalidTransitionError, ValidationError
from fitsm.cases import (
    CHANGE,
    COMPLAINT,
    IMPROVEMENT,
    INCIDENT,
    PROBLEM,
    RELEASE,
    CaseLifecycle,
    mermaid,
)
from fitsm.cases.changes import Change, ChangeType
from fitsm.cases.improvements import Complaint, Improvement
from fitsm.cases.incidents import Incident, ServiceRequest
from fitsm.cases.problems import Problem
from fitsm.cases.releases import Release

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
LATER = T0 + timedelta(days=30)

# for every event, a few ways to call it: valid data, and data a validator refuses
CALLS: dict[str, list[dict]] = {
    "classify": [
        {"category": "email"},
        {"category": ""},
        {"change_type": "normal"},
        {"change_type": "standard"},
        {"change_type": None},
    ],
    "prioritise": [{"impact": "high", "urgency": "low", "priority": "P3"}, {"impact": None}],
    "assign": [{"group": "g1"}, {}],
    "escalate": [{"group": "g2"}, {"group": "g1"}],
    "escalate_hierarchically": [{"escalated_to": "boss"}, {}],
    "resolve": [{"resolution": "fixed"}, {"change": "CHG-1"}, {}],
    "close": [{"confirmed": True}, {"timed_out": True}, {}, {"outcome": "done"}],
    "declare_major": [{"coordinator": "mia"}, {}],
    "review_major": [{"major_review": "lessons"}, {}],
    "record_root_cause": [{"root_cause": "leak"}, {}],
    "declare_known_error": [{"workarounds": ("restart",)}, {}],
    "add_workaround": [{"workarounds": ("restart", "failover")}, {}],
    "assess": [
        {"benefits": "b", "risk": "low", "effort": "e", "feasibility": "f"},
        {"risk": "low"},
    ],
    "approve": [{}],
    "reject": [{}],
    "schedule": [{"planned_start": T0, "planned_end": T0 + timedelta(hours=2)}, {}],
    "reschedule": [{"planned_start": T0, "planned_end": T0 + timedelta(hours=3)}],
    "review": [{"review": "ok"}, {}],
    "plan": [
        {
            "changes": ("CHG-1",),
            "strategy": "rolling",
            "testing": "canary",
            "acceptance_criteria": ("latency",),
        },
        {},
    ],
    "test": [{"test_results": {"latency": True}}, {"test_results": {"latency": False}}],
    "deploy": [{"rollback_plan": "redeploy previous"}, {}],
    "succeed": [{"evaluation": "fine"}, {}],
    "fail": [{"evaluation": "errors"}, {}],
    "evaluate": [{"evaluation": "worth it"}, {}],
    "implement": [{"actions": "do it"}, {}],
}

CASES = [
    (Incident, INCIDENT),
    (ServiceRequest, INCIDENT),
    (Problem, PROBLEM),
    (Change, CHANGE),
    (Release, RELEASE),
    (Improvement, IMPROVEMENT),
    (Complaint, COMPLAINT),
]


def new_case(cls):
    return cls("C-1", "a case", T0, "ann")


def calls_for(lifecycle: CaseLifecycle, event: str, case) -> list[dict]:
    fields = {a.name for a in attrs.fields(type(case))} | lifecycle.arguments.get(
        event, frozenset()
    )
    options = [c for c in CALLS.get(event, [{}]) if set(c) <= fields & lifecycle.accepts(event)]
    return options or [{}]


def attempt(lifecycle: CaseLifecycle, case, event: str, data: dict, at: datetime) -> bool:
    try:
        lifecycle.fire(case, event, actor="ann", at=at, **data)
    except (InvalidTransitionError, ValidationError):
        return False
    return True


@pytest.mark.parametrize(("cls", "lifecycle"), CASES, ids=lambda x: getattr(x, "__name__", ""))
class TestEquivalence:
    @given(data=st.data())
    @settings(max_examples=60)
    def test_the_compiled_lifecycle_behaves_like_the_declared_chart(
        self, cls, lifecycle, data
    ) -> None:
        ours, theirs = new_case(cls), new_case(cls)
        chart = lifecycle.bind(theirs)
        at = T0
        for _ in range(data.draw(st.integers(1, 25))):
            at += timedelta(hours=data.draw(st.integers(0, 200)))
            event = data.draw(st.sampled_from(lifecycle.events))
            call = data.draw(st.sampled_from(calls_for(lifecycle, event, ours)))
            accepted = attempt(lifecycle, ours, event, call, at)
            try:
                chart.send(event, actor="ann", at=at, **call)
                chart_accepted = True
            except (TransitionNotAllowed, ValidationError):
                chart_accepted = False
            assert accepted == chart_accepted, (event, call)
            if accepted:
                # the bare chart neither sets fields nor records history (a time-out reads
                # it): give its model what fire() gave ours
                for field in attrs.fields(cls):
                    if field.name != "status":
                        setattr(theirs, field.name, getattr(ours, field.name))
            assert ours.status == theirs.status


class TestStrictness:
    def test_an_impossible_event_names_the_case_its_status_and_what_is_allowed(self) -> None:
        case = new_case(Incident)
        with pytest.raises(InvalidTransitionError) as e:
            INCIDENT.fire(case, "resolve", actor="ann", at=T0, resolution="x")
        assert str(e.value) == (
            "incident 'C-1' is 'new': 'resolve' is not possible now; "
            "allowed: classify, prioritise, assign, cancel, declare_major"
        )
        assert case.status == "new" and case.history == () and case.resolution == ""

    def test_a_failing_guard_leaves_the_case_unchanged(self) -> None:
        case = new_case(Incident)
        with pytest.raises(
            InvalidTransitionError, match=r"must be classified and prioritised first.*\(PR9\.1\)"
        ):
            INCIDENT.fire(case, "assign", actor="ann", at=T0, group="g1")
        assert case.status == "new" and case.group is None and case.history == ()

    def test_a_failing_validator_leaves_the_case_unchanged(self) -> None:
        case = new_case(Change)
        with pytest.raises(ValidationError, match="needs a change_type"):
            CHANGE.fire(case, "classify", actor="ann", at=T0)
        assert case.status == "new" and case.history == ()

    def test_fields_an_event_cannot_set_are_refused(self) -> None:
        case = new_case(Incident)
        with pytest.raises(ValidationError, match="cannot set 'status'"):
            INCIDENT.fire(case, "classify", actor="ann", at=T0, category="x", status="closed")
        with pytest.raises(ValidationError, match="cannot set 'colour'"):
            INCIDENT.fire(case, "classify", actor="ann", at=T0, category="x", colour="red")
        assert case.history == ()

    def test_history_records_every_transition_and_cannot_be_edited(self) -> None:
        case = new_case(Incident)
        INCIDENT.fire(case, "classify", actor="ann", at=T0, note="from the phone", category="email")
        [entry] = case.history
        assert (entry.actor, entry.event, entry.source, entry.target, entry.note) == (
            "ann",
            "classify",
            "new",
            "new",
            "from the phone",
        )
        assert dict(entry.changes) == {"category": "email"}
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            entry.actor = "eve"  # type: ignore[misc]
        with pytest.raises(TypeError):
            entry.changes["category"] = "x"  # type: ignore[index]


def run(lifecycle, case, *steps):
    at = max(T0, case.history[-1].at) if case.history else T0
    for event, data in steps:
        at += timedelta(hours=1)
        lifecycle.fire(case, event, actor="ann", at=at, **data)
    return case


class TestIncidents:
    ready = (
        ("classify", {"category": "email"}),
        ("prioritise", {"impact": "high", "urgency": "high", "priority": "P1"}),
    )

    def test_the_whole_way_with_a_pause_and_a_functional_escalation(self) -> None:
        case = run(
            INCIDENT,
            new_case(Incident),
            *self.ready,
            ("assign", {"group": "desk"}),
            ("start", {}),
            ("wait", {}),
            ("resume", {}),
            ("escalate", {"group": "network"}),
            ("escalate_hierarchically", {"escalated_to": "boss"}),
            ("resolve", {"resolution": "replaced cable"}),
            ("close", {"confirmed": True}),
        )
        assert case.status == "closed" and case.group == "network" and case.escalated_to == "boss"
        assert len(case.history) == 10

    def test_closing_needs_confirmation_or_the_timeout(self) -> None:
        case = run(
            INCIDENT,
            new_case(Incident),
            *self.ready,
            ("assign", {"group": "desk"}),
            ("resolve", {"resolution": "r"}),
        )
        resolved_at = case.history[-1].at
        with pytest.raises(InvalidTransitionError):
            INCIDENT.fire(
                case, "close", actor="ann", at=resolved_at + timedelta(days=1), timed_out=True
            )
        INCIDENT.fire(
            case, "close", actor="ann", at=resolved_at + timedelta(days=5), timed_out=True
        )
        assert case.status == "closed"

    def test_a_major_incident_cannot_close_before_its_review(self) -> None:
        case = run(
            INCIDENT,
            new_case(Incident),
            *self.ready,
            ("declare_major", {"coordinator": "mia"}),
            ("assign", {"group": "desk"}),
            ("resolve", {"resolution": "r"}),
        )
        with pytest.raises(
            InvalidTransitionError,
            match=r"is not allowed: a major incident needs its review before closing \(PR9\.6\)$",
        ):
            INCIDENT.fire(case, "close", actor="ann", at=T0 + timedelta(days=1), confirmed=True)
        INCIDENT.fire(
            case, "review_major", actor="mia", at=T0 + timedelta(days=1), major_review="ok"
        )
        INCIDENT.fire(case, "close", actor="ann", at=T0 + timedelta(days=1), confirmed=True)
        assert case.status == "closed"

    def test_a_service_request_cannot_be_major(self) -> None:
        with pytest.raises(ValidationError, match="only incidents can be major"):
            INCIDENT.fire(
                new_case(ServiceRequest), "declare_major", actor="a", at=T0, coordinator="m"
            )

    def test_a_resolved_incident_can_be_reopened(self) -> None:
        case = run(
            INCIDENT,
            new_case(Incident),
            *self.ready,
            ("assign", {"group": "desk"}),
            ("resolve", {"resolution": "r"}),
            ("reopen", {}),
        )
        assert case.status == "in_progress"


class TestOtherLifecycles:
    def test_a_problem_becomes_a_known_error_and_is_resolved_by_a_change(self) -> None:
        case = run(
            PROBLEM,
            new_case(Problem),
            ("classify", {"category": "db"}),
            ("investigate", {}),
            ("record_root_cause", {"root_cause": "leak"}),
            ("declare_known_error", {"workarounds": ("restart nightly",)}),
            ("resolve", {"change": "CHG-7"}),
            ("close", {}),
        )
        assert case.status == "closed" and case.change == "CHG-7"

    def test_a_known_error_needs_a_workaround(self) -> None:
        case = run(
            PROBLEM,
            new_case(Problem),
            ("classify", {"category": "db"}),
            ("investigate", {}),
            ("record_root_cause", {"root_cause": "leak"}),
        )
        with pytest.raises(ValidationError, match="at least one workaround"):
            PROBLEM.fire(case, "declare_known_error", actor="a", at=LATER)

    def test_a_standard_change_is_pre_approved_and_needs_no_review(self) -> None:
        case = run(
            CHANGE,
            Change("C-1", "a case", T0, "ann", template="restart-web"),
            ("classify", {"change_type": ChangeType.STANDARD}),
            ("schedule", {"planned_start": T0, "planned_end": T0 + timedelta(hours=1)}),
            ("implement", {}),
            ("close", {}),
        )
        assert case.status == "closed"

    def test_a_normal_change_is_assessed_approved_and_reviewed(self) -> None:
        case = run(
            CHANGE,
            new_case(Change),
            ("classify", {"change_type": "normal"}),
            ("assess", {"benefits": "b", "risk": "low", "effort": "1d", "feasibility": "ok"}),
            ("approve", {}),
            ("schedule", {"planned_start": T0, "planned_end": T0 + timedelta(hours=1)}),
            ("implement", {}),
        )
        with pytest.raises(
            InvalidTransitionError, match=r"reviewed after implementation \(PR12\.5\)$"
        ):
            CHANGE.fire(case, "close", actor="a", at=LATER)
        run(CHANGE, case, ("review", {"review": "went well"}), ("close", {}))
        assert case.status == "closed"

    def test_a_release_deploys_only_with_a_rollback_plan_and_passed_tests(self) -> None:
        case = run(
            RELEASE,
            new_case(Release),
            (
                "plan",
                {
                    "changes": ("CHG-1",),
                    "strategy": "phased",
                    "testing": "blue_green",
                    "acceptance_criteria": ("smoke", "load"),
                },
            ),
            ("build", {}),
        )
        with pytest.raises(ValidationError, match="acceptance criteria not met: load"):
            RELEASE.fire(
                case, "test", actor="a", at=LATER, test_results={"smoke": True, "load": False}
            )
        run(RELEASE, case, ("test", {"test_results": {"smoke": True, "load": True}}))
        with pytest.raises(ValidationError, match="without a rollback plan"):
            RELEASE.fire(case, "deploy", actor="a", at=LATER)
        run(
            RELEASE,
            case,
            ("deploy", {"rollback_plan": "switch back"}),
            ("fail", {"evaluation": "5xx"}),
            ("roll_back", {}),
            ("close", {}),
        )
        assert [h.target for h in case.history][-3:] == ["failed", "rolled_back", "closed"]

    @pytest.mark.parametrize("cls", [Improvement, Complaint])
    def test_improvements_and_complaints(self, cls) -> None:
        case = run(
            IMPROVEMENT,
            new_case(cls),
            ("evaluate", {"evaluation": "worth it"}),
            ("approve", {}),
            ("implement", {"actions": "train staff"}),
            ("close", {"outcome": "fewer tickets"}),
        )
        assert case.status == "closed"


class TestDiagrams:
    @pytest.mark.parametrize("lifecycle", [INCIDENT, PROBLEM, CHANGE, RELEASE, IMPROVEMENT])
    def test_every_transition_is_drawn(self, lifecycle) -> None:
        text = mermaid(lifecycle)
        assert text.startswith("stateDiagram-v2")
        for (source, event), transitions in lifecycle.table.items():
            for t in transitions:
                assert f"{source} --> {t.target} : {event}" in text


def make_machine(cls, lifecycle):
    class CaseRun(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.case = new_case(cls)
            self.accepted = 0
            self.at = T0
            self.left_final = False

        @rule(
            event=st.sampled_from(lifecycle.events),
            pick=st.integers(0, 10),
            hours=st.integers(0, 150),
        )
        def send(self, event, pick, hours) -> None:
            options = calls_for(lifecycle, event, self.case)
            before = str(self.case.status)
            self.at += timedelta(hours=hours)
            if attempt(lifecycle, self.case, event, options[pick % len(options)], self.at):
                self.accepted += 1
                if before in lifecycle.finals:
                    self.left_final = True

        @invariant()
        def history_length_equals_accepted_transitions(self) -> None:
            assert len(self.case.history) == self.accepted

        @invariant()
        def status_is_a_state_of_the_chart(self) -> None:
            assert self.case.status in set(lifecycle.statuses)

        @invariant()
        def a_final_status_is_never_left(self) -> None:
            assert not self.left_final

        @invariant()
        def history_is_a_chain(self) -> None:
            statuses = [str(lifecycle.initial)] + [h.target for h in self.case.history]
            assert all(h.source == s for h, s in zip(self.case.history, statuses, strict=False))

    CaseRun.__name__ = f"{cls.__name__}Run"
    return CaseRun


for _cls, _lifecycle in CASES:
    _machine = make_machine(_cls, _lifecycle)
    globals()[f"Test{_cls.__name__}CaseLifecycle"] = _machine.TestCase


def test_a_naive_transition_time_is_refused() -> None:
    from fitsm.errors import NaiveDatetimeError

    case = new_case(Incident)
    with pytest.raises(NaiveDatetimeError):
        INCIDENT.fire(case, "classify", actor="ann", at=datetime(2026, 1, 5), category="x")
    assert case.history == ()
