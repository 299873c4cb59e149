"""Every rule the audit decides by machine: a provider that meets it, and one that does not.

The provider of ``tests/conformance_world.py`` meets every requirement the store can
decide. Each mutation
below breaks exactly the thing one requirement asks for; the rule must then find it
not met or partly met, and name the offending record in its evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitsm.availability.continuity import ContinuityTest, TestEvent
from fitsm.capacity.capacities import Capacity
from fitsm.capacity.plans import PlanItem
from fitsm.capacity.requirements import CapacityRequirement
from fitsm.capacity.series import UtilisationSeries
from fitsm.cases.access_requests import AccessRequest
from fitsm.cases.base import Case
from fitsm.cases.changes import Change
from fitsm.cases.improvements import Complaint, Improvement
from fitsm.cases.incidents import Incident, IncidentStatus
from fitsm.cases.problems import Problem
from fitsm.cases.releases import Release
from fitsm.cases.security_incidents import SecurityIncident
from fitsm.cmdb.configuration import CiType, CmdbSchema, ConfigurationItem
from fitsm.cmdb.database import Cmdb
from fitsm.conformance import AuditFinding, FindingStatus, Snapshot, default_rulebook
from fitsm.conformance.checks_registers import satisfaction_floor
from fitsm.customers.register import Customer, CustomerRegister
from fitsm.customers.satisfaction import SatisfactionScale, SatisfactionSurvey
from fitsm.portfolio.proposals import Finding, Proposal
from fitsm.portfolio.services import Service, ServiceComponent
from fitsm.reporting.register import ReportRegister
from fitsm.reporting.reports import build_report
from fitsm.risks.register import Risk
from fitsm.roles import Process, Role
from fitsm.service_levels.agreements import Agreement
from fitsm.service_levels.evaluation import evaluate
from fitsm.sms import (
    Action,
    Assessment,
    AssessmentFinding,
    Commitment,
    ControlledDocument,
    Kpi,
    KpiTarget,
    ManagementReview,
    Milestone,
    Nonconformity,
    ProcessDefinition,
    ProcessPlan,
    ScopeStatement,
    SmsRegister,
    Stakeholder,
)
from fitsm.suppliers.supplier import Supplier
from fitsm.units import Q_
from tests.conformance_world import AT, CAB, CHM, CRM, MAY, SLM, T0, World, _day, fire

RANK = {FindingStatus.MET: 2, FindingStatus.PARTLY_MET: 1, FindingStatus.NOT_MET: 0}
BOOK = default_rulebook()
MACHINE = [rule.requirement for rule in BOOK if rule.by_machine]
BEST: dict[str, FindingStatus] = {}
"""Requirements the data can at best partly decide (none since the SMS register)."""

Mutation = Callable[[World], Snapshot | None]


def decide(requirement: str, snapshot: Snapshot) -> AuditFinding:
    return BOOK[requirement].decide(snapshot)


def good_snapshot(world: World, at: datetime = AT) -> Snapshot:
    return world.snapshot(at)


# -- mutations, one per requirement --------------------------------------------------------


def overdue(kind: str, subject: str) -> Mutation:
    """The review of ``subject`` falls due on 20 May and is not done by 1 June."""

    def mutate(w: World) -> None:
        w.reviews.reschedule((kind, subject), at=MAY, by=SLM, next_due=datetime(2026, 5, 20,
                             tzinfo=T0.tzinfo))  # fmt: skip

    return mutate


def add_service(**fields: object) -> Mutation:
    """A live service besides the shop, specified with ``fields``."""

    def mutate(w: World) -> None:
        spec: dict[str, object] = {
            "description": "Remote access",
            "value_proposition": "Work anywhere",
            "target_customers": ["staff"],
            "owner": "carl",
            "phase": "in_production",
        }
        spec.update(fields)
        w.portfolio.add_service(Service("vpn", "VPN", **spec))  # type: ignore[arg-type]

    return mutate


def add_case(case: Case, *events: tuple[str, str, datetime, dict[str, object]]) -> Mutation:
    def mutate(w: World) -> None:
        fresh = case.copy()  # the mutation may run for several tests
        for event, actor, at, data in events:
            fire(fresh, event, actor, at, **data)
        w.cases.append(fresh)

    return mutate


def tamper(case_id: str, **fields: object) -> Mutation:
    """Change stored fields of a case behind its lifecycle's back."""

    def mutate(w: World) -> None:
        case = next(c for c in w.cases if c.id == case_id)
        for name, value in fields.items():
            object.__setattr__(case, name, value)

    return mutate


def drop(kind: str) -> Mutation:
    def mutate(w: World) -> None:
        w.cases = [c for c in w.cases if c.kind != kind]

    return mutate


def two_sms_owners(w: World) -> None:
    w.roles.assign("carl", Role.SMS_OWNER)


def no_srm_manager(w: World) -> None:
    w.roles.revoke(SLM, Role.PROCESS_MANAGER, "SRM")


def history_rewritten(w: World) -> None:
    w.cases[0].status = IncidentStatus.IN_PROGRESS


def rto_missed(w: World) -> None:
    start = _day(100)
    w.continuity.record_test(
        ContinuityTest("ct-2", "cp-shop", "shop", "db1 lost again",
                       [TestEvent("disrupted", start),
                        TestEvent("restored", start + timedelta(hours=6))]),
        at=start + timedelta(days=1),
        by=SLM,
    )  # fmt: skip


def no_outages(w: World) -> None:
    w.outages = []


def unapproved_policy(w: World) -> None:
    w.security.add_policy("pol-2", title="Backups", text="Daily.", at=_day(5), by="isa")


def no_risk_manager(w: World) -> None:
    w.roles.revoke("rick", Role.INFORMATION_SECURITY_RISK_MANAGER)


