"""Verification of the CMDB against a discovered state (PR11.5)."""

from __future__ import annotations

from fitsm import Cmdb, ConfigurationItem
from fitsm.cmdb import Difference, DiscoveredState, Relationship, verify


def discovered_like(cmdb: Cmdb, *, types=("server", "switch", "database")) -> DiscoveredState:
    cis = [c for c in cmdb.nodes("configuration_item") if c.type in types]
    ids = {c.id for c in cis}
    rels = [r for r in cmdb.relationships() if r.source in ids and r.target in ids]
    return DiscoveredState(cis, rels)


def test_a_faithful_snapshot_verifies(shop: Cmdb) -> None:
    report = verify(shop, discovered_like(shop))
    assert report.ok
    assert report.scope == {"server", "switch", "database"}


def test_missing_unexpected_and_different_are_reported(shop: Cmdb) -> None:
    state = discovered_like(shop)
    cis = [c for c in state.cis if c.id != "web3"]  # web3 was not found
    cis.append(ConfigurationItem("web4", "server", attributes={"hostname": "web4"}))  # unknown
    cis = [
        ConfigurationItem("web1", "server", attributes={"hostname": "web-1", "cores": 4})
        if c.id == "web1"
        else c
        for c in cis
    ]
    rels = [r for r in state.relationships if r.source != "web3"]
    rels = [Relationship("db1", "sw1", "depends_on") if r.source == "db1" else r for r in rels]
    rels.append(Relationship("web4", "sw1", "connects_to"))
    report = verify(shop, DiscoveredState(cis, rels))
    assert not report.ok
    assert report.missing_cis == ("web3",)
    assert report.unexpected_cis == ("web4",)
    assert report.missing_relationships == (Relationship("web3", "sw1", "connects_to"),)
    assert report.unexpected_relationships == (Relationship("web4", "sw1", "connects_to"),)
    assert set(report.different) == {
        Difference("web1", "hostname", "web1", "web-1"),
        Difference("web1", "cores", None, 4),
        Difference("db1 -> sw1", "relationship type", "connects_to", "depends_on"),
    }


def test_only_the_discovered_types_are_in_scope_by_default(shop: Cmdb) -> None:
    report = verify(shop, discovered_like(shop, types=("server",)))
    assert report.scope == {"server"}
    assert report.missing_cis == ()


def test_the_scope_can_be_named(shop: Cmdb) -> None:
    report = verify(shop, discovered_like(shop, types=("server",)), ci_types=["server", "switch"])
    assert report.missing_cis == ("sw1",)


def test_a_type_change_is_a_difference(shop: Cmdb) -> None:
    cis = [ConfigurationItem("sw1", "router")]
    report = verify(shop, DiscoveredState(cis, []), ci_types=["switch", "router"])
    assert Difference("sw1", "type", "switch", "router") in report.different
