"""API shapes of intelligence records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Read(BaseModel):
    # Read shapes are filled from ORM rows and service dataclasses alike.
    model_config = ConfigDict(from_attributes=True)


class DocumentRead(_Read):
    id: int
    origin: str
    url: str | None
    status: str
    error: str | None
    title: str | None
    published_at: date | None
    source: str | None
    language: str | None
    content_hash: str | None
    cluster_id: int | None
    created_at: datetime


class DocumentPage(_Read):
    items: list[DocumentRead]
    total: int
    page: int
    size: int
    pages: int


class MetricRead(_Read):
    id: int
    label: str
    value: Decimal
    unit: str
    qualifier: str
    period: str | None
    forecast: bool
    subject: str | None
    quote: str
    start: int
    end: int
    review: str


class EntityRead(_Read):
    id: int
    name: str
    type: str
    mentions: int
    start: int
    end: int
    enterprise_id: int | None
    review: str


class EventRead(_Read):
    id: int
    type: str
    event_date: date | None
    subjects: list[str]
    amount_value: Decimal | None
    amount_unit: str | None
    quote: str
    start: int
    end: int
    review: str


class SourceRead(_Read):
    id: int
    title: str | None
    source: str | None
    published_at: date | None
    url: str | None


class DocumentDetail(DocumentRead):
    text: str
    metrics: list[MetricRead]
    entities: list[EntityRead]
    events: list[EventRead]
    cluster: list[SourceRead]


class IngestRequest(BaseModel):
    url: str = Field(min_length=8, max_length=1000, pattern=r"^https?://")


class IngestResultRead(_Read):
    origin: str
    status: str
    document_id: int | None
    error: str | None


class FactHitRead(_Read):
    kind: str
    id: int
    label: str
    quote: str
    value: str | None
    unit: str | None


class SearchHitRead(_Read):
    document: DocumentRead
    score: float
    snippet: str = Field(description="HTML-escaped text with query terms in <mark>")
    facts: list[FactHitRead]
    sources: list[SourceRead]


class SearchResultRead(_Read):
    query: str
    terms: list[str]
    used_index: bool
    hits: list[SearchHitRead]


class ReviewRequest(BaseModel):
    action: Literal["confirm", "correct", "reject"]
    values: dict[str, str] = Field(default_factory=dict)
    note: str | None = Field(default=None, max_length=500)


class BriefPointRead(_Read):
    sentence: str
    citations: list[int]
    score: float = 0.0
    rewritten: bool = False


class BriefSectionRead(_Read):
    key: str
    title: str
    points: list[BriefPointRead]


class BriefSourceRead(_Read):
    number: int
    document_id: int
    title: str
    source: str | None
    published_at: date | None
    url: str | None


class BriefRead(_Read):
    topic: str
    lang: str
    lead: str
    date_from: date | None
    date_to: date | None
    sections: list[BriefSectionRead]
    sources: list[BriefSourceRead]
    markdown: str
