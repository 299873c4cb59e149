"""The conformance audit's parts: requirements, findings, rule book, report, maturity, roadmap,
the command and the chart."""

from __future__ import annotations

import importlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm.cli import main
from fitsm.conformance import (
    ATTRIBUTION,
    REQUIREMENTS,
    SEQUENCE,
    SUBJECTS,
    AuditFinding,
    AuditReport,
    Capability,
    FindingStatus,
    Rule,
    Snapshot,
    Step,
    SubjectLevel,
    assess,
    audit,
    audit_snapshot,
    default_rulebook,
    group_of,
    roadmap,
    seed_level,
)
from fitsm.conformance.requirements import requirement_order
from fitsm.errors import DuplicateError, NotFoundError, ValidationError
from fitsm.storage.memory import MemoryStore
from tests.conformance_world import AT, World
from tests.strategies import finding_statuses

ROOT = Path(__file__).parent.parent


class TestRequirements:
    def test_there_are_82_in_the_standards_order(self) -> None:
        ids = list(REQUIREMENTS)
        assert len(ids) == 82
        assert ids == sorted(ids, key=requirement_order)
        assert ids[:3] == ["GR1.1", "GR1.2", "GR1.3"] and ids[-1] == "PR14.3"
        # 17 general requirements, then PR1 ... PR14 (PR10 after PR9, not after PR1)
        assert sum(i.startswith("GR") for i in ids) == 17
        assert ids.index("PR10.1") == ids.index("PR9.6") + 1

    def test_texts_are_quoted_whole(self) -> None:
        assert REQUIREMENTS["PR2.2"] == (
            "For all services delivered to customers, service level agreements (SLAs) shall be "
            "in place and reviewed at planned intervals."
        )
        assert REQUIREMENTS["GR2.4"].endswith("Review; Versioning and change tracking.")
        assert "CC BY 4.0" in ATTRIBUTION and "FitSM" in ATTRIBUTION

    def test_each_belongs_to_a_process_or_general_requirement(self) -> None:
        assert {group_of(r) for r in REQUIREMENTS} == set(SUBJECTS)
        with pytest.raises(NotFoundError, match=r"'PR15.1' is not a FitSM-1 requirement"):
            group_of("PR15.1")


class TestFindings:
    def test_a_status_is_one_of_five(self) -> None:
        with pytest.raises(ValidationError, match=r"'done' is not a valid FindingStatus"):
            AuditFinding("PR1.1", "done", ("x",))

    def test_anything_but_met_says_why_or_what_next(self) -> None:
        with pytest.raises(ValidationError, match="needs evidence or a next step"):
            AuditFinding("PR1.1", "not_met")

    def test_counts_are_whole_numbers(self) -> None:
        with pytest.raises(ValidationError, match=r"'cis': 1.5"):
            AuditFinding.met("PR11.3", "ok", cis=1.5)  # type: ignore[arg-type]

    def test_as_json(self) -> None:
        found = AuditFinding.partly_met("PR8.2", "a", "b", next_step="c", suppliers=2)
        assert found.to_json() == {
            "id": "PR8.2",
            "status": "partly_met",
            "evidence": ["a", "b"],
            "counts": {"suppliers": 2},
            "next_step": "c",
            "by_machine": True,
        }


