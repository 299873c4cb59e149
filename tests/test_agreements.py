"""Agreements, service targets, versions, evaluation (PR2.3, PR2.5) and alignment (PR2.4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from fitsm import (
    Q_,
    Agreement,
    BusinessCalendar,
    Cmdb,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    NotFoundError,
    Outage,
    RedundancyGroup,
    ServiceNode,
    ServiceTarget,
    ValidationError,
)
from fitsm.errors import ConflictError, DuplicateError
from fitsm.service_levels import Agreements
from fitsm.service_levels.evaluation import check_alignment, evaluate

JAN = datetime(2024, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


def sla(**changes) -> Agreement:
    fields = {
        "id": "sla-shop",
        "kind": "SLA",
        "party": "retail",
        "covers": ["shop"],
        "targets": [
            ServiceTarget("availability", Q_(99.5, "percent")),
            ServiceTarget("resolution_time", Q_(4, "hour"), priority="P1"),
            ServiceTarget("performance", Q_(200, "ms"), name="page load"),
            ServiceTarget("capacity", Q_(2, "TB"), name="storage"),
        ],
        "owner": "carol",
        "review_interval": timedelta(days=365),
        "next_review": date(2024, 12, 1),
    }
    fields.update(changes)
    return Agreement(**fields)


class TestTargets:
    @pytest.mark.parametrize(
        ("kind", "value", "message"),
        [
            ("availability", Q_(120, "percent"), "at most 100 %, got 120 percent"),
            ("availability", Q_(0, "percent"), "above 0 %"),
            ("availability", Q_(4, "hour"), r"must have dimension \[\], got 4 h"),
            ("resolution_time", Q_(99, "percent"), r"must have dimension \[time\]"),
            ("response_time", Q_(-1, "hour"), "must be positive"),
            ("latency", Q_(1, "ms"), "'latency' is not a valid TargetKind"),
        ],
    )
    def test_bad_targets_are_named(self, kind, value, message) -> None:
        with pytest.raises(ValidationError, match=message):
            ServiceTarget(kind, value)

    def test_a_target_must_be_a_quantity(self) -> None:
        with pytest.raises(ValidationError, match="must be a quantity"):
            ServiceTarget("availability", 99.9)

    def test_only_times_have_priorities(self) -> None:
        with pytest.raises(ValidationError, match="only response and resolution times"):
            ServiceTarget("availability", Q_(99, "percent"), priority="P1")

    def test_comparisons_know_which_way_is_better(self) -> None:
        assert ServiceTarget("performance", Q_(200, "ms")).met_by(Q_(0.15, "s"))
        assert not ServiceTarget("capacity", Q_(2, "TB")).met_by(Q_(1500, "GB"))
        with pytest.raises(ValidationError, match="cannot be compared"):
            ServiceTarget("capacity", Q_(2, "TB")).met_by(Q_(3, "s"))


class TestAgreements:
    def test_each_kind_names_its_party(self) -> None:
        with pytest.raises(ValidationError, match="OLA 'ola' needs its internal supplier"):
            Agreement("ola", "OLA", "", ["db"], [])

    def test_validity_must_be_ordered_and_aware(self) -> None:
        with pytest.raises(ValidationError, match="valid until"):
            sla(valid_from=JAN, valid_until=JAN - HOUR)
        with pytest.raises(ValidationError, match="no time zone"):
            sla(valid_from=datetime(2024, 1, 1))

    def test_targets_are_found_by_kind_and_priority(self) -> None:
        a = sla()
        assert a.target("resolution_time", "P1").time == 4 * HOUR
        assert a.target("resolution_time", "P2") is None
        assert a.review_due(date(2024, 12, 1)) and not a.review_due(date(2024, 11, 30))

    def test_a_changed_agreement_is_a_new_version(self) -> None:
        registry = Agreements()
        registry.add(sla())
        revised = registry.revise(
            "sla-shop",
            targets=[ServiceTarget("availability", Q_(99.9, "percent"))],
            effective_from=JAN,
        )
        assert revised.version == 2
        assert [a.version for a in registry.versions("sla-shop")] == [1, 2]
        assert registry.current("sla-shop") == revised

    def test_the_default_sla_applies_to_services_without_their_own(self) -> None:
        registry = Agreements()
        registry.add(sla())
        registry.add(sla(id="sla-default", party="", covers=[], default=True))
        assert registry.sla_for("shop", JAN).id == "sla-shop"
        assert registry.sla_for("mail", JAN).id == "sla-default"
        with pytest.raises(DuplicateError, match="default SLA already"):
            registry.add(sla(id="another", covers=[], default=True))

    def test_unknown_and_duplicate_ids_are_named(self) -> None:
        registry = Agreements()
        registry.add(sla())
        with pytest.raises(DuplicateError, match="'sla-shop' exists"):
            registry.add(sla())
        with pytest.raises(NotFoundError, match="'nope'"):
            registry.current("nope")

    def test_agreements_in_force(self) -> None:
        registry = Agreements()
        registry.add(sla(valid_from=JAN, valid_until=JAN + timedelta(days=365)))
        assert [a.id for a in registry.in_force(JAN + HOUR)] == ["sla-shop"]
        assert registry.in_force(JAN - HOUR) == []


class TestEvaluation:
    def registry(self) -> Agreements:
        registry = Agreements()
        registry.add(sla(calendar=BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"})))
        registry.add(
            Agreement(
                "ua-pay",
                "UA",
                "payco",
                ["payment"],
                [ServiceTarget("availability", Q_(99.9, "percent"))],
            )
        )
        return registry

    def test_every_target_is_evaluated_with_the_version_used(self) -> None:
        outages = [Outage("shop", JAN + 9 * HOUR, JAN + 10 * HOUR)]  # 1 h of 200 h: 99.5 %
        result = evaluate(
            self.registry(),
            JAN,
            JAN + timedelta(days=28),
            outages=outages,
            measurements={("sla-shop", "page load"): Q_(180, "ms")},
        )
        by_label = {(r.agreement, r.target.label): r for r in result.results}
        availability = by_label["sla-shop", "availability"]
        assert availability.version == 1
        assert availability.measured == Q_(Decimal("99.5"), "percent")
        assert availability.met is True
        assert availability.margin == Q_(Decimal("0"), "percent")
        assert availability.error_budget_left == timedelta(0)
        assert by_label["sla-shop", "page load"].met is True
        assert by_label["sla-shop", "page load"].margin == Q_(20, "ms")
        assert by_label["sla-shop", "storage"].met is None
        assert by_label["ua-pay", "availability"].met is True
        assert result.events == ()

    def test_a_violation_is_an_event_naming_agreement_party_and_values(self) -> None:
        outages = [Outage("payment", JAN, JAN + 2 * HOUR)]
        result = evaluate(self.registry(), JAN, JAN + timedelta(days=30), outages=outages)
        [event] = result.events
        assert (event.agreement, event.kind, event.party, event.subject) == (
            "ua-pay",
            "UA",
            "payco",
            "payment",
        )
        assert event.target_value == Q_(99.9, "percent")
        [violated] = result.violated
        assert violated.error_budget_left == timedelta(minutes=43, seconds=12) - 2 * HOUR

    def test_the_default_sla_covers_the_remaining_services(self) -> None:
        registry = self.registry()
        registry.add(
            Agreement(
                "sla-default",
                "SLA",
                "",
                [],
                [ServiceTarget("availability", Q_(99, "percent"))],
                default=True,
            )
        )
        result = evaluate(registry, JAN, JAN + timedelta(days=30), services=["shop", "mail"])
        assert {
            (r.agreement, r.subject) for r in result.results if r.target.kind == "availability"
        } == {("sla-shop", "shop"), ("ua-pay", "payment"), ("sla-default", "mail")}

    def test_a_period_must_not_end_before_it_starts(self) -> None:
        with pytest.raises(ValidationError, match="period ends before it starts"):
            evaluate(self.registry(), JAN, JAN - HOUR)


def shared_database() -> Cmdb:
    """Two redundant web servers (one needed) that both need one database."""
    cmdb = Cmdb(CmdbSchema(ci_types=["server", "database"]))
    cmdb.add_many(
        [
            ServiceNode("shop"),
            ComponentNode("web"),
            ComponentNode("db"),
            RedundancyGroup("pool", 1),
            ConfigurationItem("web1", "server"),
            ConfigurationItem("web2", "server"),
            ConfigurationItem("db1", "database"),
        ],
        [
            ("shop", "web"),
            ("web", "pool"),
            ("pool", "web1", "has_member"),
            ("pool", "web2", "has_member"),
            ("web1", "db"),
            ("web2", "db"),
            ("db", "db1"),
        ],
        actor="t",
        at=JAN,
    )
    return cmdb


class TestAlignment:
    def registry(self, sla_target: float, db_target: float = 99) -> Agreements:
        registry = Agreements()
        registry.add(
            sla(
                targets=[
                    ServiceTarget("availability", Q_(sla_target, "percent")),
                    ServiceTarget("resolution_time", Q_(4, "hour"), priority="P1"),
                ]
            )
        )
        registry.add(
            Agreement(
                "ola-web",
                "OLA",
                "web-team",
                ["web1", "web2"],
                [
                    ServiceTarget("availability", Q_(99, "percent")),
                    ServiceTarget("resolution_time", Q_(8, "hour"), priority="P1"),
                ],
            )
        )
        registry.add(
            Agreement(
                "ua-db",
                "UA",
                "dbco",
                ["db1"],
                [ServiceTarget("availability", Q_(db_target, "percent"))],
            )
        )
        return registry

    def test_an_sla_its_underpinning_cannot_support_is_reported(self) -> None:
        findings = check_alignment(self.registry(99.0), shared_database(), JAN)
        [availability] = [f for f in findings if f.problem == "availability"]
        assert availability.composite.value == Fraction(989901, 1000000)  # exact, sharing honoured
        assert "support only 98.9901 %" in availability.message
        assert availability.supporting == ("ola-web", "ua-db")

    def test_an_sla_within_reach_passes_the_availability_check(self) -> None:
        findings = check_alignment(self.registry(98.9), shared_database(), JAN)
        assert [f.problem for f in findings if f.problem == "availability"] == []

    def test_a_longer_supporting_resolution_time_is_reported(self) -> None:
        findings = check_alignment(self.registry(98.0), shared_database(), JAN)
        slow = [f for f in findings if f.problem == "resolution_time"]
        assert {f.supporting for f in slow} == {("ola-web",)}
        assert "allows 8 hour (resolution_time[P1]), longer than the 4 hour" in slow[0].message

    def test_nodes_without_an_underpinning_agreement_are_listed(self) -> None:
        findings = check_alignment(self.registry(98.0), shared_database(), JAN)
        [uncovered] = [f for f in findings if f.problem == "uncovered"]
        assert "web, db" in uncovered.message


class TestRebase:
    """Each agreement is its own unit of change (PR2.2): sets merge per agreement."""

    def _base(self) -> Agreements:
        base = Agreements()
        base.add(
            Agreement(
                "sla-a", "SLA", "c", ["a"], [ServiceTarget("availability", Q_(99, "percent"))]
            )
        )
        return base

    def test_new_agreements_on_both_sides_merge(self) -> None:
        base = self._base()
        mine, theirs = base.copy(), base.copy()
        mine.add(Agreement("sla-b", "SLA", "c", ["b"], []))
        theirs.revise("sla-a", party="d", effective_from=JAN)
        mine.rebase(theirs, base)
        assert (mine.current("sla-a").party, mine.current("sla-b").version) == ("d", 1)

    def test_two_default_slas_conflict_and_nothing_changes(self) -> None:
        base = self._base()
        mine, theirs = base.copy(), base.copy()
        mine.add(Agreement("sla-x", "SLA", "c", [], [], default=True))
        theirs.add(Agreement("sla-y", "SLA", "c", [], [], default=True))
        before = mine.copy()
        with pytest.raises(ConflictError, match="two default SLAs"):
            mine.rebase(theirs, base)
        assert mine == before
