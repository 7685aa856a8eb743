"""Reading stored documents, their facts and their clusters (always within the user's park)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, load_only

from biopark.accounts.models import User
from biopark.errors import NotFound
from biopark.intel.models import (
    STATUS_OK,
    IntelDocument,
    IntelEntity,
    IntelEvent,
    IntelMetric,
)
from biopark.intel.service.access import check_read
from biopark.kit.pagination import Page, paginate


def list_documents(
    session: Session,
    *,
    user: User,
    q: str | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    size: int = 30,
) -> Page[Any]:
    """A page of the park's documents, newest first."""
    check_read(user)
    stmt: Select[Any] = select(IntelDocument).where(IntelDocument.park_id == user.park_id)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            or_(
                IntelDocument.title.like(like),
                IntelDocument.origin.like(like),
                IntelDocument.source.like(like),
            )
        )
    if status:
        stmt = stmt.where(IntelDocument.status == status)
    if date_from:
        stmt = stmt.where(IntelDocument.published_at >= date_from)
    if date_to:
        stmt = stmt.where(IntelDocument.published_at <= date_to)
    stmt = stmt.order_by(IntelDocument.id.desc())
    return paginate(session, stmt, page=page, size=size)


def get_document(session: Session, *, user: User, document_id: int) -> IntelDocument:
    """One document of the user's park; others' ids look the same as missing ones."""
    check_read(user)
    doc = session.scalar(
        select(IntelDocument).where(
            IntelDocument.id == document_id, IntelDocument.park_id == user.park_id
        )
    )
    if doc is None:
        raise NotFound("文档不存在", en="Document not found")
    return doc


@dataclass
class DocumentFacts:
    metrics: list[IntelMetric]
    entities: list[IntelEntity]
    events: list[IntelEvent]


def facts_of(session: Session, *, document_id: int) -> DocumentFacts:
    """The stored facts of one document, in text order."""
    return DocumentFacts(
        metrics=list(
            session.scalars(
                select(IntelMetric)
                .where(IntelMetric.document_id == document_id)
                .order_by(IntelMetric.start, IntelMetric.id)
            )
        ),
        entities=list(
            session.scalars(
                select(IntelEntity)
                .where(IntelEntity.document_id == document_id)
                .order_by(IntelEntity.id)
            )
        ),
        events=list(
            session.scalars(
                select(IntelEvent)
                .where(IntelEvent.document_id == document_id)
                .order_by(IntelEvent.start, IntelEvent.id)
            )
        ),
    )


def cluster_members(
    session: Session, *, park_id: int, cluster_ids: list[int]
) -> dict[int, list[IntelDocument]]:
    """The documents of each cluster (all its sources), oldest first."""
    out: dict[int, list[IntelDocument]] = {c: [] for c in cluster_ids}
    if not cluster_ids:
        return out
    rows = session.scalars(
        select(IntelDocument)
        .options(
            load_only(
                IntelDocument.id,
                IntelDocument.park_id,
                IntelDocument.title,
                IntelDocument.source,
                IntelDocument.published_at,
                IntelDocument.url,
                IntelDocument.origin,
                IntelDocument.cluster_id,
                IntelDocument.status,
            )
        )
        # Only the cluster in WHERE: with the park there too, SQLite walked the park index.
        .where(IntelDocument.cluster_id.in_(cluster_ids))
        .order_by(IntelDocument.id)
    )
    for doc in rows:
        if doc.park_id == park_id and doc.status == STATUS_OK and doc.cluster_id is not None:
            out[doc.cluster_id].append(doc)
    return out


@dataclass(frozen=True)
class Segment:
    """A piece of the cleaned text, marked when a fact covers it."""

    text: str
    fact: str | None = None


def highlighted(text: str, facts: DocumentFacts) -> list[Segment]:
    """Split the text into plain and fact-covered segments (metrics and events), for display."""
    spans: list[tuple[int, int, str]] = []
    for m in facts.metrics:
        if 0 <= m.start < m.end <= len(text) and m.review != "rejected":
            spans.append((m.start, m.end, f"metric-{m.id}"))
    for e in facts.events:
        if 0 <= e.start < e.end <= len(text) and e.review != "rejected":
            spans.append((e.start, e.end, f"event-{e.id}"))
    spans.sort()
    out: list[Segment] = []
    at = 0
    for start, end, tag in spans:
        if start < at:
            continue
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], tag))
        at = end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out
