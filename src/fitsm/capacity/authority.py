"""Who may change the capacity register (FitSM-3, CAPM roles), as data.

FitSM-3 (CC BY 4.0, 004 "CAPM: Roles according to FitSM-3"): the CAPM process
manager identifies "service performance and capacity requirements" and
produces, maintains and reviews capacity plans; the *capacity plan owner*
creates and maintains "the capacity plan under his/her ownership" and ensures
"the plan and any updates to it are approved" by the relevant authorities; the
process owner carries the process. Hence:

========================== ===========================================================
operation                  who may
========================== ===========================================================
``set_capacity``           CAPM staff, manager or owner (current capacity, PR5.2)
``set_threshold``          CAPM manager or owner (the monitoring approach)
``add_requirement``,       CAPM manager or owner (identify requirements, PR5.1)
``revise_requirement``,
``review_requirements``
``add_plan``               CAPM manager, or the capacity plan owner of that plan id
``add_plan_item``,         the plan's capacity plan owner, or the CAPM manager
``update_plan_item``,
``review_plan``,
``terminate_plan``
``approve_plan``           CAPM owner or manager: not the plan owner, who gets the plan
                           approved rather than approving it
========================== ===========================================================

Recording utilisation samples is monitoring data, like outages: no rule gates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from fitsm.authority import Rule, Rules, any_of, object_holder, process_role, process_staff
from fitsm.roles import Process, Role

__all__ = ["RULES"]


def _plan_id(register: Any, arguments: Mapping[str, Any]) -> str:
    plan = arguments.get("plan")
    return str(getattr(plan, "id", None) or arguments.get("plan_id", ""))


_MANAGER = process_role(Process.CAPM, Role.PROCESS_MANAGER, Role.PROCESS_OWNER)
_PLAN_OWNER = object_holder(Role.CAPACITY_PLAN_OWNER, _plan_id)
_PLAN: Rule = any_of(_PLAN_OWNER, process_role(Process.CAPM, Role.PROCESS_MANAGER))

RULES: Rules = MappingProxyType(
    {
        "set_capacity": process_staff(Process.CAPM),
        "set_threshold": _MANAGER,
        "add_requirement": _MANAGER,
        "revise_requirement": _MANAGER,
        "review_requirements": _MANAGER,
        "add_plan": _PLAN,
        "add_plan_item": _PLAN,
        "update_plan_item": _PLAN,
        "review_plan": _PLAN,
        "terminate_plan": _PLAN,
        "approve_plan": _MANAGER,
    }
)
"""The capacity register's rules, by operation (:mod:`fitsm.authority`)."""
