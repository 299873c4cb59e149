"""What a report is made of: sections, each a table or a text, with optional charts.

A builder (:mod:`fitsm.reporting.builders`) returns a :class:`Section`; the
renderers (:mod:`fitsm.reporting.rendering`) turn sections into Markdown or
HTML. A section names the charts that illustrate it as :class:`ChartRequest`
values (which picture of :mod:`fitsm.plotting`, with which arguments) rather
than drawing them: the domain does not draw, and a report without the ``plot``
extra is complete without them. :func:`fitsm.plotting.report_charts` draws them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from fitsm._validators import identifier, text
from fitsm.errors import ValidationError
from fitsm.tables import Rows

__all__ = ["CHART_KINDS", "ChartRequest", "Section"]

CHART_KINDS = ("availability_timeline", "compliance_heatmap")
"""The pictures of :mod:`fitsm.plotting` a section may ask for."""


def _mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _chart_kind(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in CHART_KINDS:
        raise ValidationError(
            f"unknown chart {value!r}; expected one of {', '.join(map(repr, CHART_KINDS))}",
            field="kind",
        )


@attrs.frozen(eq=False)
class ChartRequest:
    """A picture to draw for a section: ``kind`` names a function of :mod:`fitsm.plotting`,
    ``arguments`` are the arguments it is called with, ``title`` its caption."""

    kind: str = attrs.field(validator=_chart_kind)
    title: str = attrs.field(validator=text)
    arguments: Mapping[str, Any] = attrs.field(factory=dict, converter=_mapping)


def _counts(value: Mapping[str, int]) -> Mapping[str, int]:
    for key, count in value.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValidationError(f"count {key!r} must be a whole number >= 0, got {count!r}")
    return MappingProxyType(dict(value))


def _charts(value: Iterable[ChartRequest]) -> tuple[ChartRequest, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class Section:
    """One section of a report: a ``title``, a ``table`` of rows (a
    :class:`~fitsm.tables.Rows`, rendered with its columns) and/or a ``text``, the
    ``counts`` it contributes to the report's summary (``{"breaches": 1}``) and the
    ``charts`` that illustrate it. ``key`` is the builder's name."""

    key: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=text)
    table: Rows[Any] | None = None
    text: str = attrs.field(default="", validator=text)
    counts: Mapping[str, int] = attrs.field(factory=dict, converter=_counts)
    charts: tuple[ChartRequest, ...] = attrs.field(default=(), converter=_charts)

    def __attrs_post_init__(self) -> None:
        if self.table is not None and not isinstance(self.table, Rows):
            raise ValidationError(
                f"section {self.key!r}: table must be fitsm.tables.Rows, got {self.table!r}",
                field="table",
            )

    def cells(self) -> tuple[tuple[str, ...], list[list[str]]]:
        """The table as a person reads it: column names, and each row's cells as text
        (durations through :func:`~fitsm.time.format_duration`)."""
        if self.table is None:
            return (), []
        columns = list(self.table.columns)
        rows = [[c.text(c.value(item), item) for c in columns] for item in self.table]
        return tuple(c.name for c in columns), rows
