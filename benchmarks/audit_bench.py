"""Benchmark of the FitSM-1 audit over a large store, against loading the same data without it.

For each size N a new SQLite store (and, with ``--postgresql URL``, a PostgreSQL
schema) is filled with the layered CMDB of ``cmdb_bench`` (N CIs), N outage records
over the year before the audit, N / 10 cases (incidents, changes and problems, each
through its lifecycle), a role model, the portfolio of the CMDB's services with an
SLA, review schedules and a risk register. Then, in the same run:

* baseline: load everything the audit reads, the way it reads it (one unit of work:
  every aggregate once, the cases page by page, the outages of the audit window in one
  columnar query), without any rule: ``Snapshot.load``;
* rules: the 82 rules over that loaded snapshot (``audit_snapshot``);
* audit: the two together, as ``audit(store, at=...)`` and ``fitsm audit`` run them.

Printed per size: the median of the runs, the audit as a multiple of the baseline,
and the time per case and per CI. Goal: the rules add little to the load (every case
and every CI is read once; the replays are a pass over what is loaded).

Run from the repository root (``bench`` extra)::

    python benchmarks/audit_bench.py                         # 10k, 100k, 1M CIs (long)
    python benchmarks/audit_bench.py --sizes 10000           # what CI runs
    python benchmarks/audit_bench.py --sizes 100000 --postgresql postgresql://u@h/db
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from cmdb_bench import build_cmdb, generate, ratio, section, table

from fitsm import open_store
from fitsm.availability import Outage
from fitsm.cases import CHANGE, INCIDENT, PROBLEM, Change, Incident, Problem
from fitsm.conformance import Snapshot, audit, audit_snapshot
from fitsm.portfolio import Service, ServicePortfolio
from fitsm.reviews import ReviewSchedules
from fitsm.risks import Risk, RiskRegister
from fitsm.roles import Person, Process, Role, RoleModel
from fitsm.service_levels import Agreement, Agreements, ServiceTarget
from fitsm.units import Q_

SIZES = [10_000, 100_000, 1_000_000]
SEED = 14
AT = datetime(2026, 6, 1, tzinfo=UTC)
YEAR = timedelta(days=365)

INCIDENT_STEPS: list[tuple[str, dict[str, Any]]] = [
    ("classify", {"category": "app"}),
    ("prioritise", {"impact": "medium", "urgency": "medium", "priority": "P3",
                    "agreement": "sla"}),
    ("assign", {"group": "ops"}),
    ("resolve", {"resolution": "fixed"}),
    ("close", {"confirmed": True}),
]  # fmt: skip
CHANGE_STEPS: list[tuple[str, dict[str, Any]]] = [
    ("classify", {"change_type": "normal", "major": False}),
    ("assess", {"effort": "1 h", "feasibility": "yes"}),
    ("approve", {}),
    ("schedule", {}),  # the window is set per change
    ("implement", {}),
    ("review", {"review": "done"}),
    ("close", {}),
]
PROBLEM_STEPS: list[tuple[str, dict[str, Any]]] = [
    ("classify", {"category": "app"}),
    ("investigate", {}),
    ("record_root_cause", {"root_cause": "a bug"}),
    ("declare_known_error", {"workarounds": ["restart"]}),
]


def fill(url: str, n: int) -> dict[str, int]:
    """N CIs, N outages and N / 10 cases (8 incidents, 1 change, 1 problem in 10)."""
    rng = random.Random(SEED)
    started = time.perf_counter()
    data = generate(n, SEED)
    cmdb = build_cmdb(data)
    _progress(f"CMDB of {n:,} CIs built", started)
    services = [s for s, _ in data.services]
    cis = [c for c, _ in data.cis]
    roles = RoleModel()
    for person in ("olga", "ann", "chris"):
        roles.add_person(Person(person, person.title()))
    roles.assign("olga", Role.SMS_OWNER)
    for process in Process:
        roles.assign("olga", Role.PROCESS_OWNER, process)
        roles.assign("chris" if process is Process.CHM else "ann", Role.PROCESS_MANAGER, process)
    portfolio = ServicePortfolio()
    for s in services:
        portfolio.add_service(Service(s, s, "a service", "value", ["customers"], "olga",
                                      "in_production"))  # fmt: skip
    agreements = Agreements()
    agreements.add(Agreement("sla", "SLA", "customers", services,
                             [ServiceTarget("availability", Q_(99.5, "percent"))],
                             valid_from=AT - 2 * YEAR))  # fmt: skip
    schedules = ReviewSchedules()
    schedules.plan(("cmdb_verification", cmdb.id), timedelta(days=180), at=AT - YEAR, by="ann")
    risks = RiskRegister()
    for i, ci in enumerate(cis[:200]):
        risks.add(Risk(f"r{i}", "single point", "availability", [ci], "possible", "major"),
                  at=AT - YEAR, by="ann")  # fmt: skip
    outages = []
    for i in range(n):
        start = AT - YEAR + timedelta(seconds=rng.random() * (YEAR.total_seconds() - 86400))
        subject = services[i % len(services)] if i % 10 == 0 else rng.choice(cis)
        outages.append(Outage(subject, start, start + timedelta(minutes=rng.randint(1, 240))))
    cases: list[Any] = []
    for i in range(n // 10):
        at = AT - YEAR + timedelta(seconds=rng.random() * (YEAR.total_seconds() - 30 * 86400))
        if i % 10 == 8:
            case: Any = Change(f"CHG-{i}", "a change", at, "ann", risk="low", benefits="b")
            for event, fields in CHANGE_STEPS:
                if event == "schedule":
                    fields = {"planned_start": at + timedelta(days=1),
                              "planned_end": at + timedelta(days=1, hours=1)}  # fmt: skip
                actor = "chris" if event == "approve" else "ann"
                CHANGE.fire(case, event, actor=actor, at=at + timedelta(days=1), **fields)
        elif i % 10 == 9:
            case = Problem(f"PRB-{i}", "a problem", at, "ann")
            for event, fields in PROBLEM_STEPS:
                PROBLEM.fire(case, event, actor="ann", at=at, **fields)
        else:
            case = Incident(f"INC-{i}", "slow", at, "ann", service=services[i % len(services)],
                            cis=[rng.choice(cis)])  # fmt: skip
            for event, fields in INCIDENT_STEPS:
                INCIDENT.fire(case, event, actor="ann", at=at, **fields)
        cases.append(case)
    _progress(f"{n:,} outages and {len(cases):,} cases made", started)
    store = open_store(url)
    try:
        with store.unit_of_work(actor="bench") as uow:
            uow.cmdbs.add(cmdb)
            uow.roles.add(roles)
            uow.portfolios.add(portfolio)
            uow.agreements.add(agreements)
            uow.reviews.add(schedules)
            uow.risks.add(risks)
            uow.outages.record(*outages)
            for case in cases:
                uow.cases.add(case)
            uow.commit()
    finally:
        store.close()
    _progress("store written", started)
    return {"cis": len(cis), "outages": n, "cases": len(cases)}


def _progress(what: str, started: float) -> None:
    print(f"    {what} ({time.perf_counter() - started:.0f} s)", flush=True)


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(url: str, runs: int) -> dict[str, float]:
    """Medians of ``runs`` rounds; each round times the baseline, the rules and the audit
    one after the other, so that a change of load on the machine hits all three alike."""
    store = open_store(url)
    samples: dict[str, list[float]] = {"baseline": [], "rules": [], "audit": []}
    try:
        Snapshot.load(store, at=AT)  # a first read warms the caches for both alike
        for _ in range(runs):
            samples["baseline"].append(timed(lambda: Snapshot.load(store, at=AT)))
            samples["rules"].append(timed(partial(audit_snapshot, Snapshot.load(store, at=AT))))
            samples["audit"].append(timed(lambda: audit(store, at=AT)))
        decided = audit(store, at=AT).counts()
    finally:
        store.close()
    return {k: statistics.median(v) for k, v in samples.items()} | decided


def _fresh_schema(base: str) -> str:
    import psycopg

    schema = f"audit_{uuid.uuid4().hex[:10]}"
    with closing(psycopg.connect(base, autocommit=True)) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="numbers of CIs")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--postgresql", metavar="URL", help="also run on this PostgreSQL")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    backends = ["sqlite", *(["postgresql"] if args.postgresql else [])]
    for backend in backends:
        section(f"FitSM-1 audit over a large store ({backend})")
        rows = []
        for n in args.sizes:
            with tempfile.TemporaryDirectory() as tmp:
                url = (
                    f"sqlite:///{Path(tmp) / 'audit.db'}"
                    if backend == "sqlite"
                    else _fresh_schema(args.postgresql)
                )
                start = time.perf_counter()
                sizes = fill(url, n)
                filled = time.perf_counter() - start
                got = measure(url, args.runs)
            rows.append(
                [
                    f"{sizes['cis']:,} CIs / {sizes['outages']:,} outages / "
                    f"{sizes['cases']:,} cases",
                    f"{filled:.1f} s",
                    f"{got['baseline']:.2f} s",
                    f"{got['rules']:.2f} s",
                    f"{got['audit']:.2f} s",
                    ratio(got["audit"], got["baseline"]),
                    f"{got['rules'] / max(sizes['cases'], 1) * 1e6:.1f} us",
                    f"{int(got['met'])}/{int(got['not_met'])}/{int(got['partly_met'])}",
                ]
            )
            print(f"  {n:,} CIs done", flush=True)
        table(
            [
                "store",
                "fill",
                "baseline (load)",
                "rules",
                "audit",
                "audit / baseline",
                "rules per case",
                "met/not/partly",
            ],
            rows,
        )
        print()


if __name__ == "__main__":
    main()
