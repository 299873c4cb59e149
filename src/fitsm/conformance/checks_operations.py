"""Checks of the operation and control processes (PR9-PR14) that the store decides.

Incidents and service requests (PR9), problems (PR10), the CMDB (PR11), changes
(PR12), releases (PR13) and improvements (PR14). The case checks replay each case's
stored history: who approved a change and at which level, whether a release was
tested before it was deployed, whether a major incident was reviewed. They do not
trust the fields a desk set at the time. Who held a role is read from the role model
as it is now, since the store keeps no history of role assignments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from fitsm.cases.base import Case, HistoryEntry
from fitsm.cases.changes import ApprovalLevel, ChangeStatus, ChangeType
from fitsm.cases.improvements import ImprovementStatus
from fitsm.cases.incidents import AUTO_CLOSE_AFTER, IncidentStatus, MajorIncidentCriteria
from fitsm.cases.kinds import lifecycle_of
from fitsm.cases.problems import ProblemStatus
from fitsm.cases.trends import problem_candidates
from fitsm.conformance._helpers import decide, listed, planned_reviews, recent
from fitsm.conformance.checks_planning import STALE
from fitsm.conformance.findings import AuditFinding
from fitsm.conformance.snapshot import Snapshot
from fitsm.errors import InvalidTransitionError
from fitsm.roles import Process, Role, RoleModel

__all__ = [
    "KNOWN_ERROR_UPDATE",
    "approval_level",
    "major_incidents",
    "pr9_1_registration",
    "pr9_2_resolution",
    "pr9_3_escalation",
    "pr9_5_closure",
    "pr9_6_major_incidents",
    "pr10_1_problems",
    "pr10_2_investigation",
    "pr10_3_known_errors",
    "pr10_4_known_errors_current",
    "pr11_1_scope",
    "pr11_2_detail",
    "pr11_3_cmdb",
    "pr11_4_control",
    "pr11_5_verification",
    "pr12_1_classification",
    "pr12_2_steps",
    "pr12_3_assessment",
    "pr12_4_approval",
    "pr12_5_review",
    "pr12_6_schedule",
    "pr13_1_strategy",
    "pr13_2_approved_changes",
    "pr13_3_acceptance_criteria",
    "pr13_4_tested",
    "pr13_5_rollback",
    "pr13_6_evaluated",
    "pr14_1_registered",
    "pr14_2_evaluated",
    "pr14_3_controlled",
]

KNOWN_ERROR_UPDATE = timedelta(days=180)
"""How long a known error may go without an update before PR10.4 calls it out of date."""

_ISRM = ("incident", "service_request")


def _first(case: Case, *events: str) -> HistoryEntry | None:
    return next((e for e in case.history if e.event in events), None)


def _stale(s: Snapshot, since: datetime) -> bool:
    return s.at - since > STALE


def _none_recorded(requirement: str, what: str, step: str) -> AuditFinding:
    return AuditFinding.not_met(requirement, f"no {what} is recorded", next_step=step, cases=0)


def _judge(
    requirement: str,
    cases: list[Case],
    bad: Iterable[tuple[str, str]],
    *,
    what: str,
    step: str,
) -> AuditFinding:
    """Met when no case is bad; ``bad`` pairs a case id with what is wrong with it."""
    problems: dict[str, list[str]] = {}
    for case_id, why in bad:
        problems.setdefault(why, []).append(case_id)
    wrong = {i for ids in problems.values() for i in ids}
    evidence = [f"{len(cases) - len(wrong)} of {len(cases)} {what} in order"]
    evidence += [f"{why}: {listed(ids)}" for why, ids in problems.items()]
    return decide(
        requirement,
        [c.id for c in cases if c.id not in wrong],
        sorted(wrong),
        evidence=evidence,
        next_step=f"{step}: {listed(sorted(wrong))}",
        cases=len(cases),
        deviating=len(wrong),
    )


# -- PR9 incident and service request management -------------------------------------------

_NO_INCIDENTS = "register incidents and service requests as cases"


def pr9_1_registration(s: Snapshot) -> AuditFinding:
    """PR9.1: every incident and request past its first status is classified and
    prioritised, none waits unclassified beyond :data:`~.checks_planning.STALE`, and
    those of a service with an SLA name the SLA that set their targets."""
    cases = s.of_kind(*_ISRM)
    if not cases:
        return _none_recorded("PR9.1", "incident or service request", _NO_INCIDENTS)

    def bad() -> Iterable[tuple[str, str]]:
        for c in cases:
            if c.status == IncidentStatus.CANCELLED:
                continue
            classified = bool(c.category and getattr(c, "priority", None))
            if c.status == IncidentStatus.NEW:
                if not classified and _stale(s, c.registered_at):
                    yield c.id, f"not classified and prioritised after {STALE.days} days"
                continue
            if not classified:
                yield c.id, "handled without a category or priority"
            elif (
                c.service
                and not getattr(c, "agreement", None)
                and any(a.sla_for(c.service, c.registered_at) for a in s.agreements)
            ):
                yield c.id, "prioritised without the SLA of its service"

    return _judge(
        "PR9.1",
        cases,
        bad(),
        what="incidents and requests",
        step="classify and prioritise by the SLA's targets",
    )


def pr9_2_resolution(s: Snapshot) -> AuditFinding:
    """PR9.2: every resolved or closed incident and request was resolved with a recorded
    resolution (replayed: a ``resolve`` entry with its text)."""
    cases = [
        c for c in s.of_kind(*_ISRM) if c.status in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)
    ]
    if not cases:
        return _none_recorded("PR9.2", "resolved incident or request", _NO_INCIDENTS)

    def bad() -> Iterable[tuple[str, str]]:
        for c in cases:
            entry = _first(c, "resolve")
            if entry is None or not entry.changes.get("resolution"):
                yield c.id, "no resolution recorded"

    return _judge("PR9.2", cases, bad(), what="resolved cases", step="record how each was resolved")


def _managers(roles: RoleModel, person: str) -> list[str]:
    chain: list[str] = []
    at = roles.person(person).manager if roles.knows(person) else None
    while at is not None and at not in chain and roles.knows(at):
        chain.append(at)
        at = roles.person(at).manager
    return chain


def pr9_3_escalation(s: Snapshot) -> AuditFinding:
    """PR9.3: every hierarchical escalation went to a manager above the person escalating,
    and every functional escalation moved the case to another group (replayed)."""
    cases = s.of_kind(*_ISRM)
    if not cases:
        return _none_recorded("PR9.3", "incident or service request", _NO_INCIDENTS)
    escalated = 0

    def bad() -> Iterable[tuple[str, str]]:
        nonlocal escalated
        for c in cases:
            group = None
            for e in c.history:
                if "group" in e.changes and e.event != "escalate":
                    group = e.changes["group"]
                if e.event == "escalate":
                    escalated += 1
                    if e.changes.get("group") == group:
                        yield c.id, "escalated to the group it was with"
                    group = e.changes.get("group", group)
                if e.event == "escalate_hierarchically":
                    escalated += 1
                    above = [] if s.roles is None else _managers(s.roles, e.actor)
                    if e.changes.get("escalated_to") not in above:
                        yield c.id, "escalated to someone not above the escalating person"

    found = _judge(
        "PR9.3",
        cases,
        list(bad()),
        what="cases escalated consistently",
        step="escalate along the support groups and the line of managers",
    )
    return AuditFinding(
        found.requirement,
        found.status,
        (*found.evidence, f"{escalated} escalation(s) replayed"),
        found.next_step,
        {**found.counts, "escalations": escalated},
    )


def pr9_5_closure(s: Snapshot) -> AuditFinding:
    """PR9.5: every closed case was resolved first, and no resolved case waits for closure
    longer than the confirmation time-out (``AUTO_CLOSE_AFTER``)."""
    cases = s.of_kind(*_ISRM)
    if not cases:
        return _none_recorded("PR9.5", "incident or service request", _NO_INCIDENTS)

    def bad() -> Iterable[tuple[str, str]]:
        for c in cases:
            if c.status == IncidentStatus.CLOSED and _first(c, "resolve") is None:
                yield c.id, "closed without being resolved"
            if c.status == IncidentStatus.RESOLVED:
                resolved = [e.at for e in c.history if e.target == IncidentStatus.RESOLVED]
                if resolved and s.at - resolved[-1] > AUTO_CLOSE_AFTER:
                    yield c.id, f"resolved but not closed after {AUTO_CLOSE_AFTER.days} days"

    return _judge(
        "PR9.5",
        cases,
        bad(),
        what="cases",
        step="close resolved cases once confirmed or timed out",
    )


def major_incidents(
    criteria: MajorIncidentCriteria | None = None,
) -> Callable[[Snapshot], AuditFinding]:
    """The PR9.6 check for the provider's documented major incident ``criteria``."""
    rule = criteria or MajorIncidentCriteria()

    def check(s: Snapshot) -> AuditFinding:
        """PR9.6: every incident meeting the major incident criteria is major, has a
        coordinator and, once resolved, a review (replayed from its history)."""
        incidents = s.of_kind("incident")
        if not incidents:
            return _none_recorded("PR9.6", "incident", _NO_INCIDENTS)
        majors = 0

        def bad() -> Iterable[tuple[str, str]]:
            nonlocal majors
            for c in incidents:
                major = bool(getattr(c, "major", False))
                majors += major
                if not major and c.status != IncidentStatus.CANCELLED and rule.matches(c):  # type: ignore[arg-type]
                    yield c.id, "meets the major incident criteria but is not major"
                if major and not getattr(c, "coordinator", None):
                    yield c.id, "major without a coordinator"
                done = c.status in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)
                if major and done and _first(c, "review_major") is None:
                    yield c.id, "major incident without a review"

        found = _judge(
            "PR9.6",
            incidents,
            list(bad()),
            what="incidents",
            step="identify major incidents by the criteria, coordinate and review them",
        )
        return AuditFinding(
            found.requirement,
            found.status,
            (*found.evidence, f"{majors} major incident(s)"),
            found.next_step,
            {**found.counts, "major": majors},
        )

    return check


