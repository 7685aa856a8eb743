"""Working-time arithmetic on the China calendar: 09:00–18:00 Asia/Shanghai on working days.

Working days come from `chinese-calendar` (statutory holidays and the weekend
days swapped into working days). For years that library does not cover yet,
Monday–Friday is assumed, so deadlines stay computable instead of failing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar

from biopark.kit.dates import SHANGHAI

DAY_START = time(9, 0)
DAY_END = time(18, 0)
HOURS_PER_DAY = 9.0
_MAX_DAYS = 3660


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    """True when the day is a working day in mainland China."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def _local(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(SHANGHAI)


def _at(day: date, t: time) -> datetime:
    return datetime.combine(day, t, tzinfo=SHANGHAI)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The instant `hours` working hours after `start` (aware, in UTC)."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    current = _local(start)
    remaining = timedelta(hours=hours)
    for _ in range(_MAX_DAYS):
        day = current.date()
        if is_workday(day):
            begin = max(current, _at(day, DAY_START))
            end = _at(day, DAY_END)
            if begin < end:
                available = end - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(UTC)
                remaining -= available
        current = _at(day + timedelta(days=1), time(0, 0))
    raise ValueError("too many working hours")


def working_hours_between(a: datetime, b: datetime) -> float:
    """Working hours from a to b; negative when b is before a."""
    if b < a:
        return -working_hours_between(b, a)
    start, stop = _local(a), _local(b)
    total = timedelta()
    day = start.date()
    while day <= stop.date():
        if is_workday(day):
            begin = max(start, _at(day, DAY_START))
            end = min(stop, _at(day, DAY_END))
            if begin < end:
                total += end - begin
        day += timedelta(days=1)
    return total.total_seconds() / 3600
