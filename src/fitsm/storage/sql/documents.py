"""Document aggregates (portfolios, agreements, roles, review schedules, risk registers,
cases): one JSON body a row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import attrs

from fitsm.errors import ConflictError, DuplicateError, NotFoundError
from fitsm.service_levels.agreements import Agreements
from fitsm.storage import codec
from fitsm.storage.ports import Aggregate, MergingAggregate
from fitsm.storage.sql.audit import AuditEntries
from fitsm.storage.sql.connection import Connection

__all__ = [
    "SqlAgreementsRepository",
    "SqlMergingRepository",
    "SqlRepository",
    "Tracked",
    "version_count",
]

A = TypeVar("A", bound=Aggregate)
M = TypeVar("M", bound=MergingAggregate)


@attrs.define
class Tracked(Generic[A]):
    """An aggregate a unit of work has loaded or added, with what is needed to write it back."""

    aggregate: A
    loaded_at: int | None
    """The stored version it was loaded at; None if added in this unit of work."""
    baseline: Any = 0
    """How much of its history was already stored (log entries, case history, versions)."""
    body: str | None = None
    """The stored document as loaded, to skip writing what did not change."""
    rebased: int = 0
    """Entries of others a commit brought in under ours (taken back if the commit fails)."""


class SqlRepository(Generic[A]):
    """One kind of document aggregate (portfolio, agreements, roles, cases)."""

    def __init__(
        self,
        db: Connection,
        kind: str,
        label: str,
        history: Callable[[A], Any],
        decoded: dict[tuple[str, str], tuple[str, Any]] | None = None,
    ) -> None:
        self._db = db
        self.kind = kind
        self.label = label
        self._history = history
        self._decoded = decoded
        """The store's last decoded document per (kind, id), with its body: a copy of it is
        cheaper than decoding again (role models and agreements are read by every case
        operation). None: this kind is not kept (cases: too many)."""
        self.tracked: dict[str, Tracked[A]] = {}
        self.written: dict[str, str] = {}
        self.read_checked: set[str] = set()
        """Ids whose stored version must still be the loaded one at commit."""
        self.audited: dict[str, int] = {}
        """Id -> the index of the audit entry that records its row, in the commit under way."""

    def add(self, aggregate: A) -> None:
        if aggregate.id in self.tracked or self._exists(aggregate.id):
            raise DuplicateError(f"a {self.label} with id {aggregate.id!r} is already stored")
        self.tracked[aggregate.id] = Tracked(aggregate, None, 0)

    def get(self, id: str = "default") -> A:
        if id in self.tracked:
            return self.tracked[id].aggregate
        rows = self._db.read(
            "SELECT version, body FROM aggregates WHERE kind = ? AND id = ?", (self.kind, id)
        )
        if not rows:
            raise NotFoundError(f"no {self.label} with id {id!r} in the store")
        version, body = rows[0]
        aggregate: A = self._decode(id, body)
        aggregate.version = version
        self.tracked[id] = Tracked(aggregate, version, self._history(aggregate), body)
        return aggregate

    def require_unchanged(self, id: str = "default") -> None:
        self.get(id)
        self.read_checked.add(id)

    def _decode(self, id: str, body: str) -> A:
        if self._decoded is None:
            decoded: A = codec.loads(body)
            return decoded
        key = (self.kind, id)
        kept = self._decoded.get(key)
        if kept is None or kept[0] != body:
            kept = self._decoded[key] = (body, codec.loads(body))
        copy: A = kept[1].copy()  # never hand out the kept one: callers change what they get
        return copy

    def ids(self) -> list[str]:
        rows = self._db.read("SELECT id FROM aggregates WHERE kind = ?", (self.kind,))
        return sorted({r[0] for r in rows} | set(self.tracked))

    def _exists(self, id: str) -> bool:
        return bool(
            self._db.read("SELECT 1 FROM aggregates WHERE kind = ? AND id = ?", (self.kind, id))
        )

    def write(self, cur: Any, audit: AuditEntries) -> None:
        for id in sorted(self.read_checked):
            select = "SELECT version FROM aggregates WHERE kind = ? AND id = ?"
            if not self._db.require_version(
                cur, select, (self.kind, id), self.tracked[id].loaded_at
            ):
                raise ConflictError(
                    f"{self.label} {id!r} changed since it was read for this decision; "
                    "reload and decide again"
                )
        self.audited.clear()
        for id, t in sorted(self.tracked.items()):  # one lock order for every writer
            body = codec.dumps(t.aggregate)
            if body == t.body:
                continue  # read, not changed: no write, no version bump, no conflict
            replaced = t.body if t.loaded_at is not None else None
            if t.loaded_at is None:
                cur.execute(
                    self._db.sql("SELECT 1 FROM aggregates WHERE kind = ? AND id = ?"),
                    (self.kind, id),
                )
                if cur.fetchone() is not None:
                    raise ConflictError(
                        f"{self.label} {id!r} was added by someone else since this unit of work began"
                    )
                cur.execute(
                    self._db.sql(
                        "INSERT INTO aggregates (kind, id, version, body) VALUES (?, ?, ?, ?)"
                    ),
                    (self.kind, id, 1, body),
                )
            else:
                cur.execute(
                    self._db.sql(
                        "UPDATE aggregates SET version = version + 1, body = ? "
                        "WHERE kind = ? AND id = ? AND version = ?"
                    ),
                    (body, self.kind, id, t.loaded_at),
                )
                if cur.rowcount != 1:
                    body, replaced = self._merge(cur, id, t)
            index = audit.aggregate(self.kind, t.aggregate, t.baseline, body)
            audit.changed(
                index,
                "aggregates",
                None if replaced is None else (self.kind, id, replaced),
                (self.kind, id, body),
            )
            self.audited[id] = index
            self.written[id] = body

    def _merge(self, cur: Any, id: str, t: Tracked[A]) -> tuple[str, str]:
        """Someone else committed this aggregate since it was loaded: conflict (the rule for
        aggregates changed as a whole). Returns the body written instead, where it can merge,
        and the stored body it replaced."""
        raise ConflictError(
            f"{self.label} {id!r} was changed by someone else since it was loaded "
            f"at version {t.loaded_at}; reload and apply the change again"
        )

    def settle(self) -> None:
        """After a commit: what was written is now the stored state."""
        for id, body in self.written.items():
            t = self.tracked[id]
            t.aggregate.version = (t.loaded_at or 0) + 1
            t.loaded_at = t.aggregate.version
            t.baseline = self._history(t.aggregate)
            t.body = body
            if self._decoded is not None:
                # the next unit of work reads this body back: a copy instead of a decode
                self._decoded[(self.kind, id)] = (body, t.aggregate.copy())
        self.written.clear()


def version_count(agreements: Agreements) -> dict[str, int]:
    """How many versions of each agreement a set holds: what its audit has covered."""
    return {a.id: len(agreements.versions(a.id)) for a in agreements}


class SqlMergingRepository(SqlRepository[M]):
    """Aggregates whose items are each a unit of change (agreements, review schedules, risks):
    a commit that finds the stored one changed since it was loaded merges per item."""

    def _merge(self, cur: Any, id: str, t: Tracked[M]) -> tuple[str, str]:
        cur.execute(
            self._db.sql("SELECT version, body FROM aggregates WHERE kind = ? AND id = ?"),
            (self.kind, id),
        )
        found = cur.fetchone()
        if found is None or t.body is None:
            return super()._merge(cur, id, t)
        version, stored_body = found
        stored: M = codec.loads(stored_body)
        t.aggregate.rebase(stored, codec.loads(t.body))  # ConflictError: nothing changes
        t.baseline = self._history(stored)  # what the others added is audited already
        body = codec.dumps(t.aggregate)
        cur.execute(
            self._db.sql(
                "UPDATE aggregates SET version = version + 1, body = ? "
                "WHERE kind = ? AND id = ? AND version = ?"
            ),
            (body, self.kind, id, version),
        )
        if cur.rowcount != 1:  # yet another writer in between: the caller retries
            return super()._merge(cur, id, t)
        t.loaded_at = version
        t.aggregate.version = version  # the audit names the version this commit writes
        return body, stored_body


class SqlAgreementsRepository(SqlMergingRepository[Agreements]):
    """Agreement sets: each agreement is its own unit of change, merged at commit."""

    def __init__(
        self, db: Connection, decoded: dict[tuple[str, str], tuple[str, Any]] | None = None
    ) -> None:
        super().__init__(db, "agreements", "agreement set", version_count, decoded)
