"""Every case has an owner (FitSM-3): the cases in scope that have none.

Roles held for one case (its owner, a major incident's coordinator) are fields
of the case, so the role model stays the size of the organisation, not of the
case history.
"""

from __future__ import annotations

from collections.abc import Iterable

from fitsm.cases.base import Case
from fitsm.roles import RoleFinding

__all__ = ["unowned"]


def unowned(cases: Iterable[Case]) -> list[RoleFinding]:
    """A ``no_case_owner`` finding for each case without an owner, in the order given.

    >>> from datetime import UTC, datetime
    >>> from fitsm.cases import Incident
    >>> [f.message for f in unowned([Incident("INC-7", "x", datetime(2026, 1, 5, tzinfo=UTC),
    ...                                        "ann")])]
    ["case 'INC-7' has no incident owner"]
    """
    return [
        RoleFinding(
            "no_case_owner", case.id, f"case {case.id!r} has no {case.owner_role.replace('_', ' ')}"
        )
        for case in cases
        if not case.owner
    ]
