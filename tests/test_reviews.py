"""Review schedules: what FitSM asks to be done at planned intervals, when it is due, and
what performing a review does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import Q_, Agreement, ServiceTarget
from fitsm.cmdb import ConfigurationItem, DiscoveredState, verify
from fitsm.errors import (
    ConflictError,
    DuplicateError,
    NaiveDatetimeError,
    NotFoundError,
    ValidationError,
)
from fitsm.reviews import (
    MonthlyRule,
    ReviewOutcome,
    ReviewSchedules,
    ReviewSubject,
    SubjectKind,
    follow_agreements,
    next_due,
    record_verification,
)
from fitsm.service_levels import Agreements
from tests.strategies import review_rules

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
SLA = ("agreement", "sla-shop")
VERIFY = ("cmdb_verification", "default")
SUPPLIER = ("supplier", "payco")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


class TestRules:
    def test_an_interval_is_counted_in_utc(self) -> None:
        cest = timezone(timedelta(hours=2))
        done = datetime(2026, 3, 28, 12, tzinfo=cest)  # the day before clocks change in Europe
        assert next_due(timedelta(days=2), done) == utc(2026, 3, 30, 10)

    @pytest.mark.parametrize(
        ("rule", "done", "due"),
        [
            # Berlin is UTC+1 in winter, UTC+2 in summer: 00:00 local is 23:00 or 22:00 UTC
            (
                MonthlyRule(3, day=1, zone="Europe/Berlin"),
                utc(2026, 1, 20, 15),
                utc(2026, 3, 31, 22),
            ),
            (MonthlyRule(1, day=1, zone="Europe/Berlin"), utc(2026, 10, 10), utc(2026, 10, 31, 23)),
            # the month lacks the day: its last day, leap years included
            (MonthlyRule(1, day=31), utc(2026, 1, 31, 8), utc(2026, 2, 28)),
            (MonthlyRule(1, day=31), utc(2028, 1, 2), utc(2028, 2, 29)),
            (MonthlyRule(2, day=31), utc(2026, 2, 1), utc(2026, 4, 30)),
            # across the year
            (MonthlyRule(12, day=15), utc(2026, 12, 31, 23, 59), utc(2027, 12, 15)),
            # the local date decides: 23:30 UTC on 31 January is 1 February in Berlin
            (
                MonthlyRule(1, day=1, zone="Europe/Berlin"),
                utc(2026, 1, 31, 23, 30),
                utc(2026, 2, 28, 23),
            ),
            (MonthlyRule(1, day=1), utc(2026, 1, 31, 23, 30), utc(2026, 2, 1)),
        ],
    )
    def test_a_monthly_rule_is_due_by_midnight_on_its_day(
        self, rule: MonthlyRule, done: datetime, due: datetime
    ) -> None:
        assert next_due(rule, done) == due
        assert str(rule).startswith("every")

    @pytest.mark.parametrize(
        ("build", "message"),
        [
            (lambda: MonthlyRule(0), "months must be a whole number from 1 to 120, got 0"),
            (lambda: MonthlyRule(True), "months must be a whole number from 1 to 120, got True"),
            (lambda: MonthlyRule(1, day=32), "day must be a whole number from 1 to 31, got 32"),
            (lambda: MonthlyRule(1, zone="Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
            (lambda: MonthlyRule(1, zone=""), "zone must be an IANA time zone name"),
            (lambda: next_due(timedelta(0), T0), "must be positive, got datetime.timedelta\\(0\\)"),
            (lambda: next_due(30, T0), "a timedelta or a MonthlyRule, got 30"),  # type: ignore[arg-type]
        ],
    )
    def test_a_bad_rule_is_refused_with_what_was_expected(self, build, message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            build()

    def test_a_naive_time_is_refused(self) -> None:
        with pytest.raises(NaiveDatetimeError):
            next_due(timedelta(days=1), datetime(2026, 1, 5))

    @given(
        months=st.integers(1, 120),
        day=st.integers(1, 31),
        zone=st.sampled_from(["UTC", "Europe/Berlin", "America/Santiago", "Pacific/Apia"]),
        done=st.datetimes(
            min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
        ),
    )
    def test_the_next_review_is_always_after_the_last(
        self, months: int, day: int, zone: str, done: datetime
    ) -> None:
        due = next_due(MonthlyRule(months, day, zone), done)
        assert done < due <= done + timedelta(days=31 * (months + 1))


def three_schedules() -> ReviewSchedules:
    """A fixed calendar: the SLA due 1 Feb, the CMDB verification monthly by the 15th (first due
    15 Feb), the supplier evaluation every 365 days (due 5 Jan 2027 09:00)."""
    schedules = ReviewSchedules()
    schedules.plan(SLA, timedelta(days=90), at=T0, by="ann", first_due=utc(2026, 2, 1))
    schedules.plan(VERIFY, MonthlyRule(1, day=15), at=T0, by="ann")
    schedules.plan(SUPPLIER, timedelta(days=365), at=T0, by="ann", owner="carol")
    return schedules


def subjects(found: list) -> list[str]:
    return [str(s.subject) for s in found]


class TestDueAndOverdue:
    @pytest.mark.parametrize(
        ("at", "overdue", "within_30_days"),
        [
            (utc(2026, 1, 10), [], ["agreement:sla-shop"]),
            (utc(2026, 1, 20), [], ["agreement:sla-shop", "cmdb_verification:default"]),
            (utc(2026, 2, 1), [], ["agreement:sla-shop", "cmdb_verification:default"]),
            (utc(2026, 2, 1, 0, 0, 1), ["agreement:sla-shop"], ["cmdb_verification:default"]),
            (utc(2026, 3, 1), ["agreement:sla-shop", "cmdb_verification:default"], []),
            (
                utc(2026, 12, 10),
                ["agreement:sla-shop", "cmdb_verification:default"],
                ["supplier:payco"],
            ),
            (
                utc(2027, 1, 6),
                ["agreement:sla-shop", "cmdb_verification:default", "supplier:payco"],
                [],
            ),
        ],
    )
    def test_on_a_fixed_calendar(
        self, at: datetime, overdue: list[str], within_30_days: list[str]
    ) -> None:
        schedules = three_schedules()
        assert subjects(schedules.overdue(at)) == overdue
        assert subjects(schedules.due_within(at, timedelta(days=30))) == within_30_days

    def test_a_review_done_when_due_is_on_time(self) -> None:
        schedules = three_schedules()
        [review] = schedules.perform(SLA, at=utc(2026, 2, 1), by="carol").reviews
        assert not review.late
        assert review.due == utc(2026, 2, 1)

    def test_performing_a_review_advances_the_schedule_and_records_it(self) -> None:
        schedules = three_schedules()
        done = utc(2026, 3, 1, 10)
        schedule = schedules.perform(
            SLA,
            at=done,
            by="carol",
            outcome="findings",
            note="response times too slow",
            follow_ups=["CSI-4"],
        )
        assert schedule.next_due == done + timedelta(days=90)
        review = schedule.last
        assert review is not None
        assert (review.at, review.by, review.outcome) == (done, "carol", ReviewOutcome.FINDINGS)
        assert (review.note, review.follow_ups, review.late) == (
            "response times too slow",
            ("CSI-4",),
            True,
        )
        assert subjects(schedules.overdue(done)) == ["cmdb_verification:default"]

    def test_a_review_dated_before_the_last_one_is_refused_and_changes_nothing(self) -> None:
        schedules = three_schedules()
        schedules.perform(VERIFY, at=utc(2026, 2, 10), by="ann")
        before = schedules.copy()
        with pytest.raises(ValidationError, match="before the last one .*2026-02-10") as raised:
            schedules.perform(VERIFY, at=utc(2026, 2, 9), by="bob")
        assert raised.value.field == "at"
        assert schedules == before

    def test_a_retired_schedule_is_never_due_and_takes_no_review(self) -> None:
        schedules = three_schedules()
        schedules.retire(SLA, at=T0 + timedelta(days=1), by="ann", note="agreement ended")
        assert subjects(schedules.overdue(utc(2027, 6, 1))) == [
            "cmdb_verification:default",
            "supplier:payco",
        ]
        with pytest.raises(ValidationError, match="agreement:sla-shop is retired"):
            schedules.perform(SLA, at=utc(2026, 3, 1), by="ann")
        assert [c.action for c in schedules.schedule(SLA).changes] == ["planned", "retired"]

    def test_a_new_rule_counts_from_the_last_review(self) -> None:
        schedules = three_schedules()
        schedules.perform(SLA, at=utc(2026, 2, 1), by="carol")
        changed = schedules.reschedule(SLA, rule=timedelta(days=30), at=utc(2026, 2, 2), by="ann")
        assert changed.next_due == utc(2026, 3, 3)
        # never reviewed: the due date stays
        kept = schedules.reschedule(SUPPLIER, rule=timedelta(days=30), at=T0, by="ann")
        assert kept.next_due == T0 + timedelta(days=365)
        moved = schedules.reschedule(
            SUPPLIER, next_due=utc(2026, 6, 1), owner="dave", at=T0, by="ann"
        )
        assert (moved.next_due, moved.owner) == (utc(2026, 6, 1), "dave")
        assert [c.action for c in moved.changes] == ["planned", "rescheduled", "rescheduled"]

    def test_rescheduling_needs_something_to_change(self) -> None:
        with pytest.raises(ValidationError, match="needs a new rule, next_due or owner"):
            three_schedules().reschedule(SLA, at=T0, by="ann")

    def test_a_schedule_change_dated_before_the_last_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="before its last change \\(planned"):
            three_schedules().retire(SLA, at=T0 - timedelta(seconds=1), by="ann")

    def test_one_schedule_per_subject(self) -> None:
        with pytest.raises(DuplicateError, match="agreement:sla-shop has a review schedule"):
            three_schedules().plan(SLA, timedelta(days=1), at=T0, by="ann")

    def test_an_unknown_subject_is_named(self) -> None:
        schedules = three_schedules()
        with pytest.raises(NotFoundError, match="no review schedule for plan:capacity-2026"):
            schedules.perform(("plan", "capacity-2026"), at=T0, by="ann")
        assert ("plan", "capacity-2026") not in schedules
        assert ReviewSubject("agreement", "sla-shop") in schedules
        assert "nonsense" not in schedules

    @pytest.mark.parametrize(
        ("subject", "message"),
        [
            (
                ("audit", "x"),
                "'audit' is not a valid SubjectKind; expected one of 'management_review'",
            ),
            (("plan", " x"), "ReviewSubject.id must be a non-empty string"),
            ("plan:x", "a review subject must be a ReviewSubject or a \\(kind, id\\) pair"),
        ],
    )
    def test_a_bad_subject_is_refused(self, subject: object, message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            ReviewSchedules().plan(subject, timedelta(days=1), at=T0, by="ann")  # type: ignore[arg-type]

    def test_bad_review_fields_are_refused(self) -> None:
        schedules = three_schedules()
        with pytest.raises(ValidationError, match="'great' is not a valid ReviewOutcome"):
            schedules.perform(SLA, at=T0, by="ann", outcome="great")
        with pytest.raises(ValidationError, match="Review.by must be a non-empty string"):
            schedules.perform(SLA, at=T0, by="")
        with pytest.raises(ValidationError, match="ReviewSchedule.owner must be a non-empty"):
            schedules.reschedule(SLA, owner="carol ", at=T0, by="ann")
        with pytest.raises(ValidationError, match="period must be a timedelta of zero or more"):
            schedules.due_within(T0, timedelta(days=-1))
        assert schedules.schedule(SLA).reviews == ()

    def test_every_planned_interval_of_fitsm_1_has_a_kind_of_subject(self) -> None:
        asked = {
            "GR1.3", "GR6.2", "PR2.2", "PR2.4", "PR4.1", "PR4.2",
            "PR5.1", "PR6.1", "PR6.2", "PR7.4", "PR8.4", "PR11.5",
        }  # fmt: skip
        assert asked <= {r for kind in SubjectKind for r in kind.requirements}

    def test_schedules_of_one_kind(self) -> None:
        assert subjects(three_schedules().of_kind("supplier")) == ["supplier:payco"]


class TestProperties:
    @given(
        rule=review_rules(),
        gaps=st.lists(
            st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
            min_size=1,
            max_size=6,
        ),
        probes=st.lists(st.floats(0, 1), max_size=5),
    )
    def test_a_performed_review_is_never_overdue_before_its_next_due_date(
        self, rule, gaps: list[timedelta], probes: list[float]
    ) -> None:
        schedules = ReviewSchedules()
        schedules.plan(SUPPLIER, rule, at=T0, by="ann")
        done = T0
        for gap in gaps:
            done += gap
            schedule = schedules.perform(SUPPLIER, at=done, by="ann")
            due = schedule.next_due
            assert due > done
            for share in [0.0, 1.0, *probes]:
                probe = done + (due - done) * share
                assert schedules.overdue(probe) == []
            assert subjects(schedules.due_within(done, due - done)) == ["supplier:payco"]
            assert subjects(schedules.overdue(due + timedelta(microseconds=1))) == [
                "supplier:payco"
            ]


class TestMerging:
    def test_reviews_of_different_subjects_merge(self) -> None:
        base = three_schedules()
        ours, theirs = base.copy(), base.copy()
        ours.perform(SLA, at=utc(2026, 2, 1), by="ann")
        theirs.perform(VERIFY, at=utc(2026, 2, 2), by="bob")
        ours.rebase(theirs, base)
        assert ours.schedule(SLA).last.by == "ann"  # type: ignore[union-attr]
        assert ours.schedule(VERIFY).last.by == "bob"  # type: ignore[union-attr]

    def test_reviews_of_the_same_subject_conflict_and_nothing_changes(self) -> None:
        base = three_schedules()
        ours, theirs = base.copy(), base.copy()
        ours.perform(SLA, at=utc(2026, 2, 1), by="ann")
        ours.perform(SUPPLIER, at=utc(2026, 2, 1), by="ann")
        theirs.perform(SLA, at=utc(2026, 2, 2), by="bob")
        kept = ours.copy()
        with pytest.raises(ConflictError, match="agreement:sla-shop was changed by someone else"):
            ours.rebase(theirs, base)
        assert ours == kept


def sla(**changes: object) -> Agreement:
    fields: dict[str, object] = {
        "review_interval": timedelta(days=180),
        "next_review": date(2026, 3, 1),
        "owner": "carol",
    }
    fields.update(changes)
    target = ServiceTarget("availability", Q_(99.5, "percent"))
    return Agreement("sla-shop", "SLA", "retail", ["shop"], [target], **fields)  # type: ignore[arg-type]


class TestAgreements:
    def test_an_agreement_with_a_review_interval_gets_a_schedule(self) -> None:
        agreements = Agreements()
        agreements.add(sla())
        agreements.add(
            Agreement("ola-db", "OLA", "dba", ["db"], [], review_interval=timedelta(days=30))
        )
        agreements.add(Agreement("ua-telco", "UA", "telco", ["uplink"], []))  # no interval
        schedules = ReviewSchedules()
        planned = follow_agreements(schedules, agreements, at=T0, by="ann")
        assert subjects(planned) == ["agreement:sla-shop", "agreement:ola-db"]
        shop = schedules.schedule(SLA)
        assert (shop.rule, shop.next_due, shop.owner) == (
            timedelta(days=180),
            utc(2026, 3, 1),
            "carol",
        )
        assert schedules.schedule(("agreement", "ola-db")).next_due == T0 + timedelta(days=30)
        assert ("agreement", "ua-telco") not in schedules

    def test_following_again_changes_nothing(self) -> None:
        agreements = Agreements()
        agreements.add(sla())
        schedules = ReviewSchedules()
        follow_agreements(schedules, agreements, at=T0, by="ann")
        schedules.perform(SLA, at=utc(2026, 2, 20), by="carol")
        kept = schedules.copy()
        assert follow_agreements(schedules, agreements, at=utc(2026, 2, 21), by="ann") == []
        assert schedules == kept

    def test_a_new_interval_or_owner_reschedules_from_the_last_review(self) -> None:
        agreements = Agreements()
        agreements.add(sla())
        schedules = ReviewSchedules()
        follow_agreements(schedules, agreements, at=T0, by="ann")
        schedules.perform(SLA, at=utc(2026, 2, 20), by="carol")
        agreements.revise(
            "sla-shop",
            review_interval=timedelta(days=90),
            owner="dave",
            effective_from=utc(2026, 4, 1),
        )
        assert follow_agreements(schedules, agreements, at=utc(2026, 3, 1), by="ann") == []
        [changed] = follow_agreements(schedules, agreements, at=utc(2026, 4, 1), by="ann")
        assert (changed.rule, changed.owner) == (timedelta(days=90), "dave")
        assert changed.next_due == utc(2026, 2, 20) + timedelta(days=90)

    def test_an_expired_agreement_is_no_longer_reviewed(self) -> None:
        agreements = Agreements()
        agreements.add(sla(valid_until=utc(2026, 6, 30)))
        schedules = ReviewSchedules()
        follow_agreements(schedules, agreements, at=T0, by="ann")
        [retired] = follow_agreements(schedules, agreements, at=utc(2026, 7, 1), by="ann")
        assert not retired.active
        assert schedules.overdue(utc(2027, 1, 1)) == []
        assert follow_agreements(schedules, agreements, at=utc(2026, 8, 1), by="ann") == []


class TestCmdbVerification:
    def planned(self) -> ReviewSchedules:
        schedules = ReviewSchedules()
        schedules.plan(("cmdb_verification", "default"), MonthlyRule(1), at=T0, by="ann")
        return schedules

    def test_a_clean_verification_passes_and_advances_the_schedule(self, shop) -> None:
        found = DiscoveredState([ConfigurationItem("db1", "database")])
        schedules = self.planned()
        schedule = record_verification(
            schedules, verify(shop, found), at=utc(2026, 1, 30), by="ann"
        )
        assert schedule.last.outcome is ReviewOutcome.PASSED  # type: ignore[union-attr]
        assert schedule.last.note == "verified database: no differences"  # type: ignore[union-attr]
        assert schedule.next_due == utc(2026, 2, 1)

    def test_differences_are_findings_with_their_counts(self, shop) -> None:
        found = DiscoveredState(
            [ConfigurationItem("db9", "database"), ConfigurationItem("db8", "database")]
        )
        schedule = record_verification(
            self.planned(), verify(shop, found), at=T0, by="ann", note="weekly scan"
        )
        review = schedule.last
        assert review is not None
        assert review.outcome is ReviewOutcome.FINDINGS
        assert review.note == "weekly scan; verified database: 1 missing CI, 2 unexpected CIs"

    def test_an_unplanned_verification_is_named(self, shop) -> None:
        report = verify(shop, DiscoveredState())
        with pytest.raises(NotFoundError, match="no review schedule for cmdb_verification:shop"):
            record_verification(self.planned(), report, at=T0, by="ann", cmdb_id="shop")
