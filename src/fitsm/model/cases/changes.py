"""Changes (PR12) and their classification and approval levels.

FitSM-0 (CC BY 4.0): a *change* is the "alteration (addition, removal,
modification, replacement) of a CI". Changes are classified by documented
criteria (:class:`ChangeCriteria`, PR12.1); the type and the major flag decide the
level of approval (PR12.4): standard changes are pre-approved, normal changes
are approved by the change manager (the CHM process manager), major changes by
the change advisory board (CAB) and emergency changes by the emergency CAB.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

import attrs

from fitsm.clock import as_utc
from fitsm.model._validators import enum_value, to_str_tuple
from fitsm.model.cases.base import Case

__all__ = [
    "ApprovalLevel",
    "Change",
    "ChangeCriteria",
    "ChangeStatus",
    "ChangeType",
    "required_approval",
]


class ChangeStatus(StrEnum):
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
    STANDARD = "standard"
    NORMAL = "normal"
    EMERGENCY = "emergency"


class ApprovalLevel(StrEnum):
    PRE_APPROVED = "pre_approved"
    CHANGE_MANAGER = "change_manager"
    CAB = "cab"
    ECAB = "ecab"


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value, "planned time")


@attrs.define(eq=True)
class Change(Case):
    """A change from its request (RFC) to its post-implementation review (PR12)."""

    kind: ClassVar[str] = "change"
    process: ClassVar[str] = "CHM"
    owner_role: ClassVar[str] = "change_owner"

    status: ChangeStatus = attrs.field(default=ChangeStatus.NEW, converter=_status)
    change_type: ChangeType | None = attrs.field(
        default=None, converter=attrs.converters.optional(ChangeType)
    )
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
    planned_start: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    planned_end: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    review: str = ""
    """The post-implementation review (PR12.5)."""
    problem: str | None = None
    release: str | None = None


@attrs.frozen
class ChangeCriteria:
    """Documented classification criteria (PR12.1).

    A change made from a listed standard change template is *standard*; an urgent
    change is an *emergency*; anything else is *normal*. A change is *major* when
    it impacts at least ``major_from_services`` services or its risk is in
    ``major_risks``.
    """

    standard_changes: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    major_from_services: int = 3
    major_risks: frozenset[str] = attrs.field(default=frozenset({"high"}), converter=frozenset)

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
