"""The finance register: costs, allocation choices, prices and the roadmap of the services (003).

One aggregate (``uow.finance``) holds what service financial management and
roadmap definition maintain (003; PR1 for the portfolio they serve): the
:class:`~fitsm.finance.Cost` of each CI, component and service, the allocation
key chosen for each shared item, each service's price (its charging model) and
its roadmap entries. Every item is its own unit of change: two people changing
different items do not conflict (:meth:`FinanceRegister.rebase`). Every change
is checked and recorded with who made it, when and why; changes dated before an
item's last change are refused, so its history stays in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any

import attrs

from fitsm._merging import after_last, merge_items
from fitsm._validators import check_id, identifier, shown
from fitsm.cmdb.view import CmdbView
from fitsm.errors import DuplicateError, NotFoundError, ValidationError
from fitsm.finance.allocation import EVEN, AllocationKey, ByAttribute, ByWeights, EvenSplit
from fitsm.finance.catalogue import PricedEntry, priced_catalogue
from fitsm.finance.changes import FinanceChange, history
from fitsm.finance.charging import (
    ChargingModel,
    CostRecovery,
    FixedCharge,
    PerUnitCharge,
    TieredCharge,
)
from fitsm.finance.costs import Cost
from fitsm.finance.money import Money
from fitsm.finance.roadmap import (
    Portfolio,
    RoadmapEntry,
    RoadmapFinding,
    check_roadmap,
    planned_between,
)
from fitsm.finance.tco import CostRollUp, roll_up
from fitsm.portfolio.services import ServicePortfolio

__all__ = ["DEFAULT_ITEM", "AllocationChoice", "FinanceRegister", "Price"]

DEFAULT_ITEM = "*"
"""The item of the allocation choice that applies to every item without its own."""


def _key(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, EvenSplit | ByAttribute | ByWeights):
        raise ValidationError(
            f"an allocation key is EvenSplit, ByAttribute or ByWeights, got {shown(value)}",
            field="key",
        )


@attrs.frozen
class AllocationChoice:
    """The key chosen to allocate ``item``'s cost (``"*"``: every item without its own)."""

    item: str = attrs.field(validator=identifier)
    key: AllocationKey = attrs.field(validator=_key)
    history: tuple[FinanceChange, ...] = attrs.field(default=(), converter=history)


def _model(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, FixedCharge | PerUnitCharge | TieredCharge):
        raise ValidationError(
            f"a price is a FixedCharge, PerUnitCharge or TieredCharge, got {shown(value)}",
            field="model",
        )


@attrs.frozen
class Price:
    """A service's price: the charging model customers pay by."""

    service: str = attrs.field(validator=identifier)
    model: ChargingModel = attrs.field(validator=_model)
    history: tuple[FinanceChange, ...] = attrs.field(default=(), converter=history)


_COST_FIELDS = ("amount", "effective_to", "description", "amortise_months")
_ENTRY_FIELDS = ("planned_for", "version", "capabilities", "cost")


def _recorded(value: Any) -> Any:
    """A value as a history entry keeps it."""
    keys_and_models = (EvenSplit, ByAttribute, ByWeights, FixedCharge, PerUnitCharge, TieredCharge)
    return str(value) if isinstance(value, (*keys_and_models, Money)) else value


