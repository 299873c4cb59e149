"""verify_audit checks the stored rows against the audit trail, and an audit key signs the trail.

Every test runs on SQLite and on PostgreSQL; the tampering goes straight to the
database, as someone with write access to it (but not the application's key) would.
"""

from __future__ import annotations

import json
import pickle
import shutil
import sqlite3
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fitsm import ConfigurationItem, Incident, Outage, StoreError, ValidationError, open_store
from fitsm.capacity import UtilisationSeries
from fitsm.cases import INCIDENT
from fitsm.demo import example_provider
from fitsm.errors import UnsupportedStoreError
from fitsm.storage.sql import SqlStore
from fitsm.storage.sql.audit import GENESIS, AuditKey, chain_digest, row_digest
from fitsm.time.intervals import micros
from tests.contract.conftest import POSTGRESQL, fresh_postgresql_url

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
KEY = b"fitsm-test-audit-key-Wq9-never-shown"
OTHER_KEY = b"another-key-of-32-bytes-Zx81-aaaa"
OLD = Path(__file__).parent / "data" / "store-schema-1.db"


@pytest.fixture(params=["sqlite", *(["postgresql"] if POSTGRESQL else [])])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fitsm.db'}"
    return fresh_postgresql_url()


class Raw:
    """The database behind a store, written to directly."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.mark = "?" if url.startswith("sqlite") else "%s"
        self._conn: Any = None

    @property
    def conn(self) -> Any:
        # connected on first use: an SQLite connection would create the store's file
        # empty, which the store then rightly refuses to open
        if self._conn is None:
            if self.url.startswith("sqlite"):
                self._conn = sqlite3.connect(self.url[len("sqlite:///") :], isolation_level=None)
            else:
                import psycopg

                self._conn = psycopg.connect(self.url, autocommit=True)
        return self._conn

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.execute(sql.replace("?", self.mark), params)
        return list(cur.fetchall()) if cur.description else []

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...]:
        (row,) = self.run(sql, params)
        return row

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


@pytest.fixture
def raw(url: str) -> Iterator[Raw]:
    conn = Raw(url)
    yield conn
    conn.close()


def fill(url: str, key: bytes | None = None) -> SqlStore:
    """A store with a CMDB (bulk loads and a CI update), a portfolio, a case and outages."""
    store = open_store(url, audit_key=key)
    assert isinstance(store, SqlStore)
    portfolio, cmdb = example_provider()
    with store.unit_of_work(actor="ann") as uow:
        uow.cmdbs.add(cmdb)
        uow.portfolios.add(portfolio)
        uow.outages.record(Outage("db1", AT, AT + timedelta(hours=1), id="o1"))
        uow.outages.record(Outage("web1", AT, id="o2"))
        uow.commit()
    with store.unit_of_work(actor="bob") as uow:
        cmdb = uow.cmdbs.get("example")
        cmdb.update_ci("db1", actor="bob", at=AT, owner="dba")
        incident = Incident("INC-1", "db slow", AT, "ann", category="db")
        INCIDENT.fire(
            incident, "prioritise", actor="ann", at=AT, impact="high", urgency="low", priority="P3"
        )
        uow.cases.add(incident)
        uow.outages.close("o2", AT + timedelta(hours=2))
        uow.commit()
    return store


def node_row(raw: Raw, id: str) -> tuple[Any, ...]:
    return raw.one(
        "SELECT cmdb, id, kind, type, name, owner, attributes, min_up FROM cmdb_nodes "
        "WHERE cmdb = 'example' AND id = ?",
        (id,),
    )


def problems(report: Any) -> set[tuple[str, tuple[Any, ...], str]]:
    return {(m.table, m.key, m.problem) for m in report.mismatches}


class TestStoredRows:
    def test_an_intact_store_verifies(self, url: str) -> None:
        store = fill(url)
        report = store.verify_audit()
        assert report.ok, report.reason
        assert report.rows > 100 and report.mismatch_count == 0
        assert not report.authenticated  # no key, no HMAC checked

    def test_an_edited_cmdb_node_is_named_with_both_digests(self, url: str, raw: Raw) -> None:
        store = fill(url)
        before = node_row(raw, "db1")
        raw.run("UPDATE cmdb_nodes SET owner = 'mallory' WHERE cmdb = 'example' AND id = 'db1'")
        report = store.verify_audit()
        assert not report.ok and report.first_broken is None  # the chain itself is intact
        (found,) = report.mismatches
        assert (found.table, found.key) == ("cmdb_nodes", ("example", "db1"))
        assert found.problem == "changed"
        assert found.expected == row_digest("cmdb_nodes", before)
        assert found.found == row_digest("cmdb_nodes", node_row(raw, "db1"))
        last = store.audit_entries()[-1]["seq"]
        assert found.entry is not None and found.entry <= last
        assert "cmdb_nodes ['example', 'db1']: changed" in report.reason

    def test_a_node_from_a_bulk_load_edited_or_deleted_is_named(self, url: str, raw: Raw) -> None:
        store = fill(url)
        raw.run("UPDATE cmdb_nodes SET name = 'x' WHERE cmdb = 'example' AND id = 'web1'")
        raw.run("DELETE FROM cmdb_nodes WHERE cmdb = 'example' AND id = 'fw1'")
        raw.run(
            "INSERT INTO cmdb_edges (cmdb, source, target, type) "
            "VALUES ('example', 'fw1', 'db1', 'depends_on')"
        )
        report = store.verify_audit()
        assert problems(report) == {
            ("cmdb_nodes", ("example", "web1"), "changed"),
            ("cmdb_nodes", ("example", "fw1"), "missing"),
            ("cmdb_edges", ("example", "fw1", "db1"), "unexpected"),
        }
        imported = {e["seq"] for e in store.audit_entries() if e["action"] == "imported"}
        missing = next(m for m in report.mismatches if m.problem == "missing")
        assert missing.entry in imported and missing.found is None

    def test_an_edited_case_body_is_named(self, url: str, raw: Raw) -> None:
        store = fill(url)
        (body,) = raw.one("SELECT body FROM aggregates WHERE kind = 'case' AND id = 'INC-1'")
        raw.run(
            "UPDATE aggregates SET body = ? WHERE kind = 'case' AND id = 'INC-1'",
            (body.replace('"db slow"', '"all fine"'),),
        )
        report = store.verify_audit()
        assert problems(report) == {("aggregates", ("case", "INC-1"), "changed")}
        assert report.mismatches[0].expected == row_digest("aggregates", ("case", "INC-1", body))

    def test_a_case_hidden_from_queries_is_named(self, url: str, raw: Raw) -> None:
        store = fill(url)
        raw.run("UPDATE case_index SET open = 0 WHERE id = 'INC-1'")
        assert problems(store.verify_audit()) == {("case_index", ("INC-1",), "changed")}

    def test_an_edited_or_deleted_outage_is_named(self, url: str, raw: Raw) -> None:
        store = fill(url)
        raw.run("UPDATE outages SET end_us = end_us - 3600000000 WHERE id = 'o2'")
        raw.run("DELETE FROM outages WHERE id = 'o1'")
        report = store.verify_audit()
        assert problems(report) == {
            ("outages", ("o2",), "changed"),
            ("outages", ("o1",), "missing"),
        }

    def test_an_edited_bulk_load_in_the_change_log_is_named(self, url: str, raw: Raw) -> None:
        store = fill(url)
        seq, body = raw.one(
            "SELECT seq, body FROM cmdb_log WHERE cmdb = 'example' AND body LIKE ? AND body LIKE ?",
            ('{"batch"%', '%"fw1"%'),
        )
        raw.run(
            "UPDATE cmdb_log SET body = ? WHERE cmdb = 'example' AND seq = ?",
            (body.replace('"fw1"', '"fw0"', 1), seq),
        )
        report = store.verify_audit()
        assert problems(report) == {
            ("cmdb_log", ("example", seq), "changed"),  # the log row, against its digest
            ("cmdb_nodes", ("example", "fw1"), "unexpected"),  # the load now says fw0
            ("cmdb_nodes", ("example", "fw0"), "missing"),
        }

    def test_a_wiped_table_names_every_row(self, url: str, raw: Raw) -> None:
        store = fill(url)
        (edges,) = raw.one("SELECT COUNT(*) FROM cmdb_edges")
        raw.run("DELETE FROM cmdb_edges")
        report = store.verify_audit()
        assert report.mismatch_count == edges > 0
        assert {m.problem for m in report.mismatches} == {"missing"}
        assert {m.table for m in report.mismatches} == {"cmdb_edges"}

    def test_mismatches_are_counted_beyond_the_limit(self, url: str, raw: Raw) -> None:
        store = fill(url)
        raw.run("DELETE FROM cmdb_nodes")
        report = store.verify_audit(limit=3)
        assert len(report.mismatches) == 3 and report.mismatch_count > 3
        assert len(store.verify_audit(limit=None).mismatches) == report.mismatch_count
        counted = store.verify_audit(limit=0)
        assert (counted.mismatches, counted.mismatch_count) == ((), report.mismatch_count)
        with pytest.raises(ValidationError, match="limit"):
            store.verify_audit(limit=-1)

    def test_a_row_changed_then_written_over_stays_visible(self, url: str, raw: Raw) -> None:
        store = fill(url)
        raw.run("UPDATE cmdb_nodes SET owner = 'mallory' WHERE cmdb = 'example' AND id = 'web1'")
        store.close()
        store = open_store(url)  # a new process: the CMDB is loaded from the rows
        with store.unit_of_work() as uow:
            uow.cmdbs.get("example").update_ci("web1", actor="ann", at=AT, name="Web")
            uow.commit()
        report = store.verify_audit()
        (found,) = report.mismatches
        seq = store.audit_entries()[-1]["seq"]
        assert (found.table, found.key) == ("cmdb_nodes", ("example", "web1"))
        assert (found.problem, found.entry) == (f"changed before entry {seq}", seq)

    def test_a_removal_and_a_bulk_re_adding_in_one_commit_verify(self, url: str) -> None:
        store = fill(url)
        with store.unit_of_work() as uow:
            cmdb = uow.cmdbs.get("example")
            ldap = cmdb.ci("ldap2")
            cmdb.remove("ldap2", actor="ann", at=AT)
            source, target = next(
                (r.source, r.target) for r in cmdb.relationships() if r.type == "depends_on"
            )
            cmdb.remove_relationship(source, target, actor="ann", at=AT)
            renamed = ConfigurationItem("ldap2", ldap.type, "LDAP 2", dict(ldap.attributes), "ops")
            cmdb.add_many([renamed], [(source, target)], actor="ann", at=AT)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.cmdbs.get("example").ci("ldap2").name == "LDAP 2"
        report = store.verify_audit()
        assert report.ok, report.reason


class TestTruncationAndRewriting:
    def test_a_truncated_chain_with_its_head_rewound_is_found(self, url: str, raw: Raw) -> None:
        store = fill(url)
        anchor = store.audit_anchor()
        (cut,) = raw.one("SELECT MIN(seq) FROM audit WHERE kind = 'incident'")  # the second commit
        raw.run("DELETE FROM audit WHERE seq >= ?", (cut,))
        (head,) = raw.one("SELECT hash FROM audit WHERE seq = ?", (cut - 1,))
        raw.run("UPDATE fitsm_meta SET value = ? WHERE key = 'audit_head'", (head,))
        report = store.verify_audit()
        assert report.first_broken is None  # the chain left is consistent in itself...
        assert not report.ok  # ...but the rows the cut entries wrote are still there
        assert ("aggregates", ("case", "INC-1"), "unexpected") in problems(report)
        assert ("cmdb_nodes", ("example", "db1"), "changed") in problems(report)
        anchored = store.verify_audit(anchor=anchor)
        assert anchored.first_broken == anchor[0]
        assert f"entry {anchor[0]} is not the one anchored" in anchored.reason

    def test_a_consistent_rewrite_is_found_with_an_anchor(self, url: str, raw: Raw) -> None:
        store = fill(url)
        anchor = store.audit_anchor()
        forge_owner(raw, "db1", "mallory")
        report = store.verify_audit()
        assert report.ok  # rows and chain agree: nothing to see without an anchor or a key
        anchored = store.verify_audit(anchor=anchor)
        assert not anchored.ok and anchored.first_broken == anchor[0]

    def test_a_consistent_rewrite_is_found_with_the_key(self, url: str, raw: Raw) -> None:
        fill(url, key=KEY).close()
        forge_owner(raw, "db1", "mallory")
        assert open_store(url).verify_audit().ok  # without the key it looks fine
        report = open_store(url, audit_key=KEY).verify_audit()
        assert not report.ok and not report.authenticated
        assert "HMAC does not hold" in report.reason
        entry = first_entry_recording(raw, "cmdb_nodes", ["example", "db1"])
        assert report.first_broken == entry

    def test_a_chain_stripped_of_its_hmacs_is_found_with_the_key(self, url: str, raw: Raw) -> None:
        fill(url, key=KEY).close()
        forge_owner(raw, "db1", "mallory")
        raw.run("UPDATE audit SET mac = NULL")
        report = open_store(url, audit_key=KEY).verify_audit()
        assert report.first_broken == 1 and "no entry carries an HMAC" in report.reason


def first_entry_recording(raw: Raw, table: str, key: list[str]) -> int:
    for seq, state in raw.run("SELECT seq, state FROM audit WHERE state IS NOT NULL ORDER BY seq"):
        if any(r[0] == table and r[1] == key for r in json.loads(state).get("rows", ())):
            return int(seq)
    raise AssertionError(f"no entry records {table} {key}")


def forge_owner(raw: Raw, id: str, owner: str) -> None:
    """Change a CI's owner and rewrite the chain to match, as someone without the key would:
    the entry that recorded the row records the new one, and every hash after it follows."""
    old = node_row(raw, id)
    raw.run("UPDATE cmdb_nodes SET owner = ? WHERE cmdb = 'example' AND id = ?", (owner, id))
    new = node_row(raw, id)
    old_digest, new_digest = row_digest("cmdb_nodes", old), row_digest("cmdb_nodes", new)

    def forged(state: str | None) -> str | None:
        if state is None:
            return None
        record = json.loads(state)
        for row in record.get("rows", ()):
            if row[0] == "cmdb_nodes" and row[3] == old_digest:
                row[3] = new_digest
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))

    rewrite(raw, forged)


def rewrite(raw: Raw, change: Callable[[str | None], str | None]) -> None:
    """Recompute the whole chain after ``change`` to the entries' state records."""
    prev = GENESIS
    for seq, *entry, state in raw.run(
        "SELECT seq, at, actor, kind, subject, action, detail, state FROM audit ORDER BY seq"
    ):
        state = change(state)
        digest = chain_digest(prev, seq, entry, state)
        raw.run(
            "UPDATE audit SET state = ?, prev = ?, hash = ? WHERE seq = ?",
            (state, prev, digest, seq),
        )
        prev = digest
    raw.run("UPDATE fitsm_meta SET value = ? WHERE key = 'audit_head'", (prev,))


