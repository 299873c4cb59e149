"""Improvements (PR14) and customer complaints (PR7.5): the records and their lifecycle.

Both are registered, evaluated in a consistent manner (PR14.2), approved or
rejected by the process manager or owner, implemented and tracked (PR14.3), and
closed with the outcome.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

import attrs
from statemachine import State, StateChart

from fitsm._validators import enum_value, identifier_or_empty
from fitsm.cases._engine import CaseLifecycle, proposed
from fitsm.cases.base import Case
from fitsm.errors import ValidationError

__all__ = [
    "COMPLAINT",
    "DECISION_EVENTS",
    "IMPROVEMENT",
    "Complaint",
    "Improvement",
    "ImprovementChart",
    "ImprovementStatus",
]


class ImprovementStatus(StrEnum):
    """The statuses of an improvement or complaint, in lifecycle order."""

    NEW = "new"
    EVALUATED = "evaluated"
    APPROVED = "approved"
    REJECTED = "rejected"
    IMPLEMENTING = "implementing"
    CLOSED = "closed"


def _status(value: object) -> ImprovementStatus:
    return enum_value(ImprovementStatus)(value)


@attrs.define(eq=True)
class Improvement(Case):
    """An opportunity for improvement (PR14.1-PR14.3)."""

    kind: ClassVar[str] = "improvement"
    process: ClassVar[str] = "CSI"
    owner_role: ClassVar[str] = "improvement_owner"

    status: ImprovementStatus = attrs.field(default=ImprovementStatus.NEW, converter=_status)
    source: str = ""
    """Where it came from: a report, a measurement, an assessment or audit (PR14.1)."""
    evaluation: str = ""
    actions: str = ""
    decided_by: str | None = None
    outcome: str = ""


@attrs.define(eq=True)
class Complaint(Improvement):
    """A service complaint from a customer (PR7.5), linked to the customer record.

    ``customer`` is the id of the customer (or unit) in the customer register
    (``fitsm.customers``); a complaint is registered with one (:data:`COMPLAINT`),
    and ``fitsm.customers.complaints_of`` finds a customer's complaints.
    """

    kind: ClassVar[str] = "complaint"
    process: ClassVar[str] = "CRM"
    owner_role: ClassVar[str] = "complaint_owner"

    customer: str = attrs.field(default="", validator=identifier_or_empty)


# -- the lifecycle ------------------------------------------------------------


def _needs(field: str, what: str) -> Any:
    def check(model: Any, **data: Any) -> None:
        if not proposed(model, data, field):
            raise ValidationError(f"{model.kind} {model.id!r}: {what}", field=field)

    check.__name__ = f"needs_{field}"
    return check


needs_evaluation = _needs("evaluation", "record the evaluation (PR14.2)")
needs_actions = _needs("actions", "name the actions to implement")
needs_outcome = _needs("outcome", "record the outcome")


class ImprovementChart(StateChart[Any]):
    """Improvements and complaints (PR14, PR7.5)."""

    allow_event_without_transition = False
    catch_errors_as_events = False
    atomic_configuration_update = True

    new = State(value=ImprovementStatus.NEW, initial=True)
    evaluated = State(value=ImprovementStatus.EVALUATED)
    approved = State(value=ImprovementStatus.APPROVED)
    rejected = State(value=ImprovementStatus.REJECTED)
    implementing = State(value=ImprovementStatus.IMPLEMENTING)
    closed = State(value=ImprovementStatus.CLOSED, final=True)

    evaluate = new.to(evaluated, validators=needs_evaluation)
    approve = evaluated.to(approved)
    reject = evaluated.to(rejected)
    implement = approved.to(implementing, validators=needs_actions)
    close = implementing.to(closed, validators=needs_outcome) | rejected.to(
        closed, validators=needs_outcome
    )


def _decided_by(case: Any, actor: str) -> dict[str, Any]:
    # the decision is made by the acting person, never by a name the caller types
    return {"decided_by": actor}


_NONE: frozenset[str] = frozenset()
_DECIDER = (frozenset({"decided_by"}), _decided_by)

IMPROVEMENT = CaseLifecycle(
    ImprovementChart,
    ImprovementStatus,
    fields={
        "evaluate": frozenset({"evaluation"}),
        "approve": _NONE,
        "reject": _NONE,
        "implement": frozenset({"actions"}),
        "close": frozenset({"outcome"}),
    },
    derived={"approve": _DECIDER, "reject": _DECIDER},
    at_registration=frozenset({"owner"}),
)
"""The lifecycle every improvement and complaint follows."""

COMPLAINT = CaseLifecycle(
    ImprovementChart,
    ImprovementStatus,
    fields=IMPROVEMENT.fields,
    derived=IMPROVEMENT.derived,
    at_registration=IMPROVEMENT.at_registration,
    required=frozenset({"customer"}),
)
"""The lifecycle of a complaint: the improvements' chart, and a complaint is registered with
the customer it comes from (PR7.5)."""

DECISION_EVENTS = frozenset({ImprovementChart.approve.id, ImprovementChart.reject.id})
"""Events that decide an improvement or complaint: the process manager or owner makes them."""
