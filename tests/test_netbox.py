"""The NetBox importer: both input shapes, each mapping rule, the overrides, the report, errors."""

from __future__ import annotations

import copy
import json
import runpy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import NotFoundError, ServiceNode, ValidationError
from fitsm.cmdb import ConfigurationItem, ImpactStatus, RedundancyGroup
from fitsm.errors import LoadError, NaiveDatetimeError
from fitsm.interop.netbox import (
    DEFAULT_CI_TYPES,
    NetboxImport,
    NetboxLink,
    NetboxMapping,
    Skipped,
    read_netbox,
)
from fitsm.interop.netbox._input import read_inventory
from fitsm.interop.netbox._trace import MAX_HOPS, Tracer
from fitsm.suppliers import SupplierKind

DATA = Path(__file__).parent / "data" / "netbox"
DUMP = DATA / "dump.json"
REST = DATA / "rest"
AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def fixture() -> NetboxImport:
    return read_netbox(DUMP, at=AT)


def dump_records() -> list[dict[str, Any]]:
    return json.loads(DUMP.read_text())


def rest_data() -> dict[str, Any]:
    return {
        p.relative_to(REST).with_suffix("").as_posix(): json.loads(p.read_text())
        for p in REST.rglob("*.json")
    }


def edges(result: NetboxImport) -> set[tuple[str, str, str]]:
    return {(r.source, r.target, r.type) for r in result.cmdb.relationships()}


