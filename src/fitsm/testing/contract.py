"""The behaviour every store must have, written once: the contract suite.

A store is done when it passes this suite unchanged. Subclass
:class:`StoreContract` in a pytest module and give it a ``store`` fixture that
yields a new, empty store (closing it afterwards):

.. code-block:: python

    import pytest
    from fitsm.testing import StoreContract

    class TestMyStore(StoreContract):
        @pytest.fixture
        def store(self):
            store = open_my_store()
            yield store
            store.close()

fitsm runs it on its memory, SQLite (file and in-memory) and PostgreSQL stores.
It needs pytest, which the ``test`` extra installs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

import attrs
import pytest

from fitsm import (
    Q_,
    Agreement,
    Cmdb,
    CmdbSchema,
    ConfigurationItem,
    ConflictError,
    NotFoundError,
    Service,
    ServicePortfolio,
    ServiceTarget,
    StoreError,
    customers,
    suppliers,
)
from fitsm.availability import (
    ContinuityRegister,
    ContinuityTest,
    Measure,
    Outage,
    OutageLog,
    Plan,
    TestEvent,
    measure_availability,
)
from fitsm.capacity import (
    Capacity,
    CapacityPlan,
    CapacityRegister,
    PlanItem,
    Threshold,
    UtilisationSeries,
    capacity_plan_subject,
    derive_requirement,
)
from fitsm.cases import (
    ACCESS_REQUEST,
    INCIDENT,
    SECURITY_INCIDENT,
    AccessRequest,
    Case,
    CaseQuery,
    Change,
    ClockBreached,
    ClockKind,
    ClockWarning,
    Incident,
    IncidentStatus,
    Problem,
    SecurityIncident,
    ServiceRequest,
    lifecycle_of,
)
from fitsm.cmdb import CmdbAction
from fitsm.customers import (
    Customer,
    CustomerRegister,
    SatisfactionSurvey,
    ServiceReview,
    plan_service_reviews,
    service_review_subject,
)
from fitsm.demo import example_finance, example_provider
from fitsm.errors import DuplicateError, InvalidTransitionError, ValidationError
from fitsm.finance import Cost, FinanceRegister, FixedCharge, Money
from fitsm.portfolio import (
    AssessmentCriterion,
    Financials,
    Finding,
    GateCriterion,
    Outcome,
    ProductRegister,
    Proposal,
    ServiceStrategy,
    TollGate,
)
from fitsm.reporting import ReportRegister, ReportSpecification, build_report
from fitsm.reviews import MonthlyRule, ReviewSchedules
from fitsm.risks import (
    RiskMatrix,
    RiskRegister,
    assessment_subject,
    candidate_risks,
    plan_assessments,
)
from fitsm.security import (
    Classification,
    ClassificationScheme,
    InformationAsset,
    SecurityControl,
    SecurityRegister,
    access_review_subject,
)
from fitsm.service_levels import Agreements
from fitsm.sms import (
    Action,
    Assessment,
    AssessmentFinding,
    Commitment,
    ControlledDocument,
    Kpi,
    KpiTarget,
    ManagementReview,
    Milestone,
    Nonconformity,
    PlanGoal,
    ProcessDefinition,
    ProcessPlan,
    Responsibility,
    ScopeStatement,
    ServiceManagementPlan,
    SmsRegister,
    Stakeholder,
)
from fitsm.storage import Store
from fitsm.suppliers import (
    EscalationLevel,
    FollowUpAction,
    RatingScale,
    Supplier,
    SupplierRegister,
    VendorProduct,
)
from fitsm.time import BusinessCalendar

__all__ = ["StoreContract"]

C = TypeVar("C", bound=Case)

Saved = tuple[ServicePortfolio, Cmdb]
"""The example provider's portfolio and CMDB, as committed by the ``saved`` fixture."""


class _Contract:
    """Shared fixtures: ``store`` comes from the user of the suite."""

    @pytest.fixture
    def saved(self, store: Store) -> Saved:
        portfolio, cmdb = example_provider()
        with store.unit_of_work() as uow:
            uow.portfolios.add(portfolio)
            uow.cmdbs.add(cmdb)
            uow.commit()
        return portfolio, cmdb


def load(store: Store) -> tuple[ServicePortfolio, Cmdb]:
    with store.unit_of_work() as uow:
        return uow.portfolios.get("example"), uow.cmdbs.get("example")


class RoundTripContract(_Contract):
    def test_what_was_committed_reads_back_equal(self, store: Store, saved: Saved) -> None:
        assert load(store) == saved

    def test_loaded_objects_behave_like_the_saved_ones(self, store: Store, saved: Saved) -> None:
        _, cmdb = load(store)
        assert cmdb.impact("san1").services_down == saved[1].impact("san1").services_down
        assert cmdb.history("san1") == saved[1].history("san1")

    def test_ids_are_listed(self, store: Store, saved: Saved) -> None:
        with store.unit_of_work() as uow:
            assert uow.cmdbs.ids() == ["example"]
            assert uow.portfolios.ids() == ["example"]

    def test_commit_bumps_the_version(self, store: Store, saved: Saved) -> None:
        assert saved[1].version == 1
        with store.unit_of_work() as uow:
            cmdb = uow.cmdbs.get("example")
            cmdb.add(ConfigurationItem("sw9", "switch"), actor="ann", at=T0)
            uow.commit()
            assert cmdb.version == 2
        assert load(store)[1].version == 2

    def test_a_store_is_empty_when_new(self, store: Store) -> None:
        with store.unit_of_work() as uow, pytest.raises(NotFoundError, match="'default'"):
            uow.cmdbs.get()

    def test_a_change_keeps_exactly_the_time_it_was_given(self, store: Store, saved: Saved) -> None:
        """Made, committed, read back and changed again: every change holds its ``at``."""
        # far from now, to the microsecond, one of them given in another zone
        when = [
            datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
            + n * timedelta(days=40, microseconds=1)
            for n in range(7)
        ]
        kolkata = timezone(timedelta(hours=5, minutes=30))
        with store.unit_of_work() as uow:
            portfolio, cmdb = uow.portfolios.get("example"), uow.cmdbs.get("example")
            cmdb.add(
                ConfigurationItem("sw9", "switch"), actor="ann", at=when[0].astimezone(kolkata)
            )
            cmdb.update_ci("sw9", actor="ann", at=when[1], owner="ops")
            cmdb.add_many(
                [ConfigurationItem("sw8", "switch")], [("sw8", "sw9")], actor="ann", at=when[2]
            )
            cmdb.remove_relationship("sw8", "sw9", actor="ann", at=when[3])
            cmdb.remove("sw8", actor="ann", at=when[4])
            portfolio.move("shop", "retired", actor="ann", at=when[5])
            made = [(c.subject, c.action, c.at) for c in cmdb.changes()][-6:]
            uow.commit()
        mine = cmdb
        expected = [
            ("sw9", CmdbAction.CREATED, when[0]),
            ("sw9", CmdbAction.UPDATED, when[1]),
            ("sw8", CmdbAction.CREATED, when[2]),
            ("sw8", CmdbAction.CREATED, when[2]),  # the batch's relationship
            ("sw8", CmdbAction.DELETED, when[3]),
            ("sw8", CmdbAction.DELETED, when[4]),
        ]
        assert made == expected
        portfolio, cmdb = load(store)
        read = [(c.subject, c.action, c.at) for c in cmdb.changes()][-6:]
        assert read == expected
        assert all(c.at.utcoffset() == timedelta(0) for c in cmdb.changes())
        assert portfolio.phase_history("shop")[-1].at == when[5]
        assert cmdb.as_of(when[1]) == mine.as_of(when[1])  # the same history, the same answer
        assert cmdb.as_of(when[1]).ci("sw9").owner == "ops"
        with store.unit_of_work() as uow:
            uow.cmdbs.get("example").update_ci("sw9", actor="bob", at=when[6], owner="net")
            uow.commit()
        assert load(store)[1].history("sw9")[-1].at == when[6]

    def test_a_loaded_aggregate_reads_no_clock(self, store: Store, saved: Saved) -> None:
        """Without ``at`` a change of a loaded CMDB or portfolio is refused, not stamped."""
        portfolio, cmdb = load(store)
        with pytest.raises(TypeError, match="'at'"):
            cmdb.add(ConfigurationItem("sw9", "switch"), actor="ann")  # type: ignore[call-arg]
        with pytest.raises(ValidationError, match="at must be an aware datetime"):
            cmdb.add(ConfigurationItem("sw9", "switch"), actor="ann", at=None)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="'at'"):
            portfolio.move("shop", "retired", actor="ann")  # type: ignore[call-arg]
        with pytest.raises(ValidationError, match="at must be an aware datetime"):
            portfolio.move("shop", "retired", actor="ann", at=None)  # type: ignore[arg-type]
        assert "sw9" not in cmdb
        assert portfolio.service("shop").phase == "in_production"


class AllOrNothingContract(_Contract):
    def test_nothing_is_written_without_commit(self, store: Store, saved: Saved) -> None:
        with store.unit_of_work() as uow:
            uow.cmdbs.get("example").add(ConfigurationItem("sw9", "switch"), actor="ann", at=T0)
        assert "sw9" not in load(store)[1]

    def test_an_exception_rolls_back(self, store: Store, saved: Saved) -> None:
        with pytest.raises(RuntimeError), store.unit_of_work() as uow:
            uow.cmdbs.get("example").add(ConfigurationItem("sw9", "switch"), actor="ann", at=T0)
            uow.portfolios.get("example").move("shop", "retired", actor="ann", at=T0)
            raise RuntimeError("boom")
        portfolio, cmdb = load(store)
        assert "sw9" not in cmdb
        assert portfolio.service("shop").phase == "in_production"

    def test_rollback_discards_and_the_unit_can_go_on(self, store: Store, saved: Saved) -> None:
        with store.unit_of_work() as uow:
            uow.cmdbs.get("example").add(ConfigurationItem("sw9", "switch"), actor="ann", at=T0)
            uow.rollback()
            uow.cmdbs.get("example").add(ConfigurationItem("sw8", "switch"), actor="ann", at=T0)
            uow.commit()
        cmdb = load(store)[1]
        assert "sw8" in cmdb and "sw9" not in cmdb

    def test_changing_a_loaded_object_does_not_reach_the_store(
        self, store: Store, saved: Saved
    ) -> None:
        _, cmdb = load(store)
        cmdb.add(ConfigurationItem("sw9", "switch"), actor="ann", at=T0)
        assert "sw9" not in load(store)[1]

    def test_changing_an_object_after_commit_does_not_reach_the_store(
        self, store: Store, saved: Saved
    ) -> None:
        saved[1].add(ConfigurationItem("sw9", "switch"), actor="ann", at=T0)
        assert "sw9" not in load(store)[1]


