"""The customer database (PR7.1): customers and their units, with contacts, channels,
service reviews and satisfaction surveys, every change recorded.

FitSM-0 (CC BY 4.0): a *customer* is an "organisation or part of an organisation
that commissions a service provider in order to receive one or more services";
FitSM-1: "PR7.1 Service customers shall be identified". FitSM-2 asks for an
up-to-date *customer database*: add a customer (with contact information),
update it, remove it. A :class:`Customer` is an organisation or, naming its
``parent``, a unit of one. The :class:`CustomerRegister` keeps them all; a
customer changes only through its operations, each dated (``at``) and made by
someone (``by``) and recorded in the customer's history. A removed customer is
*retired*: it stays on record with its history and changes no more.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from fitsm._merging import after_last, merge_items
from fitsm._validators import flag, identifier, identifier_or_empty, shown, text
from fitsm.clock import as_utc
from fitsm.customers.contacts import Channel, ChannelPurpose, Contact, Matter
from fitsm.customers.satisfaction import (
    MINIMUM_PERIODS,
    FollowUp,
    LowScore,
    SatisfactionScale,
    SatisfactionSurvey,
    SatisfactionTrend,
    satisfaction_trend,
    service_averages,
)
from fitsm.customers.service_reviews import ServiceReview, service_review_subject
from fitsm.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from fitsm.reviews.schedules import ReviewOutcome
from fitsm.roles import Role

if TYPE_CHECKING:
    from fitsm.reviews.rules import ReviewRule
    from fitsm.reviews.schedules import ReviewSchedule, ReviewSchedules
    from fitsm.roles import RoleModel

__all__ = [
    "Customer",
    "CustomerChange",
    "CustomerRegister",
    "plan_service_reviews",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if value else _EMPTY


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


@attrs.frozen
class CustomerChange:
    """One change of a customer: when, by whom, what (``identified``, ``updated``,
    ``contact_set``, ``contact_removed``, ``channels_set``, ``reviewed``, ``surveyed``,
    ``followed_up``, ``retired``), the fields it set and why."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    changes: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen)
    note: str = attrs.field(default="", validator=text)


def _checked(value: Any, cls: type[Any], what: str) -> tuple[Any, ...]:
    if isinstance(value, str | cls) or not isinstance(value, Iterable):
        raise ValidationError(
            f"{what} must be a list of {cls.__name__}s, got {shown(value)}", field=what
        )
    found = tuple(value)
    for item in found:
        if not isinstance(item, cls):
            raise ValidationError(
                f"{what} must hold {cls.__name__}s, got {shown(item)}", field=what
            )
    return found


def _contacts(value: Iterable[Contact]) -> tuple[Contact, ...]:
    return _checked(value, Contact, "contacts")


def _channels(value: Iterable[Channel]) -> tuple[Channel, ...]:
    return _checked(value, Channel, "channels")


def _reviews(value: Iterable[ServiceReview]) -> tuple[ServiceReview, ...]:
    return _checked(value, ServiceReview, "reviews")


def _surveys(value: Iterable[SatisfactionSurvey]) -> tuple[SatisfactionSurvey, ...]:
    return _checked(value, SatisfactionSurvey, "surveys")


def _follow_ups(value: Iterable[FollowUp]) -> tuple[FollowUp, ...]:
    return _checked(value, FollowUp, "follow_ups")


def _history(value: Iterable[CustomerChange]) -> tuple[CustomerChange, ...]:
    return _checked(value, CustomerChange, "history")


