"""Checks of the general requirements (GR1-GR7) that the store's data decides.

Each is a function of a :class:`~fitsm.conformance.Snapshot` returning a
:class:`~fitsm.conformance.AuditFinding`; the rule book pairs them with the requirements.
"""

from __future__ import annotations

from fitsm.cases.improvements import ImprovementStatus
from fitsm.cases.kinds import lifecycle_of
from fitsm.conformance._helpers import decide, listed, planned_reviews, recent
from fitsm.conformance.findings import AuditFinding
from fitsm.conformance.snapshot import Snapshot
from fitsm.errors import InvalidTransitionError
from fitsm.roles import Process, Role

__all__ = [
    "gr1_1_sms_owner",
    "gr1_3_management_reviews",
    "gr2_2_process_roles",
    "gr2_3_records_kept",
    "gr5_2_processes_followed",
    "gr6_2_assessments",
    "gr7_2_improvement",
    "process_records",
]

_NO_ROLES = "record the organisation's people and FitSM-3 roles in the store's role model"


def gr1_1_sms_owner(s: Snapshot) -> AuditFinding:
    """GR1.1: exactly one person holds the SMS owner role."""
    if s.roles is None:
        return AuditFinding.not_met("GR1.1", "the store holds no role model", next_step=_NO_ROLES)
    owners = s.roles.holders(Role.SMS_OWNER)
    if len(owners) == 1:
        return AuditFinding.met("GR1.1", f"{owners[0]!r} is the SMS owner", sms_owners=1)
    if not owners:
        return AuditFinding.not_met(
            "GR1.1",
            "nobody holds the SMS owner role",
            next_step="assign the SMS owner role to one member of top management",
            sms_owners=0,
        )
    return AuditFinding.not_met(
        "GR1.1",
        f"{len(owners)} people hold the SMS owner role: {listed(owners)}",
        next_step="keep one SMS owner, accountable for the overall SMS; revoke the others",
        sms_owners=len(owners),
    )


def gr1_3_management_reviews(s: Snapshot) -> AuditFinding:
    """GR1.3: management reviews are on a schedule, not overdue, and done by the SMS owner."""
    schedules = [x for x in s.schedules("management_review") if x.active]
    found = planned_reviews(
        "GR1.3",
        s,
        "management_review",
        [x.subject.id for x in schedules],
        what="management reviews",
        none="plan management reviews of the SMS by its owner on a review schedule",
        plan="perform or plan the management review",
    )
    owners = set(s.roles.holders(Role.SMS_OWNER)) if s.roles is not None else set()
    others = sorted({r.by for x in schedules for r in x.reviews if r.by not in owners})
    if others and found.status == "met":
        return AuditFinding.partly_met(
            "GR1.3",
            *found.evidence,
            f"reviews performed by someone other than the SMS owner: {listed(others)}",
            next_step="have the SMS owner conduct the management reviews",
            **found.counts,
        )
    return found


def gr2_2_process_roles(s: Snapshot) -> AuditFinding:
    """GR2.2 (roles and responsibilities of each process): every process has its owner
    and a manager; the definitions themselves are documents a person provides."""
    if s.roles is None:
        return AuditFinding.not_met("GR2.2", "the store holds no role model", next_step=_NO_ROLES)
    findings = [
        f
        for f in s.roles.check(processes=tuple(Process))
        if f.problem in ("no_process_owner", "several_process_owners", "no_process_manager")
    ]
    if findings:
        return AuditFinding.not_met(
            "GR2.2",
            *(f.message for f in findings[:5]),
            next_step="name an owner and a manager for every process, with its definition: "
            + "; ".join(f.message for f in findings[:3]),
            role_problems=len(findings),
        )
    return AuditFinding.partly_met(
        "GR2.2",
        f"all {len(Process)} processes have their process owner and manager",
        next_step="document each process's goals, inputs, activities, outputs, roles, "
        "interfaces, policies and procedures (the SMS documents of GR2.2)",
        processes=len(Process),
    )


