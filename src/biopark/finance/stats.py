"""Financing figures for the dashboard (融资服务): needs, referred, granted, granted amount."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.finance.models import FinancingNeed, NeedStatus
from biopark.kit.dates import SHANGHAI


class Span(Protocol):
    """Any period with first and last day (dashboard.service.Period is one)."""

    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...


def _bounds(period: Span) -> tuple[datetime, datetime]:
    start = datetime.combine(period.start, time.min, SHANGHAI)
    end = datetime.combine(period.end + timedelta(days=1), time.min, SHANGHAI)
    return start, end


def dashboard_panel(session: Session, *, park_id: int, period: Span) -> dict[str, Any] | None:
    """Needs posted, referred and granted in the period, and the amount granted; None if none.

    A need counts as posted and referred by when it happened, and as granted by its decision date.
    """
    start, end = _bounds(period)
    base = select(func.count(FinancingNeed.id)).where(FinancingNeed.park_id == park_id)
    needs = session.scalar(
        base.where(FinancingNeed.posted_at >= start, FinancingNeed.posted_at < end)
    )
    referred = session.scalar(
        base.where(FinancingNeed.referred_at >= start, FinancingNeed.referred_at < end)
    )
    granted_row = session.execute(
        select(func.count(FinancingNeed.id), func.sum(FinancingNeed.granted_amount)).where(
            FinancingNeed.park_id == park_id,
            FinancingNeed.status == NeedStatus.granted,
            FinancingNeed.decided_on >= period.start,
            FinancingNeed.decided_on <= period.end,
        )
    ).one()
    granted, amount = int(granted_row[0] or 0), Decimal(granted_row[1] or 0)
    if not (needs or referred or granted):
        return None
    return {
        "title": "融资服务",
        "needs": int(needs or 0),
        "referred": int(referred or 0),
        "granted": granted,
        "granted_amount": amount.quantize(Decimal("0.01")),
        "url": "/finance/needs",
    }