class TestRulebook:
    def test_the_defaults_hold_one_rule_per_requirement_81_decided_by_machine(self) -> None:
        book = default_rulebook()
        assert [r.requirement for r in book] == list(REQUIREMENTS)
        assert sum(r.by_machine for r in book) == 81
        assert all(r.text == REQUIREMENTS[r.requirement] for r in book)
        assert all(r.by_machine or r.provide for r in book)

    def test_the_building_blocks_named_exist(self) -> None:
        for rule in default_rulebook():
            for block in rule.blocks:
                if block.endswith("(to come)"):
                    continue
                module, _, rest = block.partition(".")
                found: object = importlib.import_module(module)
                for part in rest.split("."):
                    try:
                        found = getattr(found, part)
                    except AttributeError:
                        found = importlib.import_module(f"{found.__name__}.{part}")  # type: ignore[attr-defined]
                assert found is not None, (rule.requirement, block)

    def test_a_user_rule_is_added_and_audited_after_fitsms(self) -> None:
        book = default_rulebook()
        book.add(
            Rule(
                "ORG.1",
                "Every live service has an owner.",
                ("fitsm.portfolio.Service",),
                check=lambda s: AuditFinding.met("ORG.1", f"{len(s.live_services())} owned"),
                source="our own policy",
            )
        )
        report = audit_snapshot(World().snapshot(), book)
        assert len(report) == 83 and report[-1].requirement == "ORG.1"
        assert report.finding("ORG.1").evidence == ("1 owned",)

    def test_a_requirement_has_one_rule(self) -> None:
        book = default_rulebook()
        with pytest.raises(DuplicateError, match="PR9.6 already; use replace"):
            book.add(book["PR9.6"])
        with pytest.raises(NotFoundError, match="no rule for 'PR99.1'"):
            book.replace(Rule("PR99.1", "?", provide="x"))

    def test_a_check_must_answer_for_its_requirement(self) -> None:
        rule = Rule("PR1.1", "text", check=lambda s: AuditFinding.met("PR1.2", "x"))
        with pytest.raises(ValidationError, match="must return a AuditFinding on PR1.1"):
            rule.decide(Snapshot(AT))

    def test_a_rule_without_a_check_says_what_to_provide(self) -> None:
        with pytest.raises(ValidationError, match="must say what to provide"):
            Rule("PR1.2", "text")
        found = default_rulebook()["PR9.4"].decide(Snapshot(AT))
        assert found.status is FindingStatus.NEEDS_EVIDENCE and not found.by_machine
        assert "kept informed" in found.next_step

    def test_marked_not_applicable_with_who_and_why(self) -> None:
        book = default_rulebook()
        mark = book.not_applicable("PR6.4", "run by the parent company", by="ann", at=AT)
        assert mark.at == AT and book.exemptions == (mark,)
        found = audit_snapshot(World().snapshot(), book).finding("PR6.4")
        assert found.status is FindingStatus.NOT_APPLICABLE
        assert found.evidence == ("run by the parent company (marked by ann)",)
        with pytest.raises(ValidationError, match="needs a reason"):
            book.not_applicable("PR6.5", "  ", by="ann", at=AT)
        book.applicable("PR6.4")
        assert book.decide("PR6.4", World().snapshot()).status is FindingStatus.MET
        with pytest.raises(NotFoundError):
            book.applicable("PR6.4")

    def test_the_copy_is_independent(self) -> None:
        book = default_rulebook()
        other = book.copy()
        other.not_applicable("PR7.6", "no customers outside", by="ann", at=AT)
        assert book.exemptions == () and len(other.exemptions) == 1


class TestReport:
    @pytest.fixture
    def report(self) -> AuditReport:
        return audit_snapshot(World().snapshot())

    def test_one_row_per_requirement_with_counts(self, report: AuditReport) -> None:
        assert [f.requirement for f in report] == list(REQUIREMENTS)
        assert sum(report.counts().values()) == 82
        assert report.by_machine == 81
        assert report.to_records()[0] == {
            "requirement": "GR1.1",
            "group": "GR1",
            "status": "met",
            "by_machine": True,
            "evidence": "'olga' is the SMS owner",
            "next_step": "",
        }

    def test_as_a_frame_statuses_are_categories(self, report: AuditReport) -> None:
        frame = report.to_frame()
        assert list(frame.columns) == list(AuditFinding.columns.names)
        assert list(frame["status"].cat.categories) == [s.value for s in FindingStatus]

    def test_markdown_keeps_each_finding_on_one_row(self) -> None:
        finding = AuditFinding.not_met("PR1.1", "a | b", next_step="x\ny")
        text = AuditReport([finding], at=AT).to_markdown()
        assert "| PR1.1 | not_met | a \\| b | x y |" in text
        assert ATTRIBUTION in text

    def test_html_escapes(self) -> None:
        html = AuditReport([AuditFinding.not_met("PR1.1", "<b>", next_step="&")], at=AT).to_html()
        assert "&lt;b&gt;" in html and "&amp;" in html and "<b>" not in html
        assert html == AuditReport([AuditFinding.not_met("PR1.1", "<b>", next_step="&")],
                                   at=AT)._repr_html_()  # fmt: skip

    def test_the_same_snapshot_gives_the_same_report(self) -> None:
        assert (
            audit_snapshot(World().snapshot()).to_json()
            == audit_snapshot(World().snapshot()).to_json()
        )

    def test_the_audit_reads_no_clock(self) -> None:
        # audited a year on, the reviews done in May 2026 are overdue in June 2027
        later = audit_snapshot(World().snapshot(AT.replace(year=2027)))
        assert later.finding("PR11.5").status is FindingStatus.NOT_MET
        assert audit_snapshot(World().snapshot()).finding("PR11.5").status is FindingStatus.MET

    def test_an_empty_store_meets_nothing(self) -> None:
        report = audit(MemoryStore(), at=AT)
        assert report.counts() == {
            "met": 0,
            "partly_met": 0,
            "not_met": 81,
            "needs_evidence": 1,
            "not_applicable": 0,
        }


