"""Running the registers of the planning processes against a store, as the acting person.

:class:`PlanningDesk` is to the registers (the risk register, review schedules,
the registers of availability and continuity, capacity and information
security, and the customer register) what :class:`fitsm.CaseDesk` is to cases.
Each operation is one unit of work: load the register and the role model,
refuse the operation if the person's FitSM-3 roles do not allow it
(:class:`~fitsm.AuthorizationError`, nothing changed), run it as made by that
person, commit. Who may run what is data, in each area's ``authority`` module
(``RULES``).

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

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from fitsm.authority import Rules
from fitsm.availability.authority import RULES as CONTINUITY_RULES
from fitsm.availability.continuity_register import ContinuityRegister
from fitsm.capacity.authority import RULES as CAPACITY_RULES
from fitsm.capacity.register import CapacityRegister
from fitsm.clock import Clock, SystemClock, recorded_at
from fitsm.customers.authority import RULES as CUSTOMER_RULES
from fitsm.customers.register import CustomerRegister
from fitsm.errors import AuthorizationError, NotFoundError, ValidationError
from fitsm.reporting.authority import RULES as REPORT_RULES
from fitsm.reporting.register import ReportRegister
from fitsm.reviews.authority import RULES as REVIEW_RULES
from fitsm.reviews.schedules import ReviewSchedules
from fitsm.risks.authority import RULES as RISK_RULES
from fitsm.risks.register import RiskRegister
from fitsm.roles import RoleModel
from fitsm.security.authority import RULES as SECURITY_RULES
from fitsm.security.register import SecurityRegister
from fitsm.storage.ports import Store, UnitOfWork
from fitsm.suppliers.authority import RULES as SUPPLIER_RULES
from fitsm.suppliers.register import SupplierRegister

__all__ = ["PlanningDesk"]


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


_REGISTERS: Mapping[str, _Register] = {
    "risks": _Register("risks", RiskRegister, RISK_RULES, {"schedules": "reviews"}),
    "reviews": _Register("reviews", ReviewSchedules, REVIEW_RULES),
    "capacity": _Register("capacity", CapacityRegister, CAPACITY_RULES, {"schedules": "reviews"}),
    "suppliers": _Register(
        "suppliers",
        SupplierRegister,
        SUPPLIER_RULES,
        {"schedules": "reviews", "agreements": "agreements"},
    ),
    "reports": _Register("reports", ReportRegister, REPORT_RULES),
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
    ) -> None:
        self.store = store
        self.roles_id = roles
        self.clock: Clock = clock or SystemClock()
        self.authorize = authorize
        self.lead = lead

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
            self._check(uow, actor, register, operation, kind, target, arguments)
            resolved = dict(arguments)
            for name, companion in kind.companions.items():
                if isinstance(resolved.get(name), str):
                    resolved[name] = getattr(uow, companion).get(resolved[name])
            result = getattr(target, operation)(**resolved, at=when, by=actor)
            uow.commit()
            return result

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
        kind: _Register,
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
        reason = kind.rules[operation](roles, actor, target, arguments)
        if reason is not None:
            raise AuthorizationError(
                f"{actor!r} may not {operation} in the {register} register {target.id!r}: {reason}"
            )
