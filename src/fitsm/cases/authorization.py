"""Who may do what to a case, by their FitSM-3 roles.

The rules, per event (the case owner is the person in ``case.owner``, the major
incident coordinator the one in ``incident.coordinator``: roles held for one
case are fields of the case, not entries of the role model; *process staff* are
the staff, managers and owners of the case's process):

- approving or rejecting a change needs the level its classification requires
  (PR12.4): the change manager (process manager CHM) for normal changes, a CAB
  member for major changes, an ECAB member for emergency changes;
- approving or rejecting an improvement or a complaint needs the process manager
  or owner of its process;
- approving or rejecting an access request (PR6.5) needs the owner of the asset
  it is for (the asset owner role for that asset) or the ISM process manager;
  granting it needs ISM process staff, who provision the right;
- recording a major incident review needs the incident's major incident
  coordinator or the process manager;
- everything else (closing included) needs the case owner, the assignee, or
  process staff.
"""

from __future__ import annotations

from typing import Any

from fitsm.cases.access_requests import ACCESS_DECISION_EVENTS, ACCESS_GRANT_EVENT, AccessRequest
from fitsm.cases.base import Case
from fitsm.cases.changes import APPROVAL_EVENTS, ApprovalLevel, Change, required_approval
from fitsm.cases.improvements import DECISION_EVENTS, Improvement
from fitsm.cases.incidents import HIERARCHICAL_ESCALATION, MAJOR_REVIEW_EVENT
from fitsm.roles import Role, RoleModel

__all__ = ["process_staff", "refusal"]


def process_staff(roles: RoleModel, actor: str, process: str) -> bool:
    """Whether ``actor`` is staff, manager or owner of ``process``."""
    return any(
        roles.has_role(actor, role, process)
        for role in (Role.PROCESS_STAFF, Role.PROCESS_MANAGER, Role.PROCESS_OWNER)
    )


def _managers(roles: RoleModel, person_id: str) -> list[str]:
    """The person's manager, their manager, and so on up (recorded on each Person)."""
    chain: list[str] = []
    at = roles.person(person_id).manager
    while at is not None and at not in chain and roles.knows(at):
        chain.append(at)
        at = roles.person(at).manager
    return chain


def refusal(
    roles: RoleModel, actor: str, case: Case, event: str, data: dict[str, Any]
) -> str | None:
    """Why ``actor`` may not fire ``event`` on ``case``; ``None`` when they may."""
    if not roles.knows(actor):
        return f"{actor!r} is not a known person"
    process = case.process
    if isinstance(case, Change) and event in APPROVAL_EVENTS:
        level = required_approval(case)
        if level is ApprovalLevel.CHANGE_MANAGER and (
            roles.has_role(actor, Role.PROCESS_MANAGER, process)
            or roles.has_role(actor, Role.CAB_MEMBER, "CAB")
        ):
            return None
        if level is ApprovalLevel.CAB and roles.has_role(actor, Role.CAB_MEMBER, "CAB"):
            return None
        if level is ApprovalLevel.ECAB and roles.has_role(actor, Role.CAB_MEMBER, "ECAB"):
            return None
        return f"{event} of {case.kind} {case.id!r} needs the {level.value.replace('_', ' ')} level"
    if isinstance(case, Improvement) and event in DECISION_EVENTS:
        if roles.has_role(actor, Role.PROCESS_MANAGER, process) or roles.has_role(
            actor, Role.PROCESS_OWNER, process
        ):
            return None
        return f"{event} of {case.kind} {case.id!r} needs the {process} process manager or owner"
    if isinstance(case, AccessRequest) and event in ACCESS_DECISION_EVENTS:
        if roles.has_role(actor, Role.PROCESS_MANAGER, process) or (
            case.asset and roles.has_role(actor, Role.ASSET_OWNER, case.asset)
        ):
            return None
        return (
            f"{event} of {case.kind} {case.id!r} needs the asset owner of {case.asset!r} "
            f"or the {process} process manager"
        )
    if isinstance(case, AccessRequest) and event == ACCESS_GRANT_EVENT:
        if process_staff(roles, actor, process):
            return None
        return f"{event} of {case.kind} {case.id!r} needs {process} process staff"
    if event == HIERARCHICAL_ESCALATION:
        managers = _managers(roles, actor)
        wanted = data.get("escalated_to")
        if wanted not in managers:
            above = ", ".join(repr(m) for m in managers) or "nobody: no manager is recorded"
            return (
                f"hierarchical escalation goes to a manager above {actor!r} (PR9.3): "
                f"{above}; not {wanted!r}"
            )
    if event == MAJOR_REVIEW_EVENT:
        if getattr(case, "coordinator", None) == actor or roles.has_role(
            actor, Role.PROCESS_MANAGER, process
        ):
            return None
        return (
            f"the review of major incident {case.id!r} needs its coordinator or the process manager"
        )
    if actor in (case.owner, getattr(case, "assignee", None)):
        return None
    if process_staff(roles, actor, process):
        return None
    return (
        f"{event} of {case.kind} {case.id!r} needs its owner, its assignee "
        f"or {process} process staff"
    )
