"""Problem candidates from incident trends (PR10.1)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from fitsm.cases.incidents import Incident
from fitsm.clock import as_utc
from fitsm.errors import ValidationError

__all__ = ["ProblemCandidate", "problem_candidates"]

_KEYS = ("ci", "service", "category")


@attrs.frozen
class ProblemCandidate:
    """A recurring pattern: the incidents sharing one CI, service or category in a window."""

    by: str
    value: str
    incidents: tuple[str, ...]
    first: datetime
    last: datetime

    @property
    def count(self) -> int:
        return len(self.incidents)


def problem_candidates(
    incidents: Iterable[Incident],
    start: datetime,
    end: datetime,
    *,
    min_incidents: int = 3,
    by: Iterable[str] = _KEYS,
) -> list[ProblemCandidate]:
    """Group the incidents registered in ``[start, end)`` by CI, service and category and
    propose a problem for each group of at least ``min_incidents``, largest first."""
    lo, hi = as_utc(start, "start"), as_utc(end, "end")
    keys = tuple(by)
    for key in keys:
        if key not in _KEYS:
            raise ValidationError(f"cannot group incidents by {key!r}; expected one of {_KEYS}")
    if min_incidents < 1:
        raise ValidationError(f"min_incidents must be at least 1, got {min_incidents}")
    groups: dict[tuple[str, str], list[Incident]] = {}
    for incident in incidents:
        if incident.kind != "incident" or not lo <= incident.registered_at < hi:
            continue
        values = {
            "ci": incident.cis,
            "service": (incident.service,) if incident.service else (),
            "category": (incident.category,) if incident.category else (),
        }
        for key in keys:
            for value in values[key]:
                groups.setdefault((key, value), []).append(incident)
    found = [
        ProblemCandidate(
            key,
            value,
            tuple(i.id for i in sorted(members, key=lambda i: i.registered_at)),
            min(i.registered_at for i in members),
            max(i.registered_at for i in members),
        )
        for (key, value), members in groups.items()
        if len(members) >= min_incidents
    ]
    found.sort(key=lambda c: (-c.count, _KEYS.index(c.by), c.value))
    return found
