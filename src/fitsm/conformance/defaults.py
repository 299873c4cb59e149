"""The 82 default rules: for each FitSM-1 requirement, its building blocks and its check.

A requirement whose data the library keeps is decided by a check of the snapshot
(:mod:`~fitsm.conformance.checks_sms`, :mod:`~fitsm.conformance.checks_sms_cycle`,
:mod:`~fitsm.conformance.checks_planning`, :mod:`~fitsm.conformance.checks_registers`,
:mod:`~fitsm.conformance.checks_operations`); the others say what a person must provide.

>>> book = default_rulebook()
>>> len(book), sum(rule.by_machine for rule in book)
(82, 81)
"""

from __future__ import annotations

from fitsm.conformance import checks_operations as ops
from fitsm.conformance import checks_planning as plan
from fitsm.conformance import checks_registers as reg
from fitsm.conformance import checks_sms as sms
from fitsm.conformance import checks_sms_cycle as cycle
from fitsm.conformance.requirements import REQUIREMENTS
from fitsm.conformance.rules import Check, Rule, Rulebook

__all__ = ["DEFAULT_RULES", "default_rulebook"]

_ROLES = "fitsm.roles.RoleModel"
_REVIEWS = "fitsm.reviews.ReviewSchedules"
_PORTFOLIO = "fitsm.portfolio.ServicePortfolio"
_AGREEMENTS = "fitsm.service_levels.Agreements"
_CONTINUITY = "fitsm.availability.ContinuityRegister"
_RISKS = "fitsm.risks.RiskRegister"
_SECURITY = "fitsm.security.SecurityRegister"
_CMDB = "fitsm.cmdb.Cmdb"
_POLICY = "fitsm.sms.ServiceManagementPolicy"
_PLAN = "fitsm.sms.ServiceManagementPlan"
_KPI = "fitsm.sms.Kpi"
_PRODUCTS = "fitsm.portfolio.ProductRegister"
_REPORTS = "fitsm.reporting.ReportRegister"
_CUSTOMERS = "fitsm.customers.CustomerRegister"

