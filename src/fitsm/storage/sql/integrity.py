"""What ``verify_audit`` checks: the hash chain, its HMACs and anchor, and the stored rows.

Each audit entry records the rows its commit wrote: for each, the row's digest
before and after (:class:`~fitsm.storage.sql.audit.AuditEntries`); a bulk load
records the change-log row that holds its rows; an upgraded store's rows were
recorded once, as a baseline. Replaying those records gives, per table, the rows
that should be stored.

Rather than hold that per row, the check compares two multisets per table: on
one side the digests the trail says were written, on the other the digests of
the stored rows plus those the trail says were replaced. Each multiset is
folded into the product of ``(r - digest)`` modulo a 255-bit prime, ``r``
drawn at random for this one check: two different multisets of ``n`` digests
give the same product with a probability of at most ``n / 2**254``, and no one
could have prepared rows for an ``r`` not yet drawn. That is one pass over the
trail and one over each table, in any order and in constant memory. Only a
table whose products differ is replayed row by row to name the rows that
differ, which costs memory in proportion to that table, and happens only when
something is wrong.

Utilisation samples are too many to record one by one: each appended batch's
rows carry its number, and its entry records the batch's series, unit, number of
samples and their SHA-256, which one ordered pass over the table recomputes.
"""

from __future__ import annotations

