"""Cases in an SQL store: their documents, and an index row each for the read side.

The document (``aggregates``, kind ``case``) is the case; ``case_index`` holds
the columns queries filter and order on (written in the same transaction as the
document), and ``case_cis`` which CIs each case concerns. "The open incidents of
a service, 50 at a time" is then a range read on an index, whatever the store
holds; only the page's documents are decoded.
"""

from __future__ import annotations

from typing import Any

from fitsm.cases.base import Case, HistoryEntry
from fitsm.cases.query import CaseQuery, is_open
from fitsm.roles import CASE_ROLES, Role, RoleModel
from fitsm.storage import codec
from fitsm.storage._cases import checked_paging, checked_write, page
from fitsm.storage.sql.audit import AuditEntries
from fitsm.storage.sql.connection import Connection
from fitsm.storage.sql.documents import SqlRepository, Tracked
from fitsm.time.intervals import micros

__all__ = [
    "CASE_TABLES",
    "SqlCaseRepository",
    "case_roles_to_cases",
    "index_cases",
    "index_stored_cases",
]

CASE_TABLES = [
    "CREATE TABLE case_index (id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, "
    "open INTEGER NOT NULL, service TEXT, owner TEXT, assignee TEXT, priority TEXT, "
    "registered_us BIGINT NOT NULL)",
    "CREATE INDEX case_by_kind ON case_index (kind, open, registered_us, id)",
    "CREATE INDEX case_by_service ON case_index (service, open, registered_us, id)",
    "CREATE INDEX case_by_owner ON case_index (owner, open, registered_us, id)",
    "CREATE INDEX case_by_assignee ON case_index (assignee, open, registered_us, id)",
    "CREATE INDEX case_by_open ON case_index (open, registered_us, id)",
    "CREATE TABLE case_cis (case_id TEXT NOT NULL, ci TEXT NOT NULL, PRIMARY KEY (ci, case_id))",
]
"""The read side of cases (schema 3)."""

_INDEX_COLUMNS = (
    "id",
    "kind",
    "status",
    "open",
    "service",
    "owner",
    "assignee",
    "priority",
    "registered_us",
)


def _index_row(case: Case) -> tuple[Any, ...]:
    return (
        case.id,
        case.kind,
        str(case.status),
        int(is_open(case)),
        case.service,
        case.owner,
        getattr(case, "assignee", None),
        getattr(case, "priority", None),
        micros(case.registered_at),
    )


def index_cases(
    db: Connection,
    cur: Any,
    cases: list[Case],
    *,
    replace: bool,
    audit: AuditEntries | None = None,
    entries: dict[str, int] | None = None,
    added: frozenset[str] = frozenset(),
) -> None:
    """Write the index rows of ``cases`` (replacing their old rows if ``replace``); with
    ``audit``, record each row written or removed with the case's entry in ``entries``
    (the cases ``added`` had none)."""
    if not cases:
        return
    if replace:
        select = db.sql(f"SELECT {', '.join(_INDEX_COLUMNS)} FROM case_index WHERE id = ?")
        for case in cases:
            if audit is not None and entries is not None and case.id in added:
                _record(audit, entries[case.id], case, None, set())
            elif audit is not None and entries is not None:
                cur.execute(select, (case.id,))
                old = cur.fetchone()
                cur.execute(
                    db.sql("SELECT case_id, ci FROM case_cis WHERE case_id = ?"), (case.id,)
                )
                _record(audit, entries[case.id], case, old, {ci for _, ci in cur.fetchall()})
            cur.execute(db.sql("DELETE FROM case_index WHERE id = ?"), (case.id,))
            cur.execute(db.sql("DELETE FROM case_cis WHERE case_id = ?"), (case.id,))
    elif audit is not None and entries is not None:
        for case in cases:
            _record(audit, entries[case.id], case, None, set())
    db.bulk(cur, "case_index", _INDEX_COLUMNS, [_index_row(c) for c in cases])
    db.bulk(cur, "case_cis", ("case_id", "ci"), [(c.id, ci) for c in cases for ci in set(c.cis)])


