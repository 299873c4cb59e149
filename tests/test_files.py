"""Loading CMDBs from JSON and CSV: documented formats, precise errors, nothing half-loaded."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fitsm import Cmdb, load_cmdb
from fitsm.cmdb import NodeKind
from fitsm.demo import example_provider
from fitsm.errors import LoadError, NaiveDatetimeError, ValidationError
from fitsm.interop import dump_cmdb_json, load_cmdb_csv, load_cmdb_json
from tests.conftest import AT

EXAMPLES = Path(__file__).parent.parent / "src" / "fitsm" / "data"


@pytest.fixture
def csv_dir(tmp_path: Path) -> Path:
    target = tmp_path / "cmdb"
    shutil.copytree(EXAMPLES / "cmdb-csv", target)
    return target


def write_json(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "cmdb.json"
    path.write_text(json.dumps(doc, indent=2))
    return path


def minimal(**sections) -> dict:
    doc = {
        "format": "fitsm-cmdb/1",
        "schema": {
            "ci_types": [
                {
                    "name": "server",
                    "attributes": [
                        {"name": "hostname", "required": True},
                        {"name": "cores", "type": "integer"},
                    ],
                }
            ]
        },
        "services": [{"id": "svc"}],
        "cis": [{"id": "s1", "type": "server", "attributes": {"hostname": "s1"}}],
        "relationships": [{"source": "svc", "target": "s1"}],
    }
    doc.update(sections)
    return doc


class TestJson:
    def test_the_example_file_holds_the_example_cmdb(self) -> None:
        _, cmdb = example_provider()
        loaded = load_cmdb(EXAMPLES / "example-cmdb.json", at=AT)
        assert loaded._records == cmdb._records
        assert set(loaded.relationships()) == set(cmdb.relationships())
        assert loaded.schema == cmdb.schema

    def test_dump_and_load_round_trip(self, tmp_path: Path) -> None:
        _, cmdb = example_provider()
        dump_cmdb_json(cmdb, tmp_path / "out.json")
        again = load_cmdb_json(tmp_path / "out.json", at=AT)
        assert again._records == cmdb._records and again._succ == cmdb._succ

    def test_every_loaded_item_has_a_history(self, tmp_path: Path) -> None:
        cmdb = load_cmdb_json(write_json(tmp_path, minimal()), at=AT)
        assert [c.action.value for c in cmdb.history("s1")] == ["created", "created"]
        assert cmdb.history("s1")[0].actor == "loader"

    def test_the_load_is_recorded_at_exactly_the_time_given(self, tmp_path: Path) -> None:
        path = write_json(tmp_path, minimal())
        given = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
        cmdb = load_cmdb_json(path, at=given)
        assert {c.at for c in cmdb.changes()} == {given}
        assert load_cmdb_json(path, at=given) == cmdb  # the same file and time, the same CMDB

    def test_a_load_without_at_fails_before_reading(self, tmp_path: Path) -> None:
        missing = tmp_path / "nope.json"
        with pytest.raises(TypeError, match="required keyword-only argument: 'at'"):
            load_cmdb(missing)
        with pytest.raises(ValidationError, match="at must be an aware datetime") as e:
            load_cmdb(missing, at=None)
        assert e.value.field == "at" and not isinstance(e.value, LoadError)
        with pytest.raises(NaiveDatetimeError):
            load_cmdb_csv(missing, at=datetime(2026, 1, 5))

    def test_invalid_json_names_the_line(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.json"
        path.write_text('{\n  "cis": [\n    {"id": "a",}\n  ]\n}\n')
        with pytest.raises(LoadError, match=r"bad\.json:3: not valid JSON") as e:
            load_cmdb_json(path, at=AT)
        assert e.value.line == 3

    def test_an_unknown_ci_type_names_file_line_and_field(self, tmp_path: Path) -> None:
        cis = [
            {"id": "s1", "type": "server", "attributes": {"hostname": "s1"}},
            {"id": "s2", "type": "sever"},
        ]
        path = write_json(tmp_path, minimal(cis=cis))
        with pytest.raises(LoadError) as e:
            load_cmdb_json(path, at=AT)
        assert '"type": "sever"' in path.read_text().splitlines()[e.value.line - 1]
        assert e.value.field == "type"
        assert "unknown CI type 'sever'" in str(e.value)
        assert str(e.value).startswith(f"{path}:{e.value.line}: field 'type':")

    @pytest.mark.parametrize(
        ("cis", "field", "message"),
        [
            ([{"type": "server"}], "id", "'id' is required"),
            ([{"id": "s1", "type": "server"}], "hostname", "missing required attribute"),
            (
                [{"id": "s1", "type": "server", "attributes": {"hostname": "h", "cores": "8"}}],
                "cores",
                "must be integer",
            ),
            ([{"id": "s1", "type": "server", "attributes": []}], "attributes", "must be an object"),
        ],
    )
    def test_bad_records_name_the_field(self, tmp_path, cis, field, message) -> None:
        with pytest.raises(LoadError, match=message) as e:
            load_cmdb_json(write_json(tmp_path, minimal(cis=cis, relationships=[])), at=AT)
        assert e.value.field == field
        assert e.value.line is not None

    def test_a_relationship_to_an_unknown_ci_names_its_line(self, tmp_path: Path) -> None:
        rels = [{"source": "svc", "target": "s1"}, {"source": "svc", "target": "ghost"}]
        path = write_json(tmp_path, minimal(relationships=rels))
        with pytest.raises(LoadError, match="names 'ghost', which is not defined") as e:
            load_cmdb_json(path, at=AT)
        assert '"target": "ghost"' in path.read_text().splitlines()[e.value.line - 1]
        assert e.value.field == "target"

    def test_a_duplicate_id_names_the_first_line(self, tmp_path: Path) -> None:
        cis = [{"id": "s1", "type": "server", "attributes": {"hostname": "a"}}] * 2
        with pytest.raises(LoadError, match=r"'s1' was already used \(line \d+\)"):
            load_cmdb_json(write_json(tmp_path, minimal(cis=cis)), at=AT)

    def test_a_cycle_is_named(self, tmp_path: Path) -> None:
        rels = [{"source": "svc", "target": "s1"}, {"source": "s1", "target": "svc"}]
        with pytest.raises(LoadError, match="cycle"):
            load_cmdb_json(write_json(tmp_path, minimal(relationships=rels)), at=AT)

    def test_a_wrong_format_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(LoadError, match="expected 'fitsm-cmdb/1', got 'other/2'"):
            load_cmdb_json(write_json(tmp_path, minimal(format="other/2")), at=AT)

    def test_a_malformed_schema_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(LoadError, match="schema"):
            load_cmdb_json(
                write_json(tmp_path, minimal(schema={"ci_types": [{"nom": "x"}]})), at=AT
            )

    def test_a_missing_file_is_named(self, tmp_path: Path) -> None:
        with pytest.raises(LoadError, match="nope.json: no such file"):
            load_cmdb(tmp_path / "nope.json", at=AT)

    def test_a_binary_file_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "bin.json"
        path.write_bytes(b"\xff\xfe\x00")
        with pytest.raises(LoadError, match="not UTF-8"):
            load_cmdb_json(path, at=AT)


class TestCsv:
    def test_the_example_directory_loads(self, csv_dir: Path) -> None:
        cmdb = load_cmdb(csv_dir, at=AT)
        assert isinstance(cmdb, Cmdb)
        assert cmdb.ci("web1").attributes == {
            "hostname": "web1.example.org",
            "cores": 4,
            "virtual": True,
        }
        assert cmdb.ci("db1").attributes == {"engine": "postgresql"}
        assert cmdb.kind("web-pool") is NodeKind.GROUP
        assert cmdb.members("web-pool") == ("web1", "web2", "web3")
        assert cmdb.impact(["web1", "web2"]).services_down == {"shop"}

    def test_a_bad_cell_names_file_line_and_column(self, csv_dir: Path) -> None:
        path = csv_dir / "nodes.csv"
        lines = path.read_text().splitlines()
        lines[5] = lines[5].replace(",4,", ",four,")
        path.write_text("\n".join(lines) + "\n")
        with pytest.raises(
            LoadError, match=r"nodes\.csv:6: field 'cores': attribute 'cores' must be integer"
        ):
            load_cmdb_csv(csv_dir, at=AT)

    def test_an_unknown_kind_is_named(self, csv_dir: Path) -> None:
        path = csv_dir / "nodes.csv"
        path.write_text(path.read_text().replace("service_component,backend", "servce,backend"))
        with pytest.raises(LoadError, match=r"nodes\.csv:4: field 'kind': unknown kind 'servce'"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_a_relationship_to_an_unknown_node_names_its_line(self, csv_dir: Path) -> None:
        path = csv_dir / "relationships.csv"
        path.write_text(path.read_text() + "db1,sw2,connects_to\n")
        with pytest.raises(LoadError, match=r"relationships\.csv:13: field 'target'.*'sw2'"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_a_missing_column_is_named(self, csv_dir: Path) -> None:
        (csv_dir / "relationships.csv").write_text("from,to\nshop,frontend\n")
        with pytest.raises(LoadError, match="missing column 'source'"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_an_unknown_relationship_type_is_named(self, csv_dir: Path) -> None:
        path = csv_dir / "relationships.csv"
        path.write_text(path.read_text() + "db1,web1,feeds\n")
        with pytest.raises(LoadError, match=r"relationships\.csv:13: field 'type'"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_a_group_too_small_for_min_up_is_refused(self, csv_dir: Path) -> None:
        path = csv_dir / "relationships.csv"
        path.write_text(
            path.read_text()
            .replace("web-pool,web3,has_member\n", "")
            .replace("web-pool,web2,has_member\n", "")
        )
        with pytest.raises(LoadError, match="'web-pool' needs 2 members up"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_a_missing_schema_is_named(self, csv_dir: Path) -> None:
        (csv_dir / "schema.json").unlink()
        with pytest.raises(LoadError, match="schema.json: no such file"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_a_ragged_row_is_refused(self, csv_dir: Path) -> None:
        path = csv_dir / "relationships.csv"
        path.write_text(path.read_text() + "db1,sw1,connects_to,extra\n")
        with pytest.raises(LoadError, match=r"relationships\.csv:13: more cells than columns"):
            load_cmdb_csv(csv_dir, at=AT)
