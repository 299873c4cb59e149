"""A read-only picture of a store at one instant: what the audit's rules look at.

:meth:`Snapshot.load` opens one unit of work, loads every aggregate of every kind
the store holds once (portfolios, CMDBs, agreements, the role model, review
schedules, and the registers of every area: risks, continuity, security, suppliers,
capacity, customers, reports, finance, products and the SMS), reads the cases once,
page by page, the outages of the audit window with one query and each utilisation
series over the window with one more, then leaves without committing: loading a
snapshot never changes the store. The rules read the snapshot, never the store, so a
case is loaded once however many rules look at it.

A snapshot can also be made from objects held in memory (``Snapshot(at=...,
portfolios=(portfolio,), ...)``), which is how the rules are tested.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from fitsm.clock import as_utc
from fitsm.cmdb.configuration import ConfigurationItem

if TYPE_CHECKING:
    from fitsm.availability.continuity_register import ContinuityRegister
    from fitsm.availability.measurement import OutageLog
    from fitsm.capacity.register import CapacityRegister
    from fitsm.capacity.series import UtilisationSeries
    from fitsm.cases.base import Case
    from fitsm.cmdb.database import Cmdb
    from fitsm.customers.register import CustomerRegister
    from fitsm.finance.register import FinanceRegister
    from fitsm.portfolio.products import ProductRegister
    from fitsm.portfolio.services import Service, ServicePortfolio
    from fitsm.reporting.register import ReportRegister
    from fitsm.reviews.schedules import ReviewSchedule, ReviewSchedules
    from fitsm.risks.register import RiskRegister
    from fitsm.roles import RoleModel
    from fitsm.security.register import SecurityRegister
    from fitsm.service_levels.agreements import Agreements
    from fitsm.sms.register import SmsRegister
    from fitsm.storage.ports import Store
    from fitsm.suppliers.register import SupplierRegister

__all__ = ["AUDIT_WINDOW", "KINDS", "Progress", "Snapshot"]

AUDIT_WINDOW = timedelta(days=365)
"""How far back the audit reads outages and judges recent activity: a year, the usual
period between two audits of an SMS."""

KINDS = (
    "portfolios",
    "cmdbs",
    "agreements",
    "roles",
    "reviews",
    "risks",
    "continuity",
    "security",
    "suppliers",
    "capacity",
    "customers",
    "reports",
    "finance",
    "products",
    "sms",
)
"""The repositories of a unit of work whose aggregates a snapshot loads, in order."""

CASE_PAGE = 2000
"""Cases read per query; a page is one round trip to an SQL store."""

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called as each kind of aggregate is loaded."""


def _at(value: datetime) -> datetime:
    return as_utc(value, "at")


def _kinds(value: Mapping[str, Iterable[Case]]) -> Mapping[str, tuple[Case, ...]]:
    return MappingProxyType({kind: tuple(cases) for kind, cases in sorted(value.items())})


def _series(
    value: Mapping[tuple[str, str], UtilisationSeries],
) -> Mapping[tuple[str, str], UtilisationSeries]:
    return MappingProxyType(dict(sorted(value.items())))


