"""Chinese full-text search over the park's documents and facts.

A backend (backends.py: tantivy on SQLite, PostgreSQL's own full-text search on
PostgreSQL) answers for documents it holds; documents not yet indexed, or every
document when there is no index, are matched with SQL LIKE on the same segmented terms. Either way hits are re-read from the
database within the user's park, so the index can never leak another park's
documents or a stale one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, exists, func, or_, select, true, update
from sqlalchemy.orm import Session, defer

from biopark.accounts.models import User
from biopark.errors import ValidationFailed
from biopark.intel.index import Filters, IndexDoc, SearchIndex, index_terms, query_terms
from biopark.intel.models import STATUS_OK, IntelDocument, IntelEntity, IntelEvent, IntelMetric
from biopark.intel.service.access import check_read
from biopark.intel.service.backends import (
    Backend,
    PostgresBackend,
    as_backend,
    is_postgres,
)
from biopark.intel.service.documents import cluster_members
from biopark.kit.models import utcnow

SNIPPET = 60
# Facts shown with one page of hits, at most (per kind).
FACTS_MAX = 200
# Beyond this many unindexed documents, run `biopark intel reindex`.
UNINDEXED_MAX = 5000


def index_path(var_dir: Path) -> Path:
    """Where the index of this installation lives."""
    return var_dir / "index"


@dataclass
class FactHit:
    kind: str
    id: int
    label: str
    quote: str
    value: str | None = None
    unit: str | None = None


@dataclass
class SearchHit:
    document: IntelDocument
    score: float
    snippet: str
    facts: list[FactHit] = field(default_factory=list)
    sources: list[IntelDocument] = field(default_factory=list)


@dataclass
class SearchResult:
    query: str
    terms: list[str]
    hits: list[SearchHit]
    used_index: bool


def snippet(text: str, terms: list[str], *, width: int = SNIPPET) -> str:
    """An HTML-escaped window of the text around the first term, terms wrapped in <mark>."""
    # Case-insensitive matching on the text itself: lower-casing first can change the
    # length ("İ" becomes two characters) and shift every offset after it.
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.IGNORECASE) if wanted else None
    found = pattern.search(text) if pattern else None
    first = found.start() if found else 0
    start = max(0, first - width // 3)
    window = text[start : start + width * 2]
    out: list[str] = ["…" if start > 0 else ""]
    at = 0
    for match in pattern.finditer(window) if pattern else ():
        out.append(html.escape(window[at : match.start()]))
        out.append(f"<mark>{html.escape(match.group())}</mark>")
        at = match.end()
    out.append(html.escape(window[at:]))
    if start + len(window) < len(text):
        out.append("…")
    return "".join(out)


def apply_filters(stmt: Select[Any], filters: Filters) -> Select[Any]:
    """The statement restricted by the filters (documents joined as IntelDocument)."""
    if filters.date_from:
        stmt = stmt.where(IntelDocument.published_at >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(IntelDocument.published_at <= filters.date_to)
    if filters.source:
        stmt = stmt.where(IntelDocument.source == filters.source)
    if filters.entity:
        stmt = stmt.where(
            exists().where(
                IntelEntity.document_id == IntelDocument.id,
                or_(
                    IntelEntity.name == filters.entity,
                    # A short or English name finds the company grouped under its legal name.
                    IntelEntity.aliases.contains(f"\n{filters.entity}\n", autoescape=True),
                ),
            )
        )
    if filters.event_type:
        stmt = stmt.where(
            exists().where(
                IntelEvent.document_id == IntelDocument.id, IntelEvent.type == filters.event_type
            )
        )
    if filters.unit:
        stmt = stmt.where(
            exists().where(
                IntelMetric.document_id == IntelDocument.id, IntelMetric.unit == filters.unit
            )
        )
    return stmt


def _like_ids(
    session: Session,
    *,
    park_id: int,
    terms: list[str],
    filters: Filters,
    only_unindexed: bool,
    limit: int,
) -> list[int]:
    stmt = select(IntelDocument.id).where(
        IntelDocument.park_id == park_id, IntelDocument.status == STATUS_OK
    )
    if only_unindexed:
        # Read the (normally few) unindexed ids through their own index first; with the
        # park and status in the same WHERE, planners scanned the whole park instead.
        pending = list(
            session.scalars(
                select(IntelDocument.id)
                .where(IntelDocument.indexed_at.is_(None))
                .limit(UNINDEXED_MAX)
            )
        )
        if not pending:
            return []
        stmt = stmt.where(IntelDocument.id.in_(pending))
    for term in terms:
        like = f"%{term}%"
        stmt = stmt.where(or_(IntelDocument.title.ilike(like), IntelDocument.text.ilike(like)))
    stmt = apply_filters(stmt, filters)
    stmt = stmt.order_by(IntelDocument.published_at.desc(), IntelDocument.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def _mentions(columns: list[Any], terms: list[str]) -> Any:
    """Any of the columns contains any of the (lower-case) terms."""
    if not terms:
        return true()
    return or_(*(func.lower(c).contains(t, autoescape=True) for c in columns for t in terms))


def _facts(session: Session, doc_ids: list[int], terms: list[str]) -> dict[int, list[FactHit]]:
    # The terms are matched in SQL: documents with thousands of facts stay in the database.
    out: dict[int, list[FactHit]] = {d: [] for d in doc_ids}
    if not doc_ids:
        return out
    metrics = select(
        IntelMetric.id,
        IntelMetric.document_id,
        IntelMetric.label,
        IntelMetric.quote,
        IntelMetric.value,
        IntelMetric.unit,
    ).where(
        IntelMetric.document_id.in_(doc_ids),
        IntelMetric.review != "rejected",
        _mentions([IntelMetric.quote, IntelMetric.label], terms),
    )
    for m in session.execute(metrics.order_by(IntelMetric.id).limit(FACTS_MAX)):
        out[m.document_id].append(
            FactHit(
                "metric",
                m.id,
                m.label,
                m.quote,
                value=format(m.value.normalize(), "f"),
                unit=m.unit,
            )
        )
    events = select(IntelEvent.id, IntelEvent.document_id, IntelEvent.type, IntelEvent.quote).where(
        IntelEvent.document_id.in_(doc_ids),
        IntelEvent.review != "rejected",
        _mentions([IntelEvent.quote], terms),
    )
    for e in session.execute(events.order_by(IntelEvent.id).limit(FACTS_MAX)):
        out[e.document_id].append(FactHit("event", e.id, e.type, e.quote))
    return out


def search(
    session: Session,
    *,
    user: User,
    query: str,
    filters: Filters | None = None,
    index: Backend | SearchIndex | None = None,
    limit: int = 20,
    collapse: bool = True,
) -> SearchResult:
    """The park's best documents for the query, one per near-duplicate cluster, with snippets."""
    check_read(user)
    backend = as_backend(index)
    if len(query) > 200:
        raise ValidationFailed("检索词过长", en="Query too long")
    filters = filters or Filters()
    terms = query_terms(query)
    limit = max(1, min(limit, 100))
    scored: list[tuple[int, float]] = []
    if backend is not None and terms:
        scored = backend.search(
            session, park_id=user.park_id, terms=terms, filters=filters, limit=limit * 3
        )
        seen = {d for d, _ in scored}
        scored += [
            (d, 0.0)
            for d in _like_ids(
                session,
                park_id=user.park_id,
                terms=terms,
                filters=filters,
                only_unindexed=True,
                limit=limit * 3,
            )
            if d not in seen
        ]
    else:
        scored = [
            (d, 0.0)
            for d in _like_ids(
                session,
                park_id=user.park_id,
                terms=terms,
                filters=filters,
                only_unindexed=False,
                limit=limit * 3,
            )
        ]
    ids = [d for d, _ in scored]
    docs = {
        d.id: d
        for d in session.scalars(
            select(IntelDocument)
            .options(defer(IntelDocument.text))
            .where(
                IntelDocument.id.in_(ids),
                IntelDocument.park_id == user.park_id,
                IntelDocument.status == STATUS_OK,
            )
        )
    }
    hits: list[SearchHit] = []
    clusters_seen: set[int] = set()
    for doc_id, score in scored:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        cluster = doc.cluster_id or doc.id
        if collapse and cluster in clusters_seen:
            continue
        clusters_seen.add(cluster)
        hits.append(SearchHit(document=doc, score=score, snippet=""))
        if len(hits) >= limit:
            break
    # Only the shown hits' texts are read, in one query, for their snippets.
    texts: dict[int, str] = {
        doc_id: body
        for doc_id, body in session.execute(
            select(IntelDocument.id, IntelDocument.text).where(
                IntelDocument.id.in_([h.document.id for h in hits])
            )
        )
    }
    for h in hits:
        h.snippet = snippet(texts.get(h.document.id) or h.document.title or "", terms)
    facts = _facts(session, [h.document.id for h in hits], terms)
    members = cluster_members(
        session,
        park_id=user.park_id,
        cluster_ids=sorted({h.document.cluster_id or h.document.id for h in hits}),
    )
    for h in hits:
        h.facts = facts[h.document.id]
        h.sources = members.get(h.document.cluster_id or h.document.id, []) or [h.document]
    return SearchResult(
        query=query, terms=terms, hits=hits, used_index=backend is not None and bool(terms)
    )


