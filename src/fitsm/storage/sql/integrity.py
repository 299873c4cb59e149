"""What ``verify_audit`` checks: the hash chain, its HMACs and anchor, and the stored rows.

Each audit entry records the rows its commit wrote: for each, the row's digest
before and after (:class:`~fitsm.storage.sql.audit.AuditEntries`); a bulk load
records the change-log row that holds its rows; an upgraded store's rows were
recorded once, as a baseline. Replaying those records gives, per table, the rows
that should be stored.

Rather than hold that per row, the check adds up a keyed hash of each expected
row digest, and of each stored row's digest, per table (a multiset hash). The
key is drawn for this one check, so no one could have prepared rows that add
up the same. That is one pass over the trail and one over each table, in any
order and in constant memory. Only a table whose sums differ is replayed row
by row to name the rows that differ, which costs memory in proportion to that
table, and happens only when something is wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from fitsm.storage.sql.audit import (
    ENCODE,
    GENESIS,
    STATE_COLUMNS,
    AuditEntries,
    AuditKey,
    AuditReport,
    StateMismatch,
    append,
    chain_digest,
    row_digest,
)
from fitsm.storage.sql.connection import Connection, Reader

__all__ = ["BASELINE_TABLES", "record_baseline", "verify"]

BASELINE_TABLES = [
    "CREATE TABLE audit_baseline (n BIGINT PRIMARY KEY, tbl TEXT NOT NULL, item TEXT NOT NULL, "
    "digest TEXT NOT NULL)",
]
"""The rows of a store as they were when it was upgraded to schema 6 (schema 6)."""

_MODULUS = 1 << 256
_DECODE = json.JSONDecoder().raw_decode
_SPACE = re.compile(r"[ \t\n\r]*")
_BATCH_TABLES = frozenset({"cmdb_nodes", "cmdb_edges"})

Event = tuple[str, tuple[Any, ...], bytes | None, bytes | None]
"""One recorded row change: table, key, digest before, digest after (None: no row)."""


def verify(
    db: Connection,
    anchor: tuple[int, str] | None = None,
    key: AuditKey | None = None,
    limit: int | None = 1000,
) -> AuditReport:
    """Check the chain (and its HMACs with ``key``, and ``anchor``) and every stored row
    against it, in one snapshot."""
    return db.snapshot(lambda reader: _Check(reader, key, limit).run(anchor))


class _Check:
    def __init__(self, reader: Reader, key: AuditKey | None, limit: int | None) -> None:
        self.reader = reader
        self.key = key
        self.limit = limit
        self.secret = os.urandom(32)
        self.mismatches: list[StateMismatch] = []
        self.count = 0

    # -- the report ---------------------------------------------------------------------

    def run(self, anchor: tuple[int, str] | None) -> AuditReport:
        expected = dict.fromkeys(STATE_COLUMNS, 0)
        entries, broken, reason, signed = self._chain(anchor, expected)
        rows = 0
        for table in STATE_COLUMNS:
            found, n = self._stored_sum(table)
            rows += n
            if (expected[table] - found) % _MODULUS:
                self._diagnose(table)
        if broken is None and self.count:
            first = self.mismatches[0]
            reason = (
                f"{self.count} stored row{'s differ' if self.count > 1 else ' differs'} from "
                f"what the audit trail says; the first: {first}"
            )
        return AuditReport(
            entries,
            broken,
            reason,
            tuple(self.mismatches),
            self.count,
            rows,
            self.key is not None and broken is None and signed,
        )

    def _mismatch(
        self,
        table: str,
        key: tuple[Any, ...],
        expected: bytes | str | None,
        found: bytes | str | None,
        entry: int | None,
        problem: str,
    ) -> None:
        self.count += 1
        if self.limit is None or len(self.mismatches) < self.limit:
            self.mismatches.append(
                StateMismatch(table, key, _hex(expected), _hex(found), entry, problem)
            )

    def _hash(self, digest: bytes | None) -> int:
        if digest is None:
            return 0
        keyed = hashlib.blake2b(digest, key=self.secret, digest_size=32)
        return int.from_bytes(keyed.digest(), "big")

    # -- the chain ------------------------------------------------------------------------

    def _chain(
        self, anchor: tuple[int, str] | None, expected: dict[str, int]
    ) -> tuple[int, int | None, str, bool]:
        """Walk the trail once: hashes, HMACs, the anchor; add up the rows it records."""
        broken: int | None = None
        reason = ""
        prev = GENESIS
        count = 0
        signed_from: int | None = None
        anchored = anchor is None or anchor == (0, GENESIS)
        for row in self.reader.stream(
            "SELECT seq, at, actor, kind, subject, action, detail, prev, hash, state, mac "
            "FROM audit ORDER BY seq"
        ):
            seq, state, mac = row[0], row[9], row[10]
            count += 1
            if anchor is not None and seq == anchor[0]:
                anchored = row[8] == anchor[1]
            if broken is None:
                problem = self._entry(row, prev, count, signed_from)
                if problem is not None:
                    broken, reason = problem
                elif mac is not None and signed_from is None:
                    signed_from = seq
                prev = row[8]
            if state is not None:
                try:
                    for table, _, before, after in self._events(seq, json.loads(state), None):
                        expected[table] += self._hash(after) - self._hash(before)
                except (ValueError, TypeError, KeyError, IndexError):
                    if broken is None:
                        broken = seq
                        reason = f"entry {seq}'s record of the rows it wrote cannot be read"
        if broken is None:
            head = self.reader.read("SELECT value FROM fitsm_meta WHERE key = 'audit_head'")
            if not head:
                broken, reason = count + 1, "the chain's head is gone from fitsm_meta"
            elif head[0][0] != prev:
                broken, reason = count + 1, "the newest entries were removed"
            elif not anchored:
                assert anchor is not None
                broken = anchor[0]
                reason = f"entry {anchor[0]} is not the one anchored outside the store"
            elif self.key is not None and count and signed_from is None:
                broken = 1
                reason = (
                    "no entry carries an HMAC: the trail was not written with the audit key, "
                    "or was rewritten without it"
                )
        return count, broken, reason, signed_from is not None

    def _entry(
        self, row: tuple[Any, ...], prev: str, expected_seq: int, signed_from: int | None
    ) -> tuple[int, str] | None:
        """Which entry is broken and why, if this one shows a break."""
        seq, digest, mac = row[0], row[8], row[10]
        if seq != expected_seq:
            return expected_seq, f"entry {expected_seq} is missing"
        if row[7] != prev:
            return seq, f"entry {seq} does not follow entry {seq - 1}"
        if chain_digest(prev, seq, row[1:7], row[9]) != digest:
            return seq, f"entry {seq} was changed after it was written"
        if self.key is None:
            return None
        if mac is None:
            if signed_from is not None:
                return seq, (
                    f"entry {seq} carries no HMAC, though entry {signed_from} before it does: "
                    "it was written without the audit key"
                )
            return None
        if not self.key.signed(digest, mac):
            return seq, (
                f"entry {seq}'s HMAC does not hold with this audit key: the trail was "
                "rewritten without the key, or the key is wrong"
            )
        return None

    # -- what the entries recorded ----------------------------------------------------------

    def _events(
        self, seq: int, state: dict[str, Any], only: str | None, *, check: bool = True
    ) -> Iterator[Event]:
        """The row changes entry ``seq`` records (of table ``only``, if given)."""
        for table, key, before, after in state.get("rows", ()):
            if table not in STATE_COLUMNS or len(key) != STATE_COLUMNS[table][1]:
                raise ValueError(f"no table {table!r} with such a key")
            if only is None or table == only:
                yield table, tuple(key), _raw(before), _raw(after)
        batch = state.get("batch")
        if batch is not None and (only is None or only in _BATCH_TABLES):
            cmdb, log_seq, skipped_nodes, skipped_edges = batch
            yield from self._batch(cmdb, log_seq, skipped_nodes, skipped_edges, only)
        baseline = state.get("baseline")
        if baseline is not None:
            rows, sha = baseline
            yield from self._baseline(seq, rows, sha, only, check)

    def _batch(
        self,
        cmdb: str,
        log_seq: int,
        skipped_nodes: list[str],
        skipped_edges: list[list[str]],
        only: str | None,
    ) -> Iterator[Event]:
        """The node and relationship rows of a bulk load, read from its change-log row."""
        found = self.reader.read(
            "SELECT body FROM cmdb_log WHERE cmdb = ? AND seq = ?", (cmdb, log_seq)
        )
        if not found:
            return  # the change-log check names the missing row
        try:
            nodes, edges = batch_rows(found[0][0])
            if only in (None, "cmdb_nodes"):
                skipped = set(skipped_nodes)
                for node in nodes:
                    if node[0] not in skipped:
                        row = (cmdb, *node)
                        yield "cmdb_nodes", row[:2], None, _digest(row)
            if only in (None, "cmdb_edges"):
                pairs = {(s, t) for s, t in skipped_edges}
                for source, target, kind in edges:
                    if (source, target) not in pairs:
                        row = (cmdb, source, target, kind)
                        yield "cmdb_edges", row[:3], None, _digest(row)
        except (ValueError, IndexError):
            return  # a log row changed: the change-log check names it

    def _baseline(
        self, seq: int, rows: int, sha: str, only: str | None, check: bool
    ) -> Iterator[Event]:
        """The rows of a store as it was upgraded to schema 6, checked against the entry."""
        running = hashlib.sha256()
        n = 0
        for line in self.reader.stream(
            "SELECT n, tbl, item, digest FROM audit_baseline ORDER BY n"
        ):
            n += 1
            running.update(ENCODE(line).encode() + b"\n")
            table = line[1]
            if table in STATE_COLUMNS and (only is None or table == only):
                yield table, tuple(json.loads(line[2])), None, _raw(line[3])
        if check and (n != rows or running.hexdigest() != sha):
            self._mismatch("audit_baseline", (), sha, running.hexdigest(), seq, "baseline altered")

    # -- the stored rows ----------------------------------------------------------------------

    def _stored(self, table: str) -> Iterator[tuple[tuple[Any, ...], bytes]]:
        """Each stored row of ``table``: its key and digest."""
        columns, keys = STATE_COLUMNS[table]
        select = f"SELECT {', '.join(columns)} FROM {table}"
        if table in ("cmdb_nodes", "cmdb_edges", "outages", "case_cis", "case_index"):
            for row in self.reader.stream(select):
                yield row[:keys], _digest(row)
        else:
            for row in self.reader.stream(select):
                yield row[:keys], bytes.fromhex(row_digest(table, row))

    def _stored_sum(self, table: str) -> tuple[int, int]:
        total = 0
        n = 0
        for _, digest in self._stored(table):
            total += self._hash(digest)
            n += 1
        return total, n

    def _diagnose(self, table: str) -> None:
        """Replay ``table``'s records row by row and name each row that differs."""
        before_count = self.count
        model: dict[tuple[Any, ...], tuple[bytes, int]] = {}
        for seq, state in self.reader.stream(
            "SELECT seq, state FROM audit WHERE state IS NOT NULL ORDER BY seq"
        ):
            try:
                events = list(self._events(seq, json.loads(state), table, check=False))
            except (ValueError, TypeError, KeyError, IndexError):
                continue  # the chain check names the entry
            for _, key, before, after in events:
                current = model.get(key)
                if (None if current is None else current[0]) != before:
                    was = None if current is None else current[0]
                    self._mismatch(table, key, was, before, seq, f"changed before entry {seq}")
                if after is None:
                    model.pop(key, None)
                else:
                    model[key] = (after, seq)
        for key, digest in self._stored(table):
            kept = model.pop(key, None)
            if kept is None:
                self._mismatch(table, key, None, digest, None, "unexpected")
            elif kept[0] != digest:
                self._mismatch(table, key, kept[0], digest, kept[1], "changed")
        for key, (digest, seq) in model.items():
            self._mismatch(table, key, digest, None, seq, "missing")
        if self.count == before_count:  # pragma: no cover - only if a keyed hash collided
            self._mismatch(table, (), None, None, None, "the rows do not add up")


