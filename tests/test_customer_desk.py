"""The customer register through the planning desk: each operation refused to a person without
the FitSM-3 role (nothing stored) and run for one with it, on every store kind."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from fitsm import open_store
from fitsm.clock import FixedClock
from fitsm.customers import (
    Channel,
    Contact,
    Customer,
    CustomerRegister,
    SatisfactionSurvey,
    ServiceReview,
    service_review_subject,
)
from fitsm.errors import AuthorizationError, NotFoundError
from fitsm.planning import PlanningDesk
from fitsm.roles import Person, Process, Role, RoleModel

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
T1 = T0 + timedelta(days=1)


def _roles() -> RoleModel:
    roles = RoleModel()
    for pid in ("crm-owner", "crm-mgr", "carol", "dan", "smsm", "staff", "nobody"):
        roles.add_person(Person(pid, pid.title()))
    roles.assign("crm-owner", Role.PROCESS_OWNER, Process.CRM)
    roles.assign("crm-mgr", Role.PROCESS_MANAGER, Process.CRM)
    roles.assign("carol", Role.CUSTOMER_RELATIONSHIP_MANAGER, "acme")
    roles.assign("dan", Role.CUSTOMER_RELATIONSHIP_MANAGER, "globex")
    roles.assign("smsm", Role.SMS_MANAGER)
    roles.assign("staff", Role.PROCESS_STAFF, Process.CRM)
    return roles


@pytest.fixture(params=["memory", "sqlite"])
def desk(request: pytest.FixtureRequest, tmp_path: Any) -> PlanningDesk:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'c.db'}"
    store = open_store(url)
    register = CustomerRegister()
    register.add(Customer("acme", "ACME"), at=T0, by="setup")
    register.add(Customer("acme-hr", "ACME HR", parent="acme"), at=T0, by="setup")
    register.add(Customer("globex", "Globex"), at=T0, by="setup")
    register.record_survey(
        "acme", SatisfactionSurvey("q4", date(2025, 10, 1), {"mail": 2}), at=T0, by="setup"
    )
    with store.unit_of_work() as uow:
        uow.roles.add(_roles())
        uow.customers.add(register)
        uow.commit()
    return PlanningDesk(store, clock=FixedClock(T0 + timedelta(days=30)))


def _review() -> ServiceReview:
    return ServiceReview("rv-1", T0 - timedelta(days=90), T0, "targets met")


# each operation with its arguments, who may not and who may run it
OPERATIONS: list[tuple[str, dict[str, Any], str, str]] = [
    ("add", {"customer": Customer("initech", "Initech")}, "carol", "crm-mgr"),
    ("retire", {"customer_id": "globex"}, "dan", "crm-owner"),
    ("update", {"customer_id": "acme", "description": "steel"}, "dan", "carol"),
    (
        "set_contact",
        {"customer_id": "acme", "contact": Contact("jane", "Jane", email="j@acme.example")},
        "staff",
        "carol",
    ),
    ("remove_contact", {"customer_id": "acme", "contact_id": "jane"}, "dan", "crm-mgr"),
    (
        "set_channels",
        {"customer_id": "globex", "channels": [Channel("complaint", "phone", "+1 555")]},
        "carol",
        "dan",
    ),
    (
        "record_survey",
        {
            "customer_id": "acme",
            "survey": SatisfactionSurvey("q1", date(2026, 1, 1), {"mail": 4}),
        },
        "dan",
        "crm-mgr",
    ),
    (
        "record_follow_up",
        {
            "customer_id": "acme",
            "period": date(2025, 10, 1),
            "service": "mail",
            "action": "call",
        },
        "staff",
        "carol",
    ),
    ("record_review", {"customer_id": "acme", "review": _review()}, "crm-mgr", "carol"),
]


class TestRules:
    def test_every_operation_of_the_register_has_a_rule_tested_here(self) -> None:
        assert sorted(PlanningDesk.registers()["customers"]) == sorted(o[0] for o in OPERATIONS)

    @pytest.mark.parametrize(
        ("operation", "arguments", "refused", "allowed"), OPERATIONS, ids=[o[0] for o in OPERATIONS]
    )
    def test_refused_without_the_role_and_run_with_it(
        self,
        desk: PlanningDesk,
        operation: str,
        arguments: dict[str, Any],
        refused: str,
        allowed: str,
    ) -> None:
        if operation == "remove_contact":
            desk.act("customers", "set_contact", actor="carol", at=T1,
                     customer_id="acme", contact=Contact("jane", "Jane", phone="1"))  # fmt: skip
        before = desk.get("customers")
        with pytest.raises(AuthorizationError, match=f"{refused!r} may not {operation}"):
            desk.act("customers", operation, actor=refused, at=T1, **arguments)
        assert desk.get("customers") == before
        desk.act("customers", operation, actor=allowed, at=T1, **arguments)
        after = desk.get("customers")
        assert after != before
        assert after.version == before.version + 1
        changed = [c for c in after if c not in list(before)]
        assert [c.history[-1].by for c in changed] == [allowed]

    def test_the_sms_manager_may_do_all(self, desk: PlanningDesk) -> None:
        desk.act("customers", "record_review", actor="smsm", at=T1,
                 customer_id="globex", review=_review())  # fmt: skip
        desk.act("customers", "retire", actor="smsm", at=T1, customer_id="acme-hr")
        assert desk.get("customers").customer("acme-hr").retired

    def test_the_relationship_manager_of_an_organisation_looks_after_its_units(
        self, desk: PlanningDesk
    ) -> None:
        desk.act("customers", "update", actor="carol", at=T1,
                 customer_id="acme-hr", description="payroll")  # fmt: skip
        with pytest.raises(AuthorizationError, match="relationship manager role for 'acme-hr'"):
            desk.act("customers", "update", actor="dan", at=T1,
                     customer_id="acme-hr", description="x")  # fmt: skip

    def test_the_relationship_manager_may_not_add_or_retire_customers(
        self, desk: PlanningDesk
    ) -> None:
        with pytest.raises(AuthorizationError, match="process manager or process owner role"):
            desk.act("customers", "retire", actor="carol", at=T1, customer_id="acme-hr")

    def test_an_unknown_person_is_refused(self, desk: PlanningDesk) -> None:
        with pytest.raises(AuthorizationError, match="'mallory' is not a known person"):
            desk.act("customers", "update", actor="mallory", at=T1, customer_id="acme", name="A")


class TestReviewsOnTheirSchedule:
    def test_recording_a_review_advances_its_schedule_in_the_same_unit_of_work(
        self, desk: PlanningDesk
    ) -> None:
        subject = service_review_subject("acme")
        desk.act("reviews", "plan", subject=subject, rule=timedelta(days=90),
                 actor="crm-mgr", at=T0)  # fmt: skip
        desk.act("customers", "record_review", actor="carol", at=T1,
                 customer_id="acme", review=_review(), schedules="default")  # fmt: skip
        schedule = desk.get("reviews").schedule(subject)
        assert (schedule.last.by, schedule.next_due) == ("carol", T1 + timedelta(days=90))
        assert desk.get("customers").customer("acme").last_review.held_by == "carol"

    def test_a_review_without_its_schedule_stores_neither(self, desk: PlanningDesk) -> None:
        desk.act("reviews", "plan", subject=service_review_subject("globex"),
                 rule=timedelta(days=90), actor="crm-mgr", at=T0)  # fmt: skip
        before = desk.get("customers")
        with pytest.raises(NotFoundError, match="customer_review:acme"):
            desk.act("customers", "record_review", actor="carol", at=T1,
                     customer_id="acme", review=_review(), schedules="default")  # fmt: skip
        assert desk.get("customers") == before
