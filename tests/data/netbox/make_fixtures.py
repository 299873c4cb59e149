"""How the NetBox fixtures beside this file were made: one small inventory, two shapes.

The inventory is described once below, then written as NetBox 4.5 would give it:

* ``dump.json``: ``manage.py dumpdata`` output (records of ``{"model", "pk",
  "fields"}``, related objects by primary key, content types by primary key,
  cable ends as ``dcim.cabletermination`` records, patch panel ports mapped by
  ``dcim.portmapping`` records);
* ``rest/<app>/<endpoint>.json``: the REST API's result pages (related objects
  nested, choices as ``{"value", "label"}``, cable ends in ``a_terminations`` and
  ``b_terminations``, devices and interfaces over two pages each).

Run from the repository root to write them again::

    python tests/data/netbox/make_fixtures.py

The inventory: a data centre in Frankfurt (fra1) with a router on two circuits
(internet transit, and a wavelength to Amsterdam), a core switch on two power
feeds, two hypervisors cabled to the core through a pair of patch panels and a
trunk, each powered from two PDUs on two feeds, a Proxmox cluster of the two
with four virtual machines; and a point of presence in Amsterdam (ams1) whose
router ends the wavelength, with a switch whose cable is still planned.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
API = "https://netbox.example.org/api"
STAMP = "2026-01-05T08:00:00.000Z"

# -- the inventory ---------------------------------------------------------------------------

TENANTS = {1: ("ACME Retail", "acme-retail"), 2: ("Network Operations", "netops")}
SITES = {
    1: ("Frankfurt 1", "fra1", "Equinix FR5", "Europe/Berlin"),
    2: ("Amsterdam 1", "ams1", "Digital Realty AMS17", "Europe/Amsterdam"),
}
LOCATIONS = {1: ("Hall A", "hall-a", 1), 2: ("Cage 3", "cage-3", 2)}
RACK_ROLES = {1: ("Network", "network"), 2: ("Compute", "compute")}
RACKS = {1: ("A01", 1, 1, 1), 2: ("A02", 1, 1, 2), 3: ("C01", 2, 2, 1)}
MANUFACTURERS = {
    1: ("Juniper", "juniper"),
    2: ("Arista", "arista"),
    3: ("Dell", "dell"),
    4: ("APC", "apc"),
    5: ("Panduit", "panduit"),
}
DEVICE_TYPES = {
    1: ("MX204", "mx204", 1),
    2: ("DCS-7050SX3-48YC8", "dcs-7050sx3-48yc8", 2),
    3: ("PowerEdge R650", "poweredge-r650", 3),
    4: ("AP8959EU3", "ap8959eu3", 4),
    5: ("CP24BL", "cp24bl", 5),
}
ROLES = {
    1: ("Router", "router", False),
    2: ("Core switch", "core-switch", False),
    3: ("Server", "server", False),
    4: ("PDU", "pdu", False),
    5: ("Patch panel", "patch-panel", False),
    6: ("Access switch", "access-switch", False),
    7: ("Application server", "application-server", True),
}
PLATFORMS = {1: ("Junos", "junos"), 2: ("EOS", "eos"), 3: ("Proxmox VE", "proxmox-ve")}
CLUSTER_TYPES = {1: ("Proxmox", "proxmox")}
CLUSTER_GROUPS = {1: ("Production", "production")}
# name, type, group, site (scope), tenant
CLUSTERS = {1: ("fra1-prod", 1, 1, 1, 2)}
# name, role, type, platform, site, location, rack, position, status, serial, cluster, tenant
DEVICES = {
    1: ("edge-fra1", 1, 1, 1, 1, 1, 1, "40.0", "active", "JN11F0A2C", None, 2),
    2: ("core-fra1", 2, 2, 2, 1, 1, 1, "38.0", "active", "SSJ18320011", None, 2),
    3: ("pp-a01", 5, 5, None, 1, 1, 1, "42.0", "active", "", None, 2),
    4: ("pp-a02", 5, 5, None, 1, 1, 2, "42.0", "active", "", None, 2),
    5: ("pdu-a02-a", 4, 4, None, 1, 1, 2, None, "active", "5A1934E00417", None, 2),
    6: ("pdu-a02-b", 4, 4, None, 1, 1, 2, None, "active", "5A1934E00422", None, 2),
    7: ("hv-fra1-01", 3, 3, 3, 1, 1, 2, "10.0", "active", "8KZ7QJ3", 1, 2),
    8: ("hv-fra1-02", 3, 3, 3, 1, 1, 2, "12.0", "active", "8KZ7QJ4", 1, 2),
    9: ("edge-ams1", 1, 1, 1, 2, 2, 3, "40.0", "active", "JN11F0B7D", None, 2),
    10: ("sw-ams1", 6, 2, 2, 2, 2, 3, "38.0", "planned", "", None, 2),
}
# device, name, type, mgmt_only
INTERFACES = {
    1: (1, "xe-0/0/0", "10gbase-x-sfpp", False),
    2: (1, "xe-0/0/1", "10gbase-x-sfpp", False),
    3: (1, "et-0/0/2", "100gbase-x-qsfp28", False),
    4: (2, "Ethernet1", "100gbase-x-qsfp28", False),
    5: (2, "Ethernet10", "25gbase-x-sfp28", False),
    6: (2, "Ethernet11", "25gbase-x-sfp28", False),
    7: (2, "Ethernet12", "25gbase-x-sfp28", False),
    8: (2, "Ethernet48", "1000base-t", False),
    9: (7, "eno1", "25gbase-x-sfp28", False),
    10: (7, "idrac", "1000base-t", True),
    11: (8, "eno1", "25gbase-x-sfp28", False),
    12: (8, "eno2", "25gbase-x-sfp28", False),
    13: (9, "xe-0/0/0", "10gbase-x-sfpp", False),
    14: (9, "et-0/0/1", "100gbase-x-qsfp28", False),
    15: (10, "Ethernet1", "100gbase-x-qsfp28", False),
}
FRONT_PORTS = {1: (3, "1"), 2: (3, "2"), 3: (4, "1"), 4: (4, "2")}  # device, name (lc)
REAR_PORTS = {1: (3, "trunk", 2), 2: (4, "trunk", 2)}  # device, name, positions (mpo)
PORT_MAPPINGS = {1: (1, 1, 1), 2: (2, 1, 2), 3: (3, 2, 1), 4: (4, 2, 2)}  # front, rear, rear pos
POWER_PANELS = {1: ("MDB-A", 1, 1), 2: ("MDB-B", 1, 1)}
# name, panel, rack, type
POWER_FEEDS = {
    1: ("A01-A", 1, 1, "primary"),
    2: ("A01-B", 2, 1, "redundant"),
    3: ("A01-C", 1, 1, "primary"),
    4: ("A02-A", 1, 2, "primary"),
    5: ("A02-B", 2, 2, "redundant"),
}
POWER_PORTS = {
    1: (1, "PSU0"),
    2: (2, "PSU1"),
    3: (2, "PSU2"),
    4: (5, "Input"),
    5: (6, "Input"),
    6: (7, "PSU1"),
    7: (7, "PSU2"),
    8: (8, "PSU1"),
    9: (8, "PSU2"),
}
POWER_OUTLETS = {1: (5, "1", 4), 2: (5, "2", 4), 3: (6, "1", 5), 4: (6, "2", 5)}
PROVIDERS = {1: ("Transit One GmbH", "transit-one"), 2: ("Nordlink Networks B.V.", "nordlink")}
CIRCUIT_TYPES = {1: ("Internet transit", "internet-transit"), 2: ("Wavelength", "wavelength")}
# cid, provider, type, commit rate (kbps), install date
CIRCUITS = {
    1: ("INET-42", 1, 1, 10_000_000, "2024-03-01"),
    2: ("CID-7001", 2, 2, 100_000_000, "2025-06-15"),
}
CIRCUIT_TERMINATIONS = {1: (1, "A", 1), 2: (2, "A", 1), 3: (2, "Z", 2)}  # circuit, side, site
# a end, b end, status, type
CABLES = {
    1: (("dcim.interface", 1), ("circuits.circuittermination", 1), "connected", "smf"),
    2: (("dcim.interface", 2), ("circuits.circuittermination", 2), "connected", "smf"),
    3: (("dcim.interface", 13), ("circuits.circuittermination", 3), "connected", "smf"),
    4: (("dcim.interface", 3), ("dcim.interface", 4), "connected", "dac-active"),
    5: (("dcim.interface", 5), ("dcim.frontport", 1), "connected", "mmf-om4"),
    6: (("dcim.interface", 7), ("dcim.frontport", 2), "connected", "mmf-om4"),
    7: (("dcim.rearport", 1), ("dcim.rearport", 2), "connected", "mmf-om4"),
    8: (("dcim.frontport", 3), ("dcim.interface", 9), "connected", "mmf-om4"),
    9: (("dcim.frontport", 4), ("dcim.interface", 11), "connected", "mmf-om4"),
    10: (("dcim.interface", 6), ("dcim.interface", 12), "connected", "dac-passive"),
    11: (("dcim.interface", 10), ("dcim.interface", 8), "connected", "cat6"),
    12: (("dcim.interface", 14), ("dcim.interface", 15), "planned", "dac-passive"),
    13: (("dcim.powerfeed", 3), ("dcim.powerport", 1), "connected", "power"),
    14: (("dcim.powerfeed", 1), ("dcim.powerport", 2), "connected", "power"),
    15: (("dcim.powerfeed", 2), ("dcim.powerport", 3), "connected", "power"),
    16: (("dcim.powerfeed", 4), ("dcim.powerport", 4), "connected", "power"),
    17: (("dcim.powerfeed", 5), ("dcim.powerport", 5), "connected", "power"),
    18: (("dcim.powerport", 6), ("dcim.poweroutlet", 1), "connected", "power"),
    19: (("dcim.powerport", 7), ("dcim.poweroutlet", 3), "connected", "power"),
    20: (("dcim.powerport", 8), ("dcim.poweroutlet", 2), "connected", "power"),
    21: (("dcim.powerport", 9), ("dcim.poweroutlet", 4), "connected", "power"),
}
# name, cluster, site, device (pinned), role, platform, vcpus, memory MB, disk GB, tenant
VIRTUAL_MACHINES = {
    1: ("shop-web-1", 1, 1, None, 7, None, "4.00", 8192, 80, 1),
    2: ("shop-web-2", 1, 1, None, 7, None, "4.00", 8192, 80, 1),
    3: ("shop-db", 1, 1, 7, 7, None, "8.00", 32768, 500, 1),
    4: ("monitoring", 1, 1, None, 7, None, "2.00", 4096, 200, 2),
}
IP_ADDRESSES = {1: "192.0.2.10/24", 2: "192.0.2.11/24"}  # a model the importer does not map

CONTENT_TYPES = {
    "dcim.site": 11,
    "dcim.interface": 20,
    "dcim.frontport": 21,
    "dcim.rearport": 22,
    "dcim.powerport": 23,
    "dcim.poweroutlet": 24,
    "dcim.powerfeed": 25,
    "circuits.circuittermination": 26,
}


# -- the dumpdata fixture ----------------------------------------------------------------------


def _common(**fields: Any) -> dict[str, Any]:
    return {"created": STAMP, "last_updated": STAMP, "custom_field_data": {}, **fields}


def dump() -> list[dict[str, Any]]:
    """The inventory as ``manage.py dumpdata`` writes it."""
    out: list[dict[str, Any]] = []

    def add(label: str, pk: int, /, **fields: Any) -> None:
        out.append({"model": label, "pk": pk, "fields": _common(**fields)})

    for label, pk in CONTENT_TYPES.items():
        app, model = label.split(".")
        out.append(
            {
                "model": "contenttypes.contenttype",
                "pk": pk,
                "fields": {"app_label": app, "model": model},
            }
        )
    for pk, (name, slug) in TENANTS.items():
        add("tenancy.tenant", pk, name=name, slug=slug, group=None, description="", comments="")
    for pk, (name, slug, facility, tz) in SITES.items():
        add(
            "dcim.site",
            pk,
            name=name,
            slug=slug,
            status="active",
            region=None,
            group=None,
            tenant=None,
            facility=facility,
            time_zone=tz,
            description="",
            physical_address="",
            shipping_address="",
            latitude=None,
            longitude=None,
            comments="",
        )
    for pk, (name, slug, site) in LOCATIONS.items():
        add(
            "dcim.location",
            pk,
            name=name,
            slug=slug,
            site=site,
            parent=None,
            status="active",
            tenant=None,
            facility="",
            description="",
            lft=1,
            rght=2,
            tree_id=pk,
            level=0,
        )
    for pk, (name, slug) in RACK_ROLES.items():
        add("dcim.rackrole", pk, name=name, slug=slug, color="2196f3", description="")
    for pk, (name, site, location, role) in RACKS.items():
        add(
            "dcim.rack",
            pk,
            name=name,
            facility_id="",
            site=site,
            location=location,
            tenant=2,
            status="active",
            role=role,
            serial="",
            asset_tag=None,
            rack_type=None,
            form_factor="4-post-cabinet",
            width=19,
            u_height=42,
            starting_unit=1,
            desc_units=False,
            comments="",
        )
    for pk, (name, slug) in MANUFACTURERS.items():
        add("dcim.manufacturer", pk, name=name, slug=slug, description="")
    for pk, (model, slug, maker) in DEVICE_TYPES.items():
        add(
            "dcim.devicetype",
            pk,
            manufacturer=maker,
            model=model,
            slug=slug,
            part_number="",
            u_height="1.0",
            is_full_depth=True,
            airflow="front-to-rear",
        )
    for pk, (name, slug, vm_role) in ROLES.items():
        add(
            "dcim.devicerole",
            pk,
            name=name,
            slug=slug,
            color="9e9e9e",
            vm_role=vm_role,
            parent=None,
            description="",
            lft=1,
            rght=2,
            tree_id=pk,
            level=0,
        )
    for pk, (name, slug) in PLATFORMS.items():
        add(
            "dcim.platform",
            pk,
            name=name,
            slug=slug,
            manufacturer=None,
            parent=None,
            description="",
            lft=1,
            rght=2,
            tree_id=pk,
            level=0,
        )
    for pk, (name, slug) in CLUSTER_TYPES.items():
        add("virtualization.clustertype", pk, name=name, slug=slug, description="")
    for pk, (name, slug) in CLUSTER_GROUPS.items():
        add("virtualization.clustergroup", pk, name=name, slug=slug, description="")
    for pk, (name, ctype, group, site, tenant) in CLUSTERS.items():
        add(
            "virtualization.cluster",
            pk,
            name=name,
            type=ctype,
            group=group,
            status="active",
            tenant=tenant,
            scope_type=CONTENT_TYPES["dcim.site"],
            scope_id=site,
            _site=site,
            description="",
            comments="",
        )
    for pk, row in DEVICES.items():
        (
            name,
            role,
            dtype,
            platform,
            site,
            location,
            rack,
            position,
            status,
            serial,
            cluster,
            tenant,
        ) = row
        add(
            "dcim.device",
            pk,
            name=name,
            role=role,
            device_type=dtype,
            platform=platform,
            tenant=tenant,
            serial=serial,
            asset_tag=None,
            site=site,
            location=location,
            rack=rack,
            position=position,
            face="front" if position else "",
            status=status,
            airflow="front-to-rear",
            cluster=cluster,
            virtual_chassis=None,
            parent_device=None,
            primary_ip4=None,
            primary_ip6=None,
            oob_ip=None,
            description="",
            comments="",
            local_context_data=None,
        )
    cable_of = {
        end: (pk, side) for pk, (a, b, *_) in CABLES.items() for side, end in (("A", a), ("B", b))
    }

    def cabled(model: str, pk: int) -> dict[str, Any]:
        cable, side = cable_of.get((model, pk), (None, ""))
        return {"cable": cable, "cable_end": side, "mark_connected": False}

    for pk, (device, name, itype, mgmt) in INTERFACES.items():
        add(
            "dcim.interface",
            pk,
            device=device,
            module=None,
            name=name,
            label="",
            type=itype,
            enabled=True,
            mgmt_only=mgmt,
            mtu=None,
            mode="",
            lag=None,
            parent=None,
            bridge=None,
            description="",
            **cabled("dcim.interface", pk),
        )
    for pk, (device, name, positions) in REAR_PORTS.items():
        add(
            "dcim.rearport",
            pk,
            device=device,
            module=None,
            name=name,
            label="",
            type="mpo",
            color="",
            positions=positions,
            description="",
            **cabled("dcim.rearport", pk),
        )
    for pk, (device, name) in FRONT_PORTS.items():
        add(
            "dcim.frontport",
            pk,
            device=device,
            module=None,
            name=name,
            label="",
            type="lc",
            color="",
            positions=1,
            description="",
            **cabled("dcim.frontport", pk),
        )
    for pk, (front, rear, position) in PORT_MAPPINGS.items():
        out.append(
            {
                "model": "dcim.portmapping",
                "pk": pk,
                "fields": {
                    "device": FRONT_PORTS[front][0],
                    "front_port": front,
                    "front_port_position": 1,
                    "rear_port": rear,
                    "rear_port_position": position,
                },
            }
        )
    for pk, (name, site, location) in POWER_PANELS.items():
        add(
            "dcim.powerpanel",
            pk,
            site=site,
            location=location,
            name=name,
            description="",
            comments="",
        )
    for pk, (name, panel, rack, ftype) in POWER_FEEDS.items():
        add(
            "dcim.powerfeed",
            pk,
            power_panel=panel,
            rack=rack,
            name=name,
            status="active",
            type=ftype,
            supply="ac",
            phase="single-phase",
            voltage=230,
            amperage=16,
            max_utilization=80,
            available_power=2944,
            tenant=None,
            description="",
            comments="",
            **cabled("dcim.powerfeed", pk),
        )
    for pk, (device, name) in POWER_PORTS.items():
        add(
            "dcim.powerport",
            pk,
            device=device,
            module=None,
            name=name,
            label="",
            type="iec-60320-c14",
            maximum_draw=None,
            allocated_draw=None,
            description="",
            **cabled("dcim.powerport", pk),
        )
    for pk, (device, name, inlet) in POWER_OUTLETS.items():
        add(
            "dcim.poweroutlet",
            pk,
            device=device,
            module=None,
            name=name,
            label="",
            type="iec-60320-c13",
            power_port=inlet,
            feed_leg="A",
            description="",
            **cabled("dcim.poweroutlet", pk),
        )
    for pk, (name, slug) in PROVIDERS.items():
        add("circuits.provider", pk, name=name, slug=slug, description="", comments="")
    for pk, (name, slug) in CIRCUIT_TYPES.items():
        add("circuits.circuittype", pk, name=name, slug=slug, color="", description="")
    for pk, (cid, provider, ctype, rate, installed) in CIRCUITS.items():
        add(
            "circuits.circuit",
            pk,
            cid=cid,
            provider=provider,
            provider_account=None,
            type=ctype,
            status="active",
            tenant=2,
            install_date=installed,
            termination_date=None,
            commit_rate=rate,
            description="",
            comments="",
            termination_a=None,
            termination_z=None,
        )
    for pk, (circuit, side, site) in CIRCUIT_TERMINATIONS.items():
        add(
            "circuits.circuittermination",
            pk,
            circuit=circuit,
            term_side=side,
            termination_type=CONTENT_TYPES["dcim.site"],
            termination_id=site,
            _site=site,
            port_speed=None,
            upstream_speed=None,
            xconnect_id="",
            pp_info="",
            description="",
            **cabled("circuits.circuittermination", pk),
        )
    terminations = 0
    for pk, (a, b, status, ctype) in CABLES.items():
        add(
            "dcim.cable",
            pk,
            type=ctype,
            status=status,
            profile="",
            tenant=None,
            label="",
            color="",
            length=None,
            length_unit=None,
            description="",
            comments="",
        )
        for side, (model, target) in (("A", a), ("B", b)):
            terminations += 1
            out.append(
                {
                    "model": "dcim.cabletermination",
                    "pk": terminations,
                    "fields": {
                        "created": STAMP,
                        "last_updated": STAMP,
                        "cable": pk,
                        "cable_end": side,
                        "termination_type": CONTENT_TYPES[model],
                        "termination_id": target,
                        "connector": None,
                        "positions": None,
                    },
                }
            )
    for pk, (
        name,
        cluster,
        site,
        device,
        role,
        platform,
        vcpus,
        memory,
        disk,
        tenant,
    ) in VIRTUAL_MACHINES.items():
        add(
            "virtualization.virtualmachine",
            pk,
            name=name,
            cluster=cluster,
            site=site,
            device=device,
            role=role,
            platform=platform,
            status="active",
            tenant=tenant,
            vcpus=vcpus,
            memory=memory,
            disk=disk,
            serial="",
            description="",
            comments="",
        )
    for pk, address in IP_ADDRESSES.items():
        add("ipam.ipaddress", pk, address=address, status="active", role="", dns_name="")
    return out


# -- the REST API ------------------------------------------------------------------------------


def _url(endpoint: str, pk: int) -> str:
    return f"{API}/{endpoint}/{pk}/"


def _brief(endpoint: str, pk: int, display: str, /, **fields: Any) -> dict[str, Any]:
    return {"id": pk, "url": _url(endpoint, pk), "display": display, **fields, "description": ""}


def _choice(value: str) -> dict[str, str]:
    return {"value": value, "label": value.replace("-", " ").title()}


def _record(endpoint: str, pk: int, display: str, /, **fields: Any) -> dict[str, Any]:
    return {
        "id": pk,
        "url": _url(endpoint, pk),
        "display_url": _url(endpoint, pk).replace("/api/", "/"),
        "display": display,
        **fields,
        "tags": [],
        "custom_fields": {},
        "created": STAMP,
        "last_updated": STAMP,
    }


def tenant(pk: int | None) -> dict[str, Any] | None:
    if pk is None:
        return None
    name, slug = TENANTS[pk]
    return _brief("tenancy/tenants", pk, name, name=name, slug=slug)


def site(pk: int) -> dict[str, Any]:
    name, slug, *_ = SITES[pk]
    return _brief("dcim/sites", pk, name, name=name, slug=slug)


def location(pk: int) -> dict[str, Any]:
    name, slug, _ = LOCATIONS[pk]
    return _brief("dcim/locations", pk, name, name=name, slug=slug, rack_count=0, _depth=0)


def rack(pk: int) -> dict[str, Any]:
    return _brief("dcim/racks", pk, RACKS[pk][0], name=RACKS[pk][0])


def named(
    table: dict[int, tuple[Any, ...]], endpoint: str, pk: int | None
) -> dict[str, Any] | None:
    if pk is None:
        return None
    name, slug, *_ = table[pk]
    return _brief(endpoint, pk, name, name=name, slug=slug)


def device(pk: int) -> dict[str, Any]:
    return _brief("dcim/devices", pk, DEVICES[pk][0], name=DEVICES[pk][0])


def device_type(pk: int) -> dict[str, Any]:
    model, slug, maker = DEVICE_TYPES[pk]
    return _brief(
        "dcim/device-types",
        pk,
        model,
        manufacturer=named(MANUFACTURERS, "dcim/manufacturers", maker),
        model=model,
        slug=slug,
    )


def cable(pk: int | None) -> dict[str, Any] | None:
    return None if pk is None else _brief("dcim/cables", pk, f"#{pk}", label="")


def rest() -> dict[str, list[dict[str, Any]]]:
    """The inventory as the REST API gives it: records per endpoint."""
    out: dict[str, list[dict[str, Any]]] = {}
    cable_of = {
        end: (pk, side) for pk, (a, b, *_) in CABLES.items() for side, end in (("A", a), ("B", b))
    }

    def add(endpoint: str, pk: int, display: str, /, **fields: Any) -> None:
        out.setdefault(endpoint, []).append(_record(endpoint, pk, display, **fields))

    def cabled(model: str, pk: int) -> dict[str, Any]:
        number, side = cable_of.get((model, pk), (None, None))
        return {
            "cable": cable(number),
            "cable_end": side,
            "mark_connected": False,
            "_occupied": number is not None,
        }

    for pk, (name, slug) in TENANTS.items():
        add("tenancy/tenants", pk, name, name=name, slug=slug, group=None, description="")
    for pk, (name, slug, facility, tz) in SITES.items():
        add(
            "dcim/sites",
            pk,
            name,
            name=name,
            slug=slug,
            status=_choice("active"),
            region=None,
            group=None,
            tenant=None,
            facility=facility,
            time_zone=tz,
            description="",
        )
    for pk, (name, slug, site_pk) in LOCATIONS.items():
        add(
            "dcim/locations",
            pk,
            name,
            name=name,
            slug=slug,
            site=site(site_pk),
            parent=None,
            status=_choice("active"),
            tenant=None,
            facility="",
            description="",
            _depth=0,
        )
    for pk, (name, site_pk, location_pk, role) in RACKS.items():
        add(
            "dcim/racks",
            pk,
            name,
            name=name,
            facility_id="",
            site=site(site_pk),
            location=location(location_pk),
            group=None,
            tenant=tenant(2),
            status=_choice("active"),
            role=named(RACK_ROLES, "dcim/rack-roles", role),
            serial="",
            asset_tag=None,
            rack_type=None,
            form_factor=_choice("4-post-cabinet"),
            u_height=42,
        )
    for pk, row in DEVICES.items():
        (
            name,
            role,
            dtype,
            platform,
            site_pk,
            location_pk,
            rack_pk,
            position,
            status,
            serial,
            cluster,
            owner,
        ) = row
        add(
            "dcim/devices",
            pk,
            name,
            name=name,
            device_type=device_type(dtype),
            role=named(ROLES, "dcim/device-roles", role),
            tenant=tenant(owner),
            platform=named(PLATFORMS, "dcim/platforms", platform),
            serial=serial,
            asset_tag=None,
            site=site(site_pk),
            location=location(location_pk),
            rack=rack(rack_pk),
            position=float(position) if position else None,
            face=_choice("front") if position else None,
            parent_device=None,
            status=_choice(status),
            airflow=_choice("front-to-rear"),
            primary_ip=None,
            cluster=None
            if cluster is None
            else _brief(
                "virtualization/clusters", cluster, CLUSTERS[cluster][0], name=CLUSTERS[cluster][0]
            ),
            virtual_chassis=None,
            description="",
            comments="",
        )
    for pk, (device_pk, name, itype, mgmt) in INTERFACES.items():
        add(
            "dcim/interfaces",
            pk,
            name,
            device=device(device_pk),
            module=None,
            name=name,
            label="",
            type=_choice(itype),
            enabled=True,
            parent=None,
            lag=None,
            mgmt_only=mgmt,
            description="",
            **cabled("dcim.interface", pk),
        )
    for pk, (device_pk, name, positions) in REAR_PORTS.items():
        fronts = [
            {"position": p, "front_port": f, "front_port_position": 1}
            for f, (_, r, p) in PORT_MAPPINGS.items()
            if r == pk
        ]
        add(
            "dcim/rear-ports",
            pk,
            name,
            device=device(device_pk),
            module=None,
            name=name,
            label="",
            type=_choice("mpo"),
            color="",
            positions=positions,
            front_ports=fronts,
            description="",
            **cabled("dcim.rearport", pk),
        )
    for pk, (device_pk, name) in FRONT_PORTS.items():
        rears = [
            {"position": 1, "rear_port": r, "rear_port_position": p}
            for f, (_, r, p) in PORT_MAPPINGS.items()
            if f == pk
        ]
        add(
            "dcim/front-ports",
            pk,
            name,
            device=device(device_pk),
            module=None,
            name=name,
            label="",
            type=_choice("lc"),
            color="",
            positions=1,
            rear_ports=rears,
            description="",
            **cabled("dcim.frontport", pk),
        )
    for pk, (name, site_pk, location_pk) in POWER_PANELS.items():
        add(
            "dcim/power-panels",
            pk,
            name,
            site=site(site_pk),
            location=location(location_pk),
            name=name,
            description="",
            comments="",
        )
    for pk, (name, panel, rack_pk, ftype) in POWER_FEEDS.items():
        add(
            "dcim/power-feeds",
            pk,
            name,
            power_panel=_brief(
                "dcim/power-panels", panel, POWER_PANELS[panel][0], name=POWER_PANELS[panel][0]
            ),
            rack=rack(rack_pk),
            name=name,
            status=_choice("active"),
            type=_choice(ftype),
            supply=_choice("ac"),
            phase=_choice("single-phase"),
            voltage=230,
            amperage=16,
            max_utilization=80,
            tenant=None,
            description="",
            **cabled("dcim.powerfeed", pk),
        )
    for pk, (device_pk, name) in POWER_PORTS.items():
        add(
            "dcim/power-ports",
            pk,
            name,
            device=device(device_pk),
            module=None,
            name=name,
            label="",
            type=_choice("iec-60320-c14"),
            maximum_draw=None,
            allocated_draw=None,
            description="",
            **cabled("dcim.powerport", pk),
        )
    for pk, (device_pk, name, inlet) in POWER_OUTLETS.items():
        add(
            "dcim/power-outlets",
            pk,
            name,
            device=device(device_pk),
            module=None,
            name=name,
            label="",
            type=_choice("iec-60320-c13"),
            power_port=_brief(
                "dcim/power-ports", inlet, POWER_PORTS[inlet][1], name=POWER_PORTS[inlet][1]
            ),
            feed_leg=_choice("A"),
            description="",
            **cabled("dcim.poweroutlet", pk),
        )
    for pk, (name, slug) in PROVIDERS.items():
        add(
            "circuits/providers",
            pk,
            name,
            name=name,
            slug=slug,
            accounts=[],
            description="",
            comments="",
            asns=[],
            circuit_count=1,
        )
    for pk, (cid, provider, ctype, rate, installed) in CIRCUITS.items():
        add(
            "circuits/circuits",
            pk,
            cid,
            cid=cid,
            provider=named(PROVIDERS, "circuits/providers", provider),
            provider_account=None,
            type=named(CIRCUIT_TYPES, "circuits/circuit-types", ctype),
            status=_choice("active"),
            tenant=tenant(2),
            install_date=installed,
            termination_date=None,
            commit_rate=rate,
            description="",
            termination_a=None,
            termination_z=None,
            comments="",
        )
    for pk, (circuit, side, site_pk) in CIRCUIT_TERMINATIONS.items():
        add(
            "circuits/circuit-terminations",
            pk,
            f"{CIRCUITS[circuit][0]}: Termination {side}",
            circuit=_brief(
                "circuits/circuits", circuit, CIRCUITS[circuit][0], cid=CIRCUITS[circuit][0]
            ),
            term_side=side,
            termination_type="dcim.site",
            termination_id=site_pk,
            termination=site(site_pk),
            port_speed=None,
            upstream_speed=None,
            xconnect_id="",
            pp_info="",
            description="",
            **cabled("circuits.circuittermination", pk),
        )
    for pk, (a, b, status, ctype) in CABLES.items():
        add(
            "dcim/cables",
            pk,
            f"#{pk}",
            type=ctype,
            a_terminations=[{"object_type": a[0], "object_id": a[1]}],
            b_terminations=[{"object_type": b[0], "object_id": b[1]}],
            status=_choice(status),
            tenant=None,
            label="",
            color="",
            length=None,
            length_unit=None,
            description="",
            comments="",
        )
    for pk, (name, ctype, group, site_pk, owner) in CLUSTERS.items():
        add(
            "virtualization/clusters",
            pk,
            name,
            name=name,
            type=named(CLUSTER_TYPES, "virtualization/cluster-types", ctype),
            group=named(CLUSTER_GROUPS, "virtualization/cluster-groups", group),
            status=_choice("active"),
            tenant=tenant(owner),
            scope_type="dcim.site",
            scope_id=site_pk,
            scope=site(site_pk),
            description="",
            comments="",
        )
    for pk, (
        name,
        cluster,
        site_pk,
        host,
        role,
        platform,
        vcpus,
        memory,
        disk,
        owner,
    ) in VIRTUAL_MACHINES.items():
        add(
            "virtualization/virtual-machines",
            pk,
            name,
            name=name,
            role=named(ROLES, "dcim/device-roles", role),
            status=_choice("active"),
            site=site(site_pk),
            cluster=_brief(
                "virtualization/clusters", cluster, CLUSTERS[cluster][0], name=CLUSTERS[cluster][0]
            ),
            device=None if host is None else device(host),
            platform=named(PLATFORMS, "dcim/platforms", platform),
            vcpus=float(vcpus),
            memory=memory,
            disk=disk,
            tenant=tenant(owner),
            description="",
            comments="",
        )
    for pk, address in IP_ADDRESSES.items():
        add("ipam/ip-addresses", pk, address, address=address, status=_choice("active"))
    return out


def pages(endpoint: str, records: list[dict[str, Any]], size: int = 1000) -> Any:
    """One page, or a list of pages when there are more than ``size`` records."""
    chunks = [records[i : i + size] for i in range(0, len(records), size)]
    result = []
    for i, chunk in enumerate(chunks):
        result.append(
            {
                "count": len(records),
                "next": f"{API}/{endpoint}/?limit={size}&offset={(i + 1) * size}"
                if i + 1 < len(chunks)
                else None,
                "previous": f"{API}/{endpoint}/?limit={size}&offset={(i - 1) * size}"
                if i
                else None,
                "results": chunk,
            }
        )
    return result[0] if len(result) == 1 else result


def main(argv: list[str] | None = None) -> None:
    """Write the fixtures into the directory given (this file's by default)."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else HERE
    (root / "dump.json").write_text(json.dumps(dump(), indent=2) + "\n")
    for endpoint, records in rest().items():
        size = 6 if endpoint in ("dcim/devices", "dcim/interfaces") else 1000
        path = root / "rest" / f"{endpoint}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(pages(endpoint, records, size), indent=2) + "\n")


if __name__ == "__main__":
    main()
