"""Dates: stored in UTC, shown in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def to_local(value: datetime | None) -> datetime | None:
    """The instant in Asia/Shanghai time."""
    return value.astimezone(SHANGHAI) if value is not None else None


def format_local(value: datetime | None) -> str:
    """'YYYY-MM-DD HH:MM' in Asia/Shanghai, or a dash."""
    local = to_local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else "—"


def now_utc() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Beijing: every 'today' and default date in biopark comes from here."""
    return datetime.now(SHANGHAI).date()
