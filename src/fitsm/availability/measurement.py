"""Measured availability from outage records (PR4.4, PR2.3).

FitSM-2 defines availability as (agreed service hours - downtime) / agreed
service hours x 100 (FitSM, CC BY 4.0). Here *agreed service hours* come from a
:class:`~fitsm.BusinessCalendar`, and *downtime* counts only the part of each
outage inside them, so an outage at night does not hurt a 9-to-5 service.

The choices a report depends on are explicit in :class:`AvailabilityPolicy`:

- ``maintenance``: planned outages are taken out of the agreed time
  (``exclude``, the default), counted as downtime (``count``), or left out of
  both and reported on their own (``separate``);
- ``degraded_weight``: the share of degraded time that counts as downtime
  (``0``, the default: degraded is up; ``1``: degraded is down);
- ``minimum_outage``: outages shorter than this are ignored (default: none).

Results are exact (:class:`~fractions.Fraction` of microseconds); round only to
report. A report is also a one-row table (``to_records()``, ``to_frame()``), and
``fitsm.tables.frame(reports)`` puts many in one frame.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from fitsm._validators import enum_value, flag, identifier, identifier_or_empty, shown
from fitsm.clock import as_utc
from fitsm.errors import NotFoundError, ValidationError
from fitsm.tables import Column, Columns
from fitsm.time.calendar import BusinessCalendar
from fitsm.time.durations import format_duration, is_wall_clock
from fitsm.time.intervals import Intervals, from_micros, micros
from fitsm.units import percent, to_fraction

__all__ = [
    "AvailabilityPolicy",
    "AvailabilityReport",
    "MaintenancePolicy",
    "Outage",
    "OutageLog",
    "OutageState",
    "measure_availability",
]

_US = timedelta(microseconds=1)


class OutageState(StrEnum):
    """Whether an outage took its subject down or only degraded it."""

    DOWN = "down"
    DEGRADED = "degraded"


class MaintenancePolicy(StrEnum):
    """How planned maintenance counts: left out, counted as downtime, or reported apart."""

    EXCLUDE = "exclude"
    COUNT = "count"
    SEPARATE = "separate"


def _state(value: object) -> OutageState:
    return enum_value(OutageState)(value)


def _maintenance(value: object) -> MaintenancePolicy:
    return enum_value(MaintenancePolicy)(value)


def _aware(value: datetime) -> datetime:
    return as_utc(value, "outage time")


def _aware_or_open(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value, "outage time")


@attrs.frozen
class Outage:
    """A service, component or CI not working (``down``) or working worse (``degraded``).

    An outage whose ``end`` is ``None`` is still going on. A store gives each
    recorded outage an ``id`` (PR4.4: one record each, appended, closed once).

    >>> from datetime import UTC, datetime
    >>> nine = datetime(2026, 1, 5, 9, tzinfo=UTC)
    >>> ongoing = Outage("db1", nine)
    >>> ongoing.ongoing, ongoing.ended(nine.replace(hour=10)).duration
    (True, datetime.timedelta(seconds=3600))
    """

    subject: str = attrs.field(validator=identifier)
    start: datetime = attrs.field(converter=_aware)
    end: datetime | None = attrs.field(default=None, converter=_aware_or_open)
    state: OutageState = attrs.field(default=OutageState.DOWN, converter=_state)
    planned: bool = attrs.field(default=False, validator=flag)
    id: str = attrs.field(default="", kw_only=True, validator=identifier_or_empty)

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValidationError(
                f"outage of {self.subject!r} ends before it starts: "
                f"{self.start.isoformat()} to {self.end.isoformat()}"
            )

    @property
    def ongoing(self) -> bool:
        """True while the outage has no end."""
        return self.end is None

    @property
    def duration(self) -> timedelta:
        """How long it lasted; an ongoing outage has no duration yet."""
        if self.end is None:
            raise ValidationError(f"outage {self.id or self.subject!r} is still going on")
        return self.end - self.start

    def ended(self, end: datetime) -> Outage:
        """This outage, ended at ``end`` (which must not be before it started)."""
        if self.end is not None:
            raise ValidationError(
                f"outage {self.id or self.subject!r} already ended at {self.end.isoformat()}"
            )
        return attrs.evolve(self, end=end)


class OutageLog:
    """Outage records in columns (numpy arrays), for millions of them.

    >>> from datetime import UTC, datetime
    >>> log = OutageLog.of([Outage("db1", datetime(2026, 1, 5, 9, tzinfo=UTC),
    ...                            datetime(2026, 1, 5, 10, tzinfo=UTC))])
    >>> len(log), log.subjects
    (1, ('db1',))
    """

    def __init__(
        self,
        subjects: Iterable[str],
        codes: Any,
        starts: Any,
        ends: Any,
        down: Any,
        planned: Any,
    ) -> None:
        self.subjects: tuple[str, ...] = tuple(subjects)
        self.codes: npt.NDArray[np.int32] = np.asarray(codes, dtype=np.int32)
        self.starts: npt.NDArray[np.int64] = np.asarray(starts, dtype=np.int64)
        self.ends: npt.NDArray[np.int64] = np.asarray(ends, dtype=np.int64)
        self.down: npt.NDArray[np.bool_] = np.asarray(down, dtype=bool)
        self.planned: npt.NDArray[np.bool_] = np.asarray(planned, dtype=bool)
        n = self.codes.size
        if not all(a.shape == (n,) for a in (self.starts, self.ends, self.down, self.planned)):
            raise ValidationError("outage columns must all have the same length")
        if n and (self.codes.min() < 0 or self.codes.max() >= len(self.subjects)):
            raise ValidationError(
                f"outage subject codes must lie between 0 and {len(self.subjects) - 1}"
            )
        bad = np.flatnonzero(self.ends < self.starts)
        if bad.size:
            i = int(bad[0])
            raise ValidationError(
                f"outage {i} of {self.subjects[self.codes[i]]!r} ends before it starts: "
                f"{from_micros(self.starts[i]).isoformat()} to "
                f"{from_micros(self.ends[i]).isoformat()}"
            )

    @classmethod
    def of(cls, outages: Iterable[Outage], *, until: datetime | None = None) -> OutageLog:
        """The outages in columns; an ongoing outage lasts until ``until``, which it then needs."""
        index: dict[str, int] = {}
        codes, starts, ends, down, planned = [], [], [], [], []
        open_until = None if until is None else micros(until, "until")
        for o in outages:
            codes.append(index.setdefault(o.subject, len(index)))
            starts.append(micros(o.start))
            if o.end is not None:
                ends.append(micros(o.end))
            elif open_until is not None:
                ends.append(max(open_until, micros(o.start)))
            else:
                raise ValidationError(
                    f"outage {o.id or o.subject!r} is still going on: give until= to measure it"
                )
            down.append(o.state is OutageState.DOWN)
            planned.append(o.planned)
        return cls(index, codes, starts, ends, down, planned)

    @classmethod
    def for_subject(
        cls,
        subject: str,
        starts: Any,
        ends: Any,
        *,
        degraded: Any = False,
        planned: Any = False,
    ) -> OutageLog:
        """One subject's outages from arrays of UTC microseconds (or ``datetime64[us]``)."""
        s = np.asarray(starts)
        e = np.asarray(ends)
        if s.dtype.kind == "M":
            s, e = (
                s.astype("datetime64[us]").astype(np.int64),
                e.astype("datetime64[us]").astype(np.int64),
            )
        n = s.size
        return cls(
            (subject,),
            np.zeros(n, np.int32),
            s,
            e,
            ~np.broadcast_to(np.asarray(degraded, dtype=bool), (n,)),
            np.broadcast_to(np.asarray(planned, dtype=bool), (n,)),
        )

    def __len__(self) -> int:
        return int(self.codes.size)

    def __iter__(self) -> Iterator[Outage]:
        for code, s, e, d, p in zip(
            self.codes, self.starts, self.ends, self.down, self.planned, strict=True
        ):
            yield Outage(
                self.subjects[code],
                from_micros(s),
                from_micros(e),
                OutageState.DOWN if d else OutageState.DEGRADED,
                bool(p),
            )

    def mask(self, subject: str) -> npt.NDArray[np.bool_]:
        try:
            code = self.subjects.index(subject)
        except ValueError:
            return np.zeros(len(self), dtype=bool)
        found: npt.NDArray[np.bool_] = self.codes == code
        return found

    def concat(self, other: OutageLog) -> OutageLog:
        names = list(self.subjects)
        index = {s: i for i, s in enumerate(names)}
        for s in other.subjects:
            if s not in index:
                index[s] = len(names)
                names.append(s)
        remap = np.array([index[s] for s in other.subjects], dtype=np.int32)
        return OutageLog(
            names,
            np.concatenate((self.codes, remap[other.codes] if len(other) else other.codes)),
            np.concatenate((self.starts, other.starts)),
            np.concatenate((self.ends, other.ends)),
            np.concatenate((self.down, other.down)),
            np.concatenate((self.planned, other.planned)),
        )


