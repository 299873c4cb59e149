"""A report as a PDF document (PR3.3), for specifications whose format is PDF.

The same content as :func:`fitsm.reporting.to_html`: the title, the line about
the period and audience, and each section with its sentence, its table and its
charts (PNG :class:`~fitsm.reporting.Image` values, from
``fitsm.plotting.report_charts(report, format="png")``: fpdf2 draws SVG only in
part, and a chart missing its colours would mislead). Drawn with fpdf2, the optional extra
``pdf``. Text is set in the PDF core font Helvetica, which holds Latin-1 only:
a character outside it is printed as ``?`` rather than fail the whole report.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.interop._extras import missing_extra
from fitsm.reporting.rendering import Image
from fitsm.reporting.reports import Report

__all__ = ["report_to_pdf"]


def _latin(value: str) -> str:
    return value.encode("latin-1", "replace").decode("latin-1")


def _header(report: Report) -> str:
    parts = [f"Period: {report.label} ({report.period})"]
    if report.customer:
        parts.append(f"Customer: {report.customer}")
    if report.audience:
        parts.append(f"Audience: {', '.join(report.audience)}")
    return " - ".join(parts)


def report_to_pdf(
    report: Report,
    charts: Mapping[str, Sequence[Image]] | None = None,
    *,
    created: datetime | None = None,
) -> bytes:
    """The report as the bytes of a PDF document; needs the ``pdf`` extra (fpdf2).

    The document is dated ``created`` (the production's time; by default the end of
    the report's period), never the clock's, so the same report gives the same bytes.
    """
    try:
        from fpdf import FPDF
    except ImportError:
        raise missing_extra("report_to_pdf", "pdf") from None
    given = charts or {}
    for images in given.values():
        for image in images:
            if image.mime != "image/png":
                raise ValidationError(
                    f"a PDF report embeds charts as PNG; {image.title!r} is {image.mime}: draw "
                    "them with report_charts(report, format='png')",
                    field="charts",
                )
    pdf: Any = FPDF(format="A4")
    pdf.set_creation_date(as_utc(created or report.period.end, "created"))
    pdf.set_title(_latin(f"{report.title} ({report.label})"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 8, _latin(report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(width, 6, _latin(_header(report)), new_x="LMARGIN", new_y="NEXT")
    for section in report.sections:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(width, 7, _latin(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        if section.text:
            pdf.multi_cell(width, 6, _latin(section.text), new_x="LMARGIN", new_y="NEXT")
        names, rows = section.cells()
        if names and rows:
            pdf.ln(2)
            pdf.set_font("Helvetica", "", 7)
            with pdf.table(text_align="LEFT", line_height=4) as table:
                for row in [list(names), *rows]:
                    cells = table.row()
                    for value in row:
                        cells.cell(_latin(value))
            pdf.set_font("Helvetica", "", 10)
        for image in given.get(section.key, ()):
            pdf.ln(2)
            pdf.image(io.BytesIO(image.data), w=width)
            pdf.set_font("Helvetica", "I", 9)
            pdf.multi_cell(width, 5, _latin(image.title), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 10)
    return bytes(pdf.output())
