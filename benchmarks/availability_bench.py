"""Benchmark of measured and predicted availability against plain-Python and portion baselines.

Three workloads, every figure and ratio from the same run:

* downtime in service hours: N random outages of one service over one year, measured
  against a Mon-Fri 08:00-18:00 calendar (UTC) with ``measure_availability``, against
  a plain-Python sorted sweep (sort, merge, walk the merged outages along the service
  windows) and against the ``portion`` interval library (union, intersection, sum).
  All three must find the same downtime to the microsecond;
* CI outages to service outages: ``derive_outages`` over the synthetic layered CMDB of
  ``cmdb_bench`` with as many random CI outages as CIs, against the naive method of
  asking ``Cmdb.impact`` at event instants (a sample of them is timed);
* exact composite availability of a service on 50 components that share 20 CIs
  directly and through 10 redundancy groups, with the decision diagram, with Monte
  Carlo sampling, and the (wrong) naive product along paths.

Run from the repository root (portion and rustworkx come with the ``bench`` extra)::

    python benchmarks/availability_bench.py     # sizes 10000 100000 1000000, 100000 CIs
    python benchmarks/availability_bench.py --sizes 10000 --cmdb-size 10000 --seed 1

The small run takes seconds; the default run takes a few minutes.
"""

from __future__ import annotations

import argparse
import functools
import gc
import itertools
import operator
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from importlib.metadata import version
from operator import itemgetter
from pathlib import Path
from random import Random

import numpy as np
import numpy.typing as npt
import portion

from fitsm import (
    BusinessCalendar,
    Cmdb,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    RedundancyGroup,
    ServiceNode,
    derive_outages,
    measure_availability,
)
from fitsm.availability import OutageLog
from fitsm.availability.composite import composite_availability
from fitsm.cmdb import DEPENDS_ON, HAS_MEMBER
from fitsm.cmdb.configuration import Node
from fitsm.time import Intervals
from fitsm.time.intervals import micros

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling cmdb_bench module
from cmdb_bench import (
    build_cmdb,
    generate,
    median_time,
    ratio,
    section,
    table,
)

I64 = npt.NDArray[np.int64]
Pairs = list[tuple[int, int]]

US = 1_000_000
"""Microseconds per second."""
HOUR = 3600 * US
DAY = 24 * HOUR

# -- downtime in service hours
YEAR = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
RULES = {"mon-fri": "08:00-18:00"}
MEAN_OUTAGE = 2 * HOUR
LONGEST_OUTAGE = DAY
PORTION_BUDGET = 300.0
"""Seconds one portion run may take; beyond it portion is measured on a prefix only."""
PORTION_PREFIX = 100_000
REDUCE_SIZE = 2_000
"""Outages on which a union by ``functools.reduce`` is compared with ``portion.Interval(*)``."""
GOAL_SWEEP = 5.0
GOAL_PORTION = 40.0
GOAL_SIZE = 1_000_000

# -- CI outages to service outages
WINDOW = 30 * DAY
MEAN_CI_OUTAGE = HOUR
LONGEST_CI_OUTAGE = DAY
SHORTEST_CI_OUTAGE = US
PLANNED = 0.05
DEGRADED = 0.10
NAIVE_INSTANTS = 200
CI_START = datetime(2026, 1, 1, tzinfo=UTC)

# -- composite availability
COMPONENTS = 50
SHARED_CIS = 20
GROUPS = 10
GROUP_SIZE = 3
CIS_PER_COMPONENT = 3
MONTE_CARLO_SAMPLES = 200_000


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """The wall time of one call of ``fn`` in seconds, and what it returned."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The median wall time of ``repeat`` calls of ``fn``, and what the last call returned."""
    times: list[float] = []
    result: object = None
    for _ in range(repeat):
        elapsed, result = timed(fn)
        times.append(elapsed)
    return statistics.median(times), result


def seconds(value: float) -> str:
    return f"{value:.3f}" if value >= 0.1 else f"{value:.4f}"


def span(us: int) -> str:
    """A duration in microseconds, in the largest unit that keeps it at 1 or more."""
    for unit, size in (("h", HOUR), ("min", 60 * US), ("s", US)):
        if us >= size:
            return f"{us / size:g} {unit}"
    return f"{us} us"


def speedup(baseline: float, library: float) -> str:
    return f"{baseline / library:.1f}x"


def at_least(value: float, goal: float) -> str:
    return f">= {goal:g}x {'met' if value >= goal else 'MISSED'}"


