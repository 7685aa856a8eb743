"""On-time rate and satisfaction of requests per category and per department."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from biopark.kit.models import utcnow
from biopark.parks.models import Department
from biopark.services.models import CATEGORIES, ServiceRequest


@dataclass
class StatRow:
    """One category or department: how many clocks ended on time, and how satisfied people were."""

    key: str
    label: str
    total: int = 0
    done: int = 0
    on_time: int = 0
    overdue: int = 0
    rated: int = 0
    score_sum: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        """Share (0-100, one decimal) of finished-or-overdue clocks that met their due time."""
        judged = self.on_time + self.overdue
        if judged == 0:
            return None
        return (Decimal(100 * self.on_time) / judged).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def satisfaction(self) -> Decimal | None:
        """Average rating (1-5, two decimals)."""
        if self.rated == 0:
            return None
        return (Decimal(self.score_sum) / self.rated).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class SlaStats:
    since: datetime
    until: datetime
    overall: StatRow
    by_category: list[StatRow] = field(default_factory=list)
    by_department: list[StatRow] = field(default_factory=list)


def _judge(row: StatRow, due: datetime | None, done: datetime | None, now: datetime) -> None:
    row.total += 1
    if done is not None:
        row.done += 1
    if due is None:
        return
    if done is not None:
        if done <= due:
            row.on_time += 1
        else:
            row.overdue += 1
    elif due < now:
        row.overdue += 1


def sla_stats(
    session: Session,
    *,
    park_id: int,
    since: datetime,
    until: datetime,
    now: datetime | None = None,
) -> SlaStats:
    """Close-clock on-time rate and satisfaction per category, reply on-time rate per department,
    for requests submitted in [since, until)."""
    now = now or utcnow()
    reqs = list(
        session.scalars(
            select(ServiceRequest)
            .where(
                ServiceRequest.park_id == park_id,
                ServiceRequest.submitted_at >= since,
                ServiceRequest.submitted_at < until,
            )
            .options(selectinload(ServiceRequest.dispatches))
        )
    )
    depts = {
        d.id: d for d in session.scalars(select(Department).where(Department.park_id == park_id))
    }
    overall = StatRow("all", "合计")
    cats = {c: StatRow(c, c) for c in CATEGORIES}
    by_dept: dict[int, StatRow] = defaultdict(lambda: StatRow("", ""))
    for req in reqs:
        cat = cats.setdefault(req.category, StatRow(req.category, req.category))
        for row in (overall, cat):
            _judge(row, req.close_due_at, req.closed_at, now)
            if req.satisfaction is not None:
                row.rated += 1
                row.score_sum += req.satisfaction
        for d in req.dispatches:
            row = by_dept[d.department_id]
            if not row.key:
                dept = depts.get(d.department_id)
                row.key = str(d.department_id)
                row.label = (dept.short_name or dept.name) if dept else row.key
            _judge(row, d.reply_due_at, d.replied_at, now)
            if req.satisfaction is not None:
                row.rated += 1
                row.score_sum += req.satisfaction
    return SlaStats(
        since=since,
        until=until,
        overall=overall,
        by_category=[r for r in cats.values() if r.total],
        by_department=sorted(by_dept.values(), key=lambda r: (-r.total, r.label)),
    )
