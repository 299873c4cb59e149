"""Checks of GR1-GR3 (top management, documentation, scope) that the store's data decides.

Each is a function of a :class:`~fitsm.conformance.Snapshot` returning a
:class:`~fitsm.conformance.AuditFinding`; the rule book pairs them with the requirements.
GR1.2-GR3.2 read the SMS register (:class:`fitsm.sms.SmsRegister`): its policy,
management reviews, process definitions, controlled documents, stakeholders and
scope. Approvals are replayed from each item's history and checked against the roles
their makers held when they made them.
Whether the words of a policy or definition are good is for a person to judge: the
evidence says so where it matters.
"""

from __future__ import annotations

from fitsm.conformance._helpers import (
    day,
    decide,
    holds,
    in_scope,
    items,
    listed,
    planned_reviews,
    recent,
    sms_of,
)
from fitsm.conformance.findings import AuditFinding, FindingStatus
from fitsm.conformance.snapshot import Snapshot
from fitsm.roles import Process, Role
from fitsm.sms.documents import ControlledDocument
from fitsm.sms.plans import ServiceManagementPlan
from fitsm.sms.policy import ServiceManagementPolicy
from fitsm.sms.processes import ProcessDefinition
from fitsm.sms.records import SmsChange
from fitsm.sms.scope import Stakeholder

__all__ = [
    "gr1_1_sms_owner",
    "gr1_2_policy",
    "gr1_3_management_reviews",
    "gr2_1_key_documents",
    "gr2_2_process_definitions",
    "gr2_3_records_kept",
    "gr2_4_document_control",
    "gr3_1_stakeholders",
    "gr3_2_scope",
    "process_records",
]

_NO_ROLES = "record the organisation's people and FitSM-3 roles in the store's role model"
_NO_SMS = "the store holds no SMS register"


def gr1_1_sms_owner(s: Snapshot) -> AuditFinding:
    """GR1.1: exactly one person holds the SMS owner role."""
    if s.roles is None:
        return AuditFinding.not_met("GR1.1", "the store holds no role model", next_step=_NO_ROLES)
    owners = s.roles.holders(Role.SMS_OWNER, at=s.at)
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


def _approved_in_history(history: tuple[SmsChange, ...], number: int, by: str) -> bool:
    """Whether the item's history records the approval of version ``number`` by ``by``."""
    return any(
        c.action == "approved" and c.changes.get("version") == number and c.by == by
        for c in history
    )


def gr1_2_policy(s: Snapshot) -> AuditFinding:
    """GR1.2: the policy in force has goals and the three commitments, was approved by the
    SMS owner (replayed from its history) and communicated by the SMS owner."""
    found = items(sms_of(s), ServiceManagementPolicy)
    policy = found[0] if found else None
    current = None if policy is None else policy.current
    if policy is None or current is None or current.approval is None:
        why = (
            "no service management policy is recorded"
            if policy is None or policy.latest is None
            else f"policy version {policy.latest.number} is drafted, never approved"
        )
        return AuditFinding.not_met(
            "GR1.2",
            why,
            next_step="define the service management policy with its goals and the "
            "commitments to continual improvement and a service- and process-oriented "
            "approach, then approve and communicate it as the SMS owner",
            versions=0 if policy is None else len(policy.versions),
        )
    number, approval = current.number, current.approval
    evidence = [f"policy version {number} approved by {approval.by!r} on {day(approval.at)}"]
    problems: list[str] = []
    steps: list[str] = []
    missing = current.missing()
    if missing:
        problems.append(f"policy version {number} lacks {', '.join(missing)}")
        steps.append(f"add {', '.join(missing)} to the policy and approve the new version")
    if not holds(s.roles, approval.by, Role.SMS_OWNER, approval.at):
        problems.append(f"approved by {approval.by!r}, who does not hold the SMS owner role")
        steps.append("approve the service management policy as the SMS owner")
    if not _approved_in_history(policy.history, number, approval.by):
        problems.append(f"the approval of version {number} is not in the policy's history")
        steps.append("approve the policy through the SMS register, which records it")
    sent = current.communications
    if sent:
        recipients = sorted({r for d in sent for r in d.to})
        evidence.append(f"communicated to {listed(recipients)}, last on {day(sent[-1].at)}")
        others = sorted({d.by for d in sent if not holds(s.roles, d.by, Role.SMS_OWNER, d.at)})
        if others:
            problems.append(f"communicated by someone other than the SMS owner: {listed(others)}")
            steps.append("communicate the policy as the SMS owner")
    else:
        problems.append(f"policy version {number} was never communicated")
        steps.append("communicate the policy to the relevant parties as the SMS owner")
    latest = policy.latest
    if latest is not None and latest.number > number:
        evidence.append(f"version {latest.number} is drafted, not yet approved")
    evidence += problems
    evidence.append("whether the goals and commitments are well put was not judged")
    counts = {"version": number, "communications": len(sent), "problems": len(problems)}
    if problems:
        return AuditFinding.partly_met("GR1.2", *evidence, next_step="; ".join(steps), **counts)
    return AuditFinding.met("GR1.2", *evidence, **counts)