def _record(
    audit: AuditEntries, index: int, case: Case, old: tuple[Any, ...] | None, cis: set[str]
) -> None:
    """The audit entry ``index`` records the case's index row and CI rows it writes."""
    audit.changed(index, "case_index", old, _index_row(case))
    now = set(case.cis)
    for ci in sorted(cis ^ now):
        row = (case.id, ci)
        audit.changed(index, "case_cis", row if ci in cis else None, row if ci in now else None)


def _where(query: CaseQuery) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column in ("kind", "status", "priority"):
        values = getattr(query, column)
        if values is not None:
            clauses.append(f"i.{column} IN ({', '.join('?' * len(values))})")
            params += sorted(values)
    for column in ("service", "owner", "assignee"):
        value = getattr(query, column)
        if value is not None:
            clauses.append(f"i.{column} = ?")
            params.append(value)
    if query.open is not None:
        clauses.append("i.open = ?")
        params.append(int(query.open))
    if query.ci is not None:
        clauses.append("i.id IN (SELECT case_id FROM case_cis WHERE ci = ?)")
        params.append(query.ci)
    if query.opened_from is not None:
        clauses.append("i.registered_us >= ?")
        params.append(micros(query.opened_from))
    if query.opened_to is not None:
        clauses.append("i.registered_us < ?")
        params.append(micros(query.opened_to))
    return clauses, params


class SqlCaseRepository:
    """Cases of an SQL store: documents plus the index the queries read."""

    def __init__(self, db: Connection) -> None:
        self._db = db
        self.documents: SqlRepository[Case] = SqlRepository(
            db, "case", "case", lambda c: len(c.history)
        )
        self._loaded: dict[str, tuple[tuple[HistoryEntry, ...], str]] = {}
        """The history and status of each case handed out, as stored: what a write must keep,
        and how to tell a case only read from one changed."""

    def add(self, case: Case) -> None:
        self.documents.add(case)
        self._loaded[case.id] = ((), "")

    def get(self, id: str = "default") -> Case:
        case = self.documents.get(id)
        self._loaded.setdefault(id, (case.history, str(case.status)))
        return case

    def ids(self) -> list[str]:
        return self.documents.ids()

    def require_unchanged(self, id: str = "default") -> None:
        self.documents.require_unchanged(id)

    def find(
        self,
        query: CaseQuery | None = None,
        *,
        limit: int | None = None,
        after: Case | None = None,
        newest_first: bool = False,
    ) -> list[Case]:
        query = checked_paging(query or CaseQuery(), limit, after)
        clauses, params = _where(query)
        op = "<" if newest_first else ">"
        order = "DESC" if newest_first else "ASC"

        def statement(cursor: tuple[int, str] | None) -> tuple[str, list[Any]]:
            where, values = list(clauses), list(params)
            if cursor is not None:
                where.append(f"(i.registered_us {op} ? OR (i.registered_us = ? AND i.id {op} ?))")
                values += [cursor[0], cursor[0], cursor[1]]
            sql = (
                "SELECT i.id, a.version, a.body, i.registered_us FROM case_index i "
                "JOIN aggregates a ON a.kind = 'case' AND a.id = i.id"
                + (" WHERE " + " AND ".join(where) if where else "")
                + f" ORDER BY i.registered_us {order}, i.id {order}"
            )
            if limit is not None:
                sql += " LIMIT ?"
                values.append(limit)
            return sql, values

        def ahead(key: tuple[int, str], mark: tuple[int, str]) -> bool:
            """Whether ``key`` comes after ``mark`` in page order."""
            return key < mark if newest_first else key > mark

        def key_of(case: Case) -> tuple[int, str]:
            return micros(case.registered_at), case.id

        tracked = self.documents.tracked
        start = None if after is None else key_of(after)
        # the cases this unit of work holds are matched as they are in memory (it may have
        # changed them, and others may have committed changes to them since): their stored
        # rows are skipped
        held = sorted(
            (
                t.aggregate
                for t in tracked.values()
                if (start is None or ahead(key_of(t.aggregate), start))
                and query.matches(t.aggregate)
            ),
            key=key_of,
            reverse=newest_first,
        )
        found: dict[str, Case] = {}
        bodies: dict[str, str] = {}
        cursor, passed = start, 0  # passed: held cases that come before the cursor
        while True:
            sql, values = statement(cursor)
            rows = self._db.read(sql, values)
            for id, version, body, registered_us in rows:
                cursor = (registered_us, id)
                if id in tracked:
                    continue
                case: Case = codec.loads(body)
                case.version = version
                found[id] = case
                bodies[id] = body
            if limit is None or len(rows) < limit or cursor is None:
                break
            while passed < len(held) and not ahead(key_of(held[passed]), cursor):
                passed += 1
            # read on only while skipped rows leave the page short of what comes before here
            if len(found) + passed >= limit:
                break
        cases = page(
            [*found.values(), *held],
            query,
            limit=limit,
            after=after,
            newest_first=newest_first,
        )
        for case in cases:
            if case.id in bodies:  # track what is handed out, as get() does
                tracked[case.id] = Tracked(case, case.version, len(case.history), bodies[case.id])
                self._loaded[case.id] = (case.history, str(case.status))
        return cases

    def write(self, cur: Any, audit: AuditEntries) -> None:
        for id, t in self.documents.tracked.items():
            history, status = self._loaded.get(id, ((), ""))
            case = t.aggregate
            if case.history is history and str(case.status) == status:
                continue  # as loaded: a query's cases are not replayed again at commit
            checked_write(case, history)
        self.documents.write(cur, audit)
        written = self.documents.written
        if written:
            tracked = self.documents.tracked
            cases = [tracked[id].aggregate for id in sorted(written)]
            added = frozenset(id for id in written if tracked[id].loaded_at is None)
            index_cases(
                self._db,
                cur,
                cases,
                replace=True,
                audit=audit,
                entries=self.documents.audited,
                added=added,
            )


