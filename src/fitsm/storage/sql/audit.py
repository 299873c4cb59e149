"""The audit trail: every committed change as a hash-chained entry, with the state it left.

Each entry carries the SHA-256 of the one before it, and, since schema 6, a record
of the stored rows its commit wrote (``state``: for each row, its digest before
and after) and, when the application holds an audit key, an HMAC of its hash.
:mod:`fitsm.storage.sql.integrity` checks all three against what is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import json.encoder
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from fitsm.availability.measurement import Outage
from fitsm.cases.base import Case
from fitsm.cmdb.history import Batch, CmdbChangeRecord
from fitsm.errors import StoreError, ValidationError
from fitsm.service_levels.agreements import Agreements
from fitsm.storage import codec
from fitsm.storage.sql.connection import Connection

__all__ = [
    "DOCUMENT_COLUMNS",
    "ENCODE",
    "GENESIS",
    "STATE_COLUMNS",
    "AuditEntries",
    "AuditKey",
    "AuditReport",
    "StateMismatch",
    "append",
    "chain_digest",
    "entries",
    "head",
    "row_digest",
]

GENESIS = "0" * 64
"""The ``prev`` digest of the first audit entry."""

STATE_COLUMNS: dict[str, tuple[tuple[str, ...], int]] = {
    "aggregates": (("kind", "id", "body"), 2),
    "cmdbs": (("id", "schema_body"), 1),
    "cmdb_nodes": (("cmdb", "id", "kind", "type", "name", "owner", "attributes", "min_up"), 2),
    "cmdb_edges": (("cmdb", "source", "target", "type"), 3),
    "cmdb_log": (("cmdb", "seq", "body"), 2),
    "outages": (("id", "subject", "start_us", "end_us", "state", "planned"), 1),
    "case_index": (
        ("id", "kind", "status", "open", "service", "owner", "assignee", "priority",
         "registered_us"),
        1,
    ),
    "case_cis": (("case_id", "ci"), 2),
}  # fmt: skip
"""The state tables the audit trail covers: the columns of a row's digest, and how many of
them (the first ones) are its key. A version counter is left out: it is no content."""

DOCUMENT_COLUMNS = {"aggregates": 2, "cmdbs": 1, "cmdb_log": 2}
"""Tables with a document column (its position): a row's digest takes the document's SHA-256."""


def _encoder() -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``, without building an
    encoder for each call (the digest of every stored row goes through it)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    quote = getattr(json.encoder, "c_encode_basestring", None)
    if make is None or quote is None:  # pragma: no cover - CPython has the C encoder
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    chunks = make(None, _unencodable, quote, None, ":", ",", False, False, True)

    def encode(value: Any) -> str:
        """``value`` as compact JSON, non-ASCII characters as they are."""
        return "".join(chunks(value, 0))

    return encode


def _unencodable(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


ENCODE = _encoder()
"""The compact JSON that row digests and state records are made of.

>>> ENCODE(("example", "db1", None, 2, "Zürich"))
'["example","db1",null,2,"Zürich"]'
"""


def row_digest(table: str, row: Sequence[Any], document: str | None = None) -> str:
    """The SHA-256 of one stored row of ``table`` (the values of its :data:`STATE_COLUMNS`),
    as hex. A document column (a JSON body) counts by its own SHA-256, ``document`` if
    it is known already."""
    column = DOCUMENT_COLUMNS.get(table)
    if column is not None:
        sha = document or hashlib.sha256(row[column].encode()).hexdigest()
        row = (*row[:column], sha, *row[column + 1 :])
    return hashlib.sha256(ENCODE(row).encode()).hexdigest()


class AuditKey:
    """The application's secret for the HMACs of the audit trail; never shown.

    >>> AuditKey(b"0123456789abcdef-not-a-real-key")
    <AuditKey ***>
    """

    __slots__ = ("_secret",)

    def __init__(self, key: bytes | str) -> None:
        secret = key.encode() if isinstance(key, str) else key
        if not isinstance(secret, bytes):
            raise ValidationError(
                f"an audit key must be bytes or a string, got {type(key).__name__}",
                field="audit_key",
            )
        if len(secret) < 16:
            raise ValidationError(
                "an audit key must be at least 16 bytes long (32 random bytes are best)",
                field="audit_key",
            )
        self._secret = secret

    def sign(self, digest: str) -> str:
        """The HMAC-SHA256 of an entry's hash."""
        return hmac.new(self._secret, digest.encode(), hashlib.sha256).hexdigest()

    def signed(self, digest: str, mac: str) -> bool:
        return hmac.compare_digest(self.sign(digest), mac)

    def __repr__(self) -> str:
        return "<AuditKey ***>"

    def __reduce__(self) -> Any:
        raise TypeError("an audit key is not pickled: it stays with the application")


