"""Report builders (PR3.1): the sections FitSM asks reports to cover.

FitSM-1 (CC BY 4.0): "PR3.1 Required reports shall be identified. Reporting
shall cover performance of services and processes against defined targets,
significant events and detected nonconformities." Each builder assembles one
:class:`~fitsm.reporting.Section` from data it is given (the domain reads no
store):

- :func:`service_performance`: the results of :func:`fitsm.service_levels.evaluate`,
  availability as the exact percentage and the error budget left;
- :func:`significant_events`: major incidents open in the period and SLA breaches;
- :func:`nonconformities`: findings, any records with ``id``, ``title`` and ``status``;
- :func:`workload`: cases opened and closed per kind in the period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import attrs

from fitsm.availability.measurement import Outage, OutageLog
from fitsm.cases.base import Case
from fitsm.cases.incidents import Incident
from fitsm.cases.kinds import lifecycle_of
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.reporting.sections import ChartRequest, Section
from fitsm.service_levels.agreements import TargetKind
from fitsm.service_levels.evaluation import Evaluation, TargetEvaluation
from fitsm.tables import Column, Columns, Rows
from fitsm.time.calendar import BusinessCalendar
from fitsm.units import Quantity, percent

__all__ = [
    "EventRow",
    "NonconformityRow",
    "PerformanceRow",
    "WorkloadRow",
    "closed_at",
    "nonconformities",
    "service_performance",
    "significant_events",
    "workload",
]


def _period(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    lo, hi = as_utc(start, "start"), as_utc(end, "end")
    if hi <= lo:
        raise ValidationError(
            f"a report period ends after it starts, got {lo.isoformat()} to {hi.isoformat()}",
            field="end",
        )
    return lo, hi


def _shown(value: Any) -> str:
    """A target's value or a measurement as text, with its unit's symbol."""
    if value is None:
        return ""
    return f"{value:~P}" if isinstance(value, Quantity) else str(value)


@attrs.frozen
class PerformanceRow:
    """One target of one service in the period: the agreed value, what was measured
    (availability as the exact percentage), the verdict, the downtime and the error budget
    left (negative when overspent), durations in the agreement's service hours."""

    columns: ClassVar[Columns] = Columns(
        Column("service", "string"),
        Column("agreement", "string"),
        Column("target", "string"),
        Column("agreed", "string"),
        Column("measured", "string"),
        Column("verdict", "category", categories=("met", "violated", "unmeasured")),
        Column("downtime_s", "seconds", "downtime", nullable=True, calendar="calendar"),
        Column(
            "error_budget_left_s",
            "seconds",
            "error_budget_left",
            nullable=True,
            calendar="calendar",
        ),
    )
    """The table of the service performance section."""

    service: str
    agreement: str
    target: str
    agreed: str
    measured: str
    verdict: str
    downtime: timedelta | None
    error_budget_left: timedelta | None
    calendar: BusinessCalendar | None

    @classmethod
    def of(cls, result: TargetEvaluation) -> PerformanceRow:
        """The row of one target evaluation."""
        verdict = {True: "met", False: "violated", None: "unmeasured"}[result.met]
        if result.target_kind is TargetKind.AVAILABILITY and result.report is not None:
            share = result.report.availability
            measured = "" if share is None else f"{percent(share)} %"
            agreed = f"{percent(result.target.share)} %"
        else:
            measured = _shown(result.measured)
            agreed = _shown(result.target.value)
        report = result.report
        return cls(
            result.subject,
            result.agreement,
            result.label,
            agreed,
            measured,
            verdict,
            None if report is None else report.downtime,
            result.error_budget_left,
            result.calendar,
        )


