"""The SMS register run through the PlanningDesk: each operation refuses a person without
the FitSM-3 role it needs (nothing stored) and lets one with it act; a management review
advances its schedule in the same unit of work."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fitsm import open_store
from fitsm.clock import FixedClock
from fitsm.errors import AuthorizationError, NotFoundError
from fitsm.planning import PlanningDesk
from fitsm.reviews import ReviewSchedules
from fitsm.roles import Person, Process, Role, RoleModel
from fitsm.sms import (
    Action,
    Assessment,
    Commitment,
    ControlledDocument,
    Kpi,
    KpiTarget,
    ManagementReview,
    Milestone,
    Nonconformity,
    PlanGoal,
    ProcessDefinition,
    ProcessPlan,
    ScopeStatement,
    ServiceManagementPlan,
    SmsRegister,
    Stakeholder,
    management_review_subject,
)

T0 = datetime(2024, 1, 8, 9, tzinfo=UTC)
LATER = T0 + timedelta(days=1)


def _roles() -> RoleModel:
    roles = RoleModel()
    for pid in ("olga", "sam", "chm-owner", "chm-mgr", "isrm-mgr", "staff", "nobody"):
        roles.add_person(Person(pid, pid.title()))
    roles.assign("olga", Role.SMS_OWNER)
    roles.assign("sam", Role.SMS_MANAGER)
    roles.assign("chm-owner", Role.PROCESS_OWNER, Process.CHM)
    roles.assign("chm-mgr", Role.PROCESS_MANAGER, Process.CHM)
    roles.assign("isrm-mgr", Role.PROCESS_MANAGER, Process.ISRM)
    roles.assign("staff", Role.PROCESS_STAFF, Process.CHM)
    return roles


def _kpi() -> Kpi:
    return Kpi(
        "k-chg", "Changes approved right", goal="PR12.4", measure="share", collection="CHM",
        target=KpiTarget(1), review="quarterly", process="CHM",
    )  # fmt: skip


def _plan() -> ServiceManagementPlan:
    return ServiceManagementPlan(
        goals=[PlanGoal("g1", "CHM defined")],
        milestones=[Milestone("m1", "CAB in place", T0 + timedelta(days=30), goal="g1")],
    )


@pytest.fixture(params=["memory", "sqlite"])
def desk(request: pytest.FixtureRequest, tmp_path: Any) -> PlanningDesk:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    with store.unit_of_work() as uow:
        uow.roles.add(_roles())
        uow.commit()
    desk = PlanningDesk(store, clock=FixedClock(T0 + timedelta(days=30)))
    act = desk.act
    act("sms", "define_policy", goals=["g"], commitments=list(Commitment), actor="sam", at=T0)
    act("sms", "approve_policy", actor="olga", at=T0)
    act("sms", "add_document", document=ControlledDocument("d1", "Doc"), actor="sam", at=T0)
    act("sms", "set_plan", plan=_plan(), actor="sam", at=T0)
    act("sms", "set_process_plan", plan=ProcessPlan("pp", "CHM", "CAB", serves=["g1"]),
        actor="chm-owner", at=T0)  # fmt: skip
    act("sms", "define_kpi", kpi=_kpi(), actor="sam", at=T0)
    act("sms", "raise_nonconformity", nonconformity=Nonconformity("nc", "x"), actor="sam", at=T0)
    act("sms", "add_corrective_action", nonconformity_id="nc", action=Action("a", "fix"),
        actor="sam", at=T0)  # fmt: skip
    act("sms", "record_management_review",
        review=ManagementReview("mr0", T0, inputs=["i"], actions=[Action("x", "y")]),
        actor="olga", at=T0)  # fmt: skip
    return desk


def _review() -> ManagementReview:
    return ManagementReview("mr1", LATER, inputs=["KPIs"], decisions=["go"])


def _assessment() -> Assessment:
    return Assessment("as1", "self-assessment", LATER, "sam")


# operation, its arguments, someone refused, someone allowed, what the store then shows
CASES: list[tuple[str, dict[str, Any], str, str, Callable[[SmsRegister], object]]] = [
    ("define_policy", {"goals": ["g2"], "commitments": list(Commitment)}, "chm-owner", "olga",
     lambda r: r.policy.history[-1].by),
    ("approve_policy", {}, "sam", "olga", lambda r: r.policy.history[-1].by),
    ("communicate_policy", {"to": ["all"]}, "sam", "olga", lambda r: r.policy.history[-1].by),
    ("record_management_review", {"review": _review()}, "sam", "olga",
     lambda r: r.management_reviews()[-1].history[0].by),
    ("complete_review_action", {"review_id": "mr0", "action_id": "x"}, "chm-mgr", "sam",
     lambda r: r.management_reviews()[0].history[-1].by),
    ("add_document", {"document": ControlledDocument("d2", "Doc 2")}, "olga", "sam",
     lambda r: r.document("d2").history[0].by),
    ("revise_document", {"document_id": "d1", "summary": "v2"}, "chm-mgr", "sam",
     lambda r: r.document("d1").history[-1].by),
    ("approve_document", {"document_id": "d1"}, "chm-mgr", "sam",
     lambda r: r.document("d1").history[-1].by),
    ("distribute_document", {"document_id": "d1", "to": ["chm-team"]}, "chm-owner", "sam",
     lambda r: r.document("d1").history[-1].by),
    ("review_document", {"document_id": "d1"}, "staff", "sam",
     lambda r: r.document("d1").history[-1].by),
    ("withdraw_document", {"document_id": "d1"}, "olga", "sam",
     lambda r: r.document("d1").history[-1].by),
    ("define_process", {"definition": ProcessDefinition("CHM", goals=["g"])}, "isrm-mgr",
     "chm-mgr", lambda r: r.definition("CHM").history[-1].by),
    ("identify_stakeholder", {"stakeholder": Stakeholder("uni", "University")}, "chm-owner",
     "sam", lambda r: r.stakeholders()[0].history[-1].by),
    ("define_scope", {"scope": ScopeStatement(services=["mail"])}, "chm-owner", "olga",
     lambda r: r.scope.history[-1].by),
    ("set_plan", {"plan": _plan()}, "olga", "sam", lambda r: r.plan.history[-1].by),
    ("reach_milestone", {"milestone_id": "m1"}, "chm-owner", "sam",
     lambda r: r.plan.history[-1].by),
    ("set_process_plan", {"plan": ProcessPlan("pp", "CHM", "CAB 2", serves=["g1"])}, "staff",
     "chm-mgr", lambda r: r.process_plan("pp").history[-1].by),
    ("retire_process_plan", {"plan_id": "pp"}, "isrm-mgr", "chm-owner",
     lambda r: r.process_plan("pp").history[-1].by),
    ("define_kpi", {"kpi": _kpi()}, "chm-mgr", "sam", lambda r: r.kpi("k-chg").history[-1].by),
    ("record_measurement", {"kpi_id": "k-chg", "value": 1}, "staff", "chm-mgr",
     lambda r: r.kpi("k-chg").measurements[-1].by),
    ("record_assessment", {"assessment": _assessment()}, "olga", "sam",
     lambda r: r.assessments()[0].history[0].by),
    ("raise_nonconformity", {"nonconformity": Nonconformity("nc2", "y")}, "olga", "sam",
     lambda r: r.nonconformity("nc2").history[0].by),
    ("add_corrective_action", {"nonconformity_id": "nc", "action": Action("b", "z")},
     "chm-mgr", "sam", lambda r: r.nonconformity("nc").history[-1].by),
    ("complete_corrective_action", {"nonconformity_id": "nc", "action_id": "a"}, "olga", "sam",
     lambda r: r.nonconformity("nc").history[-1].by),
    ("link_improvement", {"nonconformity_id": "nc", "improvement": "CSI-1"}, "olga", "sam",
     lambda r: r.nonconformity("nc").history[-1].by),
    ("close_nonconformity", {"nonconformity_id": "nc"}, "olga", "sam", None),
]  # fmt: skip


def _prepare(desk: PlanningDesk, operation: str) -> None:
    """What an operation needs beyond the fixture: a draft to approve, an action done."""
    if operation == "approve_policy":
        desk.act("sms", "define_policy", goals=["v2"], commitments=list(Commitment),
                 actor="sam", at=T0)  # fmt: skip
    if operation == "distribute_document":
        desk.act("sms", "approve_document", document_id="d1", actor="sam", at=T0)
    if operation == "close_nonconformity":
        desk.act("sms", "complete_corrective_action", nonconformity_id="nc", action_id="a",
                 actor="sam", at=T0)  # fmt: skip


class TestSmsOnTheDesk:
    @pytest.mark.parametrize(
        ("operation", "arguments", "refused", "allowed", "recorded"),
        CASES,
        ids=[c[0] for c in CASES],
    )
    def test_each_operation_refuses_the_wrong_role_and_lets_the_right_one_act(
        self,
        desk: PlanningDesk,
        operation: str,
        arguments: dict[str, Any],
        refused: str,
        allowed: str,
        recorded: Callable[[SmsRegister], object] | None,
    ) -> None:
        _prepare(desk, operation)
        before = desk.get("sms")
        with pytest.raises(AuthorizationError, match=f"'{refused}' may not {operation}"):
            desk.act("sms", operation, **arguments, actor=refused, at=LATER)
        after = desk.get("sms")
        assert after == before and after.version == before.version
        desk.act("sms", operation, **arguments, actor=allowed, at=LATER)
        register = desk.get("sms")
        if recorded is None:
            assert register.nonconformity("nc").closed
            assert register.nonconformity("nc").history[-1].by == allowed
        else:
            assert recorded(register) == allowed

    def test_every_operation_of_the_register_has_a_rule_and_a_case(self) -> None:
        operations = {
            name
            for name, function in inspect.getmembers(SmsRegister, inspect.isfunction)
            if not name.startswith("_") and "by" in inspect.signature(function).parameters
        }
        assert set(PlanningDesk.registers()["sms"]) == operations
        assert {c[0] for c in CASES} == operations

    def test_a_management_review_advances_its_schedule_in_the_same_unit_of_work(
        self, desk: PlanningDesk
    ) -> None:
        subject = management_review_subject()
        desk.act("reviews", "plan", subject=subject, rule=timedelta(days=365), actor="olga",
                 at=T0, first_due=T0 + timedelta(days=10))  # fmt: skip
        desk.act("sms", "record_management_review", review=_review(), schedules="default",
                 actor="olga", at=LATER)  # fmt: skip
        schedules: ReviewSchedules = desk.get("reviews")
        assert schedules.schedule(subject).next_due == LATER + timedelta(days=365)
        assert [r.by for r in schedules.schedule(subject).reviews] == ["olga"]

    def test_a_review_without_its_schedule_stores_neither(self, desk: PlanningDesk) -> None:
        desk.act("reviews", "plan", subject=("cmdb_verification", "default"),
                 rule=timedelta(days=30), actor="sam", at=T0)  # fmt: skip
        before = desk.get("sms")
        with pytest.raises(NotFoundError, match="management_review:default"):
            desk.act("sms", "record_management_review", review=_review(), schedules="default",
                     actor="olga", at=LATER)  # fmt: skip
        assert desk.get("sms") == before

    def test_process_definitions_are_reviewed_by_their_process_people(
        self, desk: PlanningDesk
    ) -> None:
        subject = ("process_definition", "CHM")
        with pytest.raises(AuthorizationError, match="CHM"):
            desk.act("reviews", "plan", subject=subject, rule=timedelta(days=365),
                     actor="isrm-mgr", at=T0)  # fmt: skip
        desk.act("reviews", "plan", subject=subject, rule=timedelta(days=365), actor="chm-owner",
                 at=T0)  # fmt: skip
        desk.act("reviews", "perform", subject=subject, actor="staff", at=LATER)
        assert desk.get("reviews").schedule(subject).reviews[0].by == "staff"
