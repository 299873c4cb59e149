"""Benchmark of ONE operation as the store grows: does its cost stay flat from 1k to 1M records?

For each size N a new SQLite store (and, with ``--postgresql URL``, a PostgreSQL
schema) is filled with N CIs (the layered CMDB of ``cmdb_bench``), N outage
records over two years and N cases (incidents, all but 200 of them closed),
plus a role model and an SLA. Then each operation runs repeatedly against it,
and so do the raw driver statements that do the same row work (the record's rows, and
the audit entries and outbox events a store writes with them), in the same run:

* record one outage; end an ongoing one (raw: the INSERT / UPDATE of its row);
* update one CI's owner in a new process ("cold": the CMDB is loaded first) and
  in one that has loaded it before ("warm": the store catches the CMDB up from
  the log); impact of one CI on a loaded CMDB (raw: ``networkx.ancestors``); a
  site outage (1 % of the CIs, the dense engine) right after a one-CI change and
  right after adding a CI with a relationship (raw: the same query with no change
  before it);
* register an incident; fire one event on it, with the role check and the SLA
  lookup (raw: INSERT / SELECT and UPDATE of the case's rows);
* open incidents of one service, first page of 50; open cases whose clock warns
  or breaches within the next hour (raw: the indexed SELECT and decoding the rows,
  plus the SLA clocks for the second);
* availability of one service for one month from the stored outages (raw: the
  indexed SELECT of that service's rows and the same measurement);
* two processes that have loaded one CMDB updating different CIs of it: commits per
  second and conflicts.

Printed per operation and size: median and p99 latency, the raw median, the
ratio to raw; then the growth ratio (largest size / smallest). Goals (issue 9):
growth <= 2x for every single-record operation and paged query; single-record
operations within 10x of raw; queries within 3x of raw plus the domain work.

Run from the repository root (``bench`` extra)::

    python benchmarks/operations_bench.py                       # 1k, 10k, 100k, 1M (long)
    python benchmarks/operations_bench.py --quick               # 1k and 10k
    python benchmarks/operations_bench.py --sizes 1000 100000 --postgresql postgresql://u@h/db
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import platform
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
from cmdb_bench import build_cmdb, build_networkx, generate, ratio, section, table

from fitsm import (
    Q_,
    Agreement,
    BusinessCalendar,
    CaseDesk,
    ConfigurationItem,
    ConflictError,
    Incident,
    Outage,
    Person,
    Role,
    RoleModel,
    ServiceTarget,
    measure_availability,
    open_store,
)
from fitsm.cases import INCIDENT, CaseQuery, sla_clocks
from fitsm.service_levels import Agreements
from fitsm.storage import codec
from fitsm.storage.sql.outage_rows import OPEN

T0 = datetime(2024, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)
OPEN_CASES = 200
SEED = 7
SIZES = [1_000, 10_000, 100_000, 1_000_000]
QUICK = [1_000, 10_000]
GOAL_GROWTH, GOAL_SINGLE, GOAL_QUERY = 2.0, 10.0, 3.0
DENSE_SITE = 256
"""At least this many CIs fail in the site outage (the dense engine's threshold)."""


@dataclass
class Figures:
    """Latencies of one operation at one size, with its raw baseline."""

    times: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p99(self) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def timed(run: Callable[[int], Any], reps: int) -> list[float]:
    out = []
    for i in range(reps):
        start = time.perf_counter()
        run(i)
        out.append(time.perf_counter() - start)
    return out


# -- raw statements ------------------------------------------------------------------------


class Raw:
    """The driver itself, on the store's tables: what the same row work costs without fitsm."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite"):
            self.conn: Any = sqlite3.connect(url[len("sqlite:///") :], isolation_level=None)
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.begin, self.mark = "BEGIN IMMEDIATE", "?"
        else:
            import psycopg

            self.conn = psycopg.connect(url, autocommit=True)
            self.begin, self.mark = "BEGIN", "%s"

    def run(self, statements: Sequence[tuple[str, Sequence[Any]]], write: bool) -> list[Any]:
        cur = self.conn.cursor()
        if write:
            cur.execute(self.begin)
        rows: list[Any] = []
        for sql, params in statements:
            cur.execute(sql.replace("?", self.mark), params)
            if sql.lstrip().upper().startswith("SELECT"):
                rows = cur.fetchall()
        if write:
            cur.execute("COMMIT")
        cur.close()
        return rows

    def close(self) -> None:
        self.conn.close()


def books(audit: int, events: int) -> list[tuple[str, Sequence[Any]]]:
    """The bookkeeping rows a store writes with a change: audit entries (and the chain's
    head) and outbox events, as plain statements."""
    entry = (
        "INSERT INTO audit (seq, at, actor, kind, subject, action, detail, prev, hash) "
        "SELECT COALESCE(MAX(seq), 0) + 1, ?, 'raw', 'raw', 'raw', 'raw', '{}', ?, ? FROM audit"
    )
    event = (
        "INSERT INTO outbox (position, kind, subject, at, data) "
        "SELECT COALESCE(MAX(position), 0) + 1, 'raw', 'raw', ?, '{}' FROM outbox"
    )
    at, digest = NOW.isoformat(), "0" * 64
    statements: list[tuple[str, Sequence[Any]]] = [(entry, (at, digest, digest))] * audit
    if audit:
        statements.append(("UPDATE fitsm_meta SET value = ? WHERE key = 'audit_head'", (digest,)))
    return statements + [(event, (at,))] * events


# -- filling a store -------------------------------------------------------------------------


@dataclass
class Filled:
    url: str
    cmdb_id: str
    cis: list[str]
    services: list[str]
    graph: nx.DiGraph
    open_ids: list[str]


def fill(url: str, n: int) -> Filled:
    """Write N CIs, N outages and N cases (all but OPEN_CASES closed) into a new store."""
    rng = random.Random(SEED)
    data = generate(n, SEED)
    cmdb = build_cmdb(data)
    services = [s for s, _ in data.services]
    cis = [c for c, _ in data.cis]
    store = open_store(url)
    roles = RoleModel()
    roles.add_person(Person("ann", "Ann"))
    roles.assign("ann", Role.PROCESS_STAFF, "ISRM")
    agreements = Agreements()
    agreements.add(
        Agreement(
            "sla",
            "SLA",
            "customers",
            services,
            [ServiceTarget("resolution_time", Q_(4, "hour"), priority=p) for p in ("P1", "P2")]
            + [ServiceTarget("resolution_time", Q_(2, "day"), priority=p) for p in ("P3", "P4")]
            + [ServiceTarget("resolution_time", Q_(5, "day"), priority="P5")],
            calendar=BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"}),
        )
    )
    span = (NOW - T0).total_seconds()
    outages = []
    for i in range(n):
        start = T0 + timedelta(seconds=rng.random() * span)
        subject = services[i % len(services)] if i % 10 == 0 else rng.choice(cis)
        outages.append(Outage(subject, start, start + timedelta(minutes=rng.randint(1, 240))))
    cases = []
    for i in range(n):
        recent = i >= n - OPEN_CASES
        at = (
            NOW - timedelta(hours=rng.randint(1, 6))
            if recent
            else T0 + timedelta(seconds=rng.random() * span)
        )
        case = Incident(f"INC-{i}", "slow", at, "ann", service=services[i % len(services)],
                        owner="ann")  # fmt: skip
        # through the lifecycle, as a store accepts only cases whose history leads to their status
        steps = FILL_OPEN if recent else FILL_CLOSED
        for event, fields in steps:
            INCIDENT.fire(case, event, actor="ann", at=at, **fields)
        cases.append(case)
    with store.unit_of_work(actor="bench") as uow:
        uow.cmdbs.add(cmdb)
        uow.roles.add(roles)
        uow.agreements.add(agreements)
        uow.outages.record(*outages)
        for case in cases:
            uow.cases.add(case)
        uow.commit()
    store.close()
    return Filled(
        url, cmdb.id, cis, services, build_networkx(data), [c.id for c in cases[-OPEN_CASES:]]
    )


FILL_OPEN: list[tuple[str, dict[str, Any]]] = [
    ("classify", {"category": "app"}),
    (
        "prioritise",
        {"impact": "medium", "urgency": "medium", "priority": "P3", "agreement": "sla"},
    ),
    ("assign", {"group": "ops"}),
]
FILL_CLOSED = [*FILL_OPEN, ("resolve", {"resolution": "fixed"}), ("close", {"confirmed": True})]


# -- the operations --------------------------------------------------------------------------


def measure(filled: Filled, reps: int, heavy_reps: int) -> dict[str, Figures]:
    url = filled.url
    store, raw = open_store(url), Raw(url)
    desk = CaseDesk(store, cmdb=filled.cmdb_id)
    rng = random.Random(SEED)
    found: dict[str, Figures] = {}
    month = (datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC))
    service = filled.services[0]
    calendar = BusinessCalendar.always()

    # outages: record, end
    def record(i: int) -> None:
        with store.unit_of_work(actor="bench") as uow:
            uow.outages.record(Outage(rng.choice(filled.cis), NOW, NOW + timedelta(minutes=5)))
            uow.commit()

    def record_raw(i: int) -> None:
        row = (uuid.uuid4().hex, "ci", 1, 2, "down", 0)
        insert = "INSERT INTO outages (id, subject, start_us, end_us, state, planned) VALUES "
        raw.run([(insert + "(?, ?, ?, ?, ?, ?)", row), *books(1, 1)], True)

    found["record one outage"] = Figures(timed(record, reps), timed(record_raw, reps))

    with store.unit_of_work(actor="bench") as uow:
        ongoing = uow.outages.record(*(Outage(f"o{i}", NOW) for i in range(2 * reps)))
        uow.commit()

    def end(i: int) -> None:
        with store.unit_of_work(actor="bench") as uow:
            uow.outages.close(ongoing[i], NOW + timedelta(minutes=9))
            uow.commit()

    def end_raw(i: int) -> None:
        raw.run([("UPDATE outages SET end_us = ? WHERE id = ? AND end_us = ?",
                  (5, ongoing[reps + i], OPEN)), *books(1, 1)], True)  # fmt: skip

    found["end an ongoing outage"] = Figures(timed(end, reps), timed(end_raw, reps))

    # CMDB: update one CI (cold and warm), impact of one CI
    def update(i: int) -> None:
        with store.unit_of_work(actor="bench") as uow:
            cmdb = uow.cmdbs.get(filled.cmdb_id)
            cmdb.update_ci(rng.choice(filled.cis), actor="bench", at=NOW, owner=f"team{i}")
            uow.commit()

    def update_raw(i: int) -> None:
        raw.run([
            ("UPDATE cmdb_nodes SET owner = ? WHERE cmdb = ? AND id = ?",
             (f"raw{i}", filled.cmdb_id, rng.choice(filled.cis))),
            ("SELECT COALESCE(MAX(seq), 0) FROM cmdb_log WHERE cmdb = ?", (filled.cmdb_id,)),
            # a log row of its own (the store's CMDB must not see it), in the same table
            ("INSERT INTO cmdb_log (cmdb, seq, body) SELECT 'raw', COALESCE(MAX(seq), 0) + 1, "
             "'{}' FROM cmdb_log WHERE cmdb = 'raw'", ()),
            *books(1, 1),
        ], True)  # fmt: skip

    def update_cold(i: int) -> float:
        fresh = open_store(url)  # a new process's store: nothing loaded yet (opening not timed)
        start = time.perf_counter()
        with fresh.unit_of_work(actor="bench") as uow:
            cmdb = uow.cmdbs.get(filled.cmdb_id)
            cmdb.update_ci(rng.choice(filled.cis), actor="bench", at=NOW, owner=f"cold{i}")
            uow.commit()
        took = time.perf_counter() - start
        fresh.close()
        return took

    update_raw_times = timed(update_raw, reps)
    found["update one CI, cold"] = Figures(
        [update_cold(i) for i in range(heavy_reps)], update_raw_times, "the CMDB loaded first"
    )
    update(0)  # the store now holds the CMDB: later units of work catch up from the log
    found["update one CI, warm"] = Figures(timed(update, reps), list(update_raw_times))
    with store.unit_of_work() as uow:
        cmdb = uow.cmdbs.get(filled.cmdb_id).copy()
    picks = [rng.choice(filled.cis) for _ in range(reps)]
    found["impact of one CI, warm"] = Figures(
        timed(lambda i: cmdb.impact(picks[i]), reps),
        timed(lambda i: nx.ancestors(filled.graph, picks[i]), reps),
    )
    site = rng.sample(filled.cis, max(DENSE_SITE, len(filled.cis) // 100))
    cmdb.impact(site, strategy="dense")  # compiled once

    def site_after_change(i: int) -> float:
        cmdb.update_ci(picks[i], actor="bench", at=NOW, owner=f"site{i}")
        start = time.perf_counter()
        cmdb.impact(site, strategy="dense")
        return time.perf_counter() - start

    def site_after_new_ci(i: int) -> float:
        cmdb.add(ConfigurationItem(f"bench-new{i}", "switch"), actor="bench", at=NOW)
        cmdb.add_relationship(picks[i], f"bench-new{i}", "connects_to", actor="bench", at=NOW)
        start = time.perf_counter()
        cmdb.impact(site, strategy="dense")
        return time.perf_counter() - start

    plain = timed(lambda i: cmdb.impact(site, strategy="dense"), heavy_reps)
    found["site outage after a one-CI change"] = Figures(
        [site_after_change(i) for i in range(heavy_reps)],
        plain,
        f"{len(site):,} CIs failed; raw: the same query with no change before it",
    )
    found["site outage after adding a CI"] = Figures(
        [site_after_new_ci(i) for i in range(heavy_reps)],
        plain,
        "a new CI and its relationship: the compiled index follows, it is not rebuilt",
    )

    # cases: register, fire, page of open incidents, due soon
    def register(i: int) -> None:
        desk.register_incident(
            Incident(f"NEW-{i}", "down", NOW, "ann", service=service, category="app"),
            actor="ann", impact="high", urgency="high",
        )  # fmt: skip

    body = codec.dumps(Incident("X", "x", NOW, "ann", service=service, status="new"))

    def register_raw(i: int) -> None:
        raw.run([
            ("INSERT INTO aggregates (kind, id, version, body) VALUES ('case', ?, 1, ?)",
             (f"RAW-{i}", body)),
            ("INSERT INTO case_index (id, kind, status, open, service, owner, assignee, priority, "
             "registered_us) VALUES (?, 'incident', 'new', 1, ?, NULL, NULL, 'P1', 0)",
             (f"RAW-{i}", service)),
            *books(2, 3),  # classified and prioritised: two history entries, three events
        ], True)  # fmt: skip

    found["register an incident"] = Figures(timed(register, reps), timed(register_raw, reps))

    def fire(i: int) -> None:  # each on its own new incident: a case's history stays short
        desk.fire(f"NEW-{i}", "assign", actor="ann", at=NOW, group="ops")

    def fire_raw(i: int) -> None:
        rows = raw.run([("SELECT version, body FROM aggregates WHERE kind = 'case' AND id = ?",
                         ("RAW-0",))], False)  # fmt: skip
        raw.run([
            ("SELECT body FROM aggregates WHERE kind = 'roles' AND id = 'default'", ()),
            ("UPDATE aggregates SET version = version + 1, body = ? WHERE kind = 'case' AND id = ?",
             (rows[0][1], "RAW-0")),
            ("UPDATE case_index SET status = ? WHERE id = ?", ("pending", "RAW-0")),
            *books(1, 1),
        ], True)  # fmt: skip

    found["fire one event"] = Figures(timed(fire, reps), timed(fire_raw, reps))

    query = CaseQuery(kind="incident", service=service, open=True)
    found["open incidents of a service, page of 50"] = Figures(
        timed(lambda i: desk.find(query, limit=50), reps),
        timed(
            lambda i: [
                codec.loads(r[0])
                for r in raw.run([(
                    "SELECT a.body FROM case_index i JOIN aggregates a ON a.kind = 'case' "
                    "AND a.id = i.id WHERE i.kind = 'incident' AND i.service = ? AND i.open = 1 "
                    "ORDER BY i.registered_us, i.id LIMIT 50", (service,))], False)
            ],
            reps,
        ),
    )  # fmt: skip
    with store.unit_of_work() as uow:
        agreements = uow.agreements.get()

    def due_raw(i: int) -> None:
        select = (
            "SELECT a.body FROM case_index i JOIN aggregates a ON a.kind = 'case' "
            "AND a.id = i.id WHERE i.open = 1 AND i.kind IN ('incident', 'service_request')"
        )
        rows = raw.run([(select, ())], False)
        sla_clocks([codec.loads(r[0]) for r in rows], agreements, NOW + timedelta(hours=1))

    found["open cases due within the hour"] = Figures(
        timed(lambda i: desk.due_soon(timedelta(hours=1), at=NOW), reps), timed(due_raw, reps)
    )

    # availability of one service for one month
    def availability(i: int) -> None:
        with store.unit_of_work() as uow:
            log = uow.outages.log(*month, [service])
        measure_availability(log, service, calendar, *month)

    def availability_raw(i: int) -> None:
        from fitsm.availability import OutageLog

        rows = raw.run([(
            "SELECT start_us, end_us FROM outages WHERE subject = ? AND end_us > ? "
            "AND start_us < ?", (service, _us(month[0]), _us(month[1])))], False)  # fmt: skip
        log = OutageLog.for_subject(service, [r[0] for r in rows], [r[1] for r in rows])
        measure_availability(log, service, calendar, *month)

    found["availability of a service for a month"] = Figures(
        timed(availability, reps), timed(availability_raw, reps)
    )
    store.close()
    raw.close()
    return found


def _us(at: datetime) -> int:
    return (at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _updater(url: str, cmdb_id: str, ci: str, n: int, out: Any) -> None:
    store = open_store(url)
    with store.unit_of_work() as uow:
        uow.cmdbs.get(cmdb_id)  # a warm process: the first load is not what is measured
    won = lost = 0
    start = time.perf_counter()
    for k in range(n):
        try:
            with store.unit_of_work(actor=ci) as uow:
                uow.cmdbs.get(cmdb_id).update_ci(ci, actor=ci, at=NOW, owner=f"{ci}-{k}")
                uow.commit()
            won += 1
        except ConflictError:
            lost += 1
    out.put((won, lost, time.perf_counter() - start))
    store.close()


def two_writers(filled: Filled, n: int) -> tuple[float, int]:
    """Commits per second of two processes updating different CIs, and their conflicts."""
    queue: Any = multiprocessing.get_context("spawn").Queue()
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_updater, args=(filled.url, filled.cmdb_id, ci, n, queue))
        for ci in filled.cis[:2]
    ]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    won = sum(r[0] for r in results)
    return won / max(r[2] for r in results), sum(r[1] for r in results)


# -- the report --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK}, fewer runs")
    parser.add_argument("--postgresql", help="also run on this (empty) PostgreSQL database")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else args.sizes
    reps = 15 if args.quick else 41
    section(f"One operation as the store grows (Python {platform.python_version()}, SQLite "
            f"{sqlite3.sqlite_version}{', PostgreSQL' if args.postgresql else ''})")  # fmt: skip
    backends = ["sqlite"] + (["postgresql"] if args.postgresql else [])
    for backend in backends:
        results: dict[int, dict[str, Figures]] = {}
        writers: dict[int, tuple[float, int]] = {}
        for n in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                url = (
                    f"sqlite:///{Path(tmp) / 'ops.db'}"
                    if backend == "sqlite"
                    else _fresh_schema(args.postgresql)
                )
                gc.collect()
                start = time.perf_counter()
                filled = fill(url, n)
                print(f"{backend} {n:,}: filled in {time.perf_counter() - start:.1f} s", flush=True)
                heavy = reps if n <= 10_000 else 5 if n <= 100_000 else 3
                results[n] = measure(filled, reps, heavy)
                writers[n] = two_writers(filled, 20)
        report(backend, sizes, results, writers)


def _fresh_schema(base: str) -> str:
    import psycopg

    schema = f"ops_{uuid.uuid4().hex[:10]}"
    with closing(psycopg.connect(base, autocommit=True)) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def report(
    backend: str,
    sizes: list[int],
    results: dict[int, dict[str, Figures]],
    writers: dict[int, tuple[float, int]],
) -> None:
    print()
    section(f"{backend}: latency of one operation (ms), raw driver statements in the same run")
    rows = []
    for op in results[sizes[0]]:
        for n in sizes:
            f = results[n][op]
            raw = statistics.median(f.raw)
            cells = [f"{f.median * 1e3:.2f}", f"{f.p99 * 1e3:.2f}", f"{raw * 1e3:.3f}"]
            rows.append([op if n == sizes[0] else "", f"{n:,}", *cells, ratio(f.median, raw)])
        first, last = results[sizes[0]][op].median, results[sizes[-1]][op].median
        rows.append(["", "growth", ratio(last, first), "", "", ""])
    table(["operation", "N", "median", "p99", "raw median", "vs raw"], rows)
    notes = {op: f.note for op, f in results[sizes[0]].items() if f.note}
    for op, note in notes.items():
        print(f"  {op}: {note}")
    print()
    table(
        ["two processes, different CIs", "N", "commits/s", "conflicts"],
        [["", f"{n:,}", f"{writers[n][0]:.1f}", str(writers[n][1])] for n in sizes],
    )
    print(
        f"\ngoals: growth <= {GOAL_GROWTH:g}x from {sizes[0]:,} to {sizes[-1]:,}; single "
        f"records <= {GOAL_SINGLE:g}x raw; queries <= {GOAL_QUERY:g}x raw; 0 conflicts"
    )


if __name__ == "__main__":
    main()
