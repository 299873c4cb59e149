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

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar

from fitsm.cases.authorization import process_staff, refusal
from fitsm.cases.base import Case
from fitsm.cases.changes import Change, ChangeCriteria, ChangeType
from fitsm.cases.clocks import ClockKind, ClockPolicy, SlaClock, sla_clocks
from fitsm.cases.incidents import Incident, MajorIncidentCriteria
from fitsm.cases.kinds import lifecycle_of
from fitsm.cases.priority import DEFAULT_MATRIX, PriorityMatrix
from fitsm.cases.query import CaseQuery
from fitsm.clock import Clock, SystemClock, as_utc, recorded_at
from fitsm.errors import (
    AuthorizationError,
    NotFoundError,
    ValidationError,
)
from fitsm.roles import RoleModel
from fitsm.service_levels.agreements import Agreements
from fitsm.storage.ports import Store, UnitOfWork
from fitsm.tables import Rows

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

    What the organisation decides, callers do not choose: an incident's priority
    comes from ``matrix`` and whether it is major from ``major_criteria`` (PR9.1,
    PR9.6); a change's type, major flag and approval quorum from
    ``change_criteria`` (PR12.1, PR12.4), re-applied when it is assessed.
    Approvals and decisions are recorded as made by the acting person.
    """

    # fields the desk derives for an event; a caller who gives them is refused
    _DERIVED: ClassVar[Mapping[tuple[str, str], tuple[frozenset[str], str]]] = {
        ("incident", "prioritise"): (
            frozenset({"priority", "agreement", "major"}),
            "the priority comes from the impact x urgency matrix and the major incident "
            "criteria (PR9.1, PR9.6): give impact and urgency",
        ),
        ("service_request", "prioritise"): (
            frozenset({"priority", "agreement", "major"}),
            "the priority comes from the impact x urgency matrix (PR9.1): give impact and urgency",
        ),
        ("change", "classify"): (
            frozenset({"change_type", "major", "quorum"}),
            "the change criteria classify a change (PR12.1); a standard change names its "
            "template when it is registered",
        ),
        ("change", "assess"): (
            frozenset({"major", "quorum"}),
            "the change criteria decide whether the assessed change is major (PR12.1)",
        ),
    }

    def __init__(
        self,
        store: Store,
        *,
        roles: str = "default",
        agreements: str = "default",
        cmdb: str = "default",
        matrix: PriorityMatrix = DEFAULT_MATRIX,
        change_criteria: ChangeCriteria | None = None,
        major_criteria: MajorIncidentCriteria | None = None,
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
        self.major_criteria = major_criteria
        """The documented criteria that make an incident major when it is prioritised
        (PR9.6); ``None``: only ``declare_major`` does."""
        self.clock: Clock = clock or SystemClock()
        self.authorize = authorize
        self.lead = lead
        """How far an event's ``at`` may lie ahead of the desk's clock (clocks differ a little).
        An event may not be dated before the case's last step either: the lifecycle keeps
        the history moving forward."""

    # -- registering ---------------------------------------------------------------

    def register(self, case: C, *, actor: str) -> C:
        """Store a new case (PR9.1, PR10.1, PR12.1, ...), registered by ``actor``.

        Its status must be the initial one, with no history and none of the fields
        its lifecycle sets (a priority, an approval, ...).
        """
        lifecycle = lifecycle_of(case)
        if case.status is None:
            case.status = lifecycle.initial
        self._check_new(case, actor)
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
        self._check_new(case, actor)
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
        when = recorded_at(at, self.clock.now(), self.lead, f"{event!r} on {case_id!r}")
        with self.store.unit_of_work() as uow:
            case = uow.cases.get(case_id)
            derived, why = self._DERIVED.get((case.kind, event), (frozenset(), ""))
            given = sorted(derived & data.keys())
            if given:
                raise ValidationError(
                    f"{event!r} on {case.kind} {case_id!r} cannot take {', '.join(given)}: {why}",
                    field=given[0],
                )
            if event == "prioritise" and "impact" in data:
                data.update(
                    self._priority(uow, case, data.pop("impact"), data.pop("urgency", None))
                )
            if isinstance(case, Change) and event in ("classify", "assess"):
                data.update(self._classification(uow, case, event, data))
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
    ) -> Rows[Case]:
        """The cases ``query`` wants, a page at a time (see ``CaseRepository.find``), as a
        table of cases (``Case.columns``).

        >>> # desk.find(CaseQuery(kind="incident", service="mail", open=True), limit=50)
        """
        with self.store.unit_of_work() as uow:
            found = uow.cases.find(query, limit=limit, after=after, newest_first=newest_first)
        return Rows(found, columns=Case.columns)

    def due_soon(
        self,
        within: timedelta,
        *,
        at: datetime | None = None,
        kind: ClockKind | str = ClockKind.RESOLUTION,
        policy: ClockPolicy | None = None,
    ) -> Rows[SlaClock]:
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
        return Rows(soon, columns=SlaClock.columns)

    # -- internals -------------------------------------------------------------------

    def _check_new(self, case: Case, actor: str) -> None:
        lifecycle_of(case).check_registration(case)

    def _store_new(self, uow: UnitOfWork, case: Case, actor: str) -> None:
        self._check(uow, actor, case, "register", {"owner": case.owner})
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
        if (
            self.major_criteria is not None
            and isinstance(case, Incident)
            and case.kind == "incident"
            and not case.major
        ):
            probe = case.copy()
            probe.priority = found["priority"]
            if self.major_criteria.matches(probe):
                found["major"] = True  # documented criteria identify it (PR9.6)
        return found

    def _classification(
        self, uow: UnitOfWork, change: Change, event: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """The change's impacted services (the CMDB's and the caller's), and its type, major
        flag and quorum by the change criteria, for ``classify`` and ``assess`` (PR12.1)."""
        found: dict[str, Any] = {}
        given = tuple(data.get("impacted_services", change.impacted_services))
        cis = tuple(data.get("cis", change.cis))
        computed = self._impacted_services(uow, cis) if cis else None
        if computed is not None:
            found["impacted_services"] = tuple(sorted({*given, *computed}))
        probe = change.copy()
        probe.risk = data.get("risk", change.risk)
        kind, major = self.change_criteria.classify(probe, found.get("impacted_services", given))
        if event == "classify":
            found.update(change_type=kind, major=major)
        else:
            kind = change.change_type or kind
            found["major"] = change.major or (major and kind is not ChangeType.STANDARD)
        found["quorum"] = self.change_criteria.quorum(kind, found["major"])
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
            if case.registered_by != actor:
                raise AuthorizationError(
                    f"{actor!r} may not register {case.kind} {case.id!r} as registered by "
                    f"{case.registered_by!r}: a case is registered by the acting person"
                )
            owner = data.get("owner")
            if owner is not None and not process_staff(roles, actor, case.process):
                raise AuthorizationError(
                    f"{actor!r} may not name {owner!r} the {case.owner_role.replace('_', ' ')} "
                    f"of {case.kind} {case.id!r}: that needs {case.process} process staff"
                )
            return
        reason = refusal(roles, actor, case, event, data)
        if reason is not None:
            raise AuthorizationError(f"{actor!r} may not do this: {reason}")
