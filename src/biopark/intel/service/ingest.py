"""Ingest: bytes -> stored document, facts with offsets, cluster; failures recorded, never raised."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.enterprises.models import Enterprise
from biopark.intel import dedupe, minhash
from biopark.intel.extract import extract_document
from biopark.intel.fetch import Fetcher, FileTooLarge, read_capped
from biopark.intel.models import (
    EXTRACTED,
    REJECTED,
    STATUS_FAILED,
    STATUS_OK,
    IntelDocument,
    IntelDocumentBand,
    IntelEntity,
    IntelEvent,
    IntelMetric,
)
from biopark.intel.service.review import apply_corrections
from biopark.intel.types import Event, Extraction, RawDocument
from biopark.pipeline.deals import propose_deals_from_events
from biopark.pipeline.proposals import propose_milestones_from_events

NEW, DUPLICATE, FAILED = "new", "duplicate", "failed"
# Events that move or mark a drug of the pipeline; they become proposals for an analyst.
MILESTONE_EVENTS = (
    "clinical_approval",
    "marketing_application",
    "marketing_approval",
    "licensing_deal",
)
# Files a folder walk picks up; anything else in the folder is not an article.
SUFFIXES = {".html", ".htm", ".txt", ".md", ".shtml", ".xml"}


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to one input."""

    origin: str
    status: str
    document_id: int | None = None
    error: str | None = None


@dataclass
class Linker:
    """The park's enterprise names (full and short) -> enterprise id, read once per batch."""

    by_name: dict[str, int]

    @classmethod
    def for_park(cls, session: Session, *, park_id: int) -> Linker:
        by_name: dict[str, int] = {}
        rows = session.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.short_name).where(
                Enterprise.park_id == park_id
            )
        )
        for ent_id, name, short in rows:
            by_name[name] = ent_id
            if short:
                by_name.setdefault(short, ent_id)
        return cls(by_name=by_name)

    @property
    def names(self) -> list[str]:
        return list(self.by_name)


def alias_field(aliases: Sequence[str]) -> str:
    """Aliases stored one per line with a newline at each end, so a LIKE finds whole names."""
    return "\n" + "\n".join(a[:200] for a in aliases) + "\n" if aliases else ""


def _who(actor: User | None) -> str:
    return actor.username if actor else "system"


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
    digest = hashlib.sha256(data).hexdigest() if data is not None else None
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
        ingested_by=_who(actor),
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


def _assign_cluster(session: Session, doc: IntelDocument, text: str) -> None:
    """Put the document in the cluster of its closest earlier repost (MinHash-LSH, else simhash)."""
    value = dedupe.simhash(text=text)
    doc.cluster_id = doc.id
    by_minhash = _minhash_match(session, doc, minhash.signature(text=text))
    by_simhash = _simhash_match(session, doc, value)
    match = by_minhash if by_minhash is not None else by_simhash
    if match is not None:
        doc.cluster_id = match


def _minhash_match(
    session: Session, doc: IntelDocument, sig: minhash.Signature | None
) -> int | None:
    if sig is None:
        return None
    doc.minhash, doc.shingle_count = sig.to_bytes(), sig.size
    keys = sig.band_keys()
    rows = session.execute(
        select(
            IntelDocument.id,
            IntelDocument.minhash,
            IntelDocument.shingle_count,
            IntelDocument.cluster_id,
            IntelDocument.park_id,
            IntelDocument.status,
        )
        .join(IntelDocumentBand, IntelDocumentBand.document_id == IntelDocument.id)
        .where(IntelDocumentBand.key.in_(keys))
        .distinct()
    ).all()
    session.add_all(IntelDocumentBand(document_id=doc.id, key=k) for k in keys)
    best: tuple[float, int, int] | None = None
    for other_id, data, size, cluster, park_id, status in rows:
        if other_id == doc.id or park_id != doc.park_id or status != STATUS_OK or not data:
            continue
        other = minhash.Signature.from_bytes(data, size or 0)
        if not minhash.same_story(sig, other):
            continue
        score = minhash.jaccard(sig, other)
        if best is None or (-score, other_id) < (-best[0], best[1]):
            best = (score, other_id, cluster or other_id)
    return best[2] if best else None


