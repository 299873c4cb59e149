"""Review schedules: what is reviewed at planned intervals, when it was last done and when next.

Twelve FitSM-1 requirements ask for something "at planned intervals" (FitSM,
CC BY 4.0), among them "PR4.2 Service availability and continuity risks shall be
assessed at planned intervals" and "PR11.5 The information stored in the CMDB
shall be verified at planned intervals". A :class:`ReviewSchedule` plans the
reviews of one :class:`ReviewSubject` by a rule (an interval or a
:class:`~fitsm.reviews.MonthlyRule`) and records each review done (who, when,
with what outcome); performing one advances the schedule. :class:`ReviewSchedules`
holds every schedule of an organisation and answers which reviews are overdue
and which fall due soon.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import attrs

from fitsm._merging import merge_items
from fitsm._validators import enum_value, identifier, identifier_or_empty, text, to_str_tuple
from fitsm.clock import as_utc
from fitsm.errors import DuplicateError, NotFoundError, ValidationError
from fitsm.reviews.rules import ReviewRule, checked_rule
from fitsm.reviews.rules import next_due as _next

__all__ = [
    "Review",
    "ReviewOutcome",
    "ReviewSchedule",
    "ReviewSchedules",
    "ReviewSubject",
    "ScheduleChange",
    "SubjectKind",
    "subject_of",
]


class SubjectKind(StrEnum):
    """What is reviewed at planned intervals, each with the requirements that ask for it.

    >>> SubjectKind.CMDB_VERIFICATION.requirements
    ('PR11.5',)
    """

    MANAGEMENT_REVIEW = "management_review"
    """A management review of the SMS by its owner (GR1.3)."""
    SMS_ASSESSMENT = "sms_assessment"
    """An assessment or audit of the SMS (GR6.2)."""
    AGREEMENT = "agreement"
    """An SLA, OLA or UA (PR2.2, PR2.4); the id is the agreement's."""
    REQUIREMENTS = "requirements"
    """Availability, continuity, capacity, performance or security requirements (PR4.1,
    PR5.1, PR6.1)."""
    PLAN = "plan"
    """An availability, continuity or capacity plan (PR4.1, PR5.1, PR5.3)."""
    RISK_ASSESSMENT = "risk_assessment"
    """The assessment of a risk (PR4.2, PR6.2); the id is the risk's."""
    SECURITY_POLICY = "security_policy"
    """An information security policy (PR6.1)."""
    ACCESS_REVIEW = "access_review"
    """A review of access rights (PR6.5)."""
    CUSTOMER_REVIEW = "customer_review"
    """A service review with a customer (PR7.4)."""
    SUPPLIER = "supplier"
    """The evaluation of a supplier (PR8.4)."""
    CMDB_VERIFICATION = "cmdb_verification"
    """The verification of a CMDB's information (PR11.5); the id is the CMDB's."""
    SERVICE_STRATEGY = "service_strategy"
    """A service's strategy, or the portfolio's (id ``portfolio``), kept current (PR1.1; 003
    service strategy definition); the id is the service's."""
    SERVICE_PERFORMANCE = "service_performance"
    """A service performance review against the strategy's outcomes (PR2.3, PR14.1; 003
    service performance management); the id is the service's."""

    @property
    def requirements(self) -> tuple[str, ...]:
        """The FitSM-1 requirements that ask for this review at planned intervals."""
        return _REQUIREMENTS[self]


_REQUIREMENTS: dict[SubjectKind, tuple[str, ...]] = {
    SubjectKind.MANAGEMENT_REVIEW: ("GR1.3",),
    SubjectKind.SMS_ASSESSMENT: ("GR6.2",),
    SubjectKind.AGREEMENT: ("PR2.2", "PR2.4"),
    SubjectKind.REQUIREMENTS: ("PR4.1", "PR5.1", "PR6.1"),
    SubjectKind.PLAN: ("PR4.1", "PR5.1"),
    SubjectKind.RISK_ASSESSMENT: ("PR4.2", "PR6.2"),
    SubjectKind.SECURITY_POLICY: ("PR6.1",),
    SubjectKind.ACCESS_REVIEW: ("PR6.5",),
    SubjectKind.CUSTOMER_REVIEW: ("PR7.4",),
    SubjectKind.SUPPLIER: ("PR8.4",),
    SubjectKind.CMDB_VERIFICATION: ("PR11.5",),
    SubjectKind.SERVICE_STRATEGY: ("PR1.1",),
    SubjectKind.SERVICE_PERFORMANCE: ("PR2.3", "PR14.1"),
}


