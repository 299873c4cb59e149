"""Utilisation samples from a CSV file or a pandas DataFrame (PR5.2).

Monitoring tools export measurements as long tables, one row per sample: what
was measured, which metric, when, the value, and perhaps the unit.
:func:`read_utilisation` reads such a CSV file and :func:`utilisation_from_frame`
a DataFrame, into one :class:`~fitsm.capacity.UtilisationSeries` per subject and
metric, ready for ``uow.utilisation.append``. The columns are named after these
fields, or mapped to them with ``columns=``:

=========== ======== ===========================================================
column      required content
=========== ======== ===========================================================
``subject`` yes      the CI or component measured (its CMDB id)
``metric``  yes      what was measured (``storage``, ``cpu``, ``bandwidth``)
``at``      yes      when, an ISO 8601 timestamp
``value``   yes      the measured amount, a number
``unit``    no       the value's unit (``TB``, ``core``); else ``unit=`` gives it
=========== ======== ===========================================================

Timestamps are read as :func:`fitsm.interop.read_outages` reads them: with an
offset, or in the time zone ``zone=`` (a time the clocks skip is refused, one
they repeat needs ``ambiguous="earlier"`` or ``"later"``). Every problem is a
:class:`~fitsm.errors.LoadError` naming the file, the line and the field
(two samples of a series at the same instant name both lines), and nothing is
returned then.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from fitsm.capacity.series import UtilisationSeries, checked_unit
from fitsm.errors import LoadError, ValidationError
from fitsm.interop._extras import missing_extra
from fitsm.interop.outages import (
    _AMBIGUOUS,
    Ambiguous,
    _frame_cell,
    _instant,
    _name,
    _shown,
    _text,
    _texts,
    feed_csv,
)
from fitsm.time.intervals import from_micros, micros
from fitsm.time.periods import time_zone

__all__ = ["UTILISATION_COLUMNS", "read_utilisation", "utilisation_from_frame"]

UTILISATION_COLUMNS = ("subject", "metric", "at", "value", "unit")
"""The fields a utilisation row can have, in the order the module documents them."""

_REQUIRED = ("subject", "metric", "at", "value")


def read_utilisation(
    source: str | Path | IO[str] | IO[bytes],
    *,
    unit: str | None = None,
    zone: str | None = None,
    columns: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    ambiguous: Ambiguous = "raise",
) -> list[UtilisationSeries]:
    """The series in a CSV file (a path, or an open text or binary file), by subject and
    metric; ``unit`` is the unit of values whose row names none.

    >>> import io
    >>> text = "host,metric,at,used\\nsan1,storage,2026-03-02 09:00,41.5\\n"
    >>> [s] = read_utilisation(io.StringIO(text), unit="TB", zone="Europe/Berlin",
    ...                        columns={"subject": "host", "value": "used"})
    >>> s.subject, s.unit, s.start.isoformat(), s.values.tolist()
    ('san1', 'terabyte', '2026-03-02T08:00:00+00:00', [41.5])
    """
    samples = _Samples(_name(source), unit, zone, columns, ignore, ambiguous)
    feed_csv(_text(source, samples.path), samples.path, samples, _listed())
    return samples.series()


def utilisation_from_frame(
    frame: Any,
    *,
    unit: str | None = None,
    zone: str | None = None,
    columns: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    ambiguous: Ambiguous = "raise",
    name: str = "<DataFrame>",
) -> list[UtilisationSeries]:
    """The series in a pandas DataFrame, one sample per row, read like
    :func:`read_utilisation`. Cells may be text, numbers, ``datetime`` or
    ``pandas.Timestamp`` values (naive ones are read in ``zone``). Errors name
    ``name`` and the row's position as the line. Needs the extra ``pandas``.
    """
    try:
        import pandas as pd
    except ImportError:
        raise missing_extra("utilisation_from_frame", "pandas") from None
    samples = _Samples(name, unit, zone, columns, ignore, ambiguous)
    header = list(frame.columns)
    for label in header:
        if not isinstance(label, str):
            raise LoadError(name, None, None, f"column names must be text, got {_shown(label)}")
    samples.header(header, None)
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = {
            column: _frame_cell(value, pd, name, position, column)
            for column, value in zip(header, values, strict=True)
        }
        samples.row(cells, position)
    return samples.series()


class _Samples:
    """Checks the header once, reads each row's sample, and gathers them by series."""

    def __init__(
        self,
        path: str,
        unit: str | None,
        zone: str | None,
        columns: Mapping[str, str] | None,
        ignore: Iterable[str],
        ambiguous: str,
    ) -> None:
        self.path = path
        self.unit = None if unit is None else checked_unit(unit)
        self.tz = None if zone is None else time_zone(zone)
        if ambiguous not in _AMBIGUOUS:
            raise ValidationError(
                f"ambiguous must be one of {', '.join(map(repr, _AMBIGUOUS))}, got {ambiguous!r}",
                field="ambiguous",
            )
        self.ambiguous = ambiguous
        self.fields = _mapping(columns)
        self.ignore = frozenset(_texts(ignore, "ignore"))
        self.present: dict[str, str] = {}
        self.units: dict[tuple[str, str], tuple[str, int | None]] = {}
        """Each series' unit, and the line that set it."""
        self.times: dict[tuple[str, str], list[int]] = {}
        self.values: dict[tuple[str, str], list[float]] = {}
        self.lines: dict[tuple[str, str], list[int | None]] = {}
        self.unit_cache: dict[str, str] = {}

    def header(self, names: Sequence[str], line: int | None) -> None:
        by_column = {column: field for field, column in self.fields.items()}
        seen: set[str] = set()
        unknown = []
        for column in names:
            if column in seen:
                raise LoadError(self.path, line, column, f"column {column!r} is given twice")
            seen.add(column)
            if column in by_column:
                self.present[by_column[column]] = column
            elif column not in self.ignore:
                unknown.append(column)
        if unknown:
            raise LoadError(
                self.path,
                line,
                unknown[0],
                f"unknown column{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(map(repr, unknown))}; expected {_listed()}; "
                "map others with columns= or pass them over with ignore=",
            )
        for field in _REQUIRED:
            column = self.fields[field]
            if column not in seen:
                raise LoadError(
                    self.path,
                    line,
                    column,
                    f"missing column {column!r} (the sample's {field}); header is {list(names)!r}",
                )
        if "unit" not in self.present and self.unit is None:
            raise LoadError(
                self.path,
                line,
                None,
                "no unit: add a unit column or give the unit of the values (unit='TB')",
            )

    def row(self, cells: Mapping[str, object], line: int | None) -> None:
        def cell(field: str) -> object:
            column = self.present.get(field)
            return "" if column is None else cells.get(column, "")

        def fail(field: str, reason: str) -> LoadError:
            return LoadError(self.path, line, self.present.get(field, field), reason)

        subject = _id(cell("subject"), fail, "subject")
        metric = _id(cell("metric"), fail, "metric")
        try:
            at = _instant(cell("at"), self.tz, self.ambiguous)
        except ValidationError as e:
            raise fail("at", str(e)) from None
        if at is None:
            raise fail("at", "at is required: when the sample was taken")
        value = _number(cell("value"), fail)
        unit = self._unit(cell("unit"), fail)
        key = (subject, metric)
        known = self.units.setdefault(key, (unit, line))
        if known[0] != unit:
            raise fail(
                "unit",
                f"{subject}/{metric} is in {known[0]!r} (line {known[1]}), this row in "
                f"{unit!r}; expected one unit per series",
            )
        self.times.setdefault(key, []).append(micros(at))
        self.values.setdefault(key, []).append(value)
        self.lines.setdefault(key, []).append(line)

    def _unit(self, value: object, fail: Any) -> str:
        text = value.strip() if isinstance(value, str) else value
        if text in ("", None):
            if self.unit is None:
                raise fail("unit", "no unit in this row and no unit= for the file")
            return self.unit
        if not isinstance(text, str):
            raise fail("unit", f"expected a unit name, got {_shown(value)}")
        if text not in self.unit_cache:
            try:
                self.unit_cache[text] = checked_unit(text)
            except ValidationError as e:
                raise fail("unit", str(e)) from None
        return self.unit_cache[text]

    def series(self) -> list[UtilisationSeries]:
        found = []
        for key in sorted(self.times):
            times = np.array(self.times[key], dtype=np.int64)
            values = np.array(self.values[key], dtype=np.float64)
            order = np.argsort(times, kind="stable")
            times, values = times[order], values[order]
            same = np.flatnonzero(times[1:] == times[:-1])
            if same.size:
                first, second = order[same[0]], order[same[0] + 1]
                lines = self.lines[key]
                raise LoadError(
                    self.path,
                    lines[second],
                    self.present.get("at", "at"),
                    f"{key[0]}/{key[1]} has a sample at {from_micros(times[same[0]]).isoformat()} "
                    f"already (line {lines[first]}); expected one sample per instant",
                )
            found.append(UtilisationSeries(key[0], key[1], self.units[key][0], times, values))
        return found


