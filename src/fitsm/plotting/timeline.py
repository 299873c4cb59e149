"""A service's availability over a period: outages, the SLA target and the error budget.

The picture of a service report (PR3.1: "performance of services ... against
defined targets", FitSM, CC BY 4.0) for availability (PR4.4, PR2.3). Every figure
on it comes from :func:`fitsm.availability.measure_availability` and
:class:`fitsm.service_levels.ErrorBudget`, so the picture and the report agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from fitsm.availability.measurement import (
    AvailabilityPolicy,
    Outage,
    OutageLog,
    measure_availability,
)
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.plotting._figures import (
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    canvas,
    plain,
    require,
    span,
)
from fitsm.service_levels.agreements import ServiceTarget, TargetKind
from fitsm.service_levels.slo import error_budget
from fitsm.time.calendar import BusinessCalendar
from fitsm.time.intervals import from_micros, micros
from fitsm.units import percent, share

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["availability_timeline"]

# what an outage bar looks like, by kind: face colour, hatch, legend label
_BARS = {
    "down": (VERMILLION, None, "outage (down)"),
    "degraded": (ORANGE, None, "outage (degraded)"),
    "planned": (SKY, "//", "planned maintenance"),
}


def availability_timeline(
    outages: OutageLog | Iterable[Outage],
    subject: str,
    start: datetime,
    end: datetime,
    *,
    target: ServiceTarget | Any = None,
    calendar: BusinessCalendar | None = None,
    policy: AvailabilityPolicy | None = None,
    samples: int = 200,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw ``subject``'s availability in ``[start, end)``: a bar per outage, the
    availability so far as a line, the ``target`` line and the error budget left.

    Planned outages are drawn apart (sky blue, hatched) from unplanned ones
    (vermillion when down, orange when degraded); how they count follows
    ``policy``, as in :func:`~fitsm.availability.measure_availability`, with
    service hours from ``calendar`` (default 24x7, UTC). ``target`` is an
    availability :class:`~fitsm.service_levels.ServiceTarget` or a share
    (``Q_(99.9, "percent")``, ``0.999``). The line is measured at ``samples``
    even steps and at every outage's start and end; its last point is the
    period's availability. An ongoing outage lasts until ``end``.

    Returns the figure and the axes (drawn on ``ax`` if given), to restyle or save.
    Needs the ``plot`` extra (matplotlib).
    """
    require("availability_timeline")
    lo, hi = as_utc(start, "start"), as_utc(end, "end")
    if hi <= lo:
        raise ValidationError(
            f"period ends before it starts: {lo.isoformat()} to {hi.isoformat()}", field="end"
        )
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2:
        raise ValidationError(f"samples must be a whole number >= 2, got {samples!r}")
    calendar = calendar or BusinessCalendar.always()
    wanted = _share(target)
    log = outages if isinstance(outages, OutageLog) else OutageLog.of(outages, until=hi)
    report = measure_availability(log, subject, calendar, lo, hi, policy)

    mask = log.mask(subject)
    starts, ends = log.starts[mask], log.ends[mask]
    down, planned = log.down[mask], log.planned[mask]
    times = _sample_times(lo, hi, samples, starts, ends)
    values = []
    for t in times:
        measured = measure_availability(log, subject, calendar, lo, t, policy).availability
        values.append(np.nan if measured is None else float(measured * 100))

    fig, ax = canvas(ax, (9, 4))
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num

    def x(at: datetime) -> float:
        # matplotlib's own date numbers, so its date ticks and any epoch setting apply
        return float(date2num(at))  # type: ignore[no-untyped-call]

    shown: set[str] = set()
    for s, e, d, p in zip(starts, ends, down, planned, strict=True):
        s, e = max(int(s), micros(lo)), min(int(e), micros(hi))
        if e <= s:
            continue
        kind = "planned" if p else "down" if d else "degraded"
        colour, hatch, label = _BARS[kind]
        ax.axvspan(
            x(from_micros(s)),
            x(from_micros(e)),
            facecolor=colour,
            edgecolor=colour,
            hatch=hatch,
            alpha=0.45,
            linewidth=1,  # an outage of minutes in a month stays visible as a line
            label=label if kind not in shown else "_nolegend_",
        )
        shown.add(kind)
    ax.plot(
        [x(t) for t in times], values, color="black", linewidth=1.5, label="availability so far"
    )
    if wanted is not None:
        ax.axhline(
            float(wanted * 100),
            color=PURPLE,
            linestyle="--",
            linewidth=1.5,
            label=f"target {percent(wanted)} %",
        )

    finite = [v for v in values if not np.isnan(v)]
    if wanted is not None:
        finite.append(float(wanted * 100))
    low = min(finite, default=99.0)
    pad = max((100 - low) * 0.15, 0.005)
    ax.set_ylim(max(0.0, low - pad), 100 + pad)
    ax.set_xlim(x(lo), x(hi))
    locator = AutoDateLocator(tz=calendar.tz)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(
        ConciseDateFormatter(locator, tz=calendar.tz)  # type: ignore[no-untyped-call]
    )
    ax.set_ylabel("availability (%)")
    ax.set_title(
        plain(f"Availability of {subject}, {_when(lo, calendar)} to {_when(hi, calendar)}")
    )
    # beside the axes, where they hide no part of the line
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    ax.text(
        1.02,
        0.0,
        "\n".join(_summary(report.availability, report.agreed_time, report.downtime, wanted)),
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=8,
        bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85},
    )
    return fig, ax


