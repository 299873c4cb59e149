"""The FitSM-1 conformance audit of a store: one finding per requirement.

:func:`audit` reads the store once (:meth:`Snapshot.load`, never committing) and
decides every requirement of the rule book; :func:`audit_snapshot` does the same
for a snapshot at hand. The result is a table (:class:`AuditReport`, a
:class:`~fitsm.tables.Rows` of :class:`AuditFinding`) with counts per status and
Markdown, HTML and JSON renderings. For a given store and ``at`` the result is
always the same: the rules read only the snapshot and ``at``, never a clock.

>>> from datetime import UTC, datetime
>>> from fitsm.storage.memory import MemoryStore
>>> report = audit(MemoryStore(), at=datetime(2026, 1, 5, tzinfo=UTC))
>>> len(report), report.counts()["not_met"] > 0
(82, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from fitsm.clock import as_utc
from fitsm.conformance.defaults import default_rulebook
from fitsm.conformance.findings import AuditFinding, FindingStatus
from fitsm.conformance.requirements import ATTRIBUTION
from fitsm.conformance.rules import Rulebook
from fitsm.conformance.snapshot import AUDIT_WINDOW, Progress, Snapshot
from fitsm.errors import NotFoundError
from fitsm.tables import Rows, html_table

if TYPE_CHECKING:
    from fitsm.storage.ports import Store

__all__ = ["AuditReport", "audit", "audit_snapshot"]


class AuditReport(Rows[AuditFinding]):
    """The findings of an audit, one per requirement in the standard's order: a table
    (``to_records()``, ``to_frame()``, HTML in Jupyter) with counts and renderings."""

    def __init__(self, findings: Iterable[AuditFinding] = (), *, at: datetime) -> None:
        super().__init__(findings, columns=AuditFinding.columns)
        self.at = as_utc(at, "at")

    def counts(self) -> dict[str, int]:
        """How many findings have each status, every status named (zero included)."""
        found = {s.value: 0 for s in FindingStatus}
        for finding in self:
            found[finding.status.value] += 1
        return found

    def finding(self, requirement: str) -> AuditFinding:
        """The finding on one requirement."""
        for finding in self:
            if finding.requirement == requirement:
                return finding
        raise NotFoundError(f"the audit has no finding on {requirement!r}")

    def of_status(self, *statuses: FindingStatus | str) -> list[AuditFinding]:
        """The findings with one of ``statuses``, in the standard's order."""
        wanted = {FindingStatus(s) for s in statuses}
        return [f for f in self if f.status in wanted]

    @property
    def by_machine(self) -> int:
        """How many requirements the store's data decided."""
        return sum(f.by_machine for f in self)

    def summary(self) -> str:
        """One line: the counts per status and how many the data decided.

        >>> from datetime import UTC
        >>> found = [AuditFinding.met("GR1.1", "ok")]
        >>> AuditReport(found, at=datetime(2026, 1, 1, tzinfo=UTC)).summary()
        '1 requirements audited on 2026-01-01: 1 met, 0 partly met, 0 not met, 0 need evidence, \
0 not applicable; 1 decided from the data'
        """
        c = self.counts()
        return (
            f"{len(self)} requirements audited on {self.at.date().isoformat()}: "
            f"{c['met']} met, {c['partly_met']} partly met, {c['not_met']} not met, "
            f"{c['needs_evidence']} need evidence, {c['not_applicable']} not applicable; "
            f"{self.by_machine} decided from the data"
        )

    def to_json(self) -> list[dict[str, Any]]:
        """One JSON object per requirement: ``id``, ``status``, ``evidence``, ``counts``,
        ``next_step``, ``by_machine``."""
        return [f.to_json() for f in self]

    def to_markdown(self) -> str:
        """A Markdown page: the summary, a table of every finding, and the attribution."""
        lines = [
            f"# FitSM-1 conformance audit, {self.at.date().isoformat()}",
            "",
            self.summary() + ".",
            "",
            "| requirement | status | evidence | next step |",
            "|---|---|---|---|",
        ]
        for f in self:
            cells = [f.requirement, f.status.value, "; ".join(f.evidence), f.next_step]
            lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
        lines += ["", f"*{ATTRIBUTION}.*", ""]
        return "\n".join(lines)

    def to_html(self) -> str:
        """An HTML table of every finding, with the summary as its caption."""
        rows = [[f.requirement, f.status.value, "; ".join(f.evidence), f.next_step] for f in self]
        table = html_table(
            ["requirement", "status", "evidence", "next step"], rows, caption=self.summary()
        )
        return f"{table}<p><small>{ATTRIBUTION}.</small></p>"

    def _repr_html_(self) -> str:
        return self.to_html()


def _md(text: str) -> str:
    """A table cell: pipes escaped and line breaks flattened, so the row stays one row."""
    return text.replace("|", "\\|").replace("\n", " ")


def audit_snapshot(snapshot: Snapshot, rulebook: Rulebook | None = None) -> AuditReport:
    """Decide every requirement of ``rulebook`` (the 82 defaults) for ``snapshot``."""
    book = rulebook if rulebook is not None else default_rulebook()
    return AuditReport((book.decide(rule.requirement, snapshot) for rule in book), at=snapshot.at)


def audit(
    store: Store,
    *,
    at: datetime,
    rulebook: Rulebook | None = None,
    window: timedelta = AUDIT_WINDOW,
    progress: Progress | None = None,
) -> AuditReport:
    """Audit ``store`` against FitSM-1 at ``at``: read it once, never change it, and
    decide every requirement of ``rulebook`` (the 82 defaults when None).

    ``window`` is how far back outages and recent activity count; ``progress(done,
    total)`` is called as each kind of aggregate is read.
    """
    snapshot = Snapshot.load(store, at=at, window=window, progress=progress)
    return audit_snapshot(snapshot, rulebook)
