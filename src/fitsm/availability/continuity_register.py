"""The continuity register: every service's requirements, the plans and their measures, and
the continuity tests (PR4.1, PR4.3), as one aggregate the store keeps.

Each requirement (by service), plan and test is its own unit of change: two people
changing different ones do not conflict (:meth:`ContinuityRegister.rebase`). Every
operation takes ``at=`` and ``by=``, checks its input before it changes anything,
and appends a :class:`~fitsm.availability.ContinuityChange` to the item's history;
a change dated before the item's last one is refused, so histories stay in order.

Requirements and plans are reviewed at planned intervals (PR4.1): their review
subjects are ``("requirements", service)`` and ``("plan", plan id)``, and
:func:`plan_reviews` puts every one on a review schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Protocol

import attrs

from fitsm._merging import after_last, merge_items
from fitsm._validators import check_id, enum_value, to_str_tuple
from fitsm.availability.continuity import (
    ContinuityChange,
    ContinuityTest,
    Measure,
    MeasureStatus,
    Plan,
    PlanKind,
    ServiceRequirements,
)
from fitsm.clock import as_utc
from fitsm.errors import DuplicateError, NotFoundError, ValidationError
from fitsm.time.durations import format_duration

__all__ = [
    "ContinuityRegister",
    "TestVerdict",
    "continuity_plan_subject",
    "continuity_requirements_subject",
    "plan_reviews",
]

_REVISABLE_PLAN = ("title", "description", "services", "test_interval")
_MOVES: dict[MeasureStatus, frozenset[MeasureStatus]] = {
    MeasureStatus.PLANNED: frozenset(
        {MeasureStatus.IN_PROGRESS, MeasureStatus.IMPLEMENTED, MeasureStatus.CANCELLED}
    ),
    MeasureStatus.IN_PROGRESS: frozenset({MeasureStatus.IMPLEMENTED, MeasureStatus.CANCELLED}),
    MeasureStatus.IMPLEMENTED: frozenset(),
    MeasureStatus.CANCELLED: frozenset(),
}
"""Where a measure's status may go: forward, or cancelled before it is implemented."""


def continuity_requirements_subject(service: str) -> tuple[str, str]:
    """The review subject of a service's requirements (PR4.1), as a ``(kind, id)`` pair.

    The availability area sits beneath the review schedules (they read the agreements,
    which read availability), so it names subjects by the pair the schedules accept.

    >>> continuity_requirements_subject("mail")
    ('requirements', 'continuity-mail')
    """
    return ("requirements", f"continuity-{check_id(service, 'service')}")


def continuity_plan_subject(plan_id: str) -> tuple[str, str]:
    """The review subject of an availability or continuity plan (PR4.1), as a pair.

    >>> continuity_plan_subject("plan-mail")
    ('plan', 'continuity-plan-mail')
    """
    return ("plan", f"continuity-{check_id(plan_id, 'plan id')}")


@attrs.frozen
class TestVerdict:
    """A continuity test compared with its service's requirements (PR4.3).

    ``rto_met`` is None when the service has no RTO; a test in which the service was
    not restored misses any RTO. ``rpo_met`` likewise, when the test recorded the
    recovery point.
    """

    __test__ = False

    test: ContinuityTest
    rto: timedelta | None
    rpo: timedelta | None

    @property
    def rto_met(self) -> bool | None:
        if self.rto is None:
            return None
        achieved = self.test.recovery_time
        return achieved is not None and achieved <= self.rto

    @property
    def rpo_met(self) -> bool | None:
        loss = self.test.data_loss
        if self.rpo is None or loss is None:
            return None
        return loss <= self.rpo

    def __str__(self) -> str:
        """One line: ``continuity test of 'mail' on 2026-03-10: recovered in 5 h 30 min,
        RTO 4 h: missed``."""
        test = self.test
        achieved = test.recovery_time
        said = "not recovered" if achieved is None else f"recovered in {format_duration(achieved)}"
        if self.rto is None:
            judged = "no RTO"
        else:
            judged = f"RTO {format_duration(self.rto)}: {'met' if self.rto_met else 'missed'}"
        return (
            f"continuity test of {test.service!r} on {test.date.date().isoformat()}: "
            f"{said}, {judged}"
        )


