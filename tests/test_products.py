"""The product register: proposals (PR1.2), toll-gates (PR1.3), strategies and performance
reviews (003), and the ITSPM roles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm.errors import (
    ConflictError,
    DuplicateError,
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
)
from fitsm.portfolio import (
    ITSPM_ROLES,
    AssessmentCriterion,
    CriterionState,
    Evidence,
    Financials,
    Finding,
    GateCriterion,
    ImprovementOpportunity,
    OpenGateError,
    Outcome,
    ProductRegister,
    Proposal,
    ProposalStatus,
    Service,
    ServiceLevelResult,
    ServicePortfolio,
    ServiceStrategy,
    TollGate,
    assess_outcomes,
    check_product_roles,
)
from fitsm.portfolio.performance import percent
from fitsm.reviews import ReviewSchedules, SubjectKind
from fitsm.roles import Person, Process, Role, RoleModel
from tests.strategies import GateSituation, gate_situations

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
LIVE = ("in_development", "in_production")


def _proposal(id: str = "p-shop", service: str = "shop", **changes: object) -> Proposal:
    fields: dict[str, object] = {
        "predicted_demand": "2000 orders a day",
        "required_resources": "2 FTE, 3 VMs",
        "expected_benefits": "online sales",
        "risks": ["spof-db1"],
    }
    return Proposal(id, "Web shop", service, "new", **(fields | changes))  # type: ignore[arg-type]


def _register(*criteria: str) -> ProductRegister:
    register = ProductRegister()
    for criterion in criteria:
        register.define_assessment_criterion(
            AssessmentCriterion(criterion, f"criterion {criterion}"), at=T0, by="sue"
        )
    return register


def _go_live(*criteria: GateCriterion, **fields: object) -> TollGate:
    chosen = criteria or (
        GateCriterion("sla", "An SLA draft exists", evidence="sla"),
        GateCriterion("design", "The design is reviewed"),
    )
    return TollGate("go-live", "Go-live", "in_production", chosen, **fields)  # type: ignore[arg-type]


class TestProposals:
    def test_a_proposal_is_evaluated_on_every_written_down_criterion_then_decided(self):
        register = _register("fit", "cost")
        register.propose(_proposal(), at=T0, by="ann")
        findings = [Finding("fit", True, "core business"), Finding("cost", False, "dear")]
        evaluated = register.evaluate_proposal("p-shop", findings, at=T0, by="sue")
        assert evaluated.status is ProposalStatus.EVALUATED
        decided = register.decide_proposal(
            "p-shop", approved=True, at=T0 + timedelta(hours=1), by="sue", reason="strategic"
        )
        assert decided.status is ProposalStatus.APPROVED
        assert (decided.decision.by, decided.decision.reason) == ("sue", "strategic")
        assert [(c.action, c.by) for c in decided.history] == [
            ("proposed", "ann"),
            ("evaluated", "sue"),
            ("decided", "sue"),
        ]
        assert decided.history[1].changes["met"] == {"fit": True, "cost": False}

    def test_pr1_2_asks_for_demand_resources_and_benefits(self):
        with pytest.raises(ValidationError, match="predicted demand"):
            _proposal(predicted_demand="  ")
        with pytest.raises(ValidationError, match="expected benefits"):
            _proposal(expected_benefits="")

    def test_no_evaluation_before_the_criteria_are_written_down(self):
        register = _register()
        register.propose(_proposal(), at=T0, by="ann")
        with pytest.raises(ValidationError, match="no assessment criteria are written down"):
            register.evaluate_proposal("p-shop", [], at=T0, by="sue")

    def test_an_evaluation_must_find_on_each_criterion_once_and_no_other(self):
        register = _register("fit", "cost")
        register.propose(_proposal(), at=T0, by="ann")
        with pytest.raises(ValidationError, match=r"no finding for 'cost'; unknown criteria 'x'"):
            register.evaluate_proposal(
                "p-shop", [Finding("fit", True), Finding("x", True)], at=T0, by="sue"
            )
        with pytest.raises(ValidationError, match="'fit' found twice"):
            register.evaluate_proposal(
                "p-shop",
                [Finding("fit", True), Finding("fit", False), Finding("cost", True)],
                at=T0,
                by="sue",
            )
        assert register.proposal("p-shop").status is ProposalStatus.PROPOSED

    def test_no_decision_before_an_evaluation_and_none_after_a_decision(self):
        register = _register("fit")
        register.propose(_proposal(), at=T0, by="ann")
        with pytest.raises(ValidationError, match="decided once evaluated"):
            register.decide_proposal("p-shop", approved=True, at=T0, by="sue")
        register.evaluate_proposal("p-shop", [Finding("fit", False)], at=T0, by="sue")
        with pytest.raises(ValidationError, match="needs a reason"):
            register.decide_proposal("p-shop", approved=False, at=T0, by="sue")
        register.decide_proposal("p-shop", approved=False, reason="no demand", at=T0, by="sue")
        with pytest.raises(ValidationError, match="rejected by 'sue'; a decided proposal"):
            register.revise_proposal("p-shop", title="Shop 2", at=T0, by="ann")

    def test_revising_an_evaluated_proposal_sends_it_back_to_be_evaluated(self):
        register = _register("fit")
        register.propose(_proposal(), at=T0, by="ann")
        register.evaluate_proposal("p-shop", [Finding("fit", True)], at=T0, by="sue")
        revised = register.revise_proposal(
            "p-shop", required_resources="4 FTE", at=T0 + timedelta(days=1), by="ann"
        )
        assert (revised.status, revised.findings) == (ProposalStatus.PROPOSED, ())
        assert revised.history[-1].changes == {"required_resources": "4 FTE"}
        with pytest.raises(ValidationError, match="changes title, .*got 'status'"):
            register.revise_proposal("p-shop", status="approved", at=T0, by="ann")

    def test_a_change_dated_before_the_last_is_refused(self):
        register = _register("fit")
        register.propose(_proposal(), at=T0, by="ann")
        with pytest.raises(ValidationError, match="before its last change"):
            register.evaluate_proposal(
                "p-shop", [Finding("fit", True)], at=T0 - timedelta(seconds=1), by="sue"
            )

    def test_a_proposal_is_registered_once_and_new(self):
        register = _register()
        register.propose(_proposal(), at=T0, by="ann")
        with pytest.raises(DuplicateError, match="'p-shop'"):
            register.propose(_proposal(), at=T0, by="ann")
        with pytest.raises(ValidationError, match="comes evaluated"):
            register.propose(_proposal("p2", status="approved"), at=T0, by="ann")
        with pytest.raises(NotFoundError, match="no proposal 'p9'"):
            register.proposal("p9")


class TestTollGates:
    def _moved(self, register: ProductRegister, evidence: dict[str, list[str]]) -> str:
        portfolio = ServicePortfolio()
        portfolio.add_service(Service("shop", "Shop", phase="in_development"))
        portfolio.move(
            "shop", "in_production", actor="carol", at=T0, gates=register.gatekeeper(evidence)
        )
        return portfolio.service("shop").phase

    def test_a_service_cannot_go_live_with_an_open_gate_and_nothing_changes(self):
        register = _register()
        register.define_gate(_go_live(), at=T0, by="sue")
        portfolio = ServicePortfolio()
        portfolio.add_service(Service("shop", "Shop", phase="in_development"))
        before = portfolio.copy()
        with pytest.raises(
            OpenGateError,
            match="gate 'Go-live': 'An SLA draft exists', 'The design is reviewed' open",
        ) as raised:
            portfolio.move(
                "shop", "in_production", actor="carol", at=T0, gates=register.gatekeeper({})
            )
        assert portfolio == before
        assert isinstance(raised.value, InvalidTransitionError)
        (result,) = raised.value.results
        assert [r.reason for r in result.open] == [
            "no evidence of 'sla' was given",
            "not confirmed",
        ]

    def test_evidence_meets_a_criterion_a_person_confirms_the_other(self):
        register = _register()
        register.define_gate(_go_live(), at=T0, by="sue")
        register.confirm("shop", "go-live", "design", at=T0, by="carol", note="review 12 May")
        assert self._moved(register, {"sla": ["shop"]}) == "in_production"
        with pytest.raises(ValidationError, match="checked against the evidence 'sla'"):
            register.confirm("shop", "go-live", "sla", at=T0, by="carol")

    def test_evidence_for_another_service_does_not_count(self):
        register = _register()
        register.define_gate(
            _go_live(GateCriterion("sla", "An SLA exists", evidence="sla")), at=T0, by="sue"
        )
        (result,) = register.check("shop", *LIVE, {"sla": ["mail"]})
        assert [r.reason for r in result.open] == ["no sla for 'shop'"]

    def test_a_waiver_lets_the_service_pass_and_says_who_when_why(self):
        register = _register()
        register.define_gate(_go_live(), at=T0, by="sue")
        register.confirm("shop", "go-live", "design", at=T0, by="carol")
        waiver = register.waive("shop", "go-live", "sla", reason="pilot", at=T0, by="olga")
        assert self._moved(register, {}) == "in_production"
        (result,) = register.check("shop", *LIVE)
        assert [r.state for r in result.results] == [
            CriterionState.WAIVED,
            CriterionState.CONFIRMED,
        ]
        assert result.waived[0].waiver == waiver
        assert (waiver.by, waiver.at, waiver.reason, waiver.criterion) == (
            "olga",
            T0,
            "pilot",
            "sla",
        )
        with pytest.raises(DuplicateError, match="waived for service 'shop' already"):
            register.waive("shop", "go-live", "sla", reason="again", at=T0, by="olga")
        with pytest.raises(ValidationError, match="needs a reason"):
            register.waive("mail", "go-live", "sla", reason=" ", at=T0, by="olga")

    def test_without_gates_a_move_is_as_it_always_was(self):
        assert self._moved(ProductRegister(), {}) == "in_production"
        portfolio = ServicePortfolio()
        portfolio.add_service(Service("shop", "Shop", phase="in_development"))
        assert (
            portfolio.move("shop", "in_production", actor="carol", at=T0).phase == "in_production"
        )

    def test_a_gate_guards_only_its_move_its_phases_and_its_services(self):
        register = _register()
        gate = TollGate(
            "retire", "Retirement", "retired", [GateCriterion("users", "Users moved")],
            from_phases=["in_production"], services=["shop"],
        )  # fmt: skip
        register.define_gate(gate, at=T0, by="sue")
        assert register.gates_for("shop", "in_production", "retired") == [register.gate("retire")]
        assert register.gates_for("shop", "proposed", "retired") == []  # abandoning is free
        assert register.gates_for("mail", "in_production", "retired") == []
        assert register.gates_for("shop", *LIVE) == []

    def test_a_retired_gate_guards_nothing(self):
        register = _register()
        register.define_gate(_go_live(), at=T0, by="sue")
        register.retire_gate("go-live", at=T0, by="sue", note="replaced")
        assert register.check("shop", *LIVE) == ()
        assert [c.action for c in register.gate("go-live").history] == ["defined", "retired"]
        with pytest.raises(ValidationError, match="retired"):
            register.waive("shop", "go-live", "sla", reason="x", at=T0, by="olga")

    def test_a_gate_names_phases_of_the_lifecycle_and_criteria_it_has(self):
        register = _register()
        with pytest.raises(ValidationError, match="phase 'live' is not a phase"):
            register.define_gate(
                TollGate("g", "G", "live", [GateCriterion("a", "A")]), at=T0, by="sue"
            )
        with pytest.raises(ValidationError, match="at least one criterion"):
            TollGate("g", "G", "in_production", [])
        with pytest.raises(ValidationError, match="criterion 'a' twice"):
            TollGate("g", "G", "in_production", [GateCriterion("a", "A"), GateCriterion("a", "B")])
        register.define_gate(_go_live(), at=T0, by="sue")
        with pytest.raises(
            ValidationError, match="no criterion 'x'; expected one of 'sla', 'design'"
        ):
            register.confirm("shop", "go-live", "x", at=T0, by="carol")

    def test_the_register_evidences_strategies_and_approved_proposals_itself(self):
        register = _register("fit")
        register.define_gate(
            _go_live(
                GateCriterion("approved", "The proposal is approved", evidence="proposal_approved"),
                GateCriterion("strategy", "A strategy exists", evidence="strategy"),
            ),
            at=T0,
            by="sue",
        )
        assert [r.state for r in register.check("shop", *LIVE)[0].results] == [
            CriterionState.OPEN
        ] * 2
        register.propose(_proposal(), at=T0, by="ann")
        register.evaluate_proposal("p-shop", [Finding("fit", True)], at=T0, by="sue")
        register.decide_proposal("p-shop", approved=True, at=T0, by="sue")
        register.set_strategy(_strategy(), at=T0, by="carol")
        assert register.check("shop", *LIVE)[0].passed

    @given(gate_situations())
    def test_a_service_passes_exactly_when_every_criterion_is_met_confirmed_or_waived(
        self, situation: GateSituation
    ):
        criteria = [
            GateCriterion(f"c{i}", f"criterion {i}", evidence="" if manual else f"fact{i}")
            for i, manual in enumerate(situation.manual)
        ]
        register = ProductRegister()
        register.define_gate(_go_live(*criteria), at=T0, by="sue")
        for i in situation.confirmed:
            register.confirm("shop", "go-live", f"c{i}", at=T0, by="carol")
        for i in situation.waived:
            register.waive("shop", "go-live", f"c{i}", reason="known", at=T0, by="olga")
        evidence = Evidence({f"fact{i}": ["shop"] for i in situation.evidenced})
        (result,) = register.check("shop", *LIVE, evidence)
        everything = frozenset(range(len(criteria)))
        assert {int(r.criterion.id[1:]) for r in result.open} == everything - situation.satisfied
        portfolio = ServicePortfolio()
        portfolio.add_service(Service("shop", "Shop", phase="in_development"))
        keeper = register.gatekeeper(evidence)
        if situation.satisfied == everything:
            assert (
                portfolio.move("shop", "in_production", actor="c", at=T0, gates=keeper).phase
                == "in_production"
            )
        else:
            with pytest.raises(OpenGateError):
                portfolio.move("shop", "in_production", actor="c", at=T0, gates=keeper)
            assert portfolio.service("shop").phase == "in_development"


def _strategy(**changes: object) -> ServiceStrategy:
    fields: dict[str, object] = {
        "why": "Sell online",
        "objectives": ["Grow online revenue by 10 %"],
        "available_from": date(2026, 6, 1),
        "currency": "EUR",
        "outcomes": [
            Outcome("recovery", "Costs are recovered", "cost_recovery_at_least", 95),
            Outcome("tco", "The shop stays affordable", "tco_at_most", "15000.00"),
            Outcome("levels", "Service levels are kept", "targets_met_at_least", "75"),
            Outcome("loved", "Customers like it", "judged"),
        ],
    }
    return ServiceStrategy("shop", **(fields | changes))  # type: ignore[arg-type]


class TestStrategies:
    def test_a_strategy_says_why_which_objectives_and_when_and_is_kept_with_history(self):
        register = ProductRegister()
        register.set_strategy(_strategy(), at=T0, by="carol")
        updated = register.set_strategy(
            _strategy(available_from=date(2026, 9, 1)), at=T0 + timedelta(days=1), by="carol"
        )
        reviewed = register.review_strategy("shop", at=T0 + timedelta(days=90), by="carol")
        assert updated.available_from == date(2026, 9, 1)
        assert [c.action for c in reviewed.history] == ["set", "updated", "reviewed"]
        assert register.strategy("shop") == reviewed

    def test_the_portfolio_has_its_own_strategy(self):
        register = ProductRegister()
        register.set_strategy(
            ServiceStrategy(None, why="Run IT as a business", objectives=["Cost transparency"]),
            at=T0,
            by="sue",
        )
        register.set_strategy(_strategy(), at=T0, by="carol")
        assert [s.subject_id for s in register.strategies] == ["portfolio", "shop"]
        with pytest.raises(NotFoundError, match="service 'mail' has no strategy"):
            register.strategy("mail")

    def test_a_strategy_needs_an_objective_and_a_currency_for_money(self):
        with pytest.raises(ValidationError, match="names no business objective"):
            _strategy(objectives=[])
        with pytest.raises(ValidationError, match="TCO outcome .*'tco'.* but no currency"):
            _strategy(currency="")
        with pytest.raises(ValidationError, match="exact, not a float"):
            Outcome("x", "X", "tco_at_most", 10.5)
        with pytest.raises(ValidationError, match="needs a target"):
            Outcome("x", "X", "tco_at_most")
        with pytest.raises(ValidationError, match="must be a date"):
            _strategy(available_from=T0)

    def test_setting_and_reviewing_a_strategy_advance_its_review_schedule(self):
        register, schedules = ProductRegister(), ReviewSchedules()
        schedules.plan(("service_strategy", "shop"), timedelta(days=365), at=T0, by="sue")
        register.set_strategy(_strategy(), at=T0, by="carol", schedules=schedules)
        later = T0 + timedelta(days=300)
        register.review_strategy("shop", at=later, by="carol", schedules=schedules)
        schedule = schedules.schedule(("service_strategy", "shop"))
        assert [(r.outcome.value, r.by) for r in schedule.reviews] == [
            ("updated", "carol"),
            ("passed", "carol"),
        ]
        assert schedule.next_due == later + timedelta(days=365)

    def test_without_a_schedule_to_advance_nothing_changes(self):
        register, schedules = ProductRegister(), ReviewSchedules()
        with pytest.raises(NotFoundError, match="service_strategy:shop"):
            register.set_strategy(_strategy(), at=T0, by="carol", schedules=schedules)
        assert register.strategies == []

    def test_the_review_subject_kinds_name_their_requirements(self):
        assert SubjectKind.SERVICE_STRATEGY.requirements == ("PR1.1",)
        assert SubjectKind.SERVICE_PERFORMANCE.requirements == ("PR2.3", "PR14.1")


class TestPerformanceReviews:
    def test_known_answer_financials_and_service_levels_beside_the_outcomes(self):
        # TCO 12,000.00 EUR, charged 10,500.00: recovery 10500/12000 = 87.5 % < 95 % (missed);
        # TCO 12,000.00 <= 15,000.00 (achieved); 3 of 4 measured targets met = 75 % >= 75 %
        # (achieved; the unmeasured fifth does not count); "loved" judged True (achieved).
        register = ProductRegister()
        register.set_strategy(_strategy(), at=T0, by="carol")
        levels = [
            ServiceLevelResult("sla-shop", "availability", True, "99.95 percent", "99.9"),
            ServiceLevelResult("sla-shop", "response_time P1", True),
            ServiceLevelResult("sla-shop", "response_time P2", False),
            ServiceLevelResult("sla-shop", "resolution_time P1", True),
            ServiceLevelResult("sla-shop", "capacity", None),
        ]
        review = register.review_performance(
            "PR-Q1", "shop",
            start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2026, 4, 1, tzinfo=UTC),
            financials=Financials("EUR", "12000.00", "10500.00"),
            service_levels=levels, judgements={"loved": True},
            opportunities=["Publish prices in the catalogue"],
            at=T0, by="carol",
        )  # fmt: skip
        assert [(r.outcome.id, r.actual, r.achieved) for r in review.outcomes] == [
            ("recovery", Fraction(175, 2), False),
            ("tco", Decimal("12000.00"), True),
            ("levels", Fraction(75), True),
            ("loved", True, True),
        ]
        assert review.outcomes[0].note == "cost recovery 87.5 % against at least 95 %"
        assert review.outcomes[2].note == (
            "3 of 4 service level targets met (75 %) against at least 75 %"
        )
        assert [(o.id, o.outcome) for o in review.opportunities] == [
            ("PR-Q1-recovery", "recovery"),
            ("PR-Q1-1", ""),
        ]
        assert register.reviews_of("shop") == [review]

    def test_an_outcome_without_its_figure_is_not_judged(self):
        results = assess_outcomes(_strategy())
        assert [(r.achieved, r.note) for r in results] == [
            (None, "no financials were given"),
            (None, "no financials were given"),
            (None, "no service level target was measured"),
            (None, "not judged"),
        ]
        (recovery, *_) = assess_outcomes(_strategy(), financials=Financials("EUR", 0, 0))
        assert recovery.note == "the TCO is 0: no cost to recover"

    def test_money_in_another_currency_is_refused(self):
        with pytest.raises(ValidationError, match="financials are in 'USD'.*in 'EUR'"):
            assess_outcomes(_strategy(), financials=Financials("USD", 1, 1))

    def test_a_judgement_names_a_judged_outcome(self):
        with pytest.raises(
            ValidationError, match="no judged outcome of that id; expected one of 'loved'"
        ):
            assess_outcomes(_strategy(), judgements={"tco": True})

    def test_a_review_needs_a_strategy_and_a_fresh_id(self):
        register = ProductRegister()
        kwargs = {"start": T0, "end": T0 + timedelta(days=1), "at": T0, "by": "carol"}
        with pytest.raises(NotFoundError, match="no strategy"):
            register.review_performance("R1", "shop", **kwargs)  # type: ignore[arg-type]
        register.set_strategy(_strategy(), at=T0, by="carol")
        register.review_performance("R1", "shop", **kwargs)  # type: ignore[arg-type]
        with pytest.raises(DuplicateError, match="'R1'"):
            register.review_performance("R1", "shop", **kwargs)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="opportunity 'R1b-1' twice"):
            register.review_performance(
                "R1b",
                "shop",
                opportunities=["a", ImprovementOpportunity("R1b-1", "b")],
                **kwargs,  # type: ignore[arg-type]
            )
        with pytest.raises(ValidationError, match="must end after it starts"):
            register.review_performance("R2", "shop", start=T0, end=T0, at=T0, by="carol")
        assert [r.id for r in register.reviews_of("shop")] == ["R1"]

    def test_a_review_on_its_schedule_records_the_opportunities_as_follow_ups(self):
        register, schedules = ProductRegister(), ReviewSchedules()
        register.set_strategy(_strategy(), at=T0, by="carol")
        schedules.plan(("service_performance", "shop"), timedelta(days=91), at=T0, by="sue")
        register.review_performance(
            "R1", "shop", start=T0 - timedelta(days=90), end=T0,
            financials=Financials("EUR", "100", "50"), at=T0, by="carol", schedules=schedules,
        )  # fmt: skip
        last = schedules.schedule(("service_performance", "shop")).last
        assert (last.outcome.value, last.follow_ups) == ("findings", ("R1-recovery",))

    @given(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2),
        st.decimals(min_value=0, max_value=Decimal("1e9"), places=2),
    )
    def test_cost_recovery_is_exact(self, tco: Decimal, charged: Decimal):
        recovery = Financials("EUR", tco, charged).cost_recovery
        assert recovery is not None
        assert recovery * Fraction(tco) / 100 == Fraction(charged)

    def test_percent_shows_exact_figures_exactly(self):
        assert percent(Fraction(175, 2)) == "87.5 %"
        assert percent(Fraction(2, 3)) == "0.6667 %"
        assert percent(Decimal("95")) == "95 %"

    def test_service_level_results_come_from_a_real_evaluation(self):
        from fitsm import Agreement, Outage, ServiceTarget, evaluate
        from fitsm.service_levels import Agreements
        from fitsm.units import Q_

        agreements = Agreements()
        agreements.add(
            Agreement(
                "sla-shop", "SLA", "retail", ["shop"],
                [ServiceTarget("availability", Q_(99, "percent"))],
            )
        )  # fmt: skip
        start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 11, tzinfo=UTC)
        # 10 days = 240 h; 12 h down: 228 / 240 = 95 % < 99 %
        outage = Outage(
            "shop", datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 2, 12, tzinfo=UTC)
        )
        evaluation = evaluate(agreements, start, end, outages=[outage])
        (result,) = ServiceLevelResult.of(evaluation, "shop")
        assert (result.agreement, result.met) == ("sla-shop", False)
        assert ServiceLevelResult.of(evaluation, "mail") == ()


class TestTheAggregate:
    def test_writers_of_different_items_merge_and_of_the_same_item_conflict(self):
        base = _register("fit")
        base.propose(_proposal(), at=T0, by="ann")
        base.propose(_proposal("p-chat", "chat"), at=T0, by="ann")
        ours, theirs = base.copy(), base.copy()
        ours.evaluate_proposal("p-shop", [Finding("fit", True)], at=T0, by="sue")
        theirs.define_gate(_go_live(), at=T0, by="sue")
        theirs.set_strategy(_strategy(), at=T0, by="carol")
        ours.rebase(theirs, base)
        assert ours.proposal("p-shop").status is ProposalStatus.EVALUATED
        assert [g.id for g in ours.gates] == ["go-live"]
        assert ours.strategy("shop") == theirs.strategy("shop")
        clash = base.copy()
        clash.evaluate_proposal("p-shop", [Finding("fit", False)], at=T0, by="tom")
        clash.define_gate(_go_live(), at=T0, by="tom")
        before = clash.copy()
        with pytest.raises(ConflictError, match="proposal 'p-shop'"):
            clash.rebase(ours, base)
        assert clash == before

    def test_a_copy_is_independent_and_equal(self):
        register = _register("fit")
        copied = register.copy()
        assert copied == register
        copied.propose(_proposal(), at=T0, by="ann")
        assert copied != register
        assert "p-shop" not in [p.id for p in register.proposals()]


class TestItspmRoles:
    def test_the_itspm_roles_map_onto_fitsm_3_roles(self):
        assert ITSPM_ROLES["service_portfolio_manager"].role is Role.PROCESS_MANAGER
        assert ITSPM_ROLES["service_portfolio_manager"].process is Process.SPM
        assert ITSPM_ROLES["service_product_manager"].role is Role.SERVICE_OWNER

    def test_the_check_names_the_missing_itspm_roles(self):
        roles = RoleModel()
        for person in ("olga", "carol", "dan"):
            roles.add_person(Person(person, person.title()))
        roles.assign("olga", Role.SMS_OWNER)
        roles.assign("carol", Role.SERVICE_OWNER, "shop")
        roles.assign("dan", Role.SERVICE_OWNER, "shop")
        found = {f.context: f.message for f in check_product_roles(roles, ["shop", "mail"])}
        assert found == {
            "SPM": "process SPM (PR1) has no process manager: no service portfolio manager (ITSPM)",
            "mail": "service 'mail' has no service owner: no service product manager (ITSPM)",
            "shop": "service 'shop' has 2 service owners, 'carol', 'dan'; FitSM-3 expects 1 per "
            "service: several service product managers (ITSPM)",
        }
        roles.assign("olga", Role.PROCESS_MANAGER, Process.SPM)
        roles.revoke("dan", Role.SERVICE_OWNER, "shop")
        roles.assign("dan", Role.SERVICE_OWNER, "mail")
        assert check_product_roles(roles, ["shop", "mail"]) == []
