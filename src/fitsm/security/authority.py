"""Who may run each operation of the security register, by FitSM-3 role (PR6).

FitSM-3 (CC BY 4.0) for ISM: the *process manager* (information security
manager) monitors "the maintenance of the asset inventory, information security
risk assessment and handling of information security events and incidents" and
ensures "that all security-related documentation is maintained"; the
*information security risk manager* ensures "that the asset inventory is
complete and up-to-date" and "together with other experts, identif[ies], plan[s],
implement[s] and document[s] information security controls to treat risks"; the
*asset owner* maintains "the description and classification of a specific
(information) asset"; the *information security control owner* maintains "the
specification / documentation of a specific information security control"; the
*process owner* governs the process and its policies. From that:

================================  ==========================================================
operations                        who may run them
================================  ==========================================================
add_asset, retire_asset           ISM process manager, information security risk manager
describe_asset, classify_asset    the asset's owner, ISM process manager
add_policy, revise_policy,        ISM process manager or owner
approve_policy, review_policy,
retire_policy
add_control, link_control_risks   ISM process manager, information security risk manager
revise_control,                   the control's owner, ISM process manager, information
set_control_status                security risk manager
grant_access                      ISM process staff (staff, manager or owner)
revoke_access                     ISM process staff, the asset's owner
confirm_access,                   the asset's owner, ISM process manager
complete_access_review
================================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fitsm.authority import Rule, Rules, any_of, holder, object_holder, process_role, process_staff
from fitsm.roles import Process, Role

__all__ = ["RULES"]


def _asset(register: Any, arguments: Mapping[str, Any]) -> str:
    if "asset_id" in arguments:
        return str(arguments["asset_id"])
    # an access right is about the asset it gives access to; an unknown right is left to the
    # register to refuse (NotFoundError), once the person is found to be allowed at all
    right_id = arguments.get("right_id")
    try:
        return str(register.right(right_id).asset)
    except LookupError:
        return str(right_id)


def _control(register: Any, arguments: Mapping[str, Any]) -> str:
    return str(arguments["control_id"])


_MANAGER = process_role(Process.ISM, Role.PROCESS_MANAGER)
_MANAGER_OR_OWNER = process_role(Process.ISM, Role.PROCESS_MANAGER, Role.PROCESS_OWNER)
_RISK_MANAGER = holder(Role.INFORMATION_SECURITY_RISK_MANAGER)
_ASSET_OWNER = object_holder(Role.ASSET_OWNER, _asset)
_CONTROL_OWNER = object_holder(Role.SECURITY_CONTROL_OWNER, _control)

_INVENTORY: Rule = any_of(_MANAGER, _RISK_MANAGER)
_ASSET: Rule = any_of(_ASSET_OWNER, _MANAGER)
_POLICY: Rule = _MANAGER_OR_OWNER
_CONTROL: Rule = any_of(_CONTROL_OWNER, _MANAGER, _RISK_MANAGER)

RULES: Rules = {
    "add_asset": _INVENTORY,
    "retire_asset": _INVENTORY,
    "describe_asset": _ASSET,
    "classify_asset": _ASSET,
    "add_policy": _POLICY,
    "revise_policy": _POLICY,
    "approve_policy": _POLICY,
    "review_policy": _POLICY,
    "retire_policy": _POLICY,
    "add_control": _INVENTORY,
    "link_control_risks": _INVENTORY,
    "revise_control": _CONTROL,
    "set_control_status": _CONTROL,
    "grant_access": process_staff(Process.ISM),
    "revoke_access": any_of(process_staff(Process.ISM), _ASSET_OWNER),
    "confirm_access": _ASSET,
    "complete_access_review": _ASSET,
}
"""The rule of every operation of :class:`~fitsm.security.SecurityRegister` that changes it."""
