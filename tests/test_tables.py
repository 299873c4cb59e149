"""Results as tables: records hold the objects' values, frames are typed, HTML is escaped."""

from __future__ import annotations

import itertools
import pickle
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given

from fitsm import (
    Q_,
    Agreement,
    BusinessCalendar,
    Change,
    Cmdb,
    CmdbSchema,
    FitsmError,
    Incident,
    Outage,
    ServiceTarget,
    ValidationError,
    evaluate,
    measure_availability,
)
from fitsm.availability import AvailabilityReport, ContinuityCheck
from fitsm.cases import (
    Case,
    ScheduleConflict,
    SlaClock,
    change_schedule,
    schedule_conflicts,
    sla_clocks,
)
from fitsm.cmdb import (
    BlastRadius,
    ConfigurationItem,
    Dependency,
    Difference,
    DiscoveredState,
    ImpactedService,
    ImpactReport,
    Relationship,
    ServiceNode,
    VerificationReport,
    verify,
)
from fitsm.conformance import AuditFinding, Step, SubjectLevel
from fitsm.errors import MissingExtraError
from fitsm.service_levels import Agreements, ErrorBudget, TargetEvaluation, error_budget
from fitsm.tables import Column, ColumnKind, Columns, Rows, Table, frame, records, to_frame
from tests.strategies import graphs_with_failures

T0 = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday
H = timedelta(hours=1)
OFFICE = BusinessCalendar.from_rules({"mon-fri": "09:00-17:00"}, name="office")
SCRIPT = "<script>alert(1)</script>"


# -- what every table must be ------------------------------------------------------------


