"""The lifecycle of improvements (PR14) and customer complaints (PR7.5).

Registered, evaluated in a consistent manner (PR14.2), approved or rejected,
implemented and tracked (PR14.3), closed with the outcome.
"""

from __future__ import annotations

from typing import Any

from statemachine import State, StateChart

from fitsm.errors import ValidationError
from fitsm.lifecycles._engine import Lifecycle, proposed
from fitsm.model.cases.improvements import ImprovementStatus as S

__all__ = ["IMPROVEMENT", "ImprovementChart"]


def _needs(field: str, what: str) -> Any:
    def check(model: Any, **data: Any) -> None:
        if not proposed(model, data, field):
            raise ValidationError(f"{model.kind} {model.id!r}: {what}", field=field)

    check.__name__ = f"needs_{field}"
    return check


needs_evaluation = _needs("evaluation", "record the evaluation (PR14.2)")
needs_decision = _needs("decided_by", "name who decided")
needs_actions = _needs("actions", "name the actions to implement")
needs_outcome = _needs("outcome", "record the outcome")


class ImprovementChart(StateChart[Any]):
    """Improvements and complaints (PR14, PR7.5)."""

    allow_event_without_transition = False
    catch_errors_as_events = False
    atomic_configuration_update = True

    new = State(value=S.NEW, initial=True)
    evaluated = State(value=S.EVALUATED)
    approved = State(value=S.APPROVED)
    rejected = State(value=S.REJECTED)
    implementing = State(value=S.IMPLEMENTING)
    closed = State(value=S.CLOSED, final=True)

    evaluate = new.to(evaluated, validators=needs_evaluation)
    approve = evaluated.to(approved, validators=needs_decision)
    reject = evaluated.to(rejected, validators=needs_decision)
    implement = approved.to(implementing, validators=needs_actions)
    close = implementing.to(closed, validators=needs_outcome) | rejected.to(
        closed, validators=needs_outcome
    )


IMPROVEMENT = Lifecycle(ImprovementChart, S)
