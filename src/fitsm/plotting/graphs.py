"""Graph pictures: what a service depends on or what an impact reached, and a case lifecycle.

Both are drawn with networkx and matplotlib, in layers (no Graphviz needed):
dependencies point down, from a service to what it relies on (PR11.3), and a
lifecycle flows down from its initial status (PR9-PR14).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import networkx as nx

from fitsm.cmdb.analysis import ImpactReport, dependencies
from fitsm.cmdb.configuration import HAS_MEMBER, NodeKind
from fitsm.cmdb.export import STATE_COLOURS, to_networkx
from fitsm.errors import ValidationError
from fitsm.plotting._figures import BLUE, GREY, SKY, canvas, plain, require

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from fitsm.cases._engine import CaseLifecycle
    from fitsm.cmdb.view import CmdbView

__all__ = ["dependency_graph", "lifecycle_diagram"]

_H = TypeVar("_H", bound=Hashable)

_MARKERS = {
    NodeKind.SERVICE: ("H", "service"),
    NodeKind.COMPONENT: ("s", "service component"),
    NodeKind.CI: ("o", "configuration item"),
    NodeKind.GROUP: ("D", "redundancy group"),
}
_NODE_SIZE = 420
_EDGE = "#555555"
_LINE = "#333333"


def dependency_graph(
    cmdb: CmdbView,
    of: str | ImpactReport,
    *,
    impact: ImpactReport | None = None,
    labels: Literal["name", "id"] = "name",
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw what a node depends on (``of`` an id), or the part of the CMDB an impact reached
    (``of`` an :class:`~fitsm.cmdb.ImpactReport`: the nodes down or degraded, and the
    members of the redundancy groups among them).

    Dependencies point down, in layers. Marker shapes tell the kinds apart
    (hexagon: service, square: component, circle: CI, diamond: redundancy group);
    with an impact (``of``, or ``impact=`` over a service's dependencies) nodes are
    coloured by state with :data:`~fitsm.cmdb.STATE_COLOURS` and the failed ones
    have a thick border. Each redundancy group's members sit in a dashed box
    labelled with the group's rule, and ``has_member`` edges are dashed. Labels
    are names (falling back to ids) or, with ``labels="id"``, ids.

    Returns the figure and the axes (drawn on ``ax`` if given), to restyle or save.
    Needs the ``plot`` extra (matplotlib).
    """
    require("dependency_graph")
    if labels not in ("name", "id"):
        raise ValidationError(f"labels must be 'name' or 'id', got {labels!r}", field="labels")
    if isinstance(of, ImpactReport):
        if impact is not None:
            raise ValidationError("give the impact once: as the subject or as impact=, not both")
        impact = of
        title = f"Impact of {_listed(impact.failed)}"
        nodes = _impacted_part(cmdb, impact)
    else:
        record = cmdb[of]
        title = f"What {record.name or of} depends on"
        nodes = [of, *(d.id for d in dependencies(cmdb, of))]
    graph = to_networkx(cmdb, impact=impact, nodes=nodes)
    layers = _layers(graph)
    pos = _positions(layers, dy=1.0)
    widest = max((len(layer) for layer in layers), default=1)
    fig, ax = canvas(ax, (min(40.0, max(6.0, 1.5 * widest + 2)), max(3.5, 1.2 * len(layers) + 1)))
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch, Patch

    # redundancy groups: a dashed box around the members, under everything else
    boxes = 0
    for group, data in graph.nodes(data=True):
        members = [m for m, e in graph.succ[group].items() if e["type"] == HAS_MEMBER]
        if data["kind"] != NodeKind.GROUP or not members:
            continue
        xs, ys = [pos[m][0] for m in members], [pos[m][1] for m in members]
        x0, y0, x1, y1 = min(xs) - 0.45, min(ys) - 0.4, max(xs) + 0.45, max(ys) + 0.32
        box = FancyBboxPatch(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            boxstyle="round,pad=0.02",
            facecolor=SKY,
            alpha=0.18,
            edgecolor=BLUE,
            linestyle="--",
            zorder=0,
        )
        box.set_gid(f"redundancy group {group}")
        ax.add_patch(box)
        rule = f"{data['min_up']} of {len(cmdb.succ[group])} needed"
        ax.text(
            x0 + 0.04,
            y1 - 0.03,
            f"{_label(group, data, labels)}: {rule}",
            fontsize=7,
            color=BLUE,
            ha="left",
            va="top",
            zorder=1,
        )
        boxes += 1

    solid = [(s, t) for s, t, e in graph.edges(data=True) if e["type"] != HAS_MEMBER]
    dashed = [(s, t) for s, t, e in graph.edges(data=True) if e["type"] == HAS_MEMBER]
    for edges, style in ((solid, "solid"), (dashed, "dashed")):
        if edges:
            nx.draw_networkx_edges(
                graph,
                pos,
                edgelist=edges,
                ax=ax,
                style=style,
                edge_color=_EDGE,
                node_size=_NODE_SIZE,
                arrowstyle="-|>",
                arrowsize=10,
                width=1.0,
            )
    handles: list[Any] = []
    for kind, (marker, name) in _MARKERS.items():
        members = [n for n, k in graph.nodes(data="kind") if k == kind]
        if not members:
            continue
        colours = [
            STATE_COLOURS[graph.nodes[n]["status"]] if impact is not None else GREY for n in members
        ]
        widths = [3.0 if graph.nodes[n].get("failed") else 1.0 for n in members]
        drawn = nx.draw_networkx_nodes(
            graph,
            pos,
            nodelist=members,
            node_shape=marker,
            node_color=colours,
            edgecolors=_LINE,
            linewidths=widths,
            node_size=_NODE_SIZE,
            ax=ax,
        )
        drawn.set_gid(kind.value)
        drawn.set_zorder(2)
        handles.append(
            Line2D(
                [],
                [],
                marker=marker,
                linestyle="",
                markerfacecolor=GREY,
                markeredgecolor=_LINE,
                markersize=9,
                label=name,
            )
        )
    below = {n: (x, y - 0.27) for n, (x, y) in pos.items()}
    nx.draw_networkx_labels(
        graph,
        below,
        labels={n: _label(n, d, labels) for n, d in graph.nodes(data=True)},
        font_size=8,
        ax=ax,
    )

    if impact is not None:
        present = {s for _, s in graph.nodes(data="status")}
        handles += [
            Patch(facecolor=colour, edgecolor=_LINE, label=state)
            for state, colour in STATE_COLOURS.items()
            if state in present
        ]
        if any(f for _, f in graph.nodes(data="failed")):
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    markerfacecolor="white",
                    markeredgecolor=_LINE,
                    markeredgewidth=3,
                    markersize=9,
                    label="failed",
                )
            )
    if boxes:
        handles.append(
            Patch(
                facecolor=SKY,
                alpha=0.35,
                edgecolor=BLUE,
                linestyle="--",
                label="members of a redundancy group",
            )
        )
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8
    )
    ax.set_title(plain(title))
    ax.set_axis_off()
    ax.margins(0.08, 0.12)
    return fig, ax


