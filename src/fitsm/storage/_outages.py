"""What the outage repositories of every backend share: the records and closes a unit
of work holds until commit, the overlap rule, and the order queries return."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime

import attrs

from fitsm.availability.measurement import Outage
from fitsm.clock import as_utc
from fitsm.errors import DuplicateError, ValidationError

__all__ = ["PendingOutages", "overlaps", "period", "sort_key"]


def period(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC, checked."""
    start, end = as_utc(start, "start"), as_utc(end, "end")
    if end < start:
        raise ValidationError(
            f"the period ends before it starts: {start.isoformat()} to {end.isoformat()}"
        )
    return start, end


def overlaps(outage: Outage, start: datetime, end: datetime) -> bool:
    """Whether ``outage`` (ongoing ones last for ever) overlaps ``[start, end)``."""
    return outage.start < end and (outage.end is None or outage.end > start)


def sort_key(outage: Outage) -> tuple[datetime, str]:
    return outage.start, outage.id


class PendingOutages:
    """The outages one unit of work recorded or ended, not yet committed."""

    def __init__(self) -> None:
        self.new: dict[str, Outage] = {}
        self.closed: dict[str, Outage] = {}
        """id -> the outage as ended, for outages that were stored ongoing."""

    def record(self, outages: Iterable[Outage], stored: Callable[[str], bool]) -> list[str]:
        """Give each outage an id (checked against ``stored``) and hold it for the commit."""
        checked: dict[str, Outage] = {}
        for outage in outages:
            if not isinstance(outage, Outage):
                raise ValidationError(f"expected an Outage, got {outage!r}")
            if not outage.id:
                outage = attrs.evolve(outage, id=uuid.uuid4().hex)
            elif outage.id in self.new or outage.id in checked or stored(outage.id):
                raise DuplicateError(f"an outage with id {outage.id!r} is already recorded")
            checked[outage.id] = outage
        self.new.update(checked)
        return list(checked)

    def get(self, id: str) -> Outage | None:
        return self.new.get(id) or self.closed.get(id)

    def close(self, outage: Outage, end: datetime) -> Outage:
        """Hold ``outage`` (as stored, or recorded here) ended at ``end``."""
        ended = outage.ended(end)
        if outage.id in self.new:
            self.new[outage.id] = ended
        else:
            self.closed[outage.id] = ended
        return ended

    def merged(
        self, found: Iterable[Outage], start: datetime, end: datetime, wanted: set[str] | None
    ) -> list[Outage]:
        """``found`` (committed rows of the query) with this unit of work's changes applied."""
        out = [self.closed.get(o.id, o) for o in found]
        out += [o for o in self.new.values() if wanted is None or o.subject in wanted]
        out = [o for o in out if overlaps(o, start, end)]  # an ending here may leave the period
        out.sort(key=sort_key)
        return out

    def clear(self) -> None:
        self.new.clear()
        self.closed.clear()
