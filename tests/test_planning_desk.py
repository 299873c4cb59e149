"""Register operations as a person: who may run what, recorded as made by them, on every store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fitsm import open_store
from fitsm.clock import FixedClock
from fitsm.errors import (
    AuthorizationError,
    ConflictError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)
from fitsm.finance import ByAttribute, Cost, FixedCharge, Money, RoadmapEntry
from fitsm.planning import PlanningDesk
from fitsm.reviews import ReviewSubject
from fitsm.risks import Risk, RiskRegister, assessment_subject
from fitsm.roles import Person, Process, Role, RoleModel

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _roles() -> RoleModel:
    roles = RoleModel()
    for pid in ("owner", "smsm", "sacm", "isrm", "ism", "staff", "cm", "nobody"):
        roles.add_person(Person(pid, pid.title()))
    roles.assign("owner", Role.SMS_OWNER)
    roles.assign("smsm", Role.SMS_MANAGER)
    roles.assign("sacm", Role.PROCESS_MANAGER, Process.SACM)
    roles.assign("isrm", Role.INFORMATION_SECURITY_RISK_MANAGER)
    roles.assign("ism", Role.PROCESS_MANAGER, Process.ISM)
    roles.assign("staff", Role.PROCESS_STAFF, Process.CONFM)
    roles.assign("cm", Role.PROCESS_MANAGER, Process.CONFM)
    return roles


@pytest.fixture(params=["memory", "sqlite"])
def desk(request, tmp_path) -> PlanningDesk:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'p.db'}"
    store = open_store(url)
    with store.unit_of_work() as uow:
        uow.roles.add(_roles())
        uow.commit()
    return PlanningDesk(store, clock=FixedClock(T0 + timedelta(days=30)))


def _risk(area: str = "availability", id: str = "r-db") -> Risk:
    return Risk(id, "The database has no replica", area, ["db-1"], "likely", "major")


def _stored_risks(desk: PlanningDesk) -> list[str]:
    try:
        return sorted(r.id for r in desk.get("risks"))
    except NotFoundError:
        return []


class TestRisks:
    def test_the_sacm_manager_adds_an_availability_risk_recorded_as_made_by_them(self, desk):
        added = desk.act("risks", "add", risk=_risk(), actor="sacm", at=T0)
        assert (added.history[0].by, added.history[0].at) == ("sacm", T0)
        assert _stored_risks(desk) == ["r-db"]

    def test_someone_without_the_role_is_refused_and_nothing_is_stored(self, desk):
        with pytest.raises(AuthorizationError, match="'staff' may not add.*SACM"):
            desk.act("risks", "add", risk=_risk(), actor="staff", at=T0)
        assert _stored_risks(desk) == []

    def test_an_unknown_person_is_refused(self, desk):
        with pytest.raises(AuthorizationError, match="'mallory' is not a known person"):
            desk.act("risks", "add", risk=_risk(), actor="mallory", at=T0)

    def test_information_security_risks_are_the_risk_managers_not_sacms(self, desk):
        with pytest.raises(AuthorizationError, match="information security risks"):
            desk.act("risks", "add", risk=_risk("information_security"), actor="sacm", at=T0)
        desk.act("risks", "add", risk=_risk("information_security"), actor="isrm", at=T0)
        desk.act("risks", "close", risk_id="r-db", actor="ism", at=T0)
        assert desk.get("risks").risk("r-db").closed

    def test_the_sms_manager_may_act_on_any_risk(self, desk):
        desk.act("risks", "add", risk=_risk("information_security"), actor="smsm", at=T0)
        desk.act("risks", "add", risk=_risk("continuity", "r-dc"), actor="smsm", at=T0)
        assert _stored_risks(desk) == ["r-db", "r-dc"]

    def test_the_rule_follows_the_stored_risks_area_not_the_callers_claim(self, desk):
        desk.act("risks", "add", risk=_risk("information_security"), actor="isrm", at=T0)
        with pytest.raises(AuthorizationError, match="information security"):
            desk.act(
                "risks", "assess", risk_id="r-db", likelihood="rare", impact="minor",
                actor="sacm", at=T0,
            )  # fmt: skip

    def test_seeding_needs_the_role_for_every_candidates_area(self, desk):
        candidates = [_risk(), _risk("information_security", "r-x")]
        with pytest.raises(AuthorizationError):
            desk.act("risks", "seed", candidates=candidates, actor="sacm", at=T0)
        assert _stored_risks(desk) == []
        assert len(desk.act("risks", "seed", candidates=candidates, actor="smsm", at=T0)) == 2

    def test_an_assessment_advances_its_review_schedule_in_the_same_unit_of_work(self, desk):
        desk.act("risks", "add", risk=_risk(), actor="sacm", at=T0)
        subject = assessment_subject("r-db")
        desk.act("reviews", "plan", subject=subject, rule=timedelta(days=90), actor="sacm", at=T0)
        later = T0 + timedelta(days=1)
        desk.act(
            "risks", "assess", risk_id="r-db", likelihood="rare", impact="major",
            schedules="default", actor="sacm", at=later,
        )  # fmt: skip
        schedule = desk.get("reviews").schedule(subject)
        assert (schedule.last.by, schedule.next_due) == ("sacm", later + timedelta(days=90))


class TestReviews:
    def test_management_reviews_are_the_sms_owners(self, desk):
        subject = ReviewSubject("management_review", "sms")
        with pytest.raises(AuthorizationError, match="SMS owner"):
            desk.act("reviews", "plan", subject=subject, rule=timedelta(days=365),
                     actor="smsm", at=T0)  # fmt: skip
        desk.act("reviews", "plan", subject=subject, rule=timedelta(days=365), actor="owner", at=T0)
        desk.act("reviews", "perform", subject=subject, actor="owner", at=T0)
        assert desk.get("reviews").schedule(subject).last.by == "owner"

    def test_process_staff_perform_but_only_the_manager_plans(self, desk):
        subject = ReviewSubject("cmdb_verification", "default")
        with pytest.raises(AuthorizationError, match="manager or owner of CONFM"):
            desk.act("reviews", "plan", subject=subject, rule=timedelta(days=30),
                     actor="staff", at=T0)  # fmt: skip
        desk.act("reviews", "plan", subject=subject, rule=timedelta(days=30), actor="cm", at=T0)
        desk.act("reviews", "perform", subject=subject, actor="staff", at=T0)
        with pytest.raises(AuthorizationError, match="staff, manager or owner of CONFM"):
            desk.act("reviews", "perform", subject=subject, actor="sacm", at=T0)

    def test_the_owner_named_on_a_schedule_may_perform_it(self, desk):
        subject = ReviewSubject("cmdb_verification", "default")
        desk.act("reviews", "plan", subject=subject, rule=timedelta(days=30), owner="sacm",
                 actor="cm", at=T0)  # fmt: skip
        desk.act("reviews", "perform", subject=subject, actor="sacm", at=T0)


class TestTheDesk:
    def test_by_is_never_taken_from_the_caller(self, desk):
        with pytest.raises(ValidationError, match="acting person"):
            desk.act("risks", "add", risk=_risk(), by="owner", actor="sacm", at=T0)

    def test_an_operation_dated_after_now_is_refused(self, desk):
        with pytest.raises(ValidationError, match="later than now"):
            desk.act("risks", "add", risk=_risk(), actor="sacm", at=T0 + timedelta(days=60))

    def test_unknown_registers_and_operations_name_what_exists(self, desk):
        with pytest.raises(ValidationError, match="no register 'risk'; expected one of 'risks'"):
            desk.act("risk", "add", actor="sacm")
        with pytest.raises(ValidationError, match="no operation 'delete'.*'add'"):
            desk.act("risks", "delete", actor="sacm")
        assert "perform" in PlanningDesk.registers()["reviews"]

    def test_authorize_false_skips_the_role_checks(self, desk):
        desk.authorize = False
        desk.act("risks", "add", risk=_risk(), actor="anyone", at=T0)
        assert _stored_risks(desk) == ["r-db"]

    def test_a_role_revoked_while_an_operation_runs_stops_its_commit(self, desk, monkeypatch):
        original = RiskRegister.add

        def add_while_the_role_is_revoked(self, *args, **kwargs):
            with desk.store.unit_of_work() as other:
                roles = other.roles.get()
                roles.revoke("sacm", Role.PROCESS_MANAGER, Process.SACM)
                other.commit()
            return original(self, *args, **kwargs)

        monkeypatch.setattr(RiskRegister, "add", add_while_the_role_is_revoked)
        with pytest.raises(ConflictError):
            desk.act("risks", "add", risk=_risk(), actor="sacm", at=T0)
        assert _stored_risks(desk) == []


# -- the finance register (003; PR1) ------------------------------------------------------


@pytest.fixture(params=["memory", "sqlite"])
def finance_desk(request, tmp_path) -> PlanningDesk:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'f.db'}"
    store = open_store(url)
    roles = _roles()
    for pid in ("spm", "carol", "dave"):
        roles.add_person(Person(pid, pid.title()))
    roles.assign("spm", Role.PROCESS_MANAGER, Process.SPM)
    roles.assign("carol", Role.SERVICE_OWNER, "shop")
    roles.assign("dave", Role.SERVICE_OWNER, "mail")
    with store.unit_of_work() as uow:
        uow.roles.add(roles)
        uow.commit()
    return PlanningDesk(store, clock=FixedClock(T0 + timedelta(days=30)))


def _shop_cost(item: str = "shop") -> Cost:
    return Cost("c-shop", item, Money("250", "EUR"), "monthly", T0)


def _stored_costs(desk: PlanningDesk) -> list[str]:
    try:
        return [c.id for c in desk.get("finance").costs()]
    except NotFoundError:
        return []


class TestFinanceRules:
    """The SPM process manager/owner and the SMS manager maintain everything; a service owner
    the costs, price and roadmap of their own service; nobody else anything."""

    @pytest.mark.parametrize(
        ("operation", "arguments"),
        [
            ("add_cost", {"cost": _shop_cost()}),
            ("set_price", {"service": "shop", "model": FixedCharge(Money("9", "EUR"))}),
            ("plan", {"entry": RoadmapEntry("v3", "shop", "version", T0, "3.0")}),
            ("choose_key", {"item": "hv1", "key": ByAttribute("vcpus")}),
        ],
    )
    def test_a_person_without_the_role_is_refused_and_nothing_is_stored(
        self, finance_desk: PlanningDesk, operation: str, arguments: dict[str, object]
    ) -> None:
        for actor in ("sacm", "dave", "nobody"):
            with pytest.raises(AuthorizationError, match=f"{actor!r} may not {operation}"):
                finance_desk.act("finance", operation, actor=actor, at=T0, **arguments)
        with pytest.raises(NotFoundError):  # not even the empty register was stored
            finance_desk.get("finance")

    def test_the_service_owner_maintains_their_service_only(
        self, finance_desk: PlanningDesk
    ) -> None:
        added = finance_desk.act("finance", "add_cost", cost=_shop_cost(), actor="carol", at=T0)
        assert added.history[0].by == "carol"
        finance_desk.act(
            "finance", "revise_cost", cost_id="c-shop", amount=Money("260", "EUR"),
            actor="carol", at=T0,
        )  # fmt: skip
        finance_desk.act(
            "finance", "set_price", service="shop", model=FixedCharge(Money("9", "EUR")),
            actor="carol", at=T0,
        )  # fmt: skip
        entry = RoadmapEntry("v3", "shop", "version", T0, "3.0")
        finance_desk.act("finance", "plan", entry=entry, actor="carol", at=T0)
        finance_desk.act("finance", "cancel_entry", entry_id="v3", actor="carol", at=T0)
        with pytest.raises(AuthorizationError, match="service owner role for 'db1'"):
            finance_desk.act("finance", "add_cost", cost=_shop_cost("db1"), actor="carol", at=T0)
        with pytest.raises(AuthorizationError, match="'dave' may not revise_cost"):
            finance_desk.act(
                "finance", "revise_cost", cost_id="c-shop", amount=Money("1", "EUR"),
                actor="dave", at=T0,
            )  # fmt: skip
        with pytest.raises(AuthorizationError, match="choose_key"):
            finance_desk.act(
                "finance", "choose_key", item="shop", key=ByAttribute("vcpus"), actor="carol",
                at=T0,
            )  # fmt: skip
        register = finance_desk.get("finance")
        assert register.cost("c-shop").amount == Money("260", "EUR")
        assert register.price("shop").history[0].by == "carol"

    def test_the_portfolio_manager_and_the_sms_manager_may_do_all(
        self, finance_desk: PlanningDesk
    ) -> None:
        finance_desk.act("finance", "add_cost", cost=_shop_cost("db1"), actor="spm", at=T0)
        finance_desk.act(
            "finance", "choose_key", item="hv1", key=ByAttribute("vcpus"), actor="smsm", at=T0
        )
        finance_desk.act(
            "finance", "revise_cost", cost_id="c-shop", description="VM lease", actor="smsm",
            at=T0,
        )  # fmt: skip
        register = finance_desk.get("finance")
        assert [c.by for c in register.cost("c-shop").history] == ["spm", "smsm"]
        assert register.keys() == {"hv1": ByAttribute("vcpus")}
        assert _stored_costs(finance_desk) == ["c-shop"]


def _product_roles() -> RoleModel:
    roles = _roles()
    for pid in ("spm", "spmo", "spms", "carol"):
        roles.add_person(Person(pid, pid.title()))
    roles.assign("spm", Role.PROCESS_MANAGER, Process.SPM)
    roles.assign("spmo", Role.PROCESS_OWNER, Process.SPM)
    roles.assign("spms", Role.PROCESS_STAFF, Process.SPM)
    roles.assign("carol", Role.SERVICE_OWNER, "shop")
    return roles


@pytest.fixture(params=["memory", "sqlite"])
def products_desk(request, tmp_path) -> PlanningDesk:
    from fitsm.portfolio import Service, ServicePortfolio

    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'p.db'}"
    store = open_store(url)
    with store.unit_of_work() as uow:
        uow.roles.add(_product_roles())
        portfolio = ServicePortfolio()
        portfolio.add_service(Service("shop", "Shop", owner="carol", phase="in_development"))
        portfolio.add_service(Service("mail", "Mail", phase="in_development"))
        uow.portfolios.add(portfolio)
        uow.commit()
    return PlanningDesk(store, clock=FixedClock(T0 + timedelta(days=30)))


def _gate():
    from fitsm.portfolio import GateCriterion, TollGate

    return TollGate(
        "go-live",
        "Go-live",
        "in_production",
        [
            GateCriterion("sla", "An SLA draft exists", evidence="sla"),
            GateCriterion("owner", "The service has an owner", evidence="service_owner"),
            GateCriterion("design", "The design is reviewed"),
        ],
    )


def _stored_register(desk: PlanningDesk):
    try:
        return desk.get("products")
    except NotFoundError:
        return None


class TestProducts:
    """Each operation of the product register refuses a person without the role (nothing
    stored) and lets one with it act."""

    def _proposal(self):
        from fitsm.portfolio import Proposal

        return Proposal(
            "p-shop", "Web shop", "shop", "change", predicted_demand="more orders",
            required_resources="1 FTE", expected_benefits="sales",
        )  # fmt: skip

    def _criterion(self):
        from fitsm.portfolio import AssessmentCriterion

        return AssessmentCriterion("fit", "Fits the strategy")

    def test_spm_staff_or_the_service_owner_propose_others_may_not(self, products_desk):
        with pytest.raises(AuthorizationError, match="'cm' may not propose"):
            products_desk.act("products", "propose", proposal=self._proposal(), actor="cm", at=T0)
        assert _stored_register(products_desk) is None  # not even the register
        products_desk.act("products", "propose", proposal=self._proposal(), actor="carol", at=T0)
        assert products_desk.get("products").proposal("p-shop").history[0].by == "carol"

    def test_a_proposals_risks_must_be_in_the_risk_register(self, products_desk):
        import attrs

        desk = products_desk
        risky = attrs.evolve(self._proposal(), risks=["r-db"])
        with pytest.raises(NotFoundError, match="no risk register is stored"):
            desk.act("products", "propose", proposal=risky, actor="carol", at=T0)
        desk.act("risks", "add", risk=_risk(id="r-web"), actor="sacm", at=T0)
        with pytest.raises(NotFoundError, match="risk 'r-db', which is not in risk register"):
            desk.act("products", "propose", proposal=risky, actor="carol", at=T0)
        assert _stored_register(desk) is None
        desk.act("risks", "add", risk=_risk(), actor="sacm", at=T0)
        desk.act("products", "propose", proposal=risky, actor="carol", at=T0)
        assert desk.get("products").proposal("p-shop").risks == ("r-db",)

    def test_only_spm_managers_write_criteria_evaluate_and_decide(self, products_desk):
        from fitsm.portfolio import Finding

        desk = products_desk
        with pytest.raises(AuthorizationError, match="SPM"):
            desk.act("products", "define_assessment_criterion", criterion=self._criterion(),
                     actor="spms", at=T0)  # fmt: skip
        assert _stored_register(desk) is None
        desk.act("products", "define_assessment_criterion", criterion=self._criterion(),
                 actor="spm", at=T0)  # fmt: skip
        desk.act("products", "propose", proposal=self._proposal(), actor="spms", at=T0)
        findings = [Finding("fit", True)]
        for actor in ("spms", "carol"):
            with pytest.raises(AuthorizationError):
                desk.act("products", "evaluate_proposal", proposal_id="p-shop",
                         findings=findings, actor=actor, at=T0)  # fmt: skip
        assert desk.get("products").proposal("p-shop").findings == ()
        desk.act("products", "evaluate_proposal", proposal_id="p-shop", findings=findings,
                 actor="spm", at=T0)  # fmt: skip
        with pytest.raises(AuthorizationError):
            desk.act("products", "decide_proposal", proposal_id="p-shop", approved=True,
                     actor="carol", at=T0)  # fmt: skip
        decided = desk.act("products", "decide_proposal", proposal_id="p-shop", approved=True,
                           actor="smsm", at=T0)  # fmt: skip
        assert decided.decision.by == "smsm"

    def test_gates_are_defined_by_spm_managers_and_waived_only_by_the_owners(self, products_desk):
        desk = products_desk
        with pytest.raises(AuthorizationError, match="'carol' may not define_gate"):
            desk.act("products", "define_gate", gate=_gate(), actor="carol", at=T0)
        assert _stored_register(desk) is None
        desk.act("products", "define_gate", gate=_gate(), actor="spm", at=T0)
        for actor in ("spm", "smsm", "carol"):
            with pytest.raises(
                AuthorizationError, match="process owner role for SPM or needs the sms owner"
            ):
                desk.act("products", "waive", service_id="shop", gate_id="go-live",
                         criterion_id="sla", reason="pilot", actor=actor, at=T0)  # fmt: skip
        assert desk.get("products").waivers() == []
        for actor, service in (("spmo", "shop"), ("owner", "mail")):
            desk.act("products", "waive", service_id=service, gate_id="go-live",
                     criterion_id="sla", reason="pilot", actor=actor, at=T0)  # fmt: skip
        assert [(w.service, w.by) for w in desk.get("products").waivers()] == [
            ("mail", "owner"), ("shop", "spmo"),
        ]  # fmt: skip
        with pytest.raises(AuthorizationError):
            desk.act("products", "retire_gate", gate_id="go-live", actor="spms", at=T0)
        desk.act("products", "retire_gate", gate_id="go-live", actor="spmo", at=T0)

    def test_the_service_owner_confirms_their_services_criteria_only(self, products_desk):
        desk = products_desk
        desk.act("products", "define_gate", gate=_gate(), actor="spm", at=T0)
        with pytest.raises(AuthorizationError, match="service owner role for 'mail'"):
            desk.act("products", "confirm", service_id="mail", gate_id="go-live",
                     criterion_id="design", actor="carol", at=T0)  # fmt: skip
        desk.act("products", "confirm", service_id="shop", gate_id="go-live",
                 criterion_id="design", actor="carol", at=T0)  # fmt: skip
        assert [c.by for c in desk.get("products").confirmations()] == ["carol"]

    def test_the_service_owner_keeps_the_services_strategy_spm_the_portfolios(self, products_desk):
        from fitsm.portfolio import ServiceStrategy

        desk = products_desk
        shop = ServiceStrategy("shop", why="Sell online", objectives=["Revenue"])
        whole = ServiceStrategy(None, why="IT as a business", objectives=["Transparency"])
        with pytest.raises(AuthorizationError, match="service owner role for 'shop'"):
            desk.act("products", "set_strategy", strategy=shop, actor="spm", at=T0)
        with pytest.raises(AuthorizationError, match="the portfolio's strategy"):
            desk.act("products", "set_strategy", strategy=whole, actor="carol", at=T0)
        assert _stored_register(desk) is None
        desk.act("products", "set_strategy", strategy=shop, actor="carol", at=T0)
        desk.act("products", "set_strategy", strategy=whole, actor="spm", at=T0)
        desk.act("products", "review_strategy", service_id="shop", actor="smsm", at=T0)
        with pytest.raises(AuthorizationError):
            desk.act("products", "review_strategy", service_id=None, actor="carol", at=T0)
        assert [s.subject_id for s in desk.get("products").strategies] == ["portfolio", "shop"]

    def test_a_performance_review_registers_its_opportunities_as_csi_improvements(
        self, products_desk
    ):
        from fitsm.portfolio import Financials, Outcome, ServiceStrategy

        desk = products_desk
        strategy = ServiceStrategy(
            "shop", why="Sell online", objectives=["Revenue"],
            outcomes=[Outcome("recovery", "Costs recovered", "cost_recovery_at_least", 95)],
        )  # fmt: skip
        desk.act("products", "set_strategy", strategy=strategy, actor="carol", at=T0)
        subject = ("service_performance", "shop")
        desk.act("reviews", "plan", subject=subject, rule=timedelta(days=91), actor="spm", at=T0)
        arguments = {
            "review_id": "PR-Q1",
            "service_id": "shop",
            "start": T0 - timedelta(days=90),
            "end": T0,
            "financials": Financials("EUR", "12000.00", "10500.00"),
            "opportunities": ["Publish prices"],
            "schedules": "default",
        }
        with pytest.raises(AuthorizationError):
            desk.act("products", "review_performance", **arguments, actor="cm", at=T0)
        review = desk.act("products", "review_performance", **arguments, actor="carol", at=T0)
        with desk.store.unit_of_work() as uow:
            cases = {c.id: c for c in uow.cases.find()}
        assert sorted(cases) == ["PR-Q1-1", "PR-Q1-recovery"]
        improvement = cases["PR-Q1-recovery"]
        assert (improvement.kind, improvement.service, improvement.registered_by) == (
            "improvement", "shop", "carol",
        )  # fmt: skip
        assert improvement.source == (
            "service performance review PR-Q1: cost recovery 87.5 % against at least 95 %"
        )
        assert review.opportunities[0].id == "PR-Q1-recovery"
        assert desk.get("reviews").schedule(subject).last.follow_ups == (
            "PR-Q1-recovery",
            "PR-Q1-1",
        )

    def test_an_improvement_id_taken_refuses_the_whole_review(self, products_desk):
        from fitsm.cases import Improvement
        from fitsm.portfolio import ServiceStrategy

        desk = products_desk
        strategy = ServiceStrategy("shop", why="Sell online", objectives=["Revenue"])
        desk.act("products", "set_strategy", strategy=strategy, actor="carol", at=T0)
        with desk.store.unit_of_work() as uow:
            uow.cases.add(Improvement("PR-Q1-1", "earlier", T0, "ann"))
            uow.commit()
        with pytest.raises(DuplicateError):
            desk.act("products", "review_performance", review_id="PR-Q1", service_id="shop",
                     start=T0 - timedelta(days=1), end=T0, opportunities=["x"],
                     actor="carol", at=T0)  # fmt: skip
        assert desk.get("products").reviews_of("shop") == []


class TestMovingServices:
    def test_a_service_cannot_go_live_through_the_desk_with_an_open_gate(self, products_desk):
        from fitsm.portfolio import OpenGateError

        desk = products_desk
        desk.act("products", "define_gate", gate=_gate(), actor="spm", at=T0)
        with pytest.raises(
            OpenGateError, match="'An SLA draft exists', 'The design is reviewed' open"
        ):
            desk.move_service("shop", "in_production", actor="carol", at=T0)
        with desk.store.unit_of_work() as uow:
            assert uow.portfolios.get().service("shop").phase == "in_development"

    def test_the_store_evidences_the_sla_and_the_owner_a_person_the_design(self, products_desk):
        from fitsm import Agreement, ServiceTarget
        from fitsm.service_levels import Agreements
        from fitsm.units import Q_

        desk = products_desk
        desk.act("products", "define_gate", gate=_gate(), actor="spm", at=T0)
        with desk.store.unit_of_work() as uow:
            agreements = Agreements()
            target = ServiceTarget("availability", Q_(99.5, "percent"))
            agreements.add(Agreement("sla-shop", "SLA", "retail", ["shop"], [target]))
            uow.agreements.add(agreements)
            uow.commit()
        desk.act("products", "confirm", service_id="shop", gate_id="go-live",
                 criterion_id="design", actor="carol", at=T0)  # fmt: skip
        moved = desk.move_service("shop", "in_production", actor="carol", at=T0)
        assert moved.phase == "in_production"
        with desk.store.unit_of_work() as uow:
            assert uow.portfolios.get().phase_history("shop")[-1].actor == "carol"

    def test_a_continuity_plan_in_the_store_evidences_itself(self, products_desk):
        from fitsm.availability import ContinuityRegister, Plan
        from fitsm.portfolio import GateCriterion, OpenGateError, TollGate

        desk = products_desk
        criterion = GateCriterion("cp", "A continuity plan exists", evidence="continuity_plan")
        gate = TollGate("cp-gate", "Continuity", "in_production", [criterion])
        desk.act("products", "define_gate", gate=gate, actor="spm", at=T0)
        with desk.store.unit_of_work() as uow:
            continuity = ContinuityRegister()
            plan = Plan("cp-mail", "continuity", "Mail recovery", ["mail"])
            continuity.add_plan(plan, at=T0, by="sacm")
            uow.continuity.add(continuity)
            uow.commit()
        with pytest.raises(OpenGateError, match="'A continuity plan exists' open"):
            desk.move_service("shop", "in_production", actor="carol", at=T0)
        assert desk.move_service("mail", "in_production", actor="spm", at=T0).phase == (
            "in_production"
        )

    def test_a_waiver_or_evidence_given_lets_a_service_pass(self, products_desk):
        desk = products_desk
        desk.act("products", "define_gate", gate=_gate(), actor="spm", at=T0)
        for criterion in ("sla", "owner", "design"):
            desk.act("products", "waive", service_id="mail", gate_id="go-live",
                     criterion_id=criterion, reason="pilot", actor="spmo", at=T0)  # fmt: skip
        assert (
            desk.move_service("mail", "in_production", actor="spm", at=T0).phase == "in_production"
        )

    def test_only_the_service_owner_or_spm_managers_move_a_service(self, products_desk):
        with pytest.raises(AuthorizationError, match="'spms' may not move"):
            products_desk.move_service("shop", "in_production", actor="spms", at=T0)
        with pytest.raises(AuthorizationError, match="service owner role for 'mail'"):
            products_desk.move_service("mail", "in_production", actor="carol", at=T0)

    def test_without_a_product_register_moves_are_as_they_always_were(self, products_desk):
        assert products_desk.move_service("shop", "in_production", actor="carol", at=T0).phase == (
            "in_production"
        )
        with pytest.raises(NotFoundError):
            products_desk.get("products")

    def test_evidence_sources_of_the_caller_join_the_desks(self, products_desk):
        desk = products_desk
        desk.evidence_sources = {**desk.evidence_sources, "design": lambda uow: ["shop"]}
        from fitsm.portfolio import GateCriterion, TollGate

        criterion = GateCriterion("design", "Design reviewed", evidence="design")
        gate = TollGate("g", "Design gate", "in_production", [criterion])
        desk.act("products", "define_gate", gate=gate, actor="spm", at=T0)
        assert desk.move_service("shop", "in_production", actor="carol", at=T0).phase == (
            "in_production"
        )