@attrs.frozen
class StateMismatch:
    """A stored row that is not what the audit trail says it should be.

    ``expected`` and ``found`` are row digests (:func:`row_digest`), ``None`` for
    "no row"; ``entry`` is the audit entry the expectation comes from.
    """

    table: str
    key: tuple[Any, ...]
    expected: str | None
    found: str | None
    entry: int | None
    problem: str
    """``changed``, ``missing``, ``unexpected``, ``changed before entry <n>`` (an entry
    found the row other than the trail had left it, and wrote over it), or for the
    baseline of an upgraded store, ``baseline altered``."""

    def __str__(self) -> str:
        expected = self.expected or "no row"
        found = self.found or "no row"
        source = "" if self.entry is None else f", per entry {self.entry}"
        return (
            f"{self.table} {list(self.key)}: {self.problem} "
            f"(expected {expected}, found {found}{source})"
        )


@attrs.frozen
class AuditReport:
    """The outcome of :meth:`~fitsm.storage.sql.SqlStore.verify_audit`."""

    entries: int
    first_broken: int | None
    """The sequence number of the first entry whose hash does not match, if any."""
    reason: str = ""
    mismatches: tuple[StateMismatch, ...] = ()
    """Stored rows that differ from what the chain says (at most ``limit`` of them)."""
    mismatch_count: int = 0
    """How many there are in all."""
    rows: int = 0
    """How many stored rows were checked against the chain."""
    authenticated: bool = False
    """Whether every entry's HMAC was checked with the store's audit key, and held."""

    @property
    def ok(self) -> bool:
        return self.first_broken is None and self.mismatch_count == 0


def chain_digest(prev: str, seq: int, row: Sequence[Any], state: str | None = None) -> str:
    """The hash of one audit entry, chained to the one before (``prev``); ``state`` is the
    entry's record of the rows it wrote (entries written before schema 6 have none)."""
    values = [prev, seq, *row] if state is None else [prev, seq, *row, state]
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


