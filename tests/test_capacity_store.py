"""Utilisation samples in the SQL stores: the schema 6 -> 7 upgrade, the audit entry of a
batch, and a large batch read back exactly."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from fitsm import open_store
from fitsm.capacity import UtilisationSeries
from fitsm.storage.sql import SCHEMA_VERSION
from fitsm.time.intervals import micros

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def test_a_schema_6_store_gets_the_utilisation_tables(tmp_path: Path) -> None:
    path = tmp_path / "six.db"
    open_store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:  # the store as schema 6 left it
        conn.execute("DROP TABLE utilisation")
        conn.execute("DROP TABLE utilisation_series")
        conn.execute("UPDATE fitsm_meta SET value = '6' WHERE key = 'schema_version'")
    store = open_store(f"sqlite:///{path}")
    with store.unit_of_work("ann") as uow:
        uow.utilisation.append(UtilisationSeries.of("san1", "storage", "TB", [T0], [41.0]))
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.utilisation.read("san1", "storage").values.tolist() == [41.0]
    assert store.verify_audit().ok
    store.close()
    with sqlite3.connect(path) as conn:
        (version,) = conn.execute(
            "SELECT value FROM fitsm_meta WHERE key = 'schema_version'"
        ).fetchone()
    assert int(version) == SCHEMA_VERSION == 8


def test_a_batch_is_one_audit_entry_with_the_digest_of_its_samples(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    start = micros(T0)
    times = start + 60_000_000 * np.arange(100_000, dtype=np.int64)  # a sample a minute
    values = np.sin(np.arange(100_000) / 1000.0) * 10 + 50
    with store.unit_of_work("ann") as uow:
        uow.utilisation.append(UtilisationSeries("san1", "storage", "TB", times, values))
        uow.commit()
    [entry] = [e for e in store.audit_entries() if e["kind"] == "utilisation"]
    assert (entry["actor"], entry["subject"], entry["action"]) == (
        "ann",
        "san1/storage",
        "recorded",
    )
    assert entry["detail"]["samples"] == 100_000
    assert entry["detail"]["first"] == "2026-01-05T00:00:00+00:00"
    with store.unit_of_work() as uow:
        back = uow.utilisation.read("san1", "storage")
    # float64 values and integer instants come back bit for bit
    assert np.array_equal(back.times, times) and np.array_equal(back.values, values)
    assert store.verify_audit().ok
    store.close()
