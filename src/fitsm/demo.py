"""An example service provider: four services, their components and a CMDB of 50 CIs.

``fitsm demo`` builds it, saves it to a store, loads it back and shows one useful
answer from each part of the library:

- what a failure impacts and where one service's single points of failure are (PR11);
- the risk register seeded from those single points of failure (PR4.2);
- the web shop's SLA on a review schedule, which is overdue (PR2.2);
- the e-mail service's last continuity test, which missed its RTO (PR4.3);
- the access rights to the payroll records, whose access review is overdue (PR6.5);
- the shop's customer, its relationship manager and its next service review (PR7.2,
  PR7.4);
- the web shop's monthly SLA report for December 2025, produced and delivered (PR3.3);
- the telecom supplier evaluated from its UA over the last quarter (PR8.4);
- when the storage pool crosses 80 % of its capacity at the current trend (PR5.2);
- the go-live toll-gate a proposed chat service cannot pass yet (PR1.2, PR1.3);
- one line on its service management system: the policy in force, the next
  management review and the open nonconformities (GR1.2, GR1.3, GR7.1);
- and, last, the FitSM-1 audit of the provider: the counts per status, three findings
  with their next steps, and the first three steps of the roadmap (GR6.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TextIO

from fitsm.availability.continuity import ContinuityTest, Measure, Plan, TestEvent
from fitsm.availability.continuity_register import ContinuityRegister
from fitsm.availability.measurement import Outage
from fitsm.capacity.capacities import Capacity
from fitsm.capacity.register import CapacityRegister
from fitsm.capacity.series import UtilisationSeries
from fitsm.capacity.thresholds import Threshold
from fitsm.cmdb.configuration import (
    AttributeSpec,
    AttributeType,
    AttributeValue,
    CiType,
    CmdbSchema,
    ConfigurationItem,
    RedundancyGroup,
)
from fitsm.cmdb.database import Cmdb
from fitsm.conformance.audit import AuditReport, audit
from fitsm.conformance.maturity import assess
from fitsm.conformance.roadmap import roadmap
from fitsm.customers.contacts import Channel, Contact
from fitsm.customers.register import Customer, CustomerRegister, plan_service_reviews
from fitsm.customers.relations import agreements_of
from fitsm.finance.allocation import ByAttribute
from fitsm.finance.charging import Tier, TieredCharge
from fitsm.finance.costs import Cost
from fitsm.finance.money import Money
from fitsm.finance.register import FinanceRegister
from fitsm.finance.roadmap import RoadmapEntry
from fitsm.planning import gather_evidence
from fitsm.portfolio.gates import GateCriterion, GateResult, TollGate
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
from fitsm.reviews.followers import follow_agreements
from fitsm.reviews.rules import MonthlyRule
from fitsm.reviews.schedules import ReviewSchedules
from fitsm.risks.candidates import SINGLE_POINT_OF_FAILURE, candidate_risks
from fitsm.risks.register import RiskRegister, plan_assessments
from fitsm.roles import Person, Role, RoleModel
from fitsm.security.assets import InformationAsset
from fitsm.security.classification import Classification
from fitsm.security.register import SecurityRegister
from fitsm.security.reviews import overdue_access_reviews, plan_access_reviews
from fitsm.service_levels.agreements import Agreement, Agreements, ServiceTarget
from fitsm.service_levels.evaluation import evaluate
from fitsm.sms.assessments import (
    Assessment,
    AssessmentFinding,
    ManagementReview,
    Nonconformity,
)
from fitsm.sms.policy import Commitment
from fitsm.sms.records import Action
from fitsm.sms.register import SmsRegister
from fitsm.sms.subjects import management_review_subject
from fitsm.storage.opening import open_store
from fitsm.storage.ports import UnitOfWork
from fitsm.suppliers.evaluations import evaluation_subject
from fitsm.suppliers.register import SupplierRegister
from fitsm.suppliers.supplier import Supplier, SupplierKind
from fitsm.time.periods import month
from fitsm.units import Q_

__all__ = [
    "DEFAULT_FAILURES",
    "DEFAULT_SERVICE",
    "DEFAULT_STORE",
    "POOL",
    "example_agreements",
    "example_continuity",
    "example_customers",
    "example_finance",
    "example_products",
    "example_provider",
    "example_report",
    "example_security",
    "example_sms",
    "example_underpinning",
    "example_utilisation",
    "run",
]

DEFAULT_STORE = "sqlite:///fitsm-demo.db"
"""The embedded default: an SQLite file in the current directory."""
DEFAULT_FAILURES = ("san1",)
"""The CIs the demo fails when none are named."""
DEFAULT_SERVICE = "shop"
"""The service whose single points of failure the demo lists."""
AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ACTOR = "demo"
ACCESS_REVIEW = datetime(2025, 12, 15, tzinfo=UTC)
"""When the first access review of the payroll records was due."""

SCHEMA = CmdbSchema(
    ci_types=[
        CiType("switch", ["location"]),
        CiType("firewall", ["location"]),
        CiType("router", ["location"]),
        CiType("power", ["location"]),
        CiType("storage", ["location", AttributeSpec("capacity_tb", AttributeType.NUMBER)]),
        CiType("hypervisor", [AttributeSpec("hostname", required=True), "location"]),
        CiType(
            "vm",
            [
                AttributeSpec("hostname", required=True),
                AttributeSpec("vcpus", AttributeType.INTEGER),
            ],
        ),
        CiType("software", ["version"]),
        CiType("certificate", ["expires"]),
        CiType("network_link", ["provider"]),
    ],
    relationship_types=["runs_on", "hosted_on", "connects_to", "stores_on", "uses", "powered_by"],
)

# (id, type, attributes)
_CIS: list[tuple[str, str, dict[str, AttributeValue]]] = [
    ("uplink-isp", "network_link", {"provider": "Example Telecom"}),
    ("router1", "router", {"location": "dc1"}),
    ("fw1", "firewall", {"location": "dc1"}),
    ("core-sw1", "switch", {"location": "dc1"}),
    ("core-sw2", "switch", {"location": "dc1"}),
    ("ups-a", "power", {"location": "dc1"}),
    ("ups-b", "power", {"location": "dc1"}),
    ("san1", "storage", {"location": "dc1", "capacity_tb": 120.0}),
    ("hv1", "hypervisor", {"hostname": "hv1.dc1.example.org", "location": "dc1"}),
    ("hv2", "hypervisor", {"hostname": "hv2.dc1.example.org", "location": "dc1"}),
    ("hv3", "hypervisor", {"hostname": "hv3.dc1.example.org", "location": "dc1"}),
    ("hv4", "hypervisor", {"hostname": "hv4.dc1.example.org", "location": "dc1"}),
    ("web1", "vm", {"hostname": "web1.example.org", "vcpus": 4}),
    ("web2", "vm", {"hostname": "web2.example.org", "vcpus": 4}),
    ("web3", "vm", {"hostname": "web3.example.org", "vcpus": 4}),
    ("app1", "vm", {"hostname": "app1.example.org", "vcpus": 8}),
    ("app2", "vm", {"hostname": "app2.example.org", "vcpus": 8}),
    ("db1", "vm", {"hostname": "db1.example.org", "vcpus": 16}),
    ("pay-gw", "vm", {"hostname": "pay.example.org", "vcpus": 2}),
    ("mx1", "vm", {"hostname": "mx1.example.org", "vcpus": 2}),
    ("mx2", "vm", {"hostname": "mx2.example.org", "vcpus": 2}),
    ("imap1", "vm", {"hostname": "imap.example.org", "vcpus": 4}),
    ("hr-vm", "vm", {"hostname": "hr.example.org", "vcpus": 4}),
    ("ldap1", "vm", {"hostname": "ldap1.example.org", "vcpus": 2}),
    ("ldap2", "vm", {"hostname": "ldap2.example.org", "vcpus": 2}),
    ("sso-vm", "vm", {"hostname": "sso.example.org", "vcpus": 2}),
    ("vpn-gw1", "vm", {"hostname": "vpn.example.org", "vcpus": 2}),
    ("lb1", "vm", {"hostname": "lb.example.org", "vcpus": 2}),
    ("dns1", "vm", {"hostname": "ns1.example.org", "vcpus": 1}),
    ("dns2", "vm", {"hostname": "ns2.example.org", "vcpus": 1}),
    ("nginx", "software", {"version": "1.26"}),
    ("shop-app", "software", {"version": "4.2.0"}),
    ("postgres", "software", {"version": "16.4"}),
    ("payment-sdk", "software", {"version": "2.1"}),
    ("postfix", "software", {"version": "3.8"}),
    ("dovecot", "software", {"version": "2.3"}),
    ("hr-suite", "software", {"version": "2025.2"}),
    ("openldap", "software", {"version": "2.6"}),
    ("keycloak", "software", {"version": "26.0"}),
    ("openvpn", "software", {"version": "2.6"}),
    ("haproxy", "software", {"version": "3.0"}),
    ("bind", "software", {"version": "9.20"}),
    ("shop-cert", "certificate", {"expires": "2026-09-30"}),
    ("mail-cert", "certificate", {"expires": "2026-11-15"}),
    ("vpn-cert", "certificate", {"expires": "2027-01-31"}),
    ("backup1", "storage", {"location": "dc2", "capacity_tb": 400.0}),
    ("mon1", "vm", {"hostname": "mon.example.org", "vcpus": 2}),
    ("zabbix", "software", {"version": "7.0"}),
    ("ntp1", "vm", {"hostname": "ntp.example.org", "vcpus": 1}),
    ("chrony", "software", {"version": "4.5"}),
]

# (group id, min_up, members)
_GROUPS = [
    ("core-net", 1, ["core-sw1", "core-sw2"]),
    ("power", 1, ["ups-a", "ups-b"]),
    ("web-pool", 2, ["web1", "web2", "web3"]),
    ("app-pool", 1, ["app1", "app2"]),
    ("mx-pool", 1, ["mx1", "mx2"]),
    ("ldap-pool", 1, ["ldap1", "ldap2"]),
    ("dns-pool", 1, ["dns1", "dns2"]),
]

_REL: list[tuple[str, str, str]] = [
    # services -> components
    ("shop", "shop-frontend", "depends_on"),
    ("shop", "shop-backend", "depends_on"),
    ("shop", "payment", "depends_on"),
    ("mail", "mail-transport", "depends_on"),
    ("mail", "mail-storage", "depends_on"),
    ("mail", "identity", "depends_on"),
    ("hr", "hr-app", "depends_on"),
    ("hr", "identity", "depends_on"),
    ("vpn", "remote-access", "depends_on"),
    ("vpn", "identity", "depends_on"),
    # components -> CIs
    ("shop-frontend", "lb1", "uses"),
    ("shop-frontend", "web-pool", "uses"),
    ("shop-frontend", "shop-cert", "uses"),
    ("shop-frontend", "dns-pool", "uses"),
    ("shop-backend", "app-pool", "uses"),
    ("shop-backend", "db1", "uses"),
    ("payment", "pay-gw", "uses"),
    ("payment", "uplink-isp", "uses"),
    ("mail-transport", "mx-pool", "uses"),
    ("mail-transport", "mail-cert", "uses"),
    ("mail-transport", "dns-pool", "uses"),
    ("mail-storage", "imap1", "uses"),
    ("hr-app", "hr-vm", "uses"),
    ("identity", "ldap-pool", "uses"),
    ("identity", "sso-vm", "uses"),
    ("remote-access", "vpn-gw1", "uses"),
    ("remote-access", "vpn-cert", "uses"),
    ("remote-access", "uplink-isp", "uses"),
    # software on VMs
    ("lb1", "haproxy", "runs_on"),
    *[(f"web{i}", "nginx", "runs_on") for i in range(1, 4)],
    ("app1", "shop-app", "runs_on"),
    ("app2", "shop-app", "runs_on"),
    ("db1", "postgres", "runs_on"),
    ("pay-gw", "payment-sdk", "runs_on"),
    ("mx1", "postfix", "runs_on"),
    ("mx2", "postfix", "runs_on"),
    ("imap1", "dovecot", "runs_on"),
    ("hr-vm", "hr-suite", "runs_on"),
    ("ldap1", "openldap", "runs_on"),
    ("ldap2", "openldap", "runs_on"),
    ("sso-vm", "keycloak", "runs_on"),
    ("vpn-gw1", "openvpn", "runs_on"),
    ("dns1", "bind", "runs_on"),
    ("dns2", "bind", "runs_on"),
    # VMs on hypervisors (web2 and web3 share hv2: a hidden common cause)
    ("web1", "hv1", "hosted_on"),
    ("web2", "hv2", "hosted_on"),
    ("web3", "hv2", "hosted_on"),
    ("app1", "hv1", "hosted_on"),
    ("app2", "hv3", "hosted_on"),
    ("db1", "hv3", "hosted_on"),
    ("pay-gw", "hv4", "hosted_on"),
    ("mx1", "hv1", "hosted_on"),
    ("mx2", "hv4", "hosted_on"),
    ("imap1", "hv3", "hosted_on"),
    ("hr-vm", "hv4", "hosted_on"),
    ("ldap1", "hv1", "hosted_on"),
    ("ldap2", "hv2", "hosted_on"),
    ("sso-vm", "hv3", "hosted_on"),
    ("vpn-gw1", "hv4", "hosted_on"),
    ("lb1", "hv1", "hosted_on"),
    ("dns1", "hv2", "hosted_on"),
    ("dns2", "hv4", "hosted_on"),
    # storage for the VMs that keep data
    ("db1", "san1", "stores_on"),
    ("imap1", "san1", "stores_on"),
    ("hr-vm", "san1", "stores_on"),
    # hypervisors, storage and network
    *[(f"hv{i}", "core-net", "connects_to") for i in range(1, 5)],
    *[(f"hv{i}", "power", "powered_by") for i in range(1, 5)],
    ("san1", "core-net", "connects_to"),
    ("san1", "power", "powered_by"),
    ("core-sw1", "fw1", "connects_to"),
    ("core-sw2", "fw1", "connects_to"),
    ("fw1", "router1", "connects_to"),
    ("router1", "uplink-isp", "connects_to"),
    ("fw1", "power", "powered_by"),
    ("router1", "power", "powered_by"),
    # operations tooling that no service depends on
    ("mon1", "zabbix", "runs_on"),
    ("mon1", "hv3", "hosted_on"),
    ("ntp1", "chrony", "runs_on"),
    ("ntp1", "hv1", "hosted_on"),
    ("backup1", "core-net", "connects_to"),
    ("backup1", "power", "powered_by"),
]


def example_provider() -> tuple[ServicePortfolio, Cmdb]:
    """Build the example portfolio and CMDB (the same every time)."""
    portfolio = ServicePortfolio("example")
    portfolio.add_supplier(
        Supplier("dc-ops", "Data centre operations", SupplierKind.INTERNAL, "dc-ops@example.org")
    )
    portfolio.add_supplier(
        Supplier("telco", "Example Telecom", SupplierKind.EXTERNAL, "noc@telco.example")
    )
    portfolio.add_supplier(
        Supplier("payco", "PayCo payments", SupplierKind.EXTERNAL, "support@payco.example")
    )
    dc = SupplierInvolvement("dc-ops", "hosting and network")
    for service in (
        Service(
            "shop",
            "Web shop",
            "Online sales to consumers",
            "Buy 24x7",
            ["consumers"],
            "carol",
            "in_production",
            [dc, SupplierInvolvement("payco", "card payments")],
        ),
        Service(
            "mail",
            "E-mail",
            "Mailboxes and mail transport",
            "Reliable mail",
            ["staff"],
            "dave",
            "in_production",
            [dc],
        ),
        Service(
            "hr",
            "HR portal",
            "Leave and payroll self-service",
            "Less paperwork",
            ["staff"],
            "erin",
            "in_production",
            [dc],
        ),
        Service(
            "vpn",
            "Remote access",
            "VPN for staff",
            "Work from anywhere",
            ["staff"],
            "dave",
            "in_production",
            [dc, SupplierInvolvement("telco", "internet uplink")],
        ),
    ):
        portfolio.add_service(service)
    for cid, name in (
        ("shop-frontend", "Shop web front end"),
        ("shop-backend", "Shop application and database"),
        ("payment", "Payment processing"),
        ("mail-transport", "Mail transport"),
        ("mail-storage", "Mailbox storage"),
        ("identity", "Identity and single sign-on"),
        ("hr-app", "HR application"),
        ("remote-access", "VPN gateway"),
    ):
        portfolio.add_component(ServiceComponent(cid, name, owner="ops"))

    cmdb = Cmdb(SCHEMA, id="example")
    cmdb.add_portfolio(portfolio, actor=ACTOR, at=AT)
    nodes = [ConfigurationItem(i, t, attributes=a, owner="ops") for i, t, a in _CIS]
    nodes += [RedundancyGroup(g, k) for g, k, _ in _GROUPS]  # type: ignore[misc]
    members = [(g, m, "has_member") for g, _, ms in _GROUPS for m in ms]
    cmdb.add_many(nodes, members + _REL, actor=ACTOR, at=AT)
    return portfolio, cmdb


def example_agreements() -> Agreements:
    """The web shop's SLA, reviewed every 90 days; its first review was due on 1 December 2025."""
    agreements = Agreements()
    agreements.add(
        Agreement(
            "sla-shop",
            "SLA",
            "consumers",
            ["shop"],
            [ServiceTarget("availability", Q_(99.5, "percent"))],
            valid_from=datetime(2025, 6, 1, tzinfo=UTC),
            owner="carol",
            review_interval=timedelta(days=90),
            next_review=date(2025, 12, 1),
        )
    )
    return agreements