class _Schedules(Protocol):
    """What :func:`plan_reviews` needs of :class:`fitsm.reviews.ReviewSchedules`."""

    def __contains__(self, subject: object) -> bool: ...

    def plan(
        self,
        subject: Any,
        rule: Any,
        *,
        at: datetime,
        by: str,
        first_due: datetime | None = None,
        owner: str = "",
    ) -> Any: ...


def plan_reviews(
    schedules: _Schedules,
    register: ContinuityRegister,
    rule: Any,
    *,
    at: datetime,
    by: str,
    first_due: datetime | None = None,
) -> list[Any]:
    """Put every service's requirements and every plan in force that has no review schedule
    yet on one, by ``rule`` (PR4.1: "reviewed at planned intervals").

    ``schedules`` is a :class:`fitsm.reviews.ReviewSchedules`; the first review falls
    due at ``first_due``, else one ``rule`` step after ``at``. Planning again adds
    only what is new. Returns the schedules planned.
    """
    subjects = [continuity_requirements_subject(s) for s in register.services()]
    subjects += [continuity_plan_subject(p.id) for p in register.plans() if not p.terminated]
    return [
        schedules.plan(subject, rule, at=at, by=by, first_due=first_due)
        for subject in subjects
        if subject not in schedules
    ]


class ContinuityRegister:
    """Availability and continuity requirements, plans with measures, and continuity tests.

    >>> from datetime import UTC
    >>> from fitsm.units import Q_
    >>> from fitsm.availability import ContinuityTest, Plan, TestEvent
    >>> register = ContinuityRegister()
    >>> t0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    >>> _ = register.identify_requirements(
    ...     "mail", maximum_tolerable_downtime=Q_(8, "hour"), rto=Q_(4, "hour"), at=t0, by="ann")
    >>> _ = register.add_plan(Plan("cp-mail", "continuity", "Mail recovery", ["mail"]),
    ...                       at=t0, by="ann")
    >>> _ = register.record_test(ContinuityTest("ct-1", "cp-mail", "mail", "site lost", [
    ...     TestEvent("disrupted", t0), TestEvent("restored", t0 + timedelta(hours=5, minutes=30))
    ... ]), at=t0 + timedelta(days=1), by="bob")
    >>> print(register.verdict("ct-1"))
    continuity test of 'mail' on 2026-03-10: recovered in 5 h 30 min, RTO 4 h: missed
    """

    def __init__(self, id: str = "default") -> None:
        if not isinstance(id, str) or not id or id != id.strip():
            raise ValidationError(f"continuity register id must be a non-empty string, got {id!r}")
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self._requirements: dict[str, ServiceRequirements] = {}
        self._plans: dict[str, Plan] = {}
        self._tests: dict[str, ContinuityTest] = {}

    # -- requirements (PR4.1) ------------------------------------------------------------

    def identify_requirements(
        self,
        service: str,
        *,
        at: datetime,
        by: str,
        availability_target: Any = None,
        sla: str = "",
        maximum_tolerable_downtime: Any = None,
        rto: Any = None,
        rpo: Any = None,
        minimum_service_level: str = "",
        source: str = "",
        note: str = "",
    ) -> ServiceRequirements:
        """Identify (or, when the service has some, revise) a service's requirements (PR4.1).

        The whole set is given each time: what is left out is no longer required.
        The availability target comes from the SLA (``sla`` names it); the continuity
        requirements from a business impact analysis (``source`` names it).
        """
        updated = ServiceRequirements(
            service,
            availability_target=availability_target,
            sla=sla,
            maximum_tolerable_downtime=maximum_tolerable_downtime,
            rto=rto,
            rpo=rpo,
            minimum_service_level=minimum_service_level,
            source=source,
        )
        current = self._requirements.get(service)
        fields = {
            "availability_target": updated.availability_target,
            "sla": updated.sla,
            "maximum_tolerable_downtime": updated.maximum_tolerable_downtime,
            "rto": updated.rto,
            "rpo": updated.rpo,
            "minimum_service_level": updated.minimum_service_level,
            "source": updated.source,
        }
        if current is None:
            change = ContinuityChange(at, by, "identified", fields, note)
            history: tuple[ContinuityChange, ...] = (change,)
        else:
            changed = {k: v for k, v in fields.items() if getattr(current, k) != v}
            change = _after(current.history, f"requirements of {service!r}", at, by, "revised")
            change = attrs.evolve(change, changes=changed, note=note)
            history = (*current.history, change)
        stored = attrs.evolve(updated, history=history)
        self._requirements[service] = stored
        return stored

    # -- plans and measures (PR4.1, PR4.3) --------------------------------------------------

    def add_plan(self, plan: Plan, *, at: datetime, by: str, note: str = "") -> Plan:
        """Add an availability or continuity plan; it may come with measures.

        The register writes the history: a plan that brings one, or comes terminated,
        is refused.
        """
        if not isinstance(plan, Plan):
            raise ValidationError(f"expected a Plan, got {plan!r}", field="plan")
        if plan.id in self._plans:
            raise DuplicateError(f"plan {plan.id!r} is in the continuity register already")
        if plan.history or plan.terminated:
            raise ValidationError(
                f"plan {plan.id!r} comes with a history or terminated; the register records "
                "both itself, expected a new plan",
                field="history",
            )
        fields: dict[str, Any] = {
            "kind": plan.kind.value,
            "services": plan.services,
            "measures": tuple(m.id for m in plan.measures),
        }
        stored = attrs.evolve(plan, history=(ContinuityChange(at, by, "created", fields, note),))
        self._plans[plan.id] = stored
        return stored

    def revise_plan(
        self, plan_id: str, *, at: datetime, by: str, note: str = "", **changes: Any
    ) -> Plan:
        """Change a plan's title, description, services or test interval."""
        unknown = sorted(set(changes) - set(_REVISABLE_PLAN))
        if unknown or not changes:
            raise ValidationError(
                f"revise_plan() of {plan_id!r} changes {', '.join(_REVISABLE_PLAN)}; got "
                + (", ".join(map(repr, unknown)) if unknown else "nothing"),
                field=unknown[0] if unknown else None,
            )
        current = self._open_plan(plan_id)
        updated = attrs.evolve(current, **changes)
        recorded = {k: _plain(getattr(updated, k)) for k in changes}
        return self._store_plan(updated, current, at, by, "revised", recorded, note)

    def terminate_plan(self, plan_id: str, *, at: datetime, by: str, note: str = "") -> Plan:
        """Terminate a plan (FitSM-2: "review, update or terminate"); it stays on record."""
        current = self._open_plan(plan_id)
        updated = attrs.evolve(current, terminated=True)
        return self._store_plan(updated, current, at, by, "terminated", {"terminated": True}, note)

    def add_measure(
        self, plan_id: str, measure: Measure, *, at: datetime, by: str, note: str = ""
    ) -> Plan:
        """Add a measure to a plan (PR4.3)."""
        if not isinstance(measure, Measure):
            raise ValidationError(f"expected a Measure, got {measure!r}", field="measure")
        current = self._open_plan(plan_id)
        if any(m.id == measure.id for m in current.measures):
            raise DuplicateError(f"plan {plan_id!r} has a measure {measure.id!r} already")
        updated = attrs.evolve(current, measures=(*current.measures, measure))
        fields = {"measure": measure.id, "status": measure.status.value, "owner": measure.owner}
        return self._store_plan(updated, current, at, by, "measure added", fields, note)

    def update_measure(
        self,
        plan_id: str,
        measure_id: str,
        *,
        at: datetime,
        by: str,
        status: MeasureStatus | str | None = None,
        change: str | None = None,
        owner: str | None = None,
        note: str = "",
    ) -> Plan:
        """Move a measure on (planned, in progress, implemented; or cancelled), name the
        change that implements it, or give it another owner.

        A measure in progress or implemented needs its change; implemented and
        cancelled measures change no more.
        """
        current = self._open_plan(plan_id)
        measure = current.measure(measure_id)
        if status is None and change is None and owner is None:
            raise ValidationError(
                f"update_measure() of {measure_id!r} changes status, change or owner; got nothing",
                field="status",
            )
        if measure.status.final:
            raise ValidationError(
                f"measure {measure_id!r} of plan {plan_id!r} is {measure.status.value}; it "
                "changes no more",
                field="status",
            )
        fields: dict[str, Any] = {"measure": measure_id}
        updated = measure
        if status is not None:
            target = enum_value(MeasureStatus, "status")(status)
            if target is not measure.status and target not in _MOVES[measure.status]:
                raise ValidationError(
                    f"measure {measure_id!r} cannot go from {measure.status.value} to "
                    f"{target.value}; expected one of "
                    + ", ".join(sorted(s.value for s in _MOVES[measure.status])),
                    field="status",
                )
            fields["status"] = target.value
        if change is not None:
            fields["change"] = change
        if owner is not None:
            fields["owner"] = owner
        updated = attrs.evolve(measure, **{k: v for k, v in fields.items() if k != "measure"})
        measures = tuple(updated if m.id == measure_id else m for m in current.measures)
        plan = attrs.evolve(current, measures=measures)
        return self._store_plan(plan, current, at, by, "measure updated", fields, note)

    def _open_plan(self, plan_id: str) -> Plan:
        current = self.plan(plan_id)
        if current.terminated:
            raise ValidationError(f"plan {plan_id!r} is terminated; it changes no more", field="id")
        return current

    def _store_plan(
        self,
        updated: Plan,
        current: Plan,
        at: datetime,
        by: str,
        action: str,
        fields: Mapping[str, Any],
        note: str,
    ) -> Plan:
        change = _after(current.history, f"plan {current.id!r}", at, by, action)
        change = attrs.evolve(change, changes=fields, note=note)
        stored = attrs.evolve(updated, history=(*current.history, change))
        self._plans[stored.id] = stored
        return stored

    # -- continuity tests (PR4.3) --------------------------------------------------------

    def record_test(
        self, test: ContinuityTest, *, at: datetime, by: str, note: str = ""
    ) -> ContinuityTest:
        """Record a continuity test of a continuity plan in force that covers the service.

        It is recorded when it is over: ``at`` must not be before its last event.
        """
        if not isinstance(test, ContinuityTest):
            raise ValidationError(f"expected a ContinuityTest, got {test!r}", field="test")
        if test.id in self._tests:
            raise DuplicateError(f"continuity test {test.id!r} is in the register already")
        if test.history:
            raise ValidationError(
                f"continuity test {test.id!r} comes with a history; the register records it "
                "itself, expected a new test",
                field="history",
            )
        plan = self._open_plan(test.plan)
        if plan.kind is not PlanKind.CONTINUITY:
            raise ValidationError(
                f"continuity test {test.id!r} tests plan {plan.id!r}, an {plan.kind.value} "
                "plan; expected a continuity plan",
                field="plan",
            )
        if test.service not in plan.services:
            raise ValidationError(
                f"continuity test {test.id!r} is of service {test.service!r}, which plan "
                f"{plan.id!r} does not cover (it covers {', '.join(plan.services)})",
                field="service",
            )
        change = ContinuityChange(
            at, by, "recorded", {"outcome": test.outcome.value, "follow_ups": test.follow_ups}, note
        )
        if change.at < test.ended:
            raise ValidationError(
                f"continuity test {test.id!r} recorded at {change.at.isoformat()}, before its "
                f"last event at {test.ended.isoformat()}; expected a time at or after it",
                field="at",
            )
        stored = attrs.evolve(test, history=(change,))
        self._tests[test.id] = stored
        return stored

    def add_follow_ups(
        self, test_id: str, follow_ups: Iterable[str], *, at: datetime, by: str, note: str = ""
    ) -> ContinuityTest:
        """Add the actions a test started later (a change, an improvement), by id."""
        current = self.test(test_id)
        added = to_str_tuple(follow_ups)
        if not added:
            raise ValidationError(
                f"add_follow_ups() of {test_id!r} adds nothing; expected ids", field="follow_ups"
            )
        again = sorted(set(added) & set(current.follow_ups))
        if again:
            raise DuplicateError(f"continuity test {test_id!r} follows up {again!r} already")
        updated = attrs.evolve(current, follow_ups=(*current.follow_ups, *added))
        change = _after(current.history, f"continuity test {test_id!r}", at, by, "followed up")
        change = attrs.evolve(change, changes={"follow_ups": added}, note=note)
        stored = attrs.evolve(updated, history=(*current.history, change))
        self._tests[test_id] = stored
        return stored

    # -- reading ---------------------------------------------------------------------

    def requirements(self, service: str) -> ServiceRequirements:
        """The requirements of ``service``; NotFoundError if none were identified."""
        try:
            return self._requirements[service]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no requirements of service {service!r} in continuity register {self.id!r}"
            ) from None

    def services(self) -> list[str]:
        """The services with requirements, by id."""
        return sorted(self._requirements)

    def plan(self, plan_id: str) -> Plan:
        """The plan ``plan_id``; NotFoundError if there is none."""
        try:
            return self._plans[plan_id]
        except (KeyError, TypeError):
            raise NotFoundError(f"no plan {plan_id!r} in continuity register {self.id!r}") from None

    def plans(
        self, *, kind: PlanKind | str | None = None, service: str | None = None
    ) -> list[Plan]:
        """The plans (of ``kind``, covering ``service``), terminated ones included, by id."""
        wanted = None if kind is None else PlanKind(kind)
        return [
            p
            for _, p in sorted(self._plans.items())
            if (wanted is None or p.kind is wanted) and (service is None or service in p.services)
        ]

    def test(self, test_id: str) -> ContinuityTest:
        """The continuity test ``test_id``; NotFoundError if there is none."""
        try:
            return self._tests[test_id]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no continuity test {test_id!r} in continuity register {self.id!r}"
            ) from None

    def tests(self, *, service: str | None = None, plan: str | None = None) -> list[ContinuityTest]:
        """The continuity tests (of ``service``, of ``plan``), oldest first, then by id."""
        found = [
            t
            for t in self._tests.values()
            if (service is None or t.service == service) and (plan is None or t.plan == plan)
        ]
        return sorted(found, key=lambda t: (t.date, t.id))

    def last_test(self, service: str) -> ContinuityTest | None:
        """The service's most recent continuity test, or None."""
        found = self.tests(service=service)
        return found[-1] if found else None

    def verdict(self, test_id: str) -> TestVerdict:
        """The test compared with its service's RTO and RPO as they stand (PR4.3)."""
        test = self.test(test_id)
        req = self._requirements.get(test.service)
        return TestVerdict(test, None if req is None else req.rto, None if req is None else req.rpo)

    def next_test_due(self, plan_id: str) -> datetime | None:
        """When a continuity plan is next to be tested: its test interval after its last
        test, or after its creation if it has none; None without an interval or when
        terminated."""
        plan = self.plan(plan_id)
        if plan.test_interval is None or plan.terminated or plan.created is None:
            return None
        tests = self.tests(plan=plan_id)
        since = tests[-1].date if tests else plan.created
        return since + plan.test_interval

    def tests_overdue(self, at: datetime) -> list[Plan]:
        """The continuity plans in force whose next test was due before ``at``, by id."""
        when = as_utc(at, "at")
        found = []
        for plan in self.plans(kind=PlanKind.CONTINUITY):
            due = self.next_test_due(plan.id)
            if due is not None and due < when:
                found.append(plan)
        return found

    def __len__(self) -> int:
        """Requirements, plans and tests together."""
        return len(self._requirements) + len(self._plans) + len(self._tests)

    # -- aggregate ---------------------------------------------------------------------

    def rebase(self, stored: ContinuityRegister, base: ContinuityRegister) -> None:
        """Put the requirements, plans and tests changed here since ``base`` on top of
        ``stored``.

        Each is its own unit of change: when this register and ``stored`` (what others
        committed since ``base`` was loaded) changed the same one, ConflictError is
        raised and nothing changes; otherwise this register then holds both.
        """

        def conflict(what: str) -> Any:
            return lambda both: (
                f"{what} {', '.join(map(repr, both))} changed by someone else since it was "
                "loaded; reload and apply the change again"
            )

        # all three merged before any is kept: a conflict in the last changes nothing
        requirements = merge_items(
            self._requirements,
            stored._requirements,
            base._requirements,
            conflict("the requirements of"),
        )
        plans = merge_items(self._plans, stored._plans, base._plans, conflict("plan"))
        tests = merge_items(self._tests, stored._tests, base._tests, conflict("continuity test"))
        self._requirements, self._plans, self._tests = requirements, plans, tests

    def copy(self) -> ContinuityRegister:
        """An independent copy; the records are immutable, so sharing them is safe."""
        other = ContinuityRegister(self.id)
        other.version = self.version
        other._requirements = dict(self._requirements)
        other._plans = dict(self._plans)
        other._tests = dict(self._tests)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ContinuityRegister):
            return NotImplemented
        return (self.id, self._requirements, self._plans, self._tests) == (
            other.id,
            other._requirements,
            other._plans,
            other._tests,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<ContinuityRegister {self.id!r}: {len(self._requirements)} services, "
            f"{len(self._plans)} plans, {len(self._tests)} tests>"
        )


def _after(
    history: tuple[ContinuityChange, ...], what: str, at: datetime, by: str, action: str
) -> ContinuityChange:
    """A change of ``what``, refused when dated before its last change."""
    return after_last(what, history, ContinuityChange(at, by, action))


def _plain(value: Any) -> Any:
    """A value as the history keeps it: enums as their value."""
    return value.value if isinstance(value, Enum) else value