class ConflictsContract(_Contract):
    def test_a_stale_writer_gets_a_conflict_and_writes_nothing(
        self, store: Store, saved: Saved
    ) -> None:
        with store.unit_of_work() as first, store.unit_of_work() as second:
            mine = first.cmdbs.get("example")
            theirs = second.cmdbs.get("example")
            other_portfolio = second.portfolios.get("example")
            mine.update_ci("db1", actor="ann", at=T0, owner="ann")
            first.commit()
            theirs.update_ci("db1", actor="bob", at=T0, owner="bob")
            theirs.add(ConfigurationItem("sw9", "switch"), actor="bob", at=T0)
            other_portfolio.move("shop", "retired", actor="bob", at=T0)
            with pytest.raises(ConflictError, match="db1 changed by someone else"):
                second.commit()
        portfolio, cmdb = load(store)
        assert cmdb.ci("db1").owner == "ann"
        assert "sw9" not in cmdb
        assert portfolio.service("shop").phase == "in_production"  # not half written

    def test_a_decision_on_what_changed_meanwhile_conflicts(self, store: Store) -> None:
        """``require_unchanged``: a role revoked while a decision rests on it stops the commit."""
        from fitsm import Person, RoleModel

        roles = RoleModel()
        roles.add_person(Person("ann", "Ann"))
        with store.unit_of_work() as uow:
            uow.roles.add(roles)
            uow.portfolios.add(ServicePortfolio("p"))
            uow.commit()
        with store.unit_of_work() as decider, store.unit_of_work() as admin:
            decider.roles.require_unchanged()
            decider.portfolios.get("p").add_service(Service("x", "X"))
            changed = admin.roles.get()
            changed.add_person(Person("bob", "Bob"))
            admin.commit()
            with pytest.raises(ConflictError, match="changed since it was read"):
                decider.commit()
        with store.unit_of_work() as uow:
            assert "x" not in [s.id for s in uow.portfolios.get("p").services]

    def test_adding_an_id_that_exists_is_refused(self, store: Store, saved: Saved) -> None:
        with store.unit_of_work() as uow, pytest.raises(DuplicateError, match="'example'"):
            uow.cmdbs.add(Cmdb(id="example"))

    def test_two_units_adding_the_same_id_conflict(self, store: Store) -> None:
        with store.unit_of_work() as first, store.unit_of_work() as second:
            first.portfolios.add(ServicePortfolio("p"))
            second.portfolios.add(ServicePortfolio("p"))
            first.commit()
            with pytest.raises(ConflictError, match="'p' was added by someone else"):
                second.commit()

    def test_a_unit_can_commit_again_after_its_own_commit(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            portfolio = ServicePortfolio("p")
            uow.portfolios.add(portfolio)
            uow.commit()
            portfolio.add_service(Service("x", "X"))
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.portfolios.get("p").service("x").name == "X"


class TeamEditingContract(_Contract):
    """A CMDB edited by a team: only changes to the same CI or relationship conflict."""

    def test_changes_to_different_cis_both_commit(self, store: Store, saved: Saved) -> None:
        with store.unit_of_work() as first, store.unit_of_work() as second:
            mine, theirs = first.cmdbs.get("example"), second.cmdbs.get("example")
            mine.update_ci("db1", actor="ann", at=T0, owner="ann")
            mine.add(ConfigurationItem("sw8", "switch"), actor="ann", at=T0)
            theirs.update_ci("san1", actor="bob", at=T0, owner="bob")
            first.commit()
            second.commit()  # no retry
            assert theirs.ci("db1").owner == "ann"  # the loser caught up with the winner
        cmdb = load(store)[1]
        assert (cmdb.ci("db1").owner, cmdb.ci("san1").owner) == ("ann", "bob")
        assert "sw8" in cmdb
        assert [e.actor for e in cmdb.changes()][-3:] == ["ann", "ann", "bob"]

    def test_the_invariants_hold_over_both_commits(self, store: Store, saved: Saved) -> None:
        with store.unit_of_work() as uow:
            cmdb = uow.cmdbs.get("example")
            cmdb.add(ConfigurationItem("probe1", "switch"), actor="ann", at=T0)
            uow.commit()
        with store.unit_of_work() as first, store.unit_of_work() as second:
            first.cmdbs.get("example").add_relationship(
                "probe1", "db1", "connects_to", actor="a", at=T0
            )
            second.cmdbs.get("example").add_relationship(
                "db1", "probe1", "connects_to", actor="b", at=T0
            )
            first.commit()
            with pytest.raises(ConflictError, match="cycle"):
                second.commit()
        cmdb = load(store)[1]
        assert "probe1" in cmdb.depends_on("db1") or "db1" in cmdb.depends_on("probe1")
        assert not ("probe1" in cmdb.depends_on("db1") and "db1" in cmdb.depends_on("probe1"))

    def test_a_removal_and_a_re_adding_in_one_unit_of_work_commit(
        self, store: Store, saved: Saved
    ) -> None:
        with store.unit_of_work() as uow:
            cmdb = uow.cmdbs.get("example")
            before = {r for r in cmdb.relationships() if "db1" in (r.source, r.target)}
            record = cmdb.remove("db1", actor="ann", at=T0)
            cmdb.add_many([record], before, actor="ann", at=T0)
            uow.commit()
        cmdb = load(store)[1]
        assert {r for r in cmdb.relationships() if "db1" in (r.source, r.target)} == before
        assert cmdb["db1"] == saved[1]["db1"]

    def test_rolling_back_leaves_the_stored_cmdb_as_it_was(
        self, store: Store, saved: Saved
    ) -> None:
        with store.unit_of_work() as uow:
            cmdb = uow.cmdbs.get("example")
            cmdb.remove("san1", actor="ann", at=T0)
            cmdb.update_ci("db1", actor="ann", at=T0, owner="nobody")
            uow.rollback()
        with store.unit_of_work() as uow:
            assert uow.cmdbs.get("example") == saved[1]


class OutboxContract(_Contract):
    """Events out, none lost: written with the commit, read in commit order by cursor."""

    def test_a_commit_writes_what_it_did_as_events_in_order(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            uow.cases.add(Incident("INC-1", "Mail down", T0, "ann", service="mail"))
            uow.outages.record(Outage("mx1", T0, id="out-1"))
            uow.commit()
        with store.unit_of_work() as uow:
            case = uow.cases.get("INC-1")
            INCIDENT.fire(case, "classify", actor="ann", at=T0 + HOUR, category="mail")
            cmdb = Cmdb(CmdbSchema(ci_types=["server"]), id="c")
            cmdb.add(ConfigurationItem("mx1", "server"), actor="bob", at=T0)
            uow.cmdbs.add(cmdb)
            uow.outages.close("out-1", T0 + HOUR)
            uow.commit()
        events = store.events()
        assert [(e.kind, e.subject) for e in events] == [
            ("case_registered", "INC-1"),
            ("outage_recorded", "out-1"),
            ("case_transition", "INC-1"),
            ("cmdb_change", "mx1"),
            ("outage_ended", "out-1"),
        ]
        assert [e.position for e in events] == sorted({e.position for e in events})
        assert events[2].data["event"] == "classify"
        assert events[2].at == T0 + HOUR
        assert events[3].data["actor"] == "bob"

    def test_nothing_is_written_without_a_commit(self, store: Store, saved: Saved) -> None:
        before = store.events(limit=10_000)
        with store.unit_of_work() as uow:
            uow.outages.record(Outage("mx1", T0))
            uow.publish(ClockBreached("INC-1", ClockKind.RESOLUTION, T0))
        with store.unit_of_work() as first, store.unit_of_work() as second:
            first.cmdbs.get("example").update_ci("db1", actor="ann", at=T0, owner="ann")
            second.cmdbs.get("example").update_ci("db1", actor="bob", at=T0, owner="bob")
            second.outages.record(Outage("mx2", T0))
            first.commit()
            with pytest.raises(ConflictError):
                second.commit()
        after = store.events(limit=10_000)
        assert [e.subject for e in after[len(before) :]] == ["db1"]  # the winner's alone

    def test_published_events_go_out_with_the_commit(self, store: Store) -> None:
        warning = ClockWarning("INC-1", ClockKind.RESOLUTION, T0, Fraction(3, 4))
        with store.unit_of_work() as uow:
            uow.publish(warning)
            uow.commit()
        (event,) = store.events()
        assert (event.kind, event.subject, event.at) == ("ClockWarning", "INC-1", T0)
        assert event.data == {"case": "INC-1", "kind": "resolution_time",
                              "at": T0.isoformat(), "share": "3/4"}  # fmt: skip

    def test_each_consumer_reads_what_it_has_not_acknowledged(self, store: Store) -> None:
        _record(store, *(Outage(f"ci{n}", T0, id=f"o{n}") for n in range(5)))
        first = store.pending_events("mailer", limit=2)
        assert [e.subject for e in first] == ["o0", "o1"]
        assert store.pending_events("mailer", limit=2) == first  # not acknowledged: again
        store.acknowledge("mailer", first[-1].position)
        assert [e.subject for e in store.pending_events("mailer")] == ["o2", "o3", "o4"]
        store.acknowledge("mailer", first[0].position)  # a cursor never goes back
        assert [e.subject for e in store.pending_events("mailer")] == ["o2", "o3", "o4"]
        assert len(store.pending_events("sync")) == 5  # another consumer, its own cursor

    @pytest.mark.parametrize(
        ("call", "message"),
        [
            (lambda s: s.events(after=-1), "after"),
            (lambda s: s.events(limit=0), "limit"),
            (lambda s: s.pending_events(""), "consumer"),
            (lambda s: s.acknowledge("mailer", -5), "position"),
            (lambda s: s.unit_of_work().publish("warning"), "event object"),
        ],
    )
    def test_bad_arguments_are_refused(self, store: Store, call: Any, message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            call(store)


class AgreementsContract(_Contract):
    def test_agreements_with_all_their_versions_read_back_equal(self, store: Store) -> None:
        from datetime import UTC, date, datetime, timedelta

        from fitsm import Q_, Agreement, BusinessCalendar, ServiceTarget
        from fitsm.service_levels import Agreements

        registry = Agreements()
        registry.add(
            Agreement(
                "sla-shop",
                "SLA",
                "retail",
                ["shop"],
                [
                    ServiceTarget("availability", Q_(99.5, "percent")),
                    ServiceTarget("resolution_time", Q_(4, "hour"), priority="P1"),
                    ServiceTarget("capacity", Q_(2, "TB"), name="storage"),
                ],
                calendar=BusinessCalendar.from_rules(
                    {"mon-fri": "08:00-12:00, 13:00-17:00"},
                    zone="Europe/Berlin",
                    holidays=[date(2026, 12, 25)],
                ),
                valid_from=datetime(2026, 1, 1, tzinfo=UTC),
                review_interval=timedelta(days=365),
                next_review=date(2026, 12, 1),
            )
        )
        registry.revise("sla-shop", owner="carol", effective_from=datetime(2026, 7, 1, tzinfo=UTC))
        with store.unit_of_work() as uow:
            uow.agreements.add(registry)
            uow.commit()
        with store.unit_of_work() as uow:
            loaded = uow.agreements.get()
        assert loaded == registry
        assert [a.version for a in loaded.versions("sla-shop")] == [1, 2]

    def test_effective_dates_read_back_with_the_same_answers(self, store: Store) -> None:
        """Each version keeps the time it takes effect (PR2.2): a past instant and a past
        period are answered alike before and after a round trip."""
        jan, jul = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)
        cest = timezone(timedelta(hours=2))
        registry = Agreements()
        registry.add(
            Agreement(
                "sla-shop",
                "SLA",
                "retail",
                ["shop"],
                [ServiceTarget("availability", Q_(99, "percent"))],
                valid_from=jan,
            )
        )
        registry.revise(
            "sla-shop",
            targets=[ServiceTarget("availability", Q_(99.9, "percent"))],
            effective_from=datetime(2026, 4, 1, 2, tzinfo=cest),  # 00:00 UTC
        )
        registry.revise("sla-shop", valid_from=jul, party="retail-eu")  # a renewal
        with store.unit_of_work() as uow:
            uow.agreements.add(registry)
            uow.commit()
        with store.unit_of_work() as uow:
            loaded = uow.agreements.get()
        assert [v.effective_from for v in loaded.versions("sla-shop")] == [
            None,
            datetime(2026, 4, 1, tzinfo=UTC),
            jul,
        ]
        assert loaded.timeline("sla-shop") == registry.timeline("sla-shop")
        for month in range(1, 13):
            at = datetime(2026, month, 15, tzinfo=UTC)
            assert loaded.sla_for("shop", at) == registry.sla_for("shop", at)
            assert loaded.version_at("sla-shop", at) == registry.version_at("sla-shop", at)
        assert [v.version for v in loaded.in_force(datetime(2026, 5, 1, tzinfo=UTC))] == [2]


_RENEWED = datetime(2026, 7, 1, tzinfo=UTC)


class AgreementChangesContract(_Contract):
    """Each agreement is its own unit of change: renewing one SLA does not conflict with
    editing another."""

    def _two_slas(self, store: Store) -> None:
        registry = Agreements()
        for sla in ("sla-shop", "sla-mail"):
            target = ServiceTarget("availability", Q_(99.5, "percent"))
            registry.add(Agreement(sla, "SLA", "retail", [sla[4:]], [target]))
        with store.unit_of_work() as uow:
            uow.agreements.add(registry)
            uow.commit()

    def test_changes_to_different_agreements_both_commit(self, store: Store) -> None:
        self._two_slas(store)
        with store.unit_of_work() as first, store.unit_of_work() as second:
            first.agreements.get().revise("sla-shop", party="retail-eu", effective_from=_RENEWED)
            second.agreements.get().revise("sla-mail", party="staff", effective_from=_RENEWED)
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            registry = uow.agreements.get()
        assert registry.current("sla-shop").party == "retail-eu"
        assert registry.current("sla-mail").party == "staff"
        assert registry.current("sla-shop").effective_from == _RENEWED  # kept through the merge
        assert registry.version_at("sla-shop", _RENEWED - timedelta(seconds=1)).version == 1  # type: ignore[union-attr]
        assert [len(registry.versions(a)) for a in ("sla-shop", "sla-mail")] == [2, 2]

    def test_changes_to_the_same_agreement_conflict(self, store: Store) -> None:
        self._two_slas(store)
        with store.unit_of_work() as first, store.unit_of_work() as second:
            first.agreements.get().revise("sla-shop", party="a", effective_from=_RENEWED)
            second.agreements.get().revise("sla-shop", party="b", effective_from=_RENEWED)
            first.commit()
            with pytest.raises(ConflictError, match="sla-shop"):
                second.commit()
        with store.unit_of_work() as uow:
            assert uow.agreements.get().current("sla-shop").party == "a"


_T1 = datetime(2026, 1, 5, 9, tzinfo=UTC)
_VERIFY = ("cmdb_verification", "example")
_SLA = ("agreement", "sla-shop")


def _schedules() -> ReviewSchedules:
    """Two schedules, one by interval and one by calendar months, one reviewed once."""
    schedules = ReviewSchedules()
    schedules.plan(_VERIFY, MonthlyRule(3, day=31, zone="Europe/Berlin"), at=_T1, by="ann")
    schedules.plan(
        _SLA,
        timedelta(days=90),
        at=_T1,
        by="ann",
        first_due=_T1 + timedelta(days=30),
        owner="carol",
    )
    schedules.perform(
        _SLA, at=_T1 + timedelta(days=20), by="carol", outcome="findings", follow_ups=["CSI-1"]
    )
    return schedules


def _register() -> RiskRegister:
    """The example CMDB's candidate risks for the shop, on a 3 x 3 matrix; one treated, one
    closed."""
    matrix = RiskMatrix.banded(
        ["low", "medium", "high"], ["minor", "serious", "critical"], {"ok": 2, "watch": 4, "act": 9}
    )
    register = RiskRegister(matrix=matrix)
    _, cmdb = example_provider()
    register.seed(candidate_risks(cmdb, ["shop"], matrix=matrix), at=_T1, by="ann")
    register.treat(
        "spof-db1",
        "reduce",
        measures=["CHG-7"],
        residual_likelihood="low",
        residual_impact="serious",
        at=_T1,
        by="bob",
    )
    register.close("spof-shop-cert", at=_T1, by="bob", note="certificate now renewed by ACME")
    return register


class ReviewsAndRisksContract(_Contract):
    """Review schedules and the risk register go through every store, each schedule and each
    risk its own unit of change."""

    def _stored(self, store: Store) -> tuple[ReviewSchedules, RiskRegister]:
        schedules, register = _schedules(), _register()
        with store.unit_of_work("ann") as uow:
            uow.reviews.add(schedules)
            uow.risks.add(register)
            uow.commit()
        return schedules, register

    def test_schedules_and_risks_read_back_equal_with_the_same_answers(self, store: Store) -> None:
        schedules, register = self._stored(store)
        with store.unit_of_work() as uow:
            loaded, risks = uow.reviews.get(), uow.risks.get()
            assert uow.reviews.ids() == uow.risks.ids() == ["default"]
        assert loaded == schedules
        assert risks == register
        assert (loaded.version, risks.version) == (1, 1)
        for days in (0, 40, 90, 200):
            at = _T1 + timedelta(days=days)
            assert loaded.overdue(at) == schedules.overdue(at)
            assert loaded.due_within(at, timedelta(days=60)) == schedules.due_within(
                at, timedelta(days=60)
            )
        assert loaded.schedule(_SLA).last == schedules.schedule(_SLA).last
        assert [r.id for r in risks.ranked()] == [r.id for r in register.ranked()]
        assert risks.residual_rating("spof-db1") == register.residual_rating("spof-db1")
        assert risks.risk("spof-shop-cert").closed

    def test_an_exception_rolls_back_schedules_and_risks_together(self, store: Store) -> None:
        self._stored(store)
        with pytest.raises(RuntimeError), store.unit_of_work("ann") as uow:
            uow.reviews.get().perform(_VERIFY, at=_T1, by="ann")
            uow.risks.get().assess(
                "spof-db1", likelihood="high", impact="critical", at=_T1, by="ann"
            )
            raise RuntimeError("boom")
        with store.unit_of_work() as uow:
            assert uow.reviews.get().schedule(_VERIFY).reviews == ()
            assert uow.risks.get().risk("spof-db1").likelihood == "medium"

    def test_an_assessment_on_its_schedule_commits_both(self, store: Store) -> None:
        self._stored(store)
        with store.unit_of_work("bob") as uow:
            schedules, register = uow.reviews.get(), uow.risks.get()
            plan_assessments(schedules, register, timedelta(days=180), at=_T1, by="bob")
            uow.commit()
        later = _T1 + timedelta(days=3)
        with store.unit_of_work("bob") as uow:
            schedules, register = uow.reviews.get(), uow.risks.get()
            register.assess(
                "spof-db1",
                likelihood="low",
                impact="serious",
                at=later,
                by="bob",
                schedules=schedules,
            )
            uow.commit()
        with store.unit_of_work() as uow:
            schedule = uow.reviews.get().schedule(assessment_subject("spof-db1"))
            assert uow.risks.get().risk("spof-db1").assessed.at == later  # type: ignore[union-attr]
        assert schedule.last.at == later  # type: ignore[union-attr]
        assert schedule.next_due == later + timedelta(days=180)

    def test_reviews_of_different_subjects_both_commit(self, store: Store) -> None:
        self._stored(store)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.reviews.get().perform(_VERIFY, at=_T1 + timedelta(days=1), by="ann")
            second.reviews.get().perform(_SLA, at=_T1 + timedelta(days=25), by="bob")
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            schedules = uow.reviews.get()
        assert schedules.schedule(_VERIFY).last.by == "ann"  # type: ignore[union-attr]
        assert [r.by for r in schedules.schedule(_SLA).reviews] == ["carol", "bob"]
        assert schedules.version == 3

    def test_reviews_of_the_same_subject_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        self._stored(store)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.reviews.get().perform(_VERIFY, at=_T1 + timedelta(days=1), by="ann")
            theirs = second.reviews.get()
            theirs.perform(_VERIFY, at=_T1 + timedelta(days=2), by="bob")
            theirs.perform(_SLA, at=_T1 + timedelta(days=25), by="bob")
            first.commit()
            with pytest.raises(ConflictError, match="cmdb_verification:example"):
                second.commit()
        with store.unit_of_work() as uow:
            schedules = uow.reviews.get()
        assert [r.by for r in schedules.schedule(_VERIFY).reviews] == ["ann"]
        assert len(schedules.schedule(_SLA).reviews) == 1

    def test_changes_to_different_risks_both_commit(self, store: Store) -> None:
        self._stored(store)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.risks.get().assess(
                "spof-db1", likelihood="high", impact="critical", at=_T1, by="ann"
            )
            second.risks.get().revise("spof-fw1", owner="net", at=_T1, by="bob")
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            register = uow.risks.get()
        assert register.rating("spof-db1").level == "act"
        assert register.risk("spof-fw1").owner == "net"
        assert [c.by for c in register.risk("spof-fw1").history] == ["ann", "bob"]

    def test_changes_to_the_same_risk_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        self._stored(store)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.risks.get().revise("spof-db1", owner="dba", at=_T1, by="ann")
            theirs = second.risks.get()
            theirs.revise("spof-db1", owner="ops2", at=_T1, by="bob")
            theirs.revise("spof-fw1", owner="net", at=_T1, by="bob")
            first.commit()
            with pytest.raises(ConflictError, match="'spof-db1'"):
                second.commit()
        with store.unit_of_work() as uow:
            register = uow.risks.get()
        assert register.risk("spof-db1").owner == "dba"
        assert register.risk("spof-fw1").owner == "ops"

    def test_a_merged_commit_gets_a_version_of_its_own(self, store: Store) -> None:
        """After a merge the stored version moves past both writers', so a third writer who
        loaded between them is still caught."""
        self._stored(store)
        with (
            store.unit_of_work("ann") as first,
            store.unit_of_work("bob") as second,
        ):
            first.reviews.get().perform(_VERIFY, at=_T1 + timedelta(days=1), by="ann")
            second.reviews.get().perform(_SLA, at=_T1 + timedelta(days=25), by="bob")
            first.commit()
            with store.unit_of_work("eve") as third:
                stale = third.reviews.get()  # has ann's review, not bob's
                second.commit()
                stale.perform(_SLA, at=_T1 + timedelta(days=26), by="eve")
                with pytest.raises(ConflictError, match="agreement:sla-shop"):
                    third.commit()
        with store.unit_of_work() as uow:
            schedules = uow.reviews.get()
        assert schedules.version == 3
        assert [r.by for r in schedules.schedule(_SLA).reviews] == ["carol", "bob"]


def _capacity() -> CapacityRegister:
    """A storage pool and a CPU pool with a type threshold, one requirement, one plan."""
    register = CapacityRegister()
    register.set_capacity(
        Capacity("san1", "storage", Q_(100, "TB"), ci_type="storage"), at=_T1, by="ann"
    )
    register.set_capacity(Capacity("hv1", "cpu", Q_(64, "core")), at=_T1, by="ann")
    register.set_threshold(
        Threshold("storage", Q_(80, "percent"), Q_(90, "percent"), ci_type="storage"),
        at=_T1,
        by="ann",
    )
    register.add_requirement(
        derive_requirement(
            "cpu-shop",
            "shop",
            "cpu",
            unit="core",
            target=Q_(200, "transaction/s"),
            cost=Q_(Fraction(1, 50), "core*s/transaction"),
            headroom=Q_(25, "percent"),
        ),
        at=_T1,
        by="ann",
    )
    item = PlanItem(
        "shelf", "technical", "A 50 TB shelf for san1", amount=Q_(50, "TB"), cost="18000.50",
        currency="EUR", due=_T1 + timedelta(days=60), requirement="cpu-shop",
    )  # fmt: skip
    register.add_plan(
        CapacityPlan("cap-2026", "Capacity 2026", owner="olga", services=["shop"], items=[item]),
        at=_T1,
        by="olga",
    )
    return register


def _samples(subject: str, days: range, unit: str = "TB", start: float = 40) -> UtilisationSeries:
    return UtilisationSeries.of(
        subject,
        "storage",
        unit,
        [_T1 + timedelta(days=d) for d in days],
        [start + d / 2 for d in days],
    )


class CapacityContract(_Contract):
    """The capacity register (each capacity, threshold, requirement and plan its own unit of
    change) and utilisation series go through every store."""

    def _capacity_stored(self, store: Store) -> CapacityRegister:
        register = _capacity()
        with store.unit_of_work("ann") as uow:
            uow.capacity.add(register)
            uow.utilisation.append(_samples("san1", range(60)))
            uow.commit()
        return register

    def test_the_register_reads_back_equal_with_the_same_answers(self, store: Store) -> None:
        register = self._capacity_stored(store)
        with store.unit_of_work() as uow:
            loaded = uow.capacity.get()
            assert uow.capacity.ids() == ["default"]
        assert loaded == register
        assert loaded.version == 1
        assert loaded.capacity("san1", "storage").amount == Q_(100, "TB")
        assert loaded.threshold_for("san1", "storage") == register.threshold_for("san1", "storage")
        assert loaded.requirement("cpu-shop").amount == Q_(5, "core")
        assert loaded.plan("cap-2026").cost() == {"EUR": Decimal("18000.50")}
        assert loaded.changes() == register.changes()

    def test_samples_read_back_by_subject_and_range_as_columns(self, store: Store) -> None:
        self._capacity_stored(store)
        with store.unit_of_work() as uow:
            every = uow.utilisation.read("san1", "storage")
            some = uow.utilisation.read(
                "san1", "storage", _T1 + timedelta(days=10), _T1 + timedelta(days=13)
            )
            assert uow.utilisation.series() == [("san1", "storage", "terabyte")]
            with pytest.raises(NotFoundError, match="san9/storage"):
                uow.utilisation.read("san9", "storage")
        assert every == _samples("san1", range(60))
        assert (str(every.times.dtype), str(every.values.dtype)) == ("int64", "float64")
        assert some.values.tolist() == [45.0, 45.5, 46.0]  # day 13 is the end: not included

    def test_a_batch_in_another_unit_of_the_same_kind_is_converted(self, store: Store) -> None:
        self._capacity_stored(store)
        with store.unit_of_work("ann") as uow:
            days = [_T1 + timedelta(days=d) for d in (60, 61)]
            uow.utilisation.append(
                UtilisationSeries.of("san1", "storage", "GB", days, [70_000, 70_500])
            )
            with pytest.raises(ValidationError, match="core"):
                uow.utilisation.append(
                    UtilisationSeries.of("san1", "storage", "core", [_T1 + timedelta(days=90)], [3])
                )
            uow.commit()
        with store.unit_of_work() as uow:
            tail = uow.utilisation.read("san1", "storage", _T1 + timedelta(days=59))
        assert tail.unit == "terabyte"
        # 70 000 GB is 70 TB; float64 holds the factor 1/1000 to 1e-16
        assert tail.values.tolist() == pytest.approx([69.5, 70.0, 70.5], rel=1e-12)

    def test_a_taken_instant_is_refused_and_nothing_is_written(self, store: Store) -> None:
        self._capacity_stored(store)
        with store.unit_of_work("ann") as uow:
            uow.utilisation.append(_samples("db1", range(3)))
            with pytest.raises(DuplicateError, match="san1/storage"):
                uow.utilisation.append(_samples("san1", range(59, 62)))
            with pytest.raises(DuplicateError, match="db1/storage"):
                uow.utilisation.append(_samples("db1", range(2, 4)))
            uow.commit()
        with store.unit_of_work() as uow:
            assert len(uow.utilisation.read("san1", "storage")) == 60
            assert len(uow.utilisation.read("db1", "storage")) == 3

    def test_samples_are_not_written_without_commit_but_read_within(self, store: Store) -> None:
        self._capacity_stored(store)
        with store.unit_of_work("ann") as uow:
            uow.utilisation.append(_samples("san1", range(60, 70)))
            uow.utilisation.append(_samples("db1", range(5)))
            assert len(uow.utilisation.read("san1", "storage")) == 70
            assert len(uow.utilisation.read("db1", "storage", _T1 + timedelta(days=1))) == 4
        with store.unit_of_work() as uow:
            assert len(uow.utilisation.read("san1", "storage")) == 60
            assert [s for s, _, _ in uow.utilisation.series()] == ["san1"]

    def test_two_writers_of_the_same_instants_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        self._capacity_stored(store)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.utilisation.append(_samples("san1", range(60, 65)))
            second.utilisation.append(_samples("san1", range(64, 66)))
            second.utilisation.append(_samples("db1", range(2)))
            second.capacity.get().set_capacity(
                Capacity("db1", "storage", Q_(2, "TB")), at=_T1, by="bob"
            )
            first.commit()
            with pytest.raises(ConflictError):
                second.commit()
        with store.unit_of_work() as uow:
            assert len(uow.utilisation.read("san1", "storage")) == 65
            assert [s for s, _, _ in uow.utilisation.series()] == ["san1"]
            assert "capacity:db1/storage" not in uow.capacity.get()

    def test_changes_to_different_items_both_commit(self, store: Store) -> None:
        self._capacity_stored(store)
        later = _T1 + timedelta(days=1)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.capacity.get().set_capacity(
                Capacity("san1", "storage", Q_(150, "TB"), ci_type="storage"), at=later, by="ann"
            )
            first.utilisation.append(_samples("san1", range(60, 62)))
            second.capacity.get().approve_plan("cap-2026", at=later, by="bob")
            second.utilisation.append(_samples("db1", range(2)))
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            register = uow.capacity.get()
            assert len(uow.utilisation.read("san1", "storage")) == 62
            assert len(uow.utilisation.read("db1", "storage")) == 2
        assert register.capacity("san1", "storage").amount == Q_(150, "TB")
        assert register.plan("cap-2026").status.value == "approved"
        assert register.version == 3

    def test_changes_to_the_same_item_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        self._capacity_stored(store)
        later = _T1 + timedelta(days=1)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.capacity.get().approve_plan("cap-2026", at=later, by="ann")
            theirs = second.capacity.get()
            theirs.terminate_plan("cap-2026", at=later, by="bob")
            theirs.set_capacity(Capacity("db1", "storage", Q_(2, "TB")), at=later, by="bob")
            second.utilisation.append(_samples("db1", range(2)))
            first.commit()
            with pytest.raises(ConflictError, match="plan:cap-2026"):
                second.commit()
        with store.unit_of_work() as uow:
            register = uow.capacity.get()
            assert [s for s, _, _ in uow.utilisation.series()] == ["san1"]
        assert register.plan("cap-2026").status.value == "approved"
        assert "capacity:db1/storage" not in register

    def test_a_plan_review_on_its_schedule_commits_both(self, store: Store) -> None:
        self._capacity_stored(store)
        with store.unit_of_work("olga") as uow:
            schedules = ReviewSchedules()
            schedules.plan(capacity_plan_subject("cap-2026"), timedelta(days=90), at=_T1, by="olga")
            uow.reviews.add(schedules)
            uow.commit()
        later = _T1 + timedelta(days=30)
        with store.unit_of_work("olga") as uow:
            uow.capacity.get().review_plan(
                "cap-2026", at=later, by="olga", outcome="updated", schedules=uow.reviews.get()
            )
            uow.commit()
        with store.unit_of_work() as uow:
            schedule = uow.reviews.get().schedule(capacity_plan_subject("cap-2026"))
            history = uow.capacity.get().history("plan:cap-2026")
        assert schedule.next_due == later + timedelta(days=90)
        assert (history[-1].action, history[-1].at) == ("reviewed", later)

    def test_an_exception_rolls_back_the_register_and_the_samples(self, store: Store) -> None:
        self._capacity_stored(store)
        with pytest.raises(RuntimeError), store.unit_of_work("ann") as uow:
            uow.capacity.get().approve_plan("cap-2026", at=_T1, by="ann")
            uow.utilisation.append(_samples("san1", range(60, 62)))
            raise RuntimeError("boom")
        with store.unit_of_work() as uow:
            assert uow.capacity.get().plan("cap-2026").status.value == "draft"
            assert len(uow.utilisation.read("san1", "storage")) == 60


def _suppliers() -> SupplierRegister:
    """The example provider's suppliers, one with contacts, an escalation path, a product and
    an evaluation, one retired."""
    from datetime import date

    register = SupplierRegister(scale=RatingScale(["bad", "fair", "good"]))
    portfolio, _ = example_provider()
    register.adopt(portfolio.suppliers, at=_T1, by="ann")  # type: ignore[arg-type]
    register.add(Supplier("oldco", "Old Co", "external"), at=_T1, by="ann")
    register.retire("oldco", at=_T1, by="ann", note="contract ended")
    register.set_contact(
        "telco", suppliers.SupplierContact("Tina", "account manager"), at=_T1, by="sam"
    )
    register.set_channels(
        "telco",
        [suppliers.SupplierChannel("support", "portal", "https://noc.telco.example")],
        at=_T1,
        by="sam",
    )
    register.set_escalation(
        "telco", [EscalationLevel("Tina", timedelta(hours=2))], at=_T1, by="sam"
    )
    register.set_product(
        "telco",
        VendorProduct("edge", "EdgeOS", "telco", "7.2", date(2026, 6, 30), cis=["router1"]),
        at=_T1,
        by="sam",
    )
    register.evaluate(
        "telco",
        start=_T1 - timedelta(days=90),
        end=_T1,
        agreements=Agreements(),
        rating=2,
        findings=["two late responses"],
        actions=[FollowUpAction("telco-1", "weekly call", owner="sam", due=date(2026, 2, 1))],
        at=_T1,
        by="sam",
    )
    return register


class SuppliersContract(_Contract):
    """The supplier register goes through every store, each supplier its own unit of change."""

    def _stored_suppliers(self, store: Store) -> SupplierRegister:
        register = _suppliers()
        with store.unit_of_work("ann") as uow:
            uow.suppliers.add(register)
            uow.commit()
        return register

    def test_the_register_reads_back_equal_with_the_same_answers(self, store: Store) -> None:
        register = self._stored_suppliers(store)
        with store.unit_of_work() as uow:
            loaded = uow.suppliers.get()
            assert uow.suppliers.ids() == ["default"]
        assert loaded == register
        assert loaded.version == 1
        assert loaded.scale.shown(2) == "2/3"
        telco = loaded.supplier("telco")
        assert [level.contact for level in telco.escalation] == ["Tina"]
        assert (
            telco.product("edge").support_ends
            == register.supplier("telco").products[0].support_ends
        )
        assert [a.id for a in telco.open_actions] == ["telco-1"]
        assert [s.id for s in loaded.active()] == ["dc-ops", "payco", "telco"]
        assert loaded.supplier("oldco").retired

    def test_changes_to_different_suppliers_both_commit(self, store: Store) -> None:
        self._stored_suppliers(store)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.suppliers.get().update("payco", description="cards", at=_T1, by="ann")
            second.suppliers.get().set_contact(
                "dc-ops", suppliers.SupplierContact("Dora", "team lead"), at=_T1, by="bob"
            )
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            register = uow.suppliers.get()
        assert register.supplier("payco").description == "cards"
        assert register.supplier("dc-ops").contact("Dora").role == "team lead"
        assert register.version == 3

    def test_changes_to_the_same_supplier_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        self._stored_suppliers(store)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.suppliers.get().update("telco", name="Telco Ltd", at=_T1, by="ann")
            theirs = second.suppliers.get()
            theirs.update("telco", name="Telco plc", at=_T1, by="bob")
            theirs.update("payco", name="PayCo Ltd", at=_T1, by="bob")
            first.commit()
            with pytest.raises(ConflictError, match="'telco'"):
                second.commit()
        with store.unit_of_work() as uow:
            register = uow.suppliers.get()
        assert register.supplier("telco").name == "Telco Ltd"
        assert register.supplier("payco").name == "PayCo payments"

    def test_a_failed_commit_stores_nothing(self, store: Store) -> None:
        self._stored_suppliers(store)
        with pytest.raises(RuntimeError), store.unit_of_work("ann") as uow:
            uow.suppliers.get().retire("telco", at=_T1, by="ann")
            uow.reviews.add(ReviewSchedules())
            raise RuntimeError("boom")
        with store.unit_of_work() as uow:
            assert not uow.suppliers.get().supplier("telco").retired
            assert uow.reviews.ids() == []


def _customers() -> CustomerRegister:
    """ACME with a contact, an escalation path, a unit and a survey; Globex with a review."""
    register = CustomerRegister()
    register.add(
        Customer(
            "acme",
            "ACME Corporation",
            contacts=[
                customers.Contact(
                    "jane", "Jane Roe", email="jane@acme.example", matters=["escalation"]
                )
            ],
            channels=[
                customers.Channel("escalation", "phone", "+49 30 1", name="service desk"),
                customers.Channel("escalation", "email", "crm@provider.example", name="CRM"),
            ],
        ),
        at=_T1,
        by="ann",
    )
    register.add(Customer("acme-hr", "ACME HR", parent="acme"), at=_T1, by="ann")
    register.add(Customer("globex", "Globex"), at=_T1, by="ann")
    register.record_survey(
        "acme",
        SatisfactionSurvey("q4", date(2025, 10, 1), {"shop": [2, 3], "mail": 5}),
        at=_T1,
        by="carol",
    )
    register.record_review(
        "globex",
        ServiceReview("rv-1", _T1 - timedelta(days=90), _T1, "targets met", actions=["more"]),
        at=_T1,
        by="dan",
    )
    return register


class CustomersContract(_Contract):
    """The customer register goes through every store, each customer its own unit of change."""

    def _stored_customers(self, store: Store) -> CustomerRegister:
        register = _customers()
        with store.unit_of_work("ann") as uow:
            uow.customers.add(register)
            uow.commit()
        return register

    def test_the_register_reads_back_equal_with_the_same_answers(self, store: Store) -> None:
        register = self._stored_customers(store)
        with store.unit_of_work() as uow:
            loaded = uow.customers.get()
            assert uow.customers.ids() == ["default"]
        assert loaded == register and loaded.version == 1
        assert loaded.below_threshold(3) == register.below_threshold(3)
        assert [c.name for c in loaded.customer("acme").escalation_path] == ["service desk", "CRM"]
        assert loaded.customer("globex").last_review == register.customer("globex").last_review
        assert [c.id for c in loaded.units_of("acme")] == ["acme-hr"]

    def test_an_exception_stores_nothing(self, store: Store) -> None:
        self._stored_customers(store)
        with pytest.raises(RuntimeError), store.unit_of_work("ann") as uow:
            uow.customers.get().update("acme", description="steel", at=_T1, by="ann")
            raise RuntimeError("boom")
        with store.unit_of_work() as uow:
            assert uow.customers.get().customer("acme").description == ""

    def test_changes_to_different_customers_both_commit(self, store: Store) -> None:
        self._stored_customers(store)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.customers.get().update("acme", description="steel", at=_T1, by="ann")
            second.customers.get().retire("globex", at=_T1, by="bob")
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            register = uow.customers.get()
        assert register.customer("acme").description == "steel"
        assert register.customer("globex").retired
        assert register.version == 3

    def test_changes_to_the_same_customer_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        self._stored_customers(store)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.customers.get().update("acme", description="ann's", at=_T1, by="ann")
            theirs = second.customers.get()
            theirs.update("acme", description="bob's", at=_T1, by="bob")
            theirs.update("globex", description="bob's", at=_T1, by="bob")
            first.commit()
            with pytest.raises(ConflictError, match="customer 'acme'"):
                second.commit()
        with store.unit_of_work() as uow:
            register = uow.customers.get()
        assert register.customer("acme").description == "ann's"
        assert register.customer("globex").description == ""

    def test_a_review_on_its_schedule_commits_both(self, store: Store) -> None:
        self._stored_customers(store)
        with store.unit_of_work("ann") as uow:
            uow.reviews.add(ReviewSchedules())
            plan_service_reviews(
                uow.reviews.get(), uow.customers.get(), timedelta(days=90), at=_T1, by="ann"
            )
            uow.commit()
        later = _T1 + timedelta(days=2)
        review = ServiceReview("rv-2", _T1 - timedelta(days=30), _T1, "fine")
        with store.unit_of_work("carol") as uow:
            schedules = uow.reviews.get()
            uow.customers.get().record_review(
                "acme", review, at=later, by="carol", schedules=schedules
            )
            uow.commit()
        with store.unit_of_work() as uow:
            schedule = uow.reviews.get().schedule(service_review_subject("acme"))
            customer = uow.customers.get().customer("acme")
        assert schedule.next_due == later + timedelta(days=90)
        assert customer.last_review is not None and customer.last_review.held_at == later


_T_CONT = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def _continuity() -> ContinuityRegister:
    """Mail's requirements, a continuity plan with a measure in progress, an availability
    plan, and a test that missed the RTO (5 h 30 min against 4 h)."""
    register = ContinuityRegister()
    register.identify_requirements(
        "mail",
        availability_target=Fraction(995, 1000),
        sla="sla-mail",
        maximum_tolerable_downtime=Q_(8, "hour"),
        rto=Q_(4, "hour"),
        rpo=timedelta(hours=1),
        minimum_service_level="send and receive, no archive",
        source="BIA 2026",
        at=_T1,
        by="ann",
    )
    register.identify_requirements(
        "shop", availability_target=Q_(99.5, "percent"), at=_T1, by="ann"
    )
    register.add_plan(
        Plan(
            "cp-mail",
            "continuity",
            "Mail recovery at the second site",
            ["mail"],
            test_interval=timedelta(days=180),
            measures=[Measure("m-replica", "Mailbox replica in dc2", "dave")],
        ),
        at=_T1,
        by="ann",
    )
    register.add_plan(
        Plan("ap-shop", "availability", "Shop availability", ["shop"]), at=_T1, by="ann"
    )
    register.update_measure(
        "cp-mail", "m-replica", status="in_progress", change="CHG-12", at=_T1, by="dave"
    )
    register.record_test(
        ContinuityTest(
            "ct-1",
            "cp-mail",
            "mail",
            "dc1 lost",
            [
                TestEvent("disrupted", _T_CONT),
                TestEvent("plan_invoked", _T_CONT + timedelta(minutes=20)),
                TestEvent("restored", _T_CONT + timedelta(hours=5, minutes=30)),
                TestEvent("data_recovered_to", _T_CONT - timedelta(minutes=40)),
            ],
            outcome="findings",
            follow_ups=["CSI-3"],
        ),
        at=_T_CONT + timedelta(days=1),
        by="dave",
    )
    return register


class ContinuityContract(_Contract):
    """The continuity register goes through every store; each service's requirements, each
    plan and each test is its own unit of change."""

    def _stored_register(self, store: Store) -> ContinuityRegister:
        register = _continuity()
        with store.unit_of_work("ann") as uow:
            uow.continuity.add(register)
            uow.commit()
        return register

    def test_the_register_reads_back_equal_with_the_same_answers(self, store: Store) -> None:
        register = self._stored_register(store)
        with store.unit_of_work() as uow:
            loaded = uow.continuity.get()
            assert uow.continuity.ids() == ["default"]
        assert loaded == register
        assert loaded.version == 1
        assert loaded.requirements("mail").availability_target == Fraction(199, 200)
        assert loaded.requirements("mail").rto == timedelta(hours=4)
        assert loaded.plan("cp-mail").measure("m-replica").change == "CHG-12"
        assert loaded.test("ct-1").recovery_time == timedelta(hours=5, minutes=30)
        assert str(loaded.verdict("ct-1")) == str(register.verdict("ct-1"))
        assert loaded.verdict("ct-1").rpo_met is True
        assert loaded.next_test_due("cp-mail") == _T_CONT + timedelta(days=180)
        assert [c.action for c in loaded.plan("cp-mail").history] == ["created", "measure updated"]

    def test_an_exception_stores_nothing(self, store: Store) -> None:
        self._stored_register(store)
        with pytest.raises(RuntimeError), store.unit_of_work("ann") as uow:
            uow.continuity.get().terminate_plan("ap-shop", at=_T_CONT, by="ann")
            raise RuntimeError("boom")
        with store.unit_of_work() as uow:
            assert not uow.continuity.get().plan("ap-shop").terminated

    def test_a_failed_commit_stores_nothing(self, store: Store) -> None:
        """A conflict on the continuity register fails the whole unit of work: the review
        schedule changed beside it is not stored either."""
        self._stored_register(store)
        with store.unit_of_work("ann") as uow:
            uow.reviews.add(ReviewSchedules())
            uow.commit()
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.continuity.get().terminate_plan("ap-shop", at=_T_CONT, by="ann")
            theirs = second.continuity.get()
            theirs.terminate_plan("ap-shop", at=_T_CONT, by="bob", note="superseded")
            schedules = second.reviews.get()
            schedules.plan(("plan", "cp-mail"), timedelta(days=365), at=_T_CONT, by="bob")
            first.commit()
            with pytest.raises(ConflictError, match="plan 'ap-shop'"):
                second.commit()
        with store.unit_of_work() as uow:
            plan = uow.continuity.get().plan("ap-shop")
            assert ("plan", "cp-mail") not in uow.reviews.get()
        assert [c.by for c in plan.history] == ["ann", "ann"]

    def test_changes_to_different_items_both_commit(self, store: Store) -> None:
        self._stored_register(store)
        later = _T_CONT + timedelta(days=2)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.continuity.get().identify_requirements(
                "shop", availability_target=Q_(99.9, "percent"), at=later, by="ann"
            )
            second.continuity.get().add_follow_ups("ct-1", ["CHG-20"], at=later, by="bob")
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            register = uow.continuity.get()
        assert register.requirements("shop").availability_target == Fraction(999, 1000)
        assert register.test("ct-1").follow_ups == ("CSI-3", "CHG-20")
        assert register.version == 3

    def test_changes_to_the_same_item_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        self._stored_register(store)
        later = _T_CONT + timedelta(days=2)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.continuity.get().update_measure(
                "cp-mail", "m-replica", status="implemented", at=later, by="ann"
            )
            theirs = second.continuity.get()
            theirs.update_measure("cp-mail", "m-replica", status="cancelled", at=later, by="bob")
            theirs.identify_requirements("hr", rto=Q_(1, "day"), at=later, by="bob")
            first.commit()
            with pytest.raises(ConflictError, match="plan 'cp-mail'"):
                second.commit()
        with store.unit_of_work() as uow:
            register = uow.continuity.get()
        assert register.plan("cp-mail").measure("m-replica").status == "implemented"
        assert register.services() == ["mail", "shop"]


_T_SMS = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def _sms() -> SmsRegister:
    """An SMS register with one item of every kind: an approved and communicated policy, a
    management review, a document, a process definition, a stakeholder and the scope, the
    plan and a process plan, a KPI measured exactly, an audit and a nonconformity."""
    sms = SmsRegister()
    t = _T_SMS
    sms.define_policy(goals=["Meet every SLA"], commitments=list(Commitment), at=t, by="sam")
    sms.approve_policy(at=t, by="olga")
    sms.communicate_policy(to=["all-staff"], channel="intranet", at=t, by="olga")
    sms.record_management_review(
        ManagementReview("mr-1", t, inputs=["KPIs"], actions=[Action("a1", "Hire", due=t)]),
        at=t,
        by="olga",
    )
    sms.add_document(ControlledDocument("doc-chm", "CHM process", kind="process"), at=t, by="sam")
    sms.approve_document("doc-chm", at=t, by="sam")
    sms.define_process(
        ProcessDefinition("CHM", goals=["control changes"], interfaces=["RDM"]), at=t, by="cm"
    )
    sms.identify_stakeholder(
        Stakeholder("uni", "University", "customer", needs=["mail 24x7"]), at=t, by="sam"
    )
    sms.define_scope(
        ScopeStatement(services=["mail"], processes=["CHM", "ISRM"], stakeholders=["uni"]),
        at=t,
        by="olga",
    )
    sms.set_plan(
        ServiceManagementPlan(
            goals=[PlanGoal("g1", "CHM defined")],
            milestones=[Milestone("m1", "CAB", t + timedelta(days=30), goal="g1")],
            responsibilities=[Responsibility("SMS manager", "sam")],
            budget="1000.10",
        ),
        at=t,
        by="sam",
    )
    sms.set_process_plan(ProcessPlan("pp-1", "CHM", "CAB", serves=["g1"]), at=t, by="cm")
    sms.define_kpi(
        Kpi("k1", "In time", goal="PR9.4", measure="share", collection="desk",
            target=KpiTarget("0.9"), review="quarterly", process="ISRM"),
        at=t,
        by="sam",
    )  # fmt: skip
    sms.record_measurement("k1", Fraction(17, 20), counts={"met": 17}, at=t, by="sam")
    finding = AssessmentFinding("f1", "nonconformity", "no PM definition", "GR2.2")
    sms.record_assessment(
        Assessment("as-1", "internal audit", t, "auditor", findings=[finding]), at=t, by="sam"
    )
    sms.raise_nonconformity(Nonconformity("nc-1", "no PM definition"), at=t, by="sam")
    return sms


class SmsContract(_Contract):
    """The SMS register goes through every store; each item (the policy, a document, a KPI,
    a nonconformity, ...) is its own unit of change."""

    def _stored_sms(self, store: Store) -> SmsRegister:
        sms = _sms()
        with store.unit_of_work("sam") as uow:
            uow.sms.add(sms)
            uow.commit()
        return sms

    def test_the_sms_register_reads_back_equal_with_the_same_answers(self, store: Store) -> None:
        sms = self._stored_sms(store)
        with store.unit_of_work() as uow:
            loaded = uow.sms.get()
            assert uow.sms.ids() == ["default"]
        assert loaded == sms
        assert loaded.version == 1
        current = loaded.policy.current
        assert current is not None and current.approval is not None
        assert current.approval.by == "olga"
        assert current.commitments == frozenset(Commitment)
        latest = loaded.kpi("k1").latest
        assert latest is not None and latest.value == Fraction(17, 20)
        assert loaded.kpi("k1").on_target() is False
        assert loaded.plan.budget == Decimal("1000.10")
        assert loaded.scope.covers_process("CHM") and not loaded.scope.covers_process("PM")
        assert list(loaded.definition_gaps()) == ["ISRM", "CHM"]
        assert loaded.status_line(None, _T_SMS).endswith("1 open nonconformity")
        assert [c.action for c in loaded.policy.history] == ["drafted", "approved", "communicated"]

    def test_a_failed_sms_commit_stores_nothing(self, store: Store) -> None:
        """A conflict on the SMS register fails the whole unit of work: the review schedule
        changed beside it is not stored either."""
        self._stored_sms(store)
        with store.unit_of_work("sam") as uow:
            uow.reviews.add(ReviewSchedules())
            uow.commit()
        later = _T_SMS + timedelta(days=1)
        with store.unit_of_work("sam") as first, store.unit_of_work("olga") as second:
            first.sms.get().link_improvement("nc-1", "CSI-1", at=later, by="sam")
            theirs = second.sms.get()
            theirs.link_improvement("nc-1", "CSI-2", at=later, by="olga")
            second.reviews.get().plan(("sms_policy", "default"), timedelta(days=365), at=later,
                                      by="olga")  # fmt: skip
            first.commit()
            with pytest.raises(ConflictError, match="nonconformity 'nc-1'"):
                second.commit()
        with store.unit_of_work() as uow:
            assert uow.sms.get().nonconformity("nc-1").improvement == "CSI-1"
            assert ("sms_policy", "default") not in uow.reviews.get()

    def test_changes_to_different_sms_items_both_commit(self, store: Store) -> None:
        self._stored_sms(store)
        later = _T_SMS + timedelta(days=1)
        with store.unit_of_work("sam") as first, store.unit_of_work("cm") as second:
            first.sms.get().record_measurement("k1", 1, at=later, by="sam")
            second.sms.get().reach_milestone("m1", at=later, by="cm")
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            sms = uow.sms.get()
        assert sms.kpi("k1").on_target() is True
        assert sms.plan.milestones[0].reached == later
        assert sms.version == 3

    def test_changes_to_the_same_sms_item_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        self._stored_sms(store)
        later = _T_SMS + timedelta(days=1)
        with store.unit_of_work("sam") as first, store.unit_of_work("olga") as second:
            first.sms.get().communicate_policy(to="customers", at=later, by="olga")
            theirs = second.sms.get()
            theirs.define_policy(goals=["v2"], commitments=list(Commitment), at=later, by="olga")
            theirs.identify_stakeholder(Stakeholder("gov", "Regulator"), at=later, by="olga")
            first.commit()
            with pytest.raises(ConflictError, match="policy 'policy'"):
                second.commit()
        with store.unit_of_work() as uow:
            sms = uow.sms.get()
        assert [v.number for v in sms.policy.versions] == [1]
        assert [s.id for s in sms.stakeholders()] == ["uni"]


def _security() -> SecurityRegister:
    """Two assets on a four-level scheme, an approved policy under revision, a control, and
    three access rights to the payroll records: one confirmed after an access review, one
    revoked, one never confirmed."""
    scheme = ClassificationScheme(["public", "internal", "confidential", "secret"])
    register = SecurityRegister(scheme=scheme)
    at = [_T1 + timedelta(hours=n) for n in range(8)]
    register.add_asset(
        InformationAsset(
            "payroll-db",
            "Payroll records",
            Classification("secret", "confidential", "internal"),
            cis=["db1"],
            services=["hr"],
        ),
        at=at[0],
        by="ivy",
    )
    register.add_asset(
        InformationAsset(
            "shop-orders", "Orders", Classification("confidential", "internal", "secret")
        ),
        at=at[0],
        by="ivy",
    )
    register.add_policy(
        "pol-access", title="Access control", text="Least privilege.", at=at[0], by="ivy"
    )
    register.approve_policy("pol-access", at=at[1], by="olga")
    register.revise_policy(
        "pol-access", text="Least privilege; reviews yearly.", at=at[2], by="ivy"
    )
    register.add_control(
        SecurityControl(
            "ctl-mfa", "MFA for payroll", "technical", risks=["isr-1"], assets=["payroll-db"]
        ),
        at=at[1],
        by="ivy",
    )
    register.set_control_status("ctl-mfa", "in_progress", at=at[2], by="carl")
    for n, holder in enumerate(["bob", "dora", "eve"], 1):
        register.grant_access(
            f"r{n}", holder=holder, asset="payroll-db", access="read", reason="payroll",
            at=at[1], by="sam", request=f"ACC-{n}",
        )  # fmt: skip
    register.confirm_access("r1", at=at[3], by="paula")
    register.complete_access_review("payroll-db", at=at[4], by="paula")
    register.confirm_access("r1", at=at[5], by="paula")
    register.revoke_access("r2", reason="left the company", at=at[5], by="sam")
    return register


class SecurityContract(_Contract):
    """The security register goes through every store, each asset, policy, control and access
    right its own unit of change; security incidents and access requests are stored as cases."""

    def _stored_security(self, store: Store) -> SecurityRegister:
        register = _security()
        with store.unit_of_work("ivy") as uow:
            uow.security.add(register)
            uow.commit()
        return register

    def test_the_register_reads_back_equal_with_the_same_answers(self, store: Store) -> None:
        register = self._stored_security(store)
        with store.unit_of_work() as uow:
            loaded = uow.security.get()
            assert uow.security.ids() == ["default"]
        assert loaded == register
        assert loaded.version == 1
        assert loaded.scheme == register.scheme
        assert [r.id for r in loaded.unconfirmed("payroll-db")] == ["r3"]
        assert loaded.policy("pol-access").in_force == register.policy("pol-access").in_force
        assert loaded.right("r2").revoked_because == "left the company"
        assert loaded.last_access_review("payroll-db") == register.last_access_review("payroll-db")

    def test_an_exception_rolls_back_the_register(self, store: Store) -> None:
        self._stored_security(store)
        with pytest.raises(RuntimeError), store.unit_of_work("sam") as uow:
            uow.security.get().revoke_access(
                "r1", reason="moved", at=_T1 + timedelta(days=1), by="sam"
            )
            raise RuntimeError("boom")
        with store.unit_of_work() as uow:
            assert uow.security.get().right("r1").active

    def test_changes_to_different_items_both_commit(self, store: Store) -> None:
        self._stored_security(store)
        later = _T1 + timedelta(days=1)
        with store.unit_of_work("paula") as first, store.unit_of_work("sam") as second:
            first.security.get().confirm_access("r3", at=later, by="paula")
            theirs = second.security.get()
            theirs.grant_access(
                "r4",
                holder="finn",
                asset="shop-orders",
                access="write",
                reason="orders",
                at=later,
                by="sam",
            )
            theirs.classify_asset(
                "shop-orders", Classification("secret", "internal", "secret"), at=later, by="otto"
            )
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            register = uow.security.get()
        assert register.unconfirmed("payroll-db") == []
        assert register.right("r4").granted_by == "sam"
        assert register.asset("shop-orders").classification.confidentiality == "secret"
        assert register.version == 3

    def test_changes_to_the_same_item_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        self._stored_security(store)
        later = _T1 + timedelta(days=1)
        with store.unit_of_work("paula") as first, store.unit_of_work("sam") as second:
            first.security.get().confirm_access("r3", at=later, by="paula")
            theirs = second.security.get()
            theirs.revoke_access("r3", reason="not needed", at=later, by="sam")
            theirs.approve_policy("pol-access", at=later, by="olga")
            first.commit()
            with pytest.raises(ConflictError, match="access right 'r3'"):
                second.commit()
        with store.unit_of_work() as uow:
            register = uow.security.get()
        assert register.right("r3").active
        assert not register.policy("pol-access").current.approved  # type: ignore[union-attr]

    def test_a_right_to_an_asset_retired_meanwhile_conflicts(self, store: Store) -> None:
        self._stored_security(store)
        later = _T1 + timedelta(days=1)
        with store.unit_of_work("ivy") as first, store.unit_of_work("sam") as second:
            first.security.get().retire_asset("shop-orders", at=later, by="ivy")
            second.security.get().grant_access(
                "r4",
                holder="finn",
                asset="shop-orders",
                access="read",
                reason="x",
                at=later,
                by="sam",
            )
            first.commit()
            with pytest.raises(ConflictError, match="'shop-orders', which was retired"):
                second.commit()
        with store.unit_of_work() as uow:
            assert [r.id for r in uow.security.get().rights(asset="shop-orders")] == []

    def test_an_access_review_on_its_schedule_commits_both(self, store: Store) -> None:
        self._stored_security(store)
        later = _T1 + timedelta(days=2)
        with store.unit_of_work("paula") as uow:
            schedules = ReviewSchedules()
            schedules.plan(
                access_review_subject("payroll-db"), timedelta(days=90), at=_T1, by="ivy"
            )
            uow.reviews.add(schedules)
            uow.commit()
        with store.unit_of_work("paula") as uow:
            uow.security.get().complete_access_review(
                "payroll-db", at=later, by="paula", schedules=uow.reviews.get()
            )
            uow.commit()
        with store.unit_of_work() as uow:
            schedule = uow.reviews.get().schedule(access_review_subject("payroll-db"))
            review = uow.security.get().last_access_review("payroll-db")
        assert schedule.last.outcome == "findings"  # type: ignore[union-attr]
        assert review is not None and review.at == later
        assert review.changes["unconfirmed"] == ("r3",)

    def test_security_incidents_and_access_requests_read_back_and_are_found(
        self, store: Store
    ) -> None:
        incident = SecurityIncident(
            "SEC-1", "Phishing mail opened", _T1, "ann", caused_by=["INC-7"]
        )
        SECURITY_INCIDENT.fire(
            incident, "classify", actor="ivy", at=_T1, category="phishing", assets=["payroll-db"]
        )
        SECURITY_INCIDENT.fire(
            incident, "contain", actor="ivy", at=_T1, containment="account locked"
        )
        request = AccessRequest(
            "ACC-9", "Payroll read access", _T1, "finn",
            person="finn", asset="payroll-db", access="read", reason="new clerk",
        )  # fmt: skip
        ACCESS_REQUEST.fire(request, "approve", actor="paula", at=_T1)
        with store.unit_of_work() as uow:
            uow.cases.add(incident)
            uow.cases.add(request)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.cases.get("SEC-1") == incident
            assert uow.cases.get("ACC-9") == request
            open_ones = uow.cases.find(
                CaseQuery(kind=["security_incident", "access_request"], open=True)
            )
            approved = uow.cases.find(CaseQuery(status="approved"))
        assert [c.id for c in open_ones] == ["ACC-9", "SEC-1"]
        assert [c.id for c in approved] == ["ACC-9"]
        assert request.decided_by == "paula"


class CasesAndRolesContract(_Contract):
    def test_cases_with_their_history_read_back_equal(self, store: Store) -> None:
        from datetime import UTC, datetime

        from fitsm import Change, Incident
        from fitsm.cases import CHANGE, INCIDENT

        at = datetime(2026, 1, 5, 9, tzinfo=UTC)
        incident = Incident("INC-1", "mail down", at, "ann", service="mail", category="email")
        INCIDENT.fire(
            incident, "prioritise", actor="ann", at=at, impact="high", urgency="low", priority="P3"
        )
        change = Change("CHG-1", "upgrade", at, "carl", cis=("db1",))
        CHANGE.fire(change, "classify", actor="carl", at=at, change_type="normal", major=True)
        with store.unit_of_work() as uow:
            uow.cases.add(incident)
            uow.cases.add(change)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.cases.get("INC-1") == incident
            assert uow.cases.get("CHG-1") == change
            assert uow.cases.ids() == ["CHG-1", "INC-1"]
            assert uow.cases.get("INC-1").status == "new"

    def test_a_stale_case_update_is_a_conflict(self, store: Store) -> None:
        from datetime import UTC, datetime

        from fitsm import Incident
        from fitsm.cases import INCIDENT

        at = datetime(2026, 1, 5, 9, tzinfo=UTC)
        with store.unit_of_work() as uow:
            uow.cases.add(
                Incident(
                    "INC-1", "x", at, "ann", category="c", impact="h", urgency="h", priority="P1"
                )
            )
            uow.commit()
        with store.unit_of_work() as first, store.unit_of_work() as second:
            mine, theirs = first.cases.get("INC-1"), second.cases.get("INC-1")
            INCIDENT.fire(mine, "assign", actor="ann", at=at, group="g1")
            first.commit()
            INCIDENT.fire(theirs, "cancel", actor="bob", at=at)
            with pytest.raises(ConflictError):
                second.commit()
        with store.unit_of_work() as uow:
            assert uow.cases.get("INC-1").status == "assigned"

    def test_the_role_model_reads_back_equal(self, store: Store) -> None:
        from fitsm import Person, Role, RoleModel

        roles = RoleModel()
        roles.add_person(Person("ann", "Ann"))
        roles.assign("ann", Role.SMS_OWNER)
        roles.assign("ann", Role.PROCESS_OWNER, "ISRM")
        with store.unit_of_work() as uow:
            uow.roles.add(roles)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.roles.get() == roles


class StoreLifeContract(_Contract):
    """Closing, outage records, readers beside writers."""

    def test_a_closed_store_refuses_work(self, store: Store) -> None:
        store.close()
        with pytest.raises(StoreError, match="closed"):
            store.unit_of_work()

    def test_reading_an_aggregate_does_not_conflict_with_its_writers(self, store: Store) -> None:
        from fitsm import Person, RoleModel

        with store.unit_of_work() as uow:
            uow.roles.add(RoleModel())
            uow.portfolios.add(ServicePortfolio("p"))
            uow.commit()
        with store.unit_of_work() as reader, store.unit_of_work() as writer:
            reader.roles.get()  # only read, as an authorisation check does
            portfolio = reader.portfolios.get("p")
            roles = writer.roles.get()
            roles.add_person(Person("ann", "Ann"))
            writer.commit()
            portfolio.add_service(Service("x", "X"))
            reader.commit()  # no conflict: the roles it read were not written back
        with store.unit_of_work() as uow:
            assert uow.roles.get().knows("ann")
            assert uow.portfolios.get("p").service("x").name == "X"


T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _record(store: Store, *outages: Outage) -> list[str]:
    with store.unit_of_work() as uow:
        ids = uow.outages.record(*outages)
        uow.commit()
    return ids


class OutageRecordsContract(_Contract):
    """Outages one record each (PR4.4): appended, ended once, read by subject and period."""

    def test_recorded_outages_read_back_equal_with_their_ids(self, store: Store) -> None:
        given = Outage("web1", T0, T0 + 2 * HOUR, "degraded", True, id="out-1")
        ids = _record(store, Outage("db1", T0, T0 + HOUR), given)
        assert ids[1] == "out-1"
        assert ids[0]  # a new id for the outage that had none
        with store.unit_of_work() as uow:
            assert uow.outages.get("out-1") == given
            assert uow.outages.get(ids[0]) == Outage("db1", T0, T0 + HOUR, id=ids[0])

    def test_a_taken_id_is_refused_and_nothing_is_written(self, store: Store) -> None:
        _record(store, Outage("db1", T0, T0 + HOUR, id="out-1"))
        with store.unit_of_work() as uow:
            with pytest.raises(DuplicateError, match="out-1"):
                uow.outages.record(Outage("db2", T0, id="out-2"), Outage("db3", T0, id="out-1"))
            with pytest.raises(DuplicateError, match="out-3"):
                uow.outages.record(Outage("db2", T0, id="out-3"), Outage("db3", T0, id="out-3"))
            uow.commit()
        with store.unit_of_work() as uow:
            assert [o.id for o in uow.outages.find(T0, T0 + HOUR)] == ["out-1"]

    def test_nothing_is_recorded_without_commit(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            uow.outages.record(Outage("db1", T0, T0 + HOUR, id="out-1"))
            assert uow.outages.get("out-1").subject == "db1"  # a unit of work sees its own
        with store.unit_of_work() as uow, pytest.raises(NotFoundError, match="out-1"):
            uow.outages.get("out-1")

    def test_find_returns_the_outages_of_the_subjects_that_overlap_the_period(
        self, store: Store
    ) -> None:
        _record(
            store,
            Outage("db1", T0 - 2 * HOUR, T0 - HOUR, id="before"),
            Outage("db1", T0 - HOUR, T0, id="touches-start"),  # ends as the period begins
            Outage("db1", T0 + 3 * HOUR, T0 + 5 * HOUR, id="late"),
            Outage("db1", T0 - HOUR, T0 + HOUR, id="across-start"),
            Outage("web1", T0 + HOUR, T0 + 2 * HOUR, id="other-subject"),
            Outage("db1", T0 + 2 * HOUR, id="ongoing"),
            Outage("db1", T0 + 4 * HOUR, T0 + 6 * HOUR, id="after"),
        )
        with store.unit_of_work() as uow:
            found = uow.outages.find(T0, T0 + 4 * HOUR, ["db1"])
            every = uow.outages.find(T0, T0 + 4 * HOUR)
            nothing = uow.outages.find(T0, T0 + 4 * HOUR, ["no-such-ci"])
        assert [o.id for o in found] == ["across-start", "ongoing", "late"]
        assert [o.id for o in every] == ["across-start", "other-subject", "ongoing", "late"]
        assert nothing == []

    def test_the_log_of_a_period_is_the_columnar_form_of_find(self, store: Store) -> None:
        _record(
            store,
            Outage("db1", T0, T0 + HOUR, id="a"),
            Outage("web1", T0 + HOUR, T0 + 2 * HOUR, "degraded", True, id="b"),
            Outage("db1", T0 + 3 * HOUR, id="c"),
        )
        end = T0 + 10 * HOUR
        with store.unit_of_work() as uow:
            log = uow.outages.log(T0, end)
            expected = OutageLog.of(uow.outages.find(T0, end), until=end)
        assert log.subjects == expected.subjects
        for column in ("codes", "starts", "ends", "down", "planned"):
            assert getattr(log, column).tolist() == getattr(expected, column).tolist(), column
        assert log.ends[-1] == log.ends[0] + 9 * 3600 * 10**6  # the ongoing one lasts until end

    def test_availability_is_measured_from_the_stored_outages(self, store: Store) -> None:
        _record(store, Outage("shop", T0, T0 + HOUR), Outage("mail", T0, T0 + 5 * HOUR))
        with store.unit_of_work() as uow:
            log = uow.outages.log(T0, T0 + 10 * HOUR, ["shop"])
        report = measure_availability(log, "shop", BusinessCalendar.always(), T0, T0 + 10 * HOUR)
        assert report.availability == Fraction(9, 10)

    def test_an_ongoing_outage_is_ended_once(self, store: Store) -> None:
        (id,) = _record(store, Outage("db1", T0))
        with store.unit_of_work() as uow:
            ended = uow.outages.close(id, T0 + HOUR)
            assert uow.outages.get(id) == ended
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.outages.get(id).end == T0 + HOUR
            with pytest.raises(ValidationError, match="already ended"):
                uow.outages.close(id, T0 + 2 * HOUR)

    def test_an_end_before_the_start_is_refused(self, store: Store) -> None:
        (id,) = _record(store, Outage("db1", T0))
        with store.unit_of_work() as uow, pytest.raises(ValidationError, match="before it starts"):
            uow.outages.close(id, T0 - HOUR)

    def test_two_who_end_the_same_outage_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        (id,) = _record(store, Outage("db1", T0))
        with store.unit_of_work() as first, store.unit_of_work() as second:
            first.outages.close(id, T0 + HOUR)
            second.outages.close(id, T0 + 2 * HOUR)
            second.outages.record(Outage("web1", T0, T0 + HOUR, id="with-the-loser"))
            first.commit()
            with pytest.raises(ConflictError, match=id):
                second.commit()
        with store.unit_of_work() as uow:
            assert uow.outages.get(id).end == T0 + HOUR
            with pytest.raises(NotFoundError):
                uow.outages.get("with-the-loser")

    def test_recorders_of_different_outages_do_not_conflict(self, store: Store) -> None:
        with store.unit_of_work() as first, store.unit_of_work() as second:
            first.outages.record(Outage("db1", T0, T0 + HOUR, id="a"))
            second.outages.record(Outage("db1", T0, T0 + HOUR, id="b"))
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            assert [o.id for o in uow.outages.find(T0, T0 + HOUR)] == ["a", "b"]


def _cases() -> list[Case]:
    """Cases of several types, services, owners and statuses, registered an hour apart."""
    at = [T0 + n * HOUR for n in range(8)]
    return [
        Incident("INC-1", "Mail slow", at[0], "ann", service="mail", owner="ann", priority="P2",
                 cis=("mx1",), assignee="bob"),
        Incident("INC-2", "Shop down", at[1], "ann", service="shop", owner="carl", priority="P1",
                 cis=("web1", "db1")),
        _moved(Incident("INC-3", "Mail bounces", at[2], "bob", service="mail", owner="ann"),
               ("classify", {"category": "mail"}), _PRIORITY_P1, ("assign", {"group": "g"}),
               ("resolve", {"resolution": "fixed"}), ("close", {"confirmed": True})),
        ServiceRequest("REQ-1", "New laptop", at[3], "dora", owner="bob", assignee="bob"),
        Problem("PRB-1", "Mail keeps failing", at[4], "ann", service="mail", cis=("mx1",)),
        Change("CHG-1", "Patch db1", at[5], "carl", cis=("db1",), owner="carl"),
        _moved(Incident("INC-4", "Mail down", at[6], "eve", service="mail"), _PRIORITY_P1,
               ("cancel", {})),
        _moved(Incident("INC-5", "Shop slow", at[7], "eve", service="shop"),
               ("classify", {"category": "web"}),
               ("prioritise", {"impact": "low", "urgency": "low", "priority": "P3"}),
               ("assign", {"group": "g", "assignee": "bob"})),
    ]  # fmt: skip


_PRIORITY_P1 = ("prioritise", {"impact": "high", "urgency": "high", "priority": "P1"})


def _moved(case: C, *steps: tuple[str, dict[str, Any]]) -> C:
    """``case`` taken through its lifecycle, every step at its registration time."""
    lifecycle = lifecycle_of(case)
    for event, data in steps:
        lifecycle.fire(case, event, actor=case.registered_by, at=case.registered_at, **data)
    return case


def _store_cases(store: Store) -> list[Case]:
    cases = _cases()
    with store.unit_of_work() as uow:
        for case in cases:
            uow.cases.add(case)
        uow.commit()
    return cases


QUERIES = [
    CaseQuery(),
    CaseQuery(kind="incident"),
    CaseQuery(kind=["incident", "service_request"], open=True),
    CaseQuery(open=True),
    CaseQuery(open=False),
    CaseQuery(service="mail"),
    CaseQuery(service="mail", open=True, kind="incident"),
    CaseQuery(status=["assigned", "closed"]),
    CaseQuery(owner="ann"),
    CaseQuery(assignee="bob"),
    CaseQuery(priority="P1"),
    CaseQuery(priority=["P1", "P2"], open=True),
    CaseQuery(ci="mx1"),
    CaseQuery(ci="db1", kind="change"),
    CaseQuery(opened_from=T0 + 2 * HOUR, opened_to=T0 + 5 * HOUR),
    CaseQuery(service="nowhere"),
]


class CaseQueryContract(_Contract):
    """The read side of cases: every store answers a query as ``CaseQuery.matches`` says."""

    @pytest.mark.parametrize("query", QUERIES, ids=repr)
    def test_find_returns_the_matching_cases_oldest_first(
        self, store: Store, query: CaseQuery
    ) -> None:
        cases = _store_cases(store)
        with store.unit_of_work() as uow:
            found = uow.cases.find(query)
        assert [c.id for c in found] == [c.id for c in cases if query.matches(c)]

    def test_found_cases_equal_the_stored_ones(self, store: Store) -> None:
        cases = _store_cases(store)
        with store.unit_of_work() as uow:
            found = uow.cases.find(CaseQuery(kind="incident", open=True))
        assert found == [c for c in cases if c.id in ("INC-1", "INC-2", "INC-5")]

    @pytest.mark.parametrize("newest_first", [False, True])
    def test_pages_follow_each_other_without_gaps_or_repeats(
        self, store: Store, newest_first: bool
    ) -> None:
        cases = _store_cases(store)
        pages: list[list[str]] = []
        after = None
        with store.unit_of_work() as uow:
            while True:
                found = uow.cases.find(limit=3, after=after, newest_first=newest_first)
                if not found:
                    break
                pages.append([c.id for c in found])
                after = found[-1]
        expected = [c.id for c in cases]
        if newest_first:
            expected.reverse()
        assert pages == [expected[0:3], expected[3:6], expected[6:8]]

    def test_a_case_changed_in_this_unit_of_work_is_judged_as_changed(self, store: Store) -> None:
        _store_cases(store)
        with store.unit_of_work() as uow:
            uow.cases.get("INC-1").status = IncidentStatus.CLOSED
            uow.cases.add(Incident("INC-9", "New", T0 + 9 * HOUR, "ann", service="mail"))
            found = uow.cases.find(CaseQuery(service="mail", kind="incident", open=True))
        assert [c.id for c in found] == ["INC-9"]

    def test_a_field_set_on_a_found_case_is_judged_as_set(self, store: Store) -> None:
        _store_cases(store)
        with store.unit_of_work() as uow:
            (first, *_) = uow.cases.find(CaseQuery(service="mail"), limit=3)
            first.cis = ("web9",)
            first.service = "shop"
            assert [c.id for c in uow.cases.find(CaseQuery(ci="web9"))] == [first.id]
            page = uow.cases.find(CaseQuery(service="mail"), limit=3)
        # the case moved to 'shop' leaves the page of 'mail', which still fills up
        expected = [c.id for c in _cases() if c.service == "mail" and c.id != first.id][:3]
        assert [c.id for c in page] == expected

    def test_a_held_case_is_judged_as_held_while_others_commit(self, store: Store) -> None:
        _store_cases(store)
        with store.unit_of_work() as mine:
            held = mine.cases.find(CaseQuery(kind="incident", open=True))
            with store.unit_of_work("bob") as theirs:
                INCIDENT.fire(theirs.cases.get(held[0].id), "cancel", actor="bob",
                              at=T0 + 30 * HOUR)  # fmt: skip
                theirs.commit()
            # this unit of work still holds the case open, and finds it where it holds it
            again = mine.cases.find(CaseQuery(kind="incident", open=True), limit=len(held))
        assert [c.id for c in again] == [c.id for c in held]
        assert again[0] is held[0]

    def test_what_is_committed_is_found_as_committed(self, store: Store) -> None:
        _store_cases(store)
        with store.unit_of_work() as uow:
            (case,) = uow.cases.find(CaseQuery(service="shop", status="assigned"))
            INCIDENT.fire(case, "resolve", actor="bob", at=T0 + 24 * HOUR, resolution="restarted")
            case.cis = ("web9",)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.cases.find(CaseQuery(service="shop", status="assigned")) == []
            assert [c.id for c in uow.cases.find(CaseQuery(ci="web9"))] == ["INC-5"]
            assert uow.cases.get("INC-5").status == "resolved"

    def test_a_case_whose_history_does_not_lead_to_its_status_is_refused(
        self, store: Store
    ) -> None:
        _store_cases(store)
        with store.unit_of_work() as uow:
            case = uow.cases.get("INC-5")
            case.status = IncidentStatus.CLOSED
            with pytest.raises(InvalidTransitionError, match="history leads to 'assigned'"):
                uow.commit()
        with store.unit_of_work() as uow:
            forged = Incident("INC-9", "x", T0, "ann", status="closed")
            uow.cases.add(forged)
            with pytest.raises(InvalidTransitionError, match="is closed but its history"):
                uow.commit()
        with store.unit_of_work() as uow:
            assert uow.cases.get("INC-5").status == "assigned"
            assert "INC-9" not in uow.cases.ids()

    def test_a_stored_history_is_never_rewritten(self, store: Store) -> None:
        _store_cases(store)
        with store.unit_of_work() as uow:
            case = uow.cases.get("INC-3")
            stored = case.history
            case.history = (
                attrs.evolve(stored[0], actor="mallory"),
                *stored[1:],
            )
            with pytest.raises(InvalidTransitionError, match="history only grows"):
                uow.commit()
        with store.unit_of_work() as uow:
            assert uow.cases.get("INC-3").history == stored

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"limit": 0}, "limit"),
            ({"limit": True}, "limit"),
            ({"after": "INC-1"}, "after"),
            ({"query": "incident"}, "CaseQuery"),
        ],
    )
    def test_bad_paging_is_refused(
        self, store: Store, kwargs: dict[str, object], message: str
    ) -> None:
        with store.unit_of_work() as uow, pytest.raises(ValidationError, match=message):
            uow.cases.find(**kwargs)  # type: ignore[arg-type]


