"""The audit on every backend: it reads the store, never changes it, and says the same thing.

The provider of ``tests/conformance_world.py`` is saved in each store and audited.
What is stored (every row of every table, on SQL stores; every aggregate, case,
outage and event, on all) and the audit trail are compared before and after.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from fitsm.conformance import audit, audit_snapshot
from fitsm.storage import Store
from tests.conformance_world import AT, World

KINDS = ("portfolios", "cmdbs", "agreements", "roles", "reviews", "risks", "continuity",
         "security", "suppliers", "capacity", "customers", "reports", "products")  # fmt: skip


def stored(store: Store) -> dict[str, Any]:
    """Everything the store holds, as seen through a unit of work."""
    seen: dict[str, Any] = {}
    with store.unit_of_work() as uow:
        for kind in KINDS:
            repository = getattr(uow, kind)
            seen[kind] = {i: repository.get(i).version for i in sorted(repository.ids())}
        seen["cases"] = [(c.id, c.version, str(c.status), c.history) for c in uow.cases.find()]
        seen["outages"] = uow.outages.find(AT.replace(year=2000), AT.replace(year=2100))
        seen["utilisation"] = [
            (subject, metric, len(uow.utilisation.read(subject, metric)))
            for subject, metric, _ in uow.utilisation.series()
        ]
    seen["events"] = store.events(limit=10_000)
    return seen


def rows(url: str) -> dict[str, list[tuple[Any, ...]]] | None:
    """Every row of every table, for the SQL stores that keep them somewhere we can read."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            names = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr)
                    for n in sorted(names)}  # fmt: skip
    if url.startswith("postgresql"):
        import psycopg

        options = parse_qs(urlsplit(url).query).get("options", [""])[0]
        schema = options.partition("search_path=")[2]
        with psycopg.connect(url) as conn:
            names = [r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,))]  # fmt: skip
            return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr)
                    for n in sorted(names)}  # fmt: skip
    return None


@pytest.fixture
def provider(store: Store) -> Store:
    return World().store(store)


def test_the_audit_never_changes_the_store(provider: Store, store_url: str) -> None:
    before, tables = stored(provider), rows(store_url)
    audit(provider, at=AT)
    assert stored(provider) == before
    assert rows(store_url) == tables


def test_the_audit_of_a_store_is_the_audit_of_what_it_holds(provider: Store) -> None:
    first = audit(provider, at=AT)
    assert first.to_json() == audit(provider, at=AT).to_json()
    assert first.to_json() == audit_snapshot(World().snapshot()).to_json()
    # every machine rule met by the conformant provider, stored and read back
    assert first.of_status("partly_met") == []
    assert first.counts() == {
        "met": 81,
        "partly_met": 0,
        "not_met": 0,
        "needs_evidence": 1,
        "not_applicable": 0,
    }


def test_progress_is_reported_for_each_kind(provider: Store) -> None:
    calls: list[tuple[int, int]] = []
    audit(provider, at=AT, progress=lambda done, total: calls.append((done, total)))
    # fifteen kinds of aggregate, the utilisation, the cases, the outages
    assert calls == [(n, 18) for n in range(1, 19)]
