"""The change schedule as iCalendar (PR12.6), parsed back with the icalendar library."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from fitsm import Change
from fitsm.cases import CHANGE, schedule_conflicts
from fitsm.errors import MissingExtraError, ValidationError
from fitsm.interop import changes_to_ical

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
H = timedelta(hours=1)


def scheduled(
    cid: str,
    start: float,
    *,
    cis=("db1",),
    services=("shop",),
    risk="low",
    approvers=("cm",),
    schedule: bool = True,
) -> Change:
    """A change taken through its lifecycle: classified, assessed, approved (and scheduled)."""
    change = Change(cid, f"Patch {cid}", T0 - 48 * H, "carl", owner="carl", cis=cis)
    at = T0 - 47 * H
    CHANGE.fire(
        change,
        "classify",
        actor="carl",
        at=at,
        change_type="normal",
        impacted_services=services,
        major=len(approvers) > 1,
        quorum=len(approvers),
    )
    CHANGE.fire(
        change,
        "assess",
        actor="carl",
        at=at + H,
        benefits="fixes",
        risk=risk,
        effort="1 h",
        feasibility="yes",
    )
    for i, person in enumerate(approvers):
        CHANGE.fire(change, "approve", actor=person, at=at + (2 + i) * H)
    if schedule:
        CHANGE.fire(
            change,
            "schedule",
            actor="carl",
            at=at + 5 * H,
            planned_start=T0 + start * H,
            planned_end=T0 + (start + 2) * H,
        )
    return change


def events(text: str) -> list:
    return Calendar.from_ical(text).walk("VEVENT")


class TestCalendar:
    def test_one_event_per_scheduled_change_in_planned_order(self) -> None:
        text = changes_to_ical([scheduled("CHG-2", 5), scheduled("CHG-1", 1)])
        assert [str(e["uid"]) for e in events(text)] == [
            "CHG-1@fitsm.invalid",
            "CHG-2@fitsm.invalid",
        ]

    def test_an_event_holds_the_window_in_utc_and_the_change_in_words(self) -> None:
        change = scheduled("CHG-1", 1, cis=("db1", "web1"))
        [event] = events(changes_to_ical([change], domain="example.org"))
        assert str(event["uid"]) == "CHG-1@example.org"
        assert event.decoded("dtstart") == T0 + H
        assert event.decoded("dtend") == T0 + 3 * H
        assert event["dtstart"].to_ical() == b"20260302T090000Z"
        assert str(event["summary"]) == "CHG-1: Patch CHG-1"
        assert str(event["status"]) == "CONFIRMED"
        assert [str(c) for c in event["categories"].cats] == ["change", "normal"]
        assert str(event["description"]).splitlines() == [
            "Change CHG-1: Patch CHG-1",
            "Type: normal",
            "Status: scheduled",
            "Approval: change manager, approved by cm",
            "Risk: low",
            "CIs: db1, web1",
            "Impacted services: shop",
            "Change owner: carl",
        ]

    def test_the_stamp_and_sequence_come_from_the_changes_history(self) -> None:
        change = scheduled("CHG-1", 1)
        [event] = events(changes_to_ical([change]))
        assert event.decoded("dtstamp") == change.history[-1].at
        assert event.decoded("last-modified") == change.history[-1].at
        assert int(event["sequence"]) == len(change.history) == 4  # classify to schedule

    def test_the_same_changes_give_the_same_file(self) -> None:
        first = changes_to_ical([scheduled("CHG-1", 1), scheduled("CHG-2", 5)])
        assert changes_to_ical([scheduled("CHG-2", 5), scheduled("CHG-1", 1)]) == first

    def test_the_calendar_is_named_and_identifies_its_producer(self) -> None:
        calendar = Calendar.from_ical(changes_to_ical([], calendar_name="CAB schedule"))
        assert str(calendar["x-wr-calname"]) == str(calendar["name"]) == "CAB schedule"
        assert str(calendar["prodid"]) == "-//fitsm//change schedule//EN"
        assert str(calendar["version"]) == "2.0"
        assert calendar.walk("VEVENT") == []

    def test_changes_not_on_the_schedule_are_left_out(self) -> None:
        approved = scheduled("CHG-3", 0, schedule=False)
        draft = Change("CHG-4", "Idea", T0, "carl")
        assert events(changes_to_ical([approved, draft])) == []

    def test_an_approved_change_with_a_window_is_tentative(self) -> None:
        change = scheduled("CHG-5", 0, schedule=False)
        change.planned_start, change.planned_end = T0, T0 + H
        [event] = events(changes_to_ical([change]))
        assert str(event["status"]) == "TENTATIVE"

    def test_a_major_change_names_its_approvers_and_the_cab(self) -> None:
        change = scheduled("CHG-6", 0, risk="high", approvers=("ann", "bob"))
        [event] = events(changes_to_ical([change]))
        assert "Approval: change advisory board (CAB), approved by ann, bob" in str(
            event["description"]
        )
        assert [str(c) for c in event["categories"].cats] == ["change", "normal", "major"]

    def test_conflicts_are_described_on_each_change_they_concern(self) -> None:
        changes = [scheduled("CHG-1", 0), scheduled("CHG-2", 1)]
        text = changes_to_ical(changes, conflicts=schedule_conflicts(changes))
        first, second = events(text)
        assert str(first["description"]).endswith(
            "Conflicts:\n- same_ci with CHG-2: both change db1"
        )
        assert "- same_ci with CHG-1: both change db1" in str(second["description"])
        assert "conflict" in [str(c) for c in first["categories"].cats]

    def test_text_is_escaped_as_icalendar_wants(self) -> None:
        change = scheduled("CHG-7", 0)
        change.title = "Move db1; then web1, carefully"
        text = changes_to_ical([change])
        assert "SUMMARY:CHG-7: Move db1\\; then web1\\, carefully" in text
        assert str(events(text)[0]["summary"]) == "CHG-7: Move db1; then web1, carefully"


class TestRefusals:
    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"calendar_name": " "}, "calendar_name"),
            ({"domain": "not a domain"}, "domain"),
            ({"domain": "user@example.org"}, "domain"),
            ({"conflicts": ["same_ci"]}, "conflicts"),
        ],
    )
    def test_bad_arguments_are_named(self, kwargs, field) -> None:
        with pytest.raises(ValidationError) as caught:
            changes_to_ical([], **kwargs)
        assert caught.value.field == field

    def test_without_icalendar_the_export_names_its_extra(self, monkeypatch) -> None:
        monkeypatch.setitem(sys.modules, "icalendar", None)
        with pytest.raises(
            MissingExtraError,
            match=r"changes_to_ical needs the optional extra 'ical': pip install 'fitsm\[ical\]'",
        ):
            changes_to_ical([])