_JAN = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))


class FinanceContract(_Contract):
    """The finance register goes through every store; each cost, allocation choice, price and
    roadmap entry is its own unit of change (003)."""

    def _finance(self, store: Store) -> FinanceRegister:
        register = example_finance()
        with store.unit_of_work("ann") as uow:
            uow.finance.add(register)
            uow.commit()
        return register

    def test_the_register_reads_back_equal_with_the_same_roll_up(self, store: Store) -> None:
        register = self._finance(store)
        _, cmdb = example_provider()
        with store.unit_of_work() as uow:
            loaded = uow.finance.get()
            assert uow.finance.ids() == ["default"]
        assert loaded == register
        assert loaded.version == 1
        assert loaded.roll_up(cmdb, *_JAN).tco() == register.roll_up(cmdb, *_JAN).tco()
        assert loaded.prices() == register.prices()
        assert loaded.roadmap() == register.roadmap()
        assert loaded.keys() == register.keys()

    def test_changes_to_different_items_both_commit(self, store: Store) -> None:
        self._finance(store)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.finance.get().revise_cost("uplink", amount=Money("650", "EUR"), at=_T1, by="ann")
            second.finance.get().set_price(
                "mail", FixedCharge(Money("900", "EUR")), at=_T1, by="bob"
            )
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            register = uow.finance.get()
        assert register.cost("uplink").amount == Money("650", "EUR")
        assert register.price("mail").model == FixedCharge(Money("900", "EUR"))
        assert register.version == 3

    def test_changes_to_the_same_item_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        self._finance(store)
        with store.unit_of_work("ann") as first, store.unit_of_work("bob") as second:
            first.finance.get().revise_cost("uplink", amount=Money("650", "EUR"), at=_T1, by="ann")
            theirs = second.finance.get()
            theirs.revise_cost("uplink", amount=Money("700", "EUR"), at=_T1, by="bob")
            theirs.set_price("mail", FixedCharge(Money("900", "EUR")), at=_T1, by="bob")
            first.commit()
            with pytest.raises(ConflictError, match="'uplink'"):
                second.commit()
        with store.unit_of_work() as uow:
            register = uow.finance.get()
        assert register.cost("uplink").amount == Money("650", "EUR")
        assert "mail" not in register.prices()

    def test_a_failed_unit_of_work_stores_nothing(self, store: Store) -> None:
        self._finance(store)
        with pytest.raises(RuntimeError), store.unit_of_work("ann") as uow:
            register = uow.finance.get()
            register.add_cost(
                Cost("extra", "san1", Money("10", "EUR"), "monthly", _T1), at=_T1, by="ann"
            )
            raise RuntimeError("boom")
        with store.unit_of_work() as uow:
            assert [c.id for c in uow.finance.get().costs("san1")] == ["san1-support"]


