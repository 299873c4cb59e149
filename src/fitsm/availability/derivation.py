"""Service outages derived from CI outages through the CMDB (PR4.4).

Monitoring knows when hosts, switches and databases fail; an SLA is about
services. :func:`derive_outages` sweeps the CI outages in time order and keeps
every node's state up to date as CIs go down and come back, with the same rules
as :meth:`~fitsm.Cmdb.impact` (redundancy groups included). A service is down
exactly while its dependencies leave it down: the result is a timeline, not an
estimate.

Planned work is kept apart: a service outage is *planned* where the service
would have been up (or less impacted) without the planned CI outages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from fitsm.availability.measurement import Outage, OutageLog
from fitsm.cmdb.configuration import NodeKind
from fitsm.cmdb.view import DEGRADED, DOWN, UP, down_threshold
from fitsm.time.intervals import Intervals

if TYPE_CHECKING:
    from fitsm.cmdb.view import CmdbView

__all__ = ["derive_outages"]


def derive_outages(
    cmdb: CmdbView,
    outages: OutageLog | Iterable[Outage],
    subjects: Iterable[str] | None = None,
) -> OutageLog:
    """The outages of ``subjects`` (default: every service) caused by the given outages.

    Outages may be recorded on any node (usually CIs), as down or degraded,
    planned or not.
    """
    log = outages if isinstance(outages, OutageLog) else OutageLog.of(outages)
    watched = [n.id for n in cmdb.nodes(NodeKind.SERVICE)] if subjects is None else list(subjects)
    for subject in watched:
        cmdb[subject]
    for subject in log.subjects:
        cmdb[subject]
    everything = _sweep(cmdb, log, np.ones(len(log), dtype=bool), watched)
    unplanned = _sweep(cmdb, log, ~log.planned, watched)

    names: list[str] = []
    codes: list[np.ndarray] = []
    columns: list[tuple[np.ndarray, np.ndarray, bool, bool]] = []
    for i, subject in enumerate(watched):
        all_down, all_bad = everything[subject]
        u_down, u_bad = unplanned[subject]
        parts = [
            (u_down, True, False),
            (u_bad.difference(u_down), False, False),
            (all_down.difference(u_down), True, True),
            (all_bad.difference(all_down).difference(u_bad), False, True),
        ]
        names.append(subject)
        for part, is_down, planned in parts:
            if len(part):
                columns.append((part.starts, part.ends, is_down, planned))
                codes.append(np.full(len(part), i, dtype=np.int32))
    if not columns:
        empty = np.empty(0, dtype=np.int64)
        return OutageLog(
            names, empty.astype(np.int32), empty, empty, empty.astype(bool), empty.astype(bool)
        )
    return OutageLog(
        names,
        np.concatenate(codes),
        np.concatenate([c[0] for c in columns]),
        np.concatenate([c[1] for c in columns]),
        np.concatenate([np.full(c[0].size, c[2]) for c in columns]),
        np.concatenate([np.full(c[0].size, c[3]) for c in columns]),
    )


def _sweep(
    cmdb: CmdbView, log: OutageLog, use: np.ndarray, watched: list[str]
) -> dict[str, tuple[Intervals, Intervals]]:
    """For each watched node: (intervals down, intervals down or degraded)."""
    pred, succ, groups = cmdb.pred, cmdb.succ, cmdb.groups
    subjects = log.subjects
    idx = np.flatnonzero(use)
    # events: (time, +1 starts / -1 ends, record); ends sort before starts at one instant
    times = np.concatenate((log.starts[idx], log.ends[idx]))
    signs = np.concatenate((np.ones(idx.size, np.int8), -np.ones(idx.size, np.int8)))
    records = np.concatenate((idx, idx))
    order = np.lexsort((signs, times))
    times, signs, records = times[order], signs[order], records[order]

    own_down: dict[str, int] = {}
    own_bad: dict[str, int] = {}
    down_deps: dict[str, int] = {}
    bad_deps: dict[str, int] = {}
    state: dict[str, int] = {}
    watch = set(watched)
    opened: dict[str, tuple[int, int]] = {}
    spans: dict[str, tuple[list[int], list[int], list[int], list[int]]] = {
        w: ([], [], [], []) for w in watched
    }

    def evaluate(node: str) -> int:
        if own_down.get(node):
            return DOWN
        if down_deps.get(node, 0) >= down_threshold(len(succ[node]), groups.get(node)):
            return DOWN
        if own_bad.get(node) or bad_deps.get(node):
            return DEGRADED
        return UP

    def settle(node: str) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            old = state.get(n, UP)
            new = evaluate(n)
            if new == old:
                continue
            if new == UP:
                del state[n]
            else:
                state[n] = new
            if n in watch:
                changed.add(n)
            d_down = (new == DOWN) - (old == DOWN)
            d_bad = (new != UP) - (old != UP)
            for p in pred[n]:
                if d_down:
                    down_deps[p] = down_deps.get(p, 0) + d_down
                if d_bad:
                    bad_deps[p] = bad_deps.get(p, 0) + d_bad
                stack.append(p)

    changed: set[str] = set()
    n_events = times.size
    k = 0
    while k < n_events:
        now = int(times[k])
        changed.clear()
        while k < n_events and times[k] == now:
            r = int(records[k])
            subject = subjects[log.codes[r]]
            table = own_down if log.down[r] else own_bad
            table[subject] = table.get(subject, 0) + int(signs[k])
            settle(subject)
            k += 1
        for node in changed:
            current = state.get(node, UP)
            previous = opened.pop(node, None)
            if previous is not None:
                since, status = previous
                if status == current:
                    opened[node] = previous
                    continue
                starts_bad, ends_bad, starts_down, ends_down = spans[node]
                starts_bad.append(since)
                ends_bad.append(now)
                if status == DOWN:
                    starts_down.append(since)
                    ends_down.append(now)
            if current != UP:
                opened[node] = (now, current)
    return {w: (Intervals.of(s[2], s[3]), Intervals.of(s[0], s[1])) for w, s in spans.items()}