class Dump:
    """A small dumpdata fixture built in a test: a site, and what the test adds."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.pks: dict[str, int] = {}
        self.add("tenancy.tenant", name="Ops", slug="ops")
        self.add("dcim.site", name="Site 1", slug="s1", status="active")
        for slug in ("router", "switch", "server", "pdu", "patch-panel", "core-switch"):
            self.add("dcim.devicerole", name=slug.title(), slug=slug)

    def add(self, model: str, **fields: Any) -> int:
        pk = self.pks[model] = self.pks.get(model, 0) + 1
        self.records.append({"model": model, "pk": pk, "fields": fields})
        return pk

    def role(self, slug: str) -> int:
        return next(
            r["pk"]
            for r in self.records
            if r["model"] == "dcim.devicerole" and r["fields"]["slug"] == slug
        )

    def device(self, name: str | None, role: str, **fields: Any) -> int:
        return self.add("dcim.device", name=name, role=self.role(role), site=1, **fields)

    def interface(self, device: int, name: str, **fields: Any) -> tuple[str, int]:
        return ("dcim.interface", self.add("dcim.interface", device=device, name=name, **fields))

    def power_port(self, device: int, name: str) -> tuple[str, int]:
        return ("dcim.powerport", self.add("dcim.powerport", device=device, name=name))

    def feed(self, name: str, panel: int) -> tuple[str, int]:
        return ("dcim.powerfeed", self.add("dcim.powerfeed", name=name, power_panel=panel))

    def panel(self, name: str) -> int:
        return self.add("dcim.powerpanel", name=name, site=1)

    def patch_panel(self, name: str, positions: int = 1) -> tuple[int, list[int], int]:
        """A panel with ``positions`` front ports mapped onto one rear port."""
        device = self.device(name, "patch-panel")
        rear = self.add("dcim.rearport", device=device, name="rear", positions=positions)
        fronts = []
        for p in range(1, positions + 1):
            front = self.add("dcim.frontport", device=device, name=str(p))
            self.add(
                "dcim.portmapping",
                device=device,
                front_port=front,
                front_port_position=1,
                rear_port=rear,
                rear_port_position=p,
            )
            fronts.append(front)
        return device, fronts, rear

    def cable(self, a: tuple[str, int], b: tuple[str, int], status: str = "connected") -> int:
        cable = self.add("dcim.cable", status=status)
        for side, (model, pk) in (("A", a), ("B", b)):
            self.add(
                "dcim.cabletermination",
                cable=cable,
                cable_end=side,
                termination_type=model.split("."),  # a natural key, as --natural-foreign writes
                termination_id=pk,
            )
        return cable

    def read(self, **kwargs: Any) -> NetboxImport:
        return read_netbox(copy.deepcopy(self.records), at=AT, **kwargs)


# -- the two shapes ---------------------------------------------------------------------------


class TestShapes:
    def test_the_dump_and_the_rest_api_give_the_same_cmdb(self, fixture: NetboxImport) -> None:
        rest = read_netbox(REST, at=AT)
        assert rest.cmdb == fixture.cmdb
        assert rest.suppliers == fixture.suppliers
        assert rest.ids == fixture.ids
        assert [s for s in rest.skipped if s.model != "ipam/ip-addresses"] == [
            s for s in fixture.skipped if s.model != "ipam.ipaddress"
        ]

    def test_the_fixture_makes_the_cmdb_the_docs_describe(self, fixture: NetboxImport) -> None:
        assert repr(fixture.cmdb) == "<Cmdb 'netbox': 40 nodes, 40 relationships>"

    def test_a_mapping_of_endpoints_reads_like_the_directory(self, fixture: NetboxImport) -> None:
        assert read_netbox(rest_data(), at=AT).cmdb == fixture.cmdb

    def test_endpoint_names_may_be_api_paths(self, fixture: NetboxImport) -> None:
        data = {f"/api/{k}/": v for k, v in rest_data().items()}
        assert read_netbox(data, at=AT).cmdb == fixture.cmdb

    def test_one_json_file_of_endpoints_reads_like_the_directory(
        self, tmp_path: Path, fixture: NetboxImport
    ) -> None:
        path = tmp_path / "netbox.json"
        path.write_text(json.dumps(rest_data()))
        assert read_netbox(path, at=AT).cmdb == fixture.cmdb

    def test_a_list_of_dump_records_reads_like_the_file(self, fixture: NetboxImport) -> None:
        assert read_netbox(dump_records(), at=AT).cmdb == fixture.cmdb

    def test_an_endpoint_may_be_a_plain_list_of_records(self, fixture: NetboxImport) -> None:
        data = rest_data()
        pages = data["dcim/devices"]
        data["dcim/devices"] = [r for page in pages for r in page["results"]]
        assert read_netbox(data, at=AT).cmdb == fixture.cmdb

    def test_rest_cable_terminations_may_come_from_their_own_endpoint(
        self, fixture: NetboxImport
    ) -> None:
        data = rest_data()
        rows = []
        for cable in data["dcim/cables"]["results"]:
            for side in ("a", "b"):
                for end in cable.pop(f"{side}_terminations"):
                    rows.append(
                        {
                            "id": len(rows) + 1,
                            "cable": cable["id"],
                            "cable_end": side.upper(),
                            "termination_type": end["object_type"],
                            "termination_id": end["object_id"],
                        }
                    )
        data["dcim/cable-terminations"] = {
            "count": len(rows),
            "next": None,
            "previous": None,
            "results": rows,
        }
        assert read_netbox(data, at=AT).cmdb == fixture.cmdb

    def test_netbox_3_device_role_is_the_role(self, fixture: NetboxImport) -> None:
        records = dump_records()
        for r in records:
            if r["model"] == "dcim.device":
                r["fields"]["device_role"] = r["fields"].pop("role")
        assert read_netbox(records, at=AT).cmdb == fixture.cmdb
        data = rest_data()
        for page in data["dcim/devices"]:
            for device in page["results"]:
                device["device_role"] = device.pop("role")
        assert read_netbox(data, at=AT).cmdb == fixture.cmdb

    def test_dump_content_types_may_be_natural_keys(self, fixture: NetboxImport) -> None:
        records = dump_records()
        types = {
            r["pk"]: [r["fields"]["app_label"], r["fields"]["model"]]
            for r in records
            if r["model"] == "contenttypes.contenttype"
        }
        for r in records:
            if r["model"] == "dcim.cabletermination":
                r["fields"]["termination_type"] = types[r["fields"]["termination_type"]]
        records = [r for r in records if r["model"] != "contenttypes.contenttype"]
        assert read_netbox(records, at=AT).cmdb == fixture.cmdb

    def test_front_ports_of_netbox_4_4_name_their_rear_port(self, fixture: NetboxImport) -> None:
        """Up to NetBox 4.4 a front port had ``rear_port`` and ``rear_port_position``."""
        records = dump_records()
        mappings = {
            r["fields"]["front_port"]: r["fields"]
            for r in records
            if r["model"] == "dcim.portmapping"
        }
        for r in records:
            if r["model"] == "dcim.frontport":
                m = mappings[r["pk"]]
                r["fields"]["rear_port"] = m["rear_port"]
                r["fields"]["rear_port_position"] = m["rear_port_position"]
        records = [r for r in records if r["model"] != "dcim.portmapping"]
        assert read_netbox(records, at=AT).cmdb == fixture.cmdb
        data = rest_data()
        for port in data["dcim/front-ports"]["results"]:
            (m,) = port.pop("rear_ports")
            port["rear_port"] = {"id": m["rear_port"], "name": "trunk"}
            port["rear_port_position"] = m["rear_port_position"]
        assert read_netbox(data, at=AT).cmdb == fixture.cmdb

    def test_the_fixtures_are_what_their_generator_writes(self, tmp_path: Path) -> None:
        generator = runpy.run_path(str(DATA / "make_fixtures.py"))
        generator["main"]([str(tmp_path)])
        written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.json"))
        committed = sorted(p.relative_to(DATA) for p in DATA.rglob("*.json"))
        assert written == committed
        for name in written:
            assert (tmp_path / name).read_text() == (DATA / name).read_text(), name

    def test_everything_is_recorded_at_once_by_the_actor_at_the_time_given(self) -> None:
        result = read_netbox(DUMP, at=AT, actor="sync-job")
        changes = list(result.cmdb.changes())
        assert {c.actor for c in changes} == {"sync-job"}
        assert {c.at for c in changes} == {AT}
        assert len(result.cmdb.journal) == 1


# -- CIs ---------------------------------------------------------------------------------------


class TestConfigurationItems:
    def test_each_netbox_object_becomes_a_ci_of_its_type(self, fixture: NetboxImport) -> None:
        types = {n.id: n.type for n in fixture.cmdb.nodes("configuration_item")}
        assert types["site:fra1"] == "site"
        assert types["location:hall-a"] == "location"
        assert types["rack:A01"] == "rack"
        assert types["panel:MDB-A"] == "power_panel"
        assert types["feed:MDB-A/A01-A"] == "power_feed"
        assert types["provider:nordlink"] == "provider"
        assert types["circuit:CID-7001"] == "circuit"
        assert types["cluster:fra1-prod"] == "cluster"
        assert types["vm:shop-db"] == "virtual_machine"
        assert types["device:hv-fra1-01"] == "device"
        assert types["device:hv-fra1-02/eno1"] == "connection"

    def test_a_device_takes_its_ci_type_from_its_role_where_the_mapping_says(self) -> None:
        mapping = NetboxMapping(role_ci_types={"server": "server", "core-switch": "switch"})
        cmdb = read_netbox(DUMP, at=AT, mapping=mapping).cmdb
        assert cmdb.ci("device:hv-fra1-01").type == "server"
        assert cmdb.ci("device:core-fra1").type == "switch"
        assert cmdb.ci("device:edge-fra1").type == "device"

    def test_other_ci_types_can_be_renamed(self) -> None:
        mapping = NetboxMapping(ci_types={"virtualization.virtualmachine": "vm"})
        cmdb = read_netbox(DUMP, at=AT, mapping=mapping).cmdb
        assert cmdb.ci("vm:shop-db").type == "vm"
        assert cmdb.ci("site:fra1").type == "site"

    def test_attributes_name_related_objects_by_slug_or_name(self, fixture: NetboxImport) -> None:
        device = fixture.cmdb.ci("device:hv-fra1-01")
        assert dict(device.attributes) == {
            "netbox_id": 7,
            "role": "server",
            "device_type": "poweredge-r650",
            "manufacturer": "dell",
            "platform": "proxmox-ve",
            "site": "fra1",
            "location": "hall-a",
            "rack": "A02",
            "position": "10",
            "face": "front",
            "status": "active",
            "serial": "8KZ7QJ3",
            "cluster": "fra1-prod",
            "tenant": "netops",
        }
        assert device.name == "hv-fra1-01"

    def test_decimals_are_exact_text_and_numbers_are_whole(self, fixture: NetboxImport) -> None:
        vm = fixture.cmdb.ci("vm:shop-db").attributes
        assert (vm["vcpus"], vm["memory"], vm["disk"]) == ("8", 32768, 500)
        feed = fixture.cmdb.ci("feed:MDB-A/A01-A").attributes
        assert (feed["voltage"], feed["amperage"], feed["feed_type"]) == (230, 16, "primary")
        circuit = fixture.cmdb.ci("circuit:INET-42").attributes
        assert (circuit["commit_rate"], circuit["circuit_type"]) == (10_000_000, "internet-transit")

    def test_the_tenant_is_the_ci_owner_unless_the_mapping_says_otherwise(
        self, fixture: NetboxImport
    ) -> None:
        assert fixture.cmdb.ci("vm:shop-web-1").owner == "acme-retail"
        assert fixture.cmdb.ci("site:fra1").owner == ""
        plain = read_netbox(DUMP, at=AT, mapping=NetboxMapping(tenant_as_owner=False)).cmdb
        assert plain.ci("vm:shop-web-1").owner == ""
        assert plain.ci("vm:shop-web-1").attributes["tenant"] == "acme-retail"

    def test_node_ids_are_found_by_netbox_model_and_id(self, fixture: NetboxImport) -> None:
        assert fixture.node_id("dcim.device", 7) == "device:hv-fra1-01"
        assert fixture.ids[("dcim.powerfeed", 3)] == "feed:MDB-A/A01-C"
        with pytest.raises(NotFoundError, match=r"no dcim\.device 99"):
            fixture.node_id("dcim.device", 99)

    def test_a_shared_name_gets_the_netbox_id_on_each_and_no_name_gets_the_id(self) -> None:
        d = Dump()
        d.device("web", "server")
        d.device("web", "server")
        d.device(None, "server")
        d.device("db", "server")
        assert sorted(d.read().ids.values()) == [
            "device:#3",
            "device:db",
            "device:web#1",
            "device:web#2",
            "site:s1",
        ]

    def test_the_schema_declares_every_type_the_mapping_can_make(self) -> None:
        schema = NetboxMapping(role_ci_types={"server": "server"}).schema
        assert set(DEFAULT_CI_TYPES.values()) | {"device", "server"} == set(schema.ci_type_names)
        assert {"powered_by", "connected_to", "patched_through", "hosted_on"} <= set(
            schema.relationship_type_names
        )


# -- power -------------------------------------------------------------------------------------


class TestPower:
    def test_two_feeds_into_two_psus_are_a_redundancy_group_of_one_needed(
        self, fixture: NetboxImport
    ) -> None:
        cmdb = fixture.cmdb
        assert cmdb.depends_on("device:core-fra1") == (
            "device:core-fra1/power",
            "device:edge-fra1",
        )
        group = cmdb["device:core-fra1/power"]
        assert isinstance(group, RedundancyGroup) and group.min_up == 1
        assert cmdb.members("device:core-fra1/power") == ("feed:MDB-A/A01-A", "feed:MDB-B/A01-B")

    def test_a_device_on_pdu_outlets_depends_on_the_pdus_and_they_on_their_feeds(
        self, fixture: NetboxImport
    ) -> None:
        cmdb = fixture.cmdb
        assert cmdb.members("device:hv-fra1-01/power") == ("device:pdu-a02-a", "device:pdu-a02-b")
        assert cmdb.depends_on("device:pdu-a02-a") == ("feed:MDB-A/A02-A",)

    def test_one_power_source_is_a_plain_dependency(self, fixture: NetboxImport) -> None:
        assert "feed:MDB-A/A01-C" in fixture.cmdb.depends_on("device:edge-fra1")
        assert fixture.cmdb.relationship("device:edge-fra1", "feed:MDB-A/A01-C").type == (
            "powered_by"
        )

    def test_losing_one_feed_degrades_and_losing_both_takes_the_device_down(
        self, fixture: NetboxImport
    ) -> None:
        cmdb = fixture.cmdb
        one = cmdb.impact("feed:MDB-A/A01-A")
        assert one.status("device:core-fra1") is ImpactStatus.DEGRADED
        both = cmdb.impact(["feed:MDB-A/A01-A", "feed:MDB-B/A01-B"])
        assert both.status("device:core-fra1") is ImpactStatus.DOWN

    def test_power_min_up_none_makes_every_source_needed(self) -> None:
        mapping = NetboxMapping(power_min_up=None)
        cmdb = read_netbox(DUMP, at=AT, mapping=mapping).cmdb
        assert "device:core-fra1/power" not in cmdb
        assert cmdb.impact("feed:MDB-A/A01-A").status("device:core-fra1") is ImpactStatus.DOWN

    def test_min_up_is_at_most_the_number_of_sources(self) -> None:
        cmdb = read_netbox(DUMP, at=AT, mapping=NetboxMapping(power_min_up=3)).cmdb
        group = cmdb["device:core-fra1/power"]
        assert isinstance(group, RedundancyGroup) and group.min_up == 2

    def test_two_psus_on_one_feed_are_one_source(self) -> None:
        d = Dump()
        server = d.device("srv", "server")
        pdu = d.device("pdu", "pdu")
        inlet = d.power_port(pdu, "in")
        outlets = [d.add("dcim.poweroutlet", device=pdu, name=str(i)) for i in (1, 2)]
        d.cable(inlet, d.feed("F1", d.panel("P1")))
        for i, outlet in enumerate(outlets):
            d.cable(d.power_port(server, f"PSU{i}"), ("dcim.poweroutlet", outlet))
        assert d.read().cmdb.depends_on("device:srv") == ("device:pdu",)

    def test_a_power_port_on_its_own_outlet_is_reported(self) -> None:
        d = Dump()
        pdu = d.device("pdu", "pdu")
        outlet = d.add("dcim.poweroutlet", device=pdu, name="1")
        port = d.power_port(pdu, "in")
        d.cable(port, ("dcim.poweroutlet", outlet))
        result = d.read()
        assert result.cmdb.depends_on("device:pdu") == ()
        assert Skipped("dcim.powerport", (port[1],), "cabled to an outlet of its own device") in (
            result.skipped
        )


# -- cables ------------------------------------------------------------------------------------


class TestCablePaths:
    def test_a_path_through_two_patch_panels_and_a_trunk_reaches_the_switch(
        self, fixture: NetboxImport
    ) -> None:
        assert edges(fixture) >= {
            ("device:hv-fra1-01", "device:core-fra1", "connected_to"),
            ("device:hv-fra1-01", "device:pp-a02", "patched_through"),
            ("device:hv-fra1-01", "device:pp-a01", "patched_through"),
        }

    def test_a_trunk_is_left_by_the_position_the_path_came_in_on(self) -> None:
        inventory, _ = read_inventory(DUMP)
        tracer = Tracer(inventory, {"connected"})
        # hv-fra1-01 eno1 (9) on position 1, hv-fra1-02 eno1 (11) on position 2
        ends = {i: [p.end for p in tracer.trace(("dcim.interface", i))[0]] for i in (9, 11)}
        assert ends == {9: [("dcim.interface", 5)], 11: [("dcim.interface", 7)]}
        paths, notes = tracer.trace(("dcim.interface", 5))
        assert [(p.end, p.panels) for p in paths] == [(("dcim.interface", 9), (3, 4))]
        assert notes == []

    def test_several_upstream_paths_are_a_redundancy_group_of_connections(
        self, fixture: NetboxImport
    ) -> None:
        cmdb = fixture.cmdb
        assert cmdb.depends_on("device:hv-fra1-02") == (
            "device:hv-fra1-02/power",
            "device:hv-fra1-02/uplinks",
        )
        assert cmdb.members("device:hv-fra1-02/uplinks") == (
            "device:hv-fra1-02/eno1",
            "device:core-fra1",
        )
        assert cmdb.depends_on("device:hv-fra1-02/eno1") == (
            "device:core-fra1",
            "device:pp-a02",
            "device:pp-a01",
        )
        connection = cmdb.ci("device:hv-fra1-02/eno1")
        assert connection.name == "eno1 of hv-fra1-02"
        assert dict(connection.attributes) == {
            "netbox_id": 11,
            "device": "device:hv-fra1-02",
            "interface": "eno1",
            "far_end": "device:core-fra1",
        }

    def test_a_patch_panel_on_one_path_only_degrades_a_dual_homed_server(
        self, fixture: NetboxImport
    ) -> None:
        report = fixture.cmdb.impact("device:pp-a01")
        assert report.status("device:hv-fra1-01") is ImpactStatus.DOWN
        assert report.status("device:hv-fra1-02") is ImpactStatus.DEGRADED

    def test_uplink_min_up_none_makes_every_path_needed(self) -> None:
        cmdb = read_netbox(DUMP, at=AT, mapping=NetboxMapping(uplink_min_up=None)).cmdb
        assert "device:hv-fra1-02/uplinks" not in cmdb
        assert set(cmdb.depends_on("device:hv-fra1-02")) >= {
            "device:core-fra1",
            "device:pp-a01",
            "device:pp-a02",
        }

    def test_the_lower_tier_end_is_upstream_and_circuits_are_upstream_of_all(
        self, fixture: NetboxImport
    ) -> None:
        cmdb = fixture.cmdb
        assert cmdb.members("device:edge-fra1/uplinks") == ("circuit:INET-42", "circuit:CID-7001")
        assert "device:edge-fra1" in cmdb.depends_on("device:core-fra1")
        assert "device:core-fra1" not in cmdb.depends_on("device:edge-fra1")
        assert cmdb.depends_on("device:edge-ams1") == ("circuit:CID-7001",)

    def test_without_patch_panel_dependencies_paths_only_reach_their_end(self) -> None:
        mapping = NetboxMapping(dependencies=set(NetboxMapping().dependencies) - {"patch_panel"})
        cmdb = read_netbox(DUMP, at=AT, mapping=mapping).cmdb
        assert cmdb.depends_on("device:hv-fra1-01") == (
            "device:hv-fra1-01/power",
            "device:core-fra1",
        )
        assert "device:hv-fra1-02/uplinks" not in cmdb  # both paths now reach the same end

    def test_planned_cables_are_not_followed_and_are_reported(self, fixture: NetboxImport) -> None:
        assert fixture.cmdb.depends_on("device:sw-ams1") == ()
        assert Skipped("dcim.cable", (12,), "planned: only connected cables are followed") in (
            fixture.skipped
        )
        mapping = NetboxMapping(cable_statuses={"connected", "planned"})
        cmdb = read_netbox(DUMP, at=AT, mapping=mapping).cmdb
        assert cmdb.depends_on("device:sw-ams1") == ("device:edge-ams1",)

    def test_management_only_interfaces_are_no_dependency_and_are_reported(
        self, fixture: NetboxImport
    ) -> None:
        assert Skipped("dcim.interface", (10,), "management only: its cable is no dependency") in (
            fixture.skipped
        )

    def test_equal_tiers_make_no_dependency_and_are_reported_once(self) -> None:
        d = Dump()
        a, b = d.device("sw-a", "switch"), d.device("sw-b", "switch")
        first, second = d.interface(a, "e1"), d.interface(b, "e1")
        d.cable(first, second)
        result = d.read()
        assert edges(result) == set()
        reason = "device:sw-a - device:sw-b: both have tier 40, neither is upstream"
        assert result.skipped == (Skipped("dcim.interface", (first[1], second[1]), reason),)

    def test_roles_without_a_tier_make_no_cable_dependency(self) -> None:
        d = Dump()
        pdu, switch = d.device("pdu", "pdu"), d.device("sw", "switch")
        port = d.interface(pdu, "net")
        d.cable(port, d.interface(switch, "e1"))
        result = d.read()
        assert edges(result) == set()
        assert [str(s) for s in result.skipped] == [
            "dcim.interface 1, 2: device:pdu - device:sw: cables of role 'pdu' are not dependencies"
        ]

    def test_tiers_can_be_overridden(self) -> None:
        d = Dump()
        pdu, switch = d.device("pdu", "pdu"), d.device("sw", "switch")
        d.cable(d.interface(pdu, "net"), d.interface(switch, "e1"))
        mapping = NetboxMapping(role_tiers={"pdu": 90, "switch": 40})
        assert edges(d.read(mapping=mapping)) == {("device:pdu", "device:sw", "connected_to")}

    def test_a_cable_path_that_loops_stops_and_is_reported(self) -> None:
        """A panel's rear port patched into its own second front port, which the data map
        onto that rear port too: the path would go round for ever."""
        d = Dump()
        server = d.device("srv", "server")
        panel, (front,), rear = d.patch_panel("pp")
        second = d.add("dcim.frontport", device=panel, name="2")
        d.add("dcim.portmapping", device=panel, front_port=second, rear_port=rear)
        d.cable(d.interface(server, "e1"), ("dcim.frontport", front))
        loop = d.cable(("dcim.rearport", rear), ("dcim.frontport", second))
        result = d.read()
        assert edges(result) == set()
        assert result.skipped == (
            Skipped("dcim.cable", (loop,), "the cable path loops; traced no further"),
        )

    def test_a_path_that_ends_uncabled_or_splits_is_reported(self) -> None:
        d = Dump()
        server = d.device("srv", "server")
        _, (front,), _ = d.patch_panel("pp")
        d.cable(d.interface(server, "e1"), ("dcim.frontport", front))
        _, _, trunk = d.patch_panel("pp4", positions=4)
        d.cable(d.interface(server, "e2"), ("dcim.rearport", trunk))
        reasons = {s.reason for s in d.read().skipped}
        assert reasons == {
            "a cable path ends at this port, uncabled",
            "the cable path splits into this trunk's positions",
        }

    def test_a_cable_back_to_the_same_device_is_reported(self) -> None:
        d = Dump()
        server = d.device("srv", "server")
        d.cable(d.interface(server, "e1"), d.interface(server, "e2"))
        assert {s.reason for s in d.read().skipped} == {"cabled back to its own device"}

    @given(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=5), st.data())
    def test_any_chain_of_trunks_ends_at_the_port_of_the_position_taken(
        self, widths: list[int], data: st.DataObject
    ) -> None:
        """Server -> (panel -> trunk -> panel) x n -> switch: the path ends where it should."""
        d = Dump()
        server, switch = d.device("srv", "server"), d.device("sw", "switch")
        start = d.interface(server, "e1")
        here: tuple[str, int] = start
        for i, width in enumerate(widths):
            _, near_fronts, near_rear = d.patch_panel(f"near{i}", width)
            _, far_fronts, far_rear = d.patch_panel(f"far{i}", width)
            d.cable(("dcim.rearport", near_rear), ("dcim.rearport", far_rear))
            position = data.draw(st.integers(min_value=1, max_value=width))
            d.cable(here, ("dcim.frontport", near_fronts[position - 1]))
            here = ("dcim.frontport", far_fronts[position - 1])
        end = d.interface(switch, "e1")
        d.cable(here, end)
        inventory, _ = read_inventory(d.records)
        paths, notes = Tracer(inventory, {"connected"}).trace(start)
        assert [p.end for p in paths] == [end]
        assert len(paths[0].panels) == 2 * len(widths)
        assert notes == []

    def test_hops_beyond_the_limit_stop_the_trace(self) -> None:
        d = Dump()
        server = d.device("srv", "server")
        here: tuple[str, int] = d.interface(server, "e1")
        for i in range(MAX_HOPS + 1):
            _, (front,), rear = d.patch_panel(f"pp{i}")
            d.cable(here, ("dcim.frontport", front))
            here = ("dcim.rearport", rear)
        inventory, _ = read_inventory(d.records)
        paths, notes = Tracer(inventory, {"connected"}).trace(("dcim.interface", 1))
        assert paths == []
        assert [n[2] for n in notes] == [
            f"the cable path is longer than {MAX_HOPS} cables; traced no further"
        ]


# -- the other links ---------------------------------------------------------------------------


class TestOtherLinks:
    def test_a_feed_depends_on_its_panel_and_a_circuit_on_its_provider(
        self, fixture: NetboxImport
    ) -> None:
        assert edges(fixture) >= {
            ("feed:MDB-B/A02-B", "panel:MDB-B", "fed_from"),
            ("circuit:CID-7001", "provider:nordlink", "supplied_by"),
        }

    def test_providers_are_external_suppliers(self, fixture: NetboxImport) -> None:
        assert [(s.id, s.name, s.kind) for s in fixture.suppliers] == [
            ("transit-one", "Transit One GmbH", SupplierKind.EXTERNAL),
            ("nordlink", "Nordlink Networks B.V.", SupplierKind.EXTERNAL),
        ]

    def test_a_cluster_depends_on_its_hosts_k_of_n_and_a_vm_on_its_cluster(
        self, fixture: NetboxImport
    ) -> None:
        cmdb = fixture.cmdb
        assert cmdb.depends_on("cluster:fra1-prod") == ("cluster:fra1-prod/hosts",)
        assert cmdb.members("cluster:fra1-prod/hosts") == (
            "device:hv-fra1-01",
            "device:hv-fra1-02",
        )
        assert cmdb.depends_on("vm:shop-db") == ("cluster:fra1-prod",)
        report = cmdb.impact("device:hv-fra1-01")
        assert report.status("vm:shop-db") is ImpactStatus.DEGRADED
        report = cmdb.impact(["device:hv-fra1-01", "device:hv-fra1-02"])
        assert report.status("vm:shop-db") is ImpactStatus.DOWN

    def test_cluster_min_up_counts_the_hosts_needed(self) -> None:
        cmdb = read_netbox(DUMP, at=AT, mapping=NetboxMapping(cluster_min_up=2)).cmdb
        assert cmdb.impact("device:hv-fra1-01").status("vm:shop-db") is ImpactStatus.DOWN

    def test_a_vm_pinned_to_a_device_depends_on_it_when_the_mapping_says(self) -> None:
        links = {*NetboxMapping().dependencies, NetboxLink.VM_DEVICE}
        cmdb = read_netbox(DUMP, at=AT, mapping=NetboxMapping(dependencies=links)).cmdb
        assert cmdb.depends_on("vm:shop-db") == ("cluster:fra1-prod", "device:hv-fra1-01")
        assert cmdb.depends_on("vm:shop-web-1") == ("cluster:fra1-prod",)

    def test_where_a_thing_stands_is_an_attribute_unless_located_in_is_chosen(
        self, fixture: NetboxImport
    ) -> None:
        assert not any(r.type == "located_in" for r in fixture.cmdb.relationships())
        links = {*NetboxMapping().dependencies, NetboxLink.LOCATED_IN}
        result = read_netbox(DUMP, at=AT, mapping=NetboxMapping(dependencies=links))
        located = {(s, t) for s, t, kind in edges(result) if kind == "located_in"}
        assert located >= {
            ("device:hv-fra1-01", "rack:A02"),
            ("rack:A02", "location:hall-a"),
            ("location:hall-a", "site:fra1"),
            ("panel:MDB-A", "location:hall-a"),
        }
        report = result.cmdb.impact("site:fra1")
        assert report.status("vm:shop-db") is ImpactStatus.DOWN

    def test_no_links_leaves_only_the_cis(self) -> None:
        result = read_netbox(DUMP, at=AT, mapping=NetboxMapping(dependencies=()))
        assert edges(result) == set()
        assert len(result.cmdb) == 33  # the CIs: no redundancy groups, no connections

    def test_impact_on_services_added_after_the_import(self) -> None:
        cmdb = read_netbox(DUMP, at=AT).cmdb
        cmdb.add_many(
            [ServiceNode("webshop"), RedundancyGroup("webshop/web", 1)],
            [
                ("webshop", "webshop/web"),
                ("webshop", "vm:shop-db"),
                ("webshop/web", "vm:shop-web-1", "has_member"),
                ("webshop/web", "vm:shop-web-2", "has_member"),
            ],
            actor="ann",
            at=AT,
        )
        assert cmdb.impact("feed:MDB-A/A02-A").services_down == frozenset()
        feeds = ["feed:MDB-A/A02-A", "feed:MDB-B/A02-B"]
        assert cmdb.impact(feeds).services_down == frozenset({"webshop"})
        assert "panel:MDB-A" in cmdb.single_points_of_failure("webshop")


# -- the mapping -------------------------------------------------------------------------------


class TestMapping:
    def test_the_defaults_leave_vm_device_and_located_in_out(self) -> None:
        assert NetboxMapping().dependencies == frozenset(NetboxLink) - {
            NetboxLink.VM_DEVICE,
            NetboxLink.LOCATED_IN,
        }

    def test_dependencies_accept_the_link_names(self) -> None:
        assert NetboxMapping(dependencies=["power"]).dependencies == {NetboxLink.POWER}

    def test_an_unknown_link_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="'rack' is not a NetboxLink"):
            NetboxMapping(dependencies=["rack"])
        with pytest.raises(ValidationError, match="the string 'power'"):
            NetboxMapping(dependencies="power")

    def test_ci_types_of_models_the_importer_does_not_map_are_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"'ipam\.prefix'") as e:
            NetboxMapping(ci_types={"ipam.prefix": "prefix"})
        assert e.value.field == "ci_types"

    def test_models_mapped_to_one_ci_type_share_its_attributes(self) -> None:
        mapping = NetboxMapping(
            ci_types={"virtualization.virtualmachine": "server"}, role_ci_types={"server": "server"}
        )
        names = {a.name for a in mapping.schema.ci_type("server").attributes}
        assert {"vcpus", "rack", "netbox_id"} <= names
        cmdb = read_netbox(DUMP, at=AT, mapping=mapping).cmdb
        assert {cmdb.ci("vm:shop-db").type, cmdb.ci("device:hv-fra1-01").type} == {"server"}

    def test_min_up_must_be_a_whole_number_of_at_least_one(self) -> None:
        with pytest.raises(ValidationError, match="power_min_up must be a whole number >= 1"):
            NetboxMapping(power_min_up=0)
        with pytest.raises(ValidationError, match="cluster_min_up"):
            NetboxMapping(cluster_min_up=True)

    def test_tiers_must_be_whole_numbers_or_none(self) -> None:
        with pytest.raises(ValidationError, match=r"role_tiers\['x'\] must be a whole number"):
            NetboxMapping(role_tiers={"x": 1.5})

    def test_a_ci_type_name_must_be_an_identifier(self) -> None:
        with pytest.raises(ValidationError):
            NetboxMapping(device_ci_type=" ")


# -- the report and errors ---------------------------------------------------------------------


class TestSkipped:
    def test_models_the_importer_does_not_map_are_reported_with_their_ids(
        self, fixture: NetboxImport
    ) -> None:
        assert Skipped("ipam.ipaddress", (1, 2), "not a NetBox model the importer maps") in (
            fixture.skipped
        )
        rest = read_netbox(REST, at=AT)
        assert (
            str(rest.skipped[-1]) == "ipam/ip-addresses 1, 2: not a NetBox model the importer maps"
        )

    def test_the_report_is_sorted_and_says_each_thing_once(self, fixture: NetboxImport) -> None:
        assert [str(s) for s in fixture.skipped] == [
            "dcim.cable 12: planned: only connected cables are followed",
            "dcim.interface 10: management only: its cable is no dependency",
            "ipam.ipaddress 1, 2: not a NetBox model the importer maps",
        ]


def _dump_with(change: Any) -> list[dict[str, Any]]:
    records = dump_records()
    change(records)
    return records


def _record(records: list[dict[str, Any]], model: str, pk: int) -> dict[str, Any]:
    return next(r for r in records if r["model"] == model and r["pk"] == pk)


class TestErrors:
    def test_a_missing_or_naive_at_is_refused_before_anything_is_read(self) -> None:
        with pytest.raises(ValidationError, match="at must be an aware datetime") as e:
            read_netbox("no/such/file.json", at=None)  # type: ignore[arg-type]
        assert e.value.field == "at"
        with pytest.raises(NaiveDatetimeError):
            read_netbox("no/such/file.json", at=datetime(2026, 1, 5))

    def test_a_mapping_of_another_type_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="mapping must be a NetboxMapping"):
            read_netbox(DUMP, at=AT, mapping={"power_min_up": 2})  # type: ignore[arg-type]

    def test_a_missing_file_and_invalid_json_name_the_file(self, tmp_path: Path) -> None:
        with pytest.raises(LoadError, match="no such file") as e:
            read_netbox(tmp_path / "nope.json", at=AT)
        assert e.value.path == str(tmp_path / "nope.json")
        bad = tmp_path / "bad.json"
        bad.write_text('[\n{"model": }\n]')
        with pytest.raises(LoadError, match="not valid JSON") as e:
            read_netbox(bad, at=AT)
        assert e.value.line == 2
        empty = tmp_path / "empty"
        empty.mkdir()
        with pytest.raises(LoadError, match=r"no \.json files"):
            read_netbox(empty, at=AT)

    def test_an_input_of_another_type_is_refused(self) -> None:
        with pytest.raises(LoadError, match="expected a path, a mapping"):
            read_netbox(42, at=AT)  # type: ignore[arg-type]

    def test_a_reference_to_a_record_not_in_the_data_names_record_and_field(self) -> None:
        records = _dump_with(lambda rs: _record(rs, "dcim.device", 7)["fields"].update(rack=99))
        with pytest.raises(LoadError) as e:
            read_netbox(records, at=AT)
        assert e.value.field == "rack"
        assert str(e.value) == (
            "<NetBox dump>: field 'rack': dcim.device 7: names dcim.rack 99, "
            "which is not in the NetBox data"
        )

    def test_a_field_of_the_wrong_type_names_record_and_field(self) -> None:
        records = _dump_with(
            lambda rs: _record(rs, "dcim.powerfeed", 1)["fields"].update(voltage="230V")
        )
        with pytest.raises(
            LoadError, match=r"dcim\.powerfeed 1: expected a whole number, got '230V'"
        ):
            read_netbox(records, at=AT)
        records = _dump_with(lambda rs: _record(rs, "dcim.device", 1)["fields"].update(name=7))
        with pytest.raises(LoadError, match=r"dcim\.device 1: expected text, got 7"):
            read_netbox(records, at=AT)
        records = _dump_with(
            lambda rs: _record(rs, "dcim.device", 1)["fields"].update(position="top")
        )
        with pytest.raises(LoadError, match="expected a decimal number, got 'top'"):
            read_netbox(records, at=AT)

    def test_the_error_names_the_file_it_came_from(self, tmp_path: Path) -> None:
        root = tmp_path / "rest"
        for path in REST.rglob("*.json"):
            target = root / path.relative_to(REST)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text())
        racks = root / "dcim" / "racks.json"
        page = json.loads(racks.read_text())
        page["results"][0]["u_height"] = "42U"
        racks.write_text(json.dumps(page))
        with pytest.raises(LoadError) as e:
            read_netbox(root, at=AT)
        assert e.value.path == str(racks)
        assert e.value.field == "u_height"

    def test_a_required_field_left_empty_is_refused(self) -> None:
        records = _dump_with(lambda rs: _record(rs, "circuits.circuit", 1)["fields"].update(cid=""))
        with pytest.raises(LoadError, match=r"circuits\.circuit 1: is required") as e:
            read_netbox(records, at=AT)
        assert e.value.field == "cid"

    def test_a_record_given_twice_is_refused(self) -> None:
        records = dump_records()
        records.append(copy.deepcopy(_record(records, "dcim.site", 1)))
        with pytest.raises(LoadError, match=r"dcim\.site 1 is given twice"):
            read_netbox(records, at=AT)

    def test_dump_records_with_unknown_keys_or_no_id_are_refused(self) -> None:
        with pytest.raises(LoadError, match="unknown key 'id'"):
            read_netbox([{"model": "dcim.site", "id": 1, "fields": {}}], at=AT)
        with pytest.raises(LoadError, match="expected a whole-number id, got None") as e:
            read_netbox([{"model": "dcim.site", "fields": {"name": "x"}}], at=AT)
        assert e.value.field == "pk"
        with pytest.raises(LoadError, match="record 0: expected an object"):
            read_netbox(["dcim.site"], at=AT)

    def test_pages_must_have_the_shape_of_a_page(self) -> None:
        with pytest.raises(LoadError, match="expected the keys count, next, previous and results"):
            read_netbox({"dcim/sites": {"results": [], "total": 0}}, at=AT)
        with pytest.raises(LoadError, match="expected a whole-number id") as e:
            read_netbox({"dcim/sites": [{"name": "x"}]}, at=AT)
        assert e.value.path == "dcim/sites"

    def test_a_last_page_that_says_more_follow_is_refused_without_showing_the_url(self) -> None:
        data = rest_data()
        data["dcim/devices"] = data["dcim/devices"][:1]
        with pytest.raises(LoadError, match="the last page says more results follow") as e:
            read_netbox(data, at=AT)
        assert "http" not in str(e.value)

    def test_pages_that_hold_fewer_records_than_they_count_are_refused(self) -> None:
        data = rest_data()
        data["dcim/sites"]["results"].pop()
        with pytest.raises(LoadError, match="counts 2 results, the pages hold 1"):
            read_netbox(data, at=AT)

    def test_a_cable_end_that_is_not_in_the_data_is_refused(self) -> None:
        def drop(records: list[dict[str, Any]]) -> None:
            records.remove(_record(records, "dcim.interface", 9))

        with pytest.raises(LoadError, match=r"dcim\.cable 8: ends at dcim\.interface 9") as e:
            read_netbox(_dump_with(drop), at=AT)
        assert e.value.field == "b_terminations"

    def test_a_port_on_two_cables_is_refused(self) -> None:
        d = Dump()
        srv, sw = d.device("srv", "server"), d.device("sw", "switch")
        port = d.interface(srv, "e1")
        d.cable(port, d.interface(sw, "e1"))
        d.cable(port, d.interface(sw, "e2"))
        with pytest.raises(LoadError, match=r"where dcim\.cable 1 ends too"):
            d.read()

    def test_a_content_type_not_in_the_dump_is_refused(self) -> None:
        records = [r for r in dump_records() if r["model"] != "contenttypes.contenttype"]
        with pytest.raises(LoadError, match="names content type 20, which is not in the dump"):
            read_netbox(records, at=AT)

    def test_a_dependency_cycle_in_the_data_is_a_load_error_naming_it(self) -> None:
        d = Dump()
        a, b = d.device("pdu-a", "server"), d.device("pdu-b", "server")
        out_a = d.add("dcim.poweroutlet", device=a, name="1")
        out_b = d.add("dcim.poweroutlet", device=b, name="1")
        d.cable(d.power_port(a, "in"), ("dcim.poweroutlet", out_b))
        d.cable(d.power_port(b, "in"), ("dcim.poweroutlet", out_a))
        with pytest.raises(LoadError, match="cycle: device:pdu-[ab] -> device:pdu-[ab]"):
            d.read()


def test_a_ci_record_from_netbox_passes_the_schema_it_was_made_for(fixture: NetboxImport) -> None:
    for node in fixture.cmdb.nodes("configuration_item"):
        assert isinstance(node, ConfigurationItem)
        fixture.cmdb.schema.check_ci(node)