_REPORT_T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _report_spec(id: str) -> ReportSpecification:
    return ReportSpecification(
        id,
        f"Report {id}",
        purpose="Service desk workload",
        audience=["smso", "acme"],
        frequency=MonthlyRule(1, zone="Europe/Berlin"),
        content=["workload", "nonconformities"],
        format="html",
        channel="email",
        owner="rita",
        first_period=datetime(2023, 12, 31, 23, tzinfo=UTC),
        allowed_delay=timedelta(days=3),
    )


def _reports() -> ReportRegister:
    """Two reports, one agreed, January's produced and delivered, one report terminated."""
    register = ReportRegister()
    for id in ("ops", "sla-acme", "old"):
        register.specify(_report_spec(id), at=_REPORT_T0, by="sam")
    register.agree("sla-acme", recipients=["smso", "acme"], at=_REPORT_T0, by="rita")
    register.terminate("old", at=_REPORT_T0, by="sam", note="replaced by ops")
    report = build_report(register.specification("ops"), _REPORT_T0 + timedelta(days=3))
    produced = register.produce(report, at=datetime(2024, 2, 2, tzinfo=UTC), by="rita")
    register.deliver(
        "ops", produced.start, recipients=["smso"], at=produced.at, by="rita", note="sent"
    )
    return register