# -- 1. downtime in service hours ------------------------------------------------------


def random_outages(n: int, seed: int, mean: int) -> tuple[I64, I64]:
    """``n`` outages starting uniformly in the year, exponential durations, capped."""
    rng = np.random.default_rng([seed, n])
    lo, hi = micros(YEAR[0]), micros(YEAR[1])
    starts = rng.integers(lo, hi, n, dtype=np.int64)
    lengths = np.minimum(rng.exponential(mean, n), LONGEST_OUTAGE).astype(np.int64)
    return starts, starts + lengths


def sweep_downtime(pairs: Pairs, windows: Pairs) -> int:
    """Plain Python: sort the outages, merge the overlapping ones, walk them along the windows."""
    ordered = sorted(pairs, key=itemgetter(0))  # by start: faster than comparing tuples
    merged: Pairs = []
    if ordered:
        head, reach = ordered[0]
        for s, e in ordered:
            if s <= reach:
                if e > reach:
                    reach = e
            else:
                merged.append((head, reach))
                head, reach = s, e
        merged.append((head, reach))
    total = 0
    i = j = 0
    n_merged, n_windows = len(merged), len(windows)
    while i < n_merged and j < n_windows:
        s, e = merged[i]
        ws, we = windows[j]
        lo = s if s > ws else ws
        hi = e if e < we else we
        if hi > lo:
            total += hi - lo
        if e < we:
            i += 1
        else:
            j += 1
    return total


def portion_union(pairs: Pairs) -> portion.Interval:
    """The union of the outages, built in one go (one sort, one merge)."""
    closedopen = portion.closedopen
    return portion.Interval(*[closedopen(s, e) for s, e in pairs])


def portion_downtime(pairs: Pairs, hours: portion.Interval) -> int:
    """portion: union of the outages, intersected with the service hours, lengths summed."""
    return sum(atom.upper - atom.lower for atom in portion_union(pairs) & hours)


def portion_reduce(pairs: Pairs) -> portion.Interval:
    """The union of the outages, one ``|`` at a time (each ``|`` sorts the whole union again)."""
    closedopen = portion.closedopen
    return functools.reduce(operator.or_, [closedopen(s, e) for s, e in pairs], portion.empty())


@dataclass(frozen=True)
class DowntimeResult:
    size: int
    fitsm: float
    sweep: float
    portion: float
    portion_size: int


