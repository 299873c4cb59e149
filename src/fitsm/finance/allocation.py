"""Allocating the costs of shared CIs to the services that rely on them, through the CMDB (003).

The CMDB knows which services rely on a CI (an edge ``A -> B`` reads "A depends
on B"; :func:`fitsm.cmdb.analysis.dependencies` walks them). A CI's cost for a
period is split among exactly those services, by a **key** the provider chooses
per CI (or one for all):

:class:`EvenSplit`
    every service that relies on the CI bears the same part.
:class:`ByAttribute`
    weighted by a usage attribute of the CI's *dependants*: the nodes with an edge
    straight to the CI (the VMs on a host with their ``vcpus``, the databases on a
    storage array with their ``gigabytes``). A service weighs the sum of the
    attribute over those dependants that it is or relies on; a dependant without
    the attribute weighs 0.
:class:`ByWeights`
    weighted by given numbers, e.g. utilisation from the capacity data. The keys
    are either all service ids -- a service's weight on every CI it relies on --
    or all other node ids, weighed like :class:`ByAttribute` (the mean CPU
    utilisation of each VM on a host). To derive the weights from a utilisation
    series, take each one's mean over the period exactly,
    ``{vm: sum(samples, Fraction(0)) / len(samples)}``; the weights need not add
    up to 1 or 100, only their ratios count.

**Conservation.** Each item's cost for the period is first rounded to the minor
unit of its currency (half to even); that whole is then split with the largest
remainder rule: every share is rounded down to the cent, and the cents left over
go one each to the shares with the largest remainders, ties to the service whose
id sorts first. The shares of an item therefore add up to the item's cost to
the cent, and a service only ever gets a share of an item it relies on. A cost
of a service itself stays with that service; an item no service relies on (or
not in the CMDB) is reported as *unallocated*, so services and unallocated
together always add up to the total.

The split runs as one vectorised pass (numpy) over the (service, item) pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from math import lcm
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs
import numpy as np

from fitsm._validators import check_id, shown
from fitsm.cmdb.analysis import dependencies
from fitsm.cmdb.configuration import NodeKind
from fitsm.cmdb.view import CmdbView
from fitsm.errors import ValidationError
from fitsm.finance.money import Money, exact

__all__ = [
    "EVEN",
    "Allocation",
    "AllocationKey",
    "ByAttribute",
    "ByWeights",
    "EvenSplit",
    "allocate",
]


@attrs.frozen
class EvenSplit:
    """Every service that relies on the item bears an equal part."""

    def __str__(self) -> str:
        return "even split"


EVEN = EvenSplit()
"""The default key: an even split among the services that rely on an item."""


def _attribute_name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_id(value, "the usage attribute's name", field="attribute")


@attrs.frozen
class ByAttribute:
    """Weighted by the numeric attribute ``attribute`` of the item's direct dependants."""

    attribute: str = attrs.field(validator=_attribute_name)

    def __str__(self) -> str:
        return f"by attribute {self.attribute!r}"


def _weights(value: Any) -> Mapping[str, Fraction]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"weights must be a mapping of service or CI id to a number, got {shown(value)}",
            field="weights",
        )
    checked = {}
    for key, weight in value.items():
        check_id(key, "a weight's key (a service or CI id)", field="weights")
        number = exact(weight, f"the weight of {key!r}") if not isinstance(weight, float) else None
        if number is None:
            # utilisation figures arrive as floats: keep the decimal the float prints as
            number = Fraction(Decimal(repr(weight)))
        if number < 0:
            raise ValidationError(
                f"the weight of {key!r} must be >= 0, got {shown(weight)}", field="weights"
            )
        checked[key] = number
    if not checked:
        raise ValidationError("weights must name at least one service or CI", field="weights")
    return MappingProxyType(checked)


@attrs.frozen
class ByWeights:
    """Weighted by given numbers, keyed by service ids or by dependants' ids (not both)."""

    weights: Mapping[str, Fraction] = attrs.field(converter=_weights)

    def __str__(self) -> str:
        return f"by {len(self.weights)} weights"


AllocationKey: TypeAlias = EvenSplit | ByAttribute | ByWeights
"""How an item's cost is split among the services that rely on it."""