def _id(value: object, fail: Any, field: str) -> str:
    if not isinstance(value, str):
        raise fail(field, f"expected text, got {_shown(value)}")
    text = value.strip()
    if not text:
        raise fail(field, f"{field} is required")
    return text


def _number(value: object, fail: Any) -> float:
    if isinstance(value, bool):
        raise fail("value", f"expected a number, got {_shown(value)}")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise fail("value", "value is required: the measured amount")
        try:
            number = float(text)
        except ValueError:
            raise fail("value", f"expected a number, got {text!r}") from None
    elif isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    else:
        raise fail("value", f"expected a number, got {_shown(value)}")
    if not math.isfinite(number):
        raise fail("value", f"expected a finite number, got {value!r}")
    return number


def _mapping(columns: Mapping[str, str] | None) -> dict[str, str]:
    given = dict(columns or {})
    unknown = sorted(k for k in given if k not in UTILISATION_COLUMNS)
    if unknown:
        raise ValidationError(
            f"columns= maps {', '.join(map(repr, unknown))}, not a field of a sample; the "
            f"fields are {', '.join(UTILISATION_COLUMNS)}",
            field="columns",
        )
    fields = {field: given.get(field, field) for field in UTILISATION_COLUMNS}
    taken: dict[str, str] = {}
    for field, column in fields.items():
        if not isinstance(column, str) or not column.strip():
            raise ValidationError(
                f"columns= maps {field!r} to {column!r}; expected a column name", field="columns"
            )
        if column in taken:
            raise ValidationError(
                f"columns= reads both {taken[column]!r} and {field!r} from column {column!r}",
                field="columns",
            )
        taken[column] = field
    return fields


def _listed() -> str:
    return f"the columns {', '.join(_REQUIRED)} and optionally unit"
