"""Total cost of ownership per service and per customer, for one period (003).

003: service financial management is "the process of managing the service's
total cost of ownership (TCO)", and "brings the cost conversation to the
aggregate service level, which is what the customer understands". A service's
TCO for a period is

- its **recurring** costs: monthly and yearly costs of the service itself and its
  shares of the recurring costs of the CIs and components it relies on, and
- its **amortised** one-off costs: the part of each one-off cost that falls in the
  period (a one-off cost is spread evenly over its ``amortise_months``, see
  :class:`~fitsm.finance.Cost`), its own and its shares alike.

Recurring and amortised costs are each allocated through the CMDB
(:func:`~fitsm.finance.allocate`), so each adds up to the cent. Per customer
(customers are the SLAs' parties for now), each service's TCO is split evenly
among the customers with an SLA covering it, by the same largest remainder
rule, ties to the customer whose name sorts first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

import attrs

from fitsm.clock import as_utc
from fitsm.cmdb.view import CmdbView
from fitsm.errors import ValidationError
from fitsm.finance.allocation import EVEN, Allocation, AllocationKey, allocate
from fitsm.finance.costs import Cost, Recurrence
from fitsm.finance.money import _EXACT, Money, largest_remainder, to_minor

__all__ = [
    "CostRollUp",
    "CustomerCosts",
    "ServiceCost",
    "customers_of",
    "roll_up",
]


@attrs.frozen
class ServiceCost:
    """One service's TCO for one period: recurring and amortised one-off costs."""

    service: str
    recurring: Money
    amortised: Money

    @property
    def total(self) -> Money:
        """Recurring plus amortised: the service's TCO for the period."""
        return self.recurring + self.amortised

    def __str__(self) -> str:
        return (
            f"{self.service}: {self.total} ({self.recurring} recurring, {self.amortised} one-off)"
        )


class CostRollUp:
    """The costs of one period rolled up to services through the CMDB."""

    def __init__(
        self, start: datetime, end: datetime, recurring: Allocation, amortised: Allocation
    ) -> None:
        self.start = start
        self.end = end
        self.recurring = recurring
        """The recurring costs' allocation."""
        self.amortised = amortised
        """The amortised one-off costs' allocation."""
        self.currency = recurring.currency

    @property
    def services(self) -> tuple[str, ...]:
        """The CMDB's services, by id."""
        return self.recurring.services

    def of(self, service: str) -> ServiceCost:
        """``service``'s TCO for the period."""
        return ServiceCost(service, self.recurring.of(service), self.amortised.of(service))

    def tco(self) -> dict[str, ServiceCost]:
        """Every service's TCO, by service id."""
        return {s: self.of(s) for s in self.services}

    @property
    def unallocated(self) -> Money:
        """Costs of items no service relies on."""
        found = Money.zero(self.currency)
        for amount in [*self.recurring.unallocated.values(), *self.amortised.unallocated.values()]:
            found = found + amount
        return found

    @property
    def total(self) -> Money:
        """Everything the period cost: the services' TCO plus what is unallocated."""
        return self.recurring.total + self.amortised.total

    def per_customer(self, customers: Mapping[str, Iterable[str]]) -> CustomerCosts:
        """Each customer's part of the TCO; ``customers`` maps a customer to its services
        (:func:`customers_of` reads it from agreements)."""
        of_service: dict[str, list[str]] = {}
        for customer, services in customers.items():
            for service in dict.fromkeys(services):
                of_service.setdefault(service, []).append(customer)
        totals = dict.fromkeys(sorted(customers), 0)
        unassigned = 0
        for service in self.services:
            whole = self.of(service).total.minor
            names = sorted(of_service.get(service, []))
            if not names:
                unassigned += whole
                continue
            for name, part in zip(
                names,
                largest_remainder(whole, [Fraction(1)] * len(names), names),
                strict=True,
            ):
                totals[name] += part
        return CustomerCosts(
            {c: Money.of_minor(v, self.currency) for c, v in totals.items()},
            Money.of_minor(unassigned, self.currency),
        )


@attrs.frozen
class CustomerCosts:
    """Each customer's part of the services' TCO, and the TCO of services no customer has."""

    totals: Mapping[str, Money]
    unassigned: Money

    def of(self, customer: str) -> Money:
        """``customer``'s part; ValidationError for a customer not given."""
        try:
            return self.totals[customer]
        except KeyError:
            raise ValidationError(
                f"no customer {customer!r}; expected one of {sorted(self.totals)[:5]}",
                field="customer",
            ) from None


class _Agreement(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def party(self) -> str: ...
    @property
    def covers(self) -> tuple[str, ...]: ...


def customers_of(agreements: Iterable[_Agreement]) -> dict[str, tuple[str, ...]]:
    """Each customer (an SLA's party) with the services its SLAs cover, by customer name."""
    found: dict[str, dict[str, None]] = {}
    for agreement in agreements:
        if str(agreement.kind) == "SLA" and agreement.party:
            found.setdefault(agreement.party, {}).update(dict.fromkeys(agreement.covers))
    return {c: tuple(s) for c, s in sorted(found.items())}


def roll_up(
    cmdb: CmdbView,
    costs: Iterable[Cost],
    start: datetime,
    end: datetime,
    *,
    key: AllocationKey = EVEN,
    keys: Mapping[str, AllocationKey] | None = None,
    currency: str | None = None,
) -> CostRollUp:
    """The TCO of every service of ``cmdb`` for ``[start, end)``.

    Each item's costs in the period are added up exactly and rounded to the
    minor unit once per item (recurring and amortised apart), then allocated by
    ``key`` (or the item's key in ``keys``).
    """
    begin, finish = as_utc(start, "start"), as_utc(end, "end")
    if finish <= begin:
        raise ValidationError(
            f"a period ends after it starts; got {start.isoformat()} to {end.isoformat()}",
            field="end",
        )
    recurring: dict[str, Decimal | Fraction] = {}
    amortised: dict[str, Decimal | Fraction] = {}
    for cost in costs:
        if not isinstance(cost, Cost):
            raise ValidationError(f"expected a Cost, got {cost!r}", field="costs")
        if currency is None:
            currency = cost.amount.currency
        elif cost.amount.currency != currency:
            raise ValidationError(
                f"cost {cost.id!r} is in {cost.amount.currency}, expected {currency}: a roll-up "
                "adds costs of one currency",
                field="costs",
            )
        into = amortised if cost.recurrence is Recurrence.ONE_OFF else recurring
        amount = cost.between(begin, finish)
        before = into.get(cost.item)
        if before is None:
            into[cost.item] = amount
        elif isinstance(before, Decimal) and isinstance(amount, Decimal):
            into[cost.item] = _EXACT.add(before, amount)
        else:
            into[cost.item] = Fraction(before) + Fraction(amount)
    if currency is None:
        raise ValidationError("no costs to roll up and no currency given", field="currency")
    money = currency

    def rounded(amounts: dict[str, Decimal | Fraction]) -> dict[str, Money]:
        return {
            k: Money.of_minor(Money(v, money).minor, money)
            if isinstance(v, Decimal)
            else Money.of_minor(to_minor(v, money), money)
            for k, v in amounts.items()
        }

    return CostRollUp(
        begin,
        finish,
        allocate(cmdb, rounded(recurring), key, keys=keys, currency=money),
        allocate(cmdb, rounded(amortised), key, keys=keys, currency=money),
    )
