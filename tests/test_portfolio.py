"""The service portfolio (PR1), suppliers (PR1.4) and the catalogue (PR2.1)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fitsm import (
    InvalidTransitionError,
    NotFoundError,
    Service,
    ServiceComponent,
    ServicePortfolio,
    Supplier,
    ValidationError,
)
from fitsm.errors import DuplicateError, NaiveDatetimeError
from fitsm.portfolio import DEFAULT_LIFECYCLE, LifecyclePhase, ServiceLifecycle, SupplierInvolvement
from fitsm.suppliers import SupplierKind
from tests.conftest import AT


@pytest.fixture
def portfolio(at) -> ServicePortfolio:
    p = ServicePortfolio("provider")
    p.add_supplier(Supplier("dc", "Data centre", SupplierKind.INTERNAL, "dc@example.org"))
    p.add_supplier(Supplier("telco", "Telco", "external", "noc@telco.example"))
    p.add_service(
        Service(
            "mail",
            "E-mail",
            "Mailboxes",
            "Reliable mail",
            ["staff"],
            "dave",
            "in_production",
            [SupplierInvolvement("dc", "hosting"), "telco"],
        )
    )
    p.add_service(
        Service("shop", "Web shop", target_customers=["consumers"], phase="in_production")
    )
    p.add_service(Service("chat", "Chat"))
    p.add_component(ServiceComponent("mta", "Mail transport", suppliers=["dc"]))
    return p


class TestLifecycle:
    def test_a_new_service_starts_proposed(self) -> None:
        assert Service("x", "X").phase == LifecyclePhase.PROPOSED

    def test_the_default_path_reaches_retirement(self, portfolio) -> None:
        for phase in ("planned", "in_development", "in_production", "retired"):
            assert portfolio.move("chat", phase, actor="carol", at=AT).phase == phase
        moves = [(c.from_phase, c.to_phase) for c in portfolio.phase_history("chat")]
        assert moves == [
            ("proposed", "planned"),
            ("planned", "in_development"),
            ("in_development", "in_production"),
            ("in_production", "retired"),
        ]

    def test_a_skipped_phase_is_refused_naming_the_allowed_ones(self, portfolio) -> None:
        with pytest.raises(
            InvalidTransitionError,
            match="'chat' cannot move from 'proposed' to 'in_production'; "
            "allowed from 'proposed': 'planned', 'retired'",
        ):
            portfolio.move("chat", "in_production", actor="carol", at=AT)
        assert portfolio.service("chat").phase == "proposed"

    def test_retired_is_final(self, portfolio) -> None:
        portfolio.move("chat", "retired", actor="carol", at=AT)
        with pytest.raises(InvalidTransitionError, match="allowed from 'retired': none"):
            portfolio.move("chat", "planned", actor="carol", at=AT)

    def test_an_unknown_phase_is_refused(self, portfolio) -> None:
        with pytest.raises(ValidationError, match="phase 'beta' is not a phase"):
            portfolio.move("chat", "beta", actor="carol", at=AT)
        with pytest.raises(ValidationError, match="phase 'beta' is not a phase"):
            portfolio.add_service(Service("x", "X", phase="beta"))

    def test_moves_need_aware_times(self, portfolio) -> None:
        with pytest.raises(NaiveDatetimeError):
            portfolio.move("chat", "planned", actor="carol", at=datetime(2026, 1, 1))

    def test_a_move_is_recorded_at_exactly_the_time_given(self, portfolio) -> None:
        given = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
        portfolio.move("chat", "planned", actor="carol", at=given)
        assert portfolio.phase_history("chat")[-1].at == given

    def test_a_move_without_at_fails_and_moves_nothing(self, portfolio) -> None:
        with pytest.raises(TypeError, match="required keyword-only argument: 'at'"):
            portfolio.move("chat", "planned", actor="carol")
        with pytest.raises(ValidationError, match="at must be an aware datetime") as e:
            portfolio.move("chat", "planned", actor="carol", at=None)
        assert e.value.field == "at"
        assert portfolio.service("chat").phase == "proposed"
        assert portfolio.phase_history("chat") == ()

    def test_a_portfolio_takes_no_clock(self) -> None:
        with pytest.raises(TypeError, match="'clock'"):
            ServicePortfolio("p", clock=object())

    def test_custom_lifecycles(self) -> None:
        lc = ServiceLifecycle(
            ["idea", "pilot", "live", "sunset"],
            {("idea", "pilot"), ("pilot", "live"), ("live", "sunset")},
            initial="idea",
            live={"pilot", "live"},
        )
        p = ServicePortfolio(lifecycle=lc)
        p.add_service(Service("x", "X", phase="idea"))
        p.move("x", "pilot", actor="a", at=AT)
        assert [e.id for e in p.catalogue()] == ["x"]

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"initial": "nope"}, "initial phase 'nope'"),
            ({"transitions": {("a", "zzz")}}, "names 'zzz'"),
            ({"live": {"zzz"}}, "live phase 'zzz'"),
            ({"phases": ["a", "a"]}, "must be unique"),
        ],
    )
    def test_inconsistent_lifecycles_are_refused(self, kwargs, message) -> None:
        args = {"phases": ["a", "b"], "transitions": {("a", "b")}, "initial": "a", "live": {"b"}}
        with pytest.raises(ValidationError, match=message):
            ServiceLifecycle(**(args | kwargs))

    def test_next_phases_of_the_default_lifecycle(self) -> None:
        assert DEFAULT_LIFECYCLE.next_phases("in_production") == ("retired",)


class TestServices:
    def test_specification_fields(self, portfolio) -> None:
        mail = portfolio.service("mail")
        assert (mail.description, mail.value_proposition, mail.target_customers, mail.owner) == (
            "Mailboxes",
            "Reliable mail",
            ("staff",),
            "dave",
        )

    def test_update_changes_fields_but_not_the_phase(self, portfolio) -> None:
        assert portfolio.update_service("mail", owner="erin").owner == "erin"
        with pytest.raises(ValidationError, match="use move"):
            portfolio.update_service("mail", phase="retired")
        with pytest.raises(ValidationError, match="has no field 'colour'"):
            portfolio.update_service("mail", colour="red")

    def test_ids_are_unique_across_the_portfolio(self, portfolio) -> None:
        with pytest.raises(DuplicateError, match="'mta' is already used by a service component"):
            portfolio.add_service(Service("mta", "MTA"))

    def test_unknown_ids_are_named(self, portfolio) -> None:
        with pytest.raises(NotFoundError, match="'nope'"):
            portfolio.service("nope")
        with pytest.raises(NotFoundError, match="'nope'"):
            portfolio.component("nope")

    def test_services_in_a_phase(self, portfolio) -> None:
        assert [s.id for s in portfolio.services_in("in_production")] == ["mail", "shop"]


class TestSuppliers:
    def test_suppliers_of_a_service_with_their_roles(self, portfolio) -> None:
        found = [(s.id, s.kind, role) for s, role in portfolio.suppliers_of("mail")]
        assert found == [
            ("dc", SupplierKind.INTERNAL, "hosting"),
            ("telco", SupplierKind.EXTERNAL, ""),
        ]
        assert [s.id for s, _ in portfolio.suppliers_of("mta")] == ["dc"]

    def test_an_unknown_supplier_is_refused(self, portfolio) -> None:
        with pytest.raises(NotFoundError, match="names supplier 'acme'"):
            portfolio.add_service(Service("x", "X", suppliers=["acme"]))
        with pytest.raises(NotFoundError, match="names supplier 'acme'"):
            portfolio.update_service("mail", suppliers=["acme"])
        assert [s.supplier for s in portfolio.service("mail").suppliers] == ["dc", "telco"]

    def test_supplier_kind_must_be_known(self) -> None:
        with pytest.raises(ValidationError, match="'partner' is not a valid SupplierKind"):
            Supplier("p", "P", "partner")


class TestCatalogue:
    def test_only_live_services_are_listed(self, portfolio) -> None:
        assert [e.id for e in portfolio.catalogue()] == ["mail", "shop"]
        assert "chat" not in portfolio.catalogue()

    def test_the_catalogue_is_filtered_by_customer(self, portfolio) -> None:
        assert [e.id for e in portfolio.catalogue("consumers")] == ["shop"]
        assert len(portfolio.catalogue("nobody")) == 0

    def test_entries_hide_internal_details(self, portfolio) -> None:
        [entry, _] = portfolio.catalogue()
        assert not hasattr(entry, "suppliers") and not hasattr(entry, "phase")


def test_copies_are_equal_and_independent(portfolio) -> None:
    other = portfolio.copy()
    assert other == portfolio
    other.move("chat", "planned", actor="a", at=AT)
    assert other != portfolio
    assert portfolio.service("chat").phase == "proposed"
