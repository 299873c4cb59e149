"""OpenSLO v1: reading SLOs validated like the reference Go SDK, writing them back, round trips."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from fitsm.errors import LoadError, MissingExtraError, ValidationError
from fitsm.interop import read_openslo, write_openslo
from fitsm.service_levels import BudgetingMethod, ServiceLevelObjective, SloObjective, SloWindow
from tests.strategies import STORABLE

ROLLING = """\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-latency
  displayName: API latency
spec:
  service: api
  indicatorRef: api-latency-sli
  budgetingMethod: Timeslices
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - displayName: fast
      op: lte
      value: 0.25
      targetPercent: 99.5
      timeSliceTarget: 0.95
      timeSliceWindow: 5m
"""

CALENDAR = """\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-availability
  labels:
    team: [web, ops]
    tier: "1"
  annotations:
    example.org/dashboard: https://grafana.example.org/d/web
spec:
  description: Share of good requests
  service: web
  indicator:
    metadata:
      name: web-good-requests
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{code!~"5.."}[1m]))
        total:
          metricSource:
            metricSourceRef: prometheus-main
            spec:
              query: sum(rate(http_requests_total[1m]))
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1M
      calendar:
        startTime: 2026-01-01 00:00:00
        timeZone: Europe/Berlin
  objectives:
    - target: 0.999
