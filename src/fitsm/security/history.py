"""One recorded change of an item of the security register: when, by whom, what and why.

GR2.3 asks that the execution of key activities is recorded; every operation of
:class:`~fitsm.security.SecurityRegister` appends one :class:`SecurityChange` to
the item it changes (an asset, a policy, a control).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import Any

import attrs

from fitsm._validators import identifier, text
from fitsm.clock import as_utc

__all__ = ["SecurityChange", "changes", "plain"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if value else _EMPTY


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


@attrs.frozen
class SecurityChange:
    """One change of an asset, policy or control: when, by whom, what (``added``,
    ``described``, ``classified``, ``approved``, ...), the fields it set and why."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    changes: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen)
    note: str = attrs.field(default="", validator=text)


def changes(value: Iterable[SecurityChange]) -> tuple[SecurityChange, ...]:
    """A history as the records keep it: a tuple."""
    return tuple(value)


def plain(value: Any) -> Any:
    """A value as a history keeps it: enums as their value, records as their fields."""
    if isinstance(value, Enum):
        return value.value
    if attrs.has(type(value)):
        return {k: plain(v) for k, v in attrs.asdict(value, recurse=False).items()}
    return value
