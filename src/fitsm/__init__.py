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
from fitsm.model.catalogue import CatalogueEntry, ServiceCatalogue
from fitsm.model.cmdb import Cmdb
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
from fitsm.model.history import Change, ChangeAction
from fitsm.model.impact import BlastRadius, Dependency, ImpactedService, ImpactReport, Status
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
from fitsm.model.verification import Difference, DiscoveredState, VerificationReport, verify
from fitsm.ports import CmdbRepository, PortfolioRepository, Repository, Store, UnitOfWork

try:
    __version__ = version("fitsm")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DEFAULT_LIFECYCLE",
    "DEPENDS_ON",
    "HAS_MEMBER",
    "AttributeSpec",
    "AttributeType",
    "BlastRadius",
    "CatalogueEntry",
    "Change",
    "ChangeAction",
    "CiType",
    "Clock",
    "Cmdb",
    "CmdbRepository",
    "CmdbSchema",
    "ComponentNode",
    "ConfigurationItem",
    "ConflictError",
    "CycleError",
    "Dependency",
    "Difference",
    "DiscoveredState",
    "DuplicateError",
    "FitsmError",
    "FixedClock",
    "ImpactReport",
    "ImpactedService",
    "InvalidTransitionError",
    "LifecyclePhase",
    "LoadError",
    "NaiveDatetimeError",
    "NodeKind",
    "NotFoundError",
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
    "Status",
    "Store",
    "StoreError",
    "Supplier",
    "SupplierInvolvement",
    "SupplierKind",
    "SystemClock",
    "UnitOfWork",
    "UnsupportedStoreError",
    "ValidationError",
    "VerificationReport",
    "__version__",
    "as_utc",
    "dump_cmdb_json",
    "load_cmdb",
    "load_cmdb_csv",
    "load_cmdb_json",
    "open_store",
    "verify",
]
