"""Improvements (PR14) and customer complaints (PR7.5): registered, evaluated, decided, done."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

import attrs

from fitsm.model._validators import enum_value
from fitsm.model.cases.base import Case

__all__ = ["Complaint", "Improvement", "ImprovementStatus"]


class ImprovementStatus(StrEnum):
    NEW = "new"
    EVALUATED = "evaluated"
    APPROVED = "approved"
    REJECTED = "rejected"
    IMPLEMENTING = "implementing"
    CLOSED = "closed"


def _status(value: object) -> ImprovementStatus:
    return enum_value(ImprovementStatus)(value)


@attrs.define(eq=True)
class Improvement(Case):
    """An opportunity for improvement (PR14.1-PR14.3)."""

    kind: ClassVar[str] = "improvement"
    process: ClassVar[str] = "CSI"
    owner_role: ClassVar[str] = "improvement_owner"

    status: ImprovementStatus = attrs.field(default=ImprovementStatus.NEW, converter=_status)
    source: str = ""
    """Where it came from: a report, a measurement, an assessment or audit (PR14.1)."""
    evaluation: str = ""
    actions: str = ""
    decided_by: str | None = None
    outcome: str = ""


@attrs.define(eq=True)
class Complaint(Improvement):
    """A service complaint from a customer (PR7.5)."""

    kind: ClassVar[str] = "complaint"
    process: ClassVar[str] = "CRM"
    owner_role: ClassVar[str] = "complaint_owner"

    customer: str = ""
