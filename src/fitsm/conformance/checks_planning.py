"""Checks of the service planning and delivery processes (PR1-PR8) that the store decides.

Portfolio (PR1, with the proposals of the product register), service levels (PR2),
availability and continuity (PR4), information security (PR6), and the parts of customer
(PR7) and supplier relationships (PR8) the portfolio, the cases and the review schedules
hold. Reporting, capacity and the customer database are judged in
:mod:`~fitsm.conformance.checks_registers`.
"""

from __future__ import annotations

from datetime import timedelta

from fitsm.cases.access_requests import AccessRequestStatus
from fitsm.cases.improvements import ImprovementStatus
from fitsm.cases.security_incidents import SecurityIncidentStatus
from fitsm.conformance._helpers import authorised, decide, listed, planned_reviews
from fitsm.conformance.findings import AuditFinding
from fitsm.conformance.snapshot import Snapshot
from fitsm.portfolio.authority import RULES as SPM_RULES
from fitsm.portfolio.history import ProductChange
from fitsm.portfolio.proposals import Proposal, ProposalStatus
from fitsm.roles import Process, Role
from fitsm.security.controls import ImplementationStatus
from fitsm.service_levels.agreements import Agreement

__all__ = [
    "STALE",
    "pr1_1_portfolio",
    "pr1_2_proposals",
    "pr1_3_lifecycle",
    "pr1_4_service_suppliers",
    "pr2_1_catalogue",
    "pr2_2_slas",
    "pr2_3_sla_targets",
    "pr2_4_underpinning",
    "pr2_5_underpinning_targets",
    "pr4_1_requirements",
    "pr4_2_availability_risks",
    "pr4_3_measures",
    "pr4_4_monitoring",
    "pr6_1_policies",
    "pr6_2_security_risks",
    "pr6_3_controls",
    "pr6_4_security_incidents",
    "pr6_5_access_control",
    "pr7_1_customers",
    "pr7_4_customer_reviews",
    "pr7_5_complaints",
    "pr8_1_suppliers",
    "pr8_2_supplier_contacts",
    "pr8_3_supplier_channels",
    "pr8_4_supplier_evaluations",
]

STALE = timedelta(days=30)
"""How long a case may wait in its first status before the audit calls it neglected."""

_NO_SERVICES = "specify the services in the service portfolio (PR1.1)"


# -- PR1 service portfolio management ---------------------------------------------------


def pr1_1_portfolio(s: Snapshot) -> AuditFinding:
    """PR1.1: a portfolio holds services, each specified (description, value, owner)."""
    services = s.services()
    if not services:
        return AuditFinding.not_met("PR1.1", "no service is in a portfolio", next_step=_NO_SERVICES)
    thin = [x.id for x in services if not (x.description and x.value_proposition and x.owner)]
    evidence = [f"{len(services)} service(s) in {len(s.portfolios)} portfolio(s)"]
    if thin:
        evidence.append(f"without a description, value proposition or owner: {listed(thin)}")
    return decide(
        "PR1.1",
        [x.id for x in services],
        thin,
        evidence=evidence,
        next_step=f"complete the specification of {listed(thin)}",
        services=len(services),
        unspecified=len(thin),
    )


def pr1_3_lifecycle(s: Snapshot) -> AuditFinding:
    """PR1.3: every service beyond the first phase got there by recorded moves."""
    services = [(p, x) for p in s.portfolios for x in p.services if x.phase != p.lifecycle.initial]
    if not services:
        return AuditFinding.not_met(
            "PR1.3",
            "no service has moved beyond the first phase of its lifecycle",
            next_step="plan and move services through their lifecycle in the portfolio",
        )
    unrecorded = [x.id for p, x in services if not p.phase_history(x.id)]
    evidence = [f"{len(services) - len(unrecorded)} of {len(services)} services' moves recorded"]
    if unrecorded:
        evidence.append(f"added in a later phase, no move recorded: {listed(unrecorded)}")
    return decide(
        "PR1.3",
        [x.id for _, x in services if x.id not in unrecorded],
        unrecorded,
        evidence=evidence,
        next_step="manage new and changed services through the lifecycle (move them phase by "
        f"phase, with the plans PR1.3 names); not recorded for {listed(unrecorded)}",
        services=len(services),
        unrecorded=len(unrecorded),
    )


