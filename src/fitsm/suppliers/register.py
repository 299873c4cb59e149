"""The supplier register: every internal and external supplier, kept up to date (PR8.1-PR8.4).

FitSM-1 (CC BY 4.0): "PR8.1 Internal and external suppliers shall be identified".
FitSM-2 asks for a supplier database and its upkeep: "Add a new supplier to the
supplier database (including contact information)", "Update the information on a
supplier", "Remove a supplier from the supplier database". Here a supplier is
retired rather than removed: it stays on record with its history, its contacts
and its evaluations, and changes no more. Each supplier keeps its contacts and
channels with the escalation path (PR8.2, PR8.3), the vendor products it supplies
(003) and its evaluations with their follow-up actions (PR8.4). Every change
records who made it and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from fitsm._merging import after_last, merge_items
from fitsm._validators import enum_value, flag, identifier, items, shown, text
from fitsm.clock import as_utc
from fitsm.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from fitsm.reviews.schedules import ReviewOutcome
from fitsm.suppliers.contacts import (
    EscalationLevel,
    SupplierChannel,
    SupplierContact,
    check_escalation,
)
from fitsm.suppliers.evaluations import (
    ActionStatus,
    FollowUpAction,
    RatingScale,
    SupplierEvaluation,
    evaluation_subject,
    supplier_performance,
)
from fitsm.suppliers.products import VendorProduct
from fitsm.suppliers.supplier import Supplier, SupplierKind

if TYPE_CHECKING:
    from fitsm.availability.measurement import AvailabilityPolicy, Outage, OutageLog
    from fitsm.reviews.schedules import ReviewSchedules
    from fitsm.service_levels.agreements import Agreements

__all__ = ["SupplierChange", "SupplierRecord", "SupplierRegister"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if value else _EMPTY


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


@attrs.frozen
class SupplierChange:
    """One change of a supplier's record: when, by whom, what (``added``, ``updated``,
    ``contact_set``, ``evaluated``, ``retired``, ...), the fields it set and why."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    changes: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen)
    note: str = attrs.field(default="", validator=text)


def _kind(value: object) -> SupplierKind:
    return enum_value(SupplierKind, "kind")(value)


def _records(cls: type[Any], what: str, value: Iterable[Any]) -> tuple[Any, ...]:
    found = items(value, f"a list of {cls.__name__} records")
    for entry in found:
        if not isinstance(entry, cls):
            raise ValidationError(
                f"{what} must be {cls.__name__} records, got {shown(entry)}", field=what
            )
    return found


def _contacts(value: Iterable[SupplierContact]) -> tuple[SupplierContact, ...]:
    return _records(SupplierContact, "contacts", value)


def _channels(value: Iterable[SupplierChannel]) -> tuple[SupplierChannel, ...]:
    return _records(SupplierChannel, "channels", value)


def _levels(value: Iterable[EscalationLevel]) -> tuple[EscalationLevel, ...]:
    return _records(EscalationLevel, "escalation", value)


def _products(value: Iterable[VendorProduct]) -> tuple[VendorProduct, ...]:
    return _records(VendorProduct, "products", value)


def _evaluations(value: Iterable[SupplierEvaluation]) -> tuple[SupplierEvaluation, ...]:
    return _records(SupplierEvaluation, "evaluations", value)


def _history(value: Iterable[SupplierChange]) -> tuple[SupplierChange, ...]:
    return _records(SupplierChange, "history", value)