def _products() -> ProductRegister:
    """A product register with an item of every kind: a decided and an open proposal, a gate
    with a confirmation and a waiver, two strategies and a performance review."""
    register = ProductRegister()
    register.define_assessment_criterion(
        AssessmentCriterion("fit", "Fits the portfolio strategy"), at=_T1, by="sue"
    )
    for proposal_id, service in (("p-shop", "shop"), ("p-chat", "chat")):
        register.propose(
            Proposal(
                proposal_id,
                f"Offer {service}",
                service,
                "new",
                predicted_demand="500 users",
                required_resources="2 FTE",
                expected_benefits="sales",
                risks=["spof-db1"],
            ),
            at=_T1,
            by="ann",
        )
    register.evaluate_proposal("p-shop", [Finding("fit", True, "core")], at=_T1, by="sue")
    register.decide_proposal("p-shop", approved=True, at=_T1, by="sue")
    register.define_gate(
        TollGate(
            "go-live",
            "Go-live",
            "in_production",
            [
                GateCriterion("sla", "An SLA draft exists", evidence="sla"),
                GateCriterion("design", "The design is reviewed"),
            ],
        ),
        at=_T1,
        by="sue",
    )
    register.confirm("shop", "go-live", "design", at=_T1, by="carol")
    register.waive("chat", "go-live", "sla", reason="pilot users only", at=_T1, by="olga")
    register.set_strategy(
        ServiceStrategy(
            "shop",
            why="Sell online",
            objectives=["Grow online revenue"],
            available_from=date(2026, 6, 1),
            currency="EUR",
            outcomes=[
                Outcome("recovery", "Costs recovered", "cost_recovery_at_least", 95),
                Outcome("tco", "Affordable", "tco_at_most", "15000.00"),
            ],
        ),
        at=_T1,
        by="carol",
    )
    register.set_strategy(
        ServiceStrategy(None, why="IT as a business", objectives=["Transparency"]),
        at=_T1,
        by="sue",
    )
    register.review_performance(
        "PR-2026-Q1",
        "shop",
        start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 4, 1, tzinfo=UTC),
        financials=Financials("EUR", "12000.00", "10500.00"),
        at=_T1,
        by="carol",
    )
    return register


