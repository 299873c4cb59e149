"""The CMDB's read interface, and the redundancy rule every reader applies.

Impact analysis, outage derivation, composite availability, SLA alignment,
verification and the stores read a CMDB through :class:`CmdbView` only: its
records, its dependencies in both directions and its redundancy groups. A
:class:`~fitsm.cmdb.Cmdb` is one; so is anything else with these members (a
read model kept by an application, for example).

The k-of-n rule lives here once: :func:`down_threshold` says how many of a
node's dependencies must be down for the node to be down, and
:func:`required_up` the same from the other side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from fitsm.cmdb.configuration import Node, NodeKind

__all__ = ["DEGRADED", "DOWN", "UP", "Adjacency", "CmdbView", "down_threshold", "required_up"]

_T = TypeVar("_T")

UP = 0
"""A node's state as the engines count it: working."""
DEGRADED = 1
"""Working worse: a redundancy group below full strength, or something relying on one."""
DOWN = 2
"""Not working."""

Adjacency = Mapping[str, Mapping[str, Mapping[str, str]]]
"""``adjacency[a][b]`` is the data (``{"type": ...}``) of the relationship between a and b."""


class CmdbView(Protocol):
    """What a reader of a CMDB may rely on. The mappings are live and must not be changed.

    >>> from fitsm.cmdb import Cmdb
    >>> view: CmdbView = Cmdb()
    >>> view.revision
    0
    """

    @property
    def id(self) -> str:
        """The CMDB's id."""

    @property
    def revision(self) -> int:
        """A number that changes with every change of the graph (for caches)."""

    @property
    def records(self) -> Mapping[str, Node]:
        """Every node's record by id, in insertion order."""

    @property
    def succ(self) -> Adjacency:
        """``succ[a]``: what ``a`` depends on (networkx's name for successors)."""

    @property
    def pred(self) -> Adjacency:
        """``pred[b]``: what depends on ``b``."""

    @property
    def groups(self) -> Mapping[str, int]:
        """Each redundancy group's ``min_up``; its members are ``succ[group]``."""

    def __getitem__(self, node_id: str) -> Node:
        """The record of ``node_id``; :class:`~fitsm.errors.NotFoundError` if there is none."""

    def __contains__(self, node_id: object) -> bool: ...

    def nodes(self, kind: NodeKind | str | None = None) -> Iterator[Node]:
        """All records, or those of one kind, in insertion order."""

    def derived(
        self,
        key: str,
        build: Callable[[], _T],
        *,
        structural: bool = False,
        follow: Callable[[_T, Sequence[Any]], _T | None] | None = None,
    ) -> _T:
        """``build()``, remembered under ``key`` until the graph next changes (with
        ``structural=True``: until its shape changes, not its names or attributes);
        ``follow(value, entries)`` may bring it up to date with the journal entries
        recorded since instead."""


def down_threshold(dependencies: int, min_up: int | None) -> int:
    """How many of a node's ``dependencies`` must be down for it to be down.

    An ordinary node (``min_up`` None) needs every dependency: one down is enough.
    A redundancy group of n members needs ``min_up`` of them up, so it is down
    once ``n - min_up + 1`` are down (and never needs fewer than one).

    >>> down_threshold(3, None), down_threshold(3, 2), down_threshold(3, 3)
    (1, 2, 1)
    """
    if min_up is None:
        return 1
    return max(1, dependencies - min_up + 1)


def required_up(dependencies: int, min_up: int | None) -> int:
    """How many of a node's ``dependencies`` must be up for it to work.

    >>> required_up(3, None), required_up(3, 2)
    (3, 2)
    """
    return dependencies - down_threshold(dependencies, min_up) + 1