def _digest(row: tuple[Any, ...]) -> bytes:
    """:func:`~fitsm.storage.sql.audit.row_digest` of a row without a document column, raw."""
    return hashlib.sha256(ENCODE(row).encode()).digest()


def _raw(digest: str | None) -> bytes | None:
    return None if digest is None else bytes.fromhex(digest)


def _hex(digest: bytes | str | None) -> str | None:
    return digest.hex() if isinstance(digest, bytes) else digest


# -- the rows of a bulk load, one at a time ------------------------------------------------------


def _skip(text: str, pos: int) -> int:
    found = _SPACE.match(text, pos)
    assert found is not None
    return found.end()


def _items(text: str, start: int) -> Iterator[Any]:
    """The items of the JSON array at ``start`` (its ``[``), decoded one at a time."""
    for item, _ in _walk(text, start):
        yield item


def _walk(text: str, start: int) -> Iterator[tuple[Any, int]]:
    """Each item of the JSON array at ``start``, with the position after the array once
    the last item was read (-1 before)."""
    if text[start] != "[":
        raise ValueError(f"no array at {start}")
    pos = _skip(text, start + 1)
    if text[pos] == "]":
        return
    while True:
        item, pos = _DECODE(text, pos)
        pos = _skip(text, pos)
        if text[pos] == "]":
            yield item, pos + 1
            return
        if text[pos] != ",":
            raise ValueError(f"expected ',' at {pos}")
        yield item, -1
        pos = _skip(text, pos + 1)