def lifecycle_diagram(lifecycle: CaseLifecycle, *, ax: Axes | None = None) -> tuple[Figure, Axes]:
    """Draw a case lifecycle: its statuses in layers from the initial one, an arrow per
    pair of statuses labelled with the events between them (and their guards in
    brackets), and beneath each status the events that keep it (``↺``). The
    initial status is sky blue, final ones grey with a double ring.

    >>> # from fitsm.cases import INCIDENT; fig, ax = lifecycle_diagram(INCIDENT)

    Returns the figure and the axes (drawn on ``ax`` if given), to restyle or save.
    Needs the ``plot`` extra (matplotlib).
    """
    require("lifecycle_diagram")
    order = {str(s): i for i, s in enumerate(lifecycle.statuses)}
    initial = str(lifecycle.initial)
    moves: dict[tuple[str, str], list[str]] = {}
    stays: dict[str, list[str]] = {}
    for (source, event), transitions in lifecycle.table.items():
        for t in transitions:
            # a guarded transition says when, as the Mermaid diagrams of the charts do
            guards = [g.__name__ if want else f"not {g.__name__}" for g, want in t.guards]
            if t.target == source:
                label = event + (f" [{', '.join(guards)}]" if guards else "")
                _add(stays.setdefault(source, []), label)
            else:
                label = event + (f"\n[{', '.join(guards)}]" if guards else "")
                _add(moves.setdefault((source, t.target), []), label)
    graph = nx.DiGraph()
    statuses = {initial, *lifecycle.finals, *(s for pair in moves for s in pair), *stays}
    graph.add_nodes_from(sorted(statuses, key=lambda s: order.get(s, len(order))))
    graph.add_edges_from(moves)
    layers = _bfs_layers(graph, initial, order)
    pos = _positions(layers, dy=1.7, dx=1.6)
    widest = max(len(layer) for layer in layers)
    fig, ax = canvas(ax, (max(6.0, 2.2 * widest + 1), max(4.0, 1.5 * len(layers) + 1)))
    from matplotlib.patches import Patch

    size = 2600
    finals = sorted(lifecycle.finals, key=order.__getitem__)
    colours = [SKY if s == initial else GREY if s in lifecycle.finals else "white" for s in graph]
    # an arrow between statuses of one row that passes others bends further round them
    bends: dict[float, list[tuple[str, str]]] = {}
    for a, b in graph.edges:
        (xa, ya), (xb, yb) = pos[a], pos[b]
        bends.setdefault(0.45 if ya == yb and abs(xa - xb) > 1.7 else 0.22, []).append((a, b))
    for rad, edges in bends.items():
        style = f"arc3,rad={rad}"
        nx.draw_networkx_edges(
            graph,
            pos,
            edgelist=edges,
            ax=ax,
            node_size=size,
            arrowstyle="-|>",
            arrowsize=12,
            edge_color=_EDGE,
            connectionstyle=style,
        )
        nx.draw_networkx_edge_labels(
            graph,
            pos,
            ax=ax,
            node_size=size,
            connectionstyle=style,
            edge_labels={e: "\n".join(moves[e]) for e in edges},
            font_size=6.5,
            rotate=False,
            bbox={
                "boxstyle": "round,pad=0.15",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.85,
            },
        )
    nodes = nx.draw_networkx_nodes(
        graph, pos, ax=ax, node_size=size, node_color=colours, edgecolors=_LINE, linewidths=1.2
    )
    nodes.set_gid("statuses")
    if finals:
        ring = nx.draw_networkx_nodes(
            graph,
            pos,
            nodelist=finals,
            ax=ax,
            node_size=size * 1.35,
            node_color="none",
            edgecolors=_LINE,
            linewidths=1.2,
        )
        ring.set_gid("final statuses")
    nx.draw_networkx_labels(graph, pos, ax=ax, font_size=7)
    for status, events in stays.items():
        x, y = pos[status]
        lines = [", ".join(events[i : i + 3]) for i in range(0, len(events), 3)]
        ax.text(
            x,
            y - 0.36,
            "↺ " + "\n".join(lines),
            fontsize=6.5,
            style="italic",
            color=_EDGE,
            ha="center",
            va="top",
        )
    handles = [
        Patch(facecolor=SKY, edgecolor=_LINE, label="initial status"),
        Patch(facecolor=GREY, edgecolor=_LINE, label="final status"),
    ]
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8
    )
    ax.set_title(f"{lifecycle.chart.__name__.removesuffix('Chart')} lifecycle")
    ax.set_axis_off()
    ax.margins(0.12, 0.12)
    return fig, ax


