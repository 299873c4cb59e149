"""Benchmark of one operation on a register as the register grows.

The planning registers (risks, capacity, continuity, customers, suppliers, ...) are
each stored as one document: a unit of work loads the register, changes one item
and writes the register back. This measures what that costs as a register grows,
for a capacity register (``set_capacity`` of a new CI) and a risk register (``add``
of a new risk), each with N items in a new SQLite store, one operation at a time
through ``PlanningDesk.act`` (authorised, audited, committed). In the same run:

* domain: the same operation on a register held in memory (no store): the work
  the operation itself needs;
* raw: writing a document of the stored register's size with ``sqlite3`` in one
  transaction, the least a store that keeps the register as one document can do.

Printed per size: medians of ``--reps`` operations, the desk as a multiple of the
raw write, and the growth of the desk's cost from the smallest to the largest size.
The goal for one operation is a cost that does not grow with the register (as for
cases and outages, ``operations_bench``); today it grows in proportion to it.

Run from the repository root::

    python benchmarks/registers_bench.py                    # 100, 1,000, 10,000 items
    python benchmarks/registers_bench.py --sizes 100 1000   # what CI runs, seconds
"""

from __future__ import annotations

import argparse
import gc
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fitsm import open_store
from fitsm.capacity import Capacity, CapacityRegister
from fitsm.clock import FixedClock
from fitsm.planning import PlanningDesk
from fitsm.risks import Risk, RiskRegister
from fitsm.roles import Person, Process, Role, RoleModel
from fitsm.units import Q_

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling cmdb_bench module
from cmdb_bench import ratio, section, table

SIZES = [100, 1_000, 10_000]
T0 = datetime(2026, 1, 5, tzinfo=UTC)
AT = T0 + timedelta(hours=1)


def capacity(i: int | str) -> Capacity:
    return Capacity(f"ci{i}", "cpu", Q_(16, "core"))


def risk(i: int | str) -> Risk:
    return Risk(f"r{i}", "a single point of failure", "availability", [f"ci{i}"], "possible",
                "major")  # fmt: skip


def fill(path: Path, n: int) -> None:
    """A store with a role model, a capacity register and a risk register of ``n`` items."""
    roles = RoleModel()
    roles.add_person(Person("ann", "Ann"))
    roles.assign("ann", Role.PROCESS_MANAGER, Process.CAPM)
    roles.assign("ann", Role.PROCESS_MANAGER, Process.SACM)
    capacities = CapacityRegister()
    risks = RiskRegister()
    for i in range(n):
        capacities.set_capacity(capacity(i), at=T0, by="ann")
        risks.add(risk(i), at=T0, by="ann")
    store = open_store(f"sqlite:///{path}")
    with store.unit_of_work("ann") as uow:
        uow.roles.add(roles)
        uow.capacity.add(capacities)
        uow.risks.add(risks)
        uow.commit()
    store.close()


def median_ms(run: Callable[[int], Any], reps: int) -> float:
    times = []
    for k in range(reps):
        gc.collect()
        start = time.perf_counter()
        run(k)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(n: int, reps: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registers.db"
        fill(path, n)
        store = open_store(f"sqlite:///{path}")
        desk = PlanningDesk(store, clock=FixedClock(AT + timedelta(days=1)))
        with store.unit_of_work() as uow:
            capacities, risks = uow.capacity.get(), uow.risks.get()
        got: dict[str, float] = {}
        # a first operation of each kind, so that each run below finds the store warm
        desk.act("capacity", "set_capacity", actor="ann", at=AT, capacity=capacity("warm"))
        desk.act("risks", "add", actor="ann", at=AT, risk=risk("warm"))
        got["capacity desk"] = median_ms(
            lambda k: desk.act("capacity", "set_capacity", actor="ann", at=AT,
                               capacity=capacity(f"new{k}")),
            reps,
        )  # fmt: skip
        got["risk desk"] = median_ms(
            lambda k: desk.act("risks", "add", actor="ann", at=AT, risk=risk(f"new{k}")), reps
        )
        got["capacity domain"] = median_ms(
            lambda k: capacities.set_capacity(capacity(f"mem{k}"), at=AT, by="ann"), reps
        )
        got["risk domain"] = median_ms(lambda k: risks.add(risk(f"mem{k}"), at=AT, by="ann"), reps)
        store.close()
        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("PRAGMA synchronous = NORMAL")
        for kind in ("capacity", "risks"):
            (body,) = raw.execute(
                "SELECT body FROM aggregates WHERE kind = ? AND id = 'default'", (kind,)
            ).fetchone()
            got[f"{kind} bytes"] = len(body.encode())

            def write(k: int, kind: str = kind, body: str = body) -> None:
                raw.execute("BEGIN IMMEDIATE")
                raw.execute(
                    "UPDATE aggregates SET body = ?, version = version + 1 "
                    "WHERE kind = ? AND id = 'default'",
                    (body + " " * (k % 2), kind),
                )
                raw.execute("COMMIT")

            got[f"{kind} raw"] = median_ms(write, reps)
        raw.close()
    return got


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="items per register")
    parser.add_argument("--reps", type=int, default=7, help="operations per figure (median)")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}, "
          f"SQLite {sqlite3.sqlite_version}")  # fmt: skip
    results = {n: measure(n, args.reps) for n in args.sizes}
    for kind, register in (("capacity", "capacity register"), ("risk", "risk register")):
        key = "capacity" if kind == "capacity" else "risks"
        section(f"One operation on a {register} of N items (SQLite; medians, ms)")
        rows = []
        for n, got in results.items():
            rows.append([
                f"{n:,}",
                f"{got[f'{key} bytes'] / 1e6:.2f}",
                f"{got[f'{kind} desk']:.1f}",
                f"{got[f'{kind} domain']:.3f}",
                f"{got[f'{key} raw']:.2f}",
                ratio(got[f"{kind} desk"], got[f"{key} raw"]),
            ])  # fmt: skip
        table(["items", "document MB", "desk", "domain", "raw write", "desk / raw"], rows)
        first, last = args.sizes[0], args.sizes[-1]
        if last != first:
            growth = results[last][f"{kind} desk"] / results[first][f"{kind} desk"]
            print(f"growth of the desk's cost, {first:,} -> {last:,} items: {growth:.1f}x "
                  f"(the register grew {last / first:g}x)")  # fmt: skip
        print()


if __name__ == "__main__":
    main()
