"""Supplier relationship management (PR8): the supplier register and what hangs on it.

Internal and external suppliers (and federation members) in a register that
keeps them up to date and retires them with their history (PR8.1); contacts on
the supplier's side, channels and the escalation path (PR8.2, PR8.3); each OLA
and UA linked to the supplier party to it; supplier evaluations on a review
schedule, measured from the supplier's agreements, with a rating, findings and
follow-up actions (PR8.4); the services that depend on a supplier; vendor
products and the services at risk when their support ends (003).
"""

from fitsm.suppliers.agreements import AgreementLink, SupportingAgreements, link_agreements
from fitsm.suppliers.contacts import (
    EscalationLevel,
    SupplierChannel,
    SupplierChannelPurpose,
    SupplierContact,
)
from fitsm.suppliers.dependents import SupplierDependency, services_depending_on
from fitsm.suppliers.evaluations import (
    DEFAULT_RATINGS,
    ActionStatus,
    AgreementPerformance,
    FollowUpAction,
    RatingScale,
    SupplierEvaluation,
    evaluation_subject,
    supplier_performance,
)
from fitsm.suppliers.products import ProductAtRisk, VendorProduct, products_at_risk
from fitsm.suppliers.register import SupplierChange, SupplierRecord, SupplierRegister
from fitsm.suppliers.supplier import Supplier, SupplierKind

__all__ = [
    "DEFAULT_RATINGS",
    "ActionStatus",
    "AgreementLink",
    "AgreementPerformance",
    "EscalationLevel",
    "FollowUpAction",
    "ProductAtRisk",
    "RatingScale",
    "Supplier",
    "SupplierChange",
    "SupplierChannel",
    "SupplierChannelPurpose",
    "SupplierContact",
    "SupplierDependency",
    "SupplierEvaluation",
    "SupplierKind",
    "SupplierRecord",
    "SupplierRegister",
    "SupportingAgreements",
    "VendorProduct",
    "evaluation_subject",
    "link_agreements",
    "products_at_risk",
    "services_depending_on",
    "supplier_performance",
]
