"""Benchmark of the SQL stores against raw driver inserts and reads, on synthetic CMDBs.

The CMDBs are the layered ones of ``cmdb_bench`` (same generator, same seed). For each
size N (number of CIs), every figure and ratio (library / baseline) from the same run:

* bulk import into SQLite: (a) the library end to end, ``build_cmdb`` from the raw
  rows and a commit to a new store; (b) the library's store write alone, a unit of
  work that adds the prebuilt ``Cmdb`` and commits; (c) the baseline, raw ``sqlite3``
  that creates two tables shaped like the store's ``cmdb_nodes`` and ``cmdb_edges``
  and ``executemany``-s the same rows in one transaction, with the store's journal
  settings (WAL, synchronous NORMAL). The goal is judged on (b), the import through
  the store; (a) also pays for building and validating the CMDB in memory;
* loading the whole CMDB from SQLite: ``uow.cmdbs.get`` on a newly opened store,
  against a raw fetch of both tables and a bare ``networkx.DiGraph`` built from them;
* with ``--postgresql URL``, the same import into PostgreSQL: the library's store
  write (and end to end) against raw psycopg, the faster of ``executemany`` and
  ``COPY`` being the baseline. Every import goes to a schema of its own, created for
  the run and dropped at its end;
* verifying the imported store (SQLite, and PostgreSQL with ``--postgresql``):
  ``verify_audit()`` checks the audit chain and every stored row against it, against
  the baseline of reading every row of the tables it reads (nodes, relationships,
  change log, audit trail) and taking a SHA-256 of each row, streamed, raw driver.
  The peak memory of each (and, for scale, of loading the CMDB) is measured in a
  fresh interpreter, above that of one that only opens the store; and
  ``verify_audit()`` once more after one node row was edited behind the store's
  back, which replays the nodes table row by row to name it.

The baselines insert ready-made row tuples (prepared untimed); the library turns its
records into rows and also writes its change log and audit entries. Timed: from the
first statement to the commit (table creation and closing are not timed, except in
(a), which opens the store). Each import goes to a new, empty database; the runs of
one size are done in turns, and every import is checked for its row counts. The inputs
(raw data, rows, prebuilt CMDB) are frozen out of the garbage collector's reach
(``gc.freeze``), so that neither side pays for traversing them.

Run from the repository root (networkx and rustworkx come with the ``bench`` extra,
psycopg with the ``postgresql`` extra)::

    python benchmarks/storage_bench.py                     # sizes 10000 100000 1000000
    python benchmarks/storage_bench.py --sizes 10000
    python benchmarks/storage_bench.py --postgresql postgresql://user:password@host/db

The PostgreSQL role needs the right to create schemas in that database. The smallest
size takes seconds; one million CIs take minutes and several GB of memory.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import platform
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import networkx as nx

from fitsm import Cmdb, open_store
from fitsm.storage.ports import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling cmdb_bench module
from cmdb_bench import Dataset, build_cmdb, generate, ratio, section, table, verdict

Row = tuple[Any, ...]

GOAL_IMPORT = 2.0
GOAL_LOAD = 1.5
GOAL_POSTGRESQL = 2.0
GOAL_VERIFY = 4.0
VERIFIED_TABLES = (
    "SELECT cmdb, id, kind, type, name, owner, attributes, min_up FROM cmdb_nodes",
    "SELECT cmdb, source, target, type FROM cmdb_edges",
    "SELECT cmdb, seq, body FROM cmdb_log",
    "SELECT seq, at, actor, kind, subject, action, detail, prev, hash, state, mac FROM audit",
)

NODES_TABLE = (
    "CREATE TABLE cmdb_nodes (cmdb TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, "
    "type TEXT, name TEXT NOT NULL, owner TEXT NOT NULL, attributes TEXT NOT NULL, "
    "min_up INTEGER, PRIMARY KEY (cmdb, id))"
)
EDGES_TABLE = (
    "CREATE TABLE cmdb_edges (cmdb TEXT NOT NULL, source TEXT NOT NULL, "
    "target TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY (cmdb, source, target))"
)
NODE_COLUMNS = "cmdb, id, kind, type, name, owner, attributes, min_up"
EDGE_COLUMNS = "cmdb, source, target, type"
INSERT_NODES = f"INSERT INTO cmdb_nodes ({NODE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_EDGES = f"INSERT INTO cmdb_edges ({EDGE_COLUMNS}) VALUES (?, ?, ?, ?)"
SELECT_NODES = (
    "SELECT id, kind, type, name, owner, attributes, min_up FROM cmdb_nodes WHERE cmdb = ?"
)
SELECT_EDGES = "SELECT source, target, type FROM cmdb_edges WHERE cmdb = ?"


# -- data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """The rows of one CMDB, as a raw importer would insert them."""

    nodes: list[Row]
    edges: list[Row]

    @property
    def counts(self) -> tuple[int, int]:
        return len(self.nodes), len(self.edges)


def raw_rows(data: Dataset, cmdb_id: str) -> Rows:
    """The rows the store writes for ``build_cmdb(data)``, made straight from the raw data."""
    nodes: list[Row] = [
        (cmdb_id, i, "service", None, name, "", "{}", None) for i, name in data.services
    ]
    nodes += [
        (cmdb_id, i, "service_component", None, name, "", "{}", None) for i, name in data.components
    ]
    nodes += [(cmdb_id, i, "configuration_item", t, "", "", "{}", None) for i, t in data.cis]
    nodes += [(cmdb_id, i, "redundancy_group", None, "", "", "{}", m) for i, m in data.groups]
    edges: list[Row] = [(cmdb_id, s, t, kind) for s, t, kind in data.edges]
    return Rows(nodes, edges)


# -- measuring -----------------------------------------------------------------------------


def commit_cmdb(store: Store, cmdb: Cmdb) -> None:
    with store.unit_of_work() as uow:
        uow.cmdbs.add(cmdb)
        uow.commit()


def store_write(url: str, cmdb: Cmdb) -> float:
    """Seconds to add a prebuilt CMDB to a new store and commit it (opening not timed)."""
    store = open_store(url)
    try:
        gc.collect()
        start = time.perf_counter()
        commit_cmdb(store, cmdb)
        return time.perf_counter() - start
    finally:
        store.close()


def end_to_end(url: str, data: Dataset) -> float:
    """Seconds to build the CMDB from the raw rows, open a new store and commit it."""
    gc.collect()
    start = time.perf_counter()
    cmdb = build_cmdb(data)
    store = open_store(url)
    try:
        commit_cmdb(store, cmdb)
        return time.perf_counter() - start
    finally:
        store.close()


def median_runs(runs: dict[str, Callable[[int], float]], repeat: int) -> dict[str, float]:
    """The median of ``repeat`` calls of each run (given the run's number), in turns."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for i in range(repeat):
        for name, run in runs.items():
            times[name].append(run(i))
    return {name: statistics.median(t) for name, t in times.items()}


def check_counts(found: tuple[int, int], expected: tuple[int, int], what: str) -> None:
    assert found == expected, f"{what}: {found} (nodes, edges) rows, expected {expected}"


# -- SQLite --------------------------------------------------------------------------------


def sqlite_connect(path: Path) -> sqlite3.Connection:
    """A connection with the store's settings: autocommit, WAL, synchronous NORMAL."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def sqlite_import(path: Path, rows: Rows) -> float:
    """Seconds to insert the rows into new tables in one transaction (creation not timed)."""
    with closing(sqlite_connect(path)) as conn:
        conn.execute(NODES_TABLE)
        conn.execute(EDGES_TABLE)
        gc.collect()
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(INSERT_NODES, rows.nodes)
        conn.executemany(INSERT_EDGES, rows.edges)
        conn.execute("COMMIT")
        return time.perf_counter() - start


def sqlite_counts(path: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(path)) as conn:
        nodes = conn.execute("SELECT COUNT(*) FROM cmdb_nodes").fetchone()[0]
        edges = conn.execute("SELECT COUNT(*) FROM cmdb_edges").fetchone()[0]
        return int(nodes), int(edges)


def sqlite_differences(library: Path, raw: Path) -> int:
    """How many rows of the library's node and edge tables the raw tables do not hold."""
    with closing(sqlite3.connect(library)) as conn:
        conn.execute("ATTACH DATABASE ? AS raw", (str(raw),))
        missing = 0
        for name in ("cmdb_nodes", "cmdb_edges"):
            query = f"SELECT COUNT(*) FROM (SELECT * FROM {name} EXCEPT SELECT * FROM raw.{name})"
            missing += conn.execute(query).fetchone()[0]
        return int(missing)


def remove_database(path: Path) -> None:
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        (path.parent / name).unlink(missing_ok=True)


def load_library(url: str, cmdb_id: str) -> Cmdb:
    store = open_store(url)
    try:
        with store.unit_of_work() as uow:
            return uow.cmdbs.get(cmdb_id)
    finally:
        store.close()


def load_raw(path: Path, cmdb_id: str) -> nx.DiGraph:
    with closing(sqlite3.connect(path)) as conn:
        nodes = conn.execute(SELECT_NODES, (cmdb_id,)).fetchall()
        edges = conn.execute(SELECT_EDGES, (cmdb_id,)).fetchall()
    graph = nx.DiGraph()
    graph.add_nodes_from(row[0] for row in nodes)
    graph.add_edges_from((source, target) for source, target, _ in edges)
    return graph


def median_loads(
    path: Path, cmdb_id: str, expected: tuple[int, int], repeat: int
) -> tuple[float, float]:
    """The median load times of the library and of the raw fetch, in turns, each checked."""
    library_times: list[float] = []
    raw_times: list[float] = []
    url = sqlite_url(path)
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        cmdb = load_library(url, cmdb_id)
        library_times.append(time.perf_counter() - start)
        check_counts((len(cmdb), cmdb.graph.number_of_edges()), expected, "library load")
        del cmdb
        gc.collect()
        start = time.perf_counter()
        graph = load_raw(path, cmdb_id)
        raw_times.append(time.perf_counter() - start)
        check_counts((graph.number_of_nodes(), graph.number_of_edges()), expected, "raw load")
        del graph
    return statistics.median(library_times), statistics.median(raw_times)


# -- PostgreSQL ----------------------------------------------------------------------------


def with_search_path(url: str, schema: str) -> str:
    """The URL with ``search_path`` set to ``schema`` through the connection options."""
    parts = urlsplit(url)
    option = f"options=-csearch_path%3D{schema}"
    query = f"{parts.query}&{option}" if parts.query else option
    return urlunsplit(parts._replace(query=query))


class Postgres:
    """A server on which each import gets a new schema; every schema is dropped on close."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self.prefix = f"bench_{secrets.token_hex(4)}"
        self.schemas: set[str] = set()
        self._admin = psycopg.connect(url, autocommit=True)

    @property
    def server_version(self) -> str:
        row = self._admin.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"

    def fresh(self, name: str) -> str:
        """Drop and create the schema ``<prefix>_<name>``; the URL that writes into it."""
        from psycopg import sql

        schema = f"{self.prefix}_{name}"
        self.schemas.add(schema)
        self._admin.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )
        self._admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        return with_search_path(self.url, schema)

    def counts(self, name: str) -> tuple[int, int]:
        from psycopg import sql

        schema = sql.Identifier(f"{self.prefix}_{name}")
        found = []
        for table_name in ("cmdb_nodes", "cmdb_edges"):
            query = sql.SQL("SELECT COUNT(*) FROM {}.{}").format(schema, sql.Identifier(table_name))
            row = self._admin.execute(query).fetchone()
            found.append(int(row[0]) if row else -1)
        return found[0], found[1]

    def close(self) -> None:
        from psycopg import sql

        for schema in sorted(self.schemas):
            self._admin.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
            )
        self._admin.close()


@contextmanager
def postgres(url: str | None) -> Iterator[Postgres | None]:
    if url is None:
        yield None
        return
    server = Postgres(url)
    try:
        yield server
    finally:
        server.close()


def postgres_import(url: str, rows: Rows, copy: bool) -> float:
    """Seconds to insert the rows into new tables in one transaction, by COPY or executemany."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(NODES_TABLE)
        conn.execute(EDGES_TABLE)
        gc.collect()
        start = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            if copy:
                with cur.copy(f"COPY cmdb_nodes ({NODE_COLUMNS}) FROM STDIN") as out:
                    for row in rows.nodes:
                        out.write_row(row)
                with cur.copy(f"COPY cmdb_edges ({EDGE_COLUMNS}) FROM STDIN") as out:
                    for row in rows.edges:
                        out.write_row(row)
            else:
                cur.executemany(INSERT_NODES.replace("?", "%s"), rows.nodes)
                cur.executemany(INSERT_EDGES.replace("?", "%s"), rows.edges)
        return time.perf_counter() - start


# -- verifying the audit trail ----------------------------------------------------------------


def raw_digest_rows(url: str) -> tuple[float, int]:
    """Seconds to read every row ``verify_audit`` reads (streamed, raw driver) and take a
    SHA-256 of each; and how many rows that was."""
    gc.collect()
    start = time.perf_counter()
    n = 0
    if url.startswith("sqlite"):
        conn: Any = sqlite3.connect(url[len("sqlite:///") :])
        cursors: Any = [conn.cursor() for _ in VERIFIED_TABLES]
    else:
        import psycopg

        conn = psycopg.connect(url)  # in a transaction: server-side cursors stream
        cursors = [conn.cursor(name=f"raw{i}") for i in range(len(VERIFIED_TABLES))]
    try:
        for cur, select in zip(cursors, VERIFIED_TABLES, strict=True):
            cur.execute(select)
            while rows := cur.fetchmany(2000):
                for row in rows:
                    hashlib.sha256(repr(row).encode()).digest()
                n += len(rows)
            cur.close()
        return time.perf_counter() - start, n
    finally:
        conn.close()


def library_verify(url: str) -> tuple[float, int]:
    """Seconds ``verify_audit()`` takes on a newly opened store, and how many rows it checked."""
    store = open_store(url)
    try:
        gc.collect()
        start = time.perf_counter()
        report = store.verify_audit()  # type: ignore[attr-defined]
        seconds = time.perf_counter() - start
        assert report.ok, report.reason
        return seconds, int(report.rows)
    finally:
        store.close()


PEAK = textwrap.dedent(
    """
    import os, resource, sys
    sys.path.insert(0, {here!r})
    from fitsm import open_store
    from storage_bench import raw_digest_rows
    url = os.environ["FITSM_BENCH_URL"]
    store = open_store(url)
    if {what!r} == "raw":
        raw_digest_rows(url)
    elif {what!r} == "verify":
        assert store.verify_audit().ok
    elif {what!r} == "load":
        with store.unit_of_work() as uow:
            uow.cmdbs.get({cmdb!r})
    try:  # the peak of this address space: ru_maxrss would count the parent's, on Linux
        status = open("/proc/self/status").read()
        print(int(status.split("VmHWM:")[1].split()[0]))
    except (OSError, IndexError):
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)


def peak_mb(url: str, what: str, cmdb_id: str) -> float:
    """The peak memory (MB) of a fresh interpreter that opens the store and does ``what``:
    ``verify``, ``raw``, ``load`` or ``none``. The URL goes by the environment, never the
    command line."""
    code = PEAK.format(here=str(Path(__file__).resolve().parent), what=what, cmdb=cmdb_id)
    env = {**os.environ, "FITSM_BENCH_URL": url}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return int(done.stdout) / 1024


def tampered_verify(url: str, cmdb_id: str) -> tuple[float, int]:
    """Seconds ``verify_audit()`` takes to name one edited node row (it replays the nodes
    table row by row); the row is put back afterwards."""
    store = open_store(url)
    try:
        with store.unit_of_work() as uow:
            node = next(iter(uow.cmdbs.get(cmdb_id).nodes()))
        rename = "UPDATE cmdb_nodes SET name = ? WHERE cmdb = ? AND id = ?"
        raw_write(url, rename, (f"{node.name}x", cmdb_id, node.id))
        gc.collect()
        start = time.perf_counter()
        report = store.verify_audit()  # type: ignore[attr-defined]
        seconds = time.perf_counter() - start
        raw_write(url, rename, (node.name, cmdb_id, node.id))
        assert report.mismatch_count == 1, report.reason
        return seconds, int(report.mismatches[0].key == (cmdb_id, node.id))
    finally:
        store.close()


def raw_write(url: str, statement: str, params: tuple[Any, ...]) -> None:
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(url[len("sqlite:///") :])) as conn:
            conn.execute(statement, params)
            conn.commit()
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement.replace("?", "%s"), params)


def run_verify(backend: str, url: str, cmdb_id: str, repeat: int) -> float:
    """The verification section of one backend; the ratio verify / raw."""
    times: dict[str, list[float]] = {"verify": [], "raw": []}
    rows = raw_rows_read = 0
    for _ in range(repeat):
        seconds, rows = library_verify(url)
        times["verify"].append(seconds)
        seconds, raw_rows_read = raw_digest_rows(url)
        times["raw"].append(seconds)
    verify, raw = statistics.median(times["verify"]), statistics.median(times["raw"])
    tampered, named = tampered_verify(url, cmdb_id)
    assert named
    memory = {what: peak_mb(url, what, cmdb_id) for what in ("none", "verify", "raw", "load")}
    base = memory.pop("none")
    memory = {what: mb - base for what, mb in memory.items()}
    print(
        f"Verifying the audit trail of the imported store, {backend} ({runs(repeat)}; "
        f"verify_audit checks {rows:,} stored rows, the baseline reads {raw_rows_read:,} "
        "rows including the audit trail's)"
    )
    table(
        ["", "s", "rows/s", "vs raw", "goal", "peak MB"],
        [
            [
                "library: verify_audit()",
                f"{verify:.3f}",
                f"{rows / verify:,.0f}",
                ratio(verify, raw),
                verdict(verify / raw, GOAL_VERIFY),
                f"{memory['verify']:.0f}",
            ],
            [
                "raw: read every row, SHA-256 each",
                f"{raw:.3f}",
                f"{raw_rows_read / raw:,.0f}",
                ratio(raw, raw),
                "",
                f"{memory['raw']:.0f}",
            ],
            [
                "library: one node row edited, named",
                f"{tampered:.3f}",
                "",
                ratio(tampered, raw),
                "",
                "",
            ],
            ["(for scale) library: load the CMDB", "", "", "", "", f"{memory['load']:.0f}"],
        ],
    )
    print(
        f"goal: verify / raw = {verify / raw:.2f}x, {verdict(verify / raw, GOAL_VERIFY)}; "
        f"peak MB: a fresh interpreter's peak memory above the {base:.0f} MB of one that "
        "only imports and opens the store\n",
        flush=True,
    )
    return verify / raw


# -- one size ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    size: int
    nodes: int
    edges: int
    sqlite_end_to_end: float
    sqlite_store: float
    load: float
    postgres_end_to_end: float | None
    postgres_store: float | None
    sqlite_verify: float
    postgres_verify: float | None


def repeats(n_cis: int) -> int:
    return 5 if n_cis <= 10_000 else 3 if n_cis <= 100_000 else 1


def runs(repeat: int) -> str:
    return "one run each" if repeat == 1 else f"median of {repeat}, in turns"


def import_rows(
    name: str, seconds: float, baseline: float, rows: int, goal: float | None = None
) -> list[str]:
    return [
        name,
        f"{seconds:.3f}",
        f"{rows / seconds:,.0f}",
        ratio(seconds, baseline),
        "" if goal is None else verdict(seconds / baseline, goal),
    ]


def run_sqlite(
    data: Dataset, cmdb: Cmdb, rows: Rows, tmp: Path, repeat: int
) -> tuple[float, float, float, float]:
    """Sections 1, 2 and the SQLite verification; the ratios (a)/(c) and (b)/(c), the
    load ratio, and verify / raw."""
    expected = rows.counts
    kept = {"library": tmp / "library.db", "raw": tmp / "raw.db"}

    def database(name: str, i: int) -> Path:
        path = kept[name] if i == repeat - 1 and name in kept else tmp / f"{name}-{i}.db"
        remove_database(path)
        return path

    def run_end_to_end(i: int) -> float:
        path = database("end-to-end", i)
        seconds = end_to_end(sqlite_url(path), data)
        check_counts(sqlite_counts(path), expected, "SQLite (a) library end to end")
        remove_database(path)
        return seconds

    def run_store(i: int) -> float:
        path = database("library", i)
        seconds = store_write(sqlite_url(path), cmdb)
        check_counts(sqlite_counts(path), expected, "SQLite (b) library store write")
        if path != kept["library"]:
            remove_database(path)
        return seconds

    def run_raw(i: int) -> float:
        path = database("raw", i)
        seconds = sqlite_import(path, rows)
        check_counts(sqlite_counts(path), expected, "SQLite (c) raw sqlite3")
        if path != kept["raw"]:
            remove_database(path)
        return seconds

    times = median_runs({"raw": run_raw, "store": run_store, "end": run_end_to_end}, repeat)
    missing = sqlite_differences(kept["library"], kept["raw"])
    assert missing == 0, f"{missing} rows of the library are not among the raw rows"
    total = sum(expected)
    print(
        f"Bulk import into SQLite ({total:,} rows; {runs(repeat)}, "
        "each into a new database file; the library's rows equal the raw ones)"
    )
    raw = times["raw"]
    table(
        ["", "s", "rows/s", "vs (c)", "goal"],
        [
            import_rows("(a) library end to end: build_cmdb + commit", times["end"], raw, total),
            import_rows(
                "(b) library store write: add + commit", times["store"], raw, total, GOAL_IMPORT
            ),
            import_rows("(c) raw sqlite3 executemany", raw, raw, total),
        ],
    )
    print(
        f"goal, judged on the import through the store: (b) / (c) = "
        f"{ratio(times['store'], raw)}, {verdict(times['store'] / raw, GOAL_IMPORT)}; "
        f"(a) / (c) = {ratio(times['end'], raw)} is informative: (a) also builds and "
        "validates the CMDB in memory\n"
    )

    library_load, raw_load = median_loads(kept["library"], cmdb.id, expected, repeat)
    load = library_load / raw_load
    print(
        f"Loading the whole CMDB from SQLite ({runs(repeat)}, each on a new "
        "connection to the same database file)"
    )
    table(
        ["", "s", "vs raw", "goal"],
        [
            [
                "library: open_store + uow.cmdbs.get",
                f"{library_load:.3f}",
                ratio(library_load, raw_load),
                verdict(load, GOAL_LOAD),
            ],
            [
                "raw sqlite3 fetch + networkx.DiGraph",
                f"{raw_load:.3f}",
                ratio(raw_load, raw_load),
                "",
            ],
        ],
    )
    print(f"goal: library load / raw = {load:.2f}x, {verdict(load, GOAL_LOAD)}\n")
    verify = run_verify("SQLite", sqlite_url(kept["library"]), cmdb.id, repeat)
    for path in kept.values():
        remove_database(path)
    return times["end"] / raw, times["store"] / raw, load, verify


def run_postgres(
    server: Postgres, data: Dataset, cmdb: Cmdb, rows: Rows, repeat: int
) -> tuple[float, float, float]:
    """Section 3 and the PostgreSQL verification; the ratios end to end and store write
    against the faster raw import, and verify / raw."""
    expected = rows.counts

    def checked(name: str, what: str, run: Callable[[str], float]) -> Callable[[int], float]:
        def once(_: int) -> float:
            seconds = run(server.fresh(name))
            check_counts(server.counts(name), expected, f"PostgreSQL {what}")
            return seconds

        return once

    times = median_runs(
        {
            "copy": checked("copy", "raw COPY", lambda url: postgres_import(url, rows, copy=True)),
            "many": checked(
                "many", "raw executemany", lambda url: postgres_import(url, rows, copy=False)
            ),
            "store": checked("store", "library store write", lambda url: store_write(url, cmdb)),
            "end": checked("end", "library end to end", lambda url: end_to_end(url, data)),
        },
        repeat,
    )
    baseline = min(times["copy"], times["many"])
    faster = "COPY" if times["copy"] <= times["many"] else "executemany"
    total = sum(expected)
    print(
        f"Bulk import into PostgreSQL ({total:,} rows; {runs(repeat)}, "
        "each into a new schema; baseline: the faster raw import)"
    )
    table(
        ["", "s", "rows/s", "vs baseline", "goal"],
        [
            import_rows("library end to end: build_cmdb + commit", times["end"], baseline, total),
            import_rows(
                "library store write: add + commit",
                times["store"],
                baseline,
                total,
                GOAL_POSTGRESQL,
            ),
            import_rows("raw psycopg executemany", times["many"], baseline, total),
            import_rows("raw psycopg COPY (write_row)", times["copy"], baseline, total),
        ],
    )
    store = times["store"] / baseline
    print(
        f"goal, judged on the store write: store write / raw {faster} = "
        f"{store:.2f}x, {verdict(store, GOAL_POSTGRESQL)}; "
        f"end to end / raw {faster} = {ratio(times['end'], baseline)} is informative\n",
        flush=True,
    )
    # the schema "store" holds the last store write
    verify = run_verify(
        "PostgreSQL", with_search_path(server.url, f"{server.prefix}_store"), cmdb.id, repeat
    )
    return times["end"] / baseline, store, verify


def run_size(n_cis: int, seed: int, server: Postgres | None) -> Summary:
    start = time.perf_counter()
    data = generate(n_cis, seed)
    cmdb = build_cmdb(data)
    rows = raw_rows(data, cmdb.id)
    section(f"N = {n_cis:,} CIs")
    print(
        f"{len(rows.nodes):,} node rows, {len(rows.edges):,} edge rows; data generated, CMDB "
        f"built and rows made in {time.perf_counter() - start:.1f} s (not timed)\n",
        flush=True,
    )
    repeat = repeats(n_cis)
    # the inputs stay alive throughout: out of the collector's reach, no run pays for them
    gc.collect()
    gc.freeze()
    try:
        with tempfile.TemporaryDirectory(prefix="fitsm-storage-bench-") as tmp:
            sqlite_end, sqlite_store, load, sqlite_verify = run_sqlite(
                data, cmdb, rows, Path(tmp), repeat
            )
        postgres_end = postgres_store = postgres_verify = None
        if server is not None:
            postgres_end, postgres_store, postgres_verify = run_postgres(
                server, data, cmdb, rows, repeat
            )
    finally:
        gc.unfreeze()
    return Summary(
        n_cis,
        len(rows.nodes),
        len(rows.edges),
        sqlite_end,
        sqlite_store,
        load,
        postgres_end,
        postgres_store,
        sqlite_verify,
        postgres_verify,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], metavar="N"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgresql",
        metavar="URL",
        help="also import into this PostgreSQL database, each import in a new schema",
    )
    args = parser.parse_args(argv)

    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(
        f"fitsm {version('fitsm')}, networkx {nx.__version__}, "
        f"SQLite {sqlite3.sqlite_version} (WAL, synchronous NORMAL)"
    )
    with postgres(args.postgresql) as server:
        if server is not None:
            print(f"psycopg {version('psycopg')}, PostgreSQL server {server.server_version}")
        print(f"sizes {' '.join(f'{n:,}' for n in args.sizes)}, seed {args.seed}\n", flush=True)
        summaries = []
        for n_cis in args.sizes:
            summaries.append(run_size(n_cis, args.seed, server))
            gc.collect()

    section("Summary: ratios library / baseline")
    header = ["N", "nodes", "edges", "SQLite (a) e2e", "SQLite (b) store", "SQLite load"]
    header.append("SQLite verify")
    if args.postgresql:
        header += ["PostgreSQL e2e", "PostgreSQL store", "PostgreSQL verify"]
    lines = []
    for s in summaries:
        line = [
            f"{s.size:,}",
            f"{s.nodes:,}",
            f"{s.edges:,}",
            f"{s.sqlite_end_to_end:.2f}x",
            f"{s.sqlite_store:.2f}x",
            f"{s.load:.2f}x",
            f"{s.sqlite_verify:.2f}x",
        ]
        if (
            s.postgres_end_to_end is not None
            and s.postgres_store is not None
            and s.postgres_verify is not None
        ):
            line += [
                f"{s.postgres_end_to_end:.2f}x",
                f"{s.postgres_store:.2f}x",
                f"{s.postgres_verify:.2f}x",
            ]
        lines.append(line)
    table(header, lines)
    goals = (
        f"goals: SQLite store write <= {GOAL_IMPORT:g}x raw sqlite3 executemany, "
        f"load <= {GOAL_LOAD:g}x raw fetch + networkx, "
        f"verify <= {GOAL_VERIFY:g}x reading and digesting every row raw"
    )
    if args.postgresql:
        goals += f", PostgreSQL store write <= {GOAL_POSTGRESQL:g}x the faster of raw psycopg"
    print(goals + "; end-to-end (e2e) figures are informative")


if __name__ == "__main__":
    main()