def run_downtime(n: int, seed: int, mean: int, calendar: BusinessCalendar) -> DowntimeResult:
    section(f"Downtime in service hours: N = {n:,} outages")
    elapsed, (starts, ends) = timed(lambda: random_outages(n, seed, mean))
    pairs: Pairs = list(zip(starts.tolist(), ends.tolist(), strict=True))
    hours = calendar.windows(*YEAR)
    windows: Pairs = list(zip(hours.starts.tolist(), hours.ends.tolist(), strict=True))
    portion_hours = portion.Interval(*[portion.closedopen(s, e) for s, e in windows])
    print(
        f"{n:,} outages in {YEAR[0].year}, exponential durations with mean "
        f"{span(mean)} capped at {span(LONGEST_OUTAGE)}; service hours "
        f"{RULES} (UTC): {len(windows):,} windows, {hours.total() / HOUR:,.0f} h; "
        f"generated in {elapsed:.2f} s (not timed)"
    )
    print(
        "the baselines get the outages as a list of (start, end) ints and the windows "
        "ready-made (not timed);\nthe library call includes building the OutageLog "
        "and computing the calendar windows",
        flush=True,
    )

    def library() -> int:
        log = OutageLog.for_subject("svc", starts, ends)
        report = measure_availability(log, "svc", calendar, *YEAR)
        return report.downtime // timedelta(microseconds=1)

    downtime = library()
    library_time = median_time(library, 5, 1.0)
    repeat = 3
    sweep_time, sweep_found = median_of(lambda: sweep_downtime(pairs, windows), repeat)

    # portion: the full size if one run fits the budget, else a prefix (never extrapolated)
    portion_size = n
    if n > PORTION_PREFIX:
        prefix = pairs[:PORTION_PREFIX]
        pilot, _ = timed(lambda: portion_downtime(prefix, portion_hours))
        # only to decide; n log n growth with a margin
        expected = pilot * n / PORTION_PREFIX * 1.5
        print(
            f"portion pilot on the first {PORTION_PREFIX:,} outages: {pilot:.2f} s "
            f"(decides whether the full size fits the {PORTION_BUDGET:g} s budget)"
        )
        if expected > PORTION_BUDGET:
            portion_size = PORTION_PREFIX
        elif expected * repeat > PORTION_BUDGET:
            repeat = 1
    measured = pairs[:portion_size]
    portion_time, portion_found = median_of(
        lambda: portion_downtime(measured, portion_hours), repeat
    )
    if portion_size == n:
        expected_portion = downtime
    else:
        expected_portion = sweep_downtime(measured, windows)
        prefix_log = OutageLog.for_subject("svc", starts[:portion_size], ends[:portion_size])
        prefix_report = measure_availability(prefix_log, "svc", calendar, *YEAR)
        assert prefix_report.downtime // timedelta(microseconds=1) == expected_portion, (
            "library and sweep disagree on the portion prefix"
        )

    if sweep_found != downtime or portion_found != expected_portion:
        raise AssertionError(
            f"downtime disagrees at N = {n:,}: library {downtime} us, sweep {sweep_found} us, "
            f"portion {portion_found} us (on {portion_size:,} outages, expected "
            f"{expected_portion} us)"
        )
    merged = len(Intervals.of(starts, ends))
    covered = f"{downtime / hours.total():.1%} of the service hours"
    print(
        f"downtime {timedelta(microseconds=downtime)} ({downtime:,} us, {covered}); "
        f"library, sweep and portion agree to the microsecond"
        + f"; the outages merge into {merged:,} interval{'s' if merged != 1 else ''}"
    )
    portion_label = "portion Interval(*) & hours"
    if portion_size != n:
        portion_label += f" [measured on first {portion_size:,} only]"
    print(
        f"median of 5 runs or more for the library, of {repeat} for the baselines"
        if repeat > 1
        else "median of 5 runs or more for the library, 1 run for the baselines"
    )
    table(
        ["", "outages", "s", "library speed-up"],
        [
            ["measure_availability (fitsm)", f"{n:,}", seconds(library_time), ""],
            [
                "plain-Python sorted sweep",
                f"{n:,}",
                seconds(sweep_time),
                speedup(sweep_time, library_time),
            ],
            [
                portion_label,
                f"{portion_size:,}",
                seconds(portion_time),
                speedup(portion_time, library_time)
                + ("" if portion_size == n else f" (vs library at {n:,})"),
            ],
        ],
    )
    if portion_size != n:
        print(
            f"portion was measured on the first {portion_size:,} outages only (a full run "
            f"would exceed the {PORTION_BUDGET:g} s budget); its ratio compares it with the "
            f"library on all {n:,} and is NOT a like-for-like figure"
        )
    s_up, p_up = sweep_time / library_time, portion_time / library_time
    if n == GOAL_SIZE:
        verdicts = f" ({at_least(s_up, GOAL_SWEEP)}, {at_least(p_up, GOAL_PORTION)})"
    else:
        verdicts = (
            f" (the goals {GOAL_SWEEP:g}x and {GOAL_PORTION:g}x are set for N = {GOAL_SIZE:,})"
        )
    print(
        f"library is {s_up:.1f}x faster than the sweep, {p_up:.1f}x faster than portion"
        f"{verdicts}\n",
        flush=True,
    )
    return DowntimeResult(n, library_time, sweep_time, portion_time, portion_size)


def compare_portion_unions(seed: int, mean: int) -> None:
    """Why the portion baseline builds its union with ``portion.Interval(*)``."""
    starts, ends = random_outages(REDUCE_SIZE, seed, mean)
    pairs: Pairs = list(zip(starts.tolist(), ends.tolist(), strict=True))
    at_once, union = median_of(lambda: portion_union(pairs), 3)
    one_by_one, folded = timed(lambda: portion_reduce(pairs))
    assert union == folded, "the two portion unions differ"
    print(
        f"portion union of {REDUCE_SIZE:,} outages: portion.Interval(*intervals) "
        f"{at_once * 1e3:.1f} ms, one | at a time (functools.reduce) {one_by_one * 1e3:.0f} ms "
        f"({ratio(one_by_one, at_once)}); the baseline uses portion.Interval(*intervals)\n",
        flush=True,
    )


# -- 2. CI outages to service outages ------------------------------------------------------


@dataclass(frozen=True)
class DerivationResult:
    cis: int
    outages: int
    derive: float
    intervals: int
    per_instant: float
    naive_projected: float


