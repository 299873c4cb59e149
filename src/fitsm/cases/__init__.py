"""Cases and their lifecycles: incidents and service requests (PR9), problems (PR10),
changes (PR12), releases (PR13), improvements (PR14), complaints (PR7.5), security
incidents (PR6.4) and access requests (PR6.5).

Each case type is one module holding its record, its status enum and its
lifecycle chart; :mod:`fitsm.cases.kinds` registers them. Shared here: the
case base and history, the priority matrix, SLA clocks replayed from history,
who may fire which event, the change schedule and problem candidates.
"""

from fitsm.cases._engine import CaseLifecycle
from fitsm.cases.access_requests import (
    ACCESS_DECISION_EVENTS,
    ACCESS_GRANT_EVENT,
    ACCESS_REQUEST,
    AccessRequest,
    AccessRequestChart,
    AccessRequestStatus,
)
from fitsm.cases.authorization import refusal
from fitsm.cases.base import Case, HistoryEntry
from fitsm.cases.changes import (
    APPROVAL_EVENTS,
    CHANGE,
    ApprovalLevel,
    Change,
    ChangeChart,
    ChangeCriteria,
    ChangeStatus,
    ChangeType,
    required_approval,
)
from fitsm.cases.clocks import (
    CarryOver,
    ClockBreached,
    ClockKind,
    ClockPolicy,
    ClockWarning,
    SlaClock,
    clock_events,
    sla_clocks,
)
from fitsm.cases.diagrams import mermaid
from fitsm.cases.improvements import (
    COMPLAINT,
    DECISION_EVENTS,
    IMPROVEMENT,
    Complaint,
    Improvement,
    ImprovementChart,
    ImprovementStatus,
)
from fitsm.cases.incidents import (
    HIERARCHICAL_ESCALATION,
    INCIDENT,
    MAJOR_REVIEW_EVENT,
    RESOLUTION_CLOCK_RUNS,
    RESPONSE_CLOCK_RUNS,
    Incident,
    IncidentChart,
    IncidentStatus,
    MajorIncidentCriteria,
    ServiceRequest,
)
from fitsm.cases.kinds import CASE_TYPES, lifecycle_of
from fitsm.cases.ownership import unowned
from fitsm.cases.priority import DEFAULT_MATRIX, PriorityMatrix
from fitsm.cases.problems import (
    PROBLEM,
    KnownError,
    Problem,
    ProblemChart,
    ProblemStatus,
    known_errors,
)
from fitsm.cases.query import CaseQuery, is_open
from fitsm.cases.releases import (
    RELEASE,
    Release,
    ReleaseChart,
    ReleaseCriteria,
    ReleaseStatus,
    ReleaseStrategy,
    TestingApproach,
)
from fitsm.cases.schedule import ScheduleConflict, change_schedule, schedule_conflicts
from fitsm.cases.security_incidents import (
    SECURITY_INCIDENT,
    SecurityIncident,
    SecurityIncidentChart,
    SecurityIncidentStatus,
)
from fitsm.cases.trends import ProblemCandidate, problem_candidates

__all__ = [
    "ACCESS_DECISION_EVENTS",
    "ACCESS_GRANT_EVENT",
    "ACCESS_REQUEST",
    "APPROVAL_EVENTS",
    "CASE_TYPES",
    "CHANGE",
    "COMPLAINT",
    "DECISION_EVENTS",
    "DEFAULT_MATRIX",
    "HIERARCHICAL_ESCALATION",
    "IMPROVEMENT",
    "INCIDENT",
    "MAJOR_REVIEW_EVENT",
    "PROBLEM",
    "RELEASE",
    "RESOLUTION_CLOCK_RUNS",
    "RESPONSE_CLOCK_RUNS",
    "SECURITY_INCIDENT",
    "AccessRequest",
    "AccessRequestChart",
    "AccessRequestStatus",
    "ApprovalLevel",
    "CarryOver",
    "Case",
    "CaseLifecycle",
    "CaseQuery",
    "Change",
    "ChangeChart",
    "ChangeCriteria",
    "ChangeStatus",
    "ChangeType",
    "ClockBreached",
    "ClockKind",
    "ClockPolicy",
    "ClockWarning",
    "Complaint",
    "HistoryEntry",
    "Improvement",
    "ImprovementChart",
    "ImprovementStatus",
    "Incident",
    "IncidentChart",
    "IncidentStatus",
    "KnownError",
    "MajorIncidentCriteria",
    "PriorityMatrix",
    "Problem",
    "ProblemCandidate",
    "ProblemChart",
    "ProblemStatus",
    "Release",
    "ReleaseChart",
    "ReleaseCriteria",
    "ReleaseStatus",
    "ReleaseStrategy",
    "ScheduleConflict",
    "SecurityIncident",
    "SecurityIncidentChart",
    "SecurityIncidentStatus",
    "ServiceRequest",
    "SlaClock",
    "TestingApproach",
    "change_schedule",
    "clock_events",
    "is_open",
    "known_errors",
    "lifecycle_of",
    "mermaid",
    "problem_candidates",
    "refusal",
    "required_approval",
    "schedule_conflicts",
    "sla_clocks",
    "unowned",
]
