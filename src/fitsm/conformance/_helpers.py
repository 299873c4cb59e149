"""What several checks share: naming a few records, judging reviews at planned intervals,
reading the SMS register and the role model safely, and replaying a recorded act against
the rule that gates it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from fitsm.authority import Rule
from fitsm.conformance.findings import AuditFinding
from fitsm.conformance.snapshot import Snapshot
from fitsm.roles import Process, Role, RoleModel

if TYPE_CHECKING:
    from fitsm.sms.register import SmsRegister

__all__ = [
    "authorised",
    "day",
    "decide",
    "holds",
    "in_scope",
    "items",
    "listed",
    "planned_reviews",
    "recent",
    "review_gaps",
    "sms_of",
]

T = TypeVar("T")

SHOWN = 3
"""How many ids a sentence of evidence names before it says how many more there are."""


def listed(ids: Iterable[str], limit: int = SHOWN) -> str:
    """A few ids for a sentence: ``'a', 'b', 'c' and 2 more``.

    >>> listed(["a", "b", "c", "d", "e"])
    "'a', 'b', 'c' and 2 more"
    """
    items = list(ids)
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def recent(when: datetime, snapshot: Snapshot) -> bool:
    """Whether ``when`` lies in the audit window ``[at - window, at)``."""
    return snapshot.since <= when < snapshot.at


def decide(
    requirement: str,
    good: Sequence[str],
    bad: Sequence[str],
    *,
    evidence: Sequence[str],
    next_step: str,
    **counts: int,
) -> AuditFinding:
    """Met when nothing is ``bad``; partly met when some of it is ``good``; else not met."""
    if not bad:
        return AuditFinding.met(requirement, *evidence, **counts)
    if good:
        return AuditFinding.partly_met(requirement, *evidence, next_step=next_step, **counts)
    return AuditFinding.not_met(requirement, *evidence, next_step=next_step, **counts)


def planned_reviews(
    requirement: str,
    snapshot: Snapshot,
    kind: str,
    subjects: Sequence[str],
    *,
    what: str,
    none: str,
    plan: str,
) -> AuditFinding:
    """Judge "reviewed at planned intervals" for ``subjects``: each needs an active review
    schedule of ``kind`` that is not overdue at the audit's instant.

    ``what`` names the subjects in sentences ("SLAs"); ``none`` is the next step when there
    is no subject at all; ``plan`` the next step for subjects without a schedule or
    overdue.
    """
    if not subjects:
        return AuditFinding.not_met(requirement, f"no {what} recorded", next_step=none)
    missing: list[str] = []
    overdue: list[str] = []
    on_time: list[str] = []
    performed = 0
    for subject in subjects:
        schedule = snapshot.schedule(kind, subject)
        if schedule is None:
            missing.append(subject)
            continue
        performed += bool(schedule.reviews)
        (overdue if schedule.overdue(snapshot.at) else on_time).append(subject)
    evidence = [f"{what} to review at planned intervals: {len(subjects)}"]
    if on_time:
        evidence.append(f"on schedule: {listed(on_time)}")
    if missing:
        evidence.append(f"no review schedule: {listed(missing)}")
    if overdue:
        evidence.append(f"review overdue on {snapshot.at.date().isoformat()}: {listed(overdue)}")
    step = f"{plan}: {listed(missing + overdue)}"
    return decide(
        requirement,
        on_time,
        missing + overdue,
        evidence=evidence,
        next_step=step,
        subjects=len(subjects),
        scheduled=len(subjects) - len(missing),
        overdue=len(overdue),
        reviewed=performed,
    )


def day(when: datetime) -> str:
    """A date for a sentence: ``2026-05-10``."""
    return when.date().isoformat()


def sms_of(snapshot: Snapshot) -> SmsRegister | None:
    """The store's SMS register: the ``default`` one the desks use, else the first by id
    (as the role model is chosen), or None when the store holds none."""
    registers = snapshot.sms
    return next((r for r in registers if r.id == "default"), registers[0] if registers else None)


def items(register: SmsRegister | None, kind: type[T]) -> list[T]:
    """The items of one kind in the SMS register (none without a register), by id."""
    return [] if register is None else [i for i in register if isinstance(i, kind)]


def in_scope(register: SmsRegister | None) -> list[Process]:
    """The processes the SMS covers, in FitSM's order: all 14 without a scope statement."""
    scope = None if register is None else register.scope_or_none
    return [p for p in Process if scope is None or scope.covers_process(p)]


def holds(roles: RoleModel | None, person: str, role: Role, at: datetime) -> bool:
    """Whether ``person`` is known to the role model and held ``role`` at ``at``, when
    they acted (directly or through a team; see ``RoleModel.has_role``)."""
    return roles is not None and roles.knows(person) and roles.has_role(person, role, at=at)


def authorised(
    snapshot: Snapshot,
    rule: Rule,
    actor: str,
    register: object = None,
    *,
    at: datetime,
    **arguments: object,
) -> bool:
    """Whether ``actor`` might do at ``at`` what ``rule`` (an area's
    :data:`fitsm.authority.Rules` entry) gates, by the roles of that time
    (``RoleModel.as_of``): the audit replays a recorded act against the same rule the
    desk applied. Someone the role model does not know may do nothing."""
    roles = snapshot.roles
    if roles is None or not roles.knows(actor):
        return False
    return rule(roles.as_of(at), actor, register, arguments) is None


def review_gaps(
    snapshot: Snapshot, kind: str, subjects: Iterable[str]
) -> tuple[list[str], list[str]]:
    """The ``subjects`` without an active review schedule of ``kind``, and those whose
    review is overdue at the audit's instant."""
    missing: list[str] = []
    overdue: list[str] = []
    for subject in subjects:
        schedule = snapshot.schedule(kind, subject)
        if schedule is None:
            missing.append(subject)
        elif schedule.overdue(snapshot.at):
            overdue.append(subject)
    return missing, overdue