def index_stored_cases(db: Connection, cur: Any) -> None:
    """Schema 2 -> 3: create the read side and index every stored case."""
    for statement in CASE_TABLES:
        cur.execute(statement)
    cur.execute("SELECT body FROM aggregates WHERE kind = 'case'")
    index_cases(db, cur, [codec.loads(body) for (body,) in cur.fetchall()], replace=False)


def case_roles_to_cases(db: Connection, cur: Any) -> None:
    """Schema 4 -> 5: roles held for one case leave the role models for the case's fields.

    An owner role for a case becomes its ``owner`` (and a major incident coordinator its
    ``coordinator``) unless the case already names one; the assignment is dropped.
    """
    cur.execute("SELECT id, body FROM aggregates WHERE kind = 'roles'")
    for model_id, body in cur.fetchall():
        model: RoleModel = codec.loads(body)
        moved = [a for a in model.assignments if a.role in CASE_ROLES]
        if not moved:
            continue
        for assignment in moved:
            model.revoke(assignment.holder, assignment.role, assignment.context)
            cur.execute(
                db.sql("SELECT body FROM aggregates WHERE kind = 'case' AND id = ?"),
                (assignment.context,),
            )
            found = cur.fetchone()
            if found is None:
                continue  # the role named a case the store does not hold
            case: Case = codec.loads(found[0])
            field = "coordinator" if assignment.role is Role.MAJOR_INCIDENT_COORDINATOR else "owner"
            if not hasattr(case, field) or getattr(case, field):
                continue
            setattr(case, field, assignment.holder)
            cur.execute(
                db.sql(
                    "UPDATE aggregates SET body = ?, version = version + 1 "
                    "WHERE kind = 'case' AND id = ?"
                ),
                (codec.dumps(case), case.id),
            )
            index_cases(db, cur, [case], replace=True)
        cur.execute(
            db.sql(
                "UPDATE aggregates SET body = ?, version = version + 1 "
                "WHERE kind = 'roles' AND id = ?"
            ),
            (codec.dumps(model), model_id),
        )
