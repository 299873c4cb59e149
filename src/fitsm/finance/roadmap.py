"""The service roadmap: planned versions and retirements on a timeline (003, PR1.3).

003: "Service Roadmap Definition -- the process of documenting the service's
capabilities to be delivered against a delivery strategy, timeline and cost.
Roadmaps provide stakeholders with a lifecycle view of the service." A
:class:`RoadmapEntry` is one dated step of one service: a new **version** (its
capabilities) or its **retirement**. :func:`planned_between` answers "what is
planned between two dates"; :func:`check_roadmap` holds the roadmap against the
portfolio's lifecycle phases (PR1.3: "the evolution of services through their
lifecycle shall be managed").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Protocol

import attrs

from fitsm._validators import enum_value, identifier, text
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.finance.changes import FinanceChange, history
from fitsm.finance.money import Money

__all__ = [
    "RoadmapEntry",
    "RoadmapFinding",
    "RoadmapKind",
    "check_roadmap",
    "planned_between",
]


class RoadmapKind(StrEnum):
    """What a roadmap entry plans: a new version of the service, or its retirement."""

    VERSION = "version"
    RETIREMENT = "retirement"


def _kind(value: object) -> RoadmapKind:
    return enum_value(RoadmapKind, "kind")(value)


def _utc(value: datetime) -> datetime:
    return as_utc(value, "planned_for")


def _cost(value: Money | None) -> Money | None:
    if value is not None and not isinstance(value, Money):
        raise ValidationError(f"a roadmap entry's cost must be Money, got {value!r}", field="cost")
    return value


@attrs.frozen
class RoadmapEntry:
    """One planned step of a service: ``version`` names the version (empty for a retirement),
    ``capabilities`` what it delivers, ``cost`` what it is expected to cost."""

    id: str = attrs.field(validator=identifier)
    service: str = attrs.field(validator=identifier)
    kind: RoadmapKind = attrs.field(converter=_kind)
    planned_for: datetime = attrs.field(converter=_utc)
    version: str = attrs.field(default="", validator=text)
    capabilities: str = attrs.field(default="", validator=text)
    cost: Money | None = attrs.field(default=None, converter=_cost)
    cancelled: bool = False
    history: tuple[FinanceChange, ...] = attrs.field(default=(), converter=history)

    def __attrs_post_init__(self) -> None:
        if self.kind is RoadmapKind.VERSION and not self.version.strip():
            raise ValidationError(
                f"roadmap entry {self.id!r} plans a version of {self.service!r}: expected the "
                "version's name (version='2.0')",
                field="version",
            )

    def __str__(self) -> str:
        what = f"version {self.version}" if self.kind is RoadmapKind.VERSION else "retirement"
        return f"{self.planned_for.date().isoformat()} {self.service}: {what}"


def planned_between(
    entries: Iterable[RoadmapEntry], start: datetime, end: datetime
) -> list[RoadmapEntry]:
    """The entries not cancelled planned in ``[start, end)``, by date, then service, then id."""
    begin, finish = as_utc(start, "start"), as_utc(end, "end")
    if finish <= begin:
        raise ValidationError(
            f"end {end.isoformat()} must be after start {start.isoformat()}", field="end"
        )
    found = [e for e in entries if not e.cancelled and begin <= e.planned_for < finish]
    return sorted(found, key=lambda e: (e.planned_for, e.service, e.id))


class _Lifecycle(Protocol):
    """What the check needs of a portfolio's lifecycle (a ServiceLifecycle has it)."""

    @property
    def phases(self) -> tuple[str, ...]: ...
    @property
    def transitions(self) -> frozenset[tuple[str, str]]: ...
    @property
    def live(self) -> frozenset[str]: ...


class Phased(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def phase(self) -> str: ...


class Portfolio(Protocol):
    """What the check needs of a portfolio (a ServicePortfolio has it)."""

    @property
    def lifecycle(self) -> _Lifecycle: ...
    @property
    def services(self) -> tuple[Phased, ...]: ...


@attrs.frozen
class RoadmapFinding:
    """A roadmap entry that does not fit the portfolio, and why."""

    entry: str
    service: str
    problem: str

    def __str__(self) -> str:
        return f"{self.entry} ({self.service}): {self.problem}"


def _reachable(lifecycle: _Lifecycle, start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        phase = todo.pop()
        for src, dst in lifecycle.transitions:
            if src == phase and dst not in seen:
                seen.add(dst)
                todo.append(dst)
    return seen


def check_roadmap(
    entries: Iterable[RoadmapEntry], portfolio: Portfolio, *, retired: str = "retired"
) -> list[RoadmapFinding]:
    """Entries (not cancelled) that the portfolio's lifecycle does not allow, by entry id.

    A service must be in the portfolio; a version needs a live phase still ahead
    of (or at) the service's phase; a retirement needs the phase ``retired`` ahead
    of it; nothing is planned after a service's planned retirement.
    """
    services = {s.id: s for s in portfolio.services}
    lifecycle = portfolio.lifecycle
    if retired not in lifecycle.phases:
        raise ValidationError(
            f"{retired!r} is not a phase of the lifecycle; expected one of {lifecycle.phases!r}",
            field="retired",
        )
    live = [e for e in entries if not e.cancelled]
    retirements: dict[str, datetime] = {}
    for e in live:
        if e.kind is RoadmapKind.RETIREMENT:
            first = retirements.get(e.service)
            retirements[e.service] = e.planned_for if first is None else min(first, e.planned_for)
    found = []
    for e in sorted(live, key=lambda x: x.id):
        service = services.get(e.service)
        if service is None:
            found.append(RoadmapFinding(e.id, e.service, "the service is not in the portfolio"))
            continue
        ahead = _reachable(lifecycle, service.phase)
        if e.kind is RoadmapKind.VERSION and not ahead & lifecycle.live:
            found.append(
                RoadmapFinding(
                    e.id,
                    e.service,
                    f"a version is planned but the service is {service.phase!r}, from where no "
                    f"live phase ({', '.join(sorted(lifecycle.live))}) can be reached",
                )
            )
        elif e.kind is RoadmapKind.RETIREMENT and (
            service.phase == retired or retired not in ahead
        ):
            found.append(
                RoadmapFinding(
                    e.id,
                    e.service,
                    f"a retirement is planned but the service is {service.phase!r}, from where "
                    f"{retired!r} cannot be reached",
                )
            )
        end = retirements.get(e.service)
        if e.kind is RoadmapKind.VERSION and end is not None and e.planned_for >= end:
            found.append(
                RoadmapFinding(
                    e.id,
                    e.service,
                    f"version {e.version} is planned for {e.planned_for.date().isoformat()}, at "
                    f"or after the service's retirement on {end.date().isoformat()}",
                )
            )
    return found
