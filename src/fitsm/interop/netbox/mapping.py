"""How a NetBox inventory becomes a CMDB: CI types, dependencies and redundancy (PR11.1).

A :class:`NetboxMapping` is the scope definition of the import: which NetBox
object becomes which CI type, which NetBox links become dependency
relationships, and how many members of a redundancy group must stay up. Every
field has a default that fits a typical data centre; pass your own values to
change it::

    mapping = NetboxMapping(role_ci_types={"server": "server", "core-switch": "switch"})

Every relationship of a CMDB means *depends on* (impact follows it), so a
NetBox link that is not a dependency is kept as an attribute: a device's rack
and site are attributes unless ``NetboxLink.LOCATED_IN`` is switched on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import attrs

from fitsm.cmdb.configuration import (
    AttributeSpec,
    AttributeType,
    CiType,
    CmdbSchema,
    RelationshipType,
)
from fitsm.errors import ValidationError

__all__ = [
    "ATTRIBUTES",
    "CI_MODELS",
    "DEFAULT_CI_TYPES",
    "DEFAULT_ROLE_TIERS",
    "RELATIONSHIP_TYPES",
    "NetboxLink",
    "NetboxMapping",
]


class NetboxLink(StrEnum):
    """A NetBox link that can become a dependency relationship of the CMDB.

    Each member names the relationship type it becomes (:data:`RELATIONSHIP_TYPES`).
    """

    POWER = "power"
    """A device depends on what feeds its power ports: power feeds, or the PDUs
    whose outlets they are cabled to (``powered_by``)."""
    UPLINK = "uplink"
    """A device depends on the device or circuit at the far end of its cabled
    interfaces, traced through patch panels, when that end is upstream: a lower
    tier (``connected_to``)."""
    PATCH_PANEL = "patch_panel"
    """A connection depends on the patch panels its cables pass through
    (``patched_through``)."""
    FEED_PANEL = "feed_panel"
    """A power feed depends on its power panel (``fed_from``)."""
    CIRCUIT_PROVIDER = "circuit_provider"
    """A circuit depends on its provider (``supplied_by``)."""
    CLUSTER_HOSTS = "cluster_hosts"
    """A cluster depends on its host devices, k of n (``hosted_on``)."""
    VM_CLUSTER = "vm_cluster"
    """A virtual machine depends on its cluster (``runs_on``)."""
    VM_DEVICE = "vm_device"
    """A virtual machine depends on the device NetBox pins it to (``runs_on``); off by
    default, since a cluster moves its machines when a host fails."""
    LOCATED_IN = "located_in"
    """A device depends on its rack (or location, or site), a rack on its location or
    site, a location on its parent or site, a power panel on its location or site
    (``located_in``); off by default: where a thing stands is an attribute."""


RELATIONSHIP_TYPES: Mapping[NetboxLink, str] = MappingProxyType(
    {
        NetboxLink.POWER: "powered_by",
        NetboxLink.UPLINK: "connected_to",
        NetboxLink.PATCH_PANEL: "patched_through",
        NetboxLink.FEED_PANEL: "fed_from",
        NetboxLink.CIRCUIT_PROVIDER: "supplied_by",
        NetboxLink.CLUSTER_HOSTS: "hosted_on",
        NetboxLink.VM_CLUSTER: "runs_on",
        NetboxLink.VM_DEVICE: "runs_on",
        NetboxLink.LOCATED_IN: "located_in",
    }
)
"""The relationship type each NetBox link becomes."""

_RELATIONSHIP_DESCRIPTIONS = {
    "powered_by": "draws power from a feed, a PDU or a group of them (NetBox power cabling)",
    "connected_to": "reaches an upstream device or circuit by cable (NetBox cable trace)",
    "patched_through": "its cable path passes through a patch panel",
    "fed_from": "a power feed is fed from its power panel",
    "supplied_by": "a circuit is delivered by its provider",
    "hosted_on": "a cluster runs on its host devices",
    "runs_on": "a virtual machine runs on its cluster or host",
    "located_in": "stands in a rack, location or site",
}

CI_MODELS = (
    "dcim.site",
    "dcim.location",
    "dcim.rack",
    "dcim.powerpanel",
    "dcim.powerfeed",
    "circuits.provider",
    "circuits.circuit",
    "virtualization.cluster",
    "dcim.device",
    "virtualization.virtualmachine",
)
"""The NetBox models whose objects become CIs, in the order they are imported."""

DEFAULT_CI_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "dcim.site": "site",
        "dcim.location": "location",
        "dcim.rack": "rack",
        "dcim.powerpanel": "power_panel",
        "dcim.powerfeed": "power_feed",
        "circuits.provider": "provider",
        "circuits.circuit": "circuit",
        "virtualization.cluster": "cluster",
        "virtualization.virtualmachine": "virtual_machine",
        "dcim.interface": "connection",
    }
)
"""The CI type of each NetBox model; devices take theirs from their role.

