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
        with pytest.raises(
            LoadError, match=r"ci_types\[0\]: unknown key 'nom'; allowed keys: name"
        ):
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


def line_of(path: Path, text: str, nth: int = 1) -> int:
    """The line of the nth occurrence of ``text`` in the file (-1: the last)."""
    found = [i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    return found[nth - 1 if nth > 0 else nth]


class TestJsonIsStrict:
    @pytest.mark.parametrize(
        ("where", "key"),
        [("top", "relationship"), ("cis", "attribute"), ("redundancy_groups", "member")],
    )
    def test_a_misspelt_key_is_named_with_the_allowed_ones(self, tmp_path, where, key) -> None:
        doc = minimal(cis=[{"id": "s1", "type": "server", "attributes": {"hostname": "s1"}}])
        if where == "top":
            doc[key] = doc.pop("relationships")
        elif where == "cis":
            doc["cis"][0][key] = doc["cis"][0].pop("attributes")
        else:
            doc["redundancy_groups"] = [{"id": "g", key: ["s1"]}]
        path = write_json(tmp_path, doc)
        with pytest.raises(LoadError, match=f"unknown key '{key}'; allowed keys: ") as e:
            load_cmdb_json(path, at=AT)
        assert e.value.path == str(path) and e.value.field == key
        assert e.value.line == line_of(path, f'"{key}"')

    def test_duplicate_keys_are_refused_at_the_second(self, tmp_path: Path) -> None:
        path = tmp_path / "cmdb.json"
        path.write_text('{\n  "id": "a",\n  "cis": [],\n  "id": "b"\n}\n')
        with pytest.raises(LoadError, match="key 'id' appears twice") as e:
            load_cmdb_json(path, at=AT)
        assert e.value.line == 4

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("NaN", "NaN is not a JSON number"),
            ("-Infinity", "-Infinity is not a JSON number"),
            ("1e999", "too large for a double"),
            ("9" * 5000, "longer than 40 characters"),
        ],
        ids=["nan", "-inf", "1e999", "5000 digits"],
    )
    def test_numbers_json_does_not_have_are_refused(self, tmp_path, value, message) -> None:
        text = json.dumps(minimal(), indent=2).replace('"hostname": "s1"', f'"cores": {value}')
        path = tmp_path / "cmdb.json"
        path.write_text(text)
        with pytest.raises(LoadError, match=message) as e:
            load_cmdb_json(path, at=AT)
        assert e.value.line == line_of(path, '"cores"', -1)

    def test_a_deeply_nested_document_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "deep.json"
        path.write_text('{"cis": ' + "[" * 100_000 + "]" * 100_000 + "}")
        with pytest.raises(LoadError, match="nested too deeply"):
            load_cmdb_json(path, at=AT)

    @pytest.mark.parametrize("members", [5, "ab", [1], ["s1", None]], ids=str)
    def test_members_must_be_a_list_of_ids(self, tmp_path, members) -> None:
        path = write_json(tmp_path, minimal(redundancy_groups=[{"id": "g", "members": members}]))
        with pytest.raises(LoadError, match="member") as e:
            load_cmdb_json(path, at=AT)
        assert e.value.field == "members"
        assert e.value.line == line_of(path, '"members"')

    def test_a_cycle_names_the_line_of_a_relationship_on_it(self, tmp_path: Path) -> None:
        rels = [{"source": "svc", "target": "s1"}, {"source": "s1", "target": "svc"}]
        path = write_json(tmp_path, minimal(relationships=rels))
        with pytest.raises(LoadError, match="closes a dependency cycle: (svc|s1) -> ") as e:
            load_cmdb_json(path, at=AT)
        assert e.value.line in (line_of(path, '"source": "svc"'), line_of(path, '"source": "s1"'))

    def test_a_group_smaller_than_min_up_names_its_line(self, tmp_path: Path) -> None:
        groups = [{"id": "g", "min_up": 2, "members": ["s1"]}]
        path = write_json(tmp_path, minimal(redundancy_groups=groups))
        with pytest.raises(LoadError, match="'g' needs 2 members up .* but has 1") as e:
            load_cmdb_json(path, at=AT)
        assert (e.value.field, e.value.line) == ("min_up", line_of(path, '"min_up"'))

    def test_a_group_with_a_dependency_of_its_own_names_its_line(self, tmp_path: Path) -> None:
        groups = [{"id": "g", "members": ["s1"]}]
        rels = [{"source": "svc", "target": "g"}, {"source": "g", "target": "svc"}]
        path = write_json(tmp_path, minimal(redundancy_groups=groups, relationships=rels))
        with pytest.raises(LoadError, match="'g' can have no relationship of its own") as e:
            load_cmdb_json(path, at=AT)
        assert e.value.line == line_of(path, '"source": "g"')

    def test_a_schema_error_names_the_attribute_and_its_line(self, tmp_path: Path) -> None:
        schema = {
            "ci_types": [
                {"name": "server", "attributes": [{"name": "hostname"}, {"name": "cores"}]},
                {"name": "switch", "attributes": ["port", {"name": "speed", "type": "numbr"}]},
            ]
        }
        path = write_json(tmp_path, minimal(schema=schema, cis=[], relationships=[]))
        with pytest.raises(LoadError, match="'numbr' is not a valid AttributeType") as e:
            load_cmdb_json(path, at=AT)
        assert (e.value.field, e.value.line) == ("type", line_of(path, '"numbr"'))

    def test_a_reserved_attribute_name_points_at_the_attribute(self, tmp_path: Path) -> None:
        schema = {"ci_types": [{"name": "server", "attributes": ["rack", {"name": "owner"}]}]}
        path = write_json(tmp_path, minimal(schema=schema, cis=[], relationships=[]))
        with pytest.raises(LoadError, match="'owner' is a field of every CI record") as e:
            load_cmdb_json(path, at=AT)
        assert e.value.line == line_of(path, '"name": "owner"')

    def test_ci_types_may_be_given_by_name_as_in_python(self, tmp_path: Path) -> None:
        doc = minimal(schema={"ci_types": ["server"], "relationship_types": ["runs_on"]})
        doc["cis"] = [{"id": "s1", "type": "server"}]
        cmdb = load_cmdb_json(write_json(tmp_path, doc), at=AT)
        assert cmdb.schema.ci_type_names == ("server",)
        assert "runs_on" in cmdb.schema.relationship_type_names

    def test_a_null_attribute_is_left_out(self, tmp_path: Path) -> None:
        cis = [{"id": "s1", "type": "server", "attributes": {"hostname": "h", "cores": None}}]
        cmdb = load_cmdb_json(write_json(tmp_path, minimal(cis=cis)), at=AT)
        assert dict(cmdb.ci("s1").attributes) == {"hostname": "h"}

    def test_a_byte_order_mark_is_accepted(self, tmp_path: Path) -> None:
        path = tmp_path / "cmdb.json"
        path.write_bytes(b"\xef\xbb\xbf" + json.dumps(minimal()).encode())
        assert "s1" in load_cmdb_json(path, at=AT)

    def test_owners_of_services_components_and_groups_round_trip(self, tmp_path: Path) -> None:
        doc = minimal(
            services=[{"id": "svc", "owner": "carol"}],
            components=[{"id": "front", "name": "Front end", "owner": "ops"}],
            redundancy_groups=[{"id": "g", "owner": "ops", "members": ["s1"]}],
        )
        cmdb = load_cmdb_json(write_json(tmp_path, doc), at=AT)
        assert [cmdb[i].owner for i in ("svc", "front", "g")] == ["carol", "ops", "ops"]
        dump_cmdb_json(cmdb, tmp_path / "again.json")
        again = load_cmdb_json(tmp_path / "again.json", at=AT)
        assert again._records == cmdb._records

    def test_text_no_store_keeps_is_refused_with_its_line(self, tmp_path: Path) -> None:
        cis = [{"id": "s1", "type": "server", "attributes": {"hostname": "\ud800"}}]
        path = tmp_path / "cmdb.json"
        path.write_text(json.dumps(minimal(cis=cis), indent=2))  # written as "\ud800"
        with pytest.raises(LoadError, match="lone surrogates") as e:
            load_cmdb_json(path, at=AT)
        assert e.value.line == line_of(path, '"hostname"', -1)


