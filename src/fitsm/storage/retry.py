"""Trying a unit of work again when a concurrent writer won (``ConflictError``).

A conflict means nothing was written and the data changed since it was read:
the work must load again and redo its change, so the whole function is retried,
with exponential backoff and jitter (by ``stamina``), a bounded number of times.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fitsm.errors import ConflictError, ValidationError

__all__ = ["retrying"]

_T = TypeVar("_T")


def retrying(work: Callable[[], _T], *, attempts: int = 5, timeout: float = 30.0) -> _T:
    """``work()``, called again while it raises ConflictError, at most ``attempts`` times.

    ``work`` must open its own unit of work, so that each attempt reads afresh;
    the last ConflictError is raised when the attempts or ``timeout`` seconds
    are used up. Other errors are raised at once.

    >>> from fitsm import Service, ServicePortfolio, open_store
    >>> store = open_store("memory://")
    >>> def add_portfolio() -> str:
    ...     with store.unit_of_work(actor="ann") as uow:
    ...         uow.portfolios.add(ServicePortfolio("main"))
    ...         uow.commit()
    ...     return "added"
    >>> retrying(add_portfolio)
    'added'
    """
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        raise ValidationError(f"attempts must be a whole number of at least 1, got {attempts!r}")
    import stamina  # only programs that retry pay for it

    for attempt in stamina.retry_context(on=ConflictError, attempts=attempts, timeout=timeout):
        with attempt:
            return work()
    raise AssertionError("unreachable: stamina raises the last error")  # pragma: no cover
