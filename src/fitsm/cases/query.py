"""Which cases: the read side's question, answered the same way by every store.

A :class:`CaseQuery` names the cases wanted (by case type, status, open or not,
service, CI, owner, assignee, priority, and when they were opened); a store
answers ``uow.cases.find(query, limit=..., after=...)`` from indexed columns,
oldest first (or newest first), a page at a time. :meth:`CaseQuery.matches` is
the meaning every store keeps.

>>> from datetime import UTC, datetime
>>> from fitsm.cases import Incident
>>> case = Incident("INC-1", "Mail is down", datetime(2026, 1, 5, tzinfo=UTC), "ann",
...                 service="mail")
>>> CaseQuery(kind="incident", service="mail", open=True).matches(case)
True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from fitsm._validators import shown
from fitsm.cases.base import Case
from fitsm.cases.kinds import lifecycle_of
from fitsm.clock import as_utc
from fitsm.errors import ValidationError

__all__ = ["CaseQuery", "is_open", "page_key"]


def _names(value: str | Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset({value})
    try:
        names = frozenset(value)
    except TypeError:
        raise ValidationError(f"expected a name or several, got {shown(value)}") from None
    if not names or not all(isinstance(n, str) for n in names):
        raise ValidationError(f"expected a name or several, got {shown(value)}")
    return names


def _name(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"expected a name, got {shown(value)}")
    return value


def _instant(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value, "opened_from/opened_to")


def _open(value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise ValidationError(f"open must be True, False or None, got {shown(value)}")
    return value


def is_open(case: Case) -> bool:
    """Whether the case has not reached a final status of its lifecycle."""
    return str(case.status) not in lifecycle_of(case).finals


def page_key(case: Case) -> tuple[datetime, str]:
    """The order of query results: when the case was opened, then its id."""
    return case.registered_at, case.id


@attrs.frozen
class CaseQuery:
    """The cases wanted; every criterion given must hold (None: any).

    ``kind``, ``status`` and ``priority`` take one value or several; ``ci``
    matches cases whose CIs include it; ``opened_from`` and ``opened_to`` bound
    the registration time as ``[from, to)``.
    """

    kind: frozenset[str] | None = attrs.field(default=None, converter=_names)
    status: frozenset[str] | None = attrs.field(default=None, converter=_names)
    open: bool | None = attrs.field(default=None, converter=_open)
    service: str | None = attrs.field(default=None, converter=_name)
    ci: str | None = attrs.field(default=None, converter=_name)
    owner: str | None = attrs.field(default=None, converter=_name)
    assignee: str | None = attrs.field(default=None, converter=_name)
    priority: frozenset[str] | None = attrs.field(default=None, converter=_names)
    opened_from: datetime | None = attrs.field(default=None, converter=_instant)
    opened_to: datetime | None = attrs.field(default=None, converter=_instant)

    def matches(self, case: Case) -> bool:
        """Whether ``case`` is one of the cases wanted."""
        checks: list[tuple[Any, Any]] = [
            (self.service, case.service),
            (self.owner, case.owner),
            (self.assignee, getattr(case, "assignee", None)),
        ]
        if any(wanted is not None and wanted != value for wanted, value in checks):
            return False
        if self.kind is not None and case.kind not in self.kind:
            return False
        if self.status is not None and str(case.status) not in self.status:
            return False
        priority = getattr(case, "priority", None)
        if self.priority is not None and priority not in self.priority:
            return False
        if self.ci is not None and self.ci not in case.cis:
            return False
        if self.opened_from is not None and case.registered_at < self.opened_from:
            return False
        if self.opened_to is not None and case.registered_at >= self.opened_to:
            return False
        return self.open is None or is_open(case) == self.open
