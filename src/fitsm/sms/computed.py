"""KPIs computed from the data the library holds (GR6.1), each a small function of data
passed in: the domain reads no store and no clock.

Each returns a :class:`KpiResult`: the exact value (a Fraction; None when nothing
was there to count) and the counts behind it, so a report can show "18 of 20"
beside "90 %". Record it with :meth:`fitsm.sms.SmsRegister.record_measurement`.

- :func:`incidents_within_target`: the share of incidents resolved within their
  resolution target, from the SLA clocks replayed from the cases' histories (PR9);
- :func:`changes_approved_at_required_level`: the share of approved changes whose
  approvers held the level their classification requires, replayed from the
  histories against the role model (PR12.4);
- :func:`mean_time_to_restore`: MTRS in seconds, from availability reports measured
  over the outage log (PR4.4);
- :func:`cmdb_verified_within_interval`: the share of CMDB verification schedules
  not overdue (PR11.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from fitsm.cases.authorization import refusal
from fitsm.cases.base import Case
from fitsm.cases.changes import Change, ChangeStatus, ChangeType
from fitsm.cases.clocks import ClockKind, sla_clocks
from fitsm.cases.incidents import IncidentStatus
from fitsm.clock import as_utc
from fitsm.reviews.schedules import ReviewSchedules, SubjectKind
from fitsm.roles import RoleModel

if TYPE_CHECKING:
    from fitsm.availability.measurement import AvailabilityReport
    from fitsm.service_levels.agreements import Agreements

__all__ = [
    "COMPUTED",
    "KpiResult",
    "changes_approved_at_required_level",
    "cmdb_verified_within_interval",
    "incidents_within_target",
    "mean_time_to_restore",
]


def _frozen(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


@attrs.frozen
class KpiResult:
    """A computed KPI: its exact value (None when nothing was counted), the unit (``"share"``
    from 0 to 1, or ``"seconds"``) and the counts it rests on."""

    name: str
    value: Fraction | None
    unit: str
    counts: Mapping[str, int] = attrs.field(converter=_frozen)

    def __str__(self) -> str:
        if self.value is None:
            return f"{self.name}: nothing to count"
        if self.unit == "share":
            shown = f"{self.counts['met']} of {self.counts['counted']}"
            return f"{self.name}: {shown} ({float(self.value * 100):.1f} %)"
        return f"{self.name}: {float(self.value):.0f} s"


def _share(name: str, met: int, counted: int, **more: int) -> KpiResult:
    value = Fraction(met, counted) if counted else None
    return KpiResult(name, value, "share", {"met": met, "counted": counted, **more})


def _within(moment: datetime, start: datetime | None, end: datetime | None) -> bool:
    return (start is None or moment >= start) and (end is None or moment < end)


def _resolved_at(case: Case) -> datetime | None:
    """When the case was last resolved, from its history."""
    found = None
    for entry in case.history:
        if entry.target == IncidentStatus.RESOLVED.value:
            found = entry.at
    return found


def incidents_within_target(
    cases: Sequence[Case],
    agreements: Agreements,
    at: datetime,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> KpiResult:
    """The share of incidents resolved within their resolution target.

    Counted: the incidents resolved or closed at ``at`` (resolved in ``[start, end)``
    when given) whose clock has a target; met: those whose clock never breached (the
    clock breaches when it reaches its target, so a resolution at exactly the target is
    late, as the SLA clocks report it).
    ``no_target`` counts the resolved incidents no agreement gives a target.
    """
    when = as_utc(at, "at")
    lo = None if start is None else as_utc(start, "start")
    hi = None if end is None else as_utc(end, "end")
    resolved: list[Case] = []
    for case in cases:
        if case.kind != "incident" or case.status not in _DONE:
            continue
        moment = _resolved_at(case)
        if moment is not None and _within(moment, lo, hi):
            resolved.append(case)
    clocks = sla_clocks(resolved, agreements, when, kind=ClockKind.RESOLUTION)
    counted = met = no_target = 0
    for clock in clocks:
        if clock.target is None:
            no_target += 1
            continue
        counted += 1
        met += not clock.breached
    return _share("incidents resolved within target", met, counted, no_target=no_target)


_DONE = frozenset({IncidentStatus.RESOLVED, IncidentStatus.CLOSED})


def changes_approved_at_required_level(changes: Iterable[Case], roles: RoleModel) -> KpiResult:
    """The share of approved changes approved at the level their classification requires
    (PR12.4), replayed from their histories rather than trusting the write-time check.

    A change counts once its history reached *approved*. A standard change is
    pre-approved (met; ``pre_approved`` counts them). Any other is met when as many
    distinct approvers as its quorum hold, in ``roles``, the authority its level needs
    (the change manager, a CAB member, an ECAB member): the rule the case desk applies,
    read with today's role model.
    """
    counted = met = pre_approved = 0
    for change in changes:
        if not isinstance(change, Change) or not _reached_approval(change):
            continue
        counted += 1
        if change.change_type is ChangeType.STANDARD:
            pre_approved += 1
            met += 1
            continue
        approvers = {
            e.actor
            for e in change.history
            if e.event == "approve" and refusal(roles, e.actor, change, "approve", {}) is None
        }
        met += len(approvers) >= change.quorum
    return _share("changes approved at the required level", met, counted, pre_approved=pre_approved)


def _reached_approval(change: Change) -> bool:
    return any(e.target == ChangeStatus.APPROVED.value for e in change.history)


def mean_time_to_restore(reports: Iterable[AvailabilityReport]) -> KpiResult:
    """Mean time to restore service over several subjects: their downtime together per
    outage, in seconds (exact). Measure each subject with
    :func:`fitsm.availability.measure_availability` over the outage log first."""
    downtime = timedelta(0)
    outages = 0
    for report in reports:
        downtime += report.downtime
        outages += report.outages
    micros = downtime // timedelta(microseconds=1)
    value = Fraction(micros, 1_000_000 * outages) if outages else None
    return KpiResult(
        "mean time to restore service",
        value,
        "seconds",
        {"outages": outages, "downtime_s": int(downtime.total_seconds())},
    )


def cmdb_verified_within_interval(schedules: ReviewSchedules, at: datetime) -> KpiResult:
    """The share of CMDB verification schedules (PR11.5) not overdue at ``at``.

    ``late_reviews`` counts the verifications that were done after they were due.
    """
    when = as_utc(at, "at")
    counted = met = late = 0
    for schedule in schedules.of_kind(SubjectKind.CMDB_VERIFICATION):
        if not schedule.active:
            continue
        counted += 1
        met += not schedule.overdue(when)
        late += sum(r.late for r in schedule.reviews)
    return _share("CMDB verified within its interval", met, counted, late_reviews=late)


COMPUTED = (
    "incidents_within_target",
    "changes_approved_at_required_level",
    "mean_time_to_restore",
    "cmdb_verified_within_interval",
)
"""The names a :class:`~fitsm.sms.Kpi` may give in ``computed``."""
