"""Security incidents and access requests through the CaseDesk, and the security register
through the PlanningDesk: each operation refuses a person without the role (nothing stored)
and lets one with it act, recorded as made by them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fitsm import CaseDesk, open_store
from fitsm.cases import (
    SECURITY_INCIDENT,
    AccessRequest,
    CaseQuery,
    SecurityIncident,
)
from fitsm.clock import FixedClock
from fitsm.errors import AuthorizationError, InvalidTransitionError, NotFoundError, ValidationError
from fitsm.planning import PlanningDesk
from fitsm.risks import Risk
from fitsm.roles import Person, Process, Role, RoleModel
from fitsm.security import RULES, Classification, InformationAsset, SecurityControl

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
NOW = T0 + timedelta(days=30)


def _roles() -> RoleModel:
    roles = RoleModel()
    people = ("ism", "ismo", "isrm", "staff", "paula", "carl", "finn", "nobody")
    for pid in people:
        roles.add_person(Person(pid, pid.title()))
    roles.assign("ism", Role.PROCESS_MANAGER, Process.ISM)
    roles.assign("ismo", Role.PROCESS_OWNER, Process.ISM)
    roles.assign("isrm", Role.INFORMATION_SECURITY_RISK_MANAGER)
    roles.assign("staff", Role.PROCESS_STAFF, Process.ISM)
    roles.assign("paula", Role.ASSET_OWNER, "payroll-db")
    roles.assign("carl", Role.SECURITY_CONTROL_OWNER, "ctl-mfa")
    return roles


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 's.db'}"
    opened = open_store(url)
    with opened.unit_of_work() as uow:
        uow.roles.add(_roles())
        uow.commit()
    yield opened
    opened.close()


@pytest.fixture
def desk(store) -> PlanningDesk:
    return PlanningDesk(store, clock=FixedClock(NOW))


@pytest.fixture
def cases(store) -> CaseDesk:
    return CaseDesk(store, clock=FixedClock(NOW))


PAYROLL = InformationAsset("payroll-db", "Payroll records", Classification("high", "high", "low"))


def _inventory(desk: PlanningDesk) -> None:
    desk.act("security", "add_asset", asset=PAYROLL, actor="isrm", at=T0)
    desk.act("security", "add_control", control=SecurityControl("ctl-mfa", "MFA", "technical"),
             actor="isrm", at=T0)  # fmt: skip
    desk.act("security", "add_policy", policy_id="pol", title="Access", text="v1", actor="ism",
             at=T0)  # fmt: skip
    desk.act("security", "grant_access", right_id="r1", holder="bob", asset="payroll-db",
             access="read", reason="clerk", actor="staff", at=T0)  # fmt: skip


def _stored(desk: PlanningDesk) -> object:
    try:
        return desk.get("security")
    except NotFoundError:
        return None


# (operation, arguments, refused person, allowed person): every rule of RULES
CASES = [
    ("add_asset", {"asset": InformationAsset("hr", "HR", Classification("low", "low", "low"))},
     "paula", "ism"),
    ("describe_asset", {"asset_id": "payroll-db", "description": "all salaries"}, "isrm", "paula"),
    ("classify_asset", {"asset_id": "payroll-db",
                        "classification": Classification("high", "high", "high")}, "carl", "ism"),
    ("retire_asset", {"asset_id": "payroll-db"}, "paula", "isrm"),
    ("add_policy", {"policy_id": "pol-2", "title": "T", "text": "x"}, "isrm", "ismo"),
    ("revise_policy", {"policy_id": "pol", "text": "v2"}, "staff", "ism"),
    ("approve_policy", {"policy_id": "pol"}, "isrm", "ismo"),
    ("retire_policy", {"policy_id": "pol"}, "staff", "ismo"),
    ("add_control", {"control": SecurityControl("ctl-2", "Badge", "physical")}, "carl", "isrm"),
    ("link_control_risks", {"control_id": "ctl-mfa", "risk_ids": ["isr-1"]}, "carl", "isrm"),
    ("revise_control", {"control_id": "ctl-mfa", "title": "MFA everywhere"}, "staff", "carl"),
    ("set_control_status", {"control_id": "ctl-mfa", "status": "in_progress"}, "paula", "carl"),
    ("grant_access", {"right_id": "r2", "holder": "dora", "asset": "payroll-db",
                      "access": "read", "reason": "x"}, "paula", "staff"),
    ("revoke_access", {"right_id": "r1", "reason": "left"}, "isrm", "paula"),
    ("confirm_access", {"right_id": "r1"}, "staff", "paula"),
    ("complete_access_review", {"asset_id": "payroll-db"}, "staff", "ism"),
]  # fmt: skip


def test_every_operation_of_the_register_has_a_rule_and_a_test() -> None:
    assert {c[0] for c in CASES} | {"review_policy"} == set(RULES)


class TestTheSecurityRegisterOnThePlanningDesk:
    @pytest.mark.parametrize(("operation", "arguments", "refused", "allowed"), CASES,
                             ids=[c[0] for c in CASES])  # fmt: skip
    def test_a_person_without_the_role_is_refused_and_one_with_it_acts(
        self, desk: PlanningDesk, operation: str, arguments: dict, refused: str, allowed: str
    ) -> None:
        _inventory(desk)
        if operation == "retire_asset":
            desk.act("security", "revoke_access", right_id="r1", reason="x", actor="staff", at=T0)
        before = desk.get("security")
        with pytest.raises(AuthorizationError, match=f"'{refused}' may not {operation}"):
            desk.act("security", operation, actor=refused, at=T0, **arguments)
        assert desk.get("security") == before
        desk.act("security", operation, actor=allowed, at=T0, **arguments)
        assert desk.get("security") != before

    def test_a_refused_first_use_stores_no_register(self, desk: PlanningDesk) -> None:
        with pytest.raises(AuthorizationError, match="information security risk manager"):
            desk.act("security", "add_asset", asset=PAYROLL, actor="nobody", at=T0)
        assert _stored(desk) is None

    def test_a_review_of_a_policy_advances_its_schedule_and_links_check_the_risk_register(
        self, desk: PlanningDesk
    ) -> None:
        _inventory(desk)
        desk.act("security", "approve_policy", policy_id="pol", actor="ismo", at=T0)
        desk.act("reviews", "plan", subject=("security_policy", "pol"), rule=timedelta(days=365),
                 actor="ism", at=T0)  # fmt: skip
        desk.act("security", "review_policy", policy_id="pol", schedules="default", actor="ism",
                 at=T0 + timedelta(days=1))  # fmt: skip
        schedule = desk.get("reviews").schedule(("security_policy", "pol"))
        assert schedule.last.by == "ism"
        with pytest.raises(NotFoundError, match="risk register"):
            desk.act("security", "link_control_risks", control_id="ctl-mfa", risk_ids=["isr-1"],
                     risks="default", actor="isrm", at=T0)  # fmt: skip
        desk.act("risks", "add", risk=Risk("isr-1", "Leak", "information_security", ["payroll-db"],
                 "likely", "major"), actor="isrm", at=T0)  # fmt: skip
        desk.act("security", "link_control_risks", control_id="ctl-mfa", risk_ids=["isr-1"],
                 risks="default", actor="isrm", at=T0)  # fmt: skip
        assert desk.get("security").control("ctl-mfa").risks == ("isr-1",)


def _request(person: str = "finn", asset: str = "payroll-db") -> AccessRequest:
    return AccessRequest("ACC-1", "Payroll read", T0, person, person=person, asset=asset,
                         access="read", reason="new clerk")  # fmt: skip


class TestAccessRequests:
    def test_the_asset_owner_approves_and_is_recorded_as_the_approver(self, cases: CaseDesk):
        cases.register(_request(), actor="finn")
        with pytest.raises(AuthorizationError, match="asset owner of 'payroll-db' or the ISM"):
            cases.fire("ACC-1", "approve", actor="carl", at=T0)
        assert cases.get("ACC-1").status == "requested"
        approved = cases.fire("ACC-1", "approve", actor="paula", at=T0, decision="needed")
        assert (approved.status, approved.decided_by) == ("approved", "paula")
        with pytest.raises(ValidationError, match="cannot set 'decided_by'"):
            cases.fire("ACC-1", "grant", actor="staff", at=T0, right="r9", decided_by="x")

    def test_the_ism_manager_may_decide_and_only_ism_staff_grant(self, cases: CaseDesk):
        cases.register(_request(), actor="finn")
        cases.fire("ACC-1", "approve", actor="ism", at=T0)
        with pytest.raises(AuthorizationError, match="needs ISM process staff"):
            cases.fire("ACC-1", "grant", actor="paula", at=T0, right="r9")
        granted = cases.fire("ACC-1", "grant", actor="staff", at=T0, right="r9")
        assert granted.right == "r9"
        closed = cases.fire("ACC-1", "close", actor="staff", at=T0)
        assert [h.event for h in closed.history] == ["approve", "grant", "close"]

    def test_nobody_decides_on_their_own_access_and_a_rejection_says_why(self, cases: CaseDesk):
        cases.register(_request(person="paula"), actor="paula")
        with pytest.raises(ValidationError, match="nobody decides on their own access"):
            cases.fire("ACC-1", "approve", actor="paula", at=T0)
        with pytest.raises(ValidationError, match="say why it is rejected"):
            cases.fire("ACC-1", "reject", actor="ism", at=T0)
        rejected = cases.fire("ACC-1", "reject", actor="ism", at=T0, decision="not payroll staff")
        assert (rejected.status, rejected.decided_by) == ("rejected", "ism")

    def test_a_request_that_names_no_asset_cannot_be_approved(self, cases: CaseDesk):
        cases.register(AccessRequest("ACC-2", "Access", T0, "finn", person="finn"), actor="finn")
        with pytest.raises(ValidationError, match="'asset' is missing"):
            cases.fire("ACC-2", "approve", actor="ism", at=T0)


class TestSecurityIncidents:
    def test_an_incident_is_classified_contained_eradicated_recovered_reviewed_and_closed(
        self, cases: CaseDesk
    ) -> None:
        cases.register(SecurityIncident("SEC-1", "Malware on hr laptop", T0, "finn"), actor="finn")
        with pytest.raises(AuthorizationError, match="ISM process staff"):
            cases.fire("SEC-1", "classify", actor="finn", at=T0, category="malware")
        steps = [
            ("classify", {"category": "malware", "caused_by": ["INC-4"]}),
            ("contain", {"containment": "laptop isolated"}),
            ("eradicate", {"eradication": "disk wiped"}),
            ("recover", {"recovery": "reimaged and restored"}),
            ("link", {"caused_by": ["INC-4"], "causes": ["INC-5"]}),
            ("review", {"review": "phishing training for HR"}),
            ("close", {}),
        ]
        for event, data in steps:
            case = cases.fire("SEC-1", event, actor="staff", at=T0, **data)
        assert case.status == "closed"
        assert (case.caused_by, case.causes) == (("INC-4",), ("INC-5",))
        assert [c.id for c in cases.find(CaseQuery(kind="security_incident", open=False))] == [
            "SEC-1"
        ]

    def test_an_event_that_is_no_incident_is_dismissed_with_the_reason(self, cases: CaseDesk):
        cases.register(SecurityIncident("SEC-2", "Port scan", T0, "ism"), actor="ism")
        cases.fire("SEC-2", "classify", actor="ism", at=T0, category="scan")
        cases.fire("SEC-2", "dismiss", actor="ism", at=T0, dismissal="blocked at firewall")
        assert cases.get("SEC-2").status == "dismissed"
        with pytest.raises(InvalidTransitionError, match="'contain' is not possible"):
            cases.fire("SEC-2", "contain", actor="ism", at=T0, containment="x")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"caused_by": ["SEC-3"]}, "cannot name itself"),
            ({"caused_by": ["INC-9"], "causes": ["INC-9"]}, "cannot both cause"),
            ({"caused_by": []}, "would drop \\['INC-9'\\]"),
            ({"causes": ["INC-2", "INC-2"]}, "names an incident twice"),
        ],
    )
    def test_links_to_incidents_are_checked_by_the_lifecycle(self, data, message) -> None:
        case = SecurityIncident("SEC-3", "Leak", T0, "ann", caused_by=["INC-9"])
        with pytest.raises(ValidationError, match=message):
            SECURITY_INCIDENT.fire(case, "link", actor="ann", at=T0, **data)
        assert case.caused_by == ("INC-9",) and case.history == ()

    def test_a_case_registered_naming_itself_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="cannot name itself in causes"):
            SecurityIncident("SEC-4", "Leak", T0, "ann", causes=["SEC-4"])
