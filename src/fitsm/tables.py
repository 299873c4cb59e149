"""Results as tables: plain records, pandas frames and HTML, with one set of column names.

Every result a report would show has a table: the reports have
``to_records()`` (plain Python values) and ``to_frame()`` (a pandas DataFrame,
with the optional ``pandas`` extra), and the functions that return a list of
results return :class:`Rows`, a ``list`` that has them too. Each result type
declares its columns once, as a class attribute ``columns``
(:class:`Columns`), which the records, the frame and the HTML shown in Jupyter
all follow, so the three never disagree.

The conventions, the same in every table (``docs/tables.md`` lists the columns):

- names are snake_case and carry their unit: durations are float seconds named
  ``*_s`` (``downtime_s``); shares are float ratios (``availability``: 0.999)
  and ``*_pct`` is the same in percent (``availability_pct``: 99.9);
- instants are aware UTC ``datetime`` objects, or ISO 8601 strings with
  ``to_records(iso=True)``, and ``datetime64[us, UTC]`` in a frame;
- ids and texts are ``string`` in a frame, values from a fixed set
  ``category``, counts ``int64``; a column that can be empty takes pandas'
  nullable type (``Float64``, ``Int64``, ``boolean``) and ``None`` / ``NA``.

Tables are for people's reports and plots, so they hold floats; the exact
``Fraction`` and ``Decimal`` figures stay on the result objects.

>>> from datetime import timedelta
>>> from fitsm.service_levels import error_budget
>>> error_budget(0.999, timedelta(days=30)).to_records()
[{'target': 0.999, 'target_pct': 99.9, 'window_s': 2592000.0, 'allowed_s': 2592.0, \
'allowed_share': 0.001, 'allowed_pct': 0.1}]
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, SupportsIndex, TypeVar, overload, runtime_checkable

import attrs

from fitsm.errors import MissingExtraError, ValidationError
from fitsm.time.durations import format_duration

__all__ = [
    "Column",
    "ColumnKind",
    "Columns",
    "Rows",
    "Table",
    "frame",
    "html_table",
    "records",
    "to_frame",
]

T = TypeVar("T")
_SECOND = timedelta(seconds=1)
HTML_ROWS = 50
"""How many rows the HTML of a table shows before it says how many more there are."""


class ColumnKind(StrEnum):
    """What a column holds, which fixes its plain value and its pandas type."""

    STRING = "string"
    """Ids and texts: ``str``; ``string`` in a frame."""
    CATEGORY = "category"
    """One of a fixed set of names (a status, a kind): ``str``; ``category`` in a frame."""
    INT = "int"
    """Counts and numbers: ``int``; ``int64`` (``Int64`` when nullable)."""
    FLOAT = "float"
    """Ratios and percentages: ``float``; ``float64`` (``Float64`` when nullable)."""
    BOOL = "bool"
    """Yes or no: ``bool``; ``bool`` (``boolean`` when nullable)."""
    SECONDS = "seconds"
    """A ``timedelta`` as float seconds; ``float64`` (``Float64`` when nullable)."""
    INSTANT = "instant"
    """An aware ``datetime`` in UTC (ISO text on request); ``datetime64[us, UTC]``."""
    VALUE = "value"
    """Values of mixed types kept as they are (a CI attribute); ``object`` in a frame."""


_DTYPES: Mapping[ColumnKind, tuple[str, str]] = {
    ColumnKind.STRING: ("string", "string"),
    ColumnKind.INT: ("int64", "Int64"),
    ColumnKind.FLOAT: ("float64", "Float64"),
    ColumnKind.BOOL: ("bool", "boolean"),
    ColumnKind.SECONDS: ("float64", "Float64"),
    # microseconds, as Python's datetime: exact, and no year-2262 limit as with ns
    ColumnKind.INSTANT: ("datetime64[us, UTC]", "datetime64[us, UTC]"),
    ColumnKind.VALUE: ("object", "object"),
}


_FEW_VALUES = frozenset({ColumnKind.CATEGORY, ColumnKind.BOOL, ColumnKind.INT})
"""Kinds whose columns hold few distinct values, each converted once."""


def _kind(value: str) -> ColumnKind:
    try:
        return ColumnKind(value)
    except ValueError:
        allowed = ", ".join(repr(k.value) for k in ColumnKind)
        raise ValidationError(
            f"{value!r} is not a column kind; expected one of {allowed}"
        ) from None


def _names(value: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


@attrs.frozen
class Column:
    """One column of a result table: its name, what it holds, and where the value comes from.

    ``source`` is the attribute to read (by default the column's ``name``) or a
    function of the result. ``categories`` lists the names a ``category`` column
    may hold. ``calendar`` names the attribute holding the calendar a duration
    column counts in (or is a function of the result giving it), so that the
    HTML says when it is business time.

    >>> from datetime import timedelta
    >>> Column("downtime_s", "seconds", "downtime").cell(timedelta(minutes=3))
    180.0
    """

    name: str
    kind: ColumnKind = attrs.field(converter=_kind)
    source: str | Callable[[Any], Any] | None = None
    nullable: bool = attrs.field(default=False, kw_only=True)
    categories: tuple[str, ...] = attrs.field(default=(), converter=_names, kw_only=True)
    calendar: str | Callable[[Any], Any] | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if (self.kind is ColumnKind.CATEGORY) != bool(self.categories):
            raise ValidationError(
                f"column {self.name!r}: categories belong to, and are needed by, a category "
                f"column; got kind {self.kind.value!r} with categories {self.categories!r}"
            )

    @property
    def dtype(self) -> str | tuple[str, ...]:
        """The pandas type: a type name, or for a category column its categories."""
        if self.kind is ColumnKind.CATEGORY:
            return self.categories
        return _DTYPES[self.kind][self.nullable]

    def value(self, item: Any) -> Any:
        """The raw value of this column for one result, as the result holds it."""
        source = self.source if self.source is not None else self.name
        return getattr(item, source) if isinstance(source, str) else source(item)

    def cell(self, raw: Any, *, iso: bool = False) -> Any:
        """A raw value as the plain value records hold (``None`` stays ``None``)."""
        if raw is None:
            if not self.nullable:
                raise ValidationError(f"column {self.name!r} may not be empty, got None")
            return None
        kind = self.kind
        if kind is ColumnKind.STRING:
            return str(raw)
        if kind is ColumnKind.CATEGORY:
            name = str(raw)
            if name not in self.categories:
                raise ValidationError(
                    f"column {self.name!r}: {name!r} is not one of {', '.join(self.categories)}"
                )
            return name
        if kind is ColumnKind.SECONDS:
            if not isinstance(raw, timedelta):
                raise ValidationError(f"column {self.name!r} needs a timedelta, got {raw!r}")
            return raw / _SECOND
        if kind is ColumnKind.INSTANT:
            if not isinstance(raw, datetime) or raw.utcoffset() is None:
                raise ValidationError(f"column {self.name!r} needs an aware datetime, got {raw!r}")
            utc = raw.astimezone(UTC)
            return utc.isoformat() if iso else utc
        if kind is ColumnKind.FLOAT:
            return float(raw)
        if kind is ColumnKind.INT:
            return int(raw)
        if kind is ColumnKind.BOOL:
            return bool(raw)
        return raw

    def plain(self, values: Sequence[Any], *, iso: bool = False) -> list[Any]:
        """A whole column of raw values as plain values: :meth:`cell` of each, faster."""
        kind = self.kind
        cell = self.cell
        if kind is ColumnKind.STRING:
            if set(map(type, values)) <= {str}:  # in C: ids and texts are mostly str already
                return list(values)
            return [cell(v) for v in values]
        if kind in _FEW_VALUES:
            # statuses, kinds, flags, counts: convert (and check) each distinct value once;
            # values equal across types (True and 1, a StrEnum and its str) convert alike here
            plain = {v: cell(v) for v in set(values)}
            return list(map(plain.__getitem__, values))
        return [cell(v, iso=iso) for v in values]

    def text(self, raw: Any, item: Any = None) -> str:
        """A raw value as a person reads it in the HTML of a table."""
        if raw is None:
            return ""
        kind = self.kind
        if kind is ColumnKind.SECONDS:
            source = self.calendar
            calendar = (
                None
                if source is None or item is None
                else getattr(item, source, None)
                if isinstance(source, str)
                else source(item)
            )
            return format_duration(raw, calendar=calendar)
        if kind is ColumnKind.INSTANT:
            return str(raw.astimezone(UTC).isoformat(sep=" "))
        if kind is ColumnKind.FLOAT:
            return f"{float(raw):.10g}"
        if kind is ColumnKind.BOOL:
            return "yes" if raw else "no"
        if kind is ColumnKind.VALUE:
            return repr(raw)
        return str(raw)


class Columns:
    """The columns of one kind of result table, in order.

    It turns results into records, a DataFrame or HTML; reports use it for their
    own ``to_records`` and ``to_frame``, and it works on any list of the results
    it describes, an empty one included:

    >>> from fitsm.cmdb import Dependency
    >>> Dependency.columns.names
    ('id', 'kind', 'depth')
    >>> Dependency.columns.records([Dependency("db1", "configuration_item", 2)])
    [{'id': 'db1', 'kind': 'configuration_item', 'depth': 2}]
    """

    __slots__ = ("_columns",)

    def __init__(self, *columns: Column) -> None:
        names = [c.name for c in columns]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValidationError(f"column names must be unique, got {', '.join(twice)} twice")
        self._columns: tuple[Column, ...] = columns

    def __iter__(self) -> Iterator[Column]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __getitem__(self, name: str) -> Column:
        for column in self._columns:
            if column.name == name:
                return column
        raise ValidationError(f"no column {name!r}; expected one of {', '.join(self.names)}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Columns) and self._columns == other._columns

    def __hash__(self) -> int:
        return hash(self._columns)

    def __repr__(self) -> str:
        return f"Columns({', '.join(self.names)})"

    def __getstate__(self) -> tuple[Column, ...]:
        return self._columns

    def __setstate__(self, state: tuple[Column, ...]) -> None:
        self._columns = state

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(c.name for c in self._columns)

    @property
    def dtypes(self) -> dict[str, str | tuple[str, ...]]:
        """Each column's pandas type (for a category column, its categories)."""
        return {c.name: c.dtype for c in self._columns}

    # -- from results ----------------------------------------------------------------

    def values(self, items: Iterable[Any]) -> list[list[Any]]:
        """The raw values of the results, column by column, as the results hold them."""
        found = list(items)
        return [[column.value(item) for item in found] for column in self._columns]

    def records(self, items: Iterable[Any], *, iso: bool = False) -> list[dict[str, Any]]:
        """One dict of plain values per result (instants as ISO strings with ``iso=True``)."""
        return self.records_from_columns(self.values(items), iso=iso)

    def frame(self, items: Iterable[Any]) -> Any:
        """The results as a pandas DataFrame with typed columns (needs the ``pandas`` extra)."""
        return self.frame_from_columns(self.values(items))

    def html(
        self,
        items: Iterable[Any],
        *,
        caption: str | None = None,
        names: Sequence[str] | None = None,
        limit: int = HTML_ROWS,
    ) -> str:
        """The results as an HTML table, one row each, every value escaped.

        ``names`` picks columns; past ``limit`` rows it says how many more there are.
        """
        shown = [self[n] for n in names] if names is not None else list(self._columns)
        rows: list[list[str]] = []
        more = 0
        for i, item in enumerate(items):
            if i >= limit:
                more += 1
                continue
            rows.append([c.text(c.value(item), item) for c in shown])
        return html_table([c.name for c in shown], rows, caption=caption, more=more)

    def html_card(
        self, item: Any, *, caption: str | None = None, names: Sequence[str] | None = None
    ) -> str:
        """One result as a two-column HTML table of names and values, every value escaped."""
        shown = [self[n] for n in names] if names is not None else list(self._columns)
        rows = [(c.name, c.text(c.value(item), item)) for c in shown]
        return html_table(None, rows, caption=caption)

    # -- from raw values, for reports that compute them --------------------------------

    def records_from_columns(
        self, values: Sequence[Sequence[Any]], *, iso: bool = False
    ) -> list[dict[str, Any]]:
        """Records from raw values given column by column, in column order."""
        names = self.names
        plain = [c.plain(v, iso=iso) for c, v in zip(self._columns, values, strict=True)]
        return [dict(zip(names, row, strict=True)) for row in zip(*plain, strict=True)]

    def frame_from_columns(self, values: Sequence[Sequence[Any]]) -> Any:
        """A DataFrame from raw values given column by column, in column order."""
        plain = {c.name: c.plain(v) for c, v in zip(self._columns, values, strict=True)}
        return to_frame(plain, self.dtypes)

    def records_from_cells(
        self, cells: Sequence[Sequence[Any]], *, iso: bool = False
    ) -> list[dict[str, Any]]:
        """Records from raw values given row by row (tuples in column order)."""
        return self.records_from_columns(self._transposed(cells), iso=iso)

    def frame_from_cells(self, cells: Sequence[Sequence[Any]]) -> Any:
        """A DataFrame from raw values given row by row (tuples in column order)."""
        return self.frame_from_columns(self._transposed(cells))

    def html_from_cells(
        self, cells: Sequence[Sequence[Any]], *, caption: str | None = None, limit: int = HTML_ROWS
    ) -> str:
        """An HTML table from raw values given row by row, every value escaped."""
        columns = self._columns
        rows = [[c.text(v) for c, v in zip(columns, row, strict=True)] for row in cells[:limit]]
        return html_table(self.names, rows, caption=caption, more=max(len(cells) - limit, 0))

    def _transposed(self, cells: Sequence[Sequence[Any]]) -> list[list[Any]]:
        if not cells:
            return [[] for _ in self._columns]
        return [list(column) for column in zip(*cells, strict=True)]


def html_table(
    header: Sequence[str] | None,
    rows: Iterable[Sequence[str]],
    *,
    caption: str | None = None,
    more: int = 0,
) -> str:
    """A small HTML table of texts, every one escaped; without ``header`` the first
    cell of each row is its heading (a card of names and values)."""
    esc = html.escape
    parts = ['<table class="fitsm">']
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    width = 2
    if header is not None:
        width = len(header)
        parts.append(
            "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr></thead>"
        )
    parts.append("<tbody>")
    for row in rows:
        if header is None:
            head, *rest = row
            cells = f"<th>{esc(head)}</th>" + "".join(f"<td>{esc(c)}</td>" for c in rest)
        else:
            cells = "".join(f"<td>{esc(c)}</td>" for c in row)
        parts.append(f"<tr>{cells}</tr>")
    if more:
        parts.append(f'<tr><td colspan="{width}">… and {more} more</td></tr>')
    parts.append("</tbody></table>")
    return "".join(parts)


@runtime_checkable
class Table(Protocol):
    """A result that is a table: records of plain values, and a pandas DataFrame."""

    def to_records(self, *, iso: bool = False) -> list[dict[str, Any]]:
        """One dict of plain Python values per row."""
        ...

    def to_frame(self) -> Any:
        """A pandas DataFrame with typed columns (needs the ``pandas`` extra)."""
        ...


class Rows(list[T]):
    """A list of results that is also a table.

    The functions that return several results (``dependencies``,
    ``blast_radius``, ``single_points_of_failure``, ``sla_clocks``,
    ``schedule_conflicts``, ...) return ``Rows``: a plain ``list`` in every way
    (it compares equal to one, prints like one, and keeps being one after
    ``+``), with ``to_records()``, ``to_frame()`` and an HTML table in Jupyter.
    Slicing keeps the table.

    >>> from fitsm.cmdb import BlastRadius
    >>> ranked = Rows([BlastRadius("db1", 2, 0)], columns=BlastRadius.columns)
    >>> ranked == [BlastRadius("db1", 2, 0)], ranked[:1].to_records()
    (True, [{'ci': 'db1', 'services_down': 2, 'services_degraded': 0}])
    """

    columns: Columns

    def __init__(self, items: Iterable[T] = (), *, columns: Columns) -> None:
        super().__init__(items)
        self.columns = columns

    @overload
    def __getitem__(self, index: SupportsIndex) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Rows[T]: ...

    def __getitem__(self, index: SupportsIndex | slice) -> T | Rows[T]:
        if isinstance(index, slice):
            return Rows(super().__getitem__(index), columns=self.columns)
        return super().__getitem__(index)

    def to_records(self, *, iso: bool = False) -> list[dict[str, Any]]:
        """One dict of plain values per result."""
        return self.columns.records(self, iso=iso)

    def to_frame(self) -> Any:
        """The results as a pandas DataFrame with typed columns (needs the ``pandas`` extra)."""
        return self.columns.frame(self)

    def _repr_html_(self) -> str:
        noun = "row" if len(self) == 1 else "rows"
        return self.columns.html(self, caption=f"{len(self)} {noun}")


def _columns_of(items: Sequence[Any]) -> Columns:
    found: Columns | None = None
    for item in items:
        columns = getattr(type(item), "columns", None)
        if not isinstance(columns, Columns):
            raise ValidationError(
                f"{type(item).__name__} {item!r} is not a fitsm result with a table; expected "
                "reports, clocks, cases, dependencies, ... (their classes have 'columns')"
            )
        if found is None:
            found = columns
        elif columns != found:
            raise ValidationError(
                f"results of different kinds cannot share a table: {type(items[0]).__name__} "
                f"and {type(item).__name__}"
            )
    assert found is not None
    return found


def records(results: Iterable[Any], *, iso: bool = False) -> list[dict[str, Any]]:
    """The records of a table, or of a list of results of one kind.

    A list of reports gives the rows of every report in turn (twelve monthly
    availability reports make twelve rows), a list of rows (cases from a query,
    say) one row each; an empty list gives no records.
    """
    if isinstance(results, Table):
        return results.to_records(iso=iso)
    items = list(results)
    if not items:
        return []
    columns = _columns_of(items)
    if isinstance(items[0], Table):
        return [r for item in items for r in item.to_records(iso=iso)]
    return columns.records(items, iso=iso)


def frame(results: Iterable[Any]) -> Any:
    """A table, or a list of results of one kind, as a pandas DataFrame.

    An empty list has no kind to tell the columns from and gives an empty
    frame; ``Case.columns.frame(found)`` (any result type's ``columns``) keeps
    the columns even then.
    """
    if isinstance(results, Table):
        return results.to_frame()
    items = list(results)
    if not items:
        return to_frame({}, {})
    columns = _columns_of(items)
    if isinstance(items[0], Table):
        rows = [r for item in items for r in item.to_records()]
        return to_frame(rows, columns.dtypes)
    return columns.frame(items)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise MissingExtraError(
            "to_frame needs the optional extra 'pandas': pip install 'fitsm[pandas]'"
        ) from None
    return pandas


def to_frame(
    data: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
    dtypes: Mapping[str, str | tuple[str, ...]],
) -> Any:
    """A pandas DataFrame with the given column types, pandas imported only now.

    ``data`` is a dict of columns or a list of records holding plain values (as
    records do); ``dtypes`` maps each column, in order, to a pandas type name or,
    for a category column, to its categories. A record with a key that has no
    type is refused, and so is a category value outside its categories.
    Without pandas installed this raises :class:`~fitsm.errors.MissingExtraError`.
    """
    pd = _pandas()
    if isinstance(data, Mapping):
        columns = data
        unknown = sorted(set(columns) - set(dtypes))
    else:
        known = set(dtypes)
        unknown = sorted({k for record in data for k in record if k not in known})
        columns = {name: [record.get(name) for record in data] for name in dtypes}
    if unknown:
        raise ValidationError(
            f"columns {', '.join(unknown)} have no type; expected only {', '.join(dtypes)}"
        )
    series: dict[str, Any] = {}
    for name, dtype in dtypes.items():
        values = columns[name]
        if isinstance(dtype, tuple):
            allowed = set(dtype)
            stray = next((v for v in values if v is not None and v not in allowed), None)
            if stray is not None:
                raise ValidationError(
                    f"column {name!r}: {stray!r} is not one of {', '.join(dtype)}"
                )
            series[name] = pd.Categorical(values, categories=list(dtype))
        elif dtype == "object":
            # a Series, since pandas 3 would otherwise infer text columns as "str"
            series[name] = pd.Series(list(values), dtype="object")
        else:
            series[name] = pd.array(list(values), dtype=dtype)
    return pd.DataFrame(series)
