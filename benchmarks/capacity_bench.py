"""Benchmark of capacity monitoring: thresholds and the forecast over millions of samples,
and the utilisation store as it grows.

Part 1 (compute): a series of N samples (one a minute: a slow rise with a daily
cycle, crossing the warning level once a day near its end) is evaluated against a
threshold (:func:`fitsm.capacity.breaches`) and forecast
(:func:`fitsm.capacity.forecast_crossing`, its window covering every sample).
The baseline, in the same run, is a plain numpy pass over the same arrays: for the
thresholds, ``values >= limit`` and the indices where it flips
(``flatnonzero(above[1:] != above[:-1])``), for both levels;
for the forecast, the centred least-squares slope ``sum(x * y) / sum(x * x)``
(``np.polyfit`` is shown too). Goal (issue 12): within 2x of the baseline.

Part 2 (store): a new SQLite store holds N samples of 100 subjects, and two days
of minutes of the two subjects measured; then, repeatedly, one batch of 1,440
samples (a day of minutes) is appended to one of them and committed, and one day
of it (1,440 samples) is read back as arrays. The raw baseline is the same row
work on the other subject with the sqlite3 driver (``executemany`` of the rows in
a transaction, the indexed ``SELECT``), interleaved with it. Printed: medians,
ratio to raw, and growth (largest / smallest size). Goal: growth <= 2x.

Run from the repository root (``bench`` extra)::

    python benchmarks/capacity_bench.py                    # compute 1M, 10M; store 1k .. 1M
    python benchmarks/capacity_bench.py --quick            # compute 100k; store 1k, 10k
    python benchmarks/capacity_bench.py --samples 10000000 --sizes 1000 1000000 10000000
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from cmdb_bench import ratio, section, table, verdict

from fitsm import Q_, open_store
from fitsm.capacity import Threshold, UtilisationSeries, breaches, forecast_crossing
from fitsm.time.intervals import micros

START = micros(datetime(2024, 1, 1, tzinfo=UTC))
MINUTE = 60_000_000
DAY = 1440
SUBJECTS = 100
CAPACITY = Q_(100, "TB")
THRESHOLD = Threshold("storage", Q_(80, "percent"), Q_(90, "percent"), subject="pool")


def series(n: int, subject: str = "pool", offset: int = 0) -> UtilisationSeries:
    """``n`` minute samples from ``offset`` minutes after 1 January 2024."""
    i = np.arange(offset, offset + n, dtype=np.int64)
    times = START + MINUTE * i
    # 70 TB with a daily swing of +-12 TB and a little noise: about one warning a day
    noise = np.random.default_rng(n).normal(0, 0.2, n)
    values = 70 + 12 * np.sin(i * (2 * np.pi / DAY)) + noise
    return UtilisationSeries(subject, "storage", "TB", times, values)


def best(work: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds: the least disturbed by the machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def compute(n: int, repeat: int) -> list[list[str]]:
    s = series(n)
    values, times = s.values, s.times
    limits = (80.0, 90.0)

    def baseline_thresholds() -> None:
        for limit in limits:
            above = values >= limit
            np.flatnonzero(above[1:] != above[:-1])

    def baseline_trend() -> None:
        x = (times - times[0]).astype(np.float64)
        x -= x.mean()
        float((x * values).sum()) / float((x * x).sum())

    window = timedelta(microseconds=int(times[-1] - times[0]))
    ours_b = best(lambda: breaches(s, CAPACITY, THRESHOLD), repeat)
    raw_b = best(baseline_thresholds, repeat)
    ours_f = best(lambda: forecast_crossing(s, CAPACITY, 0.8, window=window), repeat)
    raw_f = best(baseline_trend, repeat)
    poly = best(lambda: np.polyfit((times - times[0]).astype(np.float64), values, 1), repeat)
    found = breaches(s, CAPACITY, THRESHOLD)
    return [
        [f"{n:,}", "thresholds", f"{ours_b * 1e3:.1f}", f"{raw_b * 1e3:.1f}", ratio(ours_b, raw_b),
         verdict(ours_b / raw_b, 2), f"{len(found)} breaches"],
        [f"{n:,}", "forecast", f"{ours_f * 1e3:.1f}", f"{raw_f * 1e3:.1f}", ratio(ours_f, raw_f),
         verdict(ours_f / raw_f, 2), f"polyfit {poly * 1e3:.1f} ms"],
    ]  # fmt: skip


def fill(url: str, n: int) -> None:
    """``n`` samples over 100 subjects, and two days of minutes of ``pool`` and ``raw``, the
    subjects measured (the store grows; what one operation touches does not)."""
    per = max(1, n // SUBJECTS)
    store = open_store(url)
    with closing(store):
        for subject, count in [*((f"ci-{k}", per) for k in range(SUBJECTS)),
                               ("pool", 2 * DAY), ("raw", 2 * DAY)]:  # fmt: skip
            done = 0
            while done < count:
                size = min(200_000, count - done)
                with store.unit_of_work("bench") as uow:
                    uow.utilisation.append(series(size, subject, done))
                    uow.commit()
                done += size


def grow(n: int, repeat: int, folder: Path) -> dict[str, float]:
    path = folder / f"cap-{n}.db"
    url = f"sqlite:///{path}"
    start = time.perf_counter()
    fill(url, n)
    filled = time.perf_counter() - start
    lo_us = START + MINUTE * (DAY // 2)  # the day from noon of the first day: 1,440 samples
    lo = datetime.fromtimestamp(lo_us / 1e6, UTC)
    store = open_store(url)
    appended: list[float] = []
    read: list[float] = []
    raw_append: list[float] = []
    raw_read: list[float] = []
    with closing(store), closing(sqlite3.connect(path, isolation_level=None)) as conn:
        (raw_id,) = conn.execute(
            "SELECT id FROM utilisation_series WHERE subject = 'raw'"
        ).fetchone()
        for r in range(repeat):
            batch = series(DAY, "pool", (2 + r) * DAY)
            t = time.perf_counter()
            with store.unit_of_work("bench") as uow:
                uow.utilisation.append(batch)
                uow.commit()
            appended.append(time.perf_counter() - t)
            t = time.perf_counter()
            with store.unit_of_work() as uow:
                got = uow.utilisation.read("pool", "storage", lo, lo + timedelta(minutes=DAY))
            read.append(time.perf_counter() - t)
            assert len(got) == DAY
            rows = list(
                zip([raw_id] * DAY, batch.times.tolist(), batch.values.tolist(), strict=True)
            )
            t = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO utilisation (series, at_us, value) VALUES (?, ?, ?)", rows
            )
            conn.execute("COMMIT")
            raw_append.append(time.perf_counter() - t)
            t = time.perf_counter()
            found = conn.execute(
                "SELECT at_us, value FROM utilisation WHERE series = ? AND at_us >= ? "
                "AND at_us < ? ORDER BY at_us",
                (raw_id, lo_us, lo_us + MINUTE * DAY),
            ).fetchall()
            raw_read.append(time.perf_counter() - t)
            assert len(found) == DAY
    return {
        "fill": filled,
        "append": statistics.median(appended),
        "read": statistics.median(read),
        "raw_append": statistics.median(raw_append),
        "raw_read": statistics.median(raw_read),
        "bytes": path.stat().st_size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, nargs="+", help="compute sizes (default 1M 10M)")
    parser.add_argument("--sizes", type=int, nargs="+", help="store sizes (default 1k .. 1M)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per measurement")
    parser.add_argument("--quick", action="store_true", help="compute 100k; store 1k and 10k")
    args = parser.parse_args()
    samples = args.samples or ([100_000] if args.quick else [1_000_000, 10_000_000])
    sizes = args.sizes or ([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000])
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print()
    section("Thresholds and forecast against a plain numpy pass (best of runs, ms)")
    rows = [row for n in samples for row in compute(n, args.repeat)]
    table(["samples", "what", "fitsm", "numpy", "ratio", "goal", "note"], rows)
    section("The utilisation store as it grows (SQLite; medians, ms)")
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            found[n] = grow(n, args.repeat, Path(folder))
    table(
        ["samples stored", "fill s", "MB", "append 1440", "raw", "ratio", "read a day", "raw",
         "ratio"],
        [
            [f"{n:,}", f"{f['fill']:.1f}", f"{f['bytes'] / 1e6:.1f}", f"{f['append'] * 1e3:.2f}",
             f"{f['raw_append'] * 1e3:.2f}", ratio(f["append"], f["raw_append"]),
             f"{f['read'] * 1e3:.2f}", f"{f['raw_read'] * 1e3:.2f}",
             ratio(f["read"], f["raw_read"])]
            for n, f in found.items()
        ],
    )  # fmt: skip
    small, large = found[sizes[0]], found[sizes[-1]]
    table(
        ["growth (largest / smallest)", "value", "goal"],
        [
            [what, ratio(large[what], small[what]), verdict(large[what] / small[what], 2)]
            for what in ("append", "read")
        ],
    )


if __name__ == "__main__":
    main()
