"""Every backend runs the contract suite unchanged: add its URL here.

PostgreSQL joins when ``FITSM_TEST_POSTGRESQL_URL`` names an empty database
(``.ci/run`` installs and starts a server and sets it); each test gets a fresh
schema in it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fitsm import open_store
from fitsm.storage import Store

POSTGRESQL = os.environ.get("FITSM_TEST_POSTGRESQL_URL")
BACKENDS = ["memory", "sqlite-file", "sqlite-memory", *(["postgresql"] if POSTGRESQL else [])]


def fresh_postgresql_url() -> str:
    import psycopg

    assert POSTGRESQL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRESQL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in POSTGRESQL else "?"
    return f"{POSTGRESQL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'fitsm.db'}"
    if request.param == "sqlite-memory":
        return "sqlite:///:memory:"
    return fresh_postgresql_url()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()
