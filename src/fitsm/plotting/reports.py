"""The charts a report's sections ask for, drawn (PR3).

A section of a report (:mod:`fitsm.reporting`) names its charts as
:class:`~fitsm.reporting.ChartRequest` values; :func:`report_charts` draws each
with the function of this package it names and returns them as
:class:`~fitsm.reporting.Image` values by section, ready for
:func:`~fitsm.reporting.to_html` and :func:`~fitsm.reporting.to_markdown`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from fitsm.errors import ValidationError
from fitsm.plotting._figures import require
from fitsm.plotting.compliance import compliance_heatmap
from fitsm.plotting.timeline import availability_timeline
from fitsm.reporting.rendering import Image
from fitsm.reporting.reports import Report
from fitsm.reporting.sections import ChartRequest

__all__ = ["draw_chart", "report_charts"]

_DRAW: dict[str, Callable[..., tuple[Any, Any]]] = {
    "availability_timeline": availability_timeline,
    "compliance_heatmap": compliance_heatmap,
}
_MIMES = {"svg": "image/svg+xml", "png": "image/png"}


def draw_chart(request: ChartRequest, *, format: str = "svg") -> Image:
    """One requested chart, drawn and saved as SVG or PNG."""
    if format not in _MIMES:
        raise ValidationError(f"charts are drawn as 'svg' or 'png', got {format!r}", field="format")
    require("drawing a report's charts")
    figure, _ = _DRAW[request.kind](**request.arguments)
    buffer = io.BytesIO()
    # no timestamp or software tag in the file, so the same chart gives the same bytes
    metadata = {"Date": None} if format == "svg" else {"Software": None}
    figure.savefig(buffer, format=format, metadata=metadata, bbox_inches="tight")
    return Image(request.title, _MIMES[format], buffer.getvalue())


def report_charts(report: Report, *, format: str = "svg") -> dict[str, list[Image]]:
    """Every chart the report's sections ask for, by section key; needs the ``plot`` extra.

    >>> from datetime import UTC, datetime
    >>> from fitsm.reporting import ReportPeriod, nonconformities
    >>> period = ReportPeriod(datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC))
    >>> report_charts(Report("r", "R", period, "2024-03", [nonconformities([])]))
    {}
    """
    drawn: dict[str, list[Image]] = {}
    for section in report.sections:
        for request in section.charts:
            drawn.setdefault(section.key, []).append(draw_chart(request, format=format))
    return drawn