pr9_6_major_incidents = major_incidents()
"""PR9.6 with the default criteria (priority P1): every incident meeting them is major,
has a coordinator and, once resolved, a review (replayed from its history)."""


# -- PR10 problem management -------------------------------------------------------------------

_NO_PROBLEMS = "register problems found in incident trends (fitsm.cases.problem_candidates)"
_OPEN = (ProblemStatus.RESOLVED, ProblemStatus.CLOSED, ProblemStatus.CANCELLED)


def pr10_1_problems(s: Snapshot) -> AuditFinding:
    """PR10.1: problems are registered, and every incident trend of the audit window
    (three or more incidents on one CI, service or category) is covered by a problem."""
    problems = s.of_kind("problem")
    covered = {i for p in problems for i in getattr(p, "incidents", ())}
    trends = problem_candidates(s.of_kind("incident"), s.since, s.at)  # type: ignore[arg-type]
    open_trends = [f"{t.by} {t.value}" for t in trends if not covered & set(t.incidents)]
    if not problems:
        return AuditFinding.not_met(
            "PR10.1",
            "no problem is recorded",
            *([f"incident trends without a problem: {listed(open_trends)}"] if open_trends else []),
            next_step=_NO_PROBLEMS,
            problems=0,
            trends=len(trends),
        )
    evidence = [f"{len(problems)} problem(s); {len(trends)} incident trend(s) in the window"]
    if open_trends:
        evidence.append(f"trends no problem covers: {listed(open_trends)}")
    return decide(
        "PR10.1",
        [p.id for p in problems],
        open_trends,
        evidence=evidence,
        next_step=f"register problems for {listed(open_trends)}",
        problems=len(problems),
        trends=len(trends),
        uncovered_trends=len(open_trends),
    )


