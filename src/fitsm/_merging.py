"""Merging two writers' changes to an aggregate whose items are each a unit of change,
and keeping each item's history in the order things happened.

The registers keep items by key; a writer who loaded ``base`` and changed some
items commits on top of what others stored since, unless both changed the same
item.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from fitsm.errors import ConflictError, ValidationError

__all__ = ["after_last", "merge_items"]

K = TypeVar("K", bound=Hashable)


class _Step(Protocol):
    @property
    def at(self) -> datetime: ...
    @property
    def action(self) -> str: ...
    @property
    def by(self) -> str: ...


S = TypeVar("S", bound=_Step)


def after_last(what: str, history: Sequence[_Step], change: S) -> S:
    """``change`` if it is dated at or after the last entry of ``history``, else a
    ValidationError naming ``what`` and that entry: an item's history stays in the
    order things happened."""
    last = history[-1] if history else None
    if last is not None and change.at < last.at:
        raise ValidationError(
            f"a change to {what} dated {change.at.isoformat()} is before its last change "
            f"({last.action} at {last.at.isoformat()} by {last.by!r}); expected a time at or "
            "after it",
            field="at",
        )
    return change


def merge_items(
    ours: Mapping[K, Any],
    stored: Mapping[K, Any],
    base: Mapping[K, Any],
    conflict: Callable[[list[K]], str],
) -> dict[K, Any]:
    """``stored`` with the items ``ours`` changed or added since ``base``.

    ConflictError (with ``conflict(keys)`` as its message) when ``stored`` changed
    one of them too.

    >>> merge_items({"a": 2, "b": 1}, {"a": 1, "b": 3}, {"a": 1, "b": 1}, str)
    {'a': 2, 'b': 3}
    """
    mine = {k for k, v in ours.items() if base.get(k) != v}
    theirs = {k for k, v in stored.items() if base.get(k) != v}
    both = sorted(mine & theirs, key=str)
    if both:
        raise ConflictError(conflict(both))
    merged = dict(stored)
    for key in mine:
        merged[key] = ours[key]
    return merged