def service_performance(
    evaluation: Evaluation,
    *,
    services: Iterable[str] = (),
    outages: OutageLog | Iterable[Outage] | None = None,
    history: Mapping[str, Evaluation] | None = None,
) -> Section:
    """Performance of services against their targets (PR3.1), from an
    :func:`~fitsm.service_levels.evaluate` result.

    ``services`` narrows the section to those services (all when empty). With
    ``outages`` the section asks for an availability timeline per service with an
    availability target; with ``history`` (evaluations by label, e.g. ``"2024-01"``,
    the period's own included) for a compliance heatmap of the services over them.
    """
    if not isinstance(evaluation, Evaluation):
        raise ValidationError(
            f"service_performance needs an Evaluation (fitsm.service_levels.evaluate), got "
            f"{evaluation!r}",
            field="evaluation",
        )
    wanted = set(services)
    results = [r for r in evaluation.results if not wanted or r.subject in wanted]
    rows = Rows(
        sorted((PerformanceRow.of(r) for r in results), key=lambda r: (r.service, r.target)),
        columns=PerformanceRow.columns,
    )
    covered = sorted({r.service for r in rows})
    violated = sum(r.verdict == "violated" for r in rows)
    charts: list[ChartRequest] = []
    if outages is not None:
        log = outages if isinstance(outages, OutageLog) else OutageLog.of(outages)
        for result in sorted(results, key=lambda r: (r.subject, r.label, r.start)):
            if result.target_kind is TargetKind.AVAILABILITY and result.report is not None:
                charts.append(
                    ChartRequest(
                        "availability_timeline",
                        f"Availability of {result.subject} ({result.agreement})",
                        {
                            "outages": log,
                            "subject": result.subject,
                            "start": result.start,
                            "end": result.end,
                            "target": result.target,
                            "calendar": result.calendar,
                        },
                    )
                )
    if history:
        charts.append(
            ChartRequest(
                "compliance_heatmap",
                "SLA compliance by month",
                {"source": dict(history), "services": covered},
            )
        )
    text = (
        f"{len(covered)} services, {len(rows)} targets: "
        f"{sum(r.verdict == 'met' for r in rows)} met, {violated} violated, "
        f"{sum(r.verdict == 'unmeasured' for r in rows)} unmeasured."
    )
    return Section(
        "service_performance",
        "Service performance against targets",
        rows,
        text,
        {"services": len(covered), "targets": len(rows), "violated": violated},
        charts,
    )


@attrs.frozen
class EventRow:
    """A significant event of the period: a major incident or an SLA breach."""

    columns: ClassVar[Columns] = Columns(
        Column("at", "instant"),
        Column("event", "category", categories=("major_incident", "sla_breach")),
        Column("service", "string"),
        Column("reference", "string"),
        Column("description", "string"),
    )
    """The table of the significant events section."""

    at: datetime
    event: str
    service: str
    reference: str
    description: str


def closed_at(case: Case) -> datetime | None:
    """When ``case`` reached a final status of its lifecycle (closed, cancelled, ...),
    from its history; None while it has not."""
    finals = lifecycle_of(case).finals
    return next((h.at for h in case.history if h.target in finals), None)


def _open_in(case: Case, lo: datetime, hi: datetime) -> bool:
    ended = closed_at(case)
    return case.registered_at < hi and (ended is None or ended >= lo)


def significant_events(
    start: datetime,
    end: datetime,
    *,
    cases: Iterable[Case] = (),
    evaluation: Evaluation | None = None,
    services: Iterable[str] = (),
) -> Section:
    """Significant events in ``[start, end)`` (PR3.1): the major incidents (PR9.6) open at
    some time in the period, and the SLA targets the evaluation found violated.

    ``services`` narrows both to those services (all when empty)."""
    lo, hi = _period(start, end)
    wanted = set(services)
    rows: list[EventRow] = []
    majors = [
        c
        for c in cases
        if isinstance(c, Incident)
        and c.major
        and _open_in(c, lo, hi)
        and (not wanted or c.service in wanted)
    ]
    for incident in majors:
        rows.append(
            EventRow(
                max(incident.registered_at, lo),
                "major_incident",
                incident.service or "",
                incident.id,
                f"{incident.title} ({incident.status})",
            )
        )
    breaches = 0
    if evaluation is not None:
        for result in evaluation.violated:
            if wanted and result.subject not in wanted:
                continue
            breaches += 1
            row = PerformanceRow.of(result)
            rows.append(
                EventRow(
                    result.start,
                    "sla_breach",
                    result.subject,
                    result.agreement,
                    f"{result.label}: {row.measured} against {row.agreed}",
                )
            )
    rows.sort(key=lambda r: (r.at, r.event, r.reference))
    text = f"{len(majors)} major incidents, {breaches} SLA breaches."
    return Section(
        "significant_events",
        "Significant events",
        Rows(rows, columns=EventRow.columns),
        text,
        {"major_incidents": len(majors), "breaches": breaches},
    )


