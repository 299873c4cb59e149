"""Service performance reviews: financials and service levels against the strategy's
outcomes (IT service product management, 003; PR2.3, PR14.1).

The ITSPM framework (003) defines *service performance management* as "reviewing
all aspects of the performance of a service (include financials and service
levels) against the strategy outcomes ... on a regular basis to identify
opportunities for improvement". A :class:`PerformanceReview` puts the period's
:class:`Financials` (TCO and what was charged, taken as figures: service finance
computes them) and its :class:`ServiceLevelResult` items (from
:func:`fitsm.evaluate`) beside each :class:`~fitsm.portfolio.Outcome` of the
service's strategy, and lists the :class:`ImprovementOpportunity` items found.

The portfolio area does not register improvements itself (the cases area sits
beside it, not below): :meth:`fitsm.planning.PlanningDesk.act` registers each
opportunity as a :class:`fitsm.cases.Improvement` (PR14.1) in the same unit of
work as the review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from fitsm._validators import identifier, items, shown, text
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.portfolio.strategy import Outcome, OutcomeMeasure, ServiceStrategy, exact

__all__ = [
    "Financials",
    "ImprovementOpportunity",
    "OutcomeResult",
    "PerformanceReview",
    "ServiceLevelResult",
    "assess_outcomes",
    "percent",
]


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _money(value: Any) -> Decimal:
    found = exact(value, "an amount of money")
    if found < 0:
        raise ValidationError(f"an amount of money must be 0 or more, got {found}")
    return found


def percent(value: Fraction | Decimal) -> str:
    """A percentage for people: exact where it ends within 4 decimals, else rounded half
    to even to 4 (the figure itself stays exact).

    >>> percent(Fraction(175, 2)), percent(Fraction(200, 3))
    ('87.5 %', '66.6667 %')
    """
    as_fraction = Fraction(value)
    shown_ = Decimal(as_fraction.numerator) / Decimal(as_fraction.denominator)
    shown_ = shown_.quantize(Decimal("0.0001")).normalize()
    return f"{shown_:f} %"


@attrs.frozen
class Financials:
    """A service's money over the reviewed period: its total cost of ownership and what was
    charged for it, in one currency, exact.

    >>> Financials("EUR", tco="12000.00", charged="10500.00").cost_recovery
    Fraction(175, 2)
    """

    currency: str
    tco: Decimal = attrs.field(converter=_money)
    charged: Decimal = attrs.field(default=Decimal(0), converter=_money)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.currency, str) or len(self.currency) != 3:
            raise ValidationError(
                f"currency must be a three-letter ISO 4217 code, got {shown(self.currency)}",
                field="currency",
            )

    @property
    def cost_recovery(self) -> Fraction | None:
        """What was charged as a percentage of the TCO (exact); None when the TCO is 0."""
        if self.tco == 0:
            return None
        return Fraction(self.charged) / Fraction(self.tco) * 100


def _met(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValidationError(f"met must be True, False or None, got {shown(value)}", field="met")


@attrs.frozen
class ServiceLevelResult:
    """One service level target's result for the period, as the review keeps it.

    ``met`` is None when nothing was measured. Built from an evaluation with
    :meth:`of`.
    """

    agreement: str = attrs.field(validator=identifier)
    target: str = attrs.field(validator=text)
    met: bool | None = attrs.field(converter=_met)
    measured: str = attrs.field(default="", validator=text)
    target_value: str = attrs.field(default="", validator=text)

    @classmethod
    def of(cls, evaluation: Any, service: str) -> tuple[ServiceLevelResult, ...]:
        """The results of ``evaluation`` (what :func:`fitsm.evaluate` returns) for ``service``.

        Read by their attributes (``agreement``, ``subject``, ``label``, ``met``,
        ``measured``, ``target.value``), so the portfolio needs no import of the
        service level area.
        """
        found = []
        for result in getattr(evaluation, "results", ()):
            if result.subject != service:
                continue
            measured = "" if result.measured is None else str(result.measured)
            found.append(
                cls(result.agreement, result.label, result.met, measured, str(result.target.value))
            )
        return tuple(found)


@attrs.frozen
class OutcomeResult:
    """One outcome of the strategy set beside the period's figure.

    ``actual`` is the figure (an amount, a percentage as an exact Fraction, or the
    reviewer's judgement); ``achieved`` is None when there was nothing to judge by.
    """

    outcome: Outcome
    actual: Decimal | Fraction | bool | None
    achieved: bool | None
    note: str = ""


@attrs.frozen
class ImprovementOpportunity:
    """An opportunity for improvement a review found (PR14.1); ``outcome`` names the outcome
    it came from, if one."""

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=text)
    description: str = attrs.field(default="", validator=text)
    outcome: str = attrs.field(default="", validator=text)

    def __attrs_post_init__(self) -> None:
        if not self.title.strip():
            raise ValidationError(
                f"improvement opportunity {self.id!r} needs a title", field="title"
            )


def _results(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(items(value, "a list of records"))


@attrs.frozen
class PerformanceReview:
    """A service performance review done: the period, who and when, the figures, each
    outcome's result and the opportunities found (003)."""

    id: str = attrs.field(validator=identifier)
    service: str = attrs.field(validator=identifier)
    start: datetime = attrs.field(converter=_utc)
    end: datetime = attrs.field(converter=_utc)
    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    financials: Financials | None = None
    service_levels: tuple[ServiceLevelResult, ...] = attrs.field(default=(), converter=_results)
    outcomes: tuple[OutcomeResult, ...] = attrs.field(default=(), converter=_results)
    opportunities: tuple[ImprovementOpportunity, ...] = attrs.field(default=(), converter=_results)
    note: str = attrs.field(default="", validator=text)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise ValidationError(
                f"performance review {self.id!r}: the period must end after it starts, got "
                f"{self.start.isoformat()} to {self.end.isoformat()}",
                field="end",
            )

    @property
    def missed(self) -> tuple[OutcomeResult, ...]:
        """The outcomes not achieved."""
        return tuple(r for r in self.outcomes if r.achieved is False)


def assess_outcomes(
    strategy: ServiceStrategy,
    *,
    financials: Financials | None = None,
    service_levels: Iterable[ServiceLevelResult] = (),
    judgements: Mapping[str, bool] | None = None,
) -> tuple[OutcomeResult, ...]:
    """Each outcome of ``strategy`` beside its figure, in the strategy's order.

    A TCO in another currency than the strategy's is refused; an outcome without
    its figure (no financials, nothing measured, no judgement) is not judged
    (``achieved`` None).

    >>> s = ServiceStrategy("shop", why="Sell online", objectives=["Online revenue"],
    ...     outcomes=[Outcome("recovery", "Costs recovered", "cost_recovery_at_least", 95)])
    >>> r = assess_outcomes(s, financials=Financials("EUR", "12000.00", "10500.00"))
    >>> r[0].achieved, r[0].note
    (False, 'cost recovery 87.5 % against at least 95 %')
    """
    judged = dict(judgements or {})
    for outcome_id, verdict in judged.items():
        known = [o.id for o in strategy.outcomes if o.measure is OutcomeMeasure.JUDGED]
        if outcome_id not in known:
            raise ValidationError(
                f"judgement for {shown(outcome_id)}: the strategy of {strategy.subject_id!r} "
                "has no judged outcome of that id; expected one of "
                + (", ".join(map(repr, known)) or "none"),
                field="judgements",
            )
        if not isinstance(verdict, bool):
            raise ValidationError(
                f"judgement for {outcome_id!r} must be True or False, got {shown(verdict)}",
                field="judgements",
            )
    if financials is not None and not isinstance(financials, Financials):
        raise ValidationError(f"expected Financials, got {shown(financials)}", field="financials")
    levels = list(service_levels)
    for level in levels:
        if not isinstance(level, ServiceLevelResult):
            raise ValidationError(
                f"expected ServiceLevelResult records, got {shown(level)}", field="service_levels"
            )
    return tuple(_assess(o, strategy, financials, levels, judged) for o in strategy.outcomes)


def _assess(
    outcome: Outcome,
    strategy: ServiceStrategy,
    financials: Financials | None,
    levels: list[ServiceLevelResult],
    judged: Mapping[str, bool],
) -> OutcomeResult:
    measure, target = outcome.measure, outcome.target
    if measure is OutcomeMeasure.JUDGED:
        verdict = judged.get(outcome.id)
        note = (
            "not judged" if verdict is None else ("judged achieved" if verdict else "judged missed")
        )
        return OutcomeResult(outcome, verdict, verdict, note)
    assert target is not None  # only judged outcomes have none
    if measure is OutcomeMeasure.TARGETS_MET_AT_LEAST:
        measured = [level for level in levels if level.met is not None]
        if not measured:
            return OutcomeResult(outcome, None, None, "no service level target was measured")
        share = Fraction(sum(level.met is True for level in measured), len(measured)) * 100
        note = (
            f"{sum(level.met is True for level in measured)} of {len(measured)} service level "
            f"targets met ({percent(share)}) against at least {percent(target)}"
        )
        return OutcomeResult(outcome, share, share >= Fraction(target), note)
    if financials is None:
        return OutcomeResult(outcome, None, None, "no financials were given")
    if measure is OutcomeMeasure.TCO_AT_MOST:
        if financials.currency != strategy.currency:
            raise ValidationError(
                f"the financials are in {financials.currency!r} but the strategy of "
                f"{strategy.subject_id!r} states its TCO outcome in {strategy.currency!r}",
                field="financials",
            )
        note = f"TCO {financials.tco} {financials.currency} against at most {target}"
        return OutcomeResult(outcome, financials.tco, financials.tco <= target, note)
    recovery = financials.cost_recovery
    if recovery is None:
        return OutcomeResult(outcome, None, None, "the TCO is 0: no cost to recover")
    note = f"cost recovery {percent(recovery)} against at least {percent(target)}"
    return OutcomeResult(outcome, recovery, recovery >= Fraction(target), note)