SHOP_ORDERS = 4200
"""Orders the web shop took in the demo's month, the quantity its tiered charge is for."""


def example_finance() -> FinanceRegister:
    """What the example provider's CIs cost, how shared costs are allocated, the web shop's
    tiered price and the roadmap (003): the same every time."""
    register = FinanceRegister()
    start = datetime(2025, 1, 1, tzinfo=UTC)

    def eur(amount: str) -> Money:
        return Money(amount, "EUR")

    costs = [
        *(Cost(f"lease-hv{i}", f"hv{i}", eur("450"), "monthly", start) for i in range(1, 5)),
        Cost("san1-support", "san1", eur("24000"), "yearly", start),
        Cost("fw1-licence", "fw1", eur("300"), "monthly", start),
        Cost("uplink", "uplink-isp", eur("600"), "monthly", start),
        Cost("payco-fees", "pay-gw", eur("180"), "monthly", start),
        Cost("db1-migration", "db1", eur("7200"), "one_off", start, amortise_months=36),
        Cost("shop-licences", "shop", eur("250"), "monthly", start),
    ]
    for cost in costs:
        register.add_cost(cost, at=AT, by=ACTOR)
    for i in range(1, 5):  # a hypervisor's cost follows the vCPUs of the VMs it hosts
        register.choose_key(f"hv{i}", ByAttribute("vcpus"), at=AT, by=ACTOR)
    tiers = [Tier(1000, eur("0.60")), Tier(5000, eur("0.45")), Tier(None, eur("0.30"))]
    register.set_price("shop", TieredCharge(tiers, unit="order"), at=AT, by=ACTOR)
    register.plan(
        RoadmapEntry("shop-3", "shop", "version", datetime(2026, 3, 2, tzinfo=UTC), "3.0",
                     "one-page checkout"),
        at=AT,
        by=ACTOR,
    )  # fmt: skip
    register.plan(
        RoadmapEntry("vpn-end", "vpn", "retirement", datetime(2026, 9, 30, tzinfo=UTC)),
        at=AT,
        by=ACTOR,
    )
    return register


