"""The security register (PR6.1, PR6.3, PR6.5): classification, policies, controls, access
rights and access reviews; every operation checked, recorded, and all-or-nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given

from fitsm.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from fitsm.reviews import ReviewSchedules
from fitsm.risks import Risk, RiskRegister
from fitsm.roles import Role
from fitsm.security import (
    Classification,
    ClassificationScheme,
    InformationAsset,
    SecurityControl,
    SecurityRegister,
    access_review_subject,
    link_findings,
    overdue_access_reviews,
    plan_access_reviews,
    plan_policy_reviews,
    policy_subject,
)
from tests.strategies import access_histories

T0 = datetime(2024, 1, 1, 9, tzinfo=UTC)
DAY = timedelta(days=1)


def _payroll(register: SecurityRegister | None = None) -> SecurityRegister:
    register = register or SecurityRegister()
    register.add_asset(
        InformationAsset(
            "payroll-db", "Payroll records", Classification("high", "high", "medium"), cis=["db1"]
        ),
        at=T0,
        by="ivy",
    )
    return register


def _grant(register: SecurityRegister, right_id: str, holder: str, at: datetime) -> None:
    register.grant_access(
        right_id,
        holder=holder,
        asset="payroll-db",
        access="read",
        reason="payroll",
        at=at,
        by="sam",
    )


class TestClassification:
    def test_the_default_scheme_is_low_medium_high(self) -> None:
        scheme = ClassificationScheme.default()
        assert scheme.levels == ("low", "medium", "high")
        assert scheme.highest(Classification("low", "high", "medium")) == "high"

    def test_a_user_defined_scheme_ranks_its_own_levels(self) -> None:
        scheme = ClassificationScheme(["1", "2", "3", "4"])
        assert scheme.highest(Classification("2", "4", "1")) == "4"
        assert scheme.rank("3") == 2

    def test_a_level_outside_the_scheme_is_refused_naming_it(self) -> None:
        register = SecurityRegister(scheme=ClassificationScheme(["public", "internal", "secret"]))
        asset = InformationAsset("a", "A", Classification("secret", "high", "public"))
        with pytest.raises(ValidationError, match="integrity 'high' is not a level") as e:
            register.add_asset(asset, at=T0, by="ivy")
        assert e.value.field == "integrity"
        assert len(register) == 0

    def test_reclassifying_on_a_level_outside_the_scheme_changes_nothing(self) -> None:
        register = _payroll()
        before = register.asset("payroll-db")
        with pytest.raises(ValidationError, match="availability 'extreme'"):
            register.classify_asset(
                "payroll-db", Classification("low", "low", "extreme"), at=T0, by="otto"
            )
        assert register.asset("payroll-db") == before

    @pytest.mark.parametrize(
        ("levels", "message"),
        [([], "at least one level"), (["a", "a"], "'a' more than once"), ("abc", "list of")],
    )
    def test_bad_schemes_are_refused(self, levels: object, message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            ClassificationScheme(levels)  # type: ignore[arg-type]


class TestAssets:
    def test_adding_and_describing_an_asset_is_recorded_with_who_and_when(self) -> None:
        register = _payroll()
        register.describe_asset("payroll-db", services=["hr"], at=T0 + DAY, by="otto")
        asset = register.asset("payroll-db")
        assert [(c.action, c.by) for c in asset.history] == [
            ("added", "ivy"),
            ("described", "otto"),
        ]
        assert asset.history[1].changes == {"services": ("hr",)}
        assert asset.services == ("hr",)

    def test_an_asset_with_active_rights_cannot_be_retired(self) -> None:
        register = _payroll()
        _grant(register, "r1", "bob", T0)
        with pytest.raises(ValidationError, match="active access rights 'r1'"):
            register.retire_asset("payroll-db", at=T0 + DAY, by="ivy")
        register.revoke_access("r1", reason="left", at=T0 + DAY, by="sam")
        register.retire_asset("payroll-db", at=T0 + DAY, by="ivy")
        assert register.assets() == []
        with pytest.raises(ValidationError, match="retired"):
            _grant(register, "r2", "bob", T0 + 2 * DAY)

    def test_a_change_dated_before_the_last_is_refused(self) -> None:
        register = _payroll()
        with pytest.raises(ValidationError, match="before its last change"):
            register.describe_asset("payroll-db", name="x", at=T0 - DAY, by="otto")

    def test_unknown_fields_and_ids_are_named(self) -> None:
        register = _payroll()
        with pytest.raises(ValidationError, match="'owner'"):
            register.describe_asset("payroll-db", owner="x", at=T0, by="otto")
        with pytest.raises(NotFoundError, match="no asset 'nope'"):
            register.asset("nope")
        with pytest.raises(DuplicateError):
            _payroll(register)

    def test_owned_lists_what_needs_an_asset_or_control_owner(self) -> None:
        register = _payroll()
        register.add_control(SecurityControl("ctl-1", "Locks", "physical"), at=T0, by="ivy")
        assert register.owned() == {
            Role.ASSET_OWNER: ["payroll-db"],
            Role.SECURITY_CONTROL_OWNER: ["ctl-1"],
        }


class TestPolicies:
    def test_a_revision_is_a_draft_and_the_approved_version_stays_in_force(self) -> None:
        register = SecurityRegister()
        register.add_policy("pol", title="Access", text="v1", at=T0, by="ivy")
        assert register.policy("pol").in_force is None
        register.approve_policy("pol", at=T0 + DAY, by="olga")
        register.revise_policy("pol", text="v2 draft", at=T0 + 2 * DAY, by="ivy")
        register.revise_policy("pol", text="v2", at=T0 + 3 * DAY, by="ivy")  # rewrites the draft
        policy = register.policy("pol")
        assert [(v.number, v.text, v.approved_by) for v in policy.versions] == [
            (1, "v1", "olga"),
            (2, "v2", ""),
        ]
        assert policy.in_force is not None and policy.in_force.number == 1
        register.approve_policy("pol", at=T0 + 4 * DAY, by="olga")
        assert register.policy("pol").in_force.text == "v2"  # type: ignore[union-attr]

    def test_an_approved_version_is_not_approved_again(self) -> None:
        register = SecurityRegister()
        register.add_policy("pol", title="Access", text="v1", at=T0, by="ivy")
        register.approve_policy("pol", at=T0, by="olga")
        with pytest.raises(ValidationError, match="no draft to approve"):
            register.approve_policy("pol", at=T0, by="olga")

    def test_a_review_advances_the_policys_schedule_both_or_neither(self) -> None:
        register, schedules = SecurityRegister(), ReviewSchedules()
        register.add_policy("pol", title="Access", text="v1", at=T0, by="ivy")
        with pytest.raises(ValidationError, match="no approved version"):
            register.review_policy("pol", at=T0, by="olga", schedules=schedules)
        register.approve_policy("pol", at=T0, by="olga")
        before = register.policy("pol")
        with pytest.raises(NotFoundError, match="security_policy:pol"):
            register.review_policy("pol", at=T0 + DAY, by="olga", schedules=schedules)
        assert register.policy("pol") == before  # the schedule was missing: nothing changed
        assert plan_policy_reviews(schedules, register, timedelta(days=365), at=T0, by="ivy")
        register.review_policy("pol", at=T0 + 30 * DAY, by="olga", schedules=schedules)
        schedule = schedules.schedule(policy_subject("pol"))
        assert schedule.next_due == T0 + 395 * DAY
        assert register.policy("pol").history[-1].changes == {"version": 1, "outcome": "passed"}


class TestControls:
    def _risks(self) -> RiskRegister:
        risks = RiskRegister()
        for rid in ("isr-1", "isr-2"):
            risks.add(
                Risk(rid, "Leak", "information_security", ["payroll-db"], "likely", "major"),
                at=T0,
                by="isrm",
            )
        risks.close("isr-2", at=T0, by="isrm")
        return risks

    def test_risk_ids_are_checked_when_the_risk_register_is_at_hand(self) -> None:
        register, risks = _payroll(), self._risks()
        with pytest.raises(NotFoundError, match="'isr-9'"):
            register.add_control(
                SecurityControl("c", "MFA", "technical", risks=["isr-9"]),
                at=T0,
                by="i",
                risks=risks,
            )
        with pytest.raises(ValidationError, match="closed risks 'isr-2'"):
            register.add_control(
                SecurityControl("c", "MFA", "technical", risks=["isr-2"]),
                at=T0,
                by="i",
                risks=risks,
            )
        with pytest.raises(NotFoundError, match="assets not in the inventory: 'hr-files'"):
            register.add_control(
                SecurityControl("c", "MFA", "technical", assets=["hr-files"]), at=T0, by="i"
            )
        assert register.controls() == []

    def test_the_implementation_status_is_tracked(self) -> None:
        register = _payroll()
        register.add_control(SecurityControl("c", "MFA", "technical"), at=T0, by="ivy")
        register.set_control_status("c", "in_progress", at=T0 + DAY, by="carl")
        register.set_control_status("c", "implemented", at=T0 + 2 * DAY, by="carl")
        assert [c.changes.get("status") for c in register.control("c").history] == [
            "planned",
            "in_progress",
            "implemented",
        ]
        assert [c.id for c in register.controls(status="implemented")] == ["c"]
        with pytest.raises(ValidationError, match="'bought' is not a valid"):
            register.set_control_status("c", "bought", at=T0 + 3 * DAY, by="carl")

    def test_link_findings_name_every_disagreement(self) -> None:
        # isr-1 names ctl-a among its measures and ctl-a names isr-1: agreed.
        # ctl-b names isr-1 too, but isr-1's measures do not name it: not_in_measures.
        # isr-3 names ctl-b, which does not name it back: not_in_control; and isr-3 is to be
        # reduced with no control naming it: untreated. ctl-b also names the closed isr-2
        # (linked before it closed) and the unknown isr-9.
        register, risks = _payroll(), self._risks()
        risks.treat("isr-1", "reduce", measures=["ctl-a"], at=T0, by="isrm")
        risks.add(
            Risk("isr-3", "Phish", "information_security", ["mail"], "likely", "minor"),
            at=T0,
            by="isrm",
        )
        risks.treat("isr-3", "reduce", measures=["ctl-b"], at=T0, by="isrm")
        register.add_control(
            SecurityControl("ctl-a", "MFA", "technical", risks=["isr-1"]), at=T0, by="i"
        )
        register.add_control(
            SecurityControl(
                "ctl-b", "Training", "organisational", risks=["isr-1", "isr-2", "isr-9"]
            ),
            at=T0,
            by="i",
        )
        found = [(f.kind, f.control, f.risk) for f in link_findings(register, risks)]
        assert found == [
            ("untreated", "", "isr-3"),
            ("not_in_measures", "ctl-b", "isr-1"),
            ("closed_risk", "ctl-b", "isr-2"),
            ("not_in_control", "ctl-b", "isr-3"),
            ("unknown_risk", "ctl-b", "isr-9"),
        ]
        assert [c.id for c in register.treating("isr-1")] == ["ctl-a", "ctl-b"]


class TestAccessRights:
    def test_a_grant_records_who_when_why_and_the_request(self) -> None:
        register = _payroll()
        right = register.grant_access(
            "r1", holder="bob", asset="payroll-db", access="write", reason="month end",
            request="ACC-7", at=T0, by="sam",
        )  # fmt: skip
        assert (right.granted_by, right.granted_at, right.reason, right.request) == (
            "sam",
            T0,
            "month end",
            "ACC-7",
        )
        with pytest.raises(DuplicateError, match="has 'write' access to 'payroll-db' already"):
            register.grant_access(
                "r2", holder="bob", asset="payroll-db", access="write", reason="x", at=T0, by="s"
            )
        with pytest.raises(NotFoundError, match="no asset 'hr'"):
            register.grant_access(
                "r2", holder="bob", asset="hr", access="read", reason="x", at=T0, by="s"
            )

    def test_a_revoked_right_stays_on_record_and_changes_no_more(self) -> None:
        register = _payroll()
        _grant(register, "r1", "bob", T0)
        register.revoke_access("r1", reason="left the company", at=T0 + DAY, by="sam")
        right = register.right("r1")
        assert (right.active, right.revoked_by, right.revoked_because) == (
            False,
            "sam",
            "left the company",
        )
        assert register.rights() == []
        assert register.rights(include_revoked=True) == [right]
        with pytest.raises(ValidationError, match="was revoked"):
            register.confirm_access("r1", at=T0 + 2 * DAY, by="paula")
        with pytest.raises(ValidationError, match="say why"):
            _grant(register, "r2", "dora", T0)
            register.revoke_access("r2", reason=" ", at=T0 + DAY, by="sam")

    def test_an_access_review_lists_exactly_the_rights_not_confirmed_since_the_last(self) -> None:
        # Four rights granted on 1 January: r1 bob, r2 dora, r3 eve, r4 finn.
        # Before any review, the unconfirmed are those never confirmed. r1 is confirmed on
        # 20 January, r2 on 1 February at 09:00, the very instant the first review closes.
        # The first review records r3 and r4 as unconfirmed (findings). From then on every
        # right needs a confirmation after 1 February 09:00, so r2's (at that instant) counts
        # for the review before, not for the next. On 10 February r1 is confirmed again, on
        # 11 February r4 revoked, on 12 February r5 granted to gina. The next review must look
        # at exactly r2 (confirmed at the review), r3 (never confirmed) and r5 (new).
        register = _payroll()
        for n, holder in enumerate(["bob", "dora", "eve", "finn"], 1):
            _grant(register, f"r{n}", holder, T0)
        review = datetime(2024, 2, 1, 9, tzinfo=UTC)
        register.confirm_access("r1", at=datetime(2024, 1, 20, tzinfo=UTC), by="paula")
        assert [r.id for r in register.unconfirmed("payroll-db")] == ["r2", "r3", "r4"]
        register.confirm_access("r2", at=review, by="paula")
        register.complete_access_review("payroll-db", at=review, by="paula")
        last = register.last_access_review("payroll-db")
        assert last is not None
        assert last.changes == {"unconfirmed": ("r3", "r4"), "outcome": "findings"}
        assert [r.id for r in register.unconfirmed("payroll-db")] == ["r1", "r2", "r3", "r4"]
        register.confirm_access("r1", at=datetime(2024, 2, 10, tzinfo=UTC), by="paula")
        register.revoke_access("r4", reason="moved", at=datetime(2024, 2, 11, tzinfo=UTC), by="s")
        _grant(register, "r5", "gina", datetime(2024, 2, 12, tzinfo=UTC))
        assert [r.id for r in register.unconfirmed("payroll-db")] == ["r2", "r3", "r5"]
        confirmation = register.right("r1").last_confirmed
        assert confirmation is not None
        assert (confirmation.by, confirmation.at) == ("paula", datetime(2024, 2, 10, tzinfo=UTC))

    def test_an_overdue_access_review_names_its_asset_and_the_unconfirmed_rights(self) -> None:
        register, schedules = _payroll(), ReviewSchedules()
        for n, holder in enumerate(["bob", "dora", "eve"], 1):
            _grant(register, f"r{n}", holder, T0)
        first_due = datetime(2024, 2, 1, tzinfo=UTC)
        plan_access_reviews(
            schedules, register, timedelta(days=90), at=T0, by="ivy", first_due=first_due
        )
        assert overdue_access_reviews(register, schedules, first_due) == []  # due, not overdue
        (late,) = overdue_access_reviews(register, schedules, datetime(2024, 3, 1, tzinfo=UTC))
        assert (
            str(late)
            == "access review of 'payroll-db' overdue since 2024-02-01: 3 rights unconfirmed"
        )
        for n in (1, 2, 3):
            register.confirm_access(f"r{n}", at=first_due + DAY, by="paula")
        register.complete_access_review(
            "payroll-db", at=first_due + 2 * DAY, by="paula", schedules=schedules
        )
        schedule = schedules.schedule(access_review_subject("payroll-db"))
        assert schedule.last is not None and schedule.last.outcome == "passed"
        assert overdue_access_reviews(register, schedules, datetime(2024, 3, 1, tzinfo=UTC)) == []

    @given(history=access_histories())
    def test_unconfirmed_rights_are_the_active_ones_without_a_confirmation_after_the_review(
        self, history: list[tuple[str, str, int]]
    ) -> None:
        register = _payroll()
        reviewed_at: datetime | None = None
        for step, (action, right_id, day) in enumerate(history):
            at = T0 + day * DAY + step * timedelta(seconds=1)
            if action == "grant" and right_id not in {
                r.id for r in register.rights(include_revoked=True)
            }:
                _grant(register, right_id, f"p-{right_id}", at)
            elif action == "review":
                register.complete_access_review("payroll-db", at=at, by="paula")
                reviewed_at = at
                # straight after a review, every active right needs a new confirmation
                assert register.unconfirmed("payroll-db") == register.rights(asset="payroll-db")
            elif right_id in {r.id for r in register.rights()}:
                if action == "confirm":
                    register.confirm_access(right_id, at=at, by="paula")
                    assert right_id not in {r.id for r in register.unconfirmed("payroll-db")}
                else:
                    register.revoke_access(right_id, reason="gone", at=at, by="sam")
        expected = [
            r.id
            for r in register.rights(asset="payroll-db")
            if not any(reviewed_at is None or c.at > reviewed_at for c in r.confirmations)
        ]
        assert [r.id for r in register.unconfirmed("payroll-db")] == expected


class TestMerging:
    def test_writers_of_different_items_both_land_and_of_the_same_item_conflict(self) -> None:
        base = _payroll()
        _grant(base, "r1", "bob", T0)
        mine, theirs = base.copy(), base.copy()
        mine.confirm_access("r1", at=T0 + DAY, by="paula")
        theirs.add_policy("pol", title="Access", text="v1", at=T0 + DAY, by="ivy")
        mine.rebase(theirs, base)
        assert mine.policy("pol").versions[0].text == "v1"
        assert mine.right("r1").last_confirmed is not None
        clash = base.copy()
        clash.revoke_access("r1", reason="x", at=T0 + DAY, by="sam")
        before = clash.copy()
        with pytest.raises(ConflictError, match="access right 'r1'"):
            clash.rebase(mine, base)
        assert clash == before

    def test_a_changed_scheme_conflicts(self) -> None:
        base = SecurityRegister()
        other = SecurityRegister(scheme=ClassificationScheme(["1", "2"]))
        with pytest.raises(ConflictError, match="classification scheme changed"):
            base.copy().rebase(other, base)