# -- layout -----------------------------------------------------------------------


def _layers(graph: nx.DiGraph) -> list[list[str]]:
    """Nodes in layers, dependents above what they depend on (topological generations),
    each layer in depth-first order from the top so that a group's members sit together."""
    seen: dict[str, int] = {}
    for root in graph:
        if graph.in_degree(root):
            continue
        stack = [root]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen[node] = len(seen)
            stack.extend(reversed(list(graph.succ[node])))
    return [sorted(g, key=seen.__getitem__) for g in nx.topological_generations(graph)]


def _bfs_layers(graph: nx.DiGraph, start: str, order: Mapping[str, int]) -> list[list[str]]:
    """Statuses by the fewest events from ``start``; unreachable ones last.

    (Longest-path layers were tried: they stretch a chart whose every status can
    be cancelled into a tall column with the cancel arrows bundled through it.)
    """
    depth = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in graph.succ[node]:
            if nxt not in depth:
                depth[nxt] = depth[node] + 1
                queue.append(nxt)
    last = max(depth.values()) + 1
    layers: dict[int, list[str]] = {}
    for node in graph:
        layers.setdefault(depth.get(node, last), []).append(node)
    return [sorted(layers[k], key=lambda s: order.get(s, len(order))) for k in sorted(layers)]


def _positions(
    layers: Sequence[Sequence[_H]], *, dy: float, dx: float = 1.0
) -> dict[_H, tuple[float, float]]:
    """Each layer a row, centred, the first row on top."""
    return {
        node: ((i - (len(layer) - 1) / 2) * dx, -depth * dy)
        for depth, layer in enumerate(layers)
        for i, node in enumerate(layer)
    }


def _impacted_part(cmdb: CmdbView, impact: ImpactReport) -> list[str]:
    wanted = set(impact.down) | set(impact.degraded)
    for group in [n for n in wanted if n in cmdb.groups]:
        wanted.update(cmdb.succ[group])
    return [n for n in cmdb.records if n in wanted]


def _label(node: str, data: Mapping[str, Any], labels: str) -> str:
    return plain(str(data["name"] or node) if labels == "name" else node)


def _listed(ids: Iterable[str]) -> str:
    ids = list(ids)
    shown = ", ".join(ids[:3])
    return shown + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")


def _add(events: list[str], event: str) -> None:
    if event not in events:
        events.append(event)