@attrs.frozen
class NonconformityRow:
    """A detected nonconformity: its id, title and status."""

    columns: ClassVar[Columns] = Columns(
        Column("id", "string"), Column("title", "string"), Column("status", "string")
    )
    """The table of the nonconformities section."""

    id: str
    title: str
    status: str


def nonconformities(findings: Iterable[Any]) -> Section:
    """Detected nonconformities (PR3.1): any records with ``id``, ``title`` and ``status``
    (findings of an audit, an assessment or a review), listed by id."""
    rows: list[NonconformityRow] = []
    for finding in findings:
        missing = [a for a in ("id", "title", "status") if not hasattr(finding, a)]
        if missing:
            raise ValidationError(
                f"a nonconformity needs id, title and status; {finding!r} has no "
                + ", ".join(missing),
                field="findings",
            )
        status = finding.status
        rows.append(
            NonconformityRow(
                str(finding.id),
                str(finding.title),
                str(getattr(status, "value", status)),
            )
        )
    rows.sort(key=lambda r: r.id)
    return Section(
        "nonconformities",
        "Detected nonconformities",
        Rows(rows, columns=NonconformityRow.columns),
        f"{len(rows)} nonconformities.",
        {"nonconformities": len(rows)},
    )


@attrs.frozen
class WorkloadRow:
    """Cases of one kind: opened in the period, closed in it, and open at its end."""

    columns: ClassVar[Columns] = Columns(
        Column("kind", "string"),
        Column("opened", "int"),
        Column("closed", "int"),
        Column("open_at_end", "int"),
    )
    """The table of the workload section."""

    kind: str
    opened: int
    closed: int
    open_at_end: int


def workload(
    cases: Iterable[Case],
    start: datetime,
    end: datetime,
    *,
    services: Iterable[str] = (),
    kinds: Sequence[str] = (),
) -> Section:
    """Workload in ``[start, end)`` (PR3.1): per case kind, the cases registered in the
    period, those that reached a final status in it, and those still open at its end.

    ``services`` narrows to cases of those services; ``kinds`` lists kinds to show even
    without cases (``("incident", "service_request")``)."""
    lo, hi = _period(start, end)
    wanted = set(services)
    counts: dict[str, list[int]] = {k: [0, 0, 0] for k in kinds}
    for case in cases:
        if not isinstance(case, Case):
            raise ValidationError(f"workload counts cases, got {case!r}", field="cases")
        if wanted and case.service not in wanted:
            continue
        tally = counts.setdefault(case.kind, [0, 0, 0])
        ended = closed_at(case)
        if lo <= case.registered_at < hi:
            tally[0] += 1
        if ended is not None and lo <= ended < hi:
            tally[1] += 1
        if case.registered_at < hi and (ended is None or ended >= hi):
            tally[2] += 1
    rows = [WorkloadRow(k, *v) for k, v in sorted(counts.items())]
    opened = {f"{r.kind}s": r.opened for r in rows}
    text = ", ".join(f"{r.opened} {r.kind}s opened, {r.closed} closed" for r in rows)
    return Section(
        "workload",
        "Workload",
        Rows(rows, columns=WorkloadRow.columns),
        (text + ".") if rows else "No cases.",
        opened,
    )