class ReportsContract(_Contract):
    """The report register goes through every store: each specification and each
    production its own unit of change (PR3.2, PR3.3)."""

    def _stored_reports(self, store: Store) -> ReportRegister:
        register = _reports()
        with store.unit_of_work("sam") as uow:
            uow.reports.add(register)
            uow.commit()
        return register

    def _report_for(self, id: str, month: int) -> Any:
        spec = _report_spec(id)
        return build_report(spec, datetime(2024, month, 10, tzinfo=UTC))

    def test_the_register_reads_back_equal_with_the_same_answers(self, store: Store) -> None:
        register = self._stored_reports(store)
        with store.unit_of_work() as uow:
            loaded = uow.reports.get()
            assert uow.reports.ids() == ["default"]
        assert loaded == register
        assert loaded.version == 1
        for days in (0, 35, 40, 90):
            at = _REPORT_T0 + timedelta(days=days)
            assert loaded.due(at) == register.due(at)
        assert loaded.productions() == register.productions()
        assert loaded.specification("sla-acme").agreed
        assert loaded.specification("ops").frequency == MonthlyRule(1, zone="Europe/Berlin")
        assert [c.action for c in loaded.specification("old").history] == [
            "specified",
            "terminated",
        ]

    def test_an_exception_rolls_back_the_register(self, store: Store) -> None:
        self._stored_reports(store)
        with pytest.raises(RuntimeError), store.unit_of_work("rita") as uow:
            uow.reports.get().produce(
                self._report_for("sla-acme", 1), at=datetime(2024, 2, 3, tzinfo=UTC), by="rita"
            )
            raise RuntimeError("boom")
        with store.unit_of_work() as uow:
            assert uow.reports.get().productions("sla-acme") == []

    def test_productions_of_different_reports_both_commit(self, store: Store) -> None:
        self._stored_reports(store)
        at = datetime(2024, 3, 2, tzinfo=UTC)
        with store.unit_of_work("rita") as first, store.unit_of_work("otto") as second:
            first.reports.get().produce(self._report_for("ops", 2), at=at, by="rita")
            second.reports.get().produce(self._report_for("sla-acme", 2), at=at, by="otto")
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            register = uow.reports.get()
        assert [(p.report_id, p.label, p.by) for p in register.productions()] == [
            ("ops", "2024-01", "rita"),
            ("ops", "2024-02", "rita"),
            ("sla-acme", "2024-02", "otto"),
        ]
        assert register.version == 3

    def test_the_same_production_conflicts_and_the_loser_writes_nothing(self, store: Store) -> None:
        self._stored_reports(store)
        at = datetime(2024, 3, 2, tzinfo=UTC)
        with store.unit_of_work("rita") as first, store.unit_of_work("otto") as second:
            first.reports.get().produce(self._report_for("ops", 2), at=at, by="rita")
            theirs = second.reports.get()
            theirs.produce(self._report_for("ops", 2), at=at, by="otto")
            theirs.revise("sla-acme", title="ACME", at=at, by="otto")
            first.commit()
            with pytest.raises(ConflictError, match="the production of 'ops'"):
                second.commit()
        with store.unit_of_work() as uow:
            register = uow.reports.get()
        assert [p.by for p in register.productions("ops")] == ["rita", "rita"]
        assert register.specification("sla-acme").title == "Report sla-acme"

    def test_revisions_of_the_same_report_conflict(self, store: Store) -> None:
        self._stored_reports(store)
        at = datetime(2024, 3, 2, tzinfo=UTC)
        with store.unit_of_work("sam") as first, store.unit_of_work("srm") as second:
            first.reports.get().revise("ops", owner="otto", at=at, by="sam")
            second.reports.get().revise("ops", owner="ida", at=at, by="srm")
            first.commit()
            with pytest.raises(ConflictError, match="report 'ops' was changed"):
                second.commit()
        with store.unit_of_work() as uow:
            assert uow.reports.get().specification("ops").owner == "otto"