def untreated_security_risk(w: World) -> None:
    w.risks.add(
        Risk("r-phish", "Phishing", "information_security", ["mail"], "likely", "major"),
        at=_day(5),
        by="rick",
    )


def unregistered_supplier(w: World) -> None:
    # the portfolio names a supplier the supplier register does not hold
    w.portfolio.add_supplier(Supplier("cdn", "CDN Co", "external", "noc@cdn.example"))


def no_escalation(w: World) -> None:
    w.suppliers.add(Supplier("cdn", "CDN Co", "external", "noc@cdn.example"), at=T0, by=SLM)


def unmanaged_supplier(w: World) -> None:
    w.roles.revoke(SLM, Role.SUPPLIER_RELATIONSHIP_MANAGER, "pay")


def uncovered_component(w: World) -> None:
    w.portfolio.add_component(ServiceComponent("db", "Database", owner="ann"))


def agreement_without_targets(kind: str) -> Mutation:
    def mutate(w: World) -> None:
        w.agreements.add(Agreement(f"{kind.lower()}-x", kind, "ops", ["x"], [], valid_from=T0))

    return mutate


def lonely_ci(w: World) -> None:
    w.cmdb.add(ConfigurationItem("lonely", "db", "Lonely", owner="ann"), actor="ann", at=T0)


def unowned_ci(w: World) -> None:
    w.cmdb.add(ConfigurationItem("db2", "db", "Second db"), actor="ann", at=T0)
    w.cmdb.add_relationship("web1", "db2", actor="ann", at=T0)


def thin_schema(w: World) -> None:
    w.cmdb = Cmdb(CmdbSchema(ci_types=[CiType("vm")]))


def new_incident(case_id: str, *, day: int = 10, **fields: object) -> Incident:
    return Incident(case_id, "Another", _day(day), "ann", **fields)  # type: ignore[arg-type]


def change(case_id: str, day: int = 34, **fields: object) -> Change:
    return Change(case_id, "A change", _day(day), "ann", risk="low", benefits="b", **fields)  # type: ignore[arg-type]


def through_approval(
    major: bool, approver: str, day: int = 34
) -> list[tuple[str, str, datetime, dict[str, object]]]:
    return [
        ("classify", "ann", _day(day), {"change_type": "normal", "major": major}),
        ("assess", "ann", _day(day + 1), {"effort": "1 h", "feasibility": "yes"}),
        ("approve", approver, _day(day + 2), {}),
    ]


def implemented(day: int) -> list[tuple[str, str, datetime, dict[str, object]]]:
    return [
        ("schedule", "ann", _day(day), {"planned_start": _day(day + 1),
                                        "planned_end": _day(day + 1, 1)}),
        ("implement", "ann", _day(day + 1), {}),
    ]  # fmt: skip


def release(case_id: str, changes: list[str], day: int = 37) -> Release:
    return Release(case_id, "A release", _day(day), "ann")


def planned_release(
    changes: list[str], day: int
) -> list[tuple[str, str, datetime, dict[str, object]]]:
    return [
        ("plan", "ann", _day(day), {"changes": changes, "strategy": "big_bang",
                                    "testing": "canary", "acceptance_criteria": ["ok"],
                                    "rollback_plan": "undo"}),
    ]  # fmt: skip


def unlinked_trend(w: World) -> None:
    for n in range(3):
        case = new_incident(f"INC-T{n}", day=80 + n, cis=["db1"])
        fire(case, "cancel", "ann", _day(80 + n))
        w.cases.append(case)


def late_known_error(w: World) -> Snapshot:
    # audited half a year after the last update of the known error
    return good_snapshot(w, at=_day(120) + timedelta(days=181))


def not_approved_release(w: World) -> None:
    rfc = change("CHG-9")
    w.cases.append(rfc)
    rel = release("REL-9", ["CHG-9"])
    for event, actor, at, data in planned_release(["CHG-9"], 40):
        fire(rel, event, actor, at, **data)
    w.cases.append(rel)


# -- the SMS register (GR1.2-GR7.1) ---------------------------------------------------------

LATER = _day(100)
"""When a mutation changes the SMS: after every change the provider made to it."""


def policy_approved_by_a_manager(w: World) -> None:
    # version 2, approved by the SLM process manager and never communicated
    w.sms.define_policy(goals=["Meet every SLA"], commitments=list(Commitment), at=LATER, by=SLM)
    w.sms.approve_policy(at=LATER, by=SLM)


def policy_only(w: World) -> None:
    sms = SmsRegister("sms")
    sms.define_policy(goals=["Meet every SLA"], commitments=list(Commitment), at=T0, by="olga")
    w.sms = sms


def draft_document(w: World) -> None:
    w.sms.add_document(ControlledDocument("doc-x", "Draft"), at=LATER, by="olga")


def stakeholder_not_analysed(w: World) -> None:
    w.sms.identify_stakeholder(Stakeholder("staff", "Staff", "user"), at=LATER, by="olga")


def scope_without_stakeholders(w: World) -> None:
    w.sms.define_scope(ScopeStatement(services=["shop"]), at=LATER, by="olga")


def plan_without_training(w: World) -> None:
    w.sms.set_plan(attrs.evolve(w.sms.plan, training=(), history=()), at=LATER, by="olga")


def plan_serving_unknown_goal(w: World) -> None:
    plan = ProcessPlan("pp-cap", "CAPM", "Capacity tool", serves=["g-cap"])
    w.sms.set_process_plan(plan, at=LATER, by=SLM)


def milestone_missed(w: World) -> None:
    plan = w.sms.plan
    late = Milestone("m3", "CSI at level 2", _day(120), goal="g-def")
    w.sms.set_plan(
        attrs.evolve(plan, milestones=(*plan.milestones, late), history=()), at=LATER, by="olga"
    )


def kpi_never_measured(w: World) -> None:
    kpi = Kpi("k-new", "New", goal="g", measure="m", collection="c", target=KpiTarget(1),
              review="r", process="CHM")  # fmt: skip
    w.sms.define_kpi(kpi, at=LATER, by="olga")