def pr10_2_investigation(s: Snapshot) -> AuditFinding:
    """PR10.2: no open problem waits uninvestigated beyond ``STALE``."""
    problems = s.of_kind("problem")
    if not problems:
        return _none_recorded("PR10.2", "problem", _NO_PROBLEMS)
    waiting = (ProblemStatus.NEW, ProblemStatus.CLASSIFIED)
    bad = [
        (p.id, f"not investigated after {STALE.days} days")
        for p in problems
        if p.status in waiting and _stale(s, p.registered_at)
    ]
    return _judge("PR10.2", problems, bad, what="problems", step="investigate")


def pr10_3_known_errors(s: Snapshot) -> AuditFinding:
    """PR10.3: a problem whose root cause is found is resolved or registered as a known
    error with a workaround within ``STALE``."""
    problems = s.of_kind("problem")
    if not problems:
        return _none_recorded("PR10.3", "problem", _NO_PROBLEMS)

    def bad() -> Iterable[tuple[str, str]]:
        for p in problems:
            if p.status == ProblemStatus.ROOT_CAUSE_FOUND:
                found = [e.at for e in p.history if e.target == ProblemStatus.ROOT_CAUSE_FOUND]
                if found and _stale(s, found[-1]):
                    yield p.id, f"root cause found {STALE.days}+ days ago, no known error"
            if p.status == ProblemStatus.KNOWN_ERROR and not getattr(p, "workarounds", ()):
                yield p.id, "known error without a workaround"

    return _judge(
        "PR10.3", problems, bad(), what="problems", step="register known errors with workarounds"
    )


