"""Storage ports: what the library needs from a store, as Protocols.

A :class:`Store` hands out units of work. Inside one, a repository per aggregate
(:class:`~fitsm.portfolio.ServicePortfolio`, :class:`~fitsm.cmdb.Cmdb`) loads independent
copies and tracks them; :meth:`UnitOfWork.commit` writes every tracked aggregate
or none. An aggregate changed by someone else since it was loaded makes the
commit raise :class:`~fitsm.ConflictError` and write nothing. Leaving the
``with`` block without committing discards everything::

    with store.unit_of_work() as uow:
        cmdb = uow.cmdbs.get("default")
        cmdb.add(ConfigurationItem("sw9", "switch"), actor="ann", at=datetime.now(UTC))
        uow.commit()

Every adapter passes the contract suite, :class:`fitsm.testing.StoreContract`, unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

if TYPE_CHECKING:
    # annotations only: opening a store must not import every area of the domain
    from collections.abc import Iterable
    from datetime import datetime
    from types import TracebackType

    from fitsm.availability.continuity_register import (  # noqa: F401 - quoted in base classes
        ContinuityRegister,
    )
    from fitsm.availability.measurement import Outage, OutageLog
    from fitsm.capacity.register import CapacityRegister  # noqa: F401 - quoted in base classes
    from fitsm.capacity.series import UtilisationSeries
    from fitsm.cases.base import Case
    from fitsm.cases.query import CaseQuery
    from fitsm.cmdb.database import Cmdb  # noqa: F401 - quoted in base classes
    from fitsm.customers.register import CustomerRegister  # noqa: F401 - quoted in base classes
    from fitsm.finance.register import FinanceRegister  # noqa: F401 - quoted in base classes
    from fitsm.portfolio.products import ProductRegister  # noqa: F401 - quoted in base classes
    from fitsm.portfolio.services import ServicePortfolio  # noqa: F401 - quoted in base classes
    from fitsm.reporting.register import ReportRegister  # noqa: F401 - quoted in base classes
    from fitsm.reviews.schedules import ReviewSchedules  # noqa: F401 - quoted in base classes
    from fitsm.risks.register import RiskRegister  # noqa: F401 - quoted in base classes
    from fitsm.roles import RoleModel  # noqa: F401 - quoted in base classes
    from fitsm.security.register import SecurityRegister  # noqa: F401 - quoted in base classes
    from fitsm.service_levels.agreements import Agreements  # noqa: F401 - quoted in base classes
    from fitsm.storage.events import StoredEvent
    from fitsm.suppliers.register import SupplierRegister  # noqa: F401 - quoted in base classes

__all__ = [
    "Aggregate",
    "AgreementsRepository",
    "CapacityRegisterRepository",
    "CaseRepository",
    "CmdbRepository",
    "ContinuityRegisterRepository",
    "CustomerRegisterRepository",
    "FinanceRegisterRepository",
    "MergingAggregate",
    "OutageRepository",
    "PortfolioRepository",
    "ProductRegisterRepository",
    "ReportRegisterRepository",
    "Repository",
    "ReviewSchedulesRepository",
    "RiskRegisterRepository",
    "RoleModelRepository",
    "SecurityRegisterRepository",
    "Store",
    "SupplierRegisterRepository",
    "UnitOfWork",
    "UtilisationRepository",
]


class Aggregate(Protocol):
    """What a store needs of an aggregate root: an id, a version and a way to copy it."""

    id: str
    version: int

    def copy(self) -> Self: ...


A = TypeVar("A", bound=Aggregate)


class MergingAggregate(Aggregate, Protocol):
    """An aggregate whose items are each a unit of change (agreements, review schedules,
    risks): a store that finds it changed by someone else since it was loaded puts this
    copy's changes on top of the stored one, and conflicts only where both changed an item."""

    def rebase(self, stored: Self, base: Self) -> None:
        """Put the items changed here since ``base`` on top of ``stored``; ConflictError, with
        nothing changed, where ``stored`` changed one of them too."""


