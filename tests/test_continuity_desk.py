"""The continuity register run through the PlanningDesk: each operation refuses a person
without the FitSM-3 role it needs (nothing stored) and lets one with it act."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fitsm import Q_, open_store
from fitsm.availability import ContinuityTest, Measure, Plan, TestEvent
from fitsm.clock import FixedClock
from fitsm.errors import AuthorizationError
from fitsm.planning import PlanningDesk
from fitsm.roles import Person, Process, Role, RoleModel

T0 = datetime(2026, 3, 10, 8, tzinfo=UTC)


def _roles() -> RoleModel:
    roles = RoleModel()
    for pid in ("sacm", "owner", "staff", "dave", "erin", "cm"):
        roles.add_person(Person(pid, pid.title()))
    roles.assign("sacm", Role.PROCESS_MANAGER, Process.SACM)
    roles.assign("owner", Role.PROCESS_OWNER, Process.SACM)
    roles.assign("staff", Role.PROCESS_STAFF, Process.SACM)
    roles.assign("dave", Role.CONTINUITY_PLAN_OWNER, "cp-mail")
    roles.assign("erin", Role.AVAILABILITY_PLAN_OWNER, "ap-shop")
    roles.assign("cm", Role.PROCESS_MANAGER, Process.CHM)
    return roles


@pytest.fixture(params=["memory", "sqlite"])
def desk(request: pytest.FixtureRequest, tmp_path: Any) -> PlanningDesk:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'c.db'}"
    store = open_store(url)
    with store.unit_of_work() as uow:
        uow.roles.add(_roles())
        uow.commit()
    desk = PlanningDesk(store, clock=FixedClock(T0 + timedelta(days=30)))
    desk.act("continuity", "identify_requirements", service="mail", rto=Q_(4, "hour"),
             actor="sacm", at=T0)  # fmt: skip
    for plan in (
        Plan(
            "cp-mail", "continuity", "Mail recovery", ["mail"], measures=[Measure("m1", "R", "x")]
        ),
        Plan("ap-shop", "availability", "Shop availability", ["shop"]),
    ):
        desk.act("continuity", "add_plan", plan=plan, actor="sacm", at=T0)
    return desk


def _test(test_id: str = "ct-1") -> ContinuityTest:
    return ContinuityTest(
        test_id,
        "cp-mail",
        "mail",
        "dc1 lost",
        [TestEvent("disrupted", T0), TestEvent("restored", T0 + timedelta(hours=5))],
    )


# operation, its arguments, someone refused, someone allowed, what the store then shows
CASES: list[tuple[str, dict[str, Any], str, str, Callable[[Any], object]]] = [
    ("identify_requirements", {"service": "hr", "rto": Q_(1, "day")}, "dave", "owner",
     lambda r: r.requirements("hr").history[-1].by),
    ("add_plan", {"plan": Plan("cp-hr", "continuity", "HR", ["hr"])}, "staff", "owner",
     lambda r: r.plan("cp-hr").history[0].by),
    ("revise_plan", {"plan_id": "ap-shop", "title": "Shop 2026"}, "dave", "erin",
     lambda r: r.plan("ap-shop").history[-1].by),
    ("add_measure", {"plan_id": "cp-mail", "measure": Measure("m2", "Replica", "dave")},
     "erin", "dave", lambda r: r.plan("cp-mail").history[-1].by),
    ("update_measure", {"plan_id": "cp-mail", "measure_id": "m1", "status": "cancelled"},
     "staff", "sacm", lambda r: r.plan("cp-mail").history[-1].by),
    ("terminate_plan", {"plan_id": "ap-shop"}, "erin", "sacm",
     lambda r: r.plan("ap-shop").history[-1].by),
    ("record_test", {"test": _test()}, "erin", "dave", lambda r: r.test("ct-1").history[0].by),
]  # fmt: skip


class TestContinuityOnTheDesk:
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
        recorded: Callable[[Any], object],
    ) -> None:
        before = desk.get("continuity")
        with pytest.raises(AuthorizationError, match=f"'{refused}' may not {operation}"):
            desk.act("continuity", operation, **arguments, actor=refused, at=T0 + timedelta(days=1))
        after = desk.get("continuity")
        assert after == before and after.version == before.version
        desk.act("continuity", operation, **arguments, actor=allowed, at=T0 + timedelta(days=1))
        assert recorded(desk.get("continuity")) == allowed

    def test_follow_ups_are_the_testers_and_a_change_manager_may_not_add_them(
        self, desk: PlanningDesk
    ) -> None:
        desk.act(
            "continuity", "record_test", test=_test(), actor="staff", at=T0 + timedelta(days=1)
        )
        with pytest.raises(AuthorizationError, match="continuity plan owner role for 'cp-mail'"):
            desk.act("continuity", "add_follow_ups", test_id="ct-1", follow_ups=["CHG-1"],
                     actor="cm", at=T0 + timedelta(days=2))  # fmt: skip
        desk.act("continuity", "add_follow_ups", test_id="ct-1", follow_ups=["CHG-1"],
                 actor="dave", at=T0 + timedelta(days=2))  # fmt: skip
        register = desk.get("continuity")
        assert register.test("ct-1").follow_ups == ("CHG-1",)
        assert str(register.verdict("ct-1")).endswith("recovered in 5 h, RTO 4 h: missed")

    def test_the_desk_lists_the_continuity_operations(self) -> None:
        assert PlanningDesk.registers()["continuity"] == (
            "identify_requirements",
            "add_plan",
            "revise_plan",
            "add_measure",
            "update_measure",
            "terminate_plan",
            "record_test",
            "add_follow_ups",
        )
