"""Figures reported in the news set against the park's ledgers (database side).

The park view compares only figures about this park: their subject is the park
(its name, English name or one of its aliases), or, without a subject, the quote
names it. Figures about other parks go to the peer list. Investment figures are
set against the investment ledger; pipeline claims (在研/临床/获批 counts) against
the pipeline ledger. Forecasts are set against the year's target instead and are
reported as not comparable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from biopark.dashboard.reconcile import (
    KEY_LABELS,
    Finding,
    Reported,
    Status,
    compare,
    ledger_key,
    parse_period,
)
from biopark.errors import NotFound
from biopark.intel.service.facts import ReportedFigure, reported_figures
from biopark.investment import service as investment
from biopark.investment.schemas import YearStats
from biopark.parks.models import Park
from biopark.pipeline import service as pipeline
from biopark.web import numbers

STATUS_LABELS = {"match": "一致", "mismatch": "不一致", "not_comparable": "不可比"}

# Pipeline claims: counts of drugs, by the words that name them (most specific first).
PIPELINE_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("drugs_on_market", ("获批上市", "已上市", "上市品种", "获批新药", "上市创新药")),
    ("drugs_clinical", ("进入临床", "临床阶段", "处于临床", "临床在研", "临床试验阶段")),
    ("drugs_in_research", ("在研",)),
)
PIPELINE_LABELS = {
    "drugs_on_market": "已获批药物",
    "drugs_clinical": "临床阶段药物",
    "drugs_in_research": "在研药物",
}
PIPELINE_LINKS = {
    "drugs_on_market": "/pipeline?stage=on_market&scope=park",
    "drugs_clinical": "/pipeline?stage=clinical&scope=park",
    "drugs_in_research": "/pipeline?stage=in_research&scope=park",
}
# A subject that names a place (a park, a zone, a city) rather than a company.
_PLACE = re.compile(
    r"(?:园区?|城|谷|岛|新区|高新区|开发区|自贸区|港|基地|示范区|片区|产业园|"
    r"\bPark\b|\bCity\b|\bValley\b|\bZone\b|\bHub\b)",
    re.I,
)


def park_names(park: Park) -> set[str]:
    """Every name the news uses for the park: its name, English name and aliases."""
    names = {park.name, park.name_en or "", *(park.aliases or "").splitlines()}
    return {n.strip() for n in names if n and len(n.strip()) >= 3}


# Words a sentence may put right before the park's name; any other Chinese character
# makes the name part of a longer one (天府国际生物城 is not 国际生物城).
_BEFORE_NAME = set("在于是的，、和与及据讯日月年：“（(《 \n今全")
# Subjects too vague to tell which park they mean; the quote decides.
_VAGUE = {"园区", "生物城", "全区", "我区", "本区", "全市", "我市"}
_PLACE_NAME = re.compile(
    r"([\u4e00-\u9fff]{2,14}?(?:药谷|生物城|医药城|医药港|生物岛|科学园|科技园|工业园区|"
    r"高新区|开发区|产业基地|产业园|新区))"
)


def _names_in(text: str, name: str) -> bool:
    for m in re.finditer(re.escape(name), text):
        before = text[m.start() - 1] if m.start() else " "
        if before in _BEFORE_NAME or not "\u4e00" <= before <= "\u9fff":
            return True
    return False


def about_park(figure: ReportedFigure, names: set[str] | Park) -> bool:
    """The figure is the park's own: its subject is the park, or (no subject) the quote names it."""
    if isinstance(names, Park):
        names = park_names(names)
    if figure.subject and figure.subject not in _VAGUE:
        return any(figure.subject == n or figure.subject.startswith(n) for n in names)
    return any(_names_in(figure.quote, n) for n in names)


def subject_of(figure: ReportedFigure) -> str | None:
    """Whom a figure is about: its subject, or the first place its quote names."""
    if figure.subject and figure.subject not in _VAGUE:
        return figure.subject
    m = _PLACE_NAME.search(figure.quote)
    return m.group(1) if m else None


def pipeline_key(label: str, unit: str) -> str | None:
    """Which pipeline count a reported label claims, if any."""
    if unit != "count":
        return None
    for key, words in PIPELINE_KEYS:
        if any(w in label for w in words):
            return key
    return None


