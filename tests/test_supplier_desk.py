"""The supplier register run as a person through the PlanningDesk: who may do what (PR8)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from fitsm import open_store
from fitsm.availability import Outage
from fitsm.clock import FixedClock
from fitsm.errors import AuthorizationError, NotFoundError
from fitsm.planning import PlanningDesk
from fitsm.roles import Person, Process, Role, RoleModel
from fitsm.service_levels import Agreement, Agreements, ServiceTarget
from fitsm.suppliers import (
    EscalationLevel,
    FollowUpAction,
    Supplier,
    SupplierChannel,
    SupplierContact,
    VendorProduct,
    evaluation_subject,
)
from fitsm.suppliers.authority import RULES
from fitsm.units import Q_

T0 = datetime(2024, 3, 31, tzinfo=UTC)
Q1 = {"start": datetime(2024, 1, 1, tzinfo=UTC), "end": datetime(2024, 4, 1, tzinfo=UTC)}


def _roles() -> RoleModel:
    roles = RoleModel()
    for pid in ("owner", "smsm", "pm", "po", "sam", "sue", "staff"):
        roles.add_person(Person(pid, pid.title()))
    roles.assign("owner", Role.SMS_OWNER)
    roles.assign("smsm", Role.SMS_MANAGER)
    roles.assign("pm", Role.PROCESS_MANAGER, Process.SUPPM)
    roles.assign("po", Role.PROCESS_OWNER, Process.SUPPM)
    roles.assign("sam", Role.SUPPLIER_RELATIONSHIP_MANAGER, "netco")
    roles.assign("sue", Role.SUPPLIER_RELATIONSHIP_MANAGER, "dc")
    roles.assign("staff", Role.PROCESS_STAFF, Process.SUPPM)
    return roles


def _agreements() -> Agreements:
    agreements = Agreements()
    agreements.add(
        Agreement(
            "ua-net",
            "UA",
            "netco",
            ["uplink"],
            [ServiceTarget("availability", Q_(99.9, "percent"))],
        )
    )
    return agreements


@pytest.fixture(params=["memory", "sqlite"])
def desk(request, tmp_path) -> PlanningDesk:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 's.db'}"
    store = open_store(url)
    with store.unit_of_work() as uow:
        uow.roles.add(_roles())
        uow.agreements.add(_agreements())
        uow.commit()
    desk = PlanningDesk(store, clock=FixedClock(T0))
    for sid, kind in (("netco", "external"), ("dc", "internal")):
        desk.act("suppliers", "add", supplier=Supplier(sid, sid.title(), kind), actor="pm", at=T0)
    desk.act("suppliers", "set_contact", supplier_id="netco", contact=SupplierContact("Nora", "am"),
             actor="sam", at=T0)  # fmt: skip
    desk.act("suppliers", "evaluate", supplier_id="netco", rating=4, agreements="default",
             actions=[FollowUpAction("netco-1", "call")], actor="sam", at=T0, **Q1)  # fmt: skip
    return desk


# every operation, with arguments about supplier 'netco' (or a new supplier)
CALLS: dict[str, dict[str, Any]] = {
    "add": {"supplier": Supplier("newco", "NewCo", "external")},
    "adopt": {"suppliers": [Supplier("newco", "NewCo", "external")]},
    "update": {"supplier_id": "netco", "description": "uplinks"},
    "retire": {"supplier_id": "netco"},
    "set_contact": {"supplier_id": "netco", "contact": SupplierContact("Otto", "desk lead")},
    "remove_contact": {"supplier_id": "netco", "name": "Nora"},
    "set_channels": {
        "supplier_id": "netco",
        "channels": [SupplierChannel("support", "mail", "s@n.x")],
    },
    "set_escalation": {"supplier_id": "netco", "levels": [EscalationLevel("Nora")]},
    "set_product": {
        "supplier_id": "netco",
        "product": VendorProduct("os", "EdgeOS", "netco", "7", date(2025, 1, 1)),
    },
    "remove_product": {"supplier_id": "netco", "product_id": "os"},
    "evaluate": {"supplier_id": "netco", "rating": 3, "agreements": "default", **Q1},
    "update_action": {"supplier_id": "netco", "action_id": "netco-1", "status": "done"},
}
DATABASE = {"add", "adopt", "update", "retire"}


def test_every_operation_of_the_register_has_a_rule_and_a_call_here():
    assert set(RULES) == set(CALLS) == set(PlanningDesk.registers()["suppliers"])


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_someone_without_the_role_is_refused_and_nothing_changes(desk, operation):
    before = desk.get("suppliers")
    for actor in ("staff", "sue", "owner"):  # SUPPM staff; another supplier's SRM; SMS owner
        with pytest.raises(AuthorizationError, match=f"'{actor}' may not {operation}"):
            desk.act("suppliers", operation, actor=actor, at=T0, **CALLS[operation])
    assert desk.get("suppliers") == before


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_the_sms_manager_may_run_every_operation(desk, operation):
    if operation == "set_product" or operation == "remove_product":
        desk.act("suppliers", "set_product", actor="smsm", at=T0, **CALLS["set_product"])
    desk.act("suppliers", operation, actor="smsm", at=T0, **CALLS[operation])
    last = (
        desk.get("suppliers")
        .supplier("newco" if operation in ("add", "adopt") else "netco")
        .history[-1]
    )
    assert (last.by, last.at) == ("smsm", T0)


@pytest.mark.parametrize("operation", sorted(DATABASE))
def test_the_suppm_process_manager_and_owner_keep_the_supplier_database(desk, operation):
    actor = "po" if operation in ("retire", "add") else "pm"
    desk.act("suppliers", operation, actor=actor, at=T0, **CALLS[operation])
    with pytest.raises(AuthorizationError, match="needs the process manager or process owner"):
        desk.act("suppliers", "update", actor="sam", at=T0, supplier_id="dc", description="x")


@pytest.mark.parametrize("operation", sorted(set(CALLS) - DATABASE))
def test_the_relationship_manager_keeps_their_own_supplier_only(desk, operation):
    if operation == "remove_product":
        desk.act("suppliers", "set_product", actor="sam", at=T0, **CALLS["set_product"])
    desk.act("suppliers", operation, actor="sam", at=T0, **CALLS[operation])
    assert desk.get("suppliers").supplier("netco").history[-1].by == "sam"
    with pytest.raises(
        AuthorizationError, match="needs the supplier relationship manager role for 'netco'"
    ):
        desk.act("suppliers", operation, actor="sue", at=T0, **CALLS[operation])


def test_an_evaluation_through_the_desk_advances_the_suppliers_schedule_in_one_unit(desk):
    desk.act("reviews", "plan", subject=evaluation_subject("netco"), rule=timedelta(days=90),
             actor="pm", at=T0 - timedelta(days=100))  # fmt: skip
    outage = Outage("uplink", datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 2, 1, 3, tzinfo=UTC))
    evaluation = desk.act(
        "suppliers", "evaluate", supplier_id="netco", agreements="default", outages=[outage],
        schedules="default", actor="sam", at=T0, **Q1,
    )  # fmt: skip
    # 3 h down in 2184 h is below 99.9 %: 0 of 1 targets met, the lowest rating
    assert (evaluation.rating, evaluation.met, evaluation.measured) == (1, 0, 1)
    schedule = desk.get("reviews").schedule(evaluation_subject("netco"))
    assert (schedule.last.by, schedule.next_due) == ("sam", T0 + timedelta(days=90))


def test_an_evaluation_without_a_schedule_stores_nothing(desk):
    desk.act("reviews", "plan", subject=evaluation_subject("dc"), rule=timedelta(days=90),
             actor="pm", at=T0)  # fmt: skip
    before = desk.get("suppliers")
    with pytest.raises(NotFoundError, match="no review schedule for supplier:netco"):
        desk.act("suppliers", "evaluate", supplier_id="netco", rating=3, agreements="default",
                 schedules="default", actor="sam", at=T0, **Q1)  # fmt: skip
    assert desk.get("suppliers") == before