class Repository(Protocol[A]):
    """The aggregates of one kind, by id."""

    def add(self, aggregate: A) -> None:
        """Track a new aggregate; raises DuplicateError if the id is taken."""

    def get(self, id: str = "default") -> A:
        """Load and track a copy; raises NotFoundError if there is none."""

    def ids(self) -> list[str]:
        """The ids of the stored aggregates (and those added in this unit of work)."""

    def require_unchanged(self, id: str = "default") -> None:
        """Make the commit fail with ConflictError if the aggregate (loaded in this unit of
        work) was changed by someone else meanwhile, even if this unit of work only read it:
        for decisions that rest on it, such as an authorisation by the role model."""


class PortfolioRepository(Repository["ServicePortfolio"], Protocol):
    """Service portfolios (PR1)."""


class CmdbRepository(Repository["Cmdb"], Protocol):
    """CMDBs (PR11)."""


class AgreementsRepository(Repository["Agreements"], Protocol):
    """Agreements with all their versions (PR2)."""


class ReviewSchedulesRepository(Repository["ReviewSchedules"], Protocol):
    """Review schedules (GR1.3, PR2.2, PR4.2, PR11.5, ...): two writers of different schedules
    both commit; two writers of the same schedule conflict."""


class RiskRegisterRepository(Repository["RiskRegister"], Protocol):
    """Risk registers (PR4.2, PR6.2): two writers of different risks both commit; two writers
    of the same risk conflict."""


class FinanceRegisterRepository(Repository["FinanceRegister"], Protocol):
    """Finance registers (003, PR1): two writers of different costs, prices, allocation
    choices or roadmap entries both commit; two writers of the same one conflict."""


class CapacityRegisterRepository(Repository["CapacityRegister"], Protocol):
    """Capacity registers (PR5.1-PR5.3): two writers of different capacities, thresholds,
    requirements or plans both commit; two writers of the same one conflict."""


