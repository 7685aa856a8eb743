"""Typed values passed between the pure pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class RawDocument:
    """Bytes as fetched or read, before any decoding."""

    path: str
    data: bytes
    url: str | None = None


@dataclass(frozen=True, slots=True)
class CleanDocument:
    """Main text of one document with the metadata read from its page."""

    path: str
    title: str | None
    published_at: date | None
    source: str | None
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class Metric:
    """A measured figure with the sentence it was read from."""

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


@dataclass(frozen=True, slots=True)
class Entity:
    """A named thing and how often the text mentions it."""

    name: str
    type: str
    mentions: int
    # Other names of the same entity in the text (short name, English name), canonical first.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Amount:
    """A money amount attached to an event."""

    value: Decimal
    unit: str


@dataclass(frozen=True, slots=True)
class DealTerms:
    """Licensor, licensee, territory and amounts of one licensing deal (None when not written)."""

    licensor: str | None = None
    licensee: str | None = None
    territory: str | None = None
    upfront: Amount | None = None
    milestones: Amount | None = None
    total: Amount | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened (or was announced) to companies or drugs."""

    type: str
    date: date | None
    subjects: tuple[str, ...]
    quote: str
    amount: Amount | None = None
    terms: DealTerms | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything read from one document; error is set when it could not be read."""

    path: str
    document: CleanDocument | None
    metrics: tuple[Metric, ...] = ()
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    error: str | None = None
    linked: tuple[str, ...] = field(default=())