def example_products() -> ProductRegister:
    """A proposal for a chat service, approved, and the go-live toll-gate it must pass: an
    SLA draft and a continuity plan exist (evidenced by the store), the design is reviewed
    (confirmed by its owner-to-be)."""
    register = ProductRegister()
    register.define_assessment_criterion(
        AssessmentCriterion("demand", "Enough customers ask for it"), at=AT, by="sue"
    )
    register.propose(
        Proposal(
            "p-chat",
            "Customer chat on the web shop",
            "chat",
            "new",
            predicted_demand="300 chats a day",
            required_resources="2 agents per shift, one VM",
            expected_benefits="fewer calls to the desk",
        ),
        at=AT,
        by="carol",
    )
    register.evaluate_proposal("p-chat", [Finding("demand", True)], at=AT, by="sue")
    register.decide_proposal("p-chat", approved=True, at=AT, by="sue", reason="fits the strategy")
    gate = TollGate(
        "go-live",
        "Go-live",
        "in_production",
        [
            GateCriterion("sla", "an SLA draft exists", evidence="sla"),
            GateCriterion("continuity", "a continuity plan exists", evidence="continuity_plan"),
            GateCriterion("design", "the design is reviewed"),
        ],
    )
    register.define_gate(gate, at=AT, by="sue")
    register.confirm("chat", "go-live", "design", at=AT, by="carol", note="design review 4 Jan")
    return register


