"""CMDBs kept row-wise: one row a node, a relationship and a change-log entry."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fitsm.cmdb.configuration import (
    ComponentNode,
    ConfigurationItem,
    Node,
    NodeKind,
    RedundancyGroup,
    ServiceNode,
)
from fitsm.cmdb.database import Cmdb
from fitsm.cmdb.history import Batch, CmdbChangeRecord
from fitsm.errors import ConflictError, DuplicateError, NotFoundError, StoreError
from fitsm.storage import codec
from fitsm.storage.sql.audit import AuditEntries
from fitsm.storage.sql.connection import Connection, Reader
from fitsm.storage.sql.documents import Tracked

__all__ = ["SqlCmdbRepository"]


class SqlCmdbRepository:
    """CMDBs, kept row-wise: nodes, relationships and their change log."""

    def __init__(self, db: Connection) -> None:
        self._db = db
        self.tracked: dict[str, Tracked[Cmdb]] = {}
        self.written: set[str] = set()

    def add(self, cmdb: Cmdb) -> None:
        if cmdb.id in self.tracked or self._db.read("SELECT 1 FROM cmdbs WHERE id = ?", (cmdb.id,)):
            raise DuplicateError(f"a CMDB with id {cmdb.id!r} is already stored")
        self.tracked[cmdb.id] = Tracked(cmdb, None, 0)

    def get(self, id: str = "default") -> Cmdb:
        if id in self.tracked:
            return self.tracked[id].aggregate

        def load(db: Reader) -> tuple[list[tuple[Any, ...]], ...]:
            head = db.read("SELECT version, schema_body FROM cmdbs WHERE id = ?", (id,))
            if not head:
                return head, [], [], []
            return (
                head,
                db.read(
                    "SELECT id, kind, type, name, owner, attributes, min_up FROM cmdb_nodes "
                    "WHERE cmdb = ?",
                    (id,),
                ),
                db.read("SELECT source, target, type FROM cmdb_edges WHERE cmdb = ?", (id,)),
                db.read("SELECT body FROM cmdb_log WHERE cmdb = ? ORDER BY seq", (id,)),
            )

        # one snapshot: a commit in between must not mix into the CMDB read
        head, nodes, edges, log = self._db.snapshot(load)
        if not head:
            raise NotFoundError(f"no CMDB with id {id!r} in the store")
        version, schema_body = head[0]
        cmdb = Cmdb.restored(
            codec.loads(schema_body),
            [_node_of(row) for row in nodes],
            edges,
            [_log_entry(json.loads(body)) for (body,) in log],
            id=id,
            version=version,
        )
        self.tracked[id] = Tracked(cmdb, version, len(cmdb.journal), schema_body)
        return cmdb

    def ids(self) -> list[str]:
        rows = self._db.read("SELECT id FROM cmdbs")
        return sorted({r[0] for r in rows} | set(self.tracked))

    def write(self, cur: Any, audit: AuditEntries) -> None:
        sql = self._db.sql
        for id, t in sorted(self.tracked.items()):  # one lock order for every writer
            cmdb = t.aggregate
            schema_body = codec.dumps(cmdb.schema)
            if (
                t.loaded_at is not None
                and len(cmdb.journal) == t.baseline
                and schema_body == t.body
            ):
                continue  # every change to a CMDB is logged: no new entry, no change
            self.written.add(id)
            if t.loaded_at is None:
                cur.execute(sql("SELECT 1 FROM cmdbs WHERE id = ?"), (id,))
                if cur.fetchone() is not None:
                    raise ConflictError(
                        f"CMDB {id!r} was added by someone else since this unit of work began"
                    )
                cur.execute(
                    sql("INSERT INTO cmdbs (id, version, schema_body) VALUES (?, ?, ?)"),
                    (id, 1, schema_body),
                )
            else:
                cur.execute(
                    sql(
                        "UPDATE cmdbs SET version = version + 1, schema_body = ? WHERE id = ? AND version = ?"
                    ),
                    (schema_body, id, t.loaded_at),
                )
                if cur.rowcount != 1:
                    raise ConflictError(
                        f"CMDB {id!r} was changed by someone else since it was loaded at version "
                        f"{t.loaded_at}; reload and apply the change again"
                    )
            touched_nodes: set[str] = set()
            touched_edges: set[tuple[str, str]] = set()
            new_entries = cmdb.journal[t.baseline :]
            for offset, entry in enumerate(new_entries):
                seq = t.baseline + offset
                if isinstance(entry, Batch):
                    node_rows = [_node_row(n) for n in entry.nodes]
                    self._db.bulk(
                        cur,
                        "cmdb_nodes",
                        ("cmdb", "id", "kind", "type", "name", "owner", "attributes", "min_up"),
                        ((id, *row) for row in node_rows),
                    )
                    self._db.bulk(
                        cur,
                        "cmdb_edges",
                        ("cmdb", "source", "target", "type"),
                        (
                            (id, s, tg, k)
                            for s, tg, k in zip(
                                entry.sources, entry.targets, entry.types, strict=True
                            )
                        ),
                    )
                    body = _json(_batch_body(entry, node_rows))
                else:
                    body = _json({"change": codec.encode(entry)})
                    if entry.target is None:
                        touched_nodes.add(entry.subject)
                    else:
                        touched_edges.add((entry.subject, entry.target))
                cur.execute(
                    sql("INSERT INTO cmdb_log (cmdb, seq, body) VALUES (?, ?, ?)"),
                    (id, seq, body),
                )
                audit.cmdb_entry(id, entry, body)
            for node_id in touched_nodes:
                cur.execute(sql("DELETE FROM cmdb_nodes WHERE cmdb = ? AND id = ?"), (id, node_id))
                if node_id in cmdb:
                    cur.execute(
                        sql(
                            "INSERT INTO cmdb_nodes (cmdb, id, kind, type, name, owner, attributes, "
                            "min_up) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                        ),
                        (id, *_node_row(cmdb[node_id])),
                    )
            for source, target in touched_edges:
                cur.execute(
                    sql("DELETE FROM cmdb_edges WHERE cmdb = ? AND source = ? AND target = ?"),
                    (id, source, target),
                )
                data = cmdb.succ.get(source, {}).get(target)
                if data is not None:
                    cur.execute(
                        sql(
                            "INSERT INTO cmdb_edges (cmdb, source, target, type) VALUES (?, ?, ?, ?)"
                        ),
                        (id, source, target, data["type"]),
                    )

    def settle(self) -> None:
        for id in self.written:
            t = self.tracked[id]
            t.aggregate.version = (t.loaded_at or 0) + 1
            t.loaded_at = t.aggregate.version
            t.baseline = len(t.aggregate.journal)
            t.body = codec.dumps(t.aggregate.schema)
        self.written.clear()


_KIND_OF = {k.value: k for k in NodeKind}


def _node_row(node: Node) -> tuple[Any, ...]:
    if isinstance(node, ConfigurationItem):
        attributes = (
            json.dumps(dict(node.attributes), ensure_ascii=False, separators=(",", ":"))
            if node.attributes
            else "{}"
        )
        return (node.id, node.kind.value, node.type, node.name, node.owner, attributes, None)
    if isinstance(node, RedundancyGroup):
        return (node.id, node.kind.value, None, node.name, "", "{}", node.min_up)
    return (node.id, node.kind.value, None, node.name, "", "{}", None)


def _node_of(row: Sequence[Any]) -> Node:
    id, kind, type, name, owner, attributes, min_up = row
    if kind == "configuration_item":
        return ConfigurationItem(
            id, type, name, json.loads(attributes) if attributes != "{}" else {}, owner
        )
    if kind == "redundancy_group":
        return RedundancyGroup(id, min_up, name)
    if kind == "service":
        return ServiceNode(id, name)
    if kind == "service_component":
        return ComponentNode(id, name)
    raise StoreError(f"unknown node kind {kind!r} stored for {id!r}")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _batch_body(entry: Batch, node_rows: list[tuple[Any, ...]]) -> Any:
    return {
        "batch": [entry.at.isoformat(), entry.actor],
        "nodes": node_rows,
        "edges": [entry.sources, entry.targets, entry.types],
    }


def _log_entry(body: dict[str, Any]) -> CmdbChangeRecord | Batch:
    if "batch" in body:
        at, actor = body["batch"]
        sources, targets, types = body["edges"]
        return Batch(
            datetime.fromisoformat(at),
            actor,
            tuple(_node_of(row) for row in body["nodes"]),
            tuple(sources),
            tuple(targets),
            tuple(types),
        )
    entry: CmdbChangeRecord = codec.decode(body["change"])
    return entry