"""


def error(text: str, **kwargs) -> LoadError:
    with pytest.raises(LoadError) as caught:
        read_openslo(text, **kwargs)
    return caught.value


class TestReading:
    def test_a_rolling_time_slice_slo(self) -> None:
        [slo] = read_openslo(ROLLING)
        assert (slo.name, slo.display_name, slo.service, slo.indicator) == (
            "api-latency",
            "API latency",
            "api",
            "api-latency-sli",
        )
        assert slo.budgeting_method is BudgetingMethod.TIMESLICES
        assert slo.window == SloWindow.parse("28d")
        assert slo.objectives == (
            SloObjective(
                Fraction(995, 1000),
                "fast",
                "lte",
                Fraction(1, 4),
                Fraction(95, 100),
                timedelta(minutes=5),
            ),
        )
        assert slo.indicator_spec is None

    def test_a_calendar_slo_with_an_inline_indicator(self) -> None:
        [slo] = read_openslo(CALENDAR)
        assert slo.window.start == datetime(2026, 1, 1, tzinfo=ZoneInfo("Europe/Berlin"))
        assert slo.window.zone == "Europe/Berlin" and not slo.window.rolling
        assert slo.indicator == "web-good-requests"
        assert slo.indicator_spec["spec"]["ratioMetric"]["good"]["metricSource"]["type"] == (
            "Prometheus"
        )
        assert dict(slo.labels) == {"team": ("web", "ops"), "tier": ("1",)}
        assert slo.error_budget(datetime(2026, 2, 10, tzinfo=UTC)).window == timedelta(days=28)

    def test_percent_targets_stay_exact(self) -> None:
        [slo] = read_openslo(ROLLING.replace("targetPercent: 99.5", "targetPercent: 99.95"))
        assert slo.objectives[0].target == Fraction(9995, 10000)

    def test_several_documents_and_lists_of_objects_are_read_in_order(self) -> None:
        names = [s.name for s in read_openslo(f"{ROLLING}---\n{CALENDAR}---\n")]
        assert names == ["api-latency", "web-availability"]
        as_list = yaml.safe_dump([yaml.safe_load(ROLLING), yaml.safe_load(CALENDAR)])
        assert [s.name for s in read_openslo(as_list)] == names

    def test_other_kinds_are_passed_over_only_when_asked(self) -> None:
        service = "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: api\nspec: {}\n"
        found = error(f"{service}---\n{ROLLING}")
        assert (found.field, found.line) == ("[0].kind", 2)
        assert "pass skip_other_kinds=True" in found.reason
        assert [
            s.name for s in read_openslo(f"{service}---\n{ROLLING}", skip_other_kinds=True)
        ] == ["api-latency"]

    def test_a_file_a_path_and_a_stream_are_read(self, tmp_path: Path) -> None:
        path = tmp_path / "slo.yaml"
        path.write_text(ROLLING, encoding="utf-8")
        assert read_openslo(path) == read_openslo(str(path)) == read_openslo(io.StringIO(ROLLING))
        assert read_openslo(path) == read_openslo(ROLLING)

    def test_the_quoted_and_the_plain_start_time_mean_the_same(self) -> None:
        quoted = CALENDAR.replace(
            "startTime: 2026-01-01 00:00:00", "startTime: '2026-01-01 00:00:00'"
        )
        assert read_openslo(quoted) == read_openslo(CALENDAR)

    def test_a_bare_time_slice_window_counts_minutes(self) -> None:
        [slo] = read_openslo(ROLLING.replace("timeSliceWindow: 5m", "timeSliceWindow: 5"))
        assert slo.objectives[0].time_slice_window == timedelta(minutes=5)

    def test_the_metric_sources_own_spec_may_hold_anything(self) -> None:
        text = CALENDAR.replace(
            "              query: sum(rate(http_requests_total[1m]))",
            "              query: q\n              anything: {nested: [1, 2]}",
        )
        [slo] = read_openslo(text)
        total = slo.indicator_spec["spec"]["ratioMetric"]["total"]["metricSource"]["spec"]
        assert total["anything"]["nested"] == (1, 2)


# -- errors ------------------------------------------------------------------------------


def rolling_with(old: str, new: str) -> str:
    assert old in ROLLING
    return ROLLING.replace(old, new)


def calendar_with(old: str, new: str) -> str:
    assert old in CALENDAR
    return CALENDAR.replace(old, new)


class TestValidation:
    """Each rule of the Go SDK, and fitsm's own, with the file, line and path."""

    @pytest.mark.parametrize(
        ("text", "path", "line", "reason"),
        [
            (
                rolling_with("openslo/v1", "openslo/v2alpha"),
                "apiVersion",
                1,
                "expected 'openslo/v1'",
            ),
            (rolling_with("kind: SLO", "kind: Slo"), "kind", 2, "expected 'SLO', got 'Slo'"),
            (
                rolling_with("name: api-latency", "name: API_latency"),
                "metadata.name",
                4,
                "DNS label",
            ),
            (
                rolling_with("name: api-latency", f"name: {'a' * 64}"),
                "metadata.name",
                4,
                "DNS label",
            ),
            (rolling_with("name: api-latency", "name: -api"), "metadata.name", 4, "DNS label"),
            (
                rolling_with("displayName: API latency", f"displayName: {'x' * 64}"),
                "metadata.displayName",
                5,
                "at most 63 characters, got 64",
            ),
            (
                rolling_with("  displayName: API latency", "  labels: {'-bad': x}"),
                "metadata.labels.-bad",
                5,
                "label key '-bad'",
            ),
            (
                rolling_with("  displayName: API latency", "  annotations: {'a/b/c': x}"),
                "metadata.annotations.a/b/c",
                5,
                "annotation key 'a/b/c'",
            ),
            (
                rolling_with("  displayName: API latency", "  colour: red"),
                "metadata.colour",
                5,
                "unknown key 'colour' in metadata; expected 'name', 'displayName', 'labels' or",
            ),
            (
                rolling_with("  service: api\n", f"  service: api\n  description: {'d' * 1051}\n"),
                "spec.description",
                8,
                "at most 1050 characters",
            ),
            (rolling_with("  service: api\n", ""), "spec", 6, "spec.service is required"),
            (
                rolling_with("  indicatorRef: api-latency-sli\n", ""),
                "spec",
                6,
                "exactly one of indicator (an inline SLI) and indicatorRef",
            ),
            (
                rolling_with("indicatorRef: api-latency-sli", "indicatorRef: Latency"),
                "spec.indicatorRef",
                8,
                "DNS label",
            ),
            (
                rolling_with("Timeslices", "Occurences"),
                "spec.budgetingMethod",
                9,
                "expected 'Occurrences', 'Timeslices' or 'RatioTimeslices', got 'Occurences'",
            ),
            (
                rolling_with("    - duration: 28d\n      isRolling: true\n", "    []\n"),
                "spec.timeWindow",
                10,
                "exactly one time window, got 0",
            ),
            (
                rolling_with(
                    "      isRolling: true\n", "      isRolling: true\n    - duration: 1d\n"
                ),
                "spec.timeWindow",
                10,
                "exactly one time window, got 2",
            ),
            (
                rolling_with("duration: 28d", "duration: 28D"),
                "spec.timeWindow[0].duration",
                11,
                "'28D' is not a duration",
            ),
            (
                rolling_with("duration: 28d", "duration: 0d"),
                "spec.timeWindow[0].duration",
                11,
                ">= 1, got 0",
            ),
            (
                rolling_with("isRolling: true", "isRolling: false"),
                "spec.timeWindow[0]",
                11,
                "'calendar' must be set when 'isRolling' is false",
            ),
            (
                rolling_with(
                    "isRolling: true",
                    "isRolling: true\n"
                    "      calendar: {startTime: '2026-01-01 00:00:00', timeZone: UTC}",
                ),
                "spec.timeWindow[0]",
                11,
                "'calendar' cannot be set when 'isRolling' is true",
            ),
            (
                rolling_with("isRolling: true", "isRolling: yes please"),
                "spec.timeWindow[0].isRolling",
                12,
                "expected true or false",
            ),
            (
                calendar_with("startTime: 2026-01-01 00:00:00", "startTime: 2026-01-01"),
                "spec.timeWindow[0].calendar.startTime",
                33,
                "expected a date and time 'YYYY-MM-DD HH:MM:SS'",
            ),
            (
                calendar_with("startTime: 2026-01-01 00:00:00", "startTime: '2026-01-01T00:00'"),
                "spec.timeWindow[0].calendar.startTime",
                33,
                "got '2026-01-01T00:00'",
            ),
            (
                calendar_with(
                    "startTime: 2026-01-01 00:00:00", "startTime: 2026-01-01 00:00:00+01:00"
                ),
                "spec.timeWindow[0].calendar.startTime",
                33,
                "startTime has no offset",
            ),
            (
                calendar_with("startTime: 2026-01-01 00:00:00", "startTime: '2026-02-30 00:00:00'"),
                "spec.timeWindow[0].calendar.startTime",
                33,
                "not a valid date and time",
            ),
            (
                calendar_with("timeZone: Europe/Berlin", "timeZone: Europe/Bärlin"),
                "spec.timeWindow[0].calendar.timeZone",
                34,
                "unknown time zone 'Europe/Bärlin'",
            ),
            (
                calendar_with("        timeZone: Europe/Berlin\n", ""),
                "spec.timeWindow[0].calendar",
                32,
                "spec.timeWindow[0].calendar.timeZone is required",
            ),
            (
                rolling_with("      targetPercent: 99.5\n", ""),
                "spec.objectives[0]",
                14,
                "exactly one of target and targetPercent is required",
            ),
            (
                rolling_with("targetPercent: 99.5", "targetPercent: 99.5\n      target: 0.995"),
                "spec.objectives[0]",
                14,
                "exactly one of target and targetPercent",
            ),
            (
                calendar_with("target: 0.999", "target: 1"),
                "spec.objectives[0].target",
                36,
                "must be in [0, 1), got 1",
            ),
            (
                calendar_with("target: 0.999", "target: -0.5"),
                "spec.objectives[0].target",
                36,
                "got -0.5",
            ),
            (
                calendar_with("target: 0.999", "target: '0.999'"),
                "spec.objectives[0].target",
                36,
                "expected a number, got '0.999' (str)",
            ),
            (
                calendar_with("target: 0.999", "target: .nan"),
                "spec.objectives[0].target",
                36,
                "expected a finite number",
            ),
            (
                calendar_with("target: 0.999", "target: 0"),
                "spec.objectives[0].target",
                36,
                "fitsm needs a target above 0",
            ),
            (
                rolling_with("targetPercent: 99.5", "targetPercent: 100"),
                "spec.objectives[0].targetPercent",
                17,
                "must be in [0, 100), got 100",
            ),
            (
                rolling_with("op: lte", "op: le"),
                "spec.objectives[0].op",
                15,
                "expected 'lt', 'lte', 'gt' or 'gte', got 'le'",
            ),
            (
                rolling_with("value: 0.25", "value: fast"),
                "spec.objectives[0].value",
                16,
                "expected a number",
            ),
            (
                rolling_with("timeSliceTarget: 0.95", "timeSliceTarget: 0"),
                "spec.objectives[0].timeSliceTarget",
                18,
                "must be in (0, 1], got 0",
            ),
            (
                rolling_with("      timeSliceTarget: 0.95\n", ""),
                "spec.objectives[0]",
                14,
                "spec.objectives[0].timeSliceTarget is required with Timeslices",
            ),
            (
                rolling_with("      timeSliceWindow: 5m\n", ""),
                "spec.objectives[0]",
                14,
                "spec.objectives[0].timeSliceWindow is required with Timeslices",
            ),
            (
                rolling_with("timeSliceWindow: 5m", "timeSliceWindow: 5s"),
                "spec.objectives[0].timeSliceWindow",
                19,
                "'5s' is not a duration",
            ),
            (
                rolling_with("timeSliceWindow: 5m", "timeSliceWindow: 0"),
                "spec.objectives[0].timeSliceWindow",
                19,
                "positive number of minutes",
            ),
            (
                rolling_with(
                    "      timeSliceWindow: 5m", "      timeSliceWindow: 5m\n      weight: 2"
                ),
                "spec.objectives[0].weight",
                20,
                "unknown key 'weight' in spec.objectives[0]",
            ),
            (
                rolling_with(
                    "      timeSliceWindow: 5m",
                    "      timeSliceWindow: 5m\n      compositeWeight: 2",
                ),
                "spec.objectives[0].compositeWeight",
                20,
                "composite SLOs (an indicator per objective) are not read by fitsm",
            ),
            (
                rolling_with("  objectives:\n", "  objectives: []\n  x:\n"),
                "spec.x",
                14,
                "unknown key 'x' in spec",
            ),
            (
                rolling_with("  objectives:\n", "  alertPolicies: []\n  objectives:\n"),
                "spec.alertPolicies",
                13,
                "alert policies are not read by fitsm",
            ),
            (
                rolling_with("kind: SLO\n", "kind: SLO\nstatus: {}\n"),
                "status",
                3,
                "unknown key 'status' in the document",
            ),
            (
                rolling_with("kind: SLO\n", "kind: SLO\nkind: SLO\n"),
                "kind",
                3,
                "key 'kind' is given twice",
            ),
            (
                rolling_with("  name: api-latency\n", ""),
                "metadata",
                3,
                "metadata.name is required",
            ),
        ],
    )
    def test_a_rule_broken_is_named_with_its_line_and_path(self, text, path, line, reason):
        found = error(text)
        assert (found.path, found.field, found.line) == ("<text>", path, line), found
        assert reason in found.reason

    @pytest.mark.parametrize(
        ("old", "new", "path", "reason"),
        [
            (
                "        total:\n",
                "        bad:\n          metricSource: {spec: {q: 1}}\n        total:\n",
                "spec.indicator.spec.ratioMetric",
                "exactly one of good and bad",
            ),
            (
                "        counter: true\n",
                "        counter: sometimes\n",
                "spec.indicator.spec.ratioMetric.counter",
                "expected true or false",
            ),
            (
                "      ratioMetric:\n",
                "      thresholdMetric: {metricSource: {spec: {q: 1}}}\n      ratioMetric:\n",
                "spec.indicator.spec",
                "exactly one of thresholdMetric and ratioMetric",
            ),
            (
                "            metricSourceRef: prometheus-main\n",
                "            metricSourceRef: Prometheus Main\n",
                "spec.indicator.spec.ratioMetric.total.metricSource.metricSourceRef",
                "DNS label",
            ),
            (
                "            type: Prometheus\n",
                "            type: Prometheus\n            version: 2\n",
                "spec.indicator.spec.ratioMetric.good.metricSource.version",
                "unknown key 'version'",
            ),
            (
                "    metadata:\n      name: web-good-requests\n",
                "    metadata:\n      name: web good\n",
                "spec.indicator.metadata.name",
                "DNS label",
            ),
            (
                "              query: sum(rate(http_requests_total[1m]))\n",
                "              {}\n",
                "spec.indicator.spec.ratioMetric.total.metricSource.spec",
                "at least one key",
            ),
            (
                "  indicator:\n",
                "  indicatorRef: web-good\n  indicator:\n",
                "spec",
                "both were given",
            ),
        ],
    )
    def test_inline_indicators_are_checked_too(self, old, new, path, reason) -> None:
        found = error(calendar_with(old, new))
        assert found.field == path and reason in found.reason

    def test_raw_ratios_need_their_type_and_no_good_or_bad(self) -> None:
        raw = "        raw:\n          metricSource:\n            spec: {query: ratio}\n"
        total = CALENDAR[CALENDAR.index("        good:\n") : CALENDAR.index("  budgetingMethod")]
        no_type = CALENDAR.replace(total, raw)
        assert "rawType is required with raw" in error(no_type).reason
        with_type = CALENDAR.replace(total, raw + "        rawType: success\n")
        assert (
            read_openslo(with_type)[0].indicator_spec["spec"]["ratioMetric"]["rawType"] == "success"
        )
        bad_type = CALENDAR.replace(total, raw + "        rawType: good\n")
        assert "expected 'success' or 'failure'" in error(bad_type).reason
        mixed = CALENDAR.replace(total, raw + "        rawType: success\n" + total)
        assert "exactly one of total and raw" in error(mixed).reason

    def test_not_yaml_is_named_with_its_line(self) -> None:
        found = error("apiVersion: openslo/v1\nkind: [SLO\n")
        assert found.line == 3 and "not valid YAML" in found.reason

    def test_a_document_that_is_not_a_mapping_is_refused(self) -> None:
        assert "expected a mapping, got 'hello' (str)" in error("hello\n---\n").reason

    def test_errors_in_later_documents_name_the_document(self) -> None:
        found = error(f"{ROLLING}---\n{rolling_with('kind: SLO', 'kind: SLI')}")
        assert (found.field, found.line) == ("[1].kind", 22)

    def test_a_trailing_document_marker_adds_no_document(self) -> None:
        found = error(rolling_with("kind: SLO", "kind: SLI") + "---\n")
        assert found.field == "kind"

    def test_tags_that_build_objects_are_refused(self) -> None:
        found = error(rolling_with("service: api", "service: !!python/object:object {}"))
        assert (found.line, found.field) == (7, "spec.service")
        assert "the YAML tag 'tag:yaml.org,2002:python/object:object' is not allowed" in str(found)
        found = error(rolling_with("service: api", "service: !!python/name:os.system ''"))
        assert found.line == 7 and "not valid YAML" in found.reason

    def test_a_missing_file_is_named(self, tmp_path: Path) -> None:
        with pytest.raises(LoadError, match="no such file"):
            read_openslo(tmp_path / "none.yaml")


