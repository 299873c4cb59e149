"""Information security management (PR6): the asset inventory with its classification scheme,
security policies, controls and access rights, in one register with per-item merges.

Assets are classified for confidentiality, integrity and availability on a scheme
the provider defines (default: low, medium, high) and linked to CIs and services
(PR6.3); policies are versioned, approved by the acting person and reviewed at
planned intervals (PR6.1); controls (physical, technical, organisational) carry
their implementation status and the risks of :mod:`fitsm.risks` they treat
(PR6.3); access rights record who granted them, when and why, are confirmed in
access reviews at planned intervals and revoked with their history (PR6.5).
Security incidents (PR6.4) and access requests are case types of
:mod:`fitsm.cases`. Who may do what is :data:`fitsm.security.authority.RULES`.
"""

from fitsm.security.access import AccessConfirmation, AccessRight
from fitsm.security.assets import InformationAsset
from fitsm.security.authority import RULES
from fitsm.security.classification import (
    DEFAULT_LEVELS,
    PROPERTIES,
    Classification,
    ClassificationScheme,
)
from fitsm.security.controls import ControlKind, ImplementationStatus, SecurityControl
from fitsm.security.history import SecurityChange
from fitsm.security.links import LinkFinding, link_findings
from fitsm.security.policies import PolicyVersion, SecurityPolicy
from fitsm.security.register import SecurityRegister
from fitsm.security.reviews import (
    AccessReviewDue,
    overdue_access_reviews,
    plan_access_reviews,
    plan_policy_reviews,
)
from fitsm.security.subjects import access_review_subject, policy_subject

__all__ = [
    "DEFAULT_LEVELS",
    "PROPERTIES",
    "RULES",
    "AccessConfirmation",
    "AccessReviewDue",
    "AccessRight",
    "Classification",
    "ClassificationScheme",
    "ControlKind",
    "ImplementationStatus",
    "InformationAsset",
    "LinkFinding",
    "PolicyVersion",
    "SecurityChange",
    "SecurityControl",
    "SecurityPolicy",
    "SecurityRegister",
    "access_review_subject",
    "link_findings",
    "overdue_access_reviews",
    "plan_access_reviews",
    "plan_policy_reviews",
    "policy_subject",
]
