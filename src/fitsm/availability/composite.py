"""Predicted (composite) availability of a service over the CMDB graph (PR4.1, PR4.3).

Availability requirements (PR4.1) and the measures that reduce the risk of not
meeting them (PR4.3) are judged against what the service's dependencies can give.
Every node has its own availability, the probability that it works by itself,
independently of the others (nodes not given never fail on their own). A node
*works* when it works by itself and, for an ordinary node, all its dependencies
work, or, for a redundancy group, at least ``min_up`` of its members work.

Multiplying availabilities along paths is wrong as soon as a component is shared:
two redundant web servers on one database are not independent. The exact method
builds a reduced ordered binary decision diagram (BDD) of "the node works" over one
variable per node that can fail, and weighs its paths with exact fractions. When
the diagram would grow too large, a seeded Monte Carlo estimate with a Wilson
confidence interval is given instead, and says so; a naive product never is.

>>> # composite_availability(cmdb, "shop", {"web1": 0.99, "db1": Q_(99.9, "percent")})
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Context, Decimal
from fractions import Fraction
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from fitsm._validators import shown
from fitsm.cmdb.view import required_up
from fitsm.errors import NotFoundError, ValidationError
from fitsm.units import share, to_fraction

if TYPE_CHECKING:
    import numpy.typing as npt

    from fitsm.cmdb.view import CmdbView

__all__ = ["CompositeAvailability", "Method", "composite_availability"]

Method = Literal["auto", "exact", "monte_carlo"]
"""How :func:`composite_availability` computes: exact, by sampling, or chosen by graph size."""

_METHODS = ("auto", "exact", "monte_carlo")
_FALSE = 0
_TRUE = 1
_CHUNK_CELLS = 1 << 22
"""Monte Carlo draws at most this many random numbers at once, whatever the graph size."""
_PERCENT = Context(prec=28)


@attrs.frozen
class CompositeAvailability:
    """The predicted availability of one node (PR4.1, PR4.3), and how it was found.

    ``method`` is ``"exact"`` (``value`` is the exact probability, ``diagram_size``
    the number of BDD nodes built) or ``"monte_carlo"`` (``value`` is the point
    estimate; ``low`` and ``high`` bound it at the ``confidence`` level, from
    ``samples`` draws).
    """

    node: str
    value: Fraction
    method: str
    low: Fraction | None = None
    high: Fraction | None = None
    confidence: float | None = None
    samples: int | None = None
    diagram_size: int | None = None

    @property
    def percent(self) -> Decimal:
        """``value`` in percent, to 28 significant digits (exact when it fits)."""
        return _PERCENT.divide(Decimal(self.value.numerator * 100), Decimal(self.value.denominator))


class _DiagramTooLargeError(Exception):
    """The diagram outgrew its limit; internal, turned into a fallback or a ValidationError."""


class _Diagram:
    """A reduced ordered BDD: a unique table of nodes and a memoised if-then-else.

    Node 0 is *false*, node 1 is *true*; every other node tests variable ``var[n]``
    and goes to ``high[n]`` when it is true, ``low[n]`` when false. Variables are
    numbered in their order. Children always have smaller ids than their parents.
    """

    def __init__(self, variables: int, limit: int) -> None:
        self.var = [variables, variables]
        self.low = [_FALSE, _TRUE]
        self.high = [_FALSE, _TRUE]
        self._unique: dict[tuple[int, int, int], int] = {}
        self._computed: dict[tuple[int, int, int], int] = {}
        self._limit = limit

    @property
    def size(self) -> int:
        """Non-terminal nodes built so far."""
        return len(self.var) - 2

    def variable(self, index: int) -> int:
        return self._make(index, _TRUE, _FALSE)

    def _make(self, var: int, high: int, low: int) -> int:
        if high == low:
            return low
        key = (var, high, low)
        found = self._unique.get(key)
        if found is not None:
            return found
        if len(self.var) - 2 >= self._limit:
            raise _DiagramTooLargeError
        node = len(self.var)
        self.var.append(var)
        self.high.append(high)
        self.low.append(low)
        self._unique[key] = node
        return node

    def ite(self, f: int, g: int, h: int) -> int:
        """If ``f`` then ``g`` else ``h``, without recursion (diagrams may be deep)."""
        var, high, low, computed = self.var, self.high, self.low, self._computed
        results: list[int] = []
        # ("eval", f, g, h) or ("make", var, key): a make pops high then low results
        tasks: list[tuple[bool, int, int, int]] = [(True, f, g, h)]
        keys: list[tuple[int, int, int]] = []
        while tasks:
            evaluate, a, b, c = tasks.pop()
            if not evaluate:
                lo = results.pop()
                hi = results.pop()
                made = self._make(a, hi, lo)
                computed[keys.pop()] = made
                results.append(made)
                continue
            if b == a:
                b = _TRUE
            if c == a:
                c = _FALSE
            if a == _TRUE or b == c:
                results.append(b)
                continue
            if a == _FALSE:
                results.append(c)
                continue
            if b == _TRUE and c == _FALSE:
                results.append(a)
                continue
            key = (a, b, c)
            done = computed.get(key)
            if done is not None:
                results.append(done)
                continue
            top = min(var[a], var[b], var[c])
            a1, a0 = (high[a], low[a]) if var[a] == top else (a, a)
            b1, b0 = (high[b], low[b]) if var[b] == top else (b, b)
            c1, c0 = (high[c], low[c]) if var[c] == top else (c, c)
            keys.append(key)
            tasks.append((False, top, 0, 0))
            tasks.append((True, a0, b0, c0))
            tasks.append((True, a1, b1, c1))
        return results.pop()

    def conjoin(self, f: int, g: int) -> int:
        return self.ite(f, g, _FALSE)

    def at_least(self, k: int, functions: Sequence[int]) -> int:
        """True when at least ``k`` of ``functions`` are true.

        atleast(k, [f1, ...rest]) = ITE(f1, atleast(k - 1, rest), atleast(k, rest)),
        memoised on (k, position) by filling a table from the last function back.
        """
        n = len(functions)
        if k > n:
            return _FALSE
        # row[j] = at least j of functions[i:], filled from the end backwards
        row = [_TRUE] + [_FALSE] * k
        for i in range(n - 1, -1, -1):
            f = functions[i]
            new = [_TRUE]
            for j in range(1, k + 1):
                new.append(_FALSE if j > n - i else self.ite(f, row[j - 1], row[j]))
            row = new
        return row[k]

    def probability(self, root: int, chance: Sequence[Fraction]) -> Fraction:
        """P(root is true) when variable i is true with probability ``chance[i]``."""
        if root <= _TRUE:
            return Fraction(root)
        reached = {root}
        stack = [root]
        while stack:
            node = stack.pop()
            for child in (self.high[node], self.low[node]):
                if child > _TRUE and child not in reached:
                    reached.add(child)
                    stack.append(child)
        p: dict[int, Fraction] = {_FALSE: Fraction(0), _TRUE: Fraction(1)}
        for node in sorted(reached):
            q = chance[self.var[node]]
            p[node] = q * p[self.high[node]] + (1 - q) * p[self.low[node]]
        return p[root]


def _closure(cmdb: CmdbView, node_id: str) -> tuple[list[str], list[str]]:
    """The dependency closure of ``node_id``: (depth-first preorder, postorder)."""
    succ = cmdb.succ
    pre = [node_id]
    post: list[str] = []
    seen = {node_id}
    stack = [(node_id, iter(succ[node_id]))]
    while stack:
        node, deps = stack[-1]
        for dep in deps:
            if dep not in seen:
                seen.add(dep)
                pre.append(dep)
                stack.append((dep, iter(succ[dep])))
                break
        else:
            stack.pop()
            post.append(node)
    return pre, post


def _availability(node: str, value: Any) -> Fraction:
    what = "default availability" if node == "" else f"availability of {node!r}"
    try:
        p = share(value, what)
    except ValueError as e:
        raise ValidationError(
            f"{what} must be a number or percentage between 0 and 1, got {shown(value)} ({e})"
        ) from None
    if not 0 <= p <= 1:
        raise ValidationError(f"{what} must be between 0 and 1 (0 % and 100 %), got {shown(value)}")
    return p


def _exact(
    cmdb: CmdbView, pre: list[str], post: list[str], p: Mapping[str, Fraction], limit: int
) -> tuple[Fraction, int]:
    order = [n for n in pre if 0 < p[n] < 1]
    index = {n: i for i, n in enumerate(order)}
    bdd = _Diagram(len(order), limit)
    succ, groups = cmdb.succ, cmdb.groups
    works: dict[str, int] = {}
    for node in post:
        own = _FALSE if p[node] == 0 else _TRUE if node not in index else bdd.variable(index[node])
        if own == _FALSE:
            works[node] = _FALSE
        elif node in groups:
            members = [works[m] for m in succ[node]]
            need = required_up(len(members), groups[node])
            works[node] = bdd.conjoin(own, bdd.at_least(need, members))
        else:
            f = own
            for dep in succ[node]:
                f = bdd.conjoin(f, works[dep])
                if f == _FALSE:
                    break
            works[node] = f
    value = bdd.probability(works[post[-1]], [p[n] for n in order])
    return value, bdd.size


def _monte_carlo(
    cmdb: CmdbView,
    post: list[str],
    p: Mapping[str, Fraction],
    samples: int,
    seed: int | None,
) -> int:
    """How many of ``samples`` random draws see the last node of ``post`` working."""
    succ, groups = cmdb.succ, cmdb.groups
    fallible = [n for n in post if p[n] < 1]
    row = {n: i for i, n in enumerate(fallible)}
    chance = np.array([float(p[n]) for n in fallible], dtype=np.float64)[:, None]
    users = dict.fromkeys(post, 0)
    for node in post:
        for dep in succ[node]:
            users[dep] += 1
    target = post[-1]
    rng = np.random.default_rng(seed)
    chunk = max(1, min(samples, _CHUNK_CELLS // len(post)))
    hits = 0
    left = samples
    while left:
        size = min(chunk, left)
        left -= size
        own = rng.random((len(fallible), size)) < chance
        pending = dict(users)
        state: dict[str, npt.NDArray[np.bool_]] = {}
        for node in post:
            works = own[row[node]] if node in row else np.ones(size, dtype=np.bool_)
            deps = succ[node]
            if node in groups:
                up = np.zeros(size, dtype=np.int32)
                for dep in deps:
                    up += state[dep]
                works &= up >= required_up(len(deps), groups[node])
            else:
                for dep in deps:
                    works &= state[dep]
            for dep in deps:
                pending[dep] -= 1
                if not pending[dep]:
                    del state[dep]
            state[node] = works
        hits += int(np.count_nonzero(state[target]))
    return hits


def _wilson(hits: int, n: int, confidence: float) -> tuple[Fraction, Fraction]:
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    phat = hits / n
    denominator = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n))
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    return to_fraction(low), to_fraction(high)


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"{what} must be a whole number >= 1, got {shown(value)}", field=what)
    return value


def composite_availability(
    cmdb: CmdbView,
    node_id: str,
    availabilities: Mapping[str, Any],
    *,
    default: Any = 1,
    method: Method = "auto",
    max_diagram_size: int = 1_000_000,
    samples: int = 200_000,
    confidence: float = 0.95,
    seed: int | None = None,
) -> CompositeAvailability:
    """The probability that ``node_id`` works, given each node's own availability (PR4.1, PR4.3).

    ``availabilities`` maps node ids to a number between 0 and 1 (``Fraction``,
    ``Decimal``, ``int``, ``float`` taken by its text) or a percentage such as
    ``Q_(99.9, "percent")``; nodes left out have ``default``. ``method="exact"``
    builds a decision diagram of at most ``max_diagram_size`` nodes and raises
    :class:`~fitsm.ValidationError` beyond; ``"monte_carlo"`` draws ``samples``
    random states (reproducible with ``seed``) and gives a Wilson interval at
    ``confidence``; ``"auto"`` is exact unless the diagram gets too large.
    """
    cmdb[node_id]
    if method not in _METHODS:
        raise ValidationError(
            f"method must be 'auto', 'exact' or 'monte_carlo', got {method!r}", field="method"
        )
    _whole(max_diagram_size, "max_diagram_size")
    _whole(samples, "samples")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        raise ValidationError(f"confidence must be a number, got {confidence!r}")
    if not 0 < confidence < 1:
        raise ValidationError(
            f"confidence must be strictly between 0 and 1, got {confidence!r}", field="confidence"
        )
    unknown = [n for n in availabilities if n not in cmdb.records]
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise NotFoundError(f"availabilities given for {shown}{more}: not in CMDB {cmdb.id!r}")
    given = {n: _availability(n, v) for n, v in availabilities.items()}
    fallback = _availability("", default)
    pre, post = _closure(cmdb, node_id)
    p = {n: given.get(n, fallback) for n in pre}
    if method != "monte_carlo":
        try:
            value, size = _exact(cmdb, pre, post, p, max_diagram_size)
        except _DiagramTooLargeError:
            if method == "exact":
                raise ValidationError(
                    f"the decision diagram for {node_id!r} needs more than "
                    f"max_diagram_size={max_diagram_size} nodes; raise the limit or use "
                    "method='monte_carlo'",
                    field="max_diagram_size",
                ) from None
        else:
            return CompositeAvailability(node_id, value, "exact", diagram_size=size)
    hits = _monte_carlo(cmdb, post, p, samples, seed)
    low, high = _wilson(hits, samples, float(confidence))
    return CompositeAvailability(
        node_id,
        Fraction(hits, samples),
        "monte_carlo",
        low=low,
        high=high,
        confidence=float(confidence),
        samples=samples,
    )
