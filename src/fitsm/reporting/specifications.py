"""Report specifications (PR3.2): what a report is, for whom, how often, in which form.

FitSM-1 (CC BY 4.0): "PR3.2 Reports shall be agreed with their recipients and
specified. The specification of each report shall include its identity,
purpose, audience, frequency, content, format and method of delivery." A
:class:`ReportSpecification` holds exactly these, with the report's owner
(FitSM-3's report owner, "1 per report") and who of the audience agreed to it.

The frequency is a review-schedule rule (:mod:`fitsm.reviews.rules`): a report
covers the periods that start at ``first_period`` and each end where the rule
puts the next due date, so ``MonthlyRule(1)`` gives calendar months and
``timedelta(days=7)`` gives weeks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier, identifier_or_empty, items, text
from fitsm.clock import as_utc
from fitsm.errors import ValidationError
from fitsm.reviews.rules import ReviewRule, checked_rule, next_due

__all__ = [
    "CONTENTS",
    "RecipientAgreement",
    "ReportFormat",
    "ReportPeriod",
    "ReportSpecification",
    "SpecificationChange",
]

CONTENTS: Mapping[str, str] = MappingProxyType(
    {
        "service_performance": "performance of services against defined targets (PR3.1)",
        "significant_events": "significant events: major incidents and SLA breaches (PR3.1)",
        "nonconformities": "detected nonconformities (PR3.1)",
        "workload": "workload: cases opened and closed per kind (PR3.1)",
    }
)
"""What a report may contain: the name of each builder of :mod:`fitsm.reporting.builders`
and what it covers."""


class ReportFormat(StrEnum):
    """The format a report is delivered in (PR3.2). PDF needs the ``pdf`` extra."""

    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _first(value: datetime) -> datetime:
    return as_utc(value, "first_period")


def _ids(value: Any) -> tuple[str, ...]:
    found = items(value, "an id or a list of ids")
    for item in found:
        if not isinstance(item, str) or not item or item != item.strip():
            raise ValidationError(f"expected ids (non-empty strings), got {item!r} in {value!r}")
    if len(set(found)) != len(found):
        raise ValidationError(f"an id is named twice in {list(found)!r}")
    return found


def _contents(value: Any) -> tuple[str, ...]:
    found = _ids(value)
    for name in found:
        if name not in CONTENTS:
            raise ValidationError(
                f"unknown report content {name!r}; expected some of "
                + ", ".join(repr(c) for c in CONTENTS),
                field="content",
            )
    return found


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _agreements(value: Iterable[RecipientAgreement]) -> tuple[RecipientAgreement, ...]:
    return tuple(value)


def _history(value: Iterable[SpecificationChange]) -> tuple[SpecificationChange, ...]:
    return tuple(value)


def _start(value: datetime) -> datetime:
    return as_utc(value, "start")


def _end(value: datetime) -> datetime:
    return as_utc(value, "end")


def _format(value: object) -> ReportFormat:
    return enum_value(ReportFormat, "format")(value)


def _rule(value: Any) -> ReviewRule:
    return checked_rule(value)


def _delay(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise ValidationError(
            f"report {getattr(instance, 'id', '?')!r}: allowed_delay must be a timedelta of "
            f"zero or more, got {value!r}",
            field="allowed_delay",
        )


@attrs.frozen
class RecipientAgreement:
    """A recipient agreed to the report as specified (PR3.2): who, and when."""

    recipient: str = attrs.field(validator=identifier)
    at: datetime = attrs.field(converter=_utc)


@attrs.frozen
class SpecificationChange:
    """One change of a specification: when, by whom, what (``specified``, ``revised``,
    ``agreed``, ``terminated``), the fields it set and why."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    changes: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen)
    note: str = attrs.field(default="", validator=text)


@attrs.frozen
class ReportPeriod:
    """The period ``[start, end)`` one issue of a report covers, in UTC.

    >>> from datetime import UTC
    >>> p = ReportPeriod(datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC))
    >>> str(p)
    '2024-03-01 to 2024-04-01'
    """

    start: datetime = attrs.field(converter=_start)
    end: datetime = attrs.field(converter=_end)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise ValidationError(
                f"a report period ends after it starts, got {self.start.isoformat()} to "
                f"{self.end.isoformat()}",
                field="end",
            )

    def __str__(self) -> str:
        def shown(at: datetime) -> str:
            return at.date().isoformat() if at.time() == datetime.min.time() else at.isoformat()

        return f"{shown(self.start)} to {shown(self.end)}"