def random_ci_outages(ci_ids: Sequence[str], seed: int) -> OutageLog:
    """As many outages as CIs, on random CIs, starting uniformly in a 30-day window."""
    n = len(ci_ids)
    rng = np.random.default_rng([seed, n, 2])
    codes = rng.integers(0, n, n, dtype=np.int64)
    lo = micros(CI_START)
    starts = lo + rng.integers(0, WINDOW, n, dtype=np.int64)
    lengths = np.clip(rng.exponential(MEAN_CI_OUTAGE, n), SHORTEST_CI_OUTAGE, LONGEST_CI_OUTAGE)
    degraded = rng.random(n) < DEGRADED
    planned = rng.random(n) < PLANNED
    return OutageLog(ci_ids, codes, starts, starts + lengths.astype(np.int64), ~degraded, planned)


def run_derivation(n_cis: int, seed: int) -> DerivationResult:
    section(f"CI outages to service outages: CMDB of {n_cis:,} CIs")
    start = time.perf_counter()
    data = generate(n_cis, seed)
    cmdb = build_cmdb(data)
    ci_ids = data.ci_ids
    log = random_ci_outages(ci_ids, seed)
    print(
        f"{len(data.ids):,} nodes ({len(data.services):,} services), {len(data.edges):,} edges; "
        f"{len(log):,} CI outages in {WINDOW // DAY} days on random CIs, exponential durations "
        f"with mean {span(MEAN_CI_OUTAGE)}, {int(np.count_nonzero(log.planned)):,} "
        f"planned, {int(np.count_nonzero(~log.down)):,} degraded; "
        f"built in {time.perf_counter() - start:.1f} s (not timed)",
        flush=True,
    )

    derive_time, found = timed(lambda: derive_outages(cmdb, log))
    assert isinstance(found, OutageLog)
    derived: OutageLog = found
    affected = len({derived.subjects[c] for c in np.unique(derived.codes).tolist()})
    down = int(np.count_nonzero(derived.down))
    planned = int(np.count_nonzero(derived.planned))

    # the naive method: at each event instant, which CIs are failing, and what do they take down
    rng = np.random.default_rng([seed, n_cis, 3])
    events = np.concatenate((log.starts, log.ends))
    instants = rng.choice(events, NAIVE_INSTANTS, replace=False).tolist()
    failing_down = log.down

    def services_down_at(t: int) -> frozenset[str]:
        active = failing_down & (log.starts <= t) & (log.ends > t)
        failing = {ci_ids[c] for c in log.codes[active].tolist()}
        return cmdb.impact(failing).services_down

    services_down_at(instants[0])  # warm-up: compiles the dense index once
    gc.collect()
    clock = time.perf_counter()
    naive = [services_down_at(t) for t in instants]
    sample_time = time.perf_counter() - clock
    per_instant = sample_time / NAIVE_INSTANTS
    projected = per_instant * events.size

    # both methods agree on which services are down at every sampled instant
    for t, expected in zip(instants, naive, strict=True):
        covering = derived.down & (derived.starts <= t) & (derived.ends > t)
        got = frozenset(derived.subjects[c] for c in derived.codes[covering].tolist())
        if got != expected:
            raise AssertionError(
                f"derive_outages and Cmdb.impact disagree at {t} us: "
                f"{sorted(got ^ expected)[:5]} differ"
            )
    print(
        f"derive_outages: {len(derived):,} service outage intervals ({down:,} down, "
        f"{len(derived) - down:,} degraded, {planned:,} planned) on {affected:,} of "
        f"{len(data.services):,} services; it agrees with Cmdb.impact on the services down at "
        f"all {NAIVE_INSTANTS} sampled instants"
    )
    print(
        f"naive: {NAIVE_INSTANTS} random event instants of {events.size:,}, each: find the CIs "
        "down (numpy mask), Cmdb.impact(failing).services_down"
    )
    table(
        ["", "s", "derive_outages speed-up"],
        [
            ["derive_outages (fitsm, every event)", seconds(derive_time), ""],
            [f"naive, {NAIVE_INSTANTS} sampled instants (measured)", seconds(sample_time), ""],
            ["naive, per instant (measured)", f"{per_instant:.5f}", ""],
            [
                f"naive, all {events.size:,} event instants (projected)",
                f"{projected:.1f}",
                speedup(projected, derive_time),
            ],
        ],
    )
    print(
        "the projection is the measured per-instant time x the number of event instants; "
        "the naive method\nwould still have to turn its snapshots into intervals\n",
        flush=True,
    )
    return DerivationResult(n_cis, len(log), derive_time, len(derived), per_instant, projected)


