"""Checks of GR4-GR7 (plan, do, check, act) that the store's data decides.

GR4.1-GR6.2 and GR7.1 read the SMS register (:class:`fitsm.sms.SmsRegister`): the
service management plan and its milestones, the process plans, the KPIs and their
measurements, the assessments and the nonconformities with their corrective actions,
alongside the review schedules (the plan's update, the assessments) and the cases
(the CSI improvements a nonconformity feeds). GR5.2 and GR7.2 replay the cases.
"""

from __future__ import annotations

from fitsm.cases.improvements import ImprovementStatus
from fitsm.cases.kinds import lifecycle_of
from fitsm.conformance._helpers import (
    day,
    decide,
    in_scope,
    items,
    listed,
    planned_reviews,
    recent,
    sms_of,
)
from fitsm.conformance.findings import AuditFinding, FindingStatus
from fitsm.conformance.snapshot import Snapshot
from fitsm.errors import InvalidTransitionError
from fitsm.sms.assessments import Nonconformity
from fitsm.sms.kpis import Kpi
from fitsm.sms.plans import ServiceManagementPlan

__all__ = [
    "gr4_1_plan",
    "gr4_2_process_plans",
    "gr5_1_plan_implemented",
    "gr5_2_processes_followed",
    "gr6_1_kpis",
    "gr6_2_assessments",
    "gr7_1_nonconformities",
    "gr7_2_improvement",
]

_NO_PLAN = (
    "create the service management plan: goals and milestones, roles and responsibilities, "
    "training and awareness, supporting tools"
)


def _plan(s: Snapshot) -> ServiceManagementPlan | None:
    found = items(sms_of(s), ServiceManagementPlan)
    return found[0] if found else None


def gr4_1_plan(s: Snapshot) -> AuditFinding:
    """GR4.1: the service management plan has what GR4.1 lists (goals, a timeline of
    milestones, roles and responsibilities, training and awareness, technology) and is
    maintained: its update is on a review schedule that is not overdue."""
    sms = sms_of(s)
    plan = _plan(s)
    if sms is None or plan is None:
        return AuditFinding.not_met(
            "GR4.1", "no service management plan is recorded", next_step=_NO_PLAN
        )
    evidence = [
        f"the plan has goals ({len(plan.goals)}), milestones ({len(plan.milestones)}), "
        f"responsibilities ({len(plan.responsibilities)}), training and awareness "
        f"activities ({len(plan.training)}) and tools ({len(plan.technology)})"
    ]
    if plan.history:
        evidence.append(f"last changed on {day(plan.history[-1].at)} by {plan.history[-1].by!r}")
    problems: list[str] = []
    steps: list[str] = []
    missing = plan.missing()
    if missing:
        problems.append(f"the plan lacks {', '.join(missing)}")
        steps.append(f"add {', '.join(missing)} to the service management plan")
    schedule = s.schedule("sms_plan", sms.id)
    if schedule is None:
        problems.append("its update is on no review schedule")
        steps.append("plan the periodic review and update of the plan (sms_plan_subject)")
    elif schedule.overdue(s.at):
        problems.append(f"its update was due on {day(schedule.next_due)}")
        steps.append("review and update the service management plan")
    else:
        evidence.append(f"its next update is due on {day(schedule.next_due)}")
    counts = {"goals": len(plan.goals), "milestones": len(plan.milestones)}
    if problems:
        return AuditFinding.partly_met(
            "GR4.1", *evidence, *problems, next_step="; ".join(steps), **counts
        )
    return AuditFinding.met("GR4.1", *evidence, **counts)


def gr4_2_process_plans(s: Snapshot) -> AuditFinding:
    """GR4.2: every process plan in force serves goals of the service management plan, and
    only goals it has."""
    sms = sms_of(s)
    plan = _plan(s)
    plans = [] if sms is None else [p for p in sms.process_plans() if not p.retired]
    if plan is None:
        return AuditFinding.not_met(
            "GR4.2",
            "no service management plan is recorded to align process plans to",
            next_step=_NO_PLAN,
            process_plans=len(plans),
        )
    if not plans:
        return AuditFinding.met(
            "GR4.2",
            "no process-specific plan is in force: nothing to align",
            f"the service management plan has {len(plan.goals)} goals to align new ones to",
            process_plans=0,
        )
    goals = set(plan.goal_ids())
    misaligned = plan.misaligned(plans)
    evidence = [
        f"{len(plans) - len(misaligned)} of {len(plans)} process plans serve goals of the "
        "service management plan"
    ]
    serving_none = [p.id for p in misaligned if not p.serves]
    unknown = [
        f"{p.id} ({', '.join(g for g in p.serves if g not in goals)})"
        for p in misaligned
        if p.serves
    ]
    if serving_none:
        evidence.append(f"serve no goal of the plan: {listed(serving_none)}")
    if unknown:
        evidence.append(f"name goals the plan does not have: {listed(unknown)}")
    return decide(
        "GR4.2",
        [p.id for p in plans if p not in misaligned],
        [p.id for p in misaligned],
        evidence=evidence,
        next_step="align "
        + listed(p.id for p in misaligned)
        + " to the goals of the service management plan",
        process_plans=len(plans),
        misaligned=len(misaligned),
    )


