"""Candidate firms for a link from the news: companies the intelligence engine saw, in context.

A company qualifies for a link when it is in the park's news but not a registered
enterprise of the park (intel `companies_in_news`), and either a sentence that
mentions it names the link (a part of the link's name of two or more characters,
split at 与/及/和: "抗体与ADC" -> 抗体, ADC; or a Chinese modality word of the link,
"抗体偶联药物", "双抗"), or one of its drugs in the pipeline has a modality of the link.
Stream roots (上游/中游/下游) are too broad to match and get none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.chain.models import ChainLink
from biopark.intel.models import IntelDocument
from biopark.intel.service.facts import companies_in_news
from biopark.pipeline.models import MODALITIES, Drug

_JOINERS = re.compile(r"[与及和、/&＆,，]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
# How the news usually writes a modality besides its formal name.
ALIASES = {
    "antibody": ("单抗",),
    "bispecific": ("双抗",),
    "adc": ("偶联药物",),
    "cell_therapy": ("CAR-T", "干细胞"),
    "gene_therapy": ("基因疗法",),
    "vaccine": ("mRNA疫苗",),
    "small_molecule": ("小分子",),
}
# Per company: enough source links to check the claim without flooding the page.
MAX_DOCUMENTS = 5
# The most mentioned companies only: the long tail of one-off names is noise for a gap list.
MAX_COMPANIES = 300


@dataclass
class NewsLead:
    """A company of the news with the sentences that mention it and its drugs' modalities."""

    name: str
    mentions: int
    documents: list[dict[str, Any]]
    context: str
    modalities: set[str] = field(default_factory=set)


def leads(session: Session, *, park_id: int) -> list[NewsLead]:
    """The park's news companies (not registered enterprises) with their context, most mentioned first."""
    companies = companies_in_news(session, park_id=park_id)[:MAX_COMPANIES]
    if not companies:
        return []
    doc_ids = {d for c in companies for d in c.document_ids}
    docs = {
        doc_id: (title, text)
        for doc_id, title, text in session.execute(
            select(IntelDocument.id, IntelDocument.title, IntelDocument.text).where(
                IntelDocument.id.in_(doc_ids)
            )
        )
    }
    sentences = {doc_id: _SENTENCE_END.split(text or "") for doc_id, (_, text) in docs.items()}
    modalities: dict[str, set[str]] = {}
    names = [c.name for c in companies]
    for company, modality in session.execute(
        select(Drug.company_name, Drug.modality).where(
            Drug.park_id == park_id, Drug.company_name.in_(names)
        )
    ):
        modalities.setdefault(company or "", set()).add(modality)
    out = []
    for c in companies:
        forms = [c.name, *c.aliases]
        context = "\n".join(
            s for d in c.document_ids for s in sentences.get(d, ()) if any(f in s for f in forms)
        )
        documents = [
            {"id": d, "title": docs[d][0] or f"#{d}"} for d in c.document_ids if d in docs
        ][:MAX_DOCUMENTS]
        out.append(NewsLead(c.name, c.mentions, documents, context, modalities.get(c.name, set())))
    return out


def terms(link: ChainLink) -> list[str]:
    """The words that tie a sentence to the link: name parts and its modalities' Chinese names."""
    out = [p.strip() for p in _JOINERS.split(link.name) if len(p.strip()) >= 2]
    for m in link.modalities or ():
        if m in MODALITIES and m != "other":
            out += [MODALITIES[m][0], *ALIASES.get(m, ())]
    return list(dict.fromkeys(out))


def for_link(link: ChainLink, found: list[NewsLead]) -> list[dict[str, Any]]:
    """The leads that fit the link, as candidate rows (source "news")."""
    if link.parent_code is None:
        return []
    words = terms(link)
    out = []
    for lead in found:
        text = lead.context.casefold()
        hits = [w for w in words if w.casefold() in text]
        drug_fit = sorted(lead.modalities & set(link.modalities or ()))
        if not hits and not drug_fit:
            continue
        reasons = []
        if hits:
            reasons.append("新闻提及：" + "、".join(hits))
        if drug_fit:
            reasons.append("在研药物类型：" + "、".join(MODALITIES[m][0] for m in drug_fit))
        out.append(
            {
                "id": None,
                "link_id": link.id,
                "name": lead.name,
                "region": None,
                "reason": "；".join(reasons),
                "contact": None,
                "source": "news",
                "mentions": lead.mentions,
                "document_id": lead.documents[0]["id"] if lead.documents else None,
                "documents": lead.documents,
            }
        )
    return out
