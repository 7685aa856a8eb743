"""Projects: stages, visits, funds in place and the timeline."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.chain import service as chain_links
from biopark.enterprises.models import Enterprise
from biopark.errors import NotFound, ValidationFailed
from biopark.investment import stages
from biopark.investment.access import (
    ENTITY_PROJECT,
    check_access,
    check_due,
    check_enterprise,
    check_owner,
    today_local,
)
from biopark.investment.models import (
    OPEN_STAGES,
    REGISTERED_OR_LATER,
    FundsEntry,
    Project,
    Stage,
    StageChange,
    Visit,
)
from biopark.investment.schemas import (
    FundsCreate,
    ProjectCreate,
    ProjectUpdate,
    StageChangeCreate,
    TimelineItem,
    VisitCreate,
)
from biopark.kit.dates import SHANGHAI
from biopark.kit.models import utcnow
from biopark.kit.money import format_cny
from biopark.kit.pagination import Page, paginate

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
    # A month range within `year` and "signed and registered" (入库 or later), for the dashboard.
    month_from: int | None = None
    month_to: int | None = None
    signed: bool = False
    # With `year`: projects that received funds in the month range (到位资金 drill-down),
    # instead of projects registered in it.
    funded: bool = False


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
        first, last = flt.month_from or 1, flt.month_to or 12
        since = date(flt.year, first, 1)
        until = date(flt.year, last, calendar.monthrange(flt.year, last)[1])
        if flt.funded:
            stmt = stmt.where(
                Project.id.in_(
                    select(FundsEntry.project_id).where(
                        FundsEntry.received_on >= since, FundsEntry.received_on <= until
                    )
                )
            )
        else:
            stmt = stmt.where(Project.registered_on >= since, Project.registered_on <= until)
    if flt.signed:
        stmt = stmt.where(Project.stage.in_(list(REGISTERED_OR_LATER)))
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
        total = Decimal(funds.get(p.id) or 0)
        p.funds_in_place = total  # type: ignore[attr-defined]
        p.over_agreed = total > (p.agreed_investment or 0) and total > 0  # type: ignore[attr-defined]
        p.owner_name = names.get(p.owner_id or 0)  # type: ignore[attr-defined]


def list_projects(
    session: Session,
    *,
    user: User,
    flt: ProjectFilter,
    page: int = 1,
    size: int = 50,
    count_up_to: int | None = None,
) -> Page[Any]:
    """A page of the park's projects, newest first (see `paginate` for `count_up_to`)."""
    stmt = project_query(user, flt).order_by(Project.id.desc())
    result = paginate(session, stmt, page=page, size=size, count_up_to=count_up_to)
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
    owner = check_owner(session, park_id=user.park_id, owner_id=values["owner_id"]) or user
    values["owner_id"] = owner.id
    check_enterprise(session, park_id=user.park_id, enterprise_id=values["enterprise_id"])
    values = chain_links.project_link_values(session, park_id=user.park_id, values=values)
    _check_loop(Stage.lead, owner.id, values["next_action"], values["due_on"])
    check_due(values["due_on"])
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
        check_owner(session, park_id=project.park_id, owner_id=values["owner_id"])
    if "enterprise_id" in values:
        check_enterprise(session, park_id=project.park_id, enterprise_id=values["enterprise_id"])
    if "due_on" in values and values["due_on"] != project.due_on:
        check_due(values["due_on"])
    if (
        "agreed_investment" in values
        and values["agreed_investment"] is None
        and stages.rank(project.stage) >= stages.rank(Stage.signed)
    ):
        raise ValidationFailed(
            "已签约的项目须有协议投资额", en="A signed project needs its agreed investment"
        )
    values = chain_links.project_link_values(
        session, park_id=project.park_id, values=values, current=project
    )
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
    """Move a project to another stage once the stage rules hold; record every stage entered."""
    project = get_project(session, user=user, project_id=project_id)
    today = today_local()
    move = stages.plan(
        project.stage,
        data.stage,
        today=today,
        reason=data.reason,
        existing={f: getattr(project, f) for f in stages.FACT_FIELDS},
        given=data.model_dump(include=set(stages.FACT_FIELDS)),
        effective_on=data.effective_on,
    )
    reason = (data.reason or "").strip() or None
    values: dict[str, Any] = {"stage": data.stage, **move.values}
    values.update(dict.fromkeys(move.clear))
    if data.stage in REGISTERED_OR_LATER and project.enterprise_id is None:
        values["enterprise_id"] = _settled_enterprise(session, project=project)
    if data.stage == Stage.terminated:
        values.update(terminated_on=move.steps[-1][2], terminated_reason=reason)
    elif project.stage == Stage.terminated:
        values.update(terminated_on=None, terminated_reason=None)
    changed = audit.apply_changes(project, values)
    for from_stage, to_stage, on in move.steps:
        session.add(
            StageChange(
                park_id=project.park_id,
                project_id=project.id,
                from_stage=from_stage,
                to_stage=to_stage,
                effective_on=on,
                reason=reason,
                actor_id=user.id,
                actor_name=user.username,
            )
        )
    if reason:
        changed["reason"] = reason
    if len(move.steps) > 1:
        changed["skipped"] = [s[1].value for s in move.steps[:-1]]
    audit.record(
        session,
        actor=user,
        action="stage",
        entity_type=ENTITY_PROJECT,
        entity_id=project.id,
        park_id=project.park_id,
        changes=changed,
    )
    session.flush()
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
    check_due(data.next_due_on)
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
    total = project.funds_in_place + data.amount  # type: ignore[attr-defined]
    agreed = project.agreed_investment or Decimal(0)
    over = total > agreed
    if over and not data.confirm_over_agreed:
        raise ValidationFailed(
            f"到位资金累计将达 {format_cny(total)}，超过协议投资额 {format_cny(agreed)}；"
            "核实无误后请勾选“确认超出协议投资额”再提交",
            en=f"Funds in place would reach {total:,.2f} yuan, above the agreed investment "
            f"of {agreed:,.2f}; confirm with confirm_over_agreed=true",
        )
    entry = FundsEntry(
        park_id=project.park_id,
        project_id=project.id,
        recorded_by=user.id,
        over_agreed=over,
        **data.model_dump(exclude={"confirm_over_agreed"}),
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
    decorate_projects(session, [project])
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


def _actor(username: str, en: bool) -> str:
    if username == "system":
        return "System" if en else "系统"
    return username


# Stage moves, visits and funds have their own rows; their audit entries would repeat them.
_OWN_ROWS = {"stage", "visit", "funds"}


def timeline(
    session: Session, *, user: User, project_id: int, lang: str = "zh"
) -> list[TimelineItem]:
    """The project's one timeline: stage moves, visits, funds and field changes, newest first."""
    from biopark.audit.describe import describe, format_value, money_en
    from biopark.investment.history import STAGE_WORDS
    from biopark.kit.money import format_cny

    en = lang == "en"
    money = money_en if en else format_cny
    project = get_project(session, user=user, project_id=project_id)
    items: list[TimelineItem] = []
    changes = stage_history(session, user=user, project_id=project_id)
    actor_ids = {c.actor_id for c in changes if c.actor_id}
    names = dict(
        session.execute(select(User.id, User.display_name).where(User.id.in_(actor_ids))).all()
    )
    for c in changes:
        to = format_value(c.to_stage.value, STAGE_WORDS, lang)
        move = (
            f"{format_value(c.from_stage.value, STAGE_WORDS, lang)} → {to}" if c.from_stage else to
        )
        items.append(
            TimelineItem(on=c.effective_on, at=c.at, kind="stage",
                         title=f"Stage: {move}" if en else f"阶段：{move}",
                         detail=c.reason, actor=names.get(c.actor_id or 0) or _actor(c.actor_name, en))
        )  # fmt: skip
    for v in list_visits(session, user=user, project_id=project_id):
        step = v.next_step and (f"next: {v.next_step}" if en else f"下一步：{v.next_step}")
        detail = ("; " if en else "；").join(x for x in (v.place, v.notes, step) if x)
        items.append(
            TimelineItem(on=v.visited_on, at=v.created_at, kind="visit",
                         title=f"Visit: {v.people}" if en else f"拜访：{v.people}", detail=detail)
        )  # fmt: skip
    for f in list_funds(session, user=user, project_id=project_id):
        total = money(f.cumulative)  # type: ignore[attr-defined]
        title = (
            f"Funds in place {money(f.amount)} (total {total})"
            if en
            else f"资金到位 {money(f.amount)}（累计 {total}）"
        )
        items.append(
            TimelineItem(
                on=f.received_on, at=f.created_at, kind="funds", title=title, detail=f.note
            )
        )
    entries = [
        e
        for e in audit.history(
            session, park_id=project.park_id, entity_type=ENTITY_PROJECT, entity_id=project.id
        )
        if e.action not in _OWN_ROWS
    ]
    for e, line in zip(entries, describe(entries, lang, session), strict=True):
        items.append(
            TimelineItem(on=e.at.astimezone(SHANGHAI).date(), at=e.at, kind=e.action,
                         title=line.text, actor=line.actor)
        )  # fmt: skip
    return sorted(items, key=lambda i: (i.on, i.at or utcnow()), reverse=True)
