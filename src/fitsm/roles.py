"""The FitSM-3 role model: who holds which role in the service management system (SMS).

FitSM-3 says a role is made up of a *context* (the entity it impacts), a *definition*
(responsibilities and tasks) and an *assignment* (who holds it). General roles (the SMS
owner and SMS manager) address the whole SMS (GR1-GR7); process roles address one of
the 14 processes (PR1-PR14) or one case within a process (FitSM, CC BY 4.0).

:class:`Person` and :class:`Team` records are immutable; the :class:`RoleModel`
aggregate keeps them together with the :class:`RoleAssignment` records and checks
every assignment against the context its role needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier, text, to_str_tuple
from fitsm.clock import as_utc
from fitsm.errors import DuplicateError, NotFoundError, ValidationError

__all__ = [
    "CAB_CONTEXTS",
    "CASE_ROLES",
    "OBJECT_ROLES",
    "Person",
    "Process",
    "Role",
    "RoleAssignment",
    "RoleFinding",
    "RoleModel",
    "Team",
]


class Process(StrEnum):
    """The 14 FitSM processes by abbreviation, with their FitSM-1 requirement groups.

    SPM (PR1) service portfolio management, SLM (PR2) service level management,
    SRM (PR3) service reporting management, SACM (PR4) service availability and
    continuity management, CAPM (PR5) capacity management, ISM (PR6) information
    security management, CRM (PR7) customer relationship management, SUPPM (PR8)
    supplier relationship management, ISRM (PR9) incident and service request
    management, PM (PR10) problem management, CONFM (PR11) configuration management,
    CHM (PR12) change management, RDM (PR13) release and deployment management,
    CSI (PR14) continual service improvement management.

    >>> Process.ISRM.requirement, Process("CHM").full_name
    ('PR9', 'change management')
    """

    SPM = "SPM"
    SLM = "SLM"
    SRM = "SRM"
    SACM = "SACM"
    CAPM = "CAPM"
    ISM = "ISM"
    CRM = "CRM"
    SUPPM = "SUPPM"
    ISRM = "ISRM"
    PM = "PM"
    CONFM = "CONFM"
    CHM = "CHM"
    RDM = "RDM"
    CSI = "CSI"

    @property
    def requirement(self) -> str:
        """The FitSM-1 requirement group of the process, ``"PR1"`` to ``"PR14"``."""
        return f"PR{list(Process).index(self) + 1}"

    @property
    def full_name(self) -> str:
        return _PROCESS_NAMES[self]


_PROCESS_NAMES: dict[Process, str] = {
    Process.SPM: "service portfolio management",
    Process.SLM: "service level management",
    Process.SRM: "service reporting management",
    Process.SACM: "service availability and continuity management",
    Process.CAPM: "capacity management",
    Process.ISM: "information security management",
    Process.CRM: "customer relationship management",
    Process.SUPPM: "supplier relationship management",
    Process.ISRM: "incident and service request management",
    Process.PM: "problem management",
    Process.CONFM: "configuration management",
    Process.CHM: "change management",
    Process.RDM: "release and deployment management",
    Process.CSI: "continual service improvement management",
}


class Role(StrEnum):
    """The roles of FitSM-3: general roles, common process roles and case owners.

    The context each role needs is given with it; every role not marked otherwise
    is a case owner whose context is the id of its case or object.
    """

    SMS_OWNER = "sms_owner"
    """Accountable for the overall SMS; a member of top management (GR1.1). No context."""
    SMS_MANAGER = "sms_manager"
    """Primary contact for all operational concerns of the SMS. No context."""
    PROCESS_OWNER = "process_owner"
    """Governs one process (GR2.2); context: a :class:`Process`."""
    PROCESS_MANAGER = "process_manager"
    """Runs one process day to day; context: a :class:`Process`."""
    PROCESS_STAFF = "process_staff"
    """Carries out the activities of one process; context: a :class:`Process`."""
    SERVICE_OWNER = "service_owner"
    """Overall responsibility for one service in the portfolio (PR1); context: service id."""
    CI_OWNER = "ci_owner"
    """Keeps one CI in the CMDB accurate (PR11.3); context: CI id."""
    INCIDENT_OWNER = "incident_owner"
    """Owns one incident (PR9); context: incident id."""
    SERVICE_REQUEST_OWNER = "service_request_owner"
    """Owns one service request (PR9); context: request id."""
    PROBLEM_OWNER = "problem_owner"
    """Owns one problem (PR10); context: problem id."""
    CHANGE_OWNER = "change_owner"
    """Owns one change (PR12); context: change id."""
    RELEASE_OWNER = "release_owner"
    """Owns one release (PR13); context: release id."""
    IMPROVEMENT_OWNER = "improvement_owner"
    """Owns one improvement (PR14.3); context: improvement id."""
    COMPLAINT_OWNER = "complaint_owner"
    """Owns one customer complaint (PR7); context: complaint id."""
    SLA_OWNER = "sla_owner"
    """Owns one service level agreement (PR2); context: agreement id."""
    OLA_OWNER = "ola_owner"
    """Owns one operational level agreement (PR2); context: agreement id."""
    UA_OWNER = "ua_owner"
    """Owns one underpinning agreement (PR2, PR8); context: agreement id."""
    REPORT_OWNER = "report_owner"
    """Owns one service report (PR3); context: report id."""
    CUSTOMER_RELATIONSHIP_MANAGER = "customer_relationship_manager"
    """The primary contact point for one customer: keeps the relationship by regular
    communication, processes formal complaints, conducts and records service reviews
    (PR7.2, PR7.4, PR7.5); 1 per identified customer; context: customer id."""
    SUPPLIER_RELATIONSHIP_MANAGER = "supplier_relationship_manager"
    """Primary contact point for one supplier, maintaining the relationship and the monitoring
    of its performance (PR8.2, PR8.4); 1 per identified supplier; context: supplier id."""
    INFORMATION_SECURITY_RISK_MANAGER = "information_security_risk_manager"
    """Keeps the asset inventory complete and the information security risk assessment
    up to date (PR6.2); 1 in total, needed where ISM is in scope. No context."""
    ASSET_OWNER = "asset_owner"
    """Maintains the description and classification of one information asset (PR6.3);
    1 per asset; context: asset id."""
    AVAILABILITY_PLAN_OWNER = "availability_plan_owner"
    """Creates and maintains one availability plan and has it approved (PR4.1); 1 per plan;
    context: plan id."""
    CONTINUITY_PLAN_OWNER = "continuity_plan_owner"
    """Creates and maintains one continuity plan and sees that it is tested (PR4.1, PR4.3);
    1 per plan; context: plan id."""
    CAPACITY_PLAN_OWNER = "capacity_plan_owner"
    """Creates and maintains one capacity plan (PR5.3); 1 per plan; context: plan id."""
    SECURITY_CONTROL_OWNER = "security_control_owner"
    """Maintains and reviews one information security control (PR6.3); 1 per control;
    context: control id."""
    CAB_MEMBER = "cab_member"
    """Sits on the change advisory board (PR12.4); context: ``"CAB"`` or ``"ECAB"``."""
    MAJOR_INCIDENT_COORDINATOR = "major_incident_coordinator"
    """Coordinates one major incident (PR9.6); context: incident id."""


CASE_ROLES = frozenset(
    {
        Role.INCIDENT_OWNER,
        Role.SERVICE_REQUEST_OWNER,
        Role.PROBLEM_OWNER,
        Role.CHANGE_OWNER,
        Role.RELEASE_OWNER,
        Role.IMPROVEMENT_OWNER,
        Role.COMPLAINT_OWNER,
        Role.MAJOR_INCIDENT_COORDINATOR,
    }
)
"""Roles held for one case: they are fields of the case (``owner``, ``coordinator``), not
assignments in the role model, so the role model does not grow with the cases."""

OBJECT_ROLES: dict[Role, str] = {
    Role.SERVICE_OWNER: "service",
    Role.ASSET_OWNER: "information asset",
    Role.AVAILABILITY_PLAN_OWNER: "availability plan",
    Role.CONTINUITY_PLAN_OWNER: "continuity plan",
    Role.CAPACITY_PLAN_OWNER: "capacity plan",
    Role.SECURITY_CONTROL_OWNER: "security control",
    Role.SUPPLIER_RELATIONSHIP_MANAGER: "supplier",
    Role.REPORT_OWNER: "report",
    Role.CUSTOMER_RELATIONSHIP_MANAGER: "customer",
}
"""Roles FitSM-3 wants held by exactly one person "per" object, with what the object is:
:meth:`RoleModel.check` finds objects with none or several."""

CAB_CONTEXTS: tuple[str, ...] = ("CAB", "ECAB")
"""The contexts of :attr:`Role.CAB_MEMBER`: the change advisory board and the emergency CAB."""

_PROCESS_WIDE_ROLES: dict[Role, Process] = {Role.INFORMATION_SECURITY_RISK_MANAGER: Process.ISM}
"""Roles FitSM-3 names once for a whole process ("1 in total"): held without a context, and
needed only where their process is in scope."""
_GENERAL_ROLES = frozenset({Role.SMS_OWNER, Role.SMS_MANAGER, *_PROCESS_WIDE_ROLES})
_PROCESS_ROLES = frozenset({Role.PROCESS_OWNER, Role.PROCESS_MANAGER, Role.PROCESS_STAFF})

_PROCESS_VALUES = frozenset(p.value for p in Process)


def _to_role(value: Any) -> Role:
    return enum_value(Role)(value)


def _expected(role: Role) -> str:
    if role in _GENERAL_ROLES:
        return "no context (None)"
    if role in _PROCESS_ROLES:
        return "a process, one of " + ", ".join(repr(p.value) for p in Process)
    if role is Role.CAB_MEMBER:
        return "one of " + ", ".join(repr(c) for c in CAB_CONTEXTS)
    if role is Role.MAJOR_INCIDENT_COORDINATOR:
        return "the id of the incident as a non-empty string"
    return "the id of its case or object as a non-empty string"


def _context_fits(role: Role, context: object) -> bool:
    if role in _GENERAL_ROLES:
        return context is None
    if role in _PROCESS_ROLES:
        return isinstance(context, str) and context in _PROCESS_VALUES
    if role is Role.CAB_MEMBER:
        return context in CAB_CONTEXTS
    return isinstance(context, str) and bool(context) and context == context.strip()


def _context(role: Role, context: object) -> str | None:
    """``context`` as stored for ``role``: None or a plain string; raises when it does not fit."""
    if isinstance(context, Process):
        context = context.value
    if not _context_fits(role, context):
        raise ValidationError(
            f"role {role.value!r} needs {_expected(role)} as context, got {context!r}",
            field="context",
        )
    return context if context is None else str(context)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Process) else value


def _optional_identifier(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        identifier(instance, attribute, value)


@attrs.frozen
class Person:
    """Someone who can hold roles; ``manager`` is the person id for hierarchical escalation.

    >>> Person("bob", "Bob", manager="alice").manager
    'alice'
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=text)
    email: str = attrs.field(default="", validator=text)
    manager: str | None = attrs.field(default=None, validator=_optional_identifier)

    def __attrs_post_init__(self) -> None:
        if self.manager == self.id:
            raise ValidationError(
                f"person {self.id!r} cannot be their own manager", field="manager"
            )


