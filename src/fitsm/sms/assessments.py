"""Management reviews (GR1.3), assessments and audits with findings (GR6.2), and
nonconformities and deviations with corrective actions (GR7.1).

FitSM-1 (CC BY 4.0): "GR1.3 The SMS owner shall conduct management reviews at
planned intervals"; "GR6.2 Assessments or audits of the SMS shall be conducted at
planned intervals to evaluate the level of maturity and conformity"; "GR7.1
Nonconformities and deviations from goals shall be identified and actions shall
be taken to prevent them from recurring." Management reviews and assessments are
done on review schedules (subject kinds ``management_review`` and
``sms_assessment``); a nonconformity keeps its corrective actions and the CSI
improvement it feeds (PR14).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

import attrs

from fitsm._validators import enum_value, identifier, identifier_or_empty, text, to_str_tuple
from fitsm.errors import ValidationError
from fitsm.sms.records import Action, SmsChange, actions, history, ids, non_blank, utc

__all__ = [
    "Assessment",
    "AssessmentFinding",
    "AssessmentFindingKind",
    "ManagementReview",
    "Nonconformity",
    "NonconformityKind",
]


@attrs.frozen
class ManagementReview:
    """A management review of the SMS (GR1.3): when it was held, who attended, what it
    looked at (inputs: KPI results, audit findings, stakeholder feedback), what it
    decided, and the follow-up actions."""

    id: str = attrs.field(validator=identifier)
    held: datetime = attrs.field(converter=utc)
    inputs: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    decisions: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    actions: tuple[Action, ...] = attrs.field(default=(), converter=actions)
    attendees: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, validator=ids)
    history: tuple[SmsChange, ...] = attrs.field(default=(), converter=history)

    def __attrs_post_init__(self) -> None:
        if not self.inputs:
            raise ValidationError(
                f"management review {self.id!r} needs its inputs (what it reviewed)",
                field="inputs",
            )

    def open_actions(self) -> list[Action]:
        return [a for a in self.actions if a.done is None]


class AssessmentFindingKind(StrEnum):
    """What an assessment or audit found about a requirement."""

    CONFORMITY = "conformity"
    NONCONFORMITY = "nonconformity"
    OBSERVATION = "observation"
    OPPORTUNITY = "opportunity"
    """An opportunity for improvement."""


def _finding_kind(value: object) -> AssessmentFindingKind:
    return enum_value(AssessmentFindingKind, "kind")(value)


@attrs.frozen
class AssessmentFinding:
    """One finding: about which requirement (``"PR9.4"``, ``"GR2.2"``), of which kind, what."""

    id: str = attrs.field(validator=identifier)
    kind: AssessmentFindingKind = attrs.field(converter=_finding_kind)
    description: str = attrs.field(validator=non_blank)
    requirement: str = attrs.field(default="", validator=text)


def _findings(value: Iterable[AssessmentFinding]) -> tuple[AssessmentFinding, ...]:
    found = tuple(value)
    names = [f.id for f in found]
    if len(set(names)) != len(names):
        raise ValidationError(f"findings name an id twice: {names!r}", field="findings")
    return found


@attrs.frozen
class Assessment:
    """An assessment or audit of the SMS (GR6.2): what kind (``"self-assessment"``,
    ``"internal audit"``, ``"external audit"``), when, by whom, its scope and its
    findings."""

    id: str = attrs.field(validator=identifier)
    kind: str = attrs.field(validator=non_blank)
    held: datetime = attrs.field(converter=utc)
    assessor: str = attrs.field(validator=non_blank)
    scope: str = attrs.field(default="", validator=text)
    findings: tuple[AssessmentFinding, ...] = attrs.field(default=(), converter=_findings)
    history: tuple[SmsChange, ...] = attrs.field(default=(), converter=history)

    def nonconformities(self) -> list[AssessmentFinding]:
        return [f for f in self.findings if f.kind is AssessmentFindingKind.NONCONFORMITY]


class NonconformityKind(StrEnum):
    """A nonconformity with a requirement, or a deviation from a goal (GR7.1)."""

    NONCONFORMITY = "nonconformity"
    DEVIATION = "deviation"


def _nonconformity_kind(value: object) -> NonconformityKind:
    return enum_value(NonconformityKind, "kind")(value)


@attrs.frozen
class Nonconformity:
    """A nonconformity or deviation from goals (GR7.1), where it was found (``source``:
    ``"assessment:a-2024/f1"``, ``"kpi:k-incidents"``), its corrective actions, and the
    CSI improvement it feeds (``improvement``, a case id)."""

    id: str = attrs.field(validator=identifier)
    description: str = attrs.field(validator=non_blank)
    kind: NonconformityKind = attrs.field(
        default=NonconformityKind.NONCONFORMITY, converter=_nonconformity_kind
    )
    requirement: str = attrs.field(default="", validator=text)
    source: str = attrs.field(default="", validator=text)
    cause: str = attrs.field(default="", validator=text)
    corrective_actions: tuple[Action, ...] = attrs.field(default=(), converter=actions)
    improvement: str = attrs.field(default="", validator=identifier_or_empty)
    closed: bool = False
    history: tuple[SmsChange, ...] = attrs.field(default=(), converter=history)

    def open_actions(self) -> list[Action]:
        return [a for a in self.corrective_actions if a.done is None]
