"""Running the registers of the planning processes against a store, as the acting person.

:class:`PlanningDesk` is to the registers (the risk register, review schedules,
the registers of availability and continuity, capacity and information
security, the customer register and the product register of the portfolio)
what :class:`fitsm.CaseDesk` is to cases. Each operation is one unit of work:
load the register and the role model, refuse the operation if the person's
FitSM-3 roles do not allow it (:class:`~fitsm.AuthorizationError`, nothing
changed), run it as made by that person, commit. Who may run what is data, in
each area's ``authority`` module (``RULES``).

>>> from datetime import UTC, datetime
>>> from fitsm.roles import Person, Process, Role, RoleModel
>>> from fitsm.storage.memory import MemoryStore
>>> store = MemoryStore()
>>> with store.unit_of_work() as uow:
...     roles = RoleModel()
...     _ = roles.add_person(Person("ana", "Ana"))
...     _ = roles.assign("ana", Role.PROCESS_MANAGER, Process.SACM)
...     uow.roles.add(roles)
...     uow.commit()
>>> from fitsm.clock import FixedClock
>>> from fitsm.risks import Risk
>>> desk = PlanningDesk(store, clock=FixedClock(datetime(2024, 3, 1, tzinfo=UTC)))
>>> risk = Risk("r-db", "Single database", "availability", ["db-1"], "likely", "major")
>>> desk.act("risks", "add", risk=risk, actor="ana").history[0].by
'ana'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from fitsm.authority import Rule, Rules
from fitsm.availability.authority import RULES as CONTINUITY_RULES
from fitsm.availability.continuity import PlanKind
from fitsm.availability.continuity_register import ContinuityRegister
from fitsm.capacity.authority import RULES as CAPACITY_RULES
from fitsm.capacity.register import CapacityRegister
from fitsm.cases.improvements import Improvement
from fitsm.clock import Clock, SystemClock, recorded_at
from fitsm.customers.authority import RULES as CUSTOMER_RULES
from fitsm.customers.register import CustomerRegister
from fitsm.errors import AuthorizationError, NotFoundError, ValidationError
from fitsm.finance.authority import RULES as FINANCE_RULES
from fitsm.finance.register import FinanceRegister
from fitsm.portfolio.authority import RULES as PRODUCT_RULES
from fitsm.portfolio.authority import move_rule
from fitsm.portfolio.gates import Evidence
from fitsm.portfolio.performance import PerformanceReview
from fitsm.portfolio.products import ProductRegister
from fitsm.portfolio.proposals import Proposal
from fitsm.portfolio.services import Service
from fitsm.reporting.authority import RULES as REPORT_RULES
from fitsm.reporting.register import ReportRegister
from fitsm.reviews.authority import RULES as REVIEW_RULES
from fitsm.reviews.schedules import ReviewSchedules
from fitsm.risks.authority import RULES as RISK_RULES
from fitsm.risks.register import RiskRegister
from fitsm.roles import Role, RoleModel
from fitsm.security.authority import RULES as SECURITY_RULES
from fitsm.security.register import SecurityRegister
from fitsm.service_levels.agreements import AgreementKind
from fitsm.storage.ports import Store, UnitOfWork
from fitsm.suppliers.authority import RULES as SUPPLIER_RULES
from fitsm.suppliers.register import SupplierRegister

__all__ = ["EVIDENCE_SOURCES", "PlanningDesk", "gather_evidence", "improvements_of"]

EvidenceSource = Callable[[UnitOfWork], Iterable[str]]
"""Finds, in a unit of work, the services a fact holds for."""


def _sla_services(uow: UnitOfWork) -> Iterable[str]:
    for agreements_id in uow.agreements.ids():
        for agreement in uow.agreements.get(agreements_id):
            if agreement.kind is AgreementKind.SLA:
                yield from agreement.covers


def _owned_services(uow: UnitOfWork) -> Iterable[str]:
    for roles_id in uow.roles.ids():
        for assignment in uow.roles.get(roles_id).assignments:
            if assignment.role is Role.SERVICE_OWNER and assignment.context is not None:
                yield assignment.context


def _planned(kind: PlanKind) -> EvidenceSource:
    def services(uow: UnitOfWork) -> Iterable[str]:
        for register_id in uow.continuity.ids():
            for plan in uow.continuity.get(register_id).plans(kind=kind):
                if not plan.terminated:
                    yield from plan.services

    return services


EVIDENCE_SOURCES: Mapping[str, EvidenceSource] = {
    "sla": _sla_services,
    "service_owner": _owned_services,
    "continuity_plan": _planned(PlanKind.CONTINUITY),
    "availability_plan": _planned(PlanKind.AVAILABILITY),
}
"""The facts the desk finds in the store for toll-gate criteria (PR1.3): ``sla``, the
services an SLA (any version, drafts included) covers; ``service_owner``, the services
with a service owner in the role model; ``continuity_plan`` and ``availability_plan``,
the services a plan of that kind (not terminated) covers (PR4.1). The product register
adds ``strategy`` and ``proposal_approved`` itself
(:meth:`~fitsm.portfolio.ProductRegister.facts`)."""


def gather_evidence(
    uow: UnitOfWork, sources: Mapping[str, EvidenceSource] = EVIDENCE_SOURCES
) -> Evidence:
    """What ``sources`` find in the store for every service: the evidence toll-gates are
    checked against."""
    return Evidence({fact: sorted(set(find(uow))) for fact, find in sources.items()})


def improvements_of(review: PerformanceReview, *, at: datetime, by: str) -> list[Improvement]:
    """The improvement opportunities of a performance review as CSI improvements to register
    (PR14.1), one each, with the opportunity's id, for the reviewed service.

    The portfolio area finds opportunities but cannot make cases (the cases area is
    its sibling); this is where the two meet.
    """
    found = []
    for opportunity in review.opportunities:
        source = f"service performance review {review.id}"
        if opportunity.description:
            source += f": {opportunity.description}"
        found.append(
            Improvement(
                opportunity.id,
                opportunity.title,
                at,
                by,
                service=review.service,
                source=source,
            )
        )
    return found


def _follow_products(uow: UnitOfWork, result: Any, at: datetime, by: str) -> None:
    """A proposal's risks are in the risk register; a performance review's opportunities
    become CSI improvements. Raising here stops the commit: nothing is stored."""
    if isinstance(result, Proposal) and result.risks:
        try:
            risks = uow.risks.get("default")
        except NotFoundError:
            raise NotFoundError(
                f"proposal {result.id!r} names risks {list(result.risks)!r}, but no risk "
                "register is stored; add the risks to the risk register first"
            ) from None
        unknown = [r for r in result.risks if r not in risks]
        if unknown:
            raise NotFoundError(
                f"proposal {result.id!r} names risk {unknown[0]!r}, which is not in risk "
                f"register {risks.id!r}; expected ids of risks in it"
            )
    if isinstance(result, PerformanceReview):
        for improvement in improvements_of(result, at=at, by=by):
            uow.cases.add(improvement)  # an id that is taken refuses the whole operation


@attrs.frozen
class _Register:
    """How the desk reaches one kind of register."""

    repository: str
    """The unit of work's attribute for it (``uow.risks``)."""
    new: Callable[[str], Any]
    """Makes an empty register with an id, the first time one is used."""
    rules: Rules
    companions: Mapping[str, str] = attrs.field(factory=dict)
    """Arguments that name another register by id (``schedules="default"``) and the
    repository the desk loads it from, so both change in one unit of work."""
    follow_up: Callable[[UnitOfWork, Any, datetime, str], None] | None = None
    """What else the operation's result is recorded as, in the same unit of work."""