def _gate_line(service: str, results: Sequence[GateResult]) -> str:
    closed = [r for r in results if not r.passed]
    if not closed:
        return f"Service {service!r} may go live: every toll-gate on the move is passed."
    first = closed[0]
    open_ = ", ".join(repr(c.criterion.text) for c in first.open)
    return f"Service {service!r} cannot go live: gate {first.gate.name!r} has {open_} open."


def example_continuity() -> ContinuityRegister:
    """E-mail's continuity requirements (RTO 4 h), its continuity plan, and a test on
    12 November 2025 in which mail came back after 5 h 30 min."""
    register = ContinuityRegister()
    made = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
    register.identify_requirements(
        "mail",
        maximum_tolerable_downtime=Q_(8, "hour"),
        rto=Q_(4, "hour"),
        rpo=Q_(1, "hour"),
        minimum_service_level="send and receive; no archive search",
        source="business impact analysis 2025",
        at=made,
        by=ACTOR,
    )
    register.add_plan(
        Plan(
            "cp-mail",
            "continuity",
            "E-mail recovery without hv3 and san1",
            ["mail"],
            test_interval=timedelta(days=180),
            measures=[Measure("m-imap-replica", "Mailbox replica on backup1", "dave")],
        ),
        at=made,
        by=ACTOR,
    )
    start = datetime(2025, 11, 12, 7, 0, tzinfo=UTC)
    register.record_test(
        ContinuityTest(
            "ct-mail-2025-11",
            "cp-mail",
            "mail",
            "san1 lost: mailboxes restored from backup1",
            [
                TestEvent("disrupted", start),
                TestEvent("plan_invoked", start + timedelta(minutes=25)),
                TestEvent("restored", start + timedelta(hours=5, minutes=30)),
                TestEvent("data_recovered_to", start - timedelta(minutes=45)),
            ],
            outcome="findings",
        ),
        at=start + timedelta(days=1),
        by=ACTOR,
    )
    return register