class AuditEntries:
    """Collects the audit entries of one commit, then appends them to the chain.

    Besides what happened, each entry records the stored rows its commit wrote
    (:meth:`changed`, :meth:`batch`): what :mod:`~fitsm.storage.sql.integrity`
    compares the tables with.
    """

    def __init__(self, actor: str | None = None, key: AuditKey | None = None) -> None:
        self.rows: list[tuple[str, str, str, str, str, str]] = []
        self.states: dict[int, dict[str, Any]] = {}
        """Entry index -> its record of the rows written: ``rows`` ([table, key, digest
        before, digest after]), ``batch`` or ``baseline``."""
        self.actor = actor or "-"
        """Who the unit of work acts for ("-": nobody was named)."""
        self.key = key

    def add(
        self, at: datetime, actor: str, kind: str, subject: str, action: str, detail: Any
    ) -> int:
        """Add an entry; returns its index in this commit."""
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
        return len(self.rows) - 1

    def changed(
        self,
        index: int,
        table: str,
        before: Sequence[Any] | None,
        after: Sequence[Any] | None,
    ) -> None:
        """Entry ``index`` left the row ``after`` (None: no row) in ``table`` where ``before``
        was stored (None: none was). Rows are the values of :data:`STATE_COLUMNS`."""
        row = after if after is not None else before
        if row is None:
            return
        old = None if before is None else row_digest(table, before)
        new = None if after is None else row_digest(table, after)
        self.record(index, table, row, old, new)

    def record(
        self, index: int, table: str, row: Sequence[Any], old: str | None, new: str | None
    ) -> None:
        """Entry ``index`` changed the row of ``table`` keyed like ``row`` from the digest
        ``old`` to ``new`` (None: no row)."""
        if old == new:
            return
        key = list(row[: STATE_COLUMNS[table][1]])
        state = self.states.setdefault(index, {})
        state.setdefault("rows", []).append([table, key, old, new])

    def batch(
        self, index: int, cmdb: str, log_seq: int, skipped_nodes: list[str],
        skipped_edges: list[list[str]],
    ) -> None:  # fmt: skip
        """Entry ``index`` is a bulk load whose node and relationship rows are those of its
        change-log row, but for the ``skipped`` ones (written from a later change of the
        same commit, and recorded with it)."""
        self.states.setdefault(index, {})["batch"] = [cmdb, log_seq, skipped_nodes, skipped_edges]

    def cmdb_entry(
        self, cmdb_id: str, entry: CmdbChangeRecord | Batch, body: str, log_seq: int
    ) -> int:
        """The entry of one change-log row (``body``, at ``log_seq``), which it records."""
        digest = hashlib.sha256(body.encode()).hexdigest()
        if isinstance(entry, Batch):
            # the batch is in the CMDB's log row; the chain holds its digest
            index = self.add(entry.at, entry.actor, "cmdb", cmdb_id, "imported", {
                "nodes": len(entry.nodes), "relationships": len(entry.sources), "sha256": digest,
            })  # fmt: skip
        else:
            subject = (
                entry.subject if entry.target is None else f"{entry.subject} -> {entry.target}"
            )
            kind = "ci" if entry.target is None else "relationship"
            index = self.add(entry.at, entry.actor, kind, f"{cmdb_id}:{subject}", entry.action.value, {
                "attribute": entry.attribute, "old": codec.encode(entry.old), "new": codec.encode(entry.new),
            })  # fmt: skip
        row = (cmdb_id, log_seq, body)
        self.record(index, "cmdb_log", row, None, row_digest("cmdb_log", row, digest))
        return index

    def outage(self, outage: Outage, action: str) -> int:
        """An outage ``recorded`` (appended) or ``ended`` (its end set)."""
        at = outage.start if action == "recorded" or outage.end is None else outage.end
        return self.add(at, self.actor, "outage", outage.id, action, codec.encode(outage))

    def saved(self, kind: str, id: str, version: int, body: str) -> int:
        """Who saved which version of a document, and a digest of it."""
        return self.add(datetime.now(UTC), self.actor, kind, id, "saved", {
            "version": version, "sha256": hashlib.sha256(body.encode()).hexdigest(),
        })  # fmt: skip

    def aggregate(self, kind: str, aggregate: Any, baseline: Any, body: str) -> int:
        """The entries for one document aggregate written with ``body``; returns the index of
        the last one, which records the row.

        Cases bring their own history (each transition names its actor); the
        other kinds are recorded as done by the unit of work's actor. A document
        written without a new step in its history is recorded as ``saved``.
        """
        before = len(self.rows)
        if isinstance(aggregate, Case):
            for h in aggregate.history[baseline:]:
                self.add(h.at, h.actor, aggregate.kind, aggregate.id, h.event, {
                    "from": h.source, "to": h.target, "note": h.note,
                    "changes": codec.encode(dict(h.changes)),
                })  # fmt: skip
            if baseline == 0 and not aggregate.history:
                self.add(aggregate.registered_at, aggregate.registered_by, aggregate.kind,
                         aggregate.id, "registered", {})  # fmt: skip
            kind = aggregate.kind
        elif isinstance(aggregate, Agreements):
            stored: dict[str, int] = baseline or {}
            now = datetime.now(UTC)
            for agreement in aggregate:
                for version in aggregate.versions(agreement.id)[stored.get(agreement.id, 0) :]:
                    actor = self.actor if self.actor != "-" else version.owner or "-"
                    self.add(now, actor, "agreement", version.id,
                             f"version {version.version}", {"agreement": codec.encode(version)})  # fmt: skip
        if len(self.rows) == before:
            # portfolios and role models, or a document changed without a new step
            return self.saved(kind, aggregate.id, aggregate.version + 1, body)
        return len(self.rows) - 1


