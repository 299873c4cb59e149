"""fitsm: IT service management according to FitSM, as a library.

Service portfolio (PR1), catalogue (PR2.1), CMDB with impact analysis (PR11)
and storage ports; see the documentation in ``docs/``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fitsm.adapters import open_store
from fitsm.adapters.files import dump_cmdb_json, load_cmdb, load_cmdb_csv, load_cmdb_json
from fitsm.clock import Clock, FixedClock, SystemClock, as_utc
from fitsm.errors import (
    AuthorizationError,
    ConflictError,
    CycleError,
    DuplicateError,
    FitsmError,
    InvalidTransitionError,
    LoadError,
    NaiveDatetimeError,
    NotFoundError,
    StoreError,
    UnsupportedStoreError,
    ValidationError,
)
from fitsm.lifecycles import Lifecycle, lifecycle_of, mermaid
from fitsm.model.agreements import Agreement, AgreementKind, Agreements, ServiceTarget, TargetKind
from fitsm.model.availability import (
    AvailabilityPolicy,
    AvailabilityReport,
    MaintenancePolicy,
    Outage,
    OutageLog,
    Outages,
    OutageState,
    measure_availability,
)
from fitsm.model.calendar import BusinessCalendar
from fitsm.model.cases.base import Case, HistoryEntry
from fitsm.model.cases.changes import (
    ApprovalLevel,
    Change,
    ChangeCriteria,
    ChangeStatus,
    ChangeType,
    required_approval,
)
from fitsm.model.cases.clocks import (
    CarryOver,
    ClockBreached,
    ClockKind,
    ClockPolicy,
    ClockWarning,
    SlaClock,
    clock_events,
    sla_clocks,
)
from fitsm.model.cases.improvements import Complaint, Improvement, ImprovementStatus
from fitsm.model.cases.incidents import (
    Incident,
    IncidentStatus,
    MajorIncidentCriteria,
    ServiceRequest,
)
from fitsm.model.cases.priority import DEFAULT_MATRIX, PriorityMatrix
from fitsm.model.cases.problems import KnownError, Problem, ProblemStatus, known_errors
from fitsm.model.cases.releases import (
    Release,
    ReleaseCriteria,
    ReleaseStatus,
    ReleaseStrategy,
    TestingApproach,
)
from fitsm.model.cases.schedule import ScheduleConflict, change_schedule, schedule_conflicts
from fitsm.model.cases.trends import ProblemCandidate, problem_candidates
from fitsm.model.catalogue import CatalogueEntry, ServiceCatalogue
from fitsm.model.cmdb import Cmdb
from fitsm.model.composite import CompositeAvailability, composite_availability
from fitsm.model.configuration import (
    DEPENDS_ON,
    HAS_MEMBER,
    AttributeSpec,
    AttributeType,
    CiType,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    NodeKind,
    RedundancyGroup,
    Relationship,
    RelationshipType,
    ServiceNode,
)
from fitsm.model.derivation import derive_outages
from fitsm.model.evaluation import (
    AlignmentFinding,
    Evaluation,
    TargetEvaluation,
    TargetViolated,
    check_alignment,
    evaluate,
)
from fitsm.model.history import ChangeAction, ChangeRecord
from fitsm.model.impact import BlastRadius, Dependency, ImpactedService, ImpactReport, Status
from fitsm.model.intervals import Intervals
from fitsm.model.parties import Supplier, SupplierKind
from fitsm.model.portfolio import (
    DEFAULT_LIFECYCLE,
    LifecyclePhase,
    PhaseChange,
    Service,
    ServiceComponent,
    ServiceLifecycle,
    ServicePortfolio,
    SupplierInvolvement,
)
from fitsm.model.roles import Person, Process, Role, RoleAssignment, RoleFinding, RoleModel, Team
from fitsm.model.slo import ErrorBudget, allowed_bad_events, burn_rate, error_budget, percent
from fitsm.model.verification import Difference, DiscoveredState, VerificationReport, verify
from fitsm.operations import CaseDesk
from fitsm.ports import (
    AgreementsRepository,
    CaseRepository,
    CmdbRepository,
    OutagesRepository,
    PortfolioRepository,
    Repository,
    RoleModelRepository,
    Store,
    UnitOfWork,
)
from fitsm.units import Q_

try:
    __version__ = version("fitsm")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_LIFECYCLE",
    "DEFAULT_MATRIX",
    "DEPENDS_ON",
    "HAS_MEMBER",
    "Q_",
    "Agreement",
    "AgreementKind",
    "Agreements",
    "AgreementsRepository",
    "AlignmentFinding",
    "ApprovalLevel",
    "AttributeSpec",
    "AttributeType",
    "AuthorizationError",
    "AvailabilityPolicy",
    "AvailabilityReport",
    "BlastRadius",
    "BusinessCalendar",
    "CarryOver",
    "Case",
    "CaseDesk",
    "CaseRepository",
    "CatalogueEntry",
    "Change",
    "ChangeAction",
    "ChangeCriteria",
    "ChangeRecord",
    "ChangeStatus",
    "ChangeType",
    "CiType",
    "Clock",
    "ClockBreached",
    "ClockKind",
    "ClockPolicy",
    "ClockWarning",
    "Cmdb",
    "CmdbRepository",
    "CmdbSchema",
    "Complaint",
    "ComponentNode",
    "CompositeAvailability",
    "ConfigurationItem",
    "ConflictError",
    "CycleError",
    "Dependency",
    "Difference",
    "DiscoveredState",
    "DuplicateError",
    "ErrorBudget",
    "Evaluation",
    "FitsmError",
    "FixedClock",
    "HistoryEntry",
    "ImpactReport",
    "ImpactedService",
    "Improvement",
    "ImprovementStatus",
    "Incident",
    "IncidentStatus",
    "Intervals",
    "InvalidTransitionError",
    "KnownError",
    "Lifecycle",
    "LifecyclePhase",
    "LoadError",
    "MaintenancePolicy",
    "MajorIncidentCriteria",
    "NaiveDatetimeError",
    "NodeKind",
    "NotFoundError",
    "Outage",
    "OutageLog",
    "OutageState",
    "Outages",
    "OutagesRepository",
    "Person",
    "PhaseChange",
    "PortfolioRepository",
    "PriorityMatrix",
    "Problem",
    "ProblemCandidate",
    "ProblemStatus",
    "Process",
    "RedundancyGroup",
    "Relationship",
    "RelationshipType",
    "Release",
    "ReleaseCriteria",
    "ReleaseStatus",
    "ReleaseStrategy",
    "Repository",
    "Role",
    "RoleAssignment",
    "RoleFinding",
    "RoleModel",
    "RoleModelRepository",
    "ScheduleConflict",
    "Service",
    "ServiceCatalogue",
    "ServiceComponent",
    "ServiceLifecycle",
    "ServiceNode",
    "ServicePortfolio",
    "ServiceRequest",
    "ServiceTarget",
    "SlaClock",
    "Status",
    "Store",
    "StoreError",
    "Supplier",
    "SupplierInvolvement",
    "SupplierKind",
    "SystemClock",
    "TargetEvaluation",
    "TargetKind",
    "TargetViolated",
    "Team",
    "TestingApproach",
    "UnitOfWork",
    "UnsupportedStoreError",
    "ValidationError",
    "VerificationReport",
    "__version__",
    "allowed_bad_events",
    "as_utc",
    "burn_rate",
    "change_schedule",
    "check_alignment",
    "clock_events",
    "composite_availability",
    "derive_outages",
    "dump_cmdb_json",
    "error_budget",
    "evaluate",
    "known_errors",
    "lifecycle_of",
    "load_cmdb",
    "load_cmdb_csv",
    "load_cmdb_json",
    "measure_availability",
    "mermaid",
    "open_store",
    "percent",
    "problem_candidates",
    "required_approval",
    "schedule_conflicts",
    "sla_clocks",
    "verify",
]