def _members(instance: Team, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for member in value:
        if not isinstance(member, str) or not member or member != member.strip():
            raise ValidationError(
                f"team {instance.id!r} has member {member!r}; members must be person ids",
                field="members",
            )
    seen: set[str] = set()
    for member in value:
        if member in seen:
            raise ValidationError(
                f"team {instance.id!r} lists member {member!r} more than once", field="members"
            )
        seen.add(member)


@attrs.frozen
class Team:
    """A group of persons that holds roles together; each member holds the team's roles."""

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=text)
    members: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, validator=_members)


def _check_context(instance: RoleAssignment, attribute: attrs.Attribute[Any], value: Any) -> None:
    _context(instance.role, value)


@attrs.frozen
class RoleAssignment:
    """A role held by a person or team, in a context that fits the role.

    >>> RoleAssignment("carol", "process_owner", Process.CHM)
    RoleAssignment(holder='carol', role=<Role.PROCESS_OWNER: 'process_owner'>, context='CHM')
    """

    holder: str = attrs.field(validator=identifier)
    role: Role = attrs.field(converter=_to_role)
    context: str | None = attrs.field(default=None, converter=_plain, validator=_check_context)


@attrs.frozen
class RoleFinding:
    """One way in which a role model falls short of FitSM; ``context`` names where."""

    problem: str
    context: str | None
    message: str