class UtilisationRepository(Protocol):
    """Utilisation series (PR5.2): samples appended in batches, read by subject, metric and
    time range as numpy columns.

    A series is named by subject and metric; its first batch fixes its unit and
    later batches in another unit of the same kind (GB for TB) are converted to
    it. Nothing is written before :meth:`UnitOfWork.commit`; reads see what is
    committed plus what this unit of work appended.
    """

    def append(self, series: UtilisationSeries) -> int:
        """Append the samples of ``series``; return how many.

        ValidationError when its unit measures something else than the stored
        series' (cores for a TB pool); DuplicateError when an instant has a sample
        already (at once if the store knows it; ConflictError at commit if another
        unit of work recorded it meanwhile).
        """

    def read(
        self,
        subject: str,
        metric: str,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> UtilisationSeries:
        """The samples of ``subject``'s ``metric`` at or after ``start`` and before ``end``
        (None: unbounded), oldest first; NotFoundError if the series was never recorded."""

    def series(self) -> list[tuple[str, str, str]]:
        """Every series as ``(subject, metric, unit)``, sorted."""


class SupplierRegisterRepository(Repository["SupplierRegister"], Protocol):
    """Supplier registers (PR8): two writers of different suppliers both commit; two writers
    of the same supplier conflict."""


class ReportRegisterRepository(Repository["ReportRegister"], Protocol):
    """Report registers (PR3.2, PR3.3): two writers of different reports, or of different
    periods' productions, both commit; two writers of the same one conflict."""


class ProductRegisterRepository(Repository["ProductRegister"], Protocol):
    """Product registers (PR1.2, PR1.3, 003): proposals, toll-gates, waivers, strategies and
    performance reviews; two writers of different items both commit; two writers of the same
    item conflict."""


class ContinuityRegisterRepository(Repository["ContinuityRegister"], Protocol):
    """Continuity registers (PR4.1, PR4.3): two writers of different requirements, plans or
    tests both commit; two writers of the same one conflict."""


class SecurityRegisterRepository(Repository["SecurityRegister"], Protocol):
    """Security registers (PR6.1, PR6.3, PR6.5): two writers of different assets, policies,
    controls or access rights both commit; two writers of the same item conflict."""


class CustomerRegisterRepository(Repository["CustomerRegister"], Protocol):
    """Customer registers (PR7): two writers of different customers both commit; two writers
    of the same customer conflict."""


class OutageRepository(Protocol):
    """Outage records (PR4.4), one row each: appended, closed once, read by query.

    Nothing is written before :meth:`UnitOfWork.commit`; reads see what is
    committed plus what this unit of work recorded or closed.
    """

    def record(self, *outages: Outage) -> list[str]:
        """Append outages (ongoing ones included); return their ids.

        An outage without an id gets a new one; a taken id raises DuplicateError
        (at once if the store knows it, else at commit).
        """

    def get(self, id: str) -> Outage:
        """One outage by id; NotFoundError if there is none."""

    def close(self, id: str, end: datetime) -> Outage:
        """End an ongoing outage at ``end``; at commit, ConflictError if someone ended it first."""

    def find(
        self, start: datetime, end: datetime, subjects: Iterable[str] | None = None
    ) -> list[Outage]:
        """The outages of ``subjects`` (every subject if None) that overlap ``[start, end)``,
        ordered by start, then id."""

    def log(
        self, start: datetime, end: datetime, subjects: Iterable[str] | None = None
    ) -> OutageLog:
        """:meth:`find` as the columnar log :func:`~fitsm.measure_availability` and
        :func:`~fitsm.derive_outages` take; ongoing outages last until ``end``."""


class RoleModelRepository(Repository["RoleModel"], Protocol):
    """Who holds which FitSM-3 role."""


class CaseRepository(Repository["Case"], Protocol):
    """Cases of every type (incidents, problems, changes, ...), by case id, and queries."""

    def find(
        self,
        query: CaseQuery | None = None,
        *,
        limit: int | None = None,
        after: Case | None = None,
        newest_first: bool = False,
    ) -> list[Case]:
        """The cases ``query`` wants (all if None), oldest first (by registration, then id).

        ``limit`` cuts a page; ``after`` (the last case of the previous page)
        continues from it. The cases are tracked like those :meth:`get` returns;
        a case changed in this unit of work is judged by its changed state.
        """


class UnitOfWork(Protocol):
    """One all-or-nothing piece of work against a store."""

    @property
    def portfolios(self) -> PortfolioRepository: ...

    @property
    def cmdbs(self) -> CmdbRepository: ...

    @property
    def agreements(self) -> AgreementsRepository: ...

    @property
    def roles(self) -> RoleModelRepository: ...

    @property
    def outages(self) -> OutageRepository: ...

    @property
    def reviews(self) -> ReviewSchedulesRepository: ...

    @property
    def risks(self) -> RiskRegisterRepository: ...

    @property
    def finance(self) -> FinanceRegisterRepository: ...

    @property
    def capacity(self) -> CapacityRegisterRepository: ...

    @property
    def utilisation(self) -> UtilisationRepository: ...

    @property
    def suppliers(self) -> SupplierRegisterRepository: ...

    @property
    def reports(self) -> ReportRegisterRepository: ...

    @property
    def products(self) -> ProductRegisterRepository: ...

    @property
    def security(self) -> SecurityRegisterRepository: ...

    @property
    def customers(self) -> CustomerRegisterRepository: ...

    @property
    def cases(self) -> CaseRepository: ...

    @property
    def continuity(self) -> ContinuityRegisterRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def publish(self, event: Any) -> None:
        """Write an event object (``ClockWarning``, ``TargetViolated``, ...) to the outbox
        with this unit of work's commit."""

    def commit(self) -> None:
        """Write every tracked aggregate, or none; bumps their versions."""

    def rollback(self) -> None:
        """Forget everything tracked since the last commit."""


class Store(Protocol):
    """A place aggregates are kept, opened with :func:`fitsm.open_store`."""

    url: str

    def unit_of_work(self, actor: str | None = None) -> UnitOfWork:
        """A new unit of work; ``actor`` names who acts (the audit trail records it)."""

    def events(self, after: int = 0, limit: int = 100) -> list[StoredEvent]:
        """The outbox: events after position ``after``, in commit order."""

    def pending_events(self, consumer: str, limit: int = 100) -> list[StoredEvent]:
        """The events ``consumer`` has not acknowledged yet, in commit order."""

    def acknowledge(self, consumer: str, position: int) -> None:
        """``consumer`` has handled every event up to ``position`` (a cursor never goes back)."""

    def close(self) -> None: ...
