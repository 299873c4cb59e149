"""The in-memory store: a real adapter, with the same guarantees as the SQL ones.

Aggregates are kept as private copies. A unit of work loads further copies,
so nothing a caller does to a loaded object reaches the store until commit; a
commit checks every version first, then swaps all copies in under one lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Generic, TypeVar

import numpy as np

from fitsm.availability.continuity_register import ContinuityRegister
from fitsm.availability.measurement import Outage, OutageLog
from fitsm.capacity.register import CapacityRegister
from fitsm.capacity.series import UtilisationSeries
from fitsm.cases.base import Case
from fitsm.cases.query import CaseQuery
from fitsm.cmdb.database import Cmdb
from fitsm.customers.register import CustomerRegister
from fitsm.errors import ConflictError, DuplicateError, NotFoundError, StoreError
from fitsm.finance.register import FinanceRegister
from fitsm.portfolio.products import ProductRegister
from fitsm.portfolio.services import ServicePortfolio
from fitsm.reporting.register import ReportRegister
from fitsm.reviews.schedules import ReviewSchedules
from fitsm.risks.register import RiskRegister
from fitsm.roles import RoleModel
from fitsm.security.register import SecurityRegister
from fitsm.service_levels.agreements import Agreements
from fitsm.storage._cases import checked_paging, checked_write, page
from fitsm.storage._outages import PendingOutages, overlaps, period
from fitsm.storage._scope import RollsBackOnExit
from fitsm.storage._scope import checked_actor as _actor
from fitsm.storage._utilisation import PendingSamples, bounds, checked_key, empty, missing
from fitsm.storage.events import (
    NewEvent,
    StoredEvent,
    case_events,
    checked_consumer,
    checked_limit,
    checked_position,
    cmdb_events,
    outage_events,
    published,
    unseen,
)
from fitsm.storage.ports import Aggregate, MergingAggregate
from fitsm.suppliers.register import SupplierRegister

__all__ = [
    "MemoryAgreementsRepository",
    "MemoryCaseRepository",
    "MemoryCmdbRepository",
    "MemoryMergingRepository",
    "MemoryOutageRepository",
    "MemoryRepository",
    "MemoryStore",
    "MemoryUnitOfWork",
    "MemoryUtilisationRepository",
]

A = TypeVar("A", bound=Aggregate)
M = TypeVar("M", bound=MergingAggregate)


class MemoryRepository(Generic[A]):
    """One kind of aggregate within a :class:`MemoryUnitOfWork`."""

    def __init__(self, label: str, committed: dict[str, A]) -> None:
        self._label = label
        self._committed = committed
        self.tracked: dict[str, tuple[A, int | None, A | None]] = {}
        self.read_checked: set[str] = set()
        """Ids whose stored version must still be the loaded one at commit."""
        """id -> (the caller's object, the stored version it was loaded at (None if new),
        the stored object it was copied from: what is only read is neither written nor checked).
        Stored objects are never changed in place, so keeping a reference is enough."""

    def add(self, aggregate: A) -> None:
        if aggregate.id in self.tracked or aggregate.id in self._committed:
            raise DuplicateError(f"a {self._label} with id {aggregate.id!r} is already stored")
        self.tracked[aggregate.id] = (aggregate, None, None)

    def get(self, id: str = "default") -> A:
        if id in self.tracked:
            return self.tracked[id][0]
        try:
            stored = self._committed[id]
        except KeyError:
            raise NotFoundError(f"no {self._label} with id {id!r} in the store") from None
        loaded = stored.copy()
        self.tracked[id] = (loaded, stored.version, stored)
        return loaded

    def _changed(self) -> dict[str, tuple[A, int | None]]:
        return {
            id: (aggregate, loaded_at)
            for id, (aggregate, loaded_at, base) in self.tracked.items()
            if loaded_at is None or base is None or _differs(aggregate, base)
        }

    def ids(self) -> list[str]:
        return sorted(set(self._committed) | set(self.tracked))

    def require_unchanged(self, id: str = "default") -> None:
        self.get(id)
        self.read_checked.add(id)

    def check(self) -> None:
        for id in self.read_checked:
            stored = self._committed.get(id)
            loaded_at = self.tracked[id][1]
            if stored is None or stored.version != loaded_at:
                raise ConflictError(
                    f"{self._label} {id!r} changed since it was read for this decision; "
                    "reload and decide again"
                )
        for id, (_, loaded_at) in self._changed().items():
            stored = self._committed.get(id)
            if loaded_at is None and stored is not None:
                raise ConflictError(
                    f"{self._label} {id!r} was added by someone else since this unit of work began"
                )
            if loaded_at is not None and (stored is None or stored.version != loaded_at):
                base = self.tracked[id][2]
                if stored is not None and base is not None:
                    mine = self.tracked[id][0]
                    self._merge(mine, stored, base)
                    # ours is now on top of what is stored: commit as if loaded at its version,
                    # so the commit writes the version after it, never one someone else holds
                    mine.version = stored.version
                    self.tracked[id] = (mine, stored.version, stored)
                    continue
                raise ConflictError(
                    f"{self._label} {id!r} was removed by someone else since it was loaded at "
                    f"version {loaded_at}; reload and apply the change again"
                )

    def _merge(self, aggregate: A, stored: A, base: A) -> None:
        """Someone else committed ``stored`` since ``base`` was loaded: conflict (the rule for
        aggregates changed as a whole); kinds that merge put ``aggregate``'s changes on top."""
        raise ConflictError(
            f"{self._label} {aggregate.id!r} was changed by someone else: loaded at version "
            f"{base.version}, now at version {stored.version}; reload and apply the change again"
        )

    def write(self) -> None:
        for id, (aggregate, _) in self._changed().items():
            aggregate.version += 1
            stored = aggregate.copy()
            self._committed[id] = stored
            self.tracked[id] = (aggregate, aggregate.version, stored)