def process_records(s: Snapshot) -> dict[str, int]:
    """How many records of each process's key outputs the store holds (GR2.3)."""
    cases = {kind: len(items) for kind, items in s.cases.items()}
    return {
        "SPM": sum(len(p.services) for p in s.portfolios),
        "SLM": sum(len(a.in_force(s.at)) for a in s.agreements),
        "SRM": sum(len(r) + len(r.productions()) for r in s.reports),
        "SACM": sum(len(c.services()) + len(c.plans()) for c in s.continuity)
        + (len(s.outages) if s.outages is not None else 0),
        "CAPM": sum(len(c) for c in s.capacity) + len(s.utilisation),
        "ISM": sum(len(r.assets()) + len(r.policies()) + len(r.controls()) for r in s.security)
        + cases.get("security_incident", 0)
        + cases.get("access_request", 0),
        "CRM": cases.get("complaint", 0) + sum(len(c) for c in s.customers),
        "SUPPM": sum(len(p.suppliers) for p in s.portfolios),
        "ISRM": cases.get("incident", 0) + cases.get("service_request", 0),
        "PM": cases.get("problem", 0),
        "CONFM": sum(len(c.records) for c in s.cmdbs),
        "CHM": cases.get("change", 0),
        "RDM": cases.get("release", 0),
        "CSI": cases.get("improvement", 0),
    }


def gr2_3_records_kept(s: Snapshot) -> AuditFinding:
    """GR2.3: the store holds records of every process's key outputs."""
    counts = process_records(s)
    kept = [p for p, n in counts.items() if n]
    missing = [p for p, n in counts.items() if not n]
    evidence = [f"records kept for {len(kept)} of {len(counts)} processes: {', '.join(kept)}"]
    if missing:
        evidence.append(f"no records of: {', '.join(missing)}")
    return decide(
        "GR2.3",
        kept,
        missing,
        evidence=evidence,
        next_step="record the key outputs and activities of " + ", ".join(missing),
        **{p.lower(): n for p, n in counts.items()},
    )


def gr5_2_processes_followed(s: Snapshot) -> AuditFinding:
    """GR5.2: every stored case reached its status along its process's lifecycle, replayed
    from the stored history rather than trusted."""
    total = 0
    broken: list[str] = []
    for kind in sorted(s.cases):
        for case in s.cases[kind]:
            total += 1
            try:
                lifecycle_of(case).check_history(case)
            except InvalidTransitionError:
                broken.append(case.id)
    if not total:
        return AuditFinding.not_met(
            "GR5.2",
            "no case of any process is recorded",
            next_step="run the processes through the library (incidents, changes, problems, "
            "...) so their application is recorded and enforced",
            cases=0,
        )
    evidence = [f"{total - len(broken)} of {total} cases followed their lifecycle"]
    if broken:
        evidence.append(f"history does not follow the lifecycle: {listed(broken)}")
    return decide(
        "GR5.2",
        ["followed"] if total > len(broken) else [],
        broken,
        evidence=evidence,
        next_step=f"investigate cases changed outside their process: {listed(broken)}",
        cases=total,
        deviating=len(broken),
    )


def gr6_2_assessments(s: Snapshot) -> AuditFinding:
    """GR6.2: assessments or audits of the SMS are on a schedule and not overdue."""
    return planned_reviews(
        "GR6.2",
        s,
        "sms_assessment",
        [x.subject.id for x in s.schedules("sms_assessment") if x.active],
        what="SMS assessments",
        none="plan assessments or audits of the SMS (this audit is one) on a review schedule",
        plan="perform or plan the SMS assessment",
    )


def gr7_2_improvement(s: Snapshot) -> AuditFinding:
    """GR7.2: improvements are identified and carried through CSI within the window."""
    improvements = [c for c in s.of_kind("improvement") if recent(c.registered_at, s)]
    done = [c for c in improvements if c.status == ImprovementStatus.CLOSED]
    if not improvements:
        return AuditFinding.not_met(
            "GR7.2",
            f"no improvement registered since {s.since.date().isoformat()}",
            next_step="register improvements of the policy, plans and processes in CSI (PR14)",
            improvements=0,
        )
    evidence = [
        f"{len(improvements)} improvement(s) registered in the window, {len(done)} completed"
    ]
    if done:
        return AuditFinding.met(
            "GR7.2", *evidence, improvements=len(improvements), closed=len(done)
        )
    return AuditFinding.partly_met(
        "GR7.2",
        *evidence,
        next_step="carry the registered improvements through to completion: "
        + listed(c.id for c in improvements),
        improvements=len(improvements),
        closed=0,
    )