class ReviewOutcome(StrEnum):
    """What a review found: nothing to change, the subject was updated, or findings to follow up."""

    PASSED = "passed"
    UPDATED = "updated"
    FINDINGS = "findings"


def _kind(value: object) -> SubjectKind:
    return enum_value(SubjectKind)(value)


def _outcome(value: object) -> ReviewOutcome:
    return enum_value(ReviewOutcome)(value)


@attrs.frozen(order=True)
class ReviewSubject:
    """What one schedule reviews: a kind and the id of the thing (an agreement, a risk, a CMDB).

    >>> str(ReviewSubject("agreement", "sla-shop"))
    'agreement:sla-shop'
    """

    kind: SubjectKind = attrs.field(converter=_kind)
    id: str = attrs.field(validator=identifier)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


SubjectLike = ReviewSubject | tuple[str, str]
"""A subject, or its ``(kind, id)`` pair."""


def subject_of(value: object) -> ReviewSubject:
    """``value`` as a subject: a :class:`ReviewSubject` or its ``(kind, id)`` pair."""
    if isinstance(value, ReviewSubject):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        return ReviewSubject(*value)
    raise ValidationError(
        f"a review subject must be a ReviewSubject or a (kind, id) pair, got {value!r}",
        field="subject",
    )


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _ids(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for item in value:
        if not isinstance(item, str) or not item or item != item.strip():
            raise ValidationError(
                f"{type(instance).__name__}.{attribute.name} must hold ids (non-empty strings), "
                f"got {item!r}",
                field=attribute.name,
            )


@attrs.frozen
class Review:
    """One review done: when, by whom, with what outcome, and the due date it met.

    ``follow_ups`` names what the review started (an improvement, a change, a revised
    agreement), by id.
    """

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    outcome: ReviewOutcome = attrs.field(converter=_outcome)
    due: datetime = attrs.field(converter=_utc)
    """When the review was due; it was late if it was done after that."""
    note: str = attrs.field(default="", validator=text)
    follow_ups: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple, validator=_ids)

    @property
    def late(self) -> bool:
        """Whether the review was done after it was due."""
        return self.at > self.due


