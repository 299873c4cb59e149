"""Pictures (issue 11): what each figure shows, checked on the matplotlib objects, not pixels."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from fitsm import (
    Q_,
    Agreement,
    BusinessCalendar,
    Cmdb,
    FitsmError,
    NotFoundError,
    Outage,
    ServiceTarget,
    ValidationError,
    evaluate,
    measure_availability,
)
from fitsm.cases import CASE_TYPES, CHANGE, INCIDENT
from fitsm.cmdb import STATE_COLOURS, CmdbSchema, ConfigurationItem, NodeKind, ServiceNode
from fitsm.errors import MissingExtraError, NaiveDatetimeError
from fitsm.plotting import (
    availability_timeline,
    compliance_heatmap,
    dependency_graph,
    lifecycle_diagram,
)
from fitsm.service_levels import Agreements
from tests.conftest import AT

PNG = b"\x89PNG\r\n\x1a\n"
NONE = "\N{EN DASH}"
"""What a heatmap cell without a measurement shows."""
MARCH = datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 3, 31, tzinfo=UTC)


def png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def day(d: int, h: int = 0, m: int = 0) -> datetime:
    return datetime(2024, 3, d, h, m, tzinfo=UTC)


def legend_labels(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def node_colours(ax: Any) -> dict[str, tuple[str, float]]:
    """Label -> (fill colour, border width) of each node drawn by dependency_graph."""
    nodes: dict[tuple[float, float], tuple[str, float]] = {}
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and collection.get_gid() in set(NodeKind):
            widths = collection.get_linewidths()
            for i, (x, y) in enumerate(collection.get_offsets()):
                colour = to_hex(collection.get_facecolors()[i]).upper()
                nodes[round(x, 3), round(y, 3)] = (colour, float(widths[i % len(widths)]))
    found = {}
    for text in ax.texts:
        x, y = text.get_position()
        key = (round(x, 3), round(y + 0.27, 3))
        if key in nodes:
            found[text.get_text()] = nodes[key]
    return found


@pytest.fixture
def outages() -> list[Outage]:
    return [
        Outage("shop", day(4, 10), day(4, 12)),  # 2 h down
        Outage("shop", day(9, 2), day(9, 4), planned=True),
        Outage("shop", day(12, 14), day(12, 14, 30), "degraded"),
        Outage("shop", datetime(2024, 2, 28, tzinfo=UTC), datetime(2024, 2, 29, tzinfo=UTC)),
        Outage("mail", day(5, 1), day(5, 2)),
    ]


class TestWithoutMatplotlib:
    def test_the_core_and_the_exports_import_and_run_without_matplotlib(self) -> None:
        code = (
            "import sys; sys.modules['matplotlib'] = None\n"
            "import fitsm, fitsm.cmdb, fitsm.plotting, fitsm.availability, fitsm.service_levels\n"
            "from fitsm.cmdb import Cmdb, to_dot, to_graphml, to_mermaid\n"
            "print(to_dot(Cmdb()).splitlines()[0], len(to_graphml(Cmdb())) > 0)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stdout.split() == ["digraph", '"default"', "{", "True"]

    def test_importing_fitsm_and_its_areas_loads_no_matplotlib(self) -> None:
        code = (
            "import sys, fitsm, fitsm.cmdb, fitsm.plotting, fitsm.availability\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "[]"

    @pytest.mark.parametrize(
        "draw",
        [
            pytest.param(lambda: availability_timeline([], "shop", *MARCH), id="timeline"),
            pytest.param(lambda: dependency_graph(Cmdb(), "x"), id="dependencies"),
            pytest.param(lambda: compliance_heatmap({}, []), id="heatmap"),
            pytest.param(lambda: lifecycle_diagram(INCIDENT), id="lifecycle"),
        ],
    )
    def test_drawing_without_matplotlib_names_the_extra(
        self, draw: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        with pytest.raises(MissingExtraError) as caught:
            draw()
        assert "needs the optional extra 'plot': pip install 'fitsm[plot]'" in str(caught.value)
        assert isinstance(caught.value, ImportError)
        assert isinstance(caught.value, FitsmError)


class TestAvailabilityTimeline:
    def test_it_renders_to_png(self, outages: list[Outage]) -> None:
        fig, _ = availability_timeline(outages, "shop", *MARCH, target=Q_(99.5, "percent"))
        assert png(fig).startswith(PNG)

    def test_a_bar_per_outage_of_the_subject_in_the_period(self, outages: list[Outage]) -> None:
        _, ax = availability_timeline(outages, "shop", *MARCH)
        assert len(ax.patches) == 3  # not February's, not mail's
        colours = [to_hex(p.get_facecolor()).upper() for p in ax.patches]
        assert colours == ["#D55E00", "#56B4E9", "#E69F00"]

    def test_planned_outages_are_drawn_apart(self, outages: list[Outage]) -> None:
        _, ax = availability_timeline(outages, "shop", *MARCH, target=0.995)
        hatches = [p.get_hatch() for p in ax.patches]
        assert hatches == [None, "//", None]
        assert legend_labels(ax) == [
            "outage (down)",
            "planned maintenance",
            "outage (degraded)",
            "availability so far",
            "target 99.5 %",
        ]

    def test_the_line_ends_at_the_measured_availability(self, outages: list[Outage]) -> None:
        calendar = BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"}, zone="Europe/Berlin")
        _, ax = availability_timeline(outages, "shop", *MARCH, calendar=calendar)
        line = ax.get_lines()[0]
        report = measure_availability(outages, "shop", calendar, *MARCH)
        assert report.availability is not None
        assert line.get_ydata()[-1] == pytest.approx(float(report.availability * 100))
        assert len(line.get_xdata()) >= 200

    def test_the_target_line_and_the_error_budget_left(self, outages: list[Outage]) -> None:
        _, ax = availability_timeline(outages, "shop", *MARCH, target=Q_(99.5, "percent"))
        target = ax.get_lines()[1]
        assert list(target.get_ydata()) == [99.5, 99.5]
        # 30 days 24x7 less 2 h planned: 718 h agreed, 2 h down; 99.5 % allows 3 h 35 min 24 s
        assert ax.texts[0].get_text() == (
            "availability 99.721 % (target 99.5 %)\n"
            "error budget left: 1 h 35 min of 3 h 35 min (44 %)"
        )

    def test_an_overspent_budget_says_by_how_much(self, outages: list[Outage]) -> None:
        target = ServiceTarget("availability", Q_(99.9, "percent"))
        _, ax = availability_timeline(outages, "shop", *MARCH, target=target)
        assert ax.texts[0].get_text().splitlines()[1] == (
            "error budget overspent by 1 h 16 min (279 % used)"
        )

    def test_the_title_names_the_subject_and_the_period(self, outages: list[Outage]) -> None:
        calendar = BusinessCalendar.always("Europe/Berlin")
        start = datetime(2024, 3, 1, tzinfo=calendar.tz)
        _, ax = availability_timeline(
            outages, "shop", start, start + timedelta(days=7), calendar=calendar
        )
        assert ax.get_title() == "Availability of shop, 2024-03-01 to 2024-03-08"

    def test_an_ongoing_outage_lasts_until_the_end(self) -> None:
        _, ax = availability_timeline([Outage("shop", day(30, 12))], "shop", *MARCH)
        bar = ax.patches[0]
        assert len(ax.patches) == 1
        assert bar.get_x() + bar.get_width() == pytest.approx(ax.get_xlim()[1])

    def test_it_draws_on_given_axes(self, outages: list[Outage]) -> None:
        fig = Figure()
        left, right = fig.subplots(1, 2)
        got, ax = availability_timeline(outages, "mail", *MARCH, ax=right)
        assert got is fig
        assert ax is right
        assert len(right.patches) == 1
        assert not left.patches

    def test_bad_input_is_refused(self, outages: list[Outage]) -> None:
        with pytest.raises(ValidationError, match="period ends before it starts"):
            availability_timeline(outages, "shop", MARCH[1], MARCH[0])
        with pytest.raises(NaiveDatetimeError):
            availability_timeline(outages, "shop", datetime(2024, 3, 1), MARCH[1])
        with pytest.raises(ValidationError, match="needs an availability target"):
            availability_timeline(
                outages, "shop", *MARCH, target=ServiceTarget("response_time", Q_(1, "hour"))
            )
        with pytest.raises(ValidationError, match="at most 100 %, got 1.5"):
            availability_timeline(outages, "shop", *MARCH, target=1.5)
        with pytest.raises(ValidationError, match="samples must be a whole number >= 2"):
            availability_timeline(outages, "shop", *MARCH, samples=1)


class TestDependencyGraph:
    def test_a_service_and_what_it_depends_on(self, shop: Cmdb) -> None:
        fig, ax = dependency_graph(shop, "shop")
        assert png(fig).startswith(PNG)
        colours = node_colours(ax)
        assert sorted(colours) == sorted(
            ["Web shop", "frontend", "backend", "web-pool", "web1", "web2", "web3", "db1", "sw1"]
        )
        assert {c for c, _ in colours.values()} == {"#DDDDDD"}
        assert ax.get_title() == "What Web shop depends on"
        assert legend_labels(ax) == [
            "service",
            "service component",
            "configuration item",
            "redundancy group",
            "members of a redundancy group",
        ]

    def test_nodes_are_coloured_by_state_and_failed_ones_outlined(self, shop: Cmdb) -> None:
        _, ax = dependency_graph(shop, "shop", impact=shop.impact(["web1", "web3"]))
        colours = node_colours(ax)
        down, up = STATE_COLOURS["down"], STATE_COLOURS["up"]
        assert colours["Web shop"] == (down, 1.0)
        assert colours["web-pool"] == (down, 1.0)
        assert colours["web1"] == (down, 3.0)
        assert colours["web2"] == (up, 1.0)
        assert colours["backend"] == (up, 1.0)
        assert "failed" in legend_labels(ax)
        assert {"up", "down"} <= set(legend_labels(ax))
        assert "degraded" not in legend_labels(ax)

    def test_an_impact_shows_what_it_reached_and_the_groups_it_touched(self, shop: Cmdb) -> None:
        _, ax = dependency_graph(shop, shop.impact("web2"))
        colours = node_colours(ax)
        degraded = STATE_COLOURS["degraded"]
        assert sorted(colours) == ["Web shop", "frontend", "web-pool", "web1", "web2", "web3"]
        assert colours["Web shop"] == (degraded, 1.0)
        assert colours["web3"] == (STATE_COLOURS["up"], 1.0)
        assert ax.get_title() == "Impact of web2"

    def test_a_redundancy_group_is_a_box_around_its_members(self, shop: Cmdb) -> None:
        _, ax = dependency_graph(shop, "shop", labels="id")
        boxes = [p for p in ax.patches if p.get_gid() == "redundancy group web-pool"]
        assert len(boxes) == 1
        bounds = boxes[0].get_extents().transformed(ax.transData.inverted())
        members = [t.get_position() for t in ax.texts if t.get_text() in ("web1", "web2", "web3")]
        assert all(
            bounds.x0 < x < bounds.x1 and bounds.y0 < y + 0.27 < bounds.y1 for x, y in members
        )
        assert "web-pool: 2 of 3 needed" in [t.get_text() for t in ax.texts]

    def test_dependencies_point_down_in_layers(self, shop: Cmdb) -> None:
        _, ax = dependency_graph(shop, "shop", labels="id")
        y = {t.get_text(): t.get_position()[1] for t in ax.texts}
        assert y["shop"] > y["frontend"] == y["backend"] > y["web-pool"] > y["web1"] > y["sw1"]

    def test_a_dollar_in_a_name_is_text_not_maths(self) -> None:
        cmdb = Cmdb(CmdbSchema(ci_types=["server"]))
        cmdb.add_many(
            [ServiceNode("pay", "Pay $5 or $10"), ConfigurationItem("$x$", "server")],
            [("pay", "$x$")],
            actor="ann",
            at=AT,
        )
        fig, ax = dependency_graph(cmdb, "pay", impact=cmdb.impact("$x$"))
        assert png(fig).startswith(PNG)
        assert sorted(node_colours(ax)) == [r"Pay \$5 or \$10", r"\$x\$"]
        assert ax.get_title() == r"What Pay \$5 or \$10 depends on"

    def test_bad_input_is_refused(self, shop: Cmdb) -> None:
        with pytest.raises(NotFoundError, match="nope"):
            dependency_graph(shop, "nope")
        with pytest.raises(ValidationError, match="give the impact once"):
            dependency_graph(shop, shop.impact("web1"), impact=shop.impact("web1"))
        with pytest.raises(ValidationError, match="labels must be 'name' or 'id'"):
            dependency_graph(shop, "shop", labels="both")  # type: ignore[arg-type]


@pytest.fixture
def agreements() -> Agreements:
    found = Agreements()
    found.add(
        Agreement(
            "sla-shop",
            "SLA",
            party="retail",
            covers=["shop"],
            targets=[ServiceTarget("availability", Q_(99.5, "percent"))],
        )
    )
    found.add(
        Agreement(
            "sla-mail",
            "SLA",
            party="staff",
            covers=["mail"],
            targets=[
                ServiceTarget("availability", Q_(99.9, "percent")),
                ServiceTarget("performance", Q_(300, "ms"), name="latency"),
            ],
            valid_from=datetime(2024, 3, 1, tzinfo=UTC),
        )
    )
    return found


class TestComplianceHeatmap:
    MONTHS: ClassVar = [datetime(2024, m, 1, tzinfo=UTC) for m in (2, 3, 4)]

    def test_services_by_months_met_violated_or_no_data(
        self, agreements: Agreements, outages: list[Outage]
    ) -> None:
        fig, ax = compliance_heatmap(
            agreements, ["shop", "mail", "web"], self.MONTHS, outages=outages
        )
        assert png(fig).startswith(PNG)
        cells = ax.images[0].get_array()
        assert cells.shape == (3, 3)
        # shop: February 24 h down (violated), March 2 h of 742 h (met), April none (met)
        # mail: no SLA in February, 1 h in March (violated), none in April; web: no SLA
        assert cells.tolist() == [[1, 2, 2], [0, 1, 2], [0, 0, 0]]
        texts = [t.get_text() for t in ax.texts]
        assert texts == [
            "96.55 %",
            "99.73 %",
            "100.00 %",
            NONE,
            "99.87 %",
            "100.00 %",
            NONE,
            NONE,
            NONE,
        ]
        assert [t.get_text() for t in ax.get_xticklabels()] == ["2024-02", "2024-03", "2024-04"]
        assert [t.get_text() for t in ax.get_yticklabels()] == ["shop", "mail", "web"]
        assert legend_labels(ax) == ["no data", "violated", "met"]
        assert ax.get_title() == "Service targets met: availability"

    def test_months_start_at_midnight_in_their_zone(self, agreements: Agreements) -> None:
        berlin = BusinessCalendar.always("Europe/Berlin").tz
        late = [
            Outage(
                "shop",
                datetime(2024, 2, 29, 23, 30, tzinfo=UTC),
                datetime(2024, 3, 1, 0, 30, tzinfo=UTC),
            )
        ]
        months = [datetime(2024, 2, 1, tzinfo=berlin), datetime(2024, 3, 1, tzinfo=berlin)]
        _, ax = compliance_heatmap(agreements, ["shop"], months, outages=late)
        # all of it is in Berlin's March (00:30 to 01:30 local)
        assert [t.get_text() for t in ax.texts] == ["100.00 %", "99.87 %"]

    def test_evaluations_you_made_with_their_labels(
        self, agreements: Agreements, outages: list[Outage]
    ) -> None:
        march = evaluate(
            agreements,
            *MARCH,
            outages=outages,
            measurements={("sla-mail", "latency"): Q_(350, "ms")},
        )
        _, ax = compliance_heatmap({"March": march}, ["shop", "mail"], target="latency")
        assert ax.images[0].get_array().tolist() == [[0], [1]]
        assert [t.get_text() for t in ax.texts] == [NONE, "350.00 ms"]
        assert [t.get_text() for t in ax.get_xticklabels()] == ["March"]
        _, ax = compliance_heatmap([march], ["shop"])
        assert [t.get_text() for t in ax.get_xticklabels()] == ["2024-03"]

    def test_bad_input_is_refused(self, agreements: Agreements) -> None:
        with pytest.raises(ValidationError, match="give the months"):
            compliance_heatmap(agreements, ["shop"])
        with pytest.raises(ValidationError, match="first instant.*2024-03-15"):
            compliance_heatmap(agreements, ["shop"], [datetime(2024, 3, 15, tzinfo=UTC)])
        with pytest.raises(NaiveDatetimeError):
            compliance_heatmap(agreements, ["shop"], [datetime(2024, 3, 1)])
        march = evaluate(agreements, *MARCH)
        with pytest.raises(ValidationError, match="same month"):
            compliance_heatmap([march, march], ["shop"])
        with pytest.raises(ValidationError, match="months are for evaluating agreements"):
            compliance_heatmap([march], ["shop"], self.MONTHS)
        with pytest.raises(ValidationError, match="nothing to draw: 0 services and 1 periods"):
            compliance_heatmap([march], [])


class TestLifecycleDiagram:
    def test_statuses_transitions_and_guards_of_the_incident_chart(self) -> None:
        fig, ax = lifecycle_diagram(INCIDENT)
        assert png(fig).startswith(PNG)
        texts = [t.get_text() for t in ax.texts]
        assert {str(s) for s in INCIDENT.statuses} <= set(texts)
        assert "assign\n[is_classified_and_prioritised]" in texts
        assert "↺ review_major" in texts
        assert ax.get_title() == "Incident lifecycle"
        assert legend_labels(ax) == ["initial status", "final status"]

    def test_the_initial_status_is_filled_and_the_finals_ringed(self) -> None:
        _, ax = lifecycle_diagram(CHANGE)
        (nodes,) = [c for c in ax.collections if c.get_gid() == "statuses"]
        (rings,) = [c for c in ax.collections if c.get_gid() == "final statuses"]
        fills = [to_hex(c).upper() for c in nodes.get_facecolors()]
        assert fills.count("#56B4E9") == 1
        assert fills.count("#DDDDDD") == len(CHANGE.finals) == len(rings.get_offsets()) == 3

    @pytest.mark.parametrize(
        "lifecycle", list(CASE_TYPES.values()), ids=lambda lc: lc.chart.__name__
    )
    def test_every_event_of_every_chart_is_drawn(self, lifecycle: Any) -> None:
        _, ax = lifecycle_diagram(lifecycle)
        drawn = "\n".join(t.get_text() for t in ax.texts)
        assert all(event in drawn for event in lifecycle.events)