def pr10_4_known_errors_current(s: Snapshot) -> AuditFinding:
    """PR10.4: every known error was updated within :data:`KNOWN_ERROR_UPDATE`."""
    problems = s.of_kind("problem")
    if not problems:
        return _none_recorded("PR10.4", "problem", _NO_PROBLEMS)
    known = [p for p in problems if p.status == ProblemStatus.KNOWN_ERROR]
    bad = [
        (p.id, f"not updated for {KNOWN_ERROR_UPDATE.days} days")
        for p in known
        if s.at - (p.history[-1].at if p.history else p.registered_at) > KNOWN_ERROR_UPDATE
    ]
    found = _judge(
        "PR10.4", problems, bad, what="problems", step="review and update the known errors"
    )
    return AuditFinding(
        found.requirement,
        found.status,
        (*found.evidence, f"{len(known)} known error(s) open"),
        found.next_step,
        {**found.counts, "known_errors": len(known)},
    )


# -- PR11 configuration management ---------------------------------------------------------

_NO_CMDB = "record the CIs and their relationships in a CMDB"


def pr11_1_scope(s: Snapshot) -> AuditFinding:
    """PR11.1: each CMDB's schema names the CI types and relationship types in scope."""
    if not s.cmdbs:
        return AuditFinding.not_met("PR11.1", "the store holds no CMDB", next_step=_NO_CMDB)
    thin = [c.id for c in s.cmdbs if not (c.schema.ci_types and c.schema.relationship_types)]
    evidence = [
        f"CMDB {c.id!r}: {len(c.schema.ci_types)} CI types, "
        f"{len(c.schema.relationship_types)} relationship types"
        for c in s.cmdbs
    ]
    return decide(
        "PR11.1",
        [c.id for c in s.cmdbs if c.id not in thin],
        thin,
        evidence=evidence,
        next_step=f"define the CI and relationship types in the schema of {listed(thin)}",
        cmdbs=len(s.cmdbs),
    )


def pr11_2_detail(s: Snapshot) -> AuditFinding:
    """PR11.2: every CI has the attributes its type requires and a relationship (a CI
    nothing depends on and that depends on nothing gives no control over impact)."""
    cis = s.configuration_items
    if not cis:
        return AuditFinding.not_met("PR11.2", "no CI is recorded", next_step=_NO_CMDB, cis=0)
    required = {
        (c.id, t.name): [a.name for a in t.attributes if a.required]
        for c in s.cmdbs
        for t in c.schema.ci_types
    }
    lacking: list[str] = []
    isolated: list[str] = []
    for cmdb, ci, linked in cis:
        if any(a not in ci.attributes for a in required.get((cmdb, ci.type), ())):
            lacking.append(ci.id)
        if not linked:
            isolated.append(ci.id)
    bad = sorted({*lacking, *isolated})
    evidence = [f"{len(cis) - len(bad)} of {len(cis)} CIs recorded in enough detail"]
    for what, ids in (
        ("required attributes missing", lacking),
        ("no relationship", isolated),
    ):
        if ids:
            evidence.append(f"{what}: {listed(ids)}")
    return decide(
        "PR11.2",
        ["detailed"] if len(bad) < len(cis) else [],
        bad,
        evidence=evidence,
        next_step=f"complete the configuration information of {listed(bad)}",
        cis=len(cis),
        missing_attributes=len(lacking),
        unrelated=len(isolated),
    )


