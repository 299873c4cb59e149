"""Supplier evaluations at planned intervals (PR8.4): performance, rating, findings, actions.

FitSM-1 (CC BY 4.0): "PR8.4 Suppliers shall be evaluated at planned intervals".
FitSM-2 lists the activities: "Evaluate supplier performance", "Together with the
supplier, agree on follow-up actions in response to insufficient supplier
performance" and "Track the implementation status of agreed follow-up actions",
with "OLAs and UAs together with reports on operational targets" from SLM as input
and "Supplier evaluation results" as output.

:func:`supplier_performance` measures a supplier's OLAs and UAs over a period
with :func:`fitsm.service_levels.evaluate`; a :class:`SupplierEvaluation` keeps
what it found per agreement, the rating on a :class:`RatingScale`, the findings
and the follow-up actions. The register records evaluations
(:meth:`fitsm.suppliers.SupplierRegister.evaluate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from fitsm._validators import enum_value, identifier, identifier_or_empty, items, shown, text
from fitsm._validators import whole as _whole
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.reviews.schedules import ReviewSubject, SubjectKind
from fitsm.service_levels.evaluation import evaluate

if TYPE_CHECKING:
    from fitsm.availability.measurement import AvailabilityPolicy, Outage, OutageLog
    from fitsm.service_levels.agreements import Agreements

__all__ = [
    "DEFAULT_RATINGS",
    "ActionStatus",
    "AgreementPerformance",
    "FollowUpAction",
    "RatingScale",
    "SupplierEvaluation",
    "evaluation_subject",
    "supplier_performance",
]

DEFAULT_RATINGS = ("unacceptable", "poor", "adequate", "good", "excellent")
"""The default rating scale, 1 (unacceptable) to 5 (excellent)."""


def _labels(value: Iterable[str]) -> tuple[str, ...]:
    labels = items(value, "a list of rating labels")
    if len(labels) < 2:
        raise ValidationError(
            f"a rating scale needs at least two labels, got {shown(labels)}", field="labels"
        )
    for label in labels:
        if not isinstance(label, str) or not label.strip():
            raise ValidationError(
                f"rating labels must be non-empty strings, got {shown(label)}", field="labels"
            )
    if len(set(labels)) != len(labels):
        raise ValidationError(f"rating labels must differ, got {list(labels)!r}", field="labels")
    return labels


@attrs.frozen
class RatingScale:
    """The scale suppliers are rated on: ratings 1 (worst) to ``len(labels)`` (best).

    >>> scale = RatingScale()
    >>> scale.label(3), scale.shown(3)
    ('adequate', '3/5')
    >>> scale.suggest(2, 3)  # 2 of 3 targets met: 1 + floor(2/3 * 4) = 3
    3
    """

    labels: tuple[str, ...] = attrs.field(default=DEFAULT_RATINGS, converter=_labels)

    @property
    def top(self) -> int:
        """The best rating."""
        return len(self.labels)

    def check(self, rating: object) -> int:
        """``rating`` if it is on the scale, else ValidationError naming the scale."""
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= self.top:
            raise ValidationError(
                f"a rating must be a whole number from 1 to {self.top} "
                f"({', '.join(f'{i} {n}' for i, n in enumerate(self.labels, start=1))}), "
                f"got {shown(rating)}",
                field="rating",
            )
        return rating

    def label(self, rating: int) -> str:
        """The word for a rating."""
        return self.labels[self.check(rating) - 1]

    def shown(self, rating: int) -> str:
        """A rating as people read it: ``"3/5"``."""
        return f"{self.check(rating)}/{self.top}"

    def suggest(self, met: int, measured: int) -> int:
        """The rating the share of targets met suggests: ``1 + floor(met / measured * (top - 1))``,
        so all met is the top rating and none met the lowest (exact, no float)."""
        if measured <= 0 or not 0 <= met <= measured:
            raise ValidationError(
                f"a suggested rating needs 0 <= met <= measured and measured > 0, got met "
                f"{met!r} of {measured!r}",
                field="met",
            )
        return 1 + int(Fraction(met, measured) * (self.top - 1))


@attrs.frozen
class AgreementPerformance:
    """How one OLA or UA did over an evaluated period: targets met, violated, unmeasured.

    Counted per target and covered item (and per version where the period spans a
    revision), as :func:`fitsm.service_levels.evaluate` reports them.
    """

    agreement: str = attrs.field(validator=identifier)
    kind: str = attrs.field(validator=text)
    met: int = attrs.field(validator=_whole)
    violated: int = attrs.field(validator=_whole)
    unmeasured: int = attrs.field(default=0, validator=_whole)
    violations: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """The targets violated, as ``"subject target"`` (``"uplink availability"``)."""

    @property
    def measured(self) -> int:
        """Targets with a verdict (met or violated)."""
        return self.met + self.violated

    def __str__(self) -> str:
        return f"{self.kind} {self.agreement!r} met {self.met} of {self.measured} targets"


def supplier_performance(
    agreements: Agreements,
    supplier_id: str,
    start: datetime,
    end: datetime,
    *,
    outages: OutageLog | Iterable[Outage] = (),
    measurements: Mapping[tuple[str, str], Any] | None = None,
    policy: AvailabilityPolicy | None = None,
) -> tuple[AgreementPerformance, ...]:
    """The performance of the OLAs and UAs a supplier is party to over ``[start, end)`` (PR8.4).

    An agreement is the supplier's when its ``party`` is the supplier's id. The
    agreements are measured by :func:`fitsm.service_levels.evaluate` (availability
    from ``outages``, other targets from ``measurements``, keyed by ``(agreement id,
    target label)``); the result has one entry per agreement in force in the
    period, by agreement id.
    """
    evaluation = evaluate(
        agreements, start, end, outages=outages, measurements=measurements, policy=policy
    )
    kinds = {a.id: a.kind.value for a in agreements if a.kind.value != "SLA"}
    theirs = {a.id for a in agreements if a.id in kinds and a.party == supplier_id}
    counts: dict[str, list[Any]] = {}
    for result in evaluation.results:
        if result.agreement not in theirs:
            continue
        entry = counts.setdefault(result.agreement, [0, 0, 0, []])
        if result.met is True:
            entry[0] += 1
        elif result.met is False:
            entry[1] += 1
            entry[3].append(f"{result.subject} {result.label}")
        else:
            entry[2] += 1
    return tuple(
        AgreementPerformance(a, kinds[a], met, violated, unmeasured, tuple(violations))
        for a, (met, violated, unmeasured, violations) in sorted(counts.items())
    )


class ActionStatus(StrEnum):
    """Where an agreed follow-up action stands."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


