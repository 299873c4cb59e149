"""Benchmark of the NetBox importer on a generated data centre inventory.

The inventory is generated, never stored: per rack a top-of-rack switch, 16
servers cabled to it on two interfaces and powered from two PDUs on two feeds,
a patch panel whose trunk leads to a panel beside the two core switches, and a
cluster of the rack's servers with two virtual machines each; per site a router
on two circuits. Measured: ``read_netbox`` on the ``manage.py dumpdata`` shape
and on the REST API shape (both already parsed, as lists and dicts), against
``json.loads`` of the same dump's text as the baseline of what reading it costs
at all. Every figure is the median of the runs.

Run from the repository root::

    python benchmarks/netbox_bench.py                 # 16 racks: about 7,000 records
    python benchmarks/netbox_bench.py --racks 160     # about 70,000
    python benchmarks/netbox_bench.py --quick         # 2 racks, one run (CI)
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from cmdb_bench import ratio, section, table

from fitsm.interop.netbox import read_netbox
from fitsm.interop.netbox._input import ENDPOINTS, FOREIGN_KEYS

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
SERVERS_PER_RACK = 16
RACKS_PER_SITE = 8
VMS_PER_SERVER = 2


class Inventory:
    """Dumpdata records, numbered per model."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self._next: dict[str, int] = {}

    def add(self, model: str, /, **fields: Any) -> int:
        pk = self._next[model] = self._next.get(model, 0) + 1
        self.records.append({"model": model, "pk": pk, "fields": fields})
        return pk

    def cable(self, a: tuple[str, int], b: tuple[str, int]) -> None:
        cable = self.add("dcim.cable", status="connected", type="")
        for side, (model, pk) in (("A", a), ("B", b)):
            self.add(
                "dcim.cabletermination",
                cable=cable,
                cable_end=side,
                termination_type=model.split("."),
                termination_id=pk,
            )


def generate(racks: int) -> list[dict[str, Any]]:
    """A dumpdata fixture of ``racks`` racks (about 430 records a rack)."""
    inv = Inventory()
    roles = {
        slug: inv.add("dcim.devicerole", name=slug, slug=slug)
        for slug in ("router", "core-switch", "access-switch", "server", "pdu", "patch-panel")
    }
    provider = inv.add("circuits.provider", name="Transit", slug="transit")
    ctype = inv.add("circuits.circuittype", name="Transit", slug="transit")
    ident = inv.add("dcim.manufacturer", name="Generic", slug="generic")
    dtype = inv.add("dcim.devicetype", manufacturer=ident, model="Box", slug="box")
    site = panels = router = 0
    core_switches: list[int] = []

    def device(name: str, role: str, **fields: Any) -> int:
        return inv.add(
            "dcim.device",
            name=name,
            role=roles[role],
            device_type=dtype,
            site=site,
            status="active",
            **fields,
        )

    def interface(dev: int, name: str) -> tuple[str, int]:
        return ("dcim.interface", inv.add("dcim.interface", device=dev, name=name))

    for r in range(racks):
        if r % RACKS_PER_SITE == 0:
            s = r // RACKS_PER_SITE
            site = inv.add("dcim.site", name=f"Site {s}", slug=f"s{s}", status="active")
            panels = inv.add("dcim.powerpanel", name=f"s{s}-mdb-a", site=site)
            inv.add("dcim.powerpanel", name=f"s{s}-mdb-b", site=site)
            router = device(f"s{s}-edge", "router")
            for c in range(2):
                circuit = inv.add(
                    "circuits.circuit", cid=f"s{s}-c{c}", provider=provider, type=ctype
                )
                end = inv.add("circuits.circuittermination", circuit=circuit, term_side="A")
                inv.cable(interface(router, f"wan{c}"), ("circuits.circuittermination", end))
            core_switches = [device(f"s{s}-core{c}", "core-switch") for c in range(2)]
            for c, switch in enumerate(core_switches):
                inv.cable(interface(router, f"lan{c}"), interface(switch, "up"))
        rack = inv.add("dcim.rack", name=f"r{r}", site=site, status="active", u_height=42)

        pdus = []
        for side in (0, 1):
            feed = inv.add(
                "dcim.powerfeed", name=f"r{r}-{side}", power_panel=panels + side, rack=rack
            )
            pdu = device(f"r{r}-pdu{side}", "pdu", rack=rack)
            inlet = inv.add("dcim.powerport", device=pdu, name="in")
            inv.cable(("dcim.powerfeed", feed), ("dcim.powerport", inlet))

            pdus.append(pdu)
        tor = device(f"r{r}-tor", "access-switch", rack=rack)
        # the ToR's two uplinks run through a panel in the rack and a trunk to the core row
        near = device(f"r{r}-pp", "patch-panel", rack=rack)
        far = device(f"r{r}-pp-core", "patch-panel")
        near_rear = inv.add("dcim.rearport", device=near, name="trunk", positions=2)
        far_rear = inv.add("dcim.rearport", device=far, name="trunk", positions=2)
        inv.cable(("dcim.rearport", near_rear), ("dcim.rearport", far_rear))
        for p, switch in enumerate(core_switches, start=1):
            fronts = []
            for panel, rear in ((near, near_rear), (far, far_rear)):
                front = inv.add("dcim.frontport", device=panel, name=str(p))
                inv.add(
                    "dcim.portmapping",
                    device=panel,
                    front_port=front,
                    front_port_position=1,
                    rear_port=rear,
                    rear_port_position=p,
                )
                fronts.append(front)
            inv.cable(interface(tor, f"up{p}"), ("dcim.frontport", fronts[0]))
            inv.cable(("dcim.frontport", fronts[1]), interface(switch, f"r{r}"))
        cluster = inv.add("virtualization.cluster", name=f"r{r}-cluster", status="active")
        for n in range(SERVERS_PER_RACK):
            server = device(f"r{r}-srv{n}", "server", rack=rack, cluster=cluster)
            for i in range(2):
                inv.cable(interface(server, f"eno{i}"), interface(tor, f"e{n}-{i}"))
                port = inv.add("dcim.powerport", device=server, name=f"psu{i}")
                outlet = inv.add("dcim.poweroutlet", device=pdus[i], name=str(n))
                inv.cable(("dcim.powerport", port), ("dcim.poweroutlet", outlet))
            inv.add("dcim.interface", device=server, name="bmc", mgmt_only=True)
            for v in range(VMS_PER_SERVER):
                inv.add(
                    "virtualization.virtualmachine",
                    name=f"r{r}-vm{n}-{v}",
                    cluster=cluster,
                    status="active",
                    vcpus="2.00",
                    memory=4096,
                )
    return inv.records