def pr11_3_cmdb(s: Snapshot) -> AuditFinding:
    """PR11.3: a CMDB holds CIs and relationships, and every live service is in one."""
    cis = sum(1 for c in s.cmdbs for _ in c.nodes("configuration_item"))
    relationships = sum(len(c.succ[n]) for c in s.cmdbs for n in c.succ)
    if not cis or not relationships:
        return AuditFinding.not_met(
            "PR11.3",
            f"{cis} CI(s) and {relationships} relationship(s) recorded",
            next_step=_NO_CMDB,
            cis=cis,
            relationships=relationships,
        )
    absent = [x.id for x in s.live_services() if not any(x.id in c for c in s.cmdbs)]
    evidence = [f"{cis} CIs and {relationships} relationships in {len(s.cmdbs)} CMDB(s)"]
    if absent:
        evidence.append(f"live services not in the CMDB: {listed(absent)}")
    return decide(
        "PR11.3",
        ["cmdb"],
        absent,
        evidence=evidence,
        next_step=f"add the services and what they depend on to the CMDB: {listed(absent)}",
        cis=cis,
        relationships=relationships,
        services_missing=len(absent),
    )


def pr11_4_control(s: Snapshot) -> AuditFinding:
    """PR11.4: every CI has an owner (CI owner) and the CMDB records its changes."""
    cis = s.configuration_items
    if not cis:
        return AuditFinding.not_met("PR11.4", "no CI is recorded", next_step=_NO_CMDB, cis=0)
    unowned = [ci.id for _, ci, _ in cis if not ci.owner]
    untracked = [c.id for c in s.cmdbs if len(c.records) and not c.journal]
    evidence = [f"{len(cis) - len(unowned)} of {len(cis)} CIs have an owner"]
    evidence += [f"CMDB {c.id!r}: {len(c.journal)} change log entries" for c in s.cmdbs]
    if unowned:
        evidence.append(f"no owner: {listed(unowned)}")
    bad = unowned + untracked
    return decide(
        "PR11.4",
        ["owned"] if len(unowned) < len(cis) else [],
        bad,
        evidence=evidence,
        next_step=f"name an owner for each CI and change CIs through the CMDB: {listed(bad)}",
        cis=len(cis),
        unowned=len(unowned),
    )


def pr11_5_verification(s: Snapshot) -> AuditFinding:
    """PR11.5: each CMDB's verification is on a schedule and not overdue."""
    return planned_reviews(
        "PR11.5",
        s,
        "cmdb_verification",
        [c.id for c in s.cmdbs],
        what="CMDBs",
        none=_NO_CMDB,
        plan="verify the CMDB (fitsm.cmdb.verify, fitsm.reviews.record_verification)",
    )


# -- PR12 change management -----------------------------------------------------------------

_NO_CHANGES = "register changes as cases (requests for change)"
_DONE = frozenset({ChangeStatus.IMPLEMENTED, ChangeStatus.REVIEWED, ChangeStatus.CLOSED})


def pr12_1_classification(s: Snapshot) -> AuditFinding:
    """PR12.1: every change past its registration is classified by type, and none waits
    unclassified beyond ``STALE``."""
    changes = s.of_kind("change")
    if not changes:
        return _none_recorded("PR12.1", "change", _NO_CHANGES)

    def bad() -> Iterable[tuple[str, str]]:
        for c in changes:
            if c.status == ChangeStatus.NEW and _stale(s, c.registered_at):
                yield c.id, f"not classified after {STALE.days} days"
            elif (
                c.status not in (ChangeStatus.NEW, ChangeStatus.CANCELLED)
                and getattr(c, "change_type", None) is None
            ):
                yield c.id, "handled without a change type"

    return _judge("PR12.1", changes, bad(), what="changes", step="classify by the change criteria")


def _history_follows(c: Case) -> bool:
    try:
        lifecycle_of(c).check_history(c)
    except InvalidTransitionError:
        return False
    return True


def pr12_2_steps(s: Snapshot) -> AuditFinding:
    """PR12.2: every change went through the defined steps of its lifecycle (replayed)."""
    changes = s.of_kind("change")
    if not changes:
        return _none_recorded("PR12.2", "change", _NO_CHANGES)
    bad = [(c.id, "skipped the defined steps") for c in changes if not _history_follows(c)]
    return _judge("PR12.2", changes, bad, what="changes", step="handle changes by the steps")