def nonconformity_without_action(w: World) -> None:
    w.sms.raise_nonconformity(Nonconformity("nc-2", "No CAB quorum"), at=LATER, by="olga")


def waiting_proposal(w: World) -> None:
    # proposed on 15 January, never evaluated by 1 June
    w.products.propose(
        Proposal("p-chat", "Chat", "chat", "new", predicted_demand="300 a day",
                 required_resources="2 agents", expected_benefits="fewer calls"),
        at=_day(10),
        by="ann",
    )  # fmt: skip


def no_nonconformities_reported(w: World) -> None:
    content = ["service_performance", "significant_events"]
    w.reports.revise("sla-monthly", content=content, at=MAY, by=SLM)


def audience_widened(w: World) -> None:
    # a new recipient: the agreement of the consumers is withdrawn too
    w.reports.revise("sla-monthly", audience=["consumers", "carl"], at=MAY, by=SLM)


def report_never_produced(w: World) -> None:
    spec = attrs.evolve(w.reports.specification("sla-monthly"), id="capacity-monthly",
                        history=(), agreements=())  # fmt: skip
    w.reports.specify(spec, at=_day(2), by=SLM)


def unmonitored_capacity(w: World) -> None:
    w.capacity.set_capacity(Capacity("db1", "storage", Q_(2, "TB")), at=_day(2), by="ann")


def plan_changed_since_approval(w: World) -> None:
    item = PlanItem("budget", "financial", "A reserve for peaks", cost="500", currency="EUR")
    w.capacity.add_plan_item("cap-2026", item, at=MAY, by="dora")


def critical_peak(w: World) -> None:
    # web1 at 15 of 16 cores (93.75 %, above the critical 90 %) on its 20 May sample, and
    # no case names web1 afterwards
    [series] = w.utilisation
    values = series.values.copy()
    values[35] = 15.0
    w.utilisation = [UtilisationSeries.of("web1", "cpu", "core", series.times, values)]


def no_relationship_manager(w: World) -> None:
    w.roles.revoke("cleo", Role.CUSTOMER_RELATIONSHIP_MANAGER, "consumers")


def no_complaint_channel(w: World) -> None:
    kept = [c for c in w.customers.customer("consumers").channels if c.purpose != "complaint"]
    w.customers.set_channels("consumers", kept, at=MAY, by="cleo")


def low_scores_unfollowed(w: World) -> None:
    survey = SatisfactionSurvey("s-2026-q2", date(2026, 4, 1), {"shop": [2, 3]})
    w.customers.record_survey("consumers", survey, at=MAY, by="cleo")


