"""Case lifecycles, declared as python-statemachine charts and run by a compiled table.

``LIFECYCLES`` maps each case class to its :class:`Lifecycle`; ``lifecycle_of``
finds the one for a case.
"""

from __future__ import annotations

from fitsm.errors import ValidationError
from fitsm.lifecycles._engine import CompiledTransition, Lifecycle
from fitsm.lifecycles.change import CHANGE
from fitsm.lifecycles.diagrams import mermaid
from fitsm.lifecycles.improvement import IMPROVEMENT
from fitsm.lifecycles.incident import INCIDENT
from fitsm.lifecycles.problem import PROBLEM
from fitsm.lifecycles.release import RELEASE
from fitsm.model.cases.base import Case
from fitsm.model.cases.changes import Change
from fitsm.model.cases.improvements import Complaint, Improvement
from fitsm.model.cases.incidents import Incident, ServiceRequest
from fitsm.model.cases.problems import Problem
from fitsm.model.cases.releases import Release

__all__ = [
    "CHANGE",
    "IMPROVEMENT",
    "INCIDENT",
    "LIFECYCLES",
    "PROBLEM",
    "RELEASE",
    "CompiledTransition",
    "Lifecycle",
    "lifecycle_of",
    "mermaid",
]

LIFECYCLES: dict[type[Case], Lifecycle] = {
    Incident: INCIDENT,
    ServiceRequest: INCIDENT,
    Problem: PROBLEM,
    Change: CHANGE,
    Release: RELEASE,
    Improvement: IMPROVEMENT,
    Complaint: IMPROVEMENT,
}


def lifecycle_of(case: Case) -> Lifecycle:
    try:
        return LIFECYCLES[type(case)]
    except KeyError:
        raise ValidationError(f"no lifecycle for {type(case).__name__}") from None