def example_sms(schedules: ReviewSchedules) -> SmsRegister:
    """The example provider's SMS: policy v2 approved by its SMS owner 'alice', the
    management review of 20 January 2025 (done on its yearly schedule in ``schedules``,
    next due 31 January 2026), and an internal audit's two open nonconformities."""
    sms = SmsRegister()
    first = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    for version, when in ((1, first), (2, datetime(2025, 6, 2, 9, 0, tzinfo=UTC))):
        goals = ["Meet every SLA", "Every process defined by 2026"][:version]
        sms.define_policy(goals=goals, commitments=list(Commitment), at=when, by="bob")
        sms.approve_policy(at=when, by="alice")
        sms.communicate_policy(to=["all-staff"], channel="intranet", at=when, by="alice")
    subject = management_review_subject(sms.id)
    held = datetime(2025, 1, 20, 14, 0, tzinfo=UTC)
    schedules.plan(subject, MonthlyRule(12, day=31), at=first, by="alice", owner="alice")
    review = ManagementReview(
        "mr-2025",
        held,
        inputs=["KPI results 2024", "internal audit 2024"],
        decisions=["define the remaining processes in 2025"],
        actions=[Action("mr-2025-a1", "Define PM and CAPM", owner="bob")],
        attendees=["alice", "bob"],
    )
    sms.record_management_review(review, at=held, by="alice", schedules=schedules)
    audit = datetime(2025, 10, 14, 9, 0, tzinfo=UTC)
    sms.record_assessment(
        Assessment(
            "audit-2025",
            "internal audit",
            audit,
            "erin",
            findings=[
                AssessmentFinding(
                    "f1", "nonconformity", "No definition of problem management", "GR2.2"
                ),
                AssessmentFinding(
                    "f2", "nonconformity", "Incident KPI below target for 3 months", "GR6.1"
                ),
            ],
        ),
        at=audit,
        by="bob",
    )
    # f2 is a deviation from a goal (the KPI's target), f1 a nonconformity (GR7.1)
    kinds = ("nonconformity", "deviation")
    for finding, kind in zip(sms.assessments()[0].findings, kinds, strict=True):
        sms.raise_nonconformity(
            Nonconformity(
                f"nc-{finding.id}",
                finding.description,
                kind=kind,
                requirement=finding.requirement,
                source=f"audit-2025/{finding.id}",
            ),
            at=audit,
            by="bob",
        )
    return sms


def example_security() -> SecurityRegister:
    """The payroll records (on db1, used by the HR service) and three people's read access,
    granted on 1 June 2025 and never confirmed in an access review since."""
    register = SecurityRegister()
    granted = datetime(2025, 6, 1, tzinfo=UTC)
    payroll = InformationAsset(
        "payroll-db",
        "Payroll records",
        Classification("high", "high", "medium"),
        cis=["db1"],
        services=["hr"],
    )
    register.add_asset(payroll, at=granted, by=ACTOR)
    for n, holder in enumerate(("bob", "dora", "eve"), 1):
        register.grant_access(
            f"payroll-read-{holder}",
            holder=holder,
            asset="payroll-db",
            access="read",
            reason="payroll clerk",
            at=granted + n * timedelta(minutes=1),
            by=ACTOR,
        )
    return register


