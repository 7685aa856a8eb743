"""The two full-text backends behind one interface.

tantivy (var_dir/index) is the embedded default on SQLite. On PostgreSQL the index
lives in the database itself, so every app node sees it: the same segmented terms
in a `tsvector` column of intel_document with a GIN index (migration 0870).
Either backend answers (document id, score) pairs; the caller re-reads the hits
from the database within the user's park, and applies nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import desc, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from biopark.db import is_postgres
from biopark.intel.index import Filters, IndexDoc, SearchIndex
from biopark.intel.models import STATUS_OK, IntelDocument
from biopark.kit.models import utcnow

# Ranking reads every candidate's tsvector: rank at most this many matches.
CANDIDATES = 1000
# A tsvector holds at most 1 MB; longer bodies are indexed up to here.
MAX_TERMS_CHARS = 300_000


class Backend(Protocol):
    """A full-text index of the park's documents."""

    name: str
    # Whether upsert also records the documents' indexed_at (else the caller does).
    marks_indexed: bool

    def search(
        self, session: Session, *, park_id: int, terms: list[str], filters: Filters, limit: int
    ) -> list[tuple[int, float]]:
        """(document id, score) of the best matches, best first."""
        ...

    def upsert(self, session: Session, docs: list[IndexDoc]) -> int:
        """Add or replace these documents; returns how many."""
        ...


class TantivyBackend:
    """The embedded tantivy index in one folder."""

    name = "tantivy"
    marks_indexed = False

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def search(
        self, session: Session, *, park_id: int, terms: list[str], filters: Filters, limit: int
    ) -> list[tuple[int, float]]:
        """(document id, score) from the tantivy index."""
        return self.index.search(park_id=park_id, terms=terms, filters=filters, limit=limit)

    def upsert(self, session: Session, docs: list[IndexDoc]) -> int:
        """Write the documents to the folder and commit the index."""
        return self.index.upsert(docs) if docs else 0


_STORE = text(
    "UPDATE intel_document SET search_vector ="
    " setweight(to_tsvector('simple', :title), 'A')"
    " || setweight(to_tsvector('simple', :body), 'B'),"
    " indexed_at = :now, updated_at = :now WHERE id = :doc"
)
_VECTOR = literal_column("intel_document.search_vector", type_=TSVECTOR)


def _tsquery(terms: list[str]):  # type: ignore[no-untyped-def]
    # plainto_tsquery parses the terms exactly as to_tsvector parsed the stored text.
    return func.plainto_tsquery("simple", " ".join(terms))


class PostgresBackend:
    """Full-text search inside PostgreSQL over rjieba-segmented tsvectors."""

    name = "postgresql"
    # In the UPDATE that stores the tsvector: each UPDATE of a document row writes a new
    # version of it and an entry in every one of its indexes.
    marks_indexed = True

    def search(
        self, session: Session, *, park_id: int, terms: list[str], filters: Filters, limit: int
    ) -> list[tuple[int, float]]:
        """(document id, ts_rank_cd) of the best of a bounded candidate set."""
        from biopark.intel.service.search import apply_filters

        query = _tsquery(terms)
        candidates: Any = select(IntelDocument.id, _VECTOR.label("vector")).where(
            IntelDocument.park_id == park_id,
            IntelDocument.status == STATUS_OK,
            _VECTOR.op("@@")(query),
        )
        found = apply_filters(candidates, filters).limit(CANDIDATES).subquery()
        rank = func.ts_rank_cd(found.c.vector, query).label("rank")
        stmt = select(found.c.id, rank).order_by(desc("rank"), found.c.id.desc()).limit(limit)
        return [(int(i), float(r)) for i, r in session.execute(stmt)]

    def upsert(self, session: Session, docs: list[IndexDoc]) -> int:
        """Store each document's weighted tsvector (title A, body B) and indexed time in its row."""
        if not docs:
            return 0
        now = utcnow()
        session.execute(
            _STORE,
            [
                {
                    "doc": d.doc_id,
                    "title": d.title_terms,
                    "body": d.body_terms[:MAX_TERMS_CHARS],
                    "now": now,
                }
                for d in docs
            ],
        )
        # The rows of this session's documents now hold these values: so do their objects.
        for d in docs:
            doc = session.identity_map.get(identity_key(IntelDocument, d.doc_id))
            if doc is not None:
                set_committed_value(doc, "indexed_at", now)
                set_committed_value(doc, "updated_at", now)
        return len(docs)


def open_backend(session: Session, *, path: Path) -> Backend | None:
    """This installation's backend: PostgreSQL's own, else tantivy once it has been built."""
    if is_postgres(session):
        return PostgresBackend()
    index = SearchIndex.cached(path)
    return TantivyBackend(index) if index is not None else None


def writable_backend(session: Session, *, path: Path) -> Backend:
    """The backend new documents go to, creating the tantivy folder on first use."""
    if is_postgres(session):
        return PostgresBackend()
    return TantivyBackend(SearchIndex.cached(path) or SearchIndex(path))


def as_backend(index: Backend | SearchIndex | None) -> Backend | None:
    """Accept a bare tantivy index where a backend is expected."""
    return TantivyBackend(index) if isinstance(index, SearchIndex) else index
