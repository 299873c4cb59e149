"""The agenda of a service review with a customer (PR7.4), assembled from what the library has.

FitSM-2 asks to "plan and prepare service reviews with customers", with the SLAs
and the reports that support them as inputs. :func:`review_agenda` gathers, for
one customer and the period under review: the performance of its SLAs
(:func:`fitsm.service_levels.evaluate`), the incidents, complaints and changes
of its services from the cases given (a list or a query's answer: the domain
reads no store), the satisfaction scores below the threshold, and the actions
still listed from its last review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from fractions import Fraction
from typing import Any

import attrs

from fitsm.availability.measurement import Outage, OutageLog
from fitsm.cases.base import Case
from fitsm.cases.improvements import Complaint
from fitsm.cases.query import is_open
from fitsm.clock import as_utc
from fitsm.customers.register import CustomerRegister
from fitsm.customers.relations import agreements_of, customer_ids
from fitsm.customers.satisfaction import LowScore
from fitsm.customers.service_reviews import ReviewAction
from fitsm.errors import ValidationError
from fitsm.portfolio.services import ServicePortfolio
from fitsm.service_levels.agreements import Agreements
from fitsm.service_levels.evaluation import Evaluation, evaluate

__all__ = ["ServiceReviewAgenda", "review_agenda"]


@attrs.frozen
class ServiceReviewAgenda:
    """What a service review with one customer goes through, for ``[start, end)``.

    ``performance`` holds the evaluation of the customer's SLAs only;
    ``incidents`` and ``changes`` are those of its services registered in the
    period; ``complaints`` those it made in the period and those still open;
    ``low_scores`` its satisfaction below the threshold in the period;
    ``open_actions`` the actions agreed at its last review.
    """

    customer: str
    name: str
    start: datetime
    end: datetime
    agreements: tuple[str, ...]
    services: tuple[str, ...]
    performance: Evaluation
    incidents: tuple[Case, ...]
    complaints: tuple[Complaint, ...]
    changes: tuple[Case, ...]
    low_scores: tuple[LowScore, ...]
    open_actions: tuple[ReviewAction, ...]

    @property
    def major_incidents(self) -> tuple[Case, ...]:
        """The incidents declared major (PR9.6)."""
        return tuple(c for c in self.incidents if getattr(c, "major", False))

    def lines(self) -> list[str]:
        """The agenda as short lines of text, one item each."""
        period = f"{self.start.date().isoformat()} to {self.end.date().isoformat()}"
        results = self.performance.results
        met = sum(1 for r in results if r.met is True)
        missed = [r for r in results if r.met is False]
        lines = [
            f"Service review with {self.name} ({self.customer}), {period}",
            f"Agreements: {', '.join(self.agreements) or 'none'}; "
            f"services: {', '.join(self.services) or 'none'}",
            f"Service performance: {met} of {len(results)} targets met"
            + "".join(f"; missed {r.label} of {r.subject}" for r in missed),
            f"Incidents: {len(self.incidents)} ({len(self.major_incidents)} major)",
            f"Complaints: {len(self.complaints)} "
            f"({sum(1 for c in self.complaints if is_open(c))} open)",
            f"Changes: {len(self.changes)}",
        ]
        for low in self.low_scores:
            followed = "followed up" if low.follow_ups else "no follow-up yet"
            lines.append(
                f"Satisfaction below {_number(low.threshold)}: {low.service} "
                f"{_number(low.average)} ({low.period.isoformat()}), {followed}"
            )
        lines += [f"Open action: {a.description}" for a in self.open_actions]
        return lines


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0")


def _in(case: Case, start: datetime, end: datetime) -> bool:
    return start <= case.registered_at < end


def review_agenda(
    register: CustomerRegister,
    customer_id: str,
    agreements: Agreements,
    start: datetime,
    end: datetime,
    *,
    cases: Iterable[Case] = (),
    outages: OutageLog | Iterable[Outage] = (),
    measurements: Mapping[tuple[str, str], Any] | None = None,
    portfolio: ServicePortfolio | None = None,
    threshold: object | None = None,
) -> ServiceReviewAgenda:
    """The agenda of a service review with ``customer_id`` over ``[start, end)`` (PR7.4).

    Its SLAs (those whose newest version names it or one of its units as party)
    are evaluated over the period against ``outages`` and
    ``measurements`` as :func:`~fitsm.service_levels.evaluate` does; the
    incidents and changes among ``cases`` are those registered in the period for
    a service the customer has (a change also by its impacted services); its
    complaints are those registered in the period and those still open. With a
    ``threshold``, the satisfaction scores of periods starting within the
    review period that fall below it are listed too.
    """
    lo, hi = as_utc(start, "start"), as_utc(end, "end")
    if hi <= lo:
        raise ValidationError(f"period ends before it starts: {lo.isoformat()} to {hi.isoformat()}")
    customer = register.customer(customer_id)
    ids = set(customer_ids(register, customer_id))
    mine = agreements_of(register, agreements, customer_id, portfolio=portfolio)
    sla_ids = set(mine.agreement_ids)
    services = set(mine.services)
    evaluation = evaluate(
        agreements, lo, hi, outages=outages, measurements=measurements, services=services
    )
    performance = Evaluation(
        evaluation.start,
        evaluation.end,
        tuple(r for r in evaluation.results if r.agreement in sla_ids),
        tuple(e for e in evaluation.events if e.agreement in sla_ids),
    )
    incidents, complaints, changes = [], [], []
    for case in cases:
        if isinstance(case, Complaint):
            if case.customer in ids and (_in(case, lo, hi) or is_open(case)):
                complaints.append(case)
        elif case.kind == "incident":
            if case.service in services and _in(case, lo, hi):
                incidents.append(case)
        elif case.kind == "change":
            touched = {case.service, *getattr(case, "impacted_services", ())}
            if services.intersection(touched) and _in(case, lo, hi):
                changes.append(case)
    low: list[LowScore] = []
    if threshold is not None:
        low = [
            s
            for i in sorted(ids)
            for s in register.below_threshold(threshold, customer=i)
            if lo.date() <= s.period < hi.date()
        ]
    last = customer.last_review
    return ServiceReviewAgenda(
        customer.id,
        customer.name,
        lo,
        hi,
        tuple(sorted(sla_ids)),
        tuple(sorted(services)),
        performance,
        tuple(sorted(incidents, key=_order)),
        tuple(sorted(complaints, key=_order)),
        tuple(sorted(changes, key=_order)),
        tuple(low),
        last.actions if last is not None else (),
    )


def _order(case: Case) -> tuple[datetime, str]:
    return case.registered_at, case.id
