"""One recorded change of an item of the finance register: who, when, what and why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

import attrs

from fitsm._validators import identifier, text
from fitsm.clock import as_utc

__all__ = ["FinanceChange"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if value else _EMPTY


@attrs.frozen
class FinanceChange:
    """One change of a cost, an allocation choice, a price or a roadmap entry: when, by
    whom, what (``added``, ``revised``, ``chosen``, ``priced``, ``planned``, ``cancelled``,
    ...), the fields it set and why."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    changes: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen)
    note: str = attrs.field(default="", validator=text)


def history(value: Iterable[FinanceChange]) -> tuple[FinanceChange, ...]:
    """The converter of every record's ``history`` field."""
    return tuple(value)