@dataclass
class Row:
    """One reported figure and what the ledger says about it."""

    figure: ReportedFigure
    key: str | None
    status: Status
    ledger_value: Decimal | None
    reason: str
    target_value: Decimal | None = None
    ledger_url: str | None = None
    reason_en: str = ""

    def reason_in(self, lang: str) -> str:
        """Why the figure got its status, in the reader's language."""
        return self.reason_en if lang == "en" and self.reason_en else self.reason

    def as_json(self, lang: str = "zh") -> dict[str, Any]:
        f = self.figure
        return {
            "status": self.status.value,
            "status_label": STATUS_LABELS[self.status.value],
            "quantity": self.key,
            "quantity_label": label_of(self.key),
            "label": f.label,
            "reported_value": format(f.value.normalize(), "f"),
            "unit": f.unit,
            "qualifier": f.qualifier,
            "period": f.period,
            "forecast": f.forecast,
            "subject": f.subject,
            "ledger_value": None if self.ledger_value is None else str(self.ledger_value),
            "target_value": None if self.target_value is None else str(self.target_value),
            "reported_display": show(f.value, f.unit, lang),
            "ledger_display": show(self.ledger_value, f.unit, lang),
            "ledger_url": self.ledger_url,
            "reason": self.reason_in(lang),
            "quote": f.quote,
            "document_id": f.document_id,
            "document_title": f.document_title,
            "document_url": f"/intel/documents/{f.document_id}",
            "document_ids": f.document_ids,
        }


def _ledger(stats: YearStats, key: str, first: int, last: int) -> Decimal:
    rows = [m for m in stats.months if first <= m.month <= last]
    if key == "signed_projects":
        return Decimal(sum(m.signed_projects for m in rows))
    if key == "agreed_investment":
        return sum((m.agreed_investment for m in rows), Decimal(0))
    return sum((m.funds_in_place for m in rows), Decimal(0))


def _target(stats: YearStats, key: str) -> Decimal | None:
    t = stats.target
    if t is None:
        return None
    value = {
        "signed_projects": t.projects,
        "agreed_investment": t.agreed_investment,
        "funds_in_place": t.funds_in_place,
    }[key]
    return None if value is None else Decimal(value)


def _investment_url(year: int) -> str:
    # The investment overview shows the year's ledger month by month.
    return f"/investment?year={year}"


def _pipeline_counts(session: Session, park_id: int) -> dict[str, Decimal]:
    f = pipeline.funnel(session, park_id=park_id, scope="park")
    return {
        "drugs_in_research": Decimal(f.in_research),
        "drugs_clinical": Decimal(f.clinical),
        "drugs_on_market": Decimal(f.on_market),
    }


def _compare_pipeline(fig: ReportedFigure, key: str, counts: dict[str, Decimal]) -> Row:
    url = PIPELINE_LINKS[key]
    if fig.forecast:
        return Row(
            fig,
            key,
            Status.not_comparable,
            None,
            "预计数：不与管线台账比较",
            None,
            url,
            "Forecast: not compared with the pipeline ledger",
        )
    reported = Reported(fig.label, fig.value, fig.unit, fig.qualifier, fig.period, False)
    found = compare(reported, counts[key], key)
    zh = f"报道 {show(fig.value, fig.unit)}，管线台账（当前）{show(found.ledger_value, fig.unit)}"
    en = (
        f"Reported {show(fig.value, fig.unit, 'en')}; "
        f"pipeline ledger (now) {show(found.ledger_value, fig.unit, 'en')}"
    )
    return Row(fig, key, found.status, found.ledger_value, zh, None, url, en)


