"""One risk register for availability, continuity and information security (PR4.2, PR6.2).

FitSM-1 (CC BY 4.0): "PR4.2 Service availability and continuity risks shall be
assessed at planned intervals" and "PR6.2 Information security risks shall be
assessed at planned intervals"; PR4.3 and PR6.3 ask for measures and controls
"to reduce the probability and impact of identified" risks. One register holds
the risks of all three areas, each rated on the register's
:class:`~fitsm.risks.RiskMatrix`, with an owner, a treatment and the measures or
controls that carry it out, and the rating left after treatment. A risk changes
only through the register's operations, which check the fields and record who
changed what and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from fitsm._merging import after_last, merge_items
from fitsm._validators import enum_value, identifier, identifier_or_empty, text, to_str_tuple
from fitsm.clock import as_utc
from fitsm.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from fitsm.reviews.schedules import ReviewOutcome, ReviewSubject, SubjectKind
from fitsm.risks.matrix import RiskMatrix, RiskRating

if TYPE_CHECKING:
    from fitsm.reviews.rules import ReviewRule
    from fitsm.reviews.schedules import ReviewSchedule, ReviewSchedules

__all__ = [
    "Risk",
    "RiskArea",
    "RiskChange",
    "RiskRegister",
    "Treatment",
    "assessment_subject",
    "plan_assessments",
]


class RiskArea(StrEnum):
    """Which process a risk belongs to: availability or continuity (PR4), or information
    security (PR6).

    >>> RiskArea.INFORMATION_SECURITY.requirement
    'PR6.2'
    """

    AVAILABILITY = "availability"
    CONTINUITY = "continuity"
    INFORMATION_SECURITY = "information_security"

    @property
    def requirement(self) -> str:
        """The FitSM-1 requirement that asks for these risks to be assessed."""
        return "PR6.2" if self is RiskArea.INFORMATION_SECURITY else "PR4.2"


class Treatment(StrEnum):
    """How a risk is treated: reduce it (measures, controls), accept it, transfer it (to an
    insurer or a supplier) or avoid it (stop what causes it)."""

    REDUCE = "reduce"
    ACCEPT = "accept"
    TRANSFER = "transfer"
    AVOID = "avoid"


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if value else _EMPTY


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _area(value: object) -> RiskArea:
    return enum_value(RiskArea)(value)


def _treatment(value: object) -> Treatment | None:
    return None if value is None else enum_value(Treatment)(value)


def _ids(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for item in value:
        if not isinstance(item, str) or not item or item != item.strip():
            raise ValidationError(
                f"risk {getattr(instance, 'id', '?')!r}: {attribute.name} must hold ids "
                f"(non-empty strings), got {item!r}",
                field=attribute.name,
            )
    if len(set(value)) != len(value):
        raise ValidationError(
            f"risk {getattr(instance, 'id', '?')!r}: {attribute.name} names an id twice: "
            f"{list(value)!r}",
            field=attribute.name,
        )


def _level(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None and attribute.name.startswith("residual"):
        return
    if not isinstance(value, str) or not value:
        raise ValidationError(
            f"risk {getattr(instance, 'id', '?')!r}: {attribute.name} must be a level name, "
            f"got {value!r}",
            field=attribute.name,
        )


@attrs.frozen
class RiskChange:
    """One change of a risk: when, by whom, what (``identified``, ``assessed``, ``treated``,
    ``revised``, ``closed``), the fields it set and why."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    changes: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen)
    note: str = attrs.field(default="", validator=text)


def _history(value: Iterable[RiskChange]) -> tuple[RiskChange, ...]:
    return tuple(value)


