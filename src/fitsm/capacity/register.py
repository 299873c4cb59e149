"""The capacity register: capacities, thresholds, requirements and plans (PR5.1-PR5.3).

One aggregate per organisation (or per part of it) holds what capacity
management decides: the :class:`~fitsm.capacity.Capacity` of each CI and metric
(PR5.2), the :class:`~fitsm.capacity.Threshold` s it is monitored against
(PR5.2, PR5.4), the :class:`~fitsm.capacity.CapacityRequirement` s of the
services (PR5.1) and the :class:`~fitsm.capacity.CapacityPlan` s that meet them
(PR5.3). Every change goes through an operation taking ``at=`` and ``by=``,
which checks it and records who changed what and when; each capacity,
threshold, requirement and plan is its own unit of change (:meth:`rebase`).
Utilisation samples are not kept here but in the store's utilisation series
(``uow.utilisation``): they are monitoring data, millions of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from fitsm._merging import after_last, merge_items
from fitsm._validators import enum_value, identifier, shown, text
from fitsm.capacity.capacities import Capacity, check_same_measure
from fitsm.capacity.forecast import Forecast, forecast_crossing
from fitsm.capacity.plans import (
    CapacityPlan,
    ItemStatus,
    PlanItem,
    PlanStatus,
    capacity_plan_subject,
)
from fitsm.capacity.requirements import CapacityRequirement, capacity_requirements_subject
from fitsm.capacity.series import UtilisationSeries
from fitsm.capacity.thresholds import Breaches, Threshold, breaches
from fitsm.clock import as_utc
from fitsm.errors import DuplicateError, NotFoundError, ValidationError
from fitsm.reviews.schedules import ReviewOutcome

if TYPE_CHECKING:
    from fitsm.reviews.schedules import ReviewSchedules

__all__ = ["CapacityChange", "CapacityRegister"]

T = TypeVar("T")

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if value else _EMPTY


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


@attrs.frozen
class CapacityChange:
    """One change in the register: when, by whom, what (``recorded``, ``changed``, ``added``,
    ``approved``, ``reviewed`` ...), to which item (``plan:cap-2026``), the fields set, why."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    item: str = attrs.field(validator=text)
    changes: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen)
    note: str = attrs.field(default="", validator=text)


def _plain(value: Any) -> Any:
    """A value as the history keeps it: enums as their value."""
    return value.value if isinstance(value, Enum) else value


def _fields(record: Any, names: Iterable[str]) -> dict[str, Any]:
    return {n: _plain(getattr(record, n)) for n in names}