def _classification(c: Case, before: int) -> tuple[ChangeType | None, bool, int]:
    """Type, major flag and quorum as the first ``before`` history entries set them."""
    kind, major, quorum = None, False, 1
    for e in c.history[:before]:
        if "change_type" in e.changes and e.changes["change_type"] is not None:
            kind = ChangeType(e.changes["change_type"])
        major = bool(e.changes.get("major", major))
        quorum = int(e.changes.get("quorum", quorum))
    return kind, major, quorum


def approval_level(kind: ChangeType | None, major: bool) -> ApprovalLevel:
    """The approval level a change of this type needs (PR12.4), as
    :func:`fitsm.cases.required_approval` states it."""
    if kind is ChangeType.STANDARD:
        return ApprovalLevel.PRE_APPROVED
    if kind is ChangeType.EMERGENCY:
        return ApprovalLevel.ECAB
    return ApprovalLevel.CAB if major else ApprovalLevel.CHANGE_MANAGER


def _may_approve(roles: RoleModel | None, person: str, level: ApprovalLevel, at: datetime) -> bool:
    """Whether ``person`` held the authority of ``level`` when they approved, at ``at``."""
    if roles is None or not roles.knows(person):
        return False
    if level is ApprovalLevel.CHANGE_MANAGER:
        return roles.has_role(person, Role.PROCESS_MANAGER, Process.CHM, at=at) or roles.has_role(
            person, Role.CAB_MEMBER, "CAB", at=at
        )
    board = "ECAB" if level is ApprovalLevel.ECAB else "CAB"
    return roles.has_role(person, Role.CAB_MEMBER, board, at=at)


def pr12_4_approval(s: Snapshot) -> AuditFinding:
    """PR12.4: every change that was implemented had been approved at the level its
    classification requires, by as many people as its quorum, each holding that level's
    role, replayed from the stored history rather than trusting the write-time checks."""
    changes = s.of_kind("change")
    if not changes:
        return _none_recorded("PR12.4", "change", _NO_CHANGES)
    implemented = [c for c in changes if _first(c, "implement") is not None]

    def bad() -> Iterable[tuple[str, str]]:
        for c in implemented:
            approved = next(
                (n for n, e in enumerate(c.history) if e.target == ChangeStatus.APPROVED), None
            )
            if approved is None:
                yield c.id, "implemented without approval"
                continue
            kind, major, quorum = _classification(c, approved + 1)
            level = approval_level(kind, major)
            if level is ApprovalLevel.PRE_APPROVED:
                if not getattr(c, "template", None):
                    yield c.id, "standard change without a pre-approved template"
                continue
            approvers: dict[str, datetime] = {}  # each approver's first approval
            for e in c.history[: approved + 1]:
                if e.event == "approve":
                    approvers.setdefault(e.actor, e.at)
            if len(approvers) < quorum:
                yield c.id, f"fewer approvals than the {level.value} quorum"
            elif not all(_may_approve(s.roles, a, level, at) for a, at in approvers.items()):
                yield c.id, f"approved by someone without the {level.value} authority"

    found = _judge(
        "PR12.4",
        changes,
        list(bad()),
        what="changes",
        step="approve each change at the level its criteria require",
    )
    return AuditFinding(
        found.requirement,
        found.status,
        (*found.evidence, f"{len(implemented)} implemented change(s) replayed"),
        found.next_step,
        {**found.counts, "implemented": len(implemented)},
    )


def pr12_3_assessment(s: Snapshot) -> AuditFinding:
    """PR12.3: every change approved other than as a pre-approved standard change was
    assessed first (benefits, risks, effort, feasibility)."""
    changes = s.of_kind("change")
    if not changes:
        return _none_recorded("PR12.3", "change", _NO_CHANGES)

    def bad() -> Iterable[tuple[str, str]]:
        for c in changes:
            approve = _first(c, "approve")
            if approve is None:
                continue
            assess = _first(c, "assess")
            if assess is None or assess.at > approve.at:
                yield c.id, "approved without an assessment"
            elif not all(getattr(c, f, "") for f in ("benefits", "risk", "effort", "feasibility")):
                yield c.id, "assessment incomplete"

    return _judge("PR12.3", changes, bad(), what="changes", step="assess changes before approval")


