"""Who may change the finance register, by FitSM-3 role (003; PR1).

Service financial management and roadmap definition serve the service
portfolio (PR1), so the SPM process manager and owner maintain costs, prices,
allocation choices and the roadmap of every service. The service owner ("overall
responsibility for one service", FitSM-3) maintains the costs booked on their
service, its price and its roadmap entries. Allocation keys split a shared
item's cost among several services, so only the portfolio's managers choose
them. The SMS manager may do all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fitsm.authority import Rule, Rules, any_of, holder, object_holder, process_role
from fitsm.finance.costs import Cost
from fitsm.finance.register import FinanceRegister
from fitsm.finance.roadmap import RoadmapEntry
from fitsm.roles import Process, Role

__all__ = ["RULES"]

_PORTFOLIO = any_of(
    process_role(Process.SPM, Role.PROCESS_MANAGER, Role.PROCESS_OWNER),
    holder(Role.SMS_MANAGER),
)


def _cost_item(register: FinanceRegister, arguments: Mapping[str, Any]) -> str:
    cost = arguments.get("cost")
    if isinstance(cost, Cost):
        return cost.item
    cost_id = arguments.get("cost_id")
    if isinstance(cost_id, str) and isinstance(register, FinanceRegister):
        try:
            return register.cost(cost_id).item
        except LookupError:
            pass
    return str(cost_id)  # the register raises its own error for an unknown cost


def _service(register: FinanceRegister, arguments: Mapping[str, Any]) -> str:
    return str(arguments.get("service"))


def _entry_service(register: FinanceRegister, arguments: Mapping[str, Any]) -> str:
    entry = arguments.get("entry")
    if isinstance(entry, RoadmapEntry):
        return entry.service
    entry_id = arguments.get("entry_id")
    if isinstance(entry_id, str) and isinstance(register, FinanceRegister):
        try:
            return register.entry(entry_id).service
        except LookupError:
            pass
    return str(entry_id)


def _of_service(which: Any) -> Rule:
    return any_of(_PORTFOLIO, object_holder(Role.SERVICE_OWNER, which))


RULES: Rules = {
    "add_cost": _of_service(_cost_item),
    "revise_cost": _of_service(_cost_item),
    "choose_key": _PORTFOLIO,
    "set_price": _of_service(_service),
    "plan": _of_service(_entry_service),
    "revise_entry": _of_service(_entry_service),
    "cancel_entry": _of_service(_entry_service),
}
"""The rule for each operation of :class:`~fitsm.finance.FinanceRegister`."""
