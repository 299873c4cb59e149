"""Evaluating agreements against what was measured (PR2.3, PR2.5), and their alignment (PR2.4).

:func:`evaluate` goes through every agreement in force in a period and returns
one :class:`TargetEvaluation` per service target and covered item, with the
measured value, met or not, the margin, and for availability the error budget
left. A period across a revision is split: each version is measured over the
part of the period it governed, against its own targets. Each violated target
also yields a :class:`TargetViolated` event, so an application can notify the
customer or escalate to the supplier. An :class:`Evaluation` is also a table
with one row per result (``to_records()``, ``to_frame()``).

:func:`check_alignment` is the check a service level manager wants before signing
an SLA: can the OLAs and UAs underneath support it?
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from fitsm.availability.composite import CompositeAvailability, composite_availability
from fitsm.availability.measurement import (
    AvailabilityPolicy,
    AvailabilityReport,
    Outage,
    OutageLog,
    measure_availability,
)
from fitsm.clock import as_utc
from fitsm.cmdb.analysis import dependencies
from fitsm.errors import ValidationError
from fitsm.service_levels.agreements import (
    Agreement,
    AgreementKind,
    Agreements,
    ServiceTarget,
    TargetKind,
)
from fitsm.tables import Column, Columns
from fitsm.time.calendar import BusinessCalendar
from fitsm.time.durations import format_duration
from fitsm.units import Q_, Quantity, percent

if TYPE_CHECKING:
    from fitsm.cmdb.view import CmdbView

__all__ = [
    "AlignmentFinding",
    "Evaluation",
    "TargetEvaluation",
    "TargetViolated",
    "check_alignment",
    "evaluate",
]


@attrs.frozen
class TargetViolated:
    """Event: a service target was not met in a period."""

    agreement: str
    version: int
    kind: AgreementKind
    party: str
    subject: str
    target: str
    target_value: Any
    measured: Any
    start: datetime
    end: datetime


def _in_target_unit(result: TargetEvaluation, value: Any) -> Any:
    """A measured value or margin as a plain number in the unit of the target."""
    if not isinstance(value, Quantity):
        return value
    units = result.target.value.units
    if value.units == units:
        return value.magnitude
    # a Decimal magnitude does not mix with pint's float factors: convert as a float
    return Q_(float(value.magnitude), str(value.units)).to(units).magnitude


def _target_value(result: TargetEvaluation) -> Any:
    return result.target.value.magnitude


def _measured(result: TargetEvaluation) -> Any:
    return _in_target_unit(result, result.measured)


def _margin(result: TargetEvaluation) -> Any:
    return _in_target_unit(result, result.margin)


def _unit(result: TargetEvaluation) -> str:
    return str(result.target.value.units)


def _availability(result: TargetEvaluation) -> Fraction | None:
    return None if result.report is None else result.report.availability


def _agreed_time(result: TargetEvaluation) -> timedelta | None:
    return None if result.report is None else result.report.agreed_time


def _downtime(result: TargetEvaluation) -> timedelta | None:
    return None if result.report is None else result.report.downtime


@attrs.frozen(repr=False)
class TargetEvaluation:
    """One target of one agreement version, for one covered service or component, over
    the part of the evaluated period (``start`` to ``end``) that version governed.

    As a row of a table: the ``agreement``, its ``version``, the ``subject``, the
    ``target`` (its label), ``target_kind`` and ``priority``, ``start`` and ``end``,
    ``met`` (empty when unmeasured), and ``target_value``, ``measured`` and
    ``margin`` as plain numbers in the target's ``unit`` (``percent`` for
    availability); for availability also the measured ``availability`` (a
    ratio), ``agreed_time_s``, ``downtime_s`` and ``error_budget_left_s``
    (negative when overspent).
    """

    columns: ClassVar[Columns] = Columns(
        Column("agreement", "string"),
        Column("version", "int"),
        Column("subject", "string"),
        Column("target", "string", "label"),
        Column("target_kind", "category", "target_kind", categories=TargetKind),
        Column("priority", "string", "priority", nullable=True),
        Column("start", "instant"),
        Column("end", "instant"),
        Column("met", "bool", nullable=True),
        Column("target_value", "float", _target_value),
        Column("measured", "float", _measured, nullable=True),
        Column("margin", "float", _margin, nullable=True),
        Column("unit", "string", _unit),
        Column("availability", "float", _availability, nullable=True),
        Column("agreed_time_s", "seconds", _agreed_time, nullable=True, calendar="calendar"),
        Column("downtime_s", "seconds", _downtime, nullable=True, calendar="calendar"),
        Column(
            "error_budget_left_s",
            "seconds",
            "error_budget_left",
            nullable=True,
            calendar="calendar",
        ),
    )
    """The table of target evaluations: one row each."""

    agreement: str
    version: int
    subject: str
    target: ServiceTarget
    measured: Any
    """A quantity, or ``None`` when nothing was measured."""
    met: bool | None
    margin: Any
    """How far the measurement is on the good side of the target (negative: violated)."""
    report: AvailabilityReport | None = None
    error_budget_left: timedelta | None = None
    start: datetime = attrs.field(kw_only=True)
    end: datetime = attrs.field(kw_only=True)

    @property
    def label(self) -> str:
        """The target's label: its name, or its kind with the priority."""
        return self.target.label

    @property
    def target_kind(self) -> TargetKind:
        """What the target measures."""
        return self.target.kind

    @property
    def priority(self) -> str | None:
        """The priority a response or resolution time target is for."""
        return self.target.priority

    @property
    def calendar(self) -> BusinessCalendar | None:
        """The service hours an availability target was measured in."""
        return None if self.report is None else self.report.calendar

    def __repr__(self) -> str:
        verdict = {True: "met", False: "violated", None: "unmeasured"}[self.met]
        shown = [f"{self.agreement} v{self.version} {self.subject} {self.label}: {verdict}"]
        if self.measured is not None:
            shown.append(f"measured {self.measured} against {self.target.value}")
        if self.error_budget_left is not None:
            left = format_duration(self.error_budget_left, calendar=self.calendar)
            shown.append(f"error budget left {left}")
        return f"<TargetEvaluation {', '.join(shown)}>"


