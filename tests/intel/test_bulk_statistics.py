"""Bulk ingest keeps the planner statistics and visibility map current: VACUUM (ANALYZE)
each time the documents grew by a fifth (at least 500), of the intel tables on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from biopark.intel.bulk import ANALYZED, Statistics, stored_documents, vacuum_tables
from tests.builders import make_park
from tests.intel.builders import make_document


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


def test_vacuum_and_analyze_run_on_the_intel_tables(session: Session) -> None:
    vacuum_tables(session.get_bind().engine)  # SQLite: nothing to do, and no error
    if session.get_bind().dialect.name != "postgresql":
        return
    done = session.execute(
        text(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(:names)"
            " AND last_analyze IS NOT NULL AND last_vacuum IS NOT NULL"
        ),
        {"names": list(ANALYZED)},
    ).scalars()
    assert set(done) == set(ANALYZED)


def test_the_run_paces_itself_on_the_planner_estimate(session: Session) -> None:
    park = make_park(session)
    for n in range(3):
        make_document(
            session, park, f"第{n}篇：某某药业今日宣布完成新一轮融资，资金将用于临床研究。".encode()
        )
    if session.get_bind().dialect.name != "postgresql":
        assert stored_documents(session) == 0  # SQLite is never analyzed: nothing to count
        return
    session.execute(text("ANALYZE intel_document"))
    counted = session.scalar(text("SELECT count(*) FROM intel_document"))
    assert stored_documents(session) == counted >= 3
