"""Availability and continuity requirements, plans, measures and continuity tests (PR4.1, PR4.3).

FitSM-1 (CC BY 4.0): "PR4.1 Service availability and continuity requirements
shall be identified and reviewed at planned intervals, taking into consideration
SLAs" and "PR4.3 Appropriate measures shall be taken to reduce the probability
and impact of identified availability and continuity risks and meet identified
requirements". FitSM-2 derives the availability target from the SLA and the
continuity requirements from a business impact analysis, maintains availability
and continuity plans whose measures are implemented under change management, and
performs continuity tests of the plans' reactive measures.

These are the records; :class:`~fitsm.availability.ContinuityRegister` keeps them,
checks every change and records who made it and when.

A continuity test is told by its events, in this vocabulary (:class:`TestEventKind`):

- ``disrupted``: the disruption (real or simulated) begins and the service is lost;
  exactly one.
- ``plan_invoked``: the continuity plan is invoked; at most one, not before the
  disruption. Informational: it shows how long the decision took.
- ``restored``: the service is back at (at least) its minimum service level; at most
  one, after the disruption. Without it the service was not recovered in the test.
- ``data_recovered_to``: the moment the recovered data dates from (the recovery point
  reached); at most one, not after the disruption.

The achieved recovery time is ``restored - disrupted`` and the achieved data loss
``disrupted - data_recovered_to``; they are compared with the service's RTO and RPO.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import attrs

from fitsm._validators import (
    enum_value,
    identifier,
    identifier_or_empty,
    shown,
    text,
    to_str_tuple,
)
from fitsm.clock import as_utc
from fitsm.errors import NotFoundError, ValidationError
from fitsm.roles import Role
from fitsm.time.durations import format_duration
from fitsm.units import Quantity, duration, share

__all__ = [
    "ContinuityChange",
    "ContinuityTest",
    "Measure",
    "MeasureStatus",
    "Plan",
    "PlanKind",
    "ServiceRequirements",
    "TestEvent",
    "TestEventKind",
    "TestOutcome",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_ZERO = timedelta(0)


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if value else _EMPTY


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _ids(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    where = f"{type(instance).__name__}.{attribute.name}"
    for item in value:
        if not isinstance(item, str) or not item or item != item.strip():
            raise ValidationError(
                f"{where} must hold ids (non-empty strings), got {shown(item)}",
                field=attribute.name,
            )
    if len(set(value)) != len(value):
        raise ValidationError(f"{where} names an id twice: {list(value)!r}", field=attribute.name)


def _duration_or_none(value: Any, what: str) -> timedelta | None:
    """None, a ``timedelta`` or a ``[time]`` quantity (``Q_(4, "hour")``) as a timedelta."""
    if value is None or isinstance(value, timedelta):
        return value
    if isinstance(value, Quantity):
        return duration(value, what)
    raise ValidationError(
        f"{what} must be a timedelta or a [time] quantity such as Q_(4, 'hour'), "
        f"got {shown(value)}",
        field=what,
    )


def _mtd(value: Any) -> timedelta | None:
    return _duration_or_none(value, "maximum_tolerable_downtime")


def _rto(value: Any) -> timedelta | None:
    return _duration_or_none(value, "rto")


def _rpo(value: Any) -> timedelta | None:
    return _duration_or_none(value, "rpo")


def _test_interval(value: Any) -> timedelta | None:
    return _duration_or_none(value, "test_interval")


def _target_or_none(value: Any) -> Fraction | None:
    """None, or an availability target as an exact share of 1 (0.999, ``Q_(99.9, "percent")``)."""
    if value is None:
        return None
    try:
        target = share(value, "availability target")
    except ValidationError as e:
        raise ValidationError(
            "availability target must be a number or percentage above 0 and at most 1 "
            f"(100 %), got {shown(value)} ({e})",
            field="availability_target",
        ) from None
    if not 0 < target <= 1:
        raise ValidationError(
            f"availability target must be above 0 and at most 1 (100 %), got {shown(value)}",
            field="availability_target",
        )
    return target


@attrs.frozen
class ContinuityChange:
    """One change to a requirement, plan or test: when, by whom, what (``identified``,
    ``revised``, ``created``, ``measure added``, ``recorded``, ...), the fields it set and why."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    changes: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen)
    note: str = attrs.field(default="", validator=text)


def _history(value: Iterable[ContinuityChange]) -> tuple[ContinuityChange, ...]:
    return tuple(value)


