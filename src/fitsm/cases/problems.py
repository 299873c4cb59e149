"""Problems and known errors (PR10).

FitSM-0 (CC BY 4.0): a *problem* is the "underlying cause of one or more
incidents that requires further investigation to prevent incidents from
recurring or reduce the impact on services"; a *known error* is a "problem which
is not (yet) resolved, but for which the root cause has been identified and a
workaround has been found".

Lifecycle (PR10.1-PR10.4): a problem is classified, investigated and its root
cause recorded; while it is not resolved it becomes a known error with one or
more workarounds (PR10.3); it is resolved through a change and closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, ClassVar

import attrs
from statemachine import State, StateChart

from fitsm._validators import enum_value, to_str_tuple
from fitsm.cases._engine import CaseLifecycle, proposed
from fitsm.cases.base import Case
from fitsm.errors import ValidationError

__all__ = ["PROBLEM", "KnownError", "Problem", "ProblemChart", "ProblemStatus", "known_errors"]


class ProblemStatus(StrEnum):
    """The statuses of a problem, in lifecycle order."""

    NEW = "new"
    CLASSIFIED = "classified"
    INVESTIGATING = "investigating"
    ROOT_CAUSE_FOUND = "root_cause_found"
    KNOWN_ERROR = "known_error"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def _status(value: object) -> ProblemStatus:
    return enum_value(ProblemStatus)(value)


@attrs.define(eq=True)
class Problem(Case):
    """A problem: registered from incident trends, investigated, resolved by a change (PR10)."""

    kind: ClassVar[str] = "problem"
    process: ClassVar[str] = "PM"
    owner_role: ClassVar[str] = "problem_owner"

    status: ProblemStatus = attrs.field(default=ProblemStatus.NEW, converter=_status)
    incidents: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    root_cause: str = ""
    workarounds: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    change: str | None = None
    """The change that resolves it."""


@attrs.frozen
class KnownError:
    """A KEDB entry: the problem, what it affects, and how to work around it (PR10.3)."""

    problem: str
    title: str
    root_cause: str
    workarounds: tuple[str, ...]
    service: str | None
    cis: tuple[str, ...]


def known_errors(
    problems: Iterable[Problem], *, ci: str | None = None, service: str | None = None
) -> list[KnownError]:
    """The known errors and workarounds for a CI or a service (PR10.4, used by PR9.2)."""
    found = []
    for p in problems:
        if p.status != ProblemStatus.KNOWN_ERROR:
            continue
        if ci is not None and ci not in p.cis:
            continue
        if service is not None and service != p.service:
            continue
        found.append(KnownError(p.id, p.title, p.root_cause, p.workarounds, p.service, p.cis))
    return found


# -- the lifecycle ------------------------------------------------------------


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

    new = State(value=ProblemStatus.NEW, initial=True)
    classified = State(value=ProblemStatus.CLASSIFIED)
    investigating = State(value=ProblemStatus.INVESTIGATING)
    root_cause_found = State(value=ProblemStatus.ROOT_CAUSE_FOUND)
    known_error = State(value=ProblemStatus.KNOWN_ERROR)
    resolved = State(value=ProblemStatus.RESOLVED)
    closed = State(value=ProblemStatus.CLOSED, final=True)
    cancelled = State(value=ProblemStatus.CANCELLED, final=True)

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


_NONE: frozenset[str] = frozenset()

PROBLEM = CaseLifecycle(
    ProblemChart,
    ProblemStatus,
    fields={
        "classify": frozenset({"category", "service", "cis", "incidents"}),
        "investigate": frozenset({"incidents"}),
        "record_root_cause": frozenset({"root_cause"}),
        "declare_known_error": frozenset({"workarounds"}),
        "add_workaround": frozenset({"workarounds"}),
        "resolve": frozenset({"change"}),
        "close": _NONE,
        "cancel": _NONE,
    },
    at_registration=frozenset({"owner", "category", "service", "cis", "incidents"}),
)
"""The lifecycle every problem follows."""