import hashlib
import json
import json.scanner
import secrets
import struct
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from fitsm.storage.sql.audit import (
    DOCUMENT_COLUMNS,
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

__all__ = ["BASELINE_TABLES", "record_baseline", "record_utilisation_baseline", "verify"]

BASELINE_TABLES = [
    "CREATE TABLE audit_baseline (n BIGINT PRIMARY KEY, tbl TEXT NOT NULL, item TEXT NOT NULL, "
    "digest TEXT NOT NULL)",
]
"""The rows of a store as they were when it was upgraded to schema 6."""

_PRIME = (1 << 255) - 19
_SCAN: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(
    json.JSONDecoder()  # type: ignore[arg-type]  # typeshed names the class, not its argument
)
_SPACE = " \t\n\r"
_BATCH_TABLES = frozenset({"cmdb_nodes", "cmdb_edges"})

_SAMPLES = (
    "SELECT s.subject, s.metric, s.unit, u.batch, u.at_us, u.value FROM utilisation u "
    "LEFT JOIN utilisation_series s ON s.id = u.series ORDER BY u.series, u.at_us"
)
"""Every utilisation sample with its series, in the order batches are hashed in."""
_PACK = struct.Struct("<qd").pack
"""One sample as :func:`~fitsm.storage.sql.utilisation_rows.samples_digest` hashes it."""

_Event = tuple[str, tuple[Any, ...], bytes | None, bytes | None]
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
        self.r = secrets.randbelow(_PRIME)
        self.written = dict.fromkeys(STATE_COLUMNS, 1)
        """Per table, the product over the digests the trail says were written."""
        self.held = dict.fromkeys(STATE_COLUMNS, 1)
        """Per table, the product over the stored rows' digests and those the trail says
        were replaced: equal to ``written`` when the rows are what the trail says."""
        self.mismatches: list[StateMismatch] = []
        self.count = 0
        self.batches: dict[int, tuple[int, str, str, str, int, str]] = {}
        """Utilisation batches the trail records: number -> (entry, subject, metric, unit,
        samples, SHA-256)."""
        self.samples_baseline: tuple[int, int, str] | None = None
        """The samples stored before schema 8: (entry, how many, SHA-256)."""

    # -- the report ---------------------------------------------------------------------

    def run(self, anchor: tuple[int, str] | None) -> AuditReport:
        entries, broken, reason, signed = self._chain(anchor)
        rows = 0
        for table in STATE_COLUMNS:
            rows += self._hold_stored(table)
            if self.written[table] != self.held[table]:
                self._diagnose(table)
        rows += self._samples()
        if broken is None and self.count:
            reason = (
                f"{self.count} stored row{'s differ' if self.count > 1 else ' differs'} from "
                "what the audit trail says"
            )
            if self.mismatches:
                reason += f"; the first: {self.mismatches[0]}"
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

    # -- the chain ------------------------------------------------------------------------

    def _chain(self, anchor: tuple[int, str] | None) -> tuple[int, int | None, str, bool]:
        """Walk the trail once: hashes, HMACs, the anchor; fold in the rows it records."""
        broken: int | None = None
        reason = ""
        prev = GENESIS
        count = 0
        signed_from: int | None = None
        anchored = anchor is None or anchor == (0, GENESIS)
        written, held, r, number = self.written, self.held, self.r, int.from_bytes
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
            if state is None:
                continue
            try:
                recorded = json.loads(state)
                self._batch_of(seq, recorded)
                for table, _, before, after in self._events(seq, recorded, None):
                    if before is not None:
                        held[table] = held[table] * (r - number(before, "big")) % _PRIME
                    if after is not None:
                        written[table] = written[table] * (r - number(after, "big")) % _PRIME
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

    def _batch_of(self, seq: int, state: dict[str, Any]) -> None:
        """Note the utilisation batch (or the samples' baseline) entry ``seq`` records."""
        batch = state.get("utilisation")
        if batch is not None:
            subject, metric, unit, number, samples, digest = batch
            self.batches[int(number)] = (seq, str(subject), str(metric), str(unit),
                                         int(samples), str(digest))  # fmt: skip
        baseline = state.get("utilisation_baseline")
        if baseline is not None:
            self.samples_baseline = (seq, int(baseline[0]), str(baseline[1]))

    def _events(
        self, seq: int, state: dict[str, Any], only: str | None, *, check: bool = True
    ) -> Iterator[_Event]:
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
    ) -> Iterator[_Event]:
        """The node and relationship rows of a bulk load, read from its change-log row."""
        found = self.reader.read(
            "SELECT body FROM cmdb_log WHERE cmdb = ? AND seq = ?", (cmdb, log_seq)
        )
        if not found:
            return  # the change-log check names the missing row
        skipped: set[tuple[str, tuple[str, ...]]] = {
            ("cmdb_nodes", (cmdb, id)) for id in skipped_nodes
        }
        skipped |= {("cmdb_edges", (cmdb, s, t)) for s, t in skipped_edges}
        sha256 = hashlib.sha256
        try:
            for table, key, text in batch_rows(cmdb, found[0][0]):
                if (only is None or table == only) and (not skipped or (table, key) not in skipped):
                    yield table, key, None, sha256(text.encode()).digest()
        except (ValueError, IndexError):
            return  # a log row changed: the change-log check names it

    def _baseline(
        self, seq: int, rows: int, sha: str, only: str | None, check: bool
    ) -> Iterator[_Event]:
        """The rows of a store as it was upgraded to schema 6, checked against the entry."""
        running = hashlib.sha256()
        n = 0
        lines = self.reader.stream("SELECT n, tbl, item, digest FROM audit_baseline ORDER BY n")
        for line in lines:
            n += 1
            running.update(ENCODE(line).encode() + b"\n")
            table = line[1]
            if table in STATE_COLUMNS and (only is None or table == only):
                yield table, tuple(json.loads(line[2])), None, _raw(line[3])
        if check and (n != rows or running.hexdigest() != sha):
            self._mismatch("audit_baseline", (), sha, running.hexdigest(), seq, "baseline altered")

    # -- the stored rows ----------------------------------------------------------------------

    def _select(self, table: str) -> str:
        return f"SELECT {', '.join(STATE_COLUMNS[table][0])} FROM {table}"

    def _stored(self, table: str) -> Iterator[tuple[tuple[Any, ...], bytes]]:
        """Each stored row of ``table``: its key and digest."""
        keys = STATE_COLUMNS[table][1]
        for row in self.reader.stream(self._select(table)):
            yield row[:keys], _row_digest(table, row)

    def _hold_stored(self, table: str) -> int:
        """Fold every stored row of ``table`` into ``held``; how many there are."""
        product, r, n = self.held[table], self.r, 0
        sha256, encode, number = hashlib.sha256, ENCODE, int.from_bytes
        if table in DOCUMENT_COLUMNS:
            for row in self.reader.stream(self._select(table)):
                product = product * (r - number(_row_digest(table, row), "big")) % _PRIME
                n += 1
        else:  # the big tables: the same, inline
            for row in self.reader.stream(self._select(table)):
                digest = sha256(encode(row).encode()).digest()
                product = product * (r - number(digest, "big")) % _PRIME
                n += 1
        self.held[table] = product
        return n

    def _samples(self) -> int:
        """Hash the stored samples batch by batch, in one ordered pass, and name each batch
        that differs from its entry: ``changed``, ``missing`` or ``unexpected``."""
        found: dict[int, list[Any]] = {}  # number -> [hasher, samples, series or None]
        baseline, before = hashlib.sha256(), 0
        n = 0
        sampled: set[tuple[str, str]] = set()
        for subject, metric, unit, batch, at_us, value in self.reader.stream(_SAMPLES):
            n += 1
            sampled.add((subject, metric))
            if batch is None:
                baseline.update(ENCODE([subject, metric, unit, at_us, value]).encode() + b"\n")
                before += 1
                continue
            held = found.get(batch)
            if held is None:
                held = found[batch] = [hashlib.sha256(), 0, (subject, metric, unit)]
            elif held[2] != (subject, metric, unit):
                held[2] = None  # one batch's samples in several series
            held[0].update(_PACK(at_us, value + 0.0))  # -0.0 as 0.0, as the batch was hashed
            held[1] += 1
        for number, (seq, subject, metric, unit, samples, digest) in sorted(self.batches.items()):
            key = (subject, metric, number)
            held = found.pop(number, None)
            if held is None:
                self._mismatch("utilisation", key, digest, None, seq, "missing")
            elif (held[1], held[0].hexdigest(), held[2]) != (
                samples,
                digest,
                (subject, metric, unit),
            ):
                self._mismatch("utilisation", key, digest, held[0].hexdigest(), seq, "changed")
        for number, held in sorted(found.items()):
            series = held[2] or (None, None)
            self._mismatch("utilisation", (series[0], series[1], number), None,
                           held[0].hexdigest(), None, "unexpected")  # fmt: skip
        if self.samples_baseline is not None:
            seq, samples, digest = self.samples_baseline
            if (before, baseline.hexdigest()) != (samples, digest):
                self._mismatch("utilisation", (), digest, baseline.hexdigest(), seq, "changed")
        elif before:
            self._mismatch("utilisation", (), None, baseline.hexdigest(), None, "unexpected")
        # a series is made with its first batch: one with neither samples nor a recorded
        # batch was put there by hand (it would fix the unit of samples yet to come)
        recorded = {(b[1], b[2]) for b in self.batches.values()}
        for subject, metric in self.reader.stream("SELECT subject, metric FROM utilisation_series"):
            if (subject, metric) not in sampled and (subject, metric) not in recorded:
                self._mismatch("utilisation_series", (subject, metric), None, None, None,
                               "unexpected")  # fmt: skip
        return n

    def _diagnose(self, table: str) -> None:
        """Replay ``table``'s records row by row and name each row that differs."""
        before_count = self.count
        model: dict[tuple[Any, ...], tuple[bytes, int]] = {}
        for seq, state in self.reader.stream(
            "SELECT seq, state FROM audit WHERE state IS NOT NULL ORDER BY seq"
        ):
            try:
                for _, key, before, after in self._events(
                    seq, json.loads(state), table, check=False
                ):
                    current = model.get(key)
                    was = None if current is None else current[0]
                    if was != before:
                        self._mismatch(table, key, was, before, seq, f"changed before entry {seq}")
                    if after is None:
                        model.pop(key, None)
                    else:
                        model[key] = (after, seq)
            except (ValueError, TypeError, KeyError, IndexError):
                continue  # the chain check names the entry
        for key, digest in self._stored(table):
            kept = model.pop(key, None)
            if kept is None:
                self._mismatch(table, key, None, digest, None, "unexpected")
            elif kept[0] != digest:
                self._mismatch(table, key, kept[0], digest, kept[1], "changed")
        for key, (digest, seq) in model.items():
            self._mismatch(table, key, digest, None, seq, "missing")
        if self.count == before_count:  # pragma: no cover - only if the products collided
            self._mismatch(table, (), None, None, None, "the rows do not add up")