class ProductsContract(_Contract):
    """The product register goes through every store, each proposal, gate, waiver, strategy
    and review its own unit of change."""

    def _stored_products(self, store: Store) -> ProductRegister:
        register = _products()
        with store.unit_of_work("sue") as uow:
            uow.products.add(register)
            uow.commit()
        return register

    def test_the_register_reads_back_equal_with_the_same_answers(self, store: Store) -> None:
        register = self._stored_products(store)
        with store.unit_of_work() as uow:
            loaded = uow.products.get()
            assert uow.products.ids() == ["default"]
        assert loaded == register
        assert loaded.version == 1
        for service in ("shop", "chat", "mail"):
            assert loaded.check(service, "in_development", "in_production") == register.check(
                service, "in_development", "in_production"
            )
        review = loaded.review("PR-2026-Q1")
        assert review.outcomes[0].actual == Fraction(175, 2)
        assert [o.id for o in review.opportunities] == ["PR-2026-Q1-recovery"]
        assert loaded.strategy("shop").available_from == date(2026, 6, 1)
        assert loaded.proposal("p-shop").decision == register.proposal("p-shop").decision

    def test_an_exception_rolls_back_the_register(self, store: Store) -> None:
        self._stored_products(store)
        with pytest.raises(RuntimeError), store.unit_of_work("sue") as uow:
            uow.products.get().evaluate_proposal("p-chat", [Finding("fit", True)], at=_T1, by="sue")
            raise RuntimeError("boom")
        with store.unit_of_work() as uow:
            assert uow.products.get().proposal("p-chat").findings == ()

    def test_a_commit_that_fails_stores_nothing_of_it(self, store: Store) -> None:
        self._stored_products(store)
        with store.unit_of_work("eve") as uow, store.unit_of_work("sue") as other:
            uow.reviews.add(_schedules())
            mine = ProductRegister("portal")
            mine.define_assessment_criterion(AssessmentCriterion("cost", "Cheap"), at=_T1, by="eve")
            uow.products.add(mine)
            other.products.add(ProductRegister("portal"))
            other.commit()
            with pytest.raises(ConflictError, match="'portal' was added by someone else"):
                uow.commit()
        with store.unit_of_work() as uow:
            assert uow.reviews.ids() == []
            assert uow.products.get("portal") == ProductRegister("portal")
            assert uow.products.get() == _products()

    def test_a_performance_review_on_its_schedule_commits_both(self, store: Store) -> None:
        self._stored_products(store)
        subject = ("service_performance", "shop")
        with store.unit_of_work("carol") as uow:
            schedules = ReviewSchedules()
            schedules.plan(subject, timedelta(days=90), at=_T1, by="sue")
            uow.reviews.add(schedules)
            uow.commit()
        later = _T1 + timedelta(days=90)
        with store.unit_of_work("carol") as uow:
            uow.products.get().review_performance(
                "PR-2026-Q2",
                "shop",
                start=datetime(2026, 4, 1, tzinfo=UTC),
                end=datetime(2026, 7, 1, tzinfo=UTC),
                opportunities=["Publish prices"],
                at=later,
                by="carol",
                schedules=uow.reviews.get(),
            )
            uow.commit()
        with store.unit_of_work() as uow:
            last = uow.reviews.get().schedule(subject).last
            assert uow.products.get().review("PR-2026-Q2").by == "carol"
        assert last is not None
        assert (last.at, last.follow_ups) == (later, ("PR-2026-Q2-1",))

    def test_changes_to_different_items_both_commit(self, store: Store) -> None:
        self._stored_products(store)
        with store.unit_of_work("sue") as first, store.unit_of_work("olga") as second:
            first.products.get().evaluate_proposal(
                "p-chat", [Finding("fit", False, "no demand")], at=_T1, by="sue"
            )
            second.products.get().waive(
                "shop", "go-live", "sla", reason="SLA signed on paper", at=_T1, by="olga"
            )
            first.commit()
            second.commit()
        with store.unit_of_work() as uow:
            register = uow.products.get()
        assert register.proposal("p-chat").status.value == "evaluated"
        assert [w.service for w in register.waivers()] == ["chat", "shop"]
        assert register.version == 3

    def test_changes_to_the_same_item_conflict_and_the_loser_writes_nothing(
        self, store: Store
    ) -> None:
        self._stored_products(store)
        with store.unit_of_work("sue") as first, store.unit_of_work("tom") as second:
            first.products.get().evaluate_proposal(
                "p-chat", [Finding("fit", True)], at=_T1, by="sue"
            )
            theirs = second.products.get()
            theirs.evaluate_proposal("p-chat", [Finding("fit", False)], at=_T1, by="tom")
            theirs.retire_gate("go-live", at=_T1, by="tom")
            first.commit()
            with pytest.raises(ConflictError, match="proposal 'p-chat'"):
                second.commit()
        with store.unit_of_work() as uow:
            register = uow.products.get()
        assert register.proposal("p-chat").findings == (Finding("fit", True),)
        assert register.gate("go-live").active


class StoreContract(
    RoundTripContract,
    AllOrNothingContract,
    ConflictsContract,
    AgreementsContract,
    CasesAndRolesContract,
    StoreLifeContract,
    OutageRecordsContract,
    CaseQueryContract,
    TeamEditingContract,
    OutboxContract,
    AgreementChangesContract,
    ReviewsAndRisksContract,
    FinanceContract,
    CapacityContract,
    SuppliersContract,
    ReportsContract,
    ProductsContract,
    CustomersContract,
    ContinuityContract,
    SmsContract,
    SecurityContract,
):
    """Every behaviour a store must have; subclass it and provide a ``store`` fixture."""
