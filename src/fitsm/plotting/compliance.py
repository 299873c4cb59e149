"""SLA compliance at a glance: services by months, met, violated or unmeasured.

PR2.3: "service performance shall be evaluated against service targets defined
in SLAs" (FitSM, CC BY 4.0); this draws the results of
:func:`fitsm.service_levels.evaluate` for many services and months as one grid,
a common page of a service report (PR3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pint

from fitsm.availability.measurement import AvailabilityPolicy, Outage, OutageLog
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.plotting._figures import GREY, VERMILLION, canvas, plain, require
from fitsm.service_levels.agreements import Agreements, TargetKind
from fitsm.service_levels.evaluation import Evaluation, TargetEvaluation, evaluate

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["compliance_heatmap"]

_GREEN = "#009E73"
_NO_DATA, _VIOLATED, _MET = 0, 1, 2
_CELLS = ((_NO_DATA, GREY, "no data"), (_VIOLATED, VERMILLION, "violated"), (_MET, _GREEN, "met"))


def compliance_heatmap(
    source: Agreements | Mapping[str, Evaluation] | Sequence[Evaluation],
    services: Sequence[str],
    months: Sequence[datetime] | None = None,
    *,
    outages: OutageLog | Iterable[Outage] = (),
    target: TargetKind | str = TargetKind.AVAILABILITY,
    policy: AvailabilityPolicy | None = None,
    places: int = 2,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw whether each of ``services`` met its ``target`` in each period: a row per
    service, a column per period, green when met, vermillion when violated, grey
    when nothing was measured, each cell annotated with the measured value.

    ``source`` is either the :class:`~fitsm.service_levels.Agreements`, evaluated
    here with ``outages`` and ``policy`` for each of ``months`` (aware datetimes,
    each the first instant of a month in the zone it carries), or evaluations you
    made (:func:`~fitsm.service_levels.evaluate`): a mapping from column label to
    evaluation, or a sequence labelled by the month each period's middle falls in.
    ``target`` picks the targets by kind (default availability) or label
    (``"response_time[P1]"``). A cell is violated if any agreement's target was
    violated for the service in the period (a period split by a revision has a
    result per part), met if all measured ones were met, and shows the value
    with the least margin.

    Returns the figure and the axes (drawn on ``ax`` if given), to restyle or save.
    Needs the ``plot`` extra (matplotlib).
    """
    require("compliance_heatmap")
    services = list(services)
    if isinstance(source, Agreements):
        if not months:
            raise ValidationError("give the months to evaluate the agreements in", field="months")
        starts = [_first_of_month(m) for m in months]
        ends = [_month_after(m) for m in starts]
        log = outages if isinstance(outages, OutageLog) else OutageLog.of(outages, until=ends[-1])
        columns = {
            f"{m:%Y-%m}": evaluate(source, m, e, outages=log, services=services, policy=policy)
            for m, e in zip(starts, ends, strict=True)
        }
    elif months is not None:
        raise ValidationError("months are for evaluating agreements; evaluations have their own")
    elif isinstance(source, Mapping):
        columns = dict(source)
    else:
        columns = {f"{e.start + (e.end - e.start) / 2:%Y-%m}": e for e in source}
        if len(columns) != len(source):
            raise ValidationError(
                "two evaluations fall in the same month; give a mapping of column labels"
            )

    if not services or not columns:
        raise ValidationError(
            f"nothing to draw: {len(services)} services and {len(columns)} periods; "
            "expected at least one of each"
        )
    codes = np.full((len(services), len(columns)), _NO_DATA)
    texts = [["\N{EN DASH}"] * len(columns) for _ in services]
    for j, evaluation in enumerate(columns.values()):
        for i, service in enumerate(services):
            found = [
                r
                for r in evaluation.results
                if r.subject == service and target in (r.target.kind, r.target.label)
            ]
            measured = [r for r in found if r.met is not None]
            if not measured:
                continue
            codes[i, j] = _VIOLATED if any(r.met is False for r in measured) else _MET
            texts[i][j] = _shown(min(measured, key=lambda r: r.margin), places)

    width = max(5.0, 0.95 * len(columns) + 2.5)
    fig, ax = canvas(ax, (width, max(2.5, 0.5 * len(services) + 1.5)))
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    image = ax.imshow(
        codes,
        cmap=ListedColormap([colour for _, colour, _ in _CELLS]),
        vmin=-0.5,
        vmax=2.5,
        aspect="auto",
    )
    image.set_gid("compliance")
    for i, row in enumerate(texts):
        for j, text in enumerate(row):
            ax.text(j, i, text, ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(columns)), [plain(c) for c in columns])
    ax.set_yticks(range(len(services)), [plain(s) for s in services])
    ax.set_xticks(np.arange(len(columns) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(services) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(axis="x", labelrotation=45 if len(columns) > 6 else 0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    what = target.value if isinstance(target, TargetKind) else target
    ax.set_title(plain(f"Service targets met: {what}"))
    ax.legend(
        handles=[Patch(facecolor=colour, label=label) for _, colour, label in _CELLS],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        fontsize=8,
    )
    return fig, ax


def _first_of_month(value: datetime) -> datetime:
    as_utc(value, "month")  # refuses a naive datetime
    if (value.day, value.hour, value.minute, value.second, value.microsecond) != (1, 0, 0, 0, 0):
        raise ValidationError(
            f"a month is given by its first instant (day 1, 00:00), got {value.isoformat()}",
            field="months",
        )
    return value


def _month_after(value: datetime) -> datetime:
    # replace() keeps the wall-clock time in the zone, so a month starts at local midnight
    if value.month == 12:
        return value.replace(year=value.year + 1, month=1)
    return value.replace(month=value.month + 1)


def _shown(result: TargetEvaluation, places: int) -> str:
    """The measured value for a cell: ``99.87 %``, ``3.5 h``."""
    if result.report is not None and result.report.availability is not None:
        return f"{result.report.rounded(places)} %"
    measured: Any = result.measured
    if isinstance(measured, pint.Quantity):
        return f"{float(measured.magnitude):.{places}f} {measured.units:~P}"
    return str(measured)