_SHOWN = (
    "agreement",
    "version",
    "subject",
    "target",
    "met",
    "measured",
    "target_value",
    "unit",
    "margin",
    "error_budget_left_s",
)


@attrs.frozen
class Evaluation:
    """An agreement measured over a period: one result per target, and the violations (PR2.3).

    As a table it has one row per result, with the columns of
    :class:`TargetEvaluation`.
    """

    columns: ClassVar[Columns] = TargetEvaluation.columns
    """The table of an evaluation: one row per target evaluation."""

    start: datetime
    end: datetime
    results: tuple[TargetEvaluation, ...]
    events: tuple[TargetViolated, ...]

    @property
    def violated(self) -> tuple[TargetEvaluation, ...]:
        return tuple(r for r in self.results if r.met is False)

    @property
    def unmeasured(self) -> tuple[TargetEvaluation, ...]:
        return tuple(r for r in self.results if r.met is None)

    def to_records(self, *, iso: bool = False) -> list[dict[str, Any]]:
        """One dict of plain values per target evaluation."""
        return self.columns.records(self.results, iso=iso)

    def to_frame(self) -> Any:
        """One row per target evaluation as a pandas DataFrame (needs the ``pandas`` extra)."""
        return self.columns.frame(self.results)

    def _repr_html_(self) -> str:
        caption = (
            f"Evaluation {self.start.isoformat()} to {self.end.isoformat()}: "
            f"{len(self.results)} targets, {len(self.violated)} violated, "
            f"{len(self.unmeasured)} unmeasured"
        )
        return self.columns.html(self.results, caption=caption, names=_SHOWN)