def gr1_3_management_reviews(s: Snapshot) -> AuditFinding:
    """GR1.3: management reviews are on a schedule that is not overdue, recorded in the SMS
    register with their inputs, decisions and actions in the audit window, conducted by the
    SMS owner, and their follow-up actions are not past due."""
    schedules = [x for x in s.schedules("management_review") if x.active]
    planned = planned_reviews(
        "GR1.3",
        s,
        "management_review",
        [x.subject.id for x in schedules],
        what="management reviews",
        none="plan management reviews of the SMS by its owner on a review schedule",
        plan="perform or plan the management review",
    )
    sms = sms_of(s)
    held = [] if sms is None else sms.management_reviews()
    recorded = [r for r in held if recent(r.held, s)]
    good: list[str] = []
    bad: list[str] = []
    evidence = list(planned.evidence) if schedules else ["no management review is planned"]
    steps: list[str] = []
    (good if planned.status is FindingStatus.MET else bad).append("schedule")
    if planned.next_step:
        steps.append(planned.next_step)
    if recorded:
        good.append("recorded")
        evidence.append(
            f"management reviews recorded with inputs, decisions and actions since "
            f"{day(s.since)}: {listed(r.id for r in recorded)}"
        )
    else:
        bad.append("recorded")
        evidence.append(f"no management review recorded in the SMS register since {day(s.since)}")
        steps.append("record each management review with its inputs, decisions and actions")
    conductors = {(r.by, r.at) for x in schedules for r in x.reviews}
    conductors |= {(r.history[0].by, r.history[0].at) for r in held if r.history}
    others = sorted({p for p, at in conductors if not holds(s.roles, p, Role.SMS_OWNER, at)})
    if others:
        bad.append("owner")
        evidence.append(f"reviews performed by someone other than the SMS owner: {listed(others)}")
        steps.append("have the SMS owner conduct the management reviews")
    late = sorted(
        f"{r.id}/{a.id}" for r in held for a in r.open_actions() if a.due and a.due < s.at
    )
    if late:
        bad.append("actions")
        evidence.append(f"follow-up actions past due: {listed(late)}")
        steps.append(f"complete the follow-up actions of the management reviews: {listed(late)}")
    return decide(
        "GR1.3",
        good,
        bad,
        evidence=evidence,
        next_step="; ".join(steps),
        **planned.counts,
        recorded=len(recorded),
        actions_past_due=len(late),
    )


def gr2_1_key_documents(s: Snapshot) -> AuditFinding:
    """GR2.1: the SMS register documents the scope statement, the policy and the service
    management plan (related process plans are counted: they are "as required")."""
    sms = sms_of(s)
    policies = items(sms, ServiceManagementPolicy)
    latest = policies[0].latest if policies else None
    documented = {
        "the SMS scope statement": sms is not None and sms.scope_or_none is not None,
        "the service management policy": latest is not None,
        "the service management plan": bool(items(sms, ServiceManagementPlan)),
    }
    have = [name for name, found in documented.items() if found]
    lack = [name for name, found in documented.items() if not found]
    plans = [] if sms is None else [p for p in sms.process_plans() if not p.retired]
    evidence = [f"{len(have)} of {len(documented)} key SMS documents recorded"]
    if latest is not None:
        state = "approved" if latest.approval is not None else "a draft"
        evidence.append(f"the policy's version {latest.number} is {state}")
    if plans:
        evidence.append(f"related process plans: {listed(p.id for p in plans)}")
    if lack:
        evidence.append(f"not recorded: {', '.join(lack)}")
    return decide(
        "GR2.1",
        have,
        lack,
        evidence=evidence,
        next_step="record " + ", ".join(lack) + " in the SMS register",
        documents=len(have),
        process_plans=len(plans),
    )


def _gone(document: ControlledDocument | None) -> bool:
    return document is None or document.withdrawn


