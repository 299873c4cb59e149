"""Comparing two states of a CMDB, e.g. the CMDB now and as of last month (PR11.4, PR11.5)."""

from __future__ import annotations

import attrs

from fitsm.cmdb.configuration import Node, Relationship
from fitsm.cmdb.database import Cmdb

__all__ = ["CmdbComparison", "compare"]


@attrs.frozen
class CmdbComparison:
    """What changed from ``before`` to ``after``."""

    added: tuple[Node, ...]
    removed: tuple[Node, ...]
    changed: tuple[tuple[Node, Node], ...]
    """(before, after) for every node whose record differs."""
    relationships_added: tuple[Relationship, ...]
    relationships_removed: tuple[Relationship, ...]

    @property
    def same(self) -> bool:
        return not (
            self.added or self.removed or self.changed
            or self.relationships_added or self.relationships_removed
        )  # fmt: skip


def compare(before: Cmdb, after: Cmdb) -> CmdbComparison:
    """The differences between two CMDBs (typically one CMDB at two instants).

    >>> # compare(cmdb.as_of(last_month), cmdb).added
    """
    old, new = before.records, after.records
    old_rels, new_rels = set(before.relationships()), set(after.relationships())
    return CmdbComparison(
        added=tuple(new[i] for i in new if i not in old),
        removed=tuple(old[i] for i in old if i not in new),
        changed=tuple((old[i], new[i]) for i in new if i in old and old[i] != new[i]),
        relationships_added=tuple(sorted(new_rels - old_rels, key=lambda r: (r.source, r.target))),
        relationships_removed=tuple(
            sorted(old_rels - new_rels, key=lambda r: (r.source, r.target))
        ),
    )
