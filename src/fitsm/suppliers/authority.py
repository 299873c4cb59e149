"""Who may change the supplier register, by FitSM-3 role (PR8).

FitSM-3 gives the SUPPM process manager the task to "maintain the supplier
database": the process manager and owner identify suppliers, update what the
database says of them and retire them. The *supplier relationship manager*,
"1 per identified supplier", acts "as the primary contact point for a specific
supplier", maintains the relationship "by regular communication" and the
"mechanisms for monitoring the performance of the supplier": they keep that
supplier's contacts, channels, escalation path and vendor products, and evaluate
it and track its follow-up actions, as the process manager may. The SMS manager
may do all of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fitsm.authority import Rule, Rules, any_of, holder, object_holder, process_role
from fitsm.roles import Process, Role
from fitsm.suppliers.register import SupplierRegister

__all__ = ["RULES"]


def _supplier(register: SupplierRegister, arguments: Mapping[str, Any]) -> str:
    return str(arguments.get("supplier_id", ""))


_DATABASE: Rule = any_of(
    process_role(Process.SUPPM, Role.PROCESS_MANAGER, Role.PROCESS_OWNER),
    holder(Role.SMS_MANAGER),
)
"""Identify, update and retire suppliers."""

_RELATIONSHIP: Rule = any_of(
    object_holder(Role.SUPPLIER_RELATIONSHIP_MANAGER, _supplier),
    process_role(Process.SUPPM, Role.PROCESS_MANAGER),
    holder(Role.SMS_MANAGER),
)
"""Keep one supplier's contacts, channels and products; evaluate it."""

RULES: Rules = {
    "add": _DATABASE,
    "adopt": _DATABASE,
    "update": _DATABASE,
    "retire": _DATABASE,
    "set_contact": _RELATIONSHIP,
    "remove_contact": _RELATIONSHIP,
    "set_channels": _RELATIONSHIP,
    "set_escalation": _RELATIONSHIP,
    "set_product": _RELATIONSHIP,
    "remove_product": _RELATIONSHIP,
    "evaluate": _RELATIONSHIP,
    "update_action": _RELATIONSHIP,
}
"""The rule for each operation of :class:`~fitsm.suppliers.SupplierRegister`."""
