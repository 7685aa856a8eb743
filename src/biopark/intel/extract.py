"""The pure extraction stage: RawDocument -> CleanDocument -> Extraction -> JSON."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from biopark.intel.aliases import group_aliases
from biopark.intel.clean import clean_body, read_page
from biopark.intel.decode import DecodeError, decode_bytes
from biopark.intel.entities import find_entities
from biopark.intel.events import find_events
from biopark.intel.html import is_html, read_html
from biopark.intel.meta import language_of
from biopark.intel.metrics import find_metrics
from biopark.intel.quantities import forget as forget_quantities
from biopark.intel.script import original_span, to_simplified
from biopark.intel.types import (
    Amount,
    CleanDocument,
    DealTerms,
    Entity,
    Event,
    Extraction,
    Metric,
    RawDocument,
)

_SUBJECT_TYPES = ("company", "park", "platform", "institution", "drug")


def clean_document(raw: RawDocument) -> CleanDocument:
    """Decode and clean one document; raises DecodeError when it is not readable text."""
    text = decode_bytes(data=raw.data)
    if is_html(text=text):
        article = read_html(page=text)
        body = "\n".join(clean_body(text=article.text, title=article.title))
        title, published, source = article.title, article.published_at, article.source
    else:
        page = read_page(text=text)
        body = "\n".join(page.paragraphs)
        title, published, source = page.title, page.published_at, page.source
    if not body.strip() and not title:
        raise DecodeError("no article text found in the file")
    return CleanDocument(
        path=raw.path,
        title=title,
        published_at=published,
        source=source,
        language=language_of(text=(title or "") + body),
        text=body,
    )


def extract_document(raw: RawDocument, *, known_names: Iterable[str] = ()) -> Extraction:
    """Run the whole pure pipeline on one document; errors are reported, not raised."""
    try:
        doc = clean_document(raw)
    except DecodeError as exc:
        return Extraction(path=raw.path, document=None, error=str(exc))
    try:
        return _extract(raw, doc, known_names)
    except Exception as exc:  # one odd page must not stop a batch of thousands
        return Extraction(path=raw.path, document=doc, error=f"extraction failed: {exc!r}")


def _extract(raw: RawDocument, doc: CleanDocument, known_names: Iterable[str]) -> Extraction:
    forget_quantities()
    text = to_simplified(doc.text)
    title = to_simplified(doc.title) if doc.title else doc.title
    entities = find_entities(text=text, known_names=known_names)
    subjects = [e.name for e in entities if e.type in _SUBJECT_TYPES]
    year = doc.published_at.year if doc.published_at else None
    metrics = find_metrics(text=text, pub_year=year, subjects=subjects)
    events = find_events(text=text, entities=entities, published_at=doc.published_at, title=title)
    # After events: they look names up by every form, the report lists each company once.
    entities = group_aliases(entities, text)
    if text != doc.text:
        entities, metrics, events = _back_to_original(doc.text, text, entities, metrics, events)
    linked = tuple(n for n in known_names if any(e.name == n for e in entities))
    return Extraction(
        path=raw.path,
        document=doc,
        metrics=tuple(metrics),
        entities=tuple(entities),
        events=tuple(events),
        linked=linked,
    )


def _back_to_original(
    original: str,
    simplified: str,
    entities: list[Entity],
    metrics: list[Metric],
    events: list[Event],
) -> tuple[list[Entity], list[Metric], list[Event]]:
    """Report names, labels and quotes in the page's own script (offsets are shared)."""

    def orig(piece: str) -> str:
        return original_span(simplified=simplified, original=original, piece=piece)

    entities = [
        replace(e, name=orig(e.name), aliases=tuple(orig(a) for a in e.aliases)) for e in entities
    ]
    metrics = [
        replace(
            m,
            label=orig(m.label),
            quote=original[m.start : m.end],
            subject=m.subject and orig(m.subject),
        )
        for m in metrics
    ]
    events = [
        replace(e, quote=orig(e.quote), subjects=tuple(orig(s) for s in e.subjects)) for e in events
    ]
    return entities, metrics, events


def _number(value: Any) -> int | float:
    return int(value) if value == int(value) else float(value)


def _terms_json(terms: DealTerms) -> dict[str, Any]:
    def money(a: Amount | None) -> dict[str, Any] | None:
        return {"value": _number(a.value), "unit": a.unit} if a else None

    return {
        "licensor": terms.licensor,
        "licensee": terms.licensee,
        "territory": terms.territory,
        "upfront": money(terms.upfront),
        "milestones": money(terms.milestones),
        "total": money(terms.total),
    }


def to_json(extraction: Extraction) -> dict[str, Any]:
    """Render an Extraction in the JSON shape of the SPEC (one line of `biopark extract`)."""
    doc = extraction.document
    out: dict[str, Any] = {
        "path": extraction.path,
        "title": doc.title if doc else None,
        "published_at": doc.published_at.isoformat() if doc and doc.published_at else None,
        "source": doc.source if doc else None,
        "language": doc.language if doc else None,
        "text": doc.text if doc else "",
        "metrics": [
            {
                "label": m.label,
                "value": _number(m.value),
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
        ],
        "entities": [
            {"name": e.name, "type": e.type, "mentions": e.mentions, "aliases": list(e.aliases)}
            for e in extraction.entities
        ],
        "events": [
            {
                "type": e.type,
                "date": e.date.isoformat() if e.date else None,
                "subjects": list(e.subjects),
                "amount": {"value": _number(e.amount.value), "unit": e.amount.unit}
                if e.amount
                else None,
                "quote": e.quote,
                **({"terms": _terms_json(e.terms)} if e.terms else {}),
            }
            for e in extraction.events
        ],
    }
    if extraction.error:
        out["error"] = extraction.error
    return out
