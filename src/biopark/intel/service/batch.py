"""Batched ingest storage: a chunk of extracted documents in a fixed number of statements.

The pure part (`prepare`: hash, extract, MinHash and simhash) runs anywhere, in a
process pool included; `store_batch` then writes a whole chunk with one hash lookup,
one band lookup per near-duplicate method, one insert per table and no savepoint, so
the cost per document does not grow with the number of documents already stored
(reposts.py bounds the repost candidates).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.intel import dedupe, minhash
from biopark.intel.extract import extract_document
from biopark.intel.models import (
    EXTRACTED,
    STATUS_FAILED,
    STATUS_OK,
    IntelDocument,
    IntelEntity,
    IntelEvent,
    IntelMetric,
)
from biopark.intel.service.reposts import Known, assign_clusters, chunked
from biopark.intel.types import Event, Extraction, RawDocument
from biopark.kit.inserts import table_insert
from biopark.pipeline.deals import EVENT_KINDS, DealSource, propose_deals
from biopark.pipeline.models import Drug
from biopark.pipeline.proposals import propose_milestones_from_events

NEW, DUPLICATE, FAILED = "new", "duplicate", "failed"
# Events that move or mark a drug of the pipeline; they become proposals for an analyst.
MILESTONE_EVENTS = (
    "clinical_approval",
    "marketing_application",
    "marketing_approval",
    "licensing_deal",
)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to one input."""

    origin: str
    status: str
    document_id: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """One input after the pure stages: bytes, hash, extraction and repost signatures."""

    origin: str
    data: bytes | None
    digest: str | None
    url: str | None = None
    extraction: Extraction | None = None
    error: str | None = None
    simhash: int = 0
    minhash: bytes | None = None
    shingles: int = 0


def record_failure(
    session: Session,
    *,
    park_id: int,
    origin: str,
    error: str,
    url: str | None = None,
    actor: User | None = None,
    data: bytes | None = None,
) -> IngestResult:
    """Keep a failed input with its reason, so that the batch report and the list show it."""
    digest = digest_of(data) if data is not None else None
    if digest is not None:
        same = session.scalar(
            select(IntelDocument.id).where(
                IntelDocument.park_id == park_id, IntelDocument.content_hash == digest
            )
        )
        if same is not None:
            return IngestResult(origin=origin, status=DUPLICATE, document_id=same)
    doc = IntelDocument(
        park_id=park_id,
        content_hash=digest,
        raw=data,
        origin=origin[:1000],
        url=url,
        status=STATUS_FAILED,
        error=error[:500],
        title=None,
        text="",
        ingested_by=actor.username if actor else "system",
    )
    session.add(doc)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="ingest_failed",
        entity_type="intel_document",
        entity_id=doc.id,
        park_id=park_id,
        changes={"origin": origin, "error": error},
    )
    return IngestResult(origin=origin, status=FAILED, document_id=doc.id, error=error)


def digest_of(data: bytes) -> str:
    """The content hash that makes identical bytes a no-op."""
    return hashlib.sha256(data).hexdigest()


def prepare(
    *,
    origin: str,
    data: bytes,
    url: str | None = None,
    digest: str | None = None,
    known_names: Iterable[str] = (),
) -> Prepared:
    """Extract one document and sign it for repost detection (pure: no database)."""
    digest = digest or digest_of(data)
    extraction = extract_document(
        RawDocument(path=origin, data=data, url=url), known_names=known_names
    )
    if extraction.document is None:
        return Prepared(
            origin=origin,
            data=data,
            digest=digest,
            url=url,
            extraction=extraction,
            error=extraction.error or "unreadable",
        )
    text = extraction.document.text
    sig = minhash.signature(text=text)
    return Prepared(
        origin=origin,
        data=data,
        digest=digest,
        url=url,
        extraction=extraction,
        simhash=dedupe.simhash(text=text),
        minhash=sig.to_bytes() if sig else None,
        shingles=sig.size if sig else 0,
    )


def known_hashes(session: Session, *, park_id: int, digests: Sequence[str]) -> dict[str, int]:
    """content hash -> stored document id, for the hashes already in the park."""
    found: dict[str, int] = {}
    for part in chunked(sorted(set(digests))):
        rows = session.execute(
            select(IntelDocument.content_hash, IntelDocument.id).where(
                IntelDocument.park_id == park_id, IntelDocument.content_hash.in_(part)
            )
        )
        found.update({h: i for h, i in rows if h})
    return found