_REGISTERS: Mapping[str, _Register] = {
    "risks": _Register("risks", RiskRegister, RISK_RULES, {"schedules": "reviews"}),
    "reviews": _Register("reviews", ReviewSchedules, REVIEW_RULES),
    "finance": _Register("finance", FinanceRegister, FINANCE_RULES),
    "capacity": _Register("capacity", CapacityRegister, CAPACITY_RULES, {"schedules": "reviews"}),
    "suppliers": _Register(
        "suppliers",
        SupplierRegister,
        SUPPLIER_RULES,
        {"schedules": "reviews", "agreements": "agreements"},
    ),
    "reports": _Register("reports", ReportRegister, REPORT_RULES),
    "products": _Register(
        "products",
        ProductRegister,
        PRODUCT_RULES,
        {"schedules": "reviews"},
        follow_up=_follow_products,
    ),
    "continuity": _Register("continuity", ContinuityRegister, CONTINUITY_RULES),
    "security": _Register(
        "security",
        SecurityRegister,
        SECURITY_RULES,
        {"schedules": "reviews", "risks": "risks"},
    ),
    "customers": _Register("customers", CustomerRegister, CUSTOMER_RULES, {"schedules": "reviews"}),
}


class PlanningDesk:
    """Register operations on a store, checked against the role model.

    ``roles`` names the role model in the store; ``authorize=False`` skips the
    role checks (for imports and migrations). An operation's ``at`` may lie in
    the past but not later than the desk's clock plus ``lead``.
    """

    def __init__(
        self,
        store: Store,
        *,
        roles: str = "default",
        clock: Clock | None = None,
        authorize: bool = True,
        lead: timedelta = timedelta(minutes=5),
        evidence_sources: Mapping[str, EvidenceSource] | None = None,
    ) -> None:
        self.store = store
        self.roles_id = roles
        self.clock: Clock = clock or SystemClock()
        self.authorize = authorize
        self.lead = lead
        self.evidence_sources: Mapping[str, EvidenceSource] = {
            **EVIDENCE_SOURCES,
            **(evidence_sources or {}),
        }
        """Where :meth:`move_service` finds the evidence for toll-gate criteria."""

    @staticmethod
    def registers() -> dict[str, tuple[str, ...]]:
        """Each register the desk runs, with the operations it accepts."""
        return {name: tuple(r.rules) for name, r in _REGISTERS.items()}

    def act(
        self,
        register: str,
        operation: str,
        *,
        actor: str,
        at: datetime | None = None,
        id: str = "default",
        **arguments: Any,
    ) -> Any:
        """Run ``operation`` on the register ``register`` (its aggregate ``id``) as ``actor``.

        ``arguments`` are the operation's own; ``at`` and the person recorded
        (``by``) come from the desk. Returns what the operation returns. A register
        used for the first time is created empty.
        """
        kind = self._kind(register, operation)
        if "by" in arguments:
            raise ValidationError(
                f"{operation!r} on the {register} register is recorded as made by the acting "
                f"person ({actor!r}); do not give by=",
                field="by",
            )
        when = recorded_at(at, self.clock.now(), self.lead, f"{operation!r} on {register!r}")
        with self.store.unit_of_work() as uow:
            repository = getattr(uow, kind.repository)
            try:
                target = repository.get(id)
            except NotFoundError:
                target = kind.new(id)
                repository.add(target)
            rule = kind.rules[operation]
            self._check(uow, actor, register, operation, rule, target, arguments)
            resolved = dict(arguments)
            for name, companion in kind.companions.items():
                if isinstance(resolved.get(name), str):
                    resolved[name] = getattr(uow, companion).get(resolved[name])
            result = getattr(target, operation)(**resolved, at=when, by=actor)
            if kind.follow_up is not None:
                kind.follow_up(uow, result, when, actor)
            uow.commit()
            return result

    def move_service(
        self,
        service_id: str,
        phase: str,
        *,
        actor: str,
        at: datetime | None = None,
        portfolio: str = "default",
        products: str = "default",
        evidence: Evidence | Mapping[str, Iterable[str]] | None = None,
    ) -> Service:
        """Move a service to another lifecycle phase through the toll-gates on the move
        (PR1.3), as ``actor``.

        The gates are those of the product register ``products`` (none stored: none
        apply, and the move is as :meth:`~fitsm.portfolio.ServicePortfolio.move`
        always was); their criteria are checked against what the store evidences
        (:func:`gather_evidence` with the desk's ``evidence_sources``), the register's
        own facts and ``evidence``. An open gate raises
        :class:`~fitsm.portfolio.OpenGateError` and nothing changes.
        """
        when = recorded_at(at, self.clock.now(), self.lead, f"moving service {service_id!r}")
        with self.store.unit_of_work() as uow:
            target = uow.portfolios.get(portfolio)
            arguments = {"service_id": service_id, "phase": phase}
            self._check(uow, actor, "portfolio", "move", move_rule, target, arguments)
            try:
                register = uow.products.get(products)
                # a waiver withdrawn or a gate defined meanwhile must stop this move
                uow.products.require_unchanged(products)
            except NotFoundError:
                register = None
            gates = None
            if register is not None:
                found = gather_evidence(uow, self.evidence_sources)
                gates = register.gatekeeper(found if evidence is None else found.merged(evidence))
            moved = target.move(service_id, phase, actor=actor, at=when, gates=gates)
            uow.commit()
            return moved

    def get(self, register: str, id: str = "default") -> Any:
        """A register as stored (a copy); NotFoundError if there is none."""
        kind = self._kind(register, None)
        with self.store.unit_of_work() as uow:
            return getattr(uow, kind.repository).get(id)

    @staticmethod
    def _kind(register: str, operation: str | None) -> _Register:
        kind = _REGISTERS.get(register)
        if kind is None:
            raise ValidationError(
                f"no register {register!r}; expected one of "
                + ", ".join(repr(r) for r in _REGISTERS),
                field="register",
            )
        if operation is not None and operation not in kind.rules:
            raise ValidationError(
                f"the {register} register has no operation {operation!r}; expected one of "
                + ", ".join(repr(o) for o in kind.rules),
                field="operation",
            )
        return kind

    def _check(
        self,
        uow: UnitOfWork,
        actor: str,
        register: str,
        operation: str,
        rule: Rule,
        target: Any,
        arguments: Mapping[str, Any],
    ) -> None:
        if not self.authorize:
            return
        try:
            roles: RoleModel = uow.roles.get(self.roles_id)
            # a role revoked while this operation runs must stop its commit
            uow.roles.require_unchanged(self.roles_id)
        except NotFoundError:
            roles = RoleModel(self.roles_id)
        if not roles.knows(actor):
            raise AuthorizationError(
                f"{actor!r} is not a known person and may not {operation} in the {register} "
                "register"
            )
        reason = rule(roles, actor, target, arguments)
        if reason is not None:
            raise AuthorizationError(
                f"{actor!r} may not {operation} in the {register} register {target.id!r}: {reason}"
            )