def pr1_4_service_suppliers(s: Snapshot) -> AuditFinding:
    """PR1.4: every live service names the suppliers involved, with their roles and a contact."""
    live = s.live_services()
    if not live:
        return AuditFinding.not_met("PR1.4", "no service is live", next_step=_NO_SERVICES)
    none = [x.id for x in live if not x.suppliers]
    involved = {i.supplier for x in live for i in x.suppliers}
    silent = sorted(i for i in involved if i not in _with_contacts(s))
    evidence = [f"{len(live) - len(none)} of {len(live)} live services name their suppliers"]
    if none:
        evidence.append(f"no supplier named: {listed(none)}")
    if silent:
        evidence.append(f"suppliers without a contact in the supplier register: {listed(silent)}")
    return decide(
        "PR1.4",
        [x.id for x in live if x.suppliers],
        none + silent,
        evidence=evidence,
        next_step="name the internal and external suppliers of each service with their "
        f"roles and contact points: {listed(none + silent)}",
        services=len(live),
        without_suppliers=len(none),
        suppliers_without_contact=len(silent),
    )


# -- PR2 service level management ------------------------------------------------------------


def _customer_facing(s: Snapshot) -> list[str]:
    return [x.id for x in s.live_services() if x.target_customers]


def _sla_for(s: Snapshot, service: str) -> Agreement | None:
    for agreements in s.agreements:
        found = agreements.sla_for(service, s.at)
        if found is not None:
            return found
    return None


def pr2_1_catalogue(s: Snapshot) -> AuditFinding:
    """PR2.1: the catalogue (the live services with their customers) is not empty, and every
    live service says what it offers and to whom."""
    live = s.live_services()
    if not live:
        return AuditFinding.not_met(
            "PR2.1", "the service catalogue is empty", next_step=_NO_SERVICES
        )
    thin = [x.id for x in live if not (x.description and x.target_customers)]
    evidence = [f"{len(live)} live service(s) in the catalogue"]
    if thin:
        evidence.append(f"without a description or target customers: {listed(thin)}")
    return decide(
        "PR2.1",
        [x.id for x in live],
        thin,
        evidence=evidence,
        next_step=f"describe what {listed(thin)} offer(s) and to which customers",
        services=len(live),
        incomplete=len(thin),
    )


def pr2_2_slas(s: Snapshot) -> AuditFinding:
    """PR2.2: every live customer-facing service has an SLA in force whose review (its
    schedule, else its ``next_review``) is not overdue."""
    services = _customer_facing(s)
    if not services:
        return AuditFinding.not_met(
            "PR2.2", "no live service is delivered to customers", next_step=_NO_SERVICES
        )
    missing: list[str] = []
    overdue: list[str] = []
    unplanned: list[str] = []
    for service in services:
        sla = _sla_for(s, service)
        if sla is None:
            missing.append(service)
            continue
        schedule = s.schedule("agreement", sla.id)
        if schedule is not None:
            if schedule.overdue(s.at):
                overdue.append(f"{sla.id} ({service})")
        elif sla.next_review is None:
            unplanned.append(f"{sla.id} ({service})")
        elif sla.review_due(s.at.date()):
            overdue.append(f"{sla.id} ({service})")
    evidence = [f"{len(services) - len(missing)} of {len(services)} customer services have an SLA"]
    if missing:
        evidence.append(f"no SLA in force: {listed(missing)}")
    if overdue:
        evidence.append(f"SLA review overdue: {listed(overdue)}")
    if unplanned:
        evidence.append(f"SLA without a planned review: {listed(unplanned)}")
    bad = missing + overdue + unplanned
    late = {x.rsplit(" (", 1)[-1].rstrip(")") for x in overdue + unplanned}
    return decide(
        "PR2.2",
        [x for x in services if x not in missing and x not in late],
        bad,
        evidence=evidence,
        next_step=f"agree or review the SLAs: {listed(bad)}",
        services=len(services),
        without_sla=len(missing),
        reviews_overdue=len(overdue),
        reviews_unplanned=len(unplanned),
    )


