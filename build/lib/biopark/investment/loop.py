"""The closed loop: open leads and projects that are overdue, due soon, or lack a plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.investment.models import (
    OPEN_LEAD_STATUSES,
    OPEN_STAGES,
    Lead,
    Project,
)
from biopark.investment.schemas import (
    OverdueItem,
)
from biopark.kit.dates import SHANGHAI
from biopark.kit.models import utcnow

# --- the closed loop ------------------------------------------------------------------------


def loop_items(
    session: Session,
    *,
    park_id: int,
    owner_id: int | None = None,
    team: str | None = None,
    horizon_days: int = 0,
    limit: int = 500,
) -> list[OverdueItem]:
    """Open leads and projects that are overdue, due within the horizon, or lack a plan."""
    now = utcnow()
    today = now.astimezone(SHANGHAI).date()
    until = today + timedelta(days=horizon_days)
    names = dict(
        session.execute(select(User.id, User.display_name).where(User.park_id == park_id)).all()
    )
    items: list[OverdueItem] = []
    lead_stmt = select(Lead).where(
        Lead.park_id == park_id,
        Lead.status.in_(list(OPEN_LEAD_STATUSES)),
        or_(
            Lead.due_at.is_(None),
            Lead.owner_id.is_(None),
            Lead.due_at
            < datetime.combine(until + timedelta(days=1), datetime.min.time(), SHANGHAI),
        ),
    )
    proj_stmt = select(Project).where(
        Project.park_id == park_id,
        Project.stage.in_(list(OPEN_STAGES)),
        or_(Project.due_on.is_(None), Project.owner_id.is_(None), Project.due_on <= until),
    )
    if owner_id:
        lead_stmt = lead_stmt.where(Lead.owner_id == owner_id)
        proj_stmt = proj_stmt.where(Project.owner_id == owner_id)
    if team:
        lead_stmt = lead_stmt.where(Lead.team == team)
        proj_stmt = proj_stmt.where(Project.team == team)
    for lead in session.scalars(lead_stmt.order_by(Lead.due_at).limit(limit)):
        items.append(
            OverdueItem(
                kind="lead",
                id=lead.id,
                title=lead.company,
                owner_id=lead.owner_id,
                owner_name=names.get(lead.owner_id or 0),
                team=lead.team,
                next_action=lead.next_action,
                due=lead.due_at,
                overdue=lead.due_at is None or lead.owner_id is None or lead.due_at < now,
            )
        )
    for project in session.scalars(proj_stmt.order_by(Project.due_on).limit(limit)):
        items.append(
            OverdueItem(
                kind="project",
                id=project.id,
                title=project.name,
                owner_id=project.owner_id,
                owner_name=names.get(project.owner_id or 0),
                team=project.team,
                next_action=project.next_action,
                due=project.due_on,
                overdue=project.due_on is None
                or project.owner_id is None
                or project.due_on < today,
            )
        )
    return items


def overdue_by(items: Sequence[OverdueItem], *, key: str) -> list[tuple[str, int]]:
    """Overdue counts per owner name or team, largest first."""
    counts: dict[str, int] = {}
    for item in items:
        if item.overdue:
            label = (item.owner_name if key == "owner" else item.team) or "（未指定）"
            counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
