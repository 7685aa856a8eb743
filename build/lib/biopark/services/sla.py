"""SLA settings per category and the escalation of overdue clocks to the park's leaders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.errors import Forbidden, ValidationFailed
from biopark.kit.dates import format_local
from biopark.parks.models import Department
from biopark.services.models import (
    CATEGORIES,
    CLOCK_LABELS,
    CLOCKS,
    RequestStatus,
    ServiceRequest,
    SlaSetting,
)
from biopark.services.schemas import SlaUpdate

DEFAULT_RESPOND_MINUTES = 60
DEFAULT_PLAN_HOURS = 24
DEFAULT_CLOSE_DAYS = 7
DEFAULT_REPLY_DAYS = 5
OPEN_STATUSES = (
    RequestStatus.new,
    RequestStatus.responded,
    RequestStatus.planned,
    RequestStatus.dispatched,
    RequestStatus.replied,
    RequestStatus.reopened,
)


@dataclass(frozen=True)
class SlaValues:
    category: str
    respond_minutes: int = DEFAULT_RESPOND_MINUTES
    plan_hours: int = DEFAULT_PLAN_HOURS
    close_days: int = DEFAULT_CLOSE_DAYS
    reply_days: int = DEFAULT_REPLY_DAYS


def _check_category(category: str) -> None:
    if category not in CATEGORIES:
        raise ValidationFailed(
            "类别应为：" + "、".join(CATEGORIES), en=f"Unknown category: {category}"
        )


def sla_for(session: Session, *, park_id: int, category: str) -> SlaValues:
    """The park's SLA for a category (defaults: 60 minutes, 24 hours, 7 working days)."""
    _check_category(category)
    row = session.scalar(
        select(SlaSetting).where(SlaSetting.park_id == park_id, SlaSetting.category == category)
    )
    if row is None:
        return SlaValues(category)
    return SlaValues(category, row.respond_minutes, row.plan_hours, row.close_days, row.reply_days)


def list_sla(session: Session, *, park_id: int) -> list[SlaValues]:
    """The SLA of every category."""
    return [sla_for(session, park_id=park_id, category=c) for c in CATEGORIES]


def set_sla(
    session: Session, *, user: User | None, park_id: int, category: str, data: SlaUpdate
) -> SlaValues:
    """Change a category's SLA (leaders and admins; None is the CLI); applies to new clocks."""
    if user is not None and user.role not in {Role.admin, Role.leader}:
        raise Forbidden()
    _check_category(category)
    row = session.scalar(
        select(SlaSetting).where(SlaSetting.park_id == park_id, SlaSetting.category == category)
    )
    if row is None:
        row = SlaSetting(park_id=park_id, category=category, **data.model_dump())
        session.add(row)
        session.flush()
        changes = data.model_dump()
    else:
        changes = audit.apply_changes(row, data.model_dump())
    if changes:
        audit.record(
            session,
            actor=user,
            action="set",
            entity_type="sla_setting",
            entity_id=row.id,
            park_id=park_id,
            changes={"category": category, **changes},
        )
    return sla_for(session, park_id=park_id, category=category)


@dataclass(frozen=True)
class Escalation:
    request_id: int
    park_id: int
    clock: str
    due_at: datetime
    department: str | None = None


def _leaders(session: Session, park_id: int) -> list[str]:
    return list(
        session.scalars(
            select(User.display_name).where(
                User.park_id == park_id, User.role == Role.leader, User.active.is_(True)
            )
        )
    )


def escalate_overdue(
    session: Session, *, now: datetime, park_id: int | None = None
) -> list[Escalation]:
    """Mark every clock that ran out before `now` and escalate it to the leaders, once."""
    stmt = select(ServiceRequest).where(ServiceRequest.status.in_(OPEN_STATUSES))
    if park_id is not None:
        stmt = stmt.where(ServiceRequest.park_id == park_id)
    reqs = session.scalars(
        stmt.options(selectinload(ServiceRequest.dispatches)).order_by(ServiceRequest.id)
    )
    found: list[Escalation] = []
    leaders: dict[int, list[str]] = {}
    dept_names: dict[int, str] = {}
    for req in reqs:
        overdue: list[Escalation] = []
        for clock, (due_col, done_col, esc_col) in CLOCKS.items():
            due = getattr(req, due_col)
            if due is None or getattr(req, done_col) or getattr(req, esc_col) or due >= now:
                continue
            setattr(req, esc_col, now)
            overdue.append(Escalation(req.id, req.park_id, clock, due))
        for d in req.dispatches:
            if d.replied_at is None and d.escalated_at is None and d.reply_due_at < now:
                d.escalated_at = now
                if d.department_id not in dept_names:
                    dept = session.get(Department, d.department_id)
                    dept_names[d.department_id] = (dept.short_name or dept.name) if dept else ""
                name = dept_names[d.department_id]
                overdue.append(Escalation(req.id, req.park_id, "reply", d.reply_due_at, name))
        if not overdue:
            continue
        req.escalated = True
        if req.park_id not in leaders:
            leaders[req.park_id] = _leaders(session, req.park_id)
        for item in overdue:
            audit.record(
                session,
                actor=None,
                action="escalate",
                entity_type="service_request",
                entity_id=req.id,
                park_id=req.park_id,
                changes={
                    "clock": CLOCK_LABELS[item.clock],
                    "due_at": format_local(item.due_at),
                    "department": item.department,
                    "to": leaders[req.park_id] or ["领导"],
                },
            )
        found.extend(overdue)
    session.flush()
    return found