def pr2_3_sla_targets(s: Snapshot) -> AuditFinding:
    """PR2.3: every SLA in force states service targets to evaluate performance against,
    and outages of the audit window give the data for the evaluation."""
    slas = [a for agreements in s.agreements for a in agreements.in_force(s.at, "SLA")]
    if not slas:
        return AuditFinding.not_met(
            "PR2.3", "no SLA is in force", next_step="agree SLAs with service targets (PR2.2)"
        )
    empty = [a.id for a in slas if not a.targets]
    outages = len(s.outages) if s.outages is not None else 0
    evidence = [f"{len(slas) - len(empty)} of {len(slas)} SLAs in force state service targets"]
    if empty:
        evidence.append(f"no service target: {listed(empty)}")
    evidence.append(f"{outages} outage record(s) in the window to evaluate availability")
    return decide(
        "PR2.3",
        [a.id for a in slas if a.targets],
        empty,
        evidence=evidence,
        next_step=f"state the service targets of {listed(empty)} and evaluate them "
        "(fitsm.service_levels.evaluate)",
        slas=len(slas),
        without_targets=len(empty),
        outages=outages,
    )


def pr2_4_underpinning(s: Snapshot) -> AuditFinding:
    """PR2.4: every service component has an OLA or UA in force, whose review is planned
    and not overdue."""
    components = sorted({c.id for p in s.portfolios for c in p.components})
    if not components:
        return AuditFinding.not_met(
            "PR2.4",
            "no service component is recorded",
            next_step="record the components that support the services, then agree OLAs/UAs",
        )
    uncovered: list[str] = []
    overdue: set[str] = set()
    for component in components:
        found = [a for agreements in s.agreements for a in agreements.underpinning(component, s.at)]
        if not found:
            uncovered.append(component)
        for agreement in found:
            schedule = s.schedule("agreement", agreement.id)
            late = (
                schedule.overdue(s.at)
                if schedule is not None
                else agreement.next_review is None or agreement.review_due(s.at.date())
            )
            if late:
                overdue.add(agreement.id)
    evidence = [
        f"{len(components) - len(uncovered)} of {len(components)} components covered by an OLA/UA"
    ]
    if uncovered:
        evidence.append(f"no OLA or UA in force: {listed(uncovered)}")
    if overdue:
        evidence.append(f"OLA/UA review overdue or unplanned: {listed(sorted(overdue))}")
    bad = uncovered + sorted(overdue)
    return decide(
        "PR2.4",
        [c for c in components if c not in uncovered],
        bad,
        evidence=evidence,
        next_step=f"agree or review the OLAs and UAs: {listed(bad)}",
        components=len(components),
        uncovered=len(uncovered),
        reviews_overdue=len(overdue),
    )


def pr2_5_underpinning_targets(s: Snapshot) -> AuditFinding:
    """PR2.5: every OLA and UA in force states targets to evaluate performance against."""
    agreements = [a for x in s.agreements for kind in ("OLA", "UA") for a in x.in_force(s.at, kind)]
    if not agreements:
        return AuditFinding.not_met(
            "PR2.5", "no OLA or UA is in force", next_step="agree OLAs and UAs (PR2.4)"
        )
    empty = [a.id for a in agreements if not a.targets]
    evidence = [f"{len(agreements) - len(empty)} of {len(agreements)} OLAs/UAs state targets"]
    if empty:
        evidence.append(f"no target: {listed(empty)}")
    return decide(
        "PR2.5",
        [a.id for a in agreements if a.targets],
        empty,
        evidence=evidence,
        next_step=f"state the targets of {listed(empty)} and evaluate against them",
        agreements=len(agreements),
        without_targets=len(empty),
    )


# -- PR4 service availability and continuity management ------------------------------------


