"""The service portfolio (PR1): services, service components, suppliers and lifecycles.

FitSM-0 defines a *service portfolio* as the "internal list that details all the
services offered by a service provider, including those in preparation, live and
discontinued" and a *service component* as a "logical part of a service that
provides a function enabling or enhancing a service" (FitSM, CC BY 4.0).

Records (:class:`Service`, :class:`ServiceComponent`) are immutable; the
:class:`ServicePortfolio` aggregate is the one place that changes them, so every
change is checked against the lifecycle and the known suppliers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

import attrs

from fitsm._validators import (
    check_id,
    identifier,
    items,
    shown,
    text,
    text_problem,
    to_id_tuple,
    to_str_tuple,
)
from fitsm.clock import as_utc
from fitsm.errors import (
    DuplicateError,
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
)
from fitsm.portfolio.catalogue import ServiceCatalogue

__all__ = [
    "DEFAULT_LIFECYCLE",
    "Gatekeeping",
    "LifecyclePhase",
    "PhaseChange",
    "Service",
    "ServiceComponent",
    "ServiceLifecycle",
    "ServicePortfolio",
    "SupplierEntry",
    "SupplierInvolvement",
]


class LifecyclePhase(StrEnum):
    """The phases of the default service lifecycle (FitSM-2, SPM activities)."""

    PROPOSED = "proposed"
    PLANNED = "planned"
    IN_DEVELOPMENT = "in_development"
    IN_PRODUCTION = "in_production"
    RETIRED = "retired"


def _str_set(value: Iterable[str]) -> frozenset[str]:
    return frozenset(to_id_tuple(value))


def _pairs(value: Iterable[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    pairs = []
    for pair in items(value, "(from, to) pairs of phases"):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ValidationError(
                f"a transition must be a (from, to) pair, got {shown(pair)} in {shown(value)}"
            )
        pairs.append((check_id(pair[0], "a phase"), check_id(pair[1], "a phase")))
    return frozenset(pairs)


@attrs.frozen
class ServiceLifecycle:
    """The phases a service may move through and the moves allowed between them (PR1.3).

    Organisations define their own phases (FitSM-0, *service lifecycle*, note 1);
    :data:`DEFAULT_LIFECYCLE` is proposed -> planned -> in development -> in
    production -> retired, where any phase before production may also be abandoned
    (moved to retired).

    >>> lc = ServiceLifecycle(
    ...     phases=("idea", "live", "gone"),
    ...     transitions={("idea", "live"), ("live", "gone")},
    ...     initial="idea",
    ...     live={"live"},
    ... )
    >>> lc.next_phases("idea")
    ('live',)
    """

    phases: tuple[str, ...] = attrs.field(converter=to_id_tuple)
    transitions: frozenset[tuple[str, str]] = attrs.field(converter=_pairs)
    initial: str = attrs.field(validator=identifier)
    live: frozenset[str] = attrs.field(converter=_str_set)

    def __attrs_post_init__(self) -> None:
        known = set(self.phases)
        if len(known) != len(self.phases):
            raise ValidationError(f"lifecycle phases must be unique, got {self.phases!r}")
        if self.initial not in known:
            raise ValidationError(
                f"initial phase {self.initial!r} is not one of the phases {self.phases!r}"
            )
        for src, dst in sorted(self.transitions):
            for phase in (src, dst):
                if phase not in known:
                    raise ValidationError(
                        f"transition {src!r} -> {dst!r} names {phase!r}, "
                        f"which is not one of the phases {self.phases!r}"
                    )
        for phase in sorted(self.live - known):
            raise ValidationError(f"live phase {phase!r} is not one of the phases {self.phases!r}")

    def next_phases(self, phase: str) -> tuple[str, ...]:
        """The phases a service in ``phase`` may move to, in declaration order."""
        return tuple(p for p in self.phases if (phase, p) in self.transitions)

    def check_phase(self, phase: str) -> None:
        if phase not in self.phases:
            raise ValidationError(
                f"phase {shown(phase)} is not a phase of this lifecycle; "
                f"expected one of {self.phases!r}"
            )

    def check_move(self, service_id: str, src: str, dst: str) -> None:
        self.check_phase(dst)
        if (src, dst) not in self.transitions:
            allowed = ", ".join(repr(p) for p in self.next_phases(src)) or "none"
            raise InvalidTransitionError(
                f"service {service_id!r} cannot move from {src!r} to {dst!r}; "
                f"allowed from {src!r}: {allowed}"
            )


_P = LifecyclePhase
DEFAULT_LIFECYCLE = ServiceLifecycle(
    phases=tuple(p.value for p in _P),
    transitions={
        (_P.PROPOSED, _P.PLANNED),
        (_P.PLANNED, _P.IN_DEVELOPMENT),
        (_P.IN_DEVELOPMENT, _P.IN_PRODUCTION),
        (_P.IN_PRODUCTION, _P.RETIRED),
        # a proposal, a plan or a development can be abandoned
        (_P.PROPOSED, _P.RETIRED),
        (_P.PLANNED, _P.RETIRED),
        (_P.IN_DEVELOPMENT, _P.RETIRED),
    },
    initial=_P.PROPOSED.value,
    live={_P.IN_PRODUCTION.value},
)
"""Proposed, planned, in development, in production, retired: the phases of FitSM PR1."""


@runtime_checkable
class SupplierEntry(Protocol):
    """What the portfolio needs of a supplier it lists: an id, a name and a kind (PR1.4).

    :class:`fitsm.suppliers.Supplier` is one; the portfolio does not import the
    suppliers area, which reads the portfolio to say which services depend on a
    supplier (the supplier register itself is :class:`fitsm.suppliers.SupplierRegister`).
    """

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...


@attrs.frozen
class SupplierInvolvement:
    """A supplier's part in delivering a service or component (PR1.4)."""

    supplier: str = attrs.field(validator=identifier)
    role: str = attrs.field(default="", validator=text)


