"""Benchmark of results as tables: an impact report of ~100k nodes into records and a DataFrame.

A layered CMDB is generated from a seeded random source (services -> components
-> applications -> virtual machines -> hosts -> infrastructure, each node
depending on one to three nodes of the next layer down, about 2 % of the hosts
in 2-of-3 redundancy groups), and all its infrastructure fails at once, so almost
every node is impacted. Measured, as the median of a few runs:

* ``impact``: building the report (the dense engine, compiled graph cached);
* ``to_records``: one dict per impacted node, with its kind, status, cause,
  depth and explanation;
* ``to_frame``: the same as a typed pandas DataFrame;
* the loop a user would write without tables, ``status()`` and ``explain()`` per
  node, timed on 1,000 sampled nodes and scaled to all of them.

The question it answers: is turning a big result into a table cheap next to
computing it? Run from the repository root (pandas comes with the ``pandas`` or
``test`` extra)::

    python benchmarks/tables_bench.py                  # 100,000 CIs
    python benchmarks/tables_bench.py --cis 10000      # seconds
"""

from __future__ import annotations

import argparse
import itertools
import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import version

from fitsm import Cmdb, CmdbSchema, ComponentNode, ConfigurationItem, RedundancyGroup, ServiceNode
from fitsm.cmdb import HAS_MEMBER
from fitsm.cmdb.configuration import Node

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
LAYERS = (("app", 0.2), ("vm", 0.4), ("host", 0.25), ("infra", 0.15))
"""CI layers: id prefix and share of the CIs."""
GROUPED = 0.02
"""Share of the hosts that sit in 2-of-3 redundancy groups."""


def generate(n_cis: int, seed: int) -> tuple[Cmdb, list[str]]:
    """A layered CMDB of about ``n_cis`` CIs, and the ids of its infrastructure CIs."""
    rng = random.Random(seed)
    services = [f"svc{i}" for i in range(max(n_cis // 1000, 1))]
    components = [f"comp{i}" for i in range(max(n_cis // 100, 1))]
    layers = [[f"{prefix}{i}" for i in range(int(n_cis * share))] for prefix, share in LAYERS]
    nodes: list[Node] = [ServiceNode(s) for s in services]
    nodes += [ComponentNode(c) for c in components]
    nodes += [ConfigurationItem(ci, "box") for layer in layers for ci in layer]
    rels: list[tuple[str, str] | tuple[str, str, str]] = []
    above = [services, components, *layers]
    for upper, lower in itertools.pairwise(above):
        for node in upper:
            for target in rng.sample(lower, min(len(lower), rng.randint(1, 3))):
                rels.append((node, target))
    hosts = layers[2]
    groups = int(len(hosts) * GROUPED / 3)
    vms = layers[1]
    for g in range(groups):
        group = f"pool{g}"
        nodes.append(RedundancyGroup(group, min_up=2))
        members = hosts[3 * g : 3 * g + 3]
        rels += [(group, m, HAS_MEMBER) for m in members]
        rels.append((rng.choice(vms), group))
    cmdb = Cmdb(CmdbSchema(ci_types=["box"]))
    cmdb.add_many(nodes, rels, actor="bench", at=AT)
    return cmdb, layers[3]


def median_time(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def shown(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cis", type=int, default=100_000, help="CIs in the CMDB")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    print(
        f"Python {platform.python_version()}, numpy {version('numpy')}, "
        f"pandas {version('pandas')}, networkx {version('networkx')}"
    )
    cmdb, infra = generate(args.cis, args.seed)
    report = cmdb.impact(infra, strategy="dense")  # compiles the graph once
    rows = len(report.down) + len(report.degraded)
    print(f"{len(cmdb):,} nodes, {len(infra):,} failed, {rows:,} impacted (one row each)")

    build = median_time(lambda: cmdb.impact(infra, strategy="dense"), args.repeat)
    as_records = median_time(report.to_records, args.repeat)
    as_frame = median_time(report.to_frame, args.repeat)
    frame = report.to_frame()
    assert len(frame) == rows
    assert "object" not in {str(t) for t in frame.dtypes}
    sample = random.Random(args.seed).sample(sorted(report.down | report.degraded), min(rows, 1000))
    start = time.perf_counter()
    for node in sample:
        report.status(node)
        report.explain(node)
    by_hand = (time.perf_counter() - start) * rows / len(sample)
    print("| step | time | vs impact |")
    print("|---|---|---|")
    print(f"| impact (build the report) | {shown(build)} | 1.0x |")
    print(f"| to_records | {shown(as_records)} | {as_records / build:.1f}x |")
    print(f"| to_frame | {shown(as_frame)} | {as_frame / build:.1f}x |")
    print(
        f"| status() and explain() per node (scaled) | {shown(by_hand)} | {by_hand / build:.0f}x |"
    )
    per_row = as_frame / rows * 1e6
    print(f"to_frame: {per_row:.1f} us per impacted node")


if __name__ == "__main__":
    main()
