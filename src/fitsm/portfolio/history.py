"""One change of a product register item: who, when, what, why (GR2.3).

Proposals, toll-gates and strategies each keep the changes made to them, in the
order they were made; :class:`ProductChange` is one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

import attrs

from fitsm._merging import after_last as merged_after_last
from fitsm._validators import identifier, text
from fitsm.clock import as_utc

__all__ = ["ProductChange", "after_last"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if value else _EMPTY


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


@attrs.frozen
class ProductChange:
    """One change: when, by whom, the action (``proposed``, ``evaluated``, ``decided``,
    ``defined``, ``retired``, ``set``, ``reviewed`` ...), the fields it set and why."""

    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    changes: Mapping[str, Any] = attrs.field(default=_EMPTY, converter=_frozen)
    note: str = attrs.field(default="", validator=text)


def after_last(
    what: str, history: tuple[ProductChange, ...], change: ProductChange
) -> ProductChange:
    """``change`` if it is dated at or after the last one of ``history``; a history stays
    in the order things happened."""
    return merged_after_last(what, history, change)
