"""Agreements and their service targets (PR2.2, PR2.4).

FitSM-0 (CC BY 4.0): a *service level agreement (SLA)* is a "documented agreement
between a customer and service provider that specifies the service to be provided
and the service targets that define how it will be provided"; an *operational
level agreement (OLA)* is agreed with an internal supplier and an *underpinning
agreement (UA)* with an external supplier, for the services or service components
they provide. A *service target* is a "reference / target value for a parameter
used to measure the performance of a service".

Targets are pint quantities, checked for their dimension: availability in
percent, response and resolution times per priority as durations, performance and
capacity in any unit. A changed agreement is a new version (:meth:`Agreements.revise`);
evaluations name the version they used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Any

import attrs

from fitsm._validators import (
    check_fields,
    enum_value,
    identifier,
    items,
    shown,
    text,
    to_str_tuple,
)
from fitsm.clock import as_utc
from fitsm.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from fitsm.time.calendar import BusinessCalendar
from fitsm.units import Quantity, check_dimension, check_quantity, duration, share

__all__ = [
    "Agreement",
    "AgreementKind",
    "Agreements",
    "ServiceTarget",
    "TargetKind",
]


class AgreementKind(StrEnum):
    """SLA (with a customer), OLA (with an internal supplier) or UA (with an external one)."""

    SLA = "SLA"
    OLA = "OLA"
    UA = "UA"


class TargetKind(StrEnum):
    """What a service target measures."""

    AVAILABILITY = "availability"
    RESPONSE_TIME = "response_time"
    RESOLUTION_TIME = "resolution_time"
    PERFORMANCE = "performance"
    CAPACITY = "capacity"


_LOWER_IS_BETTER = {TargetKind.RESPONSE_TIME, TargetKind.RESOLUTION_TIME}


def _kind(value: object) -> TargetKind:
    return enum_value(TargetKind)(value)


def _agreement_kind(value: object) -> AgreementKind:
    return enum_value(AgreementKind)(value)


@attrs.frozen
class ServiceTarget:
    """One service target: what is measured, the target value, and for times the priority.

    >>> from fitsm.units import Q_
    >>> ServiceTarget("availability", Q_(99.9, "percent")).share
    Fraction(999, 1000)
    >>> ServiceTarget("availability", Q_(120, "percent"))
    Traceback (most recent call last):
    ...
    fitsm.errors.ValidationError: availability target must be above 0 % and at most 100 %, ...
    """

    kind: TargetKind = attrs.field(converter=_kind)
    value: Quantity  # type: ignore[type-arg]
    priority: str | None = None
    name: str = attrs.field(default="", validator=text)
    lower_is_better: bool | None = None
    """Whether a smaller measurement is better; by default true for times, and for
    performance targets in ``[time]`` (latency), false otherwise."""

    def __attrs_post_init__(self) -> None:
        kind, value = self.kind, self.value
        check_quantity(value, f"{kind.value} target")
        check_fields(self)
        if kind is TargetKind.AVAILABILITY:
            check_dimension(value, "[]", "availability target")
            p = share(value)
            if not 0 < p <= 1:
                raise ValidationError(
                    f"availability target must be above 0 % and at most 100 %, got {value}"
                )
        elif kind in _LOWER_IS_BETTER:
            check_dimension(value, "[time]", f"{kind.value} target")
            if duration(value) <= timedelta(0):
                raise ValidationError(f"{kind.value} target must be positive, got {value}")
        if kind not in _LOWER_IS_BETTER and self.priority is not None:
            raise ValidationError(
                f"only response and resolution times have a priority, not {kind.value}"
            )

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return self.kind.value + (f"[{self.priority}]" if self.priority is not None else "")

    @property
    def share(self) -> Fraction:
        """An availability target as an exact fraction of 1."""
        return share(self.value, "availability target")

    @property
    def time(self) -> timedelta:
        """A response or resolution time target as a timedelta."""
        return duration(self.value, f"{self.kind.value} target")

    @property
    def smaller_is_better(self) -> bool:
        if self.lower_is_better is not None:
            return self.lower_is_better
        return self.kind in _LOWER_IS_BETTER or (
            self.kind is TargetKind.PERFORMANCE and self.value.check("[time]")
        )

    def met_by(self, measured: Any) -> bool:
        """Whether a measured value meets the target (same dimension required)."""
        if not isinstance(measured, Quantity):
            raise ValidationError(
                f"measured value for {self.label} must be a quantity, got {measured!r}"
            )
        if measured.dimensionality != self.value.dimensionality:
            raise ValidationError(
                f"measured {measured} cannot be compared with target {self.value} of {self.label}"
            )
        if self.smaller_is_better:
            return bool(measured <= self.value)
        return bool(measured >= self.value)


def _targets(value: Iterable[ServiceTarget]) -> tuple[ServiceTarget, ...]:
    found = items(value, "a list of ServiceTarget records")
    for target in found:
        if not isinstance(target, ServiceTarget):
            raise ValidationError(
                f"targets must be ServiceTarget records, got {shown(target)} in {shown(value)}"
            )
    labels = [t.label for t in found]
    for label in labels:
        if labels.count(label) > 1:
            raise ValidationError(f"target {label!r} is given twice; name one of them")
    return found


def _date_or_none(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise ValidationError(f"expected a date, got {shown(value)}")


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value, "validity")


@attrs.frozen
class Agreement:
    """An SLA, OLA or UA in one version.

    ``party`` is the customer of an SLA, or the internal (OLA) or external (UA)
    supplier. ``covers`` names the services or service components it is about.
    A default SLA (``default=True``) applies to services that have no SLA of
    their own.
    """

    id: str = attrs.field(validator=identifier)
    kind: AgreementKind = attrs.field(converter=_agreement_kind)
    party: str = attrs.field(validator=text)
    covers: tuple[str, ...] = attrs.field(converter=to_str_tuple)
    targets: tuple[ServiceTarget, ...] = attrs.field(converter=_targets)
    calendar: BusinessCalendar = attrs.field(factory=BusinessCalendar.always)
    valid_from: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    valid_until: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    owner: str = attrs.field(default="", validator=text)
    review_interval: timedelta | None = None
    next_review: date | None = attrs.field(default=None, converter=_date_or_none)
    default: bool = False
    version: int = 1

    def __attrs_post_init__(self) -> None:
        check_fields(self)
        if not self.party and not self.default:
            who = {"SLA": "customer", "OLA": "internal supplier", "UA": "external supplier"}
            raise ValidationError(
                f"{self.kind.value} {self.id!r} needs its {who[self.kind.value]} as party"
            )
        if self.default and self.kind is not AgreementKind.SLA:
            raise ValidationError(
                f"only an SLA can be the default agreement, not {self.kind.value}"
            )
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError(
                f"agreement {self.id!r} is valid until {self.valid_until.isoformat()}, "
                f"before it starts ({self.valid_from.isoformat()})"
            )

    def in_force(self, at: datetime) -> bool:
        when = as_utc(at, "at")
        return (self.valid_from is None or self.valid_from <= when) and (
            self.valid_until is None or when < self.valid_until
        )

    def target(self, kind: TargetKind | str, priority: str | None = None) -> ServiceTarget | None:
        """The target of ``kind`` for ``priority``: the one for that priority, else the one
        for every priority (given without one), else None.

        A target without a priority applies to every priority that has no target of
        its own, so a prioritised incident is never silently left without one.
        """
        wanted = _kind(kind)
        general = None
        for t in self.targets:
            if t.kind is wanted:
                if t.priority == priority:
                    return t
                if t.priority is None:
                    general = t
        return general

    def review_due(self, today: date) -> bool:
        return self.next_review is not None and today >= self.next_review


class Agreements:
    """Every agreement with all its versions: the aggregate the store keeps (PR2.2)."""

    def __init__(self, id: str = "default") -> None:
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self._versions: dict[str, list[Agreement]] = {}

    def add(self, agreement: Agreement) -> Agreement:
        if agreement.id in self._versions:
            raise DuplicateError(f"agreement {agreement.id!r} exists; use revise() to change it")
        if agreement.default and self.default_sla() is not None:
            raise DuplicateError(f"there is a default SLA already: {self.default_sla().id!r}")  # type: ignore[union-attr]
        first = attrs.evolve(agreement, version=1)
        self._versions[agreement.id] = [first]
        return first

    def revise(self, agreement_id: str, **changes: Any) -> Agreement:
        """A new version of an agreement with some fields changed."""
        if "id" in changes or "version" in changes:
            raise ValidationError("revise() cannot change an agreement's id or version")
        current = self.current(agreement_id)
        revised = attrs.evolve(current, version=current.version + 1, **changes)
        other = self.default_sla()
        if revised.default and other is not None and other.id != agreement_id:
            raise DuplicateError(f"there is a default SLA already: {other.id!r}")
        self._versions[agreement_id].append(revised)
        return revised

    def current(self, agreement_id: str) -> Agreement:
        try:
            return self._versions[agreement_id][-1]
        except KeyError:
            raise NotFoundError(f"no agreement {agreement_id!r}") from None

    def versions(self, agreement_id: str) -> tuple[Agreement, ...]:
        self.current(agreement_id)
        return tuple(self._versions[agreement_id])

    def __iter__(self) -> Iterator[Agreement]:
        return (versions[-1] for versions in self._versions.values())

    def __len__(self) -> int:
        return len(self._versions)

    def in_force(self, at: datetime, kind: AgreementKind | str | None = None) -> list[Agreement]:
        wanted = None if kind is None else _agreement_kind(kind)
        return [a for a in self if a.in_force(at) and (wanted is None or a.kind is wanted)]

    def default_sla(self, at: datetime | None = None) -> Agreement | None:
        """The default SLA (the one in force at ``at``, when given)."""
        return next((a for a in self if a.default and (at is None or a.in_force(at))), None)

    def sla_for(self, service_id: str, at: datetime) -> Agreement | None:
        """The SLA in force for a service: its own, else the default SLA."""
        for a in self.in_force(at, AgreementKind.SLA):
            if service_id in a.covers and not a.default:
                return a
        return self.default_sla(at)

    def underpinning(self, item_id: str, at: datetime) -> list[Agreement]:
        """The OLAs and UAs in force that cover a service or component."""
        return [
            a for a in self.in_force(at) if a.kind is not AgreementKind.SLA and item_id in a.covers
        ]

    def rebase(self, stored: Agreements, base: Agreements) -> None:
        """Put the versions added here since ``base`` on top of ``stored`` (PR2.2).

        Each agreement is its own unit of change: when this set and ``stored``
        (what others committed since ``base`` was loaded) added versions of the
        same agreement, or the result would hold two default SLAs, ConflictError
        is raised and nothing changes. Otherwise this set then holds both.
        """
        ours, theirs = self._added_since(base), stored._added_since(base)
        both = sorted(ours.keys() & theirs.keys())
        if both:
            raise ConflictError(
                f"agreement {', '.join(repr(b) for b in both)} was changed by someone else since "
                "it was loaded; reload and apply the change again"
            )
        merged = {k: list(v) for k, v in stored._versions.items()}
        for agreement_id, added in ours.items():
            merged.setdefault(agreement_id, []).extend(added)
        defaults = [v[-1].id for v in merged.values() if v[-1].default]
        if len(defaults) > 1:
            raise ConflictError(
                f"two default SLAs after merging with someone else's change: {defaults}; "
                "reload and apply the change again"
            )
        self._versions = merged

    def _added_since(self, base: Agreements) -> dict[str, list[Agreement]]:
        return {
            agreement_id: versions[len(base._versions.get(agreement_id, ())) :]
            for agreement_id, versions in self._versions.items()
            if len(versions) > len(base._versions.get(agreement_id, ()))
        }

    def copy(self) -> Agreements:
        other = Agreements(self.id)
        other.version = self.version
        other._versions = {k: list(v) for k, v in self._versions.items()}
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Agreements):
            return NotImplemented
        return self.id == other.id and self._versions == other._versions

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Agreements {self.id!r}: {len(self)} agreements>"
