"""Proposals for new or changed services, evaluated and decided (PR1.2).

FitSM-1 (CC BY 4.0): "PR1.2 Proposals for new or changed services shall be
evaluated based on predicted demand, required resources and expected benefits."
FitSM-2 asks the provider to "write down the assessment criteria used to make
decisions on proposals": an :class:`AssessmentCriterion` is one of them, and an
evaluation gives a :class:`Finding` for each. A :class:`Proposal` moves from
*proposed* to *evaluated* to *approved* or *rejected*; the register
(:class:`~fitsm.portfolio.ProductRegister`) makes every move and records it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier, text, to_str_tuple
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.portfolio.history import ProductChange

__all__ = [
    "AssessmentCriterion",
    "Decision",
    "Finding",
    "Proposal",
    "ProposalKind",
    "ProposalStatus",
]


class ProposalKind(StrEnum):
    """Whether a proposal is for a new service or a change to one in the portfolio."""

    NEW = "new"
    CHANGE = "change"


class ProposalStatus(StrEnum):
    """Where a proposal stands: proposed, evaluated, then approved or rejected."""

    PROPOSED = "proposed"
    EVALUATED = "evaluated"
    APPROVED = "approved"
    REJECTED = "rejected"


def _kind(value: object) -> ProposalKind:
    return enum_value(ProposalKind, "kind")(value)


def _status(value: object) -> ProposalStatus:
    return enum_value(ProposalStatus, "status")(value)


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _ids(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for item in value:
        if not isinstance(item, str) or not item or item != item.strip():
            raise ValidationError(
                f"{type(instance).__name__} {getattr(instance, 'id', '?')!r}: {attribute.name} "
                f"must hold ids (non-empty strings), got {item!r}",
                field=attribute.name,
            )
    if len(set(value)) != len(value):
        raise ValidationError(
            f"{type(instance).__name__} {getattr(instance, 'id', '?')!r}: {attribute.name} "
            f"names an id twice: {list(value)!r}",
            field=attribute.name,
        )


def _required(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    text(instance, attribute, value)
    if not value.strip():
        raise ValidationError(
            f"{type(instance).__name__} {getattr(instance, 'id', '?')!r} needs its "
            f"{attribute.name.replace('_', ' ')} (PR1.2), got an empty text",
            field=attribute.name,
        )


def _history(value: Iterable[ProductChange]) -> tuple[ProductChange, ...]:
    return tuple(value)


@attrs.frozen
class AssessmentCriterion:
    """A written-down criterion decisions on proposals are made by (FitSM-2, SPM set-up).

    >>> AssessmentCriterion("fit", "Fits the service strategy").text
    'Fits the service strategy'
    """

    id: str = attrs.field(validator=identifier)
    text: str = attrs.field(validator=_required)
    history: tuple[ProductChange, ...] = attrs.field(default=(), converter=_history, kw_only=True)


@attrs.frozen
class Finding:
    """What an evaluation found for one assessment criterion: met or not, and why."""

    criterion: str = attrs.field(validator=identifier)
    met: bool
    note: str = attrs.field(default="", validator=text)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.met, bool):
            raise ValidationError(
                f"finding for criterion {self.criterion!r}: met must be True or False, "
                f"got {self.met!r}",
                field="met",
            )


@attrs.frozen
class Decision:
    """A proposal approved or rejected: by whom (the acting person), when and why."""

    approved: bool
    by: str = attrs.field(validator=identifier)
    at: datetime = attrs.field(converter=_utc)
    reason: str = attrs.field(default="", validator=text)


def _findings(value: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(value)


def _decision(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, Decision):
        raise ValidationError(
            f"proposal {instance.id!r}: decision must be a Decision or None, got {value!r}",
            field="decision",
        )


@attrs.frozen
class Proposal:
    """A proposal for a new or changed service (PR1.2).

    ``service`` is the service proposed (a new id) or changed (an id in the
    portfolio). ``predicted_demand``, ``required_resources`` and
    ``expected_benefits`` are what PR1.2 asks a proposal to be evaluated on; the
    business case may say more. ``risks`` names risks in the risk register
    (:mod:`fitsm.risks`) by id.

    >>> p = Proposal("p-shop", "Web shop", "shop", "new", predicted_demand="2000 orders/day",
    ...              required_resources="2 FTE, 3 VMs", expected_benefits="online sales")
    >>> p.status
    <ProposalStatus.PROPOSED: 'proposed'>
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=_required)
    service: str = attrs.field(validator=identifier)
    kind: ProposalKind = attrs.field(converter=_kind)
    predicted_demand: str = attrs.field(validator=_required, kw_only=True)
    required_resources: str = attrs.field(validator=_required, kw_only=True)
    expected_benefits: str = attrs.field(validator=_required, kw_only=True)
    business_case: str = attrs.field(default="", validator=text, kw_only=True)
    risks: tuple[str, ...] = attrs.field(
        default=(), converter=to_str_tuple, validator=_ids, kw_only=True
    )
    status: ProposalStatus = attrs.field(
        default=ProposalStatus.PROPOSED, converter=_status, kw_only=True
    )
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=_findings, kw_only=True)
    decision: Decision | None = attrs.field(default=None, validator=_decision, kw_only=True)
    history: tuple[ProductChange, ...] = attrs.field(default=(), converter=_history, kw_only=True)

    @property
    def decided(self) -> bool:
        """Whether the proposal was approved or rejected."""
        return self.decision is not None
