"""Assembling a topic brief from the park's stored facts (see intel/synth.py for the rules)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.config import Settings, get_settings
from biopark.intel import llm
from biopark.intel.brief import THEMES, Brief, Point, Section, Source, theme_of
from biopark.intel.deals import deal_terms
from biopark.intel.index import Filters, SearchIndex
from biopark.intel.models import (
    REJECTED,
    IntelDocument,
    IntelEntity,
    IntelEvent,
    IntelMetric,
)
from biopark.intel.service.backends import Backend
from biopark.intel.service.documents import cluster_members
from biopark.intel.service.search import search
from biopark.intel.synth import Fact, Group, group_facts, importance, lead_text, point_text
from biopark.intel.types import Amount

MAX_POINTS = 8
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=\.)\s")


def _following(text: str, end: int, count: int = 2) -> list[str]:
    """The sentences after a fact's sentence (deal terms often follow the deal); after a
    headline (not in the body text), the body's first sentences."""
    end = max(end, 0)
    parts = [p.strip() for p in _SENTENCE_END.split(text[end : end + 600]) if p and p.strip()]
    return parts[:count]


class Names:
    """Every form of a company the cited documents use, to write it in the brief's language."""

    def __init__(self) -> None:
        self.forms: dict[str, tuple[str, ...]] = {}

    def add(self, name: str, aliases: str) -> None:
        forms = (name, *(a for a in (aliases or "").split("\n") if a))
        for form in forms:
            self.forms.setdefault(form, forms)

    def canonical(self, name: str) -> str:
        """One key per company, whichever form is given (for telling facts apart)."""
        return self.forms.get(name, (name,))[0]

    def writer(self, lang: str):  # type: ignore[no-untyped-def]
        def write(name: str) -> str:
            forms = self.forms.get(name, (name,))
            if lang == "zh":
                return next((f for f in forms if _HAN.search(f)), name)
            return next((f for f in forms if not _HAN.search(f)), name)

        return write


def _facts(
    session: Session, docs: dict[int, IntelDocument], members: dict[int, list[IntelDocument]]
) -> tuple[list[Fact], Names]:
    ids = list(docs)
    names = Names()
    subjects_of: dict[int, list[str]] = {}
    for ent in session.scalars(
        select(IntelEntity).where(IntelEntity.document_id.in_(ids), IntelEntity.review != REJECTED)
    ):
        names.add(ent.name, ent.aliases)
        forms = [ent.name, *(a for a in (ent.aliases or "").split("\n") if a)]
        subjects_of.setdefault(ent.document_id, []).extend(forms)

    def cited(doc: IntelDocument) -> list[int]:
        return [d.id for d in (members.get(doc.cluster_id or doc.id) or [doc])]

    facts: list[Fact] = []
    for ev in session.scalars(
        select(IntelEvent)
        .where(IntelEvent.document_id.in_(ids), IntelEvent.review != REJECTED)
        .order_by(IntelEvent.document_id, IntelEvent.start)
    ):
        doc = docs[ev.document_id]
        terms = None
        if ev.type == "licensing_deal":
            terms = deal_terms(
                sentences=[ev.quote, *_following(doc.text, ev.end)],
                subjects=subjects_of.get(doc.id, []) or list(ev.subjects or ()),
            )
        amount = (
            Amount(ev.amount_value, ev.amount_unit or "") if ev.amount_value is not None else None
        )
        facts.append(
            Fact(
                kind="event",
                type=ev.type,
                theme=theme_of(event_type=ev.type, sentence=ev.quote),
                quote=ev.quote,
                language=doc.language or "zh",
                when=ev.event_date or doc.published_at,
                document_ids=cited(doc),
                subjects=tuple(ev.subjects or ()),
                amount=amount,
                terms=terms,
            )
        )
    for m in session.scalars(
        select(IntelMetric)
        .where(IntelMetric.document_id.in_(ids), IntelMetric.review != REJECTED)
        .order_by(IntelMetric.document_id, IntelMetric.start)
    ):
        doc = docs[m.document_id]
        facts.append(
            Fact(
                kind="metric",
                type=None,
                theme=theme_of(event_type=None, sentence=m.quote),
                quote=m.quote,
                language=doc.language or "zh",
                when=doc.published_at,
                document_ids=cited(doc),
                label=m.label,
                value=m.value.normalize(),
                unit=m.unit,
                period=m.period,
                qualifier=m.qualifier,
                subject=m.subject,
            )
        )
    return facts, names


def build_brief(
    session: Session,
    *,
    user: User,
    topic: str,
    filters: Filters | None = None,
    index: Backend | SearchIndex | None = None,
    max_documents: int = 60,
    lang: str = "zh",
    settings: Settings | None = None,
) -> Brief:
    """A lead, a time window and ranked points, one per fact, each citing every source."""
    lang = "en" if lang == "en" else "zh"
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
    facts, names = _facts(session, docs, members)
    groups = group_facts(facts, names.canonical)
    write = names.writer(lang)
    all_docs = {d.id: d for ms in members.values() for d in ms} | docs

    ranked: list[tuple[float, Group, str]] = []
    seen_text: set[str] = set()
    for group in groups:
        text = point_text(group, lang, write)
        key = re.sub(r"\s+", "", text)
        if not key or key in seen_text:
            continue
        seen_text.add(key)
        ranked.append((importance(group), group, text))
    ranked.sort(key=lambda r: (-r[0], -(r[1].best(lang).when or date.min).toordinal(), r[2]))

    titles = {k: (en if lang == "en" else zh) for k, zh, en in THEMES}
    sections = {key: Section(key=key, title=titles[key]) for key, _, _ in THEMES}
    chosen: list[tuple[Group, str, Point]] = []
    for score, group, text in ranked:
        section = sections[group.best(lang).theme]
        if len(section.points) >= MAX_POINTS:
            continue
        point = Point(
            sentence=text,
            citations=[d for d in group.document_ids if d in all_docs],
            published_at=group.best(lang).when,
            score=round(score, 2),
            evidence=[f.quote for f in group.facts],
        )
        section.points.append(point)
        chosen.append((group, text, point))
    # Sections in the order of their most important point.
    ordered = sorted(
        sections.values(), key=lambda s: -max((p.score for p in s.points), default=-1.0)
    )
    # Sources are numbered in reading order, so the first citation of the brief is [1].
    numbers: dict[int, int] = {}
    sources: list[Source] = []
    for section in ordered:
        for point in section.points:
            for doc_id in point.citations:
                if doc_id not in numbers:
                    doc = all_docs[doc_id]
                    numbers[doc_id] = len(numbers) + 1
                    sources.append(
                        Source(
                            number=numbers[doc_id],
                            document_id=doc.id,
                            title=doc.title or doc.origin,
                            source=doc.source,
                            published_at=doc.published_at,
                            url=doc.url,
                        )
                    )
            point.citations = [numbers[d] for d in point.citations]
    llm.rewrite_points([p for _, _, p in chosen], lang=lang, settings=settings or get_settings())
    dates = [s.published_at for s in sources if s.published_at]
    date_from = (filters.date_from if filters else None) or (min(dates) if dates else None)
    date_to = (filters.date_to if filters else None) or (max(dates) if dates else None)
    lead = lead_text(
        [(g, p.sentence, p.citations) for g, _, p in chosen],
        lang=lang,
        sources=len(sources),
        date_from=date_from,
        date_to=date_to,
    )
    return Brief(
        topic=topic,
        sections=ordered,
        sources=sources,
        lead=lead,
        date_from=date_from,
        date_to=date_to,
        lang=lang,
    )
