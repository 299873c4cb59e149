"""Incidents and service requests (PR9).

FitSM-0 (CC BY 4.0): an *incident* is an "unplanned disruption of operation in a
service or service component, or degradation of service quality versus the
expected or agreed service operation according to the service level
agreement"; a *service request* is a "user request for information, advice,
access to an IT service or a pre-approved change". Both follow the lifecycle in
:mod:`fitsm.lifecycles.incident`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

import attrs

from fitsm.model._validators import enum_value
from fitsm.model.cases.base import Case

__all__ = ["Incident", "IncidentStatus", "MajorIncidentCriteria", "ServiceRequest"]


class IncidentStatus(StrEnum):
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

    priorities: frozenset[str] = attrs.field(default=frozenset({"P1"}), converter=frozenset)
    services: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)

    def matches(self, incident: Incident) -> bool:
        return incident.kind == "incident" and (
            incident.priority in self.priorities or incident.service in self.services
        )


@attrs.define(eq=True)
class ServiceRequest(Incident):
    """A service request: the incident lifecycle without major handling (PR9)."""

    kind: ClassVar[str] = "service_request"
    owner_role: ClassVar[str] = "service_request_owner"
