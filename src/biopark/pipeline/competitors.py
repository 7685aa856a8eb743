"""Competitor pipelines: the park's drugs set against drugs seen in the news, by target and modality.

A drug in the news has no ledger row; its target and modality are read from the
sentence that first names it (a target code such as PD-1, HER2, CLDN18.2; a
modality word such as ADC or 双抗).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.errors import Forbidden
from biopark.intel.models import REJECTED, STATUS_OK, IntelDocument, IntelEntity
from biopark.pipeline.deals import modality_of
from biopark.pipeline.models import Drug
from biopark.pipeline.service import READERS

# Target codes as drug news writes them: PD-1, PD-L1, HER2, EGFR, CLDN18.2, GLP-1, TROP2, KRAS G12C.
_TARGET = re.compile(
    r"(?<![A-Za-z0-9])(PD-L?1|HER[23]|EGFR|CLDN18\.2|GLP-1R?|TROP-?2|KRAS(?: ?G12[CD])?|"
    r"CD(?:19|20|3|38|47|123)|BCMA|VEGF(?:R2)?|CTLA-?4|TIGIT|FGFR[1-4]?|ALK|BTK|JAK[1-3]?|"
    r"IL-?(?:4R|6|17A?|23)|TSLP|B7-H3|Nectin-4|c-?Met|MET|ROS1|RET|BRAF|PCSK9|FXR)(?![A-Za-z0-9])",
    re.I,
)
_SENTENCE = re.compile(r"[^。！？!?\n]*")


def target_of(text: str) -> str | None:
    """The first target code a sentence names, in its usual spelling."""
    m = _TARGET.search(text)
    return m.group(1).upper().replace("TROP-2", "TROP2") if m else None


@dataclass
class Group:
    """Drugs sharing a target or a modality: the park's and the news'."""

    key: str
    park: list[Drug] = field(default_factory=list)
    news: list[tuple[str, int]] = field(default_factory=list)  # (drug name, document id)


@dataclass
class CompetitorView:
    by_target: list[Group]
    by_modality: list[Group]


def _sentence_with(text: str, name: str) -> str:
    at = text.find(name)
    if at < 0:
        return ""
    start = max(text.rfind("。", 0, at), text.rfind("\n", 0, at)) + 1
    end_match = _SENTENCE.match(text, at)
    return text[start : end_match.end() if end_match else at + len(name)]


def competitor_view(session: Session, *, user: User) -> CompetitorView:
    """Park drugs and news drugs grouped by target and by modality, largest groups first."""
    if user.role not in READERS:
        raise Forbidden()
    by_target: dict[str, Group] = {}
    by_modality: dict[str, Group] = {}
    park_names: set[str] = set()
    for drug in session.scalars(
        select(Drug).where(Drug.park_id == user.park_id).order_by(Drug.name)
    ):
        park_names.update(n for n in (drug.name, drug.code) if n)
        if drug.target:
            by_target.setdefault(drug.target.upper(), Group(drug.target.upper())).park.append(drug)
        by_modality.setdefault(drug.modality, Group(drug.modality)).park.append(drug)
    seen: dict[str, set[str]] = defaultdict(set)
    rows = session.execute(
        select(IntelEntity.name, IntelDocument.id, IntelDocument.text)
        .join(IntelDocument, IntelDocument.id == IntelEntity.document_id)
        .where(
            IntelEntity.park_id == user.park_id,
            IntelEntity.type == "drug",
            IntelEntity.review != REJECTED,
            IntelDocument.status == STATUS_OK,
        )
        .order_by(IntelDocument.id)
    )
    for name, doc_id, text in rows:
        if name in park_names:
            continue
        sentence = _sentence_with(text, name)
        target = target_of(sentence)
        modality = modality_of(name) or modality_of(sentence)
        if target and name not in seen[f"t:{target}"]:
            seen[f"t:{target}"].add(name)
            by_target.setdefault(target, Group(target)).news.append((name, doc_id))
        if modality and name not in seen[f"m:{modality}"]:
            seen[f"m:{modality}"].add(name)
            by_modality.setdefault(modality, Group(modality)).news.append((name, doc_id))

    def ranked(groups: dict[str, Group]) -> list[Group]:
        return sorted(groups.values(), key=lambda g: (-(len(g.park) + len(g.news)), g.key))

    return CompetitorView(by_target=ranked(by_target), by_modality=ranked(by_modality))
