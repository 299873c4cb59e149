"""Costs of CIs, service components and services: one-off or recurring, effective-dated (003).

003 asks service financial management to manage "the service's total cost of
ownership (TCO)": what the CIs and components that deliver a service cost, over
time. A :class:`Cost` is an amount of :class:`~fitsm.finance.Money` for one item
(a CI, a service component or a service, by its id in the CMDB), either

- **recurring**, per month or per year, in effect from ``effective_from`` until
  ``effective_to`` (exclusive; open when None), or
- **one-off** (a purchase, a project), incurred at ``effective_from`` and
  **amortised** evenly over ``amortise_months`` calendar months starting with
  the month it was incurred in (36 months: a thirty-sixth in each month).

How much of a cost falls into a period (:meth:`Cost.in_period`) is computed
exactly: the cost is a rate per calendar month (UTC) -- the monthly amount, a
twelfth of a yearly amount, or the one-off amount divided by its months -- and
a month only partly inside the period or the cost's dates counts in proportion
to the time inside (to the microsecond).

>>> from datetime import UTC, datetime
>>> jan = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
>>> server = Cost("c1", "db1", Money("3600", "EUR"), "one_off",
...               datetime(2026, 1, 10, tzinfo=UTC), amortise_months=36)
>>> server.in_period(*jan)
Fraction(100, 1)
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier, shown, text
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.finance.changes import FinanceChange, history
from fitsm.finance.money import _EXACT, Money
from fitsm.time.periods import add_months, months

__all__ = ["Cost", "Recurrence"]


class Recurrence(StrEnum):
    """How often a cost is incurred: once (amortised), every month or every year."""

    ONE_OFF = "one_off"
    MONTHLY = "monthly"
    YEARLY = "yearly"


def _recurrence(value: object) -> Recurrence:
    return enum_value(Recurrence, "recurrence")(value)


def _utc(value: datetime) -> datetime:
    return as_utc(value, "effective_from")


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value, "effective_to")


def _money(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Money):
        raise ValidationError(
            f"cost {getattr(instance, 'id', '?')!r}: amount must be Money, got {shown(value)}",
            field="amount",
        )
    if value.amount < 0:
        raise ValidationError(
            f"cost {instance.id!r}: amount must be >= 0, got {value}", field="amount"
        )


def _months(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1200:
        raise ValidationError(
            f"cost {instance.id!r}: amortise_months must be a whole number of months from 1 "
            f"to 1200, got {shown(value)}",
            field="amortise_months",
        )


def _month_start(at: datetime) -> datetime:
    return datetime(at.year, at.month, 1, tzinfo=UTC)


def _micros(start: datetime, end: datetime) -> int:
    delta = end - start
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _whole_months(start: datetime, end: datetime) -> int | None:
    """How many calendar months (UTC) ``[start, end)`` spans when both are month starts."""
    for at in (start, end):
        if at.day != 1 or at.hour or at.minute or at.second or at.microsecond:
            return None
    return (end.year - start.year) * 12 + end.month - start.month


@attrs.frozen
class Cost:
    """What one item (a CI, a service component or a service, by id) costs.

    ``amortise_months`` applies to one-off costs only; ``effective_to`` to
    recurring ones (a one-off cost ends with its amortisation).
    """

    id: str = attrs.field(validator=identifier)
    item: str = attrs.field(validator=identifier)
    """The CI, service component or service the cost is of, by its CMDB id."""
    amount: Money = attrs.field(validator=_money)
    recurrence: Recurrence = attrs.field(converter=_recurrence)
    effective_from: datetime = attrs.field(converter=_utc)
    effective_to: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    amortise_months: int = attrs.field(default=1, validator=_months)
    description: str = attrs.field(default="", validator=text)
    history: tuple[FinanceChange, ...] = attrs.field(default=(), converter=history)

    def __attrs_post_init__(self) -> None:
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValidationError(
                f"cost {self.id!r}: effective_to {self.effective_to.isoformat()} must be after "
                f"effective_from {self.effective_from.isoformat()}",
                field="effective_to",
            )
        if self.recurrence is Recurrence.ONE_OFF and self.effective_to is not None:
            raise ValidationError(
                f"cost {self.id!r} is one-off: it ends with its amortisation "
                f"(amortise_months), expected no effective_to, got {self.effective_to.isoformat()}",
                field="effective_to",
            )
        if self.recurrence is not Recurrence.ONE_OFF and self.amortise_months != 1:
            raise ValidationError(
                f"cost {self.id!r} is {self.recurrence.value}: only a one-off cost is amortised, "
                f"expected amortise_months=1, got {self.amortise_months}",
                field="amortise_months",
            )

    @property
    def monthly_rate(self) -> Fraction:
        """What the cost adds per whole calendar month while it runs, exactly."""
        amount = Fraction(self.amount.amount)
        if self.recurrence is Recurrence.MONTHLY:
            return amount
        if self.recurrence is Recurrence.YEARLY:
            return amount / 12
        return amount / self.amortise_months

    @property
    def runs(self) -> tuple[datetime, datetime | None]:
        """When the cost counts: ``(start, end)``, end exclusive, None when open."""
        if self.recurrence is Recurrence.ONE_OFF:
            first = _month_start(self.effective_from)
            return first, add_months(first, self.amortise_months)
        return self.effective_from, self.effective_to

    def in_period(self, start: datetime, end: datetime) -> Fraction:
        """The exact amount of this cost that falls in ``[start, end)``, in its currency."""
        begin, finish = as_utc(start, "start"), as_utc(end, "end")
        if finish <= begin:
            raise ValidationError(
                f"a period ends after it starts; got {start.isoformat()} to {end.isoformat()}",
                field="end",
            )
        return Fraction(self.between(begin, finish))

    def between(self, begin: datetime, finish: datetime) -> Decimal | Fraction:
        """:meth:`in_period` for UTC bounds already checked; a Decimal where that is exact
        (a monthly cost over whole months), else a Fraction. For roll-ups of many costs."""
        whole = _whole_months(begin, finish)
        monthly = self.recurrence is Recurrence.MONTHLY and self.effective_to is None
        if monthly and whole is not None and self.effective_from <= begin:
            return _EXACT.multiply(self.amount.amount, Decimal(whole))  # exact at any size
        runs_from, runs_to = self.runs
        low = max(begin, runs_from)
        high = finish if runs_to is None else min(finish, runs_to)
        if high <= low:
            return Fraction(0)
        rate = self.monthly_rate
        whole = _whole_months(low, high)
        if whole is not None:  # the common case: whole calendar months, no proration
            return rate * whole
        found = Fraction(0)
        for month in months(low, high, zone=UTC):
            inside = _micros(max(low, month.start), min(high, month.end))
            found += rate * Fraction(inside, _micros(month.start, month.end))
        return found