def _usage(cmdb: CmdbView, node: str, key: ByAttribute | ByWeights) -> Fraction:
    if isinstance(key, ByWeights):
        return key.weights.get(node, Fraction(0))
    record = cmdb[node]
    value = getattr(record, "attributes", {}).get(key.attribute)
    if value is None:
        return Fraction(0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            f"{node!r}: usage attribute {key.attribute!r} must be a number, got {shown(value)}",
            field=key.attribute,
        )
    number = Fraction(value) if isinstance(value, int) else Fraction(Decimal(repr(value)))
    if number < 0:
        raise ValidationError(
            f"{node!r}: usage attribute {key.attribute!r} must be >= 0, got {shown(value)}",
            field=key.attribute,
        )
    return number


def _by_service(cmdb: CmdbView, key: AllocationKey) -> bool:
    """Whether ``key`` weighs services directly (ByWeights keyed by service ids)."""
    if not isinstance(key, ByWeights):
        return False
    records = cmdb.records
    kinds = {k: records[k].kind is NodeKind.SERVICE for k in key.weights if k in records}
    if len(set(kinds.values())) > 1:
        services = sorted(k for k, s in kinds.items() if s)
        others = sorted(k for k, s in kinds.items() if not s)
        raise ValidationError(
            f"weights must be keyed by service ids or by other node ids, not both; got services "
            f"{services[:3]} and others {others[:3]}",
            field="weights",
        )
    return any(kinds.values())


class Allocation:
    """The shares of every item's cost, by service, for one period; all in one currency.

    ``services`` are the CMDB's services, by id; :meth:`of` gives one service's
    allocated total, :meth:`shares_of` its share of each item, :meth:`split_of`
    how one item was split, ``unallocated`` what no service relies on.
    """

    def __init__(
        self,
        currency: str,
        services: list[str],
        items: list[str],
        cents: np.ndarray[Any, Any],
        pair_service: np.ndarray[Any, Any],
        pair_item: np.ndarray[Any, Any],
        pair_share: np.ndarray[Any, Any],
        outside: Mapping[str, int],
    ) -> None:
        self.currency = currency
        self.services = tuple(services)
        self._items = items
        self._cents = cents
        self._pair_service = pair_service
        self._pair_item = pair_item
        self._pair_share = pair_share
        self._outside = dict(outside)
        totals = np.zeros(len(services), dtype=pair_share.dtype)
        np.add.at(totals, pair_service, pair_share)
        self._totals = totals
        self._index = {s: i for i, s in enumerate(services)}
        self._unallocated: dict[str, int] | None = None
        self._item_index: dict[str, int] | None = None

    def _money(self, minor: int) -> Money:
        return Money.of_minor(int(minor), self.currency)

    @property
    def total(self) -> Money:
        """Every item's cost for the period (each rounded to the minor unit), added up."""
        return self._money(int(self._cents.sum()) + sum(self._outside.values()))

    def of(self, service: str) -> Money:
        """What ``service`` is allocated; ValidationError for a service not in the CMDB."""
        try:
            return self._money(int(self._totals[self._index[service]]))
        except KeyError:
            raise ValidationError(
                f"no service {service!r} in the allocation; expected one of "
                f"{list(self.services)[:5]}",
                field="service",
            ) from None

    def totals(self) -> dict[str, Money]:
        """Each service's allocated total, by service id."""
        return {s: self._money(int(self._totals[i])) for s, i in self._index.items()}

    def shares_of(self, service: str) -> dict[str, Money]:
        """``service``'s share of each item it relies on, by item id (zero shares left out)."""
        self.of(service)
        mask = self._pair_service == self._index[service]
        return {
            self._items[i]: self._money(int(v))
            for i, v in zip(self._pair_item[mask], self._pair_share[mask], strict=True)
            if v
        }

    def split_of(self, item: str) -> dict[str, Money]:
        """How ``item``'s cost was split, by service id (empty when it is unallocated)."""
        if self._item_index is None:
            self._item_index = {name: i for i, name in enumerate(self._items)}
        found = self._item_index.get(item)
        if found is None:
            return {}
        mask = self._pair_item == found
        return {
            self.services[s]: self._money(int(v))
            for s, v in zip(self._pair_service[mask], self._pair_share[mask], strict=True)
        }

    @property
    def unallocated(self) -> dict[str, Money]:
        """The items no service relies on (or not in the CMDB), with their cost."""
        if self._unallocated is None:
            allocated = np.zeros(len(self._items), dtype=bool)
            allocated[self._pair_item] = True
            cents, items = self._cents, self._items
            self._unallocated = {
                items[i]: int(cents[i]) for i in np.flatnonzero(~allocated) if cents[i]
            } | {k: v for k, v in self._outside.items() if v}
        return {k: self._money(v) for k, v in sorted(self._unallocated.items())}

    def __repr__(self) -> str:
        return f"<Allocation of {self.total} to {len(self.services)} services>"


