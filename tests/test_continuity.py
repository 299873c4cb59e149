"""Availability and continuity (PR4.1, PR4.3): requirements, plans, measures, continuity tests,
the per-service check and who may do what."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import (
    Q_,
    Agreement,
    Cmdb,
    CmdbSchema,
    ConfigurationItem,
    ConflictError,
    NotFoundError,
    RedundancyGroup,
    ServiceNode,
    ServiceTarget,
    ValidationError,
)
from fitsm.availability import (
    ContinuityRegister,
    ContinuityTest,
    Measure,
    Plan,
    ServiceRequirements,
    TestEvent,
    check_services,
    plan_reviews,
)
from fitsm.availability.authority import RULES
from fitsm.errors import DuplicateError
from fitsm.reviews import ReviewSchedules
from fitsm.roles import Person, Process, Role, RoleModel
from fitsm.service_levels import Agreements
from tests.strategies import DrawnTest, drawn_tests

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def mail_test(test_id: str, restored_after: timedelta | None, **kwargs: object) -> ContinuityTest:
    events = [TestEvent("disrupted", T0)]
    if restored_after is not None:
        events.append(TestEvent("restored", T0 + restored_after))
    return ContinuityTest(test_id, "cp-mail", "mail", "dc1 lost", events, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def register() -> ContinuityRegister:
    """Mail: MTD 8 h, RTO 4 h, RPO 1 h, target 99.5 %; a continuity plan tested every 180 days
    with one planned measure, and an availability plan for the shop."""
    register = ContinuityRegister()
    register.identify_requirements(
        "mail",
        availability_target=Q_(99.5, "percent"),
        sla="sla-mail",
        maximum_tolerable_downtime=Q_(8, "hour"),
        rto=Q_(4, "hour"),
        rpo=timedelta(hours=1),
        minimum_service_level="send and receive",
        source="BIA 2026",
        at=T0 - 30 * DAY,
        by="ann",
    )
    register.add_plan(
        Plan(
            "cp-mail",
            "continuity",
            "Mail recovery",
            ["mail"],
            test_interval=timedelta(days=180),
            measures=[Measure("m-replica", "Mailbox replica in dc2", "dave")],
        ),
        at=T0 - 30 * DAY,
        by="ann",
    )
    register.add_plan(
        Plan("ap-shop", "availability", "Shop availability", ["shop"]), at=T0 - 30 * DAY, by="ann"
    )
    return register


class TestRequirements:
    def test_quantities_become_timedeltas_and_the_target_an_exact_share(
        self, register: ContinuityRegister
    ) -> None:
        req = register.requirements("mail")
        assert req.availability_target == Fraction(199, 200)
        assert (req.maximum_tolerable_downtime, req.rto, req.rpo) == (
            timedelta(hours=8),
            timedelta(hours=4),
            timedelta(hours=1),
        )
        assert [(c.action, c.by) for c in req.history] == [("identified", "ann")]

    def test_an_rto_longer_than_the_maximum_tolerable_downtime_is_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"RTO \(9 h\) exceeds the maximum tolerable"):
            ServiceRequirements("mail", maximum_tolerable_downtime=Q_(8, "hour"), rto=Q_(9, "hour"))

    def test_an_rto_equal_to_the_maximum_tolerable_downtime_is_allowed(self) -> None:
        req = ServiceRequirements(
            "mail", maximum_tolerable_downtime=Q_(4, "hour"), rto=4 * 3600 * Q_(1, "s")
        )
        assert req.rto == req.maximum_tolerable_downtime

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            ({}, "state nothing"),
            ({"rto": Q_(0, "hour")}, "rto must be a positive duration"),
            ({"rpo": timedelta(minutes=-1)}, "rpo must be zero or a positive"),
            ({"rto": Q_(4, "percent")}, r"must have dimension \[time\]"),
            ({"rto": 4}, "rto must be a timedelta or a \\[time\\] quantity"),
            ({"availability_target": Q_(120, "percent")}, "at most 1"),
            ({"availability_target": 0}, "above 0"),
            ({"availability_target": "high"}, "availability target must be a number"),
            ({"sla": "sla-mail", "rto": Q_(1, "hour")}, "no availability target taken from it"),
        ],
    )
    def test_bad_requirements_name_the_value_and_what_was_expected(
        self, arguments: dict[str, object], message: str
    ) -> None:
        with pytest.raises(ValidationError, match=message):
            ServiceRequirements("mail", **arguments)  # type: ignore[arg-type]

    def test_revising_records_only_what_changed_and_a_failed_revision_changes_nothing(
        self, register: ContinuityRegister
    ) -> None:
        before = register.copy()
        with pytest.raises(ValidationError, match="exceeds the maximum tolerable downtime"):
            register.identify_requirements(
                "mail", maximum_tolerable_downtime=Q_(2, "hour"), rto=Q_(4, "hour"), at=T0, by="ann"
            )
        with pytest.raises(ValidationError, match="before its last change"):
            register.identify_requirements("mail", rto=Q_(2, "hour"), at=T0 - 60 * DAY, by="ann")
        assert register == before
        req = register.identify_requirements(
            "mail",
            availability_target=Fraction(199, 200),
            sla="sla-mail",
            maximum_tolerable_downtime=Q_(8, "hour"),
            rto=Q_(2, "hour"),
            rpo=Q_(1, "hour"),
            minimum_service_level="send and receive",
            source="BIA 2026",
            at=T0,
            by="bob",
            note="shorter RTO agreed",
        )
        assert req.rto == timedelta(hours=2)
        assert dict(req.history[-1].changes) == {"rto": timedelta(hours=2)}
        assert (req.history[-1].action, req.history[-1].by) == ("revised", "bob")

    def test_the_target_is_read_from_the_sla_in_force(self) -> None:
        slas = Agreements()
        slas.add(
            Agreement(
                "sla-mail",
                "SLA",
                "staff",
                ["mail"],
                [ServiceTarget("availability", Q_(99.9, "percent"))],
                valid_from=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
        target = slas.availability_target("mail", T0)
        assert target == Fraction(999, 1000)
        assert slas.availability_target("hr", T0) is None
        assert slas.availability_target("mail", datetime(2025, 6, 1, tzinfo=UTC)) is None
        register = ContinuityRegister()
        req = register.identify_requirements(
            "mail", availability_target=target, sla="sla-mail", at=T0, by="ann"
        )
        assert req.availability_target == Fraction(999, 1000)


class TestPlansAndMeasures:
    def test_a_plan_is_created_once_and_without_a_history_of_its_own(
        self, register: ContinuityRegister
    ) -> None:
        with pytest.raises(DuplicateError, match="'cp-mail' is in the continuity register"):
            register.add_plan(Plan("cp-mail", "continuity", "Again", ["mail"]), at=T0, by="ann")
        stored = register.plan("ap-shop")
        with pytest.raises(ValidationError, match="comes with a history"):
            register.add_plan(attrs.evolve(stored, id="ap-2"), at=T0, by="ann")

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            ({"services": []}, "at least one service"),
            ({"title": " "}, "needs a title"),
            ({"kind": "disaster"}, "'disaster' is not a valid PlanKind"),
            ({"kind": "availability", "test_interval": DAY}, "only a continuity plan"),
            ({"test_interval": Q_(0, "day")}, "test_interval must be positive"),
            (
                {"measures": [Measure("m", "A", "x"), Measure("m", "B", "y")]},
                "names a measure id twice",
            ),
        ],
    )
    def test_bad_plans_are_refused(self, arguments: dict[str, object], message: str) -> None:
        fields: dict[str, object] = {
            "id": "p",
            "kind": "continuity",
            "title": "Plan",
            "services": ["mail"],
        }
        with pytest.raises(ValidationError, match=message):
            Plan(**(fields | arguments))  # type: ignore[arg-type]

    def test_a_measure_moves_forward_under_a_change_and_stops_when_implemented(
        self, register: ContinuityRegister
    ) -> None:
        with pytest.raises(ValidationError, match="names no change; measures are implemented"):
            register.update_measure("cp-mail", "m-replica", status="in_progress", at=T0, by="dave")
        register.update_measure(
            "cp-mail", "m-replica", status="in_progress", change="CHG-12", at=T0, by="dave"
        )
        with pytest.raises(ValidationError, match="cannot go from in_progress to planned"):
            register.update_measure("cp-mail", "m-replica", status="planned", at=T0, by="dave")
        plan = register.update_measure(
            "cp-mail", "m-replica", status="implemented", at=T0 + DAY, by="dave"
        )
        assert plan.measure("m-replica").status == "implemented"
        assert plan.measure("m-replica").change == "CHG-12"
        with pytest.raises(ValidationError, match="is implemented; it changes no more"):
            register.update_measure("cp-mail", "m-replica", owner="erin", at=T0 + DAY, by="dave")
        assert [dict(c.changes) for c in plan.history[1:]] == [
            {"measure": "m-replica", "status": "in_progress", "change": "CHG-12"},
            {"measure": "m-replica", "status": "implemented"},
        ]

    def test_measures_are_added_once_and_found_by_id(self, register: ContinuityRegister) -> None:
        register.add_measure(
            "ap-shop",
            Measure("m-db", "Database replica", "erin", risks=["spof-db1"]),
            at=T0,
            by="x",
        )
        with pytest.raises(DuplicateError, match="has a measure 'm-db' already"):
            register.add_measure("ap-shop", Measure("m-db", "Again", "erin"), at=T0, by="x")
        with pytest.raises(NotFoundError, match="no measure 'm-nope' in plan 'ap-shop'"):
            register.update_measure("ap-shop", "m-nope", status="cancelled", at=T0, by="x")
        with pytest.raises(ValidationError, match="'done' is not a valid MeasureStatus"):
            register.update_measure("ap-shop", "m-db", status="done", at=T0, by="x")
        assert register.plan("ap-shop").measure("m-db").risks == ("spof-db1",)

    def test_a_terminated_plan_changes_no_more(self, register: ContinuityRegister) -> None:
        register.revise_plan("ap-shop", title="Shop availability 2026", at=T0, by="ann")
        register.terminate_plan("ap-shop", at=T0, by="ann", note="merged into ap-web")
        with pytest.raises(ValidationError, match="'ap-shop' is terminated"):
            register.revise_plan("ap-shop", title="Again", at=T0, by="ann")
        with pytest.raises(ValidationError, match="changes title, description"):
            register.revise_plan("cp-mail", kind="availability", at=T0, by="ann")
        assert [c.action for c in register.plan("ap-shop").history] == [
            "created",
            "revised",
            "terminated",
        ]


class TestContinuityTests:
    def test_a_test_that_misses_its_rto(self, register: ContinuityRegister) -> None:
        # disrupted 08:00, restored 13:30: 5 h 30 min against an RTO of 4 h
        register.record_test(
            mail_test("ct-1", timedelta(hours=5, minutes=30)), at=T0 + DAY, by="dave"
        )
        verdict = register.verdict("ct-1")
        assert verdict.test.recovery_time == timedelta(hours=5, minutes=30)
        assert verdict.rto_met is False
        assert str(verdict) == (
            "continuity test of 'mail' on 2026-03-10: recovered in 5 h 30 min, RTO 4 h: missed"
        )

    def test_a_test_that_meets_its_rto(self, register: ContinuityRegister) -> None:
        # disrupted 08:00, restored 11:45: 3 h 45 min, within 4 h; data recovered to 07:20
        # means 40 min lost, within the RPO of 1 h
        events = [
            TestEvent("restored", T0 + timedelta(hours=3, minutes=45)),
            TestEvent("data_recovered_to", T0 - timedelta(minutes=40)),
            TestEvent("disrupted", T0),
            TestEvent("plan_invoked", T0 + timedelta(minutes=15)),
        ]
        test = ContinuityTest("ct-2", "cp-mail", "mail", "SAN lost", events)
        register.record_test(test, at=T0 + DAY, by="dave")
        verdict = register.verdict("ct-2")
        assert (verdict.rto_met, verdict.rpo_met) == (True, True)
        assert verdict.test.data_loss == timedelta(minutes=40)
        assert str(verdict).endswith("recovered in 3 h 45 min, RTO 4 h: met")

    def test_exactly_the_rto_meets_it_and_no_restoration_misses_it(
        self, register: ContinuityRegister
    ) -> None:
        register.record_test(mail_test("ct-4h", timedelta(hours=4)), at=T0 + DAY, by="dave")
        register.record_test(mail_test("ct-never", None, outcome="failed"), at=T0 + DAY, by="dave")
        assert register.verdict("ct-4h").rto_met is True
        assert register.verdict("ct-never").rto_met is False
        assert str(register.verdict("ct-never")).endswith("not recovered, RTO 4 h: missed")

    @pytest.mark.parametrize(
        ("events", "message"),
        [
            ([], "0 'disrupted' events; expected exactly one"),
            (
                [TestEvent("disrupted", T0), TestEvent("disrupted", T0 + DAY)],
                "2 'disrupted' events",
            ),
            (
                [TestEvent("disrupted", T0), TestEvent("restored", T0 - DAY)],
                "'restored' at 2026-03-09T08:00:00\\+00:00 is before the disruption",
            ),
            (
                [TestEvent("disrupted", T0), TestEvent("data_recovered_to", T0 + DAY)],
                "a recovery point lies at or before it",
            ),
            (
                [
                    TestEvent("disrupted", T0),
                    TestEvent("restored", T0 + DAY),
                    TestEvent("restored", T0 + 2 * DAY),
                ],
                "2 'restored' events; expected at most one",
            ),
            (["disrupted"], "must be TestEvents"),
        ],
    )
    def test_events_that_tell_no_test_are_refused(
        self, events: list[TestEvent], message: str
    ) -> None:
        with pytest.raises(ValidationError, match=message):
            ContinuityTest("ct", "cp-mail", "mail", "dc1 lost", events)

    def test_a_naive_event_time_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="aware"):
            TestEvent("disrupted", datetime(2026, 3, 10, 8))

    def test_a_test_must_be_of_a_continuity_plan_in_force_covering_its_service(
        self, register: ContinuityRegister
    ) -> None:
        before = register.copy()
        with pytest.raises(ValidationError, match="tests plan 'ap-shop', an availability plan"):
            register.record_test(
                attrs.evolve(mail_test("ct", DAY), plan="ap-shop"), at=T0 + DAY, by="dave"
            )
        with pytest.raises(ValidationError, match="service 'hr', which plan 'cp-mail' does not"):
            register.record_test(
                attrs.evolve(mail_test("ct", DAY), service="hr"), at=T0 + DAY, by="dave"
            )
        with pytest.raises(ValidationError, match="before its last event"):
            register.record_test(mail_test("ct", DAY), at=T0 + DAY / 2, by="dave")
        with pytest.raises(NotFoundError, match="no plan 'cp-hr'"):
            register.record_test(
                attrs.evolve(mail_test("ct", DAY), plan="cp-hr"), at=T0 + DAY, by="dave"
            )
        assert register == before
        register.record_test(mail_test("ct", DAY), at=T0 + DAY, by="dave")
        with pytest.raises(DuplicateError, match="'ct' is in the register already"):
            register.record_test(mail_test("ct", DAY), at=T0 + DAY, by="dave")

    def test_follow_ups_are_added_once(self, register: ContinuityRegister) -> None:
        register.record_test(mail_test("ct", DAY, follow_ups=["CSI-1"]), at=T0 + DAY, by="dave")
        test = register.add_follow_ups("ct", ["CHG-30"], at=T0 + 2 * DAY, by="dave")
        assert test.follow_ups == ("CSI-1", "CHG-30")
        with pytest.raises(DuplicateError, match="follows up \\['CSI-1'\\] already"):
            register.add_follow_ups("ct", "CSI-1", at=T0 + 2 * DAY, by="dave")
        assert [c.action for c in register.test("ct").history] == ["recorded", "followed up"]

    def test_a_plans_next_test_falls_due_one_interval_after_its_last(
        self, register: ContinuityRegister
    ) -> None:
        created = T0 - 30 * DAY
        assert register.next_test_due("cp-mail") == created + timedelta(days=180)
        assert register.next_test_due("ap-shop") is None
        register.record_test(mail_test("ct", DAY), at=T0 + DAY, by="dave")
        due = T0 + timedelta(days=180)
        assert register.next_test_due("cp-mail") == due
        assert register.tests_overdue(due) == []  # due exactly then is on time
        assert [p.id for p in register.tests_overdue(due + timedelta(seconds=1))] == ["cp-mail"]

    @given(drawn=drawn_tests(), rto_minutes=st.integers(1, 60 * 24 * 40))
    def test_the_recovery_time_is_restored_minus_disrupted_in_any_zone_and_order(
        self, drawn: DrawnTest, rto_minutes: int
    ) -> None:
        events = drawn.events()
        random.Random(rto_minutes).shuffle(events)
        test = ContinuityTest("ct", "cp", "svc", "drawn", events)  # type: ignore[arg-type]
        assert test.date == drawn.start
        assert test.recovery_time == drawn.recovery
        assert test.data_loss == drawn.loss
        register = ContinuityRegister()
        at = drawn.start + (drawn.recovery or timedelta(0))
        register.identify_requirements("svc", rto=timedelta(minutes=rto_minutes), at=at, by="a")
        register.add_plan(Plan("cp", "continuity", "P", ["svc"]), at=at, by="a")
        register.record_test(test, at=at, by="a")
        rto = timedelta(minutes=rto_minutes)
        assert register.verdict("ct").rto_met is (
            drawn.recovery is not None and drawn.recovery <= rto
        )


class TestAggregate:
    def test_writers_of_different_items_merge_and_of_the_same_item_conflict(
        self, register: ContinuityRegister
    ) -> None:
        base = register.copy()
        ours, theirs = register.copy(), register.copy()
        ours.identify_requirements("hr", rto=Q_(1, "day"), at=T0, by="ann")
        theirs.revise_plan("ap-shop", title="Shop 2026", at=T0, by="bob")
        ours.rebase(theirs, base)
        assert ours.services() == ["hr", "mail"]
        assert ours.plan("ap-shop").title == "Shop 2026"
        clash = register.copy()
        clash.revise_plan("ap-shop", title="Other", at=T0, by="eve")
        clash.identify_requirements("vpn", rto=Q_(1, "day"), at=T0, by="eve")
        kept = clash.copy()
        with pytest.raises(ConflictError, match="plan 'ap-shop' changed by someone else"):
            clash.rebase(theirs, base)
        assert clash == kept

    @given(st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True), st.data())
    def test_disjoint_requirements_always_merge_to_both(
        self, services: list[str], data: st.DataObject
    ) -> None:
        split = data.draw(st.integers(0, len(services)))
        base = ContinuityRegister()
        ours, theirs = base.copy(), base.copy()
        for i, service in enumerate(services):
            side = ours if i < split else theirs
            side.identify_requirements(service, rto=timedelta(hours=i + 1), at=T0, by="x")
        ours.rebase(theirs, base)
        assert ours.services() == sorted(services)
        assert [ours.requirements(s).rto for s in services] == [
            timedelta(hours=i + 1) for i in range(len(services))
        ]

    def test_review_subjects_go_on_a_schedule_once(self, register: ContinuityRegister) -> None:
        schedules = ReviewSchedules()
        planned = plan_reviews(schedules, register, timedelta(days=365), at=T0, by="ann")
        assert sorted(str(s.subject) for s in planned) == [
            "plan:continuity-ap-shop",
            "plan:continuity-cp-mail",
            "requirements:continuity-mail",
        ]
        assert plan_reviews(schedules, register, timedelta(days=365), at=T0, by="ann") == []
        assert schedules.schedule(("plan", "continuity-cp-mail")).next_due == T0 + timedelta(
            days=365
        )


def shared_database() -> Cmdb:
    """mail -> pool (1 of mx1, mx2); mx1 -> db1; mx2 -> db1."""
    cmdb = Cmdb(CmdbSchema(ci_types=["server"]))
    nodes = [
        ServiceNode("mail"),
        RedundancyGroup("pool", 1),
        *(ConfigurationItem(i, "server") for i in ("mx1", "mx2", "db1")),
    ]
    rels = [
        ("mail", "pool"),
        ("pool", "mx1", "has_member"),
        ("pool", "mx2", "has_member"),
        ("mx1", "db1"),
        ("mx2", "db1"),
    ]
    cmdb.add_many(nodes, rels, actor="t", at=T0)  # type: ignore[arg-type]
    return cmdb


AVAILABILITIES = {"mx1": Fraction(9, 10), "mx2": Fraction(9, 10), "db1": Fraction(99, 100)}
"""db1 works and one of mx1, mx2 does: 0.99 x (1 - 0.1 x 0.1) = 0.9801 exactly."""


class TestCheck:
    def test_a_service_that_can_meet_its_target_and_missed_its_rto(
        self, register: ContinuityRegister
    ) -> None:
        register.identify_requirements(
            "mail",
            availability_target=Fraction(98, 100),
            maximum_tolerable_downtime=Q_(8, "hour"),
            rto=Q_(4, "hour"),
            at=T0,
            by="ann",
        )
        register.record_test(mail_test("ct-1", timedelta(hours=5, minutes=30)), at=T0 + DAY, by="d")
        (check,) = check_services(register, shared_database(), AVAILABILITIES, at=T0 + 2 * DAY)
        assert check.predicted.value == Fraction(9801, 10000)
        assert (check.availability, check.continuity) == ("met", "missed")
        assert check.single_points_of_failure == 1  # db1
        assert check.next_test_due == T0 + timedelta(days=180)
        assert check.tests_overdue is False
        assert check.to_records(iso=True) == [
            {
                "service": "mail",
                "target": 0.98,
                "predicted": 0.9801,
                "method": "exact",
                "availability": "met",
                "single_points_of_failure": 1,
                "rto_s": 14400.0,
                "last_test": "ct-1",
                "last_test_date": "2026-03-10T08:00:00+00:00",
                "recovery_time_s": 19800.0,
                "continuity": "missed",
                "next_test_due": "2026-09-06T08:00:00+00:00",
                "tests_overdue": False,
            }
        ]

    def test_a_target_above_what_the_structure_gives_is_missed_and_no_test_is_said(
        self, register: ContinuityRegister
    ) -> None:
        # 99.5 % asked, 98.01 % possible; never tested, and the plan's first test was due
        # 180 days after it was made
        late = T0 + timedelta(days=200)
        rows = check_services(register, shared_database(), AVAILABILITIES, at=late)
        (check,) = rows
        assert (check.availability, check.continuity) == ("missed", "no_test")
        assert check.last_test is None and check.tests_overdue is True
        assert rows.to_records()[0]["last_test"] is None

    def test_without_a_target_or_rto_there_is_nothing_to_compare(self) -> None:
        register = ContinuityRegister()
        register.identify_requirements("mail", minimum_service_level="receive", at=T0, by="a")
        (check,) = check_services(register, shared_database(), AVAILABILITIES, at=T0)
        assert (check.availability, check.continuity) == ("no_target", "no_rto")
        assert check.next_test_due is None

    def test_monte_carlo_says_uncertain_when_its_interval_holds_the_target(self) -> None:
        register = ContinuityRegister()
        register.identify_requirements(
            "mail", availability_target=Fraction(9801, 10000), at=T0, by="a"
        )
        (check,) = check_services(
            register,
            shared_database(),
            AVAILABILITIES,
            at=T0,
            method="monte_carlo",
            samples=20_000,
            seed=7,
        )
        assert check.predicted.method == "monte_carlo"
        assert check.availability == "uncertain"
        register.identify_requirements("mail", availability_target=Fraction(9, 10), at=T0, by="a")
        (check,) = check_services(
            register, shared_database(), AVAILABILITIES, at=T0, method="monte_carlo", seed=7
        )
        assert check.availability == "met"

    def test_services_must_have_requirements_and_be_in_the_cmdb(
        self, register: ContinuityRegister
    ) -> None:
        with pytest.raises(NotFoundError, match="no requirements of service 'hr'"):
            check_services(register, shared_database(), {}, at=T0, services=["hr"])
        register.identify_requirements("shop", rto=Q_(1, "hour"), at=T0, by="a")
        with pytest.raises(NotFoundError, match="shop"):
            check_services(register, shared_database(), {}, at=T0)


def role_model() -> RoleModel:
    roles = RoleModel()
    for person in ("mgr", "own", "staff", "dave", "erin", "nobody"):
        roles.add_person(Person(person, person.title()))
    roles.assign("mgr", Role.PROCESS_MANAGER, Process.SACM)
    roles.assign("own", Role.PROCESS_OWNER, Process.SACM)
    roles.assign("staff", Role.PROCESS_STAFF, Process.SACM)
    roles.assign("dave", Role.CONTINUITY_PLAN_OWNER, "cp-mail")
    roles.assign("erin", Role.AVAILABILITY_PLAN_OWNER, "ap-shop")
    return roles


class TestRules:
    @pytest.mark.parametrize(
        ("operation", "arguments", "allowed"),
        [
            ("identify_requirements", {"service": "mail"}, {"mgr", "own"}),
            ("add_plan", {"plan": Plan("p", "continuity", "P", ["mail"])}, {"mgr", "own"}),
            ("revise_plan", {"plan_id": "cp-mail"}, {"mgr", "dave"}),
            ("revise_plan", {"plan_id": "ap-shop"}, {"mgr", "erin"}),
            ("add_measure", {"plan_id": "ap-shop"}, {"mgr", "erin"}),
            ("update_measure", {"plan_id": "cp-mail"}, {"mgr", "dave"}),
            ("terminate_plan", {"plan_id": "cp-mail"}, {"mgr", "own"}),
            ("record_test", {"test": mail_test("ct", DAY)}, {"mgr", "own", "staff", "dave"}),
            ("add_follow_ups", {"test_id": "ct-0"}, {"mgr", "own", "staff", "dave"}),
        ],
    )
    def test_who_may_run_each_operation(
        self,
        register: ContinuityRegister,
        operation: str,
        arguments: dict[str, object],
        allowed: set[str],
    ) -> None:
        register.record_test(mail_test("ct-0", DAY), at=T0 + DAY, by="dave")
        roles = role_model()
        decided = {p.id: RULES[operation](roles, p.id, register, arguments) for p in roles.people}
        assert {p for p, reason in decided.items() if reason is None} == allowed
        assert "needs the" in str(decided["nobody"])

    def test_every_operation_of_the_register_has_a_rule(self) -> None:
        operations = {
            name
            for name in vars(ContinuityRegister)
            if not name.startswith("_")
            and "by" in getattr(ContinuityRegister, name).__code__.co_varnames
        }
        assert operations == set(RULES)

    def test_an_availability_plan_owner_may_not_record_tests(
        self, register: ContinuityRegister
    ) -> None:
        roles = role_model()
        roles.assign("erin", Role.CONTINUITY_PLAN_OWNER, "cp-other")
        reason = RULES["record_test"](roles, "erin", register, {"test": mail_test("ct", DAY)})
        assert reason == (
            "needs the continuity plan owner role for 'cp-mail' or needs the process staff or "
            "process manager or process owner role for SACM"
        )
        missing = RULES["revise_plan"](roles, "erin", register, {"plan_id": "cp-nope"})
        assert "'cp-nope', which is not in the register" in str(missing)