def reconcile_park(session: Session, *, park_id: int, include_peers: bool = False) -> list[Row]:
    """The park's reported figures with their findings, matches and mismatches first.

    Figures about other subjects are left out (they are peers) unless include_peers.
    """
    park = session.get(Park, park_id)
    if park is None:
        raise NotFound("园区不存在", en="Park not found")
    names = park_names(park)
    years: dict[int, YearStats] = {}
    counts: dict[str, Decimal] | None = None

    def stats_of(year: int) -> YearStats:
        if year not in years:
            years[year] = investment.year_stats(session, park_id=park_id, year=year, month_to=12)
        return years[year]

    rows: list[Row] = []
    for fig in reported_figures(session, park_id=park_id):
        if not about_park(fig, names):
            if include_peers:
                note = f"其他主体：{fig.subject or '未注明'}"
                note_en = f"Another subject: {fig.subject or 'not named'}"
                rows.append(Row(fig, None, Status.not_comparable, None, note, reason_en=note_en))
            continue
        pkey = pipeline_key(fig.label, fig.unit)
        if pkey is not None:
            if counts is None:
                counts = _pipeline_counts(session, park_id)
            rows.append(_compare_pipeline(fig, pkey, counts))
            continue
        key = ledger_key(fig.label, fig.unit)
        if key is None:
            rows.append(
                Row(
                    fig,
                    None,
                    Status.not_comparable,
                    None,
                    "未知指标：台账中没有对应数量",
                    reason_en="Unknown figure: the ledger has no such quantity",
                )
            )
            continue
        span = parse_period(fig.period)
        if span is None:
            rows.append(
                Row(
                    fig,
                    key,
                    Status.not_comparable,
                    None,
                    "无期间：报道未说明统计期间",
                    reason_en="No period: the report does not say which period it covers",
                )
            )
            continue
        year, first, last = span
        stats = stats_of(year)
        url = _investment_url(year)
        if fig.forecast:
            target = _target(stats, key)
            note = "预计数：与年度目标比较而非台账"
            note_en = "Forecast: compared with the year's target, not the ledger"
            if target is not None:
                note += f"（{year}年目标 {show(target, fig.unit)}）"
                note_en += f" ({year} target {show(target, fig.unit, 'en')})"
            rows.append(Row(fig, key, Status.not_comparable, None, note, target, url, note_en))
            continue
        reported = Reported(fig.label, fig.value, fig.unit, fig.qualifier, fig.period, False)
        found: Finding = compare(reported, _ledger(stats, key, first, last), key)
        zh = f"报道 {show(fig.value, fig.unit)}，台账 {show(found.ledger_value, fig.unit)}"
        en = (
            f"Reported {show(fig.value, fig.unit, 'en')}; "
            f"ledger {show(found.ledger_value, fig.unit, 'en')}"
        )
        rows.append(Row(fig, key, found.status, found.ledger_value, zh, None, url, en))
    order = {Status.match: 0, Status.mismatch: 1, Status.not_comparable: 2}
    return sorted(rows, key=lambda r: (order[r.status], -r.figure.document_id))


@dataclass
class PeerFigure:
    """A figure the news reported about another park, with its source."""

    subject: str
    label: str
    value: Decimal
    unit: str
    display: str
    period: str | None
    qualifier: str
    quote: str
    document_id: int
    document_title: str | None
    document_url: str


def peer_figures(session: Session, *, park_id: int, lang: str = "zh") -> list[PeerFigure]:
    """Figures about other parks (张江, 光谷, 泰州 …) read from the news, grouped by subject."""
    park = session.get(Park, park_id)
    if park is None:
        raise NotFound("园区不存在", en="Park not found")
    names = park_names(park)
    out = [
        PeerFigure(
            subject=subject,
            label=f.label,
            value=f.value,
            unit=f.unit,
            display=show(f.value, f.unit, lang),
            period=f.period,
            qualifier=f.qualifier,
            quote=f.quote,
            document_id=f.document_id,
            document_title=f.document_title,
            document_url=f"/intel/documents/{f.document_id}",
        )
        for f in reported_figures(session, park_id=park_id)
        if not about_park(f, names)
        and (subject := subject_of(f)) is not None
        and _PLACE.search(subject)
    ]
    return sorted(out, key=lambda p: (p.subject, -p.document_id))


@dataclass
class Attention:
    """A real discrepancy between the news and a ledger, for the dashboard."""

    sentence: str
    reported: str
    ledger: str
    ledger_url: str | None
    document_url: str
    document_title: str | None


def needs_attention(
    session: Session, *, park_id: int, lang: str = "zh", limit: int = 5
) -> list[Attention]:
    """The park's mismatches with a sentence each, newest source first."""
    out: list[Attention] = []
    for row in reconcile_park(session, park_id=park_id):
        if row.status != Status.mismatch:
            continue
        f = row.figure
        reported, ledger = show(f.value, f.unit, lang), show(row.ledger_value, f.unit, lang)
        what = label_of(row.key)
        if lang == "en":
            sentence = (
                f"The news reports {f.label} of {reported}"
                f"{' for ' + f.period if f.period else ''}; the ledger shows {ledger}."
            )
        else:
            sentence = (
                f"报道{f.period + ' ' if f.period else ''}{what}为{reported}，台账为{ledger}。"
            )
        out.append(
            Attention(
                sentence=sentence,
                reported=reported,
                ledger=ledger,
                ledger_url=row.ledger_url,
                document_url=f"/intel/documents/{f.document_id}",
                document_title=f.document_title,
            )
        )
    return out[:limit]


def show(value: Decimal | None, unit: str, lang: str = "zh") -> str:
    """A value for people: 亿元/万元 for money, % for percentages, plain counts."""
    if value is None:
        return "—"
    return numbers.metric(value, unit, lang)


def label_of(key: str | None) -> str:
    """The ledger's name of a quantity."""
    return KEY_LABELS.get(key or "", PIPELINE_LABELS.get(key or "", "—"))
