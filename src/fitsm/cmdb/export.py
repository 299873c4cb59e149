"""The CMDB as a graph for other tools: networkx, GraphML, DOT and Mermaid (PR11.3).

PR11.3 asks that "information on CIs and their relationships with other CIs
shall be maintained in a configuration management database (CMDB)" (FitSM, CC
BY 4.0); these functions hand that information to the tools people draw and
analyse graphs with. Each returns a value (a graph or a string) and writes
nothing: :func:`fitsm.interop.dump_cmdb_graph` writes one to a file.

Every export carries, per node, its ``name``, ``kind``, ``ci_type`` (CIs),
``owner`` (CIs that have one) and ``min_up`` (redundancy groups), and per edge
its relationship ``type``. Given an :class:`~fitsm.cmdb.ImpactReport`, every node
also carries its ``status`` (``up``, ``degraded`` or ``down``) and whether it
``failed`` itself. ``nodes`` limits an export to some nodes and the
relationships among them, e.g. a service and what it relies on::

    to_dot(cmdb, nodes=["shop", *(d.id for d in dependencies(cmdb, "shop"))])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx

from fitsm.cmdb.configuration import DEPENDS_ON, HAS_MEMBER, ConfigurationItem, Node, NodeKind
from fitsm.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from fitsm.cmdb.analysis import ImpactReport
    from fitsm.cmdb.view import CmdbView

__all__ = ["STATE_COLOURS", "Direction", "to_dot", "to_graphml", "to_mermaid", "to_networkx"]

STATE_COLOURS: Mapping[str, str] = MappingProxyType(
    {"up": "#009E73", "degraded": "#E69F00", "down": "#D55E00"}
)
"""The colour of each impact state: bluish green, orange and vermillion of the
Okabe-Ito palette, which readers with any common colour-vision deficiency can tell apart."""

Direction = Literal["TB", "BT", "LR", "RL"]
"""Which way dependencies point in a drawing: top to bottom (the default), left to right, ..."""

_DIRECTIONS = ("TB", "BT", "LR", "RL")
_DOT_SHAPES = {
    NodeKind.SERVICE: "ellipse",
    NodeKind.COMPONENT: "box",
    NodeKind.CI: "box",
    NodeKind.GROUP: "hexagon",
}
_MERMAID_SHAPES = {
    NodeKind.SERVICE: ('(["', '"])'),
    NodeKind.COMPONENT: ('("', '")'),
    NodeKind.CI: ('["', '"]'),
    NodeKind.GROUP: ('{{"', '"}}'),
}
# XML 1.0 cannot hold these characters at all, escaped or not
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# characters Mermaid would read as syntax or HTML inside a quoted label
_MERMAID_ESCAPES = {
    "#": "#35;",
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    ";": "#59;",
    "\n": "<br/>",
    "\r": "",
}


def to_networkx(
    cmdb: CmdbView,
    *,
    impact: ImpactReport | None = None,
    nodes: Iterable[str] | str | None = None,
) -> nx.DiGraph:
    """A writable copy of the CMDB graph (or of the part ``nodes`` names) with its data.

    Unlike ``Cmdb.graph``, a read-only view, the copy can be coloured, laid out
    and changed freely; it does not follow later changes of the CMDB. An edge
    ``A -> B`` means A depends on B.

    >>> from datetime import UTC, datetime
    >>> from fitsm.cmdb import Cmdb, CmdbSchema, ConfigurationItem, ServiceNode
    >>> cmdb = Cmdb(CmdbSchema(ci_types=["server"]))
    >>> cmdb.add_many([ServiceNode("web", "Website"), ConfigurationItem("srv1", "server")],
    ...               [("web", "srv1")], actor="ann", at=datetime(2026, 1, 5, tzinfo=UTC))
    >>> g = to_networkx(cmdb, impact=cmdb.impact("srv1"))
    >>> g.nodes["web"]
    {'name': 'Website', 'kind': 'service', 'status': 'down', 'failed': False}
    >>> g.edges["web", "srv1"]
    {'type': 'depends_on'}
    """
    records = cmdb.records
    chosen = _chosen(cmdb, nodes)
    if impact is not None:
        down, degraded, failed = impact.down, impact.degraded, frozenset(impact.failed)
    graph = nx.DiGraph(cmdb=cmdb.id)
    for node_id in chosen:
        data = _node_data(records[node_id], cmdb.groups)
        if impact is not None:
            data["status"] = (
                "down" if node_id in down else "degraded" if node_id in degraded else "up"
            )
            data["failed"] = node_id in failed
        graph.add_node(node_id, **data)
    succ = cmdb.succ
    for source in chosen:
        for target, edge in succ[source].items():
            if target in graph:
                graph.add_edge(source, target, type=edge.get("type", DEPENDS_ON))
    return graph


def to_graphml(
    cmdb: CmdbView,
    *,
    impact: ImpactReport | None = None,
    nodes: Iterable[str] | str | None = None,
) -> str:
    """The CMDB graph as GraphML text, every attribute typed (``min_up`` an int, ``failed``
    a boolean, the others strings); networkx, Gephi, yEd and Cytoscape read it.

    >>> from fitsm.cmdb import Cmdb
    >>> to_graphml(Cmdb()).startswith("<?xml")
    True
    """
    graph = to_networkx(cmdb, impact=impact, nodes=nodes)
    for node_id, data in graph.nodes(data=True):
        for text in (node_id, *data.values()):
            if isinstance(text, str) and _NOT_XML.search(text):
                raise ValidationError(
                    f"node {node_id!r} holds {text!r}, which has a control character "
                    "XML cannot hold; expected printable text for GraphML"
                )
    for _, _, data in graph.edges(data=True):
        if _NOT_XML.search(data["type"]):
            raise ValidationError(
                f"relationship type {data['type']!r} has a control character XML cannot hold"
            )
    text = "\n".join(nx.generate_graphml(graph, named_key_ids=True))
    # networkx writes Python's True/False; GraphML's booleans are XML Schema's true/false
    text = text.replace('<data key="failed">True<', '<data key="failed">true<')
    text = text.replace('<data key="failed">False<', '<data key="failed">false<')
    return f"<?xml version='1.0' encoding='utf-8'?>\n{text}\n"


def to_dot(
    cmdb: CmdbView,
    *,
    impact: ImpactReport | None = None,
    nodes: Iterable[str] | str | None = None,
    direction: Direction = "TB",
) -> str:
    """The CMDB graph in Graphviz's DOT language, to render with ``dot -Tsvg``.

    Node ids are the CMDB's (quoted); labels show the name (or id) and a CI's
    type or a group's rule; shapes tell the kinds apart (ellipse: service, box:
    component or CI, hexagon: redundancy group). Each redundancy group is a
    dashed cluster around its members. The node data of :func:`to_networkx` ride
    along as attributes, and with an impact nodes are filled by state
    (:data:`STATE_COLOURS`), failed ones with a thick border.

    >>> from fitsm.cmdb import Cmdb
    >>> print(to_dot(Cmdb()), end="")
    digraph "default" {
      graph [rankdir="TB"];
      node [fontname="Helvetica"];
    }
    """
    rankdir = _direction(direction)
    graph = to_networkx(cmdb, impact=impact, nodes=nodes)
    parent, children = _group_tree(graph)
    lines = [
        f"digraph {_dot_id(cmdb.id)} {{",
        f'  graph [rankdir="{rankdir}"];',
        '  node [fontname="Helvetica"];',
    ]

    def emit(node_id: str, indent: str) -> None:
        data = graph.nodes[node_id]
        attributes = {
            "label": _label_lines(node_id, data, cmdb),
            "shape": _DOT_SHAPES[NodeKind(data["kind"])],
            **{k: v for k, v in data.items() if k != "failed"},
        }
        style = ["rounded"] if data["kind"] == NodeKind.COMPONENT else []
        if "status" in data:
            style.append("filled")
            attributes["fillcolor"] = STATE_COLOURS[data["status"]]
            attributes["failed"] = "true" if data["failed"] else "false"
            if data["failed"]:
                attributes["penwidth"] = 3
        if style:
            attributes["style"] = ",".join(style)
        line = f"{_dot_id(node_id)} [{_dot_attributes(attributes)}];"
        if node_id in children:
            # the cluster is named after the group; the group node inside shows its rule
            title = _dot_attributes({"label": data["name"] or node_id, "style": "dashed,rounded"})
            lines.append(f"{indent}subgraph {_dot_id('cluster_' + node_id)} {{")
            lines.append(f"{indent}  graph [{title}];")
            lines.append(f"{indent}  {line}")
            for member in children[node_id]:
                emit(member, indent + "  ")
            lines.append(f"{indent}}}")
        else:
            lines.append(f"{indent}{line}")

    for node_id in graph:
        if node_id not in parent:
            emit(node_id, "  ")
    for source, target, data in graph.edges(data=True):
        attributes = {"type": data["type"]}
        if data["type"] == HAS_MEMBER:
            attributes["style"] = "dashed"
        lines.append(f"  {_dot_id(source)} -> {_dot_id(target)} [{_dot_attributes(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(
    cmdb: CmdbView,
    *,
    impact: ImpactReport | None = None,
    nodes: Iterable[str] | str | None = None,
    direction: Direction = "TB",
) -> str:
    """The CMDB graph as a Mermaid flowchart, for Markdown pages that render Mermaid.

    Mermaid ids are generated (``n0``, ``n1``, ...) so that any CMDB id is safe;
    labels show the name (or id) and a CI's type or a group's rule, escaped.
    Shapes tell the kinds apart (stadium: service, rounded: component, box: CI,
    hexagon: redundancy group); each redundancy group is a subgraph holding its
    members, and ``has_member`` edges are dotted. With an impact, every node gets
    the class of its state (``up``, ``degraded``, ``down``, defined with
    :data:`STATE_COLOURS`) and failed nodes the class ``failed`` as well (a
    thick border).

    >>> from fitsm.cmdb import Cmdb
    >>> print(to_mermaid(Cmdb()), end="")
    flowchart TB
    """
    flow = _direction(direction)
    graph = to_networkx(cmdb, impact=impact, nodes=nodes)
    parent, children = _group_tree(graph)
    ids = {node_id: f"n{i}" for i, node_id in enumerate(graph)}
    lines = [f"flowchart {flow}"]
    by_class: dict[str, list[str]] = {}

    def emit(node_id: str, indent: str) -> None:
        data = graph.nodes[node_id]
        opening, closing = _MERMAID_SHAPES[NodeKind(data["kind"])]
        label = "<br/>".join(_mermaid_text(line) for line in _label_lines(node_id, data, cmdb))
        if "status" in data:
            by_class.setdefault(data["status"], []).append(ids[node_id])
            if data["failed"]:
                by_class.setdefault("failed", []).append(ids[node_id])
        if node_id in children:
            # the subgraph is named after the group; the group node inside shows its rule
            title = _mermaid_text(data["name"] or node_id)
            lines.append(f'{indent}subgraph g{ids[node_id][1:]} ["{title}"]')
            lines.append(f"{indent}  {ids[node_id]}{opening}{label}{closing}")
            for member in children[node_id]:
                emit(member, indent + "  ")
            lines.append(f"{indent}end")
        else:
            lines.append(f"{indent}{ids[node_id]}{opening}{label}{closing}")

    for node_id in graph:
        if node_id not in parent:
            emit(node_id, "    ")
    for source, target, data in graph.edges(data=True):
        kind = data["type"]
        if kind == HAS_MEMBER:
            lines.append(f"    {ids[source]} -.-> {ids[target]}")
        elif kind == DEPENDS_ON:
            lines.append(f"    {ids[source]} --> {ids[target]}")
        else:
            lines.append(f'    {ids[source]} -->|"{_mermaid_text(kind)}"| {ids[target]}')
    if impact is not None:
        for state, colour in STATE_COLOURS.items():
            text = "#fff" if state == "down" else "#000"
            lines.append(f"    classDef {state} fill:{colour},color:{text},stroke:#333")
        lines.append("    classDef failed stroke:#000,stroke-width:4px")
        for name in (*STATE_COLOURS, "failed"):
            if name in by_class:  # in node order, whatever order the subgraphs wrote them in
                members = sorted(by_class[name], key=lambda n: int(n[1:]))
                lines.append(f"    class {','.join(members)} {name}")
    return "\n".join(lines) + "\n"


# -- helpers ----------------------------------------------------------------------


def _chosen(cmdb: CmdbView, nodes: Iterable[str] | str | None) -> list[str]:
    if nodes is None:
        return list(cmdb.records)
    chosen = list(dict.fromkeys((nodes,) if isinstance(nodes, str) else nodes))
    unknown = [n for n in chosen if n not in cmdb.records]
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise NotFoundError(f"cannot export {shown}{more}: not in CMDB {cmdb.id!r}")
    return chosen


def _node_data(record: Node, groups: Mapping[str, int]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": record.name, "kind": record.kind.value}
    if isinstance(record, ConfigurationItem):
        data["ci_type"] = record.type
        if record.owner:
            data["owner"] = record.owner
    elif record.kind is NodeKind.GROUP:
        data["min_up"] = groups[record.id]
    return data


def _group_tree(graph: nx.DiGraph) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Which group's cluster each member is drawn in, and each group's members.

    A node drawn in more than one group would break both DOT and Mermaid, so a
    member goes into the first group (in CMDB order) that names it; its other
    memberships still show as edges. Groups that are members nest.
    """
    parent: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    for group, data in graph.nodes(data=True):
        if data["kind"] != NodeKind.GROUP:
            continue
        children[group] = []
        for member, edge in graph.succ[group].items():
            if edge["type"] == HAS_MEMBER and member not in parent:
                parent[member] = group
                children[group].append(member)
    return parent, children


