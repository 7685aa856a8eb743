"""Enterprise requests (诉求): submission, response, plan, dispatch, reply, close, rating.

SLA clocks, all in working time (biopark.kit.workcal):
respond and close start at submission, plan starts at the response, and a
department's reply clock starts when the request is dispatched to it. Each due
instant is stored on the record when its clock starts. A rating of 1 or 2 reopens
the request and restarts the respond and close clocks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises.models import Enterprise
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.kit.dates import format_local
from biopark.kit.models import utcnow
from biopark.kit.pagination import Page, paginate
from biopark.kit.workcal import add_working_days, add_working_hours, add_working_minutes
from biopark.parks.models import Department
from biopark.services.models import RequestDispatch, RequestStatus, ServiceRequest
from biopark.services.schemas import (
    CloseBody,
    DispatchBody,
    PlanBody,
    RateBody,
    ReplyBody,
    RequestCreate,
    RespondBody,
)
from biopark.services.sla import sla_for

ENTITY = "service_request"
HANDLERS = {Role.admin, Role.leader, Role.commissioner}
PARK_READERS = HANDLERS
OPEN = {
    RequestStatus.new,
    RequestStatus.responded,
    RequestStatus.planned,
    RequestStatus.dispatched,
    RequestStatus.replied,
    RequestStatus.reopened,
}
REOPEN_AT_OR_BELOW = 2


def visible(user: User) -> Select[Any]:
    """The requests the user may read: own enterprise's, own department's, or the park's."""
    stmt = select(ServiceRequest).where(ServiceRequest.park_id == user.park_id)
    if user.role in PARK_READERS:
        return stmt
    if user.role == Role.enterprise:
        return stmt.where(ServiceRequest.enterprise_id == (user.enterprise_id or -1))
    if user.role == Role.department:
        dispatched = exists().where(
            RequestDispatch.request_id == ServiceRequest.id,
            RequestDispatch.department_id == (user.department_id or -1),
        )
        return stmt.where(dispatched)
    raise Forbidden()


def list_requests(
    session: Session,
    *,
    user: User,
    status: str | None = None,
    category: str | None = None,
    escalated: bool | None = None,
    overdue_at: datetime | None = None,
    q: str | None = None,
    page: int = 1,
    size: int = 50,
) -> Page[Any]:
    """A page of visible requests, newest first, with optional filters."""
    stmt = visible(user).options(selectinload(ServiceRequest.dispatches))
    if status:
        stmt = stmt.where(ServiceRequest.status == status)
    if category:
        stmt = stmt.where(ServiceRequest.category == category)
    if escalated is not None:
        stmt = stmt.where(ServiceRequest.escalated == escalated)
    if overdue_at is not None:
        stmt = stmt.where(
            ServiceRequest.status.in_(OPEN),
            or_(
                ServiceRequest.close_due_at < overdue_at,
                (ServiceRequest.responded_at.is_(None))
                & (ServiceRequest.respond_due_at < overdue_at),
            ),
        )
    if q:
        stmt = stmt.where(ServiceRequest.title.ilike(f"%{q.strip()}%"))
    stmt = stmt.order_by(ServiceRequest.submitted_at.desc(), ServiceRequest.id.desc())
    return paginate(session, stmt, page=page, size=size)


def get_request(session: Session, *, user: User, request_id: int) -> ServiceRequest:
    """One request, if the user may see it (others' look the same as missing ones)."""
    req = session.scalar(visible(user).where(ServiceRequest.id == request_id))
    if req is None:
        raise NotFound("诉求不存在", en="Request not found")
    return req


def history(session: Session, *, req: ServiceRequest) -> list[Any]:
    """Every step of the request, newest first."""
    return audit.history(session, park_id=req.park_id, entity_type=ENTITY, entity_id=req.id)


def _log(
    session: Session, req: ServiceRequest, actor: User | None, action: str, **changes: Any
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type=ENTITY,
        entity_id=req.id,
        park_id=req.park_id,
        changes=changes,
    )


def _require(user: User, roles: set[Role]) -> None:
    if user.role not in roles:
        raise Forbidden()


def _require_status(req: ServiceRequest, allowed: set[RequestStatus], action_zh: str) -> None:
    if req.status not in allowed:
        raise Conflict(f"当前状态不能{action_zh}", en=f"Not possible in status {req.status.value}")


