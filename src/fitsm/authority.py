"""Who may carry out an operation on a register, by their FitSM-3 roles.

Each area that keeps a register (risks, review schedules, continuity, capacity,
security) states its rules as data: a mapping from the name of an operation
(a method of the register taking ``at=`` and ``by=``) to a :data:`Rule`. A rule
looks at the role model, the acting person, the register as loaded and the
arguments of the call, and returns ``None`` when the person may act or the
reason they may not. :class:`fitsm.planning.PlanningDesk` applies the rules
before it runs an operation, the way :class:`fitsm.CaseDesk` applies the case
rules.

>>> from fitsm.roles import Person, Process, Role, RoleModel
>>> roles = RoleModel()
>>> _ = roles.add_person(Person("ana", "Ana"))
>>> _ = roles.assign("ana", Role.PROCESS_MANAGER, Process.SACM)
>>> rule = any_of(process_role(Process.SACM, Role.PROCESS_MANAGER), holder(Role.SMS_OWNER))
>>> rule(roles, "ana", None, {}) is None
True
>>> holder(Role.SMS_OWNER)(roles, "ana", None, {})
'needs the sms owner role'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from fitsm.roles import Process, Role, RoleModel

__all__ = [
    "Rule",
    "Rules",
    "any_of",
    "holder",
    "object_holder",
    "process_role",
    "process_staff",
]

Rule: TypeAlias = Callable[[RoleModel, str, Any, Mapping[str, Any]], "str | None"]
"""``rule(roles, actor, register, arguments)``: ``None`` when ``actor`` may act, else why not."""

Rules: TypeAlias = Mapping[str, Rule]
"""The rules of one register, by operation (method) name."""

_PROCESS_ROLES = (Role.PROCESS_STAFF, Role.PROCESS_MANAGER, Role.PROCESS_OWNER)


def _name(role: Role) -> str:
    return role.value.replace("_", " ")


def process_role(process: Process, *roles: Role) -> Rule:
    """Holds one of ``roles`` (process owner, manager or staff) for ``process``."""

    def rule(
        model: RoleModel, actor: str, register: Any, arguments: Mapping[str, Any]
    ) -> str | None:
        if any(model.has_role(actor, role, process) for role in roles):
            return None
        return f"needs the {' or '.join(_name(r) for r in roles)} role for {process.value}"

    return rule


def process_staff(process: Process) -> Rule:
    """Staff, manager or owner of ``process``."""
    return process_role(process, *_PROCESS_ROLES)


def holder(role: Role) -> Rule:
    """Holds ``role``, which has no context (the SMS owner, a process-wide role)."""

    def rule(
        model: RoleModel, actor: str, register: Any, arguments: Mapping[str, Any]
    ) -> str | None:
        return None if model.has_role(actor, role) else f"needs the {_name(role)} role"

    return rule


def object_holder(role: Role, object_id: Callable[[Any, Mapping[str, Any]], str]) -> Rule:
    """Holds ``role`` for the object the call is about: ``object_id(register, arguments)``
    names it (a plan, a control, an asset)."""

    def rule(
        model: RoleModel, actor: str, register: Any, arguments: Mapping[str, Any]
    ) -> str | None:
        which = object_id(register, arguments)
        if model.has_role(actor, role, which):
            return None
        return f"needs the {_name(role)} role for {which!r}"

    return rule


def any_of(*rules: Rule) -> Rule:
    """Allowed when one of ``rules`` allows; else every reason, joined by "or"."""

    def rule(
        model: RoleModel, actor: str, register: Any, arguments: Mapping[str, Any]
    ) -> str | None:
        reasons: list[str] = []
        for each in rules:
            reason = each(model, actor, register, arguments)
            if reason is None:
                return None
            reasons.append(reason)
        return " or ".join(reasons)

    return rule