class CapacityRegister:
    """What capacity management decides, by item: the aggregate the store keeps.

    >>> from datetime import UTC
    >>> from fitsm.units import Q_
    >>> register = CapacityRegister()
    >>> t0 = datetime(2026, 1, 5, tzinfo=UTC)
    >>> _ = register.set_capacity(Capacity("san1", "storage", Q_(100, "TB"), ci_type="storage"),
    ...                           at=t0, by="ann")
    >>> _ = register.set_threshold(Threshold("storage", 0.8, 0.9, ci_type="storage"),
    ...                            at=t0, by="ann")
    >>> register.threshold_for("san1", "storage").key
    'type:storage/storage'
    """

    def __init__(self, id: str = "default") -> None:
        if not isinstance(id, str) or not id or id != id.strip():
            raise ValidationError(f"capacity register id must be a non-empty string, got {id!r}")
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self._items: dict[str, Any] = {}
        """``capacity:<subject>/<metric>``, ``threshold:<key>``, ``requirement:<id>``,
        ``plan:<id>`` -> the record."""
        self._history: dict[str, tuple[CapacityChange, ...]] = {}
        """The same keys -> the changes of that item, oldest first."""

    # -- capacities (PR5.2) -------------------------------------------------------------

    def set_capacity(
        self, capacity: Capacity, *, at: datetime, by: str, note: str = ""
    ) -> Capacity:
        """Record the capacity of a CI for a metric (PR5.2), or change it (an upgrade,
        a downgrade). A new amount must measure what the old one did (TB for TB)."""
        _expect(capacity, Capacity, "capacity")
        key = f"capacity:{capacity.key}"
        old = self._items.get(key)
        if old is not None:
            check_same_measure(capacity.amount, old.amount, f"capacity {capacity.key}")
        recorded = _fields(capacity, ("amount", "kind", "ci_type"))
        self._apply(key, capacity, "recorded" if old is None else "changed", recorded, at, by, note)
        return capacity

    def capacity(self, subject: str, metric: str) -> Capacity:
        """The capacity of ``subject`` for ``metric``; NotFoundError if none is recorded."""
        found: Capacity = self._get(
            f"capacity:{subject}/{metric}", f"capacity of {subject}/{metric}"
        )
        return found

    def capacities(self, subject: str | None = None) -> list[Capacity]:
        """Every capacity (of ``subject``), by subject and metric."""
        return [c for c in self._of(Capacity) if subject is None or c.subject == subject]

    # -- thresholds (PR5.2, PR5.4) ----------------------------------------------------------

    def set_threshold(
        self, threshold: Threshold, *, at: datetime, by: str, note: str = ""
    ) -> Threshold:
        """Set the warning and critical levels for a CI or a CI type, replacing earlier ones."""
        _expect(threshold, Threshold, "threshold")
        key = f"threshold:{threshold.key}"
        action = "set" if key not in self._items else "changed"
        changes = {"warning": str(threshold.warning), "critical": str(threshold.critical)}
        self._apply(key, threshold, action, changes, at, by, note)
        return threshold

    def thresholds(self) -> list[Threshold]:
        """Every threshold, by key."""
        return self._of(Threshold)

    def threshold_for(self, subject: str, metric: str) -> Threshold | None:
        """The threshold that applies to ``subject``'s ``metric``: the CI's own, else its
        CI type's (the type recorded with its capacity), else None."""
        own = self._items.get(f"threshold:ci:{subject}/{metric}")
        if own is not None:
            found: Threshold = own
            return found
        capacity = self._items.get(f"capacity:{subject}/{metric}")
        if capacity is None or not capacity.ci_type:
            return None
        by_type: Threshold | None = self._items.get(f"threshold:type:{capacity.ci_type}/{metric}")
        return by_type

    def evaluate(self, series: UtilisationSeries) -> Breaches:
        """The breaches of ``series`` against the threshold that applies to its subject and
        metric and its recorded capacity (:func:`~fitsm.capacity.breaches`).

        NotFoundError when the subject has no capacity or no threshold for the metric.
        """
        capacity = self.capacity(series.subject, series.metric)
        threshold = self.threshold_for(series.subject, series.metric)
        if threshold is None:
            raise NotFoundError(
                f"no threshold applies to {series.subject}/{series.metric}: set one for the CI "
                f"or for its CI type ({capacity.ci_type or 'none recorded'})"
            )
        return breaches(series, capacity, threshold)

    def forecast(self, series: UtilisationSeries, fraction: Any = 0.8, **options: Any) -> Forecast:
        """:func:`~fitsm.capacity.forecast_crossing` against the subject's recorded capacity:
        when does this pool reach ``fraction`` of it at the current trend?"""
        capacity = self.capacity(series.subject, series.metric)
        return forecast_crossing(series, capacity, fraction, **options)

    # -- requirements (PR5.1) ----------------------------------------------------------

    def add_requirement(
        self, requirement: CapacityRequirement, *, at: datetime, by: str, note: str = ""
    ) -> CapacityRequirement:
        """Record an identified capacity or performance requirement of a service (PR5.1)."""
        _expect(requirement, CapacityRequirement, "requirement")
        key = f"requirement:{requirement.id}"
        if key in self._items:
            raise DuplicateError(
                f"requirement {requirement.id!r} is in the register already; use "
                "revise_requirement() to change it"
            )
        changes = _fields(requirement, ("service", "metric", "amount", "basis"))
        self._apply(key, requirement, "identified", changes, at, by, note)
        return requirement

    def revise_requirement(
        self, requirement: CapacityRequirement, *, at: datetime, by: str, note: str = ""
    ) -> CapacityRequirement:
        """Replace a requirement by a new derivation of it (same id and service)."""
        _expect(requirement, CapacityRequirement, "requirement")
        old = self.requirement(requirement.id)
        if old.service != requirement.service:
            raise ValidationError(
                f"requirement {requirement.id!r} is of service {old.service!r}, not "
                f"{requirement.service!r}; a requirement keeps its service",
                field="service",
            )
        changes = _fields(requirement, ("metric", "amount", "basis"))
        self._apply(f"requirement:{requirement.id}", requirement, "revised", changes, at, by, note)
        return requirement

    def review_requirements(
        self,
        service: str,
        *,
        at: datetime,
        by: str,
        outcome: ReviewOutcome | str = ReviewOutcome.PASSED,
        note: str = "",
        schedules: ReviewSchedules | None = None,
    ) -> list[CapacityRequirement]:
        """Record the review of ``service``'s requirements at a planned interval (PR5.1).

        With ``schedules``, it is also the review of :func:`capacity_requirements_subject`'s
        schedule, which advances: both change, or neither.
        """
        found = self.requirements(service)
        if not found:
            raise NotFoundError(f"service {service!r} has no capacity requirements to review")
        outcome = enum_value(ReviewOutcome, "outcome")(outcome)
        keys = [f"requirement:{r.id}" for r in found]
        changes = [
            self._change(k, at, by, "reviewed", {"outcome": _plain(outcome)}, note) for k in keys
        ]
        if schedules is not None:
            schedules.perform(
                capacity_requirements_subject(service),
                at=changes[0].at,
                by=by,
                outcome=outcome,
                note=note,
            )
        for key, change in zip(keys, changes, strict=True):
            self._history[key] = (*self._history[key], change)
        return found

    def requirement(self, requirement_id: str) -> CapacityRequirement:
        """The requirement ``requirement_id``; NotFoundError if there is none."""
        found: CapacityRequirement = self._get(
            f"requirement:{requirement_id}", f"requirement {requirement_id!r}"
        )
        return found

    def requirements(self, service: str | None = None) -> list[CapacityRequirement]:
        """Every requirement (of ``service``), by id."""
        return [r for r in self._of(CapacityRequirement) if service is None or r.service == service]

    # -- plans (PR5.3) -----------------------------------------------------------------

    def add_plan(
        self, plan: CapacityPlan, *, at: datetime, by: str, note: str = ""
    ) -> CapacityPlan:
        """Create a capacity plan (PR5.3); it starts as a draft, its items planned."""
        _expect(plan, CapacityPlan, "plan")
        key = f"plan:{plan.id}"
        if key in self._items:
            raise DuplicateError(f"capacity plan {plan.id!r} is in the register already")
        if plan.status is not PlanStatus.DRAFT:
            raise ValidationError(
                f"capacity plan {plan.id!r} comes {plan.status.value}; a plan starts as a draft "
                "and is approved with approve_plan()",
                field="status",
            )
        for item in plan.items:
            self._check_item(plan, item)
        changes = {"title": plan.title, "owner": plan.owner, "services": plan.services,
                   "items": tuple(i.id for i in plan.items)}  # fmt: skip
        self._apply(key, plan, "created", changes, at, by, note)
        return plan

    def add_plan_item(
        self, plan_id: str, item: PlanItem, *, at: datetime, by: str, note: str = ""
    ) -> CapacityPlan:
        """Add a measure to a plan. An approved plan goes back to draft: its update needs
        approval too (FitSM-3, capacity plan owner)."""
        plan = self._open_plan(plan_id)
        _expect(item, PlanItem, "item")
        if any(i.id == item.id for i in plan.items):
            raise DuplicateError(f"capacity plan {plan_id!r} has an item {item.id!r} already")
        self._check_item(plan, item)
        updated = attrs.evolve(plan, items=(*plan.items, item), status=PlanStatus.DRAFT)
        changes = {"item": item.id, "kind": item.kind.value, "status": updated.status.value}
        self._apply(f"plan:{plan_id}", updated, "item added", changes, at, by, note)
        return updated

    def update_plan_item(
        self,
        plan_id: str,
        item_id: str,
        *,
        at: datetime,
        by: str,
        status: ItemStatus | str | None = None,
        change: str | None = None,
        note: str = "",
    ) -> CapacityPlan:
        """Record a measure's progress (``status``) or the change (RFC) that implements it;
        this is carrying out the plan, not changing it, so it needs no new approval."""
        plan = self._open_plan(plan_id)
        item = plan.item(item_id)
        fields: dict[str, Any] = {}
        if status is not None:
            fields["status"] = status
        if change is not None:
            fields["change"] = change
        if not fields:
            raise ValidationError(
                f"update_plan_item() of {plan_id}/{item_id} needs a status or a change; got none"
            )
        new = attrs.evolve(item, **fields)
        items = tuple(new if i.id == item_id else i for i in plan.items)
        updated = attrs.evolve(plan, items=items)
        recorded = {"item": item_id} | {k: _plain(getattr(new, k)) for k in fields}
        self._apply(f"plan:{plan_id}", updated, "item updated", recorded, at, by, note)
        return updated

    def approve_plan(self, plan_id: str, *, at: datetime, by: str, note: str = "") -> CapacityPlan:
        """Approve a draft plan (FitSM-3: the plan owner ensures it is approved by the relevant
        authorities; who may is a rule of :mod:`fitsm.capacity.authority`)."""
        plan = self._open_plan(plan_id)
        if plan.status is not PlanStatus.DRAFT:
            raise ValidationError(
                f"capacity plan {plan_id!r} is {plan.status.value}; only a draft is approved",
                field="status",
            )
        if not plan.items:
            raise ValidationError(
                f"capacity plan {plan_id!r} has no items; expected at least one measure to approve",
                field="items",
            )
        updated = attrs.evolve(plan, status=PlanStatus.APPROVED)
        self._apply(f"plan:{plan_id}", updated, "approved", {"status": "approved"}, at, by, note)
        return updated

    def terminate_plan(
        self, plan_id: str, *, at: datetime, by: str, note: str = ""
    ) -> CapacityPlan:
        """Terminate a plan (FitSM-2: review, update or terminate capacity plans); it stays on
        record and changes no more."""
        plan = self._open_plan(plan_id)
        updated = attrs.evolve(plan, status=PlanStatus.TERMINATED)
        changes = {"status": "terminated"}
        self._apply(f"plan:{plan_id}", updated, "terminated", changes, at, by, note)
        return updated

    def review_plan(
        self,
        plan_id: str,
        *,
        at: datetime,
        by: str,
        outcome: ReviewOutcome | str = ReviewOutcome.PASSED,
        note: str = "",
        schedules: ReviewSchedules | None = None,
    ) -> CapacityPlan:
        """Record a review of a plan (FitSM-3: "produce, maintain and review capacity plans
        regularly"). With ``schedules``, it is also the review of :func:`capacity_plan_subject`'s
        schedule, which advances: both change, or neither."""
        plan = self._open_plan(plan_id)
        outcome = enum_value(ReviewOutcome, "outcome")(outcome)
        key = f"plan:{plan_id}"
        change = self._change(key, at, by, "reviewed", {"outcome": outcome.value}, note)
        if schedules is not None:
            schedules.perform(
                capacity_plan_subject(plan_id), at=change.at, by=by, outcome=outcome, note=note
            )
        self._history[key] = (*self._history[key], change)
        return plan

    def plan(self, plan_id: str) -> CapacityPlan:
        """The plan ``plan_id``; NotFoundError if there is none."""
        found: CapacityPlan = self._get(f"plan:{plan_id}", f"capacity plan {plan_id!r}")
        return found

    def plans(self, status: PlanStatus | str | None = None) -> list[CapacityPlan]:
        """Every plan (with ``status``), by id."""
        wanted = None if status is None else PlanStatus(_plain(status))
        return [p for p in self._of(CapacityPlan) if wanted is None or p.status is wanted]

    def _open_plan(self, plan_id: str) -> CapacityPlan:
        plan = self.plan(plan_id)
        if plan.status is PlanStatus.TERMINATED:
            raise ValidationError(
                f"capacity plan {plan_id!r} is terminated; it changes no more", field="plan_id"
            )
        return plan

    def _check_item(self, plan: CapacityPlan, item: PlanItem) -> None:
        if item.requirement and f"requirement:{item.requirement}" not in self._items:
            raise NotFoundError(
                f"plan item {plan.id}/{item.id} meets requirement {item.requirement!r}, which is "
                "not in the register; add the requirement first"
            )

    # -- history and common parts -------------------------------------------------------------

    def history(self, item: str) -> tuple[CapacityChange, ...]:
        """The changes of ``item`` (``capacity:san1/storage``, ``threshold:type:storage/storage``,
        ``requirement:<id>``, ``plan:<id>``), oldest first."""
        try:
            return self._history[item]
        except (KeyError, TypeError):
            raise NotFoundError(f"no item {item!r} in capacity register {self.id!r}") from None

    def changes(self) -> list[CapacityChange]:
        """Every change, oldest first (then by item)."""
        every = [c for changes in self._history.values() for c in changes]
        return sorted(every, key=lambda c: (c.at, c.item))

    def _get(self, key: str, what: str) -> Any:
        try:
            return self._items[key]
        except (KeyError, TypeError):
            raise NotFoundError(f"no {what} in capacity register {self.id!r}") from None

    def _of(self, cls: type[T]) -> list[T]:
        return [v for _, v in sorted(self._items.items()) if isinstance(v, cls)]

    def _change(
        self, key: str, at: datetime, by: str, action: str, changes: Mapping[str, Any], note: str
    ) -> CapacityChange:
        change = CapacityChange(at, by, action, key, changes, note)
        return after_last(key, self._history.get(key, ()), change)

    def _apply(
        self,
        key: str,
        record: Any,
        action: str,
        changes: Mapping[str, Any],
        at: datetime,
        by: str,
        note: str,
    ) -> None:
        change = self._change(key, at, by, action, changes, note)
        self._items[key] = record
        self._history[key] = (*self._history.get(key, ()), change)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __iter__(self) -> Iterator[str]:
        """The keys of every item, sorted."""
        return iter(sorted(self._items))

    def __len__(self) -> int:
        return len(self._items)

    # -- aggregate ---------------------------------------------------------------------

    def rebase(self, stored: CapacityRegister, base: CapacityRegister) -> None:
        """Put the items changed here since ``base`` on top of ``stored``.

        Each capacity, threshold, requirement and plan is its own unit of change:
        when this register and ``stored`` changed the same one, ConflictError is
        raised and nothing changes; otherwise this register then holds both.
        """

        def conflict(both: list[str]) -> str:
            return (
                f"{', '.join(map(repr, both))} of capacity register {self.id!r} was changed by "
                "someone else since it was loaded; reload and apply the change again"
            )

        # the history says every change, reviews included: it decides the conflicts
        history = merge_items(self._history, stored._history, base._history, conflict)
        items = merge_items(self._items, stored._items, base._items, conflict)
        self._history, self._items = history, items

    def copy(self) -> CapacityRegister:
        """An independent copy; the records are immutable, so sharing them is safe."""
        other = CapacityRegister(self.id)
        other.version = self.version
        other._items = dict(self._items)
        other._history = dict(self._history)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CapacityRegister):
            return NotImplemented
        return (self.id, self._items, self._history) == (other.id, other._items, other._history)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        kinds = {"capacity": 0, "threshold": 0, "requirement": 0, "plan": 0}
        for key in self._items:
            kinds[key.split(":", 1)[0]] += 1
        plural = {"capacity": "capacities"}
        listed = ", ".join(f"{n} {plural.get(k, k + 's')}" for k, n in kinds.items())
        return f"<CapacityRegister {self.id!r}: {listed}>"


def _expect(value: Any, cls: type[Any], what: str) -> None:
    if not isinstance(value, cls):
        raise ValidationError(f"expected a {cls.__name__}, got {shown(value)}", field=what)