def pr4_1_requirements(s: Snapshot) -> AuditFinding:
    """PR4.1: every live service has availability and continuity requirements, reviewed
    at planned intervals."""
    live = [x.id for x in s.live_services()]
    if not live:
        return AuditFinding.not_met("PR4.1", "no service is live", next_step=_NO_SERVICES)
    known = {service for c in s.continuity for service in c.services()}
    missing = [x for x in live if x not in known]
    reviewed = planned_reviews(
        "PR4.1",
        s,
        "requirements",
        [x for x in live if x in known],
        what="services' requirements",
        none="identify availability and continuity requirements (ContinuityRegister)",
        plan="review the requirements",
    )
    evidence = [f"{len(live) - len(missing)} of {len(live)} live services have requirements"]
    if missing:
        evidence.append(f"no requirements identified: {listed(missing)}")
    if not missing:
        return reviewed
    if len(missing) == len(live):
        return AuditFinding.not_met(
            "PR4.1",
            *evidence,
            next_step=f"identify availability and continuity requirements of {listed(missing)}",
            services=len(live),
            without_requirements=len(missing),
        )
    return AuditFinding.partly_met(
        "PR4.1",
        *evidence,
        *reviewed.evidence,
        next_step=f"identify availability and continuity requirements of {listed(missing)}",
        services=len(live),
        without_requirements=len(missing),
    )


def _risks(s: Snapshot, *areas: str) -> list[tuple[str, bool]]:
    """Open risks of ``areas``: (id, whether it was ever rated)."""
    return [
        (r.id, r.assessed is not None)
        for register in s.risks
        for r in register.ranked()
        if r.area in areas
    ]


def pr4_2_availability_risks(s: Snapshot) -> AuditFinding:
    """PR4.2: availability and continuity risks are recorded and their assessments are on
    schedules that are not overdue."""
    risks = _risks(s, "availability", "continuity")
    return planned_reviews(
        "PR4.2",
        s,
        "risk_assessment",
        [r for r, _ in risks],
        what="availability and continuity risks",
        none="identify availability and continuity risks (fitsm.risks.candidate_risks) and "
        "assess them",
        plan="assess the risk",
    )


def pr4_3_measures(s: Snapshot) -> AuditFinding:
    """PR4.3: every service with requirements has a plan with measures, its last
    continuity test met the RTO, and no plan's test is overdue."""
    services = sorted({x for c in s.continuity for x in c.services()})
    if not services:
        return AuditFinding.not_met(
            "PR4.3",
            "no availability or continuity requirements are identified",
            next_step="identify requirements (PR4.1), then plan measures to meet them",
        )
    unplanned: list[str] = []
    missed: list[str] = []
    overdue: list[str] = []
    for register in s.continuity:
        for service in register.services():
            plans = [p for p in register.plans(service=service) if not p.terminated]
            if not any(p.measures for p in plans):
                unplanned.append(service)
            last = register.last_test(service)
            if last is not None and register.verdict(last.id).rto_met is False:
                missed.append(f"{service} ({last.id})")
        overdue.extend(p.id for p in register.tests_overdue(s.at))
    evidence = [f"{len(services) - len(unplanned)} of {len(services)} services have measures"]
    if unplanned:
        evidence.append(f"no plan with measures: {listed(unplanned)}")
    if missed:
        evidence.append(f"last continuity test missed the RTO: {listed(missed)}")
    if overdue:
        evidence.append(f"continuity test overdue: {listed(overdue)}")
    bad = unplanned + missed + overdue
    return decide(
        "PR4.3",
        [x for x in services if x not in unplanned],
        bad,
        evidence=evidence,
        next_step=f"plan measures, act on test findings and test the plans: {listed(bad)}",
        services=len(services),
        without_measures=len(unplanned),
        rto_missed=len(missed),
        tests_overdue=len(overdue),
    )


def pr4_4_monitoring(s: Snapshot) -> AuditFinding:
    """PR4.4: outages of services, components or CIs were recorded in the audit window."""
    log = s.outages
    if log is None or not len(log):
        return AuditFinding.not_met(
            "PR4.4",
            f"no outage recorded since {s.since.date().isoformat()}",
            next_step="record the outages monitoring sees (uow.outages) so availability is "
            "measured; if there truly were none, mark this not applicable with why",
            outages=0,
        )
    subjects = {log.subjects[int(c)] for c in set(log.codes.tolist())}
    return AuditFinding.met(
        "PR4.4",
        f"{len(log)} outage(s) of {len(subjects)} subject(s) recorded since "
        f"{s.since.date().isoformat()}",
        outages=len(log),
        subjects=len(subjects),
    )