class TestCsvIsStrict:
    @pytest.mark.parametrize("cell", ["1_000", "\u0664", "4.0", "0x10", "+ 4"])
    def test_an_integer_is_written_in_ascii_digits(self, csv_dir, cell) -> None:
        path = csv_dir / "nodes.csv"
        path.write_text(path.read_text().replace(",4,true", f",{cell},true", 1))
        with pytest.raises(LoadError, match=r"nodes\.csv:6: field 'cores': .* must be integer"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_min_up_is_written_in_ascii_digits(self, csv_dir: Path) -> None:
        path = csv_dir / "nodes.csv"
        path.write_text(path.read_text().replace("ops,2,", "ops,1_0,"))
        with pytest.raises(LoadError, match=r"nodes\.csv:5: field 'min_up'"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_a_huge_header_cell_is_a_load_error(self, csv_dir: Path) -> None:
        (csv_dir / "nodes.csv").write_text("kind,id," + "x" * 200_000 + "\n,s1,server\n")
        with pytest.raises(LoadError, match=r"nodes\.csv:1: not valid CSV"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_owners_are_kept_for_every_kind(self, csv_dir: Path) -> None:
        cmdb = load_cmdb_csv(csv_dir, at=AT)
        assert (cmdb["shop"].owner, cmdb["frontend"].owner, cmdb["web-pool"].owner) == (
            "carol",
            "ops",
            "ops",
        )

    def test_a_byte_order_mark_is_accepted(self, csv_dir: Path) -> None:
        for name in ("nodes.csv", "relationships.csv", "schema.json"):
            path = csv_dir / name
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        assert load_cmdb_csv(csv_dir, at=AT).kind("shop") is NodeKind.SERVICE

    def test_a_cell_that_does_not_apply_to_the_kind_is_refused(self, csv_dir: Path) -> None:
        path = csv_dir / "nodes.csv"
        path.write_text(path.read_text().replace("service,shop,,", "service,shop,server,"))
        with pytest.raises(LoadError, match=r"nodes\.csv:2: field 'type': a service has no"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_an_attribute_named_like_a_column_is_refused_in_the_schema(self, csv_dir: Path) -> None:
        path = csv_dir / "schema.json"
        path.write_text(path.read_text().replace('{"name": "location"}', '{"name": "min_up"}'))
        with pytest.raises(LoadError, match=r"field 'name': .*'min_up' has the name of a col") as e:
            load_cmdb_csv(csv_dir, at=AT)
        assert e.value.line == line_of(path, '"min_up"')

    def test_an_unknown_relationship_column_is_named(self, csv_dir: Path) -> None:
        path = csv_dir / "relationships.csv"
        path.write_text(path.read_text().replace("source,target,type", "source,target,typ", 1))
        with pytest.raises(LoadError, match="unknown column 'typ'; allowed columns: source"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_a_column_given_twice_is_named(self, csv_dir: Path) -> None:
        path = csv_dir / "nodes.csv"
        path.write_text(path.read_text().replace(",engine\n", ",cores\n", 1))
        with pytest.raises(LoadError, match="column 'cores' appears twice"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_a_group_too_small_names_its_own_line_in_nodes_csv(self, csv_dir: Path) -> None:
        path = csv_dir / "relationships.csv"
        path.write_text(path.read_text().replace("web-pool,web3,has_member\n", ""))
        path.write_text(path.read_text().replace("web-pool,web2,has_member\n", ""))
        with pytest.raises(LoadError, match=r"nodes\.csv:5: field 'min_up': .*'web-pool' needs 2"):
            load_cmdb_csv(csv_dir, at=AT)

    def test_a_cycle_names_its_line_in_relationships_csv(self, csv_dir: Path) -> None:
        path = csv_dir / "relationships.csv"
        path.write_text(path.read_text() + "sw1,db1,connects_to\n")
        with pytest.raises(LoadError, match=r"relationships\.csv:\d+: relationship .* cycle"):
            load_cmdb_csv(csv_dir, at=AT)
