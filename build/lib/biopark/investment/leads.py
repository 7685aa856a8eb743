"""Leads: public QR consultations with a first-contact SLA, and the team's own leads."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.config import get_settings
from biopark.errors import NotFound, RateLimited, ValidationFailed
from biopark.investment.access import (
    ENTITY_LEAD,
    check_access,
    check_owner,
)
from biopark.investment.config import get_investment_settings
from biopark.investment.models import (
    OPEN_LEAD_STATUSES,
    ConsultAttempt,
    Lead,
    LeadStatus,
    Project,
)
from biopark.investment.projects import create_project
from biopark.investment.schemas import (
    ConsultationCreate,
    LeadClose,
    LeadCreate,
    LeadQualify,
    LeadUpdate,
    ProjectCreate,
)
from biopark.kit.models import utcnow
from biopark.kit.pagination import Page, paginate
from biopark.kit.workcal import add_working_hours, working_hours_between
from biopark.parks.models import Park


def _pick_owner(session: Session, *, park_id: int) -> User | None:
    # The officer with the fewest open leads takes the next consultation.
    open_leads = (
        select(Lead.owner_id, func.count().label("n"))
        .where(Lead.park_id == park_id, Lead.status.in_(list(OPEN_LEAD_STATUSES)))
        .group_by(Lead.owner_id)
        .subquery()
    )
    stmt = (
        select(User)
        .outerjoin(open_leads, open_leads.c.owner_id == User.id)
        .where(
            User.park_id == park_id,
            User.active.is_(True),
            User.role == Role.investment_officer,
        )
        .order_by(func.coalesce(open_leads.c.n, 0), User.id)
        .limit(1)
    )
    return session.scalar(stmt)


# --- public consultations -------------------------------------------------------------------


def _address_hash(address: str) -> str:
    key = get_settings().resolved_secret_key().encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def check_consult_rate(session: Session, *, address: str, now: datetime | None = None) -> None:
    """Count this post from the address; refuse it past the limit within the window."""
    cfg = get_investment_settings()
    now = now or utcnow()
    digest = _address_hash(address)
    since = now - timedelta(minutes=cfg.consult_window_minutes)
    recent = session.scalar(
        select(func.count())
        .select_from(ConsultAttempt)
        .where(ConsultAttempt.address_hash == digest, ConsultAttempt.at >= since)
    )
    if (recent or 0) >= cfg.consult_limit:
        raise RateLimited(
            f"提交过于频繁，请 {cfg.consult_window_minutes} 分钟后再试，或直接致电园区招商部门",
            en=f"Too many submissions; retry in {cfg.consult_window_minutes} minutes",
        )
    # Attempts older than a day no longer matter to any window; keep the table small.
    session.execute(delete(ConsultAttempt).where(ConsultAttempt.at < now - timedelta(days=1)))
    session.add(ConsultAttempt(address_hash=digest, at=now))
    session.flush()


def create_consultation(
    session: Session, *, park: Park, data: ConsultationCreate, now: datetime | None = None
) -> Lead:
    """Store a public QR consultation as a new lead with an owner and a first-contact deadline."""
    now = now or utcnow()
    deadline = add_working_hours(now, get_investment_settings().first_contact_hours)
    owner = _pick_owner(session, park_id=park.id)
    lead = Lead(
        park_id=park.id,
        source="qr",
        status=LeadStatus.new,
        owner_id=owner.id if owner else None,
        next_action="首次联系咨询企业",
        due_at=deadline,
        first_contact_due_at=deadline,
        created_at=now,
        **data.model_dump(),
    )
    session.add(lead)
    session.flush()
    audit.record(
        session,
        actor=None,
        action="consult",
        entity_type=ENTITY_LEAD,
        entity_id=lead.id,
        park_id=park.id,
        changes={"company": lead.company, "source": "qr", "owner_id": lead.owner_id},
    )
    return lead


# --- leads ----------------------------------------------------------------------------------


def sla_hours_left(lead: Lead, *, now: datetime | None = None) -> float | None:
    """Working hours left before the first contact is due (negative when late; None once done)."""
    if lead.first_contacted_at is not None or lead.first_contact_due_at is None:
        return None
    if lead.status not in OPEN_LEAD_STATUSES:
        return None
    return round(working_hours_between(now or utcnow(), lead.first_contact_due_at), 2)


def _decorate_leads(session: Session, leads: Sequence[Lead]) -> None:
    now = utcnow()
    owner_ids = {lead.owner_id for lead in leads if lead.owner_id}
    names = (
        dict(
            session.execute(select(User.id, User.display_name).where(User.id.in_(owner_ids))).all()
        )
        if owner_ids
        else {}
    )
    for lead in leads:
        lead.sla_hours_left = sla_hours_left(lead, now=now)  # type: ignore[attr-defined]
        lead.owner_name = names.get(lead.owner_id or 0)  # type: ignore[attr-defined]


def list_leads(
    session: Session,
    *,
    user: User,
    status: LeadStatus | None = None,
    owner_id: int | None = None,
    q: str | None = None,
    overdue: bool = False,
    page: int = 1,
    size: int = 50,
) -> Page[Any]:
    """A page of the park's leads, newest first."""
    check_access(user)
    stmt = select(Lead).where(Lead.park_id == user.park_id)
    if status:
        stmt = stmt.where(Lead.status == status)
    if owner_id:
        stmt = stmt.where(Lead.owner_id == owner_id)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Lead.company.ilike(like), Lead.contact_name.ilike(like)))
    if overdue:
        stmt = stmt.where(Lead.status.in_(list(OPEN_LEAD_STATUSES)), Lead.due_at < utcnow())
    result = paginate(
        session, stmt.order_by(Lead.created_at.desc(), Lead.id.desc()), page=page, size=size
    )
    _decorate_leads(session, result.items)
    return result


