"""Durations printed for people: signed, largest unit first, business hours said so."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitsm import Q_, Agreement, BusinessCalendar, Incident, ServiceTarget, ValidationError
from fitsm.availability import Outage, measure_availability
from fitsm.cases import sla_clocks
from fitsm.service_levels import Agreements, error_budget
from fitsm.time import format_duration, is_wall_clock

OFFICE = BusinessCalendar.from_rules({"mon-fri": "09:00-17:00"})
ALWAYS = BusinessCalendar.always("Europe/Berlin")
UNITS = {"d": 86_400_000_000, "h": 3_600_000_000, "min": 60_000_000, "s": 1_000_000}
PART = re.compile(r"^(\d+(?:\.\d{1,6})?) (?:(business) )?(d|h|min|s)$")


def parse(text: str) -> tuple[int, list[str], list[bool]]:
    """The microseconds a printed duration says, its units in order, and which say business."""
    sign = -1 if text.startswith("-") else 1
    words = text.lstrip("-").split(" ")
    parts, i = [], 0
    while i < len(words):
        size = 3 if words[i + 1] == "business" else 2
        parts.append(" ".join(words[i : i + size]))
        i += size
    micros, units, business = 0, [], []
    for part in parts:
        match = PART.match(part)
        assert match, (text, part)
        number, flag, unit = match.groups()
        whole, _, fraction = number.partition(".")
        assert unit == "s" or not fraction, text
        micros += int(whole) * UNITS[unit] + int(fraction.ljust(6, "0") or 0)
        units.append(unit)
        business.append(flag is not None)
    return sign * micros, units, business


class TestFormatDuration:
    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            (timedelta(days=-1, seconds=85428), "-16 min 12 s"),
            (-timedelta(hours=1, minutes=2, seconds=12), "-1 h 2 min 12 s"),
            (timedelta(days=3, hours=4), "3 d 4 h"),
            (timedelta(minutes=43, seconds=12), "43 min 12 s"),
            (timedelta(milliseconds=250), "0.25 s"),
            (timedelta(microseconds=-1), "-0.000001 s"),
            (timedelta(0), "0 s"),
            (Q_(90, "minute"), "1 h 30 min"),
        ],
    )
    def test_calendar_time_reads_as_people_write_it(self, value, shown: str) -> None:
        assert format_duration(value) == shown

    def test_business_time_is_in_business_hours_never_days(self) -> None:
        assert format_duration(timedelta(hours=12), calendar=OFFICE) == "12 business h"
        assert format_duration(timedelta(days=1, minutes=150), calendar=OFFICE) == (
            "26 business h 30 min"
        )
        assert format_duration(timedelta(minutes=-45), calendar=OFFICE) == "-45 business min"
        assert format_duration(timedelta(0), calendar=OFFICE) == "0 s"

    def test_a_24x7_calendar_counts_plain_time_and_a_holiday_makes_it_business_time(
        self,
    ) -> None:
        assert is_wall_clock(None) and is_wall_clock(ALWAYS)
        assert format_duration(timedelta(days=2), calendar=ALWAYS) == "2 d"
        with_holiday = ALWAYS.with_holidays([date(2024, 12, 25)])
        assert not is_wall_clock(with_holiday)
        assert format_duration(timedelta(days=2), calendar=with_holiday) == "48 business h"

    @pytest.mark.parametrize("value", [3600, 1.5, None, True, "1 h"])
    def test_anything_but_a_duration_is_refused_by_name(self, value) -> None:
        with pytest.raises(
            ValidationError, match=f"expected a timedelta .*, got {re.escape(repr(value))}"
        ):
            format_duration(value)

    def test_a_quantity_must_be_a_time(self) -> None:
        with pytest.raises(ValidationError, match=r"must have dimension \[time\], got 3 m"):
            format_duration(Q_(3, "meter"))

    @given(
        st.timedeltas(min_value=timedelta(days=-(10**6)), max_value=timedelta(days=10**6)),
        st.sampled_from([None, ALWAYS, OFFICE]),
    )
    def test_the_printed_text_says_exactly_the_duration(self, value, calendar) -> None:
        text = format_duration(value, calendar=calendar)
        micros, units, business = parse(text)
        assert micros == value // timedelta(microseconds=1)
        assert units == sorted(set(units), key=list(UNITS).index)  # largest first, once each
        words_business = not is_wall_clock(calendar) and bool(value)
        assert business == [words_business] + [False] * (len(units) - 1)
        if words_business:
            assert "d" not in units
        assert text.startswith("-") == (value < timedelta(0))


class TestReadableReprs:
    def test_an_error_budget_prints_its_figures(self) -> None:
        budget = error_budget(Q_(99.9, "percent"), Q_(30, "day"))
        assert repr(budget) == str(budget) == "<ErrorBudget 99.9 % over 30 d: 43 min 12 s allowed>"

    def test_an_sla_clock_prints_business_hours_and_its_state(self) -> None:
        agreements = Agreements()
        agreements.add(
            Agreement(
                "sla",
                "SLA",
                "staff",
                ["mail"],
                [ServiceTarget("resolution_time", Q_(4, "hour"), priority="P1")],
                calendar=OFFICE,
            )
        )
        monday = datetime(2024, 1, 1, 16, tzinfo=UTC)
        case = Incident("INC-1", "mail", monday, "ann", service="mail", priority="P1")
        [running] = sla_clocks([case], agreements, monday + timedelta(hours=17, minutes=30))
        assert repr(running) == (
            "<SlaClock INC-1 resolution_time: 1 business h 30 min of 4 business h (38 %), "
            "running, due 2024-01-02T12:00:00+00:00>"
        )
        [breached] = sla_clocks([case], agreements, monday + timedelta(days=2))
        assert repr(breached) == (
            "<SlaClock INC-1 resolution_time: 16 business h of 4 business h (400 %), "
            "breached at 2024-01-02T12:00:00+00:00>"
        )
        assert breached.remaining == -timedelta(hours=12)
        [no_target] = sla_clocks([case], Agreements(), monday + timedelta(hours=1))
        assert (
            repr(no_target) == "<SlaClock INC-1 resolution_time: 1 h elapsed, no target, running>"
        )

    def test_an_availability_report_prints_its_figures(self) -> None:
        monday = datetime(2024, 1, 1, tzinfo=UTC)
        report = measure_availability(
            [Outage("web", monday + timedelta(hours=10), monday + timedelta(hours=11))],
            "web",
            OFFICE,
            monday,
            monday + timedelta(days=1),
        )
        assert repr(report) == (
            "<AvailabilityReport web 2024-01-01T00:00:00+00:00 to 2024-01-02T00:00:00+00:00: "
            "87.5 %, 1 business h down of 8 business h agreed, 1 outage>"
        )
