"""Service finance (003): money, costs, allocation to the cent, TCO, charging, roadmap, register."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import (
    Cmdb,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    ServiceNode,
)
from fitsm.cmdb import AttributeSpec, CiType
from fitsm.demo import example_agreements, example_finance, example_provider
from fitsm.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from fitsm.finance import (
    ByAttribute,
    ByWeights,
    Cost,
    CostRecovery,
    FinanceRegister,
    FixedCharge,
    Money,
    PerUnitCharge,
    RoadmapEntry,
    Tier,
    TieredCharge,
    allocate,
    check_roadmap,
    cost_recovery,
    customers_of,
    largest_remainder,
    planned_between,
    priced_catalogue,
    roll_up,
)
from tests.strategies import SmallGraph, small_graphs

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
JAN = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


# -- money ----------------------------------------------------------------------------


class TestMoney:
    def test_amounts_of_one_currency_add_exactly(self) -> None:
        assert eur("0.10") + eur("0.20") == eur("0.30")
        assert eur("10") - eur("0.01") == eur("9.99")
        assert eur("0.0125") * 3 == eur("0.0375")

    def test_two_currencies_do_not_add_and_the_error_names_both(self) -> None:
        with pytest.raises(ValidationError, match="EUR and USD"):
            eur("1") + Money("1", "USD")
        with pytest.raises(ValidationError, match="EUR and CHF"):
            eur("1") < Money("2", "CHF")  # noqa: B015

    @pytest.mark.parametrize("bad", [0.1, True, "ten", Decimal("NaN"), None])
    def test_floats_and_non_numbers_are_refused(self, bad: object) -> None:
        with pytest.raises(ValidationError, match="amount"):
            Money(bad, "EUR")  # type: ignore[arg-type]

    @pytest.mark.parametrize("bad", ["eur", "EURO", "E1R", 978, ""])
    def test_a_currency_is_three_capital_letters(self, bad: object) -> None:
        with pytest.raises(ValidationError, match="currency"):
            Money("1", bad)  # type: ignore[arg-type]

    def test_shown_with_thousands_and_at_least_the_minor_unit(self) -> None:
        assert str(eur("4180")) == "EUR 4,180.00"
        assert str(eur("0.0125")) == "EUR 0.0125"
        assert str(Money("1500", "JPY")) == "JPY 1,500"

    def test_minor_units_round_half_to_even(self) -> None:
        assert eur("0.125").minor == 12
        assert eur("0.135").minor == 14
        assert Money.of_minor(1999, "EUR") == eur("19.99")
        assert Money.of_minor(5, "BHD") == Money("0.005", "BHD")

    def test_a_fraction_is_kept_only_when_it_terminates(self) -> None:
        assert Money(Fraction(1, 8), "EUR").amount == Decimal("0.125")
        with pytest.raises(ValidationError, match="terminating"):
            Money(Fraction(1, 3), "EUR")


class TestLargestRemainder:
    def test_known_answer(self) -> None:
        # 100 cents by 1:1:1 -> 33.33 each, one cent left, all remainders 1/3: the first id
        assert largest_remainder(100, [Fraction(1)] * 3, ["b", "a", "c"]) == [33, 34, 33]
        # 10 by 1:2:3 -> 1.67, 3.33, 5: floors 1, 3, 5, one left to the largest remainder .67
        assert largest_remainder(10, [Fraction(n) for n in (1, 2, 3)], ["x", "y", "z"]) == [
            2,
            3,
            5,
        ]

    @given(
        st.integers(0, 10**15),
        st.lists(st.fractions(min_value=0, max_value=1000), min_size=1, max_size=8),
    )
    def test_the_parts_always_add_up_and_stay_within_a_unit_of_the_exact_share(
        self, whole: int, weights: list[Fraction]
    ) -> None:
        if sum(weights) == 0:
            weights[0] = Fraction(1)
        keys = [f"k{i}" for i in range(len(weights))]
        parts = largest_remainder(whole, weights, keys)
        assert sum(parts) == whole
        total = sum(weights)
        for part, weight in zip(parts, weights, strict=True):
            assert abs(part - whole * weight / total) < 1

    def test_weights_that_add_up_to_nothing_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="positive sum"):
            largest_remainder(10, [Fraction(0)], ["a"])


# -- costs ----------------------------------------------------------------------------


class TestCosts:
    def test_a_monthly_cost_counts_in_proportion_to_the_time_in_the_month(self) -> None:
        # from 16 January: 16 of January's 31 days -> 300 x 16/31
        cost = Cost("c", "db1", eur("300"), "monthly", datetime(2026, 1, 16, tzinfo=UTC))
        assert cost.in_period(*JAN) == Fraction(300 * 16, 31)
        # ending 11 January: 10 days
        ended = Cost(
            "d",
            "db1",
            eur("310"),
            "monthly",
            datetime(2025, 12, 1, tzinfo=UTC),
            effective_to=datetime(2026, 1, 11, tzinfo=UTC),
        )
        assert ended.in_period(*JAN) == 100

    def test_a_yearly_cost_is_a_twelfth_each_month(self) -> None:
        cost = Cost("c", "san", eur("1200"), "yearly", datetime(2025, 1, 1, tzinfo=UTC))
        feb = (datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
        assert cost.in_period(*feb) == 100
        assert cost.in_period(JAN[0], datetime(2027, 1, 1, tzinfo=UTC)) == 1200

    def test_a_one_off_cost_is_amortised_over_its_months_from_the_month_it_was_incurred(
        self,
    ) -> None:
        # 3600 over 36 months from January 2026: 100 a month to December 2028, then nothing
        cost = Cost(
            "c",
            "db1",
            eur("3600"),
            "one_off",
            datetime(2026, 1, 10, tzinfo=UTC),
            amortise_months=36,
        )
        assert cost.in_period(*JAN) == 100
        assert (
            cost.in_period(datetime(2028, 12, 1, tzinfo=UTC), datetime(2029, 2, 1, tzinfo=UTC))
            == 100
        )
        assert cost.in_period(JAN[0], datetime(2027, 1, 1, tzinfo=UTC)) == 1200
        assert (
            cost.in_period(datetime(2025, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
            == 3600
        )

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            (
                {"recurrence": "one_off", "effective_to": datetime(2027, 1, 1, tzinfo=UTC)},
                "one-off",
            ),
            ({"recurrence": "monthly", "amortise_months": 12}, "only a one-off"),
            ({"recurrence": "monthly", "effective_to": datetime(2025, 1, 1, tzinfo=UTC)}, "after"),
            ({"recurrence": "weekly"}, "valid Recurrence"),
            ({"recurrence": "one_off", "amortise_months": 0}, "amortise_months"),
            ({"recurrence": "monthly", "amount": eur("-1")}, ">= 0"),
        ],
    )
    def test_contradictions_are_refused(self, fields: dict[str, object], message: str) -> None:
        args: dict[str, object] = {"amount": eur("10"), "effective_from": JAN[0]} | fields
        with pytest.raises(ValidationError, match=message):
            Cost("c", "db1", **args)  # type: ignore[arg-type]

    def test_naive_dates_are_refused(self) -> None:
        with pytest.raises(ValidationError):
            Cost("c", "db1", eur("1"), "monthly", datetime(2026, 1, 1))


# -- allocation -------------------------------------------------------------------------

SCHEMA = CmdbSchema(
    ci_types=[CiType("vm", [AttributeSpec("vcpus", "integer")]), "server", "storage"]
)


def diamond() -> Cmdb:
    """Three services over a diamond of shared CIs::

    shop -> web -> vm1 -> host -> san
    shop -> app -> vm1, vm2           (two paths from shop to host: the diamond)
    crm  -> app
    mail -> mx  -> vm2 -> host
    """
    cmdb = Cmdb(SCHEMA)
    nodes = [
        ServiceNode("shop"),
        ServiceNode("crm"),
        ServiceNode("mail"),
        ComponentNode("web"),
        ComponentNode("app"),
        ComponentNode("mx"),
        ConfigurationItem("vm1", "vm", attributes={"vcpus": 4}),
        ConfigurationItem("vm2", "vm", attributes={"vcpus": 2}),
        ConfigurationItem("host", "server"),
        ConfigurationItem("san", "storage"),
    ]
    edges = [
        ("shop", "web"),
        ("shop", "app"),
        ("crm", "app"),
        ("mail", "mx"),
        ("web", "vm1"),
        ("app", "vm1"),
        ("app", "vm2"),
        ("mx", "vm2"),
        ("vm1", "host"),
        ("vm2", "host"),
        ("host", "san"),
    ]
    cmdb.add_many(nodes, edges, actor="ann", at=T0)
    return cmdb


AMOUNTS = {
    "host": eur("1000"),
    "vm1": eur("100"),
    "vm2": eur("100.01"),
    "san": eur("0.05"),
    "shop": eur("10"),
    "ghost": eur("1"),
}


class TestAllocation:
    def test_an_even_split_over_the_diamond_to_the_cent(self) -> None:
        split = allocate(diamond(), AMOUNTS)
        # host 1000.00: shop, crm and mail rely on it -> 333.33 each, 1 cent left, equal
        # remainders: to the first id, crm
        assert split.split_of("host") == {
            "crm": eur("333.34"),
            "mail": eur("333.33"),
            "shop": eur("333.33"),
        }
        # vm1: shop (via web and app, counted once) and crm (via app)
        assert split.split_of("vm1") == {"crm": eur("50.00"), "shop": eur("50.00")}
        # vm2 100.01 over three: 33.33 each, 2 cents left: crm and mail
        assert split.split_of("vm2") == {
            "crm": eur("33.34"),
            "mail": eur("33.34"),
            "shop": eur("33.33"),
        }
        # san 0.05 over three: 1 cent each, 2 left: crm and mail
        assert split.split_of("san") == {
            "crm": eur("0.02"),
            "mail": eur("0.02"),
            "shop": eur("0.01"),
        }
        # a service's own cost stays with it; a CI not in the CMDB is unallocated
        assert split.split_of("shop") == {"shop": eur("10.00")}
        assert split.unallocated == {"ghost": eur("1.00")}
        # shop 333.33 + 50 + 33.33 + 0.01 + 10; crm 333.34 + 50 + 33.34 + 0.02;
        # mail 333.33 + 33.34 + 0.02
        assert split.totals() == {
            "crm": eur("416.70"),
            "mail": eur("366.69"),
            "shop": eur("426.67"),
        }
        assert split.total == eur("1211.06")  # 416.70 + 366.69 + 426.67 + 1.00
        assert split.shares_of("mail") == {
            "host": eur("333.33"),
            "vm2": eur("33.34"),
            "san": eur("0.02"),
        }

    def test_by_a_usage_attribute_of_the_dependants(self) -> None:
        # host's dependants: vm1 (4 vCPUs) and vm2 (2). shop relies on both (6), crm on both
        # (6), mail on vm2 (2): 100000 cents x 6/14 = 42857.14 twice, x 2/14 = 14285.71;
        # one cent left, to mail's remainder .71
        split = allocate(diamond(), AMOUNTS, keys={"host": ByAttribute("vcpus")})
        assert split.split_of("host") == {
            "crm": eur("428.57"),
            "mail": eur("142.86"),
            "shop": eur("428.57"),
        }
        assert split.split_of("vm1") == {"crm": eur("50.00"), "shop": eur("50.00")}

    def test_by_utilisation_weights_of_services(self) -> None:
        key = ByWeights({"shop": Fraction(1, 2), "crm": Decimal("0.25"), "mail": 0.25})
        split = allocate(diamond(), AMOUNTS, keys={"host": key})
        assert split.split_of("host") == {
            "crm": eur("250.00"),
            "mail": eur("250.00"),
            "shop": eur("500.00"),
        }

    def test_by_utilisation_weights_of_the_dependants(self) -> None:
        # only vm1 weighs: shop and crm rely on it, mail does not -> mail gets nothing
        split = allocate(diamond(), AMOUNTS, keys={"host": ByWeights({"vm1": 3})})
        assert split.split_of("host") == {
            "crm": eur("500.00"),
            "mail": eur("0.00"),
            "shop": eur("500.00"),
        }

    def test_a_key_that_weighs_nothing_names_the_item(self) -> None:
        with pytest.raises(ValidationError, match="'san'.*weight of 0"):
            allocate(diamond(), AMOUNTS, keys={"san": ByAttribute("vcpus")})

    def test_weights_keyed_by_services_and_cis_at_once_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="not both"):
            allocate(diamond(), AMOUNTS, ByWeights({"shop": 1, "vm1": 1}))

    def test_one_currency_per_allocation(self) -> None:
        with pytest.raises(ValidationError, match="'vm1' is in USD, expected EUR"):
            allocate(diamond(), {"host": eur("1"), "vm1": Money("1", "USD")})

    def test_huge_amounts_and_odd_weights_stay_exact(self) -> None:
        # 10**22 cents by 9:9:3 (vm1 3 + vm2 1.5, doubled to whole numbers 6 and 3)
        split = allocate(
            diamond(), {"host": eur("1e20")}, ByWeights({"vm1": 3, "vm2": Decimal("1.5")})
        )
        assert split.split_of("host") == {
            "crm": eur("42857142857142857142.86"),
            "mail": eur("14285714285714285714.28"),
            "shop": eur("42857142857142857142.86"),
        }

    @given(
        small_graphs(),
        st.lists(st.integers(0, 10**12), min_size=9, max_size=9),
        st.sampled_from(["even", "services", "nodes"]),
        st.lists(st.integers(0, 7), min_size=9, max_size=9),
    )
    def test_allocations_conserve_every_item_and_only_reach_services_that_rely_on_it(
        self, graph: SmallGraph, cents: list[int], keying: str, weights: list[int]
    ) -> None:
        cmdb = graph.cmdb()
        amounts = {n: Money.of_minor(cents[i], "EUR") for i, n in enumerate(graph.ids)}
        services = [n for n in graph.ids if graph.kinds[n] == "service" and n not in graph.groups]
        key: ByWeights | None = None
        if keying == "services" and services:
            key = ByWeights({s: weights[i] + 1 for i, s in enumerate(services)})
        elif keying == "nodes" and len(services) < graph.size:
            key = ByWeights({n: weights[i] for i, n in enumerate(graph.ids) if n not in services})
        plain = nx.DiGraph(graph.edges)
        plain.add_nodes_from(graph.ids)
        try:
            split = allocate(cmdb, amounts) if key is None else allocate(cmdb, amounts, key)
        except ValidationError as e:
            assert "weight of 0" in str(e)
            assert keying == "nodes"
            return
        total = 0
        for item in graph.ids:
            parts = split.split_of(item)
            relying = {s for s in services if item in nx.descendants(plain, s)}
            if item in services:
                assert parts == {item: amounts[item]}
            elif relying:
                assert set(parts) == relying
                assert sum(p.minor for p in parts.values()) == cents[graph.ids.index(item)]
            else:
                assert parts == {}
                assert cents[graph.ids.index(item)] == 0 or item in split.unallocated
            total += sum(p.minor for p in parts.values())
        assert sum(m.minor for m in split.totals().values()) == total
        assert total + sum(m.minor for m in split.unallocated.values()) == sum(cents[: graph.size])


# -- TCO ------------------------------------------------------------------------------------


def _monthly(cost_id: str, item: str, amount: str) -> Cost:
    return Cost(cost_id, item, eur(amount), "monthly", datetime(2025, 1, 1, tzinfo=UTC))


class TestTco:
    def test_recurring_and_amortised_costs_roll_up_per_service(self) -> None:
        costs = [
            _monthly(f"c-{item}", item, str(amount.amount)) for item, amount in AMOUNTS.items()
        ]
        # a one-off 360.00 for san over 12 months: 30.00 in January, 10.00 each
        costs.append(Cost("san-disk", "san", eur("360"), "one_off", JAN[0], amortise_months=12))
        rolled = roll_up(diamond(), costs, *JAN)
        assert rolled.of("shop").recurring == eur("426.67")
        assert rolled.of("shop").amortised == eur("10.00")
        assert rolled.of("shop").total == eur("436.67")
        assert rolled.of("crm").total == eur("426.70")
        assert rolled.unallocated == eur("1.00")
        assert rolled.total == eur("1241.06")

    def test_per_customer_each_service_is_split_among_its_customers(self) -> None:
        costs = [_monthly(f"c-{i}", i, str(a.amount)) for i, a in AMOUNTS.items()]
        rolled = roll_up(diamond(), costs, *JAN)
        # shop 426.67 between acme and globex: 213.335 -> 213.33 each, the cent to acme;
        # crm 416.70 all acme; mail has no customer
        found = rolled.per_customer({"acme": ["shop", "crm"], "globex": ["shop"], "initech": []})
        assert found.of("acme") == eur("630.04")
        assert found.of("globex") == eur("213.33")
        assert found.of("initech") == eur("0.00")
        assert found.unassigned == eur("366.69")

    def test_customers_are_read_from_the_slas(self) -> None:
        assert customers_of(example_agreements()) == {"consumers": ("shop",)}

    def test_costs_of_two_currencies_do_not_roll_up_together(self) -> None:
        costs = [_monthly("a", "host", "1"), Cost("b", "vm1", Money("1", "USD"), "monthly", T0)]
        with pytest.raises(ValidationError, match="'b' is in USD, expected EUR"):
            roll_up(diamond(), costs, *JAN)


# -- charging ---------------------------------------------------------------------------------

TIERS = [Tier(100, eur("2")), Tier(500, eur("1.50")), Tier(None, eur("1"))]


class TestCharging:
    def test_a_graduated_tiered_charge(self) -> None:
        tiered = TieredCharge(TIERS, unit="mailbox")
        # 100 x 2.00 + 400 x 1.50 + 150 x 1.00 = 200 + 600 + 150
        assert tiered.charge(650) == eur("950.00")
        # 100 x 2.00 + 300 x 1.50
        assert tiered.charge(400) == eur("650.00")
        # 100 x 2.00 + 0.5 x 1.50
        assert tiered.charge("100.5") == eur("200.75")
        assert tiered.charge(0) == eur("0.00")

    def test_a_volume_tiered_charge_prices_every_unit_at_one_tier(self) -> None:
        tiered = TieredCharge(TIERS, tiering="volume")
        assert tiered.charge(650) == eur("650.00")  # all 650 at 1.00
        assert tiered.charge(400) == eur("600.00")  # all 400 at 1.50
        assert tiered.charge(100) == eur("200.00")  # the limit is inside its tier

    def test_fixed_and_per_unit(self) -> None:
        assert FixedCharge(eur("500")).charge(12345) == eur("500.00")
        # 333 x 0.0125 = 4.1625 -> 4.16
        assert PerUnitCharge(eur("0.0125"), "GB").charge(333) == eur("4.16")

    @pytest.mark.parametrize(
        ("tiers", "message"),
        [
            ([Tier(100, eur("1"))], "last tier"),
            ([Tier(None, eur("1")), Tier(None, eur("1"))], "only the last"),
            ([Tier(500, eur("1")), Tier(100, eur("1")), Tier(None, eur("1"))], "ascend"),
            ([Tier(100, eur("1")), Tier(None, Money("1", "USD"))], "EUR and USD"),
            ([], "non-empty"),
        ],
    )
    def test_tiers_that_do_not_make_a_scale_are_refused(
        self, tiers: list[Tier], message: str
    ) -> None:
        with pytest.raises(ValidationError, match=message):
            TieredCharge(tiers)

    def test_negative_and_float_quantities_are_refused(self) -> None:
        with pytest.raises(ValidationError, match=">= 0"):
            TieredCharge(TIERS).charge(-1)
        with pytest.raises(ValidationError, match="float"):
            TieredCharge(TIERS).charge(1.5)  # type: ignore[arg-type]

    def test_cost_recovery_compares_charged_with_cost(self) -> None:
        recovery = cost_recovery("mail", eur("800"), TieredCharge(TIERS), 650)
        assert recovery.charged == eur("950.00")
        assert recovery.recovered == Fraction(950, 800)
        assert recovery.percent == 119  # 118.75 -> 119
        assert recovery.surplus == eur("150.00")
        assert CostRecovery("x", eur("0"), eur("10")).percent is None
        with pytest.raises(ValidationError, match="EUR and USD"):
            CostRecovery("x", eur("1"), Money("1", "USD"))


# -- roadmap and catalogue ---------------------------------------------------------------------


def _entry(entry_id: str, service: str, kind: str, day: int, version: str = "") -> RoadmapEntry:
    return RoadmapEntry(entry_id, service, kind, T0 + timedelta(days=day), version)


class TestRoadmap:
    def test_what_is_planned_between_two_dates(self) -> None:
        entries = [
            _entry("b", "mail", "version", 40, "2.0"),
            _entry("a", "shop", "version", 10, "3.0"),
            _entry("c", "vpn", "retirement", 200),
            attrs_cancelled(_entry("d", "hr", "version", 20, "1.1")),
        ]
        found = planned_between(entries, T0, T0 + timedelta(days=40))
        assert [e.id for e in found] == ["a"]  # the end is exclusive; d is cancelled
        assert [e.id for e in planned_between(entries, T0, T0 + timedelta(days=365))] == [
            "a",
            "b",
            "c",
        ]

    def test_a_version_needs_a_name(self) -> None:
        with pytest.raises(ValidationError, match="version's name"):
            _entry("a", "shop", "version", 1)

    def test_the_roadmap_is_checked_against_the_portfolios_lifecycle(self) -> None:
        portfolio, _ = example_provider()
        portfolio.move("hr", "retired", actor="ann", at=T0)
        entries = [
            _entry("ok", "shop", "version", 10, "3.0"),
            _entry("gone", "hr", "version", 10, "2.0"),
            _entry("twice", "hr", "retirement", 30),
            _entry("end", "vpn", "retirement", 30),
            _entry("late", "vpn", "version", 60, "9"),
            _entry("who", "nope", "version", 1, "1"),
        ]
        found = {(f.entry, f.problem.split(" ")[0]) for f in check_roadmap(entries, portfolio)}
        assert found == {("gone", "a"), ("twice", "a"), ("late", "version"), ("who", "the")}

    def test_the_catalogue_shows_prices_and_dependencies_on_services(self) -> None:
        portfolio, cmdb = example_provider()
        finance = example_finance()
        entries = {e.entry.id: e for e in priced_catalogue(portfolio, finance.prices(), cmdb)}
        assert set(entries) == {"shop", "mail", "hr", "vpn"}
        assert isinstance(entries["shop"].price, TieredCharge)
        assert entries["mail"].price is None
        assert "not priced" in str(entries["mail"])


def attrs_cancelled(entry: RoadmapEntry) -> RoadmapEntry:
    import attrs

    return attrs.evolve(entry, cancelled=True)


# -- register ------------------------------------------------------------------------------------


class TestFinanceRegister:
    def test_changes_are_recorded_with_who_and_when(self) -> None:
        register = FinanceRegister()
        register.add_cost(_monthly("c1", "db1", "100"), at=T0, by="ann", note="lease")
        revised = register.revise_cost("c1", amount=eur("120"), at=T0 + timedelta(days=1), by="bob")
        assert [(c.action, c.by) for c in revised.history] == [("added", "ann"), ("revised", "bob")]
        assert revised.history[1].changes == {"amount": "EUR 120.00"}
        key = register.choose_key("hv1", ByAttribute("vcpus"), at=T0, by="ann")
        assert key.history[0].changes == {"key": "by attribute 'vcpus'"}
        assert register.keys() == {"hv1": ByAttribute("vcpus")}

    def test_a_change_dated_before_the_last_is_refused_and_changes_nothing(self) -> None:
        register = FinanceRegister()
        register.add_cost(_monthly("c1", "db1", "100"), at=T0, by="ann")
        before = register.copy()
        with pytest.raises(ValidationError, match="before its last change"):
            register.revise_cost("c1", amount=eur("1"), at=T0 - timedelta(days=1), by="bob")
        with pytest.raises(ValidationError, match="changes amount"):
            register.revise_cost("c1", item="other", at=T0, by="bob")
        with pytest.raises(ValidationError, match="amount must be >= 0"):
            register.revise_cost("c1", amount=eur("-5"), at=T0, by="bob")
        assert register == before

    def test_duplicates_and_unknown_ids(self) -> None:
        register = FinanceRegister()
        register.add_cost(_monthly("c1", "db1", "100"), at=T0, by="ann")
        with pytest.raises(DuplicateError, match="'c1'"):
            register.add_cost(_monthly("c1", "db2", "1"), at=T0, by="ann")
        with pytest.raises(NotFoundError, match="'c9'"):
            register.revise_cost("c9", amount=eur("1"), at=T0, by="ann")
        with pytest.raises(NotFoundError, match="'mail' has no price"):
            register.price("mail")

    def test_a_cancelled_roadmap_entry_changes_no_more(self) -> None:
        register = FinanceRegister()
        register.plan(_entry("e", "shop", "version", 10, "3.0"), at=T0, by="ann")
        register.revise_entry("e", planned_for=T0 + timedelta(days=20), at=T0, by="ann")
        register.cancel_entry("e", at=T0, by="ann")
        assert register.roadmap() == []
        with pytest.raises(ValidationError, match="cancelled"):
            register.revise_entry("e", version="3.1", at=T0, by="ann")

    def test_writers_of_different_items_merge_and_of_the_same_item_conflict(self) -> None:
        base = example_finance()
        ours, theirs = base.copy(), base.copy()
        ours.revise_cost("uplink", amount=eur("650"), at=T0, by="ann")
        theirs.set_price("mail", FixedCharge(eur("900")), at=T0, by="bob")
        ours.rebase(theirs, base)
        assert ours.cost("uplink").amount == eur("650")
        assert ours.price("mail").model == FixedCharge(eur("900"))
        clash = base.copy()
        clash.revise_cost("uplink", amount=eur("1"), at=T0, by="eve")
        kept = clash.copy()
        with pytest.raises(ConflictError, match="'uplink'"):
            clash.rebase(ours, base)
        assert clash == kept

    def test_the_example_rolls_up_and_recovers_through_its_tiered_charge(self) -> None:
        _, cmdb = example_provider()
        register = example_finance()
        rolled = register.roll_up(cmdb, *JAN)
        recovery = register.recovery(rolled, "shop", 4200)
        # 1000 x 0.60 + 3200 x 0.45
        assert recovery.charged == eur("2040.00")
        assert recovery.cost == rolled.of("shop").total
        assert (
            sum((rolled.of(s).total for s in rolled.services), eur("0")) + rolled.unallocated
            == rolled.total
        )
