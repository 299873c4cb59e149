from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from hypothesis import settings

from fitsm import (
    CiType,
    Cmdb,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    RedundancyGroup,
    ServiceNode,
)
from fitsm.cmdb import AttributeSpec, AttributeType

settings.register_profile("ci", max_examples=300, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def at() -> datetime:
    return AT


@pytest.fixture
def schema() -> CmdbSchema:
    return CmdbSchema(
        ci_types=[
            CiType(
                "server",
                [
                    AttributeSpec("hostname", required=True),
                    AttributeSpec("cores", AttributeType.INTEGER),
                    AttributeSpec("virtual", AttributeType.BOOLEAN),
                ],
            ),
            CiType("switch", ["location"]),
            CiType("database", ["engine"]),
        ],
        relationship_types=["runs_on", "connects_to"],
    )


@pytest.fixture
def shop(schema: CmdbSchema) -> Cmdb:
    """A web shop on three web servers (two needed) and one database, behind one switch.

    shop -> frontend -> web-pool (2 of web1, web2, web3) -> sw1
    shop -> backend  -> db1 -> sw1
    """
    cmdb = Cmdb(schema)
    nodes = [
        ServiceNode("shop", "Web shop"),
        ComponentNode("frontend"),
        ComponentNode("backend"),
        RedundancyGroup("web-pool", min_up=2),
        *(
            ConfigurationItem(f"web{i}", "server", attributes={"hostname": f"web{i}"})
            for i in (1, 2, 3)
        ),
        ConfigurationItem("db1", "database"),
        ConfigurationItem("sw1", "switch"),
    ]
    rels = [
        ("shop", "frontend"),
        ("shop", "backend"),
        ("frontend", "web-pool"),
        ("backend", "db1"),
        *(("web-pool", f"web{i}", "has_member") for i in (1, 2, 3)),
        *((f"web{i}", "sw1", "connects_to") for i in (1, 2, 3)),
        ("db1", "sw1", "connects_to"),
    ]
    cmdb.add_many(nodes, rels, actor="ann", at=AT)
    return cmdb
