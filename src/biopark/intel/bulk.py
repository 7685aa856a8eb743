"""Bulk ingest of local files: a process pool extracts, each chunk is its own transaction.

Used by `biopark intel ingest` and by bench/bench_ingest.py. A killed run keeps the
chunks it committed; a re-run skips their content by hash without extracting it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from biopark.config import get_settings
from biopark.db import checkpointing, get_engine, session_scope
from biopark.intel.autoindex import defer_into, index_now
from biopark.intel.index import SearchIndex
from biopark.intel.models import IntelDocument
from biopark.intel.parallel import frozen_heap, prepared_chunks
from biopark.intel.service.backends import is_postgres
from biopark.intel.service.batch import (
    IngestResult,
    Prepared,
    known_hashes,
    store_batch,
    store_each,
)
from biopark.intel.service.ingest import Linker
from biopark.intel.service.reposts import Known
from biopark.intel.service.search import index_path


def ingest_paths(
    paths: Sequence[str],
    *,
    park_id: int,
    linker: Linker,
    jobs: int,
    chunk: int,
    on_chunk: Callable[[list[IngestResult]], None] | None = None,
) -> list[IngestResult]:
    """Ingest files in input order, `chunk` documents per committed transaction."""

    def known(digests: list[str]) -> set[str]:
        with session_scope(read_only=True) as session:
            return set(known_hashes(session, park_id=park_id, digests=digests))

    stats = Statistics()
    results: list[IngestResult] = []
    later: list[int] = []
    seen = Known()
    checkpointed = False
    with (
        frozen_heap(),
        SearchIndex.holding_writer(index_path(get_settings().var_dir)),
        ExitStack() as checkpoints,
    ):
        try:
            for items in prepared_chunks(
                paths, chunk=chunk, jobs=jobs, known_names=linker.names, known=known
            ):
                if not checkpointed:
                    checkpointed = True
                    # Started once the pool has forked its workers, so that no fork
                    # copies the process while this thread holds a lock.
                    checkpoints.enter_context(checkpointing(get_engine()))
                stored = store_chunk(
                    park_id=park_id, items=items, by_name=linker.by_name, later=later, known=seen
                )
                results += stored
                stats.grew(len(stored))
                if len(later) >= INDEX_BATCH:
                    _index(later)
                if on_chunk is not None:
                    on_chunk(stored)
        finally:
            _index(later)
    return results


# Documents per tantivy commit in a bulk run (see intel/autoindex.py).
INDEX_BATCH = 500


def _index(ids: list[int]) -> None:
    if ids:
        with session_scope() as session:
            index_now(session, ids)
        ids.clear()


# The tables whose lookups ingest makes for every chunk (hashes, LSH keys and signatures,
# full keys, bands, deals).
ANALYZED = (
    "intel_document",
    "intel_document_band",
    "intel_document_signature",
    "intel_full_key",
    "intel_entity",
    "deal",
)


def vacuum_tables(engine: Engine) -> None:
    """VACUUM (ANALYZE) the intel tables on PostgreSQL (nothing on SQLite).

    ANALYZE refreshes the planner's statistics. VACUUM marks the pages written since
    the last one all-visible, which is what lets the simhash band lookups stay
    index-only scans: on 100,000 never-vacuumed documents each lookup visited the
    document rows, and a 400-document run spent 216 ms in them instead of 30.
    VACUUM cannot run inside a transaction, hence a connection of its own.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text(f"VACUUM (ANALYZE) {', '.join(ANALYZED)}"))


def stored_documents(session: Session) -> int:
    """The documents stored, as PostgreSQL's planner last counted them (0 on SQLite).

    Only PostgreSQL is analyzed, so SQLite needs no count. The planner's estimate is
    close enough to pace the next analyze and costs nothing; counting 100,000 rows
    took 0.12 s, a tenth of a 400-document run's first chunk.
    """
    if not is_postgres(session):
        return 0
    estimate = session.scalar(
        text("SELECT reltuples FROM pg_class WHERE oid = 'intel_document'::regclass")
    )
    if estimate is not None and estimate >= 0:
        return int(estimate)
    # Never analyzed yet (-1 since PostgreSQL 14).
    return session.scalar(select(func.count()).select_from(IntelDocument)) or 0


def _count_documents() -> int:
    with session_scope(read_only=True) as session:
        return stored_documents(session)


def _vacuum() -> None:
    vacuum_tables(get_engine())


class Statistics:
    """Keeps PostgreSQL's planner statistics and visibility map current while a bulk run
    grows the tables.

    Autovacuum analyzes a table after it grew by 10 % and vacuums it after 20 %, but only
    when it is switched on and only on its own schedule; tables planned as if they were
    empty make the LSH lookups hash-join whole tables (0.3 s a chunk at 40,000 documents,
    and rising), and pages never vacuumed turn index-only scans into row reads. So the
    run vacuums and analyzes the intel tables itself each time the documents grew by a
    fifth. SQLite plans these lookups on its indexes without statistics, so nothing
    runs there.
    """

    def __init__(
        self,
        *,
        growth: float = 0.2,
        floor: int = 500,
        count: Callable[[], int] = _count_documents,
        analyze: Callable[[], None] = _vacuum,
    ) -> None:
        self.growth = growth
        self.floor = floor
        self.count = count
        self.analyze = analyze
        self.pending = 0
        self.size: int | None = None

    def grew(self, n: int) -> None:
        """Count `n` stored documents; analyze once they add up to a fifth of the table."""
        if self.size is None:
            self.size = self.count()
        self.pending += n
        if self.pending >= max(self.floor, self.growth * self.size):
            self.size += self.pending
            self.pending = 0
            self.analyze()


def store_chunk(
    *,
    park_id: int,
    items: list[Prepared],
    by_name: dict[str, int],
    later: list[int],
    known: Known,
) -> list[IngestResult]:
    """Store a chunk in one transaction; if that fails, each document in its own savepoint.

    The new documents' ids are added to `later` for indexing, where the backend allows.
    """
    try:
        with session_scope() as session:
            defer_into(session, later)
            return store_batch(session, park_id=park_id, items=items, by_name=by_name, known=known)
    except Exception:  # one bad document must not cost the chunk: retry them one by one
        with session_scope() as session:
            defer_into(session, later)
            return store_each(session, park_id=park_id, items=items, by_name=by_name)
