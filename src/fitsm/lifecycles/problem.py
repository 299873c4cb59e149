"""The lifecycle of problems (PR10.1-PR10.4).

A problem is classified, investigated, its root cause recorded; while it is not
resolved it becomes a known error with one or more workarounds (PR10.3); it is
resolved through a change and closed.
"""

from __future__ import annotations

from typing import Any

from statemachine import State, StateChart

from fitsm.errors import ValidationError
from fitsm.lifecycles._engine import Lifecycle, proposed
from fitsm.model.cases.problems import ProblemStatus as S

__all__ = ["PROBLEM", "ProblemChart"]


def needs_category(model: Any, **data: Any) -> None:
    if not proposed(model, data, "category"):
        raise ValidationError(f"problem {model.id!r}: classify needs a category", field="category")


def needs_root_cause(model: Any, **data: Any) -> None:
    if not proposed(model, data, "root_cause"):
        raise ValidationError(f"problem {model.id!r}: record the root cause", field="root_cause")


def needs_workaround(model: Any, **data: Any) -> None:
    if not proposed(model, data, "workarounds"):
        raise ValidationError(
            f"problem {model.id!r}: a known error needs at least one workaround (PR10.3)",
            field="workarounds",
        )


def needs_more_workarounds(model: Any, **data: Any) -> None:
    new = data.get("workarounds", ())
    if len(tuple(new)) <= len(model.workarounds):
        raise ValidationError(
            f"problem {model.id!r}: add_workaround needs the workarounds with the new one added",
            field="workarounds",
        )


def needs_change(model: Any, **data: Any) -> None:
    if not proposed(model, data, "change"):
        raise ValidationError(
            f"problem {model.id!r} is resolved through a change: name it", field="change"
        )


class ProblemChart(StateChart[Any]):
    """Problems and known errors (PR10)."""

    allow_event_without_transition = False
    catch_errors_as_events = False
    atomic_configuration_update = True

    new = State(value=S.NEW, initial=True)
    classified = State(value=S.CLASSIFIED)
    investigating = State(value=S.INVESTIGATING)
    root_cause_found = State(value=S.ROOT_CAUSE_FOUND)
    known_error = State(value=S.KNOWN_ERROR)
    resolved = State(value=S.RESOLVED)
    closed = State(value=S.CLOSED, final=True)
    cancelled = State(value=S.CANCELLED, final=True)

    classify = new.to(classified, validators=needs_category)
    investigate = classified.to(investigating)
    record_root_cause = investigating.to(root_cause_found, validators=needs_root_cause)
    declare_known_error = root_cause_found.to(known_error, validators=needs_workaround)
    add_workaround = known_error.to.itself(internal=True, validators=needs_more_workarounds)
    resolve = root_cause_found.to(resolved, validators=needs_change) | known_error.to(
        resolved, validators=needs_change
    )
    close = resolved.to(closed)
    cancel = new.to(cancelled) | classified.to(cancelled) | investigating.to(cancelled)


PROBLEM = Lifecycle(ProblemChart, S)
