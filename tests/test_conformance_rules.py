"""Every rule the audit decides by machine: a provider that meets it, and one that does not.

The provider of ``tests/conformance_world.py`` meets every requirement the store can
decide. Each mutation
below breaks exactly the thing one requirement asks for; the rule must then find it
not met or partly met, and name the offending record in its evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import attrs
import pytest

from fitsm.availability.continuity import ContinuityTest, TestEvent
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
from fitsm.portfolio.services import Service, ServiceComponent
from fitsm.risks.register import Risk
from fitsm.roles import Process, Role
from fitsm.service_levels.agreements import Agreement
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
    "PR1.3": add_service(),
    "PR1.4": add_service(),
    "PR2.1": add_service(target_customers=[]),
    "PR2.2": add_service(),
    "PR2.3": agreement_without_targets("SLA"),
    "PR2.4": uncovered_component,
    "PR2.5": agreement_without_targets("OLA"),
    "PR4.1": add_service(),
    "PR4.2": overdue("risk_assessment", "r-db"),
    "PR4.3": rto_missed,
    "PR4.4": no_outages,
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
    "PR7.4": overdue("customer_review", "consumers"),
    "PR7.5": add_case(
        Complaint("CMP-2", "Rude reply", _day(60), "ann", customer="consumers"),
        ("evaluate", "ann", _day(61), {"evaluation": "checked"}),
        ("approve", "ann", _day(62), {}),
    ),
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