@attrs.frozen
class ReportSpecification:
    """The specification of one report (PR3.2).

    ``id`` is its identity; ``purpose`` says why it exists; ``audience`` names its
    recipients (customers, suppliers, service owners, the SMS owner, by id);
    ``frequency`` is an interval or a :class:`~fitsm.reviews.MonthlyRule`;
    ``content`` names builders of :data:`CONTENTS`; ``format`` is a
    :class:`ReportFormat`; ``channel`` is the method of delivery (``"email"``,
    ``"portal"``). ``owner`` is the report owner. ``customer`` and ``services``
    narrow what the report covers (empty: everything given to the builders).
    The first period starts at ``first_period``; an issue is late when it is not
    produced within ``allowed_delay`` after its period ends. ``agreements`` and
    ``history`` are written by the :class:`~fitsm.reporting.ReportRegister`.

    >>> from datetime import UTC
    >>> from fitsm.reviews import MonthlyRule
    >>> spec = ReportSpecification(
    ...     "sla-acme-monthly", "Monthly SLA report for ACME", purpose="SLA performance",
    ...     audience=["acme"], frequency=MonthlyRule(1), content=["service_performance"],
    ...     format="html", channel="email", owner="rita",
    ...     first_period=datetime(2024, 1, 1, tzinfo=UTC))
    >>> [str(p) for p in spec.periods(datetime(2024, 3, 15, tzinfo=UTC))]
    ['2024-01-01 to 2024-02-01', '2024-02-01 to 2024-03-01']
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=text)
    purpose: str = attrs.field(kw_only=True, validator=text)
    audience: tuple[str, ...] = attrs.field(kw_only=True, converter=_ids)
    frequency: ReviewRule = attrs.field(kw_only=True, converter=_rule)
    content: tuple[str, ...] = attrs.field(kw_only=True, converter=_contents)
    format: ReportFormat = attrs.field(kw_only=True, converter=_format)
    channel: str = attrs.field(kw_only=True, validator=text)
    first_period: datetime = attrs.field(kw_only=True, converter=_first)
    owner: str = attrs.field(default="", kw_only=True, validator=identifier_or_empty)
    allowed_delay: timedelta = attrs.field(
        default=timedelta(days=5), kw_only=True, validator=_delay
    )
    customer: str = attrs.field(default="", kw_only=True, validator=text)
    services: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_ids)
    agreements: tuple[RecipientAgreement, ...] = attrs.field(
        default=(), kw_only=True, converter=_agreements
    )
    terminated: bool = attrs.field(default=False, kw_only=True)
    history: tuple[SpecificationChange, ...] = attrs.field(
        default=(), kw_only=True, converter=_history
    )

    def __attrs_post_init__(self) -> None:
        for name in ("title", "purpose", "channel"):
            if not getattr(self, name).strip():
                raise ValidationError(f"report {self.id!r} needs a {name}", field=name)
        if not self.audience:
            raise ValidationError(
                f"report {self.id!r} needs an audience: at least one recipient (PR3.2)",
                field="audience",
            )
        if not self.content:
            raise ValidationError(
                f"report {self.id!r} needs content: some of " + ", ".join(CONTENTS),
                field="content",
            )
        strangers = [a.recipient for a in self.agreements if a.recipient not in self.audience]
        if strangers:
            raise ValidationError(
                f"report {self.id!r}: {strangers!r} agreed but are not in its audience "
                f"{list(self.audience)!r}",
                field="agreements",
            )

    @property
    def agreed_by(self) -> tuple[str, ...]:
        """The recipients who agreed to the report as specified now, in audience order."""
        agreed = {a.recipient for a in self.agreements}
        return tuple(r for r in self.audience if r in agreed)

    @property
    def agreed(self) -> bool:
        """Whether every recipient agreed to the report as specified now (PR3.2)."""
        return len(self.agreed_by) == len(self.audience)

    def period_after(self, start: datetime) -> ReportPeriod:
        """The period that starts at ``start``: it ends where the frequency's rule puts the
        next due date."""
        begin = as_utc(start, "start")
        return ReportPeriod(begin, next_due(self.frequency, begin))

    def period_at(self, at: datetime) -> ReportPeriod:
        """The period ``at`` falls in; ValidationError before the first."""
        when = as_utc(at, "at")
        if when < self.first_period:
            raise ValidationError(
                f"report {self.id!r} has no period at {when.isoformat()}: its first starts "
                f"{self.first_period.isoformat()}",
                field="at",
            )
        period = self.period_after(self.first_period)
        while period.end <= when:
            period = self.period_after(period.end)
        return period

    def periods(self, until: datetime) -> Iterator[ReportPeriod]:
        """The periods that have ended by ``until``, oldest first."""
        stop = as_utc(until, "until")
        period = self.period_after(self.first_period)
        while period.end <= stop:
            yield period
            period = self.period_after(period.end)

    def covers(self, service: str) -> bool:
        """Whether the report covers ``service`` (every service when none are named)."""
        return not self.services or service in self.services
