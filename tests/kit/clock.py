"""Freeze biopark's clock in a test: kit.dates.clock is the one source of 'now'."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from biopark.kit import dates

# 07:30 in Beijing on 2 March 2026 is still 1 March in UTC.
EARLY_MORNING = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


def freeze(monkeypatch: pytest.MonkeyPatch, instant: datetime = EARLY_MORNING) -> None:
    monkeypatch.setattr(dates, "clock", lambda: instant)
