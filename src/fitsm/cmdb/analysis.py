"""Questions analysts ask the CMDB: impact, dependencies, single points of failure, blast radius.

Impact honours redundancy groups: a group of n members with ``min_up=k`` is
*degraded* while it has lost members but still has k up, and *down* once fewer
than k are up. Anything that depends on a down node is down; anything that
depends on a degraded node (and on nothing down) is degraded. Each answer
explains itself with a path from the impacted node to a failed one.

Every answer is also a table (:mod:`fitsm.tables`): an :class:`ImpactReport`
has ``to_records()`` and ``to_frame()`` with one row per impacted node, and the
lists of dependencies, single points of failure and blast radii are
:class:`~fitsm.tables.Rows`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import attrs
import numpy as np

from fitsm._validators import check_id, enum_value, items
from fitsm.cmdb._propagation import (
    DEGRADED,
    DOWN,
    KIND_CODES,
    UP,
    CompiledGraph,
    compiled,
    propagate_dense,
    propagate_sparse,
)
from fitsm.cmdb.configuration import NodeKind
from fitsm.errors import NotFoundError, ValidationError
from fitsm.tables import HTML_ROWS, Column, Columns, Rows, html_table

if TYPE_CHECKING:
    import numpy.typing as npt

    from fitsm.cmdb.view import CmdbView

__all__ = [
    "BlastRadius",
    "Dependency",
    "ImpactReport",
    "ImpactStatus",
    "ImpactedService",
    "Strategy",
    "blast_radius",
    "dependencies",
    "impact",
    "single_points_of_failure",
]

Strategy = Literal["auto", "sparse", "dense"]
"""Which impact engine runs: walking from the failures, the compiled graph, or chosen by count."""

DENSE_FROM = 256
"""With ``strategy="auto"``, this many failed nodes or more use the dense engine."""


class ImpactStatus(StrEnum):
    """How a node fares in an impact analysis: up, degraded or down."""

    UP = "up"
    DEGRADED = "degraded"
    DOWN = "down"


_STATUS = {UP: ImpactStatus.UP, DEGRADED: ImpactStatus.DEGRADED, DOWN: ImpactStatus.DOWN}


def _joined_path(service: ImpactedService) -> str:
    return " -> ".join(service.path)


@attrs.frozen
class ImpactedService:
    """One impacted service, how badly, and the dependency path that explains it."""

    columns: ClassVar[Columns] = Columns(
        Column("id", "string"),
        Column("status", "category", categories=ImpactStatus),
        Column("path", "string", _joined_path),
    )
    """The table of impacted services; ``path`` joins the ids with ``" -> "``."""

    id: str
    status: ImpactStatus
    path: tuple[str, ...]


@attrs.frozen
class Dependency:
    """Something a node relies on, ``depth`` relationships away."""

    columns: ClassVar[Columns] = Columns(
        Column("id", "string"),
        Column("kind", "category", categories=NodeKind),
        Column("depth", "int"),
    )
    """The table of dependencies: one row each."""

    id: str
    kind: NodeKind
    depth: int


@attrs.frozen
class BlastRadius:
    """How many services one CI's failure alone takes down or degrades."""

    columns: ClassVar[Columns] = Columns(
        Column("ci", "string"),
        Column("services_down", "int"),
        Column("services_degraded", "int"),
    )
    """The table of blast radii: one row per CI."""

    ci: str
    services_down: int
    services_degraded: int


_KIND_ORDER = {kind: i for i, kind in enumerate(NodeKind)}
_STATUS_ORDER = {ImpactStatus.DOWN: 0, ImpactStatus.DEGRADED: 1, ImpactStatus.UP: 2}


