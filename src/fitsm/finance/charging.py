"""Charging models and cost recovery (003: "charging model and recoverability position").

A charging model says what a customer pays for a quantity used in one charging
period (a month, unless the provider says otherwise):

:class:`FixedCharge`
    the same amount whatever the quantity (a subscription).
:class:`PerUnitCharge`
    a price per unit (per mailbox, per GB).
:class:`TieredCharge`
    prices by tiers of quantity. **Graduated** (the default): each tier's price
    applies to the units inside that tier -- the first 100 at 2.00, the next 400
    at 1.50, the rest at 1.00. **Volume**: every unit is priced at the rate of the
    tier the whole quantity falls in.

A charge is exact, then rounded to the currency's minor unit, half to even.
:func:`cost_recovery` compares what a service charged with what it cost.

>>> tiers = TieredCharge([Tier(100, Money("2", "EUR")), Tier(500, Money("1.5", "EUR")),
...                       Tier(None, Money("1", "EUR"))], unit="mailbox")
>>> tiers.charge(650)  # 100 x 2.00 + 400 x 1.50 + 150 x 1.00
Money('950.00', 'EUR')
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from typing import Any, TypeAlias

import attrs

from fitsm._validators import enum_value, identifier, shown, text
from fitsm.errors import ValidationError
from fitsm.finance.money import Money, exact, to_minor

__all__ = [
    "ChargingModel",
    "CostRecovery",
    "FixedCharge",
    "PerUnitCharge",
    "Tier",
    "TieredCharge",
    "Tiering",
    "cost_recovery",
]


def _price(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Money) or value.amount < 0:
        raise ValidationError(
            f"{type(instance).__name__}: {attribute.name} must be Money >= 0, got {shown(value)}",
            field=attribute.name,
        )


def _quantity(value: Any) -> Fraction:
    number = exact(value, "a quantity")
    if number < 0:
        raise ValidationError(f"a quantity must be >= 0, got {shown(value)}", field="quantity")
    return number


def _charged(value: Fraction, currency: str) -> Money:
    return Money.of_minor(to_minor(value, currency), currency)


@attrs.frozen
class FixedCharge:
    """The same ``amount`` every charging period, whatever the quantity."""

    amount: Money = attrs.field(validator=_price)

    @property
    def currency(self) -> str:
        """The currency charged in."""
        return self.amount.currency

    def charge(self, quantity: int | Decimal | Fraction | str = 0) -> Money:
        """The charge for one period: ``amount``."""
        _quantity(quantity)
        return self.amount.rounded()

    def __str__(self) -> str:
        return f"{self.amount} fixed"


@attrs.frozen
class PerUnitCharge:
    """``unit_price`` for each ``unit`` used."""

    unit_price: Money = attrs.field(validator=_price)
    unit: str = attrs.field(default="unit", validator=identifier)

    @property
    def currency(self) -> str:
        """The currency charged in."""
        return self.unit_price.currency

    def charge(self, quantity: int | Decimal | Fraction | str) -> Money:
        """``quantity`` x ``unit_price``, rounded to the minor unit."""
        return _charged(_quantity(quantity) * Fraction(self.unit_price.amount), self.currency)

    def __str__(self) -> str:
        return f"{self.unit_price} per {self.unit}"


def _limit(value: Any) -> Fraction | None:
    return None if value is None else _quantity(value)


@attrs.frozen
class Tier:
    """A tier up to ``up_to`` units (inclusive; None: no limit), at ``unit_price`` each."""

    up_to: Fraction | None = attrs.field(converter=_limit)
    unit_price: Money = attrs.field(validator=_price)


class Tiering(StrEnum):
    """Graduated: each tier's price for the units inside it. Volume: one price for all units,
    the price of the tier the quantity falls in."""

    GRADUATED = "graduated"
    VOLUME = "volume"


def _tiers(value: Iterable[Tier]) -> tuple[Tier, ...]:
    tiers = tuple(value)
    if not tiers or not all(isinstance(t, Tier) for t in tiers):
        raise ValidationError(f"tiers must be a non-empty list of Tier, got {shown(value)}")
    return tiers


def _tiering(value: object) -> Tiering:
    return enum_value(Tiering, "tiering")(value)


@attrs.frozen
class TieredCharge:
    """Prices by tiers of quantity; tiers ascend and the last has no limit."""

    tiers: tuple[Tier, ...] = attrs.field(converter=_tiers)
    unit: str = attrs.field(default="unit", validator=identifier)
    tiering: Tiering = attrs.field(default=Tiering.GRADUATED, converter=_tiering)

    def __attrs_post_init__(self) -> None:
        currencies = sorted({t.unit_price.currency for t in self.tiers})
        if len(currencies) > 1:
            raise ValidationError(
                f"tiers must be priced in one currency, got {' and '.join(currencies)}",
                field="tiers",
            )
        limits = [t.up_to for t in self.tiers]
        if limits[-1] is not None or any(x is None for x in limits[:-1]):
            raise ValidationError(
                f"only the last tier has no limit (up_to=None), got limits {_shown(limits)}",
                field="tiers",
            )
        bounded = [x for x in limits if x is not None]
        if any(b <= a for a, b in pairwise(bounded)) or (bounded and bounded[0] <= 0):
            raise ValidationError(
                f"tier limits must be positive and ascend, got {_shown(limits)}", field="tiers"
            )

    @property
    def currency(self) -> str:
        """The currency charged in."""
        return self.tiers[0].unit_price.currency

    def charge(self, quantity: int | Decimal | Fraction | str) -> Money:
        """The charge for ``quantity`` units in one period, by the model's tiering."""
        units = _quantity(quantity)
        if self.tiering is Tiering.VOLUME:
            tier = next(t for t in self.tiers if t.up_to is None or units <= t.up_to)
            return _charged(units * Fraction(tier.unit_price.amount), self.currency)
        found, below = Fraction(0), Fraction(0)
        for tier in self.tiers:
            top = units if tier.up_to is None else min(units, tier.up_to)
            if top > below:
                found += (top - below) * Fraction(tier.unit_price.amount)
            if tier.up_to is None or units <= tier.up_to:
                break
            below = tier.up_to
        return _charged(found, self.currency)

    def __str__(self) -> str:
        parts = [
            f"{'rest' if t.up_to is None else f'to {t.up_to}'} at {t.unit_price}"
            for t in self.tiers
        ]
        return f"{self.tiering.value} tiers per {self.unit}: " + ", ".join(parts)


