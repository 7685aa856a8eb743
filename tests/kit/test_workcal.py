"""Working-time arithmetic across weekends, official holidays and make-up working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from biopark.kit.dates import SHANGHAI
from biopark.kit.workcal import (
    add_working_days,
    add_working_hours,
    add_working_minutes,
    is_working_day,
    next_working_day,
    working_hours_between,
)


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def test_result_is_utc_and_naive_input_is_refused() -> None:
    out = add_working_hours(sh(2025, 3, 4, 10), 1)
    assert out.tzinfo is UTC
    assert out == sh(2025, 3, 4, 11)
    with pytest.raises(ValueError):
        add_working_hours(datetime(2025, 3, 4, 10), 1)
    with pytest.raises(ValueError):
        working_hours_between(datetime(2025, 3, 4, 10), sh(2025, 3, 4, 11))
    with pytest.raises(ValueError):
        add_working_hours(sh(2025, 3, 4, 10), -1)


def test_sixty_minutes_before_closing_carry_over_the_weekend() -> None:
    # Friday 17:30 + 60 working minutes = Monday 09:30.
    assert add_working_minutes(sh(2025, 3, 7, 17, 30), 60) == sh(2025, 3, 10, 9, 30)


def test_request_on_saturday_starts_counting_on_monday() -> None:
    assert add_working_minutes(sh(2025, 3, 8, 11), 60) == sh(2025, 3, 10, 10)
    assert working_hours_between(sh(2025, 3, 8, 11), sh(2025, 3, 9, 23)) == 0


def test_evening_and_early_morning_are_not_working_time() -> None:
    assert add_working_hours(sh(2025, 3, 4, 20), 2) == sh(2025, 3, 5, 11)
    assert add_working_hours(sh(2025, 3, 4, 6), 2) == sh(2025, 3, 4, 11)
    # Ends exactly at closing time rather than at 09:00 the next morning.
    assert add_working_hours(sh(2025, 3, 4, 9), 9) == sh(2025, 3, 4, 18)


def test_spring_festival_2025_and_its_make_up_days() -> None:
    # 2025: holiday Jan 28 - Feb 4; make-up working days Sun Jan 26 and Sat Feb 8.
    assert is_working_day(date(2025, 1, 26))
    assert not is_working_day(date(2025, 1, 28))
    assert not is_working_day(date(2025, 2, 4))
    assert is_working_day(date(2025, 2, 8))
    # Monday Jan 27 17:00 + 2h: Jan 28 - Feb 4 are off, so Wednesday Feb 5 10:00.
    assert add_working_hours(sh(2025, 1, 27, 17), 2) == sh(2025, 2, 5, 10)
    # The make-up Sunday counts: Saturday Jan 25 noon + 1h = Sunday Jan 26 10:00.
    assert add_working_hours(sh(2025, 1, 25, 12), 1) == sh(2025, 1, 26, 10)
    # 7 working days from Monday Jan 27 09:00: Jan 27, Feb 5,6,7,8(Sat),10,11 -> Feb 11 18:00.
    assert add_working_days(sh(2025, 1, 27, 9), 7) == sh(2025, 2, 11, 18)
    assert working_hours_between(sh(2025, 1, 24, 18), sh(2025, 2, 5, 9)) == 18


def test_national_day_2024_and_its_make_up_days() -> None:
    # 2024: holiday Oct 1-7; make-up working days Sun Sep 29 and Sat Oct 12.
    assert is_working_day(date(2024, 9, 29))
    assert not is_working_day(date(2024, 10, 7))
    assert is_working_day(date(2024, 10, 12))
    assert add_working_hours(sh(2024, 9, 30, 17, 30), 1) == sh(2024, 10, 8, 9, 30)
    assert add_working_days(sh(2024, 9, 28, 12), 1) == sh(2024, 9, 29, 18)
    assert next_working_day(date(2024, 10, 11)) == date(2024, 10, 12)
    assert working_hours_between(sh(2024, 9, 30, 18), sh(2024, 10, 8, 18)) == 9


def test_years_without_official_data_fall_back_to_monday_to_friday() -> None:
    # chinese_calendar has no data for 2031: plain weekdays are used instead of failing.
    assert is_working_day(date(2031, 1, 6))
    assert not is_working_day(date(2031, 1, 4))
    assert add_working_days(sh(2031, 1, 3, 18), 1) == sh(2031, 1, 6, 18)


def test_between_is_antisymmetric() -> None:
    a, b = sh(2025, 3, 3, 10), sh(2025, 3, 5, 12)
    assert working_hours_between(a, b) == 8 + 9 + 3
    assert working_hours_between(b, a) == -working_hours_between(a, b)


# Instants across 2024-2026, which include both festivals and their make-up days.
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 10, 31), timezones=st.just(SHANGHAI)
)
hours = st.floats(min_value=0, max_value=200, allow_nan=False).map(lambda h: round(h, 3))


@settings(max_examples=150, deadline=None)
@given(start=instants, h=hours)
def test_between_inverts_add(start: datetime, h: float) -> None:
    end = add_working_hours(start, h)
    assert end >= start
    assert working_hours_between(start, end) == pytest.approx(h, abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(start=instants, h=hours.filter(lambda h: h > 0))
def test_deadline_lies_in_working_time(start: datetime, h: float) -> None:
    end = add_working_hours(start, h).astimezone(SHANGHAI)
    assert is_working_day(end.date())
    assert time(9) < end.timetz().replace(tzinfo=None) <= time(18)


@settings(max_examples=100, deadline=None)
@given(start=instants, a=hours, b=hours)
def test_adding_in_two_steps_equals_adding_once(start: datetime, a: float, b: float) -> None:
    once = add_working_hours(start, a + b)
    twice = add_working_hours(add_working_hours(start, a), b)
    assert abs((once - twice).total_seconds()) < 1e-3 or (
        # Landing on 18:00 and then adding 0 stays there; adding once skips no time either.
        working_hours_between(once, twice) == pytest.approx(0, abs=1e-6)
    )


@settings(max_examples=100, deadline=None)
@given(a=instants, b=instants, c=instants)
def test_between_is_additive(a: datetime, b: datetime, c: datetime) -> None:
    total = working_hours_between(a, c)
    assert total == pytest.approx(working_hours_between(a, b) + working_hours_between(b, c))


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)))
def test_a_working_day_holds_nine_working_hours(day: date) -> None:
    start = datetime.combine(day, datetime.min.time(), SHANGHAI)
    expected = 9.0 if is_working_day(day) else 0.0
    assert working_hours_between(start, start + timedelta(days=1)) == expected
    assert working_hours_between(start, start.astimezone(UTC) + timedelta(days=1)) == expected
