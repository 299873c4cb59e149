"""Edge cases: time that must not run backwards, validity periods, DST gaps, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fitsm import (
    Q_,
    Agreement,
    AuthorizationError,
    BusinessCalendar,
    Cmdb,
    ConfigurationItem,
    FitsmError,
    Incident,
    NotFoundError,
    Outage,
    RedundancyGroup,
    ServiceTarget,
    ValidationError,
    evaluate,
    open_store,
)
from fitsm.cases import INCIDENT, sla_clocks
from fitsm.desk import CaseDesk
from fitsm.service_levels import Agreements
from fitsm.units import duration, to_fraction

T0 = datetime(2026, 6, 1, tzinfo=UTC)
H = timedelta(hours=1)


def ready_incident() -> Incident:
    return Incident("INC-1", "x", T0, "ann", category="c", impact="h", urgency="h", priority="P1")


class TestTimeMovesForward:
    def test_a_clock_read_in_the_past_ignores_later_history(self) -> None:
        registry = Agreements()
        registry.add(
            Agreement(
                "d",
                "SLA",
                "",
                [],
                [ServiceTarget("resolution_time", Q_(4, "hour"), priority="P1")],
                default=True,
            )
        )
        case = ready_incident()
        INCIDENT.fire(case, "assign", actor="ann", at=T0, group="g")
        INCIDENT.fire(case, "resolve", actor="ann", at=T0 + 5 * H, resolution="r")
        [clock] = sla_clocks([case], registry, T0 + H)
        assert (clock.elapsed, clock.running) == (H, True)

    def test_a_back_dated_event_is_refused(self) -> None:
        case = ready_incident()
        INCIDENT.fire(case, "assign", actor="ann", at=T0 + 3 * H, group="g")
        with pytest.raises(ValidationError, match="history only moves forward"):
            INCIDENT.fire(case, "start", actor="ann", at=T0 + H)
        assert case.status == "assigned"

    def test_the_actor_must_be_named(self) -> None:
        with pytest.raises(ValidationError, match="acting person"):
            INCIDENT.fire(ready_incident(), "assign", actor="", at=T0, group="g")


class TestAgreementValidity:
    def test_an_agreement_is_measured_only_while_in_force(self) -> None:
        registry = Agreements()
        registry.add(
            Agreement(
                "s",
                "SLA",
                "c",
                ["web"],
                [ServiceTarget("availability", Q_(99, "percent"))],
                valid_from=datetime(2026, 6, 16, tzinfo=UTC),
            )
        )
        outages = [
            Outage("web", datetime(2026, 6, 2, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC))
        ]
        [result] = evaluate(registry, T0, datetime(2026, 7, 1, tzinfo=UTC), outages=outages).results
        assert result.met is True and result.report.agreed_time == timedelta(days=15)

    def test_an_expired_default_sla_is_not_used_and_only_one_default_is_in_force(self) -> None:
        registry = Agreements()
        registry.add(
            Agreement(
                "d1", "SLA", "", [], [], default=True, valid_until=datetime(2025, 1, 1, tzinfo=UTC)
            )
        )
        registry.add(Agreement("s2", "SLA", "c", ["x"], []))
        assert registry.default_sla(T0) is None
        with pytest.raises(FitsmError, match="default SLA already: 'd1'"):
            registry.revise("s2", default=True, effective_from=datetime(2024, 6, 1, tzinfo=UTC))
        registry.revise("s2", default=True, effective_from=datetime(2025, 1, 1, tzinfo=UTC))
        assert registry.default_sla(T0).id == "s2"  # the successor of the expired one


class TestDaylightSavingGaps:
    def test_a_window_ending_in_the_spring_gap_ends_when_the_gap_does(self) -> None:
        cal = BusinessCalendar.from_rules({"sun": "01:00-02:30"}, zone="Europe/Berlin")
        day = datetime(2024, 3, 31, tzinfo=cal.tz)
        assert cal.service_time(day, day + timedelta(days=1)) == H  # 01:00 CET to 03:00 CEST

    def test_a_window_starting_in_the_gap_starts_when_the_gap_ends(self) -> None:
        cal = BusinessCalendar.from_rules({"sun": "02:30-04:00"}, zone="Europe/Berlin")
        day = datetime(2024, 3, 31, tzinfo=cal.tz)
        assert cal.windows(day, day + timedelta(days=1)).pairs() == [
            (datetime(2024, 3, 31, 1, tzinfo=UTC), datetime(2024, 3, 31, 2, tzinfo=UTC))
        ]


class TestRegistering:
    def test_a_refused_registration_leaves_the_callers_case_alone(self) -> None:
        desk = CaseDesk(open_store("memory://"))
        case = Incident("INC-1", "x", T0, "ann", category="c")
        with pytest.raises(AuthorizationError):
            desk.register_incident(case, actor="nobody", impact="high", urgency="high")
        assert (case.status, case.priority, case.history) == ("new", None, ())


class TestCmdbEdges:
    def test_a_redundancy_group_comes_with_its_members(self, shop: Cmdb) -> None:
        with pytest.raises(ValidationError, match="needs its members at once"):
            shop.add(RedundancyGroup("pool2", 2), actor="ann", at=T0)

    def test_a_report_does_not_break_when_the_cmdb_changes(self, shop: Cmdb) -> None:
        sparse = shop.impact("db1")
        dense = shop.impact("db1", strategy="dense")
        shop.add(ConfigurationItem("sw9", "switch"), actor="ann", at=T0)
        shop.remove("shop", actor="ann", at=T0)
        assert sparse.services_down == {"shop"}
        with pytest.raises(NotFoundError):
            dense.status("sw9")


@pytest.mark.parametrize(
    "call",
    [
        lambda: to_fraction(float("nan")),
        lambda: duration(Q_(1e20, "day")),
        lambda: Q_("4 +"),
        lambda: BusinessCalendar.from_rules({"mon": 5}),
        lambda: BusinessCalendar.from_rules({1: "08:00-09:00"}),
        lambda: Incident("I", "t", T0, "a", status="bogus"),
        lambda: INCIDENT.fire(ready_incident(), "assign", actor="a", at=T0, group="g", copy=1),
    ],
)
def test_bad_input_raises_a_fitsm_error(call) -> None:
    with pytest.raises(FitsmError):
        call()


def test_changes_to_the_cmdb_need_an_actor(shop: Cmdb) -> None:
    with pytest.raises(ValidationError, match="actor must be a non-empty id, got None"):
        shop.add(ConfigurationItem("sw9", "switch"), actor=None, at=T0)  # type: ignore[arg-type]
    assert "sw9" not in shop
