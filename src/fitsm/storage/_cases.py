"""What the case repositories of every backend share: the paging rules of ``find`` and
the check that a case written follows its lifecycle."""

from __future__ import annotations

from collections.abc import Iterable

from fitsm.cases.base import Case, HistoryEntry
from fitsm.cases.kinds import lifecycle_of
from fitsm.cases.query import CaseQuery, page_key
from fitsm.errors import InvalidTransitionError, ValidationError

__all__ = ["checked_paging", "checked_write", "page"]


def checked_write(case: Case, stored: tuple[HistoryEntry, ...]) -> None:
    """Refuse to write ``case`` unless its history leads to its status and keeps the
    ``stored`` history as it was: a history only grows (GR2.3)."""
    lifecycle_of(case).check_history(case)
    if case.history[: len(stored)] != stored:
        raise InvalidTransitionError(
            f"{case.kind} {case.id!r}: its stored history of {len(stored)} entries was "
            "changed; a history only grows"
        )


def checked_paging(query: object, limit: object, after: object) -> CaseQuery:
    """The query, with ``limit`` and ``after`` checked."""
    if not isinstance(query, CaseQuery):
        raise ValidationError(f"expected a CaseQuery, got {query!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValidationError(f"limit must be a whole number of at least 1, got {limit!r}")
    if after is not None and not isinstance(after, Case):
        raise ValidationError(f"after must be the last case of the previous page, got {after!r}")
    return query


def page(
    cases: Iterable[Case],
    query: CaseQuery,
    *,
    limit: int | None,
    after: Case | None,
    newest_first: bool,
) -> list[Case]:
    """The cases that match, in page order, after ``after``, at most ``limit`` of them."""
    found = sorted((c for c in cases if query.matches(c)), key=page_key, reverse=newest_first)
    if after is not None:
        mark = page_key(after)
        found = [c for c in found if (page_key(c) < mark if newest_first else page_key(c) > mark)]
    return found if limit is None else found[:limit]
