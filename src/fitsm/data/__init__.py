"""Example data shipped inside the package, so the examples work after a plain install.

- ``example-cmdb.json``: the CMDB of ``fitsm demo``'s example provider (4
  services, 8 components, 50 CIs, 7 redundancy groups) in the JSON format of
  :mod:`fitsm.interop`; ``fitsm impact --cmdb example CI...`` reads it
- ``cmdb-csv``: a small CMDB as a directory of CSV files
- ``ci-outages-2024-03.csv``: a month of outages of the example CMDB's CIs, as
  monitoring records them (``ci,start,end,state,planned``)
- ``outages-2024-03.csv``: a month of service outages
  (``subject,start,end,state,planned``)

>>> from datetime import UTC, datetime
>>> from fitsm import data, load_cmdb
>>> load_cmdb(data.path(data.EXAMPLE_CMDB), at=datetime(2026, 1, 5, tzinfo=UTC))
<Cmdb 'example': 69 nodes, 104 relationships>
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fitsm.errors import NotFoundError

__all__ = ["EXAMPLE_CMDB", "NAMES", "path"]

EXAMPLE_CMDB = "example-cmdb.json"
"""The example provider's CMDB; the ``fitsm`` command calls it ``example``."""

NAMES = ("ci-outages-2024-03.csv", "cmdb-csv", "example-cmdb.json", "outages-2024-03.csv")
"""The names of the shipped files and directories."""


def path(name: str) -> Path:
    """The path of the shipped file or directory ``name`` (one of :data:`NAMES`).

    >>> path("cmdb-csv").is_dir()
    True
    """
    if name not in NAMES:
        raise NotFoundError(f"no example data named {name!r}; fitsm ships {', '.join(NAMES)}")
    resource = files(__name__) / name
    # pip installs a wheel as files; only an import from a zip archive has no paths
    if not isinstance(resource, Path):
        raise NotFoundError(
            f"example data {name!r} is inside an archive ({resource}); "
            "expected fitsm installed as files (pip install fitsm)"
        )
    return resource
