"""A report as PDF (the ``pdf`` extra) and its charts (the ``plot`` extra)."""

from __future__ import annotations

import re
import sys
import zlib
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from fitsm.errors import MissingExtraError, ValidationError
from fitsm.interop import report_to_pdf
from fitsm.plotting import draw_chart, report_charts
from fitsm.reporting import ChartRequest, Image, build_report, to_html
from fitsm.service_levels import evaluate

from .test_reporting import MARCH, _agreements, _outages, _spec


def _report():
    evaluation = evaluate(
        _agreements(), MARCH, datetime(2024, 4, 1, tzinfo=UTC), outages=_outages()
    )
    findings = [
        SimpleNamespace(
            id="NC-1", title="Stra\u00dfe \u2013 \u00dcbersicht \u6771\u4eac", status="open"
        )
    ]
    spec = _spec(content=["service_performance", "nonconformities"])
    return build_report(spec, MARCH, evaluation=evaluation, findings=findings, outages=_outages())


def _text(pdf: bytes) -> str:
    """The text drawn in the PDF's content streams (fpdf2 compresses them with zlib)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
    found = []
    for raw in streams:
        try:
            found.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            continue  # an image
    return "".join(found)


def test_a_report_renders_to_a_pdf_with_its_figures_and_charts() -> None:
    report = _report()
    charts = report_charts(report, format="png")
    pdf = report_to_pdf(report, charts)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert "99.4623655914 %" in text and "-16 min 48 s" in text
    assert "Availability of shop \\(sla-acme\\)" in text  # PDF strings escape parentheses
    # Helvetica holds Latin-1: the umlauts stay, the dash and the CJK characters become ?
    assert "Stra\xdfe ? \xdcbersicht ??" in text


def test_the_same_report_gives_the_same_bytes() -> None:
    report = _report()
    created = datetime(2024, 4, 2, tzinfo=UTC)
    assert report_to_pdf(report, created=created) == report_to_pdf(report, created=created)


def test_pdf_charts_must_be_png() -> None:
    report = _report()
    with pytest.raises(ValidationError, match="embeds charts as PNG"):
        report_to_pdf(report, report_charts(report))


def test_without_the_extra_the_error_names_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "fpdf", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'fitsm\[pdf\]'"):
        report_to_pdf(_report())


def test_charts_are_embedded_in_html_as_data_uris() -> None:
    report = _report()
    image = draw_chart(report.section("service_performance").charts[0], format="png")
    assert (image.mime, image.data[:8]) == ("image/png", b"\x89PNG\r\n\x1a\n")
    page = to_html(report, {"service_performance": [image]})
    assert page.count('src="data:image/png;base64,') == 1


def test_a_chart_of_an_unknown_kind_or_format_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown chart 'pie'"):
        ChartRequest("pie", "Pie", {})
    with pytest.raises(ValidationError, match="'svg' or 'png'"):
        draw_chart(ChartRequest("compliance_heatmap", "x", {}), format="gif")
    with pytest.raises(ValidationError, match="image/svg\\+xml, image/png"):
        Image("x", "image/gif", b"")