@attrs.frozen
class Risk:
    """A risk: what it concerns, its rating, who owns it and how it is treated.

    ``concerns`` names the assets, CIs or services at risk, by id. ``likelihood``
    and ``impact`` are levels of the register's matrix; ``residual_likelihood`` and
    ``residual_impact`` rate what is left after the treatment. A treatment other
    than *accept* names the measures or controls that carry it out (``measures``,
    by id). ``owner`` is the person who owns the risk, as a case has an owner.
    ``source`` says where a risk came from when it was derived, not typed in
    (``"cmdb:single_point_of_failure"``).
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=text)
    area: RiskArea = attrs.field(converter=_area)
    concerns: tuple[str, ...] = attrs.field(converter=to_str_tuple, validator=_ids)
    likelihood: str = attrs.field(validator=_level)
    impact: str = attrs.field(validator=_level)
    owner: str = attrs.field(default="", validator=identifier_or_empty)
    description: str = attrs.field(default="", validator=text)
    treatment: Treatment | None = attrs.field(default=None, converter=_treatment)
    measures: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, validator=_ids)
    residual_likelihood: str | None = attrs.field(default=None, validator=_level)
    residual_impact: str | None = attrs.field(default=None, validator=_level)
    source: str = attrs.field(default="", validator=text)
    closed: bool = False
    history: tuple[RiskChange, ...] = attrs.field(default=(), converter=_history)

    def __attrs_post_init__(self) -> None:
        if not self.title.strip():
            raise ValidationError(f"risk {self.id!r} needs a title", field="title")
        if not self.concerns:
            raise ValidationError(
                f"risk {self.id!r} must concern at least one asset, CI or service (by id)",
                field="concerns",
            )
        if (self.residual_likelihood is None) != (self.residual_impact is None):
            raise ValidationError(
                f"risk {self.id!r}: give both residual_likelihood and residual_impact, or "
                f"neither; got {self.residual_likelihood!r} and {self.residual_impact!r}",
                field="residual_likelihood",
            )
        if self.treatment is None and (self.measures or self.residual_likelihood is not None):
            raise ValidationError(
                f"risk {self.id!r} has measures or a residual rating but no treatment; "
                "expected a treatment (reduce, accept, transfer or avoid) with them",
                field="treatment",
            )
        treatment = self.treatment
        if treatment is not None and treatment is not Treatment.ACCEPT and not self.measures:
            raise ValidationError(
                f"risk {self.id!r}: the treatment {treatment.value!r} needs the measures "
                "or controls that carry it out (measures, by id); only 'accept' needs none",
                field="measures",
            )

    @property
    def assessed(self) -> RiskChange | None:
        """The latest change that rated the risk (identified or assessed), or None."""
        return next(
            (c for c in reversed(self.history) if c.action in ("identified", "assessed")), None
        )


def assessment_subject(risk_id: str) -> ReviewSubject:
    """The review subject of a risk's assessment (PR4.2, PR6.2), for its review schedule.

    >>> str(assessment_subject("spof-db1"))
    'risk_assessment:spof-db1'
    """
    return ReviewSubject(SubjectKind.RISK_ASSESSMENT, risk_id)


def plan_assessments(
    schedules: ReviewSchedules,
    register: RiskRegister,
    rule: ReviewRule,
    *,
    at: datetime,
    by: str,
    first_due: datetime | None = None,
) -> list[ReviewSchedule]:
    """Plan the assessment of every open risk that has no assessment schedule yet
    (PR4.2, PR6.2), owned by the risk's owner; the first falls due at ``first_due``,
    else one ``rule`` step after ``at``. Planning again adds only the new risks'.
    Returns the schedules planned."""
    planned = []
    for risk in register:
        subject = assessment_subject(risk.id)
        if not risk.closed and subject not in schedules:
            planned.append(
                schedules.plan(subject, rule, at=at, by=by, first_due=first_due, owner=risk.owner)
            )
    return planned


_REVISABLE = ("title", "description", "concerns", "owner", "area")


class RiskRegister:
    """Every risk of the organisation, rated on one matrix: the aggregate the store keeps.

    Each risk is its own unit of change: two people changing different risks do not
    conflict (:meth:`rebase`). Changes dated before a risk's last change are refused,
    so its history stays in order.

    >>> from datetime import UTC
    >>> register = RiskRegister()
    >>> t0 = datetime(2026, 1, 5, tzinfo=UTC)
    >>> _ = register.add(Risk("r1", "Data centre flood", "continuity", ["dc1"],
    ...                       "unlikely", "severe", owner="carol"), at=t0, by="ann")
    >>> str(register.rating("r1"))
    'high (unlikely x severe = 10)'
    """

    def __init__(self, id: str = "default", matrix: RiskMatrix | None = None) -> None:
        if not isinstance(id, str) or not id or id != id.strip():
            raise ValidationError(f"risk register id must be a non-empty string, got {id!r}")
        if matrix is not None and not isinstance(matrix, RiskMatrix):
            raise ValidationError(f"matrix must be a RiskMatrix, got {matrix!r}", field="matrix")
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self.matrix = matrix if matrix is not None else RiskMatrix.default()
        """The scale every risk of this register is rated on; fixed when the register is made."""
        self._risks: dict[str, Risk] = {}

    # -- changes -----------------------------------------------------------------

    def add(self, risk: Risk, *, at: datetime, by: str, note: str = "") -> Risk:
        """Add an identified risk; its levels must be on the register's matrix.

        The register writes the history: a risk that brings one is refused.
        """
        if not isinstance(risk, Risk):
            raise ValidationError(f"expected a Risk, got {risk!r}", field="risk")
        if risk.id in self._risks:
            raise DuplicateError(f"risk {risk.id!r} is in the register already")
        if risk.history or risk.closed:
            raise ValidationError(
                f"risk {risk.id!r} comes with a history or closed; the register records "
                "both itself, expected a new risk",
                field="history",
            )
        self._check_levels(risk)
        set_now = {"likelihood": risk.likelihood, "impact": risk.impact, "owner": risk.owner}
        if risk.treatment is not None:
            set_now |= _treatment_fields(risk)
        change = RiskChange(at, by, "identified", set_now, note)
        added = attrs.evolve(risk, history=(change,))
        self._risks[risk.id] = added
        return added

    def seed(self, candidates: Iterable[Risk], *, at: datetime, by: str) -> list[Risk]:
        """Add the candidates whose id is not in the register yet (closed risks included);
        seeding with the same candidates again adds nothing. Returns the risks added."""
        added = []
        for candidate in candidates:
            if candidate.id not in self._risks:
                added.append(self.add(candidate, at=at, by=by, note="seeded"))
        return added

    def assess(
        self,
        risk_id: str,
        *,
        likelihood: str,
        impact: str,
        at: datetime,
        by: str,
        note: str = "",
        schedules: ReviewSchedules | None = None,
    ) -> Risk:
        """Rate a risk anew (PR4.2, PR6.2).

        With ``schedules``, the assessment is also the review of the risk's
        assessment schedule (:func:`assessment_subject`), which then advances: both
        change, or neither (a schedule missing or a review dated before its last
        raises before anything changes).
        """
        current = self._open(risk_id)
        changes = {"likelihood": likelihood, "impact": impact}
        updated = attrs.evolve(current, likelihood=likelihood, impact=impact)
        self._check_levels(updated)
        change = self._change(current, at, by, "assessed", changes, note)
        if schedules is not None:
            before = self.matrix.rate(current.likelihood, current.impact)
            after = self.matrix.rate(likelihood, impact)
            schedules.perform(
                assessment_subject(risk_id),
                at=change.at,
                by=by,
                outcome=ReviewOutcome.PASSED if before == after else ReviewOutcome.UPDATED,
                note=note or f"rated {after}",
            )
        return self._store(updated, change)

    def treat(
        self,
        risk_id: str,
        treatment: Treatment | str,
        *,
        at: datetime,
        by: str,
        measures: Iterable[str] = (),
        residual_likelihood: str | None = None,
        residual_impact: str | None = None,
        note: str = "",
    ) -> Risk:
        """Decide how a risk is treated (PR4.3, PR6.3): the treatment, the measures or
        controls that carry it out (by id), and the rating left after it.

        A residual rating above the risk's own rating is refused.
        """
        current = self._open(risk_id)
        updated = attrs.evolve(
            current,
            treatment=treatment,
            measures=tuple(measures),
            residual_likelihood=residual_likelihood,
            residual_impact=residual_impact,
        )
        self._check_levels(updated)
        change = self._change(current, at, by, "treated", _treatment_fields(updated), note)
        return self._store(updated, change)

    def revise(
        self, risk_id: str, *, at: datetime, by: str, note: str = "", **changes: Any
    ) -> Risk:
        """Change a risk's title, description, concerns, owner or area.

        Its rating changes through :meth:`assess`, its treatment through :meth:`treat`.
        """
        unknown = sorted(set(changes) - set(_REVISABLE))
        if unknown or not changes:
            raise ValidationError(
                f"revise() of risk {risk_id!r} changes {', '.join(_REVISABLE)}; got "
                + (", ".join(map(repr, unknown)) if unknown else "nothing"),
                field=unknown[0] if unknown else None,
            )
        current = self._open(risk_id)
        updated = attrs.evolve(current, **changes)
        recorded = {k: _plain(getattr(updated, k)) for k in changes}
        change = self._change(current, at, by, "revised", recorded, note)
        return self._store(updated, change)

    def close(self, risk_id: str, *, at: datetime, by: str, note: str = "") -> Risk:
        """Close a risk that no longer applies; it stays on record and changes no more."""
        current = self._open(risk_id)
        change = self._change(current, at, by, "closed", {"closed": True}, note)
        return self._store(attrs.evolve(current, closed=True), change)

    def _open(self, risk_id: str) -> Risk:
        current = self.risk(risk_id)
        if current.closed:
            raise ValidationError(f"risk {risk_id!r} is closed; it changes no more", field="id")
        return current

    def _check_levels(self, risk: Risk) -> None:
        rating = self.matrix.rate(risk.likelihood, risk.impact)
        if risk.residual_likelihood is not None and risk.residual_impact is not None:
            residual = self.matrix.rate(risk.residual_likelihood, risk.residual_impact)
            if self.matrix.rank(residual) > self.matrix.rank(rating):
                raise ValidationError(
                    f"risk {risk.id!r}: the residual rating {residual} is above the risk's "
                    f"rating {rating}; expected a treatment to leave at most the risk's own",
                    field="residual_likelihood",
                )

    @staticmethod
    def _change(
        current: Risk, at: datetime, by: str, action: str, changes: Mapping[str, Any], note: str
    ) -> RiskChange:
        change = RiskChange(at, by, action, changes, note)
        return after_last(f"risk {current.id!r}", current.history, change)

    def _store(self, updated: Risk, change: RiskChange) -> Risk:
        stored = attrs.evolve(updated, history=(*updated.history, change))
        self._risks[updated.id] = stored
        return stored

    # -- reading ---------------------------------------------------------------------

    def risk(self, risk_id: str) -> Risk:
        """The risk ``risk_id``; NotFoundError if there is none."""
        try:
            return self._risks[risk_id]
        except (KeyError, TypeError):
            raise NotFoundError(f"no risk {risk_id!r} in risk register {self.id!r}") from None

    def rating(self, risk_id: str) -> RiskRating:
        """The risk's rating on the register's matrix."""
        risk = self.risk(risk_id)
        return self.matrix.rate(risk.likelihood, risk.impact)

    def residual_rating(self, risk_id: str) -> RiskRating | None:
        """The rating left after treatment, or None if none was given."""
        risk = self.risk(risk_id)
        if risk.residual_likelihood is None or risk.residual_impact is None:
            return None
        return self.matrix.rate(risk.residual_likelihood, risk.residual_impact)

    def __contains__(self, risk_id: object) -> bool:
        return risk_id in self._risks

    def __iter__(self) -> Iterator[Risk]:
        """Every risk, closed ones included, by id."""
        return iter(sorted(self._risks.values(), key=lambda r: r.id))

    def __len__(self) -> int:
        return len(self._risks)

    def ranked(
        self, *, area: RiskArea | str | None = None, include_closed: bool = False
    ) -> list[Risk]:
        """The risks (of ``area``; open ones unless ``include_closed``), highest rated first,
        then by id."""
        wanted = None if area is None else _area(area)
        found = [
            r
            for r in self._risks.values()
            if (include_closed or not r.closed) and (wanted is None or r.area is wanted)
        ]
        rank = self.matrix.rank
        return sorted(found, key=lambda r: (_negated(rank(self.rating(r.id))), r.id))

    def concerning(self, ids: Iterable[str]) -> list[Risk]:
        """The open risks that concern any of ``ids`` (assets, CIs, services), by id."""
        wanted = set(to_str_tuple(ids))
        return [r for r in self if not r.closed and wanted.intersection(r.concerns)]

    def unowned(self) -> list[Risk]:
        """The open risks without an owner, by id."""
        return [r for r in self if not r.closed and not r.owner]

    def untreated(self) -> list[Risk]:
        """The open risks without a treatment, by id."""
        return [r for r in self if not r.closed and r.treatment is None]

    # -- aggregate ---------------------------------------------------------------------

    def rebase(self, stored: RiskRegister, base: RiskRegister) -> None:
        """Put the risks changed here since ``base`` on top of ``stored``.

        Each risk is its own unit of change: when this register and ``stored``
        (what others committed since ``base`` was loaded) changed the same risk,
        ConflictError is raised and nothing changes; otherwise this register then
        holds both.
        """
        if stored.matrix != base.matrix:
            raise ConflictError(
                f"risk register {self.id!r}: its matrix changed since it was loaded; reload "
                "and apply the change again"
            )
        self._risks = merge_items(
            self._risks,
            stored._risks,
            base._risks,
            lambda both: (
                f"risk {', '.join(map(repr, both))} was changed by someone else since "
                "it was loaded; reload and apply the change again"
            ),
        )

    def copy(self) -> RiskRegister:
        """An independent copy; risks are immutable, so sharing them is safe."""
        other = RiskRegister(self.id, self.matrix)
        other.version = self.version
        other._risks = dict(self._risks)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RiskRegister):
            return NotImplemented
        return (self.id, self.matrix, self._risks) == (other.id, other.matrix, other._risks)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        open_risks = sum(not r.closed for r in self._risks.values())
        return f"<RiskRegister {self.id!r}: {len(self)} risks, {open_risks} open>"


def _plain(value: Any) -> Any:
    """A value as the history keeps it: enums as their value."""
    return value.value if isinstance(value, Enum) else value


def _treatment_fields(risk: Risk) -> dict[str, Any]:
    return {
        "treatment": _plain(risk.treatment),
        "measures": risk.measures,
        "residual_likelihood": risk.residual_likelihood,
        "residual_impact": risk.residual_impact,
    }


def _negated(key: tuple[int, int]) -> tuple[int, int]:
    return (-key[0], -key[1])
