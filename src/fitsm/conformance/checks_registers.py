"""Checks of service reporting (PR3), capacity (PR5) and the customer database (PR7.2, PR7.3,
PR7.6), decided from the report, capacity and customer registers of the snapshot and the
utilisation sampled in the audit window.

Recorded acts the registers gate by role (a recipient's agreement, a production, a plan's
approval) are replayed against the area's own rules (``fitsm.<area>.authority.RULES``), by
the snapshot's role model, rather than trusted.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime, timedelta
from fractions import Fraction

from fitsm.capacity.authority import RULES as CAPM_RULES
from fitsm.capacity.capacities import ResourceKind
from fitsm.capacity.plans import CapacityPlan, ItemStatus, PlanStatus, capacity_plan_subject
from fitsm.capacity.register import CapacityRegister
from fitsm.capacity.requirements import capacity_requirements_subject
from fitsm.capacity.thresholds import BreachLevel
from fitsm.conformance._helpers import authorised, decide, listed, review_gaps
from fitsm.conformance.findings import AuditFinding
from fitsm.conformance.snapshot import Snapshot
from fitsm.customers.contacts import ChannelPurpose
from fitsm.customers.register import Customer, CustomerRegister
from fitsm.reporting.authority import RULES as SRM_RULES
from fitsm.reporting.register import Production, ReportRegister
from fitsm.reporting.specifications import ReportSpecification
from fitsm.roles import Role

__all__ = [
    "CURRENT",
    "REPORTED",
    "pr3_1_reports",
    "pr3_2_specifications",
    "pr3_3_production",
    "pr5_1_requirements",
    "pr5_2_current_capacity",
    "pr5_3_capacity_plans",
    "pr5_4_performance_analysis",
    "pr7_2_relationship_contacts",
    "pr7_3_channels",
    "pr7_6_satisfaction",
    "satisfaction_floor",
]

CURRENT = timedelta(days=30)
"""How old the last utilisation sample of a capacity may be for its utilisation to count
as current (PR5.2)."""

REPORTED: dict[str, str] = {
    "service_performance": "performance against defined targets",
    "significant_events": "significant events",
    "nonconformities": "detected nonconformities",
}
"""What PR3.1 asks reporting to cover, by the report content (builder) that covers it."""

_NO_SERVICES = "specify the services in the service portfolio (PR1.1)"


def _steps(*parts: tuple[str, Sequence[str]]) -> str:
    """A next step of several parts, each ``(what to do, the records it is for)``; the
    parts with no records are left out."""
    return "; ".join(f"{what}: {listed(ids)}" for what, ids in parts if ids)


# -- PR3 service reporting management -------------------------------------------------------


def _reports(s: Snapshot) -> list[tuple[ReportRegister, ReportSpecification]]:
    """The list of reports: every specification not terminated, with its register, by id."""
    found = [(r, spec) for r in s.reports for spec in r if not spec.terminated]
    return sorted(found, key=lambda pair: pair[1].id)


_NO_REPORTS = (
    "identify the required reports (from the SLAs and what the SMS needs) and specify "
    "them (ReportRegister.specify)"
)


def pr3_1_reports(s: Snapshot) -> AuditFinding:
    """PR3.1: the list of reports covers performance against targets, significant events and
    detected nonconformities, and every service under an SLA in force is covered by a report
    of its performance (FitSM-2: reporting requirements are derived from the SLAs)."""
    reports = _reports(s)
    if not reports:
        return AuditFinding.not_met(
            "PR3.1", "no report is specified", next_step=_NO_REPORTS, reports=0
        )
    ids = [spec.id for _, spec in reports]
    contents = {c for _, spec in reports for c in spec.content}
    uncovered = [what for content, what in REPORTED.items() if content not in contents]
    slas = [a for agreements in s.agreements for a in agreements.in_force(s.at, "SLA")]
    under_sla = sorted({x for a in slas for x in a.covers})
    unreported = [
        x
        for x in under_sla
        if not any("service_performance" in spec.content and spec.covers(x) for _, spec in reports)
    ]
    evidence = [f"{len(reports)} report(s) listed: {listed(ids)}"]
    if uncovered:
        evidence.append("no report covers " + ", ".join(uncovered))
    else:
        evidence.append("reporting covers " + ", ".join(REPORTED.values()))
    if unreported:
        evidence.append(f"services under an SLA without a performance report: {listed(unreported)}")
    return decide(
        "PR3.1",
        ids,
        uncovered + unreported,
        evidence=evidence,
        next_step=_steps(
            ("add to the list of reports a report of", uncovered),
            ("report the performance against the SLA targets of", unreported),
        ),
        reports=len(reports),
        contents_missing=len(uncovered),
        services_unreported=len(unreported),
    )


def _agreement(
    s: Snapshot, register: ReportRegister, spec: ReportSpecification
) -> tuple[list[str], bool]:
    """Replay a report's history: the recipients of its audience whose agreement to the
    report as specified now stands (a revision of what they get withdraws it), and whether
    every agreement was recorded by someone the SRM rules allow to."""
    agreed: set[str] = set()
    rightful = True
    for change in spec.history:
        if change.action == "revised" and "agreements" in change.changes:
            agreed.clear()
        elif change.action == "agreed":
            rule = SRM_RULES["agree"]
            if authorised(s, rule, change.by, register, at=change.at, report_id=spec.id):
                agreed.update(change.changes.get("recipients", ()))
            else:
                rightful = False
    return [r for r in spec.audience if r not in agreed], rightful


def pr3_2_specifications(s: Snapshot) -> AuditFinding:
    """PR3.2: every report on the list is specified and agreed with all its recipients, as
    specified now, the agreement recorded by the report's owner or the SRM manager (replayed
    from its history)."""
    reports = _reports(s)
    if not reports:
        return AuditFinding.not_met(
            "PR3.2", "no report is specified", next_step=_NO_REPORTS, reports=0
        )
    unagreed: list[str] = []
    wrong: list[str] = []
    for register, spec in reports:
        waiting, rightful = _agreement(s, register, spec)
        if waiting:
            unagreed.append(f"{spec.id} ({', '.join(waiting)})")
        if not rightful:
            wrong.append(spec.id)
    bad = {x.split(" (", 1)[0] for x in unagreed} | set(wrong)
    evidence = [
        f"{len(reports)} report(s) specified with identity, purpose, audience, frequency, "
        "content, format and method of delivery",
        f"{len(reports) - len(unagreed)} of {len(reports)} agreed with all their recipients",
    ]
    if unagreed:
        evidence.append(f"not agreed as specified now by: {listed(unagreed)}")
    if wrong:
        evidence.append(f"agreement recorded without the report owner's authority: {listed(wrong)}")
    return decide(
        "PR3.2",
        [spec.id for _, spec in reports if spec.id not in bad],
        sorted(bad),
        evidence=evidence,
        next_step=_steps(
            ("agree the report with its recipients", unagreed),
            ("have the report owner record the agreement of", wrong),
        ),
        reports=len(reports),
        unagreed=len(unagreed),
        wrongly_agreed=len(wrong),
    )


def _issue_faults(
    s: Snapshot, register: ReportRegister, spec: ReportSpecification, production: Production
) -> list[str]:
    """How one produced issue deviates from its specification: produced late, not delivered
    to every recipient, delivered through another channel, or produced or delivered by
    someone the SRM rules do not allow to."""
    deadline = production.end + spec.allowed_delay
    acts = [(SRM_RULES["produce"], production.by, production.at)]
    acts += [(SRM_RULES["deliver"], d.by, d.at) for d in production.deliveries]
    faults = {
        "late": production.at > deadline,
        "undelivered": bool(set(spec.audience) - set(production.delivered_to)),
        "channel": any(d.channel != spec.channel for d in production.deliveries),
        "unauthorised": not all(
            authorised(s, rule, by, register, at=at, report_id=spec.id) for rule, by, at in acts
        ),
    }
    return [fault for fault, found in faults.items() if found]


_FAULTS = {
    "missing": "not produced by the deadline",
    "late": "produced after the deadline",
    "undelivered": "not delivered to every recipient",
    "channel": "delivered through another channel than specified",
    "unauthorised": "produced or delivered by someone without the report owner's authority",
}


def pr3_3_production(s: Snapshot) -> AuditFinding:
    """PR3.3: every issue of a listed report whose period ended in the audit window and
    whose deadline (the period's end plus the allowed delay) has passed was produced by the
    deadline, by the report's owner, and delivered to every recipient through the specified
    channel. An issue still within its delay and not yet delivered is not judged."""
    reports = _reports(s)
    if not reports:
        return AuditFinding.not_met(
            "PR3.3", "no report is specified", next_step=_NO_REPORTS, issues=0
        )
    on_time: list[str] = []
    faulty: dict[str, list[str]] = {fault: [] for fault in _FAULTS}
    pending = 0
    for register, spec in reports:
        made = {p.start: p for p in register.productions(spec.id)}
        for period in spec.periods(s.at):
            if period.end < s.since:
                continue
            issue = f"{spec.id} {period.start.date().isoformat()}"
            production = made.get(period.start)
            within = s.at <= period.end + spec.allowed_delay
            if within and (production is None or not production.deliveries):
                pending += 1
                continue
            if production is None:
                faults = ["missing"]
            else:
                faults = _issue_faults(s, register, spec, production)
            for fault in faults:
                faulty[fault].append(issue)
            if not faults:
                on_time.append(issue)
    bad = sorted({issue for issues in faulty.values() for issue in issues})
    since = s.since.date().isoformat()
    if not on_time and not bad:
        return AuditFinding.not_met(
            "PR3.3",
            f"no report issue fell due since {since}; {pending} still within their allowed delay",
            next_step="produce the reports as specified when their periods end and deliver "
            "them to their recipients",
            issues=0,
            pending=pending,
        )
    evidence = [
        f"{len(on_time)} of {len(on_time) + len(bad)} report issue(s) due since {since} "
        "produced on time and delivered as specified"
    ]
    evidence += [f"{_FAULTS[f]}: {listed(issues)}" for f, issues in faulty.items() if issues]
    return decide(
        "PR3.3",
        on_time,
        bad,
        evidence=evidence,
        next_step=f"produce and deliver to the recipients as specified: {listed(bad)}",
        issues=len(on_time) + len(bad),
        on_time=len(on_time),
        pending=pending,
        **{fault: len(issues) for fault, issues in faulty.items()},
    )


# -- PR5 capacity management -----------------------------------------------------------------


def pr5_1_requirements(s: Snapshot) -> AuditFinding:
    """PR5.1: every live service has capacity and performance requirements, each stating how
    it was derived (from an SLA target or predicted demand), reviewed on a schedule
    (``requirements:capacity-<service>``) that is not overdue."""
    live = [x.id for x in s.live_services()]
    if not live:
        return AuditFinding.not_met("PR5.1", "no service is live", next_step=_NO_SERVICES)
    requirements = [r for register in s.capacity for r in register.requirements()]
    known = {r.service for r in requirements}
    missing = [x for x in live if x not in known]
    underived = sorted(
        r.id for r in requirements if r.service in live and not (r.basis or r.sources)
    )
    subjects = {capacity_requirements_subject(x).id: x for x in live if x in known}
    unscheduled, overdue = (
        [subjects[x] for x in found] for found in review_gaps(s, "requirements", subjects)
    )
    evidence = [
        f"{len(live) - len(missing)} of {len(live)} live services have capacity and "
        f"performance requirements ({sum(r.service in live for r in requirements)} "
        "requirement(s))"
    ]
    for what, found in (
        ("no requirements identified", missing),
        ("not derived from an SLA target or predicted demand", underived),
        ("requirements without a review schedule", unscheduled),
        (f"requirements review overdue on {s.at.date().isoformat()}", overdue),
    ):
        if found:
            evidence.append(f"{what}: {listed(found)}")
    bad = missing + underived + unscheduled + overdue
    return decide(
        "PR5.1",
        [x for x in live if x not in bad],
        bad,
        evidence=evidence,
        next_step=_steps(
            ("identify the capacity and performance requirements (derive_requirement) of", missing),
            ("state how it was derived from the SLAs and predicted demand", underived),
            ("review the capacity requirements at planned intervals of", unscheduled + overdue),
        ),
        services=len(live),
        requirements=len(requirements),
        without_requirements=len(missing),
        underived=len(underived),
        reviews_unscheduled=len(unscheduled),
        reviews_overdue=len(overdue),
    )


def pr5_2_current_capacity(s: Snapshot) -> AuditFinding:
    """PR5.2: capacities are recorded, each with utilisation sampled within :data:`CURRENT`
    of the audit's instant, and every utilisation monitored has a recorded capacity."""
    capacities = sorted({c.key for register in s.capacity for c in register.capacities()})
    if not capacities:
        return AuditFinding.not_met(
            "PR5.2",
            "no capacity is recorded",
            next_step="record the capacity of the CIs and components that carry the services "
            "(CapacityRegister.set_capacity) and monitor their utilisation (uow.utilisation)",
            capacities=0,
        )
    sampled = {f"{k[0]}/{k[1]}": series for k, series in s.utilisation.items() if len(series)}
    since = s.at - CURRENT
    current = [k for k in capacities if k in sampled and sampled[k].end >= since]
    stale = [k for k in capacities if k not in current]
    unknown = sorted(k for k in sampled if k not in capacities)
    evidence = [
        f"{len(capacities)} capacities recorded; {len(current)} with utilisation sampled "
        f"since {since.date().isoformat()}: {listed(current) or 'none'}"
    ]
    if stale:
        evidence.append(f"no current utilisation: {listed(stale)}")
    if unknown:
        evidence.append(f"utilisation monitored without a recorded capacity: {listed(unknown)}")
    return decide(
        "PR5.2",
        current,
        stale + unknown,
        evidence=evidence,
        next_step=_steps(
            ("monitor the utilisation of", stale),
            ("record the capacity (CapacityRegister.set_capacity) of", unknown),
        ),
        capacities=len(capacities),
        current=len(current),
        without_utilisation=len(stale),
        without_capacity=len(unknown),
    )


def _approved(s: Snapshot, register: CapacityRegister, plan: CapacityPlan) -> bool | None:
    """Replay a plan's history: True when its last approval stands (no item added since) and
    was given by someone the CAPM rules allow to approve; None when it does not stand."""
    standing: bool | None = None
    for change in register.history(f"plan:{plan.id}"):
        if change.action == "approved":
            rule = CAPM_RULES["approve_plan"]
            standing = authorised(s, rule, change.by, register, at=change.at, plan_id=plan.id)
        elif change.action in ("created", "item added"):
            standing = None
    return standing


def _resources(plan: CapacityPlan) -> list[str]:
    """The kinds of resource (human, technical, financial) a plan does not consider: no item
    of the kind; a cost counts as considering the financial resources."""
    items = [i for i in plan.items if i.status is not ItemStatus.CANCELLED]
    kinds = {i.kind for i in items}
    if any(i.cost is not None for i in items):
        kinds.add(ResourceKind.FINANCIAL)
    return [k.value for k in ResourceKind if k not in kinds]


def pr5_3_capacity_plans(s: Snapshot) -> AuditFinding:
    """PR5.3: the capacity plans in force are approved (by the CAPM manager or owner, replayed
    from their histories), consider human, technical and financial resources, are reviewed on
    a schedule that is not overdue, and every requirement of a live service is planned for (a
    plan covers its service or has an item meeting it)."""
    plans = [
        (register, p)
        for register in s.capacity
        for p in register.plans()
        if p.status is not PlanStatus.TERMINATED
    ]
    if not plans:
        return AuditFinding.not_met(
            "PR5.3",
            "no capacity plan is in force",
            next_step="plan future capacity for the identified requirements, with human, "
            "technical and financial resources (CapacityRegister.add_plan), and have it approved",
            plans=0,
        )
    replayed = {p.id: _approved(s, register, p) for register, p in plans}
    unapproved = [p for p, state in replayed.items() if state is None]
    wrong = [p for p, state in replayed.items() if state is False]
    approved = [p for register, p in plans if replayed[p.id]]
    partial = [f"{p.id} ({', '.join(gaps)})" for p in approved if (gaps := _resources(p))]
    live = {x.id for x in s.live_services()}
    requirements = sorted(
        (r for register in s.capacity for r in register.requirements() if r.service in live),
        key=lambda r: r.id,
    )
    unplanned = [
        r.id
        for r in requirements
        if not any(
            r.service in p.services
            or any(i.requirement == r.id and i.status is not ItemStatus.CANCELLED for i in p.items)
            for p in approved
        )
    ]
    subjects = {capacity_plan_subject(p.id).id: p.id for p in approved}
    unscheduled, overdue = (
        [subjects[x] for x in found] for found in review_gaps(s, "plan", subjects)
    )
    evidence = [
        f"{len(approved)} of {len(plans)} capacity plan(s) in force approved; "
        f"{len(requirements) - len(unplanned)} of {len(requirements)} requirements planned for"
    ]
    for what, found in (
        ("not approved since its last change", unapproved),
        ("approved by someone without the CAPM authority", wrong),
        ("resources not considered", partial),
        ("requirements no approved plan meets", unplanned),
        ("plans without a review schedule", unscheduled),
        (f"plan review overdue on {s.at.date().isoformat()}", overdue),
    ):
        if found:
            evidence.append(f"{what}: {listed(found)}")
    bad = unapproved + wrong + partial + unplanned + unscheduled + overdue
    return decide(
        "PR5.3",
        [p.id for p in approved],
        bad,
        evidence=evidence,
        next_step=_steps(
            ("have the CAPM process manager or owner approve", unapproved + wrong),
            ("plan the human, technical and financial resources of", partial),
            ("plan capacity to meet", unplanned),
            ("review the capacity plan", unscheduled + overdue),
        ),
        plans=len(plans),
        approved=len(approved),
        unapproved=len(unapproved),
        wrongly_approved=len(wrong),
        resources_missing=len(partial),
        requirements=len(requirements),
        unplanned=len(unplanned),
        reviews_unscheduled=len(unscheduled),
        reviews_overdue=len(overdue),
    )


def _responses(s: Snapshot) -> dict[str, list[datetime]]:
    """When a case naming each CI was registered, every kind together, sorted."""
    found: dict[str, list[datetime]] = {}
    for cases in s.cases.values():
        for case in cases:
            for ci in case.cis:
                found.setdefault(ci, []).append(case.registered_at)
    return {ci: sorted(times) for ci, times in found.items()}


def _analysable(register: CapacityRegister, subject: str, metric: str) -> bool:
    """Whether ``register`` records the capacity of ``subject``'s ``metric`` and a threshold
    that applies to it."""
    return f"capacity:{subject}/{metric}" in register and (
        register.threshold_for(subject, metric) is not None
    )


def pr5_4_performance_analysis(s: Snapshot) -> AuditFinding:
    """PR5.4: every utilisation series of the audit window is analysed against a threshold
    and a recorded capacity, identifying warnings and exceptions (breaches of the warning and
    critical levels), and every exception was responded to: a case (an incident, change,
    problem ...) naming the CI was registered at or after the exception began."""
    monitored = [(k, series) for k, series in s.utilisation.items() if len(series)]
    if not monitored:
        return AuditFinding.not_met(
            "PR5.4",
            f"no utilisation was monitored since {s.since.date().isoformat()}",
            next_step="monitor the utilisation of the CIs (uow.utilisation) against warning and "
            "critical thresholds (CapacityRegister.set_threshold)",
            series=0,
        )
    responses = _responses(s)
    analysed: list[str] = []
    blind: list[str] = []
    unanswered: list[str] = []
    warnings = exceptions = 0
    for (subject, metric), series in monitored:
        key = f"{subject}/{metric}"
        register = next((r for r in s.capacity if _analysable(r, subject, metric)), None)
        if register is None:
            blind.append(key)
            continue
        analysed.append(key)
        for breach in register.evaluate(series):
            if breach.level is BreachLevel.WARNING:
                warnings += 1
                continue
            exceptions += 1
            times = responses.get(subject, [])
            if bisect.bisect_left(times, breach.start) == len(times):
                unanswered.append(f"{key} {breach.start.isoformat(timespec='minutes')}")
    evidence = [
        f"{len(analysed)} of {len(monitored)} utilisation series analysed against thresholds: "
        f"{warnings} warning(s), {exceptions} exception(s) since {s.since.date().isoformat()}"
    ]
    if blind:
        evidence.append(f"no threshold or capacity to analyse against: {listed(blind)}")
    if unanswered:
        evidence.append(f"exceptions no case responded to: {listed(unanswered)}")
    return decide(
        "PR5.4",
        analysed,
        blind + unanswered,
        evidence=evidence,
        next_step=_steps(
            ("set warning and critical thresholds and the capacity of", blind),
            ("respond to the exception (register an incident or change naming the CI)", unanswered),
        ),
        series=len(monitored),
        analysed=len(analysed),
        warnings=warnings,
        exceptions=exceptions,
        unanswered=len(unanswered),
    )


# -- PR7 customer relationship management (the customer database) -------------------------------


def _served(s: Snapshot) -> list[str]:
    """The customers the live services name (PR7.1), by id."""
    return sorted({c for x in s.live_services() for c in x.target_customers})


def _records(s: Snapshot, customer: str) -> tuple[CustomerRegister, list[Customer]] | None:
    """The active record of ``customer`` in the first customer register that holds it, with
    the organisations it is a unit of (nearest first); None when no register does."""
    for register in s.customers:
        if customer in register and not register.customer(customer).retired:
            line = [register.customer(c) for c in register.lineage(customer) if c in register]
            return register, line
    return None


_NO_CUSTOMERS = "identify the customers of the live services (PR7.1)"
_ADD = "add to the customer database (CustomerRegister.add)"


def _relationship_managers(s: Snapshot, line: list[Customer]) -> tuple[str, ...]:
    """Who holds the customer relationship manager role for the customer, else for the
    nearest organisation it is a unit of."""
    for record in line:
        found = (
            s.roles.holders(Role.CUSTOMER_RELATIONSHIP_MANAGER, record.id, at=s.at)
            if s.roles
            else ()
        )
        if found:
            return found
    return ()


def pr7_2_relationship_contacts(s: Snapshot) -> AuditFinding:
    """PR7.2: every customer of a live service is in the customer database with a
    designated contact on its side, and one customer relationship manager (the FitSM-3
    role, held for it or for the organisation it is a unit of) manages the relationship."""
    customers = _served(s)
    if not customers:
        return AuditFinding.not_met(
            "PR7.2", "no live service names its customers", next_step=_NO_CUSTOMERS
        )
    unknown: list[str] = []
    silent: list[str] = []
    unmanaged: list[str] = []
    crowded: list[str] = []
    for customer in customers:
        found = _records(s, customer)
        if found is None:
            unknown.append(customer)
            continue
        line = found[1]
        if not any(x.contacts for x in line):
            silent.append(customer)
        managers = _relationship_managers(s, line)
        if not managers:
            unmanaged.append(customer)
        elif len(managers) > 1:
            crowded.append(customer)
    bad = sorted({*unknown, *silent, *unmanaged, *crowded})
    evidence = [
        f"{len(customers) - len(bad)} of {len(customers)} customers have a contact and a "
        "customer relationship manager"
    ]
    for what, ids in (
        ("not in the customer database", unknown),
        ("no designated contact", silent),
        ("no customer relationship manager", unmanaged),
        ("several customer relationship managers", crowded),
    ):
        if ids:
            evidence.append(f"{what}: {listed(ids)}")
    return decide(
        "PR7.2",
        [c for c in customers if c not in bad],
        bad,
        evidence=evidence,
        next_step=_steps(
            (_ADD, unknown),
            ("record the designated contact of", silent),
            ("name one customer relationship manager for", unmanaged + crowded),
        ),
        customers=len(customers),
        unregistered=len(unknown),
        without_contact=len(silent),
        without_manager=len(unmanaged),
        several_managers=len(crowded),
    )


_MECHANISMS = (ChannelPurpose.ORDERING, ChannelPurpose.ESCALATION, ChannelPurpose.COMPLAINT)
"""The mechanisms PR7.3 names."""


def pr7_3_channels(s: Snapshot) -> AuditFinding:
    """PR7.3: every customer of a live service has channels for ordering, escalation and
    complaints (its own or those of the organisation it is a unit of)."""
    customers = _served(s)
    if not customers:
        return AuditFinding.not_met(
            "PR7.3", "no live service names its customers", next_step=_NO_CUSTOMERS
        )
    unknown: list[str] = []
    lacking: dict[str, list[str]] = {}
    for customer in customers:
        found = _records(s, customer)
        if found is None:
            unknown.append(customer)
            continue
        gaps = [p.value for p in _MECHANISMS if not any(x.channels_for(p) for x in found[1])]
        if gaps:
            lacking[customer] = gaps
    missing = [f"{c} ({', '.join(gaps)})" for c, gaps in lacking.items()]
    bad = unknown + missing
    evidence = [
        f"{len(customers) - len(bad)} of {len(customers)} customers have channels for "
        "ordering, escalation and complaints"
    ]
    if unknown:
        evidence.append(f"not in the customer database: {listed(unknown)}")
    if missing:
        evidence.append(f"channels missing: {listed(missing)}")
    return decide(
        "PR7.3",
        [c for c in customers if c not in unknown and c not in lacking],
        bad,
        evidence=evidence,
        next_step=_steps(
            (_ADD, unknown),
            ("establish the channels (CustomerRegister.set_channels) for", missing),
        ),
        customers=len(customers),
        unregistered=len(unknown),
        without_channels=len(lacking),
    )


def satisfaction_floor(register: CustomerRegister) -> Fraction:
    """The average below which satisfaction is insufficient and needs a follow-up action
    (PR7.6): the middle of the register's scale, 3 on the default 1-5 scale.

    >>> satisfaction_floor(CustomerRegister())
    Fraction(3, 1)
    """
    return Fraction(register.scale.lowest + register.scale.highest, 2)


def pr7_6_satisfaction(s: Snapshot) -> AuditFinding:
    """PR7.6: the satisfaction of every customer of a live service was surveyed for a period
    in the audit window (its own survey or its organisation's), and every average of the
    window below :func:`satisfaction_floor` has a follow-up action recorded."""
    customers = _served(s)
    if not customers:
        return AuditFinding.not_met(
            "PR7.6", "no live service names its customers", next_step=_NO_CUSTOMERS
        )
    since = s.since.date()
    unknown: list[str] = []
    unsurveyed: list[str] = []
    unfollowed: list[str] = []
    for customer in customers:
        found = _records(s, customer)
        if found is None:
            unknown.append(customer)
            continue
        register, line = found
        periods = [survey.period for x in line for survey in x.surveys]
        if not any(since <= period <= s.at.date() for period in periods):
            unsurveyed.append(customer)
        low = register.unfollowed(satisfaction_floor(register), customer=customer)
        unfollowed += [
            f"{customer} {x.period.isoformat()} {x.service} ({x.average})"
            for x in low
            if x.period >= since
        ]
    bad = unknown + unsurveyed + unfollowed
    evidence = [
        f"{len(customers) - len(unknown) - len(unsurveyed)} of {len(customers)} customers "
        f"surveyed since {since.isoformat()}"
    ]
    for what, ids in (
        ("not in the customer database", unknown),
        ("no satisfaction survey", unsurveyed),
        ("insufficient satisfaction without a follow-up action", unfollowed),
    ):
        if ids:
            evidence.append(f"{what}: {listed(ids)}")
    return decide(
        "PR7.6",
        [c for c in customers if c not in unknown + unsurveyed],
        bad,
        evidence=evidence,
        next_step=_steps(
            (_ADD, unknown),
            ("survey the satisfaction (CustomerRegister.record_survey) of", unsurveyed),
            ("follow up (CustomerRegister.record_follow_up) the low scores", unfollowed),
        ),
        customers=len(customers),
        unregistered=len(unknown),
        unsurveyed=len(unsurveyed),
        unfollowed=len(unfollowed),
    )
