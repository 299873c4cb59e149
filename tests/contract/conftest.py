"""Every backend runs the contract suite unchanged: add its URL here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fitsm import Store, open_store

BACKENDS = ["memory://"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    opened = open_store(request.param)
    yield opened
    opened.close()
