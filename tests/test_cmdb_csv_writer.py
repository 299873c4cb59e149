"""Writing a CMDB as CSV files that the CSV loader reads back to the same CMDB."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import (
    CiType,
    Cmdb,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    RedundancyGroup,
    ServiceNode,
    data,
)
from fitsm.cmdb import HAS_MEMBER, AttributeSpec, AttributeType
from fitsm.cmdb.configuration import Node
from fitsm.demo import example_provider
from fitsm.errors import StoreError, ValidationError
from fitsm.interop import dump_cmdb_csv, load_cmdb_csv
from tests.conftest import AT
from tests.strategies import STORABLE, small_graphs

# text the CSV format can hold: the reader strips cells and reads "\r" as "\n"
csv_text = st.text(STORABLE, max_size=12).filter(lambda t: t == t.strip() and "\r" not in t)
SCHEMA = CmdbSchema(
    [
        CiType(
            "box",
            [
                AttributeSpec("label", description="what it says on the box"),
                AttributeSpec("cores", AttributeType.INTEGER),
                AttributeSpec("ratio", AttributeType.NUMBER),
                AttributeSpec("virtual", AttributeType.BOOLEAN),
            ],
            "any box",
        ),
        CiType("switch", [AttributeSpec("label", required=True)]),
    ],
    ["runs_on"],
)
attribute_values = {
    "label": csv_text.filter(bool),
    "cores": st.integers(-(2**63), 2**63 - 1),  # what every store keeps (issue 10)
    "ratio": st.floats(allow_nan=False, allow_infinity=False) | st.integers(-5, 5),
    "virtual": st.booleans(),
}


@st.composite
def cmdbs(draw: st.DrawFn) -> Cmdb:
    """A random CMDB: any graph of small_graphs, with names, owners, attributes and types."""
    graph = draw(small_graphs())
    nodes: list[Node] = []
    for node_id in graph.ids:
        name = draw(csv_text)
        if node_id in graph.groups:
            nodes.append(RedundancyGroup(node_id, graph.groups[node_id], name))
        elif graph.kinds[node_id] == "service":
            nodes.append(ServiceNode(node_id, name))
        elif graph.kinds[node_id] == "component":
            nodes.append(ComponentNode(node_id, name))
        elif draw(st.booleans()):
            attributes = {
                key: draw(values) for key, values in attribute_values.items() if draw(st.booleans())
            }
            nodes.append(ConfigurationItem(node_id, "box", name, attributes, draw(csv_text)))
        else:
            nodes.append(ConfigurationItem(node_id, "switch", name, {"label": "sw"}))
    relationships = [
        (
            s,
            t,
            HAS_MEMBER if s in graph.groups else draw(st.sampled_from(["depends_on", "runs_on"])),
        )
        for s, t in graph.edges
    ]
    cmdb = Cmdb(SCHEMA)
    cmdb.add_many(nodes, relationships, actor="test", at=AT)
    return cmdb


def round_trip(cmdb: Cmdb, at: datetime = AT) -> Cmdb:
    with tempfile.TemporaryDirectory() as directory:
        dump_cmdb_csv(cmdb, directory)
        return load_cmdb_csv(directory, at=at)


def assert_same_content(loaded: Cmdb, cmdb: Cmdb) -> None:
    assert loaded.schema == cmdb.schema
    assert list(loaded.records.items()) == list(cmdb.records.items())
    assert list(loaded.relationships()) == list(cmdb.relationships())
    assert dict(loaded.groups) == dict(cmdb.groups)
    for group in cmdb.groups:
        assert loaded.members(group) == cmdb.members(group)


class TestRoundTrip:
    @given(cmdbs())
    def test_what_is_written_loads_back_to_the_same_records_and_relationships(self, cmdb):
        assert_same_content(round_trip(cmdb), cmdb)

    @given(cmdbs())
    def test_a_loaded_cmdb_written_and_loaded_again_is_equal_in_every_respect(self, cmdb):
        once = round_trip(cmdb)
        assert round_trip(once) == once  # history included: one load, same actor and time

    def test_the_example_provider_round_trips(self) -> None:
        _, cmdb = example_provider()
        assert_same_content(round_trip(cmdb), cmdb)

    def test_the_example_csv_directory_round_trips(self) -> None:
        examples = data.path("cmdb-csv")
        cmdb = load_cmdb_csv(examples, at=AT)
        assert round_trip(cmdb) == cmdb

    def test_the_files_are_the_three_the_loader_reads(self, tmp_path: Path) -> None:
        _, cmdb = example_provider()
        dump_cmdb_csv(cmdb, tmp_path / "new" / "dir")
        written = sorted(p.name for p in (tmp_path / "new" / "dir").iterdir())
        assert written == ["nodes.csv", "relationships.csv", "schema.json"]
        header = (tmp_path / "new" / "dir" / "nodes.csv").read_text().splitlines()[0]
        assert header.startswith('"kind","id","type","name","owner","min_up"')

    def test_the_id_and_history_are_not_part_of_the_format(self) -> None:
        cmdb = Cmdb(SCHEMA, id="prod")
        cmdb.add(ServiceNode("shop"), actor="ann", at=datetime(2025, 1, 1, tzinfo=UTC))
        loaded = round_trip(cmdb)
        assert loaded.id == "default"
        assert [(c.actor, c.at) for c in loaded.changes()] == [("loader", AT)]


class TestRefusals:
    """What CSV cannot hold is refused before anything is written, naming node and field."""

    def one(self, node: Node) -> Cmdb:
        cmdb = Cmdb(SCHEMA)
        cmdb.add(node, actor="ann", at=AT)
        return cmdb

    @pytest.mark.parametrize(
        ("node", "field", "match"),
        [
            (ServiceNode("shop", "Shop "), "name", "service 'shop': name 'Shop ' has white space"),
            (
                ConfigurationItem("b", "box", owner=" ann"),
                "owner",
                "owner ' ann' has white space at an end",
            ),
            (
                ConfigurationItem("b", "box", attributes={"label": "a\r\nb"}),
                "label",
                "holds a carriage return",
            ),
            (
                ConfigurationItem("b", "box", attributes={"label": ""}),
                "label",
                "attribute 'label' is empty text",
            ),
        ],
    )
    def test_text_the_reader_would_change_is_refused(self, tmp_path, node, field, match) -> None:
        with pytest.raises(ValidationError, match=match) as caught:
            dump_cmdb_csv(self.one(node), tmp_path / "out")
        assert caught.value.field == field
        assert "write JSON instead" in str(caught.value)
        assert not (tmp_path / "out").exists()

    def test_an_attribute_named_like_a_fixed_column_is_refused(self, tmp_path: Path) -> None:
        cmdb = Cmdb(CmdbSchema([CiType("pool", ["min_up"])]))
        with pytest.raises(ValidationError, match="'min_up', which is a fixed column") as caught:
            dump_cmdb_csv(cmdb, tmp_path)
        assert caught.value.field == "min_up"

    def test_only_a_cmdb_is_written(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError, match="expected a Cmdb"):
            dump_cmdb_csv({"nodes": []}, tmp_path)  # type: ignore[arg-type]

    def test_a_directory_that_cannot_be_made_is_a_store_error(self, tmp_path: Path) -> None:
        blocker = tmp_path / "file"
        blocker.write_text("x")
        with pytest.raises(StoreError, match="cannot write the CMDB to") as caught:
            dump_cmdb_csv(self.one(ServiceNode("shop")), blocker / "cmdb")
        assert isinstance(caught.value, OSError)