def evaluate(
    agreements: Agreements,
    start: datetime,
    end: datetime,
    *,
    outages: OutageLog | Iterable[Outage] = (),
    measurements: Mapping[tuple[str, str], Any] | None = None,
    services: Iterable[str] = (),
    policy: AvailabilityPolicy | None = None,
) -> Evaluation:
    """Evaluate every agreement in force in ``[start, end)`` (PR2.3 for SLAs, PR2.5 for OLAs/UAs).

    Each agreement is measured only while in force, and with the versions that
    were in effect: a version's targets are measured over the part of the period
    it governed (:meth:`Agreements.timeline`), so a later revision never changes a
    past period's results, and a revision within the period grades each part by
    the terms then agreed. Availability targets are measured from ``outages``
    within the version's calendar. Other targets take their value from
    ``measurements``, keyed by ``(agreement id, target label)`` and compared with
    each version's target; without one they are reported unmeasured. The default
    SLA covers those of ``services`` that have no SLA of their own in the period.
    """
    lo, hi = as_utc(start, "start"), as_utc(end, "end")
    if hi <= lo:
        raise ValidationError(f"period ends before it starts: {lo.isoformat()} to {hi.isoformat()}")
    log = outages if isinstance(outages, OutageLog) else OutageLog.of(outages)
    given = dict(measurements or {})
    governed: list[tuple[Agreement, datetime, datetime]] = []
    for latest in agreements:
        for period in agreements.timeline(latest.id):
            part = period.clipped(lo, hi)
            if part is not None:
                governed.append((period.agreement, *part))
    own_sla = {
        s for a, _, _ in governed if a.kind is AgreementKind.SLA and not a.default for s in a.covers
    }
    results: list[TargetEvaluation] = []
    events: list[TargetViolated] = []
    for agreement, a_lo, a_hi in governed:
        subjects = agreement.covers
        if agreement.default:
            subjects = tuple(s for s in services if s not in own_sla) + subjects
        for subject in subjects:
            for target in agreement.targets:
                result = _evaluate_target(
                    agreement, subject, target, a_lo, a_hi, log, given, policy
                )
                results.append(result)
                if result.met is False:
                    events.append(
                        TargetViolated(
                            agreement.id,
                            agreement.version,
                            agreement.kind,
                            agreement.party,
                            subject,
                            target.label,
                            target.value,
                            result.measured,
                            a_lo,
                            a_hi,
                        )
                    )
    return Evaluation(lo, hi, tuple(results), tuple(events))


def _evaluate_target(
    agreement: Agreement,
    subject: str,
    target: ServiceTarget,
    start: datetime,
    end: datetime,
    log: OutageLog,
    given: Mapping[tuple[str, str], Any],
    policy: AvailabilityPolicy | None,
) -> TargetEvaluation:
    key = (agreement.id, target.label)
    if target.kind is TargetKind.AVAILABILITY and key not in given:
        report = measure_availability(log, subject, agreement.calendar, start, end, policy)
        if report.availability is None:
            return TargetEvaluation(
                agreement.id,
                agreement.version,
                subject,
                target,
                None,
                None,
                None,
                report,
                start=start,
                end=end,
            )
        wanted = target.share
        measured = Q_(percent(report.availability), "percent")
        margin = Q_(percent(report.availability - wanted), "percent")
        # the downtime the target allows, rounded down to the microsecond
        agreed_us = report.agreed_time // timedelta(microseconds=1)
        budget = timedelta(microseconds=int(agreed_us * (1 - wanted)))
        return TargetEvaluation(
            agreement.id,
            agreement.version,
            subject,
            target,
            measured,
            report.availability >= wanted,
            margin,
            report,
            budget - report.downtime,
            start=start,
            end=end,
        )
    if key not in given:
        return TargetEvaluation(
            agreement.id, agreement.version, subject, target, None, None, None, start=start, end=end
        )
    measured = given[key]
    met = target.met_by(measured)
    margin = (target.value - measured) if target.smaller_is_better else (measured - target.value)
    return TargetEvaluation(
        agreement.id,
        agreement.version,
        subject,
        target,
        measured,
        met,
        margin,
        start=start,
        end=end,
    )


