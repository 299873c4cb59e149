"""The service portfolio (PR1) and the service catalogue (PR2.1).

Services with their specification, service components, the suppliers each
service relies on, lifecycle phases that only move along allowed paths, and
the customer-facing catalogue drawn from the live services.
"""

from fitsm.portfolio.catalogue import CatalogueEntry, Listed, ServiceCatalogue
from fitsm.portfolio.services import (
    DEFAULT_LIFECYCLE,
    LifecyclePhase,
    PhaseChange,
    Service,
    ServiceComponent,
    ServiceLifecycle,
    ServicePortfolio,
    SupplierInvolvement,
)

__all__ = [
    "DEFAULT_LIFECYCLE",
    "CatalogueEntry",
    "LifecyclePhase",
    "Listed",
    "PhaseChange",
    "Service",
    "ServiceCatalogue",
    "ServiceComponent",
    "ServiceLifecycle",
    "ServicePortfolio",
    "SupplierInvolvement",
]