MUTATIONS: dict[str, Mutation] = {
    "GR1.1": two_sms_owners,
    "GR1.2": policy_approved_by_a_manager,
    "GR1.3": overdue("management_review", "sms"),
    "GR2.1": policy_only,
    "GR2.2": no_srm_manager,
    "GR2.3": drop("problem"),
    "GR2.4": draft_document,
    "GR3.1": stakeholder_not_analysed,
    "GR3.2": scope_without_stakeholders,
    "GR4.1": plan_without_training,
    "GR4.2": plan_serving_unknown_goal,
    "GR5.1": milestone_missed,
    "GR5.2": history_rewritten,
    "GR6.1": kpi_never_measured,
    "GR6.2": overdue("sms_assessment", "sms"),
    "GR7.1": nonconformity_without_action,
    "GR7.2": drop("improvement"),
    "PR1.1": add_service(description=""),
    "PR1.2": waiting_proposal,
    "PR1.3": add_service(),
    "PR1.4": add_service(),
    "PR2.1": add_service(target_customers=[]),
    "PR2.2": add_service(),
    "PR2.3": agreement_without_targets("SLA"),
    "PR2.4": uncovered_component,
    "PR2.5": agreement_without_targets("OLA"),
    "PR3.1": no_nonconformities_reported,
    "PR3.2": audience_widened,
    "PR3.3": report_never_produced,
    "PR4.1": add_service(),
    "PR4.2": overdue("risk_assessment", "r-db"),
    "PR4.3": rto_missed,
    "PR4.4": no_outages,
    "PR5.1": add_service(),
    "PR5.2": unmonitored_capacity,
    "PR5.3": plan_changed_since_approval,
    "PR5.4": critical_peak,
    "PR6.1": unapproved_policy,
    "PR6.2": no_risk_manager,
    "PR6.3": untreated_security_risk,
    "PR6.4": add_case(SecurityIncident("SEC-2", "Odd login", _day(100), "ann")),
    "PR6.5": add_case(
        AccessRequest(
            "ACR-2",
            "Payroll write",
            _day(5),
            "dora",
            person="dora",
            asset="payroll",
            access="write",
            reason="curious",
        ),
        ("approve", "ann", _day(6), {"decision": "fine"}),
    ),
    "PR7.1": add_service(target_customers=[]),
    "PR7.2": no_relationship_manager,
    "PR7.3": no_complaint_channel,
    "PR7.4": overdue("customer_review", "consumers"),
    "PR7.5": add_case(
        Complaint("CMP-2", "Rude reply", _day(60), "ann", customer="consumers"),
        ("evaluate", "ann", _day(61), {"evaluation": "checked"}),
        ("approve", "ann", _day(62), {}),
    ),
    "PR7.6": low_scores_unfollowed,
    "PR8.1": unregistered_supplier,
    "PR8.2": unmanaged_supplier,
    "PR8.3": no_escalation,
    "PR8.4": overdue("supplier", "pay"),
    "PR9.1": add_case(new_incident("INC-3")),
    "PR9.2": lambda w: tamper(
        "INC-1",
        history=tuple(
            attrs.evolve(e, changes={}) if e.event == "resolve" else e for e in w.cases[0].history
        ),
    )(w),
    "PR9.3": add_case(
        new_incident("INC-4", service="shop"),
        ("classify", "ann", _day(10), {"category": "x"}),
        (
            "prioritise",
            "ann",
            _day(10),
            {"impact": "low", "urgency": "low", "priority": "P4", "agreement": "sla-shop"},
        ),
        ("assign", "ann", _day(10), {"group": "web-team", "assignee": "ann"}),
        ("escalate_hierarchically", "ann", _day(11), {"escalated_to": "dora"}),
    ),
    "PR9.5": add_case(
        new_incident("INC-5"),
        ("classify", "ann", _day(100), {"category": "x"}),
        ("prioritise", "ann", _day(100), {"impact": "low", "urgency": "low", "priority": "P4"}),
        ("assign", "ann", _day(100), {"group": "web-team", "assignee": "ann"}),
        ("resolve", "ann", _day(101), {"resolution": "done"}),
    ),
    "PR9.6": add_case(
        new_incident("INC-6"),
        ("classify", "ann", _day(100), {"category": "x"}),
        ("prioritise", "ann", _day(100), {"impact": "high", "urgency": "high", "priority": "P1"}),
    ),
    "PR10.1": unlinked_trend,
    "PR10.2": add_case(
        Problem("PRB-2", "Flaky", _day(40), "ann"),
        ("classify", "ann", _day(40), {"category": "x"}),
    ),
    "PR10.3": add_case(
        Problem("PRB-3", "Leak", _day(40), "ann"),
        ("classify", "ann", _day(40), {"category": "x"}),
        ("investigate", "ann", _day(41), {}),
        ("record_root_cause", "ann", _day(42), {"root_cause": "a bug"}),
    ),
    "PR10.4": late_known_error,
    "PR11.1": thin_schema,
    "PR11.2": lonely_ci,
    "PR11.3": add_service(),
    "PR11.4": unowned_ci,
    "PR11.5": overdue("cmdb_verification", "default"),
    "PR12.1": add_case(change("CHG-3", day=10)),
    "PR12.2": tamper("CHG-1", status="approved"),
    "PR12.3": tamper("CHG-1", feasibility=""),
    "PR12.4": add_case(change("CHG-4"), *through_approval(True, CHM), *implemented(37)),
    "PR12.5": add_case(
        change("CHG-5", day=90), *through_approval(False, CHM, 90), *implemented(93)
    ),
    "PR12.6": add_case(change("CHG-6", day=90), *through_approval(False, CHM, 90)),
    "PR13.1": tamper("REL-1", strategy=None),
    "PR13.2": not_approved_release,
    "PR13.3": tamper("REL-1", acceptance_criteria=()),
    "PR13.4": tamper("REL-1", test_results={"queries < 1 s": False}),
    "PR13.5": tamper("REL-1", rollback_plan=""),
    "PR13.6": add_case(
        release("REL-2", ["CHG-2"], day=90),
        *planned_release(["CHG-2"], 90),
        ("build", "ann", _day(91), {}),
        ("test", "ann", _day(92), {"test_results": {"ok": True}}),
        ("deploy", "ann", _day(93), {}),
    ),
    "PR14.1": drop("improvement"),
    "PR14.2": add_case(Improvement("IMP-2", "Idea", _day(60), "ann")),
    "PR14.3": add_case(
        Improvement("IMP-3", "Idea", _day(60), "ann"),
        ("evaluate", "ann", _day(61), {"evaluation": "good"}),
        ("approve", "ivan", _day(62), {}),
    ),
}


def test_every_machine_rule_has_a_mutation() -> None:
    assert sorted(MUTATIONS) == sorted(MACHINE)
    assert len(MACHINE) >= 50


@pytest.mark.parametrize("requirement", MACHINE)
def test_the_conformant_provider_meets_it(requirement: str) -> None:
    found = decide(requirement, good_snapshot(World()))
    assert found.status is BEST.get(requirement, FindingStatus.MET), found
    assert found.by_machine
    assert found.evidence


@pytest.mark.parametrize("requirement", MACHINE)
def test_breaking_it_is_found(requirement: str) -> None:
    world = World()
    before = decide(requirement, good_snapshot(world))
    snapshot = MUTATIONS[requirement](world) or good_snapshot(world)
    after = decide(requirement, snapshot)
    assert RANK[after.status] < RANK[before.status], (before, after)
    assert after.next_step, after


@pytest.mark.parametrize("requirement", MACHINE)
def test_an_empty_store_does_not_meet_it(requirement: str) -> None:
    found = decide(requirement, Snapshot(AT))
    assert found.status is FindingStatus.NOT_MET, found
    assert found.next_step


