"""Toll-gates on the service lifecycle: criteria a service must meet to enter a phase
(PR1.3; IT service product management, 003).

FitSM-1 (CC BY 4.0): "PR1.3 The evolution of services through their lifecycle
shall be managed ... Plans shall consider ... service acceptance criteria." The
ITSPM framework (003) "relies on a series of service development tollgates to
control the service moving through its lifecycle stages". A :class:`TollGate`
guards the move into one phase of the portfolio's lifecycle; its
:class:`GateCriterion` items are data (an id and a text) with a check the library
evaluates:

* a criterion with ``evidence`` (``"sla"``, ``"continuity_plan"`` ...) is met when
  the :class:`Evidence` passed in names the service under that fact; evidence is
  a function of what the store holds (:func:`fitsm.planning.gather_evidence`) or
  whatever the caller found;
* a criterion without one is manual: met once someone records a
  :class:`Confirmation` for the service.

A criterion neither met nor confirmed is *open*, and the service cannot pass the
gate (:class:`OpenGateError`) unless an authorised person recorded a
:class:`Waiver` for it: who, when, why, which criterion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import attrs

from fitsm._validators import (
    check_id,
    identifier,
    items,
    shown,
    text,
    to_id_tuple,
)
from fitsm.clock import as_utc
from fitsm.errors import InvalidTransitionError, ValidationError
from fitsm.portfolio.history import ProductChange

__all__ = [
    "Confirmation",
    "CriterionResult",
    "CriterionState",
    "Evidence",
    "GateCriterion",
    "GateResult",
    "OpenGateError",
    "TollGate",
    "Waiver",
]


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _required(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    text(instance, attribute, value)
    if not value.strip():
        raise ValidationError(
            f"{type(instance).__name__} {getattr(instance, 'id', '?')!r} needs a "
            f"{attribute.name}, got an empty text",
            field=attribute.name,
        )


def _evidence_name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value != "":
        identifier(instance, attribute, value)


@attrs.frozen
class GateCriterion:
    """One criterion of a toll-gate: an id, what it says, and how it is checked.

    ``evidence`` names the fact the :class:`Evidence` must hold for the service
    (checked by the library); empty, the criterion is confirmed by a person.

    >>> GateCriterion("sla", "An SLA draft exists", evidence="sla").manual
    False
    """

    id: str = attrs.field(validator=identifier)
    text: str = attrs.field(validator=_required)
    evidence: str = attrs.field(default="", validator=_evidence_name)

    @property
    def manual(self) -> bool:
        """Whether a person confirms the criterion (it names no evidence)."""
        return not self.evidence


def _criteria(value: Iterable[GateCriterion]) -> tuple[GateCriterion, ...]:
    found = items(value, "a list of GateCriterion")
    for each in found:
        if not isinstance(each, GateCriterion):
            raise ValidationError(
                f"a toll-gate's criteria must be GateCriterion records, got {shown(each)}",
                field="criteria",
            )
    return found


def _id_set(value: Iterable[str]) -> frozenset[str]:
    return frozenset(to_id_tuple(value))


def _history(value: Iterable[ProductChange]) -> tuple[ProductChange, ...]:
    return tuple(value)


@attrs.frozen
class TollGate:
    """A gate on the move into the lifecycle phase ``into`` (PR1.3).

    ``from_phases`` limits it to moves from those phases (empty: from any), so a
    retirement gate can spare a proposal that is abandoned; ``services`` limits
    it to those services (empty: every service).

    >>> gate = TollGate("go-live", "Go-live", "in_production",
    ...                 [GateCriterion("sla", "An SLA draft exists", evidence="sla")])
    >>> gate.applies("shop", "in_development", "in_production")
    True
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=_required)
    into: str = attrs.field(validator=identifier)
    criteria: tuple[GateCriterion, ...] = attrs.field(converter=_criteria)
    from_phases: frozenset[str] = attrs.field(default=frozenset(), converter=_id_set, kw_only=True)
    services: frozenset[str] = attrs.field(default=frozenset(), converter=_id_set, kw_only=True)
    active: bool = attrs.field(default=True, kw_only=True)
    """False once retired: a retired gate guards nothing."""
    history: tuple[ProductChange, ...] = attrs.field(default=(), converter=_history, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.criteria:
            raise ValidationError(
                f"toll-gate {self.id!r} needs at least one criterion", field="criteria"
            )
        ids = [c.id for c in self.criteria]
        for criterion_id in ids:
            if ids.count(criterion_id) > 1:
                raise ValidationError(
                    f"toll-gate {self.id!r} names criterion {criterion_id!r} twice; "
                    "expected one criterion per id",
                    field="criteria",
                )

    def applies(self, service: str, from_phase: str, to_phase: str) -> bool:
        """Whether the gate guards this service's move from ``from_phase`` to ``to_phase``."""
        return (
            self.active
            and to_phase == self.into
            and (not self.from_phases or from_phase in self.from_phases)
            and (not self.services or service in self.services)
        )

    def criterion(self, criterion_id: str) -> GateCriterion:
        """The criterion ``criterion_id``; ValidationError naming the gate's criteria."""
        for each in self.criteria:
            if each.id == criterion_id:
                return each
        raise ValidationError(
            f"toll-gate {self.id!r} has no criterion {shown(criterion_id)}; expected one of "
            + ", ".join(repr(c.id) for c in self.criteria),
            field="criterion_id",
        )


@attrs.frozen
class Confirmation:
    """A person confirming a manual criterion of a gate for a service: who, when, how."""

    service: str = attrs.field(validator=identifier)
    gate: str = attrs.field(validator=identifier)
    criterion: str = attrs.field(validator=identifier)
    by: str = attrs.field(validator=identifier)
    at: datetime = attrs.field(converter=_utc)
    note: str = attrs.field(default="", validator=text)


@attrs.frozen
class Waiver:
    """An open criterion of a gate let pass for one service: who, when, why, which criterion.

    Only the SPM process owner or the SMS owner may record one
    (:data:`fitsm.portfolio.authority.RULES`).
    """

    service: str = attrs.field(validator=identifier)
    gate: str = attrs.field(validator=identifier)
    criterion: str = attrs.field(validator=identifier)
    by: str = attrs.field(validator=identifier)
    at: datetime = attrs.field(converter=_utc)
    reason: str = attrs.field(validator=_required)


def _facts(value: Mapping[str, Iterable[str]]) -> Mapping[str, frozenset[str]]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"evidence must map a fact to the services it holds for, got {shown(value)}",
            field="facts",
        )
    return MappingProxyType(
        {check_id(k, "an evidence fact"): frozenset(to_id_tuple(v)) for k, v in value.items()}
    )


