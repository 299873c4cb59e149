"""The SQL store and its unit of work: SQLite and PostgreSQL behind the same ports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fitsm.availability.continuity_register import ContinuityRegister
from fitsm.capacity.register import CapacityRegister
from fitsm.cmdb.database import Cmdb
from fitsm.customers.register import CustomerRegister
from fitsm.errors import ValidationError
from fitsm.finance.register import FinanceRegister
from fitsm.portfolio.products import ProductRegister
from fitsm.portfolio.services import ServicePortfolio
from fitsm.reporting.register import ReportRegister
from fitsm.reviews.schedules import ReviewSchedules
from fitsm.risks.register import RiskRegister
from fitsm.roles import RoleModel
from fitsm.security.register import SecurityRegister
from fitsm.storage._scope import RollsBackOnExit
from fitsm.storage._scope import checked_actor as _actor
from fitsm.storage.events import (
    NewEvent,
    StoredEvent,
    case_events,
    cmdb_events,
    outage_events,
    published,
)
from fitsm.storage.sql import audit, integrity
from fitsm.storage.sql.audit import AuditEntries, AuditKey, AuditReport, append
from fitsm.storage.sql.case_rows import SqlCaseRepository
from fitsm.storage.sql.cmdb_rows import SqlCmdbRepository
from fitsm.storage.sql.connection import Connection, Dialect
from fitsm.storage.sql.documents import (
    SqlAgreementsRepository,
    SqlMergingRepository,
    SqlRepository,
)
from fitsm.storage.sql.outage_rows import SqlOutageRepository
from fitsm.storage.sql.outbox import acknowledge, append_events, consumer_position, read_events
from fitsm.storage.sql.schema import prepare
from fitsm.storage.sql.utilisation_rows import SqlUtilisationRepository
from fitsm.suppliers.register import SupplierRegister

__all__ = ["SqlStore", "SqlUnitOfWork"]


class SqlStore:
    """A store in an SQL database; opened with :func:`fitsm.storage.open_store`."""

    def __init__(
        self,
        url: str,
        connection: Any,
        dialect: Dialect,
        after_open: Callable[[Any], None] | None = None,
        reconnect: Callable[[], Any] | None = None,
        audit_key: AuditKey | None = None,
    ) -> None:
        self.url = url
        self._audit_key = audit_key
        self.dialect = dialect
        self.connection = Connection(url, connection, dialect, reconnect)
        self.cmdb_cache: dict[str, tuple[Cmdb, int]] = {}
        self.decoded: dict[tuple[str, str], tuple[str, Any]] = {}
        """Small documents decoded last (role models, agreements, portfolios), by body."""
        """CMDBs units of work handed back, caught up from the log when loaded again."""
        prepare(self.connection)
        if after_open is not None:
            after_open(connection)

    # -- the Store protocol -------------------------------------------------------

    def unit_of_work(self, actor: str | None = None) -> SqlUnitOfWork:
        """A unit of work; ``actor`` names who acts, for the audit trail."""
        self.connection.check_open()
        return SqlUnitOfWork(self, _actor(actor))

    def close(self) -> None:
        self.connection.close()

    def __repr__(self) -> str:
        return f"<SqlStore {self.url!r}>"

    # -- audit ----------------------------------------------------------------------

    def audit_entries(self) -> list[dict[str, Any]]:
        """Every audit entry, oldest first: seq, at, actor, kind, subject, action, detail."""
        return audit.entries(self.connection)

    # -- the outbox -------------------------------------------------------------------

    def events(self, after: int = 0, limit: int = 100) -> list[StoredEvent]:
        """The events after position ``after``, in commit order."""
        return read_events(self.connection, after, limit)

    def pending_events(self, consumer: str, limit: int = 100) -> list[StoredEvent]:
        """The events ``consumer`` has not acknowledged yet, in commit order."""
        return read_events(self.connection, consumer_position(self.connection, consumer), limit)

    def acknowledge(self, consumer: str, position: int) -> None:
        """``consumer`` has handled every event up to ``position``."""
        acknowledge(self.connection, consumer, position)

    def verify_audit(
        self, anchor: tuple[int, str] | None = None, *, limit: int | None = 1000
    ) -> AuditReport:
        """Check the audit trail, and every stored row against it, in one snapshot.

        The chain: an entry edited, removed or inserted, the newest entries removed,
        the head row gone (``first_broken``, ``reason``); with the store's audit key,
        every entry's HMAC (``authenticated``); with ``anchor`` (an earlier
        :meth:`audit_anchor`), that the anchored entry is still there. The rows:
        CMDB nodes, relationships, change log and schema, documents (portfolios,
        agreements, role models, case bodies), the case index and outages must be
        what the entries say they left (``mismatches``, at most ``limit`` of them,
        and ``mismatch_count``). ``ok`` when all of it holds.

        What it cannot find by itself: a chain and rows rewritten consistently by
        someone with write access to the database. The audit key (which the
        writer would not have) or an anchor kept outside the store find that.
        """
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise ValidationError(f"limit must be None or a count >= 0, got {limit!r}")
        return integrity.verify(self.connection, anchor, self._audit_key, limit)

    def audit_anchor(self) -> tuple[int, str]:
        """The newest audit entry's ``(seq, hash)``, to keep outside the store."""
        return audit.head(self.connection)


