"""Importing a NetBox inventory as a CMDB (PR11.3), with circuit providers as suppliers (PR8.1).

NetBox (netboxlabs.com) is where many teams keep their data centre
inventory: sites, racks, devices, cables, power, circuits, clusters and
virtual machines. :func:`read_netbox` reads it from the REST API's JSON or
from a ``manage.py dumpdata`` fixture and builds a :class:`~fitsm.cmdb.Cmdb`
whose relationships are what impact analysis needs: a device depends on the
power feeds behind its power supplies (two feeds make a redundancy group), on
the upstream end of its cables traced through patch panels, a virtual machine
on its cluster, a cluster on its hosts, a circuit on its provider.
:class:`NetboxMapping` says which NetBox object becomes which CI type and
which links are dependencies; ``docs/netbox.md`` has the table.
"""

from fitsm.interop.netbox.importer import ACTOR, ID_PREFIXES, NetboxImport, Skipped, read_netbox
from fitsm.interop.netbox.mapping import (
    ATTRIBUTES,
    CI_MODELS,
    DEFAULT_CI_TYPES,
    DEFAULT_ROLE_TIERS,
    RELATIONSHIP_TYPES,
    NetboxLink,
    NetboxMapping,
)

__all__ = [
    "ACTOR",
    "ATTRIBUTES",
    "CI_MODELS",
    "DEFAULT_CI_TYPES",
    "DEFAULT_ROLE_TIERS",
    "ID_PREFIXES",
    "RELATIONSHIP_TYPES",
    "NetboxImport",
    "NetboxLink",
    "NetboxMapping",
    "Skipped",
    "read_netbox",
]
