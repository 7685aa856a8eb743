"""Every 'today' comes from kit.dates: the source never asks the machine's zone for a date."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from biopark.kit import dates
from biopark.kit.models import utcnow
from biopark.tasks.models import today_local
from tests.kit.clock import EARLY_MORNING, freeze

SRC = Path(__file__).resolve().parents[2] / "src" / "biopark"
# date.today() and naive now() give the server's zone (UTC in production), not Beijing's.
FORBIDDEN = re.compile(
    r"\bdate\.today\(|\bdatetime\.now\(\)|\butcnow\(\)\.date\(|datetime\.utcnow\("
)


def test_no_module_reads_the_machine_date() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert offenders == []


def test_the_frozen_clock_drives_every_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch)
    assert dates.now_utc() == EARLY_MORNING
    assert utcnow() == EARLY_MORNING
    assert dates.today().isoformat() == "2026-03-02"
    assert today_local().isoformat() == "2026-03-02"
