"""The reviews other areas already plan: agreement reviews (PR2.2, PR2.4) and CMDB
verifications (PR11.5), kept on review schedules.

These functions read agreements and verification reports and change a
:class:`~fitsm.reviews.ReviewSchedules`; the agreements and the CMDB know nothing
of schedules, so the dependency points from reviews to them and never back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from fitsm.clock import as_utc
from fitsm.cmdb.verification import VerificationReport
from fitsm.reviews.schedules import (
    ReviewOutcome,
    ReviewSchedule,
    ReviewSchedules,
    ReviewSubject,
    SubjectKind,
)
from fitsm.service_levels.agreements import Agreement, Agreements

__all__ = ["follow_agreements", "record_verification"]


def follow_agreements(
    schedules: ReviewSchedules, agreements: Agreements, *, at: datetime, by: str
) -> list[ReviewSchedule]:
    """Keep one review schedule per agreement that has a review interval (PR2.2, PR2.4).

    For each agreement, the version in effect at ``at`` (else its newest) decides:

    - with a ``review_interval`` and no schedule yet: a schedule is planned with that
      interval, owned by the agreement's owner; the first review falls due on its
      ``next_review`` date (00:00 UTC) if it has one, else one interval after ``at``;
    - with a schedule whose interval or owner differ: the schedule is rescheduled;
    - expired (its newest version is valid only until ``at`` or earlier): its
      schedule is retired.

    Agreements without a review interval are left alone, as are schedules already
    retired. Returns the schedules planned or changed; calling it again with the
    same agreements changes nothing and returns an empty list.
    """
    when = as_utc(at, "at")
    changed: list[ReviewSchedule] = []
    for newest in agreements:
        subject = ReviewSubject(SubjectKind.AGREEMENT, newest.id)
        known = subject in schedules
        current = schedules.schedule(subject) if known else None
        if current is not None and not current.active:
            continue
        if newest.valid_until is not None and newest.valid_until <= when:
            if current is not None:
                note = f"agreement valid until {newest.valid_until.isoformat()}"
                changed.append(schedules.retire(subject, at=when, by=by, note=note))
            continue
        agreement = agreements.version_at(newest.id, when) or newest
        interval = agreement.review_interval
        if interval is None:
            continue
        if current is None:
            changed.append(
                schedules.plan(
                    subject,
                    interval,
                    at=when,
                    by=by,
                    first_due=_first_due(agreement),
                    owner=agreement.owner,
                    note=f"review interval of {agreement.kind.value} {agreement.id!r}",
                )
            )
        elif current.rule != interval or current.owner != agreement.owner:
            changed.append(
                schedules.reschedule(
                    subject,
                    at=when,
                    by=by,
                    rule=None if current.rule == interval else interval,
                    owner=agreement.owner,
                    note=f"version {agreement.version} of {agreement.id!r}",
                )
            )
    return changed


def _first_due(agreement: Agreement) -> datetime | None:
    review: date | None = agreement.next_review
    return None if review is None else datetime.combine(review, time(), tzinfo=UTC)


def record_verification(
    schedules: ReviewSchedules,
    report: VerificationReport,
    *,
    at: datetime,
    by: str,
    cmdb_id: str = "default",
    note: str = "",
) -> ReviewSchedule:
    """Record a verification of CMDB ``cmdb_id`` as the review PR11.5 plans, and advance it.

    The outcome is ``passed`` when the report found nothing, else ``findings``; the
    note says what was found (counts), after ``note`` if one is given. The CMDB's
    verification must be planned (``schedules.plan(("cmdb_verification", cmdb_id),
    rule, ...)``); NotFoundError names it otherwise.
    """
    found = [
        (len(report.missing_cis), "missing CI"),
        (len(report.unexpected_cis), "unexpected CI"),
        (len(report.missing_relationships), "missing relationship"),
        (len(report.unexpected_relationships), "unexpected relationship"),
        (len(report.different), "different value"),
    ]
    summary = ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for n, what in found if n)
    scope = ", ".join(sorted(report.scope)) or "nothing"
    detail = f"verified {scope}: " + (summary or "no differences")
    return schedules.perform(
        (SubjectKind.CMDB_VERIFICATION, cmdb_id),
        at=at,
        by=by,
        outcome=ReviewOutcome.PASSED if report.ok else ReviewOutcome.FINDINGS,
        note=f"{note}; {detail}" if note else detail,
    )