def submit_request(
    session: Session, *, user: User, data: RequestCreate, now: datetime | None = None
) -> ServiceRequest:
    """Submit a request for the user's enterprise, or on an enterprise's behalf."""
    now = now or utcnow()
    if user.role == Role.enterprise:
        if not user.enterprise_id:
            raise Forbidden("账号未关联企业", en="Account has no enterprise")
        enterprise_id, on_behalf = user.enterprise_id, False
    elif user.role in HANDLERS:
        if data.enterprise_id is None:
            raise ValidationFailed("请选择企业", en="Choose an enterprise")
        ent = session.scalar(
            select(Enterprise).where(
                Enterprise.id == data.enterprise_id, Enterprise.park_id == user.park_id
            )
        )
        if ent is None:
            raise NotFound("企业不存在", en="Enterprise not found")
        enterprise_id, on_behalf = ent.id, True
    else:
        raise Forbidden()
    sla = sla_for(session, park_id=user.park_id, category=data.category)
    req = ServiceRequest(
        park_id=user.park_id,
        enterprise_id=enterprise_id,
        submitted_by_id=user.id,
        on_behalf=on_behalf,
        category=data.category,
        title=data.title.strip(),
        content=data.content.strip(),
        contact=data.contact,
        status=RequestStatus.new,
        submitted_at=now,
        respond_due_at=add_working_minutes(now, sla.respond_minutes),
        close_due_at=add_working_days(now, sla.close_days),
        reopen_count=0,
        escalated=False,
    )
    session.add(req)
    session.flush()
    _log(
        session,
        req,
        user,
        "submit",
        category=req.category,
        title=req.title,
        on_behalf=on_behalf,
        respond_due_at=format_local(req.respond_due_at),
        close_due_at=format_local(req.close_due_at),
    )
    return req


def _start_plan_clock(session: Session, req: ServiceRequest, now: datetime) -> None:
    sla = sla_for(session, park_id=req.park_id, category=req.category)
    req.responded_at = now
    req.plan_due_at = add_working_hours(now, sla.plan_hours)


def respond(
    session: Session,
    *,
    user: User,
    request_id: int,
    data: RespondBody,
    now: datetime | None = None,
) -> ServiceRequest:
    """First response to the enterprise; stops the respond clock, starts the plan clock."""
    _require(user, HANDLERS)
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    _require_status(req, {RequestStatus.new, RequestStatus.reopened}, "响应")
    if req.responded_at is not None:
        raise Conflict("已响应", en="Already responded")
    req.response = data.note.strip()
    _start_plan_clock(session, req, now)
    req.status = RequestStatus.responded
    _log(
        session, req, user, "respond", note=req.response, plan_due_at=format_local(req.plan_due_at)
    )
    return req


def make_plan(
    session: Session, *, user: User, request_id: int, data: PlanBody, now: datetime | None = None
) -> ServiceRequest:
    """Record the handling plan; stops the plan clock."""
    _require(user, HANDLERS)
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    _require_status(req, {RequestStatus.responded}, "制定方案")
    req.plan = data.plan.strip()
    req.planned_at = now
    req.status = RequestStatus.planned
    _log(session, req, user, "plan", plan=req.plan)
    return req


def dispatch(
    session: Session,
    *,
    user: User,
    request_id: int,
    data: DispatchBody,
    now: datetime | None = None,
) -> ServiceRequest:
    """Dispatch the request to departments; dispatching also counts as response and plan."""
    _require(user, HANDLERS)
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    _require_status(
        req,
        {
            RequestStatus.new,
            RequestStatus.responded,
            RequestStatus.planned,
            RequestStatus.dispatched,
            RequestStatus.replied,
            RequestStatus.reopened,
        },
        "派发",
    )
    ids = sorted(set(data.department_ids))
    depts = list(
        session.scalars(
            select(Department).where(Department.id.in_(ids), Department.park_id == req.park_id)
        )
    )
    if len(depts) != len(ids):
        raise NotFound("部门不存在", en="Department not found")
    sla = sla_for(session, park_id=req.park_id, category=req.category)
    note = (data.note or "").strip() or None
    if req.responded_at is None:
        req.response = req.response or note or "已受理，转相关部门办理"
        _start_plan_clock(session, req, now)
    if req.planned_at is None:
        req.plan = req.plan or note or "派发至" + "、".join(d.short_name or d.name for d in depts)
        req.planned_at = now
    existing = {d.department_id: d for d in req.dispatches}
    names = []
    for dept in depts:
        current = existing.get(dept.id)
        if current is not None and current.replied_at is None:
            raise Conflict(
                f"已派发至{dept.short_name or dept.name}，尚未答复",
                en=f"Already dispatched to {dept.name}",
            )
        due = add_working_days(now, sla.reply_days)
        if current is None:
            req.dispatches.append(
                RequestDispatch(
                    department_id=dept.id, note=note, dispatched_at=now, reply_due_at=due
                )
            )
        else:
            # A department that answered before gets the request again, with a new clock.
            current.note, current.dispatched_at, current.reply_due_at = note, now, due
            current.replied_at = current.reply = current.replied_by_id = None
            current.escalated_at = None
        names.append(dept.short_name or dept.name)
    req.status = RequestStatus.dispatched
    session.flush()
    _log(session, req, user, "dispatch", departments=names, note=note)
    return req