@attrs.frozen
class SupplierRecord:
    """A supplier as the register keeps it: who it is, how to reach it, what it supplies and
    how it was evaluated (PR8.1-PR8.4).

    ``contacts`` are the named people on the supplier's side (PR8.2); ``channels``
    the ways to reach it, and ``escalation`` the ordered escalation path through its
    contacts (PR8.3); ``products`` the vendor products it supplies (003);
    ``evaluations`` oldest first (PR8.4). The provider's side, the supplier
    relationship manager, is a FitSM-3 role in the role model with the supplier's
    id as context.
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=text)
    kind: SupplierKind = attrs.field(converter=_kind)
    description: str = attrs.field(default="", validator=text)
    contacts: tuple[SupplierContact, ...] = attrs.field(default=(), converter=_contacts)
    channels: tuple[SupplierChannel, ...] = attrs.field(default=(), converter=_channels)
    escalation: tuple[EscalationLevel, ...] = attrs.field(default=(), converter=_levels)
    products: tuple[VendorProduct, ...] = attrs.field(default=(), converter=_products)
    evaluations: tuple[SupplierEvaluation, ...] = attrs.field(default=(), converter=_evaluations)
    retired: bool = attrs.field(default=False, validator=flag)
    history: tuple[SupplierChange, ...] = attrs.field(default=(), converter=_history)

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError(f"supplier {self.id!r} needs a name", field="name")
        names = [c.name for c in self.contacts]
        if len(set(names)) != len(names):
            raise ValidationError(
                f"supplier {self.id!r} names a contact twice: {names!r}", field="contacts"
            )
        check_escalation(self.id, self.escalation, self.contacts)
        products = [p.id for p in self.products]
        if len(set(products)) != len(products):
            raise ValidationError(
                f"supplier {self.id!r} lists a product twice: {products!r}", field="products"
            )
        for product in self.products:
            if product.supplier != self.id:
                raise ValidationError(
                    f"product {product.id!r} is supplied by {product.supplier!r}, not by "
                    f"{self.id!r}; expected its supplier to be {self.id!r}",
                    field="products",
                )

    @property
    def supplier(self) -> Supplier:
        """The supplier as the portfolio lists it (PR1.4), its first channel's address as
        contact."""
        first = next((c.address for c in self.channels), "")
        return Supplier(self.id, self.name, self.kind, first)

    def contact(self, name: str) -> SupplierContact:
        """The contact called ``name``; NotFoundError if there is none."""
        for contact in self.contacts:
            if contact.name == name:
                return contact
        raise NotFoundError(
            f"supplier {self.id!r} has no contact {name!r}; its contacts are "
            f"{[c.name for c in self.contacts]!r}"
        )

    def product(self, product_id: str) -> VendorProduct:
        """The product ``product_id``; NotFoundError if the supplier has none such."""
        for product in self.products:
            if product.id == product_id:
                return product
        raise NotFoundError(f"supplier {self.id!r} supplies no product {product_id!r}")

    @property
    def last_evaluation(self) -> SupplierEvaluation | None:
        """The latest evaluation, or None."""
        return self.evaluations[-1] if self.evaluations else None

    @property
    def actions(self) -> tuple[FollowUpAction, ...]:
        """Every follow-up action agreed, as it stands now, oldest evaluation first."""
        return tuple(a for e in self.evaluations for a in e.actions)

    @property
    def open_actions(self) -> tuple[FollowUpAction, ...]:
        """The follow-up actions still open."""
        return tuple(a for a in self.actions if a.status is ActionStatus.OPEN)


_UPDATABLE = ("name", "kind", "description")


class SupplierRegister:
    """Every supplier, internal, external or federation member: the aggregate the store keeps
    (the FitSM-2 "supplier database", PR8.1).

    Each supplier is its own unit of change: two people changing different
    suppliers do not conflict (:meth:`rebase`). Changes dated before a supplier's
    last change are refused, so its history stays in order; a retired supplier
    stays on record and changes no more.

    >>> from datetime import UTC
    >>> register = SupplierRegister()
    >>> t0 = datetime(2024, 1, 8, tzinfo=UTC)
    >>> _ = register.add(Supplier("netco", "NetCo", "external"), at=t0, by="pat")
    >>> nora = SupplierContact("Nora Net", "account manager")
    >>> _ = register.set_contact("netco", nora, at=t0, by="sam")
    >>> [c.action for c in register.supplier("netco").history]
    ['added', 'contact_set']
    """

    def __init__(self, id: str = "default", scale: RatingScale | None = None) -> None:
        if not isinstance(id, str) or not id or id != id.strip():
            raise ValidationError(f"supplier register id must be a non-empty string, got {id!r}")
        if scale is not None and not isinstance(scale, RatingScale):
            raise ValidationError(f"scale must be a RatingScale, got {scale!r}", field="scale")
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self.scale = scale if scale is not None else RatingScale()
        """The scale suppliers are rated on; fixed when the register is made."""
        self._suppliers: dict[str, SupplierRecord] = {}

    # -- the supplier database (PR8.1) ----------------------------------------------

    def add(
        self,
        supplier: Supplier,
        *,
        at: datetime,
        by: str,
        description: str = "",
        contacts: Iterable[SupplierContact] = (),
        channels: Iterable[SupplierChannel] = (),
        note: str = "",
    ) -> SupplierRecord:
        """Identify a new supplier (PR8.1), with its contacts and channels if known.

        A supplier's contact string (``Supplier.contact``) becomes its general channel.
        """
        if not isinstance(supplier, Supplier):
            raise ValidationError(f"expected a Supplier, got {shown(supplier)}", field="supplier")
        if supplier.id in self._suppliers:
            raise DuplicateError(f"supplier {supplier.id!r} is in the register already")
        given = tuple(items(channels, "a list of SupplierChannel records"))
        if supplier.contact and not given:
            given = (SupplierChannel("general", "contact", supplier.contact),)
        record = SupplierRecord(
            supplier.id,
            supplier.name,
            supplier.kind,
            description,
            contacts=tuple(items(contacts, "a list of SupplierContact records")),
            channels=given,
        )
        fields = {"name": record.name, "kind": record.kind.value}
        change = SupplierChange(at, by, "added", fields, note)
        added = attrs.evolve(record, history=(change,))
        self._suppliers[record.id] = added
        return added

    def adopt(
        self, suppliers: Iterable[Supplier], *, at: datetime, by: str
    ) -> list[SupplierRecord]:
        """Add the suppliers (a portfolio's, a NetBox import's) not in the register yet;
        adopting the same suppliers again adds nothing. Returns the records added."""
        added = []
        for supplier in items(suppliers, "a list of Supplier records"):
            if getattr(supplier, "id", None) not in self._suppliers:
                added.append(self.add(supplier, at=at, by=by, note="adopted"))
        return added

    def update(
        self, supplier_id: str, *, at: datetime, by: str, note: str = "", **changes: Any
    ) -> SupplierRecord:
        """Change a supplier's name, kind or description (FitSM-2: "Update the information
        on a supplier")."""
        unknown = sorted(set(changes) - set(_UPDATABLE))
        if unknown or not changes:
            raise ValidationError(
                f"update() of supplier {supplier_id!r} changes {', '.join(_UPDATABLE)}; got "
                + (", ".join(map(repr, unknown)) if unknown else "nothing"),
                field=unknown[0] if unknown else None,
            )
        current = self._active(supplier_id)
        updated = attrs.evolve(current, **changes)
        recorded = {k: _plain(getattr(updated, k)) for k in changes}
        return self._store(updated, self._change(current, at, by, "updated", recorded, note))

    def retire(self, supplier_id: str, *, at: datetime, by: str, note: str = "") -> SupplierRecord:
        """Stop working with a supplier: it stays on record, with its history, and changes no
        more (FitSM-2: "Remove a supplier from the supplier database")."""
        current = self._active(supplier_id)
        change = self._change(current, at, by, "retired", {"retired": True}, note)
        return self._store(attrs.evolve(current, retired=True), change)

    # -- contacts and channels (PR8.2, PR8.3) --------------------------------------------

    def set_contact(
        self, supplier_id: str, contact: SupplierContact, *, at: datetime, by: str, note: str = ""
    ) -> SupplierRecord:
        """Add a contact on the supplier's side, or replace the one of the same name (PR8.2)."""
        if not isinstance(contact, SupplierContact):
            raise ValidationError(
                f"expected a SupplierContact, got {shown(contact)}", field="contact"
            )
        current = self._active(supplier_id)
        others = tuple(c for c in current.contacts if c.name != contact.name)
        replaced = len(others) != len(current.contacts)
        contacts = (
            tuple(contact if c.name == contact.name else c for c in current.contacts)
            if replaced
            else (*current.contacts, contact)
        )
        updated = attrs.evolve(current, contacts=contacts)
        recorded = {"contact": contact.name, "role": contact.role}
        return self._store(updated, self._change(current, at, by, "contact_set", recorded, note))

    def remove_contact(
        self, supplier_id: str, name: str, *, at: datetime, by: str, note: str = ""
    ) -> SupplierRecord:
        """Remove a contact who is not on the escalation path (change the path first)."""
        current = self._active(supplier_id)
        current.contact(name)
        if any(level.contact == name for level in current.escalation):
            raise ValidationError(
                f"{name!r} is on the escalation path of supplier {supplier_id!r}; set a path "
                "without them first",
                field="name",
            )
        contacts = tuple(c for c in current.contacts if c.name != name)
        updated = attrs.evolve(current, contacts=contacts)
        change = self._change(current, at, by, "contact_removed", {"contact": name}, note)
        return self._store(updated, change)

    def set_channels(
        self,
        supplier_id: str,
        channels: Iterable[SupplierChannel],
        *,
        at: datetime,
        by: str,
        note: str = "",
    ) -> SupplierRecord:
        """Establish the channels to communicate with a supplier, replacing those before
        (PR8.3)."""
        current = self._active(supplier_id)
        updated = attrs.evolve(
            current, channels=tuple(items(channels, "a list of SupplierChannel records"))
        )
        recorded = {"channels": tuple(f"{c.purpose.value}: {c.address}" for c in updated.channels)}
        return self._store(updated, self._change(current, at, by, "channels_set", recorded, note))

    def set_escalation(
        self,
        supplier_id: str,
        levels: Iterable[EscalationLevel],
        *,
        at: datetime,
        by: str,
        note: str = "",
    ) -> SupplierRecord:
        """Set the escalation path (PR8.3): level 1 first, each a contact of the supplier, each
        reached no sooner than the level before."""
        current = self._active(supplier_id)
        path = check_escalation(supplier_id, levels, current.contacts)
        updated = attrs.evolve(current, escalation=path)
        recorded = {"escalation": tuple(level.contact for level in path)}
        return self._store(updated, self._change(current, at, by, "escalation_set", recorded, note))

    # -- vendor products (003) ---------------------------------------------------------

    def set_product(
        self, supplier_id: str, product: VendorProduct, *, at: datetime, by: str, note: str = ""
    ) -> SupplierRecord:
        """Record a product the supplier supplies, or replace the one with its id (a new
        version, a support end announced)."""
        if not isinstance(product, VendorProduct):
            raise ValidationError(
                f"expected a VendorProduct, got {shown(product)}", field="product"
            )
        current = self._active(supplier_id)
        kept = tuple(p for p in current.products if p.id != product.id)
        products = (
            tuple(product if p.id == product.id else p for p in current.products)
            if len(kept) != len(current.products)
            else (*current.products, product)
        )
        updated = attrs.evolve(current, products=products)
        recorded = {
            "product": product.id,
            "version": product.version,
            "support_ends": product.support_ends,
        }
        return self._store(updated, self._change(current, at, by, "product_set", recorded, note))

    def remove_product(
        self, supplier_id: str, product_id: str, *, at: datetime, by: str, note: str = ""
    ) -> SupplierRecord:
        """Record that the supplier's product is no longer used."""
        current = self._active(supplier_id)
        current.product(product_id)
        updated = attrs.evolve(
            current, products=tuple(p for p in current.products if p.id != product_id)
        )
        change = self._change(current, at, by, "product_removed", {"product": product_id}, note)
        return self._store(updated, change)

    # -- evaluations (PR8.4) -----------------------------------------------------------

    def evaluate(
        self,
        supplier_id: str,
        *,
        start: datetime,
        end: datetime,
        agreements: Agreements,
        at: datetime,
        by: str,
        outages: OutageLog | Iterable[Outage] = (),
        measurements: Mapping[tuple[str, str], Any] | None = None,
        policy: AvailabilityPolicy | None = None,
        rating: int | None = None,
        findings: Iterable[str] = (),
        actions: Iterable[FollowUpAction] = (),
        note: str = "",
        schedules: ReviewSchedules | None = None,
    ) -> SupplierEvaluation:
        """Evaluate a supplier over ``[start, end)`` (PR8.4) and record it.

        The supplier's OLAs and UAs in ``agreements`` are measured with
        :func:`~fitsm.suppliers.supplier_performance` (availability from
        ``outages``, other targets from ``measurements``). ``rating`` is on the
        register's scale; without one, the rating the share of targets met suggests
        (:meth:`RatingScale.suggest`), which needs at least one measured target.
        ``findings`` and the follow-up ``actions`` agreed with the supplier are
        recorded with it; action ids are unique per supplier.

        With ``schedules``, the evaluation is also the review of the supplier's
        schedule (subject ``supplier:<id>``), which advances: both change, or
        neither.
        """
        current = self._active(supplier_id)
        performance = supplier_performance(
            agreements,
            supplier_id,
            start,
            end,
            outages=outages,
            measurements=measurements,
            policy=policy,
        )
        met, measured = sum(p.met for p in performance), sum(p.measured for p in performance)
        if rating is None:
            if not measured:
                raise ValidationError(
                    f"supplier {supplier_id!r} has no measured agreement target from "
                    f"{start.isoformat()} to {end.isoformat()}; give a rating (1 to "
                    f"{self.scale.top}) yourself",
                    field="rating",
                )
            rating = self.scale.suggest(met, measured)
        self.scale.check(rating)
        evaluation = SupplierEvaluation(
            at,
            by,
            start,
            end,
            rating,
            performance,
            tuple(items(findings, "a list of findings (strings)")),
            tuple(items(actions, "a list of FollowUpAction records")),
            note,
        )
        new_actions = evaluation.actions
        known = {a.id for a in current.actions}
        for action in new_actions:
            if action.id in known:
                raise DuplicateError(
                    f"supplier {supplier_id!r} has a follow-up action {action.id!r} already"
                )
            known.add(action.id)
        recorded = {
            "rating": rating,
            "start": evaluation.start,
            "end": evaluation.end,
            "actions": tuple(a.id for a in new_actions),
        }
        change = self._change(current, at, by, "evaluated", recorded, note)
        if schedules is not None:
            clean = not (evaluation.findings or new_actions) and met == measured
            schedules.perform(
                evaluation_subject(supplier_id),
                at=change.at,
                by=by,
                outcome=ReviewOutcome.PASSED if clean else ReviewOutcome.FINDINGS,
                note=note or f"rated {self.scale.shown(rating)}",
                follow_ups=[a.id for a in new_actions],
            )
        updated = attrs.evolve(current, evaluations=(*current.evaluations, evaluation))
        self._store(updated, change)
        return evaluation

    def update_action(
        self,
        supplier_id: str,
        action_id: str,
        status: ActionStatus | str,
        *,
        at: datetime,
        by: str,
        note: str = "",
    ) -> FollowUpAction:
        """Track a follow-up action agreed with the supplier: done or dropped (FitSM-2: "Track
        the implementation status of agreed follow-up actions")."""
        current = self._active(supplier_id)
        found = next((a for a in current.actions if a.id == action_id), None)
        if found is None:
            raise NotFoundError(f"supplier {supplier_id!r} has no follow-up action {action_id!r}")
        updated_action = attrs.evolve(found, status=status, note=note or found.note)
        evaluations = tuple(
            attrs.evolve(e, actions=tuple(updated_action if a is found else a for a in e.actions))
            if found in e.actions
            else e
            for e in current.evaluations
        )
        recorded = {"action": action_id, "status": updated_action.status.value}
        change = self._change(current, at, by, "action_updated", recorded, note)
        self._store(attrs.evolve(current, evaluations=evaluations), change)
        return updated_action

    # -- internals -------------------------------------------------------------------

    def _active(self, supplier_id: str) -> SupplierRecord:
        current = self.supplier(supplier_id)
        if current.retired:
            raise ValidationError(
                f"supplier {supplier_id!r} is retired; it stays on record and changes no more",
                field="supplier_id",
            )
        return current

    @staticmethod
    def _change(
        current: SupplierRecord,
        at: datetime,
        by: str,
        action: str,
        changes: Mapping[str, Any],
        note: str,
    ) -> SupplierChange:
        change = SupplierChange(at, by, action, changes, note)
        return after_last(f"supplier {current.id!r}", current.history, change)

    def _store(self, updated: SupplierRecord, change: SupplierChange) -> SupplierRecord:
        stored = attrs.evolve(updated, history=(*updated.history, change))
        self._suppliers[updated.id] = stored
        return stored

    # -- reading -----------------------------------------------------------------------

    def supplier(self, supplier_id: str) -> SupplierRecord:
        """The supplier ``supplier_id``, retired or not; NotFoundError if there is none."""
        try:
            return self._suppliers[supplier_id]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no supplier {shown(supplier_id)} in supplier register {self.id!r}"
            ) from None

    def __contains__(self, supplier_id: object) -> bool:
        return supplier_id in self._suppliers

    def __iter__(self) -> Iterator[SupplierRecord]:
        """Every supplier, retired ones included, by id."""
        return iter(sorted(self._suppliers.values(), key=lambda s: s.id))

    def __len__(self) -> int:
        return len(self._suppliers)

    def active(self, kind: SupplierKind | str | None = None) -> list[SupplierRecord]:
        """The suppliers not retired (of ``kind``), by id."""
        wanted = None if kind is None else _kind(kind)
        return [s for s in self if not s.retired and (wanted is None or s.kind is wanted)]

    def without_contacts(self) -> list[SupplierRecord]:
        """The active suppliers with no contact on their side (PR8.2), by id."""
        return [s for s in self.active() if not s.contacts]

    def without_escalation(self) -> list[SupplierRecord]:
        """The active suppliers with no escalation path (PR8.3), by id."""
        return [s for s in self.active() if not s.escalation]

    def products(self) -> list[VendorProduct]:
        """Every product of every supplier (retired ones included), by supplier, then id."""
        return [p for s in self for p in sorted(s.products, key=lambda p: p.id)]

    # -- aggregate -------------------------------------------------------------------

    def rebase(self, stored: SupplierRegister, base: SupplierRegister) -> None:
        """Put the suppliers changed here since ``base`` on top of ``stored``.

        Each supplier is its own unit of change: when this register and ``stored``
        (what others committed since ``base`` was loaded) changed the same supplier,
        ConflictError is raised and nothing changes; otherwise this register then
        holds both.
        """
        if stored.scale != base.scale:
            raise ConflictError(
                f"supplier register {self.id!r}: its rating scale changed since it was "
                "loaded; reload and apply the change again"
            )
        self._suppliers = merge_items(
            self._suppliers,
            stored._suppliers,
            base._suppliers,
            lambda both: (
                f"supplier {', '.join(map(repr, both))} was changed by someone else since "
                "it was loaded; reload and apply the change again"
            ),
        )

    def copy(self) -> SupplierRegister:
        """An independent copy; records are immutable, so sharing them is safe."""
        other = SupplierRegister(self.id, self.scale)
        other.version = self.version
        other._suppliers = dict(self._suppliers)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SupplierRegister):
            return NotImplemented
        return (self.id, self.scale, self._suppliers) == (
            other.id,
            other.scale,
            other._suppliers,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        active = sum(not s.retired for s in self._suppliers.values())
        return f"<SupplierRegister {self.id!r}: {len(self)} suppliers, {active} active>"


def _plain(value: Any) -> Any:
    """A value as the history keeps it: enums as their value."""
    return value.value if isinstance(value, Enum) else value
