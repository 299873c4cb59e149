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
capacity in any unit. A changed agreement is a new version (:meth:`Agreements.revise`)
that takes effect at a point in time: the versions of an agreement form a timeline,
and every question asked about an instant or a period (which SLA is in force, how
a month is graded, which target a case's clock runs against) is answered by the
version in effect then, never by a later one. Evaluations name the version they used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
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
    "VersionPeriod",
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


def _effective_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value, "effective_from")


_SINCE_EVER = datetime.min.replace(tzinfo=UTC)
_FOREVER = datetime.max.replace(tzinfo=UTC)


@attrs.frozen
class Agreement:
    """An SLA, OLA or UA in one version.

    ``party`` is the customer of an SLA, or the internal (OLA) or external (UA)
    supplier. ``covers`` names the services or service components it is about.
    A default SLA (``default=True``) applies to services that have no SLA of
    their own.

    ``valid_from`` and ``valid_until`` say when the agreement is in force;
    ``effective_from`` says when this version of it takes effect (PR2.2). Without
    one, a version takes effect when it becomes valid (``valid_from``), or has
    always been in effect when that is open too: see :attr:`effective`.

    ``review_interval`` and ``next_review`` plan the agreement's reviews (PR2.2,
    PR2.4); ``fitsm.reviews.follow_agreements`` keeps them on a review schedule
    that records each review and advances.
    """

    id: str = attrs.field(validator=identifier)
    kind: AgreementKind = attrs.field(converter=_agreement_kind)
    party: str = attrs.field(validator=text)
    covers: tuple[str, ...] = attrs.field(converter=to_str_tuple)
    targets: tuple[ServiceTarget, ...] = attrs.field(converter=_targets)
    calendar: BusinessCalendar = attrs.field(factory=BusinessCalendar.always)
    valid_from: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    valid_until: datetime | None = attrs.field(default=None, converter=_utc_or_none)
    effective_from: datetime | None = attrs.field(
        default=None, converter=_effective_or_none, kw_only=True
    )
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

    @property
    def effective(self) -> datetime | None:
        """When this version takes effect: ``effective_from``, else ``valid_from``;
        None for a version in effect since ever (PR2.2)."""
        return self.effective_from if self.effective_from is not None else self.valid_from

    def in_force(self, at: datetime) -> bool:
        """Whether ``at`` lies in this version's validity (``valid_from`` to ``valid_until``)."""
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
        """Whether ``next_review`` has come; the review schedule that advances as reviews
        are done is ``fitsm.reviews.follow_agreements``'."""
        return self.next_review is not None and today >= self.next_review


