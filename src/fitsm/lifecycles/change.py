"""The lifecycle of changes (PR12.1-PR12.5).

A request for change is registered and classified (standard changes are
pre-approved on classification), assessed for benefits, risks, effort and
feasibility with the impacted services from the CMDB (PR12.3), approved or
rejected at the level the criteria require (PR12.4), scheduled, implemented,
reviewed after implementation where needed, and closed (PR12.5).
"""

from __future__ import annotations

from typing import Any

from statemachine import State, StateChart

from fitsm.errors import ValidationError
from fitsm.lifecycles._engine import Lifecycle, proposed
from fitsm.model.cases.changes import ChangeStatus as S
from fitsm.model.cases.changes import ChangeType

__all__ = ["CHANGE", "ChangeChart"]


def is_standard(model: Any, **data: Any) -> bool:
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


def needs_approver(model: Any, **data: Any) -> None:
    if not proposed(model, data, "approved_by"):
        raise ValidationError(
            f"change {model.id!r}: approve needs approved_by", field="approved_by"
        )


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
    return model.change_type == ChangeType.STANDARD and not model.major


class ChangeChart(StateChart[Any]):
    """Changes (PR12)."""

    allow_event_without_transition = False
    catch_errors_as_events = False
    atomic_configuration_update = True

    new = State(value=S.NEW, initial=True)
    classified = State(value=S.CLASSIFIED)
    assessed = State(value=S.ASSESSED)
    approved = State(value=S.APPROVED)
    rejected = State(value=S.REJECTED, final=True)
    scheduled = State(value=S.SCHEDULED)
    implemented = State(value=S.IMPLEMENTED)
    reviewed = State(value=S.REVIEWED)
    closed = State(value=S.CLOSED, final=True)
    cancelled = State(value=S.CANCELLED, final=True)

    classify = new.to(approved, cond=is_standard, validators=needs_type) | new.to(
        classified, validators=needs_type
    )
    assess = classified.to(assessed, validators=needs_assessment)
    approve = assessed.to(approved, validators=needs_approver)
    reject = assessed.to(rejected, validators=needs_approver)
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


CHANGE = Lifecycle(ChangeChart, S)
