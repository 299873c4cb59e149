"""Benchmark of the cost roll-up (fitsm.finance) against a plain networkx/numpy pass.

For each size N (number of CIs) the synthetic layered CMDB of ``cmdb_bench`` is
generated from a fixed seed, and every CI gets a monthly cost (a random amount
in EUR with cents). Measured, each the best of a few runs taken in turn:

* allocate: ``fitsm.finance.allocate`` of every CI's cost to the services that
  rely on it, by an even split and by utilisation weights per service;
* baseline: the same allocation written directly with networkx (``descendants``
  of each service) and numpy (the largest remainder rule in int64 arrays), from
  the same Decimal amounts;
* roll-up: ``fitsm.finance.roll_up`` from the Cost records (each cost's exact
  amount in the month first), for information; it has no baseline.

Both answers are compared cent for cent before any figure is printed. The goal
is the library within 2x of the baseline.

Run from the repository root::

    python benchmarks/finance_bench.py                   # sizes 10000 100000 1000000
    python benchmarks/finance_bench.py --sizes 10000     # seconds
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from importlib.metadata import version
from pathlib import Path

import networkx as nx
import numpy as np

from fitsm.finance import ByWeights, Cost, Money, allocate, roll_up

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling cmdb_bench module
from cmdb_bench import build_cmdb, build_networkx, generate

GOAL = 2.0
MONTH = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
SINCE = datetime(2025, 1, 1, tzinfo=UTC)


def best_times(
    fns: Sequence[Callable[[], object]], repeat: int
) -> tuple[list[float], list[object]]:
    """The best of ``repeat`` runs of each of ``fns``, run in turn (ABAB...), so that a busy
    machine slows library and baseline alike; and each one's result."""
    best = [float("inf")] * len(fns)
    results: list[object] = [None] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            gc.collect()
            start = time.perf_counter()
            results[i] = fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best, results


def baseline(
    graph: nx.DiGraph,
    services: Sequence[str],
    amounts: Mapping[str, Decimal],
    weights: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Each service's allocated cents, by plain networkx reachability and numpy."""
    items = list(amounts)
    index = {item: i for i, item in enumerate(items)}
    cents = np.array(
        [int((amounts[i] * 100).to_integral_value(ROUND_HALF_EVEN)) for i in items],
        dtype=np.int64,
    )
    pair_s: list[int] = []
    pair_i: list[int] = []
    for s, service in enumerate(services):
        for node in nx.descendants(graph, service):
            i = index.get(node)
            if i is not None:
                pair_s.append(s)
                pair_i.append(i)
    ps, pi = np.array(pair_s, dtype=np.int64), np.array(pair_i, dtype=np.int64)
    w = (
        np.ones(len(ps), dtype=np.int64)
        if weights is None
        else np.array([weights[services[s]] for s in pair_s], dtype=np.int64)
    )
    order = np.lexsort((ps, pi))
    ps, pi, w = ps[order], pi[order], w[order]
    starts = np.flatnonzero(np.r_[True, pi[1:] != pi[:-1]])
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(pi)]))
    sums = np.add.reduceat(w, starts)
    product = cents[pi] * w
    base, rest = product // sums[group], product % sums[group]
    left = cents[pi[starts]] - np.add.reduceat(base, starts)
    ranked = np.lexsort((ps, -rest, group))
    position = np.empty(len(pi), dtype=np.int64)
    position[ranked] = np.arange(len(pi)) - starts[group[ranked]]
    share = base + (position < left[group])
    totals = np.zeros(len(services), dtype=np.int64)
    np.add.at(totals, ps, share)
    return {s: int(totals[i]) for i, s in enumerate(services)}


def row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def run_size(n_cis: int, seed: int, repeat: int) -> list[str]:
    data = generate(n_cis, seed)
    cmdb = build_cmdb(data)
    graph = build_networkx(data)
    rng = random.Random(seed)
    decimals = {ci: Decimal(rng.randrange(1_000, 500_000)).scaleb(-2) for ci in data.ci_ids}
    money = {ci: Money(d, "EUR") for ci, d in decimals.items()}
    services = sorted(s for s, _ in data.services)
    weights = {s: rng.randint(1, 100) for s in services}

    key = ByWeights(weights)
    (lib_even, base_even, lib_w, base_w), (split, expected, split_w, expected_w) = best_times(
        [
            lambda: allocate(cmdb, money),
            lambda: baseline(graph, services, decimals),
            lambda: allocate(cmdb, money, key),
            lambda: baseline(graph, services, decimals, weights),
        ],
        repeat,
    )
    assert {s: m.minor for s, m in split.totals().items()} == expected  # type: ignore[attr-defined]
    assert {s: m.minor for s, m in split_w.totals().items()} == expected_w  # type: ignore[attr-defined]
    costs = [Cost(f"c-{ci}", ci, m, "monthly", SINCE) for ci, m in money.items()]
    (rolled_time,), (rolled,) = best_times([lambda: roll_up(cmdb, costs, *MONTH)], 1)
    assert rolled.total == split.total  # type: ignore[attr-defined]
    allocated = sum(expected.values()) / 100  # type: ignore[attr-defined]
    return [
        f"{n_cis:,}",
        f"{len(services):,}",
        f"EUR {allocated:,.2f} of {split.total}",  # type: ignore[attr-defined]
        f"{lib_even:.3f} s / {base_even:.3f} s ({lib_even / base_even:.2f}x)",
        f"{lib_w:.3f} s / {base_w:.3f} s ({lib_w / base_w:.2f}x)",
        f"{rolled_time:.2f} s",
        "yes" if max(lib_even / base_even, lib_w / base_w) <= GOAL else "NO",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(
        f"Python {platform.python_version()}, networkx {version('networkx')}, "
        f"numpy {version('numpy')}; goal: allocate within {GOAL}x of the baseline"
    )
    header = [
        "N CIs",
        "services",
        "allocated to services",
        "even split: fitsm / baseline",
        "weighted: fitsm / baseline",
        "roll-up from Cost records",
        "within goal",
    ]
    print(row(header))
    print(row(["---"] * len(header)))
    for size in args.sizes:
        print(row(run_size(size, args.seed, args.repeat)), flush=True)


if __name__ == "__main__":
    main()
