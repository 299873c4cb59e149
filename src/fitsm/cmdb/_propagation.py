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

from collections.abc import Collection, Iterable, Mapping
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from fitsm.cmdb.configuration import NodeKind
from fitsm.cmdb.view import DEGRADED, DOWN, UP, down_threshold

__all__ = [
    "DEGRADED",
    "DOWN",
    "KIND_CODES",
    "UP",
    "CompiledGraph",
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


@attrs.frozen(eq=False)
class CompiledGraph:
    """The CMDB's dependents as CSR arrays: ``indices[indptr[i]:indptr[i+1]]`` depend on ``i``."""

    ids: npt.NDArray[np.object_]
    position: dict[str, int]
    indptr: npt.NDArray[np.int64]
    indices: IntArray
    need: IntArray
    """How many down dependencies take each node down."""
    kinds: npt.NDArray[np.int8]

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
        return cls(np.array(ids, dtype=object), position, indptr, indices, need, kinds)


def compiled(cmdb: CmdbView) -> CompiledGraph:
    """The compiled graph of ``cmdb``, rebuilt only after the CMDB's shape changed."""
    return cmdb.derived("propagation.compiled", lambda: CompiledGraph.of(cmdb), structural=True)


def _dependents_of(cg: CompiledGraph, frontier: IntArray) -> tuple[IntArray, IntArray]:
    """Every (dependent, node) pair for the nodes of ``frontier``, as two aligned arrays."""
    starts = cg.indptr[frontier]
    counts = cg.indptr[frontier + 1] - starts
    total = int(counts.sum())
    if not total:
        empty = np.empty(0, dtype=np.int32)
        return empty, empty
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    offsets += np.arange(total, dtype=np.int64)
    return cg.indices[offsets], np.repeat(frontier, counts)


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
