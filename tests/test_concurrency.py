"""Nothing is lost: concurrent writers in several processes, and a writer killed mid-write."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fitsm import (
    CiType,
    Cmdb,
    CmdbSchema,
    ConfigurationItem,
    ConflictError,
    Incident,
    InvalidTransitionError,
    open_store,
)
from fitsm.cases import INCIDENT
from tests.contract.conftest import POSTGRESQL, fresh_postgresql_url

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
CIS = [f"ci{i}" for i in range(3)]
WORKERS, ATTEMPTS = 4, 12


def urls(tmp_path: Path) -> list[str]:
    found = [f"sqlite:///{tmp_path / 'shared.db'}"]
    if POSTGRESQL:
        found.append(fresh_postgresql_url())
    return found


def backend_url(tmp_path: Path, backend: str) -> str:
    chosen = [u for u in urls(tmp_path) if u.startswith(backend)]
    if not chosen:
        if os.environ.get("CI"):
            pytest.fail("FITSM_TEST_POSTGRESQL_URL is not set: CI must run the PostgreSQL tests")
        pytest.skip("PostgreSQL runs only with FITSM_TEST_POSTGRESQL_URL (CI sets it)")
    return chosen[0]


def seed(url: str) -> None:
    store = open_store(url)
    cmdb = Cmdb(CmdbSchema(ci_types=[CiType("box", ["note"])]), id="shared")
    cmdb.add_many([ConfigurationItem(c, "box") for c in CIS], [], actor="seed", at=AT)
    with store.unit_of_work() as uow:
        uow.cmdbs.add(cmdb)
        uow.cases.add(
            Incident(
                "INC-1", "shared", AT, "seed", category="c", impact="h", urgency="h", priority="P1"
            )
        )
        uow.commit()
    store.close()


def worker(url: str, n: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    rng = random.Random(n)
    store = open_store(url)
    won, lost = [], 0
    for k in range(ATTEMPTS):
        note = f"w{n}-{k}"
        try:
            with store.unit_of_work() as uow:
                cmdb = uow.cmdbs.get("shared")
                cmdb.update_ci(rng.choice(CIS), actor=f"w{n}", at=AT, attributes={"note": note})
                case = uow.cases.get("INC-1")
                event = "escalate" if case.status == "assigned" else "assign"
                INCIDENT.fire(case, event, actor=f"w{n}", at=AT, group=note)
                time.sleep(rng.random() / 200)
                uow.commit()
            won.append(note)
        except ConflictError:
            lost += 1
        except InvalidTransitionError:
            lost += 1
    store.close()
    queue.put((won, lost))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_writers_lose_nothing_and_losers_are_told(tmp_path, backend) -> None:
    url = backend_url(tmp_path, backend)
    seed(url)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(url, n, queue)) for n in range(WORKERS)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    won = [note for notes, _ in results for note in notes]
    assert len(won) + sum(lost for _, lost in results) == WORKERS * ATTEMPTS
    assert won, "somebody must have won"

    store = open_store(url)
    with store.unit_of_work() as uow:
        cmdb = uow.cmdbs.get("shared")
        case = uow.cases.get("INC-1")
    notes = [c.new for ci in CIS for c in cmdb.history(ci) if c.attribute == "note"]
    assert sorted(notes) == sorted(won)  # every committed change, and only those
    assert sorted(h.changes["group"] for h in case.history) == sorted(won)
    assert store.verify_audit().ok
    store.close()


def bulk_writer(url: str, ready: str) -> None:
    store = open_store(url)
    big = Cmdb(CmdbSchema(ci_types=["box"]), id="big")
    big.add_many(
        [ConfigurationItem(f"b{i}", "box", name="x" * 50) for i in range(200_000)],
        [(f"b{i}", f"b{i + 1}") for i in range(199_999)],
        actor="bulk",
        at=AT,
    )
    Path(ready).write_text("go")
    with store.unit_of_work() as uow:
        uow.cmdbs.add(big)
        uow.commit()
    Path(ready).write_text("done")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_writer_killed_mid_bulk_write_leaves_a_sound_store(tmp_path, backend) -> None:
    url = backend_url(tmp_path, backend)
    seed(url)
    ready = tmp_path / "ready"
    proc = multiprocessing.get_context("spawn").Process(target=bulk_writer, args=(url, str(ready)))
    proc.start()
    deadline = time.monotonic() + 120
    while not (ready.exists() and ready.read_text() == "go"):
        assert time.monotonic() < deadline, "the writer never got ready"
        time.sleep(0.01)
    time.sleep(0.3)  # well into the commit of 400,000 rows
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    assert ready.read_text() == "go", "the write finished before the kill; make it bigger"

    if backend == "sqlite":
        path = url[len("sqlite:///") :]
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = open_store(url)
    with store.unit_of_work() as uow:
        assert uow.cmdbs.ids() == ["shared"]  # the committed one, none of the interrupted one
        assert sorted(n.id for n in uow.cmdbs.get("shared").nodes()) == CIS
    assert not store.connection.read("SELECT 1 FROM cmdb_nodes WHERE cmdb = 'big'")
    assert store.verify_audit().ok
    store.close()


def own_ci_writer(url: str, n: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = open_store(url)
    won, lost = [], 0
    for k in range(ATTEMPTS):
        note = f"own{n}-{k}"
        try:
            with store.unit_of_work(actor=f"w{n}") as uow:
                uow.cmdbs.get("shared").update_ci(
                    f"own{n}", actor=f"w{n}", at=AT, attributes={"note": note}
                )
                uow.commit()
            won.append(note)
        except ConflictError:
            lost += 1
    store.close()
    queue.put((won, lost))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_writers_of_different_cis_of_one_cmdb_never_conflict(tmp_path, backend) -> None:
    url = backend_url(tmp_path, backend)
    store = open_store(url)
    cmdb = Cmdb(CmdbSchema(ci_types=[CiType("box", ["note"])]), id="shared")
    cmdb.add_many(
        [ConfigurationItem(f"own{n}", "box") for n in range(WORKERS)], [], actor="seed", at=AT
    )
    with store.unit_of_work() as uow:
        uow.cmdbs.add(cmdb)
        uow.commit()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=own_ci_writer, args=(url, n, queue)) for n in range(WORKERS)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert sum(lost for _, lost in results) == 0
    with store.unit_of_work() as uow:
        stored = uow.cmdbs.get("shared")
    for n in range(WORKERS):
        notes = [c.new for c in stored.history(f"own{n}") if c.attribute == "note"]
        assert notes == [f"own{n}-{k}" for k in range(ATTEMPTS)]  # every one, in order
    assert store.verify_audit().ok
    store.close()


def pair_writer(url: str, rounds: int) -> None:
    store = open_store(url)
    for k in range(rounds):
        with store.unit_of_work() as uow:
            cmdb = uow.cmdbs.get("shared")
            for ci in CIS[:2]:  # one commit sets both: nobody may ever see one without the other
                cmdb.update_ci(ci, actor="w", at=AT, attributes={"note": f"k{k}"})
            uow.commit()
    store.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_readers_during_writes_never_see_half_a_commit(tmp_path, backend) -> None:
    url = backend_url(tmp_path, backend)
    seed(url)
    writer = multiprocessing.get_context("spawn").Process(target=pair_writer, args=(url, 40))
    writer.start()
    reader = open_store(url)
    loads = 0
    while writer.is_alive() or loads < 5:
        with reader.unit_of_work() as uow:
            cmdb = uow.cmdbs.get("shared")  # caught up from the log after the first load
            notes = {cmdb.ci(ci).attributes.get("note") for ci in CIS[:2]}
            assert len(notes) == 1, notes
        loads += 1
    writer.join()
    with reader.unit_of_work() as uow:
        assert uow.cmdbs.get("shared").ci(CIS[0]).attributes["note"] == "k39"
    reader.close()
