"""Leads: public QR consultations with a first-contact SLA, and the team's own leads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.errors import NotFound, ValidationFailed
from biopark.investment.access import (
    ENTITY_LEAD,
    check_access,
    check_due,
    check_owner,
    today_local,
)
from biopark.investment.config import get_investment_settings
from biopark.investment.models import (
    OPEN_LEAD_STATUSES,
    Lead,
    LeadStatus,
    LeadVisit,
    Project,
    Visit,
)
from biopark.investment.projects import create_project
from biopark.investment.schemas import (
    LeadClose,
    LeadCreate,
    LeadQualify,
    LeadUpdate,
    LeadVisitCreate,
    ProjectCreate,
)
from biopark.kit.models import utcnow
from biopark.kit.pagination import Page, paginate
from biopark.kit.workcal import add_working_hours, working_hours_between


def pick_owner(session: Session, *, park_id: int) -> User | None:
    """The officer with the fewest open leads, who takes the next consultation."""
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
    dups = duplicate_map(session, leads)
    for lead in leads:
        lead.sla_hours_left = sla_hours_left(lead, now=now)  # type: ignore[attr-defined]
        lead.owner_name = names.get(lead.owner_id or 0)  # type: ignore[attr-defined]
        lead.duplicate_ids = dups.get(lead.id, [])  # type: ignore[attr-defined]


def duplicate_map(session: Session, leads: Sequence[Lead]) -> dict[int, list[int]]:
    """For each lead, the other live leads of its park with the same company key or phone."""
    live = [x for x in leads if x.merged_into_id is None and x.anonymised_at is None]
    keys = {x.company_key for x in live if x.company_key}
    phones = {x.phone for x in live if x.phone}
    if not live or not (keys or phones):
        return {}
    park_ids = {x.park_id for x in live}
    rows = session.execute(
        select(Lead.id, Lead.park_id, Lead.company_key, Lead.phone).where(
            Lead.park_id.in_(park_ids),
            Lead.merged_into_id.is_(None),
            Lead.anonymised_at.is_(None),
            or_(Lead.company_key.in_(keys), Lead.phone.in_(phones)),
        )
    ).all()
    result: dict[int, list[int]] = {}
    for lead in live:
        result[lead.id] = sorted(
            rid
            for rid, park_id, key, phone in rows
            if rid != lead.id
            and park_id == lead.park_id
            and ((key and key == lead.company_key) or (phone and phone == lead.phone))
        )
    return result


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
    check_due(values["due_at"])
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
    if "due_at" in values and values["due_at"] != lead.due_at:
        check_due(values["due_at"])
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
    check_due(due_at)
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
    """Turn a lead into a project at stage 线索, carrying contact, phone, amounts, land, visits."""
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
            intended_investment=lead.intended_investment,
            contact_name=lead.contact_name,
            contact_phone=lead.phone or None,
            next_action=data.next_action,
            due_on=data.due_on,
            notes=lead.message,
        ),
    )
    for v in list_lead_visits(session, user=user, lead_id=lead.id):
        session.add(
            Visit(
                park_id=project.park_id,
                project_id=project.id,
                visited_on=v.visited_on,
                people=v.people,
                place=v.place,
                notes=v.notes,
                recorded_by=v.recorded_by,
            )
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


def add_lead_visit(
    session: Session, *, user: User, lead_id: int, data: LeadVisitCreate
) -> LeadVisit:
    """Log a visit or call on an open lead; the first one also stops the first-contact clock."""
    lead = get_lead(session, user=user, lead_id=lead_id)
    if lead.status not in OPEN_LEAD_STATUSES:
        raise ValidationFailed("线索已关闭或已转为项目", en="Lead is closed or qualified")
    if data.visited_on > today_local():
        raise ValidationFailed("拜访日期不能晚于今天", en="Visit date cannot be in the future")
    visit = LeadVisit(
        park_id=lead.park_id, lead_id=lead.id, recorded_by=user.id, **data.model_dump()
    )
    session.add(visit)
    session.flush()
    changes: dict[str, Any] = {"visit_id": visit.id, **data.model_dump(exclude_none=True)}
    if lead.first_contacted_at is None:
        changes.update(
            audit.apply_changes(
                lead, {"first_contacted_at": utcnow(), "status": LeadStatus.contacted}
            )
        )
    audit.record(
        session,
        actor=user,
        action="visit",
        entity_type=ENTITY_LEAD,
        entity_id=lead.id,
        park_id=lead.park_id,
        changes=changes,
    )
    return visit


def list_lead_visits(session: Session, *, user: User, lead_id: int) -> list[LeadVisit]:
    """The lead's visits, newest first."""
    lead = get_lead(session, user=user, lead_id=lead_id)
    stmt = (
        select(LeadVisit)
        .where(LeadVisit.lead_id == lead.id)
        .order_by(LeadVisit.visited_on.desc(), LeadVisit.id.desc())
    )
    return list(session.scalars(stmt))
