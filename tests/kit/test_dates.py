"""today() is Beijing's date, whatever the machine's zone."""

from __future__ import annotations

from datetime import UTC, datetime

from biopark.kit import dates


def test_today_is_beijing_date_before_eight_utc(monkeypatch) -> None:
    class _Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            base = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 07:30 on 2 March in Beijing
            return base.astimezone(tz) if tz else base.replace(tzinfo=None)

    monkeypatch.setattr(dates, "datetime", _Clock)
    assert dates.today().isoformat() == "2026-03-02"
