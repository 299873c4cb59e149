"""Composite availability: known answers, exactness against brute force, Monte Carlo fallback."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
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
    NotFoundError,
    RedundancyGroup,
    ServiceNode,
    ValidationError,
)
from fitsm.availability import composite
from fitsm.availability.composite import CompositeAvailability, composite_availability
from fitsm.units import Q_
from tests.strategies import SmallGraph, small_graphs

AT = datetime(2026, 1, 5, tzinfo=UTC)
BRIDGE = Fraction("0.97848")
Node = ConfigurationItem | RedundancyGroup | ServiceNode | ComponentNode
Rel = tuple[str, str] | tuple[str, str, str]


def build(nodes: Iterable[Node], rels: Iterable[Rel]) -> Cmdb:
    cmdb = Cmdb(CmdbSchema(ci_types=["server", "database", "link"]))
    cmdb.add_many(list(nodes), list(rels), actor="test", at=AT)
    return cmdb


def ci(node_id: str) -> ConfigurationItem:
    return ConfigurationItem(node_id, "server")


@pytest.fixture
def shared_database() -> Cmdb:
    """shop -> pool (1 of web1, web2); web1 -> db1; web2 -> db1."""
    return build(
        [ServiceNode("shop"), RedundancyGroup("pool", 1), ci("web1"), ci("web2"), ci("db1")],
        [
            ("shop", "pool"),
            ("pool", "web1", "has_member"),
            ("pool", "web2", "has_member"),
            ("web1", "db1"),
            ("web2", "db1"),
        ],
    )


@pytest.fixture
def bridge() -> Cmdb:
    """The bridge network A..E: the service works while one minimal path works."""
    paths = {"p1": "ad", "p2": "be", "p3": "ace", "p4": "bcd"}
    return build(
        [
            ServiceNode("svc"),
            RedundancyGroup("paths", 1),
            *(ComponentNode(p) for p in paths),
            *(ConfigurationItem(c, "link") for c in "abcde"),
        ],
        [
            ("svc", "paths"),
            *(("paths", p, "has_member") for p in paths),
            *((p, c) for p, cis in paths.items() for c in cis),
        ],
    )


BRIDGE_AVAILABILITY = dict.fromkeys("abcde", Fraction(9, 10))


def k_of_n(k: int, n: int) -> Cmdb:
    members = [f"m{i}" for i in range(n)]
    return build(
        [ServiceNode("svc"), RedundancyGroup("grp", k), *(ci(m) for m in members)],
        [("svc", "grp"), *(("grp", m, "has_member") for m in members)],
    )


def shared_components(components: int = 50, cis: int = 20, groups: int = 10) -> Cmdb:
    """A service on many components that share CIs directly and through k-of-3 groups."""
    rng = random.Random(7)
    ci_ids = [f"ci{i}" for i in range(cis)]
    group_ids = [f"grp{i}" for i in range(groups)]
    nodes: list[Node] = [ServiceNode("svc"), *(ci(c) for c in ci_ids)]
    rels: list[Rel] = []
    for g in group_ids:
        nodes.append(RedundancyGroup(g, rng.choice([1, 2])))
        rels += [(g, m, "has_member") for m in rng.sample(ci_ids, 3)]
    for i in range(components):
        comp = f"comp{i}"
        nodes.append(ComponentNode(comp))
        rels.append(("svc", comp))
        rels += [(comp, c) for c in rng.sample(ci_ids, 3)]
        rels.append((comp, rng.choice(group_ids)))
    return build(nodes, rels)


def shared_component_availabilities(cmdb: Cmdb) -> dict[str, Fraction]:
    rng = random.Random(11)
    found: dict[str, Fraction] = {}
    for node in cmdb.nodes():
        if node.id.startswith("ci"):
            found[node.id] = Fraction(rng.randint(950, 999), 1000)
        elif node.id.startswith("comp"):
            found[node.id] = Fraction(999, 1000)
    return found


def brute_force(graph: SmallGraph, p: Mapping[str, Fraction]) -> dict[str, Fraction]:
    """P(works) of every node, summed over all up/down states of the nodes that can fail."""
    g = nx.DiGraph()
    g.add_nodes_from(graph.ids)
    g.add_edges_from(graph.edges)
    order = list(reversed(list(nx.topological_sort(g))))
    fallible = [n for n in graph.ids if p[n] < 1]
    total = dict.fromkeys(graph.ids, Fraction(0))
    for ups in itertools.product((True, False), repeat=len(fallible)):
        own = dict.fromkeys(graph.ids, True)
        weight = Fraction(1)
        for node, up in zip(fallible, ups, strict=True):
            own[node] = up
            weight *= p[node] if up else 1 - p[node]
        works: dict[str, bool] = {}
        for node in order:
            deps = [works[d] for d in g.successors(node)]
            enough = sum(deps) >= graph.groups[node] if node in graph.groups else all(deps)
            works[node] = own[node] and enough
        for node in graph.ids:
            if works[node]:
                total[node] += weight
    return total


LEVELS = [Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(9, 10), Fraction(1)]


class TestKnownAnswers:
    def test_redundant_web_servers_on_one_database_are_only_as_good_as_the_database(
        self, shared_database: Cmdb
    ) -> None:
        p = {"web1": 0.99, "web2": 0.99, "db1": 0.99}
        result = composite_availability(shared_database, "shop", p)
        assert result.value == Fraction("0.989901")
        assert result.percent == Decimal("98.9901")
        assert result.method == "exact"

    def test_the_naive_product_along_paths_is_not_what_is_given(
        self, shared_database: Cmdb
    ) -> None:
        p = {"web1": 0.99, "web2": 0.99, "db1": 0.99}
        result = composite_availability(shared_database, "shop", p)
        naive = 1 - (1 - Fraction("0.99") * Fraction("0.99")) ** 2
        assert result.value != naive
        assert abs(result.percent - Decimal("99.9604")) > Decimal("0.9")

    def test_the_bridge_network_is_solved_exactly(self, bridge: Cmdb) -> None:
        result = composite_availability(bridge, "svc", BRIDGE_AVAILABILITY, method="exact")
        assert result.value == BRIDGE

    def test_two_components_in_series_multiply(self) -> None:
        cmdb = build([ServiceNode("svc"), ci("a"), ci("b")], [("svc", "a"), ("svc", "b")])
        result = composite_availability(cmdb, "svc", {"a": 0.99, "b": Decimal("0.99")})
        assert result.value == Fraction("0.9801")

    def test_one_of_two_in_parallel_fails_only_when_both_fail(self) -> None:
        result = composite_availability(k_of_n(1, 2), "svc", {"m0": 0.9, "m1": 0.9})
        assert result.value == Fraction("0.99")

    def test_two_of_three_needs_two_working_members(self) -> None:
        p = dict.fromkeys(["m0", "m1", "m2"], Fraction(9, 10))
        assert composite_availability(k_of_n(2, 3), "svc", p).value == Fraction("0.972")

    def test_a_node_that_never_works_takes_its_dependents_down(self) -> None:
        cmdb = build([ServiceNode("svc"), ci("a"), ci("b")], [("svc", "a"), ("svc", "b")])
        assert composite_availability(cmdb, "svc", {"a": 0, "b": 0.5}).value == 0

    def test_a_node_whose_dependencies_never_fail_has_its_own_availability(self) -> None:
        cmdb = build([ServiceNode("svc"), ci("a")], [("svc", "a")])
        result = composite_availability(cmdb, "svc", {"svc": Fraction(1, 3)})
        assert result.value == Fraction(1, 3)

    def test_nothing_that_can_fail_gives_exactly_one_with_an_empty_diagram(self) -> None:
        result = composite_availability(k_of_n(2, 3), "svc", {})
        assert result.value == 1
        assert result.diagram_size == 0


class TestExactResult:
    def test_an_exact_result_has_no_interval_and_reports_its_diagram_size(
        self, bridge: Cmdb
    ) -> None:
        result = composite_availability(bridge, "svc", BRIDGE_AVAILABILITY)
        assert isinstance(result, CompositeAvailability)
        assert (result.low, result.high, result.confidence, result.samples) == (None,) * 4
        assert result.diagram_size is not None
        assert result.diagram_size > 0

    def test_percent_is_the_value_times_one_hundred_as_a_decimal(self, bridge: Cmdb) -> None:
        result = composite_availability(bridge, "svc", BRIDGE_AVAILABILITY)
        assert result.percent == Decimal("97.848")

    def test_percent_of_a_repeating_fraction_has_28_significant_digits(self) -> None:
        result = CompositeAvailability("x", Fraction(1, 3), "exact")
        assert result.percent == Decimal("33.33333333333333333333333333")

    def test_a_large_service_on_fifty_shared_components_is_solved_exactly(self) -> None:
        cmdb = shared_components()
        result = composite_availability(cmdb, "svc", shared_component_availabilities(cmdb))
        assert result.method == "exact"
        assert 0 <= result.value <= 1


class TestInput:
    def test_a_percentage_quantity_is_taken_exactly(self) -> None:
        cmdb = build([ServiceNode("svc"), ci("a")], [("svc", "a")])
        result = composite_availability(cmdb, "svc", {"a": Q_(99.9, "percent")})
        assert result.value == Fraction(999, 1000)

    def test_a_float_is_taken_by_its_text(self) -> None:
        result = composite_availability(k_of_n(1, 1), "svc", {"m0": 0.1})
        assert result.value == Fraction(1, 10)

    def test_nodes_left_out_have_the_default_availability(self) -> None:
        cmdb = build([ServiceNode("svc"), ci("a"), ci("b")], [("svc", "a"), ("svc", "b")])
        result = composite_availability(cmdb, "svc", {"b": 1}, default=Q_(90, "percent"))
        assert result.value == Fraction(81, 100)

    def test_nodes_outside_the_closure_may_be_given(self, shared_database: Cmdb) -> None:
        result = composite_availability(shared_database, "web1", {"web2": 0.5, "shop": 0})
        assert result.value == 1

    @pytest.mark.parametrize("bad", [1.5, -0.1, Fraction(11, 10), Q_(101, "percent")])
    def test_an_availability_outside_zero_to_one_is_refused_and_named(self, bad: object) -> None:
        cmdb = build([ServiceNode("svc"), ci("a")], [("svc", "a")])
        with pytest.raises(ValidationError, match=r"'a'.*between 0 and 1"):
            composite_availability(cmdb, "svc", {"a": bad})

    @pytest.mark.parametrize("bad", ["high", True, float("nan"), Q_(3, "hour")])
    def test_an_availability_that_is_not_a_share_is_refused_and_named(self, bad: object) -> None:
        cmdb = build([ServiceNode("svc"), ci("a")], [("svc", "a")])
        with pytest.raises(ValidationError, match="'a'"):
            composite_availability(cmdb, "svc", {"a": bad})

    def test_a_default_outside_zero_to_one_is_refused(self) -> None:
        cmdb = build([ServiceNode("svc")], [])
        with pytest.raises(ValidationError, match="default availability.*2"):
            composite_availability(cmdb, "svc", {}, default=2)

    def test_availabilities_for_unknown_nodes_are_refused_and_named(self) -> None:
        cmdb = build([ServiceNode("svc"), ci("a")], [("svc", "a")])
        with pytest.raises(NotFoundError, match="'nope'.*'nix'"):
            composite_availability(cmdb, "svc", {"a": 0.5, "nope": 0.5, "nix": 1})

    def test_an_unknown_node_to_predict_is_refused(self) -> None:
        cmdb = build([ServiceNode("svc")], [])
        with pytest.raises(NotFoundError, match="'ghost'"):
            composite_availability(cmdb, "ghost", {})

    def test_an_unknown_method_is_refused(self) -> None:
        cmdb = build([ServiceNode("svc")], [])
        with pytest.raises(ValidationError, match="'guess'"):
            composite_availability(cmdb, "svc", {}, method="guess")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("option", "bad"),
        [
            ("samples", 0),
            ("samples", 1.5),
            ("max_diagram_size", 0),
            ("confidence", 1.0),
            ("confidence", 0),
            ("confidence", "high"),
        ],
    )
    def test_out_of_range_options_are_refused_and_named(self, option: str, bad: object) -> None:
        cmdb = build([ServiceNode("svc")], [])
        with pytest.raises(ValidationError, match=option):
            composite_availability(cmdb, "svc", {}, **{option: bad})  # type: ignore[arg-type]


class TestMonteCarlo:
    def test_the_bridge_estimate_brackets_the_exact_answer(self, bridge: Cmdb) -> None:
        result = composite_availability(
            bridge, "svc", BRIDGE_AVAILABILITY, method="monte_carlo", seed=2026
        )
        assert result.method == "monte_carlo"
        assert result.low is not None
        assert result.high is not None
        assert result.low <= BRIDGE <= result.high
        assert abs(result.value - BRIDGE) < Fraction(1, 100)
        assert (result.samples, result.confidence, result.diagram_size) == (200_000, 0.95, None)

    def test_the_same_seed_gives_the_same_estimate(self, bridge: Cmdb) -> None:
        runs = [
            composite_availability(
                bridge, "svc", BRIDGE_AVAILABILITY, method="monte_carlo", samples=5000, seed=1
            )
            for _ in range(2)
        ]
        assert runs[0] == runs[1]

    def test_a_higher_confidence_widens_the_interval(self, bridge: Cmdb) -> None:
        def width(confidence: float) -> Fraction:
            found = composite_availability(
                bridge,
                "svc",
                BRIDGE_AVAILABILITY,
                method="monte_carlo",
                samples=5000,
                seed=3,
                confidence=confidence,
            )
            assert found.low is not None
            assert found.high is not None
            return found.high - found.low

        assert width(0.99) > width(0.9)

    def test_auto_falls_back_to_sampling_when_the_diagram_is_too_large(self, bridge: Cmdb) -> None:
        result = composite_availability(
            bridge, "svc", BRIDGE_AVAILABILITY, max_diagram_size=2, samples=20_000, seed=5
        )
        assert result.method == "monte_carlo"
        assert result.diagram_size is None
        assert abs(result.value - BRIDGE) < Fraction(2, 100)

    def test_exact_refuses_a_diagram_larger_than_allowed(self, bridge: Cmdb) -> None:
        with pytest.raises(ValidationError, match=r"'svc'.*max_diagram_size=2"):
            composite_availability(
                bridge, "svc", BRIDGE_AVAILABILITY, method="exact", max_diagram_size=2
            )

    def test_the_limit_is_enough_when_it_holds_the_whole_diagram(self, bridge: Cmdb) -> None:
        size = composite_availability(bridge, "svc", BRIDGE_AVAILABILITY).diagram_size
        assert size is not None
        result = composite_availability(
            bridge, "svc", BRIDGE_AVAILABILITY, method="exact", max_diagram_size=size
        )
        assert result.value == BRIDGE

    def test_samples_drawn_in_chunks_are_each_counted_once(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(composite, "_CHUNK_CELLS", 7)
        result = composite_availability(
            k_of_n(1, 2), "svc", {"m0": 0, "m1": 1}, method="monte_carlo", samples=1001
        )
        assert result.value == 1
        assert result.samples == 1001

    def test_sampling_agrees_with_the_exact_answer_on_fifty_shared_components(self) -> None:
        cmdb = shared_components()
        p = shared_component_availabilities(cmdb)
        exact = composite_availability(cmdb, "svc", p, method="exact").value
        estimate = composite_availability(
            cmdb, "svc", p, method="monte_carlo", confidence=0.999, seed=8
        )
        assert estimate.low is not None
        assert estimate.high is not None
        assert estimate.low <= exact <= estimate.high


class TestProperties:
    @given(small_graphs(), st.data())
    def test_the_exact_value_equals_brute_force_enumeration_for_every_node(
        self, graph: SmallGraph, data: st.DataObject
    ) -> None:
        levels = st.sampled_from(LEVELS)
        default = data.draw(levels, label="default")
        given_p = {
            n: level
            for n in graph.ids
            if (level := data.draw(st.none() | levels, label=n)) is not None
        }
        p = {n: given_p.get(n, default) for n in graph.ids}
        expected = brute_force(graph, p)
        cmdb = graph.cmdb()
        for node in graph.ids:
            result = composite_availability(cmdb, node, given_p, default=default, method="exact")
            assert result.value == expected[node], node

    @given(small_graphs(), st.data())
    def test_sampling_is_exact_when_nothing_is_left_to_chance(
        self, graph: SmallGraph, data: st.DataObject
    ) -> None:
        p = {n: data.draw(st.sampled_from([0, 1]), label=n) for n in graph.ids}
        cmdb = graph.cmdb()
        for node in graph.ids:
            exact = composite_availability(cmdb, node, p, method="exact").value
            sampled = composite_availability(cmdb, node, p, method="monte_carlo", samples=50)
            assert sampled.value == exact

    @given(small_graphs(), st.data())
    def test_an_ordinary_node_is_never_more_available_than_any_dependency(
        self, graph: SmallGraph, data: st.DataObject
    ) -> None:
        p = {n: data.draw(st.sampled_from(LEVELS), label=n) for n in graph.ids}
        cmdb = graph.cmdb()
        value = {n: composite_availability(cmdb, n, p).value for n in graph.ids}
        for source, target in graph.edges:
            if source not in graph.groups:
                assert value[source] <= value[target]
