"""What only the SQL stores promise: audit chain, schema versions, odd input, failing disks."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitsm import (
    CiType,
    Cmdb,
    CmdbSchema,
    ConfigurationItem,
    Incident,
    StoreError,
    open_store,
)
from fitsm.cases import INCIDENT, CaseQuery
from fitsm.demo import example_provider
from fitsm.storage.sql import schema as sql_module

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "fitsm.db"


def saved_store(path: Path):
    store = open_store(f"sqlite:///{path}")
    portfolio, cmdb = example_provider()
    with store.unit_of_work() as uow:
        uow.cmdbs.add(cmdb)
        uow.portfolios.add(portfolio)
        uow.commit()
    with store.unit_of_work() as uow:
        cmdb = uow.cmdbs.get("example")
        cmdb.update_ci("db1", actor="bob", at=AT, owner="dba")
        incident = Incident("INC-1", "db slow", AT, "ann", category="db")
        INCIDENT.fire(
            incident, "prioritise", actor="ann", at=AT, impact="high", urgency="low", priority="P3"
        )
        uow.cases.add(incident)
        uow.commit()
    return store


class TestAuditTrail:
    def test_every_change_is_recorded_and_the_chain_verifies(self, db) -> None:
        store = saved_store(db)
        entries = store.audit_entries()
        assert [(e["kind"], e["action"]) for e in entries] == [
            ("portfolio", "saved"),
            ("cmdb", "imported"),
            ("cmdb", "imported"),
            ("incident", "prioritise"),
            ("ci", "updated"),
        ]
        assert entries[4]["subject"] == "example:db1" and entries[4]["detail"]["new"] == "dba"
        assert entries[3]["detail"]["changes"]
        assert store.verify_audit().ok

    def test_an_edited_entry_is_named(self, db) -> None:
        store = saved_store(db)
        store.close()
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 3")
        report = open_store(f"sqlite:///{db}").verify_audit()
        assert (report.ok, report.first_broken) == (False, 3)
        assert "entry 3 was changed" in report.reason

    def test_a_deleted_entry_is_named(self, db) -> None:
        saved_store(db).close()
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM audit WHERE seq = 2")
        report = open_store(f"sqlite:///{db}").verify_audit()
        assert report.first_broken == 2 and "missing" in report.reason

    def test_removing_the_newest_entries_is_detected(self, db) -> None:
        saved_store(db).close()
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)")
        assert not open_store(f"sqlite:///{db}").verify_audit().ok


class TestOpening:
    def test_a_new_file_becomes_a_store_and_reopens(self, db) -> None:
        saved_store(db).close()
        with open_store(f"sqlite:///{db}").unit_of_work() as uow:
            assert uow.cmdbs.get("example").ci("db1").owner == "dba"

    def test_a_foreign_database_is_refused_and_untouched(self, db) -> None:
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE customers (id INTEGER)")
        before = digest(db)
        with pytest.raises(StoreError, match="is not a fitsm store: it has tables \\(customers\\)"):
            open_store(f"sqlite:///{db}")
        assert digest(db) == before

    def test_a_file_that_is_not_a_database_is_refused_and_untouched(self, db) -> None:
        db.write_bytes(b"name,owner\nweb1,ann\n" * 100)
        before = digest(db)
        with pytest.raises(StoreError, match="is not a fitsm store"):
            open_store(f"sqlite:///{db}")
        assert digest(db) == before

    def test_an_empty_file_is_not_taken_for_a_new_store(self, db) -> None:
        db.write_bytes(b"")
        with pytest.raises(StoreError, match="exists and is empty, so it is not a fitsm store"):
            open_store(f"sqlite:///{db}")
        assert db.read_bytes() == b""

    def test_a_schema_version_that_is_no_number_is_refused(self, db) -> None:
        saved_store(db).close()
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE fitsm_meta SET value = 'five' WHERE key = 'schema_version'")
        before = digest(db)
        with pytest.raises(StoreError, match="schema_version 'five' is not a whole number"):
            open_store(f"sqlite:///{db}")
        assert digest(db) == before

    def test_a_store_from_a_newer_fitsm_is_refused_and_untouched(self, db) -> None:
        saved_store(db).close()
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE fitsm_meta SET value = '99' WHERE key = 'schema_version'")
        before = digest(db)
        with pytest.raises(StoreError, match="written by a newer fitsm \\(schema 99"):
            open_store(f"sqlite:///{db}")
        assert digest(db) == before

    def test_an_older_store_is_upgraded_on_open(self, db, monkeypatch) -> None:
        saved_store(db).close()
        ran = []
        now = sql_module.SCHEMA_VERSION
        monkeypatch.setattr(sql_module, "SCHEMA_VERSION", now + 1)
        monkeypatch.setitem(
            sql_module.MIGRATIONS,
            now,
            lambda store, cur: ran.append(cur.execute("CREATE TABLE extra (x TEXT)")),
        )
        open_store(f"sqlite:///{db}").close()
        with sqlite3.connect(db) as conn:
            version = conn.execute(
                "SELECT value FROM fitsm_meta WHERE key = 'schema_version'"
            ).fetchone()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert ran and version == (str(now + 1),) and "extra" in tables

    def test_a_missing_directory_is_named(self, tmp_path) -> None:
        with pytest.raises(StoreError, match="does not exist"):
            open_store(f"sqlite:///{tmp_path / 'nope' / 'fitsm.db'}")


odd_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
).filter(lambda s: s == s.strip())


class TestOddInput:
    @given(
        ids=st.lists(odd_text, min_size=1, max_size=5, unique=True),
        value=st.text(max_size=40).filter(lambda s: "\x00" not in s),
    )
    @settings(max_examples=40, deadline=None)
    def test_quotes_keywords_and_unicode_are_stored_verbatim(self, ids, value) -> None:
        store = open_store("sqlite:///:memory:")
        cmdb = Cmdb(CmdbSchema(ci_types=[CiType("x", ["note"])]), id="'; DROP TABLE cmdbs; --")
        cmdb.add_many(
            [ConfigurationItem(i, "x", attributes={"note": value}) for i in ids],
            [],
            actor="a",
            at=AT,
        )
        with store.unit_of_work() as uow:
            uow.cmdbs.add(cmdb)
            uow.commit()
        with store.unit_of_work() as uow:
            again = uow.cmdbs.get("'; DROP TABLE cmdbs; --")
        assert again._records == cmdb._records
        store.close()


class TestFailingDisks:
    def test_a_read_only_store_refuses_writes_and_keeps_its_data(self, db) -> None:
        saved_store(db).close()
        before = digest(db)
        store = open_store(f"sqlite:///{db}?mode=ro")
        with store.unit_of_work() as uow:
            cmdb = uow.cmdbs.get("example")
            cmdb.update_ci("db1", actor="eve", at=AT, owner="eve")
            with pytest.raises(StoreError, match="readonly|read-only"):
                uow.commit()
        with store.unit_of_work() as uow:
            assert uow.cmdbs.get("example").ci("db1").owner == "dba"
        store.close()
        assert digest(db) == before

    def test_a_full_disk_gives_a_store_error_and_keeps_what_was_committed(self, db) -> None:
        store = saved_store(db)
        # limit the database to its current size: the next big write cannot fit
        raw = store.connection.raw
        raw.execute("PRAGMA max_page_count = 0")  # lowers the cap to the pages in use
        pages = raw.execute("PRAGMA page_count").fetchone()[0]
        raw.execute(f"PRAGMA max_page_count = {pages}")
        big = Cmdb(CmdbSchema(ci_types=["x"]), id="big")
        big.add_many(
            [ConfigurationItem(f"ci{i}", "x", name="n" * 200) for i in range(5000)],
            [],
            actor="a",
            at=AT,
        )
        with pytest.raises(StoreError, match="full"), store.unit_of_work() as uow:
            uow.cmdbs.add(big)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.cmdbs.ids() == ["example"]
            assert uow.cmdbs.get("example").ci("db1").owner == "dba"
        assert store.verify_audit().ok


class TestWarmCmdb:
    """A process that has loaded a CMDB catches up from the log instead of reloading it."""

    def reads(self, store, monkeypatch) -> list[str]:
        seen: list[str] = []
        original = type(store.connection).snapshot

        def spy(connection, work):  # type: ignore[no-untyped-def]
            def recording(reader):  # type: ignore[no-untyped-def]
                read = reader.read

                def logged(statement, params=()):  # type: ignore[no-untyped-def]
                    seen.append(statement)
                    return read(statement, params)

                reader.read = logged
                return work(reader)

            return original(connection, recording)

        monkeypatch.setattr(type(store.connection), "snapshot", spy)
        return seen

    def test_the_next_unit_of_work_reads_only_the_new_log_entries(self, db, monkeypatch) -> None:
        store = saved_store(db)
        with store.unit_of_work() as uow:
            first = uow.cmdbs.get("example")
        other = open_store(f"sqlite:///{db}")
        with other.unit_of_work() as uow:
            uow.cmdbs.get("example").update_ci("db1", actor="bob", at=AT, owner="bob")
            uow.commit()
        seen = self.reads(store, monkeypatch)
        with store.unit_of_work() as uow:
            again = uow.cmdbs.get("example")
        assert again is first
        assert again.ci("db1").owner == "bob"
        assert not any("cmdb_nodes" in s or "cmdb_edges" in s for s in seen), seen
        with open_store(f"sqlite:///{db}").unit_of_work() as uow:
            assert again == uow.cmdbs.get("example")  # the same as a full load

    def test_rolling_back_restores_the_loaded_cmdb_exactly(self, db) -> None:
        store = saved_store(db)
        with store.unit_of_work() as uow:
            cmdb = uow.cmdbs.get("example")
            before = cmdb.copy()
            cmdb.remove("san1", actor="ann", at=AT)
            cmdb.add(ConfigurationItem("sw9", "switch"), actor="ann", at=AT)
            cmdb.update_ci("db1", actor="ann", at=AT, owner="nobody")
        assert cmdb == before
        with store.unit_of_work() as uow:
            assert uow.cmdbs.get("example") is cmdb

    def test_a_cmdb_changed_after_its_unit_of_work_ended_is_not_handed_out(self, db) -> None:
        store = saved_store(db)
        with store.unit_of_work() as uow:
            kept = uow.cmdbs.get("example")
        kept.add(ConfigurationItem("sw9", "switch"), actor="ann", at=AT)
        with store.unit_of_work() as uow:
            again = uow.cmdbs.get("example")
        assert again is not kept
        assert "sw9" not in again


class TestOutbox:
    def test_events_outlive_the_process_that_committed_them(self, db) -> None:
        from fitsm import Outage

        store = open_store(f"sqlite:///{db}")
        with store.unit_of_work() as uow:
            uow.outages.record(Outage("mx1", AT, id="out-1"))
            uow.commit()
        store.close()  # the process ends before anyone delivered the event
        again = open_store(f"sqlite:///{db}")
        (event,) = again.pending_events("mailer")
        assert (event.kind, event.subject) == ("outage_recorded", "out-1")
        again.acknowledge("mailer", event.position)
        again.close()
        assert open_store(f"sqlite:///{db}").pending_events("mailer") == []


class TestAuditAnchor:
    def test_a_deleted_head_row_is_named_and_later_commits_write_nothing(self, db) -> None:
        store = saved_store(db)
        store.close()
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM fitsm_meta WHERE key = 'audit_head'")
        store = open_store(f"sqlite:///{db}")
        report = store.verify_audit()
        assert (report.ok, report.reason) == (False, "the chain's head is gone from fitsm_meta")
        with pytest.raises(StoreError, match="tampered"), store.unit_of_work() as uow:
            uow.cmdbs.get("example").add(ConfigurationItem("sw9", "switch"), actor="ann", at=AT)
            uow.commit()
        with store.unit_of_work() as uow:
            assert "sw9" not in uow.cmdbs.get("example")

    def test_a_truncated_chain_is_found_by_its_rows_and_by_an_anchor(self, db) -> None:
        store = saved_store(db)
        anchor = store.audit_anchor()
        store.close()
        with sqlite3.connect(db) as conn:  # cut the chain after its first entry, consistently
            conn.execute("DELETE FROM audit WHERE seq > 1")
            (first,) = conn.execute("SELECT hash FROM audit WHERE seq = 1").fetchone()
            conn.execute("UPDATE fitsm_meta SET value = ? WHERE key = 'audit_head'", (first,))
        store = open_store(f"sqlite:///{db}")
        report = store.verify_audit()
        assert report.first_broken is None  # consistent in itself...
        assert not report.ok and report.mismatch_count  # ...but not with the rows stored
        report = store.verify_audit(anchor=anchor)
        assert not report.ok
        assert f"entry {anchor[0]} is not the one anchored" in report.reason


class TestCasePages:
    """Paging through the cases in one unit of work reads each case once."""

    @pytest.fixture
    def store(self, db: Path):
        store = open_store(f"sqlite:///{db}")
        with store.unit_of_work("ann") as uow:
            for i in range(30):
                uow.cases.add(Incident(f"INC-{i:02}", "slow", AT + timedelta(minutes=i), "ann"))
            uow.commit()
        return store

    def test_each_case_is_decoded_once_however_many_pages(self, store, monkeypatch) -> None:
        from fitsm.storage.sql import case_rows

        decoded: list[str] = []
        loads = case_rows.codec.loads
        monkeypatch.setattr(
            case_rows.codec, "loads", lambda body: decoded.append(body) or loads(body)
        )
        seen: list[str] = []
        with store.unit_of_work() as uow:
            page = uow.cases.find(limit=5)
            while page:
                seen += [c.id for c in page]
                page = uow.cases.find(limit=5, after=page[-1])
            again = uow.cases.find(limit=5)
        assert seen == [f"INC-{i:02}" for i in range(30)]
        # the pages read before are handed out again as the same objects, not decoded again
        assert len(decoded) == 30
        assert [c.id for c in again] == seen[:5]

    def test_a_case_changed_meanwhile_is_placed_as_changed(self, store) -> None:
        with store.unit_of_work() as uow:
            first = uow.cases.find(CaseQuery(open=True), limit=5)
            INCIDENT.fire(first[1], "cancel", actor="ann", at=AT + timedelta(hours=1))
            # INC-01 no longer matches: the page of open cases fills up with INC-05
            page = uow.cases.find(CaseQuery(open=True), limit=5)
            closed = uow.cases.find(CaseQuery(open=False), limit=5)
        assert [c.id for c in page] == ["INC-00", "INC-02", "INC-03", "INC-04", "INC-05"]
        assert [c.id for c in closed] == ["INC-01"]
        assert page[0] is first[0] and closed[0] is first[1]
