"""The CMDB aggregate: scope, records, relationships, cycles, history and the graph view."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import (
    CiType,
    Cmdb,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    FitsmError,
    NotFoundError,
    RedundancyGroup,
    Service,
    ServiceComponent,
    ServiceNode,
    ServicePortfolio,
    ValidationError,
)
from fitsm.cmdb import AttributeSpec, CmdbAction, NodeKind
from fitsm.errors import CycleError, DuplicateError, NaiveDatetimeError
from tests.conftest import AT
from tests.strategies import small_graphs


def snapshot(cmdb: Cmdb) -> tuple:
    return (
        dict(cmdb._records),
        {n: dict(a) for n, a in cmdb._succ.items()},
        {n: dict(a) for n, a in cmdb._pred.items()},
        dict(cmdb._node),
        list(cmdb.changes()),
    )


class TestSchema:
    def test_unknown_ci_type_is_rejected_naming_it(self, schema, at) -> None:
        cmdb = Cmdb(schema)
        with pytest.raises(
            ValidationError, match="unknown CI type 'sever'.*database, server, switch"
        ):
            cmdb.add(ConfigurationItem("x", "sever"), actor="ann", at=at)
        assert "x" not in cmdb

    def test_missing_required_attribute_is_rejected(self, schema, at) -> None:
        with pytest.raises(ValidationError, match="missing required attribute 'hostname'") as e:
            Cmdb(schema).add(ConfigurationItem("s1", "server"), actor="ann", at=at)
        assert e.value.field == "hostname"

    def test_undeclared_attribute_is_rejected(self, schema, at) -> None:
        ci = ConfigurationItem("s1", "server", attributes={"hostname": "a", "colour": "red"})
        with pytest.raises(ValidationError, match="attribute 'colour'.*does not define"):
            Cmdb(schema).add(ci, actor="ann", at=at)

    @pytest.mark.parametrize(
        ("name", "value"), [("cores", "8"), ("cores", True), ("virtual", 1), ("hostname", 3)]
    )
    def test_attribute_of_the_wrong_type_is_rejected(self, schema, at, name, value) -> None:
        ci = ConfigurationItem("s1", "server", attributes={"hostname": "h", name: value})
        with pytest.raises(ValidationError, match=f"attribute '{name}' must be"):
            Cmdb(schema).add(ci, actor="ann", at=at)

    def test_unknown_relationship_type_is_rejected(self, shop: Cmdb) -> None:
        with pytest.raises(ValidationError, match="unknown relationship type 'feeds'"):
            shop.add_relationship("db1", "web1", "feeds", actor="ann", at=AT)

    def test_record_fields_cannot_be_declared_as_attributes(self) -> None:
        with pytest.raises(ValidationError, match="'name' is a field of every CI record"):
            CiType("server", ["name"])

    def test_types_cannot_be_declared_twice(self) -> None:
        with pytest.raises(ValidationError, match="'depends_on' is declared twice or is built in"):
            CmdbSchema(relationship_types=["depends_on"])
        with pytest.raises(ValidationError, match="declared twice"):
            CmdbSchema(ci_types=["a", "a"])

    def test_extended_schema_keeps_the_old_types(self, schema) -> None:
        wider = schema.extended(ci_types=[CiType("router")], relationship_types=["routes_via"])
        assert "router" in wider.ci_type_names and "server" in wider.ci_type_names
        assert wider.has_relationship_type("routes_via")

    def test_attribute_spec_type_must_be_known(self) -> None:
        with pytest.raises(ValidationError, match="'text' is not a valid AttributeType"):
            AttributeSpec("x", "text")


class TestNodes:
    def test_ids_are_unique_across_kinds(self, shop: Cmdb) -> None:
        with pytest.raises(DuplicateError, match="'db1' is already used by a configuration_item"):
            shop.add(ServiceNode("db1"), actor="ann", at=AT)

    @pytest.mark.parametrize("bad", ["", " web", 7, None])
    def test_bad_ids_are_rejected(self, bad) -> None:
        with pytest.raises(ValidationError, match="must be a non-empty string"):
            ConfigurationItem(bad, "server")

    def test_records_are_immutable(self, shop: Cmdb) -> None:
        with pytest.raises(TypeError):
            shop.ci("web1").attributes["hostname"] = "x"  # type: ignore[index]

    def test_lookups_name_the_missing_id(self, shop: Cmdb) -> None:
        with pytest.raises(NotFoundError, match="'nope'"):
            shop["nope"]
        with pytest.raises(NotFoundError, match="'shop' is a service, not a configuration item"):
            shop.ci("shop")

    def test_kinds_and_listing(self, shop: Cmdb) -> None:
        assert shop.kind("web-pool") is NodeKind.GROUP
        assert [n.id for n in shop.nodes("service")] == ["shop"]
        assert len(shop) == 9
        assert shop.members("web-pool") == ("web1", "web2", "web3")
        assert set(shop.dependents("sw1")) == {"web1", "web2", "web3", "db1"}

    def test_add_portfolio_adds_services_and_components(self, schema, at) -> None:
        portfolio = ServicePortfolio()
        portfolio.add_service(Service("mail", "E-mail"))
        portfolio.add_component(ServiceComponent("mta", "Mail transport"))
        cmdb = Cmdb(schema)
        cmdb.add_portfolio(portfolio, actor="ann", at=at)
        cmdb.add_portfolio(portfolio, actor="ann", at=at)  # idempotent
        assert cmdb["mail"] == ServiceNode("mail", "E-mail")
        assert cmdb["mta"] == ComponentNode("mta", "Mail transport")

    def test_update_records_one_change_per_field(self, shop: Cmdb, at) -> None:
        later = at + timedelta(hours=1)
        shop.update_ci(
            "web1",
            actor="bob",
            at=later,
            owner="ops",
            attributes={"hostname": "web1.example.org", "cores": 8},
        )
        changes = [c for c in shop.history("web1") if c.action is CmdbAction.UPDATED]
        assert [(c.attribute, c.old, c.new, c.actor, c.at) for c in changes] == [
            ("owner", "", "ops", "bob", later),
            ("cores", None, 8, "bob", later),
            ("hostname", "web1", "web1.example.org", "bob", later),
        ]

    def test_update_that_breaks_the_schema_changes_nothing(self, shop: Cmdb) -> None:
        before = snapshot(shop)
        with pytest.raises(ValidationError, match="missing required attribute 'hostname'"):
            shop.update_ci("web1", actor="bob", at=AT, attributes={"hostname": None})
        assert snapshot(shop) == before

    def test_update_without_a_difference_records_nothing(self, shop: Cmdb) -> None:
        before = len(list(shop.changes()))
        shop.update_ci("web1", actor="bob", at=AT, attributes={"hostname": "web1"})
        assert len(list(shop.changes())) == before

    def test_remove_records_the_relationships_and_the_node(self, shop: Cmdb) -> None:
        shop.remove("db1", actor="bob", at=AT)
        assert "db1" not in shop
        removed = [c for c in shop.history("db1") if c.action is CmdbAction.DELETED]
        assert [(c.subject, c.target) for c in removed] == [
            ("db1", "sw1"),
            ("backend", "db1"),
            ("db1", None),
        ]
        assert "backend" not in shop.graph.pred["sw1"]

    def test_a_group_cannot_lose_the_members_it_needs(self, shop: Cmdb) -> None:
        shop.remove("web1", actor="bob", at=AT)
        with pytest.raises(ValidationError, match="'web-pool' needs 2 members up"):
            shop.remove("web2", actor="bob", at=AT)
        with pytest.raises(ValidationError, match="'web-pool' needs 2 members up"):
            shop.remove_relationship("web-pool", "web3", actor="bob", at=AT)
        assert shop.members("web-pool") == ("web2", "web3")

    def test_min_up_must_be_a_positive_whole_number(self) -> None:
        with pytest.raises(ValidationError, match="min_up must be a whole number >= 1, got 0"):
            RedundancyGroup("g", 0)

    def test_a_group_needs_at_least_min_up_members(self, shop: Cmdb) -> None:
        with pytest.raises(ValidationError, match="'db-pair' needs 2 members up.*would have 1"):
            shop.add_redundancy_group(RedundancyGroup("db-pair", 2), ["db1"], actor="ann", at=AT)
        assert "db-pair" not in shop


class TestRelationships:
    def test_unknown_ends_are_named(self, shop: Cmdb) -> None:
        with pytest.raises(NotFoundError, match="names 'ghost'"):
            shop.add_relationship("shop", "ghost", actor="ann", at=AT)

    def test_a_duplicate_is_rejected(self, shop: Cmdb) -> None:
        with pytest.raises(DuplicateError, match="'backend' -> 'db1' already exists"):
            shop.add_relationship("backend", "db1", actor="ann", at=AT)

    def test_a_cycle_is_rejected_and_named(self, shop: Cmdb) -> None:
        before = snapshot(shop)
        with pytest.raises(CycleError) as e:
            shop.add_relationship("sw1", "shop", actor="ann", at=AT)
        assert e.value.cycle[0] == e.value.cycle[-1] == "sw1"
        assert "sw1 -> shop -> " in str(e.value)
        assert snapshot(shop) == before

    def test_a_self_dependency_is_a_cycle(self, shop: Cmdb) -> None:
        with pytest.raises(CycleError, match="'db1' cannot depend on itself"):
            shop.add_relationship("db1", "db1", actor="ann", at=AT)

    def test_only_groups_use_has_member_and_only_it(self, shop: Cmdb) -> None:
        with pytest.raises(ValidationError, match="has_member"):
            shop.add_relationship("backend", "web1", "has_member", actor="ann", at=AT)
        with pytest.raises(ValidationError, match="has_member"):
            shop.add_relationship("web-pool", "db1", actor="ann", at=AT)

    def test_relationships_read_back_with_their_type(self, shop: Cmdb) -> None:
        assert shop.relationship("db1", "sw1").type == "connects_to"
        assert len(list(shop.relationships())) == 11
        with pytest.raises(NotFoundError):
            shop.relationship("sw1", "db1")


class TestBulkLoad:
    def test_a_bad_record_leaves_the_cmdb_as_it_was(self, shop: Cmdb) -> None:
        before = snapshot(shop)
        with pytest.raises(ValidationError, match="unknown CI type"):
            shop.add_many(
                [ConfigurationItem("sw2", "switch"), ConfigurationItem("x", "nope")],
                [("sw2", "sw1")],
                actor="ann",
                at=AT,
            )
        assert snapshot(shop) == before

    @pytest.mark.parametrize("size", [3, 100])
    def test_a_cycle_in_a_batch_is_named_and_nothing_stays(self, schema, at, size) -> None:
        cmdb = Cmdb(schema)
        nodes = [ConfigurationItem(f"s{i}", "switch") for i in range(size)]
        ring = [(f"s{i}", f"s{(i + 1) % size}") for i in range(size)]
        with pytest.raises(CycleError, match="dependency cycle") as e:
            cmdb.add_many(nodes, ring, actor="ann", at=at)
        assert len(e.value.cycle) == size + 1
        assert len(cmdb) == 0 and cmdb.graph.number_of_edges() == 0

    def test_a_relationship_given_twice_is_rejected(self, schema, at) -> None:
        cmdb = Cmdb(schema)
        nodes = [ConfigurationItem("a", "switch"), ConfigurationItem("b", "switch")]
        with pytest.raises(DuplicateError, match="'a' -> 'b' is given twice"):
            cmdb.add_many(nodes, [("a", "b"), ("a", "b", "connects_to")], actor="ann", at=at)
        assert len(cmdb) == 0

    def test_an_id_given_twice_is_rejected(self, schema, at) -> None:
        nodes = [ConfigurationItem("a", "switch"), ConfigurationItem("a", "switch")]
        with pytest.raises(DuplicateError, match="'a' appears twice"):
            Cmdb(schema).add_many(nodes, [], actor="ann", at=at)

    def test_malformed_relationships_are_named(self, schema, at) -> None:
        with pytest.raises(ValidationError, match="got 'ab'"):
            Cmdb(schema).add_many([], ["ab"], actor="ann", at=at)  # type: ignore[list-item]

    def test_bulk_history_is_per_item(self, shop: Cmdb, at) -> None:
        created = shop.history("db1")
        assert [(c.action, c.subject, c.target) for c in created] == [
            (CmdbAction.CREATED, "db1", None),
            (CmdbAction.CREATED, "backend", "db1"),
            (CmdbAction.CREATED, "db1", "sw1"),
        ]
        assert all(c.actor == "ann" and c.at == at for c in created)


class TestHistory:
    def test_naive_datetimes_are_rejected(self, shop: Cmdb) -> None:
        with pytest.raises(NaiveDatetimeError, match="2026-01-05T10:00:00.*no time zone"):
            shop.update_ci("web1", actor="bob", at=datetime(2026, 1, 5, 10), owner="x")

    def test_times_are_kept_in_utc(self, shop: Cmdb) -> None:
        from zoneinfo import ZoneInfo

        berlin = datetime(2026, 1, 5, 10, tzinfo=ZoneInfo("Europe/Berlin"))
        shop.update_ci("web1", actor="bob", at=berlin, owner="x")
        assert shop.history("web1")[-1].at == datetime(2026, 1, 5, 9, tzinfo=UTC)
        assert shop.history("web1")[-1].at.tzinfo is UTC

    def test_history_of_an_unknown_id_raises(self, shop: Cmdb) -> None:
        with pytest.raises(NotFoundError, match="'ghost'"):
            shop.history("ghost")

    def test_history_outlives_the_node(self, shop: Cmdb) -> None:
        shop.remove("web3", actor="bob", at=AT)
        assert shop.history("web3")[-1].action is CmdbAction.DELETED


MAIL = ServicePortfolio()
MAIL.add_service(Service("mail", "E-mail"))

CHANGES = {
    "add": lambda c, **at: c.add(ConfigurationItem("sw9", "switch"), actor="bob", **at),
    "add_many": lambda c, **at: c.add_many(
        [ConfigurationItem("sw9", "switch")], [("sw9", "sw1")], actor="bob", **at
    ),
    "add_redundancy_group": lambda c, **at: c.add_redundancy_group(
        RedundancyGroup("db-pool", 1), ["db1"], actor="bob", **at
    ),
    "add_portfolio": lambda c, **at: c.add_portfolio(MAIL, actor="bob", **at),
    "update_ci": lambda c, **at: c.update_ci("db1", actor="bob", owner="dba", **at),
    "remove": lambda c, **at: c.remove("web3", actor="bob", **at),
    "add_relationship": lambda c, **at: c.add_relationship("backend", "sw1", actor="bob", **at),
    "remove_relationship": lambda c, **at: c.remove_relationship(
        "web-pool", "web3", actor="bob", **at
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=list(CHANGES))
class TestEveryChangeNamesItsTime:
    """The CMDB reads no clock: each change is stamped with the ``at`` it is given."""

    def test_the_change_is_recorded_at_exactly_the_time_given(self, shop: Cmdb, change) -> None:
        given = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
        before = len(list(shop.changes()))
        change(shop, at=given)
        made = list(shop.changes())[before:]
        assert made and all(c.at == given and c.actor == "bob" for c in made)

    def test_leaving_at_out_fails_and_changes_nothing(self, shop: Cmdb, change) -> None:
        before = snapshot(shop)
        with pytest.raises(TypeError, match="required keyword-only argument: 'at'"):
            change(shop)
        assert snapshot(shop) == before

    def test_at_none_names_what_is_expected(self, shop: Cmdb, change) -> None:
        before = snapshot(shop)
        with pytest.raises(ValidationError, match="at must be an aware datetime") as e:
            change(shop, at=None)
        assert e.value.field == "at"
        assert snapshot(shop) == before

    def test_a_naive_at_is_refused(self, shop: Cmdb, change) -> None:
        before = snapshot(shop)
        with pytest.raises(NaiveDatetimeError, match="no time zone"):
            change(shop, at=datetime(2026, 1, 5, 10))
        assert snapshot(shop) == before


def test_a_cmdb_takes_no_clock(schema) -> None:
    with pytest.raises(TypeError, match="'clock'"):
        Cmdb(schema, clock=object())


class TestGraphView:
    def test_the_view_runs_networkx_algorithms(self, shop: Cmdb) -> None:
        g = shop.graph
        assert nx.is_directed_acyclic_graph(g)
        assert nx.ancestors(g, "sw1") >= {"shop", "frontend", "backend"}
        assert g.nodes["web1"] == {"kind": "configuration_item", "type": "server"}
        assert g.edges["db1", "sw1"]["type"] == "connects_to"

    def test_the_view_is_read_only(self, shop: Cmdb) -> None:
        with pytest.raises(nx.NetworkXError):
            shop.graph.add_edge("sw1", "shop")
        with pytest.raises(TypeError):
            shop.graph.edges["db1", "sw1"]["type"] = "x"

    def test_the_view_follows_changes(self, shop: Cmdb) -> None:
        g = shop.graph
        shop.add(ConfigurationItem("sw2", "switch"), actor="ann", at=AT)
        assert "sw2" in g


class TestCopiesAndEquality:
    def test_a_copy_is_equal_and_independent(self, shop: Cmdb) -> None:
        other = shop.copy()
        assert other == shop
        other.add_relationship("backend", "web1", actor="ann", at=AT)
        assert other != shop
        assert "web1" not in shop.depends_on("backend")

    @given(small_graphs())
    def test_a_graph_rebuilt_from_its_parts_is_equal(self, graph) -> None:
        first, second = graph.cmdb(), graph.cmdb()
        assert first == second
        assert first.copy() == first


def test_every_error_is_a_fitsm_error_and_a_builtin() -> None:
    import fitsm.errors as errors

    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, FitsmError)
        assert cls is errors.FitsmError or len(cls.__mro__) > 3, name
    assert issubclass(errors.NotFoundError, LookupError)
    assert issubclass(errors.ValidationError, ValueError)
    assert issubclass(errors.ConflictError, RuntimeError)
    assert issubclass(errors.StoreError, OSError)


@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=2, max_size=6))
def test_cycles_are_refused_one_edge_at_a_time(order) -> None:
    cmdb = Cmdb(CmdbSchema(ci_types=["x"]))
    for n in "abcd":
        cmdb.add(ConfigurationItem(n, "x"), actor="t", at=datetime(2026, 1, 1, tzinfo=UTC))
    for s, t in itertools.pairwise(order):
        if s == t or t in cmdb.depends_on(s):
            continue
        try:
            cmdb.add_relationship(s, t, actor="t", at=datetime(2026, 1, 1, tzinfo=UTC))
        except CycleError as e:
            assert nx.has_path(cmdb.graph, t, s)
            assert e.cycle[0] == s
    assert nx.is_directed_acyclic_graph(cmdb.graph)