def _simhash_match(session: Session, doc: IntelDocument, value: int) -> int | None:
    doc.simhash = dedupe.to_signed(value)
    doc.band0, doc.band1, doc.band2, doc.band3 = dedupe.bands(value)
    if value == 0:
        return None
    # One query per band with only the band in WHERE: planners then use the band index
    # (with park and status in WHERE too, SQLite chose the status index and scanned).
    rows: dict[int, tuple[int | None, int | None]] = {}
    for column, band in zip(
        (IntelDocument.band0, IntelDocument.band1, IntelDocument.band2, IntelDocument.band3),
        (doc.band0, doc.band1, doc.band2, doc.band3),
        strict=True,
    ):
        for other_id, other_hash, other_cluster, park_id, status in session.execute(
            select(
                IntelDocument.id,
                IntelDocument.simhash,
                IntelDocument.cluster_id,
                IntelDocument.park_id,
                IntelDocument.status,
            ).where(column == band)
        ):
            if other_id != doc.id and park_id == doc.park_id and status == STATUS_OK:
                rows[other_id] = (other_hash, other_cluster)
    best: tuple[int, int] | None = None
    for other_id, (other_hash, other_cluster) in sorted(rows.items()):
        other = dedupe.to_unsigned(other_hash or 0)
        if dedupe.near(value, other):
            dist = dedupe.distance(value, other)
            if best is None or dist < best[0]:
                best = (dist, other_cluster or other_id)
    return best[1] if best is not None else None


def _offsets(text: str, needle: str) -> tuple[int, int]:
    at = text.find(needle) if needle else -1
    return (at, at + len(needle)) if at >= 0 else (-1, -1)


def store_facts(
    session: Session,
    *,
    doc: IntelDocument,
    extraction: Extraction,
    linker: Linker,
    fresh: bool = False,
) -> None:
    """Replace the document's fact rows with this extraction, then re-apply analysts' verdicts."""
    if not fresh:
        for model in (IntelMetric, IntelEntity, IntelEvent):
            session.execute(delete(model).where(model.document_id == doc.id))
    text = doc.text
    base = {"park_id": doc.park_id, "document_id": doc.id, "review": EXTRACTED}
    # Bulk inserts: one statement per fact kind instead of a unit-of-work row each.
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
            "enterprise_id": next(
                (linker.by_name[n] for n in (e.name, *e.aliases) if n in linker.by_name), None
            ),
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
    for model, rows in ((IntelMetric, metrics), (IntelEntity, entities), (IntelEvent, events)):
        if rows:
            session.execute(insert(model), rows)
    if not fresh:
        # A brand-new document has no verdicts yet (they are deleted with their document).
        apply_corrections(session, document_id=doc.id)


def propose_milestones(session: Session, *, doc: IntelDocument) -> None:
    """Queue the document's drug events (not rejected by an analyst) as pipeline proposals.

    Safe to call again after a re-extraction: the pipeline skips a proposal it already
    holds for the same drug, sentence and stage, whatever was decided on it.
    """
    rows = session.scalars(
        select(IntelEvent)
        .where(
            IntelEvent.document_id == doc.id,
            IntelEvent.type.in_(MILESTONE_EVENTS),
            IntelEvent.review != REJECTED,
        )
        .order_by(IntelEvent.start, IntelEvent.id)
    )
    events = [
        Event(type=e.type, date=e.event_date, subjects=tuple(e.subjects or ()), quote=e.quote)
        for e in rows
    ]
    if events:
        propose_milestones_from_events(
            session,
            park_id=doc.park_id,
            events=events,
            # A proposal keeps 300 characters of title and only web links as its source URL.
            source_title=(doc.title or "")[:300] or None,
            source_url=doc.url if (doc.url or "").startswith(("http://", "https://")) else None,
            document_id=doc.id,
            published_on=doc.published_at,
        )


def propose_deals(session: Session, *, doc: IntelDocument, extraction: Extraction) -> None:
    """Queue the document's licensing, acquisition and financing events as proposed deals."""
    propose_deals_from_events(
        session,
        park_id=doc.park_id,
        events=extraction.events,
        document_id=doc.id,
        source_title=(doc.title or "")[:300] or None,
        source_url=doc.url if (doc.url or "").startswith(("http://", "https://")) else None,
        published_on=doc.published_at,
    )


def ingest_bytes(
    session: Session,
    *,
    park_id: int,
    origin: str,
    data: bytes,
    url: str | None = None,
    actor: User | None = None,
    linker: Linker | None = None,
) -> IngestResult:
    """Store one document and its facts; identical bytes already stored are a no-op."""
    digest = hashlib.sha256(data).hexdigest()
    same = session.scalar(
        select(IntelDocument.id).where(
            IntelDocument.park_id == park_id, IntelDocument.content_hash == digest
        )
    )
    if same is not None:
        return IngestResult(origin=origin, status=DUPLICATE, document_id=same)
    linker = linker or Linker.for_park(session, park_id=park_id)
    extraction = extract_document(
        RawDocument(path=origin, data=data, url=url), known_names=linker.names
    )
    if extraction.document is None:
        return record_failure(
            session,
            park_id=park_id,
            origin=origin,
            url=url,
            actor=actor,
            data=data,
            error=extraction.error or "unreadable",
        )
    clean = extraction.document
    doc = IntelDocument(
        park_id=park_id,
        content_hash=digest,
        raw=data,
        origin=origin[:1000],
        url=url,
        status=STATUS_OK,
        title=(clean.title or "")[:500] or None,
        published_at=clean.published_at,
        source=(clean.source or "")[:200] or None,
        language=clean.language,
        text=clean.text,
        ingested_by=_who(actor),
    )
    session.add(doc)
    session.flush()
    _assign_cluster(session, doc, clean.text)
    store_facts(session, doc=doc, extraction=extraction, linker=linker, fresh=True)
    propose_milestones(session, doc=doc)
    propose_deals(session, doc=doc, extraction=extraction)
    audit.record(
        session,
        actor=actor,
        action="ingest",
        entity_type="intel_document",
        entity_id=doc.id,
        park_id=park_id,
        changes={"origin": origin, "title": doc.title, "cluster": doc.cluster_id},
    )
    return IngestResult(origin=origin, status=NEW, document_id=doc.id)


