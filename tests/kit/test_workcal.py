"""Working-time arithmetic on the China calendar (09:00–18:00 Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from biopark.kit.dates import SHANGHAI
from biopark.kit.workcal import add_working_hours, is_workday, working_hours_between


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def test_within_one_day() -> None:
    assert add_working_hours(sh(2025, 3, 3, 10, 0), 4) == sh(2025, 3, 3, 14, 0).astimezone(UTC)


def test_rolls_over_the_evening_and_weekend() -> None:
    # Friday 16:00 + 4h: 2h on Friday, 2h on Monday morning.
    assert add_working_hours(sh(2025, 3, 7, 16, 0), 4) == sh(2025, 3, 10, 11, 0).astimezone(UTC)


def test_night_submission_starts_next_morning() -> None:
    assert add_working_hours(sh(2025, 3, 3, 22, 30), 1) == sh(2025, 3, 4, 10, 0).astimezone(UTC)


def test_national_day_holiday_and_makeup_workday() -> None:
    assert not is_workday(sh(2025, 10, 3).date())
    assert is_workday(sh(2025, 9, 28).date())  # Sunday made a working day
    # Tuesday 30 Sept 17:00 + 2h: 1h that day, then nothing until Thursday 9 Oct.
    assert add_working_hours(sh(2025, 9, 30, 17, 0), 2) == sh(2025, 10, 9, 10, 0).astimezone(UTC)


def test_hours_between_is_inverse_of_add() -> None:
    start = sh(2025, 9, 30, 17, 0)
    end = add_working_hours(start, 13.5)
    assert working_hours_between(start, end) == pytest.approx(13.5)
    assert working_hours_between(end, start) == pytest.approx(-13.5)


def test_years_beyond_the_library_fall_back_to_weekdays() -> None:
    assert is_workday(sh(2031, 1, 6).date())
    assert not is_workday(sh(2031, 1, 4).date())


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_hours(datetime(2025, 3, 3, 10), 1)