# -- PR6 information security management ---------------------------------------------------


def pr6_1_policies(s: Snapshot) -> AuditFinding:
    """PR6.1: approved security policies, each reviewed at planned intervals."""
    policies = [p for r in s.security for p in r.policies()]
    unapproved = [p.id for p in policies if not any(v.approved for v in p.versions)]
    reviewed = planned_reviews(
        "PR6.1",
        s,
        "security_policy",
        [p.id for p in policies],
        what="security policies",
        none="define information security policies and have them approved",
        plan="review the policy",
    )
    if not unapproved or not policies:
        return reviewed
    return AuditFinding(
        "PR6.1",
        "partly_met" if len(unapproved) < len(policies) else "not_met",
        (*reviewed.evidence, f"no approved version: {listed(unapproved)}"),
        f"approve {listed(unapproved)}",
        reviewed.counts,
    )


def pr6_2_security_risks(s: Snapshot) -> AuditFinding:
    """PR6.2: information security risks are recorded, assessed on schedules that are not
    overdue, and an information security risk manager is named."""
    risks = _risks(s, "information_security")
    found = planned_reviews(
        "PR6.2",
        s,
        "risk_assessment",
        [r for r, _ in risks],
        what="information security risks",
        none="identify and assess information security risks in the risk register",
        plan="assess the risk",
    )
    if s.roles is not None and s.roles.holders(Role.INFORMATION_SECURITY_RISK_MANAGER, at=s.at):
        return found
    return AuditFinding(
        "PR6.2",
        "not_met" if found.status == "not_met" else "partly_met",
        (*found.evidence, "nobody holds the information security risk manager role"),
        "name an information security risk manager"
        + (f"; {found.next_step}" if found.next_step else ""),
        found.counts,
    )


def pr6_3_controls(s: Snapshot) -> AuditFinding:
    """PR6.3: every open information security risk to be reduced is treated by an
    implemented control."""
    risks = [
        r
        for register in s.risks
        for r in register.ranked(area="information_security")
        if r.treatment in (None, "reduce")
    ]
    controls = [c for r in s.security for c in r.controls()]
    if not controls:
        return AuditFinding.not_met(
            "PR6.3",
            "no security control is recorded",
            next_step="implement controls against the information security risks",
        )
    implemented = {
        risk_id
        for c in controls
        if c.status is ImplementationStatus.IMPLEMENTED
        for risk_id in c.risks
    }
    untreated = [r.id for r in risks if r.id not in implemented]
    evidence = [
        f"{len(controls)} control(s); {len(risks) - len(untreated)} of {len(risks)} "
        "security risks treated by an implemented control"
    ]
    if untreated:
        evidence.append(f"no implemented control: {listed(untreated)}")
    return decide(
        "PR6.3",
        [c.id for c in controls],
        untreated,
        evidence=evidence,
        next_step=f"implement controls against {listed(untreated)}",
        controls=len(controls),
        risks=len(risks),
        untreated=len(untreated),
    )


def pr6_4_security_incidents(s: Snapshot) -> AuditFinding:
    """PR6.4: security events are classified within :data:`STALE` of being registered."""
    cases = s.of_kind("security_incident")
    if not cases:
        return AuditFinding.not_met(
            "PR6.4",
            "no information security event or incident is recorded",
            next_step="record and classify the security events monitoring reports (a year "
            "without any needs showing how events are detected)",
            cases=0,
        )
    neglected = [
        c.id
        for c in cases
        if c.status == SecurityIncidentStatus.NEW and s.at - c.registered_at > STALE
    ]
    evidence = [f"{len(cases)} security event(s) recorded"]
    if neglected:
        evidence.append(f"unclassified after {STALE.days} days: {listed(neglected)}")
    return decide(
        "PR6.4",
        [c.id for c in cases if c.id not in neglected],
        neglected,
        evidence=evidence,
        next_step=f"classify and handle {listed(neglected)}",
        cases=len(cases),
        neglected=len(neglected),
    )