def _share(target: Any) -> Fraction | None:
    if target is None:
        return None
    if isinstance(target, ServiceTarget):
        if target.kind is not TargetKind.AVAILABILITY:
            raise ValidationError(
                f"an availability timeline needs an availability target, got {target.label!r}",
                field="target",
            )
        return target.share
    wanted = share(target, "target")
    if not 0 < wanted <= 1:
        raise ValidationError(
            f"availability target must be above 0 % and at most 100 %, got {target!r}",
            field="target",
        )
    return wanted


def _sample_times(
    lo: datetime, hi: datetime, samples: int, starts: Any, ends: Any
) -> list[datetime]:
    """Even steps after ``lo`` up to ``hi``, and each outage's start and end between them
    (where the line turns), unless there are so many outages that the steps must do."""
    step = (hi - lo) / samples
    times = {lo + step * i for i in range(1, samples)} | {hi}
    if 2 * len(starts) <= 4 * samples:
        lo_us, hi_us = micros(lo), micros(hi)
        for edge in (*starts.tolist(), *ends.tolist()):
            if lo_us < edge < hi_us:
                times.add(from_micros(edge))
    return sorted(times)


def _when(at: datetime, calendar: BusinessCalendar) -> str:
    local = at.astimezone(calendar.tz)
    return (
        f"{local:%Y-%m-%d}" if (local.hour, local.minute) == (0, 0) else f"{local:%Y-%m-%d %H:%M}"
    )


def _summary(
    availability: Fraction | None,
    agreed: timedelta,
    downtime: timedelta,
    wanted: Fraction | None,
) -> list[str]:
    """The figures beside the axes: availability, and with a target the error budget left."""
    if availability is None:
        return ["no agreed service time in the period"]
    head = f"availability {percent(availability, 3)} %"
    if wanted is None:
        return [head]
    head += f" (target {percent(wanted)} %)"
    if wanted == 1:
        return [head, "a 100 % target leaves no error budget"]
    budget = error_budget(wanted, agreed)
    left = budget.remaining(downtime)
    used = budget.consumed(downtime)
    if left >= timedelta(0):
        return [
            head,
            f"error budget left: {span(left)} of {span(budget.allowed)} "
            f"({percent(max(Fraction(0), 1 - used), 0)} %)",
        ]
    return [head, f"error budget overspent by {span(-left)} ({percent(used, 0)} % used)"]
