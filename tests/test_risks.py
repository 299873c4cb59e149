"""The risk register: a 5 x 5 rating, risks changed only through checked operations, and
candidate availability risks from the CMDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fitsm.errors import (
    ConflictError,
    DuplicateError,
    NaiveDatetimeError,
    NotFoundError,
    ValidationError,
)
from fitsm.reviews import ReviewOutcome, ReviewSchedules
from fitsm.risks import (
    SINGLE_POINT_OF_FAILURE,
    Risk,
    RiskArea,
    RiskMatrix,
    RiskRegister,
    Treatment,
    assessment_subject,
    candidate_risks,
    plan_assessments,
)

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
T1 = T0 + timedelta(days=1)


class TestMatrix:
    def test_the_default_5_x_5_matrix_rates_every_pair(self) -> None:
        m = RiskMatrix.default()
        assert m.likelihoods == ("rare", "unlikely", "possible", "likely", "almost_certain")
        assert m.impacts == ("negligible", "minor", "moderate", "major", "severe")
        assert m.levels == ("low", "medium", "high", "critical")
        low, med, high, crit = m.levels
        assert m.table == (
            (low, low, low, low, med),
            (low, low, med, med, high),
            (low, med, med, high, high),
            (low, med, high, high, crit),
            (med, high, high, crit, crit),
        )

    @pytest.mark.parametrize(
        ("likelihood", "impact", "score", "level"),
        [
            ("rare", "negligible", 1, "low"),
            ("unlikely", "major", 8, "medium"),
            ("possible", "moderate", 9, "medium"),
            ("unlikely", "severe", 10, "high"),
            ("likely", "major", 16, "high"),
            ("likely", "severe", 20, "critical"),
            ("almost_certain", "severe", 25, "critical"),
        ],
    )
    def test_known_ratings(self, likelihood: str, impact: str, score: int, level: str) -> None:
        rating = RiskMatrix.default().rate(likelihood, impact)
        assert (rating.score, rating.level) == (score, level)
        assert str(rating) == f"{level} ({likelihood} x {impact} = {score})"

    def test_an_unknown_level_is_named_with_the_levels_expected(self) -> None:
        with pytest.raises(
            ValidationError, match="likelihood 'often' is not on this risk matrix's scale; .*'rare'"
        ):
            RiskMatrix.default().rate("often", "minor")
        with pytest.raises(ValidationError, match="impact 'huge' is not on this risk matrix"):
            RiskMatrix.default().rate("rare", "huge")

    def test_a_scale_of_ones_own(self) -> None:
        m = RiskMatrix(
            ["low", "high"],
            ["small", "big"],
            ["green", "amber", "red"],
            [["green", "amber"], ["amber", "red"]],
        )
        assert m.rate("high", "big").level == "red"
        assert m.rank(m.rate("low", "big")) == (1, 2)

    @pytest.mark.parametrize(
        ("build", "message"),
        [
            (
                lambda: RiskMatrix(["a", "b"], ["x"], ["lo", "hi"], [["hi"], ["lo"]]),
                "lower than the 'hi' of a lower likelihood or impact",
            ),
            (lambda: RiskMatrix(["a"], ["x"], ["lo"], [["lo", "lo"]]), "needs 1 rows .* of 1"),
            (lambda: RiskMatrix(["a"], ["x"], ["lo"], [["mid"]]), "as 'mid'; expected one of 'lo'"),
            (lambda: RiskMatrix(["a", "a"], ["x"], ["lo"], [["lo"], ["lo"]]), "'a' more than once"),
            (lambda: RiskMatrix([], ["x"], ["lo"], []), "at least one likelihood level"),
            (
                lambda: RiskMatrix.banded(["a", "b"], ["x", "y"], {"lo": 2, "hi": 2}),
                "band 'hi' ends at score 2, not above the band before it",
            ),
            (
                lambda: RiskMatrix.banded(["a", "b"], ["x", "y"], {"lo": 1, "hi": 3}),
                "to cover the highest score, 4",
            ),
            (
                lambda: RiskMatrix.banded(["a"], ["x"], {"lo": 1.5}),
                "band 'lo' ends at 1.5; expected a whole score",
            ),
        ],
    )
    def test_a_bad_matrix_is_refused(self, build, message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            build()


def flood(**changes: object) -> Risk:
    fields: dict[str, object] = {
        "id": "flood",
        "title": "Data centre flood",
        "area": "continuity",
        "concerns": ["dc1"],
        "likelihood": "unlikely",
        "impact": "severe",
        "owner": "carol",
    }
    fields.update(changes)
    return Risk(**fields)  # type: ignore[arg-type]


def register_with(*risks: Risk) -> RiskRegister:
    register = RiskRegister()
    for risk in risks:
        register.add(risk, at=T0, by="ann")
    return register


class TestRisk:
    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"concerns": []}, "must concern at least one asset, CI or service"),
            ({"concerns": ["dc1", "dc1"]}, "concerns names an id twice"),
            ({"title": " "}, "needs a title"),
            ({"owner": " bob"}, "Risk.owner must be a non-empty string without surrounding"),
            ({"area": "finance"}, "'finance' is not a valid RiskArea"),
            ({"treatment": "ignore"}, "'ignore' is not a valid Treatment"),
            ({"measures": ["M-1"]}, "has measures or a residual rating but no treatment"),
            ({"treatment": "reduce"}, "the treatment 'reduce' needs the measures"),
            (
                {"treatment": "accept", "residual_likelihood": "rare"},
                "give both residual_likelihood and residual_impact",
            ),
        ],
    )
    def test_a_risk_must_make_sense(self, changes: dict[str, object], message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            flood(**changes)

    def test_an_accepted_risk_needs_no_measures(self) -> None:
        assert flood(treatment="accept").treatment is Treatment.ACCEPT

    def test_areas_name_their_requirement(self) -> None:
        assert [a.requirement for a in RiskArea] == ["PR4.2", "PR4.2", "PR6.2"]


class TestRegister:
    def test_adding_records_who_identified_it_and_when(self) -> None:
        risk = register_with(flood()).risk("flood")
        [change] = risk.history
        assert (change.at, change.by, change.action) == (T0, "ann", "identified")
        assert dict(change.changes) == {
            "likelihood": "unlikely",
            "impact": "severe",
            "owner": "carol",
        }
        assert risk.assessed == change

    def test_what_the_register_refuses_to_add(self) -> None:
        register = register_with(flood())
        with pytest.raises(DuplicateError, match="risk 'flood' is in the register already"):
            register.add(flood(), at=T0, by="ann")
        with pytest.raises(ValidationError, match="likelihood 'often' is not on"):
            register.add(Risk("r2", "x", "availability", ["a"], "often", "minor"), at=T0, by="ann")
        stamped = register.risk("flood")
        with pytest.raises(ValidationError, match="comes with a history"):
            RiskRegister().add(stamped, at=T0, by="ann")
        with pytest.raises(NaiveDatetimeError):
            RiskRegister().add(flood(), at=datetime(2026, 1, 5), by="ann")
        with pytest.raises(ValidationError, match="RiskChange.by must be a non-empty string"):
            RiskRegister().add(flood(), at=T0, by="")

    def test_an_assessment_changes_the_rating_and_is_recorded(self) -> None:
        register = register_with(flood())
        register.assess(
            "flood", likelihood="rare", impact="severe", at=T1, by="bob", note="new dyke"
        )
        assert str(register.rating("flood")) == "medium (rare x severe = 5)"
        change = register.risk("flood").history[-1]
        assert (change.action, change.by, change.note) == ("assessed", "bob", "new dyke")
        assert dict(change.changes) == {"likelihood": "rare", "impact": "severe"}

    def test_a_change_dated_before_the_last_one_is_refused_and_changes_nothing(self) -> None:
        register = register_with(flood())
        register.assess("flood", likelihood="rare", impact="severe", at=T1, by="bob")
        kept = register.copy()
        with pytest.raises(ValidationError, match="before its last change \\(assessed"):
            register.assess("flood", likelihood="likely", impact="severe", at=T0, by="bob")
        assert register == kept

    def test_a_treatment_with_measures_and_residual_rating(self) -> None:
        register = register_with(flood())
        register.treat(
            "flood",
            "reduce",
            measures=["CHG-12", "ctl-backup-dc2"],
            residual_likelihood="rare",
            residual_impact="major",
            at=T1,
            by="carol",
        )
        risk = register.risk("flood")
        assert (risk.treatment, risk.measures) == (Treatment.REDUCE, ("CHG-12", "ctl-backup-dc2"))
        assert str(register.residual_rating("flood")) == "low (rare x major = 4)"
        assert dict(risk.history[-1].changes)["treatment"] == "reduce"

    def test_a_residual_rating_above_the_risk_is_refused(self) -> None:
        register = register_with(flood())
        with pytest.raises(
            ValidationError, match="residual rating critical .* is above the risk.s rating high"
        ):
            register.treat(
                "flood",
                "transfer",
                measures=["insurance-7"],
                residual_likelihood="likely",
                residual_impact="severe",
                at=T1,
                by="carol",
            )
        assert register.risk("flood").treatment is None
        register.treat("flood", "accept", at=T1, by="carol")
        with pytest.raises(ValidationError, match="residual rating"):
            register.treat(
                "flood", "accept", residual_likelihood="almost_certain", residual_impact="severe",
                at=T1, by="carol",
            )  # fmt: skip

    def test_only_named_fields_are_revised(self) -> None:
        register = register_with(flood())
        register.revise("flood", owner="dave", concerns=["dc1", "shop"], at=T1, by="ann")
        risk = register.risk("flood")
        assert (risk.owner, risk.concerns) == ("dave", ("dc1", "shop"))
        assert dict(risk.history[-1].changes) == {"owner": "dave", "concerns": ("dc1", "shop")}
        with pytest.raises(ValidationError, match="changes title, .*; got 'likelihood'"):
            register.revise("flood", likelihood="rare", at=T1, by="ann")
        with pytest.raises(ValidationError, match="got nothing"):
            register.revise("flood", at=T1, by="ann")

    def test_a_closed_risk_changes_no_more(self) -> None:
        register = register_with(flood())
        register.close("flood", at=T1, by="ann", note="moved out of dc1")
        with pytest.raises(ValidationError, match="risk 'flood' is closed"):
            register.assess("flood", likelihood="rare", impact="minor", at=T1, by="ann")
        assert register.ranked() == []
        assert [r.id for r in register.ranked(include_closed=True)] == ["flood"]

    def test_an_unknown_risk_is_named(self) -> None:
        with pytest.raises(NotFoundError, match="no risk 'nope' in risk register 'default'"):
            RiskRegister().rating("nope")

    def test_queries(self) -> None:
        register = register_with(
            flood(),
            Risk("phish", "Phishing", "information_security", ["mail"], "likely", "major"),
            Risk("disk", "Disk failure", "availability", ["san1", "shop"], "possible", "minor",
                 owner="ops", treatment="accept"),
        )  # fmt: skip
        assert [r.id for r in register.ranked()] == ["phish", "flood", "disk"]
        assert [r.id for r in register.ranked(area="availability")] == ["disk"]
        assert [r.id for r in register.concerning(["shop", "dc1"])] == ["disk", "flood"]
        assert [r.id for r in register.unowned()] == ["phish"]
        assert [r.id for r in register.untreated()] == ["flood", "phish"]
        assert "disk" in register
        assert len(register) == 3
        assert repr(register) == "<RiskRegister 'default': 3 risks, 3 open>"


class TestAssessmentSchedule:
    def planned(self) -> tuple[RiskRegister, ReviewSchedules]:
        register = register_with(flood())
        schedules = ReviewSchedules()
        assert len(plan_assessments(schedules, register, timedelta(days=365), at=T0, by="ann")) == 1
        assert plan_assessments(schedules, register, timedelta(days=365), at=T0, by="ann") == []
        return register, schedules

    def test_an_assessment_performs_the_risks_review(self) -> None:
        register, schedules = self.planned()
        register.assess(
            "flood", likelihood="rare", impact="severe", at=T1, by="bob", schedules=schedules
        )
        schedule = schedules.schedule(assessment_subject("flood"))
        assert schedule.owner == "carol"
        review = schedule.last
        assert review is not None
        assert (review.at, review.by, review.outcome) == (T1, "bob", ReviewOutcome.UPDATED)
        assert review.note == "rated medium (rare x severe = 5)"
        assert schedule.next_due == T1 + timedelta(days=365)
        register.assess(
            "flood", likelihood="rare", impact="severe", at=T1, by="bob", schedules=schedules
        )
        assert schedules.schedule(assessment_subject("flood")).last.outcome is ReviewOutcome.PASSED  # type: ignore[union-attr]

    def test_without_a_schedule_nothing_changes(self) -> None:
        register = register_with(flood())
        kept = register.copy()
        with pytest.raises(NotFoundError, match="no review schedule for risk_assessment:flood"):
            register.assess(
                "flood", likelihood="rare", impact="minor", at=T1, by="bob",
                schedules=ReviewSchedules(),
            )  # fmt: skip
        assert register == kept

    def test_a_review_before_the_last_changes_neither(self) -> None:
        register, schedules = self.planned()
        schedules.perform(assessment_subject("flood"), at=T1 + timedelta(days=5), by="bob")
        kept = (register.copy(), schedules.copy())
        with pytest.raises(ValidationError, match="before the last one"):
            register.assess(
                "flood", likelihood="rare", impact="minor", at=T1, by="bob", schedules=schedules
            )
        assert (register, schedules) == kept


class TestMerging:
    def test_changes_to_different_risks_merge(self) -> None:
        base = register_with(flood(), flood(id="fire", title="Fire"))
        ours, theirs = base.copy(), base.copy()
        ours.revise("flood", owner="dave", at=T1, by="ann")
        theirs.close("fire", at=T1, by="bob")
        ours.rebase(theirs, base)
        assert ours.risk("flood").owner == "dave"
        assert ours.risk("fire").closed

    def test_changes_to_the_same_risk_conflict_and_nothing_changes(self) -> None:
        base = register_with(flood())
        ours, theirs = base.copy(), base.copy()
        ours.revise("flood", owner="dave", at=T1, by="ann")
        theirs.revise("flood", owner="erin", at=T1, by="bob")
        kept = ours.copy()
        with pytest.raises(ConflictError, match="risk 'flood' was changed by someone else"):
            ours.rebase(theirs, base)
        assert ours == kept


class TestCandidates:
    def test_the_example_shop_has_eighteen_candidates_one_per_single_point_of_failure(
        self,
    ) -> None:
        from fitsm.demo import example_provider

        _, cmdb = example_provider()
        found = candidate_risks(cmdb, ["shop"])
        assert len(found) == 18
        assert {r.id for r in found} == {
            f"spof-{ci}" for ci in cmdb.single_points_of_failure("shop")
        }
        assert [r.id for r in found[:7]] == [
            "spof-fw1", "spof-hv3", "spof-router1", "spof-uplink-isp", "spof-hv4", "spof-san1",
            "spof-bind",
        ]  # fmt: skip
        fw1, db1 = found[0], next(r for r in found if r.id == "spof-db1")
        assert fw1.concerns == ("fw1", "hr", "mail", "shop", "vpn")
        assert (fw1.likelihood, fw1.impact, fw1.owner) == ("possible", "severe", "ops")
        assert (fw1.area, fw1.source) == (RiskArea.AVAILABILITY, SINGLE_POINT_OF_FAILURE)
        assert fw1.description == (
            "fw1 (firewall) failing alone takes down hr, mail, shop, vpn and degrades no "
            "service; it is a single point of failure of shop."
        )
        assert (db1.concerns, db1.impact) == (("db1", "shop"), "moderate")
        bind = found[6]
        assert (bind.concerns, bind.impact) == (("bind", "mail", "shop"), "major")
        hv1 = next(r for r in found if r.id == "spof-hv1")
        assert hv1.concerns == ("hv1", "shop", "hr", "mail", "vpn")  # down first, then degraded

    def test_seeding_twice_adds_nothing(self, shop) -> None:
        register = RiskRegister()
        added = register.seed(candidate_risks(shop, ["shop"]), at=T0, by="ann")
        assert [r.id for r in added] == ["spof-db1", "spof-sw1"]
        assert register.seed(candidate_risks(shop, ["shop"]), at=T1, by="bob") == []
        assert [c.note for c in register.risk("spof-db1").history] == ["seeded"]

    def test_a_scale_and_likelihood_of_ones_own(self, shop) -> None:
        m = RiskMatrix.banded(["low", "high"], ["minor", "serious", "fatal"], {"ok": 2, "act": 6})
        [_, sw1] = candidate_risks(shop, ["shop"], matrix=m, likelihood="high")
        assert (sw1.likelihood, sw1.impact) == ("high", "serious")
        with pytest.raises(ValidationError, match="likelihood 'often' is not on"):
            candidate_risks(shop, ["shop"], matrix=m, likelihood="often")

    @pytest.mark.parametrize(
        ("services", "error", "message"),
        [
            (["nope"], NotFoundError, "no service 'nope' in CMDB"),
            (["frontend"], NotFoundError, "no service 'frontend' in CMDB"),
            ([], ValidationError, "at least one service in scope"),
        ],
    )
    def test_the_scope_must_be_services(self, shop, services, error, message: str) -> None:
        with pytest.raises(error, match=message):
            candidate_risks(shop, services)


class TestDemo:
    def test_the_demo_seeds_risks_once_and_shows_the_overdue_sla_review(self, tmp_path) -> None:
        import io

        from fitsm import open_store
        from fitsm.demo import run

        url = f"sqlite:///{tmp_path / 'demo.db'}"
        outs = []
        for _ in range(2):  # the second run reads what the first stored and adds nothing
            out = io.StringIO()
            run(out, store_url=url)
            lines = out.getvalue().splitlines()
            outs.append([x for x in lines if x.startswith(("Risk seeded", "Overdue review"))])
        expected = [
            "Risk seeded from a single point of failure (18 for shop): spof-fw1, rated high "
            "(possible x severe = 15): fw1 (firewall) failing alone takes down hr, mail, shop, "
            "vpn and degrades no service; it is a single point of failure of shop.",
            "Overdue review (2 on 2026-01-05): agreement:sla-shop, due 2025-12-01, 35 days "
            "ago, owner carol.",
        ]
        assert outs == [expected, expected]
        store = open_store(url)
        with store.unit_of_work() as uow:
            register, schedules = uow.risks.get(), uow.reviews.get()
            assert (register.version, schedules.version) == (2, 2)
            assert uow.continuity.get().version == 1  # stored by the first run, unchanged
        store.close()
        assert len(register) == 18
        assert len(schedules.of_kind("risk_assessment")) == 18
        assert [str(s.subject) for s in schedules.of_kind("agreement")] == ["agreement:sla-shop"]
