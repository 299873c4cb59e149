"""What every picture shares: matplotlib imported on demand, the figure, the palette.

matplotlib is an optional dependency (the ``plot`` extra): it is imported inside
the functions that draw, so ``import fitsm.plotting`` works without it and a
picture asked for without it raises :class:`~fitsm.errors.MissingExtraError`.
Figures are made with ``matplotlib.figure.Figure``, not ``pyplot``, so drawing
one changes no global state (no current figure, no backend chosen).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from fitsm.errors import MissingExtraError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "BLUE",
    "GREY",
    "ORANGE",
    "PURPLE",
    "SKY",
    "VERMILLION",
    "canvas",
    "plain",
    "require",
    "span",
]

# Okabe-Ito colours, which stay apart under the common colour-vision deficiencies
BLUE = "#0072B2"
SKY = "#56B4E9"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#DDDDDD"


def require(what: str) -> None:
    """Raise :class:`MissingExtraError` naming ``what`` unless matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401 - only whether it is there
    except ImportError as e:
        raise MissingExtraError(
            f"{what} needs the optional extra 'plot': pip install 'fitsm[plot]'"
        ) from e


def canvas(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """The axes to draw on and the figure that holds them: ``ax`` if given, else a new pair."""
    from matplotlib.figure import Figure

    if ax is not None:
        figure = ax.get_figure()
        # an axes on a subfigure: hand back the figure the user saves or shows
        while figure is not None and not isinstance(figure, Figure):
            figure = figure.get_figure()
        assert isinstance(figure, Figure)
        return figure, ax
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def plain(text: str) -> str:
    """``text`` as matplotlib should show it: a ``$`` in a name is not the start of maths."""
    return text.replace("$", r"\$")


def span(value: timedelta) -> str:
    """A duration for people, to the second, in its largest unit and the next: ``2 h 15 min``."""
    seconds = int(value.total_seconds())
    units = (("d", 86400), ("h", 3600), ("min", 60), ("s", 1))
    for (unit, size), (smaller, small) in zip(units, (*units[1:], ("", 1)), strict=True):
        if seconds >= size or unit == "s":
            rest = seconds % size // small if smaller else 0
            return f"{seconds // size} {unit}" + (f" {rest} {smaller}" if rest else "")
    raise AssertionError("unreachable")  # pragma: no cover