``dcim.interface`` stands for a *connection*: the CI made for one cabled
interface whose path passes through patch panels, when a device has several
such paths in a redundancy group.
"""

DEFAULT_ROLE_TIERS: Mapping[str, int | None] = MappingProxyType(
    {
        "router": 10,
        "firewall": 20,
        "core-switch": 30,
        "spine": 30,
        "switch": 40,
        "leaf": 40,
        "distribution-switch": 40,
        "access-switch": 50,
        "load-balancer": 60,
        "pdu": None,
        "patch-panel": None,
        "console-server": None,
    }
)
"""How far upstream each device role sits: a cable makes the higher tier depend on
the lower one. ``None``: cables to a device of this role are never dependencies
(a PDU's network port does not feed its neighbour)."""

_S, _I = AttributeType.STRING, AttributeType.INTEGER
_TENANT = ("tenant", _S)
ATTRIBUTES: Mapping[str, tuple[tuple[str, AttributeType], ...]] = MappingProxyType(
    {
        "dcim.site": (("slug", _S), ("status", _S), ("facility", _S), ("time_zone", _S), _TENANT),
        "dcim.location": (("slug", _S), ("site", _S), ("parent", _S), ("status", _S), _TENANT),
        "dcim.rack": (
            ("site", _S),
            ("location", _S),
            ("role", _S),
            ("status", _S),
            ("serial", _S),
            ("asset_tag", _S),
            ("u_height", _I),
            _TENANT,
        ),
        "dcim.powerpanel": (("site", _S), ("location", _S)),
        "dcim.powerfeed": (
            ("power_panel", _S),
            ("rack", _S),
            ("status", _S),
            ("feed_type", _S),
            ("supply", _S),
            ("phase", _S),
            ("voltage", _I),
            ("amperage", _I),
            ("max_utilization", _I),
            _TENANT,
        ),
        "circuits.provider": (("slug", _S),),
        "circuits.circuit": (
            ("cid", _S),
            ("provider", _S),
            ("circuit_type", _S),
            ("status", _S),
            ("commit_rate", _I),
            ("install_date", _S),
            _TENANT,
        ),
        "virtualization.cluster": (("cluster_type", _S), ("group", _S), ("status", _S), _TENANT),
        "dcim.device": (
            ("role", _S),
            ("device_type", _S),
            ("manufacturer", _S),
            ("platform", _S),
            ("site", _S),
            ("location", _S),
            ("rack", _S),
            ("position", _S),
            ("face", _S),
            ("status", _S),
            ("serial", _S),
            ("asset_tag", _S),
            ("cluster", _S),
            _TENANT,
        ),
        "virtualization.virtualmachine": (
            ("cluster", _S),
            ("site", _S),
            ("device", _S),
            ("role", _S),
            ("platform", _S),
            ("status", _S),
            ("vcpus", _S),
            ("memory", _I),
            ("disk", _I),
            _TENANT,
        ),
        "dcim.interface": (("device", _S), ("interface", _S), ("far_end", _S)),
    }
)
"""The attributes each NetBox model's CIs carry, besides ``netbox_id`` (the NetBox id,
required). References are by slug, or by name where NetBox has no slug; a
decimal (a rack position, vCPUs) is kept as its exact text."""


def _mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"expected a mapping, got {value!r}")
    return MappingProxyType(dict(value))


def _ci_types(value: Mapping[str, str]) -> Mapping[str, str]:
    """The defaults, with the given entries replacing theirs."""
    given = _mapping(value)
    unknown = sorted(set(given) - set(DEFAULT_CI_TYPES))
    if unknown:
        raise ValidationError(
            f"ci_types names {', '.join(map(repr, unknown))}, which the importer does not "
            f"map; expected some of {', '.join(DEFAULT_CI_TYPES)} (devices take "
            "device_ci_type or role_ci_types)",
            field="ci_types",
        )
    return MappingProxyType({**DEFAULT_CI_TYPES, **given})


def _links(value: Iterable[NetboxLink | str]) -> frozenset[NetboxLink]:
    if isinstance(value, str):
        raise ValidationError(
            f"dependencies must be a set of NetboxLink, got the string {value!r}",
            field="dependencies",
        )
    links = set()
    for v in value:
        try:
            links.add(NetboxLink(v))
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in NetboxLink)
            raise ValidationError(
                f"{v!r} is not a NetboxLink; expected one of {allowed}", field="dependencies"
            ) from None
    return frozenset(links)


def _min_up(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"{attribute.name} must be a whole number >= 1, or None for 'every member needed'"
            f", got {value!r}",
            field=attribute.name,
        )