# -- writing ---------------------------------------------------------------------------


class TestWriting:
    def test_what_is_read_is_written_back_and_reads_equal(self) -> None:
        slos = read_openslo(f"{ROLLING}---\n{CALENDAR}")
        text = write_openslo(slos)
        assert read_openslo(text) == slos
        assert text.count("apiVersion: openslo/v1") == 2
        assert "target: 0.995" in text and "startTime: '2026-01-01 00:00:00'" in text

    def test_a_single_slo_is_one_document(self) -> None:
        [slo] = read_openslo(ROLLING)
        assert write_openslo(slo) == write_openslo([slo])
        assert yaml.safe_load(write_openslo(slo))["spec"]["indicatorRef"] == "api-latency-sli"

    @pytest.mark.parametrize(
        ("objective", "window", "match"),
        [
            (
                SloObjective(Fraction(2, 3)),
                SloWindow.parse("1d"),
                "target 2/3 has no exact decimal",
            ),
            (
                SloObjective(0.9, time_slice_window=timedelta(seconds=90)),
                SloWindow.parse("1d"),
                "not whole minutes",
            ),
            (
                SloObjective(0.9),
                SloWindow(1, "M", datetime(2026, 1, 1, 0, 0, 0, 5, tzinfo=UTC), "UTC"),
                "cannot be written as OpenSLO's startTime",
            ),
            (
                SloObjective(0.9),
                # the second 02:30 of 2026-10-25 in Berlin: a wall time without offset cannot say so
                SloWindow(1, "M", datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Europe/Berlin"),
                "cannot be written as OpenSLO's startTime",
            ),
        ],
    )
    def test_what_the_format_cannot_say_is_refused(self, objective, window, match) -> None:
        slo = ServiceLevelObjective("x", "s", [objective], window, indicator="i")
        with pytest.raises(ValidationError, match=match):
            write_openslo(slo)

    def test_a_name_openslo_refuses_is_refused_on_writing(self) -> None:
        slo = ServiceLevelObjective(
            "Shop SLO", "shop", [SloObjective(0.9)], SloWindow.parse("1d"), indicator="good"
        )
        with pytest.raises(LoadError, match="field 'metadata.name'.*DNS label"):
            write_openslo(slo)

    def test_unicode_line_breaks_in_text_survive(self) -> None:
        [slo] = read_openslo(ROLLING)
        odd = attrs.evolve(slo, display_name="a\x85b", description="one\u2028two")
        assert read_openslo(write_openslo(odd)) == [odd]

    def test_an_inline_indicator_yaml_cannot_hold_is_refused(self) -> None:
        [slo] = read_openslo(CALENDAR)
        spec = {
            "metadata": {"name": "web-good-requests"},
            "spec": {"thresholdMetric": {"metricSource": {"spec": {"query": Fraction(1, 3)}}}},
        }
        with pytest.raises(ValidationError, match="cannot write the SLOs as YAML"):
            write_openslo(attrs.evolve(slo, indicator_spec=spec))

    def test_only_slos_are_written(self) -> None:
        with pytest.raises(ValidationError, match="expected ServiceLevelObjective"):
            write_openslo(["slo"])  # type: ignore[list-item]


_alnum = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6)
dns = st.builds(lambda a, b: f"{a}-{b}" if b else a, _alnum, st.none() | _alnum)
decimal_share = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("0.9999"), places=4).map(
    Fraction
)


