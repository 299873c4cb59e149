"""Benchmark of what importing fitsm costs, against importing networkx and pint.

Each statement runs in a fresh interpreter (``python -c``), alternating with the
baseline so that a drift of the machine's speed hits both alike; the figure is
the median wall time of the runs, less the median of an empty interpreter
(``python -c pass``), so the ratios compare what the imports themselves cost.

* ``import fitsm``: the root alone (its names load on first use);
* ``from fitsm import Cmdb``: an analyst's first line (the CMDB and its engines);
* ``import fitsm.cases``: a service desk's (the case charts: python-statemachine);
* every root name: what a program that touches every area pays.

Run from the repository root::

    python benchmarks/import_bench.py              # 21 runs of each
    python benchmarks/import_bench.py --runs 5

Goal (issue 8): ``import fitsm`` no more than 1.5x ``import networkx, pint``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

from cmdb_bench import ratio, section, table, verdict

BASELINE = "import networkx, pint"
STATEMENTS = {
    "import fitsm": "import fitsm",
    "from fitsm import Cmdb": "from fitsm import Cmdb",
    "import fitsm.cases": "import fitsm.cases",
    "every root name": "import fitsm; [getattr(fitsm, n) for n in fitsm.__all__]",
}
GOAL = 1.5


def wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def medians(runs: int) -> dict[str, float]:
    """Median wall seconds of each statement, the baseline and an empty interpreter."""
    codes = {"python -c pass": "pass", BASELINE: BASELINE, **STATEMENTS}
    times: dict[str, list[float]] = {name: [] for name in codes}
    for code in codes.values():
        wall(code)  # warm the file cache and the bytecode cache
    for _ in range(runs):
        for name, code in codes.items():
            times[name].append(wall(code))
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each statement")
    args = parser.parse_args(argv)
    section(f"Import cost (Python {platform.python_version()}, {args.runs} runs, median)")
    found = medians(args.runs)
    empty = found["python -c pass"]
    base = found[BASELINE] - empty
    rows = [["python -c pass", f"{empty * 1000:.0f} ms", "", ""]]
    rows.append([BASELINE, f"{found[BASELINE] * 1000:.0f} ms", f"{base * 1000:.0f} ms", "1.00x"])
    for name in STATEMENTS:
        own = found[name] - empty
        rows.append(
            [name, f"{found[name] * 1000:.0f} ms", f"{own * 1000:.0f} ms", ratio(own, base)]
        )
    table(["statement", "wall", "less empty", f"vs {BASELINE}"], rows)
    own = found["import fitsm"] - empty
    print(f"\ngoal: import fitsm {verdict(own / base, GOAL)} (it is {ratio(own, base)})")


if __name__ == "__main__":
    main()
