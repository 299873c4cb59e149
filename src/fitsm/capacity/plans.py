"""Capacity plans (PR5.3): how future capacity will meet the requirements.

FitSM-1 (CC BY 4.0): "PR5.3 Future capacity shall be planned to meet identified
requirements, considering human, technical and financial resources." FitSM-2's
outputs are "capacity plans (reflecting demands, planned upgrades, downgrades and
reallocations of resources)"; FitSM-3 gives each plan a *capacity plan owner*.

A :class:`CapacityPlan` has an owner, the services it covers, a status (draft,
approved, terminated) and :class:`PlanItem` s, each a human, technical or
financial measure with an amount (``Q_(50, "TB")``, ``Q_(2, "person")``), a cost,
a due date, the requirement it meets and the change (RFC) that carries it out,
since capacity is increased "under the control of the change management process".
A plan is reviewed on a schedule whose subject is :func:`capacity_plan_subject`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier, identifier_or_empty, text, to_id_tuple
from fitsm.capacity.capacities import ResourceKind
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.reviews.schedules import ReviewSubject, SubjectKind
from fitsm.units import check_quantity

__all__ = ["CapacityPlan", "ItemStatus", "PlanItem", "PlanStatus", "capacity_plan_subject"]


class PlanStatus(StrEnum):
    """Where a plan is: drafted, approved (by the relevant authorities), or terminated."""

    DRAFT = "draft"
    APPROVED = "approved"
    TERMINATED = "terminated"


class ItemStatus(StrEnum):
    """Where one measure of a plan is."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


def capacity_plan_subject(plan_id: str) -> ReviewSubject:
    """The review subject of a capacity plan (PR5.3).

    >>> str(capacity_plan_subject("cap-2026"))
    'plan:capacity-cap-2026'
    """
    return ReviewSubject(SubjectKind.PLAN, f"capacity-{plan_id}")


def _kind(value: object) -> ResourceKind:
    return enum_value(ResourceKind, "kind")(value)


def _item_status(value: object) -> ItemStatus:
    return enum_value(ItemStatus, "status")(value)


def _plan_status(value: object) -> PlanStatus:
    return enum_value(PlanStatus, "status")(value)


def _due(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value, "due")


def _quantity(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_quantity(value, f"plan item {getattr(instance, 'id', '?')!r}: amount")


def _cost(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise ValidationError(
            f"cost must be a whole number, a Decimal or its text (money is exact), got {value!r}",
            field="cost",
        )
    try:
        cost = Decimal(value)
    except ArithmeticError:
        raise ValidationError(f"cost must be a number, got {value!r}", field="cost") from None
    if not cost.is_finite() or cost < 0:
        raise ValidationError(f"cost must be a finite amount of at least 0, got {value!r}")
    return cost


@attrs.frozen
class PlanItem:
    """One measure of a capacity plan: an upgrade, a downgrade, a reallocation, a hire.

    >>> from fitsm.units import Q_
    >>> PlanItem("san-ext", "technical", "Add a 50 TB shelf to san1", amount=Q_(50, "TB"),
    ...          cost="18000", currency="EUR").cost
    Decimal('18000')
    """

    id: str = attrs.field(validator=identifier)
    kind: ResourceKind = attrs.field(converter=_kind)
    description: str = attrs.field(validator=text)
    amount: Any = attrs.field(default=None, validator=_quantity)
    cost: Decimal | None = attrs.field(default=None, converter=_cost)
    currency: str = attrs.field(default="", validator=text)
    due: datetime | None = attrs.field(default=None, converter=_due)
    requirement: str = attrs.field(default="", validator=identifier_or_empty)
    change: str = attrs.field(default="", validator=identifier_or_empty)
    """The change (RFC) that implements the measure, by case id."""
    status: ItemStatus = attrs.field(default=ItemStatus.PLANNED, converter=_item_status)

    def __attrs_post_init__(self) -> None:
        if not self.description.strip():
            raise ValidationError(f"plan item {self.id!r} needs a description", field="description")
        if self.cost is not None and not self.currency:
            raise ValidationError(
                f"plan item {self.id!r} has a cost of {self.cost} but no currency; expected "
                "e.g. currency='EUR'",
                field="currency",
            )


def _items(value: Any) -> tuple[PlanItem, ...]:
    items = tuple(value)
    for item in items:
        if not isinstance(item, PlanItem):
            raise ValidationError(f"a plan's items must be PlanItems, got {item!r}", field="items")
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise ValidationError(f"a plan names an item id twice: {ids!r}", field="items")
    return items


@attrs.frozen
class CapacityPlan:
    """A capacity plan (PR5.3), owned by its capacity plan owner (FitSM-3).

    >>> CapacityPlan("cap-2026", "Capacity plan 2026", owner="olga", services=["shop"]).status
    <PlanStatus.DRAFT: 'draft'>
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=text)
    owner: str = attrs.field(default="", validator=identifier_or_empty)
    services: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple)
    status: PlanStatus = attrs.field(default=PlanStatus.DRAFT, converter=_plan_status)
    items: tuple[PlanItem, ...] = attrs.field(default=(), converter=_items)

    def __attrs_post_init__(self) -> None:
        if not self.title.strip():
            raise ValidationError(f"capacity plan {self.id!r} needs a title", field="title")

    def item(self, item_id: str) -> PlanItem:
        """The item ``item_id``; ValidationError naming the plan's items if there is none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise ValidationError(
            f"capacity plan {self.id!r} has no item {item_id!r}; it has "
            f"{[i.id for i in self.items]!r}",
            field="item_id",
        )

    def by_kind(self) -> dict[ResourceKind, tuple[PlanItem, ...]]:
        """The items of each kind (human, technical, financial); every kind is a key."""
        return {k: tuple(i for i in self.items if i.kind is k) for k in ResourceKind}

    def cost(self) -> dict[str, Decimal]:
        """The total cost of the items not cancelled, by currency."""
        totals: dict[str, Decimal] = {}
        for item in self.items:
            if item.cost is not None and item.status is not ItemStatus.CANCELLED:
                totals[item.currency] = totals.get(item.currency, Decimal(0)) + item.cost
        return totals