def _array_end(text: str, start: int) -> int:
    """The position after the JSON array at ``start``."""
    last = _skip(text, start + 1) + 1  # an empty array
    for _, last in _walk(text, start):  # noqa: B007 - the last item carries the end
        pass
    return last


def batch_rows(body: str) -> tuple[Iterator[list[Any]], Iterator[tuple[Any, Any, Any]]]:
    """The node rows and relationships of a bulk load's change-log row, decoded as they are
    read: a million-CI load is not held in memory as Python objects.

    >>> nodes, edges = batch_rows('{"batch":["t","ann"],"nodes":[["a","service",null,"A","",'
    ...                           '"{}",null]],"edges":[["a"],["b"],["depends_on"]]}')
    >>> list(nodes), list(edges)
    ([['a', 'service', None, 'A', '', '{}', None]], [('a', 'b', 'depends_on')])
    """
    starts: dict[str, int] = {}
    columns: list[int] = []
    pos = _skip(body, 0)
    if body[pos] != "{":
        raise ValueError("not a JSON object")
    pos = _skip(body, pos + 1)
    while body[pos] != "}":
        name, pos = _DECODE(body, pos)
        pos = _skip(body, pos)
        if body[pos] != ":":
            raise ValueError(f"expected ':' at {pos}")
        pos = _skip(body, pos + 1)
        starts[name] = pos
        if name == "edges":  # [sources, targets, types]: skipped without decoding them whole
            inner = _skip(body, pos + 1)
            for _ in range(3):
                columns.append(inner)
                inner = _skip(body, _array_end(body, inner))
                inner = _skip(body, inner + 1) if body[inner] == "," else inner
            if body[inner] != "]":
                raise ValueError(f"expected ']' at {inner}")
            pos = inner + 1
        elif body[pos] == "[":
            pos = _array_end(body, pos)
        else:
            pos = _DECODE(body, pos)[1]
        pos = _skip(body, pos)
        if body[pos] == ",":
            pos = _skip(body, pos + 1)
    if "nodes" not in starts or len(columns) != 3:
        raise ValueError("not a bulk load")
    sources, targets, types = (_items(body, at) for at in columns)
    return _items(body, starts["nodes"]), zip(sources, targets, types, strict=True)


