"""A capability self-assessment per process and general requirement, seeded by the audit.

FitSM lets each process reach its own maturity (the implementation-sequence article
speaks of basic, intermediate and advanced levels). The library uses a four-step
capability scale, :class:`Capability`:

====  ===========  ===================================================================
  0   not done     none of the subject's requirements is met, even in part
  1   ad hoc       something is done: a requirement is met or partly met
  2   defined      no requirement is not met and at least half are met (the rest are
                   partly met or wait for evidence)
  3   managed      every requirement is met (or not applicable)
====  ===========  ===================================================================

:func:`assess` seeds one level per subject (the 14 processes, by abbreviation, and
the seven general requirements GR1-GR7) from an audit's findings; people then adjust
a level with :meth:`SelfAssessment.adjust`, saying who and why, and the seeded level
and every adjustment stay visible.

>>> from datetime import UTC, datetime
>>> from fitsm.conformance.audit import AuditReport
>>> from fitsm.conformance.findings import AuditFinding
>>> at = datetime(2026, 1, 5, tzinfo=UTC)
>>> report = AuditReport([AuditFinding.met("PR11.1", "schema"), AuditFinding.partly_met(
...     "PR11.2", "CIs", next_step="add attributes")], at=at)
>>> assessment = assess(report)
>>> assessment.level("CONFM")
<Capability.DEFINED: 2>
>>> assessment.adjust("CONFM", 3, by="ann", why="attributes added since", at=at).level
<Capability.MANAGED: 3>
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from enum import IntEnum
from typing import Any, ClassVar

import attrs

from fitsm._validators import check_id, check_text, identifier, text
from fitsm.clock import as_utc
from fitsm.conformance.findings import AuditFinding, FindingStatus
from fitsm.conformance.requirements import GENERAL_GROUPS, PROCESS_GROUPS, group_of
from fitsm.errors import NotFoundError, ValidationError
from fitsm.tables import Column, Columns

__all__ = [
    "SUBJECTS",
    "Adjustment",
    "Capability",
    "SelfAssessment",
    "SubjectLevel",
    "assess",
    "seed_level",
]


class Capability(IntEnum):
    """The capability scale of the self-assessment, 0 to 3."""

    NOT_DONE = 0
    """None of the subject's requirements is met, even in part."""
    AD_HOC = 1
    """Something is done: a requirement is met or partly met."""
    DEFINED = 2
    """No requirement is not met, and at least half are met."""
    MANAGED = 3
    """Every requirement is met (or not applicable)."""

    @property
    def label(self) -> str:
        """The level's name in words: ``"ad hoc"``."""
        return self.name.lower().replace("_", " ")


_NAMES = {
    "SPM": "Service portfolio management",
    "SLM": "Service level management",
    "SRM": "Service reporting management",
    "SACM": "Service availability and continuity management",
    "CAPM": "Capacity management",
    "ISM": "Information security management",
    "CRM": "Customer relationship management",
    "SUPPM": "Supplier relationship management",
    "ISRM": "Incident and service request management",
    "PM": "Problem management",
    "CONFM": "Configuration management",
    "CHM": "Change management",
    "RDM": "Release and deployment management",
    "CSI": "Continual service improvement management",
}

SUBJECTS: Mapping[str, str] = {
    **{g: f"{g} {name}" for g, name in GENERAL_GROUPS.items()},
    **{p: f"{_NAMES[p]} ({req})" for req, p in PROCESS_GROUPS.items()},
}
"""What is assessed: GR1-GR7 and the 14 processes (by abbreviation), with their names."""


def seed_level(findings: Iterable[AuditFinding]) -> Capability:
    """The level a subject's findings suggest, by the rules of the scale above.

    >>> seed_level([AuditFinding.met("PR1.1", "ok"),
    ...             AuditFinding.not_met("PR1.2", "no", next_step="x")])
    <Capability.AD_HOC: 1>
    """
    statuses = [f.status for f in findings if f.status is not FindingStatus.NOT_APPLICABLE]
    if all(s is FindingStatus.MET for s in statuses):
        return Capability.MANAGED
    met = statuses.count(FindingStatus.MET)
    if FindingStatus.NOT_MET not in statuses and 2 * met >= len(statuses):
        return Capability.DEFINED
    if met or FindingStatus.PARTLY_MET in statuses:
        return Capability.AD_HOC
    return Capability.NOT_DONE


def _level(value: object) -> Capability:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3:
        return Capability(value)
    raise ValidationError(
        f"{value!r} is not a capability level; expected 0 (not done), 1 (ad hoc), "
        "2 (defined) or 3 (managed)",
        field="level",
    )


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


@attrs.frozen
class Adjustment:
    """A person's change of a subject's level: from, to, who, why, when."""

    subject: str = attrs.field(validator=identifier)
    before: Capability = attrs.field(converter=_level)
    after: Capability = attrs.field(converter=_level)
    by: str = attrs.field(validator=identifier)
    why: str = attrs.field(validator=text)
    at: datetime = attrs.field(converter=_utc)


def _name(level: SubjectLevel) -> str:
    return SUBJECTS.get(level.subject, level.subject)


