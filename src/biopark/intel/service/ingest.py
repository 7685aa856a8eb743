"""Ingest: bytes -> stored document, facts with offsets, cluster; failures recorded, never raised."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.enterprises.models import Enterprise
from biopark.intel.extract import extract_document
from biopark.intel.fetch import Fetcher, FileTooLarge, read_capped
from biopark.intel.models import (
    REJECTED,
    IntelDocument,
    IntelEntity,
    IntelEvent,
    IntelMetric,
)
from biopark.intel.service.batch import (
    DUPLICATE,
    FAILED,
    MILESTONE_EVENTS,
    NEW,
    IngestResult,
    alias_field,
    deal_source,
    digest_of,
    fact_rows,
    insert_facts,
    prepare,
    record_failure,
    store_batch,
    web_url,
)
from biopark.intel.service.review import apply_corrections
from biopark.intel.types import Event, Extraction, RawDocument
from biopark.pipeline.deals import propose_deals
from biopark.pipeline.proposals import propose_milestones_from_events

# Kept importable from here: pages, feeds and the CLI read the result states from this module.
__all__ = ["DUPLICATE", "FAILED", "NEW", "IngestResult", "alias_field", "record_failure"]
# Files a folder walk picks up; anything else in the folder is not an article.
SUFFIXES = {".html", ".htm", ".txt", ".md", ".shtml", ".xml"}


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
    metrics, entities, events = fact_rows(doc=doc, extraction=extraction, by_name=linker.by_name)
    insert_facts(session, metrics=metrics, entities=entities, events=events)
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
            source_url=web_url(doc),
            document_id=doc.id,
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
    digest = digest_of(data)
    same = session.scalar(
        select(IntelDocument.id).where(
            IntelDocument.park_id == park_id, IntelDocument.content_hash == digest
        )
    )
    if same is not None:
        return IngestResult(origin=origin, status=DUPLICATE, document_id=same)
    linker = linker or Linker.for_park(session, park_id=park_id)
    item = prepare(origin=origin, data=data, url=url, digest=digest, known_names=linker.names)
    (result,) = store_batch(
        session, park_id=park_id, items=[item], by_name=linker.by_name, actor=actor
    )
    return result


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
    propose_deals(
        session, park_id=document.park_id, sources=[deal_source(document, extraction.events)]
    )
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
