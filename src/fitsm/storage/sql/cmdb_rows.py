"""CMDBs kept row-wise: one row a node, a relationship and a change-log entry."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fitsm.cmdb.concurrency import touched
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
    """CMDBs, kept row-wise: nodes, relationships and their change log.

    Concurrency is per CI and per relationship: a commit that finds others'
    entries in the log since its CMDB was loaded puts its own changes on top of
    them (:meth:`~fitsm.cmdb.Cmdb.rebase`, inside the transaction), and conflicts
    only when both touched the same item or the result breaks an invariant.

    ``cache`` is the store's: CMDBs that units of work handed back, ready to be
    caught up from the log (reading only the new entries) instead of reloaded.
    """

    def __init__(self, db: Connection, cache: dict[str, tuple[Cmdb, int]]) -> None:
        self._db = db
        self._cache = cache
        self.tracked: dict[str, Tracked[Cmdb]] = {}
        self.written: set[str] = set()
        self.read_checked: set[str] = set()

    def add(self, cmdb: Cmdb) -> None:
        if cmdb.id in self.tracked or self._db.read("SELECT 1 FROM cmdbs WHERE id = ?", (cmdb.id,)):
            raise DuplicateError(f"a CMDB with id {cmdb.id!r} is already stored")
        self.tracked[cmdb.id] = Tracked(cmdb, None, 0)

    def get(self, id: str = "default") -> Cmdb:
        if id in self.tracked:
            return self.tracked[id].aggregate
        cmdb, schema_body = self._cached(id) or self._load(id)
        self.tracked[id] = Tracked(cmdb, cmdb.version, len(cmdb.journal), schema_body)
        return cmdb

    def _cached(self, id: str) -> tuple[Cmdb, str] | None:
        """The cached CMDB caught up with the log, if it was not changed since it was cached."""
        entry = self._cache.pop(id, None)  # checked out: no other unit of work shares it
        if entry is None:
            return None
        cmdb, revision = entry
        if cmdb.revision != revision:
            return None  # someone changed it after its unit of work ended: not trusted
        known = len(cmdb.journal)

        def news(db: Reader) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
            head = db.read("SELECT version, schema_body FROM cmdbs WHERE id = ?", (id,))
            log = db.read(
                "SELECT body FROM cmdb_log WHERE cmdb = ? AND seq >= ? ORDER BY seq", (id, known)
            )
            return head, log

        head, log = self._db.snapshot(news)
        if not head or head[0][1] != codec.dumps(cmdb.schema):
            return None  # removed, or its schema changed: load it afresh
        cmdb.catch_up([_log_entry(json.loads(body)) for (body,) in log])
        cmdb.version = head[0][0]
        return cmdb, head[0][1]

    def _load(self, id: str) -> tuple[Cmdb, str]:
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
        return cmdb, schema_body

    def ids(self) -> list[str]:
        rows = self._db.read("SELECT id FROM cmdbs")
        return sorted({r[0] for r in rows} | set(self.tracked))

    def require_unchanged(self, id: str = "default") -> None:
        self.get(id)
        self.read_checked.add(id)

    def write(self, cur: Any, audit: AuditEntries) -> None:
        sql = self._db.sql
        for id in sorted(self.read_checked):
            select = "SELECT version FROM cmdbs WHERE id = ?"
            if not self._db.require_version(cur, select, (id,), self.tracked[id].loaded_at):
                raise ConflictError(
                    f"CMDB {id!r} changed since it was read for this decision; "
                    "reload and decide again"
                )
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
            replaced: str | None = None
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
                replaced = self._rebase(cur, id, t, schema_body)
            index = self._write_entries(cur, audit, id, cmdb, t.baseline)
            if replaced != schema_body:
                if index is None:  # a new, empty CMDB: no change of its own to record it with
                    index = audit.saved("cmdb", id, cmdb.version + 1, schema_body)
                before = None if replaced is None else (id, replaced)
                audit.changed(index, "cmdbs", before, (id, schema_body))

    def _rebase(self, cur: Any, id: str, t: Tracked[Cmdb], schema_body: str) -> str:
        """Lock the CMDB's head row; put our changes on top of what others committed since.
        Returns the stored schema."""
        sql = self._db.sql
        cur.execute(sql("UPDATE cmdbs SET version = version + 1 WHERE id = ?"), (id,))
        cur.execute(sql("SELECT version, schema_body FROM cmdbs WHERE id = ?"), (id,))
        found = cur.fetchone()
        if found is None:
            raise ConflictError(f"CMDB {id!r} was removed by someone else since it was loaded")
        version, stored_schema = found
        if version - 1 != t.loaded_at:
            if stored_schema != t.body or schema_body != t.body:
                raise ConflictError(
                    f"CMDB {id!r}: its schema changed while someone else changed it too; "
                    "reload and apply the change again"
                )
            cur.execute(
                sql("SELECT body FROM cmdb_log WHERE cmdb = ? AND seq >= ? ORDER BY seq"),
                (id, t.baseline),
            )
            theirs = [_log_entry(json.loads(body)) for (body,) in cur.fetchall()]
            t.aggregate.rebase(theirs, t.baseline)  # ConflictError leaves the CMDB as it was
            t.rebased = len(theirs)
            t.baseline += len(theirs)
        if schema_body != stored_schema:
            cur.execute(sql("UPDATE cmdbs SET schema_body = ? WHERE id = ?"), (schema_body, id))
        t.loaded_at = version - 1
        return str(stored_schema)

    def _write_entries(
        self, cur: Any, audit: AuditEntries, id: str, cmdb: Cmdb, baseline: int
    ) -> int | None:
        """Append the new log entries and rewrite the rows of the nodes and relationships
        they touched, from the CMDB's state after all of them; record each row in the audit
        entry of the last change that touched it. Returns the index of the last entry."""
        sql = self._db.sql
        new_entries = cmdb.journal[baseline:]
        singles = touched(e for e in new_entries if not isinstance(e, Batch))
        last: dict[str, int] = {}
        """Item -> the audit entry of the last change to it, for items single changes touched."""
        index: int | None = None
        for offset, entry in enumerate(new_entries):
            if isinstance(entry, Batch):
                # rows of items a single change also touched are written from the final state
                node_rows = [_node_row(n) for n in entry.nodes]
                self._db.bulk(
                    cur,
                    "cmdb_nodes",
                    ("cmdb", "id", "kind", "type", "name", "owner", "attributes", "min_up"),
                    ((id, *row) for row in node_rows if row[0] not in singles),
                )
                self._db.bulk(
                    cur,
                    "cmdb_edges",
                    ("cmdb", "source", "target", "type"),
                    (
                        (id, s, tg, k)
                        for s, tg, k in zip(entry.sources, entry.targets, entry.types, strict=True)
                        if f"{s} -> {tg}" not in singles
                    ),
                )
                body = _json(_batch_body(entry, node_rows))
            else:
                body = _json({"change": codec.encode(entry)})
            cur.execute(
                sql("INSERT INTO cmdb_log (cmdb, seq, body) VALUES (?, ?, ?)"),
                (id, baseline + offset, body),
            )
            index = audit.cmdb_entry(id, entry, body, baseline + offset)
            if isinstance(entry, Batch):
                skipped: list[str] = []
                pairs: list[list[str]] = []
                if singles:  # rows a single change of this commit writes (and records)
                    skipped = [n.id for n in entry.nodes if n.id in singles]
                    pairs = [
                        [s, tg]
                        for s, tg in zip(entry.sources, entry.targets, strict=True)
                        if f"{s} -> {tg}" in singles
                    ]
                    last.update(dict.fromkeys(touched([entry]) & singles, index))
                audit.batch(index, id, baseline + offset, skipped, pairs)
            else:
                last.update(dict.fromkeys(touched([entry]), index))
        for item in sorted(singles):
            source, _, target = item.partition(" -> ")
            if not target:
                cur.execute(
                    sql(
                        "SELECT id, kind, type, name, owner, attributes, min_up FROM cmdb_nodes "
                        "WHERE cmdb = ? AND id = ?"
                    ),
                    (id, item),
                )
                old = cur.fetchone()
                cur.execute(sql("DELETE FROM cmdb_nodes WHERE cmdb = ? AND id = ?"), (id, item))
                new: tuple[Any, ...] | None = None
                if item in cmdb:
                    new = (id, *_node_row(cmdb[item]))
                    cur.execute(
                        sql(
                            "INSERT INTO cmdb_nodes (cmdb, id, kind, type, name, owner, attributes, "
                            "min_up) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                        ),
                        new,
                    )
                audit.changed(last[item], "cmdb_nodes", None if old is None else (id, *old), new)
                continue
            cur.execute(
                sql("SELECT type FROM cmdb_edges WHERE cmdb = ? AND source = ? AND target = ?"),
                (id, source, target),
            )
            old = cur.fetchone()
            cur.execute(
                sql("DELETE FROM cmdb_edges WHERE cmdb = ? AND source = ? AND target = ?"),
                (id, source, target),
            )
            data = cmdb.succ.get(source, {}).get(target)
            new = None
            if data is not None:
                new = (id, source, target, data["type"])
                cur.execute(
                    sql("INSERT INTO cmdb_edges (cmdb, source, target, type) VALUES (?, ?, ?, ?)"),
                    new,
                )
            before = None if old is None else (id, source, target, old[0])
            audit.changed(last[item], "cmdb_edges", before, new)
        return index

    def settle(self) -> None:
        for id in self.written:
            t = self.tracked[id]
            t.aggregate.version = (t.loaded_at or 0) + 1
            t.loaded_at = t.aggregate.version
            t.baseline = len(t.aggregate.journal)
            t.body = codec.dumps(t.aggregate.schema)
            t.rebased = 0
        self.written.clear()

    def failed(self) -> None:
        """After a failed commit: take back the others' changes a rebase brought in."""
        for id in self.written:
            t = self.tracked[id]
            if t.rebased:
                ours = t.aggregate.journal[t.baseline :]
                t.baseline -= t.rebased
                t.aggregate.undo(t.baseline)
                t.aggregate.catch_up(ours)
                t.loaded_at = t.aggregate.version
                t.rebased = 0
        self.written.clear()

    def release(self) -> None:
        """The unit of work ends: undo what it did not commit, and cache what it loaded."""
        for id, t in self.tracked.items():
            cmdb = t.aggregate
            if len(cmdb.journal) > t.baseline:
                cmdb.undo(t.baseline)
            if t.loaded_at is not None and codec.dumps(cmdb.schema) == t.body:
                cmdb.version = t.loaded_at
                self._cache[id] = (cmdb, cmdb.revision)
        self.tracked.clear()
        self.written.clear()
        self.read_checked.clear()


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
        return (node.id, node.kind.value, None, node.name, node.owner, "{}", node.min_up)
    return (node.id, node.kind.value, None, node.name, node.owner, "{}", None)


def _node_of(row: Sequence[Any]) -> Node:
    id, kind, type, name, owner, attributes, min_up = row
    if kind == "configuration_item":
        return ConfigurationItem(
            id, type, name, json.loads(attributes) if attributes != "{}" else {}, owner
        )
    if kind == "redundancy_group":
        return RedundancyGroup(id, min_up, name, owner)
    if kind == "service":
        return ServiceNode(id, name, owner)
    if kind == "service_component":
        return ComponentNode(id, name, owner)
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
