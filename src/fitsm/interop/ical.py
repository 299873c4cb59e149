"""The change schedule as an iCalendar file, for the calendars of interested parties (PR12.6).

FitSM PR12.6: "A schedule of changes shall be maintained. It shall contain
details of approved changes and intended deployment dates, which shall be
communicated to interested parties." (FitSM, CC BY 4.0). :func:`changes_to_ical`
writes the changes of :func:`~fitsm.cases.change_schedule` as an RFC 5545
calendar that any calendar application can subscribe to: one event per change,
in UTC, with the change's type, approval and CIs in its description and the
schedule's conflicts, when given, beside them.

Each event's ``UID`` is the change id ``@`` a domain (give your own: UIDs must
be unique across providers), so a calendar that imports the file again updates
its events instead of adding them twice. ``DTSTAMP`` and ``LAST-MODIFIED`` are
the time of the change's last recorded step and ``SEQUENCE`` the number of its
steps, so the same changes always give the same file, and a changed one a
higher sequence. Needs the extra ``ical`` (the ``icalendar`` package).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from fitsm.cases.changes import ApprovalLevel, Change, ChangeStatus, required_approval
from fitsm.cases.schedule import ScheduleConflict, change_schedule
from fitsm.errors import ValidationError
from fitsm.interop._extras import missing_extra

if TYPE_CHECKING:
    import icalendar

__all__ = ["PRODID", "changes_to_ical"]

PRODID = "-//fitsm//change schedule//EN"
"""The product identifier written into every calendar."""

_APPROVAL = {
    ApprovalLevel.PRE_APPROVED: "pre-approved (standard change)",
    ApprovalLevel.CHANGE_MANAGER: "change manager",
    ApprovalLevel.CAB: "change advisory board (CAB)",
    ApprovalLevel.ECAB: "emergency change advisory board (ECAB)",
}
# approved is not yet scheduled: a tentative date; scheduled and implemented are fixed
_STATUS = {
    ChangeStatus.APPROVED: "TENTATIVE",
    ChangeStatus.SCHEDULED: "CONFIRMED",
    ChangeStatus.IMPLEMENTED: "CONFIRMED",
}
_DOMAIN = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$")


def changes_to_ical(
    changes: Iterable[Change],
    *,
    calendar_name: str = "Change schedule",
    domain: str = "fitsm.invalid",
    conflicts: Iterable[ScheduleConflict] = (),
) -> str:
    """The approved changes with a planned window as an iCalendar text (one ``VEVENT`` each).

    ``changes`` may hold any changes: those :func:`~fitsm.cases.change_schedule`
    leaves out (not approved, or without a window) are left out here too.
    ``conflicts`` (from :func:`~fitsm.cases.schedule_conflicts`) are listed in the
    description of each change they concern.
    """
    try:
        import icalendar
    except ImportError:
        raise missing_extra("changes_to_ical", "ical") from None
    if not isinstance(calendar_name, str) or not calendar_name.strip():
        raise ValidationError(
            f"calendar_name must be non-empty text, got {calendar_name!r}", field="calendar_name"
        )
    if not isinstance(domain, str) or not _DOMAIN.match(domain):
        raise ValidationError(
            f"domain must be a DNS name such as 'example.org', got {domain!r}", field="domain"
        )
    found: dict[str, list[str]] = {}
    for conflict in conflicts:
        if not isinstance(conflict, ScheduleConflict):
            raise ValidationError(
                f"conflicts must be ScheduleConflict values, got {conflict!r}", field="conflicts"
            )
        for change_id in conflict.changes:
            others = [c for c in conflict.changes if c != change_id]
            with_whom = f" with {', '.join(others)}" if others else ""
            found.setdefault(change_id, []).append(
                f"{conflict.problem}{with_whom}: {conflict.detail}"
            )
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", calendar_name)
    calendar.add("x-wr-calname", calendar_name)
    for change in change_schedule(changes):
        event = icalendar.Event()
        _fill(event, change, domain, found.get(change.id, []))
        calendar.add_component(event)
    text: str = calendar.to_ical().decode("utf-8")
    return text


def _fill(event: icalendar.Event, change: Change, domain: str, conflicts: list[str]) -> None:
    stamp = _last_step(change)
    event.add("uid", f"{change.id}@{domain}")
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", len(change.history))
    event.add("dtstart", change.planned_start)
    event.add("dtend", change.planned_end)
    event.add("summary", f"{change.id}: {change.title}")
    event.add("description", _description(change, conflicts))
    event.add("status", _STATUS[ChangeStatus(change.status)])
    categories = ["change"]
    if change.change_type is not None:
        categories.append(change.change_type.value)
    if change.major:
        categories.append("major")
    if conflicts:
        categories.append("conflict")
    event.add("categories", categories)


def _last_step(change: Change) -> datetime:
    return change.history[-1].at if change.history else change.registered_at


def _description(change: Change, conflicts: list[str]) -> str:
    kind = change.change_type.value if change.change_type is not None else "not classified"
    lines = [
        f"Change {change.id}: {change.title}",
        f"Type: {kind}{', major' if change.major else ''}",
        f"Status: {ChangeStatus(change.status).value}",
        f"Approval: {_APPROVAL[required_approval(change)]}"
        + (f", approved by {', '.join(change.approvals)}" if change.approvals else ""),
    ]
    if change.risk:
        lines.append(f"Risk: {change.risk}")
    lines.append(f"CIs: {', '.join(change.cis) or 'none named'}")
    if change.impacted_services:
        lines.append(f"Impacted services: {', '.join(change.impacted_services)}")
    if change.owner:
        lines.append(f"Change owner: {change.owner}")
    if conflicts:
        lines.append("Conflicts:")
        lines += [f"- {c}" for c in conflicts]
    return "\n".join(lines)
