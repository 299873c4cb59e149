"""Who may change the risk register, by FitSM-3 role (PR4.2, PR6.2).

Risks of information security are the information security risk manager's
("perform a solid risk assessment periodically", FitSM-3), with the ISM process
manager and owner; availability and continuity risks belong to the SACM process
manager and owner. The SMS manager "manages risks across the SMS" and may act
on any. A risk's area decides: the risk being added, or the risk named by
``risk_id``; seeding adds the candidate availability risks the CMDB yields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fitsm.authority import Rule, Rules, any_of, holder, process_role
from fitsm.risks.register import Risk, RiskArea, RiskRegister
from fitsm.roles import Process, Role, RoleModel

__all__ = ["RULES", "area_rule"]

_MANAGERS = (Role.PROCESS_MANAGER, Role.PROCESS_OWNER)

_BY_AREA: dict[RiskArea, Rule] = {
    RiskArea.INFORMATION_SECURITY: any_of(
        holder(Role.INFORMATION_SECURITY_RISK_MANAGER),
        process_role(Process.ISM, *_MANAGERS),
        holder(Role.SMS_MANAGER),
    ),
    RiskArea.AVAILABILITY: any_of(process_role(Process.SACM, *_MANAGERS), holder(Role.SMS_MANAGER)),
    RiskArea.CONTINUITY: any_of(process_role(Process.SACM, *_MANAGERS), holder(Role.SMS_MANAGER)),
}


def _areas(register: RiskRegister, arguments: Mapping[str, Any]) -> Iterable[RiskArea]:
    if "risk" in arguments and isinstance(arguments["risk"], Risk):
        return (arguments["risk"].area,)
    if "candidates" in arguments:
        candidates = arguments["candidates"]
        return dict.fromkeys(c.area for c in candidates if isinstance(c, Risk))
    risk_id = arguments.get("risk_id")
    if isinstance(risk_id, str) and risk_id in register:
        return (register.risk(risk_id).area,)
    return ()  # the register raises its own error (NotFoundError, ValidationError)


def area_rule(
    roles: RoleModel, actor: str, register: RiskRegister, arguments: Mapping[str, Any]
) -> str | None:
    """The rule of the risk's area (of every candidate's area when seeding)."""
    for area in _areas(register, arguments):
        reason = _BY_AREA[area](roles, actor, register, arguments)
        if reason is not None:
            return f"{area.value.replace('_', ' ')} risks: {reason}"
    return None


RULES: Rules = {
    "add": area_rule,
    "seed": area_rule,
    "assess": area_rule,
    "treat": area_rule,
    "revise": area_rule,
    "close": area_rule,
}
"""The rule for each operation of :class:`~fitsm.risks.RiskRegister`."""