def pr6_5_access_control(s: Snapshot) -> AuditFinding:
    """PR6.5: access to every asset with rights is reviewed on schedule, and every decided
    access request was decided by the asset's owner or the ISM process manager (replayed
    from the request's history)."""
    assets = sorted({a.id for r in s.security for a in r.assets() if r.rights(asset=a.id)})
    found = planned_reviews(
        "PR6.5",
        s,
        "access_review",
        assets,
        what="assets with access rights",
        none="record the access rights granted to information assets",
        plan="review the access rights to",
    )
    wrong: list[str] = []
    for request in s.of_kind("access_request"):
        asset = getattr(request, "asset", "")
        for entry in request.history:
            decided = entry.target in (AccessRequestStatus.APPROVED, AccessRequestStatus.REJECTED)
            if decided and (
                s.roles is None
                or not s.roles.knows(entry.actor)
                or not (
                    s.roles.has_role(entry.actor, Role.PROCESS_MANAGER, Process.ISM, at=entry.at)
                    or s.roles.has_role(entry.actor, Role.ASSET_OWNER, asset, at=entry.at)
                )
            ):
                wrong.append(request.id)
    if not wrong:
        return found
    return AuditFinding(
        "PR6.5",
        "not_met",
        (*found.evidence, f"decided by someone without the authority: {listed(wrong)}"),
        f"have access requests decided by the asset owner or the ISM manager: {listed(wrong)}",
        {**found.counts, "wrongly_decided": len(wrong)},
    )


# -- PR7 customer relationship management ---------------------------------------------------


def pr7_1_customers(s: Snapshot) -> AuditFinding:
    """PR7.1: every live service names the customers it serves."""
    live = s.live_services()
    if not live:
        return AuditFinding.not_met("PR7.1", "no service is live", next_step=_NO_SERVICES)
    unnamed = [x.id for x in live if not x.target_customers]
    customers = sorted({c for x in live for c in x.target_customers})
    evidence = [f"{len(customers)} customer(s) of {len(live)} live services: {listed(customers)}"]
    if unnamed:
        evidence.append(f"no customer named: {listed(unnamed)}")
    return decide(
        "PR7.1",
        customers,
        unnamed,
        evidence=evidence,
        next_step=f"identify the customers of {listed(unnamed)}",
        customers=len(customers),
        services_without_customers=len(unnamed),
    )


def pr7_4_customer_reviews(s: Snapshot) -> AuditFinding:
    """PR7.4: a service review with every customer of a live service is on a schedule and
    not overdue."""
    customers = sorted({c for x in s.live_services() for c in x.target_customers})
    return planned_reviews(
        "PR7.4",
        s,
        "customer_review",
        customers,
        what="customers",
        none="identify the customers of the live services (PR7.1)",
        plan="hold the service review with",
    )


def pr7_5_complaints(s: Snapshot) -> AuditFinding:
    """PR7.5: complaints are evaluated within :data:`STALE` and decided by the CRM process
    manager or owner (replayed from their histories)."""
    complaints = s.of_kind("complaint")
    if not complaints:
        return AuditFinding.not_met(
            "PR7.5",
            "no complaint is recorded",
            next_step="register complaints as cases (a year without any needs showing the "
            "complaint channel customers have)",
            complaints=0,
        )
    neglected = [
        c.id
        for c in complaints
        if c.status == ImprovementStatus.NEW and s.at - c.registered_at > STALE
    ]
    deciders = (Role.PROCESS_MANAGER, Role.PROCESS_OWNER)
    wrong = [
        c.id
        for c in complaints
        for e in c.history
        if e.event in ("approve", "reject")
        and (
            s.roles is None
            or not s.roles.knows(e.actor)
            or not any(s.roles.has_role(e.actor, r, "CRM", at=e.at) for r in deciders)
        )
    ]
    evidence = [f"{len(complaints)} complaint(s) recorded"]
    if neglected:
        evidence.append(f"not evaluated after {STALE.days} days: {listed(neglected)}")
    if wrong:
        evidence.append(f"decided without the CRM manager or owner: {listed(wrong)}")
    return decide(
        "PR7.5",
        [c.id for c in complaints if c.id not in neglected + wrong],
        neglected + wrong,
        evidence=evidence,
        next_step=f"evaluate and decide {listed(neglected + wrong)} as CRM prescribes",
        complaints=len(complaints),
        neglected=len(neglected),
        wrongly_decided=len(wrong),
    )