def _involvements(value: Iterable[SupplierInvolvement | str]) -> tuple[SupplierInvolvement, ...]:
    found = items(value, "a supplier id, a SupplierInvolvement or a list of them")
    return tuple(v if isinstance(v, SupplierInvolvement) else SupplierInvolvement(v) for v in found)


def _phase(value: object) -> str:
    # a LifecyclePhase member is stored as its plain value
    return check_id(str(value) if isinstance(value, LifecyclePhase) else value, "phase")


@attrs.frozen
class Service:
    """A service as its specification in the portfolio describes it (PR1.1).

    >>> Service("email", "E-mail", owner="carol", target_customers=["staff"]).phase
    'proposed'
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=text)
    description: str = attrs.field(default="", validator=text)
    value_proposition: str = attrs.field(default="", validator=text)
    target_customers: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    owner: str = attrs.field(default="", validator=text)
    """The person holding the FitSM-3 *service owner* role for this service."""
    phase: str = attrs.field(default=LifecyclePhase.PROPOSED.value, converter=_phase)
    suppliers: tuple[SupplierInvolvement, ...] = attrs.field(default=(), converter=_involvements)


@attrs.frozen
class ServiceComponent:
    """A logical part of one or more services (FitSM-0); built from CIs in the CMDB."""

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=text)
    description: str = attrs.field(default="", validator=text)
    owner: str = attrs.field(default="", validator=text)
    suppliers: tuple[SupplierInvolvement, ...] = attrs.field(default=(), converter=_involvements)


def _at(value: datetime) -> datetime:
    return as_utc(value, "at")


def _actor(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not value or text_problem(value) is not None:
        raise ValidationError(
            f"PhaseChange.actor must be a non-empty string, got {shown(value)}", field="actor"
        )


@attrs.frozen
class PhaseChange:
    """A recorded move of a service from one lifecycle phase to another (PR1.3)."""

    service: str = attrs.field(validator=identifier)
    at: datetime = attrs.field(converter=_at)
    actor: str = attrs.field(validator=_actor)
    from_phase: str = attrs.field(validator=identifier)
    to_phase: str = attrs.field(validator=identifier)


class Gatekeeping(Protocol):
    """What checks the toll-gates on a move (:meth:`fitsm.portfolio.ProductRegister.gatekeeper`):
    ``clear`` raises (:class:`~fitsm.portfolio.OpenGateError`) when a gate is open."""

    def clear(self, service_id: str, from_phase: str, to_phase: str) -> object: ...


class ServicePortfolio:
    """All services of a service provider, in every phase, with their components and suppliers.

    >>> from datetime import UTC, datetime
    >>> at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    >>> p = ServicePortfolio()
    >>> _ = p.add_service(Service("email", "E-mail"))
    >>> p.move("email", "planned", actor="carol", at=at).phase
    'planned'
    >>> p.move("email", "in_production", actor="carol", at=at)
    Traceback (most recent call last):
    ...
    fitsm.errors.InvalidTransitionError: service 'email' cannot move from 'planned' to ...
    """

    def __init__(
        self,
        id: str = "default",
        *,
        lifecycle: ServiceLifecycle = DEFAULT_LIFECYCLE,
    ) -> None:
        check_id(id, "portfolio id", field="id")
        if not isinstance(lifecycle, ServiceLifecycle):
            raise ValidationError(f"lifecycle must be a ServiceLifecycle, got {shown(lifecycle)}")
        self.id = id
        self.lifecycle = lifecycle
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self._services: dict[str, Service] = {}
        self._components: dict[str, ServiceComponent] = {}
        self._suppliers: dict[str, SupplierEntry] = {}
        self._phase_history: list[PhaseChange] = []

    # -- suppliers (PR1.4) -------------------------------------------------

    def add_supplier(self, supplier: SupplierEntry) -> SupplierEntry:
        """List a supplier (a :class:`fitsm.suppliers.Supplier`) the services may name (PR1.4)."""
        if not isinstance(supplier, SupplierEntry):
            raise ValidationError(f"expected a Supplier, got {shown(supplier)}")
        self._check_new(supplier.id)
        self._suppliers[supplier.id] = supplier
        return supplier

    def supplier(self, supplier_id: str) -> SupplierEntry:
        try:
            return self._suppliers[supplier_id]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no supplier {shown(supplier_id)} in portfolio {self.id!r}"
            ) from None

    @property
    def suppliers(self) -> tuple[SupplierEntry, ...]:
        return tuple(self._suppliers.values())

    def suppliers_of(self, item_id: str) -> tuple[tuple[SupplierEntry, str], ...]:
        """The suppliers involved in a service or component, with their roles (PR1.4)."""
        item: Service | ServiceComponent
        item = self._services[item_id] if item_id in self._services else self.component(item_id)
        return tuple((self._suppliers[s.supplier], s.role) for s in item.suppliers)

    # -- services (PR1.1, PR1.3) -------------------------------------------

    def add_service(self, service: Service) -> Service:
        """Add a service specification in any phase of the lifecycle."""
        _require(service, Service)
        self._check_new(service.id)
        self.lifecycle.check_phase(service.phase)
        self._check_suppliers(service.id, service.suppliers)
        self._services[service.id] = service
        return service

    def service(self, service_id: str) -> Service:
        try:
            return self._services[service_id]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no service {shown(service_id)} in portfolio {self.id!r}"
            ) from None

    @property
    def services(self) -> tuple[Service, ...]:
        return tuple(self._services.values())

    def services_in(self, *phases: str) -> tuple[Service, ...]:
        return tuple(s for s in self._services.values() if s.phase in phases)

    def update_service(self, service_id: str, **changes: Any) -> Service:
        """Change specification fields of a service; the phase changes only through :meth:`move`."""
        current = self.service(service_id)
        for forbidden in ("id", "phase"):
            if forbidden in changes:
                how = "use move()" if forbidden == "phase" else "ids are permanent"
                raise ValidationError(f"update_service cannot change {forbidden!r}: {how}")
        updated = _evolve(current, changes)
        self._check_suppliers(service_id, updated.suppliers)
        self._services[service_id] = updated
        return updated

    def move(
        self,
        service_id: str,
        phase: str,
        *,
        actor: str,
        at: datetime,
        gates: Gatekeeping | None = None,
    ) -> Service:
        """Move a service to another lifecycle phase along an allowed path (PR1.3).

        ``at`` is when the move was made (an aware datetime): the portfolio reads no clock.
        With ``gates`` (a product register's gatekeeper), the move must also pass the
        toll-gates on it: a gate with an open criterion refuses it and nothing changes.
        :meth:`fitsm.planning.PlanningDesk.move_service` always passes the gates defined.
        """
        current = self.service(service_id)
        if not actor or text_problem(actor) is not None:
            raise ValidationError(
                f"moves are made by someone: actor must be a non-empty id, got {shown(actor)}"
            )
        if not isinstance(at, datetime):
            raise ValidationError(
                f"a move of service {service_id!r} records when it was made: at must be an "
                f"aware datetime (datetime.now(UTC) or your application's clock), got {shown(at)}",
                field="at",
            )
        when = as_utc(at, "at")
        self.lifecycle.check_move(service_id, current.phase, phase)
        if gates is not None:
            gates.clear(service_id, current.phase, phase)
        updated = attrs.evolve(current, phase=phase)
        self._services[service_id] = updated
        self._phase_history.append(PhaseChange(service_id, when, actor, current.phase, phase))
        return updated

    def phase_history(self, service_id: str) -> tuple[PhaseChange, ...]:
        self.service(service_id)
        return tuple(c for c in self._phase_history if c.service == service_id)

    # -- components ----------------------------------------------------------

    def add_component(self, component: ServiceComponent) -> ServiceComponent:
        _require(component, ServiceComponent)
        self._check_new(component.id)
        self._check_suppliers(component.id, component.suppliers)
        self._components[component.id] = component
        return component

    def component(self, component_id: str) -> ServiceComponent:
        try:
            return self._components[component_id]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no service component {shown(component_id)} in portfolio {self.id!r}"
            ) from None

    @property
    def components(self) -> tuple[ServiceComponent, ...]:
        return tuple(self._components.values())

    # -- views ---------------------------------------------------------------

    def catalogue(self, customer: str | None = None) -> ServiceCatalogue:
        """The customer-facing view of live services, or of those for ``customer`` (PR2.1)."""
        live = [s for s in self._services.values() if s.phase in self.lifecycle.live]
        if customer is not None:
            live = [s for s in live if not s.target_customers or customer in s.target_customers]
        return ServiceCatalogue.of(live)

    def copy(self) -> ServicePortfolio:
        """An independent copy; records are immutable, so sharing them is safe."""
        other = ServicePortfolio(self.id, lifecycle=self.lifecycle)
        other.version = self.version
        other._services = dict(self._services)
        other._components = dict(self._components)
        other._suppliers = dict(self._suppliers)
        other._phase_history = list(self._phase_history)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServicePortfolio):
            return NotImplemented
        return self._state() == other._state()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<ServicePortfolio {self.id!r}: {len(self._services)} services, "
            f"{len(self._components)} components, {len(self._suppliers)} suppliers>"
        )

    def _state(self) -> tuple[Any, ...]:
        return (
            self.id,
            self.lifecycle,
            self._services,
            self._components,
            self._suppliers,
            self._phase_history,
        )

    def _check_new(self, item_id: str) -> None:
        for kind, table in (
            ("service", self._services),
            ("service component", self._components),
            ("supplier", self._suppliers),
        ):
            if item_id in table:
                raise DuplicateError(f"id {item_id!r} is already used by a {kind} in the portfolio")

    def _check_suppliers(self, item_id: str, involved: Iterable[SupplierInvolvement]) -> None:
        for inv in involved:
            if inv.supplier not in self._suppliers:
                raise NotFoundError(
                    f"{item_id!r} names supplier {inv.supplier!r}, which is not in the portfolio; "
                    "add it with add_supplier() first"
                )


def _require(record: object, cls: type[Any]) -> None:
    if not isinstance(record, cls):
        raise ValidationError(f"expected a {cls.__name__}, got {shown(record)}")


def _evolve(record: Service, changes: Mapping[str, Any]) -> Service:
    known = {a.name for a in attrs.fields(type(record))}
    for name in changes:
        if name not in known:
            raise ValidationError(
                f"{type(record).__name__} has no field {name!r}; expected one of {sorted(known)}"
            )
    return attrs.evolve(record, **changes)