class TestWhatTheEvidenceNames:
    def test_an_sla_review_overdue_names_the_sla_and_the_service(self) -> None:
        world = World()
        overdue("agreement", "sla-shop")(world)
        found = decide("PR2.2", good_snapshot(world))
        # one customer-facing service, its only SLA overdue: nothing is in order
        assert found.status is FindingStatus.NOT_MET
        assert "SLA review overdue: 'sla-shop (shop)'" in found.evidence
        assert found.counts["reviews_overdue"] == 1

    def test_a_major_change_approved_by_the_change_manager_alone_is_not_enough(self) -> None:
        world = World()
        MUTATIONS["PR12.4"](world)
        found = decide("PR12.4", good_snapshot(world))
        # CHG-1 (normal, CHM), CHG-2 (major, CAB) are in order; CHG-4 (major, CHM) is not
        assert found.status is FindingStatus.PARTLY_MET
        assert "approved by someone without the cab authority: 'CHG-4'" in found.evidence
        assert found.counts == {"cases": 3, "deviating": 1, "implemented": 3}

    def test_a_change_implemented_without_approval_is_found_in_its_history(self) -> None:
        world = World()
        rfc = next(c for c in world.cases if c.id == "CHG-2")
        # the stored history rewritten: the approval step left out
        rfc.history = tuple(e for e in rfc.history if e.event != "approve")
        found = decide("PR12.4", good_snapshot(world))
        assert "implemented without approval: 'CHG-2'" in found.evidence

    def test_the_cab_member_may_approve_a_normal_change_too(self) -> None:
        world = World()
        add_case(change("CHG-7"), *through_approval(False, CAB), *implemented(37))(world)
        assert decide("PR12.4", good_snapshot(world)).status is FindingStatus.MET

    def test_a_major_incident_without_its_review_is_named(self) -> None:
        world = World()
        major = next(c for c in world.cases if c.id == "INC-2")
        major.history = tuple(e for e in major.history if e.event != "review_major")
        found = decide("PR9.6", good_snapshot(world))
        assert "major incident without a review: 'INC-2'" in found.evidence

    def test_a_cmdb_verification_overdue_is_not_met(self) -> None:
        world = World()
        overdue("cmdb_verification", "default")(world)
        found = decide("PR11.5", good_snapshot(world))
        assert found.status is FindingStatus.NOT_MET
        assert found.counts == {"overdue": 1, "reviewed": 1, "scheduled": 1, "subjects": 1}

    def test_process_records_count_each_process(self) -> None:
        found = decide("GR2.3", good_snapshot(World()))
        # 1 service, 2 agreements in force, 1 report, 1 requirement + 1 plan + 2 outages,
        # 1 capacity record, ISM: asset + policy + control + 1 event + 1 request, ...
        assert found.counts["spm"] == 1
        assert found.counts["slm"] == 2
        assert found.counts["sacm"] == 4
        assert found.counts["ism"] == 5
        assert found.counts["isrm"] == 3
        assert found.counts["chm"] == 2


def test_a_user_rule_replaces_the_major_incident_criteria() -> None:
    from fitsm.cases.incidents import MajorIncidentCriteria
    from fitsm.conformance.checks_operations import major_incidents

    world = World()
    MUTATIONS["PR9.6"](world)  # a P1 incident not declared major
    book = default_rulebook()
    book.replace(attrs.evolve(book["PR9.6"], check=major_incidents(MajorIncidentCriteria(
        priorities=["P0"]))))  # fmt: skip
    assert book.decide("PR9.6", good_snapshot(world)).status is FindingStatus.MET


