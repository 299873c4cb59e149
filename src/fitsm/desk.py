"""Running cases through their lifecycles against a store, as the acting person.

:class:`CaseDesk` is what a service desk, a change board or a problem tracker
calls. Each operation is one unit of work: load the case and the role model,
refuse the action if the person's FitSM-3 roles do not allow it
(:class:`~fitsm.AuthorizationError`, nothing changed), apply the lifecycle
event, commit. Priorities come from the impact x urgency matrix, and the SLA in
force for the affected service is recorded on the case so that its clocks and
due times follow from it (PR9.1).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from fitsm.cases.authorization import refusal
from fitsm.cases.base import Case
from fitsm.cases.changes import Change, ChangeCriteria
from fitsm.cases.clocks import ClockKind, ClockPolicy, SlaClock, sla_clocks
from fitsm.cases.incidents import Incident
from fitsm.cases.kinds import lifecycle_of
from fitsm.cases.priority import DEFAULT_MATRIX, PriorityMatrix
from fitsm.cases.query import CaseQuery
from fitsm.clock import Clock, SystemClock, as_utc
from fitsm.errors import (
    AuthorizationError,
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
)
from fitsm.roles import RoleModel
from fitsm.service_levels.agreements import Agreements
from fitsm.storage.ports import Store, UnitOfWork

__all__ = ["CaseDesk"]

_CLOCKED = ("incident", "service_request")
"""The case types SLA clocks run for."""

C = TypeVar("C", bound=Case)


class CaseDesk:
    """Case operations on a store, checked against the role model.

    ``roles`` and ``agreements`` name the aggregates in the store to use;
    ``authorize=False`` skips the role checks (for imports and migrations). An
    event's ``at`` may be in the past (recording what happened) but not before the
    case's last step, nor later than the desk's clock plus ``lead``.
    """

    def __init__(
        self,
        store: Store,
        *,
        roles: str = "default",
        agreements: str = "default",
        cmdb: str = "default",
        matrix: PriorityMatrix = DEFAULT_MATRIX,
        change_criteria: ChangeCriteria | None = None,
        clock: Clock | None = None,
        authorize: bool = True,
        lead: timedelta = timedelta(minutes=5),
    ) -> None:
        self.store = store
        self.roles_id = roles
        self.agreements_id = agreements
        self.cmdb_id = cmdb
        self.matrix = matrix
        self.change_criteria = change_criteria or ChangeCriteria()
        self.clock: Clock = clock or SystemClock()
        self.authorize = authorize
        self.lead = lead
        """How far an event's ``at`` may lie ahead of the desk's clock (clocks differ a little).
        An event may not be dated before the case's last step either: the lifecycle keeps
        the history moving forward."""

    # -- registering ---------------------------------------------------------------

    def register(self, case: C, *, actor: str) -> C:
        """Store a new case (PR9.1, PR10.1, PR12.1, ...). Its status must be the initial one."""
        lifecycle = lifecycle_of(case)
        if case.status is None:
            case.status = lifecycle.initial
        self._check_new(case)
        with self.store.unit_of_work() as uow:
            self._store_new(uow, case, actor)
        return case

    def register_incident(
        self,
        case: Incident,
        *,
        actor: str,
        impact: str | None = None,
        urgency: str | None = None,
    ) -> Incident:
        """Register an incident or service request, classified and prioritised at once
        when a category, impact and urgency are given (PR9.1)."""
        self._check_new(case)
        case = case.copy()  # the caller's object is left alone if registering fails
        lifecycle = lifecycle_of(case)
        at = case.registered_at
        with self.store.unit_of_work() as uow:
            if case.category:
                lifecycle.fire(case, "classify", actor=actor, at=at, category=case.category)
            if impact is not None and urgency is not None:
                priority = self._priority(uow, case, impact, urgency)
                lifecycle.fire(case, "prioritise", actor=actor, at=at, **priority)
            self._store_new(uow, case, actor)
        return case

    # -- moving ------------------------------------------------------------------------

    def fire(
        self,
        case_id: str,
        event: str,
        *,
        actor: str,
        at: datetime | None = None,
        note: str = "",
        **data: Any,
    ) -> Case:
        """Apply a lifecycle event as ``actor``; ``data`` sets case fields.

        ``prioritise`` with ``impact`` and ``urgency`` computes the priority from
        the matrix and records the SLA in force; ``classify`` and ``assess`` on a
        change compute its impacted services from the CMDB (its CIs failing) unless
        given, and ``classify`` applies the change criteria unless a type is given.
        """
        now = self.clock.now()
        when = now if at is None else as_utc(at, "at")
        if when > now + self.lead:
            # an event dated in the future would block the case for everyone until then
            raise ValidationError(
                f"{event!r} on {case_id!r} is dated {when.isoformat()}, later than now "
                f"({now.isoformat()}) by more than {self.lead}; events record what happened",
                field="at",
            )
        with self.store.unit_of_work() as uow:
            case = uow.cases.get(case_id)
            if event == "prioritise" and "priority" not in data and "impact" in data:
                data.update(
                    self._priority(uow, case, data.pop("impact"), data.pop("urgency", None))
                )
            if (
                isinstance(case, Change)
                and event in ("classify", "assess")
                and "impacted_services" not in data
                and case.cis
            ):
                impacted = self._impacted_services(uow, case.cis)
                if impacted is not None:
                    data["impacted_services"] = impacted
            if isinstance(case, Change) and event == "classify" and "change_type" not in data:
                kind, major = self.change_criteria.classify(case, data.get("impacted_services", ()))
                data.update(change_type=kind, major=major)
            self._check(uow, actor, case, event, data)
            lifecycle_of(case).fire(case, event, actor=actor, at=when, note=note, **data)
            uow.commit()
            return case

    def get(self, case_id: str) -> Case:
        with self.store.unit_of_work() as uow:
            return uow.cases.get(case_id)

    # -- the read side -------------------------------------------------------------------

    def find(
        self,
        query: CaseQuery | None = None,
        *,
        limit: int | None = None,
        after: Case | None = None,
        newest_first: bool = False,
    ) -> list[Case]:
        """The cases ``query`` wants, a page at a time (see ``CaseRepository.find``).

        >>> # desk.find(CaseQuery(kind="incident", service="mail", open=True), limit=50)
        """
        with self.store.unit_of_work() as uow:
            return uow.cases.find(query, limit=limit, after=after, newest_first=newest_first)

    def due_soon(
        self,
        within: timedelta,
        *,
        at: datetime | None = None,
        kind: ClockKind | str = ClockKind.RESOLUTION,
        policy: ClockPolicy | None = None,
    ) -> list[SlaClock]:
        """The SLA clocks of open incidents and service requests that warn or breach by
        ``at + within`` (already warned or breached included), soonest due first.

        Only open cases are read. A clock is read as it will stand at the horizon
        if nothing happens to its case meanwhile (PR9.3 escalation, PR9.4).
        """
        if not isinstance(within, timedelta) or within < timedelta(0):
            raise ValidationError(f"within must be a timedelta of at least 0, got {within!r}")
        horizon = as_utc(self.clock.now() if at is None else at, "at") + within
        with self.store.unit_of_work() as uow:
            cases = uow.cases.find(CaseQuery(kind=_CLOCKED, open=True))
            try:
                agreements: Agreements = uow.agreements.get(self.agreements_id)
            except NotFoundError:
                agreements = Agreements(self.agreements_id)
        clocks = sla_clocks(cases, agreements, horizon, kind=kind, policy=policy)
        soon = [c for c in clocks if c.warned_at is not None or c.breached_at is not None]
        soon.sort(key=lambda c: (c.due or horizon, c.case))
        return soon

    # -- internals -------------------------------------------------------------------

    def _check_new(self, case: Case) -> None:
        lifecycle = lifecycle_of(case)
        if case.status != lifecycle.initial or case.history:
            raise InvalidTransitionError(
                f"{case.kind} {case.id!r} must be registered {lifecycle.initial!s} with no "
                f"history, not {case.status!s}"
            )

    def _store_new(self, uow: UnitOfWork, case: Case, actor: str) -> None:
        self._check(uow, actor, case, "register", {})
        uow.cases.add(case)  # refuses an id that is taken
        uow.commit()

    def _priority(
        self, uow: UnitOfWork, case: Case, impact: str, urgency: str | None
    ) -> dict[str, Any]:
        if urgency is None:
            raise ValidationError(f"prioritising {case.kind} {case.id!r} needs an urgency too")
        found: dict[str, Any] = {
            "impact": impact,
            "urgency": urgency,
            "priority": self.matrix.priority(impact, urgency),
        }
        agreement = self._sla(uow, case)
        if agreement is not None:
            found["agreement"] = agreement
        return found

    def _impacted_services(self, uow: UnitOfWork, cis: tuple[str, ...]) -> tuple[str, ...] | None:
        """The services a change to ``cis`` may take down or degrade, from the CMDB (PR12.3)."""
        try:
            cmdb = uow.cmdbs.get(self.cmdb_id)
        except NotFoundError:
            return None
        known = [ci for ci in cis if ci in cmdb]
        if not known:
            return ()
        report = cmdb.impact(known)
        return tuple(sorted(report.services_down | report.services_degraded))

    def _sla(self, uow: UnitOfWork, case: Case) -> str | None:
        try:
            agreements: Agreements = uow.agreements.get(self.agreements_id)
        except NotFoundError:
            return None
        found = (
            agreements.sla_for(case.service, case.registered_at)
            if case.service is not None
            else agreements.default_sla(case.registered_at)
        )
        return found.id if found is not None else None

    def _check(
        self, uow: UnitOfWork, actor: str, case: Case, event: str, data: dict[str, Any]
    ) -> None:
        if not self.authorize:
            return
        try:
            roles: RoleModel = uow.roles.get(self.roles_id)
            # a role revoked while this operation runs must stop its commit
            uow.roles.require_unchanged(self.roles_id)
        except NotFoundError:
            roles = RoleModel(self.roles_id)
        if event == "register":
            if not roles.knows(actor):
                raise AuthorizationError(
                    f"{actor!r} is not a known person and cannot register cases"
                )
            return
        reason = refusal(roles, actor, case, event, data)
        if reason is not None:
            raise AuthorizationError(f"{actor!r} may not do this: {reason}")