def gr5_1_plan_implemented(s: Snapshot) -> AuditFinding:
    """GR5.1: the plan's milestones due by the audit are reached (late ones are named)."""
    plan = _plan(s)
    if plan is None:
        return AuditFinding.not_met(
            "GR5.1", "no service management plan is recorded to implement", next_step=_NO_PLAN
        )
    if not plan.milestones:
        return AuditFinding.not_met(
            "GR5.1",
            "the service management plan has no milestones to implement it by",
            next_step="add milestones with due dates to the plan and mark them reached",
            milestones=0,
        )
    reached = [m for m in plan.milestones if m.reached is not None and m.reached <= s.at]
    open_due = [m for m in plan.milestones if m.due <= s.at and m not in reached]
    late = [m.id for m in reached if m.late(s.at)]
    evidence = [
        f"{len(reached)} of {len(plan.milestones)} milestones reached; "
        f"{sum(m.due <= s.at for m in plan.milestones)} due by {day(s.at)}"
    ]
    if open_due:
        evidence.append(
            "due and not reached: " + listed(f"{m.id} (due {day(m.due)})" for m in open_due)
        )
    if late:
        evidence.append(f"reached after their due date: {listed(late)}")
    return decide(
        "GR5.1",
        [m.id for m in reached],
        [m.id for m in open_due],
        evidence=evidence,
        next_step="reach the milestones due, or replan them: " + listed(m.id for m in open_due),
        milestones=len(plan.milestones),
        reached=len(reached),
        overdue=len(open_due),
        late=len(late),
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


def gr6_1_kpis(s: Snapshot) -> AuditFinding:
    """GR6.1: every process in scope has a KPI in use, and every KPI in use was measured in
    the audit window, so it can be evaluated against its target."""
    sms = sms_of(s)
    kpis = [k for k in items(sms, Kpi) if not k.retired]
    if not kpis:
        return AuditFinding.not_met(
            "GR6.1",
            "no KPI is defined in the SMS register",
            next_step="define KPIs for the SMS and each process (goal, measure, collection, "
            "target, review) and record their measurements",
            kpis=0,
        )
    processes = in_scope(sms)
    covered = {k.process for k in kpis}
    without = [p.value for p in processes if p not in covered]
    measured = [k for k in kpis if any(recent(m.at, s) for m in k.measurements)]
    unmeasured = [k.id for k in kpis if k not in measured]
    off = [k.id for k in measured if k.on_target() is False]
    evidence = [
        f"{len(processes) - len(without)} of {len(processes)} processes in scope have a KPI",
        f"{len(measured)} of {len(kpis)} KPIs measured since {day(s.since)}, "
        f"{len(measured) - len(off)} of them on target",
    ]
    steps = []
    if without:
        evidence.append(f"processes without a KPI: {listed(without)}")
        steps.append(f"define KPIs for {listed(without)}")
    if unmeasured:
        evidence.append(f"KPIs not measured in the window: {listed(unmeasured)}")
        steps.append(f"measure {listed(unmeasured)}")
    if off:
        evidence.append(f"off target (deviations for GR7.1): {listed(off)}")
    return decide(
        "GR6.1",
        [k.id for k in measured],
        without + unmeasured,
        evidence=evidence,
        next_step="; ".join(steps),
        kpis=len(kpis),
        measured=len(measured),
        off_target=len(off),
        processes_without=len(without),
    )


def gr6_2_assessments(s: Snapshot) -> AuditFinding:
    """GR6.2: assessments or audits of the SMS are on a schedule that is not overdue, and
    recorded with their findings in the SMS register in the audit window."""
    planned = planned_reviews(
        "GR6.2",
        s,
        "sms_assessment",
        [x.subject.id for x in s.schedules("sms_assessment") if x.active],
        what="SMS assessments",
        none="plan assessments or audits of the SMS (this audit is one) on a review schedule",
        plan="perform or plan the SMS assessment",
    )
    sms = sms_of(s)
    recorded = [a for a in ([] if sms is None else sms.assessments()) if recent(a.held, s)]
    evidence = list(planned.evidence) if planned.counts else ["no assessment is planned"]
    steps = [planned.next_step] if planned.next_step else []
    if recorded:
        evidence.append(
            f"assessments recorded since {day(s.since)}: "
            + listed(f"{a.id} ({a.kind}, findings: {len(a.findings)})" for a in recorded)
        )
    else:
        evidence.append(f"no assessment or audit recorded in the SMS register since {day(s.since)}")
        steps.append("record each assessment or audit with its findings (record_assessment)")
    on_schedule = planned.status is FindingStatus.MET
    return decide(
        "GR6.2",
        [x for x, ok in (("schedule", on_schedule), ("recorded", bool(recorded))) if ok],
        [x for x, ok in (("schedule", on_schedule), ("recorded", bool(recorded))) if not ok],
        evidence=evidence,
        next_step="; ".join(steps),
        **planned.counts,
        recorded=len(recorded),
    )


def _raised_from(nonconformities: list[Nonconformity]) -> set[str]:
    """The sources the nonconformities were raised from, an assessment finding's as
    ``assessment/finding`` (with or without an ``assessment:`` prefix)."""
    return {n.source.removeprefix("assessment:") for n in nonconformities if n.source}


def _handles(nonconformity: Nonconformity, kpi: Kpi) -> bool:
    """Whether the nonconformity deals with the KPI's latest miss: raised from the KPI and
    open, or raised after that measurement."""
    latest = kpi.latest
    raised = nonconformity.history[0].at if nonconformity.history else None
    return nonconformity.source == f"kpi:{kpi.id}" and (
        not nonconformity.closed
        or (latest is not None and raised is not None and raised >= latest.at)
    )


def gr7_1_nonconformities(s: Snapshot) -> AuditFinding:
    """GR7.1: the nonconformities an assessment found and the KPIs off target are raised as
    nonconformities and deviations; each open one has a corrective action or feeds a CSI
    improvement the store holds, and no corrective action is past due."""
    sms = sms_of(s)
    found = items(sms, Nonconformity)
    assessments = [] if sms is None else sms.assessments()
    measured = [k for k in items(sms, Kpi) if not k.retired and k.measurements]
    if not (found or assessments or measured):
        return AuditFinding.not_met(
            "GR7.1",
            "nothing identifies nonconformities: no assessment, measured KPI or "
            "nonconformity is recorded",
            next_step="assess the SMS and measure its KPIs (GR6), and raise what they find as "
            "nonconformities with corrective actions",
            nonconformities=0,
        )
    raised = _raised_from(found)
    unraised = [
        f"{a.id}/{f.id}"
        for a in assessments
        for f in a.nonconformities()
        if f"{a.id}/{f.id}" not in raised
    ]
    off = [k for k in measured if k.on_target() is False]
    unhandled = [k.id for k in off if not any(_handles(n, k) for n in found)]
    open_ = [n for n in found if not n.closed]
    no_action = [n.id for n in open_ if not n.corrective_actions and not n.improvement]
    late = [
        f"{n.id}/{a.id}"
        for n in open_
        for a in n.open_actions()
        if a.due is not None and a.due < s.at
    ]
    improvements = {c.id for c in s.of_kind("improvement")}
    lost = [n.id for n in found if n.improvement and n.improvement not in improvements]
    evidence = [
        f"nonconformities and deviations raised: {len(found)}, closed: {len(found) - len(open_)}"
    ]
    steps = []
    for what, ids, step in (
        ("assessment findings not raised", unraised, "raise the nonconformities found by"),
        ("KPIs off target without a deviation raised", unhandled, "raise deviations for"),
        ("open without a corrective action or improvement", no_action, "add corrective actions to"),
        ("corrective actions past due", late, "complete or replan"),
        ("feeding an improvement the store does not hold", lost, "register the improvements of"),
    ):
        if ids:
            evidence.append(f"{what}: {listed(ids)}")
            steps.append(f"{step} {listed(ids)}")
    bad = sorted({*unraised, *unhandled, *no_action, *(x.split("/")[0] for x in late), *lost})
    return decide(
        "GR7.1",
        [n.id for n in found if n.id not in bad],
        bad,
        evidence=evidence,
        next_step="; ".join(steps),
        nonconformities=len(found),
        open=len(open_),
        unraised=len(unraised) + len(unhandled),
        without_action=len(no_action),
        actions_past_due=len(late),
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
