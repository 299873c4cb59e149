"""The schedule of changes (PR12.6), with its conflicts flagged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

import attrs

from fitsm.cases.base import Case
from fitsm.cases.changes import Change, ChangeStatus
from fitsm.cmdb.analysis import dependencies
from fitsm.errors import ValidationError
from fitsm.tables import Column, Columns, Rows
from fitsm.time.calendar import BusinessCalendar

if TYPE_CHECKING:
    from fitsm.cmdb.view import CmdbView

__all__ = ["ScheduleConflict", "change_schedule", "schedule_conflicts"]

_SCHEDULABLE = {ChangeStatus.APPROVED, ChangeStatus.SCHEDULED, ChangeStatus.IMPLEMENTED}
_PROBLEMS = ("same_ci", "dependent_cis", "outside_maintenance")


def _first(conflict: ScheduleConflict) -> str:
    return conflict.changes[0]


def _second(conflict: ScheduleConflict) -> str | None:
    return conflict.changes[1] if len(conflict.changes) > 1 else None


@attrs.frozen
class ScheduleConflict:
    """Two changes that collide, or one that falls outside its services' maintenance windows.

    ``problem`` is ``"same_ci"``, ``"dependent_cis"`` or ``"outside_maintenance"``.
    As a row of a table: ``problem``, ``change``, ``other_change`` (empty for a
    change outside its maintenance windows) and ``detail``.
    """

    columns: ClassVar[Columns] = Columns(
        Column("problem", "category", categories=_PROBLEMS),
        Column("change", "string", _first),
        Column("other_change", "string", _second, nullable=True),
        Column("detail", "string"),
    )
    """The table of schedule conflicts: one row each."""

    problem: str
    changes: tuple[str, ...]
    detail: str


def _window(change: Change) -> tuple[datetime, datetime]:
    if change.planned_start is None or change.planned_end is None:
        raise ValidationError(f"change {change.id!r} has no planned window")
    return change.planned_start, change.planned_end


def change_schedule(changes: Iterable[Change]) -> Rows[Change]:
    """Approved changes with a planned window, in the order they are planned (PR12.6).

    The list is a table of cases (``Case.columns``).
    """
    planned = [
        c
        for c in changes
        if c.status in _SCHEDULABLE and c.planned_start is not None and c.planned_end is not None
    ]
    return Rows(sorted(planned, key=lambda c: (c.planned_start, c.id)), columns=Case.columns)


def schedule_conflicts(
    changes: Iterable[Change],
    *,
    cmdb: CmdbView | None = None,
    maintenance: Mapping[str, BusinessCalendar] | None = None,
) -> Rows[ScheduleConflict]:
    """Changes overlapping in time on the same CI or on CIs that depend on each other
    (needs ``cmdb``), and changes outside the maintenance windows of the services they
    impact (``maintenance`` maps a service to its maintenance calendar)."""
    schedule = change_schedule(changes)
    found: list[ScheduleConflict] = []
    reach: dict[str, set[str]] = {}

    def relies_on(ci: str) -> set[str]:
        if ci not in reach:
            reach[ci] = (
                {d.id for d in dependencies(cmdb, ci)} if cmdb is not None and ci in cmdb else set()
            )
        return reach[ci]

    for i, a in enumerate(schedule):
        for b in schedule[i + 1 :]:
            if _window(b)[0] >= _window(a)[1]:
                break
            shared = sorted(set(a.cis) & set(b.cis))
            if shared:
                found.append(
                    ScheduleConflict("same_ci", (a.id, b.id), f"both change {', '.join(shared)}")
                )
                continue
            linked = sorted(
                f"{x} -> {y}"
                for x in a.cis
                for y in b.cis
                if y in relies_on(x) or x in relies_on(y)
            )
            if linked:
                found.append(
                    ScheduleConflict(
                        "dependent_cis",
                        (a.id, b.id),
                        "dependencies between their CIs: " + "; ".join(linked),
                    )
                )
    for c in schedule:
        begin, finish = _window(c)
        for service in c.impacted_services:
            calendar = (maintenance or {}).get(service)
            if calendar is None:
                continue
            if calendar.service_time(begin, finish) < finish - begin:
                found.append(
                    ScheduleConflict(
                        "outside_maintenance",
                        (c.id,),
                        f"{begin.isoformat()} to {finish.isoformat()} is not "
                        f"within the maintenance windows of {service!r}",
                    )
                )
    return Rows(found, columns=ScheduleConflict.columns)
