"""Incidents and service requests (PR9).

FitSM-0 (CC BY 4.0): an *incident* is an "unplanned disruption of operation in a
service or service component, or degradation of service quality versus the
expected or agreed service operation according to the service level
agreement"; a *service request* is a "user request for information, advice,
access to an IT service or a pre-approved change".

Lifecycle (PR9.1-PR9.6), the same for both: new cases are classified and
prioritised (PR9.1), assigned to a group, worked on, put on hold while waiting
for someone else, escalated to another group (functional) or to a manager
(hierarchical, PR9.3), resolved, and closed with the user's confirmation or
after a timeout (PR9.5). A resolved case can be reopened. A major incident
(PR9.6) needs a coordinator and cannot close before its major incident review
is recorded.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar

import attrs
from statemachine import State, StateChart

from fitsm._validators import enum_value, to_str_set
from fitsm.cases._engine import CaseLifecycle, proposed
from fitsm.cases.base import Case
from fitsm.errors import ValidationError

__all__ = [
    "AUTO_CLOSE_AFTER",
    "HIERARCHICAL_ESCALATION",
    "INCIDENT",
    "MAJOR_REVIEW_EVENT",
    "RESOLUTION_CLOCK_RUNS",
    "RESPONSE_CLOCK_RUNS",
    "Incident",
    "IncidentChart",
    "IncidentStatus",
    "MajorIncidentCriteria",
    "ServiceRequest",
]


class IncidentStatus(StrEnum):
    """The statuses of an incident or service request, in lifecycle order."""

    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def _status(value: object) -> IncidentStatus:
    return enum_value(IncidentStatus)(value)


@attrs.define(eq=True)
class Incident(Case):
    """An incident: classified, prioritised, assigned, worked on, resolved and closed (PR9)."""

    kind: ClassVar[str] = "incident"
    process: ClassVar[str] = "ISRM"
    owner_role: ClassVar[str] = "incident_owner"

    status: IncidentStatus = attrs.field(default=IncidentStatus.NEW, converter=_status)
    impact: str | None = None
    urgency: str | None = None
    priority: str | None = None
    group: str | None = None
    """The support group working on it; functional escalation changes it (PR9.3)."""
    assignee: str | None = None
    escalated_to: str | None = None
    """The manager it was escalated to hierarchically (PR9.3)."""
    major: bool = False
    coordinator: str | None = None
    """The major incident coordinator (PR9.6)."""
    major_review: str = ""
    resolution: str = ""
    agreement: str | None = None
    """The SLA in force when it was prioritised; its targets set the due times."""


@attrs.frozen
class MajorIncidentCriteria:
    """Documented criteria for identifying a major incident (PR9.6).

    An incident is major when its priority is one of ``priorities`` or it affects
    one of ``services``.
    """

    priorities: frozenset[str] = attrs.field(default=frozenset({"P1"}), converter=to_str_set)
    services: frozenset[str] = attrs.field(default=frozenset(), converter=to_str_set)

    def matches(self, incident: Incident) -> bool:
        return incident.kind == "incident" and (
            incident.priority in self.priorities or incident.service in self.services
        )


@attrs.define(eq=True)
class ServiceRequest(Incident):
    """A service request: the incident lifecycle without major handling (PR9)."""

    kind: ClassVar[str] = "service_request"
    owner_role: ClassVar[str] = "service_request_owner"


# -- the lifecycle ------------------------------------------------------------

AUTO_CLOSE_AFTER = timedelta(days=5)
"""A resolved case the user does not confirm closes after this long (``timed_out=True``)."""


def is_classified_and_prioritised(model: Any, **data: Any) -> bool:
    """it must be classified and prioritised first, with a category and a priority (PR9.1)"""
    return bool(proposed(model, data, "category")) and proposed(model, data, "priority") is not None


def needs_category(model: Any, **data: Any) -> None:
    if not proposed(model, data, "category"):
        raise ValidationError(
            f"{model.kind} {model.id!r}: classify needs a category", field="category"
        )


def needs_priority(model: Any, **data: Any) -> None:
    for field in ("impact", "urgency", "priority"):
        if proposed(model, data, field) is None:
            raise ValidationError(
                f"{model.kind} {model.id!r}: prioritise needs impact, urgency and priority",
                field=field,
            )


def needs_group(model: Any, **data: Any) -> None:
    if not proposed(model, data, "group"):
        raise ValidationError(f"{model.kind} {model.id!r}: assign needs a group", field="group")


def needs_other_group(model: Any, **data: Any) -> None:
    group = data.get("group")
    if not group or group == model.group:
        raise ValidationError(
            f"{model.kind} {model.id!r}: functional escalation needs another group than "
            f"{model.group!r}, got {group!r}",
            field="group",
        )


def needs_manager(model: Any, **data: Any) -> None:
    if not data.get("escalated_to"):
        raise ValidationError(
            f"{model.kind} {model.id!r}: hierarchical escalation needs escalated_to",
            field="escalated_to",
        )


def needs_resolution(model: Any, **data: Any) -> None:
    if not proposed(model, data, "resolution"):
        raise ValidationError(
            f"{model.kind} {model.id!r}: resolve needs a resolution", field="resolution"
        )


def needs_coordinator(model: Any, **data: Any) -> None:
    if model.kind != "incident":
        raise ValidationError(f"only incidents can be major, not a {model.kind}")
    if not proposed(model, data, "coordinator"):
        raise ValidationError(
            f"incident {model.id!r}: a major incident needs a coordinator", field="coordinator"
        )


def never_lowers_major(model: Any, **data: Any) -> None:
    if model.major and data.get("major") is False:
        raise ValidationError(
            f"incident {model.id!r} is a major incident; that is not taken back (PR9.6)",
            field="major",
        )


def needs_review_text(model: Any, **data: Any) -> None:
    if not model.major:
        raise ValidationError(f"incident {model.id!r} is not a major incident")
    if not data.get("major_review"):
        raise ValidationError(
            f"incident {model.id!r}: the review needs a text", field="major_review"
        )


def review_done_if_major(model: Any, **data: Any) -> bool:
    """a major incident needs its review before closing (PR9.6)"""
    return not model.major or bool(model.major_review)


def confirmed_or_timed_out(model: Any, at: datetime | None = None, **data: Any) -> bool:
    """the user confirms the resolution, or the case closes after the time-out (PR9.5)"""
    if data.get("confirmed"):
        return True
    if data.get("timed_out"):
        resolved = [h.at for h in model.history if h.target == IncidentStatus.RESOLVED]
        return bool(resolved) and at is not None and at - resolved[-1] >= AUTO_CLOSE_AFTER
    return False


class IncidentChart(StateChart[Any]):
    """Incidents and service requests (PR9)."""

    allow_event_without_transition = False
    catch_errors_as_events = False
    atomic_configuration_update = True

    new = State(value=IncidentStatus.NEW, initial=True)
    assigned = State(value=IncidentStatus.ASSIGNED)
    in_progress = State(value=IncidentStatus.IN_PROGRESS)
    pending = State(value=IncidentStatus.PENDING)
    resolved = State(value=IncidentStatus.RESOLVED)
    closed = State(value=IncidentStatus.CLOSED, final=True)
    cancelled = State(value=IncidentStatus.CANCELLED, final=True)

    classify = (
        new.to.itself(internal=True, validators=needs_category)
        | assigned.to.itself(internal=True, validators=needs_category)
        | in_progress.to.itself(internal=True, validators=needs_category)
        | pending.to.itself(internal=True, validators=needs_category)
    )
    prioritise = (
        new.to.itself(internal=True, validators=[needs_priority, never_lowers_major])
        | assigned.to.itself(internal=True, validators=[needs_priority, never_lowers_major])
        | in_progress.to.itself(internal=True, validators=[needs_priority, never_lowers_major])
        | pending.to.itself(internal=True, validators=[needs_priority, never_lowers_major])
    )
    assign = new.to(assigned, cond=is_classified_and_prioritised, validators=needs_group)
    escalate = (
        assigned.to(assigned, validators=needs_other_group)
        | in_progress.to(assigned, validators=needs_other_group)
        | pending.to(assigned, validators=needs_other_group)
    )
    escalate_hierarchically = (
        assigned.to.itself(internal=True, validators=needs_manager)
        | in_progress.to.itself(internal=True, validators=needs_manager)
        | pending.to.itself(internal=True, validators=needs_manager)
    )
    start = assigned.to(in_progress)
    wait = assigned.to(pending) | in_progress.to(pending)
    resume = pending.to(in_progress)
    resolve = assigned.to(resolved, validators=needs_resolution) | in_progress.to(
        resolved, validators=needs_resolution
    )
    reopen = resolved.to(in_progress)
    close = resolved.to(closed, cond=[review_done_if_major, confirmed_or_timed_out])
    cancel = new.to(cancelled) | assigned.to(cancelled)
    declare_major = (
        new.to.itself(internal=True, validators=needs_coordinator)
        | assigned.to.itself(internal=True, validators=needs_coordinator)
        | in_progress.to.itself(internal=True, validators=needs_coordinator)
        | pending.to.itself(internal=True, validators=needs_coordinator)
    )
    review_major = resolved.to.itself(internal=True, validators=needs_review_text)


_NONE: frozenset[str] = frozenset()

INCIDENT = CaseLifecycle(
    IncidentChart,
    IncidentStatus,
    fields={
        "classify": frozenset({"category", "service", "cis"}),
        # ``major``: the major incident criteria applied to the priority (PR9.6); only raised
        "prioritise": frozenset({"impact", "urgency", "priority", "agreement", "major"}),
        "assign": frozenset({"group", "assignee", "owner"}),
        "escalate": frozenset({"group", "assignee"}),
        "escalate_hierarchically": frozenset({"escalated_to"}),
        "start": frozenset({"assignee"}),
        "wait": _NONE,
        "resume": _NONE,
        "resolve": frozenset({"resolution"}),
        "reopen": _NONE,
        "close": _NONE,
        "cancel": _NONE,
        "declare_major": frozenset({"coordinator"}),
        "review_major": frozenset({"major_review"}),
    },
    arguments={"close": frozenset({"confirmed", "timed_out"})},
    effects={"declare_major": {"major": True}},
    at_registration=frozenset({"owner", "category", "service", "cis"}),
)
"""The lifecycle every incident and service request follows."""

HIERARCHICAL_ESCALATION: str = IncidentChart.escalate_hierarchically.id
"""Escalating to a manager: only to one above the escalating person (PR9.3)."""

MAJOR_REVIEW_EVENT: str = IncidentChart.review_major.id
"""Recording a major incident review: the coordinator or the process manager does it (PR9.6)."""

RESPONSE_CLOCK_RUNS = frozenset({IncidentStatus.NEW})
"""The statuses in which the time to respond runs: until someone takes the case."""

RESOLUTION_CLOCK_RUNS = frozenset(
    {IncidentStatus.NEW, IncidentStatus.ASSIGNED, IncidentStatus.IN_PROGRESS}
)
"""The statuses in which the time to resolve runs; pending (waiting for others) pauses it."""
