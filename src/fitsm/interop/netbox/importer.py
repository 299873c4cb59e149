"""Turning a NetBox inventory into a CMDB (PR11.3) and its providers into suppliers (PR8.1).

See :func:`read_netbox` and ``docs/netbox.md`` for the mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from fitsm.clock import as_utc
from fitsm.cmdb.configuration import (
    HAS_MEMBER,
    AttributeValue,
    ConfigurationItem,
    Node,
    RedundancyGroup,
)
from fitsm.cmdb.database import Cmdb
from fitsm.errors import LoadError, NotFoundError, ValidationError
from fitsm.interop.netbox._input import FOREIGN_KEYS, Inventory, Ref, read_inventory
from fitsm.interop.netbox._trace import CablePath, Note, Tracer
from fitsm.interop.netbox.mapping import (
    CI_MODELS,
    RELATIONSHIP_TYPES,
    NetboxLink,
    NetboxMapping,
)
from fitsm.suppliers.supplier import Supplier, SupplierKind

__all__ = ["ACTOR", "ID_PREFIXES", "NetboxImport", "Skipped", "read_netbox"]

ACTOR = "netbox"
"""The actor recorded in the CMDB history for everything an import creates, unless given."""

ID_PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "dcim.site": "site:",
        "dcim.location": "location:",
        "dcim.rack": "rack:",
        "dcim.powerpanel": "panel:",
        "dcim.powerfeed": "feed:",
        "circuits.provider": "provider:",
        "circuits.circuit": "circuit:",
        "virtualization.cluster": "cluster:",
        "dcim.device": "device:",
        "virtualization.virtualmachine": "vm:",
    }
)
"""How a node id starts, per NetBox model: ``device:`` + the device's name.

