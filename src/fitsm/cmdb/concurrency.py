"""Which CIs and relationships a list of recorded changes touches (PR11.4).

Two units of work that change different CIs or relationships of one CMDB do not
conflict; :func:`touched` names what a change list touched, so that a store can
tell. A CI is ``"ci-id"``, a relationship ``"source -> target"``.
"""

from __future__ import annotations

from collections.abc import Iterable

from fitsm.cmdb.history import Batch, CmdbChangeRecord

__all__ = ["Entry", "touched"]

Entry = CmdbChangeRecord | Batch
"""One entry of a CMDB's journal: a single change, or a bulk load."""


def touched(entries: Iterable[Entry]) -> set[str]:
    """The nodes and relationships the entries created, changed or deleted.

    >>> from datetime import UTC, datetime
    >>> from fitsm.cmdb.history import CmdbAction
    >>> at = datetime(2026, 1, 5, tzinfo=UTC)
    >>> sorted(touched([CmdbChangeRecord(at, "ann", CmdbAction.UPDATED, "web1", "owner"),
    ...                 CmdbChangeRecord(at, "ann", CmdbAction.CREATED, "web1", "type",
    ...                                  new="runs_on", target="vm1")]))
    ['web1', 'web1 -> vm1']
    """
    found: set[str] = set()
    for entry in entries:
        if isinstance(entry, Batch):
            found.update(n.id for n in entry.nodes)
            found.update(f"{s} -> {t}" for s, t in zip(entry.sources, entry.targets, strict=True))
        elif entry.target is None:
            found.add(entry.subject)
        else:
            found.add(f"{entry.subject} -> {entry.target}")
    return found
