"""The capacity register through the PlanningDesk: each operation refuses a person without
the FitSM-3 role for it (nothing stored) and lets one with it act; on every store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fitsm import Q_, open_store
from fitsm.capacity import (
    Capacity,
    CapacityPlan,
    CapacityRegister,
    PlanItem,
    Threshold,
    capacity_plan_subject,
    derive_requirement,
)
from fitsm.capacity.authority import RULES
from fitsm.clock import FixedClock
from fitsm.errors import AuthorizationError, NotFoundError
from fitsm.planning import PlanningDesk
from fitsm.reviews import ReviewSchedules
from fitsm.roles import Person, Process, Role, RoleModel

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _roles() -> RoleModel:
    roles = RoleModel()
    for pid in ("capo", "capm", "staff", "olga", "other", "smsm", "sacm"):
        roles.add_person(Person(pid, pid.title()))
    roles.assign("capo", Role.PROCESS_OWNER, Process.CAPM)
    roles.assign("capm", Role.PROCESS_MANAGER, Process.CAPM)
    roles.assign("staff", Role.PROCESS_STAFF, Process.CAPM)
    roles.assign("olga", Role.CAPACITY_PLAN_OWNER, "cap-2026")
    roles.assign("other", Role.CAPACITY_PLAN_OWNER, "cap-other")
    roles.assign("smsm", Role.SMS_MANAGER)
    roles.assign("sacm", Role.PROCESS_MANAGER, Process.SACM)
    return roles


@pytest.fixture(params=["memory", "sqlite"])
def desk(request: pytest.FixtureRequest, tmp_path: Any) -> PlanningDesk:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'c.db'}"
    store = open_store(url)
    with store.unit_of_work() as uow:
        uow.roles.add(_roles())
        schedules = ReviewSchedules()
        schedules.plan(capacity_plan_subject("cap-2026"), timedelta(days=90), at=T0, by="capm")
        uow.reviews.add(schedules)
        uow.commit()
    return PlanningDesk(store, clock=FixedClock(T0 + timedelta(days=30)))


def _register(desk: PlanningDesk) -> CapacityRegister:
    try:
        found: CapacityRegister = desk.get("capacity")
    except NotFoundError:
        return CapacityRegister()
    return found


PLAN = CapacityPlan("cap-2026", "Capacity 2026", owner="olga")
ITEM = PlanItem("shelf", "technical", "A 50 TB shelf", amount=Q_(50, "TB"))
REQUIREMENT = derive_requirement(
    "cpu-shop", "shop", "cpu", unit="core", target=Q_(200, "transaction/s"),
    cost=Q_(0.02, "core*s/transaction"),
)  # fmt: skip

# operation, its arguments, who may not, who may; the steps before it set the stage
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("set_capacity", {"capacity": Capacity("san1", "storage", Q_(100, "TB"))}, "olga", "staff"),
    ("set_threshold", {"threshold": Threshold("storage", 0.8, 0.9, ci_type="storage")}, "staff",
     "capm"),
    ("add_requirement", {"requirement": REQUIREMENT}, "staff", "capo"),
    ("revise_requirement", {"requirement": REQUIREMENT}, "olga", "capm"),
    ("review_requirements", {"service": "shop"}, "smsm", "capm"),
    ("add_plan", {"plan": PLAN}, "other", "olga"),
    ("add_plan_item", {"plan_id": "cap-2026", "item": ITEM}, "other", "olga"),
    ("update_plan_item", {"plan_id": "cap-2026", "item_id": "shelf", "status": "in_progress"},
     "staff", "capm"),
    ("approve_plan", {"plan_id": "cap-2026"}, "olga", "capo"),
    ("review_plan", {"plan_id": "cap-2026", "schedules": "default"}, "capo", "olga"),
    ("terminate_plan", {"plan_id": "cap-2026"}, "sacm", "olga"),
]  # fmt: skip


def test_every_operation_has_a_case() -> None:
    assert sorted(op for op, *_ in CASES) == sorted(RULES)
    assert set(RULES) == set(PlanningDesk.registers()["capacity"])


def test_each_operation_refuses_one_without_the_role_and_lets_one_with_it_act(
    desk: PlanningDesk,
) -> None:
    """The cases run in order, each on what the ones before stored."""
    for operation, arguments, refused, allowed in CASES:
        before = _register(desk)
        with pytest.raises(AuthorizationError, match=f"'{refused}' may not {operation}"):
            desk.act("capacity", operation, actor=refused, at=T0, **arguments)
        assert _register(desk) == before, operation  # nothing stored
        desk.act("capacity", operation, actor=allowed, at=T0, **arguments)
        after = _register(desk)
        assert after != before, operation
        [made] = [c for c in after.changes() if c not in before.changes()]
        assert made.by == allowed


def test_a_plan_review_through_the_desk_advances_its_schedule(desk: PlanningDesk) -> None:
    desk.act("capacity", "add_plan", plan=PLAN, actor="olga", at=T0)
    later = T0 + timedelta(days=10)
    desk.act("capacity", "review_plan", plan_id="cap-2026", schedules="default", actor="olga",
             at=later)  # fmt: skip
    schedule = desk.get("reviews").schedule(capacity_plan_subject("cap-2026"))
    assert schedule.next_due == later + timedelta(days=90)


def test_the_plan_owner_owns_only_their_plan(desk: PlanningDesk) -> None:
    desk.act("capacity", "add_plan", plan=PLAN, actor="olga", at=T0)
    with pytest.raises(AuthorizationError, match="capacity plan owner role for 'cap-2026'"):
        desk.act("capacity", "add_plan_item", plan_id="cap-2026", item=ITEM, actor="other", at=T0)
