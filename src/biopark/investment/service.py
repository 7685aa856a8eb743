"""Investment pipeline services: leads, projects, stages, visits, funds, targets, the closed loop.

Only investment officers, leaders and admins of a park reach these records;
other roles get Forbidden, and another park's ids look missing (NotFound).
Statistics live in stats.py; `year_stats` is re-exported here for the dashboard.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.config import get_settings
from biopark.enterprises.models import Enterprise
from biopark.errors import Forbidden, NotFound, RateLimited, ValidationFailed
from biopark.investment import stages
from biopark.investment.config import get_investment_settings
from biopark.investment.models import (
    OPEN_LEAD_STATUSES,
    OPEN_STAGES,
    REGISTERED_OR_LATER,
    ConsultAttempt,
    FundsEntry,
    Lead,
    LeadStatus,
    Project,
    Stage,
    StageChange,
    Target,
    Visit,
)
from biopark.investment.schemas import (
    ConsultationCreate,
    FundsCreate,
    LeadClose,
    LeadCreate,
    LeadQualify,
    LeadUpdate,
    OverdueItem,
    ProjectCreate,
    ProjectUpdate,
    StageChangeCreate,
    TargetSet,
    TimelineItem,
    VisitCreate,
)
from biopark.investment.stats import year_stats
from biopark.kit.dates import SHANGHAI
from biopark.kit.models import utcnow
from biopark.kit.pagination import Page, paginate
from biopark.kit.workcal import add_working_hours, working_hours_between
from biopark.parks.models import Park

__all__ = ["year_stats"]

ACCESS = frozenset({Role.admin, Role.leader, Role.investment_officer})
TARGET_EDITORS = frozenset({Role.admin, Role.leader})
ENTITY_LEAD = "investment_lead"
ENTITY_PROJECT = "investment_project"


def check_access(user: User) -> None:
    """Only investment officers, leaders and admins work the pipeline."""
    if user.role not in ACCESS:
        raise Forbidden()


def today_local() -> date:
    """Today in Asia/Shanghai."""
    return utcnow().astimezone(SHANGHAI).date()


def _owner(session: Session, *, park_id: int, owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owner = session.get(User, owner_id)
    if owner is None or owner.park_id != park_id or owner.role not in ACCESS or not owner.active:
        raise ValidationFailed(
            "负责人须为本园区在岗的招商人员",
            en="Owner must be an active investment user of the park",
        )
    return owner


def _enterprise(session: Session, *, park_id: int, enterprise_id: int | None) -> None:
    if enterprise_id is None:
        return
    ent = session.get(Enterprise, enterprise_id)
    if ent is None or ent.park_id != park_id:
        raise ValidationFailed("关联企业不存在", en="Linked enterprise not found")


def officers(session: Session, *, park_id: int) -> list[User]:
    """The park's active users who may own leads and projects."""
    stmt = (
        select(User)
        .where(User.park_id == park_id, User.active.is_(True), User.role.in_(list(ACCESS)))
        .order_by(User.role, User.display_name)
    )
    return list(session.scalars(stmt))


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
    owner = _owner(session, park_id=user.park_id, owner_id=values.pop("owner_id")) or user
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
        _owner(session, park_id=lead.park_id, owner_id=values["owner_id"])
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


# --- projects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFilter:
    """Filters shared by the project list, its Excel export and the stats."""

    q: str | None = None
    stage: Stage | None = None
    owner_id: int | None = None
    team: str | None = None
    chain: str | None = None
    year: int | None = None
    overdue: bool = False
    demo: bool | None = None


def project_query(user: User, flt: ProjectFilter) -> Select[Any]:
    """The park's projects matching the filter, by id (no query is built in routes)."""
    check_access(user)
    stmt = select(Project).where(Project.park_id == user.park_id)
    if flt.q:
        like = f"%{flt.q.strip()}%"
        stmt = stmt.where(or_(Project.name.ilike(like), Project.company.ilike(like)))
    if flt.stage:
        stmt = stmt.where(Project.stage == flt.stage)
    if flt.owner_id:
        stmt = stmt.where(Project.owner_id == flt.owner_id)
    if flt.team:
        stmt = stmt.where(Project.team == flt.team)
    if flt.chain:
        stmt = stmt.where(Project.chain == flt.chain)
    if flt.year:
        stmt = stmt.where(
            Project.registered_on >= date(flt.year, 1, 1),
            Project.registered_on <= date(flt.year, 12, 31),
        )
    if flt.overdue:
        stmt = stmt.where(Project.stage.in_(list(OPEN_STAGES)), Project.due_on < today_local())
    if flt.demo is not None:
        stmt = stmt.where(Project.is_demo.is_(flt.demo))
    return stmt


