"""What every case has: an id, a status, an owner, and a history that only grows.

A *case* is FitSM-3's word for the things a case owner owns: an incident, a
service request, a problem, a change, a release, an improvement, a complaint.
The status moves only through the case type's lifecycle (``fitsm.cases.kinds``),
and every move appends a :class:`HistoryEntry` that cannot be edited afterwards
(GR2.3: the execution of key activities is recorded). A list of cases (a query's
answer) is a table through ``Case.columns`` or ``fitsm.tables.frame(cases)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, Self

import attrs

from fitsm._validators import (
    check_fields,
    frozen_mapping,
    identifier,
    optional_identifier,
    text,
    to_id_tuple,
)
from fitsm.clock import as_utc
from fitsm.tables import Column, Columns

__all__ = ["Case", "HistoryEntry"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(value, Mapping) and not value:
        return _EMPTY
    return frozen_mapping(value, "a mapping of field to value")


def _at(value: datetime) -> datetime:
    return as_utc(value, "at")


@attrs.frozen
class HistoryEntry:
    """One accepted transition: who, when, which event, from and to which status, why.

    ``changes`` holds the case fields the transition set (a priority, an assignee, ...).
    """

    at: datetime = attrs.field(converter=_at)
    actor: str
    event: str
    source: str
    target: str
    note: str = ""
    changes: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen)

    def __attrs_post_init__(self) -> None:
        check_fields(self)


def _aware(value: datetime) -> datetime:
    return as_utc(value, "registered_at")


def _priority(case: Case) -> str | None:
    return getattr(case, "priority", None)


def _cis(case: Case) -> str:
    return ", ".join(case.cis)


def _updated_at(case: Case) -> datetime:
    return case.history[-1].at if case.history else case.registered_at


@attrs.define(eq=True)
class Case:
    """Fields every case type shares. Subclasses add their own and name their lifecycle.

    As a row of a table (``Case.columns``): ``id``, ``kind``, ``status``,
    ``title``, ``service``, ``owner``, ``priority`` (empty for case types
    without one), ``category``, ``cis`` (the ids joined with ``", "``),
    ``registered_at``, ``registered_by``, and ``updated_at``, the time of the
    last history entry.
    """

    columns: ClassVar[Columns] = Columns(
        Column("id", "string"),
        Column("kind", "string"),
        Column("status", "string"),
        Column("title", "string"),
        Column("service", "string", nullable=True),
        Column("owner", "string", nullable=True),
        Column("priority", "string", _priority, nullable=True),
        Column("category", "string"),
        Column("cis", "string", _cis),
        Column("registered_at", "instant"),
        Column("registered_by", "string"),
        Column("updated_at", "instant", _updated_at),
    )
    """The table of cases: one row each, whatever their type."""

    kind: ClassVar[str] = "case"
    process: ClassVar[str] = ""
    """The FitSM process the case belongs to (its abbreviation, e.g. ``"ISRM"``)."""
    owner_role: ClassVar[str] = ""

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=text)
    registered_at: datetime = attrs.field(converter=_aware)
    registered_by: str = attrs.field(validator=text)
    status: StrEnum = attrs.field(default=None)
    owner: str | None = attrs.field(default=None, validator=optional_identifier)
    service: str | None = attrs.field(default=None, validator=optional_identifier)
    cis: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple)
    category: str = ""
    history: tuple[HistoryEntry, ...] = ()
    version: int = 0

    def __attrs_post_init__(self) -> None:
        # every field of every case type is checked against its annotation, here once
        check_fields(self)

    def copy(self) -> Self:
        """An independent copy (field values are immutable, so a shallow copy is)."""
        cls = type(self)
        new = cls.__new__(cls)
        for field in cls.__attrs_attrs__:
            object.__setattr__(new, field.name, getattr(self, field.name))
        return new

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id!r} {self.status}>"
