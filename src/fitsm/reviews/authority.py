"""Who may plan and perform reviews, by FitSM-3 role.

A management review is the SMS owner's (GR1.3). Every other review belongs to
the process its subject serves: the process manager or owner plans, reschedules
and retires its schedule; process staff, the schedule's owner or the process
manager perform it. The SMS manager, who "monitors and keeps track of the
suitability, effectiveness and maturity of the entire SMS", may do all of this
for any subject but management reviews.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fitsm.authority import Rule, Rules
from fitsm.reviews.schedules import ReviewSchedules, ReviewSubject, SubjectKind, subject_of
from fitsm.roles import Process, Role, RoleModel

__all__ = ["PROCESSES", "RULES"]

PROCESSES: Mapping[SubjectKind, tuple[Process, ...]] = {
    SubjectKind.MANAGEMENT_REVIEW: (),
    SubjectKind.SMS_ASSESSMENT: (),
    SubjectKind.AGREEMENT: (Process.SLM,),
    SubjectKind.REQUIREMENTS: (Process.SACM, Process.CAPM, Process.ISM),
    SubjectKind.PLAN: (Process.SACM, Process.CAPM),
    SubjectKind.RISK_ASSESSMENT: (Process.SACM, Process.ISM),
    SubjectKind.SECURITY_POLICY: (Process.ISM,),
    SubjectKind.ACCESS_REVIEW: (Process.ISM,),
    SubjectKind.CUSTOMER_REVIEW: (Process.CRM,),
    SubjectKind.SUPPLIER: (Process.SUPPM,),
    SubjectKind.CMDB_VERIFICATION: (Process.CONFM,),
    SubjectKind.SERVICE_STRATEGY: (Process.SPM,),
    SubjectKind.SERVICE_PERFORMANCE: (Process.SPM,),
}
"""The processes whose people review each kind of subject (none: the SMS roles)."""

_MANAGERS = (Role.PROCESS_MANAGER, Role.PROCESS_OWNER)
_STAFF = (Role.PROCESS_STAFF, *_MANAGERS)


def _subject(arguments: Mapping[str, Any]) -> ReviewSubject | None:
    try:
        return subject_of(arguments.get("subject"))
    except ValueError:
        return None  # the register raises its own error for a malformed subject


def _rule(*, perform: bool) -> Rule:
    def rule(
        roles: RoleModel, actor: str, register: ReviewSchedules, arguments: Mapping[str, Any]
    ) -> str | None:
        subject = _subject(arguments)
        if subject is None:
            return None
        if subject.kind is SubjectKind.MANAGEMENT_REVIEW:
            if roles.has_role(actor, Role.SMS_OWNER):
                return None
            return "management reviews are the SMS owner's (GR1.3)"
        if roles.has_role(actor, Role.SMS_MANAGER):
            return None
        processes = PROCESSES[subject.kind]
        wanted = _STAFF if perform else _MANAGERS
        if any(roles.has_role(actor, r, p) for p in processes for r in wanted):
            return None
        if perform and subject in register and register.schedule(subject).owner == actor:
            return None
        who = "staff, manager or owner" if perform else "manager or owner"
        where = " or ".join(p.value for p in processes) or "the SMS"
        return f"{subject} needs the process {who} of {where}, or the SMS manager"

    return rule


RULES: Rules = {
    "plan": _rule(perform=False),
    "reschedule": _rule(perform=False),
    "retire": _rule(perform=False),
    "perform": _rule(perform=True),
}
"""The rule for each operation of :class:`~fitsm.reviews.ReviewSchedules`."""