def _row_digest(table: str, row: tuple[Any, ...]) -> bytes:
    """:func:`~fitsm.storage.sql.audit.row_digest`, raw."""
    if table in DOCUMENT_COLUMNS:
        return bytes.fromhex(row_digest(table, row))
    return hashlib.sha256(ENCODE(row).encode()).digest()


def _raw(digest: str | None) -> bytes | None:
    return None if digest is None else bytes.fromhex(digest)


def _hex(digest: bytes | str | None) -> str | None:
    return digest.hex() if isinstance(digest, bytes) else digest


# -- the rows of a bulk load, one at a time ------------------------------------------------------


def _scan(text: str, pos: int) -> tuple[Any, int]:
    """The JSON value at ``pos`` and the position after it."""
    try:
        found: tuple[Any, int] = _SCAN(text, pos)
    except StopIteration:
        raise ValueError(f"no JSON value at {pos}") from None
    return found


def _space(text: str, pos: int) -> int:
    while text[pos] in _SPACE:
        pos += 1
    return pos


def _expect(text: str, pos: int, char: str) -> int:
    """The position after ``char``, which must be at ``pos``, and any space."""
    if text[pos] != char:
        raise ValueError(f"expected {char!r} at {pos}")
    return _space(text, pos + 1)


def _values(text: str, start: int) -> Iterator[tuple[Any, int, int]]:
    """Each item of the JSON array at ``start`` as decoded, with where its text starts and
    ends; an array of a million items is never decoded whole."""
    pos = _expect(text, start, "[")
    if text[pos] == "]":
        return
    scan = _SCAN
    while True:
        try:
            value, end = scan(text, pos)
        except StopIteration:
            raise ValueError(f"no JSON value at {pos}") from None
        yield value, pos, end
        after = text[end]
        if after == ",":  # compact JSON, as the store writes it
            pos = end + 1
            if text[pos] in _SPACE:
                pos = _space(text, pos)
        elif after == "]":
            return
        else:
            pos = _space(text, end)
            if text[pos] == "]":
                return
            pos = _expect(text, pos, ",")


