"""The SQL store: one schema and one behaviour on SQLite and PostgreSQL.

Talking to the DB-API drivers directly (``sqlite3``, ``psycopg``) rather than
through an ORM keeps bulk paths fast (``executemany``, one statement per table)
and the dependency list short; a small :class:`Dialect` absorbs what differs.

Aggregates are rows with a ``version``. A unit of work reads outside any
transaction; ``commit`` opens one, checks every version it loaded
(``UPDATE ... WHERE version = ?``), writes, appends the audit entries, and
commits, or rolls everything back and raises. The CMDB lives in tables of its
own (nodes, relationships, its change log) so that a million CIs load and save
row-wise and a commit writes only what changed.

Every change to a CI, relationship, agreement or case is appended to the
``audit`` table in the same transaction, each entry carrying the SHA-256 of the
previous one, so :meth:`SqlStore.verify_audit` finds an edited or deleted entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import attrs

from fitsm.availability.measurement import Outages
from fitsm.cases.base import Case
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
from fitsm.portfolio.services import ServicePortfolio
from fitsm.roles import RoleModel
from fitsm.service_levels.agreements import Agreements
from fitsm.storage import codec
from fitsm.storage.ports import Aggregate

__all__ = ["SCHEMA_VERSION", "AuditReport", "Dialect", "SqlStore"]

SCHEMA_VERSION = 1
"""The version of the tables this code writes; older stores are upgraded on open."""

A = TypeVar("A", bound=Aggregate)


@attrs.frozen
class Dialect:
    """What differs between the SQL backends."""

    name: str
    param: str
    """The placeholder: ``?`` or ``%s``."""
    begin: str
    """The statement that starts a write transaction."""
    errors: tuple[type[BaseException], ...]
    """The driver's error classes, translated to StoreError."""
    integrity: tuple[type[BaseException], ...]


_TABLES = [
    "CREATE TABLE fitsm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE aggregates (kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, "
    "body TEXT NOT NULL, PRIMARY KEY (kind, id))",
    "CREATE TABLE cmdbs (id TEXT PRIMARY KEY, version INTEGER NOT NULL, schema_body TEXT NOT NULL)",
    "CREATE TABLE cmdb_nodes (cmdb TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, "
    "type TEXT, name TEXT NOT NULL, owner TEXT NOT NULL, attributes TEXT NOT NULL, min_up INTEGER, "
    "PRIMARY KEY (cmdb, id))",
    "CREATE TABLE cmdb_edges (cmdb TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, "
    "type TEXT NOT NULL, PRIMARY KEY (cmdb, source, target))",
    "CREATE TABLE cmdb_log (cmdb TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, "
    "PRIMARY KEY (cmdb, seq))",
    "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, "
    "kind TEXT NOT NULL, subject TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL, "
    "prev TEXT NOT NULL, hash TEXT NOT NULL)",
]
_GENESIS = "0" * 64