def _label_lines(node_id: str, data: Mapping[str, Any], cmdb: CmdbView) -> list[str]:
    """What a node shows: its name (or id), then a CI's type or a group's rule."""
    if data["kind"] == NodeKind.GROUP:
        return [f"{data['min_up']} of {len(cmdb.succ[node_id])} needed"]
    lines = [data["name"] or node_id]
    if "ci_type" in data:
        lines.append(data["ci_type"])
    return lines


def _direction(value: object) -> str:
    if value not in _DIRECTIONS:
        raise ValidationError(
            f"direction must be one of {', '.join(_DIRECTIONS)}, got {value!r}", field="direction"
        )
    return str(value)


def _dot_text(text: str) -> str:
    # in a quoted DOT string only \" and \\ are escapes; a line break is written \n
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")


def _dot_id(text: str) -> str:
    return f'"{_dot_text(text)}"'


def _dot_attributes(attributes: Mapping[str, Any]) -> str:
    shown = []
    for key, value in attributes.items():
        if isinstance(value, list):  # label lines, each escaped, joined by DOT's line break
            text = "\\n".join(_dot_text(line) for line in value)
        else:
            text = _dot_text(str(value))
        shown.append(f'{key}="{text}"')
    return ", ".join(shown)


def _mermaid_text(text: str) -> str:
    return "".join(_MERMAID_ESCAPES.get(c, c) for c in text)