def as_rest(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The same inventory as REST API pages: related objects nested, cable ends on cables."""
    endpoint_of = {model: endpoint for endpoint, model in ENDPOINTS.items()}
    results: dict[str, list[dict[str, Any]]] = {}
    ends: dict[int, dict[str, list[dict[str, Any]]]] = {}
    slugs = {
        (r["model"], r["pk"]): r["fields"].get("slug") or r["fields"].get("name") for r in records
    }
    for r in records:
        model, fields = r["model"], r["fields"]
        if model == "dcim.cabletermination":
            side = ends.setdefault(fields["cable"], {"a": [], "b": []})[fields["cable_end"].lower()]
            label = ".".join(fields["termination_type"])
            side.append({"object_type": label, "object_id": fields["termination_id"]})
            continue
        if model == "dcim.portmapping":
            continue
        keys = FOREIGN_KEYS.get(model, {})
        rec: dict[str, Any] = {"id": r["pk"]}
        for key, value in fields.items():
            if key in keys and value is not None:
                value = {"id": value, "display": slugs[(keys[key], value)]}
            elif key == "status":
                value = {"value": value, "label": value.title()}
            rec[key] = value
        results.setdefault(endpoint_of[model], []).append(rec)
    mappings = [r["fields"] for r in records if r["model"] == "dcim.portmapping"]
    fronts = {rec["id"]: rec for rec in results.get("dcim/front-ports", [])}
    for m in mappings:
        fronts[m["front_port"]].setdefault("rear_ports", []).append(
            {
                "position": m["front_port_position"],
                "rear_port": m["rear_port"],
                "rear_port_position": m["rear_port_position"],
            }
        )
    for cable in results.get("dcim/cables", []):
        cable["a_terminations"] = ends[cable["id"]]["a"]
        cable["b_terminations"] = ends[cable["id"]]["b"]
    return {
        endpoint: {"count": len(rows), "next": None, "previous": None, "results": rows}
        for endpoint, rows in results.items()
    }


def median_time(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()  # each run starts from the same heap, not from the last run's garbage
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--racks", type=int, default=16, help="racks to generate (8 a site)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement")
    parser.add_argument("--quick", action="store_true", help="2 racks, one run (for CI)")
    args = parser.parse_args(argv)
    racks, runs = (2, 1) if args.quick else (args.racks, args.runs)
    records = generate(racks)
    rest = as_rest(records)
    text = json.dumps(records)
    result = read_netbox(records, at=AT)
    assert read_netbox(rest, at=AT).cmdb == result.cmdb, "the two shapes disagree"
    cmdb = result.cmdb
    section(f"NetBox import (Python {platform.python_version()}, {racks} racks, median of {runs})")
    print(
        f"{len(records):,} dump records -> {len(cmdb):,} nodes, "
        f"{sum(1 for _ in cmdb.relationships()):,} relationships; "
        f"{len(result.skipped)} kinds of thing skipped"
    )
    parse = median_time(lambda: json.loads(text), runs)
    dump = median_time(lambda: read_netbox(records, at=AT), runs)
    api = median_time(lambda: read_netbox(rest, at=AT), runs)
    table(
        ["step", "time", "records/s", "vs json.loads"],
        [
            ["json.loads of the dump text", f"{parse * 1000:.0f} ms", "", "1.00x"],
            [
                "read_netbox, dumpdata records",
                f"{dump * 1000:.0f} ms",
                f"{len(records) / dump:,.0f}",
                ratio(dump, parse),
            ],
            [
                "read_netbox, REST API pages",
                f"{api * 1000:.0f} ms",
                f"{len(records) / api:,.0f}",
                ratio(api, parse),
            ],
        ],
    )


if __name__ == "__main__":
    main()
