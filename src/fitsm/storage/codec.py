"""Aggregates to JSON and back, for the SQL stores.

Values are written as JSON with small tags where JSON has no type of its own
(``{"$dt": "2026-01-05T09:00:00+00:00"}``, ``{"$q": [magnitude, "hour"]}`` for a pint
quantity, ``{"$a": class, "f": fields}`` for a record). Statuses and other enums
are written as their string values; the records' converters turn them back.
Only fitsm's own classes are ever rebuilt from a document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any

import attrs

from fitsm._validators import shown
from fitsm.availability.continuity import (
    ContinuityChange,
    ContinuityTest,
    Measure,
    Plan,
    ServiceRequirements,
    TestEvent,
)
from fitsm.availability.continuity_register import ContinuityRegister
from fitsm.availability.measurement import Outage
from fitsm.capacity.capacities import Capacity
from fitsm.capacity.plans import CapacityPlan, PlanItem
from fitsm.capacity.register import CapacityChange, CapacityRegister
from fitsm.capacity.requirements import CapacityRequirement
from fitsm.capacity.thresholds import Threshold
from fitsm.cases.base import Case, HistoryEntry
from fitsm.cases.changes import Change
from fitsm.cases.kinds import CASE_TYPES
from fitsm.cmdb.configuration import (
    AttributeSpec,
    CiType,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    RedundancyGroup,
    RelationshipType,
    ServiceNode,
)
from fitsm.cmdb.history import CmdbChangeRecord
from fitsm.customers import contacts as customer_contacts
from fitsm.customers.register import Customer, CustomerChange, CustomerRegister
from fitsm.customers.satisfaction import (
    FollowUp,
    SatisfactionScale,
    SatisfactionScore,
    SatisfactionSurvey,
)
from fitsm.customers.service_reviews import ReviewAction, ServiceReview
from fitsm.errors import StoreError
from fitsm.finance.allocation import ByAttribute, ByWeights, EvenSplit
from fitsm.finance.changes import FinanceChange
from fitsm.finance.charging import FixedCharge, PerUnitCharge, Tier, TieredCharge
from fitsm.finance.costs import Cost
from fitsm.finance.money import Money
from fitsm.finance.register import AllocationChoice, FinanceRegister, Price
from fitsm.finance.roadmap import RoadmapEntry
from fitsm.portfolio.gates import Confirmation, GateCriterion, TollGate, Waiver
from fitsm.portfolio.history import ProductChange
from fitsm.portfolio.performance import (
    Financials,
    ImprovementOpportunity,
    OutcomeResult,
    PerformanceReview,
    ServiceLevelResult,
)
from fitsm.portfolio.products import ProductRegister
from fitsm.portfolio.proposals import AssessmentCriterion, Decision, Finding, Proposal
from fitsm.portfolio.services import (
    PhaseChange,
    Service,
    ServiceComponent,
    ServiceLifecycle,
    ServicePortfolio,
    SupplierInvolvement,
)
from fitsm.portfolio.strategy import Outcome, ServiceStrategy
from fitsm.reporting.register import Delivery, Production, ReportRegister
from fitsm.reporting.specifications import (
    RecipientAgreement,
    ReportSpecification,
    SpecificationChange,
)
from fitsm.reviews.rules import MonthlyRule
from fitsm.reviews.schedules import (
    Review,
    ReviewSchedule,
    ReviewSchedules,
    ReviewSubject,
    ScheduleChange,
)
from fitsm.risks.matrix import RiskMatrix
from fitsm.risks.register import Risk, RiskChange, RiskRegister
from fitsm.roles import Person, RoleAssignment, RoleModel, Team
from fitsm.security.access import AccessConfirmation, AccessRight
from fitsm.security.assets import InformationAsset
from fitsm.security.classification import Classification, ClassificationScheme
from fitsm.security.controls import SecurityControl
from fitsm.security.history import SecurityChange
from fitsm.security.policies import PolicyVersion, SecurityPolicy
from fitsm.security.register import SecurityRegister
from fitsm.service_levels.agreements import Agreement, Agreements, ServiceTarget
from fitsm.sms.assessments import (
    Assessment,
    AssessmentFinding,
    ManagementReview,
    Nonconformity,
)
from fitsm.sms.documents import ControlledDocument, DocumentVersion
from fitsm.sms.kpis import Kpi, KpiTarget, Measurement
from fitsm.sms.plans import Milestone, PlanGoal, ProcessPlan, Responsibility, ServiceManagementPlan
from fitsm.sms.policy import ServiceManagementPolicy, ServiceManagementPolicyVersion
from fitsm.sms.processes import ProcessDefinition
from fitsm.sms.records import Action, Approval, Distribution, SmsChange
from fitsm.sms.register import SmsRegister
from fitsm.sms.scope import ScopeStatement, Stakeholder
from fitsm.suppliers import contacts as supplier_contacts
from fitsm.suppliers.contacts import EscalationLevel
from fitsm.suppliers.evaluations import (
    AgreementPerformance,
    FollowUpAction,
    RatingScale,
    SupplierEvaluation,
)
from fitsm.suppliers.products import VendorProduct
from fitsm.suppliers.register import SupplierChange, SupplierRecord, SupplierRegister
from fitsm.suppliers.supplier import Supplier
from fitsm.time.calendar import BusinessCalendar
from fitsm.units import Q_, Quantity, unit_named, unit_text

__all__ = ["dumps", "loads"]

# Stored documents name classes by these tags. A tag is the class's name when it
# was first stored; a class renamed later keeps its old tag here (as
# CmdbChangeRecord keeps "ChangeRecord"), so stored data stays readable. Two areas
# may name a record alike (a customer's and a supplier's Contact): those are tagged
# with their area, and a clash nobody tagged fails here, at import, not in a store.
_TAGGED: tuple[tuple[str, type[Any]], ...] = (
    *((cls.__name__, cls) for cls in (
        Agreement, ServiceTarget, BusinessCalendar, HistoryEntry, AttributeSpec, CiType, CmdbSchema,
        ComponentNode, ConfigurationItem, RedundancyGroup, RelationshipType, ServiceNode, Supplier,
        PhaseChange, Service, ServiceComponent, ServiceLifecycle, SupplierInvolvement, Person,
        RoleAssignment, Team, Outage, *CASE_TYPES,
        MonthlyRule, Review, ReviewSchedule, ReviewSubject, ScheduleChange,
        RiskMatrix, Risk, RiskChange,
        ProductChange, AssessmentCriterion, Finding, Decision, Proposal, GateCriterion, TollGate,
        Confirmation, Waiver, Outcome, ServiceStrategy, Financials, ServiceLevelResult,
        OutcomeResult, ImprovementOpportunity, PerformanceReview,
        ContinuityChange, ServiceRequirements, Measure, Plan, TestEvent, ContinuityTest,
        SmsChange, Approval, Distribution, Action, ServiceManagementPolicy, ServiceManagementPolicyVersion,
        ManagementReview,
        ControlledDocument, DocumentVersion, ProcessDefinition, Stakeholder, ScopeStatement,
        PlanGoal, Milestone, Responsibility, ServiceManagementPlan, ProcessPlan, KpiTarget,
        Measurement, Kpi, AssessmentFinding, Assessment, Nonconformity,
        ClassificationScheme, Classification, InformationAsset, SecurityChange, PolicyVersion,
        SecurityPolicy, SecurityControl, AccessConfirmation, AccessRight,
        Customer, CustomerChange, ServiceReview, ReviewAction,
        SatisfactionScale, SatisfactionScore, SatisfactionSurvey, FollowUp,
        ReportSpecification, RecipientAgreement, SpecificationChange, Production, Delivery,
        SupplierRecord, SupplierChange, EscalationLevel, VendorProduct,
        RatingScale, SupplierEvaluation, AgreementPerformance, FollowUpAction,
        Capacity, Threshold, CapacityRequirement, CapacityPlan, PlanItem, CapacityChange,
        Money, Cost, FinanceChange, EvenSplit, ByAttribute, ByWeights, FixedCharge, PerUnitCharge,
        Tier, TieredCharge, AllocationChoice, Price, RoadmapEntry,
    )),
    ("ChangeRecord", CmdbChangeRecord),
    ("CustomerContact", customer_contacts.Contact),
    ("CustomerChannel", customer_contacts.Channel),
    ("SupplierContact", supplier_contacts.SupplierContact),
    ("SupplierChannel", supplier_contacts.SupplierChannel),
)  # fmt: skip
_CLASSES: dict[str, type[Any]] = dict(_TAGGED)
if len(_CLASSES) < len(_TAGGED) or len({id(c) for _, c in _TAGGED}) < len(_TAGGED):
    raise RuntimeError(  # pragma: no cover - a programming error, caught by any test run
        "two stored classes share a tag, or one class has two: "
        + ", ".join(sorted({t for t, _ in _TAGGED if sum(u == t for u, _ in _TAGGED) > 1}))
    )
_TAGS: dict[type[Any], str] = {cls: tag for tag, cls in _CLASSES.items()}
_AGGREGATES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        ServicePortfolio, Agreements, RoleModel, ReviewSchedules, RiskRegister,
        ContinuityRegister, SecurityRegister, CustomerRegister, ReportRegister, ProductRegister,
        SupplierRegister, CapacityRegister, FinanceRegister, SmsRegister,
    )
}  # fmt: skip
_ADDED_LATER: dict[type[Any], frozenset[str]] = {
    Agreement: frozenset({"effective_from"}),
    Change: frozenset({"approvals", "quorum"}),
}
"""Fields a class gained after documents of it were stored: written only when set, so a
document stored before encodes to the same text (no spurious write) and reads back with
the field at its default."""
_TRANSIENT = {"version", "_by_role"}
"""Attributes a document does not hold: set by the store, or derived and rebuilt on use."""


def encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str | float):
        return value if not isinstance(value, Enum) else value.value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$td": value // timedelta(microseconds=1)}
    if isinstance(value, Fraction):
        return {"$fr": [value.numerator, value.denominator]}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, Quantity):
        return {"$q": [encode(value.magnitude), unit_text(value.units)]}
    if isinstance(value, tuple):
        return {"$tu": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, frozenset | set):
        return {"$fs": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, Mapping):
        return {"$m": [[encode(k), encode(v)] for k, v in value.items()]}
    cls = type(value)
    tag = _TAGS.get(cls)
    if tag is not None:
        # a case's storage version is the store's business, not part of the document
        skip = "version" if isinstance(value, Case) else None
        later = _ADDED_LATER.get(cls, frozenset())
        fields = {
            a.alias or a.name: encode(getattr(value, a.name))
            for a in attrs.fields(cls)
            if a.init
            and a.name != skip
            and not (a.name in later and getattr(value, a.name) == a.default)
        }
        return {"$a": tag, "f": fields}
    if _AGGREGATES.get(cls.__name__) is cls:
        state = {k: encode(v) for k, v in vars(value).items() if k not in _TRANSIENT}
        return {"$g": cls.__name__, "s": state}
    raise StoreError(f"cannot store a {cls.__name__}: {shown(value)}")


def decode(data: Any) -> Any:
    """The value a stored document (parsed JSON) holds; StoreError if it is not one."""
    try:
        return _decode(data)
    except StoreError:
        raise
    except (LookupError, ValueError, TypeError, AttributeError, OverflowError, RecursionError) as e:
        # a damaged or foreign document; a record's own refusal says why
        raise StoreError(f"a stored document cannot be read: {e}") from e


def _decode(data: Any) -> Any:
    if isinstance(data, list):
        return [_decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if not data:
        raise StoreError("an empty object in a stored document; expected a tagged value")
    (tag, payload), *rest = data.items()
    if tag == "$dt":
        return datetime.fromisoformat(payload)
    if tag == "$d":
        return date.fromisoformat(payload)
    if tag == "$td":
        return timedelta(microseconds=payload)
    if tag == "$fr":
        return Fraction(*payload)
    if tag == "$dec":
        return Decimal(payload)
    if tag == "$q":
        return Q_(_decode(payload[0]), unit_named(payload[1]))
    if tag == "$tu":
        return tuple(_decode(v) for v in payload)
    if tag == "$fs":
        return frozenset(_decode(v) for v in payload)
    if tag == "$m":
        return {_decode(k): _decode(v) for k, v in payload}
    if tag == "$a":
        cls = _CLASSES.get(payload)
        if cls is None:
            raise StoreError(f"unknown record type {shown(payload)} in a stored document")
        fields = {k: _decode(v) for k, v in rest[0][1].items()}
        return cls(**fields)
    if tag == "$g":
        cls = _AGGREGATES.get(payload)
        if cls is None:
            raise StoreError(f"unknown aggregate type {shown(payload)} in a stored document")
        obj = object.__new__(cls)
        obj.version = 0  # the store sets the stored version
        for k, v in rest[0][1].items():
            setattr(obj, k, _decode(v))
        return obj
    raise StoreError(f"unknown tag {shown(tag)} in a stored document")


def dumps(value: Any) -> str:
    """A value (fitsm records, aggregates, dates, fractions, quantities) as tagged JSON text."""
    return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Any:
    """The value :func:`dumps` wrote; StoreError if ``text`` is not such a document."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError, RecursionError) as e:
        raise StoreError(f"a stored document is not valid JSON: {e}") from e
    return decode(data)