def _to_fraction(value: Any) -> Fraction:
    weight = to_fraction(value)
    if not 0 <= weight <= 1:
        raise ValidationError(
            f"degraded_weight must be between 0 and 1, got {shown(value)}", field="degraded_weight"
        )
    return weight


def _non_negative(instance: Any, attribute: attrs.Attribute[Any], value: timedelta) -> None:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise ValidationError(
            f"{attribute.name} must be a timedelta >= 0, got {shown(value)}", field=attribute.name
        )


@attrs.frozen
class AvailabilityPolicy:
    """How outages turn into downtime; see the module documentation for each choice."""

    maintenance: MaintenancePolicy = attrs.field(
        default=MaintenancePolicy.EXCLUDE, converter=_maintenance
    )
    degraded_weight: Fraction = attrs.field(default=Fraction(0), converter=_to_fraction)
    minimum_outage: timedelta = attrs.field(default=timedelta(0), validator=_non_negative)


def _availability_pct(report: AvailabilityReport) -> Fraction | None:
    return None if report.availability is None else report.availability * 100


def _business_hours(result: Any) -> bool:
    return not is_wall_clock(result.calendar)


@attrs.frozen(repr=False)
class AvailabilityReport:
    """Availability of one subject over one period.

    ``availability`` is exact (``None`` when there was no agreed time); MTRS, MTBF
    and MTBSI are ``None`` when no outage counted, never zero. ``calendar`` is the
    service hours it was measured in; its durations are business time unless
    that is 24x7.

    As a table it is one row: the ``subject``, ``start`` and ``end``,
    ``availability`` (a ratio) and ``availability_pct``, the durations in seconds
    (``agreed_time_s``, ``downtime_s``, ``degraded_time_s``,
    ``planned_downtime_s``, ``mtrs_s``, ``mtbf_s``, ``mtbsi_s``), the number of
    ``outages``, the ``maintenance`` policy and whether the durations count
    ``business_hours`` only.
    """

    columns: ClassVar[Columns] = Columns(
        Column("subject", "string"),
        Column("start", "instant"),
        Column("end", "instant"),
        Column("availability", "float", nullable=True),
        Column("availability_pct", "float", _availability_pct, nullable=True),
        Column("agreed_time_s", "seconds", "agreed_time", calendar="calendar"),
        Column("downtime_s", "seconds", "downtime", calendar="calendar"),
        Column("degraded_time_s", "seconds", "degraded_time", calendar="calendar"),
        Column("planned_downtime_s", "seconds", "planned_downtime", calendar="calendar"),
        Column("outages", "int"),
        Column("mtrs_s", "seconds", "mtrs", nullable=True, calendar="calendar"),
        Column("mtbf_s", "seconds", "mtbf", nullable=True, calendar="calendar"),
        Column("mtbsi_s", "seconds", "mtbsi", nullable=True, calendar="calendar"),
        Column("maintenance", "category", "maintenance", categories=MaintenancePolicy),
        Column("business_hours", "bool", _business_hours),
    )
    """The table of availability reports: one row each."""

    subject: str
    start: datetime
    end: datetime
    agreed_time: timedelta
    downtime: timedelta
    degraded_time: timedelta
    planned_downtime: timedelta
    outages: int
    availability: Fraction | None
    policy: AvailabilityPolicy
    calendar: BusinessCalendar | None = attrs.field(default=None, kw_only=True)

    @property
    def maintenance(self) -> MaintenancePolicy:
        """How planned maintenance counted (the policy's choice)."""
        return self.policy.maintenance

    @property
    def percent(self) -> Decimal | None:
        """Availability in percent, exact where it terminates (else 10 places)."""
        return None if self.availability is None else percent(self.availability)

    def rounded(self, places: int = 2) -> Decimal | None:
        """For reports only: the percentage rounded half-even to ``places``."""
        return None if self.availability is None else percent(self.availability, places)

    @property
    def mtrs(self) -> timedelta | None:
        """Mean time to restore service: downtime per outage."""
        return self.downtime / self.outages if self.outages else None

    @property
    def mtbf(self) -> timedelta | None:
        """Mean time between failures: agreed time up per outage."""
        return (self.agreed_time - self.downtime) / self.outages if self.outages else None

    @property
    def mtbsi(self) -> timedelta | None:
        """Mean time between service incidents: agreed time per outage."""
        return self.agreed_time / self.outages if self.outages else None

    def to_records(self, *, iso: bool = False) -> list[dict[str, Any]]:
        """The report as one record of plain values (see the class documentation)."""
        return self.columns.records([self], iso=iso)

    def to_frame(self) -> Any:
        """The report as a one-row pandas DataFrame (needs the ``pandas`` extra)."""
        return self.columns.frame([self])

    def _repr_html_(self) -> str:
        return self.columns.html_card(self, caption=f"Availability of {self.subject}")

    def __repr__(self) -> str:
        shown = "no agreed time" if self.percent is None else f"{self.percent} %"
        down = format_duration(self.downtime, calendar=self.calendar)
        agreed = format_duration(self.agreed_time, calendar=self.calendar)
        plural = "" if self.outages == 1 else "s"
        return (
            f"<AvailabilityReport {self.subject} {self.start.isoformat()} to "
            f"{self.end.isoformat()}: {shown}, {down} down of {agreed} agreed, "
            f"{self.outages} outage{plural}>"
        )


