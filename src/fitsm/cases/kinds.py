"""The case types the library knows, each registered once with its lifecycle.

A case type is one module of :mod:`fitsm.cases` that holds its record, its
status enum, its chart and the event names the clocks and authorisation use;
adding one means writing that module and adding its line to
:data:`CASE_TYPES`. The stores and the desk find case types here.
"""

from __future__ import annotations

from fitsm.cases._engine import CaseLifecycle
from fitsm.cases.access_requests import ACCESS_REQUEST, AccessRequest
from fitsm.cases.base import Case
from fitsm.cases.changes import CHANGE, Change
from fitsm.cases.improvements import COMPLAINT, IMPROVEMENT, Complaint, Improvement
from fitsm.cases.incidents import INCIDENT, Incident, ServiceRequest
from fitsm.cases.problems import PROBLEM, Problem
from fitsm.cases.releases import RELEASE, Release
from fitsm.cases.security_incidents import SECURITY_INCIDENT, SecurityIncident
from fitsm.errors import ValidationError

__all__ = ["CASE_TYPES", "lifecycle_of"]

CASE_TYPES: dict[type[Case], CaseLifecycle] = {
    Incident: INCIDENT,
    ServiceRequest: INCIDENT,
    Problem: PROBLEM,
    Change: CHANGE,
    Release: RELEASE,
    Improvement: IMPROVEMENT,
    Complaint: COMPLAINT,
    SecurityIncident: SECURITY_INCIDENT,
    AccessRequest: ACCESS_REQUEST,
}
"""Every case class and the lifecycle its cases follow."""


def lifecycle_of(case: Case) -> CaseLifecycle:
    """The lifecycle that ``case`` follows.

    >>> from datetime import UTC, datetime
    >>> request = ServiceRequest("REQ-1", "New laptop", datetime(2026, 1, 5, tzinfo=UTC), "ann")
    >>> lifecycle_of(request) is INCIDENT
    True
    """
    try:
        return CASE_TYPES[type(case)]
    except KeyError:
        raise ValidationError(
            f"no lifecycle for {type(case).__name__}: register the case type in "
            "fitsm.cases.kinds.CASE_TYPES"
        ) from None