class TestAuditKey:
    def test_every_entry_is_signed_and_verifies_with_the_key(self, url: str, raw: Raw) -> None:
        store = fill(url, key=KEY)
        report = store.verify_audit()
        assert report.ok and report.authenticated
        assert raw.one("SELECT COUNT(*) FROM audit WHERE mac IS NULL") == (0,)

    def test_a_wrong_key_fails_verification_and_writes_nothing(self, url: str) -> None:
        fill(url, key=KEY).close()
        store = open_store(url, audit_key=OTHER_KEY)
        report = store.verify_audit()
        assert (report.ok, report.first_broken, report.authenticated) == (False, 1, False)
        assert "the key is wrong" in report.reason
        entries = len(store.audit_entries())
        with pytest.raises(StoreError, match="does not match"), store.unit_of_work() as uow:
            uow.outages.record(Outage("db1", AT, id="o9"))
            uow.commit()
        assert len(store.audit_entries()) == entries
        with store.unit_of_work() as uow, pytest.raises(LookupError):
            uow.outages.get("o9")

    def test_without_the_key_a_signed_store_reads_but_takes_no_commit(self, url: str) -> None:
        fill(url, key=KEY).close()
        store = open_store(url)
        report = store.verify_audit()
        assert report.ok and not report.authenticated  # the chain and rows hold; HMACs unchecked
        with pytest.raises(StoreError, match="audit_key="), store.unit_of_work() as uow:
            uow.outages.record(Outage("db1", AT, id="o9"))
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.cmdbs.get("example").ci("db1").owner == "dba"

    def test_a_key_given_later_signs_from_then_on(self, url: str) -> None:
        fill(url).close()
        store = open_store(url, audit_key=KEY)
        assert not store.verify_audit().ok  # nothing is signed yet
        with store.unit_of_work(actor="ann") as uow:
            uow.outages.record(Outage("db1", AT, id="o9"))
            uow.commit()
        report = store.verify_audit()
        assert report.ok and report.authenticated  # the newest HMAC covers the chain before it

    def test_an_unsigned_entry_after_signed_ones_is_found(self, url: str, raw: Raw) -> None:
        fill(url, key=KEY).close()
        (last,) = raw.one("SELECT MAX(seq) FROM audit")
        raw.run("UPDATE audit SET mac = NULL WHERE seq = ?", (last,))
        report = open_store(url, audit_key=KEY).verify_audit()
        assert report.first_broken == last and "carries no HMAC" in report.reason

    def test_a_short_key_or_a_memory_store_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="at least 16 bytes"):
            open_store("sqlite:///:memory:", audit_key=b"short")
        with pytest.raises(UnsupportedStoreError, match="audit_key is for SQL stores"):
            open_store("memory://", audit_key=KEY)


