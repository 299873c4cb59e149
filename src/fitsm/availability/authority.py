"""Who may change the continuity register, by FitSM-3 role (PR4.1, PR4.3).

FitSM-3 ("SACM: Roles according to FitSM-3", CC BY 4.0) has the SACM process
manager "identify service availability and continuity requirements" and
"produce, maintain and review all service availability and continuity plans";
the process owner governs the process. An availability or continuity plan owner
("1 per availability plan / continuity plan") creates and maintains the plan
under their ownership and, for a continuity plan, ensures "tests of preventive
or reactive measures are performed regularly". So:

=====================  ==================================================================
operation              who may
=====================  ==================================================================
identify_requirements  SACM process manager or process owner
add_plan               SACM process manager or process owner
revise_plan            the plan's owner (availability or continuity plan owner, by the
add_measure            plan's kind, with the plan id as context) or the SACM process
update_measure         manager
terminate_plan         SACM process manager or process owner
record_test            the tested continuity plan's owner, or SACM staff (process staff,
add_follow_ups         manager or owner)
=====================  ==================================================================

>>> from fitsm.roles import Person, Process, Role, RoleModel
>>> roles = RoleModel()
>>> _ = roles.add_person(Person("ann", "Ann"))
>>> RULES["add_plan"](roles, "ann", None, {})
'needs the process manager or process owner role for SACM'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fitsm.authority import Rule, Rules, any_of, object_holder, process_role, process_staff
from fitsm.availability.continuity import PlanKind
from fitsm.roles import Process, Role, RoleModel

__all__ = ["RULES", "plan_owner"]


def _plan_id(register: Any, arguments: Mapping[str, Any]) -> str:
    """The plan a call is about: ``plan_id``, or the plan of the test being recorded,
    or of the test being followed up."""
    if "plan_id" in arguments:
        return str(arguments["plan_id"])
    if "test" in arguments:
        return str(getattr(arguments["test"], "plan", ""))
    test_id = arguments.get("test_id")
    try:
        return str(register.test(test_id).plan)
    except LookupError:
        return ""


def plan_owner(kind: str | None = None) -> Rule:
    """Holds the owner role of the plan the call is about, with the plan id as context:
    the availability or continuity plan owner by the plan's kind, or only ``kind``'s."""

    def rule(
        model: RoleModel, actor: str, register: Any, arguments: Mapping[str, Any]
    ) -> str | None:
        which = _plan_id(register, arguments)
        try:
            found = PlanKind(register.plan(which).kind)
        except (LookupError, AttributeError):
            return f"needs the owner role of plan {which!r}, which is not in the register"
        if kind is not None and found is not PlanKind(kind):
            return f"needs the owner role of a {kind} plan; {which!r} is an {found.value} plan"
        return object_holder(found.owner_role, lambda r, a: which)(
            model, actor, register, arguments
        )

    return rule


_MANAGER_OR_OWNER = process_role(Process.SACM, Role.PROCESS_MANAGER, Role.PROCESS_OWNER)
_PLAN_OWNER_OR_MANAGER = any_of(plan_owner(), process_role(Process.SACM, Role.PROCESS_MANAGER))
_TESTER = any_of(plan_owner("continuity"), process_staff(Process.SACM))

RULES: Rules = {
    "identify_requirements": _MANAGER_OR_OWNER,
    "add_plan": _MANAGER_OR_OWNER,
    "revise_plan": _PLAN_OWNER_OR_MANAGER,
    "add_measure": _PLAN_OWNER_OR_MANAGER,
    "update_measure": _PLAN_OWNER_OR_MANAGER,
    "terminate_plan": _MANAGER_OR_OWNER,
    "record_test": _TESTER,
    "add_follow_ups": _TESTER,
}
"""The continuity register's operations and who may run them (see the module's table)."""