@attrs.frozen
class VersionPeriod:
    """One version of an agreement with the time it governs (PR2.2).

    From ``start`` (None: since ever) until ``end`` (None: open), this version is
    both in effect (no later version has taken over) and in force (within its own
    validity).
    """

    agreement: Agreement
    start: datetime | None
    end: datetime | None

    def clipped(self, start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
        """The part of ``[start, end)`` this period covers, or None if they do not meet."""
        lo = start if self.start is None else max(start, self.start)
        hi = end if self.end is None else min(end, self.end)
        return (lo, hi) if lo < hi else None


def _periods(versions: Sequence[Agreement]) -> list[tuple[Agreement, datetime, datetime]]:
    """Each version with the time it governs, as ``(version, start, end)`` with sentinels.

    A version is in effect from its effective time until a later version takes
    effect (the latest version taking effect at or before an instant wins), and
    governs that time where its validity covers it; versions that govern no time
    (replaced before taking effect, or never valid then) are left out.
    """
    found: list[tuple[Agreement, datetime, datetime]] = []
    taken_over = _FOREVER
    for version in reversed(versions):
        effective = version.effective or _SINCE_EVER
        start = max(effective, version.valid_from or _SINCE_EVER)
        end = min(taken_over, version.valid_until or _FOREVER)
        if start < end:
            found.append((version, start, end))
        taken_over = min(taken_over, effective)
    found.reverse()
    return found


def _span(start: datetime, end: datetime) -> str:
    """A period in words, for messages."""
    if start == _SINCE_EVER:
        return "at all times" if end == _FOREVER else f"until {end.isoformat()}"
    if end == _FOREVER:
        return f"from {start.isoformat()}"
    return f"from {start.isoformat()} until {end.isoformat()}"


class Agreements:
    """Every agreement with all its versions: the aggregate the store keeps (PR2.2).

    Each agreement's versions form a timeline: a version is in effect from its
    :attr:`Agreement.effective` time until a later one takes effect. Questions about
    an instant (:meth:`version_at`, :meth:`in_force`, :meth:`sla_for`,
    :meth:`default_sla`, :meth:`underpinning`, :meth:`as_of`) are answered from the
    versions in effect then; :meth:`current` is the newest version recorded.
    """

    def __init__(self, id: str = "default") -> None:
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self._versions: dict[str, list[Agreement]] = {}

    def add(self, agreement: Agreement) -> Agreement:
        """Add a new agreement as its version 1, in effect from :attr:`Agreement.effective`.

        At most one default SLA may be in force at any instant: a default SLA whose
        time overlaps another's is refused (DuplicateError).
        """
        if agreement.id in self._versions:
            raise DuplicateError(f"agreement {agreement.id!r} exists; use revise() to change it")
        first = attrs.evolve(agreement, version=1)
        self._refuse_second_default(agreement.id, [first])
        self._versions[agreement.id] = [first]
        return first

    def revise(
        self, agreement_id: str, *, effective_from: datetime | None = None, **changes: Any
    ) -> Agreement:
        """A new version of an agreement with some fields changed, in effect from
        ``effective_from`` on (PR2.2).

        Without ``effective_from``, a renewal (a new ``valid_from``) takes effect
        when it starts; any other revision must say when it takes effect. It may
        be dated in the past (a change recorded late), but not before the version
        it replaces took effect, so the answers for any time before it stay as
        they were.
        """
        if "id" in changes or "version" in changes:
            raise ValidationError("revise() cannot change an agreement's id or version")
        current = self.current(agreement_id)
        if effective_from is None:
            effective_from = changes.get("valid_from")
            if effective_from is None:
                raise ValidationError(
                    f"revising agreement {agreement_id!r} needs effective_from, the time "
                    "the new version takes effect (or a new valid_from for a renewal); got none",
                    field="effective_from",
                )
        when = as_utc(effective_from, "effective_from")
        since = current.effective
        if since is not None and when < since:
            raise ValidationError(
                f"version {current.version + 1} of agreement {agreement_id!r} would take effect "
                f"at {when.isoformat()}, before version {current.version} did "
                f"({since.isoformat()}); expected effective_from (or a renewal's valid_from) "
                "at or after that",
                field="effective_from",
            )
        revised = attrs.evolve(current, version=current.version + 1, effective_from=when, **changes)
        self._refuse_second_default(agreement_id, [*self._versions[agreement_id], revised])
        self._versions[agreement_id].append(revised)
        return revised

    def current(self, agreement_id: str) -> Agreement:
        """The newest version recorded (which may take effect later than now)."""
        try:
            return self._versions[agreement_id][-1]
        except KeyError:
            raise NotFoundError(f"no agreement {agreement_id!r}") from None

    def versions(self, agreement_id: str) -> tuple[Agreement, ...]:
        self.current(agreement_id)
        return tuple(self._versions[agreement_id])

    def version_at(self, agreement_id: str, at: datetime) -> Agreement | None:
        """The version in effect at ``at`` (whether or not it is in force then), or None
        if none had taken effect yet (PR2.2)."""
        when = as_utc(at, "at")
        found = None
        for version in self.versions(agreement_id):
            effective = version.effective
            if effective is None or effective <= when:
                found = version  # a later version taking effect by then replaces it
        return found

    def timeline(self, agreement_id: str) -> tuple[VersionPeriod, ...]:
        """The versions of an agreement in time order, each with the time it governs."""
        return tuple(
            VersionPeriod(
                version,
                None if start == _SINCE_EVER else start,
                None if end == _FOREVER else end,
            )
            for version, start, end in _periods(self.versions(agreement_id))
        )

    def as_of(self, at: datetime) -> Agreements:
        """The registry as it stood at ``at``: the versions that had taken effect, so that
        :meth:`current` gives the version in effect then. A snapshot to read from."""
        when = as_utc(at, "at")
        past = Agreements(self.id)
        past.version = self.version
        for agreement_id, versions in self._versions.items():
            taken = [v for v in versions if v.effective is None or v.effective <= when]
            if taken:
                past._versions[agreement_id] = taken
        return past

    def __iter__(self) -> Iterator[Agreement]:
        """The newest version of each agreement."""
        return (versions[-1] for versions in self._versions.values())

    def __len__(self) -> int:
        return len(self._versions)

    def in_force(self, at: datetime, kind: AgreementKind | str | None = None) -> list[Agreement]:
        """The versions in effect and in force at ``at``, one per agreement."""
        wanted = None if kind is None else _agreement_kind(kind)
        found = []
        for agreement_id in self._versions:
            version = self.version_at(agreement_id, at)
            if (
                version is not None
                and version.in_force(at)
                and (wanted is None or version.kind is wanted)
            ):
                found.append(version)
        return found

    def default_sla(self, at: datetime | None = None) -> Agreement | None:
        """The default SLA in force at ``at``; without ``at``, the agreement whose newest
        version is the default."""
        if at is None:
            return next((a for a in self if a.default), None)
        return next((a for a in self.in_force(at, AgreementKind.SLA) if a.default), None)

    def sla_for(self, service_id: str, at: datetime) -> Agreement | None:
        """The SLA in force for a service at ``at``: its own, else the default SLA."""
        for a in self.in_force(at, AgreementKind.SLA):
            if service_id in a.covers and not a.default:
                return a
        return self.default_sla(at)

    def availability_target(self, service_id: str, at: datetime) -> Fraction | None:
        """The availability target of the SLA in force for a service at ``at``, as an exact
        share; None when no SLA or no availability target applies.

        PR4.1 identifies availability requirements "taking into consideration SLAs":
        this is the value a :class:`fitsm.availability.ContinuityRegister` takes
        (it lives here because the availability area may not read agreements).

        >>> from datetime import UTC
        >>> from fitsm.units import Q_
        >>> slas = Agreements()
        >>> _ = slas.add(Agreement("sla-mail", "SLA", "staff", ["mail"],
        ...     [ServiceTarget("availability", Q_(99.5, "percent"))],
        ...     valid_from=datetime(2026, 1, 1, tzinfo=UTC)))
        >>> slas.availability_target("mail", datetime(2026, 3, 1, tzinfo=UTC))
        Fraction(199, 200)
        """
        sla = self.sla_for(service_id, at)
        target = None if sla is None else sla.target(TargetKind.AVAILABILITY)
        return None if target is None else target.share

    def underpinning(self, item_id: str, at: datetime) -> list[Agreement]:
        """The OLAs and UAs in force at ``at`` that cover a service or component."""
        return [
            a for a in self.in_force(at) if a.kind is not AgreementKind.SLA and item_id in a.covers
        ]

    def rebase(self, stored: Agreements, base: Agreements) -> None:
        """Put the versions added here since ``base`` on top of ``stored`` (PR2.2).

        Each agreement is its own unit of change: when this set and ``stored``
        (what others committed since ``base`` was loaded) added versions of the
        same agreement, or the result would hold two default SLAs in force at the
        same time, ConflictError is raised and nothing changes. Otherwise this set
        then holds both.
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
        for agreement_id in ours:
            clash = _default_clash(merged, agreement_id, merged[agreement_id])
            if clash is not None:
                raise ConflictError(
                    f"two default SLAs after merging with someone else's change: "
                    f"{[clash[0].id, agreement_id]} are both in force {clash[1]}; "
                    "reload and apply the change again"
                )
        self._versions = merged

    def _refuse_second_default(self, agreement_id: str, versions: Sequence[Agreement]) -> None:
        clash = _default_clash(self._versions, agreement_id, versions)
        if clash is not None:
            other, span = clash
            raise DuplicateError(
                f"there is a default SLA already: {other.id!r} (version {other.version}, "
                f"in force {span}); expected {agreement_id!r} to be the default only "
                "outside that time"
            )

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


def _default_clash(
    registry: Mapping[str, Sequence[Agreement]], agreement_id: str, versions: Sequence[Agreement]
) -> tuple[Agreement, str] | None:
    """Another agreement's default SLA version in force while one of ``versions`` (of
    ``agreement_id``) is the default, with its period in words; or None."""
    mine = [(start, end) for v, start, end in _periods(versions) if v.default]
    if not mine:
        return None
    for other_id, others in registry.items():
        if other_id == agreement_id:
            continue
        for other, start, end in _periods(others):
            if other.default and any(start < m_end and m_start < end for m_start, m_end in mine):
                return other, _span(start, end)
    return None