def plain(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as plain values, NA as None, to compare with records."""
    rows = df.astype(object).where(df.notna(), None).to_dict("records")
    return [
        {k: (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v) for k, v in row.items()}
        for row in rows
    ]


def assert_typed(df: pd.DataFrame, columns: Columns) -> None:
    """Every column has the type its kind gives; object only for VALUE columns."""
    assert tuple(df.columns) == columns.names
    for column in columns:
        dtype = df[column.name].dtype
        if column.kind is ColumnKind.CATEGORY:
            assert isinstance(dtype, pd.CategoricalDtype), column.name
            assert tuple(dtype.categories) == column.categories, column.name
        else:
            assert str(dtype) == column.dtype, (column.name, dtype)
        assert (str(dtype) == "object") == (column.kind is ColumnKind.VALUE), column.name


def assert_table(result: Any, columns: Columns) -> list[dict[str, Any]]:
    """Records, ISO records and the frame agree; returns the records."""
    found = records(result)
    assert all(tuple(r) == columns.names for r in found)
    df = frame(result)
    assert_typed(df, columns)
    assert plain(df) == found
    iso = records(result, iso=True)
    for row, text in zip(found, iso, strict=True):
        for column in columns:
            value = row[column.name]
            if column.kind is ColumnKind.INSTANT and value is not None:
                assert text[column.name] == value.isoformat()
                assert value.tzinfo is UTC
            else:
                assert text[column.name] == value
    return found


# -- results to tabulate -----------------------------------------------------------------


def outages() -> list[Outage]:
    return [
        Outage("shop", T0 + 10 * H, T0 + 11 * H + timedelta(minutes=30)),
        Outage("shop", T0 + 24 * H + 9 * H, T0 + 24 * H + 10 * H, "degraded"),
        Outage("shop", T0 + 48 * H + 12 * H, T0 + 48 * H + 13 * H, planned=True),
    ]


def shop_agreements() -> Agreements:
    registry = Agreements()
    registry.add(
        Agreement(
            "sla-shop",
            "SLA",
            "customer",
            ["shop"],
            [
                ServiceTarget("availability", Q_(99.9, "percent")),
                ServiceTarget("response_time", Q_(30, "minute"), priority="P1"),
                ServiceTarget("resolution_time", Q_(4, "hour"), priority="P1"),
                ServiceTarget("performance", Q_(200, "millisecond"), name="latency"),
            ],
            calendar=OFFICE,
        )
    )
    return registry


def incident(case_id: str = "INC-1", priority: str | None = "P1", **fields: Any) -> Incident:
    return Incident(
        case_id, "Shop slow", T0 + 10 * H, "ann", service="shop", priority=priority, **fields
    )


class TestAvailabilityReport:
    def test_one_row_with_the_report_values(self) -> None:
        report = measure_availability(outages(), "shop", OFFICE, T0, T0 + 7 * 24 * H)
        [row] = assert_table(report, report.columns)
        assert row["subject"] == "shop"
        assert (row["start"], row["end"]) == (report.start, report.end)
        assert row["availability"] == float(report.availability)
        assert row["availability_pct"] == pytest.approx(float(report.percent))
        assert row["downtime_s"] == report.downtime.total_seconds() == 5400
        # five days of eight hours, less the planned hour on Wednesday
        assert row["agreed_time_s"] == report.agreed_time.total_seconds() == 39 * 3600
        assert row["mtrs_s"] == report.mtrs.total_seconds()
        assert row["outages"] == report.outages == 1
        assert row["maintenance"] == "exclude"
        assert row["business_hours"] is True

    def test_without_outages_the_means_are_empty_and_nullable(self) -> None:
        report = measure_availability([], "mail", BusinessCalendar.always(), T0, T0 + 24 * H)
        [row] = assert_table(report, report.columns)
        assert row["mtrs_s"] is None and row["availability"] == 1.0
        assert row["business_hours"] is False
        assert pd.isna(report.to_frame()["mtrs_s"][0])

    def test_reports_of_many_months_make_one_frame(self) -> None:
        months = [T0, datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)]
        reports = [
            measure_availability(outages(), "shop", OFFICE, a, b)
            for a, b in itertools.pairwise(months)
        ]
        df = frame(reports)
        assert len(df) == 2 and list(df["outages"]) == [1, 0]
        assert_typed(df, reports[0].columns)

    def test_a_report_without_agreed_time_has_no_availability(self) -> None:
        closed = BusinessCalendar.from_rules({"sat": "09:00-10:00"})
        report = measure_availability([], "shop", closed, T0, T0 + 24 * H)
        [row] = report.to_records()
        assert row["availability"] is None and row["availability_pct"] is None


class TestEvaluation:
    @pytest.fixture
    def evaluation(self):
        return evaluate(
            shop_agreements(),
            T0,
            T0 + 7 * 24 * H,
            outages=outages(),
            measurements={("sla-shop", "latency"): Q_(Decimal("0.25"), "second")},
        )

    def test_one_row_per_target_with_plain_numbers_in_the_target_unit(self, evaluation) -> None:
        rows = assert_table(evaluation, evaluation.columns)
        assert [r["target"] for r in rows] == [
            "availability",
            "response_time[P1]",
            "resolution_time[P1]",
            "latency",
        ]
        availability, response, _, latency = rows
        assert availability["unit"] == "percent" and availability["target_value"] == 99.9
        result = evaluation.results[0]
        assert availability["measured"] == float(result.measured.magnitude)
        assert availability["margin"] == float(result.margin.magnitude) < 0
        assert availability["met"] is False
        assert availability["error_budget_left_s"] == result.error_budget_left.total_seconds()
        assert availability["error_budget_left_s"] < 0
        assert availability["availability"] == float(result.report.availability)
        assert response["met"] is None and response["measured"] is None
        assert response["priority"] == "P1" and response["target_kind"] == "response_time"
        # 0.25 s measured against a 200 ms target: in the target's unit, 50 ms too slow
        assert latency["unit"] == "millisecond"
        assert latency["measured"] == pytest.approx(250.0)
        assert latency["margin"] == pytest.approx(-50.0)
        assert latency["met"] is False

    def test_the_frame_has_no_object_columns(self, evaluation) -> None:
        df = evaluation.to_frame()
        assert "object" not in {str(dtype) for dtype in df.dtypes}
        assert str(df["met"].dtype) == "boolean" and str(df["measured"].dtype) == "Float64"

    def test_an_overspent_budget_prints_signed_and_readable(self, evaluation) -> None:
        shown = repr(evaluation.results[0])
        assert "error budget left -1 business h 27 min 39.6 s" in shown
        assert "days=-1" not in shown and "violated" in shown


class TestErrorBudget:
    def test_one_row_of_ratios_percentages_and_seconds(self) -> None:
        budget = error_budget(Q_(99.9, "percent"), Q_(30, "day"))
        [row] = assert_table(budget, ErrorBudget.columns)
        assert row == {
            "target": 0.999,
            "target_pct": 99.9,
            "window_s": 2_592_000.0,
            "allowed_s": 2592.0,
            "allowed_share": 0.001,
            "allowed_pct": 0.1,
        }

    def test_its_repr_says_target_window_and_allowance_readably(self) -> None:
        budget = error_budget(Fraction(2, 3), timedelta(days=3))
        assert repr(budget) == "<ErrorBudget 66.6666666667 % over 3 d: 1 d allowed>"


class TestImpactReport:
    def test_one_row_per_impacted_node_services_first(self, shop: Cmdb) -> None:
        report = shop.impact("web1")
        rows = assert_table(report, ImpactReport.columns)
        assert [(r["id"], r["kind"], r["status"]) for r in rows] == [
            ("shop", "service", "degraded"),
            ("frontend", "service_component", "degraded"),
            ("web1", "configuration_item", "down"),
            ("web-pool", "redundancy_group", "degraded"),
        ]
        assert rows[0]["explanation"] == report.explain("shop")
        assert rows[0]["cause"] == "web1" and rows[0]["depth"] == 3
        assert [r["failed"] for r in rows] == [False, False, True, False]

    @given(graphs_with_failures())
    def test_every_row_says_what_the_report_says_with_either_engine(self, case) -> None:
        graph, failed = case
        cmdb = graph.cmdb()
        sparse = cmdb.impact(failed, strategy="sparse")
        dense = cmdb.impact(failed, strategy="dense")
        # the engines may explain a node by different paths of the same length or not
        same = ("id", "kind", "status", "failed")
        assert [{k: r[k] for k in same} for r in dense.to_records()] == [
            {k: r[k] for k in same} for r in sparse.to_records()
        ]
        for report in (sparse, dense):
            rows = report.to_records()
            assert {r["id"] for r in rows} == report.down | report.degraded
            for row in rows:
                path = report.path(row["id"])
                assert row["status"] == report.status(row["id"]).value
                assert row["explanation"] == report.explain(row["id"])
                assert (row["cause"], row["depth"]) == (path[-1], len(path) - 1)
                assert row["failed"] == (row["id"] in failed)

    def test_the_frame_is_typed(self, shop: Cmdb) -> None:
        df = shop.impact(["sw1"], strategy="dense").to_frame()
        assert_typed(df, ImpactReport.columns)
        assert set(df.loc[df["status"] == "down", "id"]) == shop.impact("sw1").down


class TestLists:
    def test_dependencies_spof_blast_radius_and_impacted_services_are_tables(
        self, shop: Cmdb
    ) -> None:
        deps = shop.dependencies("shop")
        assert isinstance(deps, Rows) and deps.columns is Dependency.columns
        rows = assert_table(deps, Dependency.columns)
        assert rows == [{"id": d.id, "kind": d.kind.value, "depth": d.depth} for d in deps]

        spof = shop.single_points_of_failure("shop")
        assert spof == ["db1", "sw1"]
        assert assert_table(spof, spof.columns) == [
            {"id": "db1", "kind": "configuration_item", "depth": 2},
            {"id": "sw1", "kind": "configuration_item", "depth": 3},
        ]

        ranked = shop.blast_radius(top=2)
        rows = assert_table(ranked, BlastRadius.columns)
        assert rows == [
            {"ci": b.ci, "services_down": b.services_down, "services_degraded": b.services_degraded}
            for b in ranked
        ]

        services = shop.impact(["web1", "web2"]).impacted_services()
        rows = assert_table(services, ImpactedService.columns)
        assert rows == [
            {"id": "shop", "status": "down", "path": "shop -> frontend -> web-pool -> web1"}
        ]

    def test_sla_clocks_are_a_table_in_seconds_of_service_time(self) -> None:
        case = incident()
        clocks = sla_clocks([case], shop_agreements(), T0 + 24 * H + 11 * H)
        [row] = assert_table(clocks, SlaClock.columns)
        [clock] = clocks
        assert row["case"] == "INC-1" and row["kind"] == "resolution_time"
        assert row["elapsed_s"] == clock.elapsed.total_seconds() == 9 * 3600
        assert row["target_s"] == 4 * 3600 and row["remaining_s"] == -5 * 3600
        assert row["used"] == 2.25 and row["breached"] is True and row["business_hours"] is True
        assert row["breached_at"] == clock.breached_at and row["warned_at"] == clock.warned_at
        assert row["version"] == 1 and row["agreement"] == "sla-shop"

    def test_a_clock_without_agreement_has_empty_cells(self) -> None:
        case = incident(priority=None)
        clocks = sla_clocks([case], Agreements(), T0 + 12 * H)
        [row] = assert_table(clocks, SlaClock.columns)
        assert row["agreement"] is None and row["target_s"] is None and row["used"] is None
        df = clocks.to_frame()
        assert str(df["version"].dtype) == "Int64" and str(df["target_s"].dtype) == "Float64"

    def test_schedule_and_conflicts_are_tables(self) -> None:
        def planned(cid: str, hour: int, cis: tuple[str, ...]) -> Change:
            return Change(
                cid,
                "upgrade",
                T0,
                "carl",
                status="approved",
                cis=cis,
                planned_start=T0 + hour * H,
                planned_end=T0 + (hour + 2) * H,
                impacted_services=("shop",),
            )

        changes = [planned("CHG-1", 1, ("db1",)), planned("CHG-2", 2, ("db1", "sw1"))]
        maintenance = {"shop": BusinessCalendar.from_rules({"sun": "00:00-06:00"})}
        conflicts = schedule_conflicts(changes, maintenance=maintenance)
        rows = assert_table(conflicts, conflicts.columns)
        assert rows[0] == {
            "problem": "same_ci",
            "change": "CHG-1",
            "other_change": "CHG-2",
            "detail": "both change db1",
        }
        assert rows[1]["problem"] == "outside_maintenance" and rows[1]["other_change"] is None
        schedule = change_schedule(changes)
        rows = assert_table(schedule, Case.columns)
        assert [r["id"] for r in rows] == ["CHG-1", "CHG-2"]
        assert rows[1]["cis"] == "db1, sw1" and rows[1]["priority"] is None

    def test_cases_of_any_type_make_one_table(self) -> None:
        cases = [
            incident(cis=("db1",)),
            Change("CHG-1", "swap disk", T0 + 2 * H, "carl", service="shop", owner="carl"),
        ]
        rows = assert_table(cases, Case.columns)
        assert [(r["id"], r["kind"], r["status"], r["priority"]) for r in rows] == [
            ("INC-1", "incident", "new", "P1"),
            ("CHG-1", "change", "new", None),
        ]
        assert rows[0]["updated_at"] == rows[0]["registered_at"] == T0 + 10 * H

    def test_verification_findings_are_one_table(self, shop: Cmdb) -> None:
        found = DiscoveredState(
            [
                ConfigurationItem("web1", "server", attributes={"hostname": "web-1"}),
                ConfigurationItem("web9", "server", attributes={"hostname": "web9"}),
            ],
            [Relationship("web1", "web9", "connects_to")],
        )
        report = verify(shop, found)
        rows = assert_table(report, report.columns)
        assert [(r["finding"], r["item"]) for r in rows] == [
            ("missing_ci", "web2"),
            ("missing_ci", "web3"),
            ("unexpected_ci", "web9"),
            ("unexpected_relationship", "web1 -> web9"),
            ("different", "web1"),
        ]
        assert rows[-1] == {
            "finding": "different",
            "item": "web1",
            "field": "hostname",
            "recorded": "web1",
            "discovered": "web-1",
        }
        assert rows[3]["discovered"] == "connects_to" and rows[3]["recorded"] is None
        differences = Rows(report.different, columns=report.different[0].columns)
        assert_table(differences, differences.columns)


# -- the kernel ---------------------------------------------------------------------------


class TestRows:
    def test_rows_are_a_list_in_every_way_that_shows(self) -> None:
        ranked = Rows([BlastRadius("a", 1, 0), BlastRadius("b", 0, 1)], columns=BlastRadius.columns)
        assert ranked == [BlastRadius("a", 1, 0), BlastRadius("b", 0, 1)]
        assert repr(ranked) == repr(list(ranked))
        assert type(ranked + [BlastRadius("c", 0, 0)]) is list  # noqa: RUF005 - the point
        head = ranked[:1]
        assert isinstance(head, Rows) and head.columns is BlastRadius.columns
        assert ranked[0] == BlastRadius("a", 1, 0)
        assert isinstance(ranked, Table)

    def test_rows_survive_pickling_with_their_table(self, shop: Cmdb) -> None:
        spof = shop.single_points_of_failure("shop")
        again = pickle.loads(pickle.dumps(spof))
        assert again == spof and again.to_records() == spof.to_records()

    def test_an_empty_list_keeps_its_typed_columns(self) -> None:
        empty = Rows([], columns=SlaClock.columns)
        assert empty.to_records() == []
        assert_typed(empty.to_frame(), SlaClock.columns)
        assert_typed(Case.columns.frame([]), Case.columns)
        assert records([]) == [] and frame([]).empty

    def test_results_of_different_kinds_do_not_share_a_table(self) -> None:
        with pytest.raises(ValidationError, match="different kinds.*BlastRadius and Dependency"):
            records([BlastRadius("a", 1, 0), Dependency("b", "service", 1)])

    def test_things_without_a_table_are_refused_by_name(self) -> None:
        with pytest.raises(ValidationError, match="str 'db1' is not a fitsm result"):
            frame(["db1"])


class TestColumns:
    def test_a_category_needs_its_categories_and_refuses_others(self) -> None:
        with pytest.raises(ValidationError, match="categories belong to"):
            Column("state", "category")
        with pytest.raises(ValidationError, match="categories belong to"):
            Column("state", "string", categories=("up",))
        column = Column("state", "category", categories=("up", "down"))
        with pytest.raises(ValidationError, match="column 'state': 'sideways' is not one of up"):
            column.cell("sideways")

    def test_unknown_kinds_and_twice_named_columns_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="'decimal' is not a column kind; expected"):
            Column("x", "decimal")
        with pytest.raises(ValidationError, match="unique, got x twice"):
            Columns(Column("x", "int"), Column("x", "float"))
        with pytest.raises(ValidationError, match="no column 'y'; expected one of x"):
            Columns(Column("x", "int"))["y"]

    def test_cells_check_what_they_get(self) -> None:
        with pytest.raises(ValidationError, match="column 'n' may not be empty"):
            Column("n", "int").cell(None)
        with pytest.raises(ValidationError, match="'d_s' needs a timedelta, got 3"):
            Column("d_s", "seconds").cell(3)
        with pytest.raises(ValidationError, match="'at' needs an aware datetime"):
            Column("at", "instant").cell(datetime(2024, 1, 1))
        berlin = datetime(2024, 1, 1, 1, tzinfo=BusinessCalendar.always("Europe/Berlin").tz)
        assert Column("at", "instant").cell(berlin) == datetime(2024, 1, 1, tzinfo=UTC)
        assert Column("at", "instant").cell(berlin, iso=True) == "2024-01-01T00:00:00+00:00"

    def test_to_frame_refuses_keys_without_a_type_and_stray_categories(self) -> None:
        with pytest.raises(ValidationError, match="columns extra have no type; expected only a"):
            to_frame([{"a": 1, "extra": 2}], {"a": "int64"})
        with pytest.raises(ValidationError, match="column 'a': 'x' is not one of y"):
            to_frame({"a": ["x"]}, {"a": ("y",)})

    def test_to_frame_takes_records_or_columns_alike(self) -> None:
        dtypes = {"a": "Int64", "b": ("p", "q")}
        by_rows = to_frame([{"a": 1, "b": "p"}, {"a": None, "b": None}], dtypes)
        by_columns = to_frame({"a": [1, None], "b": ["p", None]}, dtypes)
        pd.testing.assert_frame_equal(by_rows, by_columns)
        assert str(by_rows["a"].dtype) == "Int64"


# -- HTML ---------------------------------------------------------------------------------


class TestHtml:
    def test_every_value_is_escaped(self) -> None:
        cmdb = Cmdb(CmdbSchema(ci_types=["server"]))
        cmdb.add_many(
            [ServiceNode(SCRIPT), ConfigurationItem("db & co", "server")],
            [(SCRIPT, "db & co")],
            actor="ann",
            at=T0,
        )
        report = measure_availability([Outage(SCRIPT, T0, T0 + H)], SCRIPT, OFFICE, T0, T0 + 24 * H)
        clocks = sla_clocks([incident(SCRIPT)], shop_agreements(), T0 + 12 * H)
        agreements = Agreements()
        agreements.add(
            Agreement(SCRIPT, "SLA", SCRIPT, [SCRIPT], [ServiceTarget("availability", Q_(99, "%"))])
        )
        evaluation = evaluate(agreements, T0, T0 + 24 * H, outages=[Outage(SCRIPT, T0, T0 + H)])
        verification = verify(
            cmdb,
            DiscoveredState([ConfigurationItem("db & co", "server", attributes={"a": SCRIPT})]),
        )
        with_script: list[Callable[[], str]] = [
            cmdb.impact("db & co")._repr_html_,
            Rows([Dependency(SCRIPT, "service", 1)], columns=Dependency.columns)._repr_html_,
            report._repr_html_,
            clocks[0]._repr_html_,
            clocks._repr_html_,
            evaluation._repr_html_,
            verification._repr_html_,
        ]
        for html in (show() for show in with_script):
            assert html.startswith('<table class="fitsm">') and html.endswith("</table>")
            assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        for html in (cmdb.dependencies(SCRIPT)._repr_html_(), verification._repr_html_()):
            assert "db & co" not in html and "db &amp; co" in html
        assert "<td>43 min 12 s</td>" in error_budget(0.999, timedelta(days=30))._repr_html_()

    def test_durations_read_as_durations_and_long_tables_say_how_many_more(self) -> None:
        clocks = sla_clocks(
            [incident(f"INC-{i}") for i in range(60)], shop_agreements(), T0 + 12 * H
        )
        html = clocks._repr_html_()
        assert html.count("<tr>") == 1 + 50 + 1 and "… and 10 more" in html
        assert "<td>2 business h</td>" in html and "<td>4 business h</td>" in html
        assert "<caption>60 rows</caption>" in html


# -- pandas is optional -------------------------------------------------------------------


class TestPandasIsOptional:
    def test_to_frame_without_pandas_names_the_extra(self, monkeypatch, shop: Cmdb) -> None:
        monkeypatch.setitem(sys.modules, "pandas", None)
        report = shop.impact("db1")
        assert report.to_records()  # records need no pandas
        with pytest.raises(MissingExtraError) as raised:
            report.to_frame()
        assert isinstance(raised.value, ImportError) and isinstance(raised.value, FitsmError)
        assert str(raised.value) == (
            "to_frame needs the optional extra 'pandas': pip install 'fitsm[pandas]'"
        )
        with pytest.raises(MissingExtraError):
            shop.dependencies("shop").to_frame()

    def test_the_core_imports_and_tabulates_without_loading_pandas(self) -> None:
        code = """
import sys
from datetime import timedelta
import fitsm, fitsm.availability, fitsm.cases, fitsm.cmdb, fitsm.desk, fitsm.service_levels
import fitsm.storage, fitsm.tables, fitsm.interop
from fitsm.service_levels import error_budget
budget = error_budget(0.999, timedelta(days=30))
assert budget.to_records()[0]["allowed_s"] == 2592.0 and "<table" in budget._repr_html_()
print(sorted(m for m in sys.modules if m.split(".")[0] == "pandas"))
"""
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert done.stdout.strip() == "[]", done.stderr


# -- the docs -----------------------------------------------------------------------------


class TestColumnReference:
    @pytest.mark.parametrize(
        ("section", "columns"),
        [
            ("AvailabilityReport", AvailabilityReport.columns),
            ("Evaluation", TargetEvaluation.columns),
            ("ErrorBudget", ErrorBudget.columns),
            ("ImpactReport", ImpactReport.columns),
            ("ImpactedService", ImpactedService.columns),
            ("Dependency", Dependency.columns),
            ("BlastRadius", BlastRadius.columns),
            ("VerificationReport", VerificationReport.columns),
            ("Difference", Difference.columns),
            ("SlaClock", SlaClock.columns),
            ("ScheduleConflict", ScheduleConflict.columns),
            ("Case", Case.columns),
            ("ContinuityCheck", ContinuityCheck.columns),
            ("AuditFinding", AuditFinding.columns),
            ("SubjectLevel", SubjectLevel.columns),
            ("Step", Step.columns),
        ],
    )
    def test_the_docs_list_every_column_as_the_code_declares_it(
        self, section: str, columns: Columns
    ) -> None:
        text = (Path(__file__).parent.parent / "docs" / "tables.md").read_text()
        listed = text.split(f"\n### {section}\n")[1].split("\n### ")[0]
        for column in columns:
            if column.kind is ColumnKind.CATEGORY:
                dtype = "`category`: " + ", ".join(column.categories)
            else:
                dtype = f"`{column.dtype}`"
            empty = "yes" if column.nullable else ""
            line = f"| `{column.name}` | {column.kind.value} | {dtype} | {empty} |"
            assert line in listed, line
        assert listed.count("\n| `") == len(columns)