def _tier(name: str, value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError(f"{name} must be a whole number or None, got {value!r}", field=name)


@attrs.frozen(kw_only=True)
class NetboxMapping:
    """Which NetBox object becomes which CI type, and which links become dependencies.

    - ``ci_types``: the CI type of each NetBox model (:data:`DEFAULT_CI_TYPES`);
      entries given replace the defaults, the others stay.
    - ``device_ci_type``, ``role_ci_types``: a device's CI type is
      ``role_ci_types[role slug]``, else ``device_ci_type``.
    - ``role_tiers``, ``default_tier``, ``circuit_tier``: a cable traced between two
      ends makes the end of the higher tier depend on the end of the lower one
      (:data:`DEFAULT_ROLE_TIERS`; a circuit is always upstream). Equal tiers, or a
      role whose tier is ``None``, make no dependency; the import reports it.
      ``role_tiers`` given replaces the table: extend the defaults with
      ``{**DEFAULT_ROLE_TIERS, "pdu": 90}``.
    - ``dependencies``: the :class:`NetboxLink` s that become relationships; by
      default all but ``VM_DEVICE`` and ``LOCATED_IN``.
    - ``power_min_up``, ``uplink_min_up``, ``cluster_min_up``: a device fed by
      several power sources, reaching several upstream ends, or a cluster of
      several hosts depends on a redundancy group that works while this many
      members work (at most all of them); ``None`` makes every member needed.
    - ``tenant_as_owner``: the NetBox tenant's slug becomes the CI owner (it is
      also the ``tenant`` attribute either way).
    - ``cable_statuses``: cables of these statuses are followed; a planned or
      decommissioning cable carries nothing.

    >>> NetboxMapping(role_ci_types={"server": "server"}).device_type("server")
    'server'
    >>> NetboxMapping().device_type("pdu")
    'device'
    """

    ci_types: Mapping[str, str] = attrs.field(default=DEFAULT_CI_TYPES, converter=_ci_types)
    device_ci_type: str = "device"
    role_ci_types: Mapping[str, str] = attrs.field(default=MappingProxyType({}), converter=_mapping)
    role_tiers: Mapping[str, int | None] = attrs.field(
        default=DEFAULT_ROLE_TIERS, converter=_mapping
    )
    default_tier: int | None = 100
    circuit_tier: int = 0
    dependencies: frozenset[NetboxLink] = attrs.field(
        default=frozenset(NetboxLink) - {NetboxLink.VM_DEVICE, NetboxLink.LOCATED_IN},
        converter=_links,
    )
    power_min_up: int | None = attrs.field(default=1, validator=_min_up)
    uplink_min_up: int | None = attrs.field(default=1, validator=_min_up)
    cluster_min_up: int | None = attrs.field(default=1, validator=_min_up)
    tenant_as_owner: bool = True
    cable_statuses: frozenset[str] = attrs.field(
        default=frozenset({"connected"}), converter=frozenset
    )
    _schema: CmdbSchema = attrs.field(init=False, eq=False, repr=False)

    @_schema.default
    def _make_schema(self) -> CmdbSchema:
        for role, tier in self.role_tiers.items():
            _tier(f"role_tiers[{role!r}]", tier)
        _tier("default_tier", self.default_tier)
        _tier("circuit_tier", self.circuit_tier)
        kinds: dict[str, list[str]] = {}
        for model, ci_type in self.ci_types.items():
            kinds.setdefault(ci_type, []).append(model)
        for ci_type in {self.device_ci_type, *self.role_ci_types.values()}:
            kinds.setdefault(ci_type, []).append("dcim.device")
        ci_types = []
        for ci_type in sorted(kinds):
            specs: dict[str, AttributeSpec] = {
                "netbox_id": AttributeSpec(
                    "netbox_id", AttributeType.INTEGER, required=True, description="NetBox id"
                )
            }
            for model in kinds[ci_type]:
                for name, kind in ATTRIBUTES[model]:
                    spec = specs.setdefault(name, AttributeSpec(name, kind))
                    if spec.type is not kind:
                        raise ValidationError(
                            f"CI type {ci_type!r} gets attribute {name!r} as {spec.type.value} "
                            f"and as {kind.value} (from {', '.join(kinds[ci_type])}); map "
                            "these NetBox models to different CI types",
                            field="ci_types",
                        )
            ci_types.append(
                CiType(
                    ci_type,
                    list(specs.values()),
                    "from NetBox " + ", ".join(sorted(set(kinds[ci_type]))),
                )
            )
        relationship_types = sorted(set(RELATIONSHIP_TYPES.values()))
        return CmdbSchema(
            ci_types,
            [RelationshipType(r, _RELATIONSHIP_DESCRIPTIONS[r]) for r in relationship_types],
        )

    @property
    def schema(self) -> CmdbSchema:
        """The CMDB scope this mapping produces: every CI type and relationship type (PR11.1)."""
        return self._schema

    def device_type(self, role: str | None) -> str:
        """The CI type of a device of the given role (slug)."""
        if role is None:
            return self.device_ci_type
        return self.role_ci_types.get(role, self.device_ci_type)

    def tier(self, role: str | None) -> int | None:
        """How far upstream a device of the given role sits (lower is further upstream)."""
        if role is None:
            return self.default_tier
        return self.role_tiers.get(role, self.default_tier)

    def depends(self, link: NetboxLink) -> bool:
        """Whether ``link`` becomes a dependency relationship."""
        return link in self.dependencies