# requirement: (building blocks, check or what a person must provide)
_TABLE: dict[str, tuple[tuple[str, ...], Check | str]] = {
    "GR1.1": ((_ROLES,), sms.gr1_1_sms_owner),
    "GR1.2": ((_POLICY, _ROLES), sms.gr1_2_policy),
    "GR1.3": (
        ("fitsm.sms.ManagementReview", _REVIEWS, _ROLES),
        sms.gr1_3_management_reviews,
    ),
    "GR2.1": (
        ("fitsm.sms.ScopeStatement", _POLICY, _PLAN, "fitsm.sms.ProcessPlan"),
        sms.gr2_1_key_documents,
    ),
    "GR2.2": (
        ("fitsm.sms.ProcessDefinition", "fitsm.sms.SmsRegister.definition_gaps", _ROLES),
        sms.gr2_2_process_definitions,
    ),
    "GR2.3": (("fitsm.cases.Case.history", _CMDB, _RISKS, _SECURITY), sms.gr2_3_records_kept),
    "GR2.4": (("fitsm.sms.ControlledDocument", _REVIEWS), sms.gr2_4_document_control),
    "GR3.1": (("fitsm.sms.Stakeholder", _PORTFOLIO), sms.gr3_1_stakeholders),
    "GR3.2": (("fitsm.sms.ScopeStatement", "fitsm.sms.Stakeholder"), sms.gr3_2_scope),
    "GR4.1": ((_PLAN, _REVIEWS), cycle.gr4_1_plan),
    "GR4.2": (
        ("fitsm.sms.ProcessPlan", "fitsm.sms.SmsRegister.misaligned_plans"),
        cycle.gr4_2_process_plans,
    ),
    "GR5.1": (
        ("fitsm.sms.Milestone", "fitsm.sms.SmsRegister.reach_milestone"),
        cycle.gr5_1_plan_implemented,
    ),
    "GR5.2": (
        ("fitsm.cases.CaseLifecycle", "fitsm.desk.CaseDesk"),
        cycle.gr5_2_processes_followed,
    ),
    "GR6.1": ((_KPI, "fitsm.sms.Measurement"), cycle.gr6_1_kpis),
    "GR6.2": (
        ("fitsm.sms.Assessment", _REVIEWS, "fitsm.conformance.audit"),
        cycle.gr6_2_assessments,
    ),
    "GR7.1": (
        ("fitsm.sms.Nonconformity", _KPI, "fitsm.cases.Improvement"),
        cycle.gr7_1_nonconformities,
    ),
    "GR7.2": (("fitsm.cases.Improvement",), cycle.gr7_2_improvement),
    "PR1.1": ((_PORTFOLIO, "fitsm.portfolio.Service"), plan.pr1_1_portfolio),
    "PR1.2": (
        ("fitsm.portfolio.Proposal", "fitsm.portfolio.AssessmentCriterion", _PRODUCTS),
        plan.pr1_2_proposals,
    ),
    "PR1.3": (
        ("fitsm.portfolio.ServiceLifecycle", "fitsm.portfolio.ServicePortfolio.move"),
        plan.pr1_3_lifecycle,
    ),
    "PR1.4": (
        ("fitsm.portfolio.SupplierInvolvement", "fitsm.suppliers.Supplier"),
        plan.pr1_4_service_suppliers,
    ),
    "PR2.1": (("fitsm.portfolio.ServiceCatalogue",), plan.pr2_1_catalogue),
    "PR2.2": ((_AGREEMENTS, _REVIEWS, "fitsm.reviews.follow_agreements"), plan.pr2_2_slas),
    "PR2.3": (
        ("fitsm.service_levels.evaluate", "fitsm.availability.Outage"),
        plan.pr2_3_sla_targets,
    ),
    "PR2.4": ((_AGREEMENTS, _REVIEWS), plan.pr2_4_underpinning),
    "PR2.5": ((_AGREEMENTS, "fitsm.service_levels.evaluate"), plan.pr2_5_underpinning_targets),
    "PR3.1": ((_REPORTS, "fitsm.reporting.build_report", _AGREEMENTS), reg.pr3_1_reports),
    "PR3.2": (
        ("fitsm.reporting.ReportSpecification", "fitsm.reporting.ReportRegister.agree"),
        reg.pr3_2_specifications,
    ),
    "PR3.3": (
        ("fitsm.reporting.ReportRegister.produce", "fitsm.reporting.ReportRegister.deliver"),
        reg.pr3_3_production,
    ),
    "PR4.1": ((_CONTINUITY, _REVIEWS), plan.pr4_1_requirements),
    "PR4.2": ((_RISKS, "fitsm.risks.candidate_risks", _REVIEWS), plan.pr4_2_availability_risks),
    "PR4.3": ((_CONTINUITY, "fitsm.availability.ContinuityTest"), plan.pr4_3_measures),
    "PR4.4": (
        ("fitsm.availability.Outage", "fitsm.storage.OutageRepository"),
        plan.pr4_4_monitoring,
    ),
    "PR5.1": (
        ("fitsm.capacity.CapacityRequirement", "fitsm.capacity.derive_requirement", _REVIEWS),
        reg.pr5_1_requirements,
    ),
    "PR5.2": (
        ("fitsm.capacity.Capacity", "fitsm.capacity.UtilisationSeries"),
        reg.pr5_2_current_capacity,
    ),
    "PR5.3": (
        ("fitsm.capacity.CapacityPlan", "fitsm.capacity.PlanItem", _REVIEWS),
        reg.pr5_3_capacity_plans,
    ),
    "PR5.4": (
        ("fitsm.capacity.Threshold", "fitsm.capacity.breaches", "fitsm.cases.Case.cis"),
        reg.pr5_4_performance_analysis,
    ),
    "PR6.1": ((_SECURITY, "fitsm.security.SecurityPolicy", _REVIEWS), plan.pr6_1_policies),
    "PR6.2": ((_RISKS, _ROLES, _REVIEWS), plan.pr6_2_security_risks),
    "PR6.3": (("fitsm.security.SecurityControl", _RISKS), plan.pr6_3_controls),
    "PR6.4": (("fitsm.cases.SecurityIncident",), plan.pr6_4_security_incidents),
    "PR6.5": (
        ("fitsm.security.AccessRight", "fitsm.cases.AccessRequest", _REVIEWS),
        plan.pr6_5_access_control,
    ),
    "PR7.1": (("fitsm.portfolio.Service.target_customers",), plan.pr7_1_customers),
    "PR7.2": (
        ("fitsm.customers.Contact", _CUSTOMERS, _ROLES),
        reg.pr7_2_relationship_contacts,
    ),
    "PR7.3": (("fitsm.customers.Channel", _CUSTOMERS), reg.pr7_3_channels),
    "PR7.4": ((_REVIEWS,), plan.pr7_4_customer_reviews),
    "PR7.5": (("fitsm.cases.Complaint",), plan.pr7_5_complaints),
    "PR7.6": (
        ("fitsm.customers.SatisfactionSurvey", "fitsm.customers.FollowUp", _CUSTOMERS),
        reg.pr7_6_satisfaction,
    ),
    "PR8.1": (("fitsm.suppliers.SupplierRegister", _PORTFOLIO), plan.pr8_1_suppliers),
    "PR8.2": (("fitsm.suppliers.SupplierContact", _ROLES), plan.pr8_2_supplier_contacts),
    "PR8.3": (
        ("fitsm.suppliers.SupplierChannel", "fitsm.suppliers.EscalationLevel"),
        plan.pr8_3_supplier_channels,
    ),
    "PR8.4": ((_REVIEWS,), plan.pr8_4_supplier_evaluations),
    "PR9.1": (("fitsm.cases.Incident", "fitsm.cases.PriorityMatrix"), ops.pr9_1_registration),
    "PR9.2": (("fitsm.cases.Incident", "fitsm.cases.sla_clocks"), ops.pr9_2_resolution),
    "PR9.3": (("fitsm.cases.Incident", _ROLES), ops.pr9_3_escalation),
    "PR9.4": (
        ("fitsm.desk.CaseDesk",),
        "how customers and users are kept informed of progress (notifications sent)",
    ),
    "PR9.5": (("fitsm.cases.Incident",), ops.pr9_5_closure),
    "PR9.6": (("fitsm.cases.MajorIncidentCriteria",), ops.pr9_6_major_incidents),
    "PR10.1": (("fitsm.cases.Problem", "fitsm.cases.problem_candidates"), ops.pr10_1_problems),
    "PR10.2": (("fitsm.cases.Problem",), ops.pr10_2_investigation),
    "PR10.3": (("fitsm.cases.Problem", "fitsm.cases.KnownError"), ops.pr10_3_known_errors),
    "PR10.4": (("fitsm.cases.known_errors",), ops.pr10_4_known_errors_current),
    "PR11.1": (("fitsm.cmdb.CmdbSchema",), ops.pr11_1_scope),
    "PR11.2": (("fitsm.cmdb.CiType", "fitsm.cmdb.ConfigurationItem"), ops.pr11_2_detail),
    "PR11.3": ((_CMDB,), ops.pr11_3_cmdb),
    "PR11.4": ((_CMDB, "fitsm.cmdb.Cmdb.history"), ops.pr11_4_control),
    "PR11.5": (
        ("fitsm.cmdb.verify", "fitsm.reviews.record_verification"),
        ops.pr11_5_verification,
    ),
    "PR12.1": (("fitsm.cases.Change", "fitsm.cases.ChangeCriteria"), ops.pr12_1_classification),
    "PR12.2": (("fitsm.cases.CHANGE",), ops.pr12_2_steps),
    "PR12.3": (("fitsm.cases.Change",), ops.pr12_3_assessment),
    "PR12.4": (("fitsm.cases.required_approval", _ROLES), ops.pr12_4_approval),
    "PR12.5": (("fitsm.cases.Change",), ops.pr12_5_review),
    "PR12.6": (("fitsm.cases.change_schedule",), ops.pr12_6_schedule),
    "PR13.1": (("fitsm.cases.Release", "fitsm.cases.ReleaseStrategy"), ops.pr13_1_strategy),
    "PR13.2": (("fitsm.cases.ReleaseCriteria",), ops.pr13_2_approved_changes),
    "PR13.3": (("fitsm.cases.Release",), ops.pr13_3_acceptance_criteria),
    "PR13.4": (("fitsm.cases.Release",), ops.pr13_4_tested),
    "PR13.5": (("fitsm.cases.Release",), ops.pr13_5_rollback),
    "PR13.6": (("fitsm.cases.Release",), ops.pr13_6_evaluated),
    "PR14.1": (("fitsm.cases.Improvement",), ops.pr14_1_registered),
    "PR14.2": (("fitsm.cases.Improvement",), ops.pr14_2_evaluated),
    "PR14.3": (("fitsm.cases.Improvement",), ops.pr14_3_controlled),
}

DEFAULT_RULES: tuple[Rule, ...] = tuple(
    Rule(requirement, REQUIREMENTS[requirement], blocks, check=how)
    if callable(how)
    else Rule(requirement, REQUIREMENTS[requirement], blocks, provide=how)
    for requirement, (blocks, how) in _TABLE.items()
)
"""One rule per FitSM-1 requirement, in the standard's order."""


def default_rulebook() -> Rulebook:
    """A new rule book with the 82 default rules (change it freely: it is yours)."""
    return Rulebook(DEFAULT_RULES)
