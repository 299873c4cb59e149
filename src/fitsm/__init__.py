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
from fitsm.model.agreements import Agreement, AgreementKind, Agreements, ServiceTarget, TargetKind
from fitsm.model.availability import (
    AvailabilityPolicy,
    AvailabilityReport,
    MaintenancePolicy,
    Outage,
    OutageLog,
    OutageState,
    measure_availability,
)
from fitsm.model.calendar import BusinessCalendar
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
from fitsm.model.history import Change, ChangeAction
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
from fitsm.model.slo import ErrorBudget, allowed_bad_events, burn_rate, error_budget, percent
from fitsm.model.verification import Difference, DiscoveredState, VerificationReport, verify
from fitsm.ports import (
    AgreementsRepository,
    CmdbRepository,
    PortfolioRepository,
    Repository,
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
    "DEPENDS_ON",
    "HAS_MEMBER",
    "Q_",
    "Agreement",
    "AgreementKind",
    "Agreements",
    "AgreementsRepository",
    "AlignmentFinding",
    "AttributeSpec",
    "AttributeType",
    "AvailabilityPolicy",
    "AvailabilityReport",
    "BlastRadius",
    "BusinessCalendar",
    "CatalogueEntry",
    "Change",
    "ChangeAction",
    "CiType",
    "Clock",
    "Cmdb",
    "CmdbRepository",
    "CmdbSchema",
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
    "ImpactReport",
    "ImpactedService",
    "Intervals",
    "InvalidTransitionError",
    "LifecyclePhase",
    "LoadError",
    "MaintenancePolicy",
    "NaiveDatetimeError",
    "NodeKind",
    "NotFoundError",
    "Outage",
    "OutageLog",
    "OutageState",
    "PhaseChange",
    "PortfolioRepository",
    "RedundancyGroup",
    "Relationship",
    "RelationshipType",
    "Repository",
    "Service",
    "ServiceCatalogue",
    "ServiceComponent",
    "ServiceLifecycle",
    "ServiceNode",
    "ServicePortfolio",
    "ServiceTarget",
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
    "UnitOfWork",
    "UnsupportedStoreError",
    "ValidationError",
    "VerificationReport",
    "__version__",
    "allowed_bad_events",
    "as_utc",
    "burn_rate",
    "check_alignment",
    "composite_availability",
    "derive_outages",
    "dump_cmdb_json",
    "error_budget",
    "evaluate",
    "load_cmdb",
    "load_cmdb_csv",
    "load_cmdb_json",
    "measure_availability",
    "open_store",
    "percent",
    "verify",
]