_INDEXED_COLUMNS = (
    IntelDocument.id,
    IntelDocument.park_id,
    IntelDocument.cluster_id,
    IntelDocument.published_at,
    IntelDocument.source,
    IntelDocument.title,
    IntelDocument.text,
)


def _index_docs(session: Session, docs: Sequence[Any]) -> list[IndexDoc]:
    ids = [d.id for d in docs]
    names: dict[int, set[str]] = {i: set() for i in ids}
    events: dict[int, set[str]] = {i: set() for i in ids}
    units: dict[int, set[str]] = {i: set() for i in ids}
    for target, column, doc_col in (
        (names, IntelEntity.name, IntelEntity.document_id),
        (events, IntelEvent.type, IntelEvent.document_id),
        (units, IntelMetric.unit, IntelMetric.document_id),
    ):
        for doc_id, value in session.execute(
            select(doc_col, column).where(doc_col.in_(ids)).distinct()
        ):
            target[doc_id].add(value)
    return [
        IndexDoc(
            doc_id=doc.id,
            park_id=doc.park_id,
            cluster_id=doc.cluster_id or doc.id,
            published_at=doc.published_at,
            source=doc.source,
            title_terms=index_terms(doc.title or ""),
            body_terms=index_terms(doc.text),
            entities=sorted(names[doc.id]),
            event_types=sorted(events[doc.id]),
            units=sorted(units[doc.id]),
        )
        for doc in docs
    ]