class TestWhatTheSmsEvidenceNames:
    """The general requirements read from the SMS register: what their evidence names."""

    def test_a_policy_approval_missing_from_its_history_is_found(self) -> None:
        world = World()
        policy = world.sms.policy
        # the stored history rewritten: the approval entry left out, the Approval kept
        tampered = attrs.evolve(
            policy, history=tuple(c for c in policy.history if c.action != "approved")
        )
        world.sms._items[("policy", "policy")] = tampered
        found = decide("GR1.2", good_snapshot(world))
        assert found.status is FindingStatus.PARTLY_MET
        assert "the approval of version 1 is not in the policy's history" in found.evidence

    def test_a_follow_up_action_past_due_makes_the_reviews_partly_met(self) -> None:
        world = World()
        review = ManagementReview(
            "mr-early", _day(20), inputs=["KPIs"], actions=[Action("a9", "Fix", due=_day(30))]
        )
        world.sms.record_management_review(review, at=_day(20), by="olga")
        found = decide("GR1.3", good_snapshot(world))
        # on schedule and recorded, but mr-early's action a9 fell due on 4 February
        assert found.status is FindingStatus.PARTLY_MET
        assert "follow-up actions past due: 'mr-early/a9'" in found.evidence
        assert found.counts["actions_past_due"] == 1 and found.counts["recorded"] == 2

    def test_a_review_recorded_by_someone_else_is_named(self) -> None:
        world = World()
        review = ManagementReview("mr-sam", _day(90), inputs=["KPIs"])
        world.sms.record_management_review(review, at=_day(90), by=SLM)
        found = decide("GR1.3", good_snapshot(world))
        assert "reviews performed by someone other than the SMS owner: 'sam'" in found.evidence

    def test_a_definition_lacking_contents_names_what_it_lacks(self) -> None:
        world = World()
        world.sms.define_process(ProcessDefinition("PM", goals=["fewer incidents"]),
                                 at=LATER, by="olga")  # fmt: skip
        found = decide("GR2.2", good_snapshot(world))
        assert found.status is FindingStatus.PARTLY_MET
        assert (
            "definitions lacking contents: PM (inputs, activities, outputs, roles, interfaces)"
            in found.evidence
        )
        assert found.counts["complete"] == 13

    def test_processes_out_of_scope_are_not_judged(self) -> None:
        world = World()
        world.sms.define_process(ProcessDefinition("PM", goals=["fewer incidents"]),
                                 at=LATER, by="olga")  # fmt: skip
        processes = [p for p in Process if p.value != "PM"]
        world.sms.define_scope(
            ScopeStatement(services=["shop"], processes=processes,
                           stakeholders=["consumers", "dc", "pay"]),
            at=LATER,
            by="olga",
        )  # fmt: skip
        found = decide("GR2.2", good_snapshot(world))
        assert found.status is FindingStatus.MET
        assert "out of scope, not judged: PM" in found.evidence
        assert found.counts["processes"] == 13
        # and GR3.2 reports the scope's processes
        assert (
            decide("GR3.2", good_snapshot(world))
            .evidence[0]
            .endswith("processes: 13 of 14 (not PM)")
        )

    def test_a_customer_not_among_the_stakeholders_is_named(self) -> None:
        world = World()
        add_service()(world)  # the VPN, for the staff
        found = decide("GR3.1", good_snapshot(world))
        assert found.status is FindingStatus.PARTLY_MET
        assert "customers and suppliers not identified as stakeholders: 'staff'" in found.evidence

    def test_a_document_review_overdue_is_named(self) -> None:
        world = World()
        overdue("document", "doc-policy")(world)
        found = decide("GR2.4", good_snapshot(world))
        assert found.status is FindingStatus.PARTLY_MET
        assert "review overdue: 'doc-policy'" in found.evidence

    def test_without_process_plans_there_is_nothing_to_align(self) -> None:
        world = World()
        world.sms.retire_process_plan("pp-chm", at=LATER, by=CHM)
        found = decide("GR4.2", good_snapshot(world))
        assert found.status is FindingStatus.MET
        assert found.evidence[0] == "no process-specific plan is in force: nothing to align"

    def test_a_milestone_reached_late_is_named_yet_the_plan_is_implemented(self) -> None:
        world = World()
        plan = world.sms.plan
        late = Milestone("m0", "Owner named", _day(10), goal="g-def")
        world.sms.set_plan(attrs.evolve(plan, milestones=(*plan.milestones, late), history=()),
                           at=LATER, by="olga")  # fmt: skip
        world.sms.reach_milestone("m0", at=LATER, by="olga")
        found = decide("GR5.1", good_snapshot(world))
        assert found.status is FindingStatus.MET
        assert "reached after their due date: 'm0'" in found.evidence
        assert found.counts == {"late": 1, "milestones": 3, "overdue": 0, "reached": 2}

    def test_a_milestone_reached_after_the_audit_does_not_count(self) -> None:
        world = World()
        found = decide("GR5.1", good_snapshot(world, at=_day(50)))
        # m1 is due on day 60 and reached on day 55: not yet, nothing due either
        assert found.status is FindingStatus.MET
        assert found.counts["reached"] == 0

    def test_findings_and_kpis_not_raised_are_named(self) -> None:
        world = World()
        world.sms.record_assessment(
            Assessment("audit-2", "external audit", _day(130), "eve",
                       findings=[AssessmentFinding("f2", "nonconformity", "No PM", "GR2.2")]),
            at=_day(130),
            by="olga",
        )  # fmt: skip
        world.sms.record_measurement("k-chm", "0.5", at=_day(130), by="olga")
        found = decide("GR7.1", good_snapshot(world))
        # nc-1 is in order; the new finding and the KPI off target are not raised
        assert found.status is FindingStatus.PARTLY_MET
        assert "assessment findings not raised: 'audit-2/f2'" in found.evidence
        assert "KPIs off target without a deviation raised: 'k-chm'" in found.evidence
        assert found.counts["unraised"] == 2

    def test_a_deviation_closed_before_the_kpi_missed_again_does_not_count(self) -> None:
        world = World()
        sms = world.sms
        sms.record_measurement("k-chm", "0.5", at=_day(130), by="olga")
        deviation = Nonconformity("nc-k", "CHM slow", kind="deviation", source="kpi:k-chm")
        sms.raise_nonconformity(deviation, at=_day(131), by="olga")
        sms.add_corrective_action("nc-k", Action("c", "Faster CAB"), at=_day(131), by="olga")
        assert decide("GR7.1", good_snapshot(world)).status is FindingStatus.MET
        sms.complete_corrective_action("nc-k", "c", at=_day(132), by="olga")
        sms.close_nonconformity("nc-k", at=_day(132), by="olga")
        # still met: the deviation was raised after the miss it handles
        assert decide("GR7.1", good_snapshot(world)).status is FindingStatus.MET
        sms.record_measurement("k-chm", "0.6", at=_day(140), by="olga")
        found = decide("GR7.1", good_snapshot(world))
        assert "KPIs off target without a deviation raised: 'k-chm'" in found.evidence

    def test_an_improvement_the_store_does_not_hold_is_named(self) -> None:
        world = World()
        world.sms.link_improvement("nc-1", "CSI-404", at=_day(130), by="olga")
        found = decide("GR7.1", good_snapshot(world))
        assert "feeding an improvement the store does not hold: 'nc-1'" in found.evidence
        world.sms.raise_nonconformity(Nonconformity("nc-3", "x"), at=LATER, by="olga")
        world.sms.link_improvement("nc-3", "IMP-1", at=LATER, by="olga")
        assert "'nc-3'" not in " ".join(decide("GR7.1", good_snapshot(world)).evidence)

    def test_the_audit_reads_the_default_register(self) -> None:
        world = World()
        other = SmsRegister("default")
        snapshot = attrs.evolve(good_snapshot(world), sms=(other, world.sms))
        # the desks' register is 'default': an empty one, so nothing is met
        assert decide("GR1.2", snapshot).status is FindingStatus.NOT_MET


class TestRolesOfTheirTime:
    """What people did is judged by the roles they held when they did it."""

    def test_an_approval_by_a_cab_member_who_left_later_stays_valid(self) -> None:
        world = World()
        world.roles.revoke(CAB, Role.CAB_MEMBER, "CAB", at=_day(100))  # after CHG-2's approval
        assert decide("PR12.4", good_snapshot(world)).status is FindingStatus.MET

    def test_an_approval_before_the_approver_joined_the_cab_is_found(self) -> None:
        world = World()
        world.roles.revoke(CAB, Role.CAB_MEMBER, "CAB")
        world.roles.assign(CAB, Role.CAB_MEMBER, "CAB", at=_day(100))  # after the approval
        found = decide("PR12.4", good_snapshot(world))
        assert found.status is not FindingStatus.MET
        assert any("CHG-2" in line for line in found.evidence), found.evidence

    def test_a_complaint_decided_as_the_role_was_taken_away_is_found(self) -> None:
        world = World()
        world.roles.revoke(CRM, Role.PROCESS_MANAGER, "CRM", at=_day(57))  # as she decided it
        found = decide("PR7.5", good_snapshot(world))
        assert found.status is not FindingStatus.MET


