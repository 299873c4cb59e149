"""Merging two writers' changes to an aggregate whose items are each a unit of change.

Review schedules and the risk register keep items by key; a writer who loaded
``base`` and changed some items commits on top of what others stored since, unless
both changed the same item.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from fitsm.errors import ConflictError

__all__ = ["merge_items"]

K = TypeVar("K", bound=Hashable)


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
