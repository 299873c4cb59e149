"""Outage records from a CSV file or a pandas DataFrame (PR4.4: availability is monitored).

Monitoring tools export outages as tables: one row per outage, with the thing
that was down, when it went down and when it came back. :func:`read_outages`
reads such a CSV file and :func:`outages_from_frame` a DataFrame, into
:class:`~fitsm.availability.Outage` records. The columns are named after the
fields of an outage, or mapped to them with ``columns=``:

=========== ======== ==========================================================
column      required content
=========== ======== ==========================================================
``subject`` yes      the service, component or CI (its CMDB id)
``start``   yes      when it went down, an ISO 8601 timestamp
``end``     yes      when it came back; an empty cell is an outage still going on
``state``   no       ``down`` (the default) or ``degraded``
``planned`` no       ``true``/``false`` (also ``yes``/``no``, ``1``/``0``); default false
``id``      no       the outage's id, unique in the file
=========== ======== ==========================================================

Any other column is an error naming it, unless it is mapped or listed in
``ignore=``. Timestamps may carry an offset (``2026-03-01T09:00:00+01:00``, or
``Z`` for UTC); one without is read in the time zone ``zone=`` (an IANA name)
and refused when no zone is given. A local time the clocks skip (inside the
spring-forward gap) never happened and is refused; one that happens twice (the
autumn hour) is refused too unless ``ambiguous="earlier"`` or ``"later"`` says
which. More than six decimals of a second are refused rather than cut off.

Every problem is a :class:`~fitsm.errors.LoadError` naming the file, the line
and the field, and nothing is returned then. A UTF-8 byte order mark is skipped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import numpy as np

from fitsm.availability.measurement import Outage, OutageState
from fitsm.errors import LoadError, ValidationError
from fitsm.interop._extras import missing_extra
from fitsm.time.periods import time_zone

__all__ = ["OUTAGE_COLUMNS", "outages_from_frame", "read_outages"]

OUTAGE_COLUMNS = ("subject", "start", "end", "state", "planned", "id")
"""The fields an outage row can have, in the order :func:`read_outages` documents them."""

_REQUIRED = ("subject", "start", "end")
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0", ""})
_TOO_FINE = re.compile(r"[.,]\d{7,}")
_AMBIGUOUS = ("raise", "earlier", "later")

Ambiguous = Literal["raise", "earlier", "later"]
_Fail = Callable[[str, str], LoadError]


def read_outages(
    source: str | Path | IO[str] | IO[bytes],
    *,
    zone: str | None = None,
    columns: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    ambiguous: Ambiguous = "raise",
) -> list[Outage]:
    """The outages in a CSV file (a path, or an open text or binary file).

    ``columns`` maps an outage field to the column that holds it
    (``{"subject": "host", "start": "down_at", "end": "up_at"}``); ``ignore``
    names columns to pass over; ``zone`` is the IANA time zone of timestamps
    written without an offset. See the module documentation for the columns.

    >>> csv_text = "host,down_at,up_at\\ndb1,2026-03-02 09:00,2026-03-02 09:45\\n"
    >>> [outage] = read_outages(io.StringIO(csv_text), zone="Europe/Berlin",
    ...                         columns={"subject": "host", "start": "down_at", "end": "up_at"})
    >>> outage.start.isoformat(), outage.duration
    ('2026-03-02T08:00:00+00:00', datetime.timedelta(seconds=2700))
    """
    reader = _Rows(_name(source), zone, columns, ignore, ambiguous)
    feed_csv(_text(source, reader.path), reader.path, reader, _listed())
    return reader.outages


class CsvSink(Protocol):
    """What :func:`feed_csv` hands a file's header and rows to."""

    def header(self, names: list[str], line: int) -> None: ...

    def row(self, cells: dict[str, str], line: int) -> None: ...


def feed_csv(text: str, path: str, sink: CsvSink, expected: str) -> None:
    """Hand the header of CSV ``text`` and each non-empty row, with its line number, to
    ``sink``; LoadError naming ``path`` and the line for an empty file (``expected``
    says what its header should hold), a row longer than the header, or bad CSV."""
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(rows, None)
        if header is None:
            raise LoadError(path, 1, None, f"the file is empty; expected a header with {expected}")
        header = [h.strip() for h in header]
        sink.header(header, 1)
        for row in rows:
            if not row:
                continue
            if len(row) > len(header):
                raise LoadError(path, rows.line_num, None, "more cells than columns in the header")
            sink.row(dict(zip(header, row, strict=False)), rows.line_num)
    except csv.Error as e:
        raise LoadError(path, rows.line_num, None, f"not valid CSV: {e}") from None