def _after(text: str, start: int) -> int:
    """The position after the JSON array at ``start``."""
    end = _expect(text, start, "[")
    for _, _, end in _values(text, start):  # noqa: B007 - the last item tells where it ends
        pass
    return _close(text, end)


def _close(text: str, pos: int) -> int:
    """The position after the ``]`` that must follow ``pos``."""
    pos = _space(text, pos)
    if text[pos] != "]":
        raise ValueError(f"expected ']' at {pos}")
    return pos + 1


def batch_rows(cmdb: str, body: str) -> Iterator[tuple[str, tuple[Any, ...], str]]:
    """Each node and relationship row of a bulk load's change-log row ``body``: its table,
    its key, and its JSON (what :func:`~fitsm.storage.sql.audit.row_digest` hashes), read
    one at a time; a million-CI load is never held as Python objects.

    The row's JSON is cut from the body's own text, which the store wrote in the same
    compact JSON (and which the change-log check holds to its digest).

    >>> body = ('{"batch":["t","ann"],"nodes":[["a","service",null,"A","","{}",null]],'
    ...         '"edges":[["a"],["b"],["depends_on"]]}')
    >>> for row in batch_rows("m", body):
    ...     print(row)
    ('cmdb_nodes', ('m', 'a'), '["m","a","service",null,"A","","{}",null]')
    ('cmdb_edges', ('m', 'a', 'b'), '["m","a","b","depends_on"]')
    """
    prefix = "[" + ENCODE(cmdb) + ","
    pos = _expect(body, _space(body, 0), "{")
    while body[pos] != "}":
        name, pos = _scan(body, pos)
        pos = _expect(body, _space(body, pos), ":")
        if name == "nodes":
            end = _expect(body, pos, "[")
            for row, start, end in _values(body, pos):
                if not isinstance(row, list) or not row or body[start] != "[":
                    raise ValueError(f"not a node row at {start}")
                yield "cmdb_nodes", (cmdb, row[0]), prefix + body[start + 1 : end]
            pos = _close(body, end)
        elif name == "edges":  # [sources, targets, types], read side by side
            starts = [_expect(body, pos, "[")]
            for _ in range(2):  # the next column starts after this one
                starts.append(_expect(body, _space(body, _after(body, starts[-1])), ","))
            end = _expect(body, starts[2], "[")
            sources, targets, types = (_values(body, at) for at in starts)
            for (s, s0, s1), (t, t0, t1), (_, k0, end) in zip(sources, targets, types, strict=True):
                yield (
                    "cmdb_edges",
                    (cmdb, s, t),
                    f"{prefix}{body[s0:s1]},{body[t0:t1]},{body[k0:end]}]",
                )
            pos = _close(body, _close(body, end))
        else:
            pos = _scan(body, pos)[1]
        pos = _space(body, pos)
        if body[pos] == ",":
            pos = _space(body, pos + 1)


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


def record_utilisation_baseline(db: Connection, cur: Any) -> None:
    """Record the utilisation samples stored now, whose entries recorded no rows, in one
    baseline entry: how many, and the SHA-256 of them in the order ``verify`` reads them."""
    running = hashlib.sha256()
    n = 0
    for row in db.stream(_SAMPLES):
        subject, metric, unit, _, at_us, value = row
        running.update(ENCODE([subject, metric, unit, at_us, value]).encode() + b"\n")
        n += 1
    if not n:
        return
    audit = AuditEntries("fitsm")
    index = audit.add(
        datetime.now(UTC), "fitsm", "store", "utilisation", "baseline", {"samples": n, "schema": 8}
    )
    audit.states[index] = {"utilisation_baseline": [n, running.hexdigest()]}
    append(db, cur, audit)
