"""Problems and known errors (PR10).

FitSM-0 (CC BY 4.0): a *problem* is the "underlying cause of one or more
incidents that requires further investigation to prevent incidents from
recurring or reduce the impact on services"; a *known error* is a "problem which
is not (yet) resolved, but for which the root cause has been identified and a
workaround has been found".
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import ClassVar

import attrs

from fitsm.model._validators import enum_value, to_str_tuple
from fitsm.model.cases.base import Case

__all__ = ["KnownError", "Problem", "ProblemStatus", "known_errors"]


class ProblemStatus(StrEnum):
    NEW = "new"
    CLASSIFIED = "classified"
    INVESTIGATING = "investigating"
    ROOT_CAUSE_FOUND = "root_cause_found"
    KNOWN_ERROR = "known_error"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def _status(value: object) -> ProblemStatus:
    return enum_value(ProblemStatus)(value)


@attrs.define(eq=True)
class Problem(Case):
    """A problem: registered from incident trends, investigated, resolved by a change (PR10)."""

    kind: ClassVar[str] = "problem"
    process: ClassVar[str] = "PM"
    owner_role: ClassVar[str] = "problem_owner"

    status: ProblemStatus = attrs.field(default=ProblemStatus.NEW, converter=_status)
    incidents: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    root_cause: str = ""
    workarounds: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    change: str | None = None
    """The change that resolves it."""


@attrs.frozen
class KnownError:
    """A KEDB entry: the problem, what it affects, and how to work around it (PR10.3)."""

    problem: str
    title: str
    root_cause: str
    workarounds: tuple[str, ...]
    service: str | None
    cis: tuple[str, ...]


def known_errors(
    problems: Iterable[Problem], *, ci: str | None = None, service: str | None = None
) -> list[KnownError]:
    """The known errors and workarounds for a CI or a service (PR10.4, used by PR9.2)."""
    found = []
    for p in problems:
        if p.status != ProblemStatus.KNOWN_ERROR:
            continue
        if ci is not None and ci not in p.cis:
            continue
        if service is not None and service != p.service:
            continue
        found.append(KnownError(p.id, p.title, p.root_cause, p.workarounds, p.service, p.cis))
    return found
