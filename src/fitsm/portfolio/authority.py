"""Who may change the product register and move services, by FitSM-3 role (PR1.2, PR1.3, 003).

Service portfolio management (SPM, PR1) decides: its process manager or owner
(the ITSPM *service portfolio manager*, :data:`~fitsm.portfolio.ITSPM_ROLES`)
writes down the assessment criteria, evaluates and decides proposals, and defines
and retires toll-gates; any SPM staff may propose. A gate is waived only by the
SPM process owner or the SMS owner, who answer for the SMS. The service owner
(the ITSPM *service product manager*) keeps their service's strategy, confirms
their service's manual gate criteria, reviews its performance and moves it
through the lifecycle; the portfolio's own strategy is the SPM manager's or
owner's. The SMS manager may do all of this but waive.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fitsm.authority import Rule, Rules, any_of, holder, process_role, process_staff
from fitsm.errors import NotFoundError
from fitsm.portfolio.proposals import Proposal
from fitsm.portfolio.strategy import ServiceStrategy
from fitsm.roles import Process, Role, RoleModel

__all__ = ["RULES", "move_rule"]

_SPM_MANAGERS = process_role(Process.SPM, Role.PROCESS_MANAGER, Role.PROCESS_OWNER)
_SMS_MANAGER = holder(Role.SMS_MANAGER)


def _service_owner(service_of: Callable[[Any, Mapping[str, Any]], object]) -> Rule:
    """Holds the service owner role for the service the call is about (none: refused)."""

    def rule(
        roles: RoleModel, actor: str, register: Any, arguments: Mapping[str, Any]
    ) -> str | None:
        service = service_of(register, arguments)
        if not isinstance(service, str) or not service:
            return "needs the service owner role for the service"
        if roles.has_role(actor, Role.SERVICE_OWNER, service):
            return None
        return f"needs the service owner role for {service!r}"

    return rule


def _named(register: Any, arguments: Mapping[str, Any]) -> object:
    return arguments.get("service_id")


def _proposed(register: Any, arguments: Mapping[str, Any]) -> object:
    proposal = arguments.get("proposal")
    return proposal.service if isinstance(proposal, Proposal) else None


def _of_proposal(register: Any, arguments: Mapping[str, Any]) -> object:
    try:
        return register.proposal(arguments.get("proposal_id")).service
    except NotFoundError:
        return None  # the register raises its own error for an unknown proposal


def _strategy_rule(service_of: Callable[[Any, Mapping[str, Any]], object]) -> Rule:
    """A service's strategy is its owner's; the portfolio's (no service) SPM's."""
    of_service = any_of(_service_owner(service_of), _SMS_MANAGER)
    of_portfolio = any_of(_SPM_MANAGERS, _SMS_MANAGER)

    def rule(
        roles: RoleModel, actor: str, register: Any, arguments: Mapping[str, Any]
    ) -> str | None:
        if service_of(register, arguments) is None:
            reason = of_portfolio(roles, actor, register, arguments)
            return None if reason is None else f"the portfolio's strategy {reason}"
        return of_service(roles, actor, register, arguments)

    return rule


def _strategy_service(register: Any, arguments: Mapping[str, Any]) -> object:
    strategy = arguments.get("strategy")
    return strategy.service if isinstance(strategy, ServiceStrategy) else ""


_DECIDE = any_of(_SPM_MANAGERS, _SMS_MANAGER)
_OF_SERVICE = any_of(_service_owner(_named), _SPM_MANAGERS, _SMS_MANAGER)

RULES: Rules = {
    "define_assessment_criterion": _DECIDE,
    "propose": any_of(process_staff(Process.SPM), _service_owner(_proposed), _SMS_MANAGER),
    "revise_proposal": any_of(
        process_staff(Process.SPM), _service_owner(_of_proposal), _SMS_MANAGER
    ),
    "evaluate_proposal": _DECIDE,
    "decide_proposal": _DECIDE,
    "define_gate": _DECIDE,
    "retire_gate": _DECIDE,
    "confirm": _OF_SERVICE,
    "waive": any_of(process_role(Process.SPM, Role.PROCESS_OWNER), holder(Role.SMS_OWNER)),
    "set_strategy": _strategy_rule(_strategy_service),
    "review_strategy": _strategy_rule(_named),
    "review_performance": _OF_SERVICE,
}
"""The rule for each operation of :class:`~fitsm.portfolio.ProductRegister`."""


def move_rule(
    roles: RoleModel, actor: str, portfolio: Any, arguments: Mapping[str, Any]
) -> str | None:
    """Who may move a service (``arguments["service_id"]``) to another lifecycle phase
    (:meth:`fitsm.planning.PlanningDesk.move_service`): its service owner, the SPM process
    manager or owner, or the SMS manager. None when ``actor`` may, else why not."""
    return _OF_SERVICE(roles, actor, portfolio, arguments)
