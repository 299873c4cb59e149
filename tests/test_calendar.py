"""Service hours: weekly rules, time zones and DST, holidays, exceptions, deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import Q_, BusinessCalendar, ValidationError
from fitsm.errors import NaiveDatetimeError

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)


def hours(delta: timedelta) -> float:
    return delta / HOUR


class TestDaylightSaving:
    def test_march_2024_in_berlin_has_743_hours(self) -> None:
        cal = BusinessCalendar.always("Europe/Berlin")
        march = cal.service_time(
            datetime(2024, 3, 1, tzinfo=BERLIN), datetime(2024, 4, 1, tzinfo=BERLIN)
        )
        assert hours(march) == 743

    def test_october_2024_in_berlin_has_745_hours(self) -> None:
        cal = BusinessCalendar.always("Europe/Berlin")
        october = cal.service_time(
            datetime(2024, 10, 1, tzinfo=BERLIN), datetime(2024, 11, 1, tzinfo=BERLIN)
        )
        assert hours(october) == 745

    def test_office_hours_stay_in_local_time_across_the_change(self) -> None:
        cal = BusinessCalendar.from_rules({"mon-fri": "09:00-17:00"}, zone="Europe/Berlin")
        friday = datetime(2024, 3, 29, 9, tzinfo=BERLIN)  # CET, UTC+1
        monday = datetime(2024, 4, 1, 9, tzinfo=BERLIN)  # CEST, UTC+2
        for day in (friday, monday):
            assert cal.is_open(day) and not cal.is_open(day - timedelta(minutes=1))
        assert cal.windows(friday, monday + 8 * HOUR).pairs()[-1] == (
            datetime(2024, 4, 1, 7, tzinfo=UTC),
            datetime(2024, 4, 1, 15, tzinfo=UTC),
        )


class TestRules:
    def test_four_weeks_of_ten_hour_weekdays_is_200_hours(self) -> None:
        cal = BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"})
        assert (
            hours(
                cal.service_time(
                    datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 29, tzinfo=UTC)
                )
            )
            == 200
        )

    def test_a_lunch_break_splits_the_day(self) -> None:
        cal = BusinessCalendar.from_rules({"mon-fri": "08:00-12:00, 13:00-17:00"})
        day = datetime(2024, 1, 1, tzinfo=UTC)
        assert hours(cal.service_time(day, day + 24 * HOUR)) == 8
        assert not cal.is_open(day + 12.5 * HOUR)

    def test_later_rules_override_earlier_ones(self) -> None:
        cal = BusinessCalendar.from_rules({"daily": "00:00-24:00", "sat,sun": "10:00-14:00"})
        week = datetime(2024, 1, 1, tzinfo=UTC)
        assert hours(cal.service_time(week, week + 7 * 24 * HOUR)) == 5 * 24 + 2 * 4

    def test_holidays_and_exceptions(self) -> None:
        cal = BusinessCalendar.from_rules(
            {"mon-fri": "08:00-18:00"},
            holidays=[date(2024, 1, 1)],
            exceptions={date(2024, 1, 2): "10:00-12:00", date(2024, 1, 6): [(time(9), time(10))]},
        )
        week = datetime(2024, 1, 1, tzinfo=UTC)
        assert hours(cal.service_time(week, week + 7 * 24 * HOUR)) == 2 + 3 * 10 + 1

    def test_country_holidays_come_from_the_extra(self) -> None:
        pytest.importorskip("holidays", reason="the 'holidays' extra is not installed")
        cal = BusinessCalendar.from_rules({"mon-fri": "08:00-18:00"}, zone="Europe/Berlin")
        cal = cal.with_country_holidays("DE", [2024])
        assert not cal.is_open(datetime(2024, 10, 3, 9, tzinfo=BERLIN))  # German Unity Day

    @pytest.mark.parametrize(
        ("rules", "message"),
        [
            ({"mon-fri": "18:00-08:00"}, "ends before it starts"),
            ({"mon-fri": "8-18"}, "not a time of day"),
            ({"funday": "08:00-18:00"}, "'funday' is not a day"),
            ({"mon": "08:00-12:00, 11:00-13:00"}, "overlap"),
            ({"mon": "08:00-25:00"}, "not a time of day"),
        ],
    )
    def test_bad_rules_are_named(self, rules, message) -> None:
        with pytest.raises(ValidationError, match=message):
            BusinessCalendar.from_rules(rules)

    def test_an_unknown_time_zone_is_named(self) -> None:
        with pytest.raises(ValidationError, match="unknown time zone 'Europe/Berln'"):
            BusinessCalendar.always("Europe/Berln")

    def test_naive_datetimes_are_refused(self) -> None:
        with pytest.raises(NaiveDatetimeError):
            BusinessCalendar.always().service_time(datetime(2024, 1, 1), datetime(2024, 1, 2))

    def test_a_period_ending_before_it_starts_is_refused(self) -> None:
        day = datetime(2024, 1, 2, tzinfo=UTC)
        with pytest.raises(ValidationError, match="period ends before it starts"):
            BusinessCalendar.always().service_time(day, day - HOUR)


class TestDeadlines:
    def test_one_day_on_a_nine_to_five_calendar_spans_three_working_days(self) -> None:
        cal = BusinessCalendar.from_rules({"mon-fri": "09:00-17:00"}, zone="Europe/Berlin")
        monday = datetime(2024, 3, 4, 9, tzinfo=BERLIN)
        assert cal.add(monday, Q_(1, "day")) == datetime(2024, 3, 6, 17, tzinfo=BERLIN)

    def test_time_outside_hours_waits_for_the_next_window(self) -> None:
        cal = BusinessCalendar.from_rules({"mon-fri": "09:00-17:00"})
        friday_evening = datetime(2024, 3, 8, 20, tzinfo=UTC)
        assert cal.add(friday_evening, Q_(30, "minute")) == datetime(2024, 3, 11, 9, 30, tzinfo=UTC)

    def test_a_calendar_without_hours_has_no_deadline(self) -> None:
        cal = BusinessCalendar.from_rules({})
        with pytest.raises(ValidationError, match="no service time left"):
            cal.add(datetime(2024, 1, 1, tzinfo=UTC), HOUR)

    def test_a_deadline_needs_a_time(self) -> None:
        with pytest.raises(ValidationError, match=r"must have dimension \[time\]"):
            BusinessCalendar.always().add(datetime(2024, 1, 1, tzinfo=UTC), Q_(3, "meter"))

    @given(
        st.datetimes(
            min_value=datetime(2023, 1, 1), max_value=datetime(2025, 12, 31), timezones=st.just(UTC)
        ),
        st.integers(0, 200 * 3600),
    )
    def test_adding_service_time_gives_exactly_that_much_service_time(self, start, seconds) -> None:
        cal = BusinessCalendar.from_rules(
            {"mon-fri": "08:00-12:00, 13:00-17:00"}, zone="Europe/Berlin"
        )
        amount = timedelta(seconds=seconds)
        deadline = cal.add(start, amount)
        assert cal.service_time(start, deadline) == amount