def _currency_of(amounts: Mapping[str, Money], currency: str | None) -> str:
    """The currency of the allocation: ``currency``, else the first amount's."""
    if currency is None:
        first = next(iter(amounts.values()), None)
        if first is None:
            raise ValidationError("no costs to allocate and no currency given", field="currency")
        currency = _checked(next(iter(amounts)), first, None)
    return currency


def _checked(item: str, amount: object, currency: str | None) -> str:
    """``amount``'s currency, or why it cannot be allocated with ``currency``."""
    if not isinstance(amount, Money):
        raise ValidationError(
            f"the cost of {item!r} must be Money, got {shown(amount)}", field="amounts"
        )
    if currency is not None and amount.currency != currency:
        raise ValidationError(
            f"costs must be in one currency to be allocated together: {item!r} is in "
            f"{amount.currency}, expected {currency}",
            field="amounts",
        )
    return amount.currency


def allocate(
    cmdb: CmdbView,
    amounts: Mapping[str, Money],
    key: AllocationKey = EVEN,
    *,
    keys: Mapping[str, AllocationKey] | None = None,
    currency: str | None = None,
) -> Allocation:
    """Split each item's cost among the services that rely on it.

    ``amounts`` maps item ids (CIs, components, groups or services) to their cost
    for the period; ``key`` is the key for every item not named in ``keys``.
    Each amount is rounded to the minor unit first; the shares of each item add
    up to it exactly (the largest remainder rule, see the module). A key that
    gives every service relying on an item a weight of 0 is a ValidationError
    naming the item.

    >>> from datetime import UTC, datetime
    >>> from fitsm import Cmdb, CmdbSchema, ConfigurationItem, ServiceNode
    >>> cmdb = Cmdb(CmdbSchema(ci_types=["server"]))
    >>> at = datetime(2026, 1, 5, tzinfo=UTC)
    >>> cmdb.add_many([ServiceNode("shop"), ServiceNode("crm"), ConfigurationItem("db", "server")],
    ...               [("shop", "db"), ("crm", "db")], actor="ann", at=at)
    >>> split = allocate(cmdb, {"db": Money("100", "EUR")})
    >>> split.of("shop"), split.of("crm")
    (Money('50.00', 'EUR'), Money('50.00', 'EUR'))
    """
    chosen = dict(keys or {})
    for name, each in [("key", key), *chosen.items()]:
        if not isinstance(each, EvenSplit | ByAttribute | ByWeights):
            raise ValidationError(
                f"{name!r}: an allocation key is EvenSplit, ByAttribute or ByWeights, got "
                f"{shown(each)}",
                field="keys",
            )
    money = _currency_of(amounts, currency)
    records = cmdb.records
    services = sorted(n.id for n in cmdb.nodes(NodeKind.SERVICE))
    items: list[str] = []
    minor: list[int] = []
    outside: dict[str, int] = {}
    for item, amount in amounts.items():  # one pass: a million costs are common
        if type(amount) is not Money or amount.currency != money:
            _checked(item, amount, money)
        if item in records:
            items.append(item)
            minor.append(amount.minor)
        else:
            outside[item] = amount.minor
    item_index = {item: i for i, item in enumerate(items)}
    cents = np.array(minor, dtype=object)
    if len(items) and min(minor) < 0:
        item = items[int(np.argmin(cents))]
        raise ValidationError(f"the cost of {item!r} must be >= 0, got {amounts[item]}")

    # (service, item, weight) for every item a service relies on
    pairs_s: list[int] = []
    pairs_i: list[int] = []
    weights: list[int | Fraction] = []
    by_service = {id(k): _by_service(cmdb, k) for k in [key, *chosen.values()]}
    of_service: dict[int, dict[str, Fraction]] = {
        id(k): {s: _usage(cmdb, s, k) for s in services}  # type: ignore[arg-type]
        for k in [key, *chosen.values()]
        if by_service[id(k)]
    }
    pred = cmdb.pred
    for s, service in enumerate(services):
        if service in item_index:  # a service's own cost stays with it
            pairs_s.append(s)
            pairs_i.append(item_index[service])
            weights.append(1)
        found = dependencies(cmdb, service)
        relies = [d.id for d in found]
        within: set[str] | None = None
        for d in found:
            i = item_index.get(d.id)
            if i is None or d.kind is NodeKind.SERVICE:  # another service's own cost
                continue
            node = d.id
            each = chosen.get(node, key)
            weight: int | Fraction
            if isinstance(each, EvenSplit):
                weight = 1
            elif by_service[id(each)]:
                weight = of_service[id(each)][service]
            else:
                if within is None:
                    within = {service, *relies}
                weight = sum(
                    (_usage(cmdb, n, each) for n in pred[node] if n in within), Fraction(0)
                )
            pairs_s.append(s)
            pairs_i.append(i)
            weights.append(weight)

    share = _split(cents, np.array(pairs_i, dtype=np.int64), weights, services, pairs_s, items)
    integral = share.dtype == np.int64
    return Allocation(
        money,
        services,
        items,
        cents.astype(np.int64) if integral else cents,
        np.array(pairs_s, dtype=np.int64),
        np.array(pairs_i, dtype=np.int64),
        share,
        outside,
    )


