"""SLA clocks: time to respond and time to resolve, replayed from a case's history (PR9.1).

A clock is never a stored counter. It is computed from the history: the case's
status over time says when the clock ran, the agreement's calendar says which of
that time counts, and the targets for the case's priority say how much is allowed.
The agreement is read in the version in effect when the case was registered, so a
target tightened later applies to later cases and never re-grades an old one.
The same history always gives the same answer. A pending case does not count
(the clock pauses); a resolved case stops the resolution clock until it is
reopened.

When a case changes priority or agreement mid-way, :class:`CarryOver` says what
happens to the time already elapsed: ``keep`` (the default) counts it against the
new target, ``restart`` starts the clock afresh at the change.

Many cases are computed at once with numpy (one pass over all running intervals),
so replaying a year of a service desk takes seconds. The clocks come back as a
table (:class:`~fitsm.tables.Rows`) with one row per clock, durations in seconds
of the agreement's service hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Any, ClassVar

import attrs
import numpy as np

from fitsm._validators import enum_value, shown
from fitsm.cases.base import Case
from fitsm.cases.incidents import RESOLUTION_CLOCK_RUNS, RESPONSE_CLOCK_RUNS, IncidentStatus
from fitsm.errors import ValidationError
from fitsm.service_levels.agreements import Agreement, Agreements
from fitsm.tables import Column, Columns, Rows
from fitsm.time.calendar import BusinessCalendar
from fitsm.time.durations import format_duration, is_wall_clock
from fitsm.time.intervals import EPOCH, from_micros, micros
from fitsm.units import to_fraction

__all__ = [
    "CarryOver",
    "ClockBreached",
    "ClockKind",
    "ClockPolicy",
    "ClockWarning",
    "SlaClock",
    "clock_events",
    "sla_clocks",
]

_US = timedelta(microseconds=1)


class ClockKind(StrEnum):
    """The two SLA clocks of a case: time to respond and time to resolve."""

    RESPONSE = "response_time"
    RESOLUTION = "resolution_time"


class CarryOver(StrEnum):
    """What a priority change does to a running clock: keep the time used so far, or restart."""

    KEEP = "keep"
    RESTART = "restart"


def _carry(value: object) -> CarryOver:
    return enum_value(CarryOver)(value)


def _share(value: Any) -> Fraction:
    share = to_fraction(value)
    if not 0 < share < 1:
        raise ValidationError(f"warn_at must be a share between 0 and 1, got {shown(value)}")
    return share


_ALWAYS = BusinessCalendar.always()

_RUNNING: Mapping[ClockKind, frozenset[str]] = {
    ClockKind.RESPONSE: frozenset(RESPONSE_CLOCK_RUNS),
    ClockKind.RESOLUTION: frozenset(RESOLUTION_CLOCK_RUNS),
}


@attrs.frozen
class ClockPolicy:
    """When a clock runs, when it warns, and what a priority change does to it."""

    warn_at: Fraction = attrs.field(default=Fraction(3, 4), converter=_share)
    carry_over: CarryOver = attrs.field(default=CarryOver.KEEP, converter=_carry)
    running: Mapping[ClockKind, frozenset[str]] = _RUNNING
    """The statuses in which each clock runs; any other status pauses or stops it."""


def _business_hours(clock: SlaClock) -> bool:
    return not is_wall_clock(clock.calendar)


@attrs.frozen(repr=False)
class SlaClock:
    """A clock's reading at ``now``.

    ``calendar`` is the agreement's service hours, which the clock counts in
    (business time unless it is 24x7). As a row of a table: ``case``, ``kind``,
    ``agreement``, ``version``, ``priority``, ``target_s``, ``elapsed_s`` and
    ``remaining_s`` in seconds of service time (``remaining_s`` is negative once
    breached), ``used`` (a ratio), ``running``, ``breached``, ``due``,
    ``breached_at``, ``warned_at`` and ``business_hours``.
    """

    columns: ClassVar[Columns] = Columns(
        Column("case", "string"),
        Column("kind", "category", categories=ClockKind),
        Column("agreement", "string", nullable=True),
        Column("version", "int", nullable=True),
        Column("priority", "string", nullable=True),
        Column("target_s", "seconds", "target", nullable=True, calendar="calendar"),
        Column("elapsed_s", "seconds", "elapsed", calendar="calendar"),
        Column("remaining_s", "seconds", "remaining", nullable=True, calendar="calendar"),
        Column("used", "float", nullable=True),
        Column("running", "bool"),
        Column("breached", "bool"),
        Column("due", "instant", nullable=True),
        Column("breached_at", "instant", nullable=True),
        Column("warned_at", "instant", nullable=True),
        Column("business_hours", "bool", _business_hours),
    )
    """The table of SLA clocks: one row each."""

    case: str
    kind: ClockKind
    agreement: str | None
    priority: str | None
    target: timedelta | None
    """``None`` when no agreement in force has a target for this priority."""
    elapsed: timedelta
    running: bool
    due: datetime | None
    """When the target is reached: in the past if breached, projected if running."""
    breached_at: datetime | None
    warned_at: datetime | None
    version: int | None = None
    """The version of ``agreement`` whose targets the clock runs against."""
    calendar: BusinessCalendar | None = attrs.field(default=None, kw_only=True)
    """The service hours the clock counts in."""

    @property
    def breached(self) -> bool:
        return self.breached_at is not None

    @property
    def used(self) -> Fraction | None:
        """The share of the target used so far."""
        if self.target is None:
            return None
        return Fraction(self.elapsed // _US, self.target // _US)

    @property
    def remaining(self) -> timedelta | None:
        """What is left of the target; negative once breached, ``None`` without a target."""
        return None if self.target is None else self.target - self.elapsed

    def _repr_html_(self) -> str:
        return self.columns.html_card(self, caption=f"{self.kind.value} clock of {self.case}")

    def __repr__(self) -> str:
        calendar = self.calendar
        elapsed = format_duration(self.elapsed, calendar=calendar)
        if self.target is None or self.used is None:
            reading = f"{elapsed} elapsed, no target"
        else:
            target = format_duration(self.target, calendar=calendar)
            reading = f"{elapsed} of {target} ({float(self.used) * 100:.0f} %)"
        if self.breached_at is not None:
            state = f"breached at {self.breached_at.isoformat()}"
        elif self.running:
            state = "running" + (f", due {self.due.isoformat()}" if self.due else "")
        else:
            state = "stopped"
        return f"<SlaClock {self.case} {self.kind.value}: {reading}, {state}>"


@attrs.frozen
class ClockWarning:
    """Event: a clock passed the warning share of its target (PR9.3 escalation, PR9.4)."""

    case: str
    kind: ClockKind
    at: datetime
    share: Fraction


@attrs.frozen
class ClockBreached:
    """Event: a clock reached its target without the case being responded to or resolved."""

    case: str
    kind: ClockKind
    at: datetime


def _agreement_for(case: Any, agreements: Agreements) -> Agreement | None:
    """The agreement version a case's clocks run against: the one in effect when the
    case was registered (PR2.2, PR9.1)."""
    if case.agreement is not None:
        found = agreements.version_at(case.agreement, case.registered_at)
        if found is None:  # named, but it took effect after the case was registered
            first = min(v.effective for v in agreements.versions(case.agreement) if v.effective)
            found = agreements.version_at(case.agreement, first)
        return found
    if case.service is None:
        return agreements.default_sla(case.registered_at)
    return agreements.sla_for(case.service, case.registered_at)


def sla_clocks(
    cases: Sequence[Case],
    agreements: Agreements,
    now: datetime,
    *,
    kind: ClockKind | str = ClockKind.RESOLUTION,
    policy: ClockPolicy | None = None,
) -> Rows[SlaClock]:
    """Read one kind of clock for each case at ``now``, from the cases' histories.

    The agreement is the one the case names (set when it was prioritised), else
    the SLA in force for its service, else the default SLA, in the version in
    effect when the case was registered (for an agreement that took effect only
    later, its first version); the target is that version's ``kind`` target for
    the case's priority.
    """
    policy = policy or ClockPolicy()
    kind = enum_value(ClockKind)(kind)
    running = policy.running[kind]
    now_us = micros(now, "now")
    restart = policy.carry_over is CarryOver.RESTART

    groups: dict[int, list[int]] = {}
    calendars: dict[int, BusinessCalendar] = {}
    chosen: list[Agreement | None] = []
    for i, case in enumerate(cases):
        agreement = _agreement_for(case, agreements)
        chosen.append(agreement)
        calendar = agreement.calendar if agreement is not None else _ALWAYS
        key = id(calendar)
        calendars[key] = calendar
        groups.setdefault(key, []).append(i)

    readings: list[SlaClock | None] = [None] * len(cases)
    for key, members in groups.items():
        _read_group(
            [cases[i] for i in members],
            [chosen[i] for i in members],
            calendars[key],
            now_us,
            kind,
            running,
            restart,
            policy.warn_at,
            members,
            readings,
        )
    return Rows((r for r in readings if r is not None), columns=SlaClock.columns)


def _read_group(
    cases: list[Case],
    chosen: list[Agreement | None],
    calendar: BusinessCalendar,
    now_us: int,
    kind: ClockKind,
    running: frozenset[str],
    restart: bool,
    warn_at: Fraction,
    slots: list[int],
    readings: list[SlaClock | None],
) -> None:
    owners: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    still: list[bool] = []
    targets = np.zeros(len(cases), dtype=np.int64)
    earliest = now_us
    # pint converts in microseconds per call: look each target up once
    target_of: dict[tuple[int, str | None], int] = {}
    for c, (case, agreement) in enumerate(zip(cases, chosen, strict=True)):
        priority = getattr(case, "priority", None)
        key = (id(agreement), priority)
        if key not in target_of:
            target = agreement.target(kind, priority) if agreement is not None else None
            target_of[key] = target.time // _US if target is not None else 0
        targets[c] = target_of[key]
        # history times are aware (the lifecycle checks them); subtracting is exact
        t_prev = (case.registered_at - EPOCH) // _US
        earliest = min(earliest, t_prev)
        status: str = IncidentStatus.NEW
        from_us = t_prev
        spans: list[tuple[int, int]] = []
        for h in case.history:
            t = (h.at - EPOCH) // _US
            if t > now_us:
                break  # the clock is read as it stood at ``now``
            if status in running and t > t_prev:
                spans.append((t_prev, t))
            if restart and ("priority" in h.changes or "agreement" in h.changes):
                from_us = t
            status = h.target
            t_prev = t
        is_running = status in running and now_us >= t_prev
        if is_running and now_us > t_prev:
            spans.append((t_prev, now_us))
        still.append(is_running)
        for s, e in spans:
            if e > from_us:
                owners.append(c)
                starts.append(max(s, from_us))
                ends.append(e)

    horizon = max(int(targets.max()) if targets.size else 0, 1) * 8 + 400 * 86_400_000_000
    windows = calendar._windows_between(earliest, now_us + horizon)
    owner = np.asarray(owners, dtype=np.int64)
    s_arr = np.asarray(starts, dtype=np.int64)
    e_arr = np.asarray(ends, dtype=np.int64)
    spent = windows.overlap_each(s_arr, e_arr)
    elapsed = np.bincount(owner, weights=spent, minlength=len(cases)).astype(np.int64)
    # per case, the measure before each span (spans are in time order per case)
    cumulative = np.cumsum(spent)
    first = np.searchsorted(owner, np.arange(len(cases)), side="left")
    base = np.where(
        first < owner.size,
        cumulative[np.minimum(first, owner.size - 1)] - spent[np.minimum(first, owner.size - 1)],
        0,
    )
    before = cumulative - spent - base[owner] if owner.size else cumulative

    def crossing(limit: np.ndarray) -> np.ndarray:
        """For each case, the instant its elapsed time reaches ``limit`` (-1: not reached)."""
        found = np.full(len(cases), -1, dtype=np.int64)
        if not owner.size:
            return found
        lim = limit[owner]
        hit = (lim > 0) & (before < lim) & (before + spent >= lim)
        if hit.any():
            mark = windows.covered(s_arr[hit]) + (lim[hit] - before[hit])
            found[owner[hit]] = windows.at_measure(mark)
        return found

    breach = crossing(targets)
    warn_limit = np.ceil(targets * (warn_at.numerator / warn_at.denominator)).astype(np.int64)
    warn = crossing(warn_limit)
    now_measure = int(windows.covered(np.asarray([now_us]))[0])
    for c, case in enumerate(cases):
        agreement = chosen[c]
        target_us = int(targets[c])
        breached = int(breach[c]) if breach[c] >= 0 else None
        due: int | None = breached
        if due is None and still[c] and target_us:
            left = target_us - int(elapsed[c])
            due = int(windows.at_measure(np.asarray([now_measure + left]))[0])
        readings[slots[c]] = SlaClock(
            case=case.id,
            kind=kind,
            agreement=agreement.id if agreement is not None else None,
            priority=getattr(case, "priority", None),
            target=timedelta(microseconds=target_us) if target_us else None,
            elapsed=timedelta(microseconds=int(elapsed[c])),
            running=still[c],
            due=from_micros(due) if due is not None else None,
            breached_at=from_micros(breached) if breached is not None else None,
            warned_at=from_micros(int(warn[c])) if warn[c] >= 0 else None,
            version=agreement.version if agreement is not None else None,
            calendar=calendar,
        )


def clock_events(
    clocks: Iterable[SlaClock], policy: ClockPolicy | None = None
) -> list[ClockWarning | ClockBreached]:
    """The warnings and breaches the clocks have seen, oldest first."""
    share = (policy or ClockPolicy()).warn_at
    events: list[ClockWarning | ClockBreached] = []
    for clock in clocks:
        if clock.warned_at is not None:
            events.append(ClockWarning(clock.case, clock.kind, clock.warned_at, share))
        if clock.breached_at is not None:
            events.append(ClockBreached(clock.case, clock.kind, clock.breached_at))
    events.sort(key=lambda e: e.at)
    return events