# -- 3. composite availability ---------------------------------------------------------------


@dataclass(frozen=True)
class SharedService:
    cmdb: Cmdb
    availabilities: dict[str, Fraction]
    components: dict[str, tuple[list[str], str]]
    """component -> (the CIs it depends on directly, its redundancy group)"""
    groups: dict[str, tuple[int, list[str]]]
    """group -> (min_up, members)"""


def shared_service(seed: int) -> SharedService:
    """One service on 50 components, each on 3 of 20 shared CIs and one of 10 k-of-3 groups."""
    rng = Random(f"{seed}:composite")
    cis = [f"ci{i}" for i in range(SHARED_CIS)]
    groups = {f"grp{i}": (rng.choice((1, 2)), rng.sample(cis, GROUP_SIZE)) for i in range(GROUPS)}
    components = {
        f"comp{i}": (rng.sample(cis, CIS_PER_COMPONENT), rng.choice(list(groups)))
        for i in range(COMPONENTS)
    }
    nodes: list[Node] = [ServiceNode("svc", "Shared service")]
    nodes += [ConfigurationItem(c, "server") for c in cis]
    nodes += [RedundancyGroup(g, k) for g, (k, _) in groups.items()]
    nodes += [ComponentNode(c) for c in components]
    edges = [(g, m, HAS_MEMBER) for g, (_, members) in groups.items() for m in members]
    edges += [("svc", c, DEPENDS_ON) for c in components]
    for comp, (own, group) in components.items():
        edges += [(comp, c, DEPENDS_ON) for c in own]
        edges.append((comp, group, DEPENDS_ON))
    cmdb = Cmdb(CmdbSchema(ci_types=["server"]))
    cmdb.add_many(nodes, edges, actor="bench", at=CI_START)
    availabilities = {n: Fraction(rng.randint(9900, 9999), 10_000) for n in [*cis, *components]}
    return SharedService(cmdb, availabilities, components, groups)


def k_of_n(k: int, chances: Sequence[Fraction]) -> Fraction:
    """P(at least k of independent members work)."""
    total = Fraction(0)
    for ups in itertools.product((True, False), repeat=len(chances)):
        if sum(ups) >= k:
            weight = Fraction(1)
            for up, p in zip(ups, chances, strict=True):
                weight *= p if up else 1 - p
            total += weight
    return total


def naive_product(service: SharedService) -> Fraction:
    """Each component in series, multiplied together, as if no CI were shared."""
    p = service.availabilities
    value = Fraction(1)
    for comp, (own, group) in service.components.items():
        k, members = service.groups[group]
        series = p[comp] * k_of_n(k, [p[m] for m in members])
        for c in own:
            series *= p[c]
        value *= series
    return value


def pct(value: Fraction, places: int = 6) -> str:
    return f"{float(value) * 100:.{places}f} %"


@dataclass(frozen=True)
class CompositeResult:
    exact: float
    diagram: int
    monte_carlo: float
    naive_error: Fraction


def run_composite(seed: int) -> CompositeResult:
    title = f"Composite availability: 1 service, {COMPONENTS} components, {SHARED_CIS} shared CIs"
    section(title)
    service = shared_service(seed)
    cmdb, p = service.cmdb, service.availabilities
    ones = sum(k == 1 for k, _ in service.groups.values())
    print(
        f"each component on {CIS_PER_COMPONENT} of the {SHARED_CIS} CIs and one of {GROUPS} "
        f"groups of {GROUP_SIZE} ({ones} need 1 of 3, {GROUPS - ones} need 2 of 3); "
        f"availabilities of CIs and components uniform in 99.00-99.99 %",
        flush=True,
    )
    exact_time = median_time(lambda: composite_availability(cmdb, "svc", p, method="exact"), 5, 1.0)
    exact = composite_availability(cmdb, "svc", p, method="exact")
    mc_time, found = median_of(
        lambda: composite_availability(
            cmdb, "svc", p, method="monte_carlo", samples=MONTE_CARLO_SAMPLES, seed=seed
        ),
        3,
    )
    assert isinstance(found, type(exact))
    mc = found
    assert mc.low is not None
    assert mc.high is not None
    naive = naive_product(service)
    naive_time = median_time(lambda: naive_product(service), 5, 0.5)
    inside = "contains" if mc.low <= exact.value <= mc.high else "DOES NOT contain"
    error = naive - exact.value
    table(
        ["", "availability", "s", "note"],
        [
            [
                "exact (decision diagram)",
                pct(exact.value),
                seconds(exact_time),
                f"diagram of {exact.diagram_size:,} nodes",
            ],
            [
                f"Monte Carlo, {MONTE_CARLO_SAMPLES:,} samples",
                pct(mc.value),
                seconds(mc_time),
                f"95 % interval {pct(mc.low, 4)} to {pct(mc.high, 4)} {inside} exact",
            ],
            [
                "naive product along paths",
                pct(naive),
                seconds(naive_time),
                f"{float(error) * 100:+.4f} points vs exact",
            ],
        ],
    )
    print(
        f"exact unavailability {pct(1 - exact.value, 4)}, naive {pct(1 - naive, 4)}: "
        f"the naive product counts each shared CI once per component using it "
        f"({float((1 - naive) / (1 - exact.value)):.1f}x the real unavailability)\n",
        flush=True,
    )
    return CompositeResult(exact_time, exact.diagram_size or 0, mc_time, error)


