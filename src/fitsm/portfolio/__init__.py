"""The service portfolio (PR1), the service catalogue (PR2.1) and the service as a product
(IT service product management, 003).

Services with their specification, service components, the suppliers each
service relies on, lifecycle phases that only move along allowed paths, and
the customer-facing catalogue drawn from the live services. The product
register keeps proposals for new or changed services (PR1.2), the toll-gates
on the lifecycle with their confirmations and waivers (PR1.3), service and
portfolio strategies and service performance reviews (003).
"""

from fitsm.portfolio.catalogue import CatalogueEntry, Listed, ServiceCatalogue
from fitsm.portfolio.gates import (
    Confirmation,
    CriterionResult,
    CriterionState,
    Evidence,
    GateCriterion,
    GateResult,
    OpenGateError,
    TollGate,
    Waiver,
)
from fitsm.portfolio.history import ProductChange
from fitsm.portfolio.performance import (
    Financials,
    ImprovementOpportunity,
    OutcomeResult,
    PerformanceReview,
    ServiceLevelResult,
    assess_outcomes,
)
from fitsm.portfolio.product_roles import ITSPM_ROLES, ItspmRole, check_product_roles
from fitsm.portfolio.products import Gatekeeper, ProductRegister
from fitsm.portfolio.proposals import (
    AssessmentCriterion,
    Decision,
    Finding,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from fitsm.portfolio.services import (
    DEFAULT_LIFECYCLE,
    Gatekeeping,
    LifecyclePhase,
    PhaseChange,
    Service,
    ServiceComponent,
    ServiceLifecycle,
    ServicePortfolio,
    SupplierInvolvement,
)
from fitsm.portfolio.strategy import (
    PORTFOLIO,
    Outcome,
    OutcomeMeasure,
    ServiceStrategy,
    performance_subject,
    strategy_subject,
)

__all__ = [
    "DEFAULT_LIFECYCLE",
    "ITSPM_ROLES",
    "PORTFOLIO",
    "AssessmentCriterion",
    "CatalogueEntry",
    "Confirmation",
    "CriterionResult",
    "CriterionState",
    "Decision",
    "Evidence",
    "Financials",
    "Finding",
    "GateCriterion",
    "GateResult",
    "Gatekeeper",
    "Gatekeeping",
    "ImprovementOpportunity",
    "ItspmRole",
    "LifecyclePhase",
    "Listed",
    "OpenGateError",
    "Outcome",
    "OutcomeMeasure",
    "OutcomeResult",
    "PerformanceReview",
    "PhaseChange",
    "ProductChange",
    "ProductRegister",
    "Proposal",
    "ProposalKind",
    "ProposalStatus",
    "Service",
    "ServiceCatalogue",
    "ServiceComponent",
    "ServiceLevelResult",
    "ServiceLifecycle",
    "ServicePortfolio",
    "ServiceStrategy",
    "SupplierInvolvement",
    "TollGate",
    "Waiver",
    "assess_outcomes",
    "check_product_roles",
    "performance_subject",
    "strategy_subject",
]
