"""Changes (PR12) and their classification and approval levels.

FitSM-0 (CC BY 4.0): a *change* is the "alteration (addition, removal,
modification, replacement) of a CI". Changes are classified by documented
criteria (:class:`ChangeCriteria`, PR12.1); the type and the major flag decide the
level of approval (PR12.4): standard changes are pre-approved, normal changes
are approved by the change manager (the CHM process manager), major changes by
the change advisory board (CAB) and emergency changes by the emergency CAB.

Lifecycle (PR12.1-PR12.5): a request for change is registered and classified (standard changes are
pre-approved on classification), assessed for benefits, risks, effort and
feasibility with the impacted services from the CMDB (PR12.3), approved or
rejected at the level the criteria require (PR12.4), scheduled, implemented,
reviewed after implementation where needed, and closed (PR12.5).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

import attrs
from statemachine import State, StateChart

from fitsm._validators import enum_value, to_str_set, to_str_tuple, whole
from fitsm.cases._engine import CaseLifecycle, proposed
from fitsm.cases.base import Case
from fitsm.clock import as_utc
from fitsm.errors import ValidationError

__all__ = [
    "APPROVAL_EVENTS",
    "CHANGE",
    "ApprovalLevel",
    "Change",
    "ChangeChart",
    "ChangeCriteria",
    "ChangeStatus",
    "ChangeType",
    "required_approval",
]


class ChangeStatus(StrEnum):
    """The statuses of a change, in lifecycle order."""

    NEW = "new"
    CLASSIFIED = "classified"
    ASSESSED = "assessed"
    APPROVED = "approved"
    REJECTED = "rejected"
    SCHEDULED = "scheduled"
    IMPLEMENTED = "implemented"
    REVIEWED = "reviewed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def _status(value: object) -> ChangeStatus:
    return enum_value(ChangeStatus)(value)


class ChangeType(StrEnum):
    """Standard (pre-approved), normal or emergency, as the change criteria classify it (PR12.1)."""

    STANDARD = "standard"
    NORMAL = "normal"
    EMERGENCY = "emergency"


class ApprovalLevel(StrEnum):
    """Who must approve a change (PR12.4): pre-approved, the change manager, the CAB or the ECAB."""

    PRE_APPROVED = "pre_approved"
    CHANGE_MANAGER = "change_manager"
    CAB = "cab"
    ECAB = "ecab"


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value, "planned time")


def _change_type(value: object) -> ChangeType | None:
    return None if value is None else enum_value(ChangeType)(value)


@attrs.define(eq=True)
class Change(Case):
    """A change from its request (RFC) to its post-implementation review (PR12)."""

    kind: ClassVar[str] = "change"
    process: ClassVar[str] = "CHM"
    owner_role: ClassVar[str] = "change_owner"

    status: ChangeStatus = attrs.field(default=ChangeStatus.NEW, converter=_status)
    change_type: ChangeType | None = attrs.field(default=None, converter=_change_type)
    major: bool = False
    template: str | None = None
    """The standard change this one instantiates, if any."""
    urgent: bool = False
    benefits: str = ""
    risk: str = ""
    """``"low"``, ``"medium"`` or ``"high"``."""
    effort: str = ""
    feasibility: str = ""
    impacted_services: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    approved_by: str | None = None
    """Who decided it: the acting person who approved (the last, with a quorum) or rejected."""
    approvals: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    """Everyone who approved it, one entry each, in order (PR12.4)."""
    quorum: int = 1
    """How many approvals its level needs, set on classification from the change criteria."""
    planned_start: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    planned_end: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    review: str = ""
    """The post-implementation review (PR12.5)."""
    problem: str | None = None
    release: str | None = None


def _at_least_one(instance: Any, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValidationError(
            f"ChangeCriteria.{attribute.name} must be at least 1 approval, got {value}",
            field=attribute.name,
        )


@attrs.frozen
class ChangeCriteria:
    """Documented classification criteria (PR12.1).

    A change made from a template in ``standard_changes`` (the catalogue of
    pre-approved standard changes) is *standard*; an urgent change is an
    *emergency*; anything else is *normal*. A change is *major* when it impacts at
    least ``major_from_services`` services or its risk is in ``major_risks``. A
    major change needs ``cab_quorum`` approvals by CAB members, an emergency
    change ``ecab_quorum`` by ECAB members.
    """

    standard_changes: frozenset[str] = attrs.field(default=frozenset(), converter=to_str_set)
    major_from_services: int = attrs.field(default=3, validator=whole)
    major_risks: frozenset[str] = attrs.field(default=frozenset({"high"}), converter=to_str_set)
    cab_quorum: int = attrs.field(default=1, validator=[whole, _at_least_one])
    ecab_quorum: int = attrs.field(default=1, validator=[whole, _at_least_one])

    def quorum(self, change_type: ChangeType, major: bool) -> int:
        """How many approvals a change of this type needs (PR12.4)."""
        if change_type is ChangeType.EMERGENCY:
            return self.ecab_quorum
        if change_type is ChangeType.NORMAL and major:
            return self.cab_quorum
        return 1

    def classify(
        self, change: Change, impacted_services: Iterable[str] = ()
    ) -> tuple[ChangeType, bool]:
        impacted = set(impacted_services) | set(change.impacted_services)
        if change.template is not None and change.template in self.standard_changes:
            return ChangeType.STANDARD, False
        kind = ChangeType.EMERGENCY if change.urgent else ChangeType.NORMAL
        major = len(impacted) >= self.major_from_services or change.risk in self.major_risks
        return kind, major


def required_approval(change: Change) -> ApprovalLevel:
    """The level that must approve ``change`` (PR12.4)."""
    if change.change_type is ChangeType.STANDARD:
        return ApprovalLevel.PRE_APPROVED
    if change.change_type is ChangeType.EMERGENCY:
        return ApprovalLevel.ECAB
    if change.major:
        return ApprovalLevel.CAB
    return ApprovalLevel.CHANGE_MANAGER


# -- the lifecycle ------------------------------------------------------------


def is_standard(model: Any, **data: Any) -> bool:
    """a standard change, pre-approved by the change criteria (PR12.1)"""
    return bool(proposed(model, data, "change_type") == ChangeType.STANDARD)


def needs_type(model: Any, **data: Any) -> None:
    if proposed(model, data, "change_type") is None:
        raise ValidationError(
            f"change {model.id!r}: classify needs a change_type", field="change_type"
        )


def needs_assessment(model: Any, **data: Any) -> None:
    for field in ("benefits", "risk", "effort", "feasibility"):
        if not proposed(model, data, field):
            raise ValidationError(
                f"change {model.id!r}: the assessment needs benefits, risk, effort and "
                f"feasibility (PR12.3); {field!r} is missing",
                field=field,
            )


def standard_from_template(model: Any, **data: Any) -> None:
    if proposed(model, data, "change_type") == ChangeType.STANDARD and not model.template:
        raise ValidationError(
            f"change {model.id!r}: a standard change comes from a pre-approved change "
            "template (PR12.1); it names none",
            field="change_type",
        )


def never_lowers_major(model: Any, **data: Any) -> None:
    if model.major and data.get("major") is False:
        raise ValidationError(
            f"change {model.id!r} is classified major; its assessment does not take "
            "that back (PR12.4)",
            field="major",
        )


def one_approval_each(model: Any, actor: str = "", **data: Any) -> None:
    if actor in model.approvals:
        raise ValidationError(
            f"change {model.id!r} is already approved by {actor!r}; each approver counts once"
        )


def quorum_reached(model: Any, actor: str = "", **data: Any) -> bool:
    """as many approvals as its level needs (PR12.4)"""
    return bool(len({*model.approvals, actor}) >= model.quorum)


def needs_window(model: Any, **data: Any) -> None:
    start, end = proposed(model, data, "planned_start"), proposed(model, data, "planned_end")
    if start is None or end is None or not start < end:
        raise ValidationError(
            f"change {model.id!r}: schedule needs planned_start before planned_end, "
            f"got {start} and {end}",
            field="planned_start",
        )


def needs_review(model: Any, **data: Any) -> None:
    if not proposed(model, data, "review"):
        raise ValidationError(f"change {model.id!r}: the review needs a text", field="review")


def review_not_needed(model: Any, **data: Any) -> bool:
    """a change other than a minor standard one is reviewed after implementation (PR12.5)"""
    return model.change_type == ChangeType.STANDARD and not model.major


class ChangeChart(StateChart[Any]):
    """Changes (PR12)."""

    allow_event_without_transition = False
    catch_errors_as_events = False
    atomic_configuration_update = True

    new = State(value=ChangeStatus.NEW, initial=True)
    classified = State(value=ChangeStatus.CLASSIFIED)
    assessed = State(value=ChangeStatus.ASSESSED)
    approved = State(value=ChangeStatus.APPROVED)
    rejected = State(value=ChangeStatus.REJECTED, final=True)
    scheduled = State(value=ChangeStatus.SCHEDULED)
    implemented = State(value=ChangeStatus.IMPLEMENTED)
    reviewed = State(value=ChangeStatus.REVIEWED)
    closed = State(value=ChangeStatus.CLOSED, final=True)
    cancelled = State(value=ChangeStatus.CANCELLED, final=True)

    classify = new.to(
        approved, cond=is_standard, validators=[needs_type, standard_from_template]
    ) | new.to(classified, validators=needs_type)
    assess = classified.to(assessed, validators=[needs_assessment, never_lowers_major])
    approve = assessed.to(approved, cond=quorum_reached, validators=one_approval_each) | (
        assessed.to.itself(internal=True, validators=one_approval_each)
    )
    reject = assessed.to(rejected)
    schedule = approved.to(scheduled, validators=needs_window)
    reschedule = scheduled.to.itself(internal=True, validators=needs_window)
    implement = scheduled.to(implemented)
    review = implemented.to(reviewed, validators=needs_review)
    close = implemented.to(closed, cond=review_not_needed) | reviewed.to(closed)
    cancel = (
        new.to(cancelled)
        | classified.to(cancelled)
        | assessed.to(cancelled)
        | approved.to(cancelled)
        | scheduled.to(cancelled)
    )


def _approval(case: Any, actor: str) -> dict[str, Any]:
    # approvals are made by the acting person: the caller names nobody (PR12.4)
    return {"approved_by": actor, "approvals": (*case.approvals, actor)}


def _rejection(case: Any, actor: str) -> dict[str, Any]:
    return {"approved_by": actor}


_NONE: frozenset[str] = frozenset()
_SCOPE = frozenset({"cis", "impacted_services", "risk"})

CHANGE = CaseLifecycle(
    ChangeChart,
    ChangeStatus,
    fields={
        # the type, the major flag and the quorum come from the change criteria (PR12.1)
        "classify": _SCOPE | {"change_type", "major", "quorum"},
        "assess": _SCOPE | {"benefits", "effort", "feasibility", "major", "quorum"},
        "approve": _NONE,
        "reject": _NONE,
        "schedule": frozenset({"planned_start", "planned_end"}),
        "reschedule": frozenset({"planned_start", "planned_end"}),
        "implement": _NONE,
        "review": frozenset({"review"}),
        "close": _NONE,
        "cancel": _NONE,
    },
    derived={
        "approve": (frozenset({"approved_by", "approvals"}), _approval),
        "reject": (frozenset({"approved_by"}), _rejection),
    },
    at_registration=frozenset({"owner", "cis", "impacted_services", "risk", "benefits"}),
)
"""The lifecycle every change follows."""

APPROVAL_EVENTS = frozenset({ChangeChart.approve.id, ChangeChart.reject.id})
"""Events that decide a change: they need the authority its approval level names (PR12.4)."""