def example_customers() -> CustomerRegister:
    """The web shop's customer, the consumers its SLA is agreed for, with a contact and the
    channels for ordering, complaints and escalation (PR7.1-PR7.3)."""
    customers = CustomerRegister()
    customers.add(
        Customer(
            "consumers",
            "Retail consumers",
            description="people buying in the web shop, represented by the consumer council",
            contacts=[
                Contact(
                    "council",
                    "Consumer council",
                    email="council@consumers.example",
                    matters=["service_review", "complaint"],
                )
            ],
            channels=[
                Channel("ordering", "portal", "https://shop.example/help"),
                Channel("complaint", "email", "complaints@provider.example"),
                Channel("escalation", "phone", "+49 30 1234", name="service desk"),
                Channel("escalation", "email", "carol@provider.example", name="carol"),
            ],
        ),
        at=AT,
        by=ACTOR,
    )
    return customers


_CRM = "carol"
"""The demo's customer relationship manager of the consumers."""


def _crm(roles: RoleModel) -> None:
    """Name carol the consumers' relationship manager, and alice, who approves the policy
    and holds the management reviews, the SMS owner (GR1.1), once (PR7.2)."""
    if not roles.knows("alice"):
        roles.add_person(Person("alice", "Alice", email="alice@provider.example"))
    if not roles.holders(Role.SMS_OWNER):
        roles.assign("alice", Role.SMS_OWNER)
    if not roles.knows(_CRM):
        roles.add_person(Person(_CRM, "Carol", email="carol@provider.example"))
    if not roles.has_role(_CRM, Role.CUSTOMER_RELATIONSHIP_MANAGER, "consumers"):
        roles.assign(_CRM, Role.CUSTOMER_RELATIONSHIP_MANAGER, "consumers")