def get_lead(session: Session, *, user: User, lead_id: int) -> Lead:
    """One lead of the user's park."""
    check_access(user)
    lead = session.get(Lead, lead_id)
    if lead is None or lead.park_id != user.park_id:
        raise NotFound("线索不存在", en="Lead not found")
    _decorate_leads(session, [lead])
    return lead


def create_lead(session: Session, *, user: User, data: LeadCreate) -> Lead:
    """Record a lead found by the team; the creator owns it unless another owner is named."""
    check_access(user)
    values = data.model_dump()
    owner = check_owner(session, park_id=user.park_id, owner_id=values.pop("owner_id")) or user
    now = utcnow()
    deadline = add_working_hours(now, get_investment_settings().first_contact_hours)
    lead = Lead(
        park_id=user.park_id,
        owner_id=owner.id,
        first_contact_due_at=deadline,
        **{k: v for k, v in values.items() if k not in ("next_action", "due_at")},
        next_action=values["next_action"] or "首次联系企业",
        due_at=values["due_at"] or deadline,
    )
    session.add(lead)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="create",
        entity_type=ENTITY_LEAD,
        entity_id=lead.id,
        park_id=lead.park_id,
        changes=data.model_dump(exclude_none=True),
    )
    _decorate_leads(session, [lead])
    return lead


def update_lead(session: Session, *, user: User, lead_id: int, data: LeadUpdate) -> Lead:
    """Reassign a lead or change its next action and due time."""
    lead = get_lead(session, user=user, lead_id=lead_id)
    values = data.model_dump(exclude_unset=True)
    if "owner_id" in values:
        if values["owner_id"] is None:
            raise ValidationFailed("线索必须有负责人", en="A lead needs an owner")
        check_owner(session, park_id=lead.park_id, owner_id=values["owner_id"])
    for key in ("next_action", "due_at"):
        if key in values and values[key] is None and lead.status in OPEN_LEAD_STATUSES:
            raise ValidationFailed("未关闭的线索须有下一步和截止时间", en="Open leads need a plan")
    changed = audit.apply_changes(lead, values)
    if changed:
        audit.record(
            session,
            actor=user,
            action="update",
            entity_type=ENTITY_LEAD,
            entity_id=lead.id,
            park_id=lead.park_id,
            changes=changed,
        )
    _decorate_leads(session, [lead])
    return lead


def mark_contacted(
    session: Session, *, user: User, lead_id: int, next_action: str, due_at: datetime
) -> Lead:
    """Record the first contact (stops the SLA clock) and the next step."""
    lead = get_lead(session, user=user, lead_id=lead_id)
    if lead.status not in OPEN_LEAD_STATUSES:
        raise ValidationFailed("线索已关闭或已转为项目", en="Lead is closed or qualified")
    now = utcnow()
    changes: dict[str, Any] = {"status": [lead.status.value, LeadStatus.contacted.value]}
    if lead.first_contacted_at is None:
        lead.first_contacted_at = now
        changes["first_contacted_at"] = str(now)
        if lead.first_contact_due_at is not None:
            changes["within_sla"] = now <= lead.first_contact_due_at
    lead.status = LeadStatus.contacted
    changes.update(audit.apply_changes(lead, {"next_action": next_action, "due_at": due_at}))
    audit.record(
        session,
        actor=user,
        action="contact",
        entity_type=ENTITY_LEAD,
        entity_id=lead.id,
        park_id=lead.park_id,
        changes=changes,
    )
    _decorate_leads(session, [lead])
    return lead


def close_lead(session: Session, *, user: User, lead_id: int, data: LeadClose) -> Lead:
    """Close a lead that will not become a project, with the reason."""
    lead = get_lead(session, user=user, lead_id=lead_id)
    if lead.status not in OPEN_LEAD_STATUSES:
        raise ValidationFailed("线索已关闭或已转为项目", en="Lead is closed or qualified")
    changes = audit.apply_changes(lead, {"status": LeadStatus.closed, "closed_reason": data.reason})
    audit.record(
        session,
        actor=user,
        action="close",
        entity_type=ENTITY_LEAD,
        entity_id=lead.id,
        park_id=lead.park_id,
        changes=changes,
    )
    return lead


def qualify_lead(session: Session, *, user: User, lead_id: int, data: LeadQualify) -> Project:
    """Turn a lead into a project at stage 线索, keeping its company, chain and amounts."""
    lead = get_lead(session, user=user, lead_id=lead_id)
    if lead.status not in OPEN_LEAD_STATUSES:
        raise ValidationFailed("线索已关闭或已转为项目", en="Lead is closed or qualified")
    project = create_project(
        session,
        user=user,
        data=ProjectCreate(
            name=data.name or f"{lead.company}项目",
            company=lead.company,
            owner_id=data.owner_id or lead.owner_id,
            team=lead.team,
            chain=lead.chain,
            chain_link=lead.chain_link or lead.industry,
            land_mu=lead.intended_land_mu,
            agreed_investment=None,
            next_action=data.next_action,
            due_on=data.due_on,
            notes=lead.message,
        ),
    )
    if lead.first_contacted_at is None:
        lead.first_contacted_at = utcnow()
    changes = audit.apply_changes(lead, {"status": LeadStatus.qualified, "project_id": project.id})
    audit.record(
        session,
        actor=user,
        action="qualify",
        entity_type=ENTITY_LEAD,
        entity_id=lead.id,
        park_id=lead.park_id,
        changes=changes,
    )
    return project