def decorate_projects(session: Session, projects: Sequence[Project]) -> None:
    """Attach funds in place and owner names to a page of projects (two grouped queries)."""
    ids = [p.id for p in projects]
    if not ids:
        return
    funds = dict(
        session.execute(
            select(FundsEntry.project_id, func.sum(FundsEntry.amount))
            .where(FundsEntry.project_id.in_(ids))
            .group_by(FundsEntry.project_id)
        ).all()
    )
    owner_ids = {p.owner_id for p in projects if p.owner_id}
    names = (
        dict(
            session.execute(select(User.id, User.display_name).where(User.id.in_(owner_ids))).all()
        )
        if owner_ids
        else {}
    )
    for p in projects:
        p.funds_in_place = Decimal(funds.get(p.id) or 0)  # type: ignore[attr-defined]
        p.owner_name = names.get(p.owner_id or 0)  # type: ignore[attr-defined]


def list_projects(
    session: Session, *, user: User, flt: ProjectFilter, page: int = 1, size: int = 50
) -> Page[Any]:
    """A page of the park's projects, newest first."""
    stmt = project_query(user, flt).order_by(Project.id.desc())
    result = paginate(session, stmt, page=page, size=size)
    decorate_projects(session, result.items)
    return result


def get_project(session: Session, *, user: User, project_id: int) -> Project:
    """One project of the user's park."""
    check_access(user)
    project = session.get(Project, project_id)
    if project is None or project.park_id != user.park_id:
        raise NotFound("项目不存在", en="Project not found")
    decorate_projects(session, [project])
    return project


def _check_loop(
    stage: Stage, owner_id: int | None, next_action: str | None, due: date | None
) -> None:
    if stage in OPEN_STAGES and (owner_id is None or not next_action or due is None):
        raise ValidationFailed(
            "在推项目须有负责人、下一步工作和截止日期",
            en="An open project needs an owner, a next action and a due date",
        )


def create_project(
    session: Session, *, user: User, data: ProjectCreate, is_demo: bool = False
) -> Project:
    """Create a project at stage 线索; the creator owns it unless another owner is named."""
    check_access(user)
    values = data.model_dump()
    owner = _owner(session, park_id=user.park_id, owner_id=values["owner_id"]) or user
    values["owner_id"] = owner.id
    _enterprise(session, park_id=user.park_id, enterprise_id=values["enterprise_id"])
    _check_loop(Stage.lead, owner.id, values["next_action"], values["due_on"])
    project = Project(park_id=user.park_id, stage=Stage.lead, is_demo=is_demo, **values)
    session.add(project)
    session.flush()
    session.add(
        StageChange(
            park_id=project.park_id,
            project_id=project.id,
            from_stage=None,
            to_stage=Stage.lead,
            effective_on=today_local(),
            actor_id=user.id,
            actor_name=user.username,
        )
    )
    audit.record(
        session,
        actor=user,
        action="create",
        entity_type=ENTITY_PROJECT,
        entity_id=project.id,
        park_id=project.park_id,
        changes=data.model_dump(exclude_none=True),
    )
    decorate_projects(session, [project])
    return project


def update_project(
    session: Session, *, user: User, project_id: int, data: ProjectUpdate
) -> Project:
    """Change a project's fields (not its stage) and audit what changed."""
    project = get_project(session, user=user, project_id=project_id)
    values = data.model_dump(exclude_unset=True)
    if "name" in values and values["name"] is None:
        values.pop("name")
    if "owner_id" in values:
        _owner(session, park_id=project.park_id, owner_id=values["owner_id"])
    if "enterprise_id" in values:
        _enterprise(session, park_id=project.park_id, enterprise_id=values["enterprise_id"])
    _check_loop(
        project.stage,
        values.get("owner_id", project.owner_id),
        values.get("next_action", project.next_action),
        values.get("due_on", project.due_on),
    )
    changed = audit.apply_changes(project, values)
    if changed:
        audit.record(
            session,
            actor=user,
            action="update",
            entity_type=ENTITY_PROJECT,
            entity_id=project.id,
            park_id=project.park_id,
            changes=changed,
        )
    decorate_projects(session, [project])
    return project


