"""A report for one period, assembled from its specification's content (PR3.1, PR3.3).

:func:`build_report` calls the builders a specification names, in its order,
with the data given, and returns a :class:`Report`: the sections, the period,
and a summary of the counts the sections contribute. Rendering it is
:mod:`fitsm.reporting.rendering`; recording that it was produced and delivered is
the :class:`~fitsm.reporting.ReportRegister`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from fitsm.availability.measurement import Outage, OutageLog
from fitsm.cases.base import Case
from fitsm.errors import NotFoundError, ValidationError
from fitsm.reporting.builders import (
    nonconformities,
    service_performance,
    significant_events,
    workload,
)
from fitsm.reporting.sections import Section
from fitsm.reporting.specifications import ReportPeriod, ReportSpecification
from fitsm.reviews.rules import MonthlyRule
from fitsm.service_levels.evaluation import Evaluation

__all__ = ["Report", "build_report", "period_label", "summarise"]


def period_label(spec: ReportSpecification, period: ReportPeriod) -> str:
    """How a person names the period: the month (``"2024-03"``) for a monthly report,
    counted in its rule's zone; else its start and end dates.

    >>> from datetime import UTC
    >>> spec = ReportSpecification("r", "R", purpose="p", audience=["a"],
    ...     frequency=MonthlyRule(1, zone="Europe/Berlin"), content=["workload"],
    ...     format="markdown", channel="email",
    ...     first_period=datetime(2024, 2, 29, 23, tzinfo=UTC))
    >>> period_label(spec, spec.period_after(spec.first_period))
    '2024-03'
    """
    rule = spec.frequency
    if isinstance(rule, MonthlyRule) and rule.months == 1:
        local = period.start.astimezone(ZoneInfo(rule.zone))
        return f"{local:%Y-%m}"
    return str(period)


def _sections(value: Iterable[Section]) -> tuple[Section, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class Report:
    """One issue of a report: its specification's id, title and format, the period it
    covers and the sections in the specification's order."""

    report_id: str
    title: str
    period: ReportPeriod
    label: str
    sections: tuple[Section, ...] = attrs.field(converter=_sections)
    audience: tuple[str, ...] = ()
    customer: str = ""

    @property
    def counts(self) -> dict[str, int]:
        """The counts of every section together (``services``, ``breaches``, ``incidents``,
        ...)."""
        found: dict[str, int] = {}
        for section in self.sections:
            for key, value in section.counts.items():
                found[key] = found.get(key, 0) + value
        return found

    def section(self, key: str) -> Section:
        """The section a builder made; NotFoundError if the report has none."""
        for section in self.sections:
            if section.key == key:
                return section
        raise NotFoundError(f"report {self.report_id!r} has no section {key!r}")

    def summary(self) -> str:
        """The counts in words: ``"2 services, 1 breach, 0 major incidents, 14 incidents"``."""
        return summarise(self.counts)


_SUMMARY = (
    ("services", "service", "services"),
    ("breaches", "breach", "breaches"),
    ("major_incidents", "major incident", "major incidents"),
    ("incidents", "incident", "incidents"),
    ("nonconformities", "nonconformity", "nonconformities"),
)


def summarise(counts: Mapping[str, int]) -> str:
    """A report's counts in words, in a fixed order, those it has.

    >>> summarise({"incidents": 14, "services": 2, "breaches": 1})
    '2 services, 1 breach, 14 incidents'
    """
    return ", ".join(
        f"{counts[key]} {one if counts[key] == 1 else many}"
        for key, one, many in _SUMMARY
        if key in counts
    )


def build_report(
    spec: ReportSpecification,
    period: ReportPeriod | datetime,
    *,
    evaluation: Evaluation | None = None,
    cases: Iterable[Case] = (),
    findings: Iterable[Any] = (),
    outages: OutageLog | Iterable[Outage] | None = None,
    history: Mapping[str, Evaluation] | None = None,
) -> Report:
    """The report ``spec`` asks for, for ``period`` (a :class:`ReportPeriod`, or an instant
    inside the period), from the data given: ``evaluation`` for service performance and SLA
    breaches, ``cases`` for major incidents and workload, ``findings`` for
    nonconformities, ``outages`` and ``history`` for the charts. Only the specification's
    services are covered when it names some."""
    if not isinstance(spec, ReportSpecification):
        raise ValidationError(f"expected a ReportSpecification, got {spec!r}", field="spec")
    if spec.terminated:
        raise ValidationError(f"report {spec.id!r} is terminated; it is produced no more")
    wanted = period if isinstance(period, ReportPeriod) else spec.period_at(period)
    expected = spec.period_after(wanted.start)
    if wanted != expected:
        raise ValidationError(
            f"report {spec.id!r} has no period {wanted}; its periods follow its frequency, "
            f"e.g. {expected}",
            field="period",
        )
    if evaluation is not None and (evaluation.start, evaluation.end) != (
        wanted.start,
        wanted.end,
    ):
        raise ValidationError(
            f"the evaluation covers {evaluation.start.isoformat()} to "
            f"{evaluation.end.isoformat()}, not the report's period {wanted}",
            field="evaluation",
        )
    case_list = list(cases)
    sections: list[Section] = []
    for content in spec.content:
        if content == "service_performance":
            if evaluation is None:
                raise ValidationError(
                    f"report {spec.id!r} shows service performance: give the evaluation of "
                    "its period (fitsm.service_levels.evaluate)",
                    field="evaluation",
                )
            sections.append(
                service_performance(
                    evaluation, services=spec.services, outages=outages, history=history
                )
            )
        elif content == "significant_events":
            sections.append(
                significant_events(
                    wanted.start,
                    wanted.end,
                    cases=case_list,
                    evaluation=evaluation,
                    services=spec.services,
                )
            )
        elif content == "nonconformities":
            sections.append(nonconformities(findings))
        else:
            sections.append(
                workload(
                    case_list, wanted.start, wanted.end, services=spec.services, kinds=("incident",)
                )
            )
    return Report(
        spec.id,
        spec.title,
        wanted,
        period_label(spec, wanted),
        sections,
        spec.audience,
        spec.customer,
    )
