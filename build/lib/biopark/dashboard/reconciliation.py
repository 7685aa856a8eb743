"""Figures reported in the park's news set against the investment ledger (database side).

A figure is compared only when its subject is the park (subject equals the
park's name, or the park's name is in the quote). Forecasts are set against the
year's target instead of the ledger and reported as not comparable.
"""

from __future__ import annotations

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
from biopark.kit.money import format_cny
from biopark.parks.models import Park

STATUS_LABELS = {"match": "一致", "mismatch": "不一致", "not_comparable": "不可比"}


@dataclass
class Row:
    """One reported figure and what the ledger says about it."""

    figure: ReportedFigure
    key: str | None
    status: Status
    ledger_value: Decimal | None
    reason: str
    target_value: Decimal | None = None

    def as_json(self) -> dict[str, Any]:
        f = self.figure
        return {
            "status": self.status.value,
            "status_label": STATUS_LABELS[self.status.value],
            "quantity": self.key,
            "label": f.label,
            "reported_value": format(f.value.normalize(), "f"),
            "unit": f.unit,
            "qualifier": f.qualifier,
            "period": f.period,
            "forecast": f.forecast,
            "subject": f.subject,
            "ledger_value": None if self.ledger_value is None else str(self.ledger_value),
            "target_value": None if self.target_value is None else str(self.target_value),
            "reported_display": _show(f.value, f.unit),
            "ledger_display": _show(self.ledger_value, f.unit),
            "reason": self.reason,
            "quote": f.quote,
            "document_id": f.document_id,
            "document_title": f.document_title,
            "document_url": f"/intel/documents/{f.document_id}",
            "document_ids": f.document_ids,
        }


def about_park(figure: ReportedFigure, park: Park) -> bool:
    """The figure is the park's own: its subject is the park, or the park is named in the quote."""
    names = {n for n in (park.name, getattr(park, "short_name", None)) if n}
    if figure.subject:
        return figure.subject in names
    return any(n in figure.quote for n in names)


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


def reconcile_park(session: Session, *, park_id: int) -> list[Row]:
    """Every reported figure of the park with its finding, matches and mismatches first."""
    park = session.get(Park, park_id)
    if park is None:
        raise NotFound("园区不存在", en="Park not found")
    years: dict[int, YearStats] = {}

    def stats_of(year: int) -> YearStats:
        if year not in years:
            years[year] = investment.year_stats(session, park_id=park_id, year=year, month_to=12)
        return years[year]

    rows: list[Row] = []
    for fig in reported_figures(session, park_id=park_id):
        key = ledger_key(fig.label, fig.unit)
        if key is None:
            rows.append(Row(fig, None, Status.not_comparable, None, "未知指标：台账中没有对应数量"))
            continue
        if not about_park(fig, park):
            rows.append(
                Row(fig, key, Status.not_comparable, None, f"其他主体：{fig.subject or '未注明'}")
            )
            continue
        span = parse_period(fig.period)
        if span is None:
            rows.append(Row(fig, key, Status.not_comparable, None, "无期间：报道未说明统计期间"))
            continue
        year, first, last = span
        stats = stats_of(year)
        if fig.forecast:
            target = _target(stats, key)
            note = "预计数：与年度目标比较而非台账"
            if target is not None:
                note += f"（{year}年目标 {_show(target, fig.unit)}）"
            rows.append(Row(fig, key, Status.not_comparable, None, note, target_value=target))
            continue
        reported = Reported(fig.label, fig.value, fig.unit, fig.qualifier, fig.period, False)
        found: Finding = compare(reported, _ledger(stats, key, first, last), key)
        reason = f"报道 {_show(fig.value, fig.unit)}，台账 {_show(found.ledger_value, fig.unit)}"
        rows.append(Row(fig, key, found.status, found.ledger_value, reason))
    order = {Status.match: 0, Status.mismatch: 1, Status.not_comparable: 2}
    return sorted(rows, key=lambda r: (order[r.status], -r.figure.document_id))


def _show(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "CNY":
        return format_cny(value)
    text = format(value.normalize(), "f")
    return text if unit == "count" else f"{text} {unit}"


def label_of(key: str | None) -> str:
    """The ledger's name of a quantity."""
    return KEY_LABELS.get(key or "", "—")