# -- PR8 supplier relationship management ---------------------------------------------------


def _supplier_ids(s: Snapshot) -> list[str]:
    """The suppliers known: the active ones of the supplier register and the portfolio's."""
    found = {r.id for register in s.suppliers for r in register.active()}
    found |= {sup.id for p in s.portfolios for sup in p.suppliers}
    return sorted(found)


def _with_contacts(s: Snapshot) -> set[str]:
    """The suppliers the supplier register names a contact of (PR8.2)."""
    return {r.id for register in s.suppliers for r in register.active() if r.contacts}


def pr8_1_suppliers(s: Snapshot) -> AuditFinding:
    """PR8.1: the internal and external suppliers are recorded, every one the services
    name is in the supplier register."""
    suppliers = _supplier_ids(s)
    if not suppliers:
        return AuditFinding.not_met(
            "PR8.1",
            "no supplier is recorded",
            next_step="record the internal and external suppliers of the services",
            suppliers=0,
        )
    registered = {r.id for register in s.suppliers for r in register.active()}
    missing = [x for x in suppliers if x not in registered]
    evidence = [f"{len(suppliers) - len(missing)} of {len(suppliers)} suppliers registered"]
    if missing:
        evidence.append(f"named in the portfolio, not in the supplier register: {listed(missing)}")
    return decide(
        "PR8.1",
        [x for x in suppliers if x in registered],
        missing,
        evidence=evidence,
        next_step=f"add {listed(missing)} to the supplier register (SupplierRegister.adopt)",
        suppliers=len(suppliers),
        unregistered=len(missing),
    )


def pr8_2_supplier_contacts(s: Snapshot) -> AuditFinding:
    """PR8.2: every supplier has a contact on its side in the supplier register and a
    supplier relationship manager (the FitSM-3 role held for that supplier)."""
    suppliers = _supplier_ids(s)
    if not suppliers:
        return AuditFinding.not_met(
            "PR8.2", "no supplier is recorded", next_step="record the suppliers (PR8.1)"
        )
    contacts = _with_contacts(s)
    silent = [x for x in suppliers if x not in contacts]
    unmanaged = [
        x
        for x in suppliers
        if s.roles is None or not s.roles.holders(Role.SUPPLIER_RELATIONSHIP_MANAGER, x, at=s.at)
    ]
    bad = sorted({*silent, *unmanaged})
    evidence = [f"{len(suppliers) - len(bad)} of {len(suppliers)} suppliers have both"]
    if silent:
        evidence.append(f"no contact in the supplier register: {listed(silent)}")
    if unmanaged:
        evidence.append(f"no supplier relationship manager: {listed(unmanaged)}")
    return decide(
        "PR8.2",
        [x for x in suppliers if x not in bad],
        bad,
        evidence=evidence,
        next_step=f"designate who manages the relationship with {listed(bad)}",
        suppliers=len(suppliers),
        without_contact=len(silent),
        without_manager=len(unmanaged),
    )


def pr8_3_supplier_channels(s: Snapshot) -> AuditFinding:
    """PR8.3: every supplier in the supplier register has an escalation path."""
    records = [r for register in s.suppliers for r in register.active()]
    if not records:
        return AuditFinding.not_met(
            "PR8.3",
            "no supplier is in the supplier register",
            next_step="register the suppliers with their channels and escalation path",
            suppliers=0,
        )
    missing = [r.id for register in s.suppliers for r in register.without_escalation()]
    evidence = [
        f"{len(records) - len(missing)} of {len(records)} suppliers have an escalation path"
    ]
    if missing:
        evidence.append(f"no escalation path: {listed(missing)}")
    return decide(
        "PR8.3",
        [r.id for r in records if r.id not in missing],
        missing,
        evidence=evidence,
        next_step=f"agree the channels and escalation path with {listed(missing)}",
        suppliers=len(records),
        without_escalation=len(missing),
    )