class MemoryCmdbRepository(MemoryRepository[Cmdb]):
    """CMDBs of a memory store: writers of different CIs and relationships do not conflict."""

    def _merge(self, aggregate: Cmdb, stored: Cmdb, base: Cmdb) -> None:
        if stored.schema != base.schema or aggregate.schema != base.schema:
            raise ConflictError(
                f"CMDB {aggregate.id!r}: its schema changed while someone else changed it too; "
                "reload and apply the change again"
            )
        since = len(base.journal)
        aggregate.rebase(stored.journal[since:], since)


class MemoryMergingRepository(MemoryRepository[M]):
    """Aggregates whose items are each a unit of change: writers of different items (agreements,
    review schedules, risks) do not conflict."""

    def _merge(self, aggregate: M, stored: M, base: M) -> None:
        aggregate.rebase(stored, base)


class MemoryAgreementsRepository(MemoryMergingRepository[Agreements]):
    """Agreement sets of a memory store: writers of different agreements do not conflict."""


class MemoryCaseRepository(MemoryRepository[Case]):
    """Cases of a memory store, with the read side every store offers."""

    def check(self) -> None:
        for case, _ in self._changed().values():
            base = self.tracked[case.id][2]
            checked_write(case, () if base is None else base.history)
        super().check()

    def find(
        self,
        query: CaseQuery | None = None,
        *,
        limit: int | None = None,
        after: Case | None = None,
        newest_first: bool = False,
    ) -> list[Case]:
        query = checked_paging(query or CaseQuery(), limit, after)
        with_state = {id: entry[0] for id, entry in self.tracked.items()}
        committed = [c for id, c in self._committed.items() if id not in with_state]
        found = page(
            [*committed, *with_state.values()],
            query,
            limit=limit,
            after=after,
            newest_first=newest_first,
        )
        # hand out tracked copies, as get() does
        return [with_state[c.id] if c.id in with_state else self.get(c.id) for c in found]


