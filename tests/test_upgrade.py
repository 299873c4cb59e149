"""A store written by an older fitsm opens in this one, its data migrated.

``tests/data/store-schema-1.db`` was written by fitsm 0.1.0.dev0 (schema 1; see
``tests/data/make_store_schema_1.py``).
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fitsm import Outage, open_store
from fitsm.cases import CaseQuery
from fitsm.roles import CASE_ROLES
from fitsm.storage import codec
from fitsm.storage.sql import SCHEMA_VERSION

OLD = Path(__file__).parent / "data" / "store-schema-1.db"
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def upgraded(tmp_path: Path):
    path = tmp_path / "old.db"
    shutil.copy(OLD, path)
    store = open_store(f"sqlite:///{path}")
    yield store, path
    store.close()


def test_the_schema_is_upgraded_to_this_version(upgraded) -> None:
    _, path = upgraded
    with sqlite3.connect(path) as conn:
        (version,) = conn.execute(
            "SELECT value FROM fitsm_meta WHERE key = 'schema_version'"
        ).fetchone()
    assert int(version) == SCHEMA_VERSION


def test_the_outage_document_becomes_one_row_per_outage(upgraded) -> None:
    store, path = upgraded
    with store.unit_of_work() as uow:
        found = uow.outages.find(T0, T0 + timedelta(days=3))
    assert [o.id for o in found] == ["default-1", "default-2", "default-3"]
    assert [o.subject for o in found] == ["db1", "web1", "san1"]
    assert found[1].state == "degraded"
    assert found[1].planned
    assert found[0].end - found[0].start == timedelta(hours=1)
    with sqlite3.connect(path) as conn:
        assert conn.execute(
            "SELECT count(*) FROM aggregates WHERE kind = 'outages'"
        ).fetchone() == (0,)


def test_everything_else_reads_back(upgraded) -> None:
    store, _ = upgraded
    with store.unit_of_work() as uow:
        cmdb = uow.cmdbs.get("example")
        assert "sw9" in cmdb
        assert cmdb.history("sw9")[0].actor == "ann"
        assert uow.portfolios.get("example").service("shop").name
        assert uow.agreements.get().current("sla-shop").covers == ("shop",)
        assert uow.roles.get().knows("bob")
        incident = uow.cases.get("INC-1")
        assert incident.status == "assigned"
        assert incident.priority is not None
        assert uow.cases.get("INC-2").status == "new"


def test_agreements_stored_before_effective_dates_give_the_same_answers(upgraded) -> None:
    """Version 1 takes effect when it becomes valid, as it always did (issue 10), and
    reading the set writes nothing: it encodes to the text stored."""
    store, path = upgraded

    def stored() -> tuple[int, str]:
        with sqlite3.connect(path) as conn:
            return conn.execute(
                "SELECT version, body FROM aggregates WHERE kind = 'agreements'"
            ).fetchone()

    version, body = stored()
    assert "effective_from" not in body
    with store.unit_of_work() as uow:
        registry = uow.agreements.get()
        uow.commit()
    sla = registry.current("sla-shop")
    assert sla.effective_from is None and sla.effective is None
    for at in (T0 - timedelta(days=400), T0, T0 + timedelta(days=400)):
        assert registry.version_at("sla-shop", at) == sla
        assert registry.sla_for("shop", at) == sla
    assert codec.dumps(registry) == body
    assert stored() == (version, body)


def test_stored_cases_are_indexed_for_queries(upgraded) -> None:
    store, _ = upgraded
    with store.unit_of_work() as uow:
        found = uow.cases.find(CaseQuery(kind="incident", open=True))
        shop = uow.cases.find(CaseQuery(service="shop", status="assigned"))
    assert [c.id for c in found] == ["INC-1", "INC-2"]
    assert [c.id for c in shop] == ["INC-1"]


def test_roles_held_for_one_case_move_onto_the_case(upgraded) -> None:
    store, _ = upgraded
    with store.unit_of_work() as uow:
        roles = uow.roles.get()
        assert not [a for a in roles.assignments if a.role in CASE_ROLES]
        assert roles.has_role("ann", "process_staff", "ISRM")  # organisational roles stay
        assert uow.cases.get("INC-2").owner == "bob"
        assert uow.cases.get("INC-1").coordinator == "ann"
        assert [c.id for c in uow.cases.find(CaseQuery(owner="bob"))] == ["INC-2"]


def test_the_outbox_starts_empty_and_fills(upgraded) -> None:
    store, _ = upgraded
    assert store.events() == []
    with store.unit_of_work() as uow:
        uow.outages.record(Outage("db1", T0, id="new-0"))
        uow.commit()
    assert [e.kind for e in store.events()] == ["outage_recorded"]


def test_the_audit_chain_still_verifies_and_grows(upgraded) -> None:
    store, _ = upgraded
    assert store.verify_audit().ok
    with store.unit_of_work() as uow:
        (id,) = uow.outages.record(Outage("db1", T0, id="new-1"))
        uow.outages.close(id, T0 + timedelta(minutes=5))
        uow.commit()
    assert store.verify_audit().ok
