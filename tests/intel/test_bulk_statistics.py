"""Bulk ingest keeps the planner statistics current: ANALYZE each time the documents grew
by a fifth (at least 500), and a real ANALYZE of the intel tables on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from biopark.intel.bulk import ANALYZED, Statistics, analyze_tables


def test_analyzes_each_time_the_table_grew_by_a_fifth() -> None:
    runs: list[int] = []
    stats = Statistics(count=lambda: 10_000, analyze=lambda: runs.append(stats.size or 0))
    for _ in range(99):  # 1,980 documents: not yet a fifth of 10,000
        stats.grew(20)
    assert runs == []
    stats.grew(20)
    assert runs == [12_000]
    for _ in range(120):  # the next fifth is of 12,000
        stats.grew(20)
    assert runs == [12_000, 14_400]


def test_a_small_table_waits_for_the_floor() -> None:
    runs: list[int] = []
    stats = Statistics(count=lambda: 0, analyze=lambda: runs.append(1))
    for _ in range(24):
        stats.grew(20)
    assert runs == []
    stats.grew(20)
    assert runs == [1]


def test_analyze_runs_on_the_intel_tables(session: Session) -> None:
    analyze_tables(session)  # SQLite: nothing to do, and no error
    if session.get_bind().dialect.name != "postgresql":
        return
    analyzed = session.execute(
        text(
            "SELECT relname FROM pg_stat_user_tables "
            "WHERE last_analyze IS NOT NULL AND relname = ANY(:names)"
        ),
        {"names": list(ANALYZED)},
    ).scalars()
    assert set(analyzed) == set(ANALYZED)
