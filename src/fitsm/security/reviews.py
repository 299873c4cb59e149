"""Planning ISM's reviews and reading which access reviews are overdue (PR6.1, PR6.5).

Policies and the access rights to each asset are reviewed at planned intervals
on :class:`~fitsm.reviews.ReviewSchedules`; the security register records what
each review found. :func:`overdue_access_reviews` joins the two: the access
reviews past due, each with the rights not confirmed since the last one.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from fitsm.clock import as_utc
from fitsm.reviews.rules import ReviewRule
from fitsm.reviews.schedules import ReviewSchedule, ReviewSchedules, SubjectKind
from fitsm.security.register import SecurityRegister
from fitsm.security.subjects import access_review_subject, policy_subject

__all__ = [
    "AccessReviewDue",
    "overdue_access_reviews",
    "plan_access_reviews",
    "plan_policy_reviews",
]


def plan_policy_reviews(
    schedules: ReviewSchedules,
    register: SecurityRegister,
    rule: ReviewRule,
    *,
    at: datetime,
    by: str,
    first_due: datetime | None = None,
) -> list[ReviewSchedule]:
    """Plan the reviews of every policy in force that has no schedule yet (PR6.1); the first
    falls due at ``first_due``, else one ``rule`` step after ``at``. Planning again adds only
    the new policies'. Returns the schedules planned."""
    planned = []
    for policy in register.policies():
        subject = policy_subject(policy.id)
        if policy.in_force is not None and subject not in schedules:
            planned.append(schedules.plan(subject, rule, at=at, by=by, first_due=first_due))
    return planned


def plan_access_reviews(
    schedules: ReviewSchedules,
    register: SecurityRegister,
    rule: ReviewRule,
    *,
    at: datetime,
    by: str,
    first_due: datetime | None = None,
) -> list[ReviewSchedule]:
    """Plan an access review for every asset in the inventory that has no schedule yet
    (PR6.5); the first falls due at ``first_due``, else one ``rule`` step after ``at``.
    Returns the schedules planned."""
    planned = []
    for asset in register.assets():
        subject = access_review_subject(asset.id)
        if subject not in schedules:
            planned.append(schedules.plan(subject, rule, at=at, by=by, first_due=first_due))
    return planned


@attrs.frozen
class AccessReviewDue:
    """An access review past due: the asset, when it was due, and the active rights to the
    asset not confirmed since its last access review (by id)."""

    asset: str
    due: datetime
    unconfirmed: tuple[str, ...]

    def __str__(self) -> str:
        n = len(self.unconfirmed)
        return (
            f"access review of {self.asset!r} overdue since {self.due.date().isoformat()}: "
            f"{n} right{'' if n == 1 else 's'} unconfirmed"
        )


def overdue_access_reviews(
    register: SecurityRegister, schedules: ReviewSchedules, at: datetime
) -> list[AccessReviewDue]:
    """The access reviews past due at ``at`` (longest overdue first) with the rights each must
    look at. An asset no longer in the inventory (retired or unknown) is left out."""
    found = []
    for schedule in schedules.overdue(as_utc(at, "at")):
        subject = schedule.subject
        if subject.kind is not SubjectKind.ACCESS_REVIEW:
            continue
        try:
            asset = register.asset(subject.id)
        except LookupError:
            continue
        if asset.retired:
            continue
        unconfirmed = tuple(r.id for r in register.unconfirmed(asset.id))
        found.append(AccessReviewDue(asset.id, schedule.next_due, unconfirmed))
    return found