class SqlUnitOfWork(RollsBackOnExit):
    """A unit of work on an SQL store: one transaction on commit, all or nothing."""

    def __init__(self, store: SqlStore, actor: str | None = None) -> None:
        self.store = store
        self.actor = actor
        self._published: list[NewEvent] = []
        db = store.connection
        self.portfolios: SqlRepository[ServicePortfolio] = SqlRepository(
            db, "portfolio", "service portfolio", lambda p: 0, store.decoded
        )
        self.agreements = SqlAgreementsRepository(db, store.decoded)
        self.roles: SqlRepository[RoleModel] = SqlRepository(
            db, "roles", "role model", lambda r: 0, store.decoded
        )
        self.reviews: SqlMergingRepository[ReviewSchedules] = SqlMergingRepository(
            db, "reviews", "set of review schedules", lambda r: 0, store.decoded
        )
        self.risks: SqlMergingRepository[RiskRegister] = SqlMergingRepository(
            db, "risks", "risk register", lambda r: 0, store.decoded
        )
        self.continuity: SqlMergingRepository[ContinuityRegister] = SqlMergingRepository(
            db, "continuity", "continuity register", lambda r: 0, store.decoded
        )
        self.security: SqlMergingRepository[SecurityRegister] = SqlMergingRepository(
            db, "security", "security register", lambda r: 0, store.decoded
        )
        self.customers: SqlMergingRepository[CustomerRegister] = SqlMergingRepository(
            db, "customers", "customer register", lambda r: 0, store.decoded
        )
        self.reports: SqlMergingRepository[ReportRegister] = SqlMergingRepository(
            db, "reports", "report register", lambda r: 0, store.decoded
        )
        self.products: SqlMergingRepository[ProductRegister] = SqlMergingRepository(
            db, "products", "product register", lambda r: 0, store.decoded
        )
        self.suppliers: SqlMergingRepository[SupplierRegister] = SqlMergingRepository(
            db, "suppliers", "supplier register", lambda r: 0, store.decoded
        )
        self.capacity: SqlMergingRepository[CapacityRegister] = SqlMergingRepository(
            db, "capacity", "capacity register", lambda r: 0, store.decoded
        )
        self.finance: SqlMergingRepository[FinanceRegister] = SqlMergingRepository(
            db, "finance", "finance register", lambda r: 0, store.decoded
        )
        self.cases = SqlCaseRepository(db)
        self.outages = SqlOutageRepository(db)
        self.utilisation = SqlUtilisationRepository(db)
        self.cmdbs = SqlCmdbRepository(db, store.cmdb_cache)
        self._documents = (
            self.portfolios,
            self.agreements,
            self.roles,
            self.reviews,
            self.risks,
            self.continuity,
            self.security,
            self.customers,
            self.reports,
            self.products,
            self.suppliers,
            self.capacity,
            self.finance,
            self.cases.documents,
        )

    def commit(self) -> None:
        db = self.store.connection
        audit = AuditEntries(self.actor, self.store._audit_key)

        def work(cur: Any) -> None:
            for repo in (
                self.portfolios,
                self.agreements,
                self.roles,
                self.reviews,
                self.risks,
                self.continuity,
                self.security,
                self.customers,
                self.reports,
                self.products,
                self.suppliers,
                self.capacity,
                self.finance,
            ):
                repo.write(cur, audit)
            self.cases.write(cur, audit)
            self.cmdbs.write(cur, audit)
            happened = self._events()  # before outages settle their pending changes
            self.outages.write(cur, audit)
            self.utilisation.write(cur, audit)
            append(db, cur, audit)
            append_events(db, cur, happened)

        try:
            db.write(work)
        except BaseException:
            for repo in self._documents:
                repo.written.clear()
            self.cmdbs.failed()
            raise
        for repo in self._documents:
            repo.settle()
        self.cmdbs.settle()
        self.outages.settle()
        self.utilisation.settle()
        self._published.clear()

    def publish(self, event: Any) -> None:
        """Write ``event`` to the outbox with this unit of work's commit."""
        self._published.append(published(event))

    def _events(self) -> list[NewEvent]:
        """What this commit writes, as outbox events (cases, CMDBs, outages, published)."""
        found: list[NewEvent] = []
        documents = self.cases.documents
        for id in sorted(documents.written):
            t = documents.tracked[id]
            found += case_events(t.aggregate, None if t.loaded_at is None else t.baseline)
        for id in sorted(self.cmdbs.written):
            kept = self.cmdbs.tracked[id]
            found += cmdb_events(id, kept.aggregate.journal[kept.baseline :])
        pending = self.outages.pending
        found += outage_events(pending.new.values(), pending.closed.values())
        return found + self._published

    def rollback(self) -> None:
        self._published.clear()
        for repo in self._documents:
            repo.tracked.clear()
            repo.written.clear()
            repo.read_checked.clear()
        self.cmdbs.release()
        self.outages.pending.clear()
        self.utilisation.pending.clear()
