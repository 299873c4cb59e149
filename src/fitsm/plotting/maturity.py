"""Maturity at a glance: the capability level of each process and general requirement.

Draws a self-assessment (:func:`fitsm.conformance.assess`, GR6.2: "assessments or
audits of the SMS shall be conducted at planned intervals to evaluate the level of
maturity and conformity", FitSM, CC BY 4.0) as horizontal bars on the 0-3 scale,
or as a radar. It takes the levels as a mapping (``SelfAssessment.levels()``), so
this adapter needs nothing from the conformance package.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from fitsm.errors import ValidationError
from fitsm.plotting._figures import BLUE, GREY, ORANGE, SKY, VERMILLION, canvas, plain, require

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["LEVELS", "maturity_chart"]

LEVELS = ("not done", "ad hoc", "defined", "managed")
"""The capability scale's words, level 0 to 3."""
_COLOURS = (VERMILLION, ORANGE, SKY, BLUE)


def maturity_chart(
    levels: Mapping[str, int],
    *,
    kind: Literal["bar", "radar"] = "bar",
    target: int | None = None,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Draw each subject's capability level (0-3): a bar per subject coloured by level,
    or a radar with a spoke per subject; ``target`` draws the level aimed at.

    ``levels`` maps a subject (``"CONFM"``, ``"GR1"``) to its level, in the order to
    draw. Returns the figure and axes (a radar needs polar axes: ``ax`` is for bars).
    Needs the ``plot`` extra (matplotlib).
    """
    require("maturity_chart")
    if not levels:
        raise ValidationError("maturity_chart needs at least one subject's level")
    for subject, level in levels.items():
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 3:
            raise ValidationError(
                f"the level of {subject!r} must be a whole number from 0 to 3, got {level!r}",
                field="levels",
            )
    if target is not None and not 0 <= target <= 3:
        raise ValidationError(f"target must lie between 0 and 3, got {target!r}", field="target")
    names = [plain(s) for s in levels]
    values = list(levels.values())
    if kind == "radar":
        return _radar(names, values, target)
    if kind != "bar":
        raise ValidationError(f"kind must be 'bar' or 'radar', got {kind!r}", field="kind")
    figure, axes = canvas(ax, (7.0, 0.3 * len(values) + 1.2))
    rows = range(len(values))
    axes.barh(list(rows), values, color=[_COLOURS[v] for v in values], height=0.6)
    axes.set_yticks(list(rows), names)
    axes.invert_yaxis()  # the first subject on top, as in a table
    axes.set_xlim(0, 3)
    axes.set_xticks(range(4), [f"{n}\n{w}" for n, w in enumerate(LEVELS)])
    if target is not None:
        axes.axvline(target, color=GREY, linestyle="--", label=f"target: {LEVELS[target]}")
        axes.legend(loc="lower right")
    axes.set_title("Capability per process and general requirement")
    return figure, axes


def _radar(names: list[str], values: list[int], target: int | None) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.0, 7.0), layout="constrained")
    axes = figure.add_subplot(projection="polar")
    angles = [2 * math.pi * i / len(values) for i in range(len(values))]
    closed = [*angles, angles[0]]
    axes.plot(closed, [*values, values[0]], color=BLUE)
    axes.fill(closed, [*values, values[0]], color=SKY, alpha=0.3)
    if target is not None:
        axes.plot(closed, [target] * len(closed), color=GREY, linestyle="--")
    axes.set_xticks(angles, names)
    axes.set_ylim(0, 3)
    axes.set_yticks(range(4), list(LEVELS))
    axes.set_title("Capability per process and general requirement")
    return figure, axes