def _unique(items: Iterable[Any], what: str, customer: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValidationError(
                f"customer {customer!r} has two {what} with id {item.id!r}; expected one each",
                field=what,
            )
        seen.add(item.id)


@attrs.frozen
class Customer:
    """A customer (PR7.1): an organisation, or a unit of one (``parent`` names it).

    ``contacts`` are its designated contacts (PR7.2), ``channels`` the ways to
    communicate with it (PR7.3; escalation channels in the order of the
    escalation path), ``reviews`` the service reviews held with it (PR7.4),
    ``surveys`` and ``follow_ups`` its satisfaction (PR7.6). The provider's
    contact for it is the customer relationship manager, a role held in the
    role model with the customer's id as context.

    >>> Customer("acme-hr", "ACME HR department", parent="acme").is_unit
    True
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=text)
    parent: str = attrs.field(default="", validator=identifier_or_empty)
    description: str = attrs.field(default="", validator=text)
    contacts: tuple[Contact, ...] = attrs.field(default=(), converter=_contacts)
    channels: tuple[Channel, ...] = attrs.field(default=(), converter=_channels)
    reviews: tuple[ServiceReview, ...] = attrs.field(default=(), converter=_reviews)
    surveys: tuple[SatisfactionSurvey, ...] = attrs.field(default=(), converter=_surveys)
    follow_ups: tuple[FollowUp, ...] = attrs.field(default=(), converter=_follow_ups)
    retired: bool = attrs.field(default=False, validator=flag)
    history: tuple[CustomerChange, ...] = attrs.field(default=(), converter=_history)

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError(f"customer {self.id!r} needs a name", field="name")
        if self.parent == self.id:
            raise ValidationError(
                f"customer {self.id!r} cannot be a unit of itself", field="parent"
            )
        _unique(self.contacts, "contacts", self.id)
        _unique(self.reviews, "reviews", self.id)
        _unique(self.surveys, "surveys", self.id)

    @property
    def is_unit(self) -> bool:
        """Whether it is a unit of another customer."""
        return bool(self.parent)

    @property
    def escalation_path(self) -> tuple[Channel, ...]:
        """The escalation channels, level 1 first (PR7.3)."""
        return self.channels_for(ChannelPurpose.ESCALATION)

    def channels_for(self, purpose: ChannelPurpose | str) -> tuple[Channel, ...]:
        """The channels for ``purpose``, in the order kept."""
        wanted = ChannelPurpose(purpose)
        return tuple(c for c in self.channels if c.purpose is wanted)

    def contact(self, contact_id: str) -> Contact:
        """The contact ``contact_id``; NotFoundError if there is none."""
        for c in self.contacts:
            if c.id == contact_id:
                return c
        raise NotFoundError(f"customer {self.id!r} has no contact {contact_id!r}")

    def contacts_for(self, matter: Matter | str) -> tuple[Contact, ...]:
        """The contacts for ``matter`` (PR7.2), in the order kept."""
        wanted = Matter(matter)
        return tuple(c for c in self.contacts if wanted in c.matters)

    @property
    def last_review(self) -> ServiceReview | None:
        """The latest service review recorded, or None."""
        return self.reviews[-1] if self.reviews else None


def plan_service_reviews(
    schedules: ReviewSchedules,
    register: CustomerRegister,
    rule: ReviewRule,
    *,
    at: datetime,
    by: str,
    first_due: datetime | None = None,
    roles: RoleModel | None = None,
) -> list[ReviewSchedule]:
    """Plan the service reviews (PR7.4) of every active customer that has no review schedule
    yet; the first falls due at ``first_due``, else one ``rule`` step after ``at``. With
    ``roles``, a schedule is owned by the customer's relationship manager when exactly one
    holds the role. Planning again adds only the new customers'. Returns the schedules
    planned."""
    planned = []
    for customer in register.active():
        subject = service_review_subject(customer.id)
        if subject in schedules:
            continue
        owner = ""
        if roles is not None:
            holders = roles.holders(Role.CUSTOMER_RELATIONSHIP_MANAGER, customer.id)
            owner = holders[0] if len(holders) == 1 else ""
        planned.append(
            schedules.plan(
                subject,
                rule,
                at=at,
                by=by,
                first_due=first_due,
                owner=owner,
                note=f"service reviews with {customer.name}",
            )
        )
    return planned


_UPDATABLE = ("name", "description", "parent")


class CustomerRegister:
    """The customer database: every customer of the provider, the aggregate the store keeps.

    Each customer is its own unit of change: two people changing different
    customers do not conflict (:meth:`rebase`). Changes dated before a
    customer's last change are refused, so its history stays in order. Scores
    of surveys are on the register's :attr:`scale`.

    >>> from datetime import UTC
    >>> register = CustomerRegister()
    >>> t0 = datetime(2026, 1, 5, tzinfo=UTC)
    >>> _ = register.add(Customer("acme", "ACME Corporation"), at=t0, by="ann")
    >>> _ = register.add(Customer("acme-hr", "ACME HR", parent="acme"), at=t0, by="ann")
    >>> [c.id for c in register.units_of("acme")]
    ['acme-hr']
    """

    def __init__(self, id: str = "default", scale: SatisfactionScale | None = None) -> None:
        if not isinstance(id, str) or not id or id != id.strip():
            raise ValidationError(f"customer register id must be a non-empty string, got {id!r}")
        if scale is not None and not isinstance(scale, SatisfactionScale):
            raise ValidationError(
                f"scale must be a SatisfactionScale, got {shown(scale)}", field="scale"
            )
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self.scale = scale if scale is not None else SatisfactionScale()
        """The scale every survey of this register scores on; fixed when it is made."""
        self._customers: dict[str, Customer] = {}

    # -- the customer database (PR7.1) -------------------------------------------------

    def add(self, customer: Customer, *, at: datetime, by: str, note: str = "") -> Customer:
        """Add an identified customer (PR7.1), with its contacts and channels if known.

        A unit's parent must be in the register and not retired. The register
        writes the history, reviews and surveys: a customer that brings any is
        refused.
        """
        if not isinstance(customer, Customer):
            raise ValidationError(f"expected a Customer, got {shown(customer)}", field="customer")
        if customer.id in self._customers:
            raise DuplicateError(f"customer {customer.id!r} is in the register already")
        if (
            customer.history
            or customer.retired
            or customer.reviews
            or customer.surveys
            or customer.follow_ups
        ):
            raise ValidationError(
                f"customer {customer.id!r} comes with a history, reviews, surveys or retired; "
                "the register records these itself, expected a new customer",
                field="history",
            )
        if customer.parent:
            self._check_parent(customer.id, customer.parent)
        fields: dict[str, Any] = {"name": customer.name}
        if customer.parent:
            fields["parent"] = customer.parent
        if customer.contacts:
            fields["contacts"] = tuple(c.id for c in customer.contacts)
        if customer.channels:
            fields["channels"] = len(customer.channels)
        change = CustomerChange(at, by, "identified", fields, note)
        added = attrs.evolve(customer, history=(change,))
        self._customers[customer.id] = added
        return added

    def update(
        self, customer_id: str, *, at: datetime, by: str, note: str = "", **changes: Any
    ) -> Customer:
        """Change a customer's name, description or parent (a unit moved to another
        organisation, or made one of its own with ``parent=""``)."""
        unknown = sorted(set(changes) - set(_UPDATABLE))
        if unknown or not changes:
            raise ValidationError(
                f"update() of customer {customer_id!r} changes {', '.join(_UPDATABLE)}; got "
                + (", ".join(map(repr, unknown)) if unknown else "nothing"),
                field=unknown[0] if unknown else None,
            )
        current = self._active(customer_id)
        updated = attrs.evolve(current, **changes)
        if "parent" in changes and updated.parent:
            self._check_parent(customer_id, updated.parent)
        change = self._change(current, at, by, "updated", dict(changes), note)
        return self._store(updated, change)

    def retire(self, customer_id: str, *, at: datetime, by: str, note: str = "") -> Customer:
        """Remove a customer from the customer database: it is retired, stays on record with
        its history, and changes no more. Its active units must be retired first."""
        current = self._active(customer_id)
        units = [u.id for u in self.units_of(customer_id)]
        if units:
            raise ValidationError(
                f"customer {customer_id!r} has active units {', '.join(map(repr, units))}; "
                "retire them (or move them with update(parent=...)) first",
                field="id",
            )
        change = self._change(current, at, by, "retired", {"retired": True}, note)
        return self._store(attrs.evolve(current, retired=True), change)

    # -- contacts and channels (PR7.2, PR7.3) -------------------------------------------

    def set_contact(
        self, customer_id: str, contact: Contact, *, at: datetime, by: str, note: str = ""
    ) -> Customer:
        """Add a designated contact (PR7.2), or replace the one with the same id."""
        if not isinstance(contact, Contact):
            raise ValidationError(f"expected a Contact, got {shown(contact)}", field="contact")
        current = self._active(customer_id)
        replaced = any(c.id == contact.id for c in current.contacts)
        if replaced:  # in its place, so the order of the contacts stays as it was
            contacts = tuple(contact if c.id == contact.id else c for c in current.contacts)
        else:
            contacts = (*current.contacts, contact)
        recorded = {
            "contact": contact.id,
            "matters": tuple(m.value for m in contact.matters),
            "replaced": replaced,
        }
        change = self._change(current, at, by, "contact_set", recorded, note)
        return self._store(attrs.evolve(current, contacts=contacts), change)

    def remove_contact(
        self, customer_id: str, contact_id: str, *, at: datetime, by: str, note: str = ""
    ) -> Customer:
        """Remove a contact who is no longer the customer's contact."""
        current = self._active(customer_id)
        current.contact(contact_id)  # NotFoundError names it
        contacts = tuple(c for c in current.contacts if c.id != contact_id)
        change = self._change(current, at, by, "contact_removed", {"contact": contact_id}, note)
        return self._store(attrs.evolve(current, contacts=contacts), change)

    def set_channels(
        self,
        customer_id: str,
        channels: Iterable[Channel],
        *,
        at: datetime,
        by: str,
        note: str = "",
    ) -> Customer:
        """Set the customer's channels (PR7.3), replacing those it had; escalation channels in
        the order of the escalation path, level 1 first."""
        current = self._active(customer_id)
        updated = attrs.evolve(current, channels=channels)
        purposes = {p.value: len(updated.channels_for(p)) for p in ChannelPurpose}
        change = self._change(
            current, at, by, "channels_set", {k: v for k, v in purposes.items() if v}, note
        )
        return self._store(updated, change)

    # -- service reviews (PR7.4) ----------------------------------------------------------

    def record_review(
        self,
        customer_id: str,
        review: ServiceReview,
        *,
        at: datetime,
        by: str,
        note: str = "",
        schedules: ReviewSchedules | None = None,
    ) -> Customer:
        """Record a service review held with the customer (PR7.4): its outcome and actions.

        With ``schedules``, it is also the review of the customer's review schedule
        (:func:`~fitsm.customers.service_review_subject`), which then advances: both
        change, or neither (a schedule missing or a review dated before its last
        raises before anything changes). The schedule's outcome is ``findings``
        when actions were agreed, else ``passed``.
        """
        if not isinstance(review, ServiceReview):
            raise ValidationError(f"expected a ServiceReview, got {shown(review)}", field="review")
        current = self._active(customer_id)
        if any(r.id == review.id for r in current.reviews):
            raise DuplicateError(
                f"customer {customer_id!r} has a service review {review.id!r} already"
            )
        change = self._change(
            current,
            at,
            by,
            "reviewed",
            {"review": review.id, "actions": len(review.actions)},
            note,
        )
        if review.end > change.at:
            raise ValidationError(
                f"service review {review.id!r} covers up to {review.end.isoformat()}, after it "
                f"is recorded ({change.at.isoformat()}); expected a period already past",
                field="end",
            )
        held = attrs.evolve(review, held_at=change.at, held_by=change.by)
        if schedules is not None:
            schedules.perform(
                service_review_subject(customer_id),
                at=change.at,
                by=by,
                outcome=ReviewOutcome.FINDINGS if review.actions else ReviewOutcome.PASSED,
                note=note or review.outcome,
                follow_ups=review.follow_ups,
            )
        return self._store(attrs.evolve(current, reviews=(*current.reviews, held)), change)

    # -- satisfaction (PR7.6) -------------------------------------------------------------

    def record_survey(
        self,
        customer_id: str,
        survey: SatisfactionSurvey,
        *,
        at: datetime,
        by: str,
        note: str = "",
    ) -> Customer:
        """Record the scores of a satisfaction survey (PR7.6); each on the register's scale."""
        if not isinstance(survey, SatisfactionSurvey):
            raise ValidationError(f"expected a SatisfactionSurvey, got {shown(survey)}")
        for s in survey.scores:
            self.scale.check(s.score)
        current = self._active(customer_id)
        if any(s.id == survey.id for s in current.surveys):
            raise DuplicateError(f"customer {customer_id!r} has a survey {survey.id!r} already")
        recorded = {
            "survey": survey.id,
            "period": survey.period,
            "scores": len(survey.scores),
        }
        change = self._change(current, at, by, "surveyed", recorded, note)
        return self._store(attrs.evolve(current, surveys=(*current.surveys, survey)), change)

    def record_follow_up(
        self,
        customer_id: str,
        *,
        period: date,
        service: str,
        action: str,
        at: datetime,
        by: str,
        reference: str = "",
        note: str = "",
    ) -> Customer:
        """Record the follow-up action taken on the scores of ``service`` for ``period``
        (PR7.6: "initiate follow-up actions in response to insufficient customer
        satisfaction"). The period must have scores for the service."""
        current = self._active(customer_id)
        change = self._change(
            current, at, by, "followed_up", {"period": period, "service": service}, note
        )
        follow_up = FollowUp(period, service, action, change.at, change.by, reference)
        scored = any(
            s.period == follow_up.period and follow_up.service in s.services
            for s in current.surveys
        )
        if not scored:
            raise NotFoundError(
                f"customer {customer_id!r} has no scores for {service!r} in the period "
                f"beginning {follow_up.period.isoformat()}; expected a surveyed period and service"
            )
        return self._store(
            attrs.evolve(current, follow_ups=(*current.follow_ups, follow_up)), change
        )

    # -- internals ----------------------------------------------------------------------

    def _active(self, customer_id: str) -> Customer:
        current = self.customer(customer_id)
        if current.retired:
            raise ValidationError(
                f"customer {customer_id!r} is retired; it changes no more", field="id"
            )
        return current

    def _check_parent(self, customer_id: str, parent_id: str) -> None:
        parent = self._customers.get(parent_id)
        if parent is None:
            raise NotFoundError(
                f"customer {customer_id!r} names parent {parent_id!r}, which is not in customer "
                f"register {self.id!r}; add the organisation first"
            )
        if parent.retired:
            raise ValidationError(
                f"customer {customer_id!r} names parent {parent_id!r}, which is retired",
                field="parent",
            )
        if customer_id in self.lineage(parent_id):
            raise ValidationError(
                f"customer {customer_id!r} cannot be a unit of {parent_id!r}, which is one of "
                "its own units",
                field="parent",
            )

    def lineage(self, customer_id: str) -> list[str]:
        """``customer_id`` and its parents, up to the organisation."""
        found: list[str] = []
        at: str = customer_id
        while at and at not in found:
            found.append(at)
            known = self._customers.get(at)
            at = known.parent if known is not None else ""
        return found

    @staticmethod
    def _change(
        current: Customer,
        at: datetime,
        by: str,
        action: str,
        changes: Mapping[str, Any],
        note: str,
    ) -> CustomerChange:
        change = CustomerChange(at, by, action, changes, note)
        return after_last(f"customer {current.id!r}", current.history, change)

    def _store(self, updated: Customer, change: CustomerChange) -> Customer:
        stored = attrs.evolve(updated, history=(*updated.history, change))
        self._customers[updated.id] = stored
        return stored

    # -- reading --------------------------------------------------------------------------

    def customer(self, customer_id: str) -> Customer:
        """The customer ``customer_id``; NotFoundError if there is none."""
        try:
            return self._customers[customer_id]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no customer {customer_id!r} in customer register {self.id!r}"
            ) from None

    def __contains__(self, customer_id: object) -> bool:
        return customer_id in self._customers

    def __iter__(self) -> Iterator[Customer]:
        """Every customer, retired ones included, by id."""
        return iter(sorted(self._customers.values(), key=lambda c: c.id))

    def __len__(self) -> int:
        return len(self._customers)

    def active(self) -> list[Customer]:
        """The customers not retired, by id."""
        return [c for c in self if not c.retired]

    def units_of(self, customer_id: str, *, nested: bool = False) -> list[Customer]:
        """The active units of a customer, by id; with ``nested``, their units too."""
        self.customer(customer_id)
        found = [c for c in self.active() if c.parent == customer_id]
        if nested:
            for unit in list(found):
                found += self.units_of(unit.id, nested=True)
            found.sort(key=lambda c: c.id)
        return found

    def organisation_of(self, customer_id: str) -> Customer:
        """The organisation a customer (or unit) belongs to: the top of its parents."""
        return self.customer(self.lineage(customer_id)[-1])

    def without_contact(self) -> list[Customer]:
        """The active customers without a designated contact (PR7.2), by id."""
        return [c for c in self.active() if not c.contacts]

    def without_channel(self, purpose: ChannelPurpose | str) -> list[Customer]:
        """The active customers with no channel for ``purpose`` (PR7.3), by id."""
        return [c for c in self.active() if not c.channels_for(purpose)]

    def below_threshold(self, threshold: object, *, customer: str | None = None) -> list[LowScore]:
        """The services whose average score for a period is below ``threshold`` (PR7.6), of
        every customer or of ``customer``, with the follow-ups recorded for each; by
        customer, period and service. ``threshold`` is exact (int, Fraction, Decimal)."""
        limit = self.scale.threshold(threshold)
        customers = self if customer is None else [self.customer(customer)]
        found: list[LowScore] = []
        for c in customers:
            periods = sorted({s.period for s in c.surveys})
            for period in periods:
                scores = [
                    s for survey in c.surveys if survey.period == period for s in survey.scores
                ]
                for service, average in service_averages(scores).items():
                    if average < limit:
                        done = tuple(
                            f for f in c.follow_ups if f.period == period and f.service == service
                        )
                        found.append(LowScore(c.id, period, service, average, limit, done))
        return found

    def unfollowed(self, threshold: object, *, customer: str | None = None) -> list[LowScore]:
        """The scores below ``threshold`` that have no follow-up recorded yet (PR7.6)."""
        return [s for s in self.below_threshold(threshold, customer=customer) if not s.follow_ups]

    def trend(
        self, customer_id: str, service: str | None = None, *, minimum: int = MINIMUM_PERIODS
    ) -> SatisfactionTrend:
        """The satisfaction trend of a customer (PR7.6); the model is
        :func:`~fitsm.customers.satisfaction_trend`'s."""
        return satisfaction_trend(
            customer_id, self.customer(customer_id).surveys, service, minimum=minimum
        )

    # -- aggregate --------------------------------------------------------------------------

    def rebase(self, stored: CustomerRegister, base: CustomerRegister) -> None:
        """Put the customers changed here since ``base`` on top of ``stored``.

        Each customer is its own unit of change: when this register and ``stored``
        (what others committed since ``base`` was loaded) changed the same
        customer, ConflictError is raised and nothing changes. So is a merge that
        would leave an active unit under a retired or missing parent (one writer
        added the unit while the other retired the organisation).
        """
        if stored.scale != base.scale:
            raise ConflictError(
                f"customer register {self.id!r}: its scale changed since it was loaded; reload "
                "and apply the change again"
            )
        merged = merge_items(
            self._customers,
            stored._customers,
            base._customers,
            lambda both: (
                f"customer {', '.join(map(repr, both))} was changed by someone else since "
                "it was loaded; reload and apply the change again"
            ),
        )
        for c in merged.values():
            parent = merged.get(c.parent) if c.parent else None
            if c.parent and not c.retired and (parent is None or parent.retired):
                raise ConflictError(
                    f"customer {c.id!r} is a unit of {c.parent!r}, which someone else retired "
                    "meanwhile; reload and apply the change again"
                )
        self._customers = merged

    def copy(self) -> CustomerRegister:
        """An independent copy; customers are immutable, so sharing them is safe."""
        other = CustomerRegister(self.id, self.scale)
        other.version = self.version
        other._customers = dict(self._customers)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CustomerRegister):
            return NotImplemented
        return (self.id, self.scale, self._customers) == (
            other.id,
            other.scale,
            other._customers,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        active = sum(not c.retired for c in self._customers.values())
        return f"<CustomerRegister {self.id!r}: {len(self)} customers, {active} active>"
