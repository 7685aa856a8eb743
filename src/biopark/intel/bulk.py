"""Bulk ingest of local files: a process pool extracts, each chunk is its own transaction.

Used by `biopark intel ingest` and by bench/bench_ingest.py. A killed run keeps the
chunks it committed; a re-run skips their content by hash without extracting it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from biopark.db import session_scope
from biopark.intel.parallel import prepared_chunks
from biopark.intel.service.batch import (
    IngestResult,
    Prepared,
    known_hashes,
    store_batch,
    store_each,
)
from biopark.intel.service.ingest import Linker


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

    results: list[IngestResult] = []
    for items in prepared_chunks(
        paths, chunk=chunk, jobs=jobs, known_names=linker.names, known=known
    ):
        stored = store_chunk(park_id=park_id, items=items, by_name=linker.by_name)
        results += stored
        if on_chunk is not None:
            on_chunk(stored)
    return results


def store_chunk(
    *, park_id: int, items: list[Prepared], by_name: dict[str, int]
) -> list[IngestResult]:
    """Store a chunk in one transaction; if that fails, each document in its own savepoint."""
    try:
        with session_scope() as session:
            return store_batch(session, park_id=park_id, items=items, by_name=by_name)
    except Exception:  # one bad document must not cost the chunk: retry them one by one
        with session_scope() as session:
            return store_each(session, park_id=park_id, items=items, by_name=by_name)