def append(db: Connection, cur: Any, audit: AuditEntries) -> None:
    """Chain the commit's entries onto the audit trail, inside its transaction.

    A trail whose newest entry carries an HMAC is written on only with the key
    that made it: without a key, or with another, nothing is written.
    """
    if not audit.rows:
        return
    sql = db.sql
    # reading the head inside the write transaction serialises the chain
    cur.execute(sql("UPDATE fitsm_meta SET value = value WHERE key = 'audit_head'"))
    cur.execute(sql("SELECT value FROM fitsm_meta WHERE key = 'audit_head'"))
    found = cur.fetchone()
    if found is None:
        raise StoreError(
            "the audit trail's head is gone from fitsm_meta: the store was tampered with; "
            "nothing was written (verify_audit() says more)"
        )
    prev = found[0]
    cur.execute("SELECT seq, hash, mac FROM audit ORDER BY seq DESC LIMIT 1")
    newest = cur.fetchone()
    seq = int(newest[0]) if newest else 0
    if newest is not None and newest[2] is not None:
        if audit.key is None:
            raise StoreError(
                "this store's audit trail is signed with an audit key (HMAC): open it with "
                "open_store(url, audit_key=...) to write; nothing was written"
            )
        if not audit.key.signed(newest[1], newest[2]):
            raise StoreError(
                "the audit key does not match the one the trail's newest entry was signed "
                "with (a wrong key, or the trail was rewritten); nothing was written "
                "(verify_audit() says more)"
            )
    rows = []
    for index, row in enumerate(audit.rows):
        seq += 1
        state = audit.states.get(index)
        recorded = None if state is None else ENCODE(state)
        digest = chain_digest(prev, seq, row, recorded)
        mac = None if audit.key is None else audit.key.sign(digest)
        rows.append((seq, *row, prev, digest, recorded, mac))
        prev = digest
    cur.executemany(
        sql(
            "INSERT INTO audit (seq, at, actor, kind, subject, action, detail, prev, hash, "
            "state, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        rows,
    )
    cur.execute(sql("UPDATE fitsm_meta SET value = ? WHERE key = 'audit_head'"), (prev,))


def entries(db: Connection) -> list[dict[str, Any]]:
    """Every audit entry, oldest first."""
    rows = db.read("SELECT seq, at, actor, kind, subject, action, detail FROM audit ORDER BY seq")
    return [
        {"seq": r[0], "at": datetime.fromisoformat(r[1]), "actor": r[2], "kind": r[3],
         "subject": r[4], "action": r[5], "detail": json.loads(r[6])}
        for r in rows
    ]  # fmt: skip


def head(db: Connection) -> tuple[int, str]:
    """The newest entry's ``(seq, hash)``: keep it outside the store, and pass it to
    ``verify_audit(anchor=...)`` later to find a rewritten or truncated chain."""
    rows = db.read("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
    return (int(rows[0][0]), str(rows[0][1])) if rows else (0, GENESIS)