@attrs.frozen
class AuditReport:
    """The outcome of :meth:`SqlStore.verify_audit`."""

    entries: int
    first_broken: int | None
    """The sequence number of the first entry whose hash does not match, if any."""
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def _digest(prev: str, seq: int, row: Sequence[Any]) -> str:
    payload = json.dumps([prev, seq, *row], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


class SqlStore:
    """A store in an SQL database; opened with :func:`fitsm.open_store`."""

    def __init__(
        self,
        url: str,
        connection: Any,
        dialect: Dialect,
        after_open: Callable[[Any], None] | None = None,
    ) -> None:
        self.url = url
        self.dialect = dialect
        self._conn = connection
        self._lock = threading.RLock()
        self._closed = False
        self._prepare()
        if after_open is not None:
            after_open(connection)

    # -- the Store protocol -------------------------------------------------------

    def unit_of_work(self) -> SqlUnitOfWork:
        self._check_open()
        return SqlUnitOfWork(self)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._conn.close()

    def __repr__(self) -> str:
        return f"<SqlStore {self.url!r}>"

    # -- audit ----------------------------------------------------------------------

    def audit_entries(self) -> list[dict[str, Any]]:
        rows = self._read(
            "SELECT seq, at, actor, kind, subject, action, detail FROM audit ORDER BY seq"
        )
        return [
            {"seq": r[0], "at": datetime.fromisoformat(r[1]), "actor": r[2], "kind": r[3],
             "subject": r[4], "action": r[5], "detail": json.loads(r[6])}
            for r in rows
        ]  # fmt: skip

    def verify_audit(self) -> AuditReport:
        """Recompute the hash chain; name the first entry that was edited or removed."""
        rows = self._read(
            "SELECT seq, at, actor, kind, subject, action, detail, prev, hash FROM audit ORDER BY seq"
        )
        prev = _GENESIS
        expected_seq = 1
        for row in rows:
            seq = row[0]
            if seq != expected_seq:
                return AuditReport(len(rows), expected_seq, f"entry {expected_seq} is missing")
            if row[7] != prev:
                return AuditReport(len(rows), seq, f"entry {seq} does not follow entry {seq - 1}")
            if _digest(prev, seq, row[1:7]) != row[8]:
                return AuditReport(len(rows), seq, f"entry {seq} was changed after it was written")
            prev = row[8]
            expected_seq += 1
        head = self._read("SELECT value FROM fitsm_meta WHERE key = 'audit_head'")
        if head and head[0][0] != prev:
            return AuditReport(len(rows), expected_seq, "the newest entries were removed")
        return AuditReport(len(rows), None)

    # -- internals ------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"store {self.url!r} is closed")

    def _sql(self, statement: str) -> str:
        return statement if self.dialect.param == "?" else statement.replace("?", "%s")

    def _read(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            self._check_open()
            try:
                cur = self._conn.cursor()
                cur.execute(self._sql(statement), params)
                rows: list[tuple[Any, ...]] = cur.fetchall()
                cur.close()
                return rows
            except self.dialect.errors as e:
                raise StoreError(f"cannot read store {self.url!r}: {e}") from e

    def _prepare(self) -> None:
        """Create the tables in an empty database, check and upgrade an existing one."""
        try:
            names = self._table_names()
        except self.dialect.errors as e:
            self._conn.close()
            raise StoreError(
                f"{self.url!r} is not a fitsm store (not a readable database: {e})"
            ) from e
        if not names:
            self._write(lambda cur: self._create(cur))
            return
        if "fitsm_meta" not in names:
            self._conn.close()
            raise StoreError(
                f"{self.url!r} is not a fitsm store: it has tables ({', '.join(sorted(names)[:5])}) "
                "but no fitsm_meta; nothing was changed"
            )
        found = dict(self._read("SELECT key, value FROM fitsm_meta"))
        version = int(found.get("schema_version", "0"))
        if found.get("format") != "fitsm" or version < 1:
            self._conn.close()
            raise StoreError(f"{self.url!r} is not a fitsm store; nothing was changed")
        if version > SCHEMA_VERSION:
            self._conn.close()
            raise StoreError(
                f"{self.url!r} was written by a newer fitsm (schema {version}; this one knows up "
                f"to {SCHEMA_VERSION}); upgrade fitsm to open it. Nothing was changed"
            )
        if version < SCHEMA_VERSION:
            self._write(lambda cur: self._migrate(cur, version))

    def _table_names(self) -> set[str]:
        cur = self._conn.cursor()
        if self.dialect.name == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            cur.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            )
        names = {r[0] for r in cur.fetchall()}
        cur.close()
        return names

    def _create(self, cur: Any) -> None:
        for statement in _TABLES:
            if self.dialect.name == "postgresql":
                statement = statement.replace("seq INTEGER PRIMARY KEY", "seq BIGINT PRIMARY KEY")
            cur.execute(statement)
        cur.execute(
            self._sql("INSERT INTO fitsm_meta (key, value) VALUES (?, ?)"), ("format", "fitsm")
        )
        cur.execute(
            self._sql("INSERT INTO fitsm_meta (key, value) VALUES (?, ?)"),
            ("schema_version", str(SCHEMA_VERSION)),
        )
        cur.execute(
            self._sql("INSERT INTO fitsm_meta (key, value) VALUES (?, ?)"), ("audit_head", _GENESIS)
        )

    def _migrate(self, cur: Any, version: int) -> None:
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](self, cur)
        cur.execute(
            self._sql("UPDATE fitsm_meta SET value = ? WHERE key = 'schema_version'"),
            (str(SCHEMA_VERSION),),
        )

    def _bulk(
        self, cur: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Insert many rows: ``COPY`` on PostgreSQL, ``executemany`` on SQLite."""
        names = ", ".join(columns)
        if self.dialect.name == "postgresql":
            with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def _write(self, work: Callable[[Any], None]) -> None:
        """Run ``work(cursor)`` in one transaction; translate driver errors."""
        with self._lock:
            self._check_open()
            cur = self._conn.cursor()
            try:
                cur.execute(self.dialect.begin)
                work(cur)
                cur.execute("COMMIT")
            except BaseException as e:
                with contextlib.suppress(*self.dialect.errors):
                    cur.execute("ROLLBACK")
                if isinstance(e, self.dialect.integrity):
                    raise ConflictError(f"a concurrent writer got there first: {e}") from e
                if isinstance(e, self.dialect.errors):
                    raise StoreError(
                        f"cannot write to store {self.url!r}: {e}; nothing was written"
                    ) from e
                raise
            finally:
                cur.close()


MIGRATIONS: dict[int, Callable[[SqlStore, Any], None]] = {}
"""Upgrade steps: ``MIGRATIONS[n]`` takes a store from schema ``n`` to ``n + 1``."""


# -- repositories ----------------------------------------------------------------------


@attrs.define
class _Tracked(Generic[A]):
    aggregate: A
    loaded_at: int | None
    """The stored version it was loaded at; None if added in this unit of work."""
    baseline: Any = 0
    """How much of its history was already stored (log entries, case history, versions)."""
    body: str | None = None
    """The stored document as loaded, to skip writing what did not change."""


class SqlRepository(Generic[A]):
    """One kind of document aggregate (portfolio, agreements, roles, cases)."""

    def __init__(
        self, uow: SqlUnitOfWork, kind: str, label: str, history: Callable[[A], Any]
    ) -> None:
        self._uow = uow
        self.kind = kind
        self.label = label
        self._history = history
        self.tracked: dict[str, _Tracked[A]] = {}
        self.written: dict[str, str] = {}

    def add(self, aggregate: A) -> None:
        if aggregate.id in self.tracked or self._exists(aggregate.id):
            raise DuplicateError(f"a {self.label} with id {aggregate.id!r} is already stored")
        self.tracked[aggregate.id] = _Tracked(aggregate, None, 0)

    def get(self, id: str = "default") -> A:
        if id in self.tracked:
            return self.tracked[id].aggregate
        rows = self._uow.store._read(
            "SELECT version, body FROM aggregates WHERE kind = ? AND id = ?", (self.kind, id)
        )
        if not rows:
            raise NotFoundError(f"no {self.label} with id {id!r} in the store")
        version, body = rows[0]
        aggregate: A = codec.loads(body)
        aggregate.version = version
        self.tracked[id] = _Tracked(aggregate, version, self._history(aggregate), body)
        return aggregate

    def ids(self) -> list[str]:
        rows = self._uow.store._read("SELECT id FROM aggregates WHERE kind = ?", (self.kind,))
        return sorted({r[0] for r in rows} | set(self.tracked))

    def _exists(self, id: str) -> bool:
        return bool(
            self._uow.store._read(
                "SELECT 1 FROM aggregates WHERE kind = ? AND id = ?", (self.kind, id)
            )
        )

    def write(self, cur: Any, audit: _Audit) -> None:
        store = self._uow.store
        for id, t in self.tracked.items():
            body = codec.dumps(t.aggregate)
            if body == t.body:
                continue  # read, not changed: no write, no version bump, no conflict
            if t.loaded_at is None:
                cur.execute(
                    store._sql("SELECT 1 FROM aggregates WHERE kind = ? AND id = ?"),
                    (self.kind, id),
                )
                if cur.fetchone() is not None:
                    raise ConflictError(
                        f"{self.label} {id!r} was added by someone else since this unit of work began"
                    )
                cur.execute(
                    store._sql(
                        "INSERT INTO aggregates (kind, id, version, body) VALUES (?, ?, ?, ?)"
                    ),
                    (self.kind, id, 1, body),
                )
            else:
                cur.execute(
                    store._sql(
                        "UPDATE aggregates SET version = version + 1, body = ? "
                        "WHERE kind = ? AND id = ? AND version = ?"
                    ),
                    (body, self.kind, id, t.loaded_at),
                )
                if cur.rowcount != 1:
                    raise ConflictError(
                        f"{self.label} {id!r} was changed by someone else since it was loaded "
                        f"at version {t.loaded_at}; reload and apply the change again"
                    )
            audit.aggregate(self.kind, t.aggregate, t.baseline)
            self.written[id] = body

    def settle(self) -> None:
        """After a commit: what was written is now the stored state."""
        for id, body in self.written.items():
            t = self.tracked[id]
            t.aggregate.version = (t.loaded_at or 0) + 1
            t.loaded_at = t.aggregate.version
            t.baseline = self._history(t.aggregate)
            t.body = body
        self.written.clear()


class SqlCmdbRepository:
    """CMDBs, kept row-wise: nodes, relationships and their change log."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self.tracked: dict[str, _Tracked[Cmdb]] = {}
        self.written: set[str] = set()

    def add(self, cmdb: Cmdb) -> None:
        if cmdb.id in self.tracked or self._uow.store._read(
            "SELECT 1 FROM cmdbs WHERE id = ?", (cmdb.id,)
        ):
            raise DuplicateError(f"a CMDB with id {cmdb.id!r} is already stored")
        self.tracked[cmdb.id] = _Tracked(cmdb, None, 0)

    def get(self, id: str = "default") -> Cmdb:
        if id in self.tracked:
            return self.tracked[id].aggregate
        store = self._uow.store
        head = store._read("SELECT version, schema_body FROM cmdbs WHERE id = ?", (id,))
        if not head:
            raise NotFoundError(f"no CMDB with id {id!r} in the store")
        version, schema_body = head[0]
        nodes = store._read(
            "SELECT id, kind, type, name, owner, attributes, min_up FROM cmdb_nodes WHERE cmdb = ?",
            (id,),
        )
        edges = store._read("SELECT source, target, type FROM cmdb_edges WHERE cmdb = ?", (id,))
        log = store._read("SELECT body FROM cmdb_log WHERE cmdb = ? ORDER BY seq", (id,))
        cmdb = Cmdb.restored(
            codec.loads(schema_body),
            [_node_of(row) for row in nodes],
            edges,
            [_log_entry(json.loads(body)) for (body,) in log],
            id=id,
            version=version,
        )
        self.tracked[id] = _Tracked(cmdb, version, len(cmdb.journal), schema_body)
        return cmdb

    def ids(self) -> list[str]:
        rows = self._uow.store._read("SELECT id FROM cmdbs")
        return sorted({r[0] for r in rows} | set(self.tracked))

    def write(self, cur: Any, audit: _Audit) -> None:
        store = self._uow.store
        sql = store._sql
        for id, t in self.tracked.items():
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
                    store._bulk(
                        cur,
                        "cmdb_nodes",
                        ("cmdb", "id", "kind", "type", "name", "owner", "attributes", "min_up"),
                        ((id, *row) for row in node_rows),
                    )
                    store._bulk(
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
            t.baseline = len(t.aggregate._log)
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


class _Audit:
    """Collects the audit entries of one commit, then appends them to the chain."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str, str]] = []

    def add(
        self, at: datetime, actor: str, kind: str, subject: str, action: str, detail: Any
    ) -> None:
        self.rows.append(
            (
                at.astimezone(UTC).isoformat(),
                actor,
                kind,
                subject,
                action,
                json.dumps(
                    detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
                ),
            )
        )

    def cmdb_entry(self, cmdb_id: str, entry: CmdbChangeRecord | Batch, body: str) -> None:
        if isinstance(entry, Batch):
            # the batch is in the CMDB's log row; the chain holds its digest
            digest = hashlib.sha256(body.encode()).hexdigest()
            self.add(entry.at, entry.actor, "cmdb", cmdb_id, "imported", {
                "nodes": len(entry.nodes), "relationships": len(entry.sources), "sha256": digest,
            })  # fmt: skip
            return
        subject = entry.subject if entry.target is None else f"{entry.subject} -> {entry.target}"
        kind = "ci" if entry.target is None else "relationship"
        self.add(entry.at, entry.actor, kind, f"{cmdb_id}:{subject}", entry.action.value, {
            "attribute": entry.attribute, "old": codec.encode(entry.old), "new": codec.encode(entry.new),
        })  # fmt: skip

    def aggregate(self, kind: str, aggregate: Any, baseline: Any) -> None:
        if isinstance(aggregate, Case):
            for h in aggregate.history[baseline:]:
                self.add(h.at, h.actor, aggregate.kind, aggregate.id, h.event, {
                    "from": h.source, "to": h.target, "note": h.note,
                    "changes": codec.encode(dict(h.changes)),
                })  # fmt: skip
            if baseline == 0 and not aggregate.history:
                self.add(aggregate.registered_at, aggregate.registered_by, aggregate.kind,
                         aggregate.id, "registered", {})  # fmt: skip
        elif isinstance(aggregate, Outages):
            for outage in list(aggregate)[baseline or 0 :]:
                self.add(
                    outage.start, "-", "outage", outage.subject, "recorded", codec.encode(outage)
                )
        elif isinstance(aggregate, Agreements):
            stored: dict[str, int] = baseline or {}
            now = datetime.now(UTC)
            for agreement in aggregate:
                for version in aggregate.versions(agreement.id)[stored.get(agreement.id, 0) :]:
                    self.add(now, version.owner or "-", "agreement", version.id,
                             f"version {version.version}", {"agreement": codec.encode(version)})  # fmt: skip


class SqlUnitOfWork:
    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.portfolios: SqlRepository[ServicePortfolio] = SqlRepository(
            self, "portfolio", "service portfolio", lambda p: 0
        )
        self.agreements: SqlRepository[Agreements] = SqlRepository(
            self, "agreements", "agreement set", _version_count
        )
        self.roles: SqlRepository[RoleModel] = SqlRepository(
            self, "roles", "role model", lambda r: 0
        )
        self.cases: SqlRepository[Case] = SqlRepository(
            self, "case", "case", lambda c: len(c.history)
        )
        self.outages: SqlRepository[Outages] = SqlRepository(self, "outages", "outage book", len)
        self.cmdbs = SqlCmdbRepository(self)
        self._documents = (self.portfolios, self.agreements, self.roles, self.cases, self.outages)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        audit = _Audit()

        def work(cur: Any) -> None:
            for repo in self._documents:
                repo.write(cur, audit)
            self.cmdbs.write(cur, audit)
            _append_audit(self.store, cur, audit)

        try:
            self.store._write(work)
        except BaseException:
            for repo in (*self._documents, self.cmdbs):
                repo.written.clear()
            raise
        for repo in self._documents:
            repo.settle()
        self.cmdbs.settle()

    def rollback(self) -> None:
        for repo in (*self._documents, self.cmdbs):
            repo.tracked.clear()
            repo.written.clear()


def _version_count(agreements: Agreements) -> dict[str, int]:
    return {a.id: len(agreements.versions(a.id)) for a in agreements}


def _append_audit(store: SqlStore, cur: Any, audit: _Audit) -> None:
    if not audit.rows:
        return
    sql = store._sql
    # reading the head inside the write transaction serialises the chain
    cur.execute(sql("UPDATE fitsm_meta SET value = value WHERE key = 'audit_head'"))
    cur.execute(sql("SELECT value FROM fitsm_meta WHERE key = 'audit_head'"))
    prev = cur.fetchone()[0]
    cur.execute("SELECT COALESCE(MAX(seq), 0) FROM audit")
    seq = int(cur.fetchone()[0])
    rows = []
    for row in audit.rows:
        seq += 1
        digest = _digest(prev, seq, row)
        rows.append((seq, *row, prev, digest))
        prev = digest
    cur.executemany(
        sql(
            "INSERT INTO audit (seq, at, actor, kind, subject, action, detail, prev, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        rows,
    )
    cur.execute(sql("UPDATE fitsm_meta SET value = ? WHERE key = 'audit_head'"), (prev,))
