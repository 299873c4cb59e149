"""Tracked changes to CIs and relationships (PR11.4, GR2.4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum
from typing import Any

import attrs

from fitsm._validators import enum_value
from fitsm.cmdb.configuration import Node

__all__ = ["CmdbAction", "CmdbChangeRecord"]


class CmdbAction(StrEnum):
    """What a recorded CMDB change did to its subject."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


def _action(value: object) -> CmdbAction:
    return enum_value(CmdbAction)(value)


@attrs.frozen
class CmdbChangeRecord:
    """One recorded change: who, when, what, which attribute, old and new value.

    For a node, ``subject`` is its id; ``attribute`` is ``None`` when the whole
    record was created or deleted (``new`` or ``old`` is then the record).
    For a relationship, ``subject`` and ``target`` are its ends and ``attribute``
    is ``"type"``.
    """

    at: datetime
    actor: str
    action: CmdbAction = attrs.field(converter=_action)
    subject: str
    attribute: str | None = None
    old: Any = None
    new: Any = None
    target: str | None = None

    @property
    def is_relationship(self) -> bool:
        return self.target is not None

    def concerns(self, item_id: str) -> bool:
        return self.subject == item_id or self.target == item_id


@attrs.frozen(eq=False)
class Batch:
    """Many creations recorded at once by a bulk load, kept compact.

    Relationships are three parallel tuples rather than a record each, so a
    million-CI import does not double the memory of the CMDB.
    """

    at: datetime
    actor: str
    nodes: tuple[Node, ...]
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    types: tuple[str, ...]

    def expand(self) -> Iterator[CmdbChangeRecord]:
        for node in self.nodes:
            yield CmdbChangeRecord(self.at, self.actor, CmdbAction.CREATED, node.id, new=node)
        for s, t, kind in zip(self.sources, self.targets, self.types, strict=True):
            yield CmdbChangeRecord(
                self.at, self.actor, CmdbAction.CREATED, s, "type", None, kind, target=t
            )

    def concerning(self, item_id: str) -> Iterator[CmdbChangeRecord]:
        for node in self.nodes:
            if node.id == item_id:
                yield CmdbChangeRecord(self.at, self.actor, CmdbAction.CREATED, node.id, new=node)
        for i, (s, t) in enumerate(zip(self.sources, self.targets, strict=True)):
            if s == item_id or t == item_id:
                kind = self.types[i]
                yield CmdbChangeRecord(
                    self.at, self.actor, CmdbAction.CREATED, s, "type", None, kind, target=t
                )