DECEMBER = (datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
"""The month the demo reports on."""
SHOP_OUTAGE = Outage(
    "shop", datetime(2025, 12, 12, 8, tzinfo=UTC), datetime(2025, 12, 12, 12, tzinfo=UTC)
)
"""Four hours down in December: more than the 3 h 43 min 12 s that 99.5 % of 744 hours allows."""


def example_report() -> ReportSpecification:
    """The web shop's monthly SLA report to its customer (PR3.2), owned by carol."""
    return ReportSpecification(
        "sla-shop-monthly",
        "Web shop: monthly SLA report",
        purpose="The web shop's availability against its SLA, with breaches and incidents",
        audience=["consumers", "carol"],
        frequency=MonthlyRule(1),
        content=["service_performance", "significant_events", "workload"],
        format="html",
        channel="email",
        owner="carol",
        customer="consumers",
        services=["shop"],
        first_period=DECEMBER[0],
    )


QUARTER = (datetime(2025, 10, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
"""The quarter the demo evaluates the telecom supplier over: 92 days, 2208 hours."""
UPLINK_OUTAGE = Outage(
    "uplink-isp", datetime(2025, 11, 12, 8, tzinfo=UTC), datetime(2025, 11, 12, 11, tzinfo=UTC)
)
"""Three hours without the internet uplink: 1 - 3/2208 = 99.86 %, below the UA's 99.9 %."""
UPLINK_MEASURED = {
    ("ua-telco", "response"): Q_(2, "hour"),
    ("ua-telco", "bandwidth"): Q_(1, "Gbit/s"),
}
"""What the telecom supplier's other targets measured in the quarter: both met."""


def example_underpinning() -> Agreement:
    """The UA with the telecom supplier for the internet uplink: availability 99.9 %, a
    response within 4 hours, 1 Gbit/s (PR2.2, PR8.2)."""
    return Agreement(
        "ua-telco",
        "UA",
        "telco",
        ["uplink-isp"],
        [
            ServiceTarget("availability", Q_(99.9, "percent")),
            ServiceTarget("response_time", Q_(4, "hour"), name="response"),
            ServiceTarget("performance", Q_(1, "Gbit/s"), name="bandwidth"),
        ],
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        owner="dave",
    )


POOL = "san1"
"""The storage pool whose fill-up the demo forecasts."""


def example_utilisation(until: datetime = AT) -> UtilisationSeries:
    """90 days of daily samples of the storage pool, up to ``until``'s day: 60 TB on the
    first, 0.25 TB more each day (82.25 TB on the last)."""
    last = datetime.combine(until.date(), datetime.min.time(), UTC)
    days = [last - timedelta(days=89 - d) for d in range(90)]
    return UtilisationSeries.of(POOL, "storage", "TB", days, [60 + d / 4 for d in range(90)])


def _plan_capacity(uow: UnitOfWork, cmdb: Cmdb) -> None:
    """The pool's capacity (its CMDB attribute), a threshold for storage and its samples."""
    if "default" not in uow.capacity.ids():
        register = CapacityRegister()
        size = cmdb.ci(POOL).attributes["capacity_tb"]
        pool = Capacity(POOL, "storage", Q_(size, "TB"), ci_type=cmdb.ci(POOL).type)
        register.set_capacity(pool, at=AT, by=ACTOR)
        levels = Threshold("storage", Q_(80, "percent"), Q_(90, "percent"), ci_type=pool.ci_type)
        register.set_threshold(levels, at=AT, by=ACTOR)
        uow.capacity.add(register)
    if (POOL, "storage") not in {(s, m) for s, m, _ in uow.utilisation.series()}:
        uow.utilisation.append(example_utilisation())


def run(
    out: TextIO,
    *,
    store_url: str = DEFAULT_STORE,
    failures: Sequence[str] = DEFAULT_FAILURES,
    service: str = DEFAULT_SERVICE,
) -> None:
    """Build the example, save and reload it through a store, and report on it."""
    portfolio, cmdb = example_provider()
    store = open_store(store_url)
    try:
        with store.unit_of_work(ACTOR) as uow:
            if cmdb.id not in uow.cmdbs.ids():
                uow.portfolios.add(portfolio)
                uow.cmdbs.add(cmdb)
            # a store written by an older demo has the CMDB but none of these yet
            if "default" not in uow.agreements.ids():
                uow.agreements.add(example_agreements())
            if "default" not in uow.reviews.ids():
                uow.reviews.add(ReviewSchedules())
            if "default" not in uow.risks.ids():
                uow.risks.add(RiskRegister())
            if "default" not in uow.finance.ids():
                uow.finance.add(example_finance())
            _plan_capacity(uow, cmdb)
            if "default" not in uow.suppliers.ids():
                uow.suppliers.add(SupplierRegister())
                uow.outages.record(UPLINK_OUTAGE)
            if "default" not in uow.products.ids():
                uow.products.add(example_products())
            if "default" not in uow.continuity.ids():
                uow.continuity.add(example_continuity())
            if "default" not in uow.security.ids():
                uow.security.add(example_security())
            if "default" not in uow.customers.ids():
                uow.customers.add(example_customers())
            if "default" not in uow.roles.ids():
                uow.roles.add(RoleModel())
            if "default" not in uow.reports.ids():
                uow.reports.add(ReportRegister())
            if not uow.outages.find(*DECEMBER, ["shop"]):
                uow.outages.record(SHOP_OUTAGE)
            uow.commit()
        with store.unit_of_work(ACTOR) as uow:
            portfolio = uow.portfolios.get("example")
            cmdb = uow.cmdbs.get("example")
            schedules, register = uow.reviews.get(), uow.risks.get()
            finance = uow.finance.get()
            continuity = uow.continuity.get()
            # the same calls on every run: a second run changes nothing
            follow_agreements(schedules, uow.agreements.get(), at=AT, by=ACTOR)
            register.seed(candidate_risks(cmdb, [service]), at=AT, by=ACTOR)
            plan_assessments(schedules, register, timedelta(days=365), at=AT, by=ACTOR)
            agreements, suppliers = uow.agreements.get(), uow.suppliers.get()
            if "ua-telco" not in {a.id for a in agreements}:
                agreements.add(example_underpinning())
            suppliers.adopt(portfolio.suppliers, at=AT, by=ACTOR)  # type: ignore[arg-type]
            telco = evaluation_subject("telco")
            if telco not in schedules:
                schedules.plan(telco, timedelta(days=90), at=AT, by=ACTOR, first_due=AT)
            if suppliers.supplier("telco").last_evaluation is None:
                suppliers.evaluate(
                    "telco",
                    start=QUARTER[0],
                    end=QUARTER[1],
                    agreements=agreements,
                    outages=uow.outages.log(*QUARTER, ["uplink-isp"]),
                    measurements=UPLINK_MEASURED,
                    findings=["uplink down 3 hours on 12 November"],
                    at=AT,
                    by=ACTOR,
                    schedules=schedules,
                )
            gates = uow.products.get().check(
                "chat", "in_development", "in_production", gather_evidence(uow)
            )
            if "default" not in uow.sms.ids():
                uow.sms.add(example_sms(schedules))
            sms = uow.sms.get()
            security = uow.security.get()
            plan_access_reviews(
                schedules, security, timedelta(days=180), at=AT, by=ACTOR, first_due=ACCESS_REVIEW
            )
            customers, roles = uow.customers.get(), uow.roles.get()
            _crm(roles)
            # quarterly service reviews, the first on 1 February 2026 (PR7.4)
            plan_service_reviews(
                schedules,
                customers,
                MonthlyRule(3, day=1),
                at=AT,
                by=ACTOR,
                first_due=datetime(2026, 2, 1, tzinfo=UTC),
                roles=roles,
            )
            crm = roles.holders(Role.CUSTOMER_RELATIONSHIP_MANAGER, "consumers")
            holdings = agreements_of(customers, uow.agreements.get(), "consumers", at=AT)
            reports = uow.reports.get()
            spec = example_report()
            if spec.id not in reports:
                reports.specify(spec, at=AT, by=ACTOR)
            if not reports.productions(spec.id):
                evaluation = evaluate(
                    uow.agreements.get(), *DECEMBER, outages=uow.outages.log(*DECEMBER, ["shop"])
                )
                december = build_report(
                    spec, DECEMBER[0], evaluation=evaluation, cases=uow.cases.find()
                )
                reports.produce(december, at=AT, by=ACTOR)
                reports.deliver(spec.id, DECEMBER[0], recipients=spec.audience, at=AT, by=ACTOR)
            produced = reports.production(spec.id, DECEMBER[0])
            uow.commit()
            capacity = uow.capacity.get()
            forecast = capacity.forecast(uow.utilisation.read(POOL, "storage", end=AT), 0.8)
        # the FitSM-1 audit of what was just stored (read only; memory:// included)
        audited = audit(store, at=AT)
    finally:
        store.close()

    counts = {
        k: sum(1 for _ in cmdb.nodes(k))
        for k in ("service", "service_component", "configuration_item", "redundancy_group")
    }
    print(
        f"Example provider in {store.url}: {counts['service']} services, "
        f"{counts['service_component']} components, {counts['configuration_item']} CIs, "
        f"{counts['redundancy_group']} redundancy groups.",
        file=out,
    )
    print(file=out)
    report = cmdb.impact(failures)
    print(f"If {', '.join(failures)} fails:", file=out)
    impacted = report.impacted_services()
    for item in impacted:
        name = portfolio.service(item.id).name
        print(f"  {name} ({item.id}) is {item.status.value}", file=out)
        print(f"    because {report.explain(item.id)}", file=out)
    if not impacted:
        print("  no service is impacted", file=out)
    print(file=out)
    spofs = cmdb.single_points_of_failure(service)
    print(
        f"Single points of failure of {portfolio.service(service).name} ({service}): {len(spofs)}",
        file=out,
    )
    for ci in spofs:
        print(f"  {ci} ({cmdb.ci(ci).type})", file=out)
    print(file=out)
    review = schedules.schedule(("customer_review", "consumers"))
    print(
        f"Customer 'consumers' (CRM: {', '.join(map(repr, crm)) or 'none'}): service review "
        f"due {review.next_due.date().isoformat()}; agreements "
        f"{', '.join(holdings.agreement_ids) or 'none'}, services "
        f"{', '.join(holdings.services) or 'none'}.",
        file=out,
    )
    print(
        f"Report {produced.report_id!r} for {produced.label} produced: {produced.summary()}; "
        f"delivered to {', '.join(produced.delivered_to)} by {produced.deliveries[0].channel}.",
        file=out,
    )
    seeded = [
        r
        for r in register.ranked(area="availability")
        if r.source == SINGLE_POINT_OF_FAILURE and service in r.concerns
    ]
    if seeded:
        top = seeded[0]
        print(
            f"Risk seeded from a single point of failure ({len(seeded)} for {service}): "
            f"{top.id}, rated {register.rating(top.id)}: {top.description}",
            file=out,
        )
    overdue = schedules.overdue(AT)
    if overdue:
        first = overdue[0]
        days = (AT - first.next_due).days
        owner = f", owner {first.owner}" if first.owner else ""
        print(
            f"Overdue review ({len(overdue)} on {AT.date().isoformat()}): {first.subject}, "
            f"due {first.next_due.date().isoformat()}, {days} days ago{owner}.",
            file=out,
        )
    else:
        print(f"No review is overdue on {AT.date().isoformat()}.", file=out)
    rolled = finance.roll_up(cmdb, *month(AT.year, AT.month))
    recovery = finance.recovery(rolled, DEFAULT_SERVICE, SHOP_ORDERS)
    print(
        f"Service {DEFAULT_SERVICE!r} costs {recovery.cost} a month, recovers "
        f"{recovery.percent} % through its tiered charge ({SHOP_ORDERS} orders: "
        f"{recovery.charged}).",
        file=out,
    )
    print(_gate_line("chat", gates), file=out)
    missed = [
        verdict
        for verdict in (continuity.verdict(t.id) for t in continuity.tests())
        if verdict.rto_met is False
    ]
    if missed:
        print(_sentence(str(missed[-1])), file=out)
    late = overdue_access_reviews(security, schedules, AT)
    if late:
        print(_sentence(str(late[0])), file=out)
    assessed = suppliers.supplier("telco").last_evaluation
    if assessed is not None:
        shown = ", ".join(str(p) for p in assessed.performance) or "no agreement measured"
        print(
            f"Supplier evaluation: supplier 'telco' evaluated {assessed.at.date().isoformat()} "
            f"by {assessed.by!r}: rating {suppliers.scale.shown(assessed.rating)}, {shown}.",
            file=out,
        )
    pool = capacity.capacity(POOL, "storage")
    size = f"{pool.amount.magnitude:g} {pool.amount.units:~P}"
    if forecast.crossing is not None and forecast.trend is not None:
        print(
            f"Storage pool {POOL!r} crosses 80 % of {size} on "
            f"{forecast.crossing.date().isoformat()} at the current trend "
            f"(+{forecast.trend.slope_per_day:.2f} TB a day).",
            file=out,
        )
    else:
        print(f"Storage pool {POOL!r} of {size}: {forecast.reason}.", file=out)
    print(_sentence(sms.status_line(schedules, AT)), file=out)

    _audit(out, audited)


def _audit(out: TextIO, report: AuditReport) -> None:
    """The FitSM-1 audit of the example provider: counts, three findings, three steps."""
    print(file=out)
    print(_sentence(report.summary()), file=out)
    # findings where part is done say most about what to do next; then those not met
    shown = [f for f in report.of_status("partly_met", "not_met") if f.by_machine and f.next_step]
    shown.sort(key=lambda f: f.status != "partly_met")
    for finding in shown[:3]:
        print(f"  {finding.requirement} {finding.status.value.replace('_', ' ')}: "
              f"{'; '.join(finding.evidence)}", file=out)  # fmt: skip
        print(f"    next: {finding.next_step}", file=out)
    steps = roadmap(assess(report))
    print(f"Roadmap ({len(steps)} steps in the FitSM implementation sequence), first three:",
          file=out)  # fmt: skip
    for step in steps[:3]:
        print(f"  {step}", file=out)


def _sentence(text: str) -> str:
    """A result's description as a line of the demo: capitalised, with a full stop."""
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")
