"""Peer parks side by side: figures the intelligence engine has read about other parks.

Which park a figure is about is decided in one place, `park_named`: the longest name or
alias found in the figure's subject (or, without a subject, in its sentence). Names come
from the parks table (name, English name) and from PEER_PARKS, a small list of well-known
biopharma parks and the names the press uses for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.intel.models import REJECTED, STATUS_OK, IntelDocument, IntelMetric
from biopark.parks.models import Park

# Canonical name -> other names seen in the press. A park of the parks table whose name
# is a canonical name here gets these aliases too.
PEER_PARKS: dict[str, tuple[str, ...]] = {
    "重庆国际生物城": ("重庆生物城", "Chongqing International Bio City", "巴南生物城"),
    "张江药谷": ("张江科学城", "上海张江", "张江高科技园区", "张江生物医药基地", "Zhangjiang"),
    "光谷生物城": ("武汉光谷生物城", "武汉国家生物产业基地", "Optics Valley Biolake", "Biolake"),
    "泰州医药城": ("中国医药城", "泰州中国医药城", "China Medical City"),
    "苏州生物医药产业园": ("BioBAY", "苏州BioBAY", "苏州工业园区生物医药产业园"),
    "成都天府国际生物城": ("天府国际生物城", "成都生物城"),
    "中关村生命科学园": ("北京生命科学园", "Zhongguancun Life Science Park"),
    "广州国际生物岛": ("广州生物岛", "Guangzhou International Bio Island"),
    "杭州医药港": ("杭州钱塘医药港", "钱塘医药港"),
    "深圳坪山生物医药产业基地": ("坪山生物医药", "坪山国家生物产业基地"),
}

PER_PARK = 6


def known_names(parks: list[Park]) -> dict[str, str]:
    """Every recognised name or alias -> the park's canonical name."""
    names: dict[str, str] = {}
    for canonical, aliases in PEER_PARKS.items():
        for n in (canonical, *aliases):
            names[n] = canonical
    for park in parks:
        canonical = names.get(park.name, park.name)
        for alias in (park.name, park.name_en):
            if alias:
                names[alias] = canonical
    return names


def park_named(text: str | None, names: dict[str, str]) -> str | None:
    """The canonical name of the park that text names (longest match wins), or None."""
    if not text:
        return None
    lowered = text.lower()
    hits = [n for n in names if n.lower() in lowered]
    if not hits:
        return None
    return names[max(hits, key=len)]


def own_names(park: Park, names: dict[str, str]) -> set[str]:
    """The park's own canonical name (as a set, to test membership)."""
    return {names.get(park.name, park.name)}


@dataclass
class PeerFigure:
    label: str
    value: Decimal
    unit: str
    period: str | None
    quote: str
    document_id: int
    document_title: str
    published_on: object = None

    @property
    def url(self) -> str:
        return f"/intel/documents/{self.document_id}"


@dataclass
class PeerPark:
    name: str
    figures: list[PeerFigure] = field(default_factory=list)


def peer_parks(session: Session, *, park_id: int) -> list[PeerPark]:
    """Figures about other parks read in this park's news, newest first, grouped by park."""
    park = session.get(Park, park_id)
    if park is None:
        return []
    names = known_names(list(session.scalars(select(Park))))
    mine = own_names(park, names)
    rows = session.execute(
        select(IntelMetric, IntelDocument.title, IntelDocument.published_at)
        .join(IntelDocument, IntelDocument.id == IntelMetric.document_id)
        .where(
            IntelMetric.park_id == park_id,
            IntelMetric.review != REJECTED,
            IntelDocument.status == STATUS_OK,
        )
        .order_by(IntelDocument.published_at.desc().nulls_last(), IntelMetric.id)
    )
    found: dict[str, PeerPark] = {}
    seen: set[tuple[str, str, Decimal, str | None]] = set()
    for metric, title, published in rows:
        named = park_named(metric.subject, names) or (
            None if metric.subject else park_named(metric.quote, names)
        )
        if named is None or named in mine:
            continue
        # Reposts carry the same figure: it is shown once, from the newest source.
        key = (named, metric.label, metric.value, metric.period)
        if key in seen:
            continue
        seen.add(key)
        peer = found.setdefault(named, PeerPark(named))
        if len(peer.figures) < PER_PARK:
            peer.figures.append(
                PeerFigure(
                    metric.label,
                    metric.value,
                    metric.unit,
                    metric.period,
                    metric.quote,
                    metric.document_id,
                    title or "",
                    published,
                )
            )
    return sorted(found.values(), key=lambda p: (-len(p.figures), p.name))
