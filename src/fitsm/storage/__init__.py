"""Storage: the ports (Protocols) every store serves, and stores opened by URL.

``open_store("sqlite:///fitsm.db")`` (the embedded default),
``open_store("postgresql://...")`` (for teams) or ``open_store("memory://")``.
Drivers are imported only when a store of their kind is opened.
"""

from fitsm.storage.events import StoredEvent
from fitsm.storage.opening import open_store
from fitsm.storage.ports import (
    AgreementsRepository,
    CaseRepository,
    CmdbRepository,
    CustomerRegisterRepository,
    OutageRepository,
    PortfolioRepository,
    ProductRegisterRepository,
    ReportRegisterRepository,
    Repository,
    ReviewSchedulesRepository,
    RiskRegisterRepository,
    RoleModelRepository,
    SecurityRegisterRepository,
    Store,
    SupplierRegisterRepository,
    UnitOfWork,
)
from fitsm.storage.retry import retrying

__all__ = [
    "AgreementsRepository",
    "CaseRepository",
    "CmdbRepository",
    "CustomerRegisterRepository",
    "OutageRepository",
    "PortfolioRepository",
    "ProductRegisterRepository",
    "ReportRegisterRepository",
    "Repository",
    "ReviewSchedulesRepository",
    "RiskRegisterRepository",
    "RoleModelRepository",
    "SecurityRegisterRepository",
    "Store",
    "StoredEvent",
    "SupplierRegisterRepository",
    "UnitOfWork",
    "open_store",
    "retrying",
]
