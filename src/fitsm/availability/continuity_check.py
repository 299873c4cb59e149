"""Per service: can its structure meet the availability target, and did its last continuity
test meet its RTO? (PR4.1, PR4.3)

The availability side asks the composite engine
(:func:`~fitsm.availability.composite_availability`) what the service can reach
from its components' availabilities through the CMDB's structure, redundancy
groups and shared components included, and compares it with the target of the
service's requirements; it also counts the service's single points of failure.
The continuity side compares the service's last continuity test with its RTO and
says when there is no test, or when a continuity plan of the service is overdue
for one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from fitsm.availability.composite import CompositeAvailability, Method, composite_availability
from fitsm.availability.continuity_register import ContinuityRegister, TestVerdict
from fitsm.clock import as_utc
from fitsm.cmdb.analysis import single_points_of_failure
from fitsm.tables import Column, Columns, Rows

if TYPE_CHECKING:
    from fitsm.cmdb.view import CmdbView

__all__ = ["AvailabilityVerdict", "ContinuityCheck", "ContinuityVerdict", "check_services"]


class AvailabilityVerdict(StrEnum):
    """Whether the predicted availability meets the target: ``met``, ``missed``,
    ``uncertain`` (a Monte Carlo interval that straddles the target) or ``no_target``."""

    MET = "met"
    MISSED = "missed"
    UNCERTAIN = "uncertain"
    NO_TARGET = "no_target"


class ContinuityVerdict(StrEnum):
    """What the last continuity test says against the RTO: ``met``, ``missed``,
    ``no_test`` (the service was never tested) or ``no_rto`` (nothing to compare with)."""

    MET = "met"
    MISSED = "missed"
    NO_TEST = "no_test"
    NO_RTO = "no_rto"


def _fraction(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _predicted(check: ContinuityCheck) -> Fraction:
    return check.predicted.value


def _method(check: ContinuityCheck) -> str:
    return check.predicted.method


def _last_test(check: ContinuityCheck) -> str | None:
    return None if check.last_test is None else check.last_test.test.id


def _last_test_date(check: ContinuityCheck) -> datetime | None:
    return None if check.last_test is None else check.last_test.test.date


def _recovery_time(check: ContinuityCheck) -> timedelta | None:
    return None if check.last_test is None else check.last_test.test.recovery_time


@attrs.frozen
class ContinuityCheck:
    """The check of one service (PR4.1, PR4.3).

    ``predicted`` is the composite availability its structure can reach;
    ``availability`` compares it with ``target`` (exactly, or by the Monte Carlo
    interval). ``last_test`` is the verdict of its latest continuity test, or None;
    ``continuity`` compares it with the RTO. ``next_test_due`` is the earliest date a
    continuity plan of the service is due for a test, and ``tests_overdue`` whether
    that date has passed.
    """

    columns: ClassVar[Columns] = Columns(
        Column("service", "string"),
        Column("target", "float", lambda c: _fraction(c.target), nullable=True),
        Column("predicted", "float", _predicted),
        Column("method", "category", _method, categories=("exact", "monte_carlo")),
        Column("availability", "category", "availability", categories=AvailabilityVerdict),
        Column("single_points_of_failure", "int"),
        Column("rto_s", "seconds", "rto", nullable=True),
        Column("last_test", "string", _last_test, nullable=True),
        Column("last_test_date", "instant", _last_test_date, nullable=True),
        Column("recovery_time_s", "seconds", _recovery_time, nullable=True),
        Column("continuity", "category", "continuity", categories=ContinuityVerdict),
        Column("next_test_due", "instant", nullable=True),
        Column("tests_overdue", "bool"),
    )
    """The table of checks: one row per service."""

    service: str
    target: Fraction | None
    predicted: CompositeAvailability
    single_points_of_failure: int
    rto: timedelta | None
    last_test: TestVerdict | None
    next_test_due: datetime | None
    tests_overdue: bool

    @property
    def availability(self) -> AvailabilityVerdict:
        """Whether the structure can meet the target."""
        target, predicted = self.target, self.predicted
        if target is None:
            return AvailabilityVerdict.NO_TARGET
        if predicted.method == "exact":
            met = predicted.value >= target
            return AvailabilityVerdict.MET if met else AvailabilityVerdict.MISSED
        low, high = predicted.low, predicted.high
        if low is not None and low >= target:
            return AvailabilityVerdict.MET
        if high is not None and high < target:
            return AvailabilityVerdict.MISSED
        return AvailabilityVerdict.UNCERTAIN

    @property
    def continuity(self) -> ContinuityVerdict:
        """Whether the last continuity test met the RTO."""
        if self.rto is None:
            return ContinuityVerdict.NO_RTO
        if self.last_test is None:
            return ContinuityVerdict.NO_TEST
        return ContinuityVerdict.MET if self.last_test.rto_met else ContinuityVerdict.MISSED

    def to_records(self, *, iso: bool = False) -> list[dict[str, Any]]:
        """This check as a one-row table."""
        return self.columns.records([self], iso=iso)

    def to_frame(self) -> Any:
        """This check as a one-row pandas DataFrame (needs the ``pandas`` extra)."""
        return self.columns.frame([self])


def check_services(
    register: ContinuityRegister,
    cmdb: CmdbView,
    availabilities: Mapping[str, Any],
    *,
    at: datetime,
    services: Iterable[str] | None = None,
    default: Any = 1,
    method: Method = "auto",
    samples: int = 200_000,
    seed: int | None = None,
) -> Rows[ContinuityCheck]:
    """Check each service with requirements (or each of ``services``) at ``at`` (PR4.1, PR4.3).

    ``availabilities`` gives the components' own availabilities (nodes left out have
    ``default``), as for :func:`~fitsm.availability.composite_availability`, which
    ``method``, ``samples`` and ``seed`` are passed to. A service must be in the CMDB
    and have requirements in the register (NotFoundError otherwise).
    """
    when = as_utc(at, "at")
    wanted = register.services() if services is None else list(services)
    for service in wanted:
        register.requirements(service)
        cmdb[service]
    rows = []
    for service in wanted:
        req = register.requirements(service)
        predicted = composite_availability(
            cmdb,
            service,
            availabilities,
            default=default,
            method=method,
            samples=samples,
            seed=seed,
        )
        last = register.last_test(service)
        due = [
            d
            for d in (register.next_test_due(p.id) for p in register.plans(service=service))
            if d is not None
        ]
        next_due = min(due) if due else None
        rows.append(
            ContinuityCheck(
                service,
                req.availability_target,
                predicted,
                len(single_points_of_failure(cmdb, service)),
                req.rto,
                None if last is None else register.verdict(last.id),
                next_due,
                next_due is not None and next_due < when,
            )
        )
    return Rows(rows, columns=ContinuityCheck.columns)