def outages_from_frame(
    frame: Any,
    *,
    zone: str | None = None,
    columns: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    ambiguous: Ambiguous = "raise",
    name: str = "<DataFrame>",
) -> list[Outage]:
    """The outages in a pandas DataFrame, one per row, read like :func:`read_outages`.

    Cells may be text, ``datetime`` or ``pandas.Timestamp`` values (naive ones
    are read in ``zone``), booleans for ``planned``, and missing values (``None``,
    ``NaN``, ``NaT``) for empty cells. Errors name ``name`` and the row's
    position (``frame.iloc[line]``) as the line. Needs the extra ``pandas``.
    """
    try:
        import pandas as pd
    except ImportError:
        raise missing_extra("outages_from_frame", "pandas") from None
    reader = _Rows(name, zone, columns, ignore, ambiguous)
    header = list(frame.columns)
    for label in header:
        if not isinstance(label, str):
            raise LoadError(name, None, None, f"column names must be text, got {_shown(label)}")
    reader.header(header, None)
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = {
            column: _frame_cell(value, pd, name, position, column)
            for column, value in zip(header, values, strict=True)
        }
        reader.row(cells, position)
    return reader.outages


# -- shared -------------------------------------------------------------------


class _Rows:
    """Checks the header once and turns each row into an outage, naming file, line and field."""

    def __init__(
        self,
        path: str,
        zone: str | None,
        columns: Mapping[str, str] | None,
        ignore: Iterable[str],
        ambiguous: str,
    ) -> None:
        self.path = path
        self.tz: tzinfo | None = None if zone is None else time_zone(zone)
        if ambiguous not in _AMBIGUOUS:
            raise ValidationError(
                f"ambiguous must be one of {', '.join(map(repr, _AMBIGUOUS))}, got {ambiguous!r}",
                field="ambiguous",
            )
        self.ambiguous = ambiguous
        self.fields = _mapping(columns)
        self.ignore = frozenset(_texts(ignore, "ignore"))
        self.present: dict[str, str] = {}
        self.outages: list[Outage] = []
        self.ids: dict[str, int | None] = {}

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
        for field, column in self.fields.items():
            if column not in seen and (field in _REQUIRED or column != field):
                raise LoadError(
                    self.path,
                    line,
                    column,
                    f"missing column {column!r} (the outage's {field}); header is {list(names)!r}",
                )

    def row(self, cells: Mapping[str, object], line: int | None) -> None:
        def cell(field: str) -> object:
            column = self.present.get(field)
            return "" if column is None else cells.get(column, "")

        def fail(field: str, reason: str) -> LoadError:
            return LoadError(self.path, line, self.present.get(field, field), reason)

        subject = cell("subject")
        if not isinstance(subject, str):
            raise fail("subject", f"expected text, got {_shown(subject)}")
        subject = subject.strip()
        if not subject:
            raise fail("subject", "subject is required: the service, component or CI that was out")
        start = self._time(cell("start"), line, "start")
        if start is None:
            raise fail("start", "start is required: when the outage began")
        end = self._time(cell("end"), line, "end")
        if end is not None and end < start:
            raise fail(
                "end",
                f"the outage ends before it starts: {start.isoformat()} to {end.isoformat()}",
            )
        state = _text_cell(cell("state"), fail, "state").lower() or OutageState.DOWN.value
        if state not in {s.value for s in OutageState}:
            raise fail("state", f"expected 'down' or 'degraded', got {state!r}")
        planned = _flag(cell("planned"), fail)
        outage_id = _text_cell(cell("id"), fail, "id")
        if outage_id:
            if outage_id in self.ids:
                raise fail("id", f"id {outage_id!r} was already used (line {self.ids[outage_id]})")
            self.ids[outage_id] = line
        try:
            outage = Outage(subject, start, end, OutageState(state), planned, id=outage_id)
        except ValidationError as e:
            raise fail(e.field or "subject", str(e)) from None
        self.outages.append(outage)

    def _time(self, value: object, line: int | None, field: str) -> datetime | None:
        column = self.present.get(field, field)
        try:
            return _instant(value, self.tz, self.ambiguous)
        except ValidationError as e:
            raise LoadError(self.path, line, column, str(e)) from None