@attrs.frozen
class ScheduleChange:
    """A change to a schedule itself: ``planned``, ``rescheduled`` or ``retired``, who and when."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    note: str = attrs.field(default="", validator=text)


def _reviews(value: Iterable[Review]) -> tuple[Review, ...]:
    return tuple(value)


def _changes(value: Iterable[ScheduleChange]) -> tuple[ScheduleChange, ...]:
    return tuple(value)


@attrs.frozen
class ReviewSchedule:
    """The planned reviews of one subject: the rule, when the next is due, and those done.

    Build and change schedules through :class:`ReviewSchedules`, which checks and
    records every change. A schedule is *overdue* at an instant after its
    :attr:`next_due` (a review done exactly when due is on time).
    """

    subject: ReviewSubject
    rule: ReviewRule = attrs.field(converter=checked_rule)
    next_due: datetime = attrs.field(converter=_utc)
    owner: str = attrs.field(default="", validator=identifier_or_empty)
    """Who sees to the reviews (a person id), where one is named."""
    reviews: tuple[Review, ...] = attrs.field(default=(), converter=_reviews)
    changes: tuple[ScheduleChange, ...] = attrs.field(default=(), converter=_changes)
    active: bool = True
    """False once retired: a retired schedule is never due."""

    @property
    def last(self) -> Review | None:
        """The latest review done, or None."""
        return self.reviews[-1] if self.reviews else None

    def overdue(self, at: datetime) -> bool:
        """Whether the review is past due at ``at`` (never for a retired schedule)."""
        return self.active and self.next_due < as_utc(at, "at")

    def due_within(self, at: datetime, period: timedelta) -> bool:
        """Whether the review falls due from ``at`` to ``at + period``, both included, and is
        not overdue yet."""
        start = as_utc(at, "at")
        return self.active and start <= self.next_due <= start + _period(period)


def _period(period: object) -> timedelta:
    if not isinstance(period, timedelta) or period < timedelta(0):
        raise ValidationError(
            f"period must be a timedelta of zero or more, got {period!r}", field="period"
        )
    return period


class ReviewSchedules:
    """Every review schedule of an organisation, one per subject: the aggregate the store keeps.

    Each schedule is its own unit of change: two people performing reviews of
    different subjects do not conflict (:meth:`rebase`). Every change is checked
    and recorded with who made it and when; the time is always given (``at=``).

    >>> from datetime import UTC
    >>> s = ReviewSchedules()
    >>> t0 = datetime(2026, 1, 5, tzinfo=UTC)
    >>> _ = s.plan(("cmdb_verification", "default"), timedelta(days=30), at=t0, by="ann")
    >>> [str(x.subject) for x in s.overdue(datetime(2026, 2, 5, tzinfo=UTC))]
    ['cmdb_verification:default']
    >>> _ = s.perform(("cmdb_verification", "default"), at=datetime(2026, 2, 5, tzinfo=UTC),
    ...               by="ann", outcome="passed")
    >>> s.schedule(("cmdb_verification", "default")).next_due.date().isoformat()
    '2026-03-07'
    """

    def __init__(self, id: str = "default") -> None:
        if not isinstance(id, str) or not id or id != id.strip():
            raise ValidationError(f"review schedules id must be a non-empty string, got {id!r}")
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self._schedules: dict[ReviewSubject, ReviewSchedule] = {}

    # -- changes ---------------------------------------------------------------

    def plan(
        self,
        subject: SubjectLike,
        rule: ReviewRule,
        *,
        at: datetime,
        by: str,
        first_due: datetime | None = None,
        owner: str = "",
        note: str = "",
    ) -> ReviewSchedule:
        """Plan the reviews of ``subject`` by ``rule``; the first falls due at ``first_due``,
        else one rule step after ``at``. A subject has one schedule (DuplicateError)."""
        key = subject_of(subject)
        if key in self._schedules:
            raise DuplicateError(
                f"{key} has a review schedule already; use reschedule() to change it"
            )
        change = ScheduleChange(at, by, "planned", note)
        due = _next(rule, change.at) if first_due is None else first_due
        schedule = ReviewSchedule(key, rule, due, owner, changes=(change,))
        self._schedules[key] = schedule
        return schedule

    def reschedule(
        self,
        subject: SubjectLike,
        *,
        at: datetime,
        by: str,
        rule: ReviewRule | None = None,
        next_due: datetime | None = None,
        owner: str | None = None,
        note: str = "",
    ) -> ReviewSchedule:
        """Change a schedule's rule, next due date or owner, and record who did and when.

        A new rule without a new due date sets the next one from the last review
        (a schedule never reviewed keeps its due date).
        """
        current = self._active(subject)
        change = self._change(current, at, by, "rescheduled", note)
        fields: dict[str, Any] = {"changes": (*current.changes, change)}
        if rule is not None:
            fields["rule"] = checked_rule(rule)
            if next_due is None and current.last is not None:
                fields["next_due"] = _next(fields["rule"], current.last.at)
        if next_due is not None:
            fields["next_due"] = next_due
        if owner is not None:
            fields["owner"] = owner
        if len(fields) == 1:
            raise ValidationError(
                f"rescheduling {current.subject} needs a new rule, next_due or owner; got none"
            )
        updated = attrs.evolve(current, **fields)
        self._schedules[current.subject] = updated
        return updated

    def perform(
        self,
        subject: SubjectLike,
        *,
        at: datetime,
        by: str,
        outcome: ReviewOutcome | str = ReviewOutcome.PASSED,
        note: str = "",
        follow_ups: Iterable[str] = (),
    ) -> ReviewSchedule:
        """Record a review of ``subject`` done at ``at`` by ``by``; the next falls due one
        rule step after it.

        A review dated before the last one is refused (ValidationError), so the
        reviews of a schedule stay in the order they were done.
        """
        current = self._active(subject)
        review = Review(at, by, outcome, current.next_due, note, tuple(follow_ups))
        last = current.last
        if last is not None and review.at < last.at:
            raise ValidationError(
                f"a review of {current.subject} dated {review.at.isoformat()} is before the "
                f"last one ({last.at.isoformat()}, by {last.by!r}); expected a time at or "
                "after it",
                field="at",
            )
        updated = attrs.evolve(
            current,
            reviews=(*current.reviews, review),
            next_due=_next(current.rule, review.at),
        )
        self._schedules[current.subject] = updated
        return updated

    def retire(
        self, subject: SubjectLike, *, at: datetime, by: str, note: str = ""
    ) -> ReviewSchedule:
        """Stop reviewing ``subject`` (an agreement expired, a plan terminated); the schedule
        and its reviews stay on record, and it is never due again."""
        current = self._active(subject)
        change = self._change(current, at, by, "retired", note)
        updated = attrs.evolve(current, changes=(*current.changes, change), active=False)
        self._schedules[current.subject] = updated
        return updated

    def _active(self, subject: SubjectLike) -> ReviewSchedule:
        current = self.schedule(subject)
        if not current.active:
            raise ValidationError(
                f"the review schedule of {current.subject} is retired; plan a new subject "
                "instead of changing it",
                field="subject",
            )
        return current

    @staticmethod
    def _change(
        current: ReviewSchedule, at: datetime, by: str, action: str, note: str
    ) -> ScheduleChange:
        change = ScheduleChange(at, by, action, note)
        last = current.changes[-1] if current.changes else None
        if last is not None and change.at < last.at:
            raise ValidationError(
                f"a change to the review schedule of {current.subject} dated "
                f"{change.at.isoformat()} is before its last change ({last.action} at "
                f"{last.at.isoformat()}); expected a time at or after it",
                field="at",
            )
        return change

    # -- reading -----------------------------------------------------------------

    def schedule(self, subject: SubjectLike) -> ReviewSchedule:
        """The schedule of ``subject``; NotFoundError if it has none."""
        key = subject_of(subject)
        try:
            return self._schedules[key]
        except KeyError:
            raise NotFoundError(
                f"no review schedule for {key} in review schedules {self.id!r}; plan() one first"
            ) from None

    def __contains__(self, subject: object) -> bool:
        try:
            return subject_of(subject) in self._schedules
        except ValidationError:
            return False

    def __iter__(self) -> Iterator[ReviewSchedule]:
        """Every schedule, retired ones included, by subject."""
        return iter(sorted(self._schedules.values(), key=lambda s: s.subject))

    def __len__(self) -> int:
        return len(self._schedules)

    def overdue(self, at: datetime) -> list[ReviewSchedule]:
        """The active schedules past due at ``at``, the longest overdue first."""
        when = as_utc(at, "at")
        return _by_due(s for s in self._schedules.values() if s.overdue(when))

    def due_within(self, at: datetime, period: timedelta) -> list[ReviewSchedule]:
        """The active schedules that fall due from ``at`` to ``at + period`` (both included),
        soonest first; those already overdue are :meth:`overdue`'s."""
        when, span = as_utc(at, "at"), _period(period)
        return _by_due(s for s in self._schedules.values() if s.due_within(when, span))

    def of_kind(self, kind: SubjectKind | str) -> list[ReviewSchedule]:
        """The schedules of one kind of subject, by subject."""
        wanted = _kind(kind)
        return [s for s in self if s.subject.kind is wanted]

    # -- aggregate ---------------------------------------------------------------

    def rebase(self, stored: ReviewSchedules, base: ReviewSchedules) -> None:
        """Put the schedules changed here since ``base`` on top of ``stored``.

        Each schedule is its own unit of change: when this set and ``stored`` (what
        others committed since ``base`` was loaded) changed the same schedule,
        ConflictError is raised and nothing changes; otherwise this set then holds
        both.
        """
        self._schedules = merge_items(
            self._schedules,
            stored._schedules,
            base._schedules,
            lambda both: (
                f"the review schedule of {', '.join(str(s) for s in both)} was "
                "changed by someone else since it was loaded; reload and apply the change again"
            ),
        )

    def copy(self) -> ReviewSchedules:
        """An independent copy; schedules are immutable, so sharing them is safe."""
        other = ReviewSchedules(self.id)
        other.version = self.version
        other._schedules = dict(self._schedules)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReviewSchedules):
            return NotImplemented
        return self.id == other.id and self._schedules == other._schedules

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<ReviewSchedules {self.id!r}: {len(self)} schedules>"


def _by_due(schedules: Iterable[ReviewSchedule]) -> list[ReviewSchedule]:
    return sorted(schedules, key=lambda s: (s.next_due, s.subject))
