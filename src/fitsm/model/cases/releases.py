"""Releases (PR13): approved changes bundled, planned, built, tested, deployed, evaluated.

FitSM-0 (CC BY 4.0): a *release* is a "set of one or more changes to CIs that
are grouped together and deployed as a logical unit".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar

import attrs

from fitsm.model._validators import enum_value, to_str_tuple
from fitsm.model.cases.base import Case
from fitsm.model.cases.changes import Change, ChangeStatus

__all__ = [
    "Release",
    "ReleaseCriteria",
    "ReleaseStatus",
    "ReleaseStrategy",
    "TestingApproach",
]


class ReleaseStatus(StrEnum):
    NEW = "new"
    PLANNED = "planned"
    BUILT = "built"
    TESTED = "tested"
    DEPLOYED = "deployed"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def _status(value: object) -> ReleaseStatus:
    return enum_value(ReleaseStatus)(value)


class ReleaseStrategy(StrEnum):
    BIG_BANG = "big_bang"
    PHASED = "phased"
    ROLLING = "rolling"
    CONTINUOUS = "continuous"


class TestingApproach(StrEnum):
    CANARY = "canary"
    AB = "a_b"
    BLUE_GREEN = "blue_green"


def _frozen(value: Mapping[str, bool]) -> Mapping[str, bool]:
    return MappingProxyType(dict(value))


@attrs.define(eq=True)
class Release(Case):
    """A release of approved changes (PR13)."""

    kind: ClassVar[str] = "release"
    process: ClassVar[str] = "RDM"
    owner_role: ClassVar[str] = "release_owner"

    status: ReleaseStatus = attrs.field(default=ReleaseStatus.NEW, converter=_status)
    changes: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    strategy: ReleaseStrategy | None = attrs.field(
        default=None, converter=attrs.converters.optional(ReleaseStrategy)
    )
    testing: TestingApproach | None = attrs.field(
        default=None, converter=attrs.converters.optional(TestingApproach)
    )
    acceptance_criteria: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    test_results: Mapping[str, bool] = attrs.field(factory=dict, converter=_frozen)
    """Each acceptance criterion with whether the tests met it (PR13.4)."""
    rollback_plan: str = ""
    """What to do if the deployment fails (PR13.5)."""
    evaluation: str = ""
    """How the deployment went (PR13.6)."""


@attrs.frozen
class ReleaseCriteria:
    """Documented criteria for including approved changes in a release (PR13.2).

    A change may join a release when it is approved or scheduled, is not in
    another release, and (when ``services`` is given) impacts only those services.
    """

    max_changes: int = 20
    services: frozenset[str] | None = None

    def admissible(self, changes: Iterable[Change]) -> list[str]:
        """Reasons the changes cannot be bundled; empty when they can."""
        problems = []
        found = list(changes)
        if len(found) > self.max_changes:
            problems.append(f"{len(found)} changes exceed the limit of {self.max_changes}")
        for c in found:
            if c.status not in (ChangeStatus.APPROVED, ChangeStatus.SCHEDULED):
                problems.append(f"change {c.id!r} is {c.status!s}, not approved")
            if c.release is not None:
                problems.append(f"change {c.id!r} is already in release {c.release!r}")
            if self.services is not None and not set(c.impacted_services) <= self.services:
                outside = sorted(set(c.impacted_services) - self.services)
                problems.append(f"change {c.id!r} impacts services outside the release: {outside}")
        return problems