def _instant(value: object, tz: tzinfo | None, ambiguous: str) -> datetime | None:
    """A cell as an aware UTC datetime, or None when it is empty."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        value = _parse(text)
    if not isinstance(value, datetime):
        raise ValidationError(f"expected an ISO 8601 timestamp, got {_shown(value)}")
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(UTC)
    if tz is None:
        raise ValidationError(
            f"{value.isoformat()} has no UTC offset; write one (2026-03-01T09:00:00+01:00, "
            "or Z for UTC) or give the time zone the times are in (zone='Europe/Berlin')"
        )
    return _localize(value, tz, ambiguous).astimezone(UTC)


def _parse(text: str) -> datetime:
    try:
        date.fromisoformat(text)
    except ValueError:
        pass
    else:
        raise ValidationError(f"{text!r} is a date; expected a date and a time of day")
    if _TOO_FINE.search(text):
        raise ValidationError(
            f"{text!r} has more than six decimals of a second; fitsm keeps microseconds"
        )
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"{text!r} is not an ISO 8601 timestamp; expected e.g. 2026-03-01T09:00:00+01:00"
        ) from None


def _localize(wall: datetime, tz: tzinfo, ambiguous: str) -> datetime:
    """A naive wall-clock time in ``tz``; refuses a time the clocks skip, and one they repeat
    unless ``ambiguous`` says which of the two is meant."""
    earlier, later = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier
    zone = getattr(tz, "key", str(tz))
    if earlier.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        raise ValidationError(
            f"{wall.isoformat()} does not exist in {zone}: the clocks skip it when "
            "daylight saving time begins; write the time with its offset"
        )
    if ambiguous == "earlier":
        return earlier
    if ambiguous == "later":
        return later
    raise ValidationError(
        f"{wall.isoformat()} happens twice in {zone} (daylight saving time ends, "
        f"{earlier.strftime('%z')} then {later.strftime('%z')}); write the time with its "
        "offset, or pass ambiguous='earlier' or 'later'"
    )


def _shown(value: object) -> str:
    return f"{value!r} ({type(value).__name__})"


def _text_cell(value: object, fail: _Fail, field: str) -> str:
    if not isinstance(value, str):
        raise fail(field, f"expected text, got {_shown(value)}")
    return value.strip()


def _flag(value: object, fail: _Fail) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise fail("planned", f"expected true or false (yes/no, 1/0), got {value!r}")


def _mapping(columns: Mapping[str, str] | None) -> dict[str, str]:
    given = dict(columns or {})
    unknown = sorted(k for k in given if k not in OUTAGE_COLUMNS)
    if unknown:
        raise ValidationError(
            f"columns= maps {', '.join(map(repr, unknown))}, which "
            f"{'is not an outage field' if len(unknown) == 1 else 'are not outage fields'}; "
            f"the fields are {', '.join(OUTAGE_COLUMNS)}",
            field="columns",
        )
    fields = {field: given.get(field, field) for field in OUTAGE_COLUMNS}
    for field, column in fields.items():
        if not isinstance(column, str) or not column.strip():
            raise ValidationError(
                f"columns= maps {field!r} to {column!r}; expected a column name", field="columns"
            )
    taken: dict[str, str] = {}
    for field, column in fields.items():
        if column in taken:
            raise ValidationError(
                f"columns= reads both {taken[column]!r} and {field!r} from column {column!r}",
                field="columns",
            )
        taken[column] = field
    return fields


def _texts(values: Iterable[str], what: str) -> Iterator[str]:
    if isinstance(values, str):
        raise ValidationError(f"{what}= takes a list of column names, got {values!r}", field=what)
    for value in values:
        if not isinstance(value, str):
            raise ValidationError(f"{what}= takes column names, got {value!r}", field=what)
        yield value


def _listed() -> str:
    optional = [c for c in OUTAGE_COLUMNS if c not in _REQUIRED]
    return f"the columns {', '.join(_REQUIRED)} and optionally {', '.join(optional)}"


def _name(source: object) -> str:
    if isinstance(source, str | Path):
        return str(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


def _text(source: str | Path | IO[str] | IO[bytes], name: str) -> str:
    if isinstance(source, str | Path):
        try:
            data: str | bytes = Path(source).read_bytes()
        except FileNotFoundError:
            raise LoadError(name, None, None, "no such file") from None
        except OSError as e:
            raise LoadError(name, None, None, f"cannot read: {e.strerror}") from None
    else:
        data = source.read()
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise LoadError(name, None, None, f"not UTF-8 text: {e.reason}") from None
    return data.removeprefix("\ufeff")


def _frame_cell(value: Any, pd: Any, name: str, position: int, column: str) -> object:
    """A DataFrame cell as read_outages sees a CSV cell: missing is "", timestamps exact."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        if value.nanosecond:
            raise LoadError(
                name,
                position,
                column,
                f"{value} has nanoseconds; fitsm keeps microseconds (round the column first)",
            )
        return value.to_pydatetime()
    if isinstance(value, np.bool_):
        return bool(value)
    return value