@attrs.frozen
class Evidence:
    """What is known about the services when a gate is checked: fact -> the services it
    holds for.

    >>> Evidence({"sla": ["shop", "mail"]}).holds("sla", "shop")
    True
    """

    facts: Mapping[str, frozenset[str]] = attrs.field(factory=dict, converter=_facts)

    def holds(self, fact: str, service: str) -> bool:
        """Whether ``fact`` holds for ``service``."""
        return service in self.facts.get(fact, ())

    def known(self, fact: str) -> bool:
        """Whether the evidence says anything about ``fact``."""
        return fact in self.facts

    def merged(self, other: Evidence | Mapping[str, Iterable[str]]) -> Evidence:
        """This evidence with ``other``'s: a fact of both holds for the services of either."""
        more = other if isinstance(other, Evidence) else Evidence(other)
        facts = {k: set(v) for k, v in self.facts.items()}
        for fact, services in more.facts.items():
            facts.setdefault(fact, set()).update(services)
        return Evidence(facts)


class CriterionState(StrEnum):
    """How a criterion stands for a service: met (by evidence), confirmed (by a person),
    waived, or open."""

    MET = "met"
    CONFIRMED = "confirmed"
    WAIVED = "waived"
    OPEN = "open"


@attrs.frozen
class CriterionResult:
    """One criterion checked for one service, with what decided it."""

    criterion: GateCriterion
    state: CriterionState
    reason: str
    waiver: Waiver | None = None

    @property
    def open(self) -> bool:
        return self.state is CriterionState.OPEN


@attrs.frozen
class GateResult:
    """A gate checked for one service's move: each criterion's result."""

    gate: TollGate
    service: str
    results: tuple[CriterionResult, ...]

    @property
    def open(self) -> tuple[CriterionResult, ...]:
        """The criteria neither met, confirmed nor waived."""
        return tuple(r for r in self.results if r.open)

    @property
    def passed(self) -> bool:
        """Whether the service may pass the gate."""
        return not self.open

    @property
    def waived(self) -> tuple[CriterionResult, ...]:
        return tuple(r for r in self.results if r.state is CriterionState.WAIVED)


class OpenGateError(InvalidTransitionError):
    """A service's move is refused: a gate on it has an open criterion (PR1.3).

    ``results`` holds every gate checked, for the caller to show what is missing.
    """

    def __init__(self, message: str, results: tuple[GateResult, ...]) -> None:
        super().__init__(message, field="phase")
        self.results = results
