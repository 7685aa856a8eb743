"""The discrepancy and escalation panel: what a leader should look at today.

Open requests that are overdue or escalated, coordination tasks past their deadline, and
the reconciliation's "needs attention" list (news figures that disagree with the ledger).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from biopark.dashboard import reconciliation
from biopark.kit.models import utcnow
from biopark.services.models import ServiceRequest
from biopark.services.service import OPEN as OPEN_REQUESTS
from biopark.tasks import service as tasks

LIMIT = 6


@dataclass
class Item:
    text: str
    url: str
    note: str = ""


@dataclass
class Attention:
    requests: list[Item] = field(default_factory=list)
    requests_total: int = 0
    tasks: list[Item] = field(default_factory=list)
    tasks_total: int = 0
    discrepancies: list[Item] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.requests or self.tasks or self.discrepancies)


def reconciliation_items(session: Session, *, park_id: int, lang: str = "zh") -> list[Item]:
    """The reconciliation's short list; the only place the dashboard calls reconciliation."""
    return [
        Item(row.sentence, row.document_url, row.document_title or "")
        for row in reconciliation.needs_attention(session, park_id=park_id, lang=lang)
    ][:LIMIT]


def attention(
    session: Session,
    *,
    park_id: int,
    today: date,
    now: datetime | None = None,
    lang: str = "zh",
) -> Attention:
    """Overdue or escalated open requests, overdue tasks and reconciliation discrepancies."""
    now = now or utcnow()
    r = ServiceRequest
    late = or_(
        r.escalated.is_(True),
        r.close_due_at < now,
        r.responded_at.is_(None) & (r.respond_due_at < now),
    )
    where = (r.park_id == park_id, r.status.in_(OPEN_REQUESTS), late)
    # Count in SQL and load only the shown rows: a park can have thousands of late requests.
    reqs = session.scalars(
        select(r).where(*where).order_by(r.close_due_at.asc().nulls_last(), r.id).limit(LIMIT)
    )
    overdue = tasks.overdue_tasks(session, park_id=park_id, today=today, limit=LIMIT)
    return Attention(
        requests=[
            Item(req.title, f"/requests/{req.id}", "已升级" if req.escalated else "逾期")
            for req in reqs
        ],
        requests_total=session.scalar(select(func.count()).select_from(r).where(*where)) or 0,
        tasks=[Item(t.title, f"/tasks/{t.id}", t.deadline.isoformat()) for t in overdue],
        tasks_total=tasks.overdue_count(session, park_id=park_id, today=today),
        discrepancies=reconciliation_items(session, park_id=park_id, lang=lang),
    )