# -- the baseline of an upgraded store ---------------------------------------------------------


def record_baseline(db: Connection, cur: Any) -> None:
    """Schema 5 -> 6: audit entries get ``state`` and ``mac``; the rows stored now are
    recorded once, as the baseline the checks start from (the trail before recorded no rows).
    """
    cur.execute("ALTER TABLE audit ADD COLUMN state TEXT")
    cur.execute("ALTER TABLE audit ADD COLUMN mac TEXT")
    for statement in BASELINE_TABLES:
        cur.execute(statement)
    running = hashlib.sha256()
    lines: list[tuple[int, str, str, str]] = []
    n = 0
    for table, (columns, keys) in STATE_COLUMNS.items():
        for row in db.stream(f"SELECT {', '.join(columns)} FROM {table}"):
            n += 1
            line = (n, table, ENCODE(list(row[:keys])), row_digest(table, row))
            running.update(ENCODE(line).encode() + b"\n")
            lines.append(line)
            if len(lines) == 10_000:
                db.bulk(cur, "audit_baseline", ("n", "tbl", "item", "digest"), lines)
                lines = []
    db.bulk(cur, "audit_baseline", ("n", "tbl", "item", "digest"), lines)
    if not n:
        return
    audit = AuditEntries("fitsm")
    index = audit.add(
        datetime.now(UTC), "fitsm", "store", "audit", "baseline", {"rows": n, "schema": 6}
    )
    audit.states[index] = {"baseline": [n, running.hexdigest()]}
    append(db, cur, audit)
