"""Who may change the customer register, by FitSM-3 role (PR7).

FitSM-3's CRM roles: the process manager "maintains the customer database" and
"coordinates customer satisfaction surveys", under the process owner; the
customer relationship manager (1 per identified customer) "acts as the primary
contact point for a specific customer", maintains the relationship, and
"conducts, moderates and records customer service reviews". So:

- adding and retiring customers is the CRM process manager's or owner's;
- a customer's details, contacts, channels, surveys and follow-ups are its
  relationship manager's (or that of an organisation it is a unit of) and the
  CRM process manager's or owner's;
- a service review is recorded by the relationship manager of the customer;
- the SMS manager may do all of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fitsm.authority import Rule, Rules, any_of, holder, process_role
from fitsm.customers.register import CustomerRegister
from fitsm.roles import Process, Role, RoleModel

__all__ = ["RULES", "relationship_manager"]

_MANAGERS = (Role.PROCESS_MANAGER, Role.PROCESS_OWNER)


def relationship_manager(
    roles: RoleModel, actor: str, register: CustomerRegister, arguments: Mapping[str, Any]
) -> str | None:
    """Holds the customer relationship manager role for the customer named by
    ``customer_id``, or for an organisation it is a unit of."""
    customer_id = arguments.get("customer_id")
    if not isinstance(customer_id, str) or not customer_id:
        return "needs the customer relationship manager role for the customer"
    lineage = [customer_id]
    if customer_id in register:
        lineage = register.lineage(customer_id)
    if any(roles.has_role(actor, Role.CUSTOMER_RELATIONSHIP_MANAGER, c) for c in lineage):
        return None
    return f"needs the customer relationship manager role for {customer_id!r}"


_DATABASE: Rule = any_of(process_role(Process.CRM, *_MANAGERS), holder(Role.SMS_MANAGER))
_CUSTOMER: Rule = any_of(
    relationship_manager, process_role(Process.CRM, *_MANAGERS), holder(Role.SMS_MANAGER)
)
_REVIEW: Rule = any_of(relationship_manager, holder(Role.SMS_MANAGER))

RULES: Rules = {
    "add": _DATABASE,
    "retire": _DATABASE,
    "update": _CUSTOMER,
    "set_contact": _CUSTOMER,
    "remove_contact": _CUSTOMER,
    "set_channels": _CUSTOMER,
    "record_survey": _CUSTOMER,
    "record_follow_up": _CUSTOMER,
    "record_review": _REVIEW,
}
"""The rule for each operation of :class:`~fitsm.customers.CustomerRegister`."""
