"""Verification of the CMDB against what discovery found (PR11.5).

The CMDB says what *should* be there; a snapshot from a discovery tool, an
inventory or a cloud API says what *is*. :func:`verify` reports CIs and
relationships that are recorded but were not found (*missing*), found but not
recorded (*unexpected*), and found with other values than recorded (*different*).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from fitsm._validators import items, shown
from fitsm.cmdb.configuration import (
    AttributeValue,
    ConfigurationItem,
    NodeKind,
    Relationship,
)
from fitsm.errors import ValidationError
from fitsm.tables import Column, Columns

if TYPE_CHECKING:
    from fitsm.cmdb.view import CmdbView

__all__ = ["FINDINGS", "Difference", "DiscoveredState", "VerificationReport", "verify"]


def _records(value: Any, cls: type[Any]) -> tuple[Any, ...]:
    found = items(value, f"a list of {cls.__name__} records")
    for record in found:
        if not isinstance(record, cls):
            raise ValidationError(
                f"expected {cls.__name__} records, got {shown(record)} in {shown(value)}"
            )
    return found


def _cis(value: Any) -> tuple[ConfigurationItem, ...]:
    return _records(value, ConfigurationItem)


def _relationships(value: Any) -> tuple[Relationship, ...]:
    return _records(value, Relationship)


@attrs.frozen
class DiscoveredState:
    """CIs and relationships as found by discovery, in the CMDB's own terms."""

    cis: tuple[ConfigurationItem, ...] = attrs.field(default=(), converter=_cis)
    relationships: tuple[Relationship, ...] = attrs.field(default=(), converter=_relationships)


@attrs.frozen
class Difference:
    """One field whose recorded value differs from the discovered one.

    ``field`` is ``"type"``, ``"name"``, an attribute name, or for a relationship
    ``"relationship type"``; ``item`` is a CI id or ``"source -> target"``.
    """

    columns: ClassVar[Columns] = Columns(
        Column("item", "string"),
        Column("field", "string"),
        Column("recorded", "value", nullable=True),
        Column("discovered", "value", nullable=True),
    )
    """The table of differences; the values keep their types (``object`` in a frame)."""

    item: str
    field: str
    recorded: AttributeValue | None
    discovered: AttributeValue | None


FINDINGS = (
    "missing_ci",
    "unexpected_ci",
    "missing_relationship",
    "unexpected_relationship",
    "different",
)
"""The kinds of finding a verification reports, in the order its table lists them."""


@attrs.frozen
class VerificationReport:
    """The outcome of a verification; ``ok`` when nothing is missing, unexpected or different.

    As a table it has one row per finding: ``finding`` (one of :data:`FINDINGS`),
    the ``item`` (a CI id or ``"source -> target"``), the ``field`` that differs
    (``"relationship type"`` for a relationship) and the ``recorded`` and
    ``discovered`` values, kept as they are (``object`` in a frame).
    """

    columns: ClassVar[Columns] = Columns(
        Column("finding", "category", categories=FINDINGS),
        Column("item", "string"),
        Column("field", "string", nullable=True),
        Column("recorded", "value", nullable=True),
        Column("discovered", "value", nullable=True),
    )
    """The table of findings: one row each."""

    scope: frozenset[str]
    """The CI types that were compared."""
    missing_cis: tuple[str, ...]
    unexpected_cis: tuple[str, ...]
    missing_relationships: tuple[Relationship, ...]
    unexpected_relationships: tuple[Relationship, ...]
    different: tuple[Difference, ...]

    @property
    def ok(self) -> bool:
        return not (
            self.missing_cis
            or self.unexpected_cis
            or self.missing_relationships
            or self.unexpected_relationships
            or self.different
        )

    def _cells(self) -> list[tuple[Any, ...]]:
        rel = "relationship type"
        return [
            *(("missing_ci", ci, None, None, None) for ci in self.missing_cis),
            *(("unexpected_ci", ci, None, None, None) for ci in self.unexpected_cis),
            *(
                ("missing_relationship", f"{r.source} -> {r.target}", rel, r.type, None)
                for r in self.missing_relationships
            ),
            *(
                ("unexpected_relationship", f"{r.source} -> {r.target}", rel, None, r.type)
                for r in self.unexpected_relationships
            ),
            *(("different", d.item, d.field, d.recorded, d.discovered) for d in self.different),
        ]

    def to_records(self, *, iso: bool = False) -> list[dict[str, Any]]:
        """One dict per finding: missing, unexpected, then different."""
        return self.columns.records_from_cells(self._cells(), iso=iso)

    def to_frame(self) -> Any:
        """One row per finding as a pandas DataFrame (needs the ``pandas`` extra)."""
        return self.columns.frame_from_cells(self._cells())

    def _repr_html_(self) -> str:
        cells = self._cells()
        scope = ", ".join(sorted(self.scope)) or "nothing"
        verdict = "ok" if self.ok else f"{len(cells)} findings"
        return self.columns.html_from_cells(cells, caption=f"Verification of {scope}: {verdict}")