class MemoryOutageRepository:
    """Outage records of a memory store, indexed by subject."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.pending = PendingOutages()

    def record(self, *outages: Outage) -> list[str]:
        return self.pending.record(outages, self._store._outages.__contains__)

    def get(self, id: str) -> Outage:
        found = self.pending.get(id) or self._store._outages.get(id)
        if found is None:
            raise NotFoundError(f"no outage with id {id!r} in the store")
        return found

    def close(self, id: str, end: datetime) -> Outage:
        return self.pending.close(self.get(id), end)

    def find(
        self, start: datetime, end: datetime, subjects: Iterable[str] | None = None
    ) -> list[Outage]:
        start, end = period(start, end)
        wanted = None if subjects is None else set(subjects)
        store = self._store
        with store._lock:
            if wanted is None:
                candidates = list(store._outages.values())
            else:
                ids = [i for s in wanted for i in store._outages_of.get(s, ())]
                candidates = [store._outages[i] for i in ids]
        found = [o for o in candidates if overlaps(o, start, end)]
        return self.pending.merged(found, start, end, wanted)

    def log(
        self, start: datetime, end: datetime, subjects: Iterable[str] | None = None
    ) -> OutageLog:
        return OutageLog.of(self.find(start, end, subjects), until=end)

    def check(self) -> None:
        committed = self._store._outages
        for id in self.pending.new:
            if id in committed:
                raise ConflictError(f"outage {id!r} was recorded by someone else meanwhile")
        for id in self.pending.closed:
            if committed[id].end is not None:
                raise ConflictError(f"outage {id!r} was ended by someone else meanwhile")

    def write(self) -> None:
        store = self._store
        for outage in self.pending.new.values():
            store._outages[outage.id] = outage
            store._outages_of.setdefault(outage.subject, []).append(outage.id)
        store._outages.update(self.pending.closed)
        self.pending.clear()


class MemoryUtilisationRepository:
    """Utilisation series of a memory store: per subject and metric, two sorted arrays."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.pending = PendingSamples()

    def _committed(self, subject: str, metric: str) -> UtilisationSeries | None:
        with self._store._lock:
            return self._store._utilisation.get((subject, metric))

    def _unit(self, subject: str, metric: str) -> str | None:
        found = self._committed(subject, metric)
        return None if found is None else found.unit

    def _taken(self, subject: str, metric: str, series: UtilisationSeries) -> list[int]:
        found = self._committed(subject, metric)
        if found is None:
            return []
        return [int(t) for t in np.intersect1d(found.times, series.times)]

    def append(self, series: UtilisationSeries) -> int:
        return self.pending.append(series, self._unit, self._taken)

    def read(
        self,
        subject: str,
        metric: str,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> UtilisationSeries:
        subject, metric = checked_key(subject, metric)
        lo, hi = bounds(start, end)
        found = self._committed(subject, metric)
        if found is None:
            unit = self.pending.unit(subject, metric)
            if unit is None:
                raise missing(subject, metric)
            found = empty(subject, metric, unit)
        first, last = np.searchsorted(found.times, [lo, hi])
        within = UtilisationSeries(
            subject, metric, found.unit, found.times[first:last], found.values[first:last]
        )
        return self.pending.merged(within, (lo, hi))

    def series(self) -> list[tuple[str, str, str]]:
        with self._store._lock:
            known = {k: s.unit for k, s in self._store._utilisation.items()}
        known.update(self.pending.units)
        return sorted((s, m, u) for (s, m), u in known.items())

    def check(self) -> None:
        committed = self._store._utilisation
        for key, unit in self.pending.units.items():
            stored = committed.get(key)
            if stored is None:
                continue
            if key in self.pending.new or stored.unit != unit:
                raise ConflictError(
                    f"utilisation series {key[0]}/{key[1]} was started by someone else "
                    "meanwhile; reload and append again"
                )
            for batch in self.pending.batches[key]:
                if np.intersect1d(stored.times, batch.times).size:
                    raise ConflictError(
                        f"utilisation series {key[0]}/{key[1]}: someone else recorded samples "
                        "at the same instants meanwhile; nothing was written"
                    )

    def write(self) -> None:
        committed = self._store._utilisation
        for key, batches in self.pending.batches.items():
            unit = self.pending.units[key]
            found = committed.get(key) or empty(key[0], key[1], unit)
            times = np.concatenate([found.times, *(b.times for b in batches)])
            values = np.concatenate([found.values, *(b.values for b in batches)])
            if times.size > 1 and not bool(np.all(times[1:] > times[:-1])):
                # only a batch that goes back in time needs sorting: most append at the end
                order = np.argsort(times, kind="stable")
                times, values = times[order], values[order]
            committed[key] = UtilisationSeries(key[0], key[1], unit, times, values)
        self.pending.clear()


def _differs(aggregate: Any, base: Any) -> bool:
    if isinstance(aggregate, Cmdb):
        # every change to a CMDB is logged: comparing log lengths is enough, and cheap
        return len(aggregate.journal) != len(base.journal) or aggregate.schema != base.schema
    return bool(aggregate != base)


class MemoryUnitOfWork(RollsBackOnExit):
    """A unit of work on a memory store: copies in, all written back on commit or nothing."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.actor: str | None = None
        self._published: list[NewEvent] = []
        self.portfolios: MemoryRepository[ServicePortfolio] = MemoryRepository(
            "service portfolio", store._portfolios
        )
        self.cmdbs = MemoryCmdbRepository("CMDB", store._cmdbs)
        self.agreements = MemoryAgreementsRepository("agreement set", store._agreements)
        self.roles: MemoryRepository[RoleModel] = MemoryRepository("role model", store._roles)
        self.reviews: MemoryMergingRepository[ReviewSchedules] = MemoryMergingRepository(
            "set of review schedules", store._reviews
        )
        self.risks: MemoryMergingRepository[RiskRegister] = MemoryMergingRepository(
            "risk register", store._risks
        )
        self.finance: MemoryMergingRepository[FinanceRegister] = MemoryMergingRepository(
            "finance register", store._finance
        )
        self.capacity: MemoryMergingRepository[CapacityRegister] = MemoryMergingRepository(
            "capacity register", store._capacity
        )
        self.suppliers: MemoryMergingRepository[SupplierRegister] = MemoryMergingRepository(
            "supplier register", store._suppliers
        )
        self.reports: MemoryMergingRepository[ReportRegister] = MemoryMergingRepository(
            "report register", store._reports
        )
        self.continuity: MemoryMergingRepository[ContinuityRegister] = MemoryMergingRepository(
            "continuity register", store._continuity
        )
        self.security: MemoryMergingRepository[SecurityRegister] = MemoryMergingRepository(
            "security register", store._security
        )
        self.customers: MemoryMergingRepository[CustomerRegister] = MemoryMergingRepository(
            "customer register", store._customers
        )
        self.products: MemoryMergingRepository[ProductRegister] = MemoryMergingRepository(
            "product register", store._products
        )
        self.cases = MemoryCaseRepository("case", store._cases)
        self.outages = MemoryOutageRepository(store)
        self.utilisation = MemoryUtilisationRepository(store)
        self._repositories = (
            self.portfolios,
            self.cmdbs,
            self.agreements,
            self.roles,
            self.reviews,
            self.risks,
            self.finance,
            self.capacity,
            self.suppliers,
            self.reports,
            self.continuity,
            self.security,
            self.customers,
            self.products,
            self.cases,
        )

    def publish(self, event: Any) -> None:
        """Write ``event`` to the outbox with this unit of work's commit."""
        self._published.append(published(event))

    def commit(self) -> None:
        with self._store._lock:
            self._store._check_open()
            for repo in self._repositories:
                repo.check()
            self.outages.check()
            self.utilisation.check()
            happened = self._events()
            for repo in self._repositories:
                repo.write()
            self.outages.write()
            self.utilisation.write()
            self._store._append_events(happened)
            self._published.clear()

    def _events(self) -> list[NewEvent]:
        """What this commit does, as outbox events, in the order the SQL stores write them."""
        found: list[NewEvent] = []
        for case, loaded_at in self.cases._changed().values():
            base = self.cases.tracked[case.id][2]
            since = None if loaded_at is None or base is None else len(base.history)
            found += case_events(case, since)
        for id, (cmdb, was) in sorted(self.cmdbs._changed().items()):
            stored = self.cmdbs.tracked[id][2]
            start = 0 if was is None or stored is None else len(stored.journal)
            found += cmdb_events(id, cmdb.journal[start:])
        pending = self.outages.pending
        found += outage_events(pending.new.values(), pending.closed.values())
        return found + self._published

    def rollback(self) -> None:
        for repo in self._repositories:
            repo.tracked.clear()
            repo.read_checked.clear()
        self.outages.pending.clear()
        self.utilisation.pending.clear()
        self._published.clear()


class MemoryStore:
    """Everything in this process's memory; ``open_store("memory://")`` gives a new one."""

    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._lock = threading.Lock()
        self._portfolios: dict[str, ServicePortfolio] = {}
        self._cmdbs: dict[str, Cmdb] = {}
        self._agreements: dict[str, Agreements] = {}
        self._roles: dict[str, RoleModel] = {}
        self._reviews: dict[str, ReviewSchedules] = {}
        self._risks: dict[str, RiskRegister] = {}
        self._finance: dict[str, FinanceRegister] = {}
        self._capacity: dict[str, CapacityRegister] = {}
        self._utilisation: dict[tuple[str, str], UtilisationSeries] = {}
        """(subject, metric) -> every committed sample of that series."""
        self._suppliers: dict[str, SupplierRegister] = {}
        self._reports: dict[str, ReportRegister] = {}
        self._continuity: dict[str, ContinuityRegister] = {}
        self._security: dict[str, SecurityRegister] = {}
        self._customers: dict[str, CustomerRegister] = {}
        self._products: dict[str, ProductRegister] = {}
        self._cases: dict[str, Case] = {}
        self._outages: dict[str, Outage] = {}
        self._outages_of: dict[str, list[str]] = {}
        self._events: list[StoredEvent] = []
        self._consumers: dict[str, int] = {}
        """subject -> the ids of its outages, in the order they were recorded."""
        self._closed = False

    def unit_of_work(self, actor: str | None = None) -> MemoryUnitOfWork:
        """A unit of work; ``actor`` names who acts (a memory store keeps no audit trail)."""
        self._check_open()
        uow = MemoryUnitOfWork(self)
        uow.actor = _actor(actor)
        return uow

    def close(self) -> None:
        self._closed = True

    # -- the outbox ------------------------------------------------------------------

    def events(self, after: int = 0, limit: int = 100) -> list[StoredEvent]:
        """The events after position ``after``, in commit order."""
        after, limit = checked_position(after, "after"), checked_limit(limit)
        with self._lock:
            return unseen(self._events, after, limit)

    def pending_events(self, consumer: str, limit: int = 100) -> list[StoredEvent]:
        """The events ``consumer`` has not acknowledged yet, in commit order."""
        consumer = checked_consumer(consumer)
        return self.events(self._consumers.get(consumer, 0), limit)

    def acknowledge(self, consumer: str, position: int) -> None:
        """``consumer`` has handled every event up to ``position``."""
        consumer, position = checked_consumer(consumer), checked_position(position)
        with self._lock:
            self._consumers[consumer] = max(position, self._consumers.get(consumer, 0))

    def _append_events(self, happened: list[NewEvent]) -> None:
        start = len(self._events)
        self._events += [
            StoredEvent(start + n, kind, subject, at, data)
            for n, (kind, subject, at, data) in enumerate(happened, 1)
        ]

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"store {self.url!r} is closed")

    def __repr__(self) -> str:
        return f"<MemoryStore {self.url!r}>"