@attrs.frozen
class ServiceRequirements:
    """The availability and continuity requirements of one service (PR4.1).

    ``availability_target`` is the share of agreed service hours the service must be
    available, taken from the SLA in force (``sla`` names it; see
    :meth:`fitsm.service_levels.Agreements.availability_target`). The continuity
    requirements come from a business impact analysis (``source`` names it): the
    ``maximum_tolerable_downtime`` before the disruption threatens the business, the
    recovery time objective ``rto`` (at most the maximum tolerable downtime), the
    recovery point objective ``rpo`` (how much data, as time, may be lost) and the
    ``minimum_service_level`` to restore first. Durations accept a ``timedelta`` or a
    ``[time]`` quantity; every part but the service is optional, but one must be given.

    >>> from fitsm.units import Q_
    >>> ServiceRequirements("mail", rto=Q_(4, "hour")).rto
    datetime.timedelta(seconds=14400)
    >>> ServiceRequirements("mail", maximum_tolerable_downtime=Q_(2, "hour"), rto=Q_(4, "hour"))
    Traceback (most recent call last):
    ...
    fitsm.errors.ValidationError: requirements of 'mail': the RTO (4 h) exceeds the maximum ...
    """

    service: str = attrs.field(validator=identifier)
    availability_target: Fraction | None = attrs.field(default=None, converter=_target_or_none)
    sla: str = attrs.field(default="", validator=identifier_or_empty)
    maximum_tolerable_downtime: timedelta | None = attrs.field(default=None, converter=_mtd)
    rto: timedelta | None = attrs.field(default=None, converter=_rto)
    rpo: timedelta | None = attrs.field(default=None, converter=_rpo)
    minimum_service_level: str = attrs.field(default="", validator=text)
    source: str = attrs.field(default="", validator=text)
    history: tuple[ContinuityChange, ...] = attrs.field(default=(), converter=_history)

    def __attrs_post_init__(self) -> None:
        who = f"requirements of {self.service!r}"
        if (
            self.availability_target is None
            and self.maximum_tolerable_downtime is None
            and self.rto is None
            and self.rpo is None
            and not self.minimum_service_level
        ):
            raise ValidationError(
                f"{who} state nothing; expected an availability target, a maximum tolerable "
                "downtime, an RTO, an RPO or a minimum service level",
                field="availability_target",
            )
        if self.sla and self.availability_target is None:
            raise ValidationError(
                f"{who} name the SLA {self.sla!r} but no availability target taken from it",
                field="sla",
            )
        for name in ("maximum_tolerable_downtime", "rto"):
            value = getattr(self, name)
            if value is not None and value <= _ZERO:
                raise ValidationError(
                    f"{who}: {name} must be a positive duration, got {value}", field=name
                )
        if self.rpo is not None and self.rpo < _ZERO:
            raise ValidationError(
                f"{who}: rpo must be zero or a positive duration, got {self.rpo}", field="rpo"
            )
        mtd, rto = self.maximum_tolerable_downtime, self.rto
        if mtd is not None and rto is not None and rto > mtd:
            raise ValidationError(
                f"{who}: the RTO ({format_duration(rto)}) exceeds the maximum tolerable "
                f"downtime ({format_duration(mtd)}); expected an RTO at most as long",
                field="rto",
            )


class PlanKind(StrEnum):
    """An availability plan (against ordinary failures) or a continuity plan (against
    disasters and crises), each owned by its FitSM-3 plan owner.

    >>> PlanKind.CONTINUITY.owner_role
    <Role.CONTINUITY_PLAN_OWNER: 'continuity_plan_owner'>
    """

    AVAILABILITY = "availability"
    CONTINUITY = "continuity"

    @property
    def owner_role(self) -> Role:
        """The FitSM-3 role that owns a plan of this kind, held with the plan id as context."""
        if self is PlanKind.AVAILABILITY:
            return Role.AVAILABILITY_PLAN_OWNER
        return Role.CONTINUITY_PLAN_OWNER