def measure_availability(
    outages: OutageLog | Iterable[Outage],
    subject: str,
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    policy: AvailabilityPolicy | None = None,
    *,
    known: Collection[str] | None = None,
) -> AvailabilityReport:
    """Measure the availability of ``subject`` in ``[start, end)`` (PR4.4).

    A subject without outages is 100 % available, whether it exists or is a typo.
    Give ``known`` (the ids that exist: ``cmdb.records``, the portfolio's services)
    to have an unknown subject refused with NotFoundError instead.

    >>> from datetime import UTC, datetime
    >>> day = lambda d, h: datetime(2026, 6, d, h, tzinfo=UTC)
    >>> outages = [Outage("web", day(1, 0), day(1, 3))]
    >>> month = (day(1, 0), day(1, 0) + timedelta(days=30))
    >>> report = measure_availability(outages, "web", BusinessCalendar.always(), *month)
    >>> report.rounded(4)
    Decimal('99.5833')
    """
    policy = policy or AvailabilityPolicy()
    log = outages if isinstance(outages, OutageLog) else OutageLog.of(outages)
    lo, hi = micros(start, "start"), micros(end, "end")
    hours = calendar.windows(start, end)

    if known is not None and subject not in known:
        close = sorted(difflib.get_close_matches(subject, [str(k) for k in known], n=3))
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise NotFoundError(f"no subject {subject!r} among the known ones{hint}")
    mask = log.mask(subject)
    if policy.minimum_outage:
        mask &= (log.ends - log.starts) >= policy.minimum_outage // _US
    starts, ends = np.clip(log.starts[mask], lo, hi), np.clip(log.ends[mask], lo, hi)
    down, planned = log.down[mask], log.planned[mask]

    def pick(which: npt.NDArray[np.bool_]) -> Intervals:
        return Intervals.of(starts[which], ends[which])

    planned_all = pick(planned)
    if policy.maintenance is MaintenancePolicy.COUNT:
        hard, soft = pick(down), pick(~down)
        agreed = hours
    else:
        hard, soft = pick(down & ~planned), pick(~down & ~planned)
        agreed = (
            hours.difference(planned_all)
            if policy.maintenance is MaintenancePolicy.EXCLUDE
            else hours
        )
    agreed_us = agreed.total()
    down_us = agreed.overlap(hard)
    either = hard.union(soft)
    degraded_us = agreed.overlap(either) - down_us
    weighted = down_us + policy.degraded_weight * degraded_us
    counted = hard if not policy.degraded_weight else either
    outages_count = int(np.count_nonzero(agreed.overlap_each(counted.starts, counted.ends)))
    planned_us = (
        hours.overlap(planned_all) if policy.maintenance is not MaintenancePolicy.COUNT else 0
    )
    return AvailabilityReport(
        subject=subject,
        start=as_utc(start),
        end=as_utc(end),
        agreed_time=timedelta(microseconds=agreed_us),
        downtime=timedelta(microseconds=round(weighted)),
        degraded_time=timedelta(microseconds=degraded_us),
        planned_downtime=timedelta(microseconds=planned_us),
        outages=outages_count,
        availability=Fraction(agreed_us - weighted) / agreed_us if agreed_us else None,
        policy=policy,
        calendar=calendar,
    )