@attrs.frozen
class AlignmentFinding:
    """Something underpinning agreements cannot support, or do not cover (PR2.4)."""

    sla: str
    service: str
    problem: str
    """``"availability"``, ``"response_time"``, ``"resolution_time"`` or ``"uncovered"``."""
    message: str
    supporting: tuple[str, ...] = ()
    composite: CompositeAvailability | None = None


def check_alignment(agreements: Agreements, cmdb: CmdbView, at: datetime) -> list[AlignmentFinding]:
    """SLAs in force at ``at`` that their OLAs and UAs cannot support (PR2.4).

    For each service an SLA covers, every node it relies on (from the CMDB) takes
    the availability its underpinning agreements promise (several agreements on
    one node multiply: the node needs all of them honoured); the exact composite
    availability of the service must reach the SLA's target. Each supporting
    response or resolution time must be no longer than the SLA's for the same
    priority. Nodes without an underpinning agreement are reported as
    ``uncovered`` and counted as always available.
    """
    findings: list[AlignmentFinding] = []
    for sla in agreements.in_force(at, AgreementKind.SLA):
        for service in sla.covers:
            nodes = [service, *(d.id for d in dependencies(cmdb, service))]
            support = {n: agreements.underpinning(n, at) for n in nodes}
            used = sorted({a.id for found in support.values() for a in found})
            target = sla.target(TargetKind.AVAILABILITY)
            if target is not None:
                promised: dict[str, Fraction] = {}
                for node, found in support.items():
                    shares = [
                        t.share
                        for a in found
                        for t in a.targets
                        if t.kind is TargetKind.AVAILABILITY
                    ]
                    if shares:
                        value = Fraction(1)
                        for s in shares:
                            value *= s
                        promised[node] = value
                composite = composite_availability(cmdb, service, promised)
                if composite.value < target.share:
                    findings.append(
                        AlignmentFinding(
                            sla.id,
                            service,
                            "availability",
                            f"SLA {sla.id!r} promises {target.value} for {service!r}, but its "
                            f"OLAs and UAs support only {_shown(composite)}",
                            tuple(used),
                            composite,
                        )
                    )
            for sla_target in sla.targets:
                if sla_target.kind not in (TargetKind.RESPONSE_TIME, TargetKind.RESOLUTION_TIME):
                    continue
                for node, found in support.items():
                    for agreement in found:
                        theirs = agreement.target(sla_target.kind, sla_target.priority)
                        if theirs is not None and theirs.time > sla_target.time:
                            findings.append(
                                AlignmentFinding(
                                    sla.id,
                                    service,
                                    sla_target.kind.value,
                                    f"{agreement.kind.value} {agreement.id!r} for {node!r} allows "
                                    f"{theirs.value} ({sla_target.label}), longer than the "
                                    f"{sla_target.value} SLA {sla.id!r} promises",
                                    (agreement.id,),
                                )
                            )
            uncovered = [n for n in nodes[1:] if not support[n] and n not in cmdb.groups]
            if uncovered:
                findings.append(
                    AlignmentFinding(
                        sla.id,
                        service,
                        "uncovered",
                        f"{len(uncovered)} of the nodes {service!r} relies on have no OLA or UA: "
                        + ", ".join(uncovered[:10])
                        + (" ..." if len(uncovered) > 10 else ""),
                    )
                )
    return findings


def _shown(composite: CompositeAvailability) -> str:
    value: Decimal = percent(composite.value, 4)
    if composite.low is None or composite.high is None:
        return f"{value} %"
    return f"about {value} % ({percent(composite.low, 4)} to {percent(composite.high, 4)} %)"
