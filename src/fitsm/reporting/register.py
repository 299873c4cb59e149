"""The report register: the list of agreed reports, their specifications, and the evidence
of each report produced and delivered (PR3.2, PR3.3).

FitSM-2 lists SRM's outputs as the "list of all (agreed) reports", the
"specification of all reports" and "information (evidence) on actual reports
produced and delivered"; FitSM-1 asks that "PR3.3 Reports shall be produced and
delivered to their recipients according to specifications". A
:class:`ReportRegister` holds all three: specifications changed only through it
(each change recorded with who and when), a :class:`Production` per report and
period (when, by whom, the content's digest) with its :class:`Delivery` records
(to whom, through which channel), and the query FitSM-2's "monitor the
production and distribution of reports" needs: which reports are due or late
(:meth:`ReportRegister.due`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from fitsm._merging import after_last, merge_items
from fitsm._validators import enum_value, identifier, text
from fitsm.clock import as_utc
from fitsm.errors import DuplicateError, NotFoundError, ValidationError
from fitsm.reporting.rendering import digest
from fitsm.reporting.reports import Report, summarise
from fitsm.reporting.specifications import (
    RecipientAgreement,
    ReportFormat,
    ReportPeriod,
    ReportSpecification,
    SpecificationChange,
    _ids,
)
from fitsm.tables import Column, Columns, Rows

__all__ = ["Delivery", "DueReport", "DueStatus", "Production", "ReportRegister"]


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _recipients(value: Any) -> tuple[str, ...]:
    found = _ids(value)
    if not found:
        raise ValidationError("a delivery needs at least one recipient", field="recipients")
    return found


def _counts(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


def _format(value: object) -> ReportFormat:
    return enum_value(ReportFormat, "format")(value)


@attrs.frozen
class Delivery:
    """A report delivered (PR3.3): when, by whom, to which recipients, through which
    channel."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    recipients: tuple[str, ...] = attrs.field(converter=_recipients)
    channel: str = attrs.field(validator=text)
    note: str = attrs.field(default="", validator=text)


def _deliveries(value: Iterable[Delivery]) -> tuple[Delivery, ...]:
    return tuple(value)


@attrs.frozen
class Production:
    """A report produced for one period (PR3.3): when, by whom, in which format, the digest
    of its content (:func:`~fitsm.reporting.digest`), its summary counts, and the
    deliveries made of it."""

    report_id: str = attrs.field(validator=identifier)
    start: datetime = attrs.field(converter=_utc)
    end: datetime = attrs.field(converter=_utc)
    label: str = attrs.field(validator=text)
    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    digest: str = attrs.field(validator=text)
    format: ReportFormat = attrs.field(converter=_format)
    counts: Mapping[str, int] = attrs.field(factory=dict, converter=_counts)
    deliveries: tuple[Delivery, ...] = attrs.field(default=(), converter=_deliveries)
    note: str = attrs.field(default="", validator=text)

    @property
    def period(self) -> ReportPeriod:
        """The period the report covers."""
        return ReportPeriod(self.start, self.end)

    def summary(self) -> str:
        """The report's counts in words (:func:`~fitsm.reporting.summarise`)."""
        return summarise(self.counts)

    @property
    def delivered_to(self) -> tuple[str, ...]:
        """Everyone it was delivered to, in the order of the deliveries."""
        return tuple(dict.fromkeys(r for d in self.deliveries for r in d.recipients))


class DueStatus(StrEnum):
    """A report for an ended period not produced yet: still *due* within its allowed
    delay, *late* after it."""

    DUE = "due"
    LATE = "late"


@attrs.frozen
class DueReport:
    """A report for a period that has ended and was not produced: when its period ended,
    by when it had to be produced (``deadline``), due or late, and who owns it."""

    columns: ClassVar[Columns] = Columns(
        Column("report", "string", "report_id"),
        Column("start", "instant"),
        Column("end", "instant"),
        Column("deadline", "instant"),
        Column("status", "category", categories=DueStatus),
        Column("owner", "string"),
        Column("agreed", "bool"),
    )
    """The table of due and late reports: one row per report and period."""

    report_id: str
    start: datetime
    end: datetime
    deadline: datetime
    status: DueStatus
    owner: str
    agreed: bool