def _settled_enterprise(session: Session, *, project: Project) -> int | None:
    # Once registered, the project's company is (usually) in the registry under the same name.
    if not project.company:
        return None
    return session.scalar(
        select(Enterprise.id).where(
            Enterprise.park_id == project.park_id, Enterprise.name == project.company
        )
    )


def change_stage(
    session: Session, *, user: User, project_id: int, data: StageChangeCreate
) -> Project:
    """Move a project to another stage, recording who, when, the effective date and why."""
    project = get_project(session, user=user, project_id=project_id)
    on = data.effective_on or today_local()
    if on > today_local():
        raise ValidationFailed("生效日期不能晚于今天", en="Effective date cannot be in the future")
    move = stages.plan(
        project.stage,
        data.stage,
        on=on,
        reason=data.reason,
        dates={
            f: getattr(project, f)
            for f in ("signed_on", "registered_on", "started_on", "produced_on")
        },
    )
    values: dict[str, Any] = {"stage": data.stage, **move.set_dates}
    if data.stage in REGISTERED_OR_LATER and project.enterprise_id is None:
        values["enterprise_id"] = _settled_enterprise(session, project=project)
    values.update({f: None for f in move.clear_dates})
    if data.stage == Stage.terminated:
        values.update(terminated_on=on, terminated_reason=(data.reason or "").strip())
    elif project.stage == Stage.terminated:
        values.update(terminated_on=None, terminated_reason=None)
    changed = audit.apply_changes(project, values)
    session.add(
        StageChange(
            park_id=project.park_id,
            project_id=project.id,
            from_stage=Stage(changed["stage"][0]),
            to_stage=data.stage,
            effective_on=on,
            reason=(data.reason or "").strip() or None,
            actor_id=user.id,
            actor_name=user.username,
        )
    )
    if data.reason:
        changed["reason"] = data.reason
    audit.record(
        session,
        actor=user,
        action="stage",
        entity_type=ENTITY_PROJECT,
        entity_id=project.id,
        park_id=project.park_id,
        changes=changed,
    )
    return project


def stage_history(session: Session, *, user: User, project_id: int) -> list[StageChange]:
    """The project's stage transitions, oldest first."""
    project = get_project(session, user=user, project_id=project_id)
    stmt = (
        select(StageChange)
        .where(StageChange.project_id == project.id)
        .order_by(StageChange.at, StageChange.id)
    )
    return list(session.scalars(stmt))


def add_visit(session: Session, *, user: User, project_id: int, data: VisitCreate) -> Visit:
    """Log a negotiation visit; its next step with a date becomes the project's next action."""
    project = get_project(session, user=user, project_id=project_id)
    if data.visited_on > today_local():
        raise ValidationFailed("拜访日期不能晚于今天", en="Visit date cannot be in the future")
    values = data.model_dump(exclude={"next_due_on"})
    visit = Visit(park_id=project.park_id, project_id=project.id, recorded_by=user.id, **values)
    session.add(visit)
    session.flush()
    changes: dict[str, Any] = {"visit_id": visit.id, **data.model_dump(exclude_none=True)}
    if data.next_step and data.next_due_on:
        changes.update(
            audit.apply_changes(
                project, {"next_action": data.next_step, "due_on": data.next_due_on}
            )
        )
    audit.record(
        session,
        actor=user,
        action="visit",
        entity_type=ENTITY_PROJECT,
        entity_id=project.id,
        park_id=project.park_id,
        changes=changes,
    )
    return visit


def list_visits(session: Session, *, user: User, project_id: int) -> list[Visit]:
    """The project's visits, newest first."""
    project = get_project(session, user=user, project_id=project_id)
    stmt = (
        select(Visit)
        .where(Visit.project_id == project.id)
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )
    return list(session.scalars(stmt))


def add_funds(session: Session, *, user: User, project_id: int, data: FundsCreate) -> FundsEntry:
    """Record funds that arrived on a date (the project's total is the running sum)."""
    project = get_project(session, user=user, project_id=project_id)
    if data.received_on > today_local():
        raise ValidationFailed("到位日期不能晚于今天", en="Date cannot be in the future")
    entry = FundsEntry(
        park_id=project.park_id, project_id=project.id, recorded_by=user.id, **data.model_dump()
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="funds",
        entity_type=ENTITY_PROJECT,
        entity_id=project.id,
        park_id=project.park_id,
        changes={"funds_entry_id": entry.id, **data.model_dump(exclude_none=True)},
    )
    return entry