def pr8_4_supplier_evaluations(s: Snapshot) -> AuditFinding:
    """PR8.4: every supplier's evaluation is on a schedule and not overdue."""
    return planned_reviews(
        "PR8.4",
        s,
        "supplier",
        _supplier_ids(s),
        what="suppliers",
        none="record the suppliers (PR8.1)",
        plan="evaluate the supplier",
    )


# -- PR1.2 proposals, from the product register ---------------------------------------------


_SPM_ACTS = {
    "evaluated": SPM_RULES["evaluate_proposal"],
    "decided": SPM_RULES["decide_proposal"],
}
"""The rule that gates each act of a proposal's history the audit replays."""


def _replayed(proposal: Proposal) -> tuple[list[ProductChange], bool]:
    """The evaluations and decisions of a proposal's history, and whether its decision (if
    any) rests on an evaluation of what it says now: no revision after the last one."""
    acts = [c for c in proposal.history if c.action in ("evaluated", "decided")]
    standing = False
    for change in proposal.history:
        if change.action == "evaluated":
            standing = True
        elif change.action in ("proposed", "revised"):
            standing = False
        elif change.action == "decided" and not standing:
            return acts, False
    return acts, True


def pr1_2_proposals(s: Snapshot) -> AuditFinding:
    """PR1.2: every proposal for a new or changed service is evaluated on the written-down
    assessment criteria before it is decided, within :data:`STALE` of being proposed, by
    the SPM process manager or owner or the SMS manager (replayed from its history)."""
    registers = [r for r in s.products if r.proposals()]
    proposals = sorted((p for r in registers for p in r.proposals()), key=lambda p: p.id)
    if not proposals:
        return AuditFinding.not_met(
            "PR1.2",
            "no proposal for a new or changed service is recorded",
            next_step="record proposals with their predicted demand, required resources and "
            "expected benefits (ProductRegister.propose) and evaluate them",
            proposals=0,
        )
    waiting = [
        p.id
        for p in proposals
        if p.status is ProposalStatus.PROPOSED and s.at - p.history[-1].at > STALE
    ]
    unfounded: list[str] = []
    wrong: list[str] = []
    for register in registers:
        for p in register.proposals():
            acts, founded = _replayed(p)
            if not founded:
                unfounded.append(p.id)
            if any(not authorised(s, _SPM_ACTS[c.action], c.by, register, at=c.at) for c in acts):
                wrong.append(p.id)
    criteria = sorted({c.id for r in registers for c in r.assessment_criteria})
    evaluated = [p.id for p in proposals if p.status is not ProposalStatus.PROPOSED]
    evidence = [
        f"{len(evaluated)} of {len(proposals)} proposal(s) evaluated; assessment criteria "
        f"written down: {listed(criteria) or 'none'}",
        "each proposal states its predicted demand, required resources and expected benefits",
    ]
    if waiting:
        evidence.append(f"not evaluated after {STALE.days} days: {listed(waiting)}")
    if unfounded:
        evidence.append(
            f"decided without an evaluation of what it says: {listed(sorted(unfounded))}"
        )
    if wrong:
        evidence.append(
            f"evaluated or decided without the SPM manager's authority: {listed(sorted(wrong))}"
        )
    evidence.append("whether the criteria and findings are sound was not judged")
    bad = sorted({*waiting, *unfounded, *wrong})
    return decide(
        "PR1.2",
        [p.id for p in proposals if p.id not in bad],
        bad,
        evidence=evidence,
        next_step="evaluate and decide each proposal on predicted demand, required resources "
        f"and expected benefits, as the SPM process manager: {listed(bad)}",
        proposals=len(proposals),
        evaluated=len(evaluated),
        waiting=len(waiting),
        unfounded=len(unfounded),
        wrongly_decided=len(wrong),
    )
