"""A small service provider that meets every FitSM-1 requirement the audit decides by machine.

``World()`` builds it fresh each time; a test breaks one thing (a mutation) and
checks that the rule for that requirement no longer finds it met. ``World.snapshot``
makes the audit's snapshot from the objects; ``World.store`` saves them in a store.

The timeline: the provider was set up on 5 January 2026 (``T0``) and is audited on
1 June 2026 (``AT``); every review was done in May and falls due again after ``AT``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fitsm.availability.continuity import ContinuityTest, Measure, Plan, TestEvent
from fitsm.availability.continuity_register import ContinuityRegister
from fitsm.availability.measurement import Outage, OutageLog
from fitsm.capacity.capacities import Capacity
from fitsm.capacity.plans import CapacityPlan, PlanItem, capacity_plan_subject
from fitsm.capacity.register import CapacityRegister
from fitsm.capacity.requirements import capacity_requirements_subject, derive_requirement
from fitsm.capacity.series import UtilisationSeries
from fitsm.capacity.thresholds import Threshold
from fitsm.cases.access_requests import AccessRequest
from fitsm.cases.base import Case
from fitsm.cases.changes import Change
from fitsm.cases.improvements import Complaint, Improvement
from fitsm.cases.incidents import Incident, ServiceRequest
from fitsm.cases.kinds import lifecycle_of
from fitsm.cases.problems import Problem
from fitsm.cases.releases import Release
from fitsm.cases.security_incidents import SecurityIncident
from fitsm.cmdb.configuration import AttributeSpec, CiType, CmdbSchema, ConfigurationItem
from fitsm.cmdb.database import Cmdb
from fitsm.conformance import Snapshot
from fitsm.customers.contacts import Channel, Contact
from fitsm.customers.register import Customer, CustomerRegister
from fitsm.customers.satisfaction import SatisfactionSurvey
from fitsm.portfolio.products import ProductRegister
from fitsm.portfolio.proposals import AssessmentCriterion, Finding, Proposal
from fitsm.portfolio.services import (
    Service,
    ServiceComponent,
    ServicePortfolio,
    SupplierInvolvement,
)
from fitsm.reporting.register import ReportRegister
from fitsm.reporting.reports import build_report
from fitsm.reporting.specifications import ReportSpecification
from fitsm.reviews.rules import MonthlyRule
from fitsm.reviews.schedules import ReviewSchedules
from fitsm.risks.register import Risk, RiskRegister
from fitsm.roles import Person, Process, Role, RoleModel
from fitsm.security.assets import InformationAsset
from fitsm.security.classification import Classification
from fitsm.security.controls import SecurityControl
from fitsm.security.register import SecurityRegister
from fitsm.service_levels.agreements import Agreement, Agreements, ServiceTarget
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
    PlanGoal,
    ProcessDefinition,
    ProcessPlan,
    Responsibility,
    ScopeStatement,
    ServiceManagementPlan,
    SmsRegister,
    Stakeholder,
)
from fitsm.storage.ports import Store
from fitsm.suppliers import EscalationLevel, SupplierContact, SupplierRegister
from fitsm.suppliers.supplier import Supplier
from fitsm.units import Q_

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
"""When the provider was set up."""
AT = datetime(2026, 6, 1, 9, tzinfo=UTC)
"""When it is audited."""
MAY = datetime(2026, 5, 10, 9, tzinfo=UTC)
"""When the last round of reviews was done."""
YEAR = timedelta(days=365)
HALF_YEAR = timedelta(days=180)

OWNER, SLM, CHM, CAB, CSI, CRM, ISM, ISRM, CLERK = (
    "olga",  # SMS owner
    "sam",  # SLM process manager
    "chris",  # CHM process manager
    "cora",  # CAB member
    "ivan",  # CSI process manager
    "cleo",  # CRM process manager
    "isa",  # ISM process manager
    "rick",  # information security risk manager
    "bob",  # holds access to the payroll records
)


def _day(n: int, hours: int = 0) -> datetime:
    """``n`` days after T0."""
    return T0 + timedelta(days=n, hours=hours)


def fire(case: Case, event: str, actor: str, at: datetime, **data: Any) -> Case:
    lifecycle_of(case).fire(case, event, actor=actor, at=at, **data)
    return case


class World:
    """The provider: every register the audit reads, built fresh."""

    def __init__(self) -> None:
        self.roles = self._roles()
        self.portfolio = self._portfolio()
        self.cmdb = self._cmdb()
        self.agreements = self._agreements()
        self.risks = self._risks()
        self.continuity = self._continuity()
        self.security = self._security()
        self.reviews = self._reviews()
        self.suppliers = self._suppliers()
        self.reports = self._reports()
        self.capacity = self._capacity()
        self.sms = self._sms()
        self.utilisation = self._utilisation()
        self.products = self._products()
        self.customers = self._customers()
        self.cases: list[Case] = self._cases()
        self.outages = [
            Outage("web1", _day(30), _day(30, 2)),
            Outage("shop", _day(30), _day(30, 1)),
        ]

    # -- building ---------------------------------------------------------------------

    def _roles(self) -> RoleModel:
        roles = RoleModel()
        people = [OWNER, SLM, CHM, CAB, CSI, CRM, ISM, ISRM, CLERK, "ann", "carl", "dora"]
        for person in people:
            manager = OWNER if person == SLM else SLM if person == "ann" else None
            roles.add_person(Person(person, person.title(), manager=manager))
        roles.assign(OWNER, Role.SMS_OWNER)
        for process in Process:
            roles.assign(OWNER, Role.PROCESS_OWNER, process)
            manager = {"SLM": SLM, "CHM": CHM, "CSI": CSI, "CRM": CRM, "ISM": ISM}.get(
                process.value, SLM
            )
            roles.assign(manager, Role.PROCESS_MANAGER, process)
            roles.assign("ann", Role.PROCESS_STAFF, process)
        roles.assign(CAB, Role.CAB_MEMBER, "CAB")
        roles.assign(CAB, Role.CAB_MEMBER, "ECAB")
        roles.assign(ISRM, Role.INFORMATION_SECURITY_RISK_MANAGER)
        roles.assign(SLM, Role.SUPPLIER_RELATIONSHIP_MANAGER, "dc")
        roles.assign(SLM, Role.SUPPLIER_RELATIONSHIP_MANAGER, "pay")
        roles.assign(ISM, Role.ASSET_OWNER, "payroll")
        return roles

    def _portfolio(self) -> ServicePortfolio:
        p = ServicePortfolio()
        p.add_supplier(Supplier("dc", "Data centre", "internal", "dc@example.org"))
        p.add_supplier(Supplier("pay", "PayCo", "external", "noc@payco.example"))
        p.add_service(
            Service(
                "shop",
                "Web shop",
                "Online sales",
                "Buy any time",
                ["consumers"],
                "carl",
                suppliers=[
                    SupplierInvolvement("dc", "hosting"),
                    SupplierInvolvement("pay", "payments"),
                ],
            )
        )
        for n, phase in enumerate(("planned", "in_development", "in_production"), 1):
            p.move("shop", phase, actor=SLM, at=_day(n))
        p.add_component(ServiceComponent("web", "Web front end", owner="ann"))
        return p

    def _reports(self) -> ReportRegister:
        """The shop's monthly SLA report, owned by the SLM manager (its report owner), agreed
        with the consumers, produced after each month and delivered by e-mail."""
        self.roles.assign(SLM, Role.REPORT_OWNER, "sla-monthly")
        register = ReportRegister()
        monthly = ReportSpecification(
            "sla-monthly",
            "SLA report",
            purpose="Service levels achieved against the SLA's targets",
            audience=["consumers"],
            frequency=MonthlyRule(1),
            content=["service_performance", "significant_events", "nonconformities"],
            format="markdown",
            channel="email",
            owner=SLM,
            services=["shop"],
            first_period=T0,
        )
        register.specify(monthly, at=_day(1), by=SLM)
        register.agree("sla-monthly", recipients=["consumers"], at=_day(2), by=SLM)
        spec = register.specification("sla-monthly")
        # five months (5 January to 1 February, then calendar months) have ended by the
        # audit on 1 June; each is produced and delivered an hour after it ends
        for period in spec.periods(AT):
            done = period.end + timedelta(hours=1)
            evaluation = evaluate(self.agreements, period.start, period.end)
            register.produce(build_report(spec, period, evaluation=evaluation), at=done, by=SLM)
            register.deliver(spec.id, period.start, recipients=["consumers"], at=done, by=SLM)
        return register

    def _capacity(self) -> CapacityRegister:
        """web1's CPU with a threshold; the shop's CPU requirement derived from its SLA's
        throughput, reviewed in May; the approved capacity plan for it, reviewed in May."""
        self.roles.assign("dora", Role.CAPACITY_PLAN_OWNER, "cap-2026")
        register = CapacityRegister()
        register.set_capacity(Capacity("web1", "cpu", Q_(16, "core")), at=_day(1), by="ann")
        register.set_threshold(Threshold("cpu", 0.8, 0.9, subject="web1"), at=_day(1), by=SLM)
        # 100 transaction/s x 0.05 core s/transaction x (1 + 20 %) = 6 core
        cpu = derive_requirement("cpu-shop", "shop", "cpu", unit="core",
                                 target=Q_(100, "transaction/s"),
                                 cost=Q_(0.05, "core*s/transaction"),
                                 headroom=Q_(20, "percent"), sources=["sla-shop"])  # fmt: skip
        register.add_requirement(cpu, at=_day(1), by=SLM)
        plan = CapacityPlan("cap-2026", "Capacity 2026", owner="dora", services=["shop"])
        register.add_plan(plan, at=_day(2), by="dora")
        for item in (
            PlanItem("cores", "technical", "Two more cores for web1", amount=Q_(2, "core"),
                     cost="800", currency="EUR", requirement="cpu-shop"),
            PlanItem("oncall", "human", "An admin on call at peaks", amount=Q_(1, "person")),
        ):  # fmt: skip
            register.add_plan_item("cap-2026", item, at=_day(2), by="dora")
        register.approve_plan("cap-2026", at=_day(3), by=SLM)
        for subject, by in ((capacity_requirements_subject("shop"), SLM),
                            (capacity_plan_subject("cap-2026"), "dora")):  # fmt: skip
            self.reviews.plan(subject, HALF_YEAR, at=T0, by=by)
        register.review_requirements("shop", at=MAY, by=SLM, schedules=self.reviews)
        register.review_plan("cap-2026", at=MAY, by="dora", schedules=self.reviews)
        return register

    def _utilisation(self) -> list[UtilisationSeries]:
        """web1's CPU sampled daily from 15 April to 31 May: 6 to 10 cores of 16, below the
        warning level (80 %, 12.8 cores)."""
        days = [_day(100 + d) for d in range(47)]
        used = [6 + (d % 5) for d in range(47)]
        return [UtilisationSeries.of("web1", "cpu", "core", days, used)]

    def _products(self) -> ProductRegister:
        """A proposal for the VPN, evaluated on the written-down criterion and approved by
        the SPM process manager."""
        register = ProductRegister()
        criterion = AssessmentCriterion("demand", "Enough staff ask for it")
        register.define_assessment_criterion(criterion, at=T0, by=SLM)
        proposal = Proposal("p-vpn", "Remote access", "vpn", "new",
                            predicted_demand="40 people a day",
                            required_resources="one VM, 2 hours a week",
                            expected_benefits="work from anywhere")  # fmt: skip
        register.propose(proposal, at=_day(5), by="ann")
        register.evaluate_proposal("p-vpn", [Finding("demand", True)], at=_day(6), by=SLM)
        register.decide_proposal("p-vpn", approved=True, at=_day(7), by=SLM)
        return register

    def _customers(self) -> CustomerRegister:
        """The consumers with their council as contact, the CRM manager managing the
        relationship, the three channels PR7.3 names, and a survey of the first quarter."""
        self.roles.assign(CRM, Role.CUSTOMER_RELATIONSHIP_MANAGER, "consumers")
        register = CustomerRegister()
        consumers = Customer(
            "consumers",
            "Retail consumers",
            contacts=[Contact("council", "Consumer council", email="council@example.org")],
            channels=[
                Channel("ordering", "portal", "https://shop.example.org/help"),
                Channel("complaint", "email", "complaints@example.org"),
                Channel("escalation", "phone", "+49 30 1234"),
            ],
        )
        register.add(consumers, at=T0, by=CRM)
        survey = SatisfactionSurvey("s-2026-q1", date(2026, 1, 1), {"shop": [4, 5, 3]})
        register.record_survey("consumers", survey, at=_day(90), by=CRM)
        return register

    def _sms(self) -> SmsRegister:
        """The SMS (GR1.2-GR7.1): its id is the review subjects' ("management_review",
        "sms") and ("sms_assessment", "sms"), which ``_reviews`` plans and performs in May."""
        sms = SmsRegister("sms")
        sms.define_policy(goals=["Meet every SLA"], commitments=list(Commitment), at=T0, by=OWNER)
        sms.approve_policy(at=T0, by=OWNER)
        sms.communicate_policy(to=["all-staff"], channel="intranet", at=_day(1), by=OWNER)
        for stakeholder in (
            Stakeholder("consumers", "Consumers", "customer", needs=["shop open 24x7"]),
            Stakeholder("dc", "Data centre", "supplier", needs=["a year's notice of moves"]),
            Stakeholder("pay", "PayCo", "supplier", needs=["volume forecasts"],
                        requirements=["PCI DSS"]),
        ):  # fmt: skip
            sms.identify_stakeholder(stakeholder, at=T0, by=OWNER)
        sms.define_scope(
            ScopeStatement(services=["shop"], stakeholders=["consumers", "dc", "pay"]),
            at=T0,
            by=OWNER,
        )
        for doc_id, title in (("doc-policy", "SMS policy"), ("doc-processes", "Processes")):
            sms.add_document(ControlledDocument(doc_id, title, owner=OWNER), at=T0, by=OWNER)
            sms.approve_document(doc_id, at=_day(1), by=OWNER)
            sms.distribute_document(doc_id, to="all-staff", at=_day(1), by=OWNER)
            self.reviews.plan(("document", doc_id), HALF_YEAR, at=T0, by=OWNER)
            sms.review_document(doc_id, at=MAY, by=OWNER, schedules=self.reviews)
        processes = list(Process)
        for n, process in enumerate(processes):
            sms.define_process(
                ProcessDefinition(process, goals=["work"], inputs=["requests"],
                                  activities=["handle"], outputs=["records"],
                                  roles=["process manager"],
                                  interfaces=[processes[(n + 1) % len(processes)]],
                                  document="doc-processes"),
                at=_day(2),
                by=OWNER,
            )  # fmt: skip
            sms.define_kpi(
                Kpi(f"k-{process.value.lower()}", f"{process.value} on time", goal="on time",
                    measure="share on time", collection="monthly, from the cases",
                    target=KpiTarget("0.9"), review="quarterly", process=process),
                at=_day(2),
                by=OWNER,
            )  # fmt: skip
            sms.record_measurement(f"k-{process.value.lower()}", "0.95", at=MAY, by=OWNER)
        sms.set_plan(
            ServiceManagementPlan(
                goals=[PlanGoal("g-def", "Every process defined")],
                milestones=[
                    Milestone("m1", "Processes defined", _day(60), goal="g-def"),
                    Milestone("m2", "Processes at level 2", _day(300), goal="g-def"),
                ],
                responsibilities=[Responsibility("SMS owner", OWNER)],
                training=["FitSM Foundation"],
                technology=["fitsm"],
            ),
            at=T0,
            by=OWNER,
        )
        sms.reach_milestone("m1", at=_day(55), by=OWNER)
        self.reviews.plan(("sms_plan", "sms"), HALF_YEAR, at=T0, by=OWNER)
        self.reviews.perform(("sms_plan", "sms"), at=MAY, by=OWNER)
        sms.set_process_plan(ProcessPlan("pp-chm", "CHM", "CAB set up", serves=["g-def"]),
                             at=T0, by=CHM)  # fmt: skip
        sms.record_management_review(
            ManagementReview("mr-2026", MAY, inputs=["KPI results"], decisions=["go on"],
                             actions=[Action("a1", "Train the CAB", owner=CHM,
                                             due=_day(300))]),
            at=MAY,
            by=OWNER,
        )  # fmt: skip
        sms.record_assessment(
            Assessment("audit-2026", "internal audit", MAY, "erin",
                       findings=[AssessmentFinding("f1", "nonconformity",
                                                   "CAB minutes not kept", "PR12.4")]),
            at=MAY,
            by=OWNER,
        )  # fmt: skip
        sms.raise_nonconformity(
            Nonconformity("nc-1", "CAB minutes not kept", requirement="PR12.4",
                          source="audit-2026/f1"),
            at=MAY,
            by=OWNER,
        )  # fmt: skip
        sms.add_corrective_action(
            "nc-1", Action("ca-1", "Minute template", owner=CHM, due=_day(300)), at=MAY, by=OWNER
        )
        return sms

    def _suppliers(self) -> SupplierRegister:
        register = SupplierRegister()
        for supplier in self.portfolio.suppliers:
            register.add(
                supplier,  # type: ignore[arg-type]
                at=T0,
                by=SLM,
                contacts=[SupplierContact("Pat", "account manager", email="pat@example.org")],
            )
            register.set_escalation(supplier.id, [EscalationLevel("Pat")], at=T0, by=SLM)
        return register

    def _cmdb(self) -> Cmdb:
        schema = CmdbSchema(
            ci_types=[CiType("vm", [AttributeSpec("hostname", required=True)]), CiType("db")],
            relationship_types=["runs_on"],
        )
        cmdb = Cmdb(schema)
        cmdb.add_portfolio(self.portfolio, actor="ann", at=T0)
        cmdb.add_many(
            [
                ConfigurationItem("web1", "vm", "web one", {"hostname": "web1"}, owner="ann"),
                ConfigurationItem("db1", "db", "database", owner="ann"),
            ],
            [("shop", "web"), ("web", "web1"), ("web1", "db1")],
            actor="ann",
            at=T0,
        )
        return cmdb

    def _agreements(self) -> Agreements:
        a = Agreements()
        for agreement_id, kind, party, covers in (
            ("sla-shop", "SLA", "consumers", ["shop"]),
            ("ola-web", "OLA", "ops", ["web"]),
        ):
            a.add(
                Agreement(
                    agreement_id,
                    kind,
                    party,
                    covers,
                    [ServiceTarget("availability", Q_(99.5, "percent"))],
                    valid_from=T0,
                    owner=SLM,
                    review_interval=HALF_YEAR,
                    next_review=date(2026, 7, 1),
                )
            )
        return a

    def _risks(self) -> RiskRegister:
        r = RiskRegister()
        r.add(Risk("r-db", "Single database", "availability", ["db1"], "possible", "major",
                   owner=SLM), at=T0, by=SLM)  # fmt: skip
        r.add(Risk("r-leak", "Payroll leak", "information_security", ["payroll"], "possible",
                   "major", owner=ISRM), at=T0, by=ISRM)  # fmt: skip
        return r

    def _continuity(self) -> ContinuityRegister:
        c = ContinuityRegister()
        c.identify_requirements("shop", rto=Q_(4, "hour"), at=T0, by=SLM)
        c.add_plan(
            Plan("cp-shop", "continuity", "Shop recovery", ["shop"], test_interval=YEAR,
                 measures=[Measure("m-replica", "Database replica", SLM)]),
            at=T0,
            by=SLM,
        )  # fmt: skip
        start = _day(60)
        c.record_test(
            ContinuityTest("ct-1", "cp-shop", "shop", "db1 lost",
                           [TestEvent("disrupted", start),
                            TestEvent("restored", start + timedelta(hours=2))]),
            at=start + timedelta(days=1),
            by=SLM,
        )  # fmt: skip
        return c

    def _security(self) -> SecurityRegister:
        s = SecurityRegister()
        s.add_policy("pol-access", title="Access", text="Least privilege.", at=T0, by=ISM)
        s.approve_policy("pol-access", at=_day(1), by=OWNER)
        s.add_asset(
            InformationAsset("payroll", "Payroll", Classification("high", "high", "medium"),
                             cis=["db1"]),
            at=T0,
            by=ISM,
        )  # fmt: skip
        s.grant_access("acc-bob", holder=CLERK, asset="payroll", access="read",
                       reason="payroll clerk", at=_day(2), by=ISM)  # fmt: skip
        s.add_control(SecurityControl("c-mfa", "MFA", "technical", risks=["r-leak"]), at=T0, by=ISM)
        s.set_control_status("c-mfa", "implemented", at=_day(3), by=ISM)
        return s

    def _reviews(self) -> ReviewSchedules:
        r = ReviewSchedules()
        subjects = [
            ("management_review", "sms", OWNER),
            ("sms_assessment", "sms", OWNER),
            ("agreement", "sla-shop", SLM),
            ("agreement", "ola-web", SLM),
            ("requirements", "shop", SLM),
            ("risk_assessment", "r-db", SLM),
            ("risk_assessment", "r-leak", ISRM),
            ("security_policy", "pol-access", ISM),
            ("access_review", "payroll", ISM),
            ("customer_review", "consumers", CRM),
            ("supplier", "dc", SLM),
            ("supplier", "pay", SLM),
            ("cmdb_verification", "default", "ann"),
        ]
        for kind, subject, by in subjects:
            r.plan((kind, subject), HALF_YEAR, at=T0, by=by)
            r.perform((kind, subject), at=MAY, by=by)
        return r

    def _cases(self) -> list[Case]:
        cases: list[Case] = []
        # an incident, classified, prioritised by the SLA, resolved and closed
        inc = Incident("INC-1", "Shop slow", _day(10), "ann", service="shop")
        fire(inc, "classify", "ann", _day(10), category="performance")
        fire(inc, "prioritise", "ann", _day(10), impact="high", urgency="high",
             priority="P2", agreement="sla-shop")  # fmt: skip
        fire(inc, "assign", "ann", _day(10), group="web-team", assignee="ann")
        fire(inc, "escalate", "ann", _day(10, 1), group="db-team", assignee="dora")
        fire(inc, "escalate_hierarchically", "ann", _day(10, 2), escalated_to=SLM)
        fire(inc, "start", "dora", _day(10, 3))
        fire(inc, "resolve", "dora", _day(10, 4), resolution="index added")
        fire(inc, "close", "ann", _day(11), confirmed=True)
        cases.append(inc)
        # a major incident, coordinated and reviewed
        major = Incident("INC-2", "Shop down", _day(20), "ann", service="shop")
        fire(major, "classify", "ann", _day(20), category="outage")
        fire(major, "prioritise", "ann", _day(20), impact="high", urgency="high",
             priority="P1", agreement="sla-shop", major=True)  # fmt: skip
        fire(major, "declare_major", "ann", _day(20), coordinator=SLM)
        fire(major, "assign", "ann", _day(20), group="web-team", assignee="ann")
        fire(major, "resolve", "ann", _day(20, 3), resolution="restarted")
        fire(major, "review_major", SLM, _day(21), major_review="capacity plan updated")
        fire(major, "close", "ann", _day(22), confirmed=True)
        cases.append(major)
        request = ServiceRequest("REQ-1", "New mailbox", _day(12), "ann")
        fire(request, "classify", "ann", _day(12), category="access")
        fire(request, "prioritise", "ann", _day(12), impact="low", urgency="low", priority="P4")
        cases.append(request)
        # a problem that became a known error, updated recently
        problem = Problem("PRB-1", "Slow queries", _day(30), "ann", incidents=["INC-1"])
        fire(problem, "classify", "ann", _day(30), category="performance")
        fire(problem, "investigate", "ann", _day(31))
        fire(problem, "record_root_cause", "ann", _day(32), root_cause="missing index")
        fire(problem, "declare_known_error", "ann", _day(33), workarounds=["add index"])
        fire(problem, "add_workaround", "ann", _day(120), workarounds=["add index", "cache"])
        cases.append(problem)
        # a normal change approved by the change manager, a major one by the CAB
        for change_id, major_change, approver in (("CHG-1", False, CHM), ("CHG-2", True, CAB)):
            change = Change(change_id, "Add index", _day(34), "ann", risk="low", benefits="speed")
            fire(change, "classify", "ann", _day(34), change_type="normal", major=major_change)
            fire(change, "assess", "ann", _day(35), effort="1 h", feasibility="tested")
            fire(change, "approve", approver, _day(36))
            fire(change, "schedule", "ann", _day(37), planned_start=_day(40),
                 planned_end=_day(40, 1))  # fmt: skip
            fire(change, "implement", "ann", _day(40))
            fire(change, "review", "ann", _day(41), review="faster")
            fire(change, "close", "ann", _day(42))
            cases.append(change)
        # a release of the approved change, tested, deployed and evaluated
        release = Release("REL-1", "Index release", _day(37), "ann")
        fire(release, "plan", "ann", _day(37), changes=["CHG-1"], strategy="big_bang",
             testing="canary", acceptance_criteria=["queries < 1 s"],
             rollback_plan="drop the index")  # fmt: skip
        fire(release, "build", "ann", _day(38))
        fire(release, "test", "ann", _day(39), test_results={"queries < 1 s": True})
        fire(release, "deploy", "ann", _day(40))
        fire(release, "succeed", "ann", _day(41), evaluation="all fine")
        fire(release, "close", "ann", _day(42))
        cases.append(release)
        # an improvement carried through CSI, and a complaint decided by CRM
        improvement = Improvement("IMP-1", "Faster reports", _day(50), "ann", source="audit")
        fire(improvement, "evaluate", "ann", _day(51), evaluation="worth it")
        fire(improvement, "approve", CSI, _day(52))
        fire(improvement, "implement", "ann", _day(53), actions="new index")
        fire(improvement, "close", "ann", _day(60), outcome="reports in 2 s")
        cases.append(improvement)
        complaint = Complaint("CMP-1", "Late delivery", _day(55), "ann", customer="consumers")
        fire(complaint, "evaluate", "ann", _day(56), evaluation="courier late")
        fire(complaint, "approve", CRM, _day(57))
        cases.append(complaint)
        # a security event classified, an access request decided by the asset owner
        event = SecurityIncident("SEC-1", "Phishing mail", _day(70), "ann")
        fire(event, "classify", "ann", _day(70), category="phishing")
        cases.append(event)
        access = AccessRequest("ACR-1", "Payroll read", _day(1), CLERK, person=CLERK,
                               asset="payroll", access="read", reason="payroll clerk")  # fmt: skip
        fire(access, "approve", ISM, _day(2), decision="needed for the job")
        fire(access, "grant", ISM, _day(2, 1), right="acc-bob")
        cases.append(access)
        return cases

    # -- views ------------------------------------------------------------------------

    def snapshot(self, at: datetime = AT) -> Snapshot:
        since = at - YEAR
        return Snapshot(
            at,
            portfolios=(self.portfolio,),
            cmdbs=(self.cmdb,),
            agreements=(self.agreements,),
            roles=self.roles,
            reviews=(self.reviews,),
            risks=(self.risks,),
            continuity=(self.continuity,),
            security=(self.security,),
            suppliers=(self.suppliers,),
            capacity=(self.capacity,),
            reports=(self.reports,),
            sms=(self.sms,),
            products=(self.products,),
            customers=(self.customers,),
            utilisation={(u.subject, u.metric): u.between(since, at) for u in self.utilisation},
            cases=_by_kind(self.cases),
            outages=OutageLog.of(
                [o for o in self.outages if o.start < at and (o.end is None or o.end > since)],
                until=at,
            ),
        )

    def store(self, store: Store) -> Store:
        """Save everything in ``store`` (one unit of work) and return it."""
        with store.unit_of_work("ann") as uow:
            uow.roles.add(self.roles)
            uow.portfolios.add(self.portfolio)
            uow.cmdbs.add(self.cmdb)
            uow.agreements.add(self.agreements)
            uow.reviews.add(self.reviews)
            uow.risks.add(self.risks)
            uow.continuity.add(self.continuity)
            uow.security.add(self.security)
            uow.suppliers.add(self.suppliers)
            uow.capacity.add(self.capacity)
            uow.reports.add(self.reports)
            uow.sms.add(self.sms)
            uow.products.add(self.products)
            uow.customers.add(self.customers)
            for series in self.utilisation:
                uow.utilisation.append(series)
            for case in self.cases:
                uow.cases.add(case)
            uow.outages.record(*self.outages)
            uow.commit()
        return store


def _by_kind(cases: list[Case]) -> dict[str, list[Case]]:
    found: dict[str, list[Case]] = {}
    for case in cases:
        found.setdefault(case.kind, []).append(case)
    return found