def list_funds(session: Session, *, user: User, project_id: int) -> list[FundsEntry]:
    """The project's funds entries by date, each with the cumulative total up to it."""
    project = get_project(session, user=user, project_id=project_id)
    stmt = (
        select(FundsEntry)
        .where(FundsEntry.project_id == project.id)
        .order_by(FundsEntry.received_on, FundsEntry.id)
    )
    entries = list(session.scalars(stmt))
    total = Decimal(0)
    for e in entries:
        total += e.amount
        e.cumulative = total  # type: ignore[attr-defined]
    return entries


_AUDIT_TITLES = {
    "create": "创建项目",
    "update": "修改信息",
    "import": "台账导入",
    "demo": "演示数据",
}


def timeline(session: Session, *, user: User, project_id: int) -> list[TimelineItem]:
    """The project's stage moves, visits, funds and field changes, newest first."""
    from biopark.kit.money import format_cny

    project = get_project(session, user=user, project_id=project_id)
    items: list[TimelineItem] = []
    for c in stage_history(session, user=user, project_id=project_id):
        arrow = f"{c.from_stage.value} → " if c.from_stage else ""
        items.append(
            TimelineItem(on=c.effective_on, at=c.at, kind="stage", title=f"阶段：{arrow}{c.to_stage.value}",
                         detail=c.reason, actor=c.actor_name)
        )  # fmt: skip
    for v in list_visits(session, user=user, project_id=project_id):
        detail = "；".join(
            x for x in (v.place, v.notes, f"下一步：{v.next_step}" if v.next_step else None) if x
        )
        items.append(
            TimelineItem(on=v.visited_on, at=v.created_at, kind="visit", title=f"拜访：{v.people}", detail=detail)
        )  # fmt: skip
    for f in list_funds(session, user=user, project_id=project_id):
        items.append(
            TimelineItem(on=f.received_on, at=f.created_at, kind="funds",
                         title=f"资金到位 {format_cny(f.amount)}（累计 {format_cny(f.cumulative)}）",  # type: ignore[attr-defined]
                         detail=f.note)
        )  # fmt: skip
    for e in audit.history(
        session, park_id=project.park_id, entity_type=ENTITY_PROJECT, entity_id=project.id
    ):
        if e.action not in _AUDIT_TITLES:
            continue
        detail = "；".join(f"{k}: {v}" for k, v in e.changes.items())
        items.append(
            TimelineItem(on=e.at.astimezone(SHANGHAI).date(), at=e.at, kind=e.action,
                         title=_AUDIT_TITLES[e.action], detail=detail[:500], actor=e.actor_name)
        )  # fmt: skip
    return sorted(items, key=lambda i: (i.on, i.at or utcnow()), reverse=True)


# --- targets --------------------------------------------------------------------------------


def set_target(session: Session, *, user: User, data: TargetSet) -> Target:
    """Create or replace the annual target of the park, a team or a chain."""
    if user.role not in TARGET_EDITORS:
        raise Forbidden("只有领导可以设定目标", en="Only leaders set targets")
    if data.scope.value != "park" and not data.scope_value:
        raise ValidationFailed("请填写团队或产业链名称", en="Name the team or chain")
    scope_value = "" if data.scope.value == "park" else data.scope_value
    target = session.scalar(
        select(Target).where(
            Target.park_id == user.park_id,
            Target.year == data.year,
            Target.scope == data.scope.value,
            Target.scope_value == scope_value,
        )
    )
    values = {
        "projects": data.projects,
        "agreed_investment": data.agreed_investment,
        "funds_in_place": data.funds_in_place,
    }
    if target is None:
        target = Target(
            park_id=user.park_id, year=data.year, scope=data.scope.value, scope_value=scope_value
        )
        session.add(target)
        session.flush()
    changed = audit.apply_changes(target, values)
    audit.record(
        session,
        actor=user,
        action="target",
        entity_type="investment_target",
        entity_id=target.id,
        park_id=user.park_id,
        changes={
            "year": data.year,
            "scope": data.scope.value,
            "scope_value": scope_value,
            **changed,
        },
    )
    return target


def list_targets(session: Session, *, user: User, year: int | None = None) -> list[Target]:
    """The park's targets, newest year first."""
    check_access(user)
    stmt = select(Target).where(Target.park_id == user.park_id)
    if year:
        stmt = stmt.where(Target.year == year)
    return list(
        session.scalars(stmt.order_by(Target.year.desc(), Target.scope, Target.scope_value))
    )


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