class TestTheKeyNeverShows:
    def test_reprs_errors_and_reports_do_not_show_the_key(self, url: str) -> None:
        shown: list[str] = []
        store = fill(url, key=KEY)
        shown += [repr(store), str(store), repr(store.verify_audit()), repr(vars(store))]
        shown += [repr(AuditKey(KEY)), str(AuditKey(KEY))]
        wrong = open_store(url, audit_key=OTHER_KEY)
        shown.append(repr(wrong.verify_audit()))
        for attempt in (wrong, open_store(url)):
            with pytest.raises(StoreError) as caught, attempt.unit_of_work() as uow:
                uow.outages.record(Outage("db1", AT, id="o9"))
                uow.commit()
            shown.append("".join(traceback.format_exception(caught.value)))
        with pytest.raises(TypeError) as refused:
            pickle.dumps(AuditKey(KEY))
        shown.append(str(refused.value))
        with pytest.raises(ValidationError) as short:
            open_store(url, audit_key=KEY[:8])
        shown.append("".join(traceback.format_exception(short.value)))
        text = "\n".join(shown)
        for secret in (KEY, OTHER_KEY, KEY[:8]):
            for form in (secret.decode(), secret.hex(), repr(secret)):
                assert form not in text
        assert "<AuditKey ***>" in text