def _shown(limits: list[Fraction | None]) -> str:
    return "[" + ", ".join("None" if x is None else str(x) for x in limits) + "]"


ChargingModel: TypeAlias = FixedCharge | PerUnitCharge | TieredCharge
"""How a service is priced."""


@attrs.frozen
class CostRecovery:
    """What a service charged against what it cost in one period (003: "recoverability").

    ``recovered`` is charged / cost as an exact fraction (None when nothing was
    spent); ``percent`` rounds it to a whole percent, half to even.
    """

    service: str = attrs.field(validator=identifier)
    cost: Money
    charged: Money
    note: str = attrs.field(default="", validator=text)

    def __attrs_post_init__(self) -> None:
        self.cost - self.charged

    @property
    def recovered(self) -> Fraction | None:
        """Charged / cost, exactly; None when nothing was spent."""
        if self.cost.amount == 0:
            return None
        return Fraction(self.charged.amount) / Fraction(self.cost.amount)

    @property
    def percent(self) -> int | None:
        """:attr:`recovered` as a whole percent, half to even."""
        share = self.recovered
        return None if share is None else round(share * 100)

    @property
    def surplus(self) -> Money:
        """Charged minus cost: negative when the service does not recover its cost."""
        return self.charged - self.cost

    def __str__(self) -> str:
        shown_percent = "n/a" if self.percent is None else f"{self.percent} %"
        return f"{self.service}: charged {self.charged} for {self.cost} cost ({shown_percent})"


def cost_recovery(
    service: str, cost: Money, model: ChargingModel, quantity: int | Decimal | Fraction | str
) -> CostRecovery:
    """Cost recovery of ``service`` for one period: ``model``'s charge for ``quantity``
    against ``cost``."""
    return CostRecovery(service, cost, model.charge(quantity))
