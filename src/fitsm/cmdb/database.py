"""The configuration management database (PR11.3, PR11.4) as a dependency graph.

Services, service components, CIs and redundancy groups are nodes of one
``networkx.DiGraph`` of ids; an edge ``A -> B`` means *A depends on B*. The records
live beside the graph, keyed by id. Every change goes through the :class:`Cmdb`,
which checks it against the :class:`~fitsm.CmdbSchema`, refuses dependency cycles
(they would make impact ill-defined) and records who changed what, when (PR11.4).
Every change names its ``actor`` and its ``at`` (an aware datetime): the CMDB
reads no clock, so the same changes always give the same history.

Each node's and edge's data in the graph is one shared read-only mapping per
kind and type (``{"kind": "configuration_item", "type": "server"}``,
``{"type": "runs_on"}``): analysts can filter on them with any networkx
algorithm, and a million-CI CMDB does not pay for a dict per node and edge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import networkx as nx

from fitsm._validators import check_id, enum_value, items, shown, text_problem
from fitsm.clock import as_utc
from fitsm.cmdb.analysis import (
    BlastRadius,
    Dependency,
    ImpactReport,
    Strategy,
    blast_radius,
    dependencies,
    impact,
    single_points_of_failure,
)
from fitsm.cmdb.configuration import (
    DEPENDS_ON,
    HAS_MEMBER,
    AttributeValue,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    Node,
    NodeKind,
    RedundancyGroup,
    Relationship,
    ServiceNode,
)
from fitsm.cmdb.history import Batch, CmdbAction, CmdbChangeRecord
from fitsm.cmdb.view import Adjacency
from fitsm.errors import (
    ConflictError,
    CycleError,
    DuplicateError,
    FitsmError,
    NotFoundError,
    ValidationError,
)

if TYPE_CHECKING:
    from fitsm.portfolio.services import ServicePortfolio
    from fitsm.tables import Rows

__all__ = ["Cmdb"]

_NODE_DATA: dict[tuple[NodeKind, str | None], Mapping[str, str]] = {}
_EDGE_DATA: dict[str, Mapping[str, str]] = {}
_UNSET: Any = object()
_T = TypeVar("_T")
_NODE_TYPES = (ConfigurationItem, RedundancyGroup, ServiceNode, ComponentNode)


def _node_data(node: Node) -> Mapping[str, str]:
    ci_type = node.type if isinstance(node, ConfigurationItem) else None
    key = (node.kind, ci_type)
    data = _NODE_DATA.get(key)
    if data is None:
        raw = {"kind": node.kind.value}
        if ci_type is not None:
            raw["type"] = ci_type
        data = _NODE_DATA[key] = MappingProxyType(raw)
    return data


def _edge_data(kind: str) -> Mapping[str, str]:
    data = _EDGE_DATA.get(kind)
    if data is None:
        data = _EDGE_DATA[kind] = MappingProxyType({"type": kind})
    return data


class Cmdb:
    """A CMDB: the scope (schema), the records and their dependencies, and their history.

    >>> from datetime import UTC, datetime
    >>> cmdb = Cmdb(CmdbSchema(ci_types=["server"]))
    >>> at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    >>> _ = cmdb.add(ServiceNode("web", "Website"), actor="ann", at=at)
    >>> _ = cmdb.add(ConfigurationItem("srv1", "server"), actor="ann", at=at)
    >>> _ = cmdb.add_relationship("web", "srv1", actor="ann", at=at)
    >>> sorted(cmdb.impact(["srv1"]).services_down)
    ['web']
    """

    def __init__(self, schema: CmdbSchema | None = None, *, id: str = "default") -> None:
        check_id(id, "CMDB id", field="id")
        if schema is not None and not isinstance(schema, CmdbSchema):
            raise ValidationError(f"schema must be a CmdbSchema, got {shown(schema)}")
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self._schema = schema if schema is not None else CmdbSchema()
        self._graph = nx.DiGraph()
        # Written directly, in step: see the module docstring for why.
        self._node: dict[str, Mapping[str, str]] = self._graph._node
        self._succ: dict[str, dict[str, Mapping[str, str]]] = self._graph._succ
        self._pred: dict[str, dict[str, Mapping[str, str]]] = self._graph._pred
        self._records: dict[str, Node] = {}
        self._groups: dict[str, int] = {}
        self._log: list[CmdbChangeRecord | Batch] = []
        self._revision = 0
        self._shape_revision = 0
        self._epoch = 0
        """Changes when entries leave the journal (undo): what was derived from it must be
        built again rather than followed."""
        """Changes only with nodes, relationships and groups (not with names or attributes)."""
        self._derived: dict[str, Any] = {}

    # -- reading ---------------------------------------------------------------

    @property
    def schema(self) -> CmdbSchema:
        return self._schema

    # The read interface (fitsm.cmdb.view.CmdbView): live, read-only by contract.

    @property
    def revision(self) -> int:
        """Changes with every change of the graph; derived data keyed on it stay valid."""
        return self._revision

    @property
    def records(self) -> Mapping[str, Node]:
        """Every node's record by id, in insertion order."""
        return self._records

    @property
    def succ(self) -> Adjacency:
        """``succ[a]``: what ``a`` depends on, with each relationship's data."""
        return self._succ

    @property
    def pred(self) -> Adjacency:
        """``pred[b]``: what depends on ``b``, with each relationship's data."""
        return self._pred

    @property
    def groups(self) -> Mapping[str, int]:
        """Each redundancy group's ``min_up``."""
        return self._groups

    @property
    def journal(self) -> Sequence[CmdbChangeRecord | Batch]:
        """The change log as recorded (bulk additions as one entry), for stores."""
        return self._log

    def derived(
        self,
        key: str,
        build: Callable[[], _T],
        *,
        structural: bool = False,
        follow: Callable[[_T, Sequence[CmdbChangeRecord | Batch]], _T | None] | None = None,
    ) -> _T:
        """``build()``, remembered under ``key`` until the graph next changes.

        ``structural=True`` says that ``build`` reads only the graph's shape (nodes,
        their kinds, relationships, groups): the result then outlives changes to
        names and attributes, the commonest change in a CMDB. ``follow(value,
        entries)`` may bring a remembered value up to date with the journal entries
        recorded since, instead of building it again (None: build again).
        """
        mark = (self._shape_revision if structural else self._revision, structural)
        cached = self._derived.get(key)
        if cached is not None and cached[0] == mark:
            kept: _T = cached[1]
            return kept
        value: _T | None = None
        if cached is not None and follow is not None and cached[3] == self._epoch:
            value = follow(cached[1], self._log[cached[2] :])
        if value is None:
            value = build()
        self._derived[key] = (mark, value, len(self._log), self._epoch)
        return value

    @property
    def graph(self) -> nx.DiGraph:
        """A read-only networkx view of the dependency graph (``A -> B``: A depends on B).

        Node data carry ``kind`` (and ``type`` for CIs), edge data carry ``type``.
        The view follows later changes of the CMDB; mutating it raises.
        """
        return nx.graphviews.generic_graph_view(self._graph)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._records

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, node_id: str) -> Node:
        try:
            return self._records[node_id]
        except (KeyError, TypeError):  # TypeError: an unhashable "id"
            raise NotFoundError(f"no node {shown(node_id)} in CMDB {self.id!r}") from None

    def kind(self, node_id: str) -> NodeKind:
        return self[node_id].kind

    def nodes(self, kind: NodeKind | str | None = None) -> Iterator[Node]:
        """All records, or those of one kind, in insertion order."""
        if kind is None:
            return iter(self._records.values())
        wanted = enum_value(NodeKind)(kind)
        return (r for r in self._records.values() if r.kind is wanted)

    def ci(self, ci_id: str) -> ConfigurationItem:
        record = self[ci_id]
        if not isinstance(record, ConfigurationItem):
            raise NotFoundError(f"{ci_id!r} is a {record.kind.value}, not a configuration item")
        return record

    def relationship(self, source: str, target: str) -> Relationship:
        try:
            return Relationship(source, target, self._succ[source][target]["type"])
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no relationship {shown(source)} -> {shown(target)} in CMDB {self.id!r}"
            ) from None

    def relationships(self) -> Iterator[Relationship]:
        for source, targets in self._succ.items():
            for target, data in targets.items():
                yield Relationship(source, target, data["type"])

    def depends_on(self, node_id: str) -> tuple[str, ...]:
        """The direct dependencies of a node."""
        self[node_id]
        return tuple(self._succ[node_id])

    def dependents(self, node_id: str) -> tuple[str, ...]:
        """The nodes that directly depend on a node."""
        self[node_id]
        return tuple(self._pred[node_id])

    def members(self, group_id: str) -> tuple[str, ...]:
        if not isinstance(group_id, str) or group_id not in self._groups:
            raise NotFoundError(f"no redundancy group {shown(group_id)} in CMDB {self.id!r}")
        return tuple(self._succ[group_id])

    # -- history (PR11.4) --------------------------------------------------------

    def changes(self) -> Iterator[CmdbChangeRecord]:
        """Every recorded change, oldest first."""
        for entry in self._log:
            if isinstance(entry, Batch):
                yield from entry.expand()
            else:
                yield entry

    def history(self, item_id: str) -> list[CmdbChangeRecord]:
        """The changes that concern one node or its relationships, oldest first."""
        found: list[CmdbChangeRecord] = []
        for entry in self._log:
            if isinstance(entry, Batch):
                found.extend(entry.concerning(item_id))
            elif entry.concerns(item_id):
                found.append(entry)
        if not found and not (isinstance(item_id, str) and item_id in self._records):
            raise NotFoundError(
                f"nothing was ever recorded for {shown(item_id)} in CMDB {self.id!r}"
            )
        return found

    # -- changing ----------------------------------------------------------------

    def add(self, node: Node, *, actor: str, at: datetime) -> Node:
        """Add a CI, service, service component or redundancy group node.

        A CI must be of a type the schema defines and carry its required attributes.
        """
        when = self._when(at, actor)
        self._check_new_node(node)
        if isinstance(node, RedundancyGroup):
            raise ValidationError(
                f"redundancy group {node.id!r} needs its members at once: "
                "use add_redundancy_group(group, members, ...) or add_many()"
            )
        self._insert_node(node)
        self._log.append(CmdbChangeRecord(when, actor, CmdbAction.CREATED, node.id, new=node))
        self._touched()
        return node

    def add_portfolio(self, portfolio: ServicePortfolio, *, actor: str, at: datetime) -> None:
        """Add a node for every service and component of ``portfolio`` not yet in the CMDB."""
        nodes: list[Node] = [
            ServiceNode(s.id, s.name, s.owner) for s in portfolio.services if s.id not in self
        ]
        nodes += [
            ComponentNode(c.id, c.name, c.owner) for c in portfolio.components if c.id not in self
        ]
        self.add_many(nodes, (), actor=actor, at=at)

    def add_redundancy_group(
        self,
        group: RedundancyGroup,
        members: Iterable[str],
        *,
        actor: str,
        at: datetime,
    ) -> RedundancyGroup:
        """Add a k-of-n redundancy group with its members, all or nothing."""
        self.add_many([group], [(group.id, m, HAS_MEMBER) for m in members], actor=actor, at=at)
        return group

    def update_ci(
        self,
        ci_id: str,
        *,
        actor: str,
        at: datetime,
        name: str = _UNSET,
        owner: str = _UNSET,
        attributes: Mapping[str, AttributeValue | None] | None = None,
    ) -> ConfigurationItem:
        """Change a CI's name, owner or attributes; an attribute set to ``None`` is removed.

        One change is recorded per field that actually changed.
        """
        when = self._when(at, actor)
        old = self.ci(ci_id)
        changes: dict[str, Any] = {}
        if name is not _UNSET:
            changes["name"] = name
        if owner is not _UNSET:
            changes["owner"] = owner
        merged = dict(old.attributes)
        if attributes is not None and not isinstance(attributes, Mapping):
            raise ValidationError(
                f"attributes must map names to values (None removes one), got {shown(attributes)}"
            )
        for key, value in (attributes or {}).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        new = attrs.evolve(old, attributes=merged, **changes)
        self._schema.check_ci(new)
        recorded = [
            CmdbChangeRecord(
                when, actor, CmdbAction.UPDATED, ci_id, field, getattr(old, field), value
            )
            for field, value in changes.items()
            if getattr(old, field) != value
        ]
        for key in sorted(set(old.attributes) | set(new.attributes)):
            before, after = old.attributes.get(key), new.attributes.get(key)
            if before != after or type(before) is not type(after):
                recorded.append(
                    CmdbChangeRecord(when, actor, CmdbAction.UPDATED, ci_id, key, before, after)
                )
        if recorded:
            self._records[ci_id] = new
            self._node[ci_id] = _node_data(new)
            self._log.extend(recorded)
            self._touched(shape=False)  # names and attributes: the graph keeps its shape
        return new

    def remove(self, node_id: str, *, actor: str, at: datetime) -> Node:
        """Remove a node and all its relationships, recording each removal."""
        when = self._when(at, actor)
        record = self[node_id]
        for group in self._pred[node_id]:
            if group in self._groups:
                self._check_group_size(group, len(self._succ[group]) - 1)
        recorded = [
            CmdbChangeRecord(when, actor, CmdbAction.DELETED, s, "type", d["type"], None, target=t)
            for s, t, d in self._incident_edges(node_id)
        ]
        recorded.append(CmdbChangeRecord(when, actor, CmdbAction.DELETED, node_id, old=record))
        self._graph.remove_node(node_id)
        del self._records[node_id]
        self._groups.pop(node_id, None)
        self._log.extend(recorded)
        self._touched()
        return record

    def add_relationship(
        self,
        source: str,
        target: str,
        type: str = DEPENDS_ON,
        *,
        actor: str,
        at: datetime,
    ) -> Relationship:
        """Record that ``source`` depends on ``target``; a cycle is refused and named."""
        when = self._when(at, actor)
        self._check_edge(source, target, type, in_batch=None)
        if target in self._succ[source]:
            raise DuplicateError(
                f"relationship {source!r} -> {target!r} already exists "
                f"(type {self._succ[source][target]['type']!r})"
            )
        path = self._path(target, source)
        if path is not None:
            cycle = [source, *path]
            raise CycleError(
                f"relationship {source!r} -> {target!r} would create a dependency cycle: "
                + " -> ".join(cycle),
                cycle,
            )
        self._insert_edge(source, target, type)
        self._log.append(
            CmdbChangeRecord(
                when, actor, CmdbAction.CREATED, source, "type", None, type, target=target
            )
        )
        self._touched()
        return Relationship(source, target, type)

    def remove_relationship(
        self, source: str, target: str, *, actor: str, at: datetime
    ) -> Relationship:
        when = self._when(at, actor)
        removed = self.relationship(source, target)
        if source in self._groups:
            self._check_group_size(source, len(self._succ[source]) - 1)
        del self._succ[source][target]
        del self._pred[target][source]
        self._log.append(
            CmdbChangeRecord(
                when, actor, CmdbAction.DELETED, source, "type", removed.type, None, target=target
            )
        )
        self._touched()
        return removed

    def add_many(
        self,
        nodes: Iterable[Node],
        relationships: Iterable[Relationship | tuple[str, str] | tuple[str, str, str]],
        *,
        actor: str,
        at: datetime,
    ) -> None:
        """Bulk load nodes and relationships, all or nothing.

        The batch is validated as a whole (relationships may point at nodes of the
        same batch), cycles are looked for once at the end, and the history records
        one compact entry. If anything is wrong, the CMDB is left as it was.
        """
        when = self._when(at, actor)
        new_nodes = items(nodes, "a list of nodes")
        batch_ids: set[str] = set()
        for node in new_nodes:
            self._check_new_node(node)
            if node.id in batch_ids:
                raise DuplicateError(f"node id {node.id!r} appears twice in the batch")
            batch_ids.add(node.id)
        for node in new_nodes:
            self._insert_node(node)
        # One pass that checks and inserts each relationship: this loop is the hot
        # path of a million-CI import, so the common case calls no helper.
        records, succ, pred, groups = self._records, self._succ, self._pred, self._groups
        sources: list[str] = []
        targets: list[str] = []
        types: list[str] = []
        data_of: dict[str, Mapping[str, str]] = {}
        rel: object = None
        try:
            if isinstance(relationships, str) or not isinstance(relationships, Iterable):
                raise ValidationError(
                    f"expected a list of relationships, got {shown(relationships)}"
                )
            for rel in relationships:
                if type(rel) is tuple and len(rel) == 3:
                    s, t, kind = rel
                else:
                    s, t, kind = _unpack(rel)
                data = data_of.get(kind)
                if data is None:
                    self._schema.check_relationship_type(kind)
                    data = data_of[kind] = _edge_data(kind)
                if (
                    s not in records
                    or t not in records
                    or s == t
                    or (kind == HAS_MEMBER) != (s in groups)
                ):
                    self._check_edge(s, t, kind, in_batch=batch_ids)
                out = succ[s]
                if t in out:
                    raise DuplicateError(
                        f"relationship {s!r} -> {t!r} is given twice"
                        if (s, t) in zip(sources, targets, strict=True)
                        else f"relationship {s!r} -> {t!r} already exists"
                    )
                out[t] = data
                pred[t][s] = data
                sources.append(s)
                targets.append(t)
                types.append(kind)
            for group in {s for s in sources if s in groups}:
                self._check_group_size(group, len(succ[group]))
            for node in new_nodes:
                if isinstance(node, RedundancyGroup):
                    self._check_group_size(node.id, len(succ[node.id]))
            if sources:
                self._check_acyclic(sources, targets)
        except BaseException as e:
            for s, t in zip(sources, targets, strict=True):
                del succ[s][t]
                del pred[t][s]
            for node in new_nodes:
                self._drop_node(node.id)
            if isinstance(e, TypeError):  # an unhashable end or type, checked here only
                raise ValidationError(
                    f"a relationship must be (source, target[, type]) of ids, got {shown(rel)}"
                ) from None
            raise
        self._log.append(
            Batch(when, actor, new_nodes, tuple(sources), tuple(targets), tuple(types))
        )
        self._touched()

    # -- analysis (see fitsm.cmdb.analysis) -----------------------------------------

    def impact(self, failed: Iterable[str] | str, *, strategy: Strategy = "auto") -> ImpactReport:
        """Which nodes are down or degraded when the ``failed`` nodes fail."""
        return impact(self, failed, strategy=strategy)

    def dependencies(self, node_id: str) -> Rows[Dependency]:
        """Everything ``node_id`` relies on, directly or not, nearest first."""
        return dependencies(self, node_id)

    def single_points_of_failure(self, service_id: str, *, components: bool = False) -> Rows[str]:
        """The CIs (and with ``components=True`` the components) whose failure alone takes
        ``service_id`` down."""
        return single_points_of_failure(self, service_id, components=components)

    def blast_radius(
        self,
        cis: Iterable[str] | None = None,
        *,
        top: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Rows[BlastRadius]:
        """CIs ranked by how many services their failure alone would impact."""
        return blast_radius(self, cis, top=top, progress=progress)

    def as_of(self, at: datetime) -> Cmdb:
        """The CMDB as it was at ``at``, replayed from its own change log (PR11.4).

        The copy has every change made at or before ``at`` and no later one. The
        journal is in commit order, and two people's changes to different items may
        commit in another order than they were made (their clocks may differ too):
        every entry is looked at, none is dropped because an earlier one was later.
        """
        when = as_utc(at, "at")
        past = Cmdb(self._schema, id=self.id)
        for entry in self._log:
            if entry.at > when:
                continue
            if isinstance(entry, Batch):
                past._insert_batch(entry)
            else:
                past._replay(entry)
            past._log.append(entry)
        past._touched()
        return past

    def _replay(self, entry: CmdbChangeRecord) -> None:
        if entry.target is not None:
            if entry.action is CmdbAction.DELETED:
                del self._succ[entry.subject][entry.target]
                del self._pred[entry.target][entry.subject]
            else:
                self._insert_edge(entry.subject, entry.target, entry.new)
        elif entry.action is CmdbAction.CREATED:
            self._insert_node(entry.new)
        elif entry.action is CmdbAction.DELETED:
            self._graph.remove_node(entry.subject)
            del self._records[entry.subject]
            self._groups.pop(entry.subject, None)
        else:
            old = self._records[entry.subject]
            assert isinstance(old, ConfigurationItem)
            if entry.attribute in ("name", "owner"):
                new = attrs.evolve(old, **{entry.attribute: entry.new})
            else:
                values = dict(old.attributes)
                if entry.new is None:
                    values.pop(str(entry.attribute), None)
                else:
                    values[str(entry.attribute)] = entry.new
                new = attrs.evolve(old, attributes=values)
            self._records[entry.subject] = new
            self._node[entry.subject] = _node_data(new)

    def _insert_batch(self, batch: Batch) -> None:
        """Insert a recorded batch's nodes and relationships, checked when it was recorded."""
        for node in batch.nodes:
            self._insert_node(node)
        succ, pred = self._succ, self._pred
        for source, target, kind in zip(batch.sources, batch.targets, batch.types, strict=True):
            data = _edge_data(kind)
            succ[source][target] = data
            pred[target][source] = data

    @classmethod
    def restored(
        cls,
        schema: CmdbSchema,
        nodes: Iterable[Node],
        relationships: Iterable[tuple[str, str, str]],
        journal: Iterable[CmdbChangeRecord | Batch],
        *,
        id: str,
        version: int,
    ) -> Cmdb:
        """A CMDB rebuilt by a store from what it saved: records that were checked then.

        Nothing is checked again (that is what makes a load fast), so only a store
        that wrote these records through a :class:`Cmdb` should call this.
        """
        cmdb = cls(schema, id=id)
        cmdb.version = version
        for node in nodes:
            cmdb._insert_node(node)
        succ, pred = cmdb._succ, cmdb._pred
        for source, target, kind in relationships:
            data = _edge_data(kind)
            succ[source][target] = data
            pred[target][source] = data
        cmdb._log = list(journal)
        cmdb._touched()
        return cmdb

    # -- working beside others (stores use these; see fitsm.cmdb.concurrency) ------------

    def undo(self, to: int) -> None:
        """Take back every change recorded after the first ``to`` journal entries.

        The CMDB is then exactly as it was when its journal had ``to`` entries:
        this is how a unit of work that is rolled back restores a loaded CMDB.
        """
        if isinstance(to, bool) or not isinstance(to, int) or not 0 <= to <= len(self._log):
            raise ValidationError(
                f"undo needs a journal position 0-{len(self._log)}, got {shown(to)}"
            )
        for entry in reversed(self._log[to:]):
            if isinstance(entry, Batch):
                for s, t in zip(entry.sources, entry.targets, strict=True):
                    del self._succ[s][t]
                    del self._pred[t][s]
                for node in entry.nodes:
                    self._drop_node(node.id)
            elif entry.target is not None:
                if entry.action is CmdbAction.DELETED:
                    self._insert_edge(entry.subject, entry.target, entry.old)
                else:
                    del self._succ[entry.subject][entry.target]
                    del self._pred[entry.target][entry.subject]
            elif entry.action is CmdbAction.CREATED:
                self._drop_node(entry.subject)
            elif entry.action is CmdbAction.DELETED:
                self._insert_node(entry.old)
            else:
                self._replay(attrs.evolve(entry, old=entry.new, new=entry.old))
        undone = self._log[to:]
        del self._log[to:]
        self._epoch += 1
        self._touched(shape=not _only_updates(undone))

    def catch_up(self, entries: Iterable[CmdbChangeRecord | Batch]) -> None:
        """Apply changes that others committed, as the store's journal recorded them.

        They were checked when they were made, so nothing is checked again.
        """
        for entry in entries:
            if isinstance(entry, Batch):
                self._insert_batch(entry)
            else:
                self._replay(entry)
            self._log.append(entry)
        self._touched(shape=not _only_updates(entries))

    def rebase(self, theirs: Sequence[CmdbChangeRecord | Batch], since: int) -> None:
        """Put this CMDB's changes after journal position ``since`` on top of ``theirs``.

        ``theirs`` are the changes others committed since this CMDB was loaded
        (at ``since``). When both touched the same CI or relationship, or when
        ours no longer hold on top of theirs (a cycle through both, a node they
        removed, a redundancy group left too small), ConflictError is raised and
        the CMDB is left exactly as it was. Otherwise the journal reads
        ``loaded, theirs, ours`` and the CMDB holds both.
        """
        from fitsm.cmdb.concurrency import touched

        ours = self._log[since:]
        both = touched(ours) & touched(theirs)
        if both:
            shown = ", ".join(sorted(both)[:5])
            raise ConflictError(
                f"CMDB {self.id!r}: {shown} changed by someone else since it was loaded; "
                "reload and apply the change again"
            )
        self.undo(since)
        self.catch_up(theirs)
        try:
            self._redo_checked(ours)
        except FitsmError as e:
            self.undo(since)
            self.catch_up(ours)
            raise ConflictError(
                f"CMDB {self.id!r}: the change no longer fits what others committed since it "
                f"was loaded ({e}); reload and apply it again"
            ) from e

    def _redo_checked(self, entries: Sequence[CmdbChangeRecord | Batch]) -> None:
        """Apply our own entries again on a changed CMDB, checking what others could break."""
        new_sources: list[str] = []
        new_targets: list[str] = []
        groups: set[str] = set()
        for entry in entries:
            if isinstance(entry, Batch):
                batch = {n.id for n in entry.nodes}
                for s, t in zip(entry.sources, entry.targets, strict=True):
                    self._check_edge_ends(s, t, batch)
                self._insert_batch(entry)
                new_sources += entry.sources
                new_targets += entry.targets
            elif entry.target is not None:
                if entry.action is CmdbAction.CREATED:
                    self._check_edge_ends(entry.subject, entry.target, set())
                    new_sources.append(entry.subject)
                    new_targets.append(entry.target)
                self._replay(entry)
                groups.add(entry.subject)
            else:
                if entry.action is CmdbAction.DELETED:
                    groups.update(self._pred.get(entry.subject, ()))
                    for s, t, _ in self._incident_edges(entry.subject):
                        # ours removed every relationship it had: this one is theirs
                        raise ValidationError(
                            f"relationship {s!r} -> {t!r} to {entry.subject!r} was added meanwhile"
                        )
                self._replay(entry)
            self._log.append(entry)
        self._touched()
        for group in groups & set(self._groups):
            self._check_group_size(group, len(self._succ[group]))
        if new_sources:
            self._check_acyclic(new_sources, new_targets)

    def _check_edge_ends(self, source: str, target: str, batch: set[str]) -> None:
        for end in (source, target):
            if end not in self._records and end not in batch:
                raise NotFoundError(f"{end!r} of relationship {source!r} -> {target!r} is gone")

    # -- copies and equality ---------------------------------------------------------

    def copy(self) -> Cmdb:
        """An independent copy; records are immutable, so sharing them is safe."""
        other = Cmdb(self._schema, id=self.id)
        other.version = self.version
        other._node.update(self._node)
        other._succ.update({n: dict(adj) for n, adj in self._succ.items()})
        other._pred.update({n: dict(adj) for n, adj in self._pred.items()})
        other._records = dict(self._records)
        other._groups = dict(self._groups)
        other._log = list(self._log)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cmdb):
            return NotImplemented
        return (
            self.id == other.id
            and self._schema == other._schema
            and self._records == other._records
            and self._succ == other._succ
            and list(self.changes()) == list(other.changes())
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        edges = self._graph.number_of_edges()
        return f"<Cmdb {self.id!r}: {len(self._records)} nodes, {edges} relationships>"

    # -- internals -------------------------------------------------------------------

    def _when(self, at: datetime, actor: str) -> datetime:
        if not isinstance(actor, str) or not actor or text_problem(actor) is not None:
            raise ValidationError(
                f"changes are made by someone: actor must be a non-empty id, got {shown(actor)}"
            )
        if not isinstance(at, datetime):
            raise ValidationError(
                f"a change to CMDB {self.id!r} records when it was made: at must be an aware "
                f"datetime (datetime.now(UTC) or your application's clock), got {shown(at)}",
                field="at",
            )
        return as_utc(at, "at")

    def _touched(self, *, shape: bool = True) -> None:
        self._revision += 1
        if shape:
            self._shape_revision += 1
        # networkx may cache results per graph; our direct writes must invalidate them
        cache = getattr(self._graph, "__networkx_cache__", None)
        if cache:
            cache.clear()

    def _check_new_node(self, node: Node) -> None:
        if not isinstance(node, _NODE_TYPES):
            raise ValidationError(
                f"expected a ConfigurationItem, ServiceNode, ComponentNode or RedundancyGroup, "
                f"got {shown(node)}"
            )
        if node.id in self._records:
            existing = self._records[node.id].kind.value
            raise DuplicateError(f"id {node.id!r} is already used by a {existing} in the CMDB")
        if isinstance(node, ConfigurationItem):
            self._schema.check_ci(node)

    def _insert_node(self, node: Node) -> None:
        self._records[node.id] = node
        self._node[node.id] = _node_data(node)
        self._succ[node.id] = {}
        self._pred[node.id] = {}
        if isinstance(node, RedundancyGroup):
            self._groups[node.id] = node.min_up

    def _drop_node(self, node_id: str) -> None:
        del self._records[node_id]
        del self._node[node_id]
        del self._succ[node_id]
        del self._pred[node_id]
        self._groups.pop(node_id, None)

    def _insert_edge(self, source: str, target: str, kind: str) -> None:
        data = _edge_data(kind)
        self._succ[source][target] = data
        self._pred[target][source] = data

    def _check_edge(self, source: str, target: str, kind: str, in_batch: set[str] | None) -> None:
        check_id(source, "a relationship's source")
        check_id(target, "a relationship's target")
        check_id(kind, "a relationship's type")
        for end in (source, target):
            if end not in self._records:
                raise NotFoundError(
                    f"relationship {source!r} -> {target!r} names {end!r}, "
                    "which is not in the CMDB" + ("" if in_batch is None else " nor in the batch")
                )
        if source == target:
            raise CycleError(f"{source!r} cannot depend on itself", [source, source])
        self._schema.check_relationship_type(kind)
        if (kind == HAS_MEMBER) != (source in self._groups):
            raise ValidationError(
                f"relationship {source!r} -> {target!r} of type {kind!r}: a redundancy group "
                f"relates to its members with {HAS_MEMBER!r} and with nothing else"
            )

    def _check_group_size(self, group_id: str, members: int) -> None:
        need = self._groups[group_id]
        if members < need:
            raise ValidationError(
                f"redundancy group {group_id!r} needs {need} members up (min_up) "
                f"but would have {members} members"
            )

    def _incident_edges(self, node_id: str) -> list[tuple[str, str, Mapping[str, str]]]:
        out = [(node_id, t, d) for t, d in self._succ[node_id].items()]
        return out + [(s, node_id, d) for s, d in self._pred[node_id].items()]

    def _path(self, start: str, goal: str) -> list[str] | None:
        """A dependency path from ``start`` to ``goal``, or None (depth-first)."""
        succ = self._succ
        parent: dict[str, str | None] = {start: None}
        stack = [start]
        while stack:
            node = stack.pop()
            if node == goal:
                path = [node]
                while (prev := parent[path[-1]]) is not None:
                    path.append(prev)
                return path[::-1]
            for nxt in succ[node]:
                if nxt not in parent:
                    parent[nxt] = node
                    stack.append(nxt)
        return None

    def _check_acyclic(self, sources: Sequence[str], targets: Sequence[str]) -> None:
        """Raise CycleError if the graph has a cycle; Kahn's algorithm, once per batch."""
        if len(sources) < 64:
            # few new edges: a reachability check per edge is cheaper than a full sort
            for s, t in zip(sources, targets, strict=True):
                path = self._path(t, s)
                if path is not None:
                    cycle = [s, *path]
                    raise CycleError(
                        "the batch would create a dependency cycle: " + " -> ".join(cycle), cycle
                    )
            return
        pred, succ = self._pred, self._succ
        # a new cycle runs through a new edge s -> t, so it lies within what the new
        # targets reach: sort only that part of the graph
        region = set(targets)
        frontier = list(region)
        while frontier:
            node = frontier.pop()
            for nxt in succ[node]:
                if nxt not in region:
                    region.add(nxt)
                    frontier.append(nxt)
        if 2 * len(region) > len(pred):
            indegree = {n: len(p) for n, p in pred.items()}
        else:
            indegree = {n: sum(1 for p in pred[n] if p in region) for n in region}
        ready = [n for n, d in indegree.items() if not d]
        done = 0
        while ready:
            node = ready.pop()
            done += 1
            for nxt in succ[node]:
                left = indegree[nxt] - 1
                indegree[nxt] = left
                if not left:
                    ready.append(nxt)
        if done == len(indegree):
            return
        stuck = [n for n, d in indegree.items() if d]
        cycle = [u for u, _ in nx.find_cycle(self._graph.subgraph(stuck))]
        cycle.append(cycle[0])
        raise CycleError("the batch would create a dependency cycle: " + " -> ".join(cycle), cycle)


def _only_updates(entries: Iterable[CmdbChangeRecord | Batch]) -> bool:
    """Whether the entries only changed names or attributes of existing nodes."""
    return all(
        isinstance(e, CmdbChangeRecord) and e.target is None and e.action is CmdbAction.UPDATED
        for e in entries
    )


def _unpack(rel: object) -> tuple[str, str, str]:
    if isinstance(rel, Relationship):
        return rel.source, rel.target, rel.type
    if isinstance(rel, tuple) and len(rel) == 2:
        return rel[0], rel[1], DEPENDS_ON
    if isinstance(rel, tuple) and len(rel) == 3:
        return rel[0], rel[1], rel[2]
    raise ValidationError(
        f"expected a Relationship or a (source, target[, type]) tuple, got {shown(rel)}"
    )
