"""Service strategies, for one service and for the portfolio (IT service product
management, 003; PR1.1).

The ITSPM framework (003) defines *service strategy definition* as "agreeing,
documenting and updating the strategy for individual services and for the
overall portfolio": the strategy "addresses the question of 'Why this service'
and provides an early indication of 'when the service will be available'", so
that "the service's contribution to the business objectives is understood". A
:class:`ServiceStrategy` holds that, and the :class:`Outcome` items a service
performance review measures the service against
(:mod:`fitsm.portfolio.performance`). Strategies are kept current on a review
schedule (:func:`strategy_subject`, the ``service_strategy`` subject kind).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier, items, optional_identifier, shown, text
from fitsm.errors import ValidationError
from fitsm.portfolio.history import ProductChange

__all__ = [
    "PORTFOLIO",
    "Outcome",
    "OutcomeMeasure",
    "ServiceStrategy",
    "performance_subject",
    "strategy_subject",
]

PORTFOLIO = "portfolio"
"""The id the portfolio's own strategy is reviewed under (``service_strategy:portfolio``)."""


class OutcomeMeasure(StrEnum):
    """How a performance review decides whether an outcome was achieved.

    ``tco_at_most``: the total cost of ownership over the period, in the strategy's
    currency, is at most the target. ``cost_recovery_at_least``: what was charged
    is at least the target percent of the TCO. ``targets_met_at_least``: at least
    the target percent of the measured service level targets were met. ``judged``:
    the reviewer judges (there is no figure).
    """

    TCO_AT_MOST = "tco_at_most"
    COST_RECOVERY_AT_LEAST = "cost_recovery_at_least"
    TARGETS_MET_AT_LEAST = "targets_met_at_least"
    JUDGED = "judged"


def _measure(value: object) -> OutcomeMeasure:
    return enum_value(OutcomeMeasure, "measure")(value)


def exact(value: Any, what: str) -> Decimal:
    """``value`` (a Decimal, an int or a decimal string) as a finite Decimal; floats are
    refused: money and percentages are reported exactly."""
    if isinstance(value, Decimal):
        found = value
    elif isinstance(value, int) and not isinstance(value, bool):
        found = Decimal(value)
    elif isinstance(value, str):
        try:
            found = Decimal(value.strip())
        except ArithmeticError:
            found = Decimal("NaN")
    else:
        raise ValidationError(
            f"{what} must be a Decimal, an int or a decimal string (exact, not a float), "
            f"got {shown(value)}"
        )
    if not found.is_finite():
        raise ValidationError(f"{what} must be a finite number, got {shown(value)}")
    return found


def _target(value: Any) -> Decimal | None:
    return None if value is None else exact(value, "an outcome's target")


def _required(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    text(instance, attribute, value)
    if not value.strip():
        raise ValidationError(
            f"{type(instance).__name__} needs its {attribute.name}, got an empty text",
            field=attribute.name,
        )


@attrs.frozen
class Outcome:
    """An outcome the strategy expects of the service, and how it is measured.

    >>> Outcome("recovery", "Costs are recovered", "cost_recovery_at_least", "95").target
    Decimal('95')
    """

    id: str = attrs.field(validator=identifier)
    text: str = attrs.field(validator=_required)
    measure: OutcomeMeasure = attrs.field(converter=_measure)
    target: Decimal | None = attrs.field(default=None, converter=_target)

    def __attrs_post_init__(self) -> None:
        judged = self.measure is OutcomeMeasure.JUDGED
        if judged != (self.target is None):
            raise ValidationError(
                f"outcome {self.id!r}: a {self.measure.value!r} outcome "
                + ("has no target; the reviewer judges it" if judged else "needs a target"),
                field="target",
            )
        if self.target is not None and self.target < 0:
            raise ValidationError(
                f"outcome {self.id!r}: the target must be 0 or more, got {self.target}",
                field="target",
            )


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    found = items(value, "a text or a list of texts")
    for each in found:
        if not isinstance(each, str) or not each.strip():
            raise ValidationError(
                f"each business objective must be a non-empty text, got {shown(each)}",
                field="objectives",
            )
    return found


def _outcomes(value: Iterable[Outcome]) -> tuple[Outcome, ...]:
    found = items(value, "a list of Outcome")
    for each in found:
        if not isinstance(each, Outcome):
            raise ValidationError(f"expected an Outcome, got {shown(each)}", field="outcomes")
    ids = [o.id for o in found]
    for each in ids:
        if ids.count(each) > 1:
            raise ValidationError(f"outcome {each!r} is named twice", field="outcomes")
    return found


def _date(value: object) -> date | None:
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    raise ValidationError(
        f"available_from must be a date (when the service will be available), got {shown(value)}",
        field="available_from",
    )


def _history(value: Iterable[ProductChange]) -> tuple[ProductChange, ...]:
    return tuple(value)


def _currency(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value != "" and (not isinstance(value, str) or len(value) != 3 or not value.isupper()):
        raise ValidationError(
            f"currency must be a three-letter ISO 4217 code such as 'EUR', got {shown(value)}",
            field="currency",
        )


@attrs.frozen
class ServiceStrategy:
    """Why a service (or, with ``service=None``, the portfolio), the business objectives it
    serves, when it will be available, and the outcomes it is measured against (003).

    >>> s = ServiceStrategy("shop", why="Sell online", objectives=["Grow online revenue"],
    ...                     available_from=date(2026, 6, 1))
    >>> s.key, s.subject_id
    ('shop', 'shop')
    """

    service: str | None = attrs.field(validator=optional_identifier)
    why: str = attrs.field(validator=_required, kw_only=True)
    objectives: tuple[str, ...] = attrs.field(converter=_texts, kw_only=True)
    available_from: date | None = attrs.field(default=None, converter=_date, kw_only=True)
    outcomes: tuple[Outcome, ...] = attrs.field(default=(), converter=_outcomes, kw_only=True)
    currency: str = attrs.field(default="", validator=_currency, kw_only=True)
    """The currency of ``tco_at_most`` targets."""
    history: tuple[ProductChange, ...] = attrs.field(default=(), converter=_history, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.objectives:
            raise ValidationError(
                f"the strategy of {self.subject_id!r} names no business objective; expected "
                "at least one (why the service: its contribution to the business)",
                field="objectives",
            )
        money = [o.id for o in self.outcomes if o.measure is OutcomeMeasure.TCO_AT_MOST]
        if money and not self.currency:
            raise ValidationError(
                f"the strategy of {self.subject_id!r} has a TCO outcome ({money[0]!r}) but no "
                "currency; expected currency='EUR' or another ISO 4217 code",
                field="currency",
            )

    @property
    def key(self) -> str | None:
        """The register's key: the service id, or None for the portfolio."""
        return self.service

    @property
    def subject_id(self) -> str:
        """The id its review schedule uses: the service id, or ``"portfolio"``."""
        return PORTFOLIO if self.service is None else self.service


def strategy_subject(service: str | None) -> tuple[str, str]:
    """The review subject of a strategy (``service_strategy``), as the ``(kind, id)`` pair
    review schedules take; ``None`` is the portfolio's.

    >>> strategy_subject("shop"), strategy_subject(None)
    (('service_strategy', 'shop'), ('service_strategy', 'portfolio'))
    """
    return ("service_strategy", PORTFOLIO if service is None else service)


def performance_subject(service: str) -> tuple[str, str]:
    """The review subject of a service's performance reviews (``service_performance``).

    >>> performance_subject("shop")
    ('service_performance', 'shop')
    """
    return ("service_performance", service)
