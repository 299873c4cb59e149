"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
from hypothesis import strategies as st

from fitsm import Cmdb, CmdbSchema, ComponentNode, ConfigurationItem, RedundancyGroup, ServiceNode
from fitsm.cmdb import HAS_MEMBER

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


@attrs.frozen
class SmallGraph:
    """A random dependency DAG: node i may depend on node j > i; some nodes are k-of-n groups."""

    size: int
    edges: tuple[tuple[str, str], ...]
    groups: dict[str, int]
    kinds: dict[str, str]

    @property
    def ids(self) -> list[str]:
        return [f"n{i}" for i in range(self.size)]

    def cmdb(self) -> Cmdb:
        cmdb = Cmdb(CmdbSchema(ci_types=["box"]))
        nodes = []
        for node_id in self.ids:
            if node_id in self.groups:
                nodes.append(RedundancyGroup(node_id, self.groups[node_id]))
            elif self.kinds[node_id] == "service":
                nodes.append(ServiceNode(node_id))
            elif self.kinds[node_id] == "component":
                nodes.append(ComponentNode(node_id))
            else:
                nodes.append(ConfigurationItem(node_id, "box"))
        rels = [(s, t, HAS_MEMBER if s in self.groups else "depends_on") for s, t in self.edges]
        cmdb.add_many(nodes, rels, actor="test", at=AT)
        return cmdb


@st.composite
def small_graphs(draw: st.DrawFn, max_size: int = 9) -> SmallGraph:
    size = draw(st.integers(1, max_size))
    edges = [
        (f"n{i}", f"n{j}")
        for i in range(size)
        for j in range(i + 1, size)
        if draw(st.integers(0, 2)) == 0
    ]
    groups: dict[str, int] = {}
    kinds: dict[str, str] = {}
    for i in range(size):
        node = f"n{i}"
        members = [t for s, t in edges if s == node]
        if members and draw(st.booleans()):
            groups[node] = draw(st.integers(1, len(members)))
        kinds[node] = draw(st.sampled_from(["service", "component", "ci"]))
    return SmallGraph(size, tuple(edges), groups, kinds)


@st.composite
def graphs_with_failures(draw: st.DrawFn) -> tuple[SmallGraph, frozenset[str]]:
    graph = draw(small_graphs())
    failed = draw(st.frozensets(st.sampled_from(graph.ids), min_size=1))
    return graph, failed