def as_schema_5(raw: Raw) -> None:
    """Turn a store into one as schema 5 wrote it: entries without state records or HMACs."""
    rewrite(raw, lambda state: None)
    raw.run("ALTER TABLE audit DROP COLUMN state")
    raw.run("ALTER TABLE audit DROP COLUMN mac")
    raw.run("DROP TABLE audit_baseline")
    raw.run("DROP TABLE utilisation")  # schema 7's
    raw.run("DROP TABLE utilisation_series")
    raw.run("UPDATE fitsm_meta SET value = '5' WHERE key = 'schema_version'")


class TestUpgradedStores:
    def test_a_schema_5_store_upgrades_to_a_baseline_and_verifies(self, url: str, raw: Raw) -> None:
        fill(url).close()
        as_schema_5(raw)
        store = open_store(url)
        report = store.verify_audit()
        assert report.ok, report.reason
        assert [e["action"] for e in store.audit_entries()][-1] == "baseline"
        (rows,) = raw.one("SELECT COUNT(*) FROM audit_baseline")
        assert report.rows == rows > 100
        raw.run("UPDATE outages SET subject = 'x' WHERE id = 'o1'")
        assert problems(store.verify_audit()) == {("outages", ("o1",), "changed")}
        raw.run("UPDATE outages SET subject = 'db1' WHERE id = 'o1'")
        with store.unit_of_work(actor="ann") as uow:  # what is written from now on is recorded
            uow.cmdbs.get("example").update_ci("web1", actor="ann", at=AT, owner="web")
            uow.commit()
        assert store.verify_audit().ok

    @pytest.fixture
    def old(self, tmp_path: Path) -> Path:
        path = tmp_path / "old.db"
        shutil.copy(OLD, path)
        return path

    def test_an_upgraded_store_records_its_rows_once_and_verifies(self, old: Path) -> None:
        store = open_store(f"sqlite:///{old}")
        (baseline,) = [e for e in store.audit_entries() if e["action"] == "baseline"]
        assert baseline["detail"]["rows"] > 0
        report = store.verify_audit()
        assert report.ok, report.reason
        assert report.rows == baseline["detail"]["rows"]

    def test_a_row_edited_after_the_upgrade_is_named(self, old: Path) -> None:
        open_store(f"sqlite:///{old}").close()
        with sqlite3.connect(old) as conn:
            conn.execute("UPDATE cmdb_nodes SET owner = 'mallory' WHERE id = 'sw9'")
        report = open_store(f"sqlite:///{old}").verify_audit()
        assert problems(report) == {("cmdb_nodes", ("example", "sw9"), "changed")}

    def test_an_edited_baseline_is_named(self, old: Path) -> None:
        open_store(f"sqlite:///{old}").close()
        with sqlite3.connect(old) as conn:
            conn.execute("UPDATE audit_baseline SET digest = '00' || substr(digest, 3) WHERE n = 1")
        report = open_store(f"sqlite:///{old}").verify_audit()
        assert ("audit_baseline", (), "baseline altered") in problems(report)


