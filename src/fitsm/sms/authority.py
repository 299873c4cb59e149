"""Who may change the SMS register, by FitSM-3 role (GR1-GR7).

- The SMS owner "defines and approves goals and policies for the entire SMS" and
  "shall conduct management reviews" (GR1.2, GR1.3): the SMS owner approves and
  communicates the policy and records management reviews; the SMS manager may
  draft the policy.
- The SMS manager "maintains the service management plan", "monitors and keeps
  track of the suitability, effectiveness and maturity of the entire SMS" and
  "identifies opportunities for improving" it: the plan, controlled documents,
  stakeholders and scope, KPIs, assessments and nonconformities are the SMS
  manager's (the SMS owner may state the scope too).
- Process owners and managers maintain their process's definition ("maintain the
  process definition", "approve ... changes to the process definition") and its
  process plans; process managers and owners record measurements of their
  process's KPIs. The SMS manager may do these for any process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fitsm.authority import Rule, Rules, any_of, holder, process_role
from fitsm.roles import Process, Role, RoleModel
from fitsm.sms.kpis import Kpi
from fitsm.sms.plans import ProcessPlan
from fitsm.sms.processes import ProcessDefinition
from fitsm.sms.register import SmsRegister

__all__ = ["RULES", "process_rule"]

_MANAGERS = (Role.PROCESS_OWNER, Role.PROCESS_MANAGER)
_OWNER = holder(Role.SMS_OWNER)
_MANAGER = holder(Role.SMS_MANAGER)


def _process(register: SmsRegister, arguments: Mapping[str, Any]) -> Process | None:
    """The process the call is about: the definition's, the plan's, or the KPI's."""
    for name in ("definition", "plan"):
        value = arguments.get(name)
        if isinstance(value, ProcessDefinition | ProcessPlan):
            return value.process
    plan_id = arguments.get("plan_id")
    if isinstance(plan_id, str):
        try:
            return register.process_plan(plan_id).process
        except LookupError:
            return None  # the register raises its own NotFoundError
    kpi_id = arguments.get("kpi_id")
    if isinstance(kpi_id, str):
        try:
            found: Kpi = register.kpi(kpi_id)
        except LookupError:
            return None
        return found.process
    return None


def process_rule(
    roles: RoleModel, actor: str, register: SmsRegister, arguments: Mapping[str, Any]
) -> str | None:
    """The process owner or manager of the process the call is about, or the SMS manager."""
    process = _process(register, arguments)
    if process is None:
        return _MANAGER(roles, actor, register, arguments)
    return any_of(process_role(process, *_MANAGERS), _MANAGER)(roles, actor, register, arguments)


_SMS_MANAGER: Rule = _MANAGER
_SMS_OWNER: Rule = _OWNER
_EITHER: Rule = any_of(_OWNER, _MANAGER)

RULES: Rules = {
    "define_policy": _EITHER,
    "approve_policy": _SMS_OWNER,
    "communicate_policy": _SMS_OWNER,
    "record_management_review": _SMS_OWNER,
    "complete_review_action": _EITHER,
    "add_document": _SMS_MANAGER,
    "revise_document": _SMS_MANAGER,
    "approve_document": _SMS_MANAGER,
    "distribute_document": _SMS_MANAGER,
    "review_document": _SMS_MANAGER,
    "withdraw_document": _SMS_MANAGER,
    "define_process": process_rule,
    "identify_stakeholder": _SMS_MANAGER,
    "define_scope": _EITHER,
    "set_plan": _SMS_MANAGER,
    "reach_milestone": _SMS_MANAGER,
    "set_process_plan": process_rule,
    "retire_process_plan": process_rule,
    "define_kpi": _SMS_MANAGER,
    "record_measurement": process_rule,
    "record_assessment": _SMS_MANAGER,
    "raise_nonconformity": _SMS_MANAGER,
    "add_corrective_action": _SMS_MANAGER,
    "complete_corrective_action": _SMS_MANAGER,
    "link_improvement": _SMS_MANAGER,
    "close_nonconformity": _SMS_MANAGER,
}
"""The rule for each operation of :class:`~fitsm.sms.SmsRegister`."""
