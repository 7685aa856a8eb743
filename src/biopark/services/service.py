"""Enterprise requests (诉求): submission, response, plan, close, rating, withdrawal.

SLA clocks, all in working time (biopark.kit.workcal):
respond and close start at submission, plan starts at the response, and a
department's reply clock starts when the request is dispatched to it. Each due
instant is stored on the record when its clock starts. A rating of 1 or 2 reopens
the request and restarts the respond and close clocks from the reopening.

Which role may take which step from which status is the table in workflow.py;
dispatching and department replies live in dispatching.py, the reply thread in thread.py.

Commissioners list the requests of their own enterprises by default and the whole
park with scope="park"; they read any request of the park but act only on those of
their own enterprises or of enterprises that have no commissioner yet.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

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
from biopark.services import workflow
from biopark.services.models import RequestDispatch, RequestMessage, RequestStatus, ServiceRequest
from biopark.services.schemas import (
    CloseBody,
    PlanBody,
    RateBody,
    RequestCreate,
    RespondBody,
    WithdrawBody,
)
from biopark.services.sla import sla_for

ENTITY = "service_request"
HANDLERS = {Role.admin, Role.leader, Role.commissioner}
PARK_READERS = {Role.admin, Role.leader}
OPEN = set(workflow.OPEN)
REOPEN_AT_OR_BELOW = 2
Scope = Literal["mine", "park"]


def _own_enterprises(user: User) -> Any:
    return select(Enterprise.id).where(Enterprise.commissioner_id == user.id)


def visible(user: User, scope: Scope = "park") -> Select[Any]:
    """The requests the user may read: own enterprise's, own department's, or the park's.

    A commissioner's scope "mine" narrows to the enterprises it serves.
    """
    stmt = select(ServiceRequest).where(ServiceRequest.park_id == user.park_id)
    if user.role in PARK_READERS:
        return stmt
    if user.role == Role.commissioner:
        if scope == "mine":
            return stmt.where(ServiceRequest.enterprise_id.in_(_own_enterprises(user)))
        return stmt
    if user.role == Role.enterprise:
        return stmt.where(ServiceRequest.enterprise_id == (user.enterprise_id or -1))
    if user.role == Role.department:
        dispatched = exists().where(
            RequestDispatch.request_id == ServiceRequest.id,
            RequestDispatch.department_id == (user.department_id or -1),
            RequestDispatch.withdrawn_at.is_(None),
        )
        return stmt.where(dispatched)
    raise Forbidden()


def may_handle(session: Session, *, user: User, req: ServiceRequest) -> bool:
    """Whether a handler may act on the request (commissioners: their enterprises, or unassigned)."""
    if user.role in PARK_READERS:
        return True
    if user.role != Role.commissioner:
        return False
    owner = session.scalar(
        select(Enterprise.commissioner_id).where(Enterprise.id == req.enterprise_id)
    )
    return owner in (None, user.id)


def require_step(session: Session, *, user: User, req: ServiceRequest, step: str) -> None:
    """Refuse the step if the role, the status or (for commissioners) the enterprise forbids it."""
    workflow.check(step, user.role, req.status)
    if user.role == Role.commissioner and not may_handle(session, user=user, req=req):
        raise Forbidden(
            "该企业由其他服务专员负责", en="Another commissioner serves this enterprise"
        )


def list_requests(
    session: Session,
    *,
    user: User,
    scope: Scope = "mine",
    status: str | None = None,
    category: str | None = None,
    escalated: bool | None = None,
    overdue_at: datetime | None = None,
    q: str | None = None,
    page: int = 1,
    size: int = 50,
    count_up_to: int | None = None,
) -> Page[Any]:
    """A page of visible requests, newest first, with optional filters (see `paginate`)."""
    # A page shows each request's dispatches and thread: load them for the page at once.
    stmt = visible(user, scope).options(
        selectinload(ServiceRequest.dispatches),
        selectinload(ServiceRequest.messages).selectinload(RequestMessage.attachments),
    )
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
    return paginate(session, stmt, page=page, size=size, count_up_to=count_up_to)


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
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    require_step(session, user=user, req=req, step="respond")
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
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    require_step(session, user=user, req=req, step="plan")
    req.plan = data.plan.strip()
    req.planned_at = now
    req.status = RequestStatus.planned
    _log(session, req, user, "plan", plan=req.plan)
    return req


def needs_close_reason(req: ServiceRequest) -> bool:
    """Closing needs a stated reason while a dispatched department owes a reply, or after a reopening."""
    if req.status == RequestStatus.reopened:
        return True
    return req.status == RequestStatus.dispatched


def close(
    session: Session, *, user: User, request_id: int, data: CloseBody, now: datetime | None = None
) -> ServiceRequest:
    """Close the request with its resolution; without a fresh department reply, a reason too."""
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    require_step(session, user=user, req=req, step="close")
    reason = (data.reason or "").strip() or None
    if needs_close_reason(req) and reason is None:
        raise ValidationFailed(
            "部门尚未答复（或诉求被重新打开后尚无新答复），办结须说明理由",
            en="A department has not replied (or none since the reopening): state a reason to close",
        )
    req.resolution = data.resolution.strip()
    req.close_reason = reason
    req.closed_at = now
    req.status = RequestStatus.closed
    on_time = req.close_due_at is None or now <= req.close_due_at
    _log(session, req, user, "close", resolution=req.resolution, reason=reason, on_time=on_time)
    return req


def withdraw(
    session: Session,
    *,
    user: User,
    request_id: int,
    data: WithdrawBody,
    now: datetime | None = None,
) -> ServiceRequest:
    """The enterprise withdraws its own open request; its clocks stop."""
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    require_step(session, user=user, req=req, step="withdraw")
    req.status = RequestStatus.withdrawn
    req.withdrawn_at = now
    req.withdraw_reason = (data.reason or "").strip() or None
    _log(session, req, user, "withdraw", reason=req.withdraw_reason)
    return req


def rate(
    session: Session, *, user: User, request_id: int, data: RateBody, now: datetime | None = None
) -> ServiceRequest:
    """The enterprise rates a closed request; a low score reopens it."""
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    require_step(session, user=user, req=req, step="rate")
    req.satisfaction = data.satisfaction
    req.rating_comment = (data.comment or "").strip() or None
    req.rated_at = now
    _log(session, req, user, "rate", satisfaction=data.satisfaction, comment=req.rating_comment)
    if data.satisfaction > REOPEN_AT_OR_BELOW:
        req.status = RequestStatus.rated
        return req
    sla = sla_for(session, park_id=req.park_id, category=req.category)
    req.status = RequestStatus.reopened
    req.reopened_at = now
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


def enterprise_url(session: Session, *, user: User, req: ServiceRequest) -> str | None:
    """Link to the request's enterprise file, only for users allowed to read that file."""
    from biopark.enterprises import service as enterprises

    try:
        stmt = enterprises.visible(user).where(Enterprise.id == req.enterprise_id)
    except Forbidden:
        return None
    return f"/enterprises/{req.enterprise_id}" if session.scalar(stmt) is not None else None


def departments_with_accounts(session: Session, *, park_id: int) -> set[int]:
    """Departments that have at least one active user, who can reply themselves."""
    rows = session.scalars(
        select(User.department_id).where(
            User.park_id == park_id,
            User.role == Role.department,
            User.active.is_(True),
            User.department_id.is_not(None),
        )
    )
    return {i for i in rows if i is not None}


def user_names(session: Session, *, ids: set[int]) -> dict[int, str]:
    """Display names of users by id."""
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {uid: name for uid, name in rows}