The rest is the object's slug (sites, locations, providers), circuit id, or
name (a power feed: panel name ``/`` feed name); a name that two objects of a
model share gets ``#`` and the NetBox id appended on both, and so does a device
without a name (``device:#17``).
"""

DEVICE, INTERFACE, POWER_PORT = "dcim.device", "dcim.interface", "dcim.powerport"
CIRCUIT_TERMINATION = "circuits.circuittermination"
_SLUG_NAMED = ("dcim.site", "dcim.location", "circuits.provider")


@attrs.frozen
class Skipped:
    """NetBox records the import did not turn into CIs or relationships, and why."""

    model: str
    """The model label (or, for an endpoint the importer does not read, the endpoint)."""
    pks: tuple[int, ...]
    reason: str

    def __str__(self) -> str:
        return f"{self.model} {', '.join(map(str, self.pks))}: {self.reason}"


@attrs.frozen(eq=False)
class NetboxImport:
    """What :func:`read_netbox` made: the CMDB, the providers as suppliers, what was skipped.

    ``ids`` gives the node id of each NetBox object that became a CI, by
    (model label, NetBox id).
    """

    cmdb: Cmdb
    suppliers: tuple[Supplier, ...]
    skipped: tuple[Skipped, ...]
    ids: Mapping[Ref, str]

    def node_id(self, model: str, pk: int) -> str:
        """The node id of a NetBox object, e.g. ``node_id("dcim.device", 12)``."""
        try:
            return self.ids[(model, pk)]
        except KeyError:
            raise NotFoundError(f"no {model} {pk} became a CI in this import") from None


def read_netbox(
    source: str | Path | Mapping[str, Any] | list[Any],
    *,
    mapping: NetboxMapping | None = None,
    at: datetime,
    actor: str = ACTOR,
) -> NetboxImport:
    """Import a NetBox inventory as a CMDB, with its circuit providers as suppliers.

    ``source`` is a directory of REST API results (``dcim/devices.json``, ...),
    one JSON file (a ``manage.py dumpdata`` fixture, or an object of endpoint to
    results), a mapping of endpoint to results, or a list of dumpdata records.
    ``mapping`` says which NetBox objects become which CI types and which links
    become dependencies (:class:`NetboxMapping`; ``docs/netbox.md`` has the table).
    Everything is recorded in the CMDB's history as created by ``actor`` at
    ``at``, in one entry (PR11.4); the importer reads no clock.

    Records of models the importer does not map, and links it does not make
    into dependencies, are listed in ``skipped`` with the reason. A record that
    is malformed, or names an object missing from the data, raises
    :class:`~fitsm.errors.LoadError` naming the file, the record and the field;
    nothing is imported then.
    """
    if not isinstance(at, datetime):
        raise ValidationError(
            "an import records when its records were created: at must be an aware datetime "
            f"(datetime.now(UTC), or when the NetBox data were exported), got {at!r}",
            field="at",
        )
    as_utc(at, "at")
    if mapping is None:
        mapping = NetboxMapping()
    elif not isinstance(mapping, NetboxMapping):
        raise ValidationError(f"mapping must be a NetboxMapping, got {mapping!r}", field="mapping")
    inventory, where = read_inventory(source)
    return _Builder(inventory, mapping, where).build(at=at, actor=actor)


class _Builder:
    def __init__(self, inventory: Inventory, mapping: NetboxMapping, where: str) -> None:
        self.inv = inventory
        self.m = mapping
        self.where = where
        self.tracer = Tracer(inventory, mapping.cable_statuses)
        self.ids: dict[Ref, str] = {}
        self.nodes: list[Node] = []
        self.edges: dict[tuple[str, str], str] = {}
        self.notes: dict[Note, None] = {}
        self.roles: dict[int, str | None] = {}
        self.by_device: dict[str, dict[int, list[int]]] = {INTERFACE: {}, POWER_PORT: {}}

    # -- the whole import ------------------------------------------------------------------

    def build(self, *, at: datetime, actor: str) -> NetboxImport:
        self._assign_ids()
        for model in CI_MODELS:
            for pk in sorted(self.inv.of(model)):
                self.nodes.append(self._ci(model, pk))
        for model in self.by_device:
            for pk in sorted(self.inv.of(model)):
                device = self.inv.ref(model, pk, "device")
                if device is None:
                    raise self.inv.error(model, pk, "device", "is required")
                self.by_device[model].setdefault(device, []).append(pk)
        for device in sorted(self.inv.of(DEVICE)):
            if self.m.depends(NetboxLink.POWER):
                self._power(device)
            if self.m.depends(NetboxLink.UPLINK):
                self._uplinks(device)
        self._simple_links()
        self._clusters()
        cmdb = Cmdb(self.m.schema, id="netbox")
        try:
            cmdb.add_many(
                self.nodes,
                [(s, t, kind) for (s, t), kind in self.edges.items()],
                actor=actor,
                at=at,
            )
        except ValidationError as e:
            raise LoadError(self.where, None, e.field, str(e)) from None
        suppliers = tuple(
            Supplier(
                self.inv.slug(fields) or f"provider-{pk}",
                self.inv.text("circuits.provider", pk, "name") or "",
                SupplierKind.EXTERNAL,
            )
            for pk, fields in sorted(self.inv.of("circuits.provider").items())
        )
        return NetboxImport(cmdb, suppliers, self._skipped(), MappingProxyType(dict(self.ids)))

    def _skipped(self) -> tuple[Skipped, ...]:
        grouped: dict[tuple[str, str], set[int]] = {}
        for model, pks in self.inv.unknown.items():
            grouped.setdefault((model, "not a NetBox model the importer maps"), set()).update(pks)
        for model, pk, reason in self.notes:
            grouped.setdefault((model, reason), set()).add(pk)
        return tuple(
            Skipped(model, tuple(sorted(pks)), reason)
            for (model, reason), pks in sorted(grouped.items())
        )

    def _note(self, model: str, pk: int, reason: str) -> None:
        self.notes[(model, pk, reason)] = None

    def _edge(self, source: str, target: str, link: NetboxLink | str) -> None:
        kind = RELATIONSHIP_TYPES[link] if isinstance(link, NetboxLink) else link
        if source != target:
            self.edges.setdefault((source, target), kind)

    def _depend(
        self,
        source: str,
        name: str,
        members: list[str],
        min_up: int | None,
        link: NetboxLink,
        label: str,
    ) -> None:
        """``source`` depends on each member, or on a k-of-n group of them."""
        if len(members) == 1 or min_up is None:
            for member in members:
                self._edge(source, member, link)
            return
        group = f"{source}/{name}"
        self.nodes.append(RedundancyGroup(group, min(min_up, len(members)), label))
        self._edge(source, group, link)
        for member in members:
            self._edge(group, member, HAS_MEMBER)

    # -- node ids and CIs -----------------------------------------------------------------

    def _natural(self, model: str, pk: int) -> str:
        inv = self.inv
        if model in _SLUG_NAMED:
            return inv.text(model, pk, "slug") or inv.text(model, pk, "name") or ""
        if model == "circuits.circuit":
            return inv.text(model, pk, "cid", required=True) or ""
        name = inv.text(model, pk, "name", required=model != DEVICE) or ""
        if model == "dcim.powerfeed":
            panel = inv.related(model, pk, "power_panel")
            if panel is None:
                raise inv.error(model, pk, "power_panel", "is required")
            return f"{inv.slug(panel)}/{name}"
        return name

    def _assign_ids(self) -> None:
        for model in CI_MODELS:
            naturals = {pk: self._natural(model, pk) for pk in sorted(self.inv.of(model))}
            used: dict[str, int] = {}
            for natural in naturals.values():
                used[natural] = used.get(natural, 0) + 1
            for pk, natural in naturals.items():
                unique = natural and used[natural] == 1
                self.ids[(model, pk)] = ID_PREFIXES[model] + (
                    natural if unique else f"{natural}#{pk}"
                )

    def _node(self, model: str, pk: int | None) -> str | None:
        return None if pk is None else self.ids[(model, pk)]

    def _ci(self, model: str, pk: int) -> ConfigurationItem:
        inv = self.inv
        values = _ATTRIBUTES[model](self, pk)
        tenant = None
        if "tenant" in FOREIGN_KEYS.get(model, {}):
            tenant = inv.related(model, pk, "tenant")
            values["tenant"] = inv.slug(tenant)
        attributes: dict[str, AttributeValue] = {"netbox_id": pk}
        attributes.update({k: v for k, v in values.items() if v is not None})
        if model == DEVICE:
            role = inv.slug(inv.related(model, pk, "role"))
            self.roles[pk] = role
            ci_type = self.m.device_type(role)
            name = inv.text(model, pk, "name") or ""
        else:
            ci_type = self.m.ci_types[model]
            name = inv.text(model, pk, "cid" if model == "circuits.circuit" else "name") or ""
        owner = inv.slug(tenant) if self.m.tenant_as_owner and tenant is not None else ""
        try:
            return ConfigurationItem(self.ids[(model, pk)], ci_type, name, attributes, owner or "")
        except ValidationError as e:
            raise inv.error(model, pk, e.field, str(e)) from None

    # -- dependencies ---------------------------------------------------------------------

    def _trace(self, start: Ref) -> list[CablePath]:
        paths, notes = self.tracer.trace(start)
        for note in notes:
            self._note(*note)
        return paths

    def _power(self, device: int) -> None:
        """A device depends on the feeds and PDUs its power ports are cabled to."""
        me = self.ids[(DEVICE, device)]
        sources: list[str] = []
        for port in self.by_device[POWER_PORT].get(device, []):
            for path in self._trace((POWER_PORT, port)):
                model, pk = path.end
                if model == "dcim.powerfeed":
                    source = self.ids[("dcim.powerfeed", pk)]
                elif model == "dcim.poweroutlet":
                    pdu = self.inv.ref(model, pk, "device")
                    if pdu is None or pdu == device:
                        self._note(POWER_PORT, port, "cabled to an outlet of its own device")
                        continue
                    source = self.ids[(DEVICE, pdu)]
                else:
                    self._note(POWER_PORT, port, f"cabled to a {model}, not a power source")
                    continue
                if source not in sources:
                    sources.append(source)
        if sources:
            name = self.inv.text(DEVICE, device, "name") or me
            self._depend(
                me, "power", sources, self.m.power_min_up, NetboxLink.POWER, f"power of {name}"
            )

    def _far_end(self, device: int, interface: int, path: CablePath) -> str | None:
        """The end of a path from ``device`` if it is upstream, else None (noted why)."""
        model, pk = path.end
        me = self.ids[(DEVICE, device)]
        mine, my_role = self.m.tier(self.roles[device]), self.roles[device]
        if model == CIRCUIT_TERMINATION:
            circuit = self.inv.ref(model, pk, "circuit")
            if circuit is None:
                raise self.inv.error(model, pk, "circuit", "is required")
            far, their_role = self.ids[("circuits.circuit", circuit)], None
            theirs: int | None = self.m.circuit_tier
        elif model == INTERFACE:
            other = self.inv.ref(model, pk, "device")
            if other is None:
                raise self.inv.error(model, pk, "device", "is required")
            if other == device:
                self._note(INTERFACE, interface, "cabled back to its own device")
                return None
            far, their_role = self.ids[(DEVICE, other)], self.roles[other]
            theirs = self.m.tier(their_role)
        else:
            self._note(INTERFACE, interface, f"cabled to a {model}, which is not followed")
            return None
        # both ends of a cable see it: one reason for the pair, naming both interfaces
        pair = " - ".join(sorted((me, far)))
        if mine is None or theirs is None:
            role = my_role if mine is None else their_role
            self._note(
                INTERFACE, interface, f"{pair}: cables of role {role!r} are not dependencies"
            )
            return None
        if mine == theirs:
            self._note(INTERFACE, interface, f"{pair}: both have tier {mine}, neither is upstream")
            return None
        return far if mine > theirs else None

    def _uplinks(self, device: int) -> None:
        """A device depends on the upstream ends of its cabled interfaces, through patch panels."""
        me = self.ids[(DEVICE, device)]
        # each distinct (upstream end, panels passed), with the first interface that reaches it
        paths: dict[tuple[str, tuple[str, ...]], int] = {}
        for interface in self.by_device[INTERFACE].get(device, []):
            if self.inv.flag(INTERFACE, interface, "mgmt_only"):
                if (INTERFACE, interface) in self.tracer.cable_of:
                    self._note(INTERFACE, interface, "management only: its cable is no dependency")
                continue
            for path in self._trace((INTERFACE, interface)):
                far = self._far_end(device, interface, path)
                if far is None:
                    continue
                panels: tuple[str, ...] = ()
                if self.m.depends(NetboxLink.PATCH_PANEL):
                    panels = tuple(self.ids[(DEVICE, p)] for p in path.panels if p != device)
                paths.setdefault((far, panels), interface)
        if not paths:
            return
        if len(paths) == 1 or self.m.uplink_min_up is None:
            for far, panels in paths:
                self._edge(me, far, NetboxLink.UPLINK)
                for panel in panels:
                    self._edge(me, panel, NetboxLink.PATCH_PANEL)
            return
        name = self.inv.text(DEVICE, device, "name") or me
        members: list[str] = []
        for (far, panels), interface in paths.items():
            member = self._connection(me, name, interface, far, panels) if panels else far
            if member not in members:
                members.append(member)
        self._depend(
            me, "uplinks", members, self.m.uplink_min_up, NetboxLink.UPLINK, f"uplinks of {name}"
        )

    def _connection(
        self, device: str, device_name: str, interface: int, far: str, panels: tuple[str, ...]
    ) -> str:
        """A CI for one cabled interface whose path passes patch panels; its id."""
        name = self.inv.text(INTERFACE, interface, "name", required=True) or ""
        node_id = f"{device}/{name}"
        self.nodes.append(
            ConfigurationItem(
                node_id,
                self.m.ci_types[INTERFACE],
                f"{name} of {device_name}",
                {"netbox_id": interface, "device": device, "interface": name, "far_end": far},
            )
        )
        self._edge(node_id, far, NetboxLink.UPLINK)
        for panel in panels:
            self._edge(node_id, panel, NetboxLink.PATCH_PANEL)
        return node_id

    def _simple_links(self) -> None:
        inv, m = self.inv, self.m
        if m.depends(NetboxLink.FEED_PANEL):
            for pk in sorted(inv.of("dcim.powerfeed")):
                panel = self._node("dcim.powerpanel", inv.ref("dcim.powerfeed", pk, "power_panel"))
                if panel is not None:
                    self._edge(self.ids[("dcim.powerfeed", pk)], panel, NetboxLink.FEED_PANEL)
        if m.depends(NetboxLink.CIRCUIT_PROVIDER):
            for pk in sorted(inv.of("circuits.circuit")):
                provider = inv.ref("circuits.circuit", pk, "provider")
                if provider is None:
                    raise inv.error("circuits.circuit", pk, "provider", "is required")
                self._edge(
                    self.ids[("circuits.circuit", pk)],
                    self.ids[("circuits.provider", provider)],
                    NetboxLink.CIRCUIT_PROVIDER,
                )
        vm = "virtualization.virtualmachine"
        for pk in sorted(inv.of(vm)):
            me = self.ids[(vm, pk)]
            if m.depends(NetboxLink.VM_CLUSTER):
                cluster = self._node("virtualization.cluster", inv.ref(vm, pk, "cluster"))
                if cluster is not None:
                    self._edge(me, cluster, NetboxLink.VM_CLUSTER)
            if m.depends(NetboxLink.VM_DEVICE):
                host = self._node(DEVICE, inv.ref(vm, pk, "device"))
                if host is not None:
                    self._edge(me, host, NetboxLink.VM_DEVICE)
        if m.depends(NetboxLink.LOCATED_IN):
            for model, fields in _PLACES.items():
                for pk in sorted(inv.of(model)):
                    for field in fields:
                        place = self._node(FOREIGN_KEYS[model][field], inv.ref(model, pk, field))
                        if place is not None:
                            self._edge(self.ids[(model, pk)], place, NetboxLink.LOCATED_IN)
                            break

    def _clusters(self) -> None:
        """A cluster depends on its hosts: the devices that name it, k of n."""
        if not self.m.depends(NetboxLink.CLUSTER_HOSTS):
            return
        hosts: dict[int, list[str]] = {}
        for pk in sorted(self.inv.of(DEVICE)):
            cluster = self.inv.ref(DEVICE, pk, "cluster")
            if cluster is not None:
                hosts.setdefault(cluster, []).append(self.ids[(DEVICE, pk)])
        for cluster, members in sorted(hosts.items()):
            me = self.ids[("virtualization.cluster", cluster)]
            name = self.inv.text("virtualization.cluster", cluster, "name") or me
            self._depend(
                me,
                "hosts",
                members,
                self.m.cluster_min_up,
                NetboxLink.CLUSTER_HOSTS,
                f"hosts of {name}",
            )


# -- what each CI carries ----------------------------------------------------------------------

# A thing's place, most specific first: it is located in the first one it names.
_PLACES: Mapping[str, tuple[str, ...]] = {
    "dcim.device": ("rack", "location", "site"),
    "dcim.rack": ("location", "site"),
    "dcim.location": ("parent", "site"),
    "dcim.powerpanel": ("location", "site"),
}

_Values = dict[str, AttributeValue | None]


def _refs(b: _Builder, model: str, pk: int, fields: Iterable[str]) -> _Values:
    return {f: b.inv.slug(b.inv.related(model, pk, f)) for f in fields}


def _texts(b: _Builder, model: str, pk: int, fields: Iterable[str]) -> _Values:
    return {f: b.inv.text(model, pk, f) for f in fields}


def _ints(b: _Builder, model: str, pk: int, fields: Iterable[str]) -> _Values:
    return {f: b.inv.integer(model, pk, f) for f in fields}


def _site(b: _Builder, pk: int) -> _Values:
    return _texts(b, "dcim.site", pk, ("slug", "status", "facility", "time_zone"))


def _location(b: _Builder, pk: int) -> _Values:
    m = "dcim.location"
    return {**_texts(b, m, pk, ("slug", "status")), **_refs(b, m, pk, ("site", "parent"))}


def _rack(b: _Builder, pk: int) -> _Values:
    m = "dcim.rack"
    return {
        **_refs(b, m, pk, ("site", "location", "role")),
        **_texts(b, m, pk, ("status", "serial", "asset_tag")),
        **_ints(b, m, pk, ("u_height",)),
    }


def _panel(b: _Builder, pk: int) -> _Values:
    return _refs(b, "dcim.powerpanel", pk, ("site", "location"))


def _feed(b: _Builder, pk: int) -> _Values:
    m = "dcim.powerfeed"
    return {
        **_refs(b, m, pk, ("power_panel", "rack")),
        **_texts(b, m, pk, ("status", "supply", "phase")),
        "feed_type": b.inv.text(m, pk, "type"),
        **_ints(b, m, pk, ("voltage", "amperage", "max_utilization")),
    }


def _provider(b: _Builder, pk: int) -> _Values:
    return _texts(b, "circuits.provider", pk, ("slug",))


def _circuit(b: _Builder, pk: int) -> _Values:
    m = "circuits.circuit"
    return {
        **_texts(b, m, pk, ("cid", "status", "install_date")),
        **_refs(b, m, pk, ("provider",)),
        "circuit_type": b.inv.slug(b.inv.related(m, pk, "type")),
        **_ints(b, m, pk, ("commit_rate",)),
    }


def _cluster(b: _Builder, pk: int) -> _Values:
    m = "virtualization.cluster"
    return {
        **_refs(b, m, pk, ("group",)),
        "cluster_type": b.inv.slug(b.inv.related(m, pk, "type")),
        **_texts(b, m, pk, ("status",)),
    }


def _device(b: _Builder, pk: int) -> _Values:
    inv, m = b.inv, DEVICE
    device_type = inv.related(m, pk, "device_type")
    manufacturer = None
    if device_type is not None:
        maker = device_type.get("manufacturer")
        if isinstance(maker, int):
            manufacturer = inv.of("dcim.manufacturer").get(maker) or inv.briefs.get(
                "dcim.manufacturer", {}
            ).get(maker)
            if manufacturer is None:
                raise inv.error(
                    "dcim.devicetype",
                    inv.ref(m, pk, "device_type") or 0,
                    "manufacturer",
                    f"names dcim.manufacturer {maker}, which is not in the NetBox data",
                )
    return {
        **_refs(b, m, pk, ("role", "platform", "site", "location", "rack", "cluster")),
        "device_type": inv.slug(device_type),
        "manufacturer": inv.slug(manufacturer),
        "position": inv.decimal(m, pk, "position"),
        **_texts(b, m, pk, ("face", "status", "serial", "asset_tag")),
    }


def _vm(b: _Builder, pk: int) -> _Values:
    m = "virtualization.virtualmachine"
    return {
        **_refs(b, m, pk, ("cluster", "site", "device", "role", "platform")),
        **_texts(b, m, pk, ("status",)),
        "vcpus": b.inv.decimal(m, pk, "vcpus"),
        **_ints(b, m, pk, ("memory", "disk")),
    }


_ATTRIBUTES: Mapping[str, Callable[[_Builder, int], _Values]] = {
    "dcim.site": _site,
    "dcim.location": _location,
    "dcim.rack": _rack,
    "dcim.powerpanel": _panel,
    "dcim.powerfeed": _feed,
    "circuits.provider": _provider,
    "circuits.circuit": _circuit,
    "virtualization.cluster": _cluster,
    DEVICE: _device,
    "virtualization.virtualmachine": _vm,
}
