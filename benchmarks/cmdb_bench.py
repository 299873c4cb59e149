"""Benchmark of the CMDB against bare graph libraries, on synthetic layered CMDBs.

For each size N (number of CIs) a CMDB is generated from a seeded random source:
services -> service components -> applications -> virtual machines -> hosts ->
network and storage, with about 2% of the CIs in redundancy groups. Measured:

* build: time and retained memory of a ``Cmdb`` built with ``add_many`` from raw
  rows, against a bare ``networkx.DiGraph`` of the same ids and edges;
* single-CI impact: median and p99 latency of ``Cmdb.impact(ci)`` against
  ``networkx.ancestors``;
* site outage: ``Cmdb.impact`` of thousands of failed CIs at once (dense engine),
  against one query per failed CI and against a multi-source traversal in
  rustworkx and in networkx.

Every figure and ratio (library / baseline) comes from the same run; memory is
measured in a separate pass with tracemalloc. The baselines compute plain
reachability; the CMDB also honours redundancy groups and tells down from degraded.

Run from the repository root (rustworkx comes with the ``bench`` extra)::

    python benchmarks/cmdb_bench.py                     # sizes 10000 100000 1000000
    python benchmarks/cmdb_bench.py --sizes 10000 --seed 1

The smallest size takes seconds; one million CIs take minutes and several GB of memory.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version

import networkx as nx
import numpy as np
import rustworkx as rx

from fitsm import Cmdb, CmdbSchema, ComponentNode, ConfigurationItem, RedundancyGroup, ServiceNode
from fitsm.cmdb import HAS_MEMBER
from fitsm.cmdb._propagation import CompiledGraph, compiled
from fitsm.cmdb.configuration import Node

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
ACTOR = "bench"

CI_LAYERS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    # id prefix, percent of the CIs, CI types
    ("app", 20, ("application",)),
    ("vm", 40, ("virtual_machine",)),
    ("host", 25, ("server",)),
    ("infra", 15, ("switch", "storage_array")),
)
EDGE_TYPES = ("", "depends_on", "uses", "runs_on", "hosted_on", "connects_to")
"""The relationship type of an edge, by the layer of its target (services are layer 0)."""

SCHEMA = CmdbSchema(
    ci_types=[t for _, _, types in CI_LAYERS for t in types],
    relationship_types=list(EDGE_TYPES[2:]),
)

GROUPED = 0.02
"""Share of the CIs of each layer that are members of a redundancy group."""
NEXT_LAYER = 0.8
"""Chance that a dependency goes to the next layer rather than one further down."""
SKEWED = 0.5
"""Chance that a dependency is picked with a skew towards a few much-shared nodes."""

SINGLE_QUERIES = 1000
MAX_OUTAGE = 10_000
SUPER = "__all__"
GOAL_BUILD = 1.5
GOAL_SINGLE = 1.5
GOAL_OUTAGE = 2.0
GOAL_OUTAGE_SIZE = 1_000_000


# -- data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """The raw rows a CMDB is built from."""

    services: list[tuple[str, str]]
    """(id, name)"""
    components: list[tuple[str, str]]
    """(id, name)"""
    cis: list[tuple[str, str]]
    """(id, CI type)"""
    groups: list[tuple[str, int]]
    """(id, min_up)"""
    edges: list[tuple[str, str, str]]
    """(source, target, relationship type): source depends on target"""
    ids: list[str]
    """Every node id."""

    @property
    def ci_ids(self) -> list[str]:
        return [ci for ci, _ in self.cis]


def generate(n_cis: int, seed: int) -> Dataset:
    """A layered CMDB of ``n_cis`` CIs, the same for the same arguments."""
    rng = random.Random(seed)
    rand, randrange, randint = rng.random, rng.randrange, rng.randint
    services = [(f"svc{i}", f"Service {i}") for i in range(max(5, n_cis // 1000))]
    components = [(f"cmp{i}", f"Component {i}") for i in range(max(20, n_cis // 100))]
    layers = [[s for s, _ in services], [c for c, _ in components]]
    sizes = [n_cis * percent // 100 for _, percent, _ in CI_LAYERS[:-1]]
    sizes.append(n_cis - sum(sizes))
    cis: list[tuple[str, str]] = []
    for (prefix, _, types), size in zip(CI_LAYERS, sizes, strict=True):
        layer = [f"{prefix}{i}" for i in range(size)]
        cis.extend((ci, types[i % len(types)]) for i, ci in enumerate(layer))
        layers.append(layer)

    groups: list[tuple[str, int]] = []
    group_of: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    for layer in layers[2:]:
        chosen = rng.sample(layer, round(len(layer) * GROUPED))
        start = 0
        while len(chosen) - start >= 2:
            size = min(randint(2, 4), len(chosen) - start)
            group = f"grp{len(groups)}"
            groups.append((group, rng.choice((size - 1, 1))))
            for member in chosen[start : start + size]:
                group_of[member] = group
                edges.append((group, member, HAS_MEMBER))
            start += size

    last = len(layers) - 1
    for level in range(last):
        for source in layers[level]:
            picked: dict[str, str] = {}
            for _ in range(randint(1, 5)):
                target_level = level + 1
                if level + 2 <= last and rand() >= NEXT_LAYER:
                    target_level = randint(level + 2, last)
                targets = layers[target_level]
                if rand() < SKEWED:
                    target = targets[int(len(targets) * rand() ** 3)]
                else:
                    target = targets[randrange(len(targets))]
                # dependents of a group member depend on the group instead
                picked.setdefault(group_of.get(target, target), EDGE_TYPES[target_level])
            edges.extend((source, target, kind) for target, kind in picked.items())

    ids = [s for s, _ in services] + [c for c, _ in components]
    ids += [ci for ci, _ in cis] + [g for g, _ in groups]
    return Dataset(services, components, cis, groups, edges, ids)


def build_cmdb(data: Dataset) -> Cmdb:
    nodes: list[Node] = [ServiceNode(i, name) for i, name in data.services]
    nodes += [ComponentNode(i, name) for i, name in data.components]
    nodes += [ConfigurationItem(i, ci_type) for i, ci_type in data.cis]
    nodes += [RedundancyGroup(i, min_up) for i, min_up in data.groups]
    cmdb = Cmdb(SCHEMA)
    cmdb.add_many(nodes, data.edges, actor=ACTOR, at=AT)
    return cmdb


def build_networkx(data: Dataset) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(data.ids)
    graph.add_edges_from((s, t) for s, t, _ in data.edges)
    return graph


def build_rustworkx(data: Dataset) -> tuple[rx.PyDiGraph[str | None, None], dict[str, int]]:
    """A rustworkx graph with reversed edges (dependency -> dependent), and the id index."""
    graph: rx.PyDiGraph[str | None, None] = rx.PyDiGraph()
    index = dict(zip(data.ids, graph.add_nodes_from(data.ids), strict=True))
    graph.add_edges_from_no_data([(index[t], index[s]) for s, t, _ in data.edges])
    return graph, index


# -- measuring ---------------------------------------------------------------------------


def median_time(fn: Callable[[], object], repeat: int, budget: float = 0.0) -> float:
    """The median wall time of calls of ``fn``, in seconds.

    ``fn`` runs ``repeat`` times, and more (up to 100) while the runs took less than
    ``budget`` seconds in all, so fast calls are not left to a few noisy samples.
    """
    times: list[float] = []
    while len(times) < repeat or (sum(times) < budget and len(times) < 100):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_builds(data: Dataset, repeat: int) -> tuple[float, float]:
    """The median build times of the Cmdb and of the networkx graph, built in turns.

    Each build starts with nothing else built alive, so that both pay the same for
    the garbage collector.
    """
    cmdb_times: list[float] = []
    nx_times: list[float] = []
    builds: tuple[tuple[Callable[[Dataset], object], list[float]], ...] = (
        (build_cmdb, cmdb_times),
        (build_networkx, nx_times),
    )
    for _ in range(repeat):
        for build, times in builds:
            gc.collect()
            start = time.perf_counter()
            built = build(data)
            times.append(time.perf_counter() - start)
            del built
    return statistics.median(cmdb_times), statistics.median(nx_times)


def traced_memory(build: Callable[[Dataset], object], data: Dataset) -> tuple[int, int]:
    """Bytes allocated by a build and still held once it is done, and the peak."""
    gc.collect()
    tracemalloc.start()
    built = build(data)
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del built
    gc.collect()
    return current, peak


def latencies(fn: Callable[[str], object], items: Sequence[str]) -> list[float]:
    """The wall time of ``fn(item)`` for each item, in seconds, after a short warm-up."""
    for item in items[:50]:
        fn(item)
    clock = time.perf_counter
    times = []
    for item in items:
        start = clock()
        fn(item)
        times.append(clock() - start)
    return times


def p99(samples: Sequence[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


# -- printing ------------------------------------------------------------------------------


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print a plain-text table, the first column left-aligned, the others right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        parts = [cells[0].ljust(widths[0])]
        parts += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    print(flush=True)


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x"


def verdict(value: float, goal: float) -> str:
    return f"<= {goal:g}x {'met' if value <= goal else 'MISSED'}"


def section(title: str) -> None:
    print(title)
    print("=" * len(title), flush=True)


# -- one size ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    size: int
    nodes: int
    edges: int
    build: float
    memory: float
    single_median: float
    single_p99: float
    outage_vs_rustworkx: float


def run_size(n_cis: int, seed: int) -> Summary:
    start = time.perf_counter()
    data = generate(n_cis, seed)
    members = sum(kind == HAS_MEMBER for _, _, kind in data.edges)
    section(f"N = {n_cis:,} CIs")
    print(
        f"nodes {len(data.ids):,}: {len(data.services):,} services, "
        f"{len(data.components):,} components, {len(data.cis):,} CIs, "
        f"{len(data.groups):,} redundancy groups"
    )
    print(
        f"edges {len(data.edges):,} ({members:,} group memberships); "
        f"generated in {time.perf_counter() - start:.1f} s (not timed)\n",
        flush=True,
    )
    pick = random.Random(f"{seed}:{n_cis}")
    ci_ids = data.ci_ids

    # build: memory first (tracemalloc slows allocations down), then time
    cmdb_mem, cmdb_peak = traced_memory(build_cmdb, data)
    nx_mem, nx_peak = traced_memory(build_networkx, data)
    repeat = 5 if n_cis <= 100_000 else 3
    cmdb_build, nx_build = median_builds(data, repeat)
    gc.collect()
    cmdb = build_cmdb(data)
    graph = build_networkx(data)
    mb = 1024 * 1024
    print(f"Build ({repeat} builds each, in turns, median time; memory traced in a separate pass)")
    table(
        ["", "Cmdb", "networkx", "ratio", "goal"],
        [
            [
                "build time (s)",
                f"{cmdb_build:.3f}",
                f"{nx_build:.3f}",
                ratio(cmdb_build, nx_build),
                verdict(cmdb_build / nx_build, GOAL_BUILD),
            ],
            [
                "retained memory (MB)",
                f"{cmdb_mem / mb:.1f}",
                f"{nx_mem / mb:.1f}",
                ratio(cmdb_mem, nx_mem),
                verdict(cmdb_mem / nx_mem, GOAL_BUILD),
            ],
            [
                "peak memory (MB)",
                f"{cmdb_peak / mb:.1f}",
                f"{nx_peak / mb:.1f}",
                ratio(cmdb_peak, nx_peak),
                "",
            ],
        ],
    )

    # single-CI impact
    queries = pick.sample(ci_ids, min(SINGLE_QUERIES, len(ci_ids)))
    gc.collect()
    lib = latencies(lambda ci: cmdb.impact(ci), queries)
    lib_services = latencies(lambda ci: cmdb.impact(ci).services_down, queries)
    base = latencies(lambda ci: nx.ancestors(graph, ci), queries)
    us = 1e6
    rows = []
    for name, samples in (
        ("Cmdb.impact(ci)", lib),
        ("Cmdb.impact(ci).services_down", lib_services),
        ("nx.ancestors(G, ci)", base),
    ):
        rows.append(
            [
                name,
                f"{statistics.median(samples) * us:.1f}",
                f"{p99(samples) * us:.1f}",
                ratio(statistics.median(samples), statistics.median(base)),
                ratio(p99(samples), p99(base)),
            ]
        )
    reach = [len(nx.ancestors(graph, ci)) for ci in queries]
    print(
        f"Single-CI impact ({len(queries):,} random CIs, sparse engine; "
        f"impacted nodes per CI: median {statistics.median(reach):g}, max {max(reach):,})"
    )
    table(["", "median (us)", "p99 (us)", "median ratio", "p99 ratio"], rows)
    single_median = statistics.median(lib) / statistics.median(base)
    single_p99 = p99(lib) / p99(base)
    print(
        f"goal Cmdb.impact(ci) / nx.ancestors within {GOAL_SINGLE:g}x: "
        f"median {verdict(single_median, GOAL_SINGLE)}, p99 {verdict(single_p99, GOAL_SINGLE)}\n"
    )

    # site outage
    failed = pick.sample(ci_ids, min(MAX_OUTAGE, n_cis // 2))
    index_build = median_time(lambda: CompiledGraph.of(cmdb), repeat)
    compiled(cmdb)
    report = cmdb.impact(failed, strategy="dense")  # warm-up, with the index cached

    def one_by_one() -> None:
        for ci in failed:
            cmdb.impact(ci)

    rgraph, index = build_rustworkx(data)

    def rustworkx_reach() -> set[int]:
        source = rgraph.add_node(None)
        rgraph.add_edges_from_no_data([(source, index[f]) for f in failed])
        reached = rx.descendants(rgraph, source)
        rgraph.remove_node(source)
        return reached

    def networkx_reach() -> set[str]:
        graph.add_node(SUPER)
        graph.add_edges_from((f, SUPER) for f in failed)
        reached: set[str] = nx.ancestors(graph, SUPER)
        graph.remove_node(SUPER)
        return reached

    # the baselines agree with each other, and every node the CMDB finds impacted is reached
    rx_ids = {rgraph[i] for i in rustworkx_reach()}
    nx_ids = networkx_reach()
    assert rx_ids == nx_ids, "rustworkx and networkx disagree"
    assert report.down | report.degraded <= rx_ids, "impact beyond plain reachability"

    outage_repeat = 5
    budget = 0.5
    gc.collect()
    timings = [
        (
            "Cmdb.impact(failed) [dense]",
            median_time(lambda: cmdb.impact(failed, strategy="dense"), outage_repeat, budget),
        ),
        (
            "  + .services_down",
            median_time(
                lambda: cmdb.impact(failed, strategy="dense").services_down, outage_repeat, budget
            ),
        ),
        (
            "  + .down (all ids)",
            median_time(lambda: cmdb.impact(failed, strategy="dense").down, outage_repeat, budget),
        ),
        ("Cmdb.impact(ci) per failed CI", median_time(one_by_one, repeat)),
        ("rustworkx super-source descendants", median_time(rustworkx_reach, outage_repeat, budget)),
        ("networkx super-node ancestors", median_time(networkx_reach, outage_repeat, budget)),
    ]
    rx_time = timings[-2][1]
    nx_time = timings[-1][1]
    print(
        f"Site outage ({len(failed):,} random CIs fail; median of {outage_repeat} runs or more, "
        f"{repeat} for the per-CI loop)"
    )
    print(
        f"impact: {report.count('down'):,} nodes down, {report.count('degraded'):,} degraded, "
        f"{report.count('down', 'service'):,} of {len(data.services):,} services down, "
        f"{report.count('degraded', 'service'):,} degraded; "
        f"plain reachability: {len(rx_ids):,} nodes"
    )
    print(f"compiled index build (first dense query only): {index_build * 1e3:.1f} ms")
    table(
        ["", "ms", "vs rustworkx", "vs networkx"],
        [[name, f"{t * 1e3:.2f}", ratio(t, rx_time), ratio(t, nx_time)] for name, t in timings],
    )
    outage = timings[0][1] / rx_time
    print(
        f"goal Cmdb.impact(failed) / rustworkx {verdict(outage, GOAL_OUTAGE)} "
        f"(the goal is set for N = {GOAL_OUTAGE_SIZE:,})\n",
        flush=True,
    )
    return Summary(
        n_cis,
        len(data.ids),
        len(data.edges),
        cmdb_build / nx_build,
        cmdb_mem / nx_mem,
        single_median,
        single_p99,
        outage,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], metavar="N"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(
        f"fitsm {version('fitsm')}, networkx {nx.__version__}, numpy {np.__version__}, "
        f"rustworkx {version('rustworkx')}"
    )
    print(f"sizes {' '.join(f'{n:,}' for n in args.sizes)}, seed {args.seed}\n", flush=True)

    summaries = []
    for n_cis in args.sizes:
        summaries.append(run_size(n_cis, args.seed))
        gc.collect()

    section("Summary: ratios library / baseline")
    table(
        [
            "N",
            "nodes",
            "edges",
            "build",
            "memory",
            "1-CI median",
            "1-CI p99",
            "outage vs rustworkx",
        ],
        [
            [
                f"{s.size:,}",
                f"{s.nodes:,}",
                f"{s.edges:,}",
                f"{s.build:.2f}x",
                f"{s.memory:.2f}x",
                f"{s.single_median:.2f}x",
                f"{s.single_p99:.2f}x",
                f"{s.outage_vs_rustworkx:.2f}x",
            ]
            for s in summaries
        ],
    )
    print(
        f"goals: build and memory <= {GOAL_BUILD:g}x networkx, single-CI <= {GOAL_SINGLE:g}x "
        f"networkx, outage <= {GOAL_OUTAGE:g}x rustworkx at N = {GOAL_OUTAGE_SIZE:,}"
    )


if __name__ == "__main__":
    main()