def pr12_5_review(s: Snapshot) -> AuditFinding:
    """PR12.5: every implemented change that needs a review got one before it was closed,
    and none waits for review or closure beyond ``STALE``."""
    changes = s.of_kind("change")
    if not changes:
        return _none_recorded("PR12.5", "change", _NO_CHANGES)

    def bad() -> Iterable[tuple[str, str]]:
        for c in changes:
            minor_standard = getattr(c, "change_type", None) == ChangeType.STANDARD and not getattr(
                c, "major", False
            )
            if (
                c.status == ChangeStatus.CLOSED
                and not minor_standard
                and _first(c, "review") is None
                and _first(c, "implement") is not None
            ):
                yield c.id, "closed without a post implementation review"
            if c.status == ChangeStatus.IMPLEMENTED:
                done = _first(c, "implement")
                if done is not None and _stale(s, done.at):
                    yield c.id, f"not reviewed or closed {STALE.days} days after implementation"

    return _judge("PR12.5", changes, bad(), what="changes", step="review and close")


def pr12_6_schedule(s: Snapshot) -> AuditFinding:
    """PR12.6: every approved change is on the schedule of changes with its intended
    deployment window within ``STALE`` of approval."""
    changes = s.of_kind("change")
    if not changes:
        return _none_recorded("PR12.6", "change", _NO_CHANGES)

    def bad() -> Iterable[tuple[str, str]]:
        for c in changes:
            if c.status in (ChangeStatus.SCHEDULED, *_DONE) and (
                getattr(c, "planned_start", None) is None
            ):
                yield c.id, "scheduled without a deployment window"
            if c.status == ChangeStatus.APPROVED:
                approved = [e.at for e in c.history if e.target == ChangeStatus.APPROVED]
                if approved and _stale(s, approved[-1]):
                    yield c.id, f"approved {STALE.days}+ days ago and not scheduled"

    found = _judge("PR12.6", changes, bad(), what="changes", step="schedule approved changes")
    return AuditFinding(
        found.requirement,
        found.status,
        (
            *found.evidence,
            "communicating the schedule (fitsm.cases.change_schedule) is outside the store",
        ),
        found.next_step,
        found.counts,
    )


# -- PR13 release and deployment management ------------------------------------------------

_NO_RELEASES = "plan releases of approved changes as cases"


def _releases(s: Snapshot, requirement: str) -> tuple[list[Case], AuditFinding | None]:
    releases = s.of_kind("release")
    return releases, None if releases else _none_recorded(requirement, "release", _NO_RELEASES)


def _deployed(c: Case) -> HistoryEntry | None:
    return _first(c, "deploy")


def pr13_1_strategy(s: Snapshot) -> AuditFinding:
    """PR13.1: every planned release names its release and deployment strategy."""
    releases, none = _releases(s, "PR13.1")
    if none:
        return none
    bad = [
        (r.id, "planned without a strategy")
        for r in releases
        if _first(r, "plan") is not None and getattr(r, "strategy", None) is None
    ]
    return _judge("PR13.1", releases, bad, what="releases", step="define the strategy")


def pr13_2_approved_changes(s: Snapshot) -> AuditFinding:
    """PR13.2: a release bundles only changes that were approved before it was planned."""
    releases, none = _releases(s, "PR13.2")
    if none:
        return none
    changes = {c.id: c for c in s.of_kind("change")}

    def bad() -> Iterable[tuple[str, str]]:
        for r in releases:
            planned = _first(r, "plan")
            when = planned.at if planned is not None else s.at
            for change_id in getattr(r, "changes", ()):
                change = changes.get(change_id)
                approved = (
                    None
                    if change is None
                    else next(
                        (e.at for e in change.history if e.target == ChangeStatus.APPROVED), None
                    )
                )
                if approved is None or approved > when:
                    yield r.id, "bundles a change not approved when it was planned"

    return _judge("PR13.2", releases, bad(), what="releases", step="include approved changes only")


def pr13_3_acceptance_criteria(s: Snapshot) -> AuditFinding:
    """PR13.3: every planned release states its acceptance criteria."""
    releases, none = _releases(s, "PR13.3")
    if none:
        return none
    bad = [
        (r.id, "planned without acceptance criteria")
        for r in releases
        if _first(r, "plan") is not None and not getattr(r, "acceptance_criteria", ())
    ]
    return _judge("PR13.3", releases, bad, what="releases", step="state the acceptance criteria")


