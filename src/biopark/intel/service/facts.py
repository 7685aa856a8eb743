"""Figures and companies from the news, for the dashboard and the reconciliation work.

A figure reported by several reposts of one press release counts once: rows
are deduplicated by (cluster, label, value, unit, period) and keep every
source document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.enterprises.models import Enterprise
from biopark.intel.models import REJECTED, STATUS_OK, IntelDocument, IntelEntity, IntelMetric


@dataclass
class ReportedFigure:
    """One distinct figure with the sentence it was read from and every document that reports it."""

    metric_id: int
    label: str
    value: Decimal
    unit: str
    period: str | None
    qualifier: str
    forecast: bool
    subject: str | None
    quote: str
    review: str
    document_id: int
    document_title: str | None
    published_at: object
    cluster_id: int
    document_ids: list[int] = field(default_factory=list)


def reported_figures(
    session: Session,
    *,
    park_id: int,
    label_contains: str | None = None,
    period: str | None = None,
    unit: str | None = None,
) -> list[ReportedFigure]:
    """Stored, not rejected metrics of the park, one per cluster, newest document first."""
    stmt = (
        select(IntelMetric, IntelDocument)
        .join(IntelDocument, IntelDocument.id == IntelMetric.document_id)
        .where(
            IntelMetric.park_id == park_id,
            IntelDocument.status == STATUS_OK,
            IntelMetric.review != REJECTED,
        )
        .order_by(IntelDocument.id, IntelMetric.start)
    )
    if label_contains:
        stmt = stmt.where(IntelMetric.label.contains(label_contains, autoescape=True))
    if period:
        stmt = stmt.where(IntelMetric.period == period)
    if unit:
        stmt = stmt.where(IntelMetric.unit == unit)
    figures: dict[tuple[object, ...], ReportedFigure] = {}
    for metric, doc in session.execute(stmt):
        cluster = doc.cluster_id or doc.id
        key = (cluster, metric.label, metric.value.normalize(), metric.unit, metric.period)
        seen = figures.get(key)
        if seen is not None:
            if doc.id not in seen.document_ids:
                seen.document_ids.append(doc.id)
            continue
        figures[key] = ReportedFigure(
            metric_id=metric.id,
            label=metric.label,
            value=metric.value,
            unit=metric.unit,
            period=metric.period,
            qualifier=metric.qualifier,
            forecast=metric.forecast,
            subject=metric.subject,
            quote=metric.quote,
            review=metric.review,
            document_id=doc.id,
            document_title=doc.title,
            published_at=doc.published_at,
            cluster_id=cluster,
            document_ids=[doc.id],
        )
    return sorted(figures.values(), key=lambda f: f.document_id, reverse=True)


@dataclass
class NewsCompany:
    """A company seen in the park's news that is not one of its registered enterprises."""

    name: str
    mentions: int
    document_ids: list[int]
    # Its other names in the news (short, English), so callers can find it by any form.
    aliases: list[str] = field(default_factory=list)


def companies_in_news(session: Session, *, park_id: int) -> list[NewsCompany]:
    """Companies in the news that are not registered enterprises of the park, most mentioned first."""
    registered: set[str] = set()
    for name, short in session.execute(
        select(Enterprise.name, Enterprise.short_name).where(Enterprise.park_id == park_id)
    ):
        registered.add(name)
        if short:
            registered.add(short)
    rows = session.execute(
        select(IntelEntity.name, IntelEntity.aliases, IntelEntity.mentions, IntelEntity.document_id)
        .join(IntelDocument, IntelDocument.id == IntelEntity.document_id)
        .where(
            IntelEntity.park_id == park_id,
            IntelEntity.type == "company",
            IntelEntity.enterprise_id.is_(None),
            IntelEntity.review != REJECTED,
            IntelDocument.status == STATUS_OK,
        )
        .order_by(IntelEntity.document_id)
    ).all()
    # One page's legal name groups its short name; other pages may print the short one alone.
    canonical: dict[str, str] = {}
    for name, aliases, _, _ in rows:
        for alias in (aliases or "").split("\n"):
            if alias:
                canonical.setdefault(alias, name)
    out: dict[str, NewsCompany] = {}
    for name, aliases, mentions, doc_id in rows:
        key = canonical.get(name, name)
        forms = {name, key, *(a for a in (aliases or "").split("\n") if a)}
        if forms & registered:
            continue
        company = out.setdefault(key, NewsCompany(name=key, mentions=0, document_ids=[]))
        company.aliases += sorted(f for f in forms - {key} if f not in company.aliases)
        company.mentions += mentions
        if doc_id not in company.document_ids:
            company.document_ids.append(doc_id)
    return sorted(out.values(), key=lambda c: (-c.mentions, c.name))