def _mark_indexed(session: Session, ids: list[int]) -> None:
    session.execute(
        update(IntelDocument).where(IntelDocument.id.in_(ids)).values(indexed_at=utcnow()),
        execution_options={"synchronize_session": "evaluate"},
    )


def index_documents(
    session: Session, *, index: Backend | SearchIndex, document_ids: list[int]
) -> int:
    """Add or replace these documents in the index and mark them indexed."""
    backend = as_backend(index)
    assert backend is not None
    rows = list(
        session.execute(
            select(*_INDEXED_COLUMNS).where(
                IntelDocument.id.in_(document_ids), IntelDocument.status == STATUS_OK
            )
        )
    )
    if not rows:
        return 0
    n = backend.upsert(session, _index_docs(session, rows))
    if not backend.marks_indexed:
        _mark_indexed(session, [r.id for r in rows])
    return n


def _batches(session: Session, batch: int) -> Iterator[list[Any]]:
    last = 0
    while True:
        rows = list(
            session.execute(
                select(*_INDEXED_COLUMNS)
                .where(IntelDocument.id > last, IntelDocument.status == STATUS_OK)
                .order_by(IntelDocument.id)
                .limit(batch)
            )
        )
        if not rows:
            return
        yield rows
        last = rows[-1].id


def reindex(session: Session, *, path: Path, batch: int = 1000) -> int:
    """Rebuild the whole index from the database (the source of truth).

    On PostgreSQL the tsvectors are rewritten in the database; elsewhere the
    tantivy folder at path is replaced.
    """
    total = 0
    if is_postgres(session):
        backend = PostgresBackend()
        for rows in _batches(session, batch):
            total += backend.upsert(session, _index_docs(session, rows))
        return total
    index = SearchIndex.recreate(path)
    writer = index.writer()
    for rows in _batches(session, batch):
        for item in _index_docs(session, rows):
            SearchIndex.add(writer, item)
        _mark_indexed(session, [r.id for r in rows])
        total += len(rows)
    writer.commit()
    writer.wait_merging_threads()
    return total


def parse_date(value: str | None, *, name: str) -> date | None:
    """A YYYY-MM-DD filter value, or a clear error."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            f"{name} 日期格式应为 YYYY-MM-DD", en=f"{name}: date must be YYYY-MM-DD"
        ) from exc