def reply(
    session: Session, *, user: User, request_id: int, data: ReplyBody, now: datetime | None = None
) -> ServiceRequest:
    """A department's answer to the request dispatched to it."""
    _require(user, {Role.department})
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    target = next((d for d in req.dispatches if d.department_id == user.department_id), None)
    if target is None:
        raise NotFound("诉求不存在", en="Request not found")
    if target.replied_at is not None:
        raise Conflict("本部门已答复", en="Your department has already replied")
    target.reply = data.reply.strip()
    target.replied_at = now
    target.replied_by_id = user.id
    if all(d.replied_at is not None for d in req.dispatches):
        req.status = RequestStatus.replied
    dept = session.get(Department, target.department_id)
    _log(
        session,
        req,
        user,
        "reply",
        department=dept.short_name or dept.name if dept else None,
        reply=target.reply,
        on_time=now <= target.reply_due_at,
    )
    return req


def close(
    session: Session, *, user: User, request_id: int, data: CloseBody, now: datetime | None = None
) -> ServiceRequest:
    """Close the request with its resolution; stops the close clock."""
    _require(user, HANDLERS)
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    _require_status(
        req, {RequestStatus.responded, RequestStatus.planned, RequestStatus.replied}, "办结"
    )
    req.resolution = data.resolution.strip()
    req.closed_at = now
    req.status = RequestStatus.closed
    on_time = req.close_due_at is None or now <= req.close_due_at
    _log(session, req, user, "close", resolution=req.resolution, on_time=on_time)
    return req


def rate(
    session: Session, *, user: User, request_id: int, data: RateBody, now: datetime | None = None
) -> ServiceRequest:
    """The enterprise rates a closed request; a low score reopens it."""
    _require(user, {Role.enterprise})
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    _require_status(req, {RequestStatus.closed}, "评价")
    req.satisfaction = data.satisfaction
    req.rating_comment = (data.comment or "").strip() or None
    req.rated_at = now
    _log(session, req, user, "rate", satisfaction=data.satisfaction, comment=req.rating_comment)
    if data.satisfaction > REOPEN_AT_OR_BELOW:
        req.status = RequestStatus.rated
        return req
    sla = sla_for(session, park_id=req.park_id, category=req.category)
    req.status = RequestStatus.reopened
    req.reopen_count += 1
    req.respond_due_at = add_working_minutes(now, sla.respond_minutes)
    req.close_due_at = add_working_days(now, sla.close_days)
    req.responded_at = req.planned_at = req.plan_due_at = req.closed_at = None
    req.respond_escalated_at = req.plan_escalated_at = req.close_escalated_at = None
    req.escalated = False
    _log(
        session,
        req,
        None,
        "reopen",
        reason="企业不满意",
        respond_due_at=format_local(req.respond_due_at),
        close_due_at=format_local(req.close_due_at),
    )
    return req


def department_choices(session: Session, *, park_id: int) -> list[Department]:
    """The park's departments, for dispatch forms."""
    return list(
        session.scalars(
            select(Department).where(Department.park_id == park_id).order_by(Department.id)
        )
    )


def enterprise_choices(session: Session, *, user: User) -> list[Enterprise]:
    """Enterprises a handler may submit for."""
    if user.role not in HANDLERS:
        return []
    return list(
        session.scalars(
            select(Enterprise).where(Enterprise.park_id == user.park_id).order_by(Enterprise.name)
        )
    )


def enterprise_names(session: Session, *, ids: set[int]) -> dict[int, str]:
    """Display names of enterprises by id."""
    if not ids:
        return {}
    rows = session.execute(
        select(Enterprise.id, Enterprise.short_name, Enterprise.name).where(Enterprise.id.in_(ids))
    )
    return {i: short or name for i, short, name in rows}
