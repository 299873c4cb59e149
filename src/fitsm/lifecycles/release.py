"""The lifecycle of releases (PR13.1-PR13.6).

A release bundles approved changes, is planned with a strategy, a testing
approach and acceptance criteria (PR13.1-PR13.3), built, tested against the
criteria (PR13.4), deployed only with a rollback plan (PR13.5), evaluated as a
success or a failure (PR13.6), rolled back if it failed, and closed.
"""

from __future__ import annotations

from typing import Any

from statemachine import State, StateChart

from fitsm.errors import ValidationError
from fitsm.lifecycles._engine import Lifecycle, proposed
from fitsm.model.cases.releases import ReleaseStatus as S

__all__ = ["RELEASE", "ReleaseChart"]


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

    new = State(value=S.NEW, initial=True)
    planned = State(value=S.PLANNED)
    built = State(value=S.BUILT)
    tested = State(value=S.TESTED)
    deployed = State(value=S.DEPLOYED)
    succeeded = State(value=S.SUCCEEDED)
    failed = State(value=S.FAILED)
    rolled_back = State(value=S.ROLLED_BACK)
    closed = State(value=S.CLOSED, final=True)
    cancelled = State(value=S.CANCELLED, final=True)

    plan = new.to(planned, validators=needs_plan)
    build = planned.to(built)
    test = built.to(tested, validators=needs_passed_tests)
    deploy = tested.to(deployed, validators=needs_rollback_plan)
    succeed = deployed.to(succeeded, validators=needs_evaluation)
    fail = deployed.to(failed, validators=needs_evaluation)
    roll_back = failed.to(rolled_back)
    close = succeeded.to(closed) | rolled_back.to(closed)
    cancel = new.to(cancelled) | planned.to(cancelled) | built.to(cancelled) | tested.to(cancelled)


RELEASE = Lifecycle(ReleaseChart, S)