class FinanceRegister:
    """Costs, allocation choices, prices and roadmap entries: the aggregate the store keeps.

    >>> from datetime import UTC
    >>> from fitsm.finance import Money
    >>> register = FinanceRegister()
    >>> t0 = datetime(2026, 1, 5, tzinfo=UTC)
    >>> _ = register.set_price("shop", FixedCharge(Money("500", "EUR")), at=t0, by="ann")
    >>> str(register.price("shop").model)
    'EUR 500.00 fixed'
    """

    def __init__(self, id: str = "default") -> None:
        check_id(id, "a finance register id", field="id")
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self._costs: dict[str, Cost] = {}
        self._keys: dict[str, AllocationChoice] = {}
        self._prices: dict[str, Price] = {}
        self._roadmap: dict[str, RoadmapEntry] = {}

    # -- changes ---------------------------------------------------------------------

    def add_cost(self, cost: Cost, *, at: datetime, by: str, note: str = "") -> Cost:
        """Record a cost of a CI, component or service (003: TCO)."""
        if not isinstance(cost, Cost):
            raise ValidationError(f"expected a Cost, got {shown(cost)}", field="cost")
        if cost.id in self._costs:
            raise DuplicateError(f"cost {cost.id!r} is in the finance register already")
        if cost.history:
            raise ValidationError(
                f"cost {cost.id!r} comes with a history; the register records it itself",
                field="history",
            )
        fields = {
            "item": cost.item,
            "amount": str(cost.amount),
            "recurrence": cost.recurrence.value,
        }
        change = FinanceChange(at, by, "added", fields, note)
        added = attrs.evolve(cost, history=(change,))
        self._costs[cost.id] = added
        return added

    def revise_cost(
        self, cost_id: str, *, at: datetime, by: str, note: str = "", **changes: Any
    ) -> Cost:
        """Change a cost's amount, effective_to (to end it), description or amortise_months."""
        self._known(changes, _COST_FIELDS, f"revise_cost() of cost {cost_id!r}")
        current = self.cost(cost_id)
        updated = attrs.evolve(current, **changes)
        change = _next(current, cost_id, at, by, "revised", changes, note)
        stored = attrs.evolve(updated, history=(*current.history, change))
        self._costs[cost_id] = stored
        return stored

    def choose_key(
        self, item: str, key: AllocationKey, *, at: datetime, by: str, note: str = ""
    ) -> AllocationChoice:
        """Choose how ``item``'s cost is allocated (``"*"``: the default for every item)."""
        choice = AllocationChoice(item, key)
        current = self._keys.get(item)
        change = _next(current, item, at, by, "chosen", {"key": key}, note)
        before = () if current is None else current.history
        stored = attrs.evolve(choice, history=(*before, change))
        self._keys[item] = stored
        return stored

    def set_price(
        self, service: str, model: ChargingModel, *, at: datetime, by: str, note: str = ""
    ) -> Price:
        """Set the price (charging model) of ``service``; the last one applies."""
        price = Price(service, model)
        current = self._prices.get(service)
        change = _next(current, service, at, by, "priced", {"model": model}, note)
        before = () if current is None else current.history
        stored = attrs.evolve(price, history=(*before, change))
        self._prices[service] = stored
        return stored

    def plan(self, entry: RoadmapEntry, *, at: datetime, by: str, note: str = "") -> RoadmapEntry:
        """Put a planned version or retirement on the roadmap."""
        if not isinstance(entry, RoadmapEntry):
            raise ValidationError(f"expected a RoadmapEntry, got {shown(entry)}", field="entry")
        if entry.id in self._roadmap:
            raise DuplicateError(f"roadmap entry {entry.id!r} is in the finance register already")
        if entry.history or entry.cancelled:
            raise ValidationError(
                f"roadmap entry {entry.id!r} comes with a history or cancelled; expected a new "
                "entry",
                field="history",
            )
        fields = {"service": entry.service, "kind": entry.kind.value, "at": entry.planned_for}
        change = FinanceChange(at, by, "planned", fields, note)
        stored = attrs.evolve(entry, history=(change,))
        self._roadmap[entry.id] = stored
        return stored

    def revise_entry(
        self, entry_id: str, *, at: datetime, by: str, note: str = "", **changes: Any
    ) -> RoadmapEntry:
        """Change a roadmap entry's date (planned_for), version, capabilities or cost."""
        self._known(changes, _ENTRY_FIELDS, f"revise_entry() of entry {entry_id!r}")
        current = self._open_entry(entry_id)
        updated = attrs.evolve(current, **changes)
        change = _next(current, entry_id, at, by, "revised", changes, note)
        stored = attrs.evolve(updated, history=(*current.history, change))
        self._roadmap[entry_id] = stored
        return stored

    def cancel_entry(self, entry_id: str, *, at: datetime, by: str, note: str = "") -> RoadmapEntry:
        """Take an entry off the plan; it stays on record."""
        current = self._open_entry(entry_id)
        change = _next(current, entry_id, at, by, "cancelled", {"cancelled": True}, note)
        stored = attrs.evolve(current, cancelled=True, history=(*current.history, change))
        self._roadmap[entry_id] = stored
        return stored

    @staticmethod
    def _known(changes: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
        unknown = sorted(set(changes) - set(allowed))
        if unknown or not changes:
            raise ValidationError(
                f"{what} changes {', '.join(allowed)}; got "
                + (", ".join(map(repr, unknown)) if unknown else "nothing"),
                field=unknown[0] if unknown else None,
            )

    def _open_entry(self, entry_id: str) -> RoadmapEntry:
        current = self.entry(entry_id)
        if current.cancelled:
            raise ValidationError(
                f"roadmap entry {entry_id!r} is cancelled; it changes no more", field="id"
            )
        return current

    # -- reading -----------------------------------------------------------------------

    def cost(self, cost_id: str) -> Cost:
        """The cost ``cost_id``; NotFoundError if there is none."""
        try:
            return self._costs[cost_id]
        except (KeyError, TypeError):
            raise NotFoundError(f"no cost {cost_id!r} in finance register {self.id!r}") from None

    def costs(self, item: str | None = None) -> list[Cost]:
        """Every cost (of ``item``), by id."""
        return sorted(
            (c for c in self._costs.values() if item is None or c.item == item),
            key=lambda c: c.id,
        )

    @property
    def default_key(self) -> AllocationKey:
        """The key of items without their own choice (an even split unless chosen)."""
        choice = self._keys.get(DEFAULT_ITEM)
        return EVEN if choice is None else choice.key

    def keys(self) -> dict[str, AllocationKey]:
        """The key chosen for each item that has its own, by item id."""
        return {k: c.key for k, c in sorted(self._keys.items()) if k != DEFAULT_ITEM}

    def price(self, service: str) -> Price:
        """The price of ``service``; NotFoundError if it has none."""
        try:
            return self._prices[service]
        except (KeyError, TypeError):
            raise NotFoundError(f"service {service!r} has no price in {self.id!r}") from None

    def prices(self) -> dict[str, ChargingModel]:
        """Each priced service's charging model, by service id."""
        return {s: p.model for s, p in sorted(self._prices.items())}

    def entry(self, entry_id: str) -> RoadmapEntry:
        """The roadmap entry ``entry_id``; NotFoundError if there is none."""
        try:
            return self._roadmap[entry_id]
        except (KeyError, TypeError):
            raise NotFoundError(f"no roadmap entry {entry_id!r} in {self.id!r}") from None

    def roadmap(self, service: str | None = None) -> list[RoadmapEntry]:
        """The entries not cancelled (of ``service``), by date, then service, then id."""
        found = [
            e
            for e in self._roadmap.values()
            if not e.cancelled and (service is None or e.service == service)
        ]
        return sorted(found, key=lambda e: (e.planned_for, e.service, e.id))

    def planned_between(self, start: datetime, end: datetime) -> list[RoadmapEntry]:
        """What is planned in ``[start, end)``, by date."""
        return planned_between(self._roadmap.values(), start, end)

    def check_roadmap(self, portfolio: Portfolio) -> list[RoadmapFinding]:
        """The roadmap entries the portfolio's lifecycle does not allow."""
        return check_roadmap(self._roadmap.values(), portfolio)

    def roll_up(
        self, cmdb: CmdbView, start: datetime, end: datetime, *, currency: str | None = None
    ) -> CostRollUp:
        """Every service's TCO for ``[start, end)``, by the register's allocation choices."""
        return roll_up(
            cmdb,
            self._costs.values(),
            start,
            end,
            key=self.default_key,
            keys=self.keys(),
            currency=currency,
        )

    def recovery(
        self,
        rolled: CostRollUp,
        service: str,
        quantity: int | Decimal | Fraction | str = 0,
    ) -> CostRecovery:
        """Cost recovery of ``service`` in the rolled-up period: its price for ``quantity``
        (units used in the period) against its TCO."""
        charged = self.price(service).model.charge(quantity)
        return CostRecovery(service, rolled.of(service).total, charged)

    def catalogue(
        self, portfolio: ServicePortfolio, cmdb: CmdbView | None = None
    ) -> tuple[PricedEntry, ...]:
        """The live services with their prices and the services they rely on."""
        return priced_catalogue(portfolio, self.prices(), cmdb)

    def __len__(self) -> int:
        """How many items the register holds: costs, allocation choices, prices and roadmap
        entries (cancelled ones included)."""
        return len(self._costs) + len(self._keys) + len(self._prices) + len(self._roadmap)

    # -- aggregate -------------------------------------------------------------------

    def rebase(self, stored: FinanceRegister, base: FinanceRegister) -> None:
        """Put the items changed here since ``base`` on top of ``stored``.

        Each cost, allocation choice, price and roadmap entry is its own unit of
        change: when this register and ``stored`` changed the same one,
        ConflictError is raised and nothing changes.
        """
        merged = []
        for what, attr in (
            ("cost", "_costs"),
            ("allocation choice for", "_keys"),
            ("price of", "_prices"),
            ("roadmap entry", "_roadmap"),
        ):
            merged.append(
                merge_items(
                    getattr(self, attr),
                    getattr(stored, attr),
                    getattr(base, attr),
                    partial(_conflict, what),
                )
            )
        self._costs, self._keys, self._prices, self._roadmap = merged

    def copy(self) -> FinanceRegister:
        """An independent copy; the records are immutable, so sharing them is safe."""
        other = FinanceRegister(self.id)
        other.version = self.version
        other._costs = dict(self._costs)
        other._keys = dict(self._keys)
        other._prices = dict(self._prices)
        other._roadmap = dict(self._roadmap)
        return other

    def _state(self) -> tuple[Any, ...]:
        return (self.id, self._costs, self._keys, self._prices, self._roadmap)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FinanceRegister):
            return NotImplemented
        return self._state() == other._state()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<FinanceRegister {self.id!r}: {len(self._costs)} costs, {len(self._prices)} "
            f"prices, {len(self.roadmap())} planned>"
        )


def _conflict(what: str, both: list[str]) -> str:
    return (
        f"{what} {', '.join(map(repr, both))} was changed by someone else since it was "
        "loaded; reload and apply the change again"
    )


def _next(
    current: Any,
    name: str,
    at: datetime,
    by: str,
    action: str,
    changes: Mapping[str, Any],
    note: str,
) -> FinanceChange:
    """The change to record, refused when dated before the item's last change."""
    change = FinanceChange(at, by, action, {k: _recorded(v) for k, v in changes.items()}, note)
    return after_last(repr(name), current.history if current is not None else (), change)