@attrs.frozen
class SubjectLevel:
    """One subject's level: as seeded from the findings, and as it stands now."""

    columns: ClassVar[Columns] = Columns(
        Column("subject", "string"),
        Column("name", "string", _name),
        Column("level", "int", lambda s: int(s.level)),
        Column(
            "capability",
            "category",
            lambda s: s.level.label,
            categories=[c.label for c in Capability],
        ),
        Column("seeded", "int", lambda s: int(s.seeded)),
        Column("requirements", "int", lambda s: len(s.findings)),
        Column("met", "int", lambda s: sum(f.status is FindingStatus.MET for f in s.findings)),
        Column(
            "adjusted_by",
            "string",
            lambda s: s.adjustments[-1].by if s.adjustments else None,
            nullable=True,
        ),
        Column(
            "why",
            "string",
            lambda s: s.adjustments[-1].why if s.adjustments else None,
            nullable=True,
        ),
    )
    """The table of a self-assessment: one row per subject."""

    subject: str = attrs.field(validator=identifier)
    seeded: Capability = attrs.field(converter=_level)
    findings: tuple[AuditFinding, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def level(self) -> Capability:
        """The level now: the last adjustment's, else the seeded one."""
        return self.adjustments[-1].after if self.adjustments else self.seeded

    @property
    def open(self) -> list[AuditFinding]:
        """The subject's findings that are neither met nor not applicable."""
        done = (FindingStatus.MET, FindingStatus.NOT_APPLICABLE)
        return [f for f in self.findings if f.status not in done]


class SelfAssessment:
    """The levels of every subject, seeded from an audit and adjusted by people."""

    def __init__(self, levels: Iterable[SubjectLevel], *, at: datetime) -> None:
        self.at = as_utc(at, "at")
        self._levels = {level.subject: level for level in levels}

    def level(self, subject: str) -> Capability:
        """The level of ``subject`` now (``"CONFM"``, ``"GR1"``)."""
        return self[subject].level

    def adjust(
        self, subject: str, level: Capability | int, *, by: str, why: str, at: datetime
    ) -> SubjectLevel:
        """Set ``subject``'s level as a person judges it, saying why; the seeded level and
        earlier adjustments are kept."""
        current = self[subject]
        check_id(by, "who adjusts", field="by")
        if not check_text(why, "why", field="why").strip():
            raise ValidationError(f"adjusting {subject} needs a reason", field="why")
        change = Adjustment(subject, current.level, _level(level), by, why, at)
        updated = attrs.evolve(current, adjustments=(*current.adjustments, change))
        self._levels[subject] = updated
        return updated

    def levels(self) -> dict[str, int]:
        """Subject -> level now, in the order of :data:`SUBJECTS` (for a chart)."""
        return {s: int(level.level) for s, level in self._levels.items()}

    def to_records(self, *, iso: bool = False) -> list[dict[str, Any]]:
        """One record per subject (``SubjectLevel.columns``)."""
        return SubjectLevel.columns.records(self, iso=iso)

    def to_frame(self) -> Any:
        """The records as a pandas DataFrame (the ``pandas`` extra)."""
        return SubjectLevel.columns.frame(self)

    def to_markdown(self) -> str:
        """A Markdown table of the levels, with the scale's words."""
        lines = [
            "| subject | level | capability | seeded | adjusted by | why |",
            "|---|---|---|---|---|---|",
        ]
        for s in self:
            last = s.adjustments[-1] if s.adjustments else None
            lines.append(
                f"| {SUBJECTS.get(s.subject, s.subject)} | {int(s.level)} | {s.level.label} | "
                f"{int(s.seeded)} | {last.by if last else ''} | "
                f"{last.why.replace('|', '/') if last else ''} |"
            )
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        """An HTML table of the levels."""
        return SubjectLevel.columns.html(self, caption="Capability self-assessment", limit=50)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __getitem__(self, subject: str) -> SubjectLevel:
        try:
            return self._levels[subject]
        except (KeyError, TypeError):
            known = ", ".join(self._levels)
            raise NotFoundError(
                f"no subject {subject!r} in the self-assessment; expected one of {known}"
            ) from None

    def __iter__(self) -> Iterator[SubjectLevel]:
        return iter(self._levels.values())

    def __len__(self) -> int:
        return len(self._levels)


def assess(findings: Iterable[AuditFinding], *, at: datetime | None = None) -> SelfAssessment:
    """Seed a self-assessment from the findings of an audit (an ``AuditReport``, whose
    ``at`` it takes, or any findings with ``at`` given): one level per subject."""
    items = list(findings)
    when = at if at is not None else getattr(findings, "at", None)
    if when is None:
        raise ValidationError("assess needs at= when the findings are not an audit report")
    grouped: dict[str, list[AuditFinding]] = {subject: [] for subject in SUBJECTS}
    for finding in items:
        try:
            group = group_of(finding.requirement)
        except NotFoundError:  # a user's own requirement belongs to no subject
            continue
        grouped[group].append(finding)
    return SelfAssessment(
        (
            SubjectLevel(subject, seed_level(found), tuple(found))
            for subject, found in grouped.items()
            if found
        ),
        at=when,
    )