class MeasureStatus(StrEnum):
    """Where a measure stands: ``planned``, ``in_progress`` (its change is under way),
    ``implemented`` or ``cancelled``; the last two are final."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        """Whether the measure changes no more."""
        return self in (MeasureStatus.IMPLEMENTED, MeasureStatus.CANCELLED)


def _measurestatus(value: Any) -> MeasureStatus:
    return enum_value(MeasureStatus, "status")(value)


def _plankind(value: Any) -> PlanKind:
    return enum_value(PlanKind, "kind")(value)


_NEEDS_CHANGE = (MeasureStatus.IN_PROGRESS, MeasureStatus.IMPLEMENTED)


@attrs.frozen
class Measure:
    """A measure of a plan (PR4.3): what is done, who owns it, where it stands, and the
    change (case id) that implements it.

    FitSM-3 has the SACM process manager ensure that measures "are planned and
    implemented under the control of the change management process": a measure in
    progress or implemented names its ``change``. ``risks`` names the risks of the
    risk register it reduces, by id.
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=text)
    owner: str = attrs.field(validator=identifier)
    status: MeasureStatus = attrs.field(default=MeasureStatus.PLANNED, converter=_measurestatus)
    change: str = attrs.field(default="", validator=identifier_or_empty)
    risks: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, validator=_ids)
    description: str = attrs.field(default="", validator=text)

    def __attrs_post_init__(self) -> None:
        if not self.title.strip():
            raise ValidationError(f"measure {self.id!r} needs a title", field="title")
        if self.status in _NEEDS_CHANGE and not self.change:
            raise ValidationError(
                f"measure {self.id!r} is {self.status.value} but names no change; measures "
                "are implemented under change management, expected change='<case id>'",
                field="change",
            )


def _measures(value: Iterable[Measure]) -> tuple[Measure, ...]:
    found = tuple(value)
    for item in found:
        if not isinstance(item, Measure):
            raise ValidationError(f"a plan's measures must be Measures, got {shown(item)}")
    return found


@attrs.frozen
class Plan:
    """An availability or continuity plan (PR4.1) for one or more services, with its measures.

    ``test_interval`` is how often a continuity plan's reactive measures are tested
    (FitSM-3: the continuity plan owner ensures tests "are performed regularly");
    an availability plan has none. The plan's owner is not a field: it is the
    FitSM-3 role :attr:`PlanKind.owner_role` held in the role model with the plan id
    as context. A terminated plan stays on record and changes no more.
    """

    id: str = attrs.field(validator=identifier)
    kind: PlanKind = attrs.field(converter=_plankind)
    title: str = attrs.field(validator=text)
    services: tuple[str, ...] = attrs.field(converter=to_str_tuple, validator=_ids)
    description: str = attrs.field(default="", validator=text)
    test_interval: timedelta | None = attrs.field(default=None, converter=_test_interval)
    measures: tuple[Measure, ...] = attrs.field(default=(), converter=_measures)
    terminated: bool = False
    history: tuple[ContinuityChange, ...] = attrs.field(default=(), converter=_history)

    def __attrs_post_init__(self) -> None:
        if not self.title.strip():
            raise ValidationError(f"plan {self.id!r} needs a title", field="title")
        if not self.services:
            raise ValidationError(
                f"plan {self.id!r} must cover at least one service (by id)", field="services"
            )
        if self.test_interval is not None:
            if self.kind is not PlanKind.CONTINUITY:
                raise ValidationError(
                    f"plan {self.id!r}: only a continuity plan has a test interval, this is "
                    f"an {self.kind.value} plan",
                    field="test_interval",
                )
            if self.test_interval <= _ZERO:
                raise ValidationError(
                    f"plan {self.id!r}: test_interval must be positive, got {self.test_interval}",
                    field="test_interval",
                )
        ids = [m.id for m in self.measures]
        if len(set(ids)) != len(ids):
            raise ValidationError(
                f"plan {self.id!r} names a measure id twice: {ids!r}", field="measures"
            )

    def measure(self, measure_id: str) -> Measure:
        """The measure ``measure_id`` of this plan; NotFoundError if there is none."""
        for item in self.measures:
            if item.id == measure_id:
                return item
        raise NotFoundError(f"no measure {measure_id!r} in plan {self.id!r}")

    @property
    def created(self) -> datetime | None:
        """When the plan was created in its register, or None before."""
        return self.history[0].at if self.history else None


class TestEventKind(StrEnum):
    """What happened in a continuity test; see the module's vocabulary."""

    __test__ = False  # not a pytest test class, despite its name

    DISRUPTED = "disrupted"
    PLAN_INVOKED = "plan_invoked"
    RESTORED = "restored"
    DATA_RECOVERED_TO = "data_recovered_to"


def _testeventkind(value: Any) -> TestEventKind:
    return enum_value(TestEventKind, "kind")(value)


@attrs.frozen
class TestEvent:
    """One event of a continuity test: what happened, when, and a note."""

    __test__ = False

    kind: TestEventKind = attrs.field(converter=_testeventkind)
    at: datetime = attrs.field(converter=_utc)
    note: str = attrs.field(default="", validator=text)


