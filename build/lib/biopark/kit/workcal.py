"""Working-time arithmetic for SLA clocks on China's official working calendar.

Definition used throughout biopark:

* A working day is a day that ``chinese_calendar.is_workday`` calls one: Monday to
  Friday unless it is an official holiday, plus the make-up working days (调休上班,
  often a Saturday or Sunday) that the State Council announces each year.
* Working time on a working day is 09:00-18:00 Asia/Shanghai, nine hours without a
  lunch break, so that "one working day" is exactly nine working hours.
* For years that ``chinese_calendar`` has no data for (it raises NotImplementedError,
  e.g. a year not yet announced), the calendar falls back to plain Monday-Friday:
  a deadline far in the future is better a little off than impossible to compute.

Inputs must be aware datetimes (any zone); results are aware datetimes in UTC.
``add_working_hours(start, h)`` is the earliest instant t >= start with exactly
``h`` working hours between start and t, so ``working_hours_between`` inverts it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar

from biopark.kit.dates import SHANGHAI

DAY_START = time(9, 0)
DAY_END = time(18, 0)
HOURS_PER_DAY = 9.0
# Beyond this many calendar days a loop means a bug or an absurd input, not a deadline.
_MAX_SPAN_DAYS = 366 * 20


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    """Whether the day is an official working day (Mon-Fri outside the known years)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def _local(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("aware datetime required")
    return value.astimezone(SHANGHAI)


def _window(day: date) -> tuple[datetime, datetime] | None:
    if not is_working_day(day):
        return None
    return (
        datetime.combine(day, DAY_START, tzinfo=SHANGHAI),
        datetime.combine(day, DAY_END, tzinfo=SHANGHAI),
    )


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The instant that lies `hours` working hours after `start` (UTC)."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    cursor = _local(start)
    # Whole microseconds: float hours would drift across long sums otherwise.
    remaining = timedelta(microseconds=round(hours * 3_600_000_000))
    if remaining == timedelta(0):
        return cursor.astimezone(UTC)
    day = cursor.date()
    for _ in range(_MAX_SPAN_DAYS):
        window = _window(day)
        if window is not None:
            begin = max(cursor, window[0])
            if begin < window[1]:
                available = window[1] - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(UTC)
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("working-time span too long")


def working_hours_between(a: datetime, b: datetime) -> float:
    """Working hours from a to b (negative when b is before a)."""
    start, end = _local(a), _local(b)
    if end < start:
        return -working_hours_between(b, a)
    if (end.date() - start.date()).days > _MAX_SPAN_DAYS:
        raise ValueError("working-time span too long")
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        window = _window(day)
        if window is not None:
            lo, hi = max(start, window[0]), min(end, window[1])
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total / timedelta(hours=1)


def add_working_days(start: datetime, days: float) -> datetime:
    """The instant `days` working days (of nine working hours) after `start` (UTC)."""
    return add_working_hours(start, days * HOURS_PER_DAY)


def add_working_minutes(start: datetime, minutes: float) -> datetime:
    """The instant `minutes` working minutes after `start` (UTC)."""
    return add_working_hours(start, minutes / 60)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    for _ in range(_MAX_SPAN_DAYS):
        day += timedelta(days=1)
        if is_working_day(day):
            return day
    raise ValueError("no working day found")