def reextract(session: Session, *, document: IntelDocument) -> IntelDocument:
    """Run the extractor again on the stored bytes; corrections survive."""
    if document.raw is None:
        return document
    linker = Linker.for_park(session, park_id=document.park_id)
    extraction = extract_document(
        RawDocument(path=document.origin, data=document.raw, url=document.url),
        known_names=linker.names,
    )
    if extraction.document is None:
        return document
    document.text = extraction.document.text
    store_facts(session, doc=document, extraction=extraction, linker=linker)
    propose_milestones(session, doc=document)
    propose_deals(session, doc=document, extraction=extraction)
    return document


def walk(path: Path) -> Iterator[Path]:
    """The article files under a folder (sorted), or the path itself."""
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and p.suffix.lower() in SUFFIXES:
                yield p
    else:
        yield path


def ingest_file(
    session: Session,
    *,
    park_id: int,
    path: Path,
    actor: User | None = None,
    linker: Linker | None = None,
) -> IngestResult:
    """Read one local file and ingest it; unreadable files are recorded as failures."""
    try:
        data = read_capped(path)
    except FileTooLarge as exc:
        return record_failure(
            session, park_id=park_id, origin=str(path), actor=actor, error=str(exc)
        )
    except OSError as exc:
        return record_failure(
            session,
            park_id=park_id,
            origin=str(path),
            actor=actor,
            error=f"cannot read file: {exc.strerror or exc}",
        )
    return ingest_bytes(
        session, park_id=park_id, origin=str(path), data=data, actor=actor, linker=linker
    )


def ingest_url(
    session: Session,
    *,
    park_id: int,
    url: str,
    fetcher: Fetcher,
    actor: User | None = None,
    linker: Linker | None = None,
) -> IngestResult:
    """Fetch one page politely and ingest it; fetch errors are recorded."""
    got = fetcher.fetch(url)
    if got.data is None:
        return record_failure(
            session,
            park_id=park_id,
            origin=url,
            url=url,
            actor=actor,
            error=got.error or "fetch failed",
        )
    return ingest_bytes(
        session, park_id=park_id, origin=url, url=url, data=got.data, actor=actor, linker=linker
    )


def ingest_many(
    session: Session,
    *,
    park_id: int,
    targets: list[str],
    fetcher: Fetcher | None = None,
    actor: User | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
) -> list[IngestResult]:
    """Ingest files, folders and URLs in order; each input in its own savepoint."""
    linker = Linker.for_park(session, park_id=park_id)
    results: list[IngestResult] = []

    def run(one: Callable[[], IngestResult], origin: str) -> None:
        try:
            with session.begin_nested():
                result = one()
        except Exception as exc:  # one bad input must never stop the batch
            result = record_failure(
                session,
                park_id=park_id,
                origin=origin,
                actor=actor,
                error=f"internal error: {type(exc).__name__}: {exc}"[:500],
            )
        results.append(result)
        if on_result:
            on_result(result)

    for target in targets:
        if target.startswith(("http://", "https://")):
            if fetcher is None:
                raise ValueError("a Fetcher is needed for URLs")
            run(
                partial(
                    ingest_url,
                    session,
                    park_id=park_id,
                    url=target,
                    fetcher=fetcher,
                    actor=actor,
                    linker=linker,
                ),
                target,
            )
        else:
            for path in walk(Path(target)):
                run(
                    partial(
                        ingest_file, session, park_id=park_id, path=path, actor=actor, linker=linker
                    ),
                    str(path),
                )
    return results


def feed_targets(
    session: Session, *, park_id: int, feed_url: str, fetcher: Fetcher, actor: User | None = None
) -> list[str]:
    """The article URLs of a feed; an unreadable feed is recorded as a failure."""
    links, error = fetcher.feed_links(feed_url)
    if error:
        record_failure(
            session, park_id=park_id, origin=feed_url, url=feed_url, actor=actor, error=error
        )
    return links