def pr13_4_tested(s: Snapshot) -> AuditFinding:
    """PR13.4: every deployed release was tested before deployment and passed every
    acceptance criterion."""
    releases, none = _releases(s, "PR13.4")
    if none:
        return none

    def bad() -> Iterable[tuple[str, str]]:
        for r in releases:
            deployed = _deployed(r)
            if deployed is None:
                continue
            tested = _first(r, "test")
            results = getattr(r, "test_results", {})
            if tested is None or tested.at > deployed.at:
                yield r.id, "deployed without a test"
            elif not results or not all(results.values()):
                yield r.id, "deployed with failed acceptance criteria"

    return _judge("PR13.4", releases, bad(), what="releases", step="test before deploying")


def pr13_5_rollback(s: Snapshot) -> AuditFinding:
    """PR13.5: every deployed release had a rollback plan."""
    releases, none = _releases(s, "PR13.5")
    if none:
        return none
    bad = [
        (r.id, "deployed without a rollback plan")
        for r in releases
        if _deployed(r) is not None and not getattr(r, "rollback_plan", "")
    ]
    return _judge("PR13.5", releases, bad, what="releases", step="prepare rollback plans")


def pr13_6_evaluated(s: Snapshot) -> AuditFinding:
    """PR13.6: every release deployed more than ``STALE`` ago was evaluated."""
    releases, none = _releases(s, "PR13.6")
    if none:
        return none

    def bad() -> Iterable[tuple[str, str]]:
        for r in releases:
            deployed = _deployed(r)
            if (
                deployed is not None
                and _stale(s, deployed.at)
                and _first(r, "succeed", "fail") is None
            ):
                yield r.id, f"not evaluated {STALE.days} days after deployment"

    return _judge("PR13.6", releases, bad(), what="releases", step="evaluate the deployment")


# -- PR14 continual service improvement management ----------------------------------------

_NO_IMPROVEMENTS = "register opportunities for improvement from reports, measurements and audits"


def pr14_1_registered(s: Snapshot) -> AuditFinding:
    """PR14.1: opportunities for improvement were registered in the audit window."""
    improvements = [c for c in s.of_kind("improvement") if recent(c.registered_at, s)]
    if not improvements:
        return AuditFinding.not_met(
            "PR14.1",
            f"no improvement registered since {s.since.date().isoformat()}",
            next_step=_NO_IMPROVEMENTS,
            improvements=0,
        )
    sources = sorted({getattr(c, "source", "") for c in improvements} - {""})
    return AuditFinding.met(
        "PR14.1",
        f"{len(improvements)} improvement(s) registered in the window"
        + (f", from {listed(sources)}" if sources else ""),
        improvements=len(improvements),
    )


def pr14_2_evaluated(s: Snapshot) -> AuditFinding:
    """PR14.2: no improvement waits unevaluated beyond ``STALE``."""
    improvements = s.of_kind("improvement")
    if not improvements:
        return _none_recorded("PR14.2", "improvement", _NO_IMPROVEMENTS)
    bad = [
        (c.id, f"not evaluated after {STALE.days} days")
        for c in improvements
        if c.status == ImprovementStatus.NEW and _stale(s, c.registered_at)
    ]
    return _judge("PR14.2", improvements, bad, what="improvements", step="evaluate")


def pr14_3_controlled(s: Snapshot) -> AuditFinding:
    """PR14.3: approved improvements are implemented within ``STALE`` and closed with their
    outcome."""
    improvements = s.of_kind("improvement")
    if not improvements:
        return _none_recorded("PR14.3", "improvement", _NO_IMPROVEMENTS)

    def bad() -> Iterable[tuple[str, str]]:
        for c in improvements:
            if c.status == ImprovementStatus.APPROVED:
                approved = _first(c, "approve")
                if approved is not None and _stale(s, approved.at):
                    yield c.id, f"approved {STALE.days}+ days ago, not being implemented"
            if c.status == ImprovementStatus.CLOSED and not getattr(c, "outcome", ""):
                yield c.id, "closed without an outcome"

    return _judge("PR14.3", improvements, bad(), what="improvements", step="implement and close")
