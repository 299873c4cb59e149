"""What the audit says about one requirement: a status, the evidence, and the next step.

>>> f = AuditFinding.not_met("PR11.5", "the CMDB 'default' was never verified",
...                     next_step="verify the CMDB and record it", cmdbs=1)
>>> f.status, f.counts["cmdbs"]
(<FindingStatus.NOT_MET: 'not_met'>, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from fitsm._validators import check_text, enum_value, identifier, text
from fitsm.conformance.requirements import group_of
from fitsm.errors import ValidationError
from fitsm.tables import Column, Columns

__all__ = ["AuditFinding", "FindingStatus"]


class FindingStatus(StrEnum):
    """Where the provider stands on a requirement."""

    MET = "met"
    """The store's data shows the requirement is met."""
    PARTLY_MET = "partly_met"
    """Some of it is met; the next step says what is missing."""
    NOT_MET = "not_met"
    """The data shows it is not met (or holds nothing where records are needed)."""
    NEEDS_EVIDENCE = "needs_evidence"
    """The store cannot decide it: a person must provide what ``next_step`` names."""
    NOT_APPLICABLE = "not_applicable"
    """Out of scope; ``evidence`` says why."""


def _evidence(value: str | Iterable[str]) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(value)
    return tuple(check_text(item, "a sentence of evidence", field="evidence") for item in items)


def _counts(value: Mapping[str, int]) -> Mapping[str, int]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"counts must map a name to a count, got {value!r}", field="counts")
    for name, count in value.items():
        if not isinstance(name, str) or isinstance(count, bool) or not isinstance(count, int):
            raise ValidationError(
                f"counts must map a name to a whole number, got {name!r}: {count!r}",
                field="counts",
            )
    return MappingProxyType(dict(sorted(value.items())))


def _group(finding: AuditFinding) -> str:
    try:
        return group_of(finding.requirement)
    except LookupError:  # a user's own requirement
        return ""


def _status(value: object) -> FindingStatus:
    return enum_value(FindingStatus, "status")(value)


@attrs.frozen
class AuditFinding:
    """The audit's verdict on one requirement.

    ``evidence`` lists what was looked at, in sentences naming records ("SLA
    'sla-shop' is in force for 'shop'"); ``counts`` the figures behind it;
    ``next_step`` what to do when it is not met, or what a person must provide
    when the store cannot decide it. ``by_machine`` says whether the store's data
    decided it.

    As a row of a table (``AuditFinding.columns``): ``requirement``, ``group`` (the
    process, ``"CONFM"``, or the general requirement, ``"GR1"``), ``status``,
    ``by_machine``, ``evidence`` (the sentences joined by ``"; "``) and ``next_step``.
    """

    columns: ClassVar[Columns] = Columns(
        Column("requirement", "string"),
        Column("group", "string", _group),
        Column("status", "category", categories=[s.value for s in FindingStatus]),
        Column("by_machine", "bool"),
        Column("evidence", "string", lambda f: "; ".join(f.evidence)),
        Column("next_step", "string"),
    )
    """The audit's table: one row per requirement."""

    requirement: str = attrs.field(validator=identifier)
    status: FindingStatus = attrs.field(converter=_status)
    evidence: tuple[str, ...] = attrs.field(default=(), converter=_evidence)
    next_step: str = attrs.field(default="", validator=text)
    counts: Mapping[str, int] = attrs.field(factory=dict, converter=_counts)
    by_machine: bool = True

    def __attrs_post_init__(self) -> None:
        if self.status is not FindingStatus.MET and not self.next_step and not self.evidence:
            raise ValidationError(
                f"finding on {self.requirement}: a status of {self.status.value!r} needs "
                "evidence or a next step saying why",
                field="next_step",
            )

    @classmethod
    def met(cls, requirement: str, *evidence: str, **counts: int) -> AuditFinding:
        """The requirement is met, shown by ``evidence``."""
        return cls(requirement, FindingStatus.MET, evidence, counts=counts)

    @classmethod
    def not_met(
        cls, requirement: str, *evidence: str, next_step: str, **counts: int
    ) -> AuditFinding:
        """It is not met; ``next_step`` says what to do."""
        return cls(requirement, FindingStatus.NOT_MET, evidence, next_step, counts)

    @classmethod
    def partly_met(
        cls, requirement: str, *evidence: str, next_step: str, **counts: int
    ) -> AuditFinding:
        """Part of it is met; ``next_step`` says what is missing."""
        return cls(requirement, FindingStatus.PARTLY_MET, evidence, next_step, counts)

    @classmethod
    def needs_evidence(cls, requirement: str, provide: str, *evidence: str) -> AuditFinding:
        """The store cannot decide it; a person must ``provide`` the evidence named."""
        return cls(requirement, FindingStatus.NEEDS_EVIDENCE, evidence, provide, by_machine=False)

    @classmethod
    def not_applicable(cls, requirement: str, why: str) -> AuditFinding:
        """Out of scope, for the reason given."""
        return cls(requirement, FindingStatus.NOT_APPLICABLE, (why,), by_machine=False)

    def to_json(self) -> dict[str, Any]:
        """The finding as JSON values: ``id``, ``status``, ``evidence`` (a list of
        sentences), ``counts``, ``next_step``, ``by_machine``."""
        return {
            "id": self.requirement,
            "status": self.status.value,
            "evidence": list(self.evidence),
            "counts": dict(self.counts),
            "next_step": self.next_step,
            "by_machine": self.by_machine,
        }
