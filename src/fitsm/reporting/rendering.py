"""A report as Markdown or HTML text (PR3.3), and the digest that identifies its content.

No template engine: a report is a title, a line about its period and audience,
and its sections, each a heading, a sentence, a table and its charts. Every
value that reaches HTML is escaped; Markdown table cells have their pipes
escaped and line breaks joined. Charts come in already drawn (an :class:`Image`
per chart, by section, from :func:`fitsm.plotting.report_charts`) and are
embedded as data URIs, so one file holds the whole report.

Figures are the exact ones the builders computed: availability as the exact
percentage of :func:`fitsm.units.percent`, durations through
:func:`fitsm.time.format_duration`.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Mapping, Sequence

import attrs

from fitsm._validators import text
from fitsm.errors import ValidationError
from fitsm.reporting.reports import Report
from fitsm.reporting.sections import Section
from fitsm.tables import html_table

__all__ = ["Image", "digest", "to_html", "to_markdown"]

_MIMES = ("image/svg+xml", "image/png")


def _mime(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in _MIMES:
        raise ValidationError(
            f"an image is one of {', '.join(_MIMES)}, got {value!r}", field="mime"
        )


@attrs.frozen
class Image:
    """A drawn chart: its caption, its type (SVG or PNG) and its bytes."""

    title: str = attrs.field(validator=text)
    mime: str = attrs.field(validator=_mime)
    data: bytes = attrs.field(repr=lambda d: f"<{len(d)} bytes>")

    def data_uri(self) -> str:
        """The image as a ``data:`` URI, to embed in Markdown or HTML."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


Charts = Mapping[str, Sequence[Image]]
"""Drawn charts by section key."""


def _header(report: Report) -> str:
    parts = [f"Period: {report.label} ({report.period})"]
    if report.customer:
        parts.append(f"Customer: {report.customer}")
    if report.audience:
        parts.append(f"Audience: {', '.join(report.audience)}")
    return " · ".join(parts)


def _md_cell(value: str) -> str:
    return " ".join(value.replace("\\", "\\\\").replace("|", "\\|").split())


def _md_section(section: Section, images: Sequence[Image]) -> list[str]:
    lines = [f"## {section.title}", ""]
    if section.text:
        lines += [section.text, ""]
    names, rows = section.cells()
    if names and rows:
        lines.append("| " + " | ".join(_md_cell(n) for n in names) + " |")
        lines.append("|" + "|".join(" --- " for _ in names) + "|")
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
        lines.append("")
    for image in images:
        alt = _md_cell(image.title).replace("[", "\\[").replace("]", "\\]")
        lines += [f"![{alt}]({image.data_uri()})", ""]
    return lines


def to_markdown(report: Report, charts: Charts | None = None) -> str:
    """The report as Markdown: a title, its period and audience, then each section with
    its sentence, its table and (when ``charts`` has them) its charts.

    >>> from datetime import UTC, datetime
    >>> from fitsm.reporting import ReportPeriod, nonconformities
    >>> period = ReportPeriod(datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC))
    >>> report = Report("r", "Audit | findings", period, "2024-03", [nonconformities([])])
    >>> print(to_markdown(report))
    # Audit | findings
    <BLANKLINE>
    Period: 2024-03 (2024-03-01 to 2024-04-01)
    <BLANKLINE>
    ## Detected nonconformities
    <BLANKLINE>
    0 nonconformities.
    <BLANKLINE>
    """
    given = charts or {}
    lines = [f"# {report.title}", "", _header(report), ""]
    for section in report.sections:
        lines += _md_section(section, given.get(section.key, ()))
    return "\n".join(lines)


_STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
    "table.fitsm{border-collapse:collapse;margin:1em 0}"
    "table.fitsm th,table.fitsm td{border:1px solid #bbb;padding:.3em .6em;text-align:left}"
    "figure{margin:1em 0}figure img{max-width:100%}"
)


def to_html(report: Report, charts: Charts | None = None) -> str:
    """The report as one HTML document, every value escaped, charts embedded."""
    esc = html.escape
    given = charts or {}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(report.title)} ({esc(report.label)})</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{esc(report.title)}</h1>",
        f"<p>{esc(_header(report))}</p>",
    ]
    for section in report.sections:
        parts.append(f'<section id="{esc(section.key)}"><h2>{esc(section.title)}</h2>')
        if section.text:
            parts.append(f"<p>{esc(section.text)}</p>")
        names, rows = section.cells()
        if names and rows:
            parts.append(html_table(names, rows))
        for image in given.get(section.key, ()):
            parts.append(
                f'<figure><img src="{image.data_uri()}" alt="{esc(image.title)}">'
                f"<figcaption>{esc(image.title)}</figcaption></figure>"
            )
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def digest(report: Report) -> str:
    """What identifies the report's content: the SHA-256 of its Markdown without charts
    (``"sha256:..."``). The same figures give the same digest, whoever renders them."""
    return "sha256:" + hashlib.sha256(to_markdown(report).encode("utf-8")).hexdigest()
