"""The two engines behind impact analysis: one for few failures, one for many.

Both compute the same thing. A node goes *down* when as many of its dependencies
are down as it can not afford to lose: one for an ordinary node (it needs all of
them), ``members - min_up + 1`` for a redundancy group. Down-ness spreads from the
failed nodes to their dependents breadth-first, each dependency edge counted once.
A redundancy group that lost members but not too many is *degraded*, and so is
everything that depends on a degraded node without being down.

``sparse`` walks Python dicts from the failed nodes and touches only what is
impacted: it wins for one or a few failures. ``dense`` compiles the graph once
into CSR arrays (cached until the CMDB changes) and advances a whole BFS level per
numpy call: it wins when thousands of CIs fail at once, as in a site outage.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from fitsm.cmdb.configuration import NodeKind
from fitsm.cmdb.history import Batch, CmdbAction
from fitsm.cmdb.view import DEGRADED, DOWN, UP, down_threshold

__all__ = [
    "DEGRADED",
    "DOWN",
    "FOLLOW_AT_MOST",
    "KIND_CODES",
    "UP",
    "CompiledGraph",
    "Positions",
    "compiled",
    "propagate_dense",
    "propagate_sparse",
]

if TYPE_CHECKING:
    from fitsm.cmdb.view import CmdbView

KIND_CODES = {kind: code for code, kind in enumerate(NodeKind)}

IntArray = npt.NDArray[np.int32]


def propagate_sparse(
    pred: Mapping[str, Mapping[str, Any]],
    succ: Mapping[str, Mapping[str, Any]],
    groups: Mapping[str, int],
    failed: Iterable[str],
    *,
    within: Collection[str] | None = None,
    goal: str | None = None,
    degraded: bool = True,
) -> tuple[dict[str, str | None], dict[str, str]]:
    """Return ``(down, degraded)``: each impacted node mapped to the node that impacted it.

    ``within`` restricts the walk to a subgraph; the walk stops as soon as ``goal``
    is down (used by the single-point-of-failure search).
    """
    down: dict[str, str | None] = dict.fromkeys(failed)
    hits: dict[str, int] = {}
    hit_by: dict[str, str] = {}
    stack = list(down)
    while stack:
        node = stack.pop()
        for dependent in pred[node]:
            if dependent in down or (within is not None and dependent not in within):
                continue
            min_up = groups.get(dependent)
            if min_up is not None:
                count = hits.get(dependent, 0) + 1
                hits[dependent] = count
                hit_by[dependent] = node
                if count < down_threshold(len(succ[dependent]), min_up):
                    continue
            down[dependent] = node
            if dependent == goal:
                return down, {}
            stack.append(dependent)
    if not degraded:
        return down, {}
    worse: dict[str, str] = {g: hit_by[g] for g in hits if g not in down}
    stack = list(worse)
    while stack:
        node = stack.pop()
        for dependent in pred[node]:
            if dependent in down or dependent in worse:
                continue
            if within is not None and dependent not in within:
                continue
            worse[dependent] = node
            stack.append(dependent)
    return down, worse


class Positions(Mapping[str, int]):
    """Node id -> index: the compiled ids, plus nodes added since, less nodes removed since.

    Layered so that following a small change does not copy a million-entry dict.
    """

    def __init__(
        self,
        base: Mapping[str, int],
        added: Mapping[str, int] | None = None,
        removed: frozenset[str] = frozenset(),
    ) -> None:
        self.base = base
        self.added: Mapping[str, int] = added or {}
        self.removed = removed

    def __getitem__(self, node_id: str) -> int:
        found = self.added.get(node_id)
        if found is not None:
            return found
        if node_id in self.removed:
            raise KeyError(node_id)
        return self.base[node_id]

    def __iter__(self) -> Iterator[str]:
        yield from (n for n in self.base if n not in self.removed and n not in self.added)
        yield from self.added

    def __len__(self) -> int:
        return sum(1 for _ in self)


@attrs.frozen(eq=False)
class CompiledGraph:
    """The CMDB's dependents as CSR arrays: ``indices[indptr[i]:indptr[i+1]]`` depend on ``i``.

    Small changes of shape after compiling are followed, not recompiled: ``extra``
    holds dependents added since (node index -> dependent indexes), ``gone`` the
    (dependent, node) pairs removed since, encoded as ``dependent * span + node``.
    """

    ids: npt.NDArray[np.object_]
    position: Positions
    indptr: npt.NDArray[np.int64]
    indices: IntArray
    need: IntArray
    """How many down dependencies take each node down."""
    kinds: npt.NDArray[np.int8]
    extra: Mapping[int, tuple[int, ...]] = attrs.field(factory=dict)
    gone: frozenset[int] = frozenset()
    span: int = 1 << 31
    changes: int = 0
    """How many changes were followed since compiling (a recompile resets it)."""

    @classmethod
    def of(cls, cmdb: CmdbView) -> CompiledGraph:
        pred, succ, groups, records = cmdb.pred, cmdb.succ, cmdb.groups, cmdb.records
        ids = list(pred)
        n = len(ids)
        position = dict(zip(ids, range(n), strict=True))
        lengths = np.fromiter(map(len, pred.values()), dtype=np.int64, count=n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        # map() over C iterators: no Python frame per edge
        indices = np.fromiter(
            map(position.__getitem__, chain.from_iterable(pred.values())),
            dtype=np.int32,
            count=int(indptr[-1]),
        )
        need = np.ones(n, dtype=np.int32)
        for group, min_up in groups.items():
            need[position[group]] = down_threshold(len(succ[group]), min_up)
        kinds = np.fromiter(
            map(KIND_CODES.__getitem__, map(attrgetter("kind"), map(records.__getitem__, ids))),
            dtype=np.int8,
            count=n,
        )
        return cls(np.array(ids, dtype=object), Positions(position), indptr, indices, need, kinds)

    def followed(self, cmdb: CmdbView, entries: Sequence[Any]) -> CompiledGraph | None:
        """This graph after ``entries`` (journal entries made since), or None to recompile.

        A new object: reports made from this one keep describing the CMDB they saw.
        """
        changes = self.changes + len(entries)
        if changes > max(FOLLOW_AT_MOST, len(self.indices) // 100):
            return None  # the overlay would cost more than it saves
        added_pos = dict(self.position.added)
        removed = set(self.position.removed)
        extra = {k: list(v) for k, v in self.extra.items()}
        gone = set(self.gone)
        new_ids: list[str] = []
        new_kinds: list[int] = []
        groups: set[str] = set()
        n = len(self.ids)

        def index(node_id: str) -> int:
            return added_pos[node_id] if node_id in added_pos else self.position[node_id]

        def add_node(node: Any) -> None:
            added_pos[node.id] = n + len(new_ids)
            removed.discard(node.id)
            new_ids.append(node.id)
            new_kinds.append(KIND_CODES[node.kind])
            if node.id in cmdb.groups:
                groups.add(node.id)

        def add_edge(source: str, target: str) -> None:
            dep, node = index(source), index(target)
            code = dep * self.span + node
            if code in gone:
                gone.discard(code)
            else:
                extra.setdefault(node, []).append(dep)
            groups.add(source)

        def drop_edge(source: str, target: str) -> None:
            dep, node = index(source), index(target)
            mine = extra.get(node)
            if mine is not None and dep in mine:
                mine.remove(dep)
            else:
                gone.add(dep * self.span + node)
            groups.add(source)

        for entry in entries:
            if isinstance(entry, Batch):
                for node in entry.nodes:
                    add_node(node)
                for s, t in zip(entry.sources, entry.targets, strict=True):
                    add_edge(s, t)
            elif entry.target is not None:
                if entry.action is CmdbAction.CREATED:
                    add_edge(entry.subject, entry.target)
                elif entry.action is CmdbAction.DELETED:
                    drop_edge(entry.subject, entry.target)
            elif entry.action is CmdbAction.CREATED:
                add_node(entry.new)
            elif entry.action is CmdbAction.DELETED:
                added_pos.pop(entry.subject, None)
                removed.add(entry.subject)
        total = n + len(new_ids)
        if total >= self.span:
            return None
        ids, kinds, need, indptr = self.ids, self.kinds, self.need, self.indptr
        if new_ids:
            ids = np.concatenate((ids, np.array(new_ids, dtype=object)))
            kinds = np.concatenate((kinds, np.array(new_kinds, dtype=np.int8)))
            need = np.concatenate((need, np.ones(len(new_ids), dtype=np.int32)))
            indptr = np.concatenate((indptr, np.full(len(new_ids), indptr[-1], dtype=np.int64)))
        touched_groups = [g for g in groups if g in cmdb.groups]
        if touched_groups:
            need = need.copy() if need is self.need else need
            for group in touched_groups:
                need[index(group)] = down_threshold(len(cmdb.succ[group]), cmdb.groups[group])
        return attrs.evolve(
            self,
            ids=ids,
            position=Positions(self.position.base, added_pos, frozenset(removed)),
            indptr=indptr,
            need=need,
            kinds=kinds,
            extra={k: tuple(v) for k, v in extra.items() if v},
            gone=frozenset(gone),
            changes=changes,
        )


FOLLOW_AT_MOST = 10_000
"""Changes followed at most before recompiling (or 1 % of the relationships, if more)."""


def compiled(cmdb: CmdbView) -> CompiledGraph:
    """The compiled graph of ``cmdb``: built once, then following changes of its shape."""

    def follow(graph: CompiledGraph, entries: Sequence[Any]) -> CompiledGraph | None:
        return graph.followed(cmdb, entries)

    graph: CompiledGraph = cmdb.derived(
        "propagation.compiled", lambda: CompiledGraph.of(cmdb), structural=True, follow=follow
    )
    return graph


def _dependents_of(cg: CompiledGraph, frontier: IntArray) -> tuple[IntArray, IntArray]:
    """Every (dependent, node) pair for the nodes of ``frontier``, as two aligned arrays."""
    starts = cg.indptr[frontier]
    counts = cg.indptr[frontier + 1] - starts
    total = int(counts.sum())
    if not total:
        empty = np.empty(0, dtype=np.int32)
        return _followed(cg, frontier, empty, empty)
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    offsets += np.arange(total, dtype=np.int64)
    dependents, nodes = cg.indices[offsets], np.repeat(frontier, counts)
    return _followed(cg, frontier, dependents, nodes)


def _followed(
    cg: CompiledGraph, frontier: IntArray, dependents: IntArray, nodes: IntArray
) -> tuple[IntArray, IntArray]:
    """The pairs with the changes since compiling: added dependents in, removed ones out."""
    if cg.gone and dependents.size:
        codes = dependents.astype(np.int64) * cg.span + nodes
        keep = ~np.isin(codes, np.fromiter(cg.gone, dtype=np.int64, count=len(cg.gone)))
        dependents, nodes = dependents[keep], nodes[keep]
    if cg.extra:
        keys = np.fromiter(cg.extra, dtype=np.int64, count=len(cg.extra))
        hit = frontier[np.isin(frontier, keys)]
        if hit.size:
            more = [(d, int(f)) for f in hit.tolist() for d in cg.extra[int(f)]]
            dependents = np.concatenate((dependents, np.array([d for d, _ in more], np.int32)))
            nodes = np.concatenate((nodes, np.array([f for _, f in more], np.int32)))
    return dependents, nodes


def propagate_dense(cg: CompiledGraph, failed: IntArray) -> tuple[npt.NDArray[np.int8], IntArray]:
    """Return ``(state, parent)`` arrays over all nodes (state UP, DEGRADED or DOWN)."""
    n = len(cg.ids)
    state = np.zeros(n, dtype=np.int8)
    parent = np.full(n, -1, dtype=np.int32)
    hits = np.zeros(n, dtype=np.int32)
    frontier = np.unique(failed).astype(np.int32)
    state[frontier] = DOWN
    while frontier.size:
        dependents, via = _dependents_of(cg, frontier)
        keep = state[dependents] != DOWN
        dependents, via = dependents[keep], via[keep]
        if not dependents.size:
            break
        parent[dependents] = via
        if dependents.size * 8 < n:
            uniq, counts = np.unique(dependents, return_counts=True)
            hits[uniq] += counts.astype(np.int32)
            frontier = uniq[hits[uniq] >= cg.need[uniq]]
        else:
            # a big level: one pass over all nodes beats sorting the level
            hits += np.bincount(dependents, minlength=n).astype(np.int32)
            frontier = np.flatnonzero((hits >= cg.need) & (state != DOWN)).astype(np.int32)
        state[frontier] = DOWN
    frontier = np.flatnonzero((hits > 0) & (state == UP)).astype(np.int32)
    state[frontier] = DEGRADED
    while frontier.size:
        dependents, via = _dependents_of(cg, frontier)
        keep = state[dependents] == UP
        dependents, via = dependents[keep], via[keep]
        if not dependents.size:
            break
        parent[dependents] = via
        frontier = np.unique(dependents).astype(np.int32)
        state[frontier] = DEGRADED
    return state, parent
