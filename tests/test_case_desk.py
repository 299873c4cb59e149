"""Operations on cases as a person: roles, priorities from agreements, persistence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fitsm import (
    Q_,
    Agreement,
    AuthorizationError,
    BusinessCalendar,
    InvalidTransitionError,
    ServiceTarget,
    open_store,
)
from fitsm.cases import CaseQuery
from fitsm.cases.changes import Change, ChangeCriteria
from fitsm.cases.incidents import Incident
from fitsm.cases.problems import Problem
from fitsm.desk import CaseDesk
from fitsm.errors import DuplicateError, ValidationError
from fitsm.roles import Person, Role, RoleModel
from fitsm.service_levels import Agreements

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def desk():
    store = open_store("memory://")
    roles = RoleModel()
    for pid in ("ann", "bob", "carl", "cm", "cab1", "ecab1", "eve"):
        roles.add_person(Person(pid, pid.title()))
    roles.assign("ann", Role.PROCESS_STAFF, "ISRM")
    roles.assign("cm", Role.PROCESS_MANAGER, "CHM")
    roles.assign("cab1", Role.CAB_MEMBER, "CAB")
    roles.assign("ecab1", Role.CAB_MEMBER, "ECAB")
    roles.assign("carl", Role.PROCESS_STAFF, "CHM")
    agreements = Agreements()
    agreements.add(
        Agreement(
            "sla-mail",
            "SLA",
            "staff",
            ["mail"],
            [
                ServiceTarget("resolution_time", Q_(4, "hour"), priority="P1"),
                ServiceTarget("resolution_time", Q_(2, "day"), priority="P5"),
            ],
            calendar=BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"}),
        )
    )
    with store.unit_of_work() as uow:
        uow.roles.add(roles)
        uow.agreements.add(agreements)
        uow.commit()
    return CaseDesk(store, change_criteria=ChangeCriteria(standard_changes={"restart-web"}))


def incident(**fields) -> Incident:
    return Incident("INC-1", "mail is slow", T0, "ann", service="mail", category="email", **fields)


class TestRegistering:
    def test_an_incident_is_classified_and_prioritised_from_the_matrix_and_the_sla(
        self, desk
    ) -> None:
        case = desk.register_incident(incident(), actor="ann", impact="high", urgency="high")
        assert (case.priority, case.agreement, case.status) == ("P1", "sla-mail", "new")
        assert [h.event for h in case.history] == ["classify", "prioritise"]
        assert desk.get("INC-1") == case

    def test_ids_are_unique(self, desk) -> None:
        desk.register_incident(incident(), actor="ann")
        with pytest.raises(DuplicateError, match="'INC-1' is already stored"):
            desk.register_incident(incident(), actor="ann")

    def test_unknown_people_cannot_register(self, desk) -> None:
        with pytest.raises(AuthorizationError, match="'mallory' is not a known person"):
            desk.register_incident(incident(), actor="mallory")

    def test_an_unknown_impact_is_named(self, desk) -> None:
        with pytest.raises(Exception, match="no priority for impact 'huge'"):
            desk.register_incident(incident(), actor="ann", impact="huge", urgency="high")


class TestAuthorization:
    def test_closing_someone_elses_case_without_a_role_is_refused_and_changes_nothing(
        self, desk
    ) -> None:
        desk.register_incident(incident(owner="bob"), actor="ann", impact="low", urgency="low")
        desk.fire("INC-1", "assign", actor="bob", at=T0, group="desk")
        desk.fire("INC-1", "resolve", actor="bob", at=T0, resolution="restarted")
        with pytest.raises(
            AuthorizationError, match="'eve' may not do this: close of incident 'INC-1' needs"
        ):
            desk.fire("INC-1", "close", actor="eve", at=T0, confirmed=True)
        assert desk.get("INC-1").status == "resolved"
        desk.fire("INC-1", "close", actor="ann", at=T0, confirmed=True)  # process staff
        assert desk.get("INC-1").status == "closed"

    def test_approval_levels_follow_the_change_classification(self, desk) -> None:
        def change(cid, **fields):
            case = desk.register(
                Change(cid, "upgrade", T0, "carl", owner="carl", **fields), actor="carl"
            )
            desk.fire(cid, "classify", actor="carl", at=T0)
            desk.fire(
                cid,
                "assess",
                actor="carl",
                at=T0,
                benefits="b",
                risk=fields.get("risk", "low"),
                effort="e",
                feasibility="f",
            )
            return case

        change("CHG-1")
        with pytest.raises(AuthorizationError, match="needs the change manager level"):
            desk.fire("CHG-1", "approve", actor="carl", at=T0)
        desk.fire("CHG-1", "approve", actor="cm", at=T0)

        change("CHG-2", risk="high")  # major by the criteria
        assert desk.get("CHG-2").major
        with pytest.raises(AuthorizationError, match="needs the cab level"):
            desk.fire("CHG-2", "approve", actor="cm", at=T0)
        desk.fire("CHG-2", "approve", actor="cab1", at=T0)

        change("CHG-3", urgent=True)
        with pytest.raises(AuthorizationError, match="needs the ecab level"):
            desk.fire("CHG-3", "approve", actor="cab1", at=T0)
        desk.fire("CHG-3", "approve", actor="ecab1", at=T0)
        assert [desk.get(c).status for c in ("CHG-1", "CHG-2", "CHG-3")] == ["approved"] * 3

    def test_standard_changes_are_pre_approved_on_classification(self, desk) -> None:
        desk.register(
            Change("CHG-9", "restart", T0, "carl", owner="carl", template="restart-web"),
            actor="carl",
        )
        assert desk.fire("CHG-9", "classify", actor="carl", at=T0).status == "approved"

    def test_an_impossible_event_through_the_desk_changes_nothing(self, desk) -> None:
        desk.register_incident(incident(), actor="ann")
        with pytest.raises(InvalidTransitionError, match="'resolve' is not possible now"):
            desk.fire("INC-1", "resolve", actor="ann", at=T0, resolution="x")
        assert desk.get("INC-1").history[-1].event == "classify"

    def test_authorization_can_be_switched_off_for_imports(self) -> None:
        store = open_store("memory://")
        quiet = CaseDesk(store, authorize=False)
        quiet.register(Problem("PRB-1", "leaks", T0, "import"), actor="import")
        assert (
            quiet.fire("PRB-1", "classify", actor="import", at=T0, category="db").status
            == "classified"
        )


def test_a_later_prioritisation_recomputes_priority_and_agreement(desk) -> None:
    desk.register_incident(incident(), actor="ann", impact="low", urgency="low")
    case = desk.fire(
        "INC-1",
        "prioritise",
        actor="ann",
        at=T0 + timedelta(hours=1),
        impact="high",
        urgency="high",
    )
    assert case.priority == "P1"
    assert dict(case.history[-1].changes) == {
        "impact": "high",
        "urgency": "high",
        "priority": "P1",
        "agreement": "sla-mail",
    }


def test_a_change_assessment_computes_the_impacted_services_from_the_cmdb(desk, shop) -> None:
    with desk.store.unit_of_work() as uow:
        uow.cmdbs.add(shop)
        uow.commit()
    desk.register(
        Change("CHG-5", "swap switch", T0, "carl", owner="carl", cis=("sw1",)), actor="carl"
    )
    change = desk.fire("CHG-5", "classify", actor="carl", at=T0)
    assert change.impacted_services == ("shop",)


class TestReadSide:
    """Open incidents of a service a page at a time; clocks that warn or breach soon."""

    MONDAY_9 = datetime(2026, 1, 5, 9, tzinfo=UTC)  # office hours 08:00-18:00, Mon-Fri

    def registered(self, desk: CaseDesk) -> None:
        for n, (impact, urgency) in enumerate([("high", "high"), ("low", "low")], 1):
            desk.register_incident(
                Incident(f"INC-{n}", "Mail down", self.MONDAY_9, "ann", service="mail",
                         category="mail"),
                actor="ann", impact=impact, urgency=urgency,
            )  # fmt: skip
        desk.register_incident(
            Incident("INC-3", "Mail slow", self.MONDAY_9, "ann", service="mail", category="m"),
            actor="ann",
            impact="high",
            urgency="high",
        )
        desk.fire("INC-3", "assign", actor="ann", at=self.MONDAY_9, group="mail")
        desk.fire("INC-3", "start", actor="ann", at=self.MONDAY_9)
        desk.fire("INC-3", "resolve", actor="ann", at=self.MONDAY_9, resolution="restarted")
        desk.fire("INC-3", "close", actor="ann", at=self.MONDAY_9, confirmed=True)

    def test_find_pages_through_the_open_incidents_of_a_service(self, desk: CaseDesk) -> None:
        self.registered(desk)
        query = CaseQuery(kind="incident", service="mail", open=True)
        first = desk.find(query, limit=1)
        second = desk.find(query, limit=1, after=first[-1])
        assert [c.id for c in first + second] == ["INC-1", "INC-2"]
        assert desk.find(query, limit=1, after=second[-1]) == []

    def test_due_soon_names_the_clocks_that_warn_or_breach_before_the_horizon(
        self, desk: CaseDesk
    ) -> None:
        """P1: 4 h to resolve, warned at 75 % (12:00), breached at 13:00; P5: 2 days."""
        self.registered(desk)
        at_11 = self.MONDAY_9.replace(hour=11)
        assert desk.due_soon(timedelta(minutes=30), at=at_11) == []
        (warning,) = desk.due_soon(timedelta(hours=1), at=at_11)
        assert (warning.case, warning.warned_at, warning.breached) == (
            "INC-1",
            self.MONDAY_9.replace(hour=12),
            False,
        )
        (breach,) = desk.due_soon(timedelta(hours=2), at=at_11)
        assert breach.breached_at == self.MONDAY_9.replace(hour=13)

    def test_due_soon_reads_only_open_cases(self, desk: CaseDesk) -> None:
        self.registered(desk)
        late = self.MONDAY_9 + timedelta(days=30)
        assert [c.case for c in desk.due_soon(timedelta(0), at=late)] == ["INC-1", "INC-2"]

    def test_within_must_be_a_duration(self, desk: CaseDesk) -> None:
        with pytest.raises(ValidationError, match="within"):
            desk.due_soon(timedelta(minutes=-1))


def test_hierarchical_escalation_goes_only_to_a_manager_above_the_actor() -> None:
    """PR9.3: each person's manager is recorded; a made-up name is refused."""
    store = open_store("memory://")
    roles = RoleModel()
    roles.add_person(Person("cio", "CIO"))
    roles.add_person(Person("lead", "Lead", manager="cio"))
    roles.add_person(Person("ann", "Ann", manager="lead"))
    roles.assign("ann", Role.PROCESS_STAFF, "ISRM")
    with store.unit_of_work() as uow:
        uow.roles.add(roles)
        uow.commit()
    desk = CaseDesk(store)
    desk.register_incident(incident(owner="ann"), actor="ann", impact="low", urgency="low")
    desk.fire("INC-1", "assign", actor="ann", at=T0, group="desk")
    with pytest.raises(
        AuthorizationError, match=r"a manager above 'ann' \(PR9\.3\): 'lead', 'cio'"
    ):
        desk.fire("INC-1", "escalate_hierarchically", actor="ann", at=T0, escalated_to="mallory")
    assert desk.get("INC-1").escalated_to is None
    desk.fire("INC-1", "escalate_hierarchically", actor="ann", at=T0, escalated_to="cio")
    assert desk.get("INC-1").escalated_to == "cio"


def test_an_event_dated_in_the_future_is_refused_and_changes_nothing(desk) -> None:
    """Dated 9999 it would block the case for everyone: at most the desk's lead ahead."""
    desk.register_incident(incident(owner="ann"), actor="ann", impact="low", urgency="low")
    with pytest.raises(ValidationError, match="later than now"):
        desk.fire("INC-1", "assign", actor="ann", at=datetime(9999, 1, 1, tzinfo=UTC), group="d")
    assert desk.get("INC-1").status == "new"
    soon = desk.clock.now() + timedelta(minutes=1)  # within the lead: clocks differ a little
    desk.fire("INC-1", "assign", actor="ann", at=soon, group="d")
    with pytest.raises(ValidationError, match="only moves forward"):
        desk.fire("INC-1", "start", actor="ann", at=soon - timedelta(hours=1))
