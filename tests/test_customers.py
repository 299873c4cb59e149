"""Customer relationship management (PR7): the customer database, contacts and channels,
service reviews with their agenda, complaints and satisfaction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitsm import Q_, open_store
from fitsm.availability import Outage
from fitsm.cases import COMPLAINT, Change, Complaint, Improvement, Incident
from fitsm.customers import (
    Channel,
    ChannelPurpose,
    Contact,
    Customer,
    CustomerRegister,
    Matter,
    ReviewAction,
    SatisfactionScale,
    SatisfactionSurvey,
    ServiceReview,
    agreements_of,
    complaints_of,
    customer_agreements,
    period_averages,
    plan_service_reviews,
    review_agenda,
    satisfaction_trend,
    service_review_subject,
    unknown_customers,
)
from fitsm.desk import CaseDesk
from fitsm.errors import (
    ConflictError,
    DuplicateError,
    NaiveDatetimeError,
    NotFoundError,
    ValidationError,
)
from fitsm.portfolio import Service, ServicePortfolio
from fitsm.reviews import ReviewOutcome, ReviewSchedules
from fitsm.roles import Person, Process, Role, RoleModel
from fitsm.service_levels import Agreement, Agreements, ServiceTarget
from fitsm.time import BusinessCalendar
from tests.strategies import satisfaction_scores

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
T1 = T0 + timedelta(days=1)


def jane() -> Contact:
    return Contact(
        "jane", "Jane Roe", role="IT director", email="jane@acme.example", matters=["escalation"]
    )


def acme_register() -> CustomerRegister:
    """ACME with a contact and an HR unit; Globex on its own."""
    register = CustomerRegister()
    register.add(Customer("acme", "ACME Corporation", contacts=[jane()]), at=T0, by="ann")
    register.add(Customer("acme-hr", "ACME HR", parent="acme"), at=T0, by="ann")
    register.add(Customer("globex", "Globex"), at=T0, by="ann")
    return register


class TestContactsAndChannels:
    def test_a_contact_is_reachable_by_email_or_phone(self) -> None:
        assert Contact("bob", "Bob", phone="+49 30 123").matters == (Matter.GENERAL,)
        with pytest.raises(ValidationError, match="'bob' \\(Bob\\) needs an email address or"):
            Contact("bob", "Bob")

    def test_an_email_address_is_checked(self) -> None:
        with pytest.raises(ValidationError, match="email must be an address.*got 'jane'"):
            Contact("jane", "Jane", email="jane")

    def test_matters_are_named_from_the_list(self) -> None:
        with pytest.raises(ValidationError, match="'gossip' is not a valid Matter; expected"):
            Contact("jane", "Jane", email="j@x.example", matters=["gossip"])
        both = Contact("jane", "Jane", email="j@x.example", matters=["ordering", "ordering"])
        assert both.matters == (Matter.ORDERING,)

    def test_a_channel_needs_an_address_that_fits_its_medium(self) -> None:
        with pytest.raises(ValidationError, match="email channel needs an email address"):
            Channel("complaint", "email", "complaints")
        with pytest.raises(ValidationError, match="portal channel needs a URL"):
            Channel("ordering", "portal", "portal.example")
        with pytest.raises(ValidationError, match="'fax' is not a valid ChannelMedium"):
            Channel("ordering", "fax", "+49 1")

    def test_opening_hours_say_when_a_channel_is_staffed(self) -> None:
        hours = BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"}, zone="Europe/Berlin")
        phone = Channel("escalation", "phone", "+49 30 1", hours=hours)
        # Monday 5 January 2026, 09:00 UTC is 10:00 in Berlin; 18:30 UTC is 19:30
        assert phone.open_at(T0)
        assert not phone.open_at(T0.replace(hour=18, minute=30))
        assert Channel("escalation", "phone", "+49 30 2").open_at(T0.replace(hour=3))

    def test_the_escalation_path_keeps_the_order_given(self) -> None:
        register = acme_register()
        path = [
            Channel("escalation", "phone", "+49 30 1", name="service desk"),
            Channel("ordering", "portal", "https://portal.example/order"),
            Channel("escalation", "email", "crm@provider.example", name="relationship manager"),
            Channel("escalation", "phone", "+49 30 9", name="SMS manager"),
        ]
        customer = register.set_channels("acme", path, at=T1, by="carol")
        assert [c.name for c in customer.escalation_path] == [
            "service desk",
            "relationship manager",
            "SMS manager",
        ]
        assert customer.history[-1].changes == {"ordering": 1, "escalation": 3}
        assert [c.id for c in register.without_channel(ChannelPurpose.COMPLAINT)] == [
            "acme",
            "acme-hr",
            "globex",
        ]


class TestTheCustomerDatabase:
    def test_a_customer_is_added_with_its_history(self) -> None:
        register = acme_register()
        acme = register.customer("acme")
        assert [(h.action, h.by, h.at) for h in acme.history] == [("identified", "ann", T0)]
        assert acme.history[0].changes == {"name": "ACME Corporation", "contacts": ("jane",)}
        assert [c.id for c in register.units_of("acme")] == ["acme-hr"]
        assert register.organisation_of("acme-hr").id == "acme"

    def test_a_unit_names_a_parent_the_register_knows(self) -> None:
        register = acme_register()
        with pytest.raises(NotFoundError, match="names parent 'initech', which is not in"):
            register.add(Customer("x", "X", parent="initech"), at=T0, by="ann")
        assert "x" not in register

    def test_ids_are_unique_and_the_register_writes_the_history(self) -> None:
        register = acme_register()
        with pytest.raises(DuplicateError, match="'acme' is in the register already"):
            register.add(Customer("acme", "Again"), at=T0, by="ann")
        with pytest.raises(ValidationError, match="comes with a history"):
            register.add(Customer("new", "New", retired=True), at=T0, by="ann")

    def test_update_changes_name_description_or_parent_and_records_it(self) -> None:
        register = acme_register()
        moved = register.update("acme-hr", parent="globex", name="HR", at=T1, by="bob")
        assert (moved.parent, moved.name) == ("globex", "HR")
        assert moved.history[-1].changes == {"parent": "globex", "name": "HR"}
        with pytest.raises(ValidationError, match="changes name, description, parent; got 'id'"):
            register.update("acme", id="x", at=T1, by="bob")

    def test_a_customer_cannot_become_a_unit_of_its_own_unit(self) -> None:
        register = acme_register()
        before = register.copy()
        with pytest.raises(ValidationError, match="'acme' cannot be a unit of 'acme-hr'"):
            register.update("acme", parent="acme-hr", at=T1, by="bob")
        assert register == before

    def test_retiring_needs_the_units_retired_first_and_then_nothing_changes(self) -> None:
        register = acme_register()
        with pytest.raises(ValidationError, match="has active units 'acme-hr'"):
            register.retire("acme", at=T1, by="bob")
        register.retire("acme-hr", at=T1, by="bob")
        retired = register.retire("acme", at=T1, by="bob", note="contract ended")
        assert retired.retired and retired.history[-1].note == "contract ended"
        assert [c.id for c in register.active()] == ["globex"]
        with pytest.raises(ValidationError, match="'acme' is retired; it changes no more"):
            register.set_contact("acme", jane(), at=T1, by="bob")
        with pytest.raises(ValidationError, match="names parent 'acme', which is retired"):
            register.add(Customer("acme-it", "ACME IT", parent="acme"), at=T1, by="bob")

    def test_a_change_dated_before_the_last_is_refused(self) -> None:
        register = acme_register()
        register.update("globex", description="steel", at=T1, by="bob")
        with pytest.raises(ValidationError, match="before its last change \\(updated"):
            register.update("globex", description="iron", at=T0, by="bob")
        with pytest.raises(NaiveDatetimeError):
            register.update("globex", description="iron", at=datetime(2026, 2, 1), by="bob")
        assert register.customer("globex").description == "steel"

    def test_contacts_are_set_replaced_and_removed(self) -> None:
        register = acme_register()
        bob = Contact("bob", "Bob", phone="+1 555", matters=["ordering"])
        register.set_contact("acme", bob, at=T1, by="carol")
        moved = attrs_evolve(jane(), email="jane.roe@acme.example")
        customer = register.set_contact("acme", moved, at=T1, by="carol")
        assert [c.id for c in customer.contacts] == ["jane", "bob"]  # replaced in place
        assert customer.contact("jane").email == "jane.roe@acme.example"
        assert [c.id for c in customer.contacts_for("ordering")] == ["bob"]
        assert customer.history[-1].changes["replaced"] is True
        customer = register.remove_contact("acme", "bob", at=T1, by="carol")
        assert [c.id for c in customer.contacts] == ["jane"]
        with pytest.raises(NotFoundError, match="customer 'acme' has no contact 'bob'"):
            register.remove_contact("acme", "bob", at=T1, by="carol")
        assert [c.id for c in register.without_contact()] == ["acme-hr", "globex"]

    def test_an_unknown_customer_is_named(self) -> None:
        with pytest.raises(NotFoundError, match="no customer 'nope' in customer register"):
            acme_register().set_contact("nope", jane(), at=T1, by="carol")


def attrs_evolve(contact: Contact, **changes: object) -> Contact:
    import attrs

    return attrs.evolve(contact, **changes)


class TestMerging:
    def test_changes_to_different_customers_both_survive(self) -> None:
        base = acme_register()
        ours, theirs = base.copy(), base.copy()
        ours.update("acme", description="ours", at=T1, by="ann")
        theirs.update("globex", description="theirs", at=T1, by="bob")
        ours.rebase(theirs, base)
        assert ours.customer("acme").description == "ours"
        assert ours.customer("globex").description == "theirs"

    def test_changes_to_the_same_customer_conflict_and_leave_ours_alone(self) -> None:
        base = acme_register()
        ours, theirs = base.copy(), base.copy()
        ours.update("acme", description="ours", at=T1, by="ann")
        theirs.update("acme", description="theirs", at=T1, by="bob")
        kept = ours.copy()
        with pytest.raises(ConflictError, match="customer 'acme' was changed by someone else"):
            ours.rebase(theirs, base)
        assert ours == kept

    def test_a_unit_added_under_an_organisation_retired_meanwhile_conflicts(self) -> None:
        base = acme_register()
        base.retire("acme-hr", at=T0, by="ann")
        ours, theirs = base.copy(), base.copy()
        ours.add(Customer("acme-it", "ACME IT", parent="acme"), at=T1, by="ann")
        theirs.retire("acme", at=T1, by="bob")
        with pytest.raises(ConflictError, match="'acme-it' is a unit of 'acme', which someone"):
            ours.rebase(theirs, base)

    @given(
        st.lists(st.tuples(st.sampled_from(["acme", "acme-hr", "globex"]), st.booleans()),
                 max_size=8),
        st.text(st.characters(codec="ascii", categories=["L"]), max_size=5),
    )  # fmt: skip
    @settings(max_examples=60)
    def test_a_merge_holds_both_writers_changes_or_conflicts_on_a_shared_customer(
        self, steps: list[tuple[str, bool]], word: str
    ) -> None:
        base = acme_register()
        ours, theirs = base.copy(), base.copy()
        for n, (customer, mine) in enumerate(steps):
            (ours if mine else theirs).update(
                customer, description=f"{word}{n}", at=T1, by="ann" if mine else "bob"
            )
        touched_by_us = {c for c, mine in steps if mine}
        touched_by_them = {c for c, mine in steps if not mine}
        if touched_by_us & touched_by_them:
            with pytest.raises(ConflictError):
                ours.copy().rebase(theirs, base)
            return
        before = ours.copy()
        ours.rebase(theirs, base)
        for customer in ("acme", "acme-hr", "globex"):
            source = before if customer in touched_by_us else theirs
            expected = (
                source.customer(customer)
                if customer in touched_by_them | touched_by_us
                else base.customer(customer)
            )
            assert ours.customer(customer) == expected

    def test_a_changed_scale_conflicts(self) -> None:
        base = acme_register()
        theirs = CustomerRegister(scale=SatisfactionScale(0, 10))
        with pytest.raises(ConflictError, match="its scale changed"):
            base.copy().rebase(theirs, base)


def _surveys(values: list[dict[str, list[int] | int]]) -> list[SatisfactionSurvey]:
    # one survey a quarter, from January 2025
    return [
        SatisfactionSurvey(f"q{n}", date(2025 + n // 4, 1 + 3 * (n % 4), 1), scores)
        for n, scores in enumerate(values)
    ]


class TestSatisfaction:
    def test_a_trend_computed_by_hand(self) -> None:
        # Quarterly averages for mail: 4, (5+3)/2 = 4, (3+3+3)/3 = 3, (2+3)/2 = 5/2.
        # x = 0, 1, 2, 3, mean 3/2; y mean = (4 + 4 + 3 + 5/2) / 4 = 27/8.
        # sum (x - 3/2)(y - 27/8) = (-3/2)(5/8) + (-1/2)(5/8) + (1/2)(-3/8) + (3/2)(-7/8)
        #                         = -15/16 - 5/16 - 3/16 - 21/16 = -44/16 = -11/4
        # sum (x - 3/2)^2 = 9/4 + 1/4 + 1/4 + 9/4 = 5;  slope = -11/4 / 5 = -11/20
        surveys = _surveys([{"mail": 4}, {"mail": [5, 3]}, {"mail": [3, 3, 3]}, {"mail": [2, 3]}])
        trend = satisfaction_trend("acme", surveys, "mail")
        assert [y for _, y in trend.points] == [4, 4, 3, Fraction(5, 2)]
        assert trend.slope == Fraction(-11, 20)
        assert (trend.direction, trend.reason) == ("falling", "")

    def test_too_few_periods_give_no_trend_and_say_why(self) -> None:
        trend = satisfaction_trend("acme", _surveys([{"mail": 4}, {"mail": 2}]), "mail")
        assert trend.slope is None and trend.direction == "unknown"
        assert trend.reason == "2 periods with scores; a trend needs at least 3"
        two = satisfaction_trend("acme", _surveys([{"mail": 4}, {"mail": 2}]), minimum=2)
        assert two.slope == -2
        with pytest.raises(ValidationError, match="minimum of at least 2"):
            satisfaction_trend("acme", [], minimum=1)

    def test_surveys_of_one_period_count_together_and_other_services_are_left_out(self) -> None:
        a = SatisfactionSurvey("a", date(2025, 1, 1), {"mail": 5, "shop": 1})
        b = SatisfactionSurvey("b", date(2025, 1, 1), {"mail": 2})
        c = SatisfactionSurvey("c", date(2025, 4, 1), {"shop": 3})
        assert period_averages([a, b, c], "mail") == [(date(2025, 1, 1), Fraction(7, 2))]
        assert period_averages([a, b, c]) == [
            (date(2025, 1, 1), Fraction(8, 3)),
            (date(2025, 4, 1), Fraction(3)),
        ]

    def test_scores_are_checked_against_the_registers_scale(self) -> None:
        register = acme_register()
        before = register.copy()
        with pytest.raises(ValidationError, match="whole number from 1 to 5, got 6"):
            register.record_survey("acme", _surveys([{"mail": [4, 6]}])[0], at=T1, by="carol")
        assert register == before
        ten = CustomerRegister(scale=SatisfactionScale(0, 10))
        ten.add(Customer("acme", "ACME"), at=T0, by="ann")
        ten.record_survey("acme", _surveys([{"mail": [0, 10]}])[0], at=T1, by="carol")

    def test_scores_below_the_threshold_are_listed_until_followed_up(self) -> None:
        register = acme_register()
        for survey in _surveys([{"mail": [4, 3], "shop": 5}, {"mail": 2, "shop": [4, 3]}]):
            register.record_survey("acme", survey, at=T1, by="carol")
        # averages: Q1 mail 7/2, shop 5; Q2 mail 2, shop 7/2; below 4: all but Q1 shop
        low = register.below_threshold(4)
        assert [(s.period.month, s.service, s.average) for s in low] == [
            (1, "mail", Fraction(7, 2)),
            (4, "mail", Fraction(2)),
            (4, "shop", Fraction(7, 2)),
        ]
        assert [s.service for s in register.below_threshold(Decimal("3.5"))] == ["mail"]
        register.record_follow_up(
            "acme",
            period=date(2025, 4, 1),
            service="mail",
            action="call the mail admins",
            reference="IMP-7",
            at=T1,
            by="carol",
        )
        assert [(s.period.month, s.service) for s in register.unfollowed(4)] == [
            (1, "mail"),
            (4, "shop"),
        ]
        [followed] = [s for s in register.below_threshold(4) if s.follow_ups]
        assert followed.follow_ups[0].by == "carol" and followed.follow_ups[0].reference == "IMP-7"

    def test_a_follow_up_needs_a_surveyed_period_and_service(self) -> None:
        register = acme_register()
        register.record_survey("acme", _surveys([{"mail": 2}])[0], at=T1, by="carol")
        with pytest.raises(NotFoundError, match="no scores for 'shop' in the period beginning"):
            register.record_follow_up(
                "acme", period=date(2025, 1, 1), service="shop", action="x", at=T1, by="carol"
            )
        assert register.customer("acme").follow_ups == ()

    def test_thresholds_are_exact_and_on_the_scale(self) -> None:
        register = acme_register()
        with pytest.raises(ValidationError, match="exact number.*got 3.5"):
            register.below_threshold(3.5)
        with pytest.raises(ValidationError, match="from 1 to 5, got 9"):
            register.below_threshold(9)

    def test_a_survey_id_is_used_once_per_customer(self) -> None:
        register = acme_register()
        survey = _surveys([{"mail": 2}])[0]
        register.record_survey("acme", survey, at=T1, by="carol")
        with pytest.raises(DuplicateError, match="has a survey 'q0' already"):
            register.record_survey("acme", survey, at=T1, by="carol")

    @given(st.lists(st.lists(satisfaction_scores, min_size=1, max_size=4), min_size=3, max_size=8))
    @settings(max_examples=60)
    def test_the_slope_is_the_least_squares_slope(self, per_period: list[list[int]]) -> None:
        surveys = _surveys([{"mail": scores} for scores in per_period])
        slope = satisfaction_trend("acme", surveys, "mail").slope
        # the closed form of the normal equations, from sums alone
        ys = [Fraction(sum(s), len(s)) for s in per_period]
        n = len(ys)
        sx, sy = sum(range(n)), sum(ys)
        sxy, sxx = sum(x * y for x, y in enumerate(ys)), sum(x * x for x in range(n))
        assert slope == (n * sxy - sx * sy) / (n * sxx - sx * sx)

    @given(st.lists(st.lists(satisfaction_scores, min_size=1, max_size=4), min_size=3, max_size=8))
    @settings(max_examples=40)
    def test_a_linear_series_has_its_own_slope_and_a_shift_changes_nothing(
        self, per_period: list[list[int]]
    ) -> None:
        base = satisfaction_trend("acme", _surveys([{"mail": s} for s in per_period]))
        # scores 1..5 shifted by 3 onto a 4..8 scale: every average moves by 3
        shifted = satisfaction_trend(
            "acme", _surveys([{"mail": [x + 3 for x in s]} for s in per_period])
        )
        assert shifted.slope == base.slope
        line = satisfaction_trend("acme", _surveys([{"mail": 1 + n % 5} for n in range(3)]))
        assert line.slope == 1

    @given(
        st.lists(
            st.dictionaries(
                st.sampled_from(["mail", "shop", "vpn"]),
                st.lists(satisfaction_scores, min_size=1, max_size=3),
                min_size=1,
            ),
            min_size=1,
            max_size=5,
        ),
        st.integers(1, 5),
    )
    @settings(max_examples=60)
    def test_below_threshold_lists_exactly_the_low_averages(
        self, per_period: list[dict[str, list[int]]], threshold: int
    ) -> None:
        register = acme_register()
        for survey in _surveys(per_period):  # type: ignore[arg-type]
            register.record_survey("acme", survey, at=T1, by="carol")
        expected = sorted(
            (date(2025 + n // 4, 1 + 3 * (n % 4), 1), service)
            for n, scores in enumerate(per_period)
            for service, given_scores in scores.items()
            if Fraction(sum(given_scores), len(given_scores)) < threshold
        )
        found = [(s.period, s.service) for s in register.below_threshold(threshold)]
        assert found == expected


def _review(**fields: object) -> ServiceReview:
    values: dict[str, object] = {
        "id": "rv-q4",
        "start": T0 - timedelta(days=92),
        "end": T0,
        "outcome": "targets met; weekend support asked for",
    }
    values.update(fields)
    return ServiceReview(**values)  # type: ignore[arg-type]


class TestServiceReviews:
    def test_recording_a_review_advances_its_schedule_with_the_outcome(self) -> None:
        register, schedules = acme_register(), ReviewSchedules()
        plan_service_reviews(schedules, register, timedelta(days=90), at=T0, by="ann")
        review = _review(actions=[ReviewAction("offer weekend support", reference="CHG-9")])
        customer = register.record_review("acme", review, at=T1, by="carol", schedules=schedules)
        assert (customer.last_review.held_at, customer.last_review.held_by) == (T1, "carol")
        schedule = schedules.schedule(service_review_subject("acme"))
        assert schedule.last.outcome is ReviewOutcome.FINDINGS
        assert schedule.last.follow_ups == ("CHG-9",)
        assert schedule.next_due == T1 + timedelta(days=90)

    def test_a_review_without_actions_passed(self) -> None:
        register, schedules = acme_register(), ReviewSchedules()
        plan_service_reviews(schedules, register, timedelta(days=90), at=T0, by="ann")
        register.record_review("globex", _review(), at=T1, by="carol", schedules=schedules)
        assert schedules.schedule(("customer_review", "globex")).last.outcome == "passed"

    def test_without_a_schedule_nothing_is_recorded(self) -> None:
        register = acme_register()
        before = register.copy()
        with pytest.raises(NotFoundError, match="no review schedule for customer_review:acme"):
            register.record_review(
                "acme", _review(), at=T1, by="carol", schedules=ReviewSchedules()
            )
        assert register == before

    def test_a_review_covers_a_period_already_past(self) -> None:
        with pytest.raises(ValidationError, match="after it is recorded"):
            acme_register().record_review(
                "acme", _review(end=T1 + timedelta(days=1)), at=T1, by="c"
            )
        with pytest.raises(ValidationError, match="expected an end after the start"):
            _review(end=T0 - timedelta(days=100))
        with pytest.raises(ValidationError, match="needs its outcome recorded"):
            _review(outcome=" ")

    def test_planning_names_the_relationship_manager_as_owner_once(self) -> None:
        register, schedules = acme_register(), ReviewSchedules()
        roles = RoleModel()
        roles.add_person(Person("carol", "Carol"))
        roles.add_person(Person("dan", "Dan"))
        roles.assign("carol", Role.CUSTOMER_RELATIONSHIP_MANAGER, "acme")
        roles.assign("carol", Role.CUSTOMER_RELATIONSHIP_MANAGER, "globex")
        roles.assign("dan", Role.CUSTOMER_RELATIONSHIP_MANAGER, "globex")
        planned = plan_service_reviews(
            schedules, register, timedelta(days=90), at=T0, by="ann", roles=roles
        )
        # globex has two managers (RoleModel.check reports it), so its schedule has no owner
        assert [(str(s.subject), s.owner) for s in planned] == [
            ("customer_review:acme", "carol"),
            ("customer_review:acme-hr", ""),
            ("customer_review:globex", ""),
        ]
        assert plan_service_reviews(schedules, register, timedelta(days=9), at=T1, by="a") == []


def _agreements() -> Agreements:
    agreements = Agreements()
    for aid, party, covers in (
        ("sla-acme-mail", "acme", ["mail"]),
        ("sla-hr", "acme-hr", ["payroll"]),
        ("sla-initech", "Initech", ["mail"]),
        ("sla-globex", "Globex", ["shop"]),
    ):
        agreements.add(
            Agreement(
                aid,
                "SLA",
                party,
                covers,
                [ServiceTarget("availability", Q_(99, "percent"))],
                valid_from=datetime(2025, 1, 1, tzinfo=UTC),
            )
        )
    agreements.add(Agreement("ola-db", "OLA", "dba-team", ["db"], []))
    return agreements


class TestRelations:
    def test_each_customer_has_its_agreements_and_services(self) -> None:
        register = acme_register()
        portfolio = ServicePortfolio()
        portfolio.add_service(
            Service("wiki", "Wiki", target_customers=["acme-hr"], phase="in_production")
        )
        portfolio.add_service(Service("beta", "Beta", target_customers=["acme"]))  # not live
        found = {
            h.customer: (h.agreement_ids, h.services)
            for h in customer_agreements(register, _agreements(), portfolio=portfolio)
        }
        assert found == {
            "acme": (("sla-acme-mail", "sla-hr"), ("mail", "payroll", "wiki")),
            "acme-hr": (("sla-hr",), ("payroll", "wiki")),
            "globex": ((), ()),
        }
        alone = agreements_of(register, _agreements(), "acme", units=False)
        assert (alone.agreement_ids, alone.services) == (("sla-acme-mail",), ("mail",))

    def test_agreements_naming_an_unknown_or_retired_customer_are_found(self) -> None:
        register = acme_register()
        register.retire("acme-hr", at=T1, by="bob")
        found = unknown_customers(register, _agreements())
        assert [(f.agreement, f.party, f.problem) for f in found] == [
            ("sla-globex", "Globex", "unknown"),
            ("sla-hr", "acme-hr", "retired"),
            ("sla-initech", "Initech", "unknown"),
        ]
        assert found[0].message.endswith("it is the name of customer 'globex'")

    def test_the_complaints_of_a_customer_and_its_units(self) -> None:
        register = acme_register()
        cases = [
            Complaint("CMP-2", "slow", T1, "carol", customer="acme-hr"),
            Complaint("CMP-1", "down", T0, "carol", customer="acme"),
            Complaint("CMP-3", "rude", T0, "carol", customer="globex"),
            Improvement("IMP-1", "faster", T0, "carol"),
        ]
        COMPLAINT.fire(cases[1], "evaluate", actor="c", at=T1, evaluation="valid")
        COMPLAINT.fire(cases[1], "reject", actor="c", at=T1)
        COMPLAINT.fire(cases[1], "close", actor="c", at=T1, outcome="explained")
        assert [c.id for c in complaints_of(cases, "acme")] == ["CMP-1"]
        assert [c.id for c in complaints_of(cases, "acme", register=register)] == [
            "CMP-1",
            "CMP-2",
        ]
        assert [c.id for c in complaints_of(cases, "acme", register=register, open=True)] == [
            "CMP-2"
        ]


class TestComplaints:
    @pytest.fixture
    def desk(self) -> CaseDesk:
        store = open_store("memory://")
        roles = RoleModel()
        roles.add_person(Person("carol", "Carol"))
        roles.assign("carol", Role.PROCESS_STAFF, Process.CRM)
        with store.unit_of_work() as uow:
            uow.roles.add(roles)
            uow.commit()
        return CaseDesk(store)

    def test_a_complaint_is_registered_with_its_customer(self, desk: CaseDesk) -> None:
        with pytest.raises(ValidationError, match="complaint 'CMP-1' cannot be registered without"):
            desk.register(Complaint("CMP-1", "slow", T0, "carol"), actor="carol")
        desk.register(Complaint("CMP-1", "slow", T0, "carol", customer="acme"), actor="carol")
        assert desk.get("CMP-1").customer == "acme"

    def test_the_customer_link_is_an_id(self) -> None:
        with pytest.raises(ValidationError, match="Complaint.customer must be a non-empty"):
            Complaint("CMP-1", "slow", T0, "carol", customer=" acme")

    def test_an_improvement_needs_no_customer(self, desk: CaseDesk) -> None:
        COMPLAINT.check_registration(Complaint("C", "t", T0, "carol", customer="acme"))
        from fitsm.cases import IMPROVEMENT

        IMPROVEMENT.check_registration(Improvement("IMP-1", "faster", T0, "carol"))


class TestAgenda:
    def test_the_agenda_of_a_quarter(self) -> None:
        register = acme_register()
        start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
        register.record_review(
            "acme", _review(end=T0, actions=["add a second MX"]), at=T1, by="carol"
        )
        register.record_survey(
            "acme", SatisfactionSurvey("q1", date(2026, 1, 1), {"mail": [2, 3]}), at=T1, by="c"
        )
        # mail was down 1 day of the 90 in the quarter: 89/90 = 98.89 % < 99 %
        feb = datetime(2026, 2, 3, tzinfo=UTC)
        outage = Outage("mail", feb, feb + timedelta(days=1))
        cases = [
            Incident("INC-1", "mail down", feb, "d", service="mail"),
            Incident("INC-0", "old", datetime(2025, 12, 31, tzinfo=UTC), "d", service="mail"),
            Incident("INC-2", "shop", feb, "d", service="shop"),
            Change("CHG-1", "new MX", feb, "d", impacted_services=["mail"]),
            Complaint("CMP-1", "mail was down", feb, "c", customer="acme-hr"),
            Complaint("CMP-0", "old", datetime(2025, 5, 4, tzinfo=UTC), "c", customer="acme"),
            Complaint("CMP-9", "other", feb, "c", customer="globex"),
        ]
        agenda = review_agenda(
            register, "acme", _agreements(), start, end, cases=cases, outages=[outage], threshold=3
        )
        assert agenda.agreements == ("sla-acme-mail", "sla-hr")
        [mail, payroll] = agenda.performance.results
        assert (mail.subject, mail.met, payroll.met) == ("mail", False, True)
        assert mail.report.availability == Fraction(89, 90)
        assert [e.agreement for e in agenda.performance.events] == ["sla-acme-mail"]
        assert [c.id for c in agenda.incidents] == ["INC-1"]
        assert [c.id for c in agenda.changes] == ["CHG-1"]
        assert [c.id for c in agenda.complaints] == ["CMP-0", "CMP-1"]  # CMP-0 is still open
        assert agenda.lines() == [
            "Service review with ACME Corporation (acme), 2026-01-01 to 2026-04-01",
            "Agreements: sla-acme-mail, sla-hr; services: mail, payroll",
            "Service performance: 1 of 2 targets met; missed availability of mail",
            "Incidents: 1 (0 major)",
            "Complaints: 2 (2 open)",
            "Changes: 1",
            "Satisfaction below 3: mail 2.5 (2026-01-01), no follow-up yet",
            "Open action: add a second MX",
        ]

    def test_a_period_must_run_forward(self) -> None:
        with pytest.raises(ValidationError, match="period ends before it starts"):
            review_agenda(acme_register(), "acme", Agreements(), T1, T0)


class TestStores:
    @pytest.mark.parametrize("url", ["memory://", "sqlite:///:memory:"])
    def test_the_register_reads_back_equal(self, url: str) -> None:
        register = acme_register()
        register.record_survey("acme", _surveys([{"mail": [4, 2]}])[0], at=T1, by="carol")
        register.record_review("acme", _review(), at=T1, by="carol")
        store = open_store(url)
        with store.unit_of_work("carol") as uow:
            uow.customers.add(register)
            uow.commit()
        with store.unit_of_work() as uow:
            loaded = uow.customers.get()
        assert loaded == register
        assert loaded.below_threshold(4) == register.below_threshold(4)


class TestDemo:
    def test_the_demo_shows_the_customer_with_its_review_due_and_changes_nothing_again(
        self, tmp_path
    ) -> None:
        import io

        from fitsm.demo import run

        url = f"sqlite:///{tmp_path / 'demo.db'}"
        lines = []
        for _ in range(2):
            out = io.StringIO()
            run(out, store_url=url)
            lines += [x for x in out.getvalue().splitlines() if x.startswith("Customer ")]
        expected = (
            "Customer 'consumers' (CRM: 'carol'): service review due 2026-02-01; agreements "
            "sla-shop, services shop."
        )
        assert lines == [expected, expected]
        store = open_store(url)
        with store.unit_of_work() as uow:
            customers, roles = uow.customers.get(), uow.roles.get()
            schedule = uow.reviews.get().schedule(service_review_subject("consumers"))
        store.close()
        assert (customers.version, roles.version) == (1, 2)
        assert schedule.owner == "carol"
        assert roles.check(owned={Role.CUSTOMER_RELATIONSHIP_MANAGER: ["consumers"]}) == [
            f for f in roles.check() if f.problem != "no_customer_relationship_manager"
        ]
        assert unknown_customers(customers, uow_agreements(url)) == []


def uow_agreements(url: str) -> Agreements:
    store = open_store(url)
    with store.unit_of_work() as uow:
        found: Agreements = uow.agreements.get()
    store.close()
    return found