def _offsets(text: str, needle: str) -> tuple[int, int]:
    at = text.find(needle) if needle else -1
    return (at, at + len(needle)) if at >= 0 else (-1, -1)


def alias_field(aliases: Sequence[str]) -> str:
    """Aliases stored one per line with a newline at each end, so a LIKE finds whole names."""
    return "\n" + "\n".join(a[:200] for a in aliases) + "\n" if aliases else ""


def fact_rows(
    *, doc: IntelDocument, extraction: Extraction, by_name: dict[str, int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The metric, entity and event rows of one document (every key in every row)."""
    text = doc.text
    base = {"park_id": doc.park_id, "document_id": doc.id, "review": EXTRACTED}
    metrics = [
        {
            **base,
            "label": m.label[:200],
            "value": m.value,
            "unit": m.unit,
            "qualifier": m.qualifier,
            "period": m.period,
            "forecast": m.forecast,
            "subject": m.subject,
            "quote": m.quote,
            "start": m.start,
            "end": m.end,
        }
        for m in extraction.metrics
    ]
    entities = [
        {
            **base,
            "name": e.name[:200],
            "type": e.type,
            "mentions": e.mentions,
            "start": _offsets(text, e.name)[0],
            "end": _offsets(text, e.name)[1],
            "aliases": alias_field(e.aliases),
            # The registry may know the company by its short or English name.
            "enterprise_id": next((by_name[n] for n in (e.name, *e.aliases) if n in by_name), None),
        }
        for e in extraction.entities
    ]
    events = [
        {
            **base,
            "type": ev.type,
            "event_date": ev.date,
            "subjects": list(ev.subjects),
            "amount_value": ev.amount.value if ev.amount else None,
            "amount_unit": ev.amount.unit if ev.amount else None,
            "quote": ev.quote,
            "start": _offsets(text, ev.quote)[0],
            "end": _offsets(text, ev.quote)[1],
        }
        for ev in extraction.events
    ]
    return metrics, entities, events


def insert_facts(
    session: Session,
    *,
    metrics: list[dict[str, Any]],
    entities: list[dict[str, Any]],
    events: list[dict[str, Any]],
) -> None:
    """One executemany per fact kind, on the tables (see `table_insert`)."""
    for model, rows in ((IntelMetric, metrics), (IntelEntity, entities), (IntelEvent, events)):
        if rows:
            session.execute(table_insert(model), rows)


def _milestone_events(
    extraction: Extraction, text: str, drugs: list[tuple[str, str]]
) -> list[Event]:
    """The document's drug events in text order, or none when no park drug is named."""
    events = [e for e in extraction.events if e.type in MILESTONE_EVENTS]
    events.sort(key=lambda e: _offsets(text, e.quote)[0])
    for event in events:
        for subject in event.subjects:
            if any(subject == name or (code and code in subject) for name, code in drugs):
                return events
    return []


def store_batch(
    session: Session,
    *,
    park_id: int,
    items: Sequence[Prepared],
    by_name: dict[str, int],
    actor: User | None = None,
    known: Known | None = None,
) -> list[IngestResult]:
    """Store a chunk of prepared documents with their facts, clusters and proposals.

    A bulk run passes the same `known` to each chunk (see service/reposts.py).
    """
    who = actor.username if actor else "system"
    stored = known_hashes(session, park_id=park_id, digests=[i.digest for i in items if i.digest])
    results: list[IngestResult | None] = [None] * len(items)
    fresh: list[tuple[int, Prepared, IntelDocument]] = []
    in_batch: set[str] = set()
    for n, item in enumerate(items):
        if item.digest and item.digest in stored:
            results[n] = IngestResult(item.origin, DUPLICATE, stored[item.digest])
            continue
        if item.digest and item.digest in in_batch:
            continue  # the same bytes twice in one batch: the first wins
        if item.error is not None or item.extraction is None or item.extraction.document is None:
            continue
        clean = item.extraction.document
        value = item.simhash
        doc = IntelDocument(
            park_id=park_id,
            content_hash=item.digest,
            raw=item.data,
            origin=item.origin[:1000],
            url=item.url,
            status=STATUS_OK,
            title=(clean.title or "")[:500] or None,
            published_at=clean.published_at,
            source=(clean.source or "")[:200] or None,
            language=clean.language,
            text=clean.text,
            ingested_by=who,
            simhash=dedupe.to_signed(value),
        )
        doc.band0, doc.band1, doc.band2, doc.band3 = dedupe.bands(value)
        if item.digest:
            in_batch.add(item.digest)
        fresh.append((n, item, doc))
    session.add_all(doc for _, _, doc in fresh)
    session.flush()
    for n, item, doc in fresh:
        results[n] = IngestResult(item.origin, NEW, doc.id)
        if item.digest:
            stored[item.digest] = doc.id
    for n, item in enumerate(items):
        if results[n] is None and item.digest and item.digest in stored:
            results[n] = IngestResult(item.origin, DUPLICATE, stored[item.digest])
    assign_clusters(session, [(item, doc) for _, item, doc in fresh], known)
    _facts_and_proposals(session, fresh, by_name)
    for _, item, doc in fresh:
        audit.record(
            session,
            actor=actor,
            action="ingest",
            entity_type="intel_document",
            entity_id=doc.id,
            park_id=park_id,
            changes={"origin": item.origin, "title": doc.title, "cluster": doc.cluster_id},
        )
    for n, item in enumerate(items):
        if results[n] is None:
            results[n] = record_failure(
                session,
                park_id=park_id,
                origin=item.origin,
                url=item.url,
                actor=actor,
                data=item.data,
                error=item.error or "unreadable",
            )
    return [r for r in results if r is not None]


def _facts_and_proposals(
    session: Session, fresh: list[tuple[int, Prepared, IntelDocument]], by_name: dict[str, int]
) -> None:
    metrics: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for _, item, doc in fresh:
        assert item.extraction is not None
        m, e, v = fact_rows(doc=doc, extraction=item.extraction, by_name=by_name)
        metrics += m
        entities += e
        events += v
    insert_facts(session, metrics=metrics, entities=entities, events=events)
    if fresh:
        propose_deals(
            session,
            park_id=fresh[0][2].park_id,
            sources=[
                deal_source(doc, item.extraction.events)
                for _, item, doc in fresh
                if item.extraction is not None
            ],
        )
    drugs: list[tuple[str, str]] | None = None
    for _, item, doc in fresh:
        assert item.extraction is not None
        if not any(e.type in MILESTONE_EVENTS for e in item.extraction.events):
            continue
        if drugs is None:  # the park's drugs, read once per batch
            drugs = [
                (name, code or "")
                for name, code in session.execute(
                    select(Drug.name, Drug.code).where(Drug.park_id == doc.park_id)
                )
            ]
        found = _milestone_events(item.extraction, doc.text, drugs)
        if found:
            propose_milestones_from_events(
                session,
                park_id=doc.park_id,
                events=found,
                # A proposal keeps 300 characters of title and only web links as its source URL.
                source_title=(doc.title or "")[:300] or None,
                source_url=web_url(doc),
                document_id=doc.id,
                published_on=doc.published_at,
            )


def store_each(
    session: Session,
    *,
    park_id: int,
    items: Sequence[Prepared],
    by_name: dict[str, int],
    actor: User | None = None,
) -> list[IngestResult]:
    """Store a chunk document by document, each in a savepoint: a failing one is recorded."""
    results = []
    for item in items:
        try:
            with session.begin_nested():
                (result,) = store_batch(
                    session, park_id=park_id, items=[item], by_name=by_name, actor=actor
                )
        except Exception as exc:  # one bad input must never stop the batch
            result = record_failure(
                session,
                park_id=park_id,
                origin=item.origin,
                actor=actor,
                error=f"internal error: {type(exc).__name__}: {exc}"[:500],
            )
        results.append(result)
    return results


def web_url(doc: IntelDocument) -> str | None:
    """The document's link when it is a web page (proposals cite only those)."""
    return doc.url if (doc.url or "").startswith(("http://", "https://")) else None


def deal_source(doc: IntelDocument, events: Sequence[Event]) -> DealSource:
    """The deal events of a stored document, with where they were read."""
    return DealSource(
        events=tuple(e for e in events if e.type in EVENT_KINDS),
        document_id=doc.id,
        source_title=(doc.title or "")[:300] or None,
        source_url=web_url(doc),
        published_on=doc.published_at,
    )
