"""Outages from CSV files and DataFrames: columns, time zones, and errors with file, line, field."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm.availability import Outage, OutageState
from fitsm.errors import FitsmError, LoadError, MissingExtraError, ValidationError
from fitsm.interop import outages_from_frame, read_outages

NINE = datetime(2026, 3, 2, 8, tzinfo=UTC)  # 09:00 in Berlin


def write(tmp_path: Path, text: str, name: str = "outages.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error(source, **kwargs) -> LoadError:
    with pytest.raises(LoadError) as caught:
        read_outages(source, **kwargs)
    return caught.value


class TestReading:
    def test_a_file_with_the_fields_as_columns_gives_its_outages(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "subject,start,end,state,planned,id\n"
            "db1,2026-03-02T08:00:00Z,2026-03-02T09:30:00Z,down,false,o-1\n"
            "web1,2026-03-02T10:00:00+01:00,,degraded,yes,\n",
        )
        assert read_outages(path) == [
            Outage("db1", NINE, NINE + timedelta(minutes=90), id="o-1"),
            Outage("web1", NINE + timedelta(hours=1), None, OutageState.DEGRADED, True),
        ]

    def test_only_subject_start_and_end_are_required(self, tmp_path: Path) -> None:
        path = write(tmp_path, "subject,start,end\ndb1,2026-03-02T08:00Z,2026-03-02T09:00Z\n")
        [outage] = read_outages(path)
        assert (outage.state, outage.planned, outage.id) == (OutageState.DOWN, False, "")

    def test_an_empty_end_is_an_outage_still_going_on(self) -> None:
        [outage] = read_outages(io.StringIO("subject,start,end\ndb1,2026-03-02T08:00Z,\n"))
        assert outage.ongoing

    def test_columns_are_mapped_and_others_ignored_when_asked(self) -> None:
        text = "host,down_at,up_at,ticket\ndb1,2026-03-02 09:00,2026-03-02 10:00,T-7\n"
        [outage] = read_outages(
            io.StringIO(text),
            zone="Europe/Berlin",
            columns={"subject": "host", "start": "down_at", "end": "up_at"},
            ignore=["ticket"],
        )
        assert (outage.subject, outage.start, outage.duration) == ("db1", NINE, timedelta(hours=1))

    def test_naive_times_are_read_in_the_zone_given(self) -> None:
        text = "subject,start,end\ndb1,2026-07-01T09:00,2026-07-01T10:00\n"
        [summer] = read_outages(io.StringIO(text), zone="Europe/Berlin")
        assert summer.start == datetime(2026, 7, 1, 7, tzinfo=UTC)

    def test_an_offset_in_the_file_wins_over_the_zone(self) -> None:
        text = "subject,start,end\ndb1,2026-03-02T08:00Z,2026-03-02T09:00-05:00\n"
        [outage] = read_outages(io.StringIO(text), zone="Asia/Tokyo")
        assert (outage.start, outage.end) == (NINE, datetime(2026, 3, 2, 14, tzinfo=UTC))

    def test_the_repeated_autumn_hour_is_read_as_told(self) -> None:
        text = "subject,start,end\ndb1,2026-10-25T02:30,\n"
        [earlier] = read_outages(io.StringIO(text), zone="Europe/Berlin", ambiguous="earlier")
        [later] = read_outages(io.StringIO(text), zone="Europe/Berlin", ambiguous="later")
        assert earlier.start == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        assert later.start - earlier.start == timedelta(hours=1)

    def test_a_byte_order_mark_is_skipped(self, tmp_path: Path) -> None:
        path = tmp_path / "excel.csv"
        path.write_bytes("subject,start,end\r\ndb1,2026-03-02T08:00Z,\r\n".encode("utf-8-sig"))
        assert [o.subject for o in read_outages(path)] == ["db1"]
        with path.open("rb") as binary:
            assert [o.subject for o in read_outages(binary)] == ["db1"]
        with path.open(encoding="utf-8") as text:
            assert [o.subject for o in read_outages(text)] == ["db1"]

    def test_blank_lines_and_padded_cells_are_fine(self) -> None:
        text = "subject , start,end\n\n db1 , 2026-03-02T08:00Z , \n\n"
        assert [o.subject for o in read_outages(io.StringIO(text))] == ["db1"]

    def test_a_header_alone_is_no_outages(self) -> None:
        assert read_outages(io.StringIO("subject,start,end\n")) == []

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["db1", "web1", "sw-1"]),
                st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
                st.integers(0, 10**11),
                st.booleans(),
                st.booleans(),
            ),
            max_size=8,
        )
    )
    def test_outages_written_as_csv_read_back_equal(self, rows) -> None:
        outages = [
            Outage(
                subject,
                start.replace(tzinfo=UTC),
                start.replace(tzinfo=UTC) + timedelta(microseconds=length),
                OutageState.DEGRADED if degraded else OutageState.DOWN,
                planned,
            )
            for subject, start, length, degraded, planned in rows
        ]
        lines = ["subject,start,end,state,planned"] + [
            f"{o.subject},{o.start.isoformat()},{o.end.isoformat()},{o.state.value},{o.planned}"
            for o in outages
            if o.end is not None
        ]
        assert read_outages(io.StringIO("\n".join(lines))) == outages


class TestErrors:
    """Every error is a LoadError naming the file, the line and the field."""

    @pytest.mark.parametrize(
        ("text", "line", "field", "reason"),
        [
            ("subject,start,end\n,2026-03-02T08:00Z,\n", 2, "subject", "subject is required"),
            ("subject,start,end\ndb1,,\n", 2, "start", "start is required"),
            ("subject,start,end\ndb1,yesterday,\n", 2, "start", "not an ISO 8601 timestamp"),
            ("subject,start,end\ndb1,2026-03-02,\n", 2, "start", "is a date; expected a date and"),
            (
                "subject,start,end\ndb1,2026-03-02T08:00:00.1234567Z,\n",
                2,
                "start",
                "more than six decimals",
            ),
            ("subject,start,end\ndb1,2026-03-02T08:00,\n", 2, "start", "has no UTC offset"),
            (
                "subject,start,end\ndb1,2026-03-02T08:00Z,2026-03-02T07:00Z\n",
                2,
                "end",
                "ends before it starts",
            ),
            ("subject,start,end,state\ndb1,2026-03-02T08:00Z,,broken\n", 2, "state", "'down' or"),
            (
                "subject,start,end,planned\ndb1,2026-03-02T08:00Z,,maybe\n",
                2,
                "planned",
                "expected true or false",
            ),
            (
                "subject,start,end,id\ndb1,2026-03-02T08:00Z,,o1\ndb1,2026-03-03T08:00Z,,o1\n",
                3,
                "id",
                "id 'o1' was already used (line 2)",
            ),
            ("subject,start,end,colour\n", 1, "colour", "unknown column 'colour'"),
            ("subject,start\n", 1, "end", "missing column 'end'"),
            ("subject,start,start,end\n", 1, "start", "given twice"),
        ],
    )
    def test_a_bad_cell_or_header_is_named(self, tmp_path: Path, text, line, field, reason):
        path = write(tmp_path, text)
        found = error(path)
        assert (found.path, found.line, found.field) == (str(path), line, field)
        assert reason in found.reason
        assert str(found).startswith(f"{path}:{line}: field '{field}':")

    def test_all_unknown_columns_are_named(self, tmp_path: Path) -> None:
        found = error(write(tmp_path, "subject,start,end,colour,size\n"))
        assert "unknown columns 'colour', 'size'" in found.reason
        assert "ignore=" in found.reason and "columns=" in found.reason

    def test_a_mapped_column_the_file_lacks_is_named(self) -> None:
        found = error(io.StringIO("subject,start,end\n"), columns={"planned": "maintenance"})
        assert (found.line, found.field) == (1, "maintenance")
        assert "missing column 'maintenance' (the outage's planned)" in found.reason

    def test_a_time_the_clocks_skip_is_refused(self) -> None:
        found = error(
            io.StringIO("subject,start,end\ndb1,2026-03-29T02:30,\n"), zone="Europe/Berlin"
        )
        assert (found.line, found.field) == (2, "start")
        assert "does not exist in Europe/Berlin" in found.reason

    def test_a_time_that_happens_twice_is_refused_unless_told_which(self) -> None:
        text = "subject,start,end\ndb1,2026-10-25T01:00Z,2026-10-25T02:30\n"
        found = error(io.StringIO(text), zone="Europe/Berlin")
        assert (found.line, found.field) == (2, "end")
        assert "happens twice in Europe/Berlin" in found.reason
        assert "ambiguous='earlier' or 'later'" in found.reason

    def test_a_mapped_column_is_named_as_the_file_names_it(self) -> None:
        found = error(
            io.StringIO("host,from,to\ndb1,soon,\n"),
            columns={"subject": "host", "start": "from", "end": "to"},
        )
        assert (found.line, found.field) == (2, "from")

    def test_more_cells_than_columns_are_refused(self) -> None:
        found = error(io.StringIO("subject,start,end\ndb1,2026-03-02T08:00Z,,x\n"))
        assert (found.line, found.reason) == (2, "more cells than columns in the header")

    def test_an_empty_file_is_refused(self, tmp_path: Path) -> None:
        found = error(write(tmp_path, ""))
        assert found.line == 1 and "the file is empty" in found.reason

    def test_a_missing_file_is_named(self, tmp_path: Path) -> None:
        found = error(tmp_path / "nope.csv")
        assert (found.path, found.reason) == (str(tmp_path / "nope.csv"), "no such file")

    def test_text_that_is_not_utf8_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "latin1.csv"
        path.write_bytes("subject,start,end\nmünchen,2026-03-02T08:00Z,\n".encode("latin-1"))
        assert "not UTF-8" in error(path).reason

    def test_broken_csv_quoting_is_refused_with_its_line(self) -> None:
        found = error(io.StringIO('subject,start,end\n"db1,2026-03-02T08:00Z,\n'))
        assert (found.line, found.field) == (2, None)
        assert "not valid CSV: unexpected end of data" in found.reason

    def test_an_unnamed_stream_is_called_stream(self) -> None:
        assert error(io.StringIO("x\n")).path == "<stream>"

    @pytest.mark.parametrize(
        ("kwargs", "field", "match"),
        [
            ({"zone": "Mars/Olympus"}, "zone", "unknown time zone 'Mars/Olympus'"),
            ({"columns": {"host": "subject"}}, "columns", "maps 'host', which is not an outage"),
            ({"columns": {"start": "t", "end": "t"}}, "columns", "both 'start' and 'end'"),
            ({"columns": {"start": ""}}, "columns", "expected a column name"),
            ({"ignore": "ticket"}, "ignore", "takes a list of column names"),
            ({"ambiguous": "first"}, "ambiguous", "ambiguous must be one of"),
        ],
    )
    def test_bad_arguments_are_the_callers_error_not_the_files(self, kwargs, field, match) -> None:
        with pytest.raises(ValidationError, match=match) as caught:
            read_outages(io.StringIO("subject,start,end\n"), **kwargs)
        assert not isinstance(caught.value, LoadError) and caught.value.field == field


class TestFrames:
    def test_a_frame_of_text_reads_like_the_file(self) -> None:
        frame = pd.DataFrame(
            {"subject": ["db1"], "start": ["2026-03-02T08:00Z"], "end": ["2026-03-02T09:00Z"]}
        )
        assert outages_from_frame(frame) == [Outage("db1", NINE, NINE + timedelta(hours=1))]

    def test_timestamps_missing_values_and_booleans_are_understood(self) -> None:
        frame = pd.DataFrame(
            {
                "host": ["db1", "web1"],
                "down": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 10:00"]),
                "up": pd.to_datetime(["2026-03-02 10:00", None]),
                "planned": [True, False],
                "state": ["down", None],
            }
        )
        found = outages_from_frame(
            frame, zone="Europe/Berlin", columns={"subject": "host", "start": "down", "end": "up"}
        )
        assert found == [
            Outage("db1", NINE, NINE + timedelta(hours=1), planned=True),
            Outage("web1", NINE + timedelta(hours=1)),
        ]

    def test_aware_timestamps_keep_their_zone(self) -> None:
        frame = pd.DataFrame(
            {
                "subject": ["db1"],
                "start": pd.to_datetime(["2026-03-02 09:00"]).tz_localize("Europe/Berlin"),
                "end": [pd.NaT],
            }
        )
        assert outages_from_frame(frame)[0].start == NINE

    def test_errors_name_the_frame_the_row_position_and_the_column(self) -> None:
        frame = pd.DataFrame(
            {"subject": ["db1", "db2"], "start": ["2026-03-02T08:00Z", 17], "end": [None, None]},
            index=["a", "b"],
        )
        with pytest.raises(LoadError) as caught:
            outages_from_frame(frame, name="monitoring")
        assert (caught.value.path, caught.value.line, caught.value.field) == (
            "monitoring",
            1,
            "start",
        )
        assert "expected an ISO 8601 timestamp, got 17 (int)" in caught.value.reason

    def test_nanoseconds_are_refused_rather_than_cut_off(self) -> None:
        frame = pd.DataFrame(
            {
                "subject": ["db1"],
                "start": [pd.Timestamp("2026-03-02T08:00:00.000000001Z")],
                "end": [None],
            }
        )
        with pytest.raises(LoadError, match="has nanoseconds") as caught:
            outages_from_frame(frame)
        assert (caught.value.line, caught.value.field) == (0, "start")

    def test_unknown_and_non_text_column_names_are_refused(self) -> None:
        with pytest.raises(LoadError, match="unknown column 'x'"):
            outages_from_frame(pd.DataFrame(columns=["subject", "start", "end", "x"]))
        with pytest.raises(LoadError, match="column names must be text, got 0"):
            outages_from_frame(pd.DataFrame([[1]]))

    def test_a_subject_that_is_not_text_is_refused(self) -> None:
        frame = pd.DataFrame({"subject": [42], "start": ["2026-03-02T08:00Z"], "end": [None]})
        with pytest.raises(LoadError, match="field 'subject': expected text, got 42"):
            outages_from_frame(frame)


def test_without_pandas_the_frame_reader_names_its_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError) as caught:
        outages_from_frame(object())
    assert str(caught.value) == (
        "outages_from_frame needs the optional extra 'pandas': pip install 'fitsm[pandas]'"
    )
    assert isinstance(caught.value, ImportError) and isinstance(caught.value, FitsmError)