class ImpactReport:
    """What a set of failures does to the CMDB.

    ``down`` and ``degraded`` hold node ids of every kind (the failed nodes are
    down); the ``services_*``, ``components_*`` and ``cis_*`` properties split them
    by kind, and :meth:`path` and :meth:`explain` say why a node is impacted.
    The report describes the CMDB as it was when the report was made.

    As a table (``to_records()``, ``to_frame()``) it has one row per impacted
    node, services first, then components, CIs and groups, down before
    degraded: the node, its kind and status, whether it is one of the failed
    nodes, the failed node its path ends at (``cause``), how many relationships
    away that is (``depth``), and :meth:`explain`'s line.
    """

    columns: ClassVar[Columns] = Columns(
        Column("id", "string"),
        Column("kind", "category", categories=NodeKind),
        Column("status", "category", categories=ImpactStatus),
        Column("failed", "bool"),
        Column("cause", "string"),
        Column("depth", "int"),
        Column("explanation", "string"),
    )
    """The table of an impact: one row per impacted node."""

    def __init__(
        self,
        cmdb: CmdbView,
        failed: tuple[str, ...],
        *,
        sparse: tuple[dict[str, str | None], dict[str, str]] | None = None,
        dense: tuple[CompiledGraph, npt.NDArray[np.int8], npt.NDArray[np.int32]] | None = None,
    ) -> None:
        self._cmdb = cmdb
        self.failed = failed
        self._sparse = sparse
        self._dense = dense
        # kinds as they were: the report must not depend on later changes to the CMDB
        self._kinds: dict[str, NodeKind] = {}
        if sparse is not None:
            records = cmdb.records
            self._kinds = {n: records[n].kind for part in sparse for n in part}
        self._cache: dict[tuple[int, NodeKind | None], frozenset[str]] = {}

    # -- sets --------------------------------------------------------------------

    def _select(self, status: int, kind: NodeKind | None) -> frozenset[str]:
        key = (status, kind)
        found = self._cache.get(key)
        if found is not None:
            return found
        if self._dense is not None:
            cg, state, _ = self._dense
            mask = state == status
            if kind is not None:
                mask &= cg.kinds == KIND_CODES[kind]
            found = frozenset(cg.ids[mask].tolist())
        else:
            assert self._sparse is not None
            down, worse = self._sparse
            chosen = down if status == DOWN else worse
            kinds = self._kinds
            found = frozenset(chosen if kind is None else (n for n in chosen if kinds[n] is kind))
        self._cache[key] = found
        return found

    @property
    def down(self) -> frozenset[str]:
        return self._select(DOWN, None)

    @property
    def degraded(self) -> frozenset[str]:
        return self._select(DEGRADED, None)

    @property
    def services_down(self) -> frozenset[str]:
        return self._select(DOWN, NodeKind.SERVICE)

    @property
    def services_degraded(self) -> frozenset[str]:
        return self._select(DEGRADED, NodeKind.SERVICE)

    @property
    def components_down(self) -> frozenset[str]:
        return self._select(DOWN, NodeKind.COMPONENT)

    @property
    def components_degraded(self) -> frozenset[str]:
        return self._select(DEGRADED, NodeKind.COMPONENT)

    @property
    def cis_down(self) -> frozenset[str]:
        return self._select(DOWN, NodeKind.CI)

    @property
    def cis_degraded(self) -> frozenset[str]:
        return self._select(DEGRADED, NodeKind.CI)

    def count(self, status: ImpactStatus | str, kind: NodeKind | str | None = None) -> int:
        """How many nodes (of a kind) have a status, without building the id sets."""
        if status not in (ImpactStatus.DOWN, ImpactStatus.DEGRADED):
            raise ValidationError(f"count() takes 'down' or 'degraded', got {status!r}")
        code = DOWN if status == ImpactStatus.DOWN else DEGRADED
        wanted = None if kind is None else _node_kind(kind)
        if self._dense is not None:
            cg, state, _ = self._dense
            mask = state == code
            if wanted is not None:
                mask &= cg.kinds == KIND_CODES[wanted]
            return int(np.count_nonzero(mask))
        return len(self._select(code, wanted))

    # -- single nodes ------------------------------------------------------------

    def status(self, node_id: str) -> ImpactStatus:
        self._cmdb[node_id]
        if self._dense is not None:
            cg, state, _ = self._dense
            position = cg.position.get(node_id)
            if position is None:
                raise NotFoundError(f"{node_id!r} was added to the CMDB after this report was made")
            return _STATUS[int(state[position])]
        assert self._sparse is not None
        down, worse = self._sparse
        if node_id in down:
            return ImpactStatus.DOWN
        return ImpactStatus.DEGRADED if node_id in worse else ImpactStatus.UP

    def path(self, node_id: str) -> tuple[str, ...]:
        """From ``node_id`` down the dependencies to a failed node; empty if not impacted."""
        if self.status(node_id) is ImpactStatus.UP:
            return ()
        path = [node_id]
        if self._dense is not None:
            cg, _, parent = self._dense
            at = parent[cg.position[node_id]]
            while at >= 0:
                path.append(cg.ids[at])
                at = parent[at]
            return tuple(path)
        assert self._sparse is not None
        down, worse = self._sparse
        while True:
            nxt = worse[path[-1]] if path[-1] in worse else down[path[-1]]
            if nxt is None:
                return tuple(path)
            path.append(nxt)

    def explain(self, node_id: str) -> str:
        """One line: the status and the path, with redundancy groups' counts.

        e.g. ``shop is down: shop -> web-tier -> web-pool [2 of 3 down, needs 2 up] -> web2``
        """
        status = self.status(node_id)
        if status is ImpactStatus.UP:
            return f"{node_id} is up"
        steps = []
        for step in self.path(node_id):
            if step in self._cmdb.groups:
                members = self._cmdb.succ[step]
                lost = sum(self.status(m) is ImpactStatus.DOWN for m in members)
                need = self._cmdb.groups[step]
                steps.append(f"{step} [{lost} of {len(members)} down, needs {need} up]")
            elif step in self.failed:
                steps.append(f"{step} (failed)")
            else:
                steps.append(step)
        return f"{node_id} is {status.value}: " + " -> ".join(steps)

    def impacted_services(self) -> Rows[ImpactedService]:
        """Impacted services, down ones first, each with its explaining path."""
        return Rows(
            (
                ImpactedService(s, status, self.path(s))
                for status, ids in (
                    (ImpactStatus.DOWN, self.services_down),
                    (ImpactStatus.DEGRADED, self.services_degraded),
                )
                for s in sorted(ids)
            ),
            columns=ImpactedService.columns,
        )

    # -- as a table ----------------------------------------------------------------

    def _impacted(
        self,
    ) -> tuple[dict[str, str | None], dict[str, ImpactStatus], dict[str, NodeKind]]:
        """Each impacted node with the next node on its path, its status and its kind,
        nodes nearer the failure first (so a path's tail comes before the path)."""
        if self._dense is not None:
            cg, state, parent = self._dense
            where = np.flatnonzero(state != UP)
            # the next node on each path, as an index into ``where`` (-1: a failed node)
            local = np.full(state.size, -1, dtype=np.int64)
            local[where] = np.arange(where.size)
            up = parent[where]
            nxt = np.where(up >= 0, local[np.maximum(up, 0)], -1)
            # steps from the failure, one numpy pass per step of the longest path
            depth = np.zeros(where.size, dtype=np.int64)
            has_next = nxt >= 0
            while True:
                deeper = np.where(has_next, depth[np.maximum(nxt, 0)] + 1, 0)
                if np.array_equal(deeper, depth):
                    break
                depth = deeper
            order = np.argsort(depth, kind="stable")
            ids: list[str] = cg.ids[where[order]].tolist()
            above: list[str] = cg.ids[np.maximum(up[order], 0)].tolist()
            following = [
                a if p >= 0 else None for a, p in zip(above, up[order].tolist(), strict=True)
            ]
            kinds = list(NodeKind)
            statuses = [_STATUS[code] for code in state[where[order]].tolist()]
            return (
                dict(zip(ids, following, strict=True)),
                dict(zip(ids, statuses, strict=True)),
                dict(zip(ids, (kinds[k] for k in cg.kinds[where[order]].tolist()), strict=True)),
            )
        assert self._sparse is not None
        down, worse = self._sparse
        # the walk records a node after the node that impacted it: already in path order
        nexts: dict[str, str | None] = {**down, **worse}
        status = dict.fromkeys(down, ImpactStatus.DOWN)
        status.update(dict.fromkeys(worse, ImpactStatus.DEGRADED))
        return nexts, status, {n: self._kinds[n] for n in nexts}

    def _values(self) -> list[list[Any]]:
        """The table's columns, rows in table order; paths share their explained tails."""
        parent, status, kind = self._impacted()
        failed = set(self.failed)
        groups, succ = self._cmdb.groups, self._cmdb.succ
        # the steps explain() writes other than as a bare id: failed nodes and groups
        label = {f: f"{f} (failed)" for f in failed}
        down = ImpactStatus.DOWN
        for group in groups:
            if group in parent:
                members = succ[group]
                lost = sum(status.get(m) is down for m in members)
                label[group] = f"{group} [{lost} of {len(members)} down, needs {groups[group]} up]"
        shown = label.get

        # a path is its first step and then the path of the next node, whose
        # (explanation, depth, cause) comes first in path order: explain each node once
        info: dict[str, tuple[str, int, str]] = {}
        for node, nxt in parent.items():
            if nxt is None:
                info[node] = (shown(node, node), 0, node)
                continue
            tail = info.get(nxt)
            if tail is None:  # not in path order after all: explain the tail first
                stack = []
                at: str | None = nxt
                while at is not None and at not in info:
                    stack.append(at)
                    at = parent[at]
                for step in reversed(stack):
                    before = parent[step]
                    if before is None:
                        info[step] = (shown(step, step), 0, step)
                    else:
                        chain, depth, cause = info[before]
                        info[step] = (f"{shown(step, step)} -> {chain}", depth + 1, cause)
                tail = info[nxt]
            info[node] = (f"{shown(node, node)} -> {tail[0]}", tail[1] + 1, tail[2])
        buckets: dict[tuple[int, int], list[str]] = {}
        for node in parent:
            key = (_KIND_ORDER[kind[node]], _STATUS_ORDER[status[node]])
            buckets.setdefault(key, []).append(node)
        order = [node for key in sorted(buckets) for node in sorted(buckets[key])]
        named = {s: s.value for s in ImpactStatus}
        rows = [info[n] for n in order]
        return [
            order,
            [kind[n] for n in order],
            [status[n] for n in order],
            [n in failed for n in order],
            [cause for _, _, cause in rows],
            [depth for _, depth, _ in rows],
            [f"{n} is {named[status[n]]}: {row[0]}" for n, row in zip(order, rows, strict=True)],
        ]

    def to_records(self, *, iso: bool = False) -> list[dict[str, Any]]:
        """One dict per impacted node (see the class documentation for the columns)."""
        return self.columns.records_from_columns(self._values(), iso=iso)

    def to_frame(self) -> Any:
        """One row per impacted node as a pandas DataFrame (needs the ``pandas`` extra)."""
        return self.columns.frame_from_columns(self._values())

    def _repr_html_(self) -> str:
        services = self.impacted_services()
        rows = [(s.id, s.status.value, self.explain(s.id)) for s in services[:HTML_ROWS]]
        others = len(self.down) + len(self.degraded) - len(services)
        caption = (
            f"{len(self.failed)} failed: {self.count(ImpactStatus.DOWN, NodeKind.SERVICE)} "
            f"services down, {self.count(ImpactStatus.DEGRADED, NodeKind.SERVICE)} degraded, "
            f"{others} other nodes impacted"
        )
        return html_table(
            ["service", "status", "explanation"],
            rows,
            caption=caption,
            more=max(len(services) - HTML_ROWS, 0),
        )

    def __repr__(self) -> str:
        return (
            f"<ImpactReport: {len(self.failed)} failed, "
            f"{self.count(ImpactStatus.DOWN, NodeKind.SERVICE)} services down, "
            f"{self.count(ImpactStatus.DEGRADED, NodeKind.SERVICE)} degraded>"
        )


