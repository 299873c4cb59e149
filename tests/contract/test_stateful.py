"""Random operation sequences against each backend and against the in-memory model: same results."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from fitsm import CiType, Cmdb, CmdbSchema, ConfigurationItem, Incident, open_store
from fitsm.cases import INCIDENT
from fitsm.errors import CycleError
from tests.contract.conftest import BACKENDS, POSTGRESQL, fresh_postgresql_url

T0 = datetime(2026, 1, 5, tzinfo=UTC)
IDS = [f"c{i}" for i in range(6)]
SCHEMA = CmdbSchema(ci_types=[CiType("box", ["note"])])


def url_for(backend: str, tmp: str) -> str:
    return {
        "memory": "memory://",
        "sqlite-file": f"sqlite:///{tmp}/state-{uuid.uuid4().hex}.db",
        "sqlite-memory": "sqlite:///:memory:",
    }.get(backend) or fresh_postgresql_url()


def machine(backend: str, tmp: str) -> type[RuleBasedStateMachine]:
    class StoreAgainstModel(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.store = open_store(url_for(backend, tmp))
            self.model = Cmdb(SCHEMA, id="m")
            self.case = Incident(
                "INC-1", "x", T0, "ann", category="c", impact="h", urgency="h", priority="P1"
            )
            with self.store.unit_of_work() as uow:
                uow.cmdbs.add(self.model.copy())
                uow.cases.add(self.case.copy())
                uow.commit()
            self.uow = self.store.unit_of_work()
            self.working = self.uow.cmdbs.get("m")
            self.pending = self.model.copy()
            self.now = T0

        def tick(self) -> datetime:
            self.now += timedelta(minutes=1)
            return self.now

        def both(self, change) -> None:
            """Apply a change to the working copy and to the pending model alike."""
            outcome = []
            for cmdb in (self.working, self.pending):
                try:
                    change(cmdb)
                    outcome.append(None)
                except (CycleError, ValueError, LookupError) as e:
                    outcome.append(type(e))
            assert outcome[0] == outcome[1]

        @rule(ci=st.sampled_from(IDS), note=st.text(max_size=8).filter(lambda s: "\x00" not in s))
        def add_or_update(self, ci, note) -> None:
            at = self.tick()
            if ci in self.pending:
                self.both(lambda c: c.update_ci(ci, actor="t", at=at, attributes={"note": note}))
            else:
                self.both(
                    lambda c: c.add(
                        ConfigurationItem(ci, "box", attributes={"note": note}), actor="t", at=at
                    )
                )

        @rule(a=st.sampled_from(IDS), b=st.sampled_from(IDS))
        def relate(self, a, b) -> None:
            at = self.tick()
            self.both(lambda c: c.add_relationship(a, b, actor="t", at=at))

        @rule(ci=st.sampled_from(IDS))
        def remove(self, ci) -> None:
            at = self.tick()
            self.both(lambda c: c.remove(ci, actor="t", at=at))

        @rule(a=st.sampled_from(IDS), b=st.sampled_from(IDS))
        def unrelate(self, a, b) -> None:
            at = self.tick()
            self.both(lambda c: c.remove_relationship(a, b, actor="t", at=at))

        @rule(a=st.sampled_from(IDS), b=st.sampled_from(IDS))
        def remove_and_relate_again(self, a, b) -> None:
            """A removal followed by a re-adding in one unit of work (no false conflict)."""
            at = self.tick()
            self.both(lambda c: c.remove_relationship(a, b, actor="t", at=at))
            self.both(lambda c: c.add_many([], [(a, b)], actor="t", at=at))

        @rule(
            new=st.lists(st.sampled_from(IDS), min_size=1, max_size=3, unique=True),
            to=st.sampled_from(IDS),
        )
        def bulk_add(self, new, to) -> None:
            at = self.tick()
            nodes = [ConfigurationItem(ci, "box") for ci in new]
            self.both(lambda c: c.add_many(nodes, [(ci, to) for ci in new], actor="t", at=at))

        @rule()
        def commit(self) -> None:
            self.uow.commit()
            self.model = self.pending.copy()

        @rule()
        def roll_back(self) -> None:
            self.uow.rollback()
            self.working = self.uow.cmdbs.get("m")
            self.pending = self.model.copy()

        @precondition(lambda self: self.case.status == "new")
        @rule()
        def assign_the_case(self) -> None:
            with self.store.unit_of_work() as other:
                case = other.cases.get("INC-1")
                INCIDENT.fire(case, "assign", actor="t", at=self.tick(), group="g")
                other.commit()
            self.case = case

        @invariant()
        def the_store_holds_what_was_committed(self) -> None:
            with self.store.unit_of_work() as fresh:
                stored = fresh.cmdbs.get("m")
                assert stored._records == self.model._records
                assert set(stored.relationships()) == set(self.model.relationships())
                assert list(stored.changes()) == list(self.model.changes())
                stored_case = fresh.cases.get("INC-1")
                assert (stored_case.status, stored_case.history) == (
                    self.case.status,
                    self.case.history,
                )

        @invariant()
        def every_stored_row_is_what_the_audit_trail_says(self) -> None:
            if hasattr(self.store, "verify_audit"):
                report = self.store.verify_audit()
                assert report.ok, report.reason

        def teardown(self) -> None:
            self.uow.rollback()
            self.store.close()

    return StoreAgainstModel


@pytest.mark.parametrize("backend", BACKENDS)
def test_random_operations_agree_with_the_in_memory_model(backend, tmp_path) -> None:
    if backend == "postgresql" and not POSTGRESQL:
        pytest.fail("no PostgreSQL URL")
    state_machine = machine(backend, str(tmp_path))
    state_machine.TestCase.settings = settings(
        max_examples=15, stateful_step_count=12, deadline=None
    )
    state_machine.TestCase().runTest()