REGISTER_RULES = ["PR1.2", "PR3.1", "PR3.2", "PR3.3", "PR5.1", "PR5.2", "PR5.3", "PR5.4",
                  "PR7.2", "PR7.3", "PR7.6"]  # fmt: skip
"""The rules decided from the product, report, capacity and customer registers."""


class TestWhatTheRegistersShow:
    def test_a_decision_without_an_evaluation_is_found_in_the_history(self) -> None:
        world = World()
        proposal = world.products.proposal("p-vpn")
        # the stored history rewritten: the evaluation left out
        kept = tuple(c for c in proposal.history if c.action != "evaluated")
        world.products._proposals["p-vpn"] = attrs.evolve(proposal, history=kept)
        found = decide("PR1.2", good_snapshot(world))
        assert found.status is FindingStatus.NOT_MET
        assert "decided without an evaluation of what it says: 'p-vpn'" in found.evidence

    def test_a_proposal_decided_by_staff_is_replayed_against_the_spm_rules(self) -> None:
        world = World()
        world.products.propose(
            Proposal("p-chat", "Chat", "chat", "new", predicted_demand="300 a day",
                     required_resources="2 agents", expected_benefits="fewer calls"),
            at=_day(10),
            by="ann",
        )  # fmt: skip
        world.products.evaluate_proposal("p-chat", [Finding("demand", True)], at=_day(11), by="ann")
        world.products.decide_proposal("p-chat", approved=True, at=_day(12), by="ann")
        found = decide("PR1.2", good_snapshot(world))
        # ann is SPM process staff: she may propose, not evaluate or decide
        assert found.status is FindingStatus.PARTLY_MET
        assert "evaluated or decided without the SPM manager's authority: 'p-chat'" in (
            found.evidence
        )
        assert found.counts["wrongly_decided"] == 1

    def test_a_fresh_proposal_is_not_late(self) -> None:
        world = World()
        waiting_proposal(world)
        # audited ten days after it was proposed
        found = decide("PR1.2", good_snapshot(world, at=_day(20)))
        assert found.status is FindingStatus.MET
        assert found.counts["waiting"] == 0

    def test_an_sla_service_without_a_performance_report_is_named(self) -> None:
        world = World()
        world.reports.revise("sla-monthly", services=["mail"], at=MAY, by=SLM)
        found = decide("PR3.1", good_snapshot(world))
        assert "services under an SLA without a performance report: 'shop'" in found.evidence

    def test_a_new_owner_leaves_the_agreement_standing(self) -> None:
        world = World()
        world.reports.revise("sla-monthly", owner="ann", at=MAY, by=SLM)
        assert decide("PR3.2", good_snapshot(world)).status is FindingStatus.MET

    def test_an_agreement_recorded_by_someone_without_the_authority_does_not_count(
        self,
    ) -> None:
        world = World()
        world.reports.revise("sla-monthly", channel="portal", at=MAY, by=SLM)
        world.reports.agree("sla-monthly", recipients=["consumers"], at=MAY, by="dora")
        found = decide("PR3.2", good_snapshot(world))
        assert found.status is FindingStatus.NOT_MET
        assert "agreement recorded without the report owner's authority: 'sla-monthly'" in (
            found.evidence
        )
        assert "not agreed as specified now by: 'sla-monthly (consumers)'" in found.evidence

    def test_an_issue_produced_late_and_delivered_elsewhere_is_named(self) -> None:
        world = World()
        spec = attrs.evolve(world.reports.specification("sla-monthly"), id="weekly",
                            frequency=timedelta(days=7), allowed_delay=timedelta(days=1),
                            first_period=_day(133), history=(), agreements=())  # fmt: skip
        world.reports.specify(spec, at=_day(2), by=SLM)
        world.roles.assign(SLM, Role.REPORT_OWNER, "weekly")
        # the week 18-25 May produced on the 28th (deadline: the 26th), delivered by portal
        first = world.reports.specification("weekly").period_after(_day(133))
        evaluation = evaluate(world.agreements, first.start, first.end)
        report = build_report(world.reports.specification("weekly"), first, evaluation=evaluation)
        world.reports.produce(report, at=_day(143), by=SLM)
        world.reports.deliver("weekly", first.start, recipients=["consumers"], at=_day(143),
                              by=SLM, channel="portal")  # fmt: skip
        found = decide("PR3.3", good_snapshot(world))
        assert found.status is FindingStatus.PARTLY_MET
        assert "produced after the deadline: 'weekly 2026-05-18'" in found.evidence
        assert "delivered through another channel than specified: 'weekly 2026-05-18'" in (
            found.evidence
        )
        # the week of 25 May ended on 1 June 09:00, the audit's instant: still within its delay
        assert found.counts["pending"] == 1 and found.counts["on_time"] == 5

    def test_a_report_not_yet_due_is_not_enough(self) -> None:
        world = World()
        found = decide("PR3.3", Snapshot(AT, reports=(world.reports,), window=timedelta(hours=1)))
        # no issue ended in the last hour before the audit
        assert found.status is FindingStatus.NOT_MET
        assert found.counts == {"issues": 0, "pending": 0}

    def test_a_requirement_without_its_derivation_is_named(self) -> None:
        world = World()
        bare = CapacityRequirement("mem-shop", "shop", "memory", Q_(8, "GB"))
        world.capacity.add_requirement(bare, at=_day(2), by=SLM)
        found = decide("PR5.1", good_snapshot(world))
        # cpu-shop is derived from the SLA, mem-shop from nothing recorded
        assert found.status is FindingStatus.PARTLY_MET
        assert "not derived from an SLA target or predicted demand: 'mem-shop'" in found.evidence

    def test_utilisation_without_a_capacity_is_named(self) -> None:
        world = World()
        days = [_day(140 + d) for d in range(3)]
        world.utilisation.append(UtilisationSeries.of("db1", "iops", "1/s", days, [1, 2, 3]))
        found = decide("PR5.2", good_snapshot(world))
        assert "utilisation monitored without a recorded capacity: 'db1/iops'" in found.evidence
        found = decide("PR5.4", good_snapshot(world))
        assert "no threshold or capacity to analyse against: 'db1/iops'" in found.evidence

    def test_a_plan_approved_by_its_own_owner_is_found(self) -> None:
        world = World()
        plan_changed_since_approval(world)
        world.capacity.approve_plan("cap-2026", at=MAY, by="dora")
        found = decide("PR5.3", good_snapshot(world))
        # dora owns the plan; the CAPM manager or owner approves it
        assert found.status is FindingStatus.NOT_MET
        assert "approved by someone without the CAPM authority: 'cap-2026'" in found.evidence

    def test_a_plan_without_people_does_not_consider_human_resources(self) -> None:
        world = World()
        world.capacity.update_plan_item("cap-2026", "oncall", status="cancelled", at=MAY,
                                        by="dora")  # fmt: skip
        found = decide("PR5.3", good_snapshot(world))
        assert found.status is FindingStatus.PARTLY_MET
        assert "resources not considered: 'cap-2026 (human)'" in found.evidence

    def test_an_exception_answered_by_an_incident_naming_the_ci(self) -> None:
        world = World()
        critical_peak(world)
        add_case(new_incident("INC-9", day=135, cis=["web1"]))(world)
        found = decide("PR5.4", good_snapshot(world))
        # 93.75 % is a warning and an exception; the incident of the same hour answers it
        assert found.status is FindingStatus.MET
        assert found.counts["warnings"] == 1 and found.counts["exceptions"] == 1

    def test_a_unit_has_what_its_organisation_has(self) -> None:
        world = World()
        world.customers.add(Customer("consumers-eu", "EU consumers", parent="consumers"),
                            at=_day(2), by="cleo")  # fmt: skip
        add_service(target_customers=["consumers-eu"])(world)
        for requirement in ("PR7.2", "PR7.3", "PR7.6"):
            assert decide(requirement, good_snapshot(world)).status is FindingStatus.MET

    def test_a_customer_missing_from_the_database_is_named(self) -> None:
        world = World()
        add_service(target_customers=["staff"])(world)
        for requirement in ("PR7.2", "PR7.3", "PR7.6"):
            found = decide(requirement, good_snapshot(world))
            assert found.status is FindingStatus.PARTLY_MET
            assert "not in the customer database: 'staff'" in found.evidence
            assert "add to the customer database" in found.next_step

    def test_two_relationship_managers_are_one_too_many(self) -> None:
        world = World()
        world.roles.assign("sam", Role.CUSTOMER_RELATIONSHIP_MANAGER, "consumers")
        found = decide("PR7.2", good_snapshot(world))
        assert "several customer relationship managers: 'consumers'" in found.evidence

    def test_low_scores_followed_up_are_managed(self) -> None:
        world = World()
        low_scores_unfollowed(world)
        world.customers.record_follow_up("consumers", period=date(2026, 4, 1), service="shop",
                                         action="call the council", at=MAY, by="cleo")  # fmt: skip
        assert decide("PR7.6", good_snapshot(world)).status is FindingStatus.MET

    def test_the_floor_is_the_middle_of_the_scale(self) -> None:
        # (1 + 5) / 2 = 3 on the default scale; (0 + 10) / 2 = 5 on a 0-10 scale; an average
        # of 3 is not below 3
        assert satisfaction_floor(CustomerRegister()) == 3
        assert satisfaction_floor(CustomerRegister(scale=SatisfactionScale(0, 10))) == 5
        world = World()
        survey = SatisfactionSurvey("s-mid", date(2026, 4, 1), {"shop": [2, 4]})
        world.customers.record_survey("consumers", survey, at=MAY, by="cleo")
        assert decide("PR7.6", good_snapshot(world)).status is FindingStatus.MET

    @pytest.mark.parametrize("url", ["memory://", "sqlite"])
    def test_a_stored_world_gives_the_same_findings(self, url: str, tmp_path: Path) -> None:
        from fitsm import open_store

        world = World()
        store = world.store(open_store(f"sqlite:///{tmp_path / 'w.db'}" if url == "sqlite"
                                       else url))  # fmt: skip
        loaded = Snapshot.load(store, at=AT)
        store.close()
        for requirement in REGISTER_RULES:
            assert decide(requirement, loaded) == decide(requirement, good_snapshot(world))


