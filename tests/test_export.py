"""CMDB exports: a writable networkx copy, GraphML, DOT and Mermaid (issue 11)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import (
    Cmdb,
    CmdbSchema,
    ConfigurationItem,
    NotFoundError,
    StoreError,
    ValidationError,
)
from fitsm.cmdb import (
    STATE_COLOURS,
    ComponentNode,
    RedundancyGroup,
    ServiceNode,
    dependencies,
    to_dot,
    to_graphml,
    to_mermaid,
    to_networkx,
)
from fitsm.interop import dump_cmdb_graph
from tests.conftest import AT
from tests.strategies import graphs_with_failures, odd_ids


@pytest.fixture
def odd() -> Cmdb:
    """Ids and names that need escaping in every format, and a group that is a member."""
    cmdb = Cmdb(CmdbSchema(ci_types=["server", 'ty"pe'], relationship_types=["runs on"]))
    cmdb.add_many(
        [
            ServiceNode('the "shop"', "Der Laden <b>&</b> #1"),
            ComponentNode("back\\slash"),
            RedundancyGroup("pool ☃", min_up=1, name="Pool"),
            RedundancyGroup("inner", min_up=2),
            ConfigurationItem("ünï code", "server", owner="Zoë"),
            ConfigurationItem("a;b`c", 'ty"pe', name="line\nbreak"),
            ConfigurationItem("x", "server"),
            ConfigurationItem("y", "server"),
        ],
        [
            ('the "shop"', "back\\slash"),
            ("back\\slash", "pool ☃"),
            ("pool ☃", "ünï code", "has_member"),
            ("pool ☃", "inner", "has_member"),
            ("inner", "x", "has_member"),
            ("inner", "y", "has_member"),
            ("ünï code", "a;b`c", "runs on"),
        ],
        actor="ann",
        at=AT,
    )
    return cmdb


DOT_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\w+)=')


def dot_tokens(line: str) -> list[tuple[str, str]]:
    """The quoted strings (unescaped as Graphviz reads them) and ``key=`` of a DOT line."""
    return [
        ("key", m.group(2))
        if m.group(2)
        else ("str", re.sub(r"\\(.)", lambda e: {"n": "\n"}.get(e[1], e[1]), m.group(1)))
        for m in DOT_TOKEN.finditer(line)
    ]


def dot_edges(text: str) -> set[tuple[str, ...]]:
    return {
        tuple(v for _, v in dot_tokens(line)[:2])
        for line in text.splitlines()
        if re.match(r'\s*"(?:[^"\\]|\\.)*" -> ', line)
    }


def dot_nodes(text: str) -> dict[str, dict[str, str]]:
    """Node id -> attributes, for the node lines of a DOT text."""
    found = {}
    for line in text.splitlines():
        tokens = dot_tokens(line)
        if not line.strip().startswith('"'):
            continue
        if re.match(r'\s*"(?:[^"\\]|\\.)*" -> ', line):
            continue
        keys, values = tokens[1::2], tokens[2::2]
        found[tokens[0][1]] = {k: v for (_, k), (_, v) in zip(keys, values, strict=True)}
    return found


class TestToNetworkx:
    def test_the_copy_is_writable_and_leaves_the_cmdb_alone(self, shop: Cmdb) -> None:
        graph = to_networkx(shop)
        graph.nodes["web1"]["colour"] = "red"
        graph.add_edge("web1", "nowhere")
        assert "colour" not in shop.graph.nodes["web1"]
        assert "nowhere" not in shop
        with pytest.raises(nx.NetworkXError):
            shop.graph.add_edge("web1", "nowhere")

    def test_nodes_carry_name_kind_ci_type_owner_and_min_up(self, shop: Cmdb) -> None:
        graph = to_networkx(shop)
        assert graph.nodes["shop"] == {"name": "Web shop", "kind": "service"}
        assert graph.nodes["frontend"] == {"name": "", "kind": "service_component"}
        assert graph.nodes["web-pool"] == {"name": "", "kind": "redundancy_group", "min_up": 2}
        assert graph.nodes["web1"] == {
            "name": "",
            "kind": "configuration_item",
            "ci_type": "server",
        }
        assert graph.graph == {"cmdb": "default"}

    def test_an_owner_is_carried_where_there_is_one(self, odd: Cmdb) -> None:
        graph = to_networkx(odd)
        assert graph.nodes["ünï code"]["owner"] == "Zoë"
        assert "owner" not in graph.nodes["x"]

    def test_edges_carry_the_relationship_type(self, shop: Cmdb) -> None:
        graph = to_networkx(shop)
        assert graph.edges["shop", "frontend"] == {"type": "depends_on"}
        assert graph.edges["web-pool", "web1"] == {"type": "has_member"}
        assert graph.edges["web1", "sw1"] == {"type": "connects_to"}
        assert set(graph.edges) == set(shop.graph.edges)

    def test_an_impact_gives_every_node_its_state_and_whether_it_failed(self, shop: Cmdb) -> None:
        graph = to_networkx(shop, impact=shop.impact("web2"))
        states = dict(graph.nodes(data="status"))
        assert states == {
            "shop": "degraded",
            "frontend": "degraded",
            "backend": "up",
            "web-pool": "degraded",
            "web1": "up",
            "web2": "down",
            "web3": "up",
            "db1": "up",
            "sw1": "up",
        }
        assert [n for n, failed in graph.nodes(data="failed") if failed] == ["web2"]

    def test_nodes_limits_the_export_to_them_and_the_relationships_among_them(
        self, shop: Cmdb
    ) -> None:
        part = ["backend", *(d.id for d in dependencies(shop, "backend"))]
        graph = to_networkx(shop, nodes=part)
        assert list(graph) == ["backend", "db1", "sw1"]
        assert set(graph.edges) == {("backend", "db1"), ("db1", "sw1")}
        assert list(to_networkx(shop, nodes="web1")) == ["web1"]

    def test_an_unknown_node_is_named(self, shop: Cmdb) -> None:
        with pytest.raises(NotFoundError, match="'nope'.*not in CMDB 'default'"):
            to_networkx(shop, nodes=["web1", "nope"])

    def test_the_copy_does_not_follow_later_changes(self, shop: Cmdb) -> None:
        graph = to_networkx(shop)
        shop.remove("db1", actor="ann", at=AT)
        assert "db1" in graph


class TestGraphml:
    def test_read_back_it_has_every_attribute_with_its_type(self, shop: Cmdb) -> None:
        report = shop.impact(["web1", "web3"])
        back = nx.parse_graphml(to_graphml(shop, impact=report))
        expected = to_networkx(shop, impact=report)
        assert dict(back.nodes(data=True)) == dict(expected.nodes(data=True))
        assert back.nodes["web-pool"]["min_up"] == 2
        assert back.nodes["web1"]["failed"] is True
        assert back.nodes["shop"]["status"] == "down"
        assert back.edges["web1", "sw1"]["type"] == "connects_to"
        assert back.graph["cmdb"] == "default"

    def test_attributes_are_typed_and_booleans_are_xml_booleans(self, shop: Cmdb) -> None:
        text = to_graphml(shop, impact=shop.impact("web1"))
        assert text.startswith("<?xml version='1.0' encoding='utf-8'?>\n<graphml")
        assert 'attr.name="min_up" attr.type="long"' in text
        assert 'attr.name="failed" attr.type="boolean"' in text
        assert '<data key="failed">true</data>' in text
        assert "True" not in text
        assert "False" not in text
        assert "None" not in text

    def test_odd_ids_and_names_come_back_unchanged(self, odd: Cmdb) -> None:
        back = nx.parse_graphml(to_graphml(odd))
        assert list(back) == list(odd.records)
        assert back.nodes['the "shop"']["name"] == "Der Laden <b>&</b> #1"
        assert back.nodes["a;b`c"]["name"] == "line\nbreak"
        assert back.nodes["a;b`c"]["ci_type"] == 'ty"pe'
        assert back.edges["ünï code", "a;b`c"]["type"] == "runs on"

    def test_a_control_character_xml_cannot_hold_is_refused(self) -> None:
        cmdb = Cmdb(CmdbSchema(ci_types=["server"]))
        cmdb.add(ConfigurationItem("bell\x07", "server"), actor="ann", at=AT)
        with pytest.raises(ValidationError, match=r"'bell\\x07'.*control character"):
            to_graphml(cmdb)


class TestDot:
    def test_nodes_show_names_and_types_and_carry_the_data(self, shop: Cmdb) -> None:
        nodes = dot_nodes(to_dot(shop))
        assert nodes["shop"]["label"] == "Web shop"
        assert nodes["shop"]["shape"] == "ellipse"
        assert nodes["web1"]["label"] == "web1\nserver"
        assert nodes["web1"]["ci_type"] == "server"
        assert nodes["web-pool"]["label"] == "2 of 3 needed"
        assert nodes["web-pool"]["min_up"] == "2"
        assert "status" not in nodes["shop"]

    def test_an_impact_fills_nodes_by_state_and_marks_the_failed(self, shop: Cmdb) -> None:
        nodes = dot_nodes(to_dot(shop, impact=shop.impact(["web1", "web3"])))
        assert nodes["shop"]["status"] == "down"
        assert nodes["shop"]["fillcolor"] == STATE_COLOURS["down"]
        assert nodes["web2"]["fillcolor"] == STATE_COLOURS["up"]
        assert nodes["web1"]["failed"] == "true"
        assert nodes["web1"]["penwidth"] == "3"
        assert "penwidth" not in nodes["web2"]

    def test_a_redundancy_group_is_a_cluster_holding_its_members(self, shop: Cmdb) -> None:
        text = to_dot(shop)
        cluster = text.split('subgraph "cluster_web-pool" {')[1].split("\n  }")[0]
        assert 'label="web-pool"' in cluster
        assert sorted(dot_nodes(cluster)) == ["web-pool", "web1", "web2", "web3"]
        assert '"web-pool" -> "web1" [type="has_member", style="dashed"];' in text

    def test_a_group_that_is_a_member_nests_in_its_groups_cluster(self, odd: Cmdb) -> None:
        text = to_dot(odd)
        outer = text.split('subgraph "cluster_pool ☃" {')[1]
        assert 'subgraph "cluster_inner" {' in outer
        assert 'label="Pool"' in outer

    def test_odd_ids_are_quoted_and_escaped(self, odd: Cmdb) -> None:
        text = to_dot(odd)
        assert dot_edges(text) == set(odd.graph.edges)
        nodes = dot_nodes(text)
        assert set(nodes) == set(odd.records)
        assert nodes['the "shop"']["label"] == "Der Laden <b>&</b> #1"
        assert nodes["a;b`c"]["label"] == 'line\nbreak\nty"pe'
        assert '"back\\\\slash"' in text

    def test_a_direction_is_checked(self, shop: Cmdb) -> None:
        assert 'rankdir="LR"' in to_dot(shop, direction="LR")
        with pytest.raises(ValidationError, match="direction must be one of TB, BT, LR, RL"):
            to_dot(shop, direction="up")  # type: ignore[arg-type]


class TestMermaid:
    def test_a_flowchart_with_a_node_per_record_and_an_edge_per_relationship(
        self, shop: Cmdb
    ) -> None:
        text = to_mermaid(shop)
        lines = text.splitlines()
        assert lines[0] == "flowchart TB"
        assert '    n0(["Web shop"])' in lines
        assert '      n4["web1<br/>server"]' in lines
        assert "    n0 --> n1" in lines
        assert "    n3 -.-> n4" in lines
        assert '    n4 -->|"connects_to"| n8' in lines
        assert len([line for line in lines if re.search(r"(-->|-\.->)", line)]) == len(
            shop.graph.edges
        )

    def test_a_redundancy_group_is_a_subgraph_holding_its_members(self, shop: Cmdb) -> None:
        text = to_mermaid(shop)
        inside = text.split('subgraph g3 ["web-pool"]\n')[1].split("    end")[0]
        assert inside.split() == [
            'n3{{"2',
            "of",
            "3",
            'needed"}}',
            'n4["web1<br/>server"]',
            'n5["web2<br/>server"]',
            'n6["web3<br/>server"]',
        ]

    def test_an_impact_classes_nodes_by_state(self, shop: Cmdb) -> None:
        text = to_mermaid(shop, impact=shop.impact(["web1", "web3"]))
        assert f"classDef down fill:{STATE_COLOURS['down']}" in text
        assert "    class n0,n1,n3,n4,n6 down" in text
        assert "    class n2,n5,n7,n8 up" in text
        assert "    class n4,n6 failed" in text
        assert "classDef" not in to_mermaid(shop)

    def test_odd_labels_are_escaped_and_unicode_kept(self, odd: Cmdb) -> None:
        text = to_mermaid(odd)
        assert '(["Der Laden #lt;b#gt;#amp;#lt;/b#gt; #35;1"])' in text
        assert '("back\\slash")' in text
        assert '["ünï code<br/>server"]' in text
        assert '["line<br/>break<br/>ty#quot;pe"]' in text
        assert '-->|"runs on"|' in text
        labels = re.findall(r'"([^"]*)"', text)
        assert all("<" not in label.replace("<br/>", "") for label in labels)

    def test_groups_that_are_members_nest(self, odd: Cmdb) -> None:
        text = to_mermaid(odd)
        outer = text.split('subgraph g2 ["Pool"]')[1]
        assert outer.index('subgraph g3 ["inner"]') < outer.index("    end")


class TestRandomGraphs:
    @given(graphs_with_failures())
    def test_every_format_carries_the_same_graph_and_states(self, case) -> None:
        graph, failed = case
        cmdb = graph.cmdb()
        report = cmdb.impact(failed)
        expected = to_networkx(cmdb, impact=report)
        back = nx.parse_graphml(to_graphml(cmdb, impact=report))
        assert dict(back.nodes(data=True)) == dict(expected.nodes(data=True))
        assert set(back.edges) == set(expected.edges) == set(cmdb.graph.edges)
        dot = to_dot(cmdb, impact=report)
        assert {n: a["status"] for n, a in dot_nodes(dot).items()} == dict(
            expected.nodes(data="status")
        )
        assert dot_edges(dot) == set(expected.edges)
        mermaid = to_mermaid(cmdb, impact=report)
        classed = re.findall(r"class (\S+) (up|degraded|down)$", mermaid, re.MULTILINE)
        assert sum(len(ids.split(",")) for ids, _ in classed) == len(cmdb)

    @given(st.lists(odd_ids, min_size=2, max_size=5, unique=True))
    def test_any_ids_survive_graphml_and_dot(self, ids: list[str]) -> None:
        cmdb = Cmdb(CmdbSchema(ci_types=["server"]))
        cmdb.add_many(
            [ConfigurationItem(i, "server", name=i) for i in ids],
            list(itertools.pairwise(ids)),
            actor="ann",
            at=AT,
        )
        back = nx.parse_graphml(to_graphml(cmdb))
        assert list(back) == ids
        assert [back.nodes[i]["name"] for i in ids] == ids
        dot = to_dot(cmdb)
        assert list(dot_nodes(dot)) == ids
        assert dot_edges(dot) == set(cmdb.graph.edges)
        assert len(to_mermaid(cmdb).splitlines()) == 1 + len(ids) + len(ids) - 1


class TestDumpCmdbGraph:
    @pytest.mark.parametrize(
        ("name", "fmt", "start"),
        [
            ("cmdb.graphml", "graphml", "<?xml"),
            ("cmdb.dot", "dot", "digraph"),
            ("cmdb.gv", "dot", "digraph"),
            ("cmdb.mmd", "mermaid", "flowchart"),
        ],
    )
    def test_the_format_follows_the_suffix(
        self, shop: Cmdb, tmp_path: Path, name: str, fmt: str, start: str
    ) -> None:
        assert dump_cmdb_graph(shop, tmp_path / name, impact=shop.impact("db1")) == fmt
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start)

    def test_what_is_written_is_what_the_export_gives(self, odd: Cmdb, tmp_path: Path) -> None:
        dump_cmdb_graph(odd, tmp_path / "odd.txt", format="graphml", nodes=["x", "y"])
        assert (tmp_path / "odd.txt").read_text(encoding="utf-8") == to_graphml(
            odd, nodes=["x", "y"]
        )

    def test_an_unknown_suffix_or_format_is_refused(self, shop: Cmdb, tmp_path: Path) -> None:
        with pytest.raises(ValidationError, match=r"suffix '\.png'; expected one of \.graphml"):
            dump_cmdb_graph(shop, tmp_path / "cmdb.png")
        with pytest.raises(ValidationError, match="format must be 'graphml', 'dot' or 'mermaid'"):
            dump_cmdb_graph(shop, tmp_path / "cmdb.dot", format="svg")  # type: ignore[arg-type]
        assert not list(tmp_path.iterdir())

    def test_a_file_that_cannot_be_written_is_a_store_error(
        self, shop: Cmdb, tmp_path: Path
    ) -> None:
        with pytest.raises(StoreError, match="cannot write"):
            dump_cmdb_graph(shop, tmp_path / "missing" / "cmdb.dot")
