"""Edge cases: time that must not run backwards, validity periods, DST gaps, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pint
import pytest

from fitsm import (
    Q_,
    Agreement,
    AuthorizationError,
    BusinessCalendar,
    Change,
    CiType,
    Cmdb,
    CmdbSchema,
    ConfigurationItem,
    FitsmError,
    Incident,
    NotFoundError,
    Outage,
    RedundancyGroup,
    Release,
    Service,
    ServiceNode,
    ServicePortfolio,
    ServiceTarget,
    StoreError,
    Supplier,
    ValidationError,
    evaluate,
    open_store,
)
from fitsm._validators import MAX_ID_LENGTH
from fitsm.cases import INCIDENT, ChangeCriteria, MajorIncidentCriteria, sla_clocks
from fitsm.clock import as_utc
from fitsm.cmdb import AttributeSpec, CmdbChangeRecord
from fitsm.desk import CaseDesk
from fitsm.service_levels import Agreements
from fitsm.storage import codec
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


class TestWhatEveryStoreKeeps:
    """Input refused when it is made, with a fitsm error naming it, the same for every backend."""

    @pytest.mark.parametrize("bad", ["\ud800", "a\udfffb", "a\x00b", "\x00"])
    @pytest.mark.parametrize(
        "make",
        [
            lambda v: ConfigurationItem(v, "server"),
            lambda v: ConfigurationItem("web1", "server", name=v),
            lambda v: ServiceNode("shop", v),
            lambda v: Service(v, "Shop"),
            lambda v: Supplier("dc", v, "internal"),
            lambda v: Outage(v, T0),
            lambda v: Incident(v, "x", T0, "ann"),
            lambda v: Agreement("sla", "SLA", v, ["shop"], []),
        ],
    )
    def test_nul_and_lone_surrogates_are_refused_in_ids_and_names(self, make, bad) -> None:
        with pytest.raises(ValidationError, match="NUL|surrogates") as e:
            make(bad)
        assert repr(bad) in str(e.value)

    def test_an_id_is_at_most_200_characters(self) -> None:
        assert ConfigurationItem("x" * MAX_ID_LENGTH, "server").id == "x" * 200
        with pytest.raises(ValidationError, match="at most 200 characters"):
            ConfigurationItem("x" * 201, "server")

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (
                10**5000,
                "integer between -2\\*\\*63 and 2\\*\\*63 - 1, got an integer of about 5001",
            ),
            (2**63, "integer between"),
            (float("nan"), "finite number, got nan"),
            (float("inf"), "finite number, got inf"),
            (-float("inf"), "finite number, got -inf"),
            (None, "string, a number or a boolean, got None"),
            ([1], "string, a number or a boolean, got \\[1\\]"),
        ],
        ids=["10**5000", "2**63", "nan", "inf", "-inf", "None", "list"],
    )
    def test_an_attribute_is_text_a_boolean_or_a_number_every_store_keeps(
        self, value, message
    ) -> None:
        with pytest.raises(ValidationError, match=message) as e:
            ConfigurationItem("db1", "database", attributes={"size": value})
        assert e.value.field == "size"

    @pytest.mark.parametrize(
        "moment",
        [
            datetime.max.replace(tzinfo=timezone(-H)),
            datetime.min.replace(tzinfo=timezone(H)),
        ],
    )
    def test_a_moment_utc_cannot_name_is_refused(self, moment) -> None:
        with pytest.raises(ValidationError, match="outside the years 1 to 9999 in UTC"):
            as_utc(moment, "at")
        with pytest.raises(ValidationError, match="outside the years 1 to 9999"):
            Outage("db1", moment)

    @pytest.mark.parametrize(
        ("make", "named"),
        [
            (lambda: Incident("I", "t", T0, "a", cis=5), "got 5"),
            (lambda: Incident("I", "t", T0, "a", owner=5), "Incident.owner"),
            (lambda: Incident("I", "t", T0, "a", service=5), "Incident.service"),
            (lambda: Incident("I", "t", T0, "a", major="yes"), "Incident.major"),
            (lambda: Incident("I", "t", T0, "a", priority=["P1"]), "Incident.priority"),
            (lambda: Change("C", "t", T0, "a", change_type="bogus"), "'bogus' is not a valid"),
            (lambda: Release("R", "t", T0, "a", strategy="big"), "'big' is not a valid"),
            (lambda: Release("R", "t", T0, "a", testing=3), "3 is not a valid TestingApproach"),
            (lambda: CmdbChangeRecord(T0, "a", "moved", "x"), "'moved' is not a valid"),
            (lambda: Service("s", "S", phase=5), "phase must be"),
            (lambda: Service("s", "S", target_customers=5), "got 5"),
            (lambda: Agreement("a", "SLA", "c", 5, []), "got 5"),
            (lambda: Agreement("a", "SLA", "c", [], 5), "got 5"),
            (lambda: Agreement("a", "SLA", "c", [], [], default="no"), "Agreement.default"),
            (lambda: Outage("db1", T0, planned="no"), "Outage.planned"),
            (lambda: AttributeSpec("cores", required="yes"), "AttributeSpec.required"),
            (lambda: CmdbSchema(5), "got 5"),
            (lambda: CiType("server", 5), "got 5"),
            (lambda: Cmdb(5), "CmdbSchema, got 5"),  # type: ignore[arg-type]
            (lambda: ServicePortfolio(lifecycle=5), "ServiceLifecycle, got 5"),
            (lambda: ChangeCriteria(major_from_services="3"), "major_from_services"),
            (lambda: MajorIncidentCriteria(priorities=1), "got 1"),
        ],
    )
    def test_a_wrong_type_is_a_validation_error_naming_it(self, make, named) -> None:
        with pytest.raises(ValidationError) as e:
            make()
        assert named in str(e.value)

    @pytest.mark.parametrize(
        "call",
        [
            lambda: Agreement("a", "SLA", "c", [], []).target("uptime"),
            lambda: Agreements().in_force(T0, "XLA"),
            lambda: sla_clocks([], Agreements(), T0, kind="wall"),
        ],
    )
    def test_an_unknown_kind_is_named_with_the_known_ones(self, call) -> None:
        with pytest.raises(ValidationError, match="is not a valid .*; expected one of"):
            call()

    def test_an_event_cannot_set_a_field_to_a_wrong_type(self) -> None:
        case = ready_incident()
        with pytest.raises(ValidationError, match="Incident.group must be"):
            INCIDENT.fire(case, "assign", actor="ann", at=T0, group=7)
        assert (case.status, case.group) == ("new", None)

    def test_a_quantity_of_another_pint_registry_is_refused(self) -> None:
        other = pint.UnitRegistry().Quantity(99, "percent")
        with pytest.raises(ValidationError, match="comes from another pint registry"):
            ServiceTarget("availability", other)
        with pytest.raises(ValidationError, match="finite number as magnitude"):
            ServiceTarget("performance", Q_(float("nan"), "ms"))

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ('{"$a": "Nope", "f": {}}', "unknown record type 'Nope'"),
            ("{}", "an empty object"),
            ('{"$a": "Supplier", "f": {"id": "x"}}', "cannot be read"),
            ('{"$q": [1]}', "cannot be read"),
            ("[", "not valid JSON"),
        ],
    )
    def test_a_damaged_stored_document_is_a_store_error(self, text, message) -> None:
        with pytest.raises(StoreError, match=message):
            codec.loads(text)