class TestOutcome(StrEnum):
    """The testers' verdict on the test as a whole: the plan worked (``passed``), worked
    with findings to follow up (``findings``) or did not work (``failed``). Whether the
    RTO was met is computed from the events, not stated."""

    __test__ = False

    PASSED = "passed"
    FINDINGS = "findings"
    FAILED = "failed"


def _testoutcome(value: Any) -> TestOutcome:
    return enum_value(TestOutcome, "outcome")(value)


def _events(value: Iterable[TestEvent]) -> tuple[TestEvent, ...]:
    found = tuple(value)
    for item in found:
        if not isinstance(item, TestEvent):
            raise ValidationError(
                f"a continuity test's events must be TestEvents, got {shown(item)}", field="events"
            )
    return tuple(sorted(found, key=lambda e: e.at))


@attrs.frozen
class ContinuityTest:
    """A continuity test of a plan's reactive measures for one service (PR4.3).

    ``scenario`` says what was simulated; ``events`` tell what happened (see the
    module's vocabulary); ``outcome`` is the testers' verdict; ``follow_ups`` names
    the actions it started (changes, improvements), by id.

    >>> from datetime import UTC
    >>> t0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    >>> test = ContinuityTest("ct-1", "plan-mail", "mail", "data centre lost", [
    ...     TestEvent("disrupted", t0), TestEvent("restored", t0 + timedelta(hours=5))])
    >>> test.recovery_time
    datetime.timedelta(seconds=18000)
    """

    __test__ = False

    id: str = attrs.field(validator=identifier)
    plan: str = attrs.field(validator=identifier)
    service: str = attrs.field(validator=identifier)
    scenario: str = attrs.field(validator=text)
    events: tuple[TestEvent, ...] = attrs.field(converter=_events)
    outcome: TestOutcome = attrs.field(default=TestOutcome.PASSED, converter=_testoutcome)
    follow_ups: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, validator=_ids)
    note: str = attrs.field(default="", validator=text)
    history: tuple[ContinuityChange, ...] = attrs.field(default=(), converter=_history)

    def __attrs_post_init__(self) -> None:
        who = f"continuity test {self.id!r}"
        if not self.scenario.strip():
            raise ValidationError(f"{who} needs a scenario", field="scenario")
        counts = dict.fromkeys(TestEventKind, 0)
        for event in self.events:
            counts[event.kind] += 1
        if counts[TestEventKind.DISRUPTED] != 1:
            raise ValidationError(
                f"{who} has {counts[TestEventKind.DISRUPTED]} 'disrupted' events; expected "
                "exactly one, the moment the service was lost",
                field="events",
            )
        for kind in (
            TestEventKind.PLAN_INVOKED,
            TestEventKind.RESTORED,
            TestEventKind.DATA_RECOVERED_TO,
        ):
            if counts[kind] > 1:
                raise ValidationError(
                    f"{who} has {counts[kind]} {kind.value!r} events; expected at most one",
                    field="events",
                )
        start = self.date
        for kind in (TestEventKind.PLAN_INVOKED, TestEventKind.RESTORED):
            at = self._at(kind)
            if at is not None and at < start:
                raise ValidationError(
                    f"{who}: {kind.value!r} at {at.isoformat()} is before the disruption at "
                    f"{start.isoformat()}; expected it at or after",
                    field="events",
                )
        point = self._at(TestEventKind.DATA_RECOVERED_TO)
        if point is not None and point > start:
            raise ValidationError(
                f"{who}: data recovered to {point.isoformat()}, after the disruption at "
                f"{start.isoformat()}; a recovery point lies at or before it",
                field="events",
            )

    def _at(self, kind: TestEventKind) -> datetime | None:
        return next((e.at for e in self.events if e.kind is kind), None)

    @property
    def date(self) -> datetime:
        """When the test's disruption began: the date of the test."""
        at = self._at(TestEventKind.DISRUPTED)
        assert at is not None  # checked when made
        return at

    @property
    def restored(self) -> datetime | None:
        """When the service was restored, or None if it was not in the test."""
        return self._at(TestEventKind.RESTORED)

    @property
    def ended(self) -> datetime:
        """The last event's time."""
        return self.events[-1].at

    @property
    def recovery_time(self) -> timedelta | None:
        """The achieved recovery time, ``restored - disrupted``; None if not restored."""
        restored = self.restored
        return None if restored is None else restored - self.date

    @property
    def data_loss(self) -> timedelta | None:
        """The achieved data loss, ``disrupted - data_recovered_to``; None if not recorded."""
        point = self._at(TestEventKind.DATA_RECOVERED_TO)
        return None if point is None else self.date - point
