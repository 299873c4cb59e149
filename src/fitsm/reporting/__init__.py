"""Service reporting (PR3): report specifications, builders, rendering, and the evidence of
reports produced and delivered.

Reports are identified and specified (identity, purpose, audience, frequency,
content, format, method of delivery, owner) and agreed with their recipients
(PR3.2); builders assemble what FitSM asks reports to cover, from data passed in:
service performance against targets, significant events, nonconformities and
workload (PR3.1); a report renders to Markdown and HTML; producing and
delivering it is recorded, and the register says which reports are due or late
(PR3.3).
"""

from fitsm.reporting.builders import (
    EventRow,
    NonconformityRow,
    PerformanceRow,
    WorkloadRow,
    closed_at,
    nonconformities,
    service_performance,
    significant_events,
    workload,
)
from fitsm.reporting.register import Delivery, DueReport, DueStatus, Production, ReportRegister
from fitsm.reporting.rendering import Image, digest, to_html, to_markdown
from fitsm.reporting.reports import Report, build_report, period_label, summarise
from fitsm.reporting.sections import CHART_KINDS, ChartRequest, Section
from fitsm.reporting.specifications import (
    CONTENTS,
    RecipientAgreement,
    ReportFormat,
    ReportPeriod,
    ReportSpecification,
    SpecificationChange,
)

__all__ = [
    "CHART_KINDS",
    "CONTENTS",
    "ChartRequest",
    "Delivery",
    "DueReport",
    "DueStatus",
    "EventRow",
    "Image",
    "NonconformityRow",
    "PerformanceRow",
    "Production",
    "RecipientAgreement",
    "Report",
    "ReportFormat",
    "ReportPeriod",
    "ReportRegister",
    "ReportSpecification",
    "Section",
    "SpecificationChange",
    "WorkloadRow",
    "build_report",
    "closed_at",
    "digest",
    "nonconformities",
    "period_label",
    "service_performance",
    "significant_events",
    "summarise",
    "to_html",
    "to_markdown",
    "workload",
]