def gr2_2_process_definitions(s: Snapshot) -> AuditFinding:
    """GR2.2: every process in scope has a definition with the contents GR2.2 lists
    (goals; inputs, activities and outputs; roles and responsibilities; interfaces), its
    roles are held (a process owner and a manager), and the controlled document it names,
    if any, is on record and not withdrawn."""
    sms = sms_of(s)
    processes = in_scope(sms)
    definitions = {d.process: d for d in items(sms, ProcessDefinition)}
    gaps = {p: definitions[p].missing() if p in definitions else [] for p in processes}
    undefined = [p.value for p in processes if p not in definitions]
    thin = [f"{p.value} ({', '.join(m)})" for p, m in gaps.items() if m]
    documents = {d.id: d for d in items(sms, ControlledDocument)}
    dangling = [
        f"{p.value} ({d.document})"
        for p, d in definitions.items()
        if p in processes and d.document and _gone(documents.get(d.document))
    ]
    role_problems = (
        []
        if s.roles is None
        else [
            f
            for f in s.roles.check(processes=tuple(processes))
            if f.problem in ("no_process_owner", "several_process_owners", "no_process_manager")
        ]
    )
    unstaffed = {f.context for f in role_problems} if s.roles is not None else None
    bad = sorted(
        {p.value for p in processes if p not in definitions or gaps[p]}
        | {x.split(" ")[0] for x in dangling}
        | ({p.value for p in processes} if unstaffed is None else {c for c in unstaffed if c})
    )
    good = [p.value for p in processes if p.value not in bad]
    evidence = [
        f"{len(good)} of {len(processes)} processes in scope defined with the contents GR2.2 "
        "lists and their roles held"
    ]
    steps = []
    if undefined:
        evidence.append(f"no definition: {listed(undefined)}")
        steps.append(f"define {listed(undefined)} (SmsRegister.define_process)")
    if thin:
        evidence.append(f"definitions lacking contents: {'; '.join(thin[:3])}")
        steps.append("complete the definitions of " + listed(t.split(" ")[0] for t in thin))
    if dangling:
        evidence.append(
            f"definitions naming a document not on record or withdrawn: {listed(dangling)}"
        )
        steps.append("keep each definition in a controlled document that is on record")
    if s.roles is None:
        evidence.append("the store holds no role model")
        steps.append(_NO_ROLES)
    else:
        evidence.extend(f.message for f in role_problems[:3])
        if role_problems:
            staff = [p.value for p in processes if p.value in (unstaffed or ())]
            steps.append("name an owner and a manager for " + listed(staff))
    out = [p.value for p in Process if p not in processes]
    if out:
        evidence.append(f"out of scope, not judged: {', '.join(out)}")
    evidence.append("policies and procedures are as needed: not required of a definition")
    return decide(
        "GR2.2",
        good,
        bad,
        evidence=evidence,
        next_step="; ".join(steps),
        processes=len(processes),
        defined=len(definitions),
        complete=len(good),
        role_problems=len(role_problems),
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


def _document_problems(s: Snapshot, document: ControlledDocument) -> list[str]:
    """What a document lacks of GR2.4's control: an approved version (recorded in its
    history), its distribution, and a review schedule that is not overdue."""
    current = document.current
    if current is None or current.approval is None:
        return ["no approved version"]
    found = []
    if not _approved_in_history(document.history, current.number, current.approval.by):
        found.append("approval not in its history")
    if not current.distributions:
        found.append("not distributed")
    schedule = s.schedule("document", document.id)
    if schedule is None:
        found.append("no review schedule")
    elif schedule.overdue(s.at):
        found.append("review overdue")
    return found


def gr2_4_document_control(s: Snapshot) -> AuditFinding:
    """GR2.4: every controlled document in use has an approved version (replayed from its
    history), was distributed, and is reviewed on a schedule that is not overdue; versions
    and changes are tracked by the register."""
    documents = [d for d in items(sms_of(s), ControlledDocument) if not d.withdrawn]
    if not documents:
        return AuditFinding.not_met(
            "GR2.4",
            "no controlled document is recorded",
            next_step="record the SMS documents (policies, plans, process descriptions, "
            "procedures) as controlled documents: approve, distribute and review each",
            documents=0,
        )
    problems = {d.id: _document_problems(s, d) for d in documents}
    bad = [i for i, found in problems.items() if found]
    good = [i for i, found in problems.items() if not found]
    evidence = [
        f"{len(good)} of {len(documents)} documents approved, distributed and reviewed on schedule",
        f"versions and changes tracked: {sum(len(d.versions) for d in documents)} versions, "
        f"{sum(len(d.history) for d in documents)} changes",
    ]
    by_problem: dict[str, list[str]] = {}
    for document_id in bad:
        for problem in problems[document_id]:
            by_problem.setdefault(problem, []).append(document_id)
    evidence.extend(f"{problem}: {listed(ids)}" for problem, ids in by_problem.items())
    return decide(
        "GR2.4",
        good,
        bad,
        evidence=evidence,
        next_step="approve, distribute and plan the review of "
        + "; ".join(f"{listed(ids)} ({problem})" for problem, ids in by_problem.items()),
        documents=len(documents),
        controlled=len(good),
    )


def _service_parties(s: Snapshot) -> list[str]:
    """The customers of the live services, the customers recorded, and the suppliers: the
    stakeholders FitSM-2 names first (GR3.1)."""
    found = {c for service in s.live_services() for c in service.target_customers}
    found |= {c.id for register in s.customers for c in register.active()}
    found |= {r.id for register in s.suppliers for r in register.active()}
    return sorted(found)


def gr3_1_stakeholders(s: Snapshot) -> AuditFinding:
    """GR3.1: stakeholders are identified with their needs and expectations analysed, and
    the customers and suppliers the store knows are among them."""
    stakeholders = items(sms_of(s), Stakeholder)
    if not stakeholders:
        return AuditFinding.not_met(
            "GR3.1",
            "no stakeholder is identified in the SMS register",
            next_step="identify the stakeholders (customers, users, suppliers, authorities) "
            "and analyse their needs, expectations and requirements",
            stakeholders=0,
        )
    known = {x.id for x in stakeholders}
    unanalysed = [x.id for x in stakeholders if not x.analysed]
    unidentified = [x for x in _service_parties(s) if x not in known]
    considered = [x.id for x in stakeholders if x.requirements]
    evidence = [
        f"{len(stakeholders) - len(unanalysed)} of {len(stakeholders)} stakeholders have their "
        "needs and expectations analysed",
        f"legal, regulatory or contractual requirements recorded for {len(considered)}",
    ]
    steps = []
    if unanalysed:
        evidence.append(f"needs not analysed: {listed(unanalysed)}")
        steps.append(f"analyse the needs and expectations of {listed(unanalysed)}")
    if unidentified:
        evidence.append(f"customers and suppliers not identified as stakeholders: "
                        f"{listed(unidentified)}")  # fmt: skip
        steps.append(f"identify {listed(unidentified)} as stakeholders")
    evidence.append("whether every relevant legal requirement was considered was not judged")
    return decide(
        "GR3.1",
        [x.id for x in stakeholders if x.analysed],
        unanalysed + unidentified,
        evidence=evidence,
        next_step="; ".join(steps),
        stakeholders=len(stakeholders),
        analysed=len(stakeholders) - len(unanalysed),
        unidentified=len(unidentified),
        with_requirements=len(considered),
    )


def _dimension(name: str, values: tuple[str, ...]) -> str:
    return f"{name}: {listed(values) if values else 'all'}"


def gr3_2_scope(s: Snapshot) -> AuditFinding:
    """GR3.2: a scope statement is recorded, rests on the analysis of stakeholders that are
    identified and analysed, and names only services the portfolio holds."""
    sms = sms_of(s)
    scope = None if sms is None else sms.scope_or_none
    if sms is None or scope is None:
        return AuditFinding.not_met(
            "GR3.2",
            "no SMS scope statement is recorded",
            next_step="state the scope of the SMS (services, organisations and customers, "
            "locations, technologies, processes) from the stakeholder analysis",
        )
    analysed = {x.id for x in items(sms, Stakeholder) if x.analysed}
    out = [p.value for p in Process if not scope.covers_process(p)]
    evidence = [
        "the scope statement covers "
        + "; ".join(
            (
                _dimension("services", scope.services),
                _dimension("organisations", scope.organisations),
                f"processes: {14 - len(out)} of 14" + (f" (not {', '.join(out)})" if out else ""),
            )
        )
    ]
    problems: list[str] = []
    steps: list[str] = []
    if scope.stakeholders:
        evidence.append(f"it rests on the analysis of {listed(scope.stakeholders)}")
    else:
        problems.append("it names no stakeholder whose analysis it took into account")
        steps.append("restate the scope naming the stakeholders whose analysis it rests on")
    unanalysed = [x for x in scope.stakeholders if x not in analysed]
    if unanalysed:
        problems.append(f"stakeholders named without an analysis: {listed(unanalysed)}")
        steps.append(f"analyse the needs of {listed(unanalysed)}")
    services = {x.id for x in s.services()}
    unknown = [x for x in scope.services if s.portfolios and x not in services]
    if unknown:
        problems.append(f"services named that the portfolio does not hold: {listed(unknown)}")
        steps.append(f"add {listed(unknown)} to the service portfolio or leave them out of scope")
    counts = {"processes": 14 - len(out), "stakeholders": len(scope.stakeholders)}
    if problems:
        return AuditFinding.partly_met(
            "GR3.2", *evidence, *problems, next_step="; ".join(steps), **counts
        )
    return AuditFinding.met("GR3.2", *evidence, **counts)