def _node_kind(value: object) -> NodeKind:
    return enum_value(NodeKind)(value)


def _failed_ids(cmdb: CmdbView, failed: Iterable[str] | str) -> tuple[str, ...]:
    given = items(failed, "a node id or a list of node ids")
    ids = tuple(dict.fromkeys(check_id(f, "a failed node") for f in given))
    unknown = [f for f in ids if f not in cmdb.records]
    if unknown:
        named = ", ".join(repr(u) for u in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise NotFoundError(f"cannot fail {named}{more}: not in CMDB {cmdb.id!r}")
    return ids


def impact(
    cmdb: CmdbView, failed: Iterable[str] | str, *, strategy: Strategy = "auto"
) -> ImpactReport:
    """Which nodes are down or degraded when the ``failed`` nodes fail.

    ``strategy`` picks the engine: ``"sparse"`` walks from the failed nodes,
    ``"dense"`` uses the compiled graph (built on first use, reused until the CMDB
    changes); ``"auto"`` takes dense from :data:`DENSE_FROM` failures on. Both give
    the same answer.
    """
    ids = _failed_ids(cmdb, failed)
    if strategy not in ("auto", "sparse", "dense"):
        raise ValidationError(f"strategy must be 'auto', 'sparse' or 'dense', got {strategy!r}")
    if strategy == "dense" or (strategy == "auto" and len(ids) >= DENSE_FROM):
        cg = compiled(cmdb)
        position = cg.position
        idx = np.fromiter((position[i] for i in ids), dtype=np.int32, count=len(ids))
        state, parent = propagate_dense(cg, idx)
        return ImpactReport(cmdb, ids, dense=(cg, state, parent))
    found = propagate_sparse(cmdb.pred, cmdb.succ, cmdb.groups, ids)
    return ImpactReport(cmdb, ids, sparse=found)


def _walk(cmdb: CmdbView, node_id: str) -> Iterator[tuple[str, int]]:
    """Breadth-first over dependencies: (id, depth) for everything ``node_id`` relies on."""
    cmdb[node_id]
    succ = cmdb.succ
    depth = {node_id: 0}
    queue = deque([node_id])
    while queue:
        node = queue.popleft()
        d = depth[node] + 1
        for dep in succ[node]:
            if dep not in depth:
                depth[dep] = d
                queue.append(dep)
                yield dep, d


def dependencies(cmdb: CmdbView, node_id: str) -> Rows[Dependency]:
    """Everything ``node_id`` relies on, nearest first, with the shortest depth to each.

    >>> # cmdb.dependencies("shop") -> [Dependency('web-tier', 'service_component', 1), ...]
    """
    records = cmdb.records
    return Rows(
        (Dependency(n, records[n].kind, d) for n, d in _walk(cmdb, node_id)),
        columns=Dependency.columns,
    )


def _looked_up(table: Mapping[str, Any], key: str) -> Any:
    return table[key]


def single_points_of_failure(
    cmdb: CmdbView, service_id: str, *, components: bool = False
) -> Rows[str]:
    """The CIs whose failure alone takes ``service_id`` down, nearest first.

    Without redundancy groups every CI the service relies on is one; with them,
    each candidate's failure is simulated within the service's dependencies.
    CIs only by default, as a CMDB's owners act on CIs; ``components=True`` also
    names the service components (and services) the service relies on, which
    FitSM counts as configuration items too and the impact engine fails alike.

    The list is a table of ``id``, ``kind`` and ``depth`` (relationships from
    the service).
    """
    reach = dict(_walk(cmdb, service_id))
    records = cmdb.records
    kinds = {NodeKind.CI, NodeKind.COMPONENT, NodeKind.SERVICE} if components else {NodeKind.CI}
    cis = [n for n in reach if records[n].kind in kinds]
    if any(n in cmdb.groups for n in reach):
        within = set(reach)
        within.add(service_id)
        pred, succ, groups = cmdb.pred, cmdb.succ, cmdb.groups
        cis = [
            ci
            for ci in cis
            if service_id
            in propagate_sparse(
                pred, succ, groups, (ci,), within=within, goal=service_id, degraded=False
            )[0]
        ]
    columns = Columns(
        Column("id", "string", str),
        Column(
            "kind",
            "category",
            partial(_looked_up, {n: records[n].kind for n in cis}),
            categories=NodeKind,
        ),
        Column("depth", "int", partial(_looked_up, {n: reach[n] for n in cis})),
    )
    return Rows(cis, columns=columns)


def blast_radius(
    cmdb: CmdbView,
    cis: Iterable[str] | None = None,
    *,
    top: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Rows[BlastRadius]:
    """Rank CIs by the services their failure alone would take down, then degrade.

    ``cis`` limits the candidates (default: every CI); ``top`` keeps the first n.
    ``progress(done, total)`` is called as candidates are analysed, for a progress bar.
    """
    candidates = (
        [c.id for c in cmdb.nodes(NodeKind.CI)] if cis is None else list(_failed_ids(cmdb, cis))
    )
    records = cmdb.records
    service = NodeKind.SERVICE
    ranked = []
    total = len(candidates)
    for done, ci in enumerate(candidates, 1):
        if progress is not None and (done % 256 == 0 or done == total):
            progress(done, total)
        down, worse = propagate_sparse(cmdb.pred, cmdb.succ, cmdb.groups, (ci,))
        ranked.append(
            BlastRadius(
                ci,
                sum(records[n].kind is service for n in down),
                sum(records[n].kind is service for n in worse),
            )
        )
    ranked.sort(key=lambda r: (-r.services_down, -r.services_degraded, r.ci))
    return Rows(ranked if top is None else ranked[:top], columns=BlastRadius.columns)
