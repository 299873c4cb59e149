"""Impact analysis: worked examples, both engines, and properties against brute force."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitsm import Cmdb, NotFoundError, ValidationError
from fitsm.cmdb import ImpactStatus, NodeKind
from tests.conftest import AT
from tests.strategies import SmallGraph, graphs_with_failures, small_graphs

ENGINES = ["sparse", "dense"]


def brute_force(graph: SmallGraph, failed: frozenset[str]) -> dict[str, ImpactStatus]:
    """Evaluate every node from its dependencies, dependencies first."""
    g = nx.DiGraph()
    g.add_nodes_from(graph.ids)
    g.add_edges_from(graph.edges)
    rank = {ImpactStatus.UP: 0, ImpactStatus.DEGRADED: 1, ImpactStatus.DOWN: 2}
    state: dict[str, ImpactStatus] = {}
    for node in reversed(list(nx.topological_sort(g))):
        deps = [state[d] for d in g.successors(node)]
        if node in failed:
            state[node] = ImpactStatus.DOWN
        elif node in graph.groups:
            up = sum(s is not ImpactStatus.DOWN for s in deps)
            if up < graph.groups[node]:
                state[node] = ImpactStatus.DOWN
            elif any(s is not ImpactStatus.UP for s in deps):
                state[node] = ImpactStatus.DEGRADED
            else:
                state[node] = ImpactStatus.UP
        else:
            state[node] = max(deps, key=rank.__getitem__, default=ImpactStatus.UP)
    return state


@pytest.mark.parametrize("engine", ENGINES)
class TestWorkedExamples:
    def test_one_failed_web_server_of_three_degrades_the_shop(self, shop: Cmdb, engine) -> None:
        report = shop.impact(["web2"], strategy=engine)
        assert report.status("web-pool") is ImpactStatus.DEGRADED
        assert report.services_degraded == {"shop"}
        assert report.services_down == frozenset()
        assert report.path("shop") == ("shop", "frontend", "web-pool", "web2")

    def test_two_failed_web_servers_take_the_shop_down(self, shop: Cmdb, engine) -> None:
        report = shop.impact(["web1", "web3"], strategy=engine)
        assert report.status("web-pool") is ImpactStatus.DOWN
        assert report.services_down == {"shop"}
        path = report.path("shop")
        assert path[:3] == ("shop", "frontend", "web-pool")
        assert path[-1] in {"web1", "web3"}
        assert report.explain("shop").startswith(
            "shop is down: shop -> frontend -> web-pool [2 of 3 down, needs 2 up] -> web"
        )

    def test_the_shared_switch_takes_everything_down(self, shop: Cmdb, engine) -> None:
        report = shop.impact("sw1", strategy=engine)
        assert report.down == {
            "sw1",
            "web1",
            "web2",
            "web3",
            "web-pool",
            "db1",
            "frontend",
            "backend",
            "shop",
        }
        assert report.cis_down == {"sw1", "web1", "web2", "web3", "db1"}
        assert report.components_down == {"frontend", "backend"}
        assert report.count("down", "service") == 1
        assert report.degraded == frozenset()

    def test_a_down_node_outranks_a_degraded_one(self, shop: Cmdb, engine) -> None:
        report = shop.impact(["web1", "db1"], strategy=engine)
        assert report.status("frontend") is ImpactStatus.DEGRADED
        assert report.status("backend") is ImpactStatus.DOWN
        assert report.status("shop") is ImpactStatus.DOWN
        assert report.path("shop") == ("shop", "backend", "db1")

    def test_an_unimpacted_node_is_up_with_no_path(self, shop: Cmdb, engine) -> None:
        report = shop.impact(["db1"], strategy=engine)
        assert report.status("frontend") is ImpactStatus.UP
        assert report.path("frontend") == ()
        assert report.explain("frontend") == "frontend is up"

    def test_impacted_services_list_down_before_degraded(self, shop: Cmdb, engine) -> None:
        [item] = shop.impact(["web1"], strategy=engine).impacted_services()
        assert (item.id, item.status) == ("shop", ImpactStatus.DEGRADED)


class TestImpactInput:
    def test_unknown_failed_id_is_named(self, shop: Cmdb) -> None:
        with pytest.raises(NotFoundError, match="'nope'"):
            shop.impact(["web1", "nope"])

    def test_unknown_strategy_is_refused(self, shop: Cmdb) -> None:
        with pytest.raises(ValidationError, match="'fast'"):
            shop.impact("web1", strategy="fast")  # type: ignore[arg-type]

    def test_the_dense_index_follows_changes(self, shop: Cmdb) -> None:
        assert shop.impact("db1", strategy="dense").services_down == {"shop"}
        shop.remove_relationship("backend", "db1", actor="ann", at=AT)
        assert shop.impact("db1", strategy="dense").services_down == frozenset()


class TestProperties:
    @given(graphs_with_failures())
    def test_both_engines_agree_with_brute_force(self, case) -> None:
        graph, failed = case
        expected = brute_force(graph, failed)
        cmdb = graph.cmdb()
        for engine in ENGINES:
            report = cmdb.impact(failed, strategy=engine)
            assert {n: report.status(n) for n in graph.ids} == expected

    @given(graphs_with_failures())
    def test_paths_follow_dependencies_down_to_a_failed_node(self, case) -> None:
        graph, failed = case
        cmdb = graph.cmdb()
        edges = set(graph.edges)
        for engine in ENGINES:
            report = cmdb.impact(failed, strategy=engine)
            for node in report.down | report.degraded:
                path = report.path(node)
                assert path[0] == node
                assert path[-1] in failed
                assert all(step in edges for step in itertools.pairwise(path))

    @given(small_graphs(), st.data())
    def test_more_failures_never_impact_less(self, graph: SmallGraph, data) -> None:
        cmdb = graph.cmdb()
        few = data.draw(st.frozensets(st.sampled_from(graph.ids)))
        more = few | data.draw(st.frozensets(st.sampled_from(graph.ids)))
        rank = {ImpactStatus.UP: 0, ImpactStatus.DEGRADED: 1, ImpactStatus.DOWN: 2}
        before, after = cmdb.impact(few), cmdb.impact(more)
        for node in graph.ids:
            assert rank[before.status(node)] <= rank[after.status(node)]

    @given(small_graphs())
    def test_a_group_with_every_member_failed_is_down_with_its_dependents(
        self, graph: SmallGraph
    ) -> None:
        cmdb = graph.cmdb()
        for group in graph.groups:
            members = cmdb.members(group)
            report = cmdb.impact(members)
            assert report.status(group) is ImpactStatus.DOWN
            for dependent in cmdb.dependents(group):
                if dependent not in graph.groups:
                    assert report.status(dependent) is ImpactStatus.DOWN

    @given(graphs_with_failures())
    def test_a_node_with_no_failed_dependency_is_never_impacted(self, case) -> None:
        graph, failed = case
        cmdb = graph.cmdb()
        report = cmdb.impact(failed)
        for node in graph.ids:
            reach = {d.id for d in cmdb.dependencies(node)} | {node}
            if not reach & failed:
                assert report.status(node) is ImpactStatus.UP

    @given(small_graphs())
    def test_single_points_of_failure_are_exactly_the_cis_that_take_a_node_down(
        self, graph: SmallGraph
    ) -> None:
        cmdb = graph.cmdb()
        for node in graph.ids:
            if cmdb.kind(node) is not NodeKind.SERVICE:
                continue
            cis = [d.id for d in cmdb.dependencies(node) if d.kind is NodeKind.CI]
            expected = {ci for ci in cis if cmdb.impact(ci).status(node) is ImpactStatus.DOWN}
            assert set(cmdb.single_points_of_failure(node)) == expected


class TestDependencies:
    def test_dependencies_come_nearest_first_with_their_depth(self, shop: Cmdb) -> None:
        found = {(d.id, d.depth) for d in shop.dependencies("shop")}
        assert found == {
            ("frontend", 1),
            ("backend", 1),
            ("web-pool", 2),
            ("db1", 2),
            ("web1", 3),
            ("web2", 3),
            ("web3", 3),
            ("sw1", 3),
        }
        depths = [d.depth for d in shop.dependencies("shop")]
        assert depths == sorted(depths)

    def test_a_leaf_has_no_dependencies(self, shop: Cmdb) -> None:
        assert shop.dependencies("sw1") == []


class TestSinglePointsOfFailure:
    def test_redundant_members_are_not_single_points(self, shop: Cmdb) -> None:
        assert set(shop.single_points_of_failure("shop")) == {"db1", "sw1"}

    def test_a_common_cause_under_a_redundancy_group_is_found(self, shop: Cmdb) -> None:
        shop.add_relationship("web1", "db1", actor="ann", at=AT)  # now db1 is needed twice anyway
        assert "db1" in shop.single_points_of_failure("shop")


class TestBlastRadius:
    def test_cis_are_ranked_by_services_down_then_degraded(self, shop: Cmdb) -> None:
        ranked = shop.blast_radius()
        assert [(r.ci, r.services_down, r.services_degraded) for r in ranked[:2]] == [
            ("db1", 1, 0),
            ("sw1", 1, 0),
        ]
        assert {(r.ci, r.services_down, r.services_degraded) for r in ranked[2:]} == {
            ("web1", 0, 1),
            ("web2", 0, 1),
            ("web3", 0, 1),
        }

    def test_top_keeps_the_first(self, shop: Cmdb) -> None:
        assert len(shop.blast_radius(top=1)) == 1


class TestCompiledIndex:
    """The mass-failure engine's compiled graph follows the CMDB's shape, not its attributes."""

    def test_an_attribute_change_keeps_the_compiled_graph(self, shop) -> None:
        from fitsm.cmdb._propagation import compiled

        before = compiled(shop)
        shop.update_ci("web1", actor="ann", at=AT, owner="web-team", attributes={"cores": 8})
        assert compiled(shop) is before
        assert shop.impact(["sw1"], strategy="dense").services_down == {"shop"}

    def test_a_change_of_shape_recompiles(self, shop) -> None:
        from fitsm import ConfigurationItem
        from fitsm.cmdb._propagation import compiled

        before = compiled(shop)
        shop.add(ConfigurationItem("db2", "database"), actor="ann", at=AT)
        shop.add_relationship("backend", "db2", actor="ann", at=AT)
        after = compiled(shop)
        assert after is not before
        assert shop.impact(["db2"], strategy="dense").services_down == {"shop"}
        shop.undo(len(shop.journal) - 2)
        assert compiled(shop) is not after
        assert shop.impact(["db1"], strategy="dense").services_down == {"shop"}


CHANGES = st.lists(
    st.tuples(
        st.sampled_from(["add", "relate", "unrelate", "remove", "owner"]),
        st.integers(0, 20),
        st.integers(0, 20),
    ),
    max_size=12,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # shop is only copied
@given(changes=CHANGES, failed=st.lists(st.integers(0, 30), min_size=1, max_size=4))
def test_the_compiled_graph_follows_changes_of_shape_exactly(shop, changes, failed) -> None:
    """Followed (not recompiled) after every change, the dense engine agrees with the sparse."""
    from fitsm import ConfigurationItem
    from fitsm.cmdb._propagation import compiled

    cmdb = shop.copy()
    first = compiled(cmdb)  # compiled once, before the changes
    for n, (what, a, b) in enumerate(changes):
        ids = sorted(cmdb.records)
        x, y = ids[a % len(ids)], ids[b % len(ids)]
        try:
            if what == "add":
                cmdb.add(ConfigurationItem(f"new{n}", "switch"), actor="t", at=AT)
                cmdb.add_relationship(x, f"new{n}", "connects_to", actor="t", at=AT)
            elif what == "relate":
                cmdb.add_relationship(x, y, "connects_to", actor="t", at=AT)
            elif what == "unrelate":
                cmdb.remove_relationship(x, y, actor="t", at=AT)
            elif what == "remove":
                cmdb.remove(x, actor="t", at=AT)
            else:
                cmdb.update_ci(x, actor="t", at=AT, owner=f"o{n}")
        except (ValueError, LookupError):
            pass
        ids = sorted(cmdb.records)
        down = [ids[i % len(ids)] for i in failed]
        dense, sparse = cmdb.impact(down, strategy="dense"), cmdb.impact(down, strategy="sparse")
        assert dense.down == sparse.down
        assert dense.degraded == sparse.degraded
    assert compiled(cmdb).position.base is first.position.base  # followed, never rebuilt


def test_single_points_of_failure_can_name_components_too(shop) -> None:
    """shop -> backend -> db1 -> sw1: the backend component is one as well."""
    assert "backend" not in shop.single_points_of_failure("shop")
    with_components = shop.single_points_of_failure("shop", components=True)
    assert {"backend", "frontend", "db1", "sw1"} <= set(with_components)
    assert "web-pool" not in with_components  # a group fails through its members
