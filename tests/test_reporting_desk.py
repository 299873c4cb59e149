"""The report register run as a person (PR3): who may specify, agree, produce and deliver."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fitsm import open_store
from fitsm.clock import FixedClock
from fitsm.errors import AuthorizationError, NotFoundError
from fitsm.planning import PlanningDesk
from fitsm.reporting import ReportSpecification, build_report
from fitsm.reporting.authority import RULES
from fitsm.reporting.register import ReportRegister
from fitsm.reviews import MonthlyRule
from fitsm.roles import OBJECT_ROLES, Person, Process, Role, RoleModel

T0 = datetime(2024, 1, 1, tzinfo=UTC)
NOW = datetime(2024, 2, 10, tzinfo=UTC)


def _roles() -> RoleModel:
    roles = RoleModel()
    for pid in ("srm", "srmo", "smsm", "rita", "otto", "slm", "nobody"):
        roles.add_person(Person(pid, pid.title()))
    roles.assign("srm", Role.PROCESS_MANAGER, Process.SRM)
    roles.assign("srmo", Role.PROCESS_OWNER, Process.SRM)
    roles.assign("smsm", Role.SMS_MANAGER)
    roles.assign("rita", Role.REPORT_OWNER, "ops-monthly")
    roles.assign("otto", Role.REPORT_OWNER, "other-report")
    roles.assign("slm", Role.PROCESS_MANAGER, Process.SLM)
    return roles


@pytest.fixture(params=["memory", "sqlite"])
def desk(request, tmp_path) -> PlanningDesk:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'r.db'}"
    store = open_store(url)
    with store.unit_of_work() as uow:
        uow.roles.add(_roles())
        uow.commit()
    return PlanningDesk(store, clock=FixedClock(NOW))


def _spec() -> ReportSpecification:
    return ReportSpecification(
        "ops-monthly",
        "Operations monthly",
        purpose="Service desk workload for the SMS owner",
        audience=["smso"],
        frequency=MonthlyRule(1),
        content=["workload"],
        format="markdown",
        channel="email",
        owner="rita",
        first_period=T0,
    )


def _stored(desk: PlanningDesk) -> ReportRegister | None:
    try:
        register: ReportRegister = desk.get("reports")
    except NotFoundError:
        return None
    return register


def _specified(desk: PlanningDesk) -> None:
    desk.act("reports", "specify", specification=_spec(), actor="srm", at=T0)


class TestRules:
    def test_every_operation_of_the_register_has_a_rule(self) -> None:
        operations = {"specify", "revise", "agree", "terminate", "produce", "deliver"}
        assert set(RULES) == operations
        assert set(PlanningDesk.registers()["reports"]) == operations

    def test_the_report_owner_is_one_per_report(self) -> None:
        assert OBJECT_ROLES[Role.REPORT_OWNER] == "report"
        roles = _roles()
        found = roles.check(owned={Role.REPORT_OWNER: ["ops-monthly", "sla-acme"]})
        assert [(f.problem, f.context) for f in found if f.context == "sla-acme"] == [
            ("no_report_owner", "sla-acme")
        ]


class TestSpecifying:
    @pytest.mark.parametrize("actor", ["srm", "srmo", "smsm"])
    def test_the_srm_manager_owner_or_sms_manager_specifies_a_report(self, desk, actor) -> None:
        spec = desk.act("reports", "specify", specification=_spec(), actor=actor, at=T0)
        assert (spec.history[0].by, spec.history[0].at) == (actor, T0)
        assert [s.id for s in desk.get("reports")] == ["ops-monthly"]

    @pytest.mark.parametrize("actor", ["rita", "slm", "nobody"])
    def test_anyone_else_is_refused_and_nothing_is_stored(self, desk, actor) -> None:
        with pytest.raises(AuthorizationError, match=f"'{actor}' may not specify.*SRM"):
            desk.act("reports", "specify", specification=_spec(), actor=actor, at=T0)
        register = _stored(desk)
        assert register is None or len(register) == 0

    def test_the_report_owner_revises_and_records_agreement_but_does_not_terminate(
        self, desk
    ) -> None:
        _specified(desk)
        desk.act("reports", "revise", report_id="ops-monthly", title="Ops", actor="rita")
        desk.act("reports", "agree", report_id="ops-monthly", recipients=["smso"], actor="rita")
        with pytest.raises(AuthorizationError, match="'rita' may not terminate.*SRM"):
            desk.act("reports", "terminate", report_id="ops-monthly", actor="rita")
        spec = desk.get("reports").specification("ops-monthly")
        assert (spec.title, spec.agreed, spec.terminated) == ("Ops", True, False)
        desk.act("reports", "terminate", report_id="ops-monthly", actor="srm")
        assert desk.get("reports").specification("ops-monthly").terminated

    def test_the_owner_of_another_report_may_not_revise_this_one(self, desk) -> None:
        _specified(desk)
        with pytest.raises(AuthorizationError, match="'otto' may not revise"):
            desk.act("reports", "revise", report_id="ops-monthly", title="Mine", actor="otto")
        assert desk.get("reports").specification("ops-monthly").title == "Operations monthly"


class TestProducing:
    def test_the_report_owner_produces_and_delivers_recorded_as_made_by_them(self, desk):
        _specified(desk)
        report = build_report(_spec(), T0, cases=[])
        done = desk.act("reports", "produce", report=report, actor="rita")
        assert (done.by, done.at, done.label) == ("rita", NOW, "2024-01")
        desk.act(
            "reports",
            "deliver",
            report_id="ops-monthly",
            start=T0,
            recipients=["smso"],
            actor="rita",
        )
        stored = desk.get("reports").production("ops-monthly", T0)
        assert [(d.by, d.recipients, d.channel) for d in stored.deliveries] == [
            ("rita", ("smso",), "email")
        ]

    @pytest.mark.parametrize("actor", ["srm", "otto", "nobody"])
    def test_no_one_but_the_owner_or_sms_manager_produces_and_nothing_is_stored(
        self, desk, actor
    ) -> None:
        _specified(desk)
        report = build_report(_spec(), T0, cases=[])
        with pytest.raises(AuthorizationError, match=f"'{actor}' may not produce"):
            desk.act("reports", "produce", report=report, actor=actor)
        assert desk.get("reports").productions() == []

    def test_the_sms_manager_may_produce_and_deliver(self, desk) -> None:
        _specified(desk)
        report = build_report(_spec(), T0, cases=[])
        desk.act("reports", "produce", report=report, actor="smsm")
        desk.act(
            "reports", "deliver", report_id="ops-monthly", start=T0, recipients="smso", actor="smsm"
        )
        assert desk.get("reports").undelivered() == []

    def test_a_late_report_is_listed_until_it_is_produced(self, desk) -> None:
        _specified(desk)
        # January ended on 1 February; five days allowed: late since 6 February
        assert [d.status.value for d in desk.get("reports").due(NOW)] == ["late"]
        desk.act("reports", "produce", report=build_report(_spec(), T0), actor="rita")
        assert desk.get("reports").due(NOW) == []
        assert desk.get("reports").due(NOW + timedelta(days=20))[0].status.value == "due"
