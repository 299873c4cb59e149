"""Reading the CMDB as of a past instant, and comparing two instants."""

from __future__ import annotations

from datetime import timedelta

from fitsm import Cmdb, ConfigurationItem
from fitsm.cmdb.comparison import compare


def test_the_past_is_replayed_from_the_change_log(shop: Cmdb, at) -> None:
    later, latest = at + timedelta(days=1), at + timedelta(days=2)
    shop.update_ci("web1", actor="bob", at=later, attributes={"cores": 8}, owner="ops")
    shop.add(ConfigurationItem("sw2", "switch"), actor="bob", at=later)
    shop.add_relationship("db1", "sw2", "connects_to", actor="bob", at=later)
    shop.remove("web3", actor="bob", at=latest)

    first = shop.as_of(at)
    assert "sw2" not in first and "web3" in first
    assert first.ci("web1").attributes == {"hostname": "web1"}
    middle = shop.as_of(later)
    assert middle.ci("web1").attributes == {"hostname": "web1", "cores": 8}
    assert middle.ci("web1").owner == "ops"
    assert middle.relationship("db1", "sw2").type == "connects_to"
    assert "web3" in middle and "web3" not in shop.as_of(latest)
    assert shop.as_of(latest)._records == shop._records
    assert shop.as_of(at - timedelta(days=1))._records == {}


def test_two_instants_compare(shop: Cmdb, at) -> None:
    later = at + timedelta(days=1)
    shop.update_ci("web1", actor="bob", at=later, attributes={"cores": 8})
    shop.add(ConfigurationItem("sw2", "switch"), actor="bob", at=later)
    shop.remove("web3", actor="bob", at=later)
    diff = compare(shop.as_of(at), shop)
    assert [n.id for n in diff.added] == ["sw2"]
    assert [n.id for n in diff.removed] == ["web3"]
    assert [(a.id, b.attributes["cores"]) for a, b in diff.changed] == [("web1", 8)]
    assert {(r.source, r.target) for r in diff.relationships_removed} == {
        ("web-pool", "web3"),
        ("web3", "sw1"),
    }
    assert compare(shop, shop).same


def test_changes_committed_out_of_time_order_are_all_replayed() -> None:
    """A change made earlier may be committed later (another writer, another clock)."""
    from datetime import UTC, datetime

    from fitsm import CiType, Cmdb, CmdbSchema, ConfigurationItem

    t = [datetime(2026, 1, d, tzinfo=UTC) for d in (1, 2, 3, 4)]
    cmdb = Cmdb(CmdbSchema(ci_types=[CiType("box")]))
    cmdb.add(ConfigurationItem("a", "box"), actor="ann", at=t[0])
    cmdb.add(ConfigurationItem("b", "box"), actor="bob", at=t[2])
    cmdb.add(ConfigurationItem("c", "box"), actor="cy", at=t[1])  # made before b, committed after
    assert sorted(n.id for n in cmdb.as_of(t[1]).nodes()) == ["a", "c"]
    assert sorted(n.id for n in cmdb.as_of(t[3]).nodes()) == ["a", "b", "c"]