@attrs.frozen
class Snapshot:
    """Every aggregate of a store, loaded once, and the outages of the audit window.

    The aggregates are the store's own copies: treat them as read-only (the audit
    never commits, so a change to one would be lost, never stored).
    """

    at: datetime = attrs.field(converter=_at)
    portfolios: tuple[ServicePortfolio, ...] = ()
    cmdbs: tuple[Cmdb, ...] = ()
    agreements: tuple[Agreements, ...] = ()
    roles: RoleModel | None = None
    reviews: tuple[ReviewSchedules, ...] = ()
    risks: tuple[RiskRegister, ...] = ()
    continuity: tuple[ContinuityRegister, ...] = ()
    security: tuple[SecurityRegister, ...] = ()
    suppliers: tuple[SupplierRegister, ...] = ()
    capacity: tuple[CapacityRegister, ...] = ()
    customers: tuple[CustomerRegister, ...] = ()
    reports: tuple[ReportRegister, ...] = ()
    finance: tuple[FinanceRegister, ...] = ()
    products: tuple[ProductRegister, ...] = ()
    sms: tuple[SmsRegister, ...] = ()
    cases: Mapping[str, tuple[Case, ...]] = attrs.field(factory=dict, converter=_kinds)
    """The cases by kind (``"incident"``, ``"change"``, ...), oldest first."""
    outages: OutageLog | None = None
    """The outages overlapping ``[at - window, at)``; None when nothing was read."""
    utilisation: Mapping[tuple[str, str], UtilisationSeries] = attrs.field(
        factory=dict, converter=_series
    )
    """The utilisation samples of the audit window, by ``(subject, metric)``."""
    window: timedelta = AUDIT_WINDOW

    # -- loading -------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        store: Store,
        *,
        at: datetime,
        window: timedelta = AUDIT_WINDOW,
        progress: Progress | None = None,
    ) -> Snapshot:
        """Read ``store`` once, in one unit of work that is never committed."""
        at = _at(at)
        report = progress or (lambda done, total: None)
        loaded: dict[str, tuple[Any, ...]] = {}
        total = len(KINDS) + 3
        with store.unit_of_work() as uow:
            for done, kind in enumerate(KINDS):
                repository = getattr(uow, kind)
                loaded[kind] = tuple(repository.get(i) for i in sorted(repository.ids()))
                report(done + 1, total)
            utilisation = {
                (subject, metric): uow.utilisation.read(subject, metric, at - window, at)
                for subject, metric, _ in uow.utilisation.series()
            }
            report(len(KINDS) + 1, total)
            cases: dict[str, list[Case]] = {}
            page = uow.cases.find(limit=CASE_PAGE)
            while page:
                for case in page:
                    cases.setdefault(case.kind, []).append(case)
                full = len(page) == CASE_PAGE
                page = uow.cases.find(limit=CASE_PAGE, after=page[-1]) if full else []
            report(len(KINDS) + 2, total)
            outages = uow.outages.log(at - window, at)
            report(total, total)
            uow.rollback()
        roles = loaded["roles"]
        return cls(
            at,
            portfolios=loaded["portfolios"],
            cmdbs=loaded["cmdbs"],
            agreements=loaded["agreements"],
            # the role model the desks read is the default one
            roles=next((r for r in roles if r.id == "default"), roles[0] if roles else None),
            reviews=loaded["reviews"],
            risks=loaded["risks"],
            continuity=loaded["continuity"],
            security=loaded["security"],
            suppliers=loaded["suppliers"],
            capacity=loaded["capacity"],
            customers=loaded["customers"],
            reports=loaded["reports"],
            finance=loaded["finance"],
            products=loaded["products"],
            sms=loaded["sms"],
            cases=cases,
            outages=outages,
            utilisation=utilisation,
            window=window,
        )

    # -- questions the rules share --------------------------------------------------

    def of_kind(self, *kinds: str) -> list[Case]:
        """The cases of these kinds, in the order they were read."""
        return [case for kind in kinds for case in self.cases.get(kind, ())]

    @property
    def since(self) -> datetime:
        """The start of the audit window."""
        return self.at - self.window

    @functools.cached_property
    def configuration_items(self) -> list[tuple[str, ConfigurationItem, bool]]:
        """Every CI of every CMDB: (CMDB id, CI, whether it has any relationship), made
        once however many rules ask (a million CIs take seconds to hand out)."""
        return [
            (c.id, ci, bool(c.succ[ci.id] or c.pred[ci.id]))
            for c in self.cmdbs
            for ci in c.nodes("configuration_item")
            if isinstance(ci, ConfigurationItem)
        ]

    def services(self) -> list[Service]:
        """Every service of every portfolio."""
        return [s for p in self.portfolios for s in p.services]

    def live_services(self) -> list[Service]:
        """The services in a live phase of their portfolio's lifecycle (in production)."""
        return [s for p in self.portfolios for s in p.services if s.phase in p.lifecycle.live]

    def schedules(self, kind: str | None = None) -> list[ReviewSchedule]:
        """The review schedules (of one subject kind), every set together."""
        found: list[ReviewSchedule] = []
        for schedules in self.reviews:
            found.extend(schedules.of_kind(kind) if kind else list(schedules))
        return found

    def schedule(self, kind: str, subject: str) -> ReviewSchedule | None:
        """The active schedule of one subject, if there is one."""
        for s in self.schedules(kind):
            if s.subject.id == subject and s.active:
                return s
        return None