class TestMaturity:
    def test_the_scale(self) -> None:
        assert [c.label for c in Capability] == ["not done", "ad hoc", "defined", "managed"]

    @pytest.mark.parametrize(
        ("statuses", "level"),
        [
            (["met", "met"], Capability.MANAGED),
            (["met", "not_applicable"], Capability.MANAGED),
            (["met", "partly_met"], Capability.DEFINED),  # half met, nothing not met
            (["met", "needs_evidence", "needs_evidence"], Capability.AD_HOC),  # a third met
            (["met", "not_met"], Capability.AD_HOC),
            (["partly_met", "not_met"], Capability.AD_HOC),
            (["not_met", "needs_evidence"], Capability.NOT_DONE),
        ],
    )
    def test_seeded_levels_by_hand(self, statuses: list[str], level: Capability) -> None:
        findings = [AuditFinding(f"PR1.{n}", s, ("e",), "x") for n, s in enumerate(statuses, 1)]
        assert seed_level(findings) is level

    @given(finding_statuses, st.data())
    def test_meeting_one_more_requirement_never_lowers_the_level(
        self, statuses: list[FindingStatus], data: st.DataObject
    ) -> None:
        index = data.draw(st.integers(0, len(statuses) - 1))
        better = [*statuses]
        better[index] = FindingStatus.MET
        findings = [AuditFinding(f"PR1.{n}", s, ("e",), "x") for n, s in enumerate(statuses, 1)]
        improved = [AuditFinding(f"PR1.{n}", s, ("e",), "x") for n, s in enumerate(better, 1)]
        assert seed_level(improved) >= seed_level(findings)
        assert (seed_level(findings) is Capability.MANAGED) == all(
            s in (FindingStatus.MET, FindingStatus.NOT_APPLICABLE) for s in statuses
        )

    def test_the_provider_of_the_tests(self) -> None:
        assessment = assess(audit_snapshot(World().snapshot()))
        assert len(assessment) == 21
        # every reporting and capacity requirement is met from the registers
        assert assessment.level("SRM") is Capability.MANAGED
        assert assessment.level("CAPM") is Capability.MANAGED
        assert assessment.level("CONFM") is Capability.MANAGED
        # GR2: the SMS register holds the key documents, definitions and controlled documents
        assert assessment.level("GR2") is Capability.MANAGED

    def test_a_person_adjusts_a_level_saying_why(self) -> None:
        assessment = assess(audit_snapshot(World().snapshot()))
        at = datetime(2026, 6, 2, tzinfo=UTC)
        why = "reports go out by hand, nobody checks them"
        done = assessment.adjust("SRM", 2, by="olga", why=why, at=at)
        assert done.level is Capability.DEFINED and done.seeded is Capability.MANAGED
        record = next(r for r in assessment.to_records() if r["subject"] == "SRM")
        assert record == {
            "subject": "SRM",
            "name": "Service reporting management (PR3)",
            "level": 2,
            "capability": "defined",
            "seeded": 3,
            "requirements": 3,
            "met": 3,
            "adjusted_by": "olga",
            "why": why,
        }
        with pytest.raises(ValidationError, match="expected 0 .* or 3"):
            assessment.adjust("SRM", 4, by="olga", why="x", at=at)
        with pytest.raises(ValidationError, match="needs a reason"):
            assessment.adjust("SRM", 1, by="olga", why="", at=at)
        with pytest.raises(NotFoundError, match="no subject 'XYZ'"):
            assessment.adjust("XYZ", 1, by="olga", why="x", at=at)