def _status(value: object) -> ActionStatus:
    return enum_value(ActionStatus)(value)


def _due(value: object) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise ValidationError(f"a follow-up action's due must be a date, got {shown(value)}")


@attrs.frozen
class FollowUpAction:
    """A follow-up action agreed with the supplier after an evaluation (PR8.4), tracked to
    its end.

    >>> FollowUpAction("netco-1", "Second uplink by June", owner="sam").status
    <ActionStatus.OPEN: 'open'>
    """

    id: str = attrs.field(validator=identifier)
    description: str = attrs.field(validator=text)
    owner: str = attrs.field(default="", validator=identifier_or_empty)
    due: date | None = attrs.field(default=None, converter=_due)
    status: ActionStatus = attrs.field(default=ActionStatus.OPEN, converter=_status)
    note: str = attrs.field(default="", validator=text)


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    found = items(value, "a list of findings (strings)")
    for finding in found:
        if not isinstance(finding, str) or not finding.strip():
            raise ValidationError(
                f"findings must be non-empty strings, got {shown(finding)}", field="findings"
            )
    return found


def _performance(value: Iterable[AgreementPerformance]) -> tuple[AgreementPerformance, ...]:
    found = items(value, "a list of AgreementPerformance records")
    for entry in found:
        if not isinstance(entry, AgreementPerformance):
            raise ValidationError(
                f"performance must hold AgreementPerformance records, got {shown(entry)}",
                field="performance",
            )
    return found


def _actions(value: Iterable[FollowUpAction]) -> tuple[FollowUpAction, ...]:
    found = items(value, "a list of FollowUpAction records")
    for entry in found:
        if not isinstance(entry, FollowUpAction):
            raise ValidationError(
                f"actions must be FollowUpAction records, got {shown(entry)}", field="actions"
            )
    return found


@attrs.frozen
class SupplierEvaluation:
    """One evaluation of a supplier (PR8.4): the period, how its agreements did, the rating,
    the findings and the follow-up actions agreed; who did it and when."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    start: datetime = attrs.field(converter=_utc)
    end: datetime = attrs.field(converter=_utc)
    rating: int = attrs.field(validator=_whole)
    performance: tuple[AgreementPerformance, ...] = attrs.field(default=(), converter=_performance)
    findings: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    actions: tuple[FollowUpAction, ...] = attrs.field(default=(), converter=_actions)
    note: str = attrs.field(default="", validator=text)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise ValidationError(
                f"an evaluated period ends after it starts, got {self.start.isoformat()} to "
                f"{self.end.isoformat()}",
                field="end",
            )

    @property
    def met(self) -> int:
        """Targets met, over all the supplier's agreements."""
        return sum(p.met for p in self.performance)

    @property
    def measured(self) -> int:
        """Targets with a verdict, over all the supplier's agreements."""
        return sum(p.measured for p in self.performance)


def evaluation_subject(supplier_id: str) -> ReviewSubject:
    """The review subject of a supplier's evaluations (PR8.4), for its review schedule.

    >>> str(evaluation_subject("netco"))
    'supplier:netco'
    """
    return ReviewSubject(SubjectKind.SUPPLIER, supplier_id)
