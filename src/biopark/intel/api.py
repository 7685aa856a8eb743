"""Intelligence API: documents, ingest, search, briefs, review, figures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.intel import service
from biopark.intel.brief import Brief, to_markdown
from biopark.intel.fetch import MAX_BYTES, Fetcher
from biopark.intel.index import Filters
from biopark.intel.schemas import (
    BriefRead,
    DocumentDetail,
    DocumentPage,
    DocumentRead,
    IngestRequest,
    IngestResultRead,
    ReviewRequest,
    SearchResultRead,
    SourceRead,
)
from biopark.intel.service.access import check_read, check_write
from biopark.intel.service.backends import Backend, open_backend
from biopark.intel.service.documents import cluster_members
from biopark.intel.service.search import SearchResult, index_path, parse_date
from biopark.jobs.schemas import TaskAccepted
from biopark.jobs.uploads import accepted, submit_upload

router = APIRouter(prefix="/api/intel", tags=["intel"])


def get_index(request: Request, session: SessionDep) -> Backend | None:
    """The installation's search backend, or None when it has not been built."""
    return open_backend(session, path=index_path(request.app.state.settings.var_dir))


IndexDep = Annotated[Backend | None, Depends(get_index)]


def filters_of(
    date_from: str | None = Query(default=None, alias="from", max_length=10),
    date_to: str | None = Query(default=None, alias="to", max_length=10),
    source: str | None = Query(default=None, max_length=200),
    entity: str | None = Query(default=None, max_length=200),
    event_type: str | None = Query(default=None, max_length=40),
    unit: str | None = Query(default=None, max_length=20),
) -> Filters:
    """Search filters from query parameters."""
    return Filters(
        date_from=parse_date(date_from, name="from"),
        date_to=parse_date(date_to, name="to"),
        source=source or None,
        entity=entity or None,
        event_type=event_type or None,
        unit=unit or None,
    )


FiltersDep = Annotated[Filters, Depends(filters_of)]


def search_read(result: SearchResult) -> dict[str, Any]:
    """A SearchResult in the API shape."""
    return {
        "query": result.query,
        "terms": result.terms,
        "used_index": result.used_index,
        "hits": [
            {
                "document": h.document,
                "score": h.score,
                "snippet": h.snippet,
                "facts": h.facts,
                "sources": h.sources,
            }
            for h in result.hits
        ],
    }


def brief_read(brief: Brief) -> dict[str, Any]:
    """A Brief in the API shape, with its Markdown."""
    return {
        "topic": brief.topic,
        "lang": brief.lang,
        "lead": brief.lead,
        "date_from": brief.date_from,
        "date_to": brief.date_to,
        "sections": [
            {"key": s.key, "title": s.title, "points": s.points} for s in brief.sections if s.points
        ],
        "sources": brief.sources,
        "markdown": to_markdown(brief),
    }


@router.get("/documents", response_model=DocumentPage)
def list_documents(
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    status: str | None = Query(default=None, pattern="^(ok|failed)$"),
    page: int = Query(default=1, ge=1),
    size: int = Query(default=30, ge=1, le=200),
) -> Any:
    """Stored documents of the park, newest first."""
    return service.list_documents(session, user=user, q=q, status=status, page=page, size=size)


@router.get("/documents/{document_id}", response_model=DocumentDetail)
def get_document(document_id: int, user: CurrentUser, session: SessionDep) -> Any:
    """One document with its cleaned text, facts and the other sources of its cluster."""
    doc = service.get_document(session, user=user, document_id=document_id)
    facts = service.facts_of(session, document_id=doc.id)
    cluster = cluster_members(session, park_id=doc.park_id, cluster_ids=[doc.cluster_id or doc.id])
    return {
        **DocumentRead.model_validate(doc).model_dump(),
        "text": doc.text,
        "metrics": facts.metrics,
        "entities": facts.entities,
        "events": facts.events,
        "cluster": [
            SourceRead.model_validate(d) for d in cluster.get(doc.cluster_id or doc.id, [])
        ],
    }


@router.post("/documents", response_model=IngestResultRead, status_code=201)
def ingest_url(body: IngestRequest, user: CurrentUser, session: SessionDep) -> Any:
    """Fetch one page (robots.txt, size cap and rate limit apply) and store it."""
    check_write(user)
    with Fetcher() as fetcher:
        return service.ingest_many(
            session, park_id=user.park_id, targets=[body.url], fetcher=fetcher, actor=user
        )[0]


@router.post("/documents/upload", status_code=202, response_model=TaskAccepted)
def ingest_upload(
    request: Request, user: CurrentUser, session: SessionDep, file: list[UploadFile] = File(...)
) -> Any:
    """Store uploaded files (HTML or text, any encoding; several at once) in the background.

    Each document is committed as it is stored; poll `status_url` for each file's outcome.
    """
    check_write(user)
    files = [(f.filename or "file", f.file.read(MAX_BYTES + 1)) for f in file]
    return accepted(submit_upload(request, session, user=user, kind="intel_batch", files=files))


@router.get("/search", response_model=SearchResultRead)
def search(
    user: CurrentUser,
    session: SessionDep,
    index: IndexDep,
    filters: FiltersDep,
    q: str = Query(default="", max_length=200),
    limit: int = Query(default=20, ge=1, le=100),
) -> Any:
    """Full-text search (Chinese segmentation) with filters; one hit per repost cluster."""
    result = service.search(session, user=user, query=q, filters=filters, index=index, limit=limit)
    return search_read(result)


@router.get("/brief", response_model=BriefRead)
def brief(
    user: CurrentUser,
    session: SessionDep,
    index: IndexDep,
    filters: FiltersDep,
    request: Request,
    topic: str = Query(min_length=1, max_length=200),
    lang: str = Query(default="zh", pattern="^(zh|en)$"),
) -> Any:
    """A brief on the topic: lead, time window (from/to), ranked points with citations."""
    return brief_read(
        service.build_brief(
            session,
            user=user,
            topic=topic,
            filters=filters,
            index=index,
            lang=lang,
            settings=request.app.state.settings,
        )
    )


@router.post("/facts/{kind}/{fact_id}/review")
def review(
    kind: str, fact_id: int, body: ReviewRequest, user: CurrentUser, session: SessionDep
) -> dict[str, Any]:
    """Confirm, correct or reject an extracted fact (kept across re-extraction)."""
    fact = service.review_fact(
        session,
        user=user,
        kind=kind,
        fact_id=fact_id,
        action=body.action,
        values=body.values,
        note=body.note,
    )
    return {"kind": kind, "id": fact.id, "review": fact.review}


@router.get("/figures")
def figures(
    user: CurrentUser,
    session: SessionDep,
    label: str | None = Query(default=None, max_length=100),
    period: str | None = Query(default=None, max_length=40),
) -> list[dict[str, Any]]:
    """Distinct figures reported in the news (reposts count once)."""
    check_read(user)
    rows = service.reported_figures(
        session, park_id=user.park_id, label_contains=label, period=period
    )
    return [
        {
            "label": f.label,
            "value": format(f.value.normalize(), "f"),
            "unit": f.unit,
            "period": f.period,
            "quote": f.quote,
            "document_id": f.document_id,
            "document_ids": f.document_ids,
            "cluster_id": f.cluster_id,
        }
        for f in rows
    ]


@router.get("/companies")
def companies(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    """Companies in the news that are not registered enterprises of the park."""
    check_read(user)
    return [
        {"name": c.name, "mentions": c.mentions, "document_ids": c.document_ids}
        for c in service.companies_in_news(session, park_id=user.park_id)
    ]