class TestRoadmap:
    def test_the_sequence_covers_every_subject_once(self) -> None:
        listed = [s for stage in SEQUENCE for s in stage.subjects]
        assert sorted(listed) == sorted(SUBJECTS)
        assert [stage.subjects[:2] for stage in SEQUENCE[:3]] == [
            ("SPM", "SLM"),
            ("ISRM", "CONFM"),
            ("CHM", "RDM"),
        ]

    @staticmethod
    def without_reports_and_capacity() -> Snapshot:
        """The conformant provider, but with no report and no capacity recorded."""
        return attrs.evolve(World().snapshot(), reports=(), capacity=(), utilisation={})

    def test_a_conformant_provider_has_no_step_left(self) -> None:
        assert roadmap(assess(audit_snapshot(World().snapshot()))) == []

    def test_steps_follow_the_sequence_and_skip_what_is_mature(self) -> None:
        steps = roadmap(assess(audit_snapshot(self.without_reports_and_capacity())))
        # every other subject is defined or managed; left, stage by stage: SRM (stage 1,
        # nothing met) and CAPM (stage 5)
        assert [s.subject for s in steps] == ["SRM", "CAPM"]
        assert steps[0].requirements == ("PR3.1", "PR3.2", "PR3.3")
        assert str(steps[0]) == (
            "1. Service reporting management (PR3), now not done: close PR3.1, PR3.2, PR3.3 "
            "(stage 1, foundation)"
        )

    def test_an_adjusted_level_moves_a_subject_off_the_roadmap(self) -> None:
        assessment = assess(audit_snapshot(self.without_reports_and_capacity()))
        assessment.adjust("SRM", 3, by="olga", why="reports in place", at=AT)
        assert roadmap(assessment)[0].subject == "CAPM"
        # aiming at managed, every subject with a requirement not yet met is a step (PR9.4
        # of ISRM needs evidence)
        assert [s.subject for s in roadmap(assessment, mature=Capability.MANAGED)] == [
            "GR2", "ISRM", "CAPM",
        ]  # fmt: skip

    def test_as_markdown_and_records(self) -> None:
        steps = roadmap(assess(audit_snapshot(self.without_reports_and_capacity())))
        text = steps.to_markdown()
        assert text.startswith("1. Service reporting management (PR3), now not done")
        assert "    - why now: knowing which services are managed" in text
        assert steps.to_records()[0]["requirements"] == "PR3.1, PR3.2, PR3.3"
        assert "<table" in steps._repr_html_()


class TestCommand:
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        from fitsm import open_store

        url = f"sqlite:///{tmp_path / 'p.db'}"
        World().store(open_store(url)).close()
        return url

    def run(self, *argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    def test_json_lists_one_object_per_requirement(self, url: str, capsys) -> None:
        code, out, _ = self.run("audit", url, "--at", AT.isoformat(), "--format", "json",
                                capsys=capsys)  # fmt: skip
        found = json.loads(out)
        assert code == 0 and len(found) == 82
        assert {"id", "status", "evidence", "next_step"} <= set(found[0])
        assert found[0]["id"] == "GR1.1" and found[0]["status"] == "met"

    def test_the_table_starts_with_the_counts(self, url: str, capsys) -> None:
        code, out, _ = self.run("audit", url, "--at", "2026-06-01T09:00Z", capsys=capsys)
        assert code == 0
        assert out.splitlines()[0].startswith("82 requirements audited on 2026-06-01: 81 met")

    def test_markdown_ends_with_the_roadmap(self, url: str, capsys) -> None:
        code, out, _ = self.run("audit", url, "--at", "2026-06-01T09:00Z", "--format",
                                "markdown", capsys=capsys)  # fmt: skip
        assert code == 0 and "## Roadmap" in out and "| PR11.5 | met |" in out

    def test_a_time_without_offset_is_a_usage_error(self, url: str, capsys) -> None:
        code, _, err = self.run("audit", url, "--at", "2026-06-01", capsys=capsys)
        assert code == 2 and "needs an offset" in err

    def test_a_store_that_cannot_be_opened_is_bad_data(self, capsys) -> None:
        code, _, err = self.run("audit", "nosuch://x", capsys=capsys)
        assert code == 3 and "nosuch" in err


def test_the_docs_table_is_generated_from_the_rules() -> None:
    page = (ROOT / "docs" / "conformance.md").read_text()
    assert default_rulebook().to_markdown() in page


def test_the_chart_draws_a_bar_per_subject() -> None:
    from fitsm.plotting import maturity_chart

    assessment = assess(audit_snapshot(World().snapshot()))
    figure, axes = maturity_chart(assessment.levels(), target=2)
    assert len(axes.patches) == 21
    assert [t.get_text() for t in axes.get_yticklabels()][:2] == ["GR1", "GR2"]
    figure.savefig(io.BytesIO(), format="png")
    _, radar = maturity_chart(assessment.levels(), kind="radar")
    assert radar.name == "polar"
    with pytest.raises(ValidationError, match="'SRM' must be a whole number from 0 to 3"):
        maturity_chart({"SRM": 5})


def test_the_tables_are_typed_as_declared() -> None:
    from tests.test_tables import assert_table

    report = audit_snapshot(TestRoadmap.without_reports_and_capacity())
    assessment = assess(report)
    assert len(assert_table(report, AuditFinding.columns)) == 82
    assert len(assert_table(assessment, SubjectLevel.columns)) == 21
    assert len(assert_table(roadmap(assessment), Step.columns)) == 2
