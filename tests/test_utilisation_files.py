"""Utilisation samples from CSV files and DataFrames (PR5.2), errors naming file, line, field."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from fitsm.errors import LoadError, ValidationError
from fitsm.interop import read_utilisation, utilisation_from_frame
from fitsm.time.intervals import micros


def error(source: object, **kwargs: object) -> LoadError:
    with pytest.raises(LoadError) as caught:
        read_utilisation(source, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_rows_become_one_sorted_series_per_subject_and_metric(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "subject,metric,at,value,unit\n"
        "san1,storage,2026-03-02T00:00:00Z,41.5,TB\n"
        "hv1,cpu,2026-03-01T00:00:00Z,12,core\n"
        "san1,storage,2026-03-01T00:00:00Z,41000,GB\n"
    )
    with pytest.raises(LoadError) as caught:
        read_utilisation(path)
    # one unit per series: the GB row contradicts line 2's TB
    assert (caught.value.line, caught.value.field) == (4, "unit")
    assert "line 2" in str(caught.value)
    path.write_text(path.read_text().replace("41000,GB", "41.0,TB"))
    hv1, san1 = read_utilisation(path)
    assert (hv1.subject, hv1.metric, hv1.unit, hv1.values.tolist()) == ("hv1", "cpu", "core", [12])
    assert san1.values.tolist() == [41.0, 41.5]  # sorted by time
    assert san1.times.tolist() == [
        micros(datetime(2026, 3, 1, tzinfo=UTC)),
        micros(datetime(2026, 3, 2, tzinfo=UTC)),
    ]


def test_naive_times_are_read_in_the_zone_and_the_unit_may_be_given_once() -> None:
    text = "host,metric,at,used\nsan1,storage,2026-07-01 12:00,40\n"
    [series] = read_utilisation(
        io.StringIO(text), unit="TB", zone="Europe/Berlin",
        columns={"subject": "host", "value": "used"},
    )  # fmt: skip
    assert series.start == datetime(2026, 7, 1, 10, tzinfo=UTC)  # CEST is UTC+2


@pytest.mark.parametrize(
    ("text", "kwargs", "line", "field", "reason"),
    [
        ("subject,metric,at\n", {"unit": "TB"}, 1, "value", "missing column 'value'"),
        ("subject,metric,at,value\n", {}, 1, None, "no unit"),
        ("subject,metric,at,value,x\n", {"unit": "TB"}, 1, "x", "unknown column 'x'"),
        ("subject,metric,at,value\ns,m,2026-03-01T00:00Z,lots\n", {"unit": "TB"}, 2, "value",
         "expected a number"),
        ("subject,metric,at,value\ns,m,2026-03-01T00:00Z,nan\n", {"unit": "TB"}, 2, "value",
         "finite"),
        ("subject,metric,at,value\ns,m,2026-03-01 00:00,1\n", {"unit": "TB"}, 2, "at",
         "no UTC offset"),
        ("subject,metric,at,value\n,m,2026-03-01T00:00Z,1\n", {"unit": "TB"}, 2, "subject",
         "required"),
        ("subject,metric,at,value,unit\ns,m,2026-03-01T00:00Z,1,parsecs_of_disk\n", {}, 2,
         "unit", "parsecs_of_disk"),
        ("subject,metric,at,value\ns,m,2026-03-01T00:00Z,1\ns,m,2026-03-01T01:00+01:00,2\n",
         {"unit": "TB"}, 3, "at", "already (line 2)"),
    ],
)  # fmt: skip
def test_a_bad_cell_or_header_is_named(
    text: str, kwargs: dict[str, object], line: int, field: str | None, reason: str
) -> None:
    found = error(io.StringIO(text), **kwargs)
    assert (found.line, found.field) == (line, field)
    assert reason in found.reason


def test_a_time_the_clocks_skip_is_refused() -> None:
    text = "subject,metric,at,value\ns,m,2026-03-29 02:30,1\n"
    found = error(io.StringIO(text), unit="TB", zone="Europe/Berlin")
    assert "does not exist" in found.reason


def test_bad_arguments_are_the_callers_error() -> None:
    with pytest.raises(ValidationError, match="not a field of a sample") as caught:
        read_utilisation(io.StringIO(""), columns={"when": "at"})
    assert not isinstance(caught.value, LoadError)
    with pytest.raises(ValidationError, match="furlongs"):
        read_utilisation(io.StringIO(""), unit="furlongs_of_disk")


def test_a_frame_reads_like_the_file() -> None:
    frame = pd.DataFrame(
        {
            "subject": ["san1", "san1"],
            "metric": ["storage", "storage"],
            "at": [pd.Timestamp("2026-03-01 12:00"), pd.Timestamp("2026-03-01 13:00")],
            "value": [40.0, 41],
        }
    )
    [series] = utilisation_from_frame(frame, unit="TB", zone="UTC")
    assert series.values.tolist() == [40.0, 41.0]
    assert series.start == datetime(2026, 3, 1, 12, tzinfo=UTC)
    frame.loc[1, "value"] = float("nan")
    with pytest.raises(LoadError) as caught:
        utilisation_from_frame(frame, unit="TB", zone="UTC", name="usage")
    assert (caught.value.path, caught.value.line, caught.value.field) == ("usage", 1, "value")
