"""Consistent reads, retryable conflicts, lost connections, retries, and who acted."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fitsm import (
    CiType,
    Cmdb,
    CmdbSchema,
    ConfigurationItem,
    ConflictError,
    Outage,
    Person,
    RoleModel,
    ServicePortfolio,
    StoreError,
    ValidationError,
    open_store,
)
from fitsm.storage import retrying
from tests.test_concurrency import backend_url

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return backend_url(tmp_path, request.param)


def seeded(url: str, *ids: str) -> None:
    store = open_store(url)
    with store.unit_of_work() as uow:
        for id in ids:
            cmdb = Cmdb(CmdbSchema(ci_types=[CiType("box", ["note"])]), id=id)
            cmdb.add(ConfigurationItem("ci0", "box"), actor="seed", at=AT)
            uow.cmdbs.add(cmdb)
        uow.commit()
    store.close()


class TestSnapshots:
    def test_reads_in_one_snapshot_do_not_see_a_commit_made_meanwhile(self, url: str) -> None:
        seeded(url, "a")
        reader, writer = open_store(url), open_store(url)
        count = "SELECT count(*) FROM cmdb_nodes WHERE cmdb = 'a'"

        def read_twice(db):  # type: ignore[no-untyped-def]
            before = db.read(count)
            with writer.unit_of_work() as uow:
                uow.cmdbs.get("a").add(ConfigurationItem("ci1", "box"), actor="w", at=AT)
                uow.commit()
            return before, db.read(count)

        before, after = reader.connection.snapshot(read_twice)
        assert before == after == [(1,)]
        assert reader.connection.read(count) == [(2,)]  # the next read sees the commit
        reader.close()
        writer.close()


class TestConflicts:
    def test_writers_of_two_cmdbs_in_opposite_orders_only_ever_conflict(self, url: str) -> None:
        """Each loser gets a ConflictError it can retry, never a StoreError (no deadlock)."""
        seeded(url, "a", "b")
        errors: list[BaseException] = []
        wins = [0, 0]

        def writer(n: int, order: tuple[str, str]) -> None:
            store = open_store(url)
            for k in range(15):
                try:
                    with store.unit_of_work() as uow:
                        for id in order:
                            cmdb = uow.cmdbs.get(id)
                            note = f"w{n}-{k}"
                            cmdb.update_ci("ci0", actor=f"w{n}", at=AT, attributes={"note": note})
                        uow.commit()
                    wins[n] += 1
                except ConflictError:
                    pass
                except BaseException as e:  # anything else is a failure of the store
                    errors.append(e)
            store.close()

        threads = [
            threading.Thread(target=writer, args=(0, ("a", "b"))),
            threading.Thread(target=writer, args=(1, ("b", "a"))),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        store = open_store(url)
        with store.unit_of_work() as uow:
            # every commit that was reported is in both CMDBs' histories
            assert len(uow.cmdbs.get("a").history("ci0")) == 1 + sum(wins)
            assert len(uow.cmdbs.get("b").history("ci0")) == 1 + sum(wins)
        store.close()


class TestLostConnection:
    def test_a_dropped_postgresql_connection_is_replaced_on_the_next_unit_of_work(
        self, tmp_path: Path
    ) -> None:
        import psycopg

        url = backend_url(tmp_path, "postgresql")
        seeded(url, "a")
        store = open_store(url)
        pid = store.connection.raw.info.backend_pid
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(StoreError), store.unit_of_work() as uow:
            uow.cmdbs.get("a")  # the statement in flight when the server dropped us
        with store.unit_of_work() as uow:  # a new connection
            uow.cmdbs.get("a").add(ConfigurationItem("ci1", "box"), actor="ann", at=AT)
            uow.commit()
        with store.unit_of_work() as uow:
            assert "ci1" in uow.cmdbs.get("a")
        store.close()


class TestRetrying:
    def test_work_that_conflicts_is_done_again_until_it_succeeds(self) -> None:
        tries: list[int] = []

        def work() -> str:
            tries.append(1)
            if len(tries) < 3:
                raise ConflictError("someone else won")
            return "done"

        assert retrying(work, attempts=3) == "done"
        assert len(tries) == 3

    def test_the_last_conflict_is_raised_when_the_attempts_are_used_up(self) -> None:
        def work() -> None:
            raise ConflictError("always")

        with pytest.raises(ConflictError, match="always"):
            retrying(work, attempts=2)

    def test_other_errors_are_not_retried(self) -> None:
        tries: list[int] = []

        def work() -> None:
            tries.append(1)
            raise ValidationError("bad input")

        with pytest.raises(ValidationError):
            retrying(work)
        assert tries == [1]

    @pytest.mark.parametrize("attempts", [0, -1, True, 1.5])
    def test_attempts_must_be_a_positive_whole_number(self, attempts: object) -> None:
        with pytest.raises(ValidationError, match="attempts"):
            retrying(lambda: None, attempts=attempts)  # type: ignore[arg-type]

    def test_a_real_conflict_is_resolved_by_retrying(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'r.db'}"
        seeded(url, "a")
        store, rival = open_store(url), open_store(url)
        interfere = [True]

        def add_ci() -> None:
            with store.unit_of_work(actor="ann") as uow:
                cmdb = uow.cmdbs.get("a")
                if interfere.pop() if interfere else False:
                    with rival.unit_of_work() as other:  # someone commits first, once
                        other.cmdbs.get("a").add(ConfigurationItem("x", "box"), actor="bob", at=AT)
                        other.commit()
                cmdb.add(ConfigurationItem("y", "box"), actor="ann", at=AT)
                uow.commit()

        retrying(add_ci)
        with store.unit_of_work() as uow:
            assert {"x", "y"} <= {n.id for n in uow.cmdbs.get("a").nodes()}


class TestActor:
    def test_the_audit_names_the_actor_of_every_kind(self, tmp_path: Path) -> None:
        store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
        with store.unit_of_work(actor="ann") as uow:
            uow.portfolios.add(ServicePortfolio("p"))
            roles = RoleModel()
            roles.add_person(Person("bob", "Bob"))
            uow.roles.add(roles)
            uow.outages.record(Outage("db1", AT, id="o1"))
            uow.commit()
        with store.unit_of_work(actor="bob") as uow:
            uow.outages.close("o1", AT.replace(hour=10))
            uow.commit()
        seen = {(e["kind"], e["action"]): e["actor"] for e in store.audit_entries()}
        assert seen == {
            ("portfolio", "saved"): "ann",
            ("roles", "saved"): "ann",
            ("outage", "recorded"): "ann",
            ("outage", "ended"): "bob",
        }
        assert store.verify_audit().ok
        store.close()

    def test_reading_writes_no_audit_entry(self, tmp_path: Path) -> None:
        store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
        with store.unit_of_work(actor="ann") as uow:
            uow.portfolios.add(ServicePortfolio("p"))
            uow.commit()
        with store.unit_of_work(actor="bob") as uow:
            uow.portfolios.get("p")
            uow.commit()
        assert [e["actor"] for e in store.audit_entries()] == ["ann"]
        store.close()

    @pytest.mark.parametrize("actor", ["", "  ", 5])
    @pytest.mark.parametrize("url", ["memory://", "sqlite:///:memory:"])
    def test_an_actor_must_name_someone(self, url: str, actor: object) -> None:
        store = open_store(url)
        with pytest.raises(ValidationError, match="actor"):
            store.unit_of_work(actor=actor)  # type: ignore[arg-type]