class RoleModel:
    """The persons, teams and role assignments of one SMS (GR1.1, GR2.2, GR4.1).

    >>> m = RoleModel()
    >>> _ = m.add_person(Person("alice", "Alice"))
    >>> _ = m.add_person(Person("bob", "Bob", manager="alice"))
    >>> _ = m.add_team(Team("desk", "Service desk", ["bob"]))
    >>> _ = m.assign("desk", Role.PROCESS_STAFF, Process.ISRM)
    >>> m.has_role("bob", "process_staff", "ISRM"), m.manager_of("bob")
    (True, 'alice')
    """

    def __init__(self, id: str = "default") -> None:
        if not isinstance(id, str) or not id:
            raise ValidationError(f"role model id must be a non-empty string, got {id!r}")
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self._people: dict[str, Person] = {}
        self._teams: dict[str, Team] = {}
        self._assignments: dict[RoleAssignment, datetime | None] = {}
        """The roles held now, each with when it was given (None: not said)."""
        self._ended: list[tuple[RoleAssignment, datetime | None, datetime]] = []
        """Roles held before and revoked with a date: (assignment, since, until)."""
        self._by_role: dict[tuple[Role, str | None], list[str]] | None = None

    # -- people and teams ----------------------------------------------------

    def add_person(self, person: Person) -> Person:
        """Add a person; their manager, if any, must already be known."""
        self._check_new(person.id)
        if person.manager is not None and person.manager not in self._people:
            raise NotFoundError(
                f"person {person.id!r} names manager {person.manager!r}, who is not in "
                f"role model {self.id!r}; add the manager first"
            )
        self._people[person.id] = person
        return person

    def add_team(self, team: Team) -> Team:
        """Add a team; every member must be a known person."""
        self._check_new(team.id)
        for member in team.members:
            if member not in self._people:
                raise NotFoundError(
                    f"team {team.id!r} names member {member!r}, who is not a person in "
                    f"role model {self.id!r}; add them with add_person() first"
                )
        self._teams[team.id] = team
        return team

    def person(self, person_id: str) -> Person:
        try:
            return self._people[person_id]
        except KeyError:
            raise NotFoundError(f"no person {person_id!r} in role model {self.id!r}") from None

    def team(self, team_id: str) -> Team:
        try:
            return self._teams[team_id]
        except KeyError:
            raise NotFoundError(f"no team {team_id!r} in role model {self.id!r}") from None

    @property
    def people(self) -> tuple[Person, ...]:
        return tuple(self._people.values())

    @property
    def teams(self) -> tuple[Team, ...]:
        return tuple(self._teams.values())

    def manager_of(self, person_id: str) -> str | None:
        """The id of the person to escalate to hierarchically (PR9.3), or None at the top."""
        return self.person(person_id).manager

    # -- assignments -----------------------------------------------------------

    def assign(
        self,
        holder: str,
        role: Role | str,
        context: Process | str | None = None,
        *,
        at: datetime | None = None,
    ) -> RoleAssignment:
        """Give ``role`` in ``context`` to a person or team, from ``at`` on (None: the
        date is not recorded, and the role counts as held at any earlier time too)."""
        since = None if at is None else as_utc(at, "at")
        if holder not in self._people and holder not in self._teams:
            raise NotFoundError(
                f"cannot assign {_to_role(role).value!r} to {holder!r}: no person or team "
                f"{holder!r} in role model {self.id!r}"
            )
        wanted = _to_role(role)
        if wanted in CASE_ROLES:
            field = "coordinator" if wanted is Role.MAJOR_INCIDENT_COORDINATOR else "owner"
            raise ValidationError(
                f"{wanted.value!r} is held for one case: set the case's {field!r} field to "
                f"{holder!r} instead of assigning it in the role model",
                field="role",
            )
        assignment = RoleAssignment(holder, wanted, context)
        if assignment in self._assignments:
            raise DuplicateError(
                f"{holder!r} already holds role {assignment.role.value!r}" + _in(assignment.context)
            )
        index = self._index()  # built before the new assignment joins, which it then gets once
        self._assignments[assignment] = since
        index.setdefault((assignment.role, assignment.context), []).append(holder)
        return assignment

    def revoke(
        self,
        holder: str,
        role: Role | str,
        context: Process | str | None = None,
        *,
        at: datetime | None = None,
    ) -> None:
        """Take ``role`` in ``context`` away from a person or team.

        With ``at``, the model remembers that the role was held until then, so what the
        holder did before (an approval, a review) is still judged by the roles of its
        time (``has_role(..., at=...)``); without it, the role is forgotten.
        """
        assignment = RoleAssignment(holder, _to_role(role), context)
        if assignment not in self._assignments:
            raise NotFoundError(
                f"{holder!r} does not hold role {assignment.role.value!r}"
                + _in(assignment.context)
                + f" in role model {self.id!r}"
            )
        since = self._assignments[assignment]
        if at is not None:
            until = as_utc(at, "at")
            if since is not None and until < since:
                raise ValidationError(
                    f"{holder!r} was given {assignment.role.value!r}{_in(assignment.context)} "
                    f"on {since.isoformat()}; expected a revocation at or after it, got "
                    f"{until.isoformat()}",
                    field="at",
                )
            self._past().append((assignment, since, until))
        del self._assignments[assignment]
        self._by_role = None

    def _past(self) -> list[tuple[RoleAssignment, datetime | None, datetime]]:
        # role models stored before role history was kept have no list of their own
        ended: list[tuple[RoleAssignment, datetime | None, datetime]] = self.__dict__.setdefault(
            "_ended", []
        )
        return ended

    def _held_at(self, assignment: RoleAssignment, at: datetime) -> bool:
        """Whether ``assignment`` was in force at ``at``."""
        if assignment in self._assignments:
            since = self._assignments[assignment]
            if since is None or since <= at:
                return True
        return any(
            a == assignment and (since is None or since <= at) and at < until
            for a, since, until in self._past()
        )

    @property
    def assignments(self) -> tuple[RoleAssignment, ...]:
        """Every assignment, in the order they were made."""
        return tuple(self._assignments)

    def holders(
        self, role: Role | str, context: Process | str | None = None, *, at: datetime | None = None
    ) -> tuple[str, ...]:
        """The persons and teams holding ``role`` in ``context`` directly, in assignment order
        (at ``at``: those who held it then, as far as the model's dates tell)."""
        wanted = _to_role(role)
        where = _context(wanted, context)
        if at is None:
            return tuple(self._index().get((wanted, where), ()))
        when = as_utc(at, "at")
        found = [a.holder for a in self._assignments if (a.role, a.context) == (wanted, where)]
        found += [a.holder for a, _, _ in self._past() if (a.role, a.context) == (wanted, where)]
        return tuple(
            h for h in dict.fromkeys(found) if self._held_at(RoleAssignment(h, wanted, where), when)
        )

    def _index(self) -> dict[tuple[Role, str | None], list[str]]:
        """Holders by (role, context): a look-up, where a scan would make check() quadratic."""
        index: dict[tuple[Role, str | None], list[str]] | None = getattr(self, "_by_role", None)
        if index is None:
            index = {}
            for a in self._assignments:
                index.setdefault((a.role, a.context), []).append(a.holder)
            self._by_role = index
        return index

    def has_role(
        self,
        person_id: str,
        role: Role | str,
        context: Process | str | None = None,
        *,
        at: datetime | None = None,
    ) -> bool:
        """Whether the person holds ``role`` in ``context`` directly or through a team; with
        ``at``, whether they held it then (a role given with a later date had not been
        given yet; one revoked with an earlier date was no longer held). A team's members
        are taken as they are now.
        """
        wanted = _to_role(role)
        where = _context(wanted, context)
        self.person(person_id)
        holders = [person_id, *(t.id for t in self._teams.values() if person_id in t.members)]
        if at is not None:
            when = as_utc(at, "at")
            return any(self._held_at(RoleAssignment(h, wanted, where), when) for h in holders)
        # assignments are a dict keyed by assignment: look up, do not scan
        assignments = self._assignments
        return any(RoleAssignment(h, wanted, where) in assignments for h in holders)

    def as_of(self, at: datetime) -> RoleModel:
        """The model as it stood at ``at``: the same people and teams, holding the roles in
        force then (a role given without a date counts as held at any time before it
        was revoked). Rules written against a role model (``fitsm.authority``) judge a
        past act with it.

        >>> from datetime import UTC, datetime
        >>> m = RoleModel()
        >>> _ = m.add_person(Person("cora", "Cora"))
        >>> _ = m.assign("cora", Role.CAB_MEMBER, "CAB", at=datetime(2026, 1, 1, tzinfo=UTC))
        >>> m.revoke("cora", Role.CAB_MEMBER, "CAB", at=datetime(2026, 3, 1, tzinfo=UTC))
        >>> m.as_of(datetime(2026, 2, 1, tzinfo=UTC)).has_role("cora", Role.CAB_MEMBER, "CAB")
        True
        """
        when = as_utc(at, "at")
        then = RoleModel(self.id)
        then.version = self.version
        then._people = dict(self._people)
        then._teams = dict(self._teams)
        held = [a for a in self._assignments if self._held_at(a, when)]
        held += [a for a, _, _ in self._past() if self._held_at(a, when)]
        then._assignments = dict.fromkeys(held)
        return then

    def knows(self, person_id: str) -> bool:
        """Whether ``person_id`` is a person of this model."""
        return person_id in self._people

    def roles_of(self, person_id: str) -> tuple[RoleAssignment, ...]:
        """The assignments a person holds directly or through their teams, in assignment order."""
        self.person(person_id)
        holders = {person_id} | {t.id for t in self._teams.values() if person_id in t.members}
        return tuple(a for a in self._assignments if a.holder in holders)

    # -- conformance -----------------------------------------------------------

    def check(
        self,
        *,
        processes: Iterable[Process | str] = tuple(Process),
        services: Iterable[str] = (),
        owned: Mapping[Role | str, Iterable[str]] | None = None,
    ) -> list[RoleFinding]:
        """Where the model breaks FitSM-3 for the processes and services in scope.

        One SMS owner (GR1.1); one process owner (the SMS owner when none is named,
        as FitSM-3 allows) and at least one process manager per process in scope
        (GR2.2); an information security risk manager where ISM is in scope (PR6.2);
        one service owner per service (PR1); and one holder per object for each role of
        ``owned`` (a role of :data:`OBJECT_ROLES` -> the ids of its objects: plans,
        controls, assets). Case owners are
        fields of the cases: :func:`fitsm.cases.unowned` finds cases without one;
        risk owners are fields of the risks (``fitsm.risks.RiskRegister.unowned``).
        """
        scope = list(dict.fromkeys(enum_value(Process)(p) for p in processes))
        per_object: dict[Role, list[str]] = {Role.SERVICE_OWNER: []}
        for role, ids in [(Role.SERVICE_OWNER, services), *(owned or {}).items()]:
            wanted = _to_role(role)
            if wanted not in OBJECT_ROLES:
                raise ValidationError(
                    f"role {wanted.value!r} is not held once per object; owned= takes "
                    + ", ".join(repr(r.value) for r in OBJECT_ROLES),
                    field="owned",
                )
            if isinstance(ids, str):
                raise ValidationError(
                    f"owned[{wanted.value!r}] must be a collection of ids, got the string {ids!r}",
                    field="owned",
                )
            objects = per_object.setdefault(wanted, [])
            objects.extend(_context(wanted, i) or "" for i in ids)

        findings: list[RoleFinding] = []
        owners = self.holders(Role.SMS_OWNER)
        if not owners:
            findings.append(RoleFinding("no_sms_owner", None, "no SMS owner is assigned (GR1.1)"))
        elif len(owners) > 1:
            findings.append(
                RoleFinding(
                    "several_sms_owners",
                    None,
                    f"there are {len(owners)} SMS owners, {_names(owners)}; "
                    "FitSM-3 expects 1 for the overall SMS (GR1.1)",
                )
            )
        # FitSM-3: "the person taking over the SMS owner role may also take over the
        # process owner role for the entirety or a subset of the ITSM processes"
        sms_owner = bool(self.holders(Role.SMS_OWNER))
        for process in scope:
            label = f"process {process.value} ({process.requirement})"
            owners = self.holders(Role.PROCESS_OWNER, process)
            if not owners and not sms_owner:
                findings.append(
                    RoleFinding("no_process_owner", process.value, f"{label} has no process owner")
                )
            elif len(owners) > 1:
                findings.append(
                    RoleFinding(
                        "several_process_owners",
                        process.value,
                        f"{label} has {len(owners)} process owners, {_names(owners)}; "
                        "FitSM-3 expects 1",
                    )
                )
            if not self.holders(Role.PROCESS_MANAGER, process):
                findings.append(
                    RoleFinding(
                        "no_process_manager", process.value, f"{label} has no process manager"
                    )
                )
            for role, of in _PROCESS_WIDE_ROLES.items():
                if of is process and not self.holders(role):
                    name = role.value.replace("_", " ")
                    findings.append(
                        RoleFinding(f"no_{role.value}", process.value, f"{label} has no {name}")
                    )
        for role, objects in per_object.items():
            what, name = OBJECT_ROLES[role], role.value.replace("_", " ")
            for object_id in dict.fromkeys(objects):
                owners = self.holders(role, object_id)
                if not owners:
                    findings.append(
                        RoleFinding(
                            f"no_{role.value}", object_id, f"{what} {object_id!r} has no {name}"
                        )
                    )
                elif len(owners) > 1:
                    findings.append(
                        RoleFinding(
                            f"several_{role.value}s",
                            object_id,
                            f"{what} {object_id!r} has {len(owners)} {name}s, "
                            f"{_names(owners)}; FitSM-3 expects 1 per {what}",
                        )
                    )
        return findings

    # -- aggregate -------------------------------------------------------------

    def copy(self) -> RoleModel:
        """An independent copy; records are immutable, so sharing them is safe."""
        other = RoleModel(self.id)
        other.version = self.version
        other._people = dict(self._people)
        other._teams = dict(self._teams)
        other._assignments = dict(self._assignments)
        if self._past():
            other._ended = list(self._past())
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RoleModel):
            return NotImplemented
        return self._state() == other._state()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<RoleModel {self.id!r}: {len(self._people)} people, {len(self._teams)} teams, "
            f"{len(self._assignments)} assignments>"
        )

    def _state(self) -> tuple[Any, ...]:
        return (
            self.id,
            self._people,
            self._teams,
            list(self._assignments.items()),  # order matters: holders() reports it
            self._past(),
        )

    def _check_new(self, item_id: str) -> None:
        for kind, table in (("person", self._people), ("team", self._teams)):
            if item_id in table:
                raise DuplicateError(
                    f"id {item_id!r} is already used by a {kind} in the role model"
                )


def _in(context: str | None) -> str:
    return "" if context is None else f" for {context!r}"


def _names(holders: Iterable[str]) -> str:
    return ", ".join(repr(h) for h in holders)
