"""Small records the building blocks of the SMS share: a change in an item's history, an
approval, a distribution to readers, and an action someone owns.

FitSM-1 asks for documented information to be controlled through "creation and
approval", "communication and distribution", "review" and "versioning and change
tracking" (GR2.4, FitSM CC BY 4.0); these records carry the approval, the
distribution and the change tracking of every item of the SMS register.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

import attrs

from fitsm._validators import identifier, identifier_or_empty, text, to_str_tuple
from fitsm.clock import as_utc
from fitsm.errors import ValidationError

__all__ = [
    "Action",
    "Approval",
    "Distribution",
    "SmsChange",
    "actions",
    "history",
    "ids",
    "non_blank",
    "utc",
    "utc_or_none",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def utc(value: datetime) -> datetime:
    """An aware datetime in UTC (a naive one is refused)."""
    return as_utc(value, "at")


def utc_or_none(value: datetime | None) -> datetime | None:
    """An optional aware datetime in UTC (None stays None)."""
    return None if value is None else as_utc(value, "date")


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if value else _EMPTY


def ids(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    """Ids (non-empty, no surrounding white space), each named once."""
    where = f"{type(instance).__name__}.{attribute.name}"
    for item in value:
        if not item or item != item.strip():
            raise ValidationError(
                f"{where} must hold ids (non-empty strings), got {item!r}", field=attribute.name
            )
    if len(set(value)) != len(value):
        raise ValidationError(f"{where} names an id twice: {list(value)!r}", field=attribute.name)


@attrs.frozen
class SmsChange:
    """One change of an item of the SMS register: when, by whom, what (``defined``,
    ``approved``, ``communicated``, ...), the fields it set and why."""

    at: datetime = attrs.field(converter=utc)
    by: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    changes: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen)
    note: str = attrs.field(default="", validator=text)


@attrs.frozen
class Approval:
    """Who approved a version, and when (GR1.2, GR2.4)."""

    at: datetime = attrs.field(converter=utc)
    by: str = attrs.field(validator=identifier)


@attrs.frozen
class Distribution:
    """A version communicated or distributed to readers (people, teams, lists), by whom,
    when and how (GR1.2: "communicated to relevant parties"; GR2.4)."""

    at: datetime = attrs.field(converter=utc)
    by: str = attrs.field(validator=identifier)
    to: tuple[str, ...] = attrs.field(converter=to_str_tuple, validator=ids)
    channel: str = attrs.field(default="", validator=text)

    def __attrs_post_init__(self) -> None:
        if not self.to:
            raise ValidationError(
                "a distribution names at least one recipient (a person, team or list)",
                field="to",
            )


@attrs.frozen
class Action:
    """A follow-up action: what, who owns it, by when, and when it was done (GR1.3's
    "follow-up actions from management reviews", GR7.1's corrective actions)."""

    id: str = attrs.field(validator=identifier)
    description: str = attrs.field(validator=text)
    owner: str = attrs.field(default="", validator=identifier_or_empty)
    due: datetime | None = attrs.field(default=None, converter=utc_or_none)
    done: datetime | None = attrs.field(default=None, converter=utc_or_none)

    def __attrs_post_init__(self) -> None:
        if not self.description.strip():
            raise ValidationError(f"action {self.id!r} needs a description", field="description")


def actions(value: Iterable[Action]) -> tuple[Action, ...]:
    """Actions as a tuple, each id once."""
    found = tuple(value)
    for item in found:
        if not isinstance(item, Action):
            raise ValidationError(f"expected Action records, got {item!r}", field="actions")
    names = [a.id for a in found]
    if len(set(names)) != len(names):
        raise ValidationError(f"actions name an id twice: {names!r}", field="actions")
    return found


def history(value: Iterable[SmsChange]) -> tuple[SmsChange, ...]:
    """An item's history as a tuple, oldest change first."""
    return tuple(value)


def non_blank(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Text that says something (not empty or white space only)."""
    text(instance, attribute, value)
    if not value.strip():
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name} must not be empty",
            field=attribute.name,
        )
