"""Releases (PR13): approved changes bundled, planned, built, tested, deployed, evaluated.

FitSM-0 (CC BY 4.0): a *release* is a "set of one or more changes to CIs that
are grouped together and deployed as a logical unit".

Lifecycle (PR13.1-PR13.6): a release bundles approved changes, is planned with a strategy, a testing
approach and acceptance criteria (PR13.1-PR13.3), built, tested against the
criteria (PR13.4), deployed only with a rollback plan (PR13.5), evaluated as a
success or a failure (PR13.6), rolled back if it failed, and closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, ClassVar

import attrs
from statemachine import State, StateChart

from fitsm._validators import enum_value, frozen_mapping, to_str_set, to_str_tuple, whole
from fitsm.cases._engine import CaseLifecycle, proposed
from fitsm.cases.base import Case
from fitsm.cases.changes import Change, ChangeStatus
from fitsm.errors import ValidationError

__all__ = [
    "RELEASE",
    "Release",
    "ReleaseChart",
    "ReleaseCriteria",
    "ReleaseStatus",
    "ReleaseStrategy",
    "TestingApproach",
]


class ReleaseStatus(StrEnum):
    """The statuses of a release, in lifecycle order."""

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
    """How a release reaches production (PR13.3)."""

    BIG_BANG = "big_bang"
    PHASED = "phased"
    ROLLING = "rolling"
    CONTINUOUS = "continuous"


class TestingApproach(StrEnum):
    """How a release is tested in production (PR13.4)."""

    CANARY = "canary"
    AB = "a_b"
    BLUE_GREEN = "blue_green"


def _frozen(value: Mapping[str, bool]) -> Mapping[str, bool]:
    return frozen_mapping(value, "a mapping of acceptance criterion to result")


def _strategy(value: object) -> ReleaseStrategy | None:
    return None if value is None else enum_value(ReleaseStrategy)(value)


def _testing(value: object) -> TestingApproach | None:
    return None if value is None else enum_value(TestingApproach)(value)


@attrs.define(eq=True)
class Release(Case):
    """A release of approved changes (PR13)."""

    kind: ClassVar[str] = "release"
    process: ClassVar[str] = "RDM"
    owner_role: ClassVar[str] = "release_owner"

    status: ReleaseStatus = attrs.field(default=ReleaseStatus.NEW, converter=_status)
    changes: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    strategy: ReleaseStrategy | None = attrs.field(default=None, converter=_strategy)
    testing: TestingApproach | None = attrs.field(default=None, converter=_testing)
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

    max_changes: int = attrs.field(default=20, validator=whole)
    services: frozenset[str] | None = attrs.field(
        default=None, converter=attrs.converters.optional(to_str_set)
    )

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


# -- the lifecycle ------------------------------------------------------------


def needs_plan(model: Any, **data: Any) -> None:
    for field in ("changes", "strategy", "testing", "acceptance_criteria"):
        if not proposed(model, data, field):
            raise ValidationError(
                f"release {model.id!r}: a plan needs changes, a strategy, a testing approach "
                f"and acceptance criteria (PR13.3); {field!r} is missing",
                field=field,
            )


def needs_passed_tests(model: Any, **data: Any) -> None:
    results = proposed(model, data, "test_results")
    criteria = proposed(model, data, "acceptance_criteria")
    failed = [c for c in criteria if not results.get(c)]
    if failed:
        raise ValidationError(
            f"release {model.id!r}: acceptance criteria not met: {', '.join(failed)} (PR13.4)",
            field="test_results",
        )


def needs_rollback_plan(model: Any, **data: Any) -> None:
    if not proposed(model, data, "rollback_plan"):
        raise ValidationError(
            f"release {model.id!r} cannot be deployed without a rollback plan (PR13.5)",
            field="rollback_plan",
        )


def needs_evaluation(model: Any, **data: Any) -> None:
    if not proposed(model, data, "evaluation"):
        raise ValidationError(
            f"release {model.id!r}: record the evaluation (PR13.6)", field="evaluation"
        )


class ReleaseChart(StateChart[Any]):
    """Releases (PR13)."""

    allow_event_without_transition = False
    catch_errors_as_events = False
    atomic_configuration_update = True

    new = State(value=ReleaseStatus.NEW, initial=True)
    planned = State(value=ReleaseStatus.PLANNED)
    built = State(value=ReleaseStatus.BUILT)
    tested = State(value=ReleaseStatus.TESTED)
    deployed = State(value=ReleaseStatus.DEPLOYED)
    succeeded = State(value=ReleaseStatus.SUCCEEDED)
    failed = State(value=ReleaseStatus.FAILED)
    rolled_back = State(value=ReleaseStatus.ROLLED_BACK)
    closed = State(value=ReleaseStatus.CLOSED, final=True)
    cancelled = State(value=ReleaseStatus.CANCELLED, final=True)

    plan = new.to(planned, validators=needs_plan)
    build = planned.to(built)
    test = built.to(tested, validators=needs_passed_tests)
    deploy = tested.to(deployed, validators=needs_rollback_plan)
    succeed = deployed.to(succeeded, validators=needs_evaluation)
    fail = deployed.to(failed, validators=needs_evaluation)
    roll_back = failed.to(rolled_back)
    close = succeeded.to(closed) | rolled_back.to(closed)
    cancel = new.to(cancelled) | planned.to(cancelled) | built.to(cancelled) | tested.to(cancelled)


_NONE: frozenset[str] = frozenset()

RELEASE = CaseLifecycle(
    ReleaseChart,
    ReleaseStatus,
    fields={
        "plan": frozenset(
            {"changes", "strategy", "testing", "acceptance_criteria", "rollback_plan"}
        ),
        "build": _NONE,
        "test": frozenset({"test_results"}),
        "deploy": frozenset({"rollback_plan"}),
        "succeed": frozenset({"evaluation"}),
        "fail": frozenset({"evaluation"}),
        "roll_back": _NONE,
        "close": _NONE,
        "cancel": _NONE,
    },
    at_registration=frozenset(
        {"owner", "changes", "strategy", "testing", "acceptance_criteria", "rollback_plan"}
    ),
)
"""The lifecycle every release follows."""