def verify(
    cmdb: CmdbView, discovered: DiscoveredState, *, ci_types: Iterable[str] | None = None
) -> VerificationReport:
    """Compare the CMDB with a discovered state (PR11.5).

    Only CIs of ``ci_types`` are compared (default: the types that occur in the
    snapshot, since a discovery tool sees only some kinds of CI), and only the
    fields discovery reports: the type, the name when it is not empty, and the
    attributes the discovered CI carries. Relationships are compared where both
    ends are CIs in scope.
    """
    found = {ci.id: ci for ci in discovered.cis}
    scope = (
        frozenset(ci_types) if ci_types is not None else frozenset(c.type for c in found.values())
    )
    recorded = {
        ci.id: ci
        for ci in cmdb.nodes(NodeKind.CI)
        if isinstance(ci, ConfigurationItem) and ci.type in scope
    }
    missing = tuple(sorted(set(recorded) - set(found)))
    unexpected = tuple(sorted(i for i in found if i not in cmdb))

    different: list[Difference] = []
    for ci_id in sorted(set(found) & set(cmdb.records)):
        ci = found[ci_id]
        known = cmdb[ci_id]
        if not isinstance(known, ConfigurationItem):
            different.append(Difference(ci_id, "kind", known.kind.value, NodeKind.CI.value))
            continue
        if known.type != ci.type:
            different.append(Difference(ci_id, "type", known.type, ci.type))
        if ci.name and known.name != ci.name:
            different.append(Difference(ci_id, "name", known.name, ci.name))
        for key, value in sorted(ci.attributes.items()):
            mine = known.attributes.get(key)
            if mine != value or type(mine) is not type(value):
                different.append(Difference(ci_id, key, mine, value))

    in_scope = set(recorded) | set(found)
    recorded_rels = {
        (source, target): Relationship(source, target, data["type"])
        for source, targets in cmdb.succ.items()
        if source in in_scope
        for target, data in targets.items()
        if target in in_scope
    }
    found_rels = {(r.source, r.target): r for r in discovered.relationships}
    for pair in sorted(set(recorded_rels) & set(found_rels)):
        if recorded_rels[pair].type != found_rels[pair].type:
            different.append(
                Difference(
                    f"{pair[0]} -> {pair[1]}",
                    "relationship type",
                    recorded_rels[pair].type,
                    found_rels[pair].type,
                )
            )
    return VerificationReport(
        scope=scope,
        missing_cis=missing,
        unexpected_cis=unexpected,
        missing_relationships=tuple(
            recorded_rels[k] for k in sorted(recorded_rels.keys() - found_rels.keys())
        ),
        unexpected_relationships=tuple(
            found_rels[k] for k in sorted(found_rels.keys() - recorded_rels.keys())
        ),
        different=tuple(different),
    )