@settings(max_examples=25, deadline=None)
@given(st.sets(st.integers(0, 4)))
def test_every_issue_left_unproduced_is_missing(left_out: set[int]) -> None:
    # the World's report has five monthly issues due by 1 June; produce all but ``left_out``
    world = World()
    spec = world.reports.specification("sla-monthly")
    register = ReportRegister()
    register.specify(attrs.evolve(spec, history=(), agreements=()), at=_day(1), by=SLM)
    register.agree(spec.id, recipients=["consumers"], at=_day(2), by=SLM)
    for n, period in enumerate(spec.periods(AT)):
        if n not in left_out:
            report = build_report(
                spec, period, evaluation=evaluate(world.agreements, period.start, period.end)
            )
            register.produce(report, at=period.end, by=SLM)
            register.deliver(spec.id, period.start, recipients=["consumers"], at=period.end,
                             by=SLM)  # fmt: skip
    found = decide("PR3.3", Snapshot(AT, reports=(register,), roles=world.roles))
    # the May issue (ended 1 June 00:00) is due until 6 June: unproduced, it is not judged
    late = left_out - {4}
    assert found.counts["missing"] == len(late)
    assert found.counts["pending"] == (4 in left_out)
    assert found.counts["on_time"] == 5 - len(left_out)
    judged = 5 - (4 in left_out)
    expected = "met" if not late else "not_met" if len(late) == judged else "partly_met"
    assert found.status == expected
