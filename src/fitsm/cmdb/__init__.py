"""Configuration management (PR11): the CMDB as a dependency graph, and what to ask it.

The scope (CI and relationship types), services, components, CIs and k-of-n
redundancy groups in one graph, every change recorded; impact analysis,
dependencies, single points of failure and blast radius; verification against
a discovered state; the CMDB as of a past instant and the comparison of two;
exports to networkx, GraphML, DOT and Mermaid.
"""

from fitsm.cmdb.analysis import (
    BlastRadius,
    Dependency,
    ImpactedService,
    ImpactReport,
    ImpactStatus,
    blast_radius,
    dependencies,
    impact,
    single_points_of_failure,
)
from fitsm.cmdb.comparison import CmdbComparison, compare
from fitsm.cmdb.configuration import (
    DEPENDS_ON,
    HAS_MEMBER,
    AttributeSpec,
    AttributeType,
    CiType,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    NodeKind,
    RedundancyGroup,
    Relationship,
    RelationshipType,
    ServiceNode,
)
from fitsm.cmdb.database import Cmdb
from fitsm.cmdb.export import STATE_COLOURS, Direction, to_dot, to_graphml, to_mermaid, to_networkx
from fitsm.cmdb.history import Batch, CmdbAction, CmdbChangeRecord
from fitsm.cmdb.verification import Difference, DiscoveredState, VerificationReport, verify
from fitsm.cmdb.view import Adjacency, CmdbView, down_threshold, required_up

__all__ = [
    "DEPENDS_ON",
    "HAS_MEMBER",
    "STATE_COLOURS",
    "Adjacency",
    "AttributeSpec",
    "AttributeType",
    "Batch",
    "BlastRadius",
    "CiType",
    "Cmdb",
    "CmdbAction",
    "CmdbChangeRecord",
    "CmdbComparison",
    "CmdbSchema",
    "CmdbView",
    "ComponentNode",
    "ConfigurationItem",
    "Dependency",
    "Difference",
    "Direction",
    "DiscoveredState",
    "ImpactReport",
    "ImpactStatus",
    "ImpactedService",
    "NodeKind",
    "RedundancyGroup",
    "Relationship",
    "RelationshipType",
    "ServiceNode",
    "VerificationReport",
    "blast_radius",
    "compare",
    "dependencies",
    "down_threshold",
    "impact",
    "required_up",
    "single_points_of_failure",
    "to_dot",
    "to_graphml",
    "to_mermaid",
    "to_networkx",
    "verify",
]