@st.composite
def objectives(draw: st.DrawFn, method: BudgetingMethod) -> SloObjective:
    op = draw(st.sampled_from([None, "lt", "lte", "gt", "gte"]))
    return SloObjective(
        draw(decimal_share),
        draw(st.text(STORABLE, max_size=10)),
        op,
        None if op is None else draw(st.decimals(-1000, 1000, places=3).map(Fraction)),
        draw(decimal_share | st.just(Fraction(1)))
        if method is BudgetingMethod.TIMESLICES
        else None,
        None
        if method is BudgetingMethod.OCCURRENCES
        else timedelta(minutes=draw(st.integers(1, 60 * 24 * 15))),
    )


@st.composite
def slos(draw: st.DrawFn) -> ServiceLevelObjective:
    method = draw(st.sampled_from(BudgetingMethod))
    duration = f"{draw(st.integers(1, 400))}{draw(st.sampled_from('mhdwMQY'))}"
    if draw(st.booleans()):
        window = SloWindow.parse(duration)
    else:
        start = draw(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)))
        zone = draw(st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]))
        window = SloWindow.parse(duration, start=start.replace(microsecond=0), zone=zone)
    indicator = draw(dns)
    inline = draw(st.booleans())
    return ServiceLevelObjective(
        draw(dns),
        draw(dns),
        draw(st.lists(objectives(method), min_size=1, max_size=3)),
        window,
        indicator=indicator,
        budgeting_method=method,
        description=draw(st.text(STORABLE, max_size=30)),
        display_name=draw(st.text(STORABLE, max_size=20)),
        labels=draw(
            st.dictionaries(dns, st.lists(st.text(STORABLE, max_size=5), min_size=1, max_size=2))
        ),
        annotations=draw(
            st.dictionaries(dns.map(lambda k: f"example.org/{k}"), st.text(STORABLE, max_size=8))
        ),
        indicator_spec={
            "metadata": {"name": indicator},
            "spec": {"thresholdMetric": {"metricSource": {"spec": {"query": "up"}}}},
        }
        if inline
        else None,
    )


@given(st.lists(slos(), min_size=1, max_size=3))
def test_slos_written_read_back_equal(written) -> None:
    assert read_openslo(write_openslo(written)) == written


def test_without_pyyaml_the_reader_and_writer_name_their_extra(monkeypatch) -> None:
    [slo] = read_openslo(ROLLING)
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(MissingExtraError, match=r"read_openslo needs the optional extra 'openslo'"):
        read_openslo(ROLLING)
    with pytest.raises(MissingExtraError, match=r"pip install 'fitsm\[openslo\]'"):
        write_openslo(slo)
