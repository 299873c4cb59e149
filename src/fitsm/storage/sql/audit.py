"""The audit trail: every committed change as a hash-chained entry, and its verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from fitsm.availability.measurement import Outage
from fitsm.cases.base import Case
from fitsm.cmdb.history import Batch, CmdbChangeRecord
from fitsm.errors import StoreError
from fitsm.service_levels.agreements import Agreements
from fitsm.storage import codec
from fitsm.storage.sql.connection import Connection

__all__ = [
    "GENESIS",
    "AuditEntries",
    "AuditReport",
    "append",
    "chain_digest",
    "entries",
    "verify_chain",
]

GENESIS = "0" * 64
"""The ``prev`` digest of the first audit entry."""


@attrs.frozen
class AuditReport:
    """The outcome of :meth:`~fitsm.storage.sql.SqlStore.verify_audit`."""

    entries: int
    first_broken: int | None
    """The sequence number of the first entry whose hash does not match, if any."""
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def chain_digest(prev: str, seq: int, row: Sequence[Any]) -> str:
    """The hash of one audit entry, chained to the one before (``prev``)."""
    payload = json.dumps([prev, seq, *row], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


class AuditEntries:
    """Collects the audit entries of one commit, then appends them to the chain."""

    def __init__(self, actor: str | None = None) -> None:
        self.rows: list[tuple[str, str, str, str, str, str]] = []
        self.actor = actor or "-"
        """Who the unit of work acts for ("-": nobody was named)."""

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

    def outage(self, outage: Outage, action: str) -> None:
        """An outage ``recorded`` (appended) or ``ended`` (its end set)."""
        at = outage.start if action == "recorded" or outage.end is None else outage.end
        self.add(at, self.actor, "outage", outage.id, action, codec.encode(outage))

    def aggregate(self, kind: str, aggregate: Any, baseline: Any, body: str) -> None:
        """The entries for one document aggregate written with ``body``.

        Cases bring their own history (each transition names its actor); the
        other kinds are recorded as done by the unit of work's actor.
        """
        if isinstance(aggregate, Case):
            for h in aggregate.history[baseline:]:
                self.add(h.at, h.actor, aggregate.kind, aggregate.id, h.event, {
                    "from": h.source, "to": h.target, "note": h.note,
                    "changes": codec.encode(dict(h.changes)),
                })  # fmt: skip
            if baseline == 0 and not aggregate.history:
                self.add(aggregate.registered_at, aggregate.registered_by, aggregate.kind,
                         aggregate.id, "registered", {})  # fmt: skip
        elif isinstance(aggregate, Agreements):
            stored: dict[str, int] = baseline or {}
            now = datetime.now(UTC)
            for agreement in aggregate:
                for version in aggregate.versions(agreement.id)[stored.get(agreement.id, 0) :]:
                    actor = self.actor if self.actor != "-" else version.owner or "-"
                    self.add(now, actor, "agreement", version.id,
                             f"version {version.version}", {"agreement": codec.encode(version)})  # fmt: skip
        else:
            # portfolios and role models: who saved which version, and a digest of it
            self.add(datetime.now(UTC), self.actor, kind, aggregate.id, "saved", {
                "version": aggregate.version + 1,
                "sha256": hashlib.sha256(body.encode()).hexdigest(),
            })  # fmt: skip


def append(db: Connection, cur: Any, audit: AuditEntries) -> None:
    """Chain the commit's entries onto the audit trail, inside its transaction."""
    if not audit.rows:
        return
    sql = db.sql
    # reading the head inside the write transaction serialises the chain
    cur.execute(sql("UPDATE fitsm_meta SET value = value WHERE key = 'audit_head'"))
    cur.execute(sql("SELECT value FROM fitsm_meta WHERE key = 'audit_head'"))
    head = cur.fetchone()
    if head is None:
        raise StoreError(
            "the audit trail's head is gone from fitsm_meta: the store was tampered with; "
            "nothing was written (verify_audit() says more)"
        )
    prev = head[0]
    cur.execute("SELECT COALESCE(MAX(seq), 0) FROM audit")
    seq = int(cur.fetchone()[0])
    rows = []
    for row in audit.rows:
        seq += 1
        digest = chain_digest(prev, seq, row)
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


def entries(db: Connection) -> list[dict[str, Any]]:
    """Every audit entry, oldest first."""
    rows = db.read("SELECT seq, at, actor, kind, subject, action, detail FROM audit ORDER BY seq")
    return [
        {"seq": r[0], "at": datetime.fromisoformat(r[1]), "actor": r[2], "kind": r[3],
         "subject": r[4], "action": r[5], "detail": json.loads(r[6])}
        for r in rows
    ]  # fmt: skip


def verify_chain(db: Connection, anchor: tuple[int, str] | None = None) -> AuditReport:
    """Recompute the hash chain; name the first entry that was edited or removed.

    ``anchor`` is a ``(seq, hash)`` pair kept outside the database (from
    :func:`head` at some earlier time): the chain must still hold that entry, so
    a rewrite or truncation of the chain up to it is found even when the
    rewritten chain is consistent in itself.
    """
    rows = db.read(
        "SELECT seq, at, actor, kind, subject, action, detail, prev, hash FROM audit ORDER BY seq"
    )
    prev = GENESIS
    expected_seq = 1
    for row in rows:
        seq = row[0]
        if seq != expected_seq:
            return AuditReport(len(rows), expected_seq, f"entry {expected_seq} is missing")
        if row[7] != prev:
            return AuditReport(len(rows), seq, f"entry {seq} does not follow entry {seq - 1}")
        if chain_digest(prev, seq, row[1:7]) != row[8]:
            return AuditReport(len(rows), seq, f"entry {seq} was changed after it was written")
        prev = row[8]
        expected_seq += 1
    head = db.read("SELECT value FROM fitsm_meta WHERE key = 'audit_head'")
    if not head:
        return AuditReport(len(rows), expected_seq, "the chain's head is gone from fitsm_meta")
    if head[0][0] != prev:
        return AuditReport(len(rows), expected_seq, "the newest entries were removed")
    if anchor is not None:
        seq, digest = anchor
        held = {row[0]: row[8] for row in rows}
        if held.get(seq) != digest:
            return AuditReport(
                len(rows), seq, f"entry {seq} is not the one anchored outside the store"
            )
    return AuditReport(len(rows), None)


def head(db: Connection) -> tuple[int, str]:
    """The newest entry's ``(seq, hash)``: keep it outside the store, and pass it to
    ``verify_audit(anchor=...)`` later to find a rewritten or truncated chain."""
    rows = db.read("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
    return (int(rows[0][0]), str(rows[0][1])) if rows else (0, GENESIS)
