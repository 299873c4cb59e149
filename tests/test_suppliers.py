"""The supplier register (PR8.1-PR8.4), linked agreements, dependent services, vendor products."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm.availability import Outage
from fitsm.cmdb import Cmdb, ConfigurationItem
from fitsm.demo import SCHEMA
from fitsm.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from fitsm.portfolio import Service, ServiceComponent, ServicePortfolio, SupplierInvolvement
from fitsm.reviews import ReviewSchedules
from fitsm.roles import Person, Role, RoleModel
from fitsm.service_levels import Agreement, Agreements, ServiceTarget
from fitsm.suppliers import (
    EscalationLevel,
    FollowUpAction,
    RatingScale,
    Supplier,
    SupplierChannel,
    SupplierContact,
    SupplierRegister,
    VendorProduct,
    evaluation_subject,
    link_agreements,
    products_at_risk,
    services_depending_on,
    supplier_performance,
)
from fitsm.units import Q_

T0 = datetime(2024, 1, 8, tzinfo=UTC)
Q1 = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC))  # 91 days, 2184 h
AT = datetime(2024, 3, 31, tzinfo=UTC)


def _register() -> SupplierRegister:
    register = SupplierRegister()
    register.add(Supplier("netco", "NetCo", "external"), at=T0, by="pat")
    register.add(Supplier("dc", "Data centre team", "internal", "dc@example.org"), at=T0, by="pat")
    return register


def _agreements() -> Agreements:
    agreements = Agreements()
    agreements.add(
        Agreement(
            "ua-net",
            "UA",
            "netco",
            ["uplink"],
            [
                ServiceTarget("availability", Q_(99.9, "percent")),
                ServiceTarget("response_time", Q_(4, "hour"), name="response"),
                ServiceTarget("performance", Q_(1, "Gbit/s"), name="bandwidth"),
            ],
        )
    )
    agreements.add(
        Agreement(
            "ola-dc", "OLA", "dc", ["web"], [ServiceTarget("availability", Q_(99, "percent"))]
        )
    )
    agreements.add(
        Agreement(
            "sla-shop",
            "SLA",
            "consumers",
            ["shop"],
            [ServiceTarget("availability", Q_(99, "percent"))],
        )
    )
    return agreements


# the uplink is down 3 hours in Q1: 1 - 3/2184 = 99.863 % < 99.9 %, so the UA's availability
# target is violated; a response time of 3 h meets 4 h and 1 Gbit/s meets 1 Gbit/s: 2 of 3 met
OUTAGES = [
    Outage("uplink", datetime(2024, 2, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, 4, tzinfo=UTC))
]
MEASURED = {("ua-net", "response"): Q_(3, "hour"), ("ua-net", "bandwidth"): Q_(1, "Gbit/s")}


class TestRegister:
    def test_a_supplier_is_added_with_its_contact_as_a_general_channel(self):
        dc = _register().supplier("dc")
        assert (dc.kind.value, dc.retired) == ("internal", False)
        assert dc.channels == (SupplierChannel("general", "contact", "dc@example.org"),)
        assert [(c.action, c.by, c.at) for c in dc.history] == [("added", "pat", T0)]

    def test_a_portfolios_suppliers_are_adopted_once(self):
        portfolio = ServicePortfolio()
        portfolio.add_supplier(Supplier("telco", "Telco", "external", "noc@telco.example"))
        portfolio.add_supplier(Supplier("uni-x", "Uni X", "federation_member"))
        register = SupplierRegister()
        assert len(register.adopt(portfolio.suppliers, at=T0, by="pat")) == 2
        assert register.adopt(portfolio.suppliers, at=T0, by="pat") == []
        assert [s.id for s in register.active("federation_member")] == ["uni-x"]
        assert register.supplier("telco").supplier == portfolio.supplier("telco")

    def test_the_portfolio_lists_suppliers_but_not_other_records(self):
        portfolio = ServicePortfolio()
        with pytest.raises(ValidationError, match="expected a Supplier, got Service"):
            portfolio.add_supplier(Service("mail", "Mail"))  # type: ignore[arg-type]
        assert portfolio.suppliers == ()

    def test_a_second_supplier_with_the_same_id_is_refused(self):
        register = _register()
        with pytest.raises(DuplicateError, match="'netco' is in the register already"):
            register.add(Supplier("netco", "Other", "external"), at=T0, by="pat")

    def test_update_records_what_changed_and_refuses_other_fields(self):
        register = _register()
        later = T0 + timedelta(days=1)
        updated = register.update("netco", kind="internal", note="merged", at=later, by="pat")
        assert updated.kind.value == "internal"
        assert dict(updated.history[-1].changes) == {"kind": "internal"}
        with pytest.raises(ValidationError, match="changes name, kind, description; got 'id'"):
            register.update("netco", id="x", at=later, by="pat")
        with pytest.raises(ValidationError, match="not a valid SupplierKind"):
            register.update("netco", kind="partner", at=later, by="pat")
        assert register.supplier("netco") == updated

    def test_a_retired_supplier_stays_on_record_and_changes_no_more(self):
        register = _register()
        register.retire("netco", at=T0, by="pat", note="contract ended")
        assert "netco" in register and register.supplier("netco").retired
        assert [s.id for s in register.active()] == ["dc"]
        before = register.copy()
        with pytest.raises(ValidationError, match="'netco' is retired"):
            register.set_contact(
                "netco", SupplierContact("Nora", "account manager"), at=T0, by="sam"
            )
        assert register == before

    def test_a_change_dated_before_the_last_one_is_refused(self):
        register = _register()
        with pytest.raises(ValidationError, match="before its last change"):
            register.update("netco", name="NetCo Ltd", at=T0 - timedelta(seconds=1), by="pat")

    def test_an_unknown_supplier_is_named_in_the_error(self):
        with pytest.raises(NotFoundError, match="no supplier 'nope' in supplier register"):
            _register().retire("nope", at=T0, by="pat")


class TestContactsAndChannels:
    def test_contacts_are_set_by_name_and_replaced(self):
        register = _register()
        register.set_contact("netco", SupplierContact("Nora", "account manager"), at=T0, by="sam")
        register.set_contact("netco", SupplierContact("Otto", "service desk lead"), at=T0, by="sam")
        register.set_contact("netco", SupplierContact("Nora", "sales director"), at=T0, by="sam")
        netco = register.supplier("netco")
        assert [(c.name, c.role) for c in netco.contacts] == [
            ("Nora", "sales director"),
            ("Otto", "service desk lead"),
        ]
        assert register.without_contacts() == [register.supplier("dc")]

    def test_the_escalation_path_runs_through_known_contacts_in_order(self):
        register = _register()
        for name in ("Nora", "Otto"):
            register.set_contact("netco", SupplierContact(name, "manager"), at=T0, by="sam")
        path = [EscalationLevel("Otto"), EscalationLevel("Nora", timedelta(hours=4))]
        register.set_escalation("netco", path, at=T0, by="sam")
        assert register.supplier("netco").escalation == tuple(path)
        assert register.without_escalation() == [register.supplier("dc")]
        with pytest.raises(ValidationError, match="level 1 names 'Eve', who is not one"):
            register.set_escalation("netco", [EscalationLevel("Eve")], at=T0, by="sam")
        with pytest.raises(ValidationError, match="level 2 .* comes sooner than level 1"):
            register.set_escalation("netco", list(reversed(path)), at=T0, by="sam")
        with pytest.raises(ValidationError, match="'Otto' is on the escalation path twice"):
            register.set_escalation("netco", [path[0], path[0]], at=T0, by="sam")
        with pytest.raises(ValidationError, match="'Nora' is on the escalation path"):
            register.remove_contact("netco", "Nora", at=T0, by="sam")
        assert register.supplier("netco").escalation == tuple(path)

    @given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=6))
    def test_a_path_is_accepted_exactly_when_no_level_comes_sooner_than_the_one_before(self, hours):
        register = _register()
        names = [f"c{i}" for i in range(len(hours))]
        for name in names:
            register.set_contact("netco", SupplierContact(name, "manager"), at=T0, by="sam")
        path = [EscalationLevel(n, timedelta(hours=h)) for n, h in zip(names, hours, strict=True)]
        in_order = hours == sorted(hours)
        try:
            register.set_escalation("netco", path, at=T0, by="sam")
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted is in_order

    def test_channels_are_replaced_as_a_whole(self):
        register = _register()
        channels = [
            SupplierChannel("support", "portal", "https://support.netco.example"),
            SupplierChannel("escalation", "phone", "+49 30 1234"),
        ]
        register.set_channels("netco", channels, at=T0, by="sam")
        assert register.supplier("netco").channels == tuple(channels)
        with pytest.raises(ValidationError, match="not a valid SupplierChannelPurpose"):
            SupplierChannel("gossip", "phone", "+49 30 1234")


class TestEvaluations:
    def test_the_performance_of_the_suppliers_agreements_only(self):
        performance = supplier_performance(
            _agreements(), "netco", *Q1, outages=OUTAGES, measurements=MEASURED
        )
        assert len(performance) == 1
        (ua,) = performance
        assert (ua.agreement, ua.kind, ua.met, ua.violated, ua.measured) == (
            "ua-net",
            "UA",
            2,
            1,
            3,
        )
        assert ua.violations == ("uplink availability",)
        assert str(ua) == "UA 'ua-net' met 2 of 3 targets"

    def test_an_evaluation_suggests_3_of_5_for_2_of_3_targets_and_advances_the_schedule(self):
        register = _register()
        schedules = ReviewSchedules()
        schedules.plan(evaluation_subject("netco"), timedelta(days=90), at=T0, by="pm")
        action = FollowUpAction("netco-1", "Second uplink", owner="sam", due=date(2024, 6, 30))
        evaluation = register.evaluate(
            "netco",
            start=Q1[0],
            end=Q1[1],
            agreements=_agreements(),
            outages=OUTAGES,
            measurements=MEASURED,
            findings=["uplink down 3 h in February"],
            actions=[action],
            at=AT,
            by="sam",
            schedules=schedules,
        )
        # 1 + floor(2/3 * (5 - 1)) = 1 + floor(8/3) = 3
        assert (evaluation.rating, evaluation.met, evaluation.measured) == (3, 2, 3)
        assert register.scale.shown(evaluation.rating) == "3/5"
        schedule = schedules.schedule(evaluation_subject("netco"))
        assert (schedule.last.outcome.value, schedule.last.follow_ups) == ("findings", ("netco-1",))
        assert schedule.next_due == AT + timedelta(days=90)
        netco = register.supplier("netco")
        assert netco.last_evaluation == evaluation
        assert netco.open_actions == (action,)
        assert netco.history[-1].action == "evaluated"

    def test_a_follow_up_action_is_tracked_to_done(self):
        register = _register()
        register.evaluate(
            "netco", start=Q1[0], end=Q1[1], agreements=Agreements(), rating=4,
            actions=[FollowUpAction("netco-1", "Weekly call")], at=AT, by="sam",
        )  # fmt: skip
        done = register.update_action("netco", "netco-1", "done", at=AT, by="sam", note="held")
        assert (done.status.value, done.note) == ("done", "held")
        assert register.supplier("netco").open_actions == ()
        with pytest.raises(NotFoundError, match="no follow-up action 'netco-2'"):
            register.update_action("netco", "netco-2", "done", at=AT, by="sam")
        with pytest.raises(DuplicateError, match="follow-up action 'netco-1' already"):
            register.evaluate(
                "netco", start=Q1[0], end=Q1[1], agreements=Agreements(), rating=4,
                actions=[FollowUpAction("netco-1", "again")], at=AT, by="sam",
            )  # fmt: skip

    def test_no_measured_target_needs_a_rating_given_and_a_rating_must_be_on_the_scale(self):
        register = _register()
        before = register.copy()
        with pytest.raises(ValidationError, match="no measured agreement target"):
            register.evaluate("dc", start=Q1[0], end=Q1[1], agreements=Agreements(), at=AT, by="x")
        with pytest.raises(ValidationError, match="from 1 to 5 .*got 6"):
            register.evaluate(
                "dc", start=Q1[0], end=Q1[1], agreements=Agreements(), rating=6, at=AT, by="x"
            )
        assert register == before

    def test_an_evaluation_without_its_schedule_changes_nothing(self):
        register, schedules = _register(), ReviewSchedules()
        before = register.copy()
        with pytest.raises(NotFoundError, match="supplier:netco"):
            register.evaluate(
                "netco", start=Q1[0], end=Q1[1], agreements=Agreements(), rating=3,
                at=AT, by="sam", schedules=schedules,
            )  # fmt: skip
        assert register == before

    @given(st.integers(min_value=2, max_value=9), st.data())
    def test_a_suggested_rating_is_on_the_scale_and_rises_with_the_targets_met(self, top, data):
        scale = RatingScale([f"r{i}" for i in range(top)])
        measured = data.draw(st.integers(min_value=1, max_value=50))
        ratings = [scale.suggest(met, measured) for met in range(measured + 1)]
        assert ratings[0] == 1 and ratings[-1] == top
        assert ratings == sorted(ratings)


def _provider() -> tuple[ServicePortfolio, Cmdb]:
    """vpn -> uplink (netco's component) -> link1, router1; mail -> relay -> router1;
    router1 runs EdgeOS (netco's product); shop -> web -> lb1."""
    portfolio = ServicePortfolio("p")
    portfolio.add_supplier(Supplier("netco", "NetCo", "external"))
    portfolio.add_supplier(Supplier("dc", "DC", "internal"))
    portfolio.add_service(Service("vpn", "VPN", suppliers=[SupplierInvolvement("netco", "uplink")]))
    portfolio.add_service(Service("mail", "Mail"))
    portfolio.add_service(Service("shop", "Shop", suppliers=["dc"]))
    portfolio.add_component(
        ServiceComponent("uplink", "Uplink", suppliers=[SupplierInvolvement("netco", "internet")])
    )
    portfolio.add_component(ServiceComponent("relay", "Mail relay"))
    portfolio.add_component(ServiceComponent("web", "Web"))
    cmdb = Cmdb(SCHEMA, id="p")
    cmdb.add_portfolio(portfolio, actor="x", at=T0)
    cmdb.add_many(
        [
            ConfigurationItem("link1", "network_link"),
            ConfigurationItem("router1", "router"),
            ConfigurationItem("edgeos", "software"),
            ConfigurationItem("lb1", "vm", attributes={"hostname": "lb1"}),
        ],
        [
            ("vpn", "uplink", "depends_on"),
            ("mail", "relay", "depends_on"),
            ("shop", "web", "depends_on"),
            ("uplink", "link1", "uses"),
            ("uplink", "router1", "uses"),
            ("relay", "router1", "uses"),
            ("web", "lb1", "uses"),
            ("router1", "edgeos", "runs_on"),
        ],
        actor="x",
        at=T0,
    )
    return portfolio, cmdb


EDGEOS = VendorProduct(
    "edgeos-7", "EdgeOS", "netco", "7.2", date(2024, 6, 30), services=["shop"], cis=["edgeos"]
)


class TestDependentsAndProducts:
    def test_the_services_depending_on_a_supplier_from_portfolio_and_cmdb(self):
        portfolio, cmdb = _provider()
        rows = services_depending_on("netco", portfolio, cmdb, products=[EDGEOS])
        assert [(r.service, r.how, r.via, r.path, r.if_supplier_fails) for r in rows] == [
            ("mail", "product", "edgeos", ("mail", "relay", "router1", "edgeos"), "down"),
            ("vpn", "service", "vpn", ("vpn",), "down"),
            ("vpn", "component", "uplink", ("vpn", "uplink"), "down"),
            ("vpn", "product", "edgeos", ("vpn", "uplink", "router1", "edgeos"), "down"),
        ]
        assert rows.to_records()[0]["path"] == "mail -> relay -> router1 -> edgeos"

    def test_a_supplier_with_nothing_in_the_cmdb_has_no_failure_verdict(self):
        portfolio, cmdb = _provider()
        rows = services_depending_on("dc", portfolio, cmdb)
        assert [(r.service, r.how, r.if_supplier_fails) for r in rows] == [
            ("shop", "service", None)
        ]

    def test_without_a_cmdb_only_the_portfolios_direct_involvements(self):
        portfolio, _ = _provider()
        rows = services_depending_on("netco", portfolio)
        assert [(r.service, r.how, r.role, r.if_supplier_fails) for r in rows] == [
            ("vpn", "service", "uplink", None)
        ]
        assert services_depending_on("nobody", portfolio) == []

    def test_services_at_risk_when_a_products_support_ends(self):
        _, cmdb = _provider()
        rows = products_at_risk([EDGEOS], cmdb, date(2024, 6, 30), today=date(2024, 3, 31))
        # 30 days of April + 31 of May + 30 of June = 91 days to 30 June
        assert [(r.service, r.status, r.days_left, r.path) for r in rows] == [
            ("mail", "down", 91, ("mail", "relay", "router1", "edgeos")),
            ("shop", "up", 91, ()),
            ("vpn", "down", 91, ("vpn", "uplink", "router1", "edgeos")),
        ]
        assert products_at_risk([EDGEOS], cmdb, date(2024, 6, 29)) == []
        unannounced = VendorProduct("x", "X", "netco", cis=["edgeos"])
        assert products_at_risk([unannounced], cmdb, date(2099, 1, 1)) == []

    def test_a_product_belongs_to_its_supplier(self):
        register = _register()
        with pytest.raises(ValidationError, match="supplied by 'netco', not by 'dc'"):
            register.set_product("dc", EDGEOS, at=T0, by="sam")
        register.set_product("netco", EDGEOS, at=T0, by="sam")
        newer = VendorProduct("edgeos-7", "EdgeOS", "netco", "7.3", date(2025, 6, 30))
        register.set_product("netco", newer, at=T0, by="sam")
        assert register.products() == [newer]
        register.remove_product("netco", "edgeos-7", at=T0, by="sam")
        assert register.products() == []


class TestLinkedAgreements:
    def test_each_ola_and_ua_is_linked_and_the_misfits_reported(self):
        register = _register()
        register.add(Supplier("payco", "PayCo", "external"), at=T0, by="pat")
        register.add(Supplier("oldco", "Old Co", "external"), at=T0, by="pat")
        register.retire("oldco", at=T0, by="pat")
        agreements = _agreements()
        agreements.add(Agreement("ua-old", "UA", "oldco", ["x"], []))
        agreements.add(Agreement("ua-pay", "UA", "PayCo", ["pay"], []))
        agreements.add(Agreement("ua-who", "UA", "Nobody Inc", ["y"], []))
        result = link_agreements(agreements, register)
        assert result.linked == {"dc": ("ola-dc",), "netco": ("ua-net",), "oldco": ("ua-old",)}
        assert [x.agreement for x in result.unknown] == ["ua-pay", "ua-who"]
        assert "name of supplier 'payco': use the id" in result.unknown[0].message
        assert [x.agreement for x in result.retired] == ["ua-old"]
        assert [x.supplier for x in result.without_agreement] == ["payco"]
        # by agreement id (ola-dc, ua-net, ua-old, ua-pay, ua-who; the SLA left out), then
        # the suppliers without one
        assert [r["problem"] for r in result.links.to_records()] == [
            "ok", "ok", "retired_supplier", "unknown_supplier", "unknown_supplier", "no_agreement",
        ]  # fmt: skip


class TestAggregate:
    def test_writers_of_different_suppliers_merge_and_of_the_same_conflict(self):
        base = _register()
        ours, theirs = base.copy(), base.copy()
        ours.update("netco", name="NetCo Ltd", at=T0, by="a")
        theirs.update("dc", name="DC team", at=T0, by="b")
        merged = ours.copy()
        merged.rebase(theirs, base)
        assert (merged.supplier("netco").name, merged.supplier("dc").name) == (
            "NetCo Ltd",
            "DC team",
        )
        theirs.update("netco", name="NetCo plc", at=T0, by="b")
        before = ours.copy()
        with pytest.raises(ConflictError, match="'netco' was changed by someone else"):
            ours.rebase(theirs, base)
        assert ours == before


class TestRole:
    def test_the_supplier_relationship_manager_is_one_per_supplier(self):
        roles = RoleModel()
        for pid in ("sam", "sue"):
            roles.add_person(Person(pid, pid))
        roles.assign("sam", Role.SUPPLIER_RELATIONSHIP_MANAGER, "netco")
        roles.assign("sue", Role.SUPPLIER_RELATIONSHIP_MANAGER, "netco")
        register = _register()
        owned = {Role.SUPPLIER_RELATIONSHIP_MANAGER: [s.id for s in register.active()]}
        found = {(f.problem, f.context) for f in roles.check(processes=(), owned=owned)}
        assert ("no_supplier_relationship_manager", "dc") in found
        assert ("several_supplier_relationship_managers", "netco") in found