def fill_samples(url: str) -> SqlStore:
    """Two series; san1's second batch fills gaps between its first batch's samples."""
    store = open_store(url)
    assert isinstance(store, SqlStore)
    hour = timedelta(hours=1)
    with store.unit_of_work(actor="ann") as uow:
        uow.utilisation.append(
            UtilisationSeries.of("san1", "storage", "TB", [AT, AT + 2 * hour], [41.0, 43.5])
        )
        uow.utilisation.append(UtilisationSeries.of("hv1", "cpu", "core", [AT], [12.0]))
        uow.commit()
    with store.unit_of_work(actor="bob") as uow:
        uow.utilisation.append(
            UtilisationSeries.of("san1", "storage", "TB", [AT + hour, AT + 3 * hour], [42.0, 44.0])
        )
        uow.commit()
    return store


def batch_of(raw: Raw, subject: str, at: datetime) -> int:
    (number,) = raw.one(
        "SELECT u.batch FROM utilisation u JOIN utilisation_series s ON s.id = u.series "
        "WHERE s.subject = ? AND u.at_us = ?",
        (subject, micros(at)),
    )
    return int(number)


class TestUtilisationSamples:
    """Samples are checked batch by batch: each batch's entry records its digest."""

    def test_intact_samples_verify_and_are_counted(self, url: str) -> None:
        report = fill_samples(url).verify_audit()
        assert report.ok, report.reason
        assert report.rows >= 5

    def test_a_negative_zero_verifies_on_every_backend(self, url: str) -> None:
        store = open_store(url)
        with store.unit_of_work(actor="ann") as uow:  # SQLite keeps -0.0 as 0.0
            uow.utilisation.append(UtilisationSeries.of("hv1", "cpu", "core", [AT], [-0.0]))
            uow.commit()
        assert store.verify_audit().ok

    def test_a_changed_value_names_its_batch(self, url: str, raw: Raw) -> None:
        store = fill_samples(url)
        number = batch_of(raw, "san1", AT + timedelta(hours=1))
        raw.run("UPDATE utilisation SET value = 4.2 WHERE batch = ? AND value = 42.0", (number,))
        report = store.verify_audit()
        assert problems(report) == {("utilisation", ("san1", "storage", number), "changed")}
        assert not report.ok and "differs" in report.reason

    def test_a_removed_sample_and_a_removed_batch_are_named(self, url: str, raw: Raw) -> None:
        store = fill_samples(url)
        first = batch_of(raw, "san1", AT)
        cpu = batch_of(raw, "hv1", AT)
        raw.run("DELETE FROM utilisation WHERE batch = ? AND value = 43.5", (first,))
        raw.run("DELETE FROM utilisation WHERE batch = ?", (cpu,))
        assert problems(store.verify_audit()) == {
            ("utilisation", ("san1", "storage", first), "changed"),
            ("utilisation", ("hv1", "cpu", cpu), "missing"),
        }

    def test_added_samples_are_named(self, url: str, raw: Raw) -> None:
        store = fill_samples(url)
        (series,) = raw.one("SELECT id FROM utilisation_series WHERE subject = 'hv1'")
        late = micros(AT + timedelta(days=1))
        raw.run("INSERT INTO utilisation (series, at_us, value, batch) VALUES (?, ?, 99.0, 7)",
                (series, late))  # fmt: skip
        raw.run("INSERT INTO utilisation (series, at_us, value) VALUES (?, ?, 98.0)",
                (series, late + 1))  # fmt: skip
        assert problems(store.verify_audit()) == {
            ("utilisation", ("hv1", "cpu", 7), "unexpected"),
            ("utilisation", (), "unexpected"),
        }

    def test_a_series_row_put_there_by_hand_is_named(self, url: str, raw: Raw) -> None:
        store = fill_samples(url)
        raw.run("INSERT INTO utilisation_series (id, subject, metric, unit) "
                "VALUES (99, 'forged', 'cpu', 'percent')")  # fmt: skip
        assert problems(store.verify_audit()) == {
            ("utilisation_series", ("forged", "cpu"), "unexpected")
        }

    def test_a_changed_unit_or_a_sample_moved_to_another_series_is_named(
        self, url: str, raw: Raw
    ) -> None:
        store = fill_samples(url)
        cpu = batch_of(raw, "hv1", AT)
        (unit,) = raw.one("SELECT unit FROM utilisation_series WHERE subject = 'san1'")
        raw.run("UPDATE utilisation_series SET unit = 'GB' WHERE subject = 'san1'")
        changed = problems(store.verify_audit())
        both = {batch_of(raw, "san1", AT), batch_of(raw, "san1", AT + timedelta(hours=1))}
        assert {key[2] for _, key, _ in changed} == both
        raw.run("UPDATE utilisation_series SET unit = ? WHERE subject = 'san1'", (unit,))
        (san1,) = raw.one("SELECT id FROM utilisation_series WHERE subject = 'san1'")
        raw.run("UPDATE utilisation SET series = ?, at_us = at_us + 1 WHERE batch = ?", (san1, cpu))
        assert problems(store.verify_audit()) == {("utilisation", ("hv1", "cpu", cpu), "changed")}

    def test_samples_of_a_schema_7_store_are_recorded_once_at_the_upgrade(
        self, url: str, raw: Raw
    ) -> None:
        fill_samples(url).close()
        # the store as schema 7 left it: no batch numbers, entries that record no samples
        rewrite(raw, lambda state: _without_batches(state))
        raw.run("ALTER TABLE utilisation DROP COLUMN batch")
        raw.run("UPDATE fitsm_meta SET value = '7' WHERE key = 'schema_version'")
        store = open_store(url)
        report = store.verify_audit()
        assert report.ok, report.reason
        baseline = store.audit_entries()[-1]
        assert (baseline["subject"], baseline["action"]) == ("utilisation", "baseline")
        assert baseline["detail"]["samples"] == 5
        with store.unit_of_work(actor="ann") as uow:  # new batches are recorded as they come
            uow.utilisation.append(
                UtilisationSeries.of("hv1", "cpu", "core", [AT + timedelta(days=1)], [3.0])
            )
            uow.commit()
        assert store.verify_audit().ok
        raw.run("UPDATE utilisation SET value = 4.0 WHERE value = 44.0")
        assert problems(store.verify_audit()) == {("utilisation", (), "changed")}


def _without_batches(state: str | None) -> str | None:
    if state is None:
        return None
    recorded = json.loads(state)
    recorded.pop("utilisation", None)
    return json.dumps(recorded) if recorded else None
