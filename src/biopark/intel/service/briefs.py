"""Assembling a topic brief from the park's stored facts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.intel.brief import THEMES, Brief, Point, Section, Source, normalise, theme_of
from biopark.intel.index import Filters, SearchIndex
from biopark.intel.models import REJECTED, IntelDocument, IntelEvent, IntelMetric
from biopark.intel.service.backends import Backend
from biopark.intel.service.documents import cluster_members
from biopark.intel.service.search import search

MAX_POINTS = 8


def build_brief(
    session: Session,
    *,
    user: User,
    topic: str,
    filters: Filters | None = None,
    index: Backend | SearchIndex | None = None,
    max_documents: int = 60,
) -> Brief:
    """Key points on the topic grouped by theme, each citing every source of its cluster."""
    result = search(
        session, user=user, query=topic, filters=filters, index=index, limit=max_documents
    )
    members = cluster_members(
        session,
        park_id=user.park_id,
        cluster_ids=sorted({h.document.cluster_id or h.document.id for h in result.hits}),
    )
    # Facts are read from the first-seen source of each cluster (the original, not a repost).
    docs: dict[int, IntelDocument] = {}
    for h in result.hits:
        original = (members.get(h.document.cluster_id or h.document.id) or [h.document])[0]
        docs[original.id] = original
    facts: list[tuple[str, str, IntelDocument, date | None]] = []
    ids = list(docs)
    for ev in session.scalars(
        select(IntelEvent)
        .where(IntelEvent.document_id.in_(ids), IntelEvent.review != REJECTED)
        .order_by(IntelEvent.document_id, IntelEvent.start)
    ):
        doc = docs[ev.document_id]
        facts.append(
            (
                theme_of(event_type=ev.type, sentence=ev.quote),
                ev.quote,
                doc,
                ev.event_date or doc.published_at,
            )
        )
    for m in session.scalars(
        select(IntelMetric)
        .where(IntelMetric.document_id.in_(ids), IntelMetric.review != REJECTED)
        .order_by(IntelMetric.document_id, IntelMetric.start)
    ):
        doc = docs[m.document_id]
        facts.append((theme_of(event_type=None, sentence=m.quote), m.quote, doc, doc.published_at))

    sections = {key: Section(key=key, title=zh) for key, zh, _ in THEMES}
    numbers: dict[int, int] = {}
    sources: list[Source] = []
    used: set[str] = set()

    def number_of(doc: IntelDocument) -> int:
        if doc.id not in numbers:
            numbers[doc.id] = len(numbers) + 1
            sources.append(
                Source(
                    number=numbers[doc.id],
                    document_id=doc.id,
                    title=doc.title or doc.origin,
                    source=doc.source,
                    published_at=doc.published_at,
                    url=doc.url,
                )
            )
        return numbers[doc.id]

    # Newest first, then the order the facts appear in; a sentence (or its repost) counts once.
    facts.sort(key=lambda f: (-(f[3].toordinal() if f[3] else 0), f[2].id))
    chosen: dict[str, list[tuple[str, list[IntelDocument], date | None]]] = {
        k: [] for k in sections
    }
    for theme, sentence, doc, when in facts:
        key = normalise(sentence)
        if not key or key in used or len(chosen[theme]) >= MAX_POINTS:
            continue
        used.add(key)
        chosen[theme].append(
            (sentence.strip(), members.get(doc.cluster_id or doc.id) or [doc], when)
        )
    # Sources are numbered in reading order, so the first citation of the brief is [1].
    for key, _, _ in THEMES:
        for sentence, cited, when in chosen[key]:
            sections[key].points.append(
                Point(sentence=sentence, citations=[number_of(d) for d in cited], published_at=when)
            )
    ordered = [sections[key] for key, _, _ in THEMES]
    return Brief(topic=topic, sections=ordered, sources=sources)