_KEEP_AGREEMENT = frozenset({"title", "owner", "allowed_delay"})
"""Fields whose change leaves the recipients' agreement standing; any other change is a
report they have not agreed to yet."""
_REVISABLE = (
    "title",
    "purpose",
    "audience",
    "frequency",
    "content",
    "format",
    "channel",
    "owner",
    "allowed_delay",
    "customer",
    "services",
)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


class ReportRegister:
    """Every report of the organisation: specifications, productions and deliveries.

    Each specification and each production is its own unit of change: two people
    changing different reports, or producing different periods, do not conflict
    (:meth:`rebase`).

    >>> from datetime import UTC, timedelta
    >>> from fitsm.reviews import MonthlyRule
    >>> register = ReportRegister()
    >>> spec = ReportSpecification(
    ...     "ops-monthly", "Operations", purpose="Workload of the service desk",
    ...     audience=["smso"], frequency=MonthlyRule(1), content=["workload"],
    ...     format="markdown", channel="email", owner="rita",
    ...     first_period=datetime(2024, 1, 1, tzinfo=UTC), allowed_delay=timedelta(days=3))
    >>> _ = register.specify(spec, at=datetime(2023, 12, 20, tzinfo=UTC), by="sam")
    >>> [(d.report_id, d.end.date().isoformat(), d.status.value)
    ...  for d in register.due(datetime(2024, 2, 3, tzinfo=UTC))]
    [('ops-monthly', '2024-02-01', 'due')]
    >>> [d.status.value for d in register.due(datetime(2024, 2, 5, tzinfo=UTC))]
    ['late']
    """

    def __init__(self, id: str = "default") -> None:
        if not isinstance(id, str) or not id or id != id.strip():
            raise ValidationError(f"report register id must be a non-empty string, got {id!r}")
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self._specifications: dict[str, ReportSpecification] = {}
        self._productions: dict[tuple[str, datetime], Production] = {}

    # -- specifications (PR3.2) ------------------------------------------------------

    def specify(
        self, specification: ReportSpecification, *, at: datetime, by: str, note: str = ""
    ) -> ReportSpecification:
        """Add a new report to the list, with its specification (PR3.2).

        The register writes the history and the recipients' agreement: a specification
        that brings either, or is terminated, is refused."""
        if not isinstance(specification, ReportSpecification):
            raise ValidationError(
                f"expected a ReportSpecification, got {specification!r}", field="specification"
            )
        if specification.id in self._specifications:
            raise DuplicateError(f"report {specification.id!r} is specified already")
        if specification.history or specification.agreements or specification.terminated:
            raise ValidationError(
                f"report {specification.id!r} comes with a history, agreements or terminated; "
                "the register records these itself, expected a new specification",
                field="history",
            )
        change = SpecificationChange(at, by, "specified", {}, note)
        added = attrs.evolve(specification, history=(change,))
        self._specifications[added.id] = added
        return added

    def revise(
        self, report_id: str, *, at: datetime, by: str, note: str = "", **changes: Any
    ) -> ReportSpecification:
        """Update a report's specification (PR3.2): any of its fields but its id, first
        period and the register's records.

        A change of what the recipients get (audience, frequency, content, format,
        channel, purpose, customer or services) withdraws their agreement: the revised
        report must be agreed again."""
        unknown = sorted(set(changes) - set(_REVISABLE))
        if unknown or not changes:
            raise ValidationError(
                f"revise() of report {report_id!r} changes {', '.join(_REVISABLE)}; got "
                + (", ".join(map(repr, unknown)) if unknown else "nothing"),
                field=unknown[0] if unknown else None,
            )
        current = self._active(report_id)
        updated = attrs.evolve(current, **changes)
        recorded = {k: _plain(getattr(updated, k)) for k in changes}
        if set(changes) - _KEEP_AGREEMENT and updated.agreements:
            updated = attrs.evolve(updated, agreements=())
            recorded["agreements"] = ()
        return self._store(updated, self._change(current, at, by, "revised", recorded, note))

    def agree(
        self, report_id: str, *, recipients: Iterable[str], at: datetime, by: str, note: str = ""
    ) -> ReportSpecification:
        """Record that ``recipients`` (of the report's audience) agreed to the report as
        specified now (PR3.2)."""
        current = self._active(report_id)
        who = _recipients(recipients)
        strangers = [r for r in who if r not in current.audience]
        if strangers:
            raise ValidationError(
                f"report {report_id!r}: {strangers!r} are not in its audience "
                f"{list(current.audience)!r}; expected recipients of the report",
                field="recipients",
            )
        change = self._change(current, at, by, "agreed", {"recipients": who}, note)
        kept = tuple(a for a in current.agreements if a.recipient not in who)
        added = tuple(RecipientAgreement(r, change.at) for r in who)
        return self._store(attrs.evolve(current, agreements=kept + added), change)

    def terminate(
        self, report_id: str, *, at: datetime, by: str, note: str = ""
    ) -> ReportSpecification:
        """Terminate a report (FitSM-2): it stays on record, is produced and due no more."""
        current = self._active(report_id)
        change = self._change(current, at, by, "terminated", {"terminated": True}, note)
        return self._store(attrs.evolve(current, terminated=True), change)

    def _active(self, report_id: str) -> ReportSpecification:
        current = self.specification(report_id)
        if current.terminated:
            raise ValidationError(f"report {report_id!r} is terminated; it changes no more")
        return current

    @staticmethod
    def _change(
        current: ReportSpecification,
        at: datetime,
        by: str,
        action: str,
        changes: Mapping[str, Any],
        note: str,
    ) -> SpecificationChange:
        change = SpecificationChange(at, by, action, changes, note)
        return after_last(f"report {current.id!r}", current.history, change)

    def _store(
        self, updated: ReportSpecification, change: SpecificationChange
    ) -> ReportSpecification:
        stored = attrs.evolve(updated, history=(*updated.history, change))
        self._specifications[stored.id] = stored
        return stored

    # -- production and delivery (PR3.3) -----------------------------------------------

    def produce(self, report: Report, *, at: datetime, by: str, note: str = "") -> Production:
        """Record that ``report`` was produced (PR3.3): for which period, when, by whom, in
        the specification's format, with the digest of its content.

        Refused for a terminated report, a period that is not one of the
        specification's, a period that has not ended at ``at``, or one produced already.
        """
        if not isinstance(report, Report):
            raise ValidationError(f"expected a Report, got {report!r}", field="report")
        spec = self._active(report.report_id)
        period = report.period
        when = _utc(at)
        if period.start < spec.first_period or spec.period_at(period.start) != period:
            raise ValidationError(
                f"report {spec.id!r} has no period {period}; its periods follow its frequency "
                f"from {spec.first_period.isoformat()}",
                field="report",
            )
        if when < period.end:
            raise ValidationError(
                f"report {spec.id!r} for {report.label} is produced after its period ends "
                f"({period.end.isoformat()}), not at {when.isoformat()}",
                field="at",
            )
        key = (spec.id, period.start)
        if key in self._productions:
            done = self._productions[key]
            raise DuplicateError(
                f"report {spec.id!r} for {report.label} was produced already, at "
                f"{done.at.isoformat()} by {done.by!r}"
            )
        production = Production(
            spec.id,
            period.start,
            period.end,
            report.label,
            when,
            by,
            digest(report),
            spec.format,
            report.counts,
            note=note,
        )
        self._productions[key] = production
        return production

    def deliver(
        self,
        report_id: str,
        start: datetime,
        *,
        recipients: Iterable[str],
        at: datetime,
        by: str,
        channel: str | None = None,
        note: str = "",
    ) -> Production:
        """Record that the report for the period starting at ``start`` was delivered to
        ``recipients`` (of its audience) through ``channel`` (by default the specified
        one) (PR3.3)."""
        spec = self.specification(report_id)
        current = self.production(report_id, start)
        delivery = Delivery(at, by, recipients, spec.channel if channel is None else channel, note)
        strangers = [r for r in delivery.recipients if r not in spec.audience]
        if strangers:
            raise ValidationError(
                f"report {report_id!r}: {strangers!r} are not in its audience "
                f"{list(spec.audience)!r}; a report is delivered to its recipients",
                field="recipients",
            )
        last = current.deliveries[-1].at if current.deliveries else current.at
        if delivery.at < last:
            raise ValidationError(
                f"report {report_id!r} for {current.label} is delivered after it was produced "
                f"and after its last delivery ({last.isoformat()}), not at "
                f"{delivery.at.isoformat()}",
                field="at",
            )
        updated = attrs.evolve(current, deliveries=(*current.deliveries, delivery))
        self._productions[(report_id, current.start)] = updated
        return updated

    # -- reading -------------------------------------------------------------------------

    def specification(self, report_id: str) -> ReportSpecification:
        """The specification of ``report_id``; NotFoundError if there is none."""
        try:
            return self._specifications[report_id]
        except (KeyError, TypeError):
            raise NotFoundError(f"no report {report_id!r} in report register {self.id!r}") from None

    def production(self, report_id: str, start: datetime) -> Production:
        """The production of ``report_id`` for the period starting at ``start``."""
        self.specification(report_id)
        try:
            return self._productions[(report_id, as_utc(start, "start"))]
        except KeyError:
            raise NotFoundError(
                f"report {report_id!r} was not produced for the period starting "
                f"{as_utc(start, 'start').isoformat()}"
            ) from None

    def productions(self, report_id: str | None = None) -> list[Production]:
        """The productions (of ``report_id``), by report and period."""
        found = [p for k, p in self._productions.items() if report_id in (None, k[0])]
        return sorted(found, key=lambda p: (p.report_id, p.start))

    def __contains__(self, report_id: object) -> bool:
        return report_id in self._specifications

    def __iter__(self) -> Iterator[ReportSpecification]:
        """Every specification, terminated ones included, by id: the list of reports."""
        return iter(sorted(self._specifications.values(), key=lambda s: s.id))

    def __len__(self) -> int:
        return len(self._specifications)

    def due(self, at: datetime) -> Rows[DueReport]:
        """The reports due or late at ``at`` (PR3.3): for each report not terminated,
        each period that has ended by ``at`` without a production; *late* once ``at`` is
        more than the report's allowed delay after the period's end. By deadline, then
        report."""
        when = as_utc(at, "at")
        found: list[DueReport] = []
        for spec in self._specifications.values():
            if spec.terminated:
                continue
            for period in spec.periods(when):
                if (spec.id, period.start) in self._productions:
                    continue
                deadline = period.end + spec.allowed_delay
                status = DueStatus.LATE if when > deadline else DueStatus.DUE
                found.append(
                    DueReport(
                        spec.id, period.start, period.end, deadline, status, spec.owner, spec.agreed
                    )
                )
        found.sort(key=lambda d: (d.deadline, d.report_id))
        return Rows(found, columns=DueReport.columns)

    def late(self, at: datetime) -> Rows[DueReport]:
        """The reports late at ``at``: :meth:`due` less those still within their delay."""
        return Rows(
            [d for d in self.due(at) if d.status is DueStatus.LATE], columns=DueReport.columns
        )

    def undelivered(self) -> list[Production]:
        """The productions not yet delivered to every recipient of the report's current
        audience (reports of terminated specifications left out)."""
        found = []
        for production in self.productions():
            spec = self._specifications[production.report_id]
            if not spec.terminated and set(spec.audience) - set(production.delivered_to):
                found.append(production)
        return found

    # -- aggregate -----------------------------------------------------------------------

    def rebase(self, stored: ReportRegister, base: ReportRegister) -> None:
        """Put the specifications and productions changed here since ``base`` on top of
        ``stored``; ConflictError (nothing changed) when both changed the same one."""
        specifications = merge_items(
            self._specifications,
            stored._specifications,
            base._specifications,
            lambda both: (
                f"report {', '.join(map(repr, both))} was changed by someone else since it "
                "was loaded; reload and apply the change again"
            ),
        )
        productions = merge_items(
            self._productions,
            stored._productions,
            base._productions,
            lambda both: (
                "the production of "
                + ", ".join(f"{r!r} for the period from {s.isoformat()}" for r, s in both)
                + " was changed by someone else since it was loaded; reload and apply the "
                "change again"
            ),
        )
        self._specifications, self._productions = specifications, productions

    def copy(self) -> ReportRegister:
        """An independent copy; specifications and productions are immutable."""
        other = ReportRegister(self.id)
        other.version = self.version
        other._specifications = dict(self._specifications)
        other._productions = dict(self._productions)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReportRegister):
            return NotImplemented
        return (self.id, self._specifications, self._productions) == (
            other.id,
            other._specifications,
            other._productions,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<ReportRegister {self.id!r}: {len(self)} reports, {len(self._productions)} produced>"
        )