# -- main ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], metavar="N"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cmdb-size", type=int, default=100_000, metavar="N")
    parser.add_argument(
        "--mean-outage-minutes",
        type=float,
        default=MEAN_OUTAGE / 60 / US,
        metavar="M",
        help="mean duration of the random service outages (default: %(default)g)",
    )
    args = parser.parse_args(argv)
    mean = round(args.mean_outage_minutes * 60 * US)

    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(f"fitsm {version('fitsm')}, numpy {np.__version__}, portion {version('portion')}")
    print(
        f"sizes {' '.join(f'{n:,}' for n in args.sizes)}, CMDB {args.cmdb_size:,} CIs, "
        f"seed {args.seed}\n",
        flush=True,
    )

    calendar = BusinessCalendar.from_rules(RULES, zone="UTC")
    compare_portion_unions(args.seed, mean)
    downtimes = []
    for n in args.sizes:
        downtimes.append(run_downtime(n, args.seed, mean, calendar))
        gc.collect()
    derivation = run_derivation(args.cmdb_size, args.seed)
    gc.collect()
    composite = run_composite(args.seed)

    section("Summary")
    table(
        ["N outages", "library s", "sweep s", "portion s", "vs sweep", "vs portion"],
        [
            [
                f"{r.size:,}",
                seconds(r.fitsm),
                seconds(r.sweep),
                seconds(r.portion)
                + ("" if r.portion_size == r.size else f" (first {r.portion_size:,})"),
                speedup(r.sweep, r.fitsm),
                speedup(r.portion, r.fitsm)
                + ("" if r.portion_size == r.size else f" (at {r.portion_size:,})"),
            ]
            for r in downtimes
        ],
    )
    print(
        f"goals at N = {GOAL_SIZE:,}: library >= {GOAL_SWEEP:g}x faster than the sweep, "
        f">= {GOAL_PORTION:g}x faster than portion"
    )
    if all(r.size != GOAL_SIZE for r in downtimes):
        print(f"  (N = {GOAL_SIZE:,} was not run)")
    for r in downtimes:
        if r.size == GOAL_SIZE:
            s_up, p_up = r.sweep / r.fitsm, r.portion / r.fitsm
            measured = "" if r.portion_size == r.size else f" (portion at {r.portion_size:,})"
            print(
                f"  sweep {s_up:.1f}x {at_least(s_up, GOAL_SWEEP)}, "
                f"portion {p_up:.1f}x {at_least(p_up, GOAL_PORTION)}{measured}"
            )
    print(
        f"derive_outages on {derivation.cis:,} CIs and {derivation.outages:,} CI outages: "
        f"{derivation.derive:.2f} s for {derivation.intervals:,} service outage intervals; "
        f"naive Cmdb.impact per instant {derivation.per_instant * 1e3:.2f} ms, "
        f"{derivation.naive_projected:.0f} s projected for all instants "
        f"({speedup(derivation.naive_projected, derivation.derive)})"
    )
    print(
        f"composite availability of {COMPONENTS} shared components: exact in "
        f"{composite.exact * 1e3:.1f} ms (diagram {composite.diagram:,} nodes), Monte Carlo in "
        f"{composite.monte_carlo * 1e3:.0f} ms; the naive product is off by "
        f"{float(composite.naive_error) * 100:+.4f} percentage points"
    )


if __name__ == "__main__":
    main()