_SAFE = 2**62


def _split(
    cents: np.ndarray[Any, Any],
    pair_item: np.ndarray[Any, Any],
    weights: list[int | Fraction],
    services: list[str],
    pair_service: list[int],
    items: list[str],
) -> np.ndarray[Any, Any]:
    """The largest remainder split of every item's cents over its pairs, vectorised."""
    n = len(weights)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    # whole-number weights per item: scale each item's weights by their common denominator
    scale: dict[int, int] = {}
    for i, w in zip(pair_item.tolist(), weights, strict=True):
        if w.denominator != 1:
            scale[i] = lcm(scale.get(i, 1), w.denominator)
    whole = (
        [int(w) for w in weights]
        if not scale
        else [
            (w * scale.get(i, 1)).numerator
            for i, w in zip(pair_item.tolist(), weights, strict=True)
        ]
    )
    order = np.argsort(pair_item, kind="stable")
    item_of = pair_item[order]
    starts = np.flatnonzero(np.r_[True, item_of[1:] != item_of[:-1]])
    big = max(whole) >= _SAFE or max(cents[item_of[starts]]) * max(max(whole), 1) >= _SAFE
    dtype: Any = object if big or len(weights) * max(whole) >= _SAFE else np.int64
    ranked_w = np.array(whole, dtype=dtype)[order]
    sums = np.add.reduceat(ranked_w, starts)
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    for g in np.flatnonzero(sums == 0):
        item = items[int(item_of[starts[g]])]
        if cents[int(item_of[starts[g]])] != 0:
            relying = sorted(
                services[pair_service[int(order[k])]] for k in _members(starts, int(g), n)
            )
            raise ValidationError(
                f"the allocation key gives every service relying on {item!r} a weight of 0 "
                f"({', '.join(relying)}); expected a positive weight for at least one",
                field="keys",
            )
        sums[g] = 1  # nothing to split
    total = cents[item_of].astype(dtype)
    product = total * ranked_w
    base = product // sums[group]
    remainder = product % sums[group]
    left = cents[item_of[starts]].astype(dtype) - np.add.reduceat(base, starts)
    # within each item: largest remainder first, ties by service id (services are sorted)
    service_of = np.array(pair_service, dtype=np.int64)[order]
    ranked = np.lexsort((service_of, -remainder, group))
    position = np.empty(n, dtype=np.int64)
    position[ranked] = np.arange(n) - starts[group[ranked]]
    share_sorted = base + (position < left[group])
    share = np.empty(n, dtype=dtype)
    share[order] = share_sorted
    return share


def _members(starts: np.ndarray[Any, Any], g: int, n: int) -> Iterable[int]:
    end = int(starts[g + 1]) if g + 1 < len(starts) else n
    return range(int(starts[g]), end)
