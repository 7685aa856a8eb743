"""Dispatching a request to lead and cooperating departments, and their replies.

A department that has no user account can still be dispatched to: a commissioner or
admin records its reply (received by phone, letter or meeting) on its behalf, marked as
offline with who typed it in; or closes the request with a stated reason.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.errors import Conflict, NotFound
from biopark.kit.models import utcnow
from biopark.kit.workcal import add_working_days
from biopark.notify import events
from biopark.parks.models import Department
from biopark.services.models import RequestDispatch, RequestStatus, ServiceRequest
from biopark.services.schemas import (
    DispatchBody,
    RecordReplyBody,
    ReplyBody,
    WithdrawDispatchBody,
)
from biopark.services.service import _log, _start_plan_clock, get_request, require_step
from biopark.services.sla import sla_for


def _name(dept: Department | None) -> str:
    return (dept.short_name or dept.name) if dept else ""


def fresh_reply(req: ServiceRequest, d: RequestDispatch) -> bool:
    """A reply given since the request was last reopened."""
    return d.replied_at is not None and (req.reopened_at is None or d.replied_at >= req.reopened_at)


def settle(req: ServiceRequest) -> None:
    """The status that follows from the active dispatches after one of them changed."""
    active = req.active_dispatches
    if any(d.replied_at is None for d in active):
        req.status = RequestStatus.dispatched
    elif any(fresh_reply(req, d) for d in active):
        req.status = RequestStatus.replied
    elif req.planned_at is not None:
        req.status = RequestStatus.planned
    elif req.responded_at is not None:
        req.status = RequestStatus.responded
    else:
        req.status = RequestStatus.reopened if req.reopen_count else RequestStatus.new


def dispatch(
    session: Session,
    *,
    user: User,
    request_id: int,
    data: DispatchBody,
    now: datetime | None = None,
) -> ServiceRequest:
    """Dispatch (or re-dispatch) to a lead and cooperating departments; counts as response and plan."""
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    require_step(session, user=user, req=req, step="dispatch")
    named = list(
        dict.fromkeys(
            ([data.lead_department_id] if data.lead_department_id is not None else [])
            + data.department_ids
        )
    )
    current_lead = req.lead_department_id
    if data.lead_department_id is not None:
        lead_id = data.lead_department_id
    elif current_lead is not None and not data.replace:
        lead_id = current_lead
    else:
        lead_id = named[0]
    coop_ids = [i for i in named if i != lead_id]
    depts = {
        d.id: d
        for d in session.scalars(
            select(Department).where(Department.id.in_(named), Department.park_id == req.park_id)
        )
    }
    if len(depts) != len(named):
        raise NotFound("部门不存在", en="Department not found")
    pending = {d.department_id for d in req.active_dispatches if d.replied_at is None}
    if set(named) <= pending and not data.replace and lead_id == current_lead:
        names = "、".join(_name(depts[i]) for i in named)
        raise Conflict(f"已派发至{names}，尚未答复", en="Already dispatched there, no reply yet")
    sla = sla_for(session, park_id=req.park_id, category=req.category)
    note = (data.note or "").strip() or None
    if req.responded_at is None:
        req.response = req.response or note or "已受理，转相关部门办理"
        _start_plan_clock(session, req, now)
    if req.planned_at is None:
        names = "、".join(_name(depts[i]) for i in named)
        req.plan = req.plan or note or "派发至" + names
        req.planned_at = now
    existing = {d.department_id: d for d in req.dispatches}
    withdrawn: list[str] = []
    if data.replace:
        for d in req.active_dispatches:
            if d.department_id not in named and d.replied_at is None:
                d.withdrawn_at = now
                withdrawn.append(_name(session.get(Department, d.department_id)))
    due = add_working_days(now, sla.reply_days)
    for dept_id in named:
        current = existing.get(dept_id)
        is_lead = dept_id == lead_id
        if current is None:
            req.dispatches.append(
                RequestDispatch(
                    department_id=dept_id,
                    note=note,
                    dispatched_at=now,
                    reply_due_at=due,
                    is_lead=is_lead,
                    offline=False,
                )
            )
        elif current.withdrawn_at is None and current.replied_at is None:
            current.is_lead = is_lead
        else:
            # Sent again (after a reply or a withdrawal): a new clock; the old one is in the history.
            current.note, current.dispatched_at, current.reply_due_at = note, now, due
            current.replied_at = current.reply = current.replied_by_id = None
            current.escalated_at = current.withdrawn_at = None
            current.offline = False
            current.is_lead = is_lead
    for d in req.dispatches:
        d.is_lead = d.department_id == lead_id and d.withdrawn_at is None
    settle(req)
    session.flush()
    _log(
        session,
        req,
        user,
        "dispatch",
        lead=_name(depts.get(lead_id) or session.get(Department, lead_id)),
        cooperating=[_name(depts[i]) for i in coop_ids],
        withdrawn=withdrawn or None,
        note=note,
    )
    events.request_dispatched(session, req, named)
    return req


def _active_dispatch(req: ServiceRequest, department_id: int) -> RequestDispatch:
    target = next((d for d in req.active_dispatches if d.department_id == department_id), None)
    if target is None:
        raise Conflict("诉求未派发至该部门", en="The request is not dispatched to that department")
    return target


def withdraw_dispatch(
    session: Session,
    *,
    user: User,
    request_id: int,
    data: WithdrawDispatchBody,
    now: datetime | None = None,
) -> ServiceRequest:
    """Take a dispatch back from a department that has not replied yet."""
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    require_step(session, user=user, req=req, step="withdraw_dispatch")
    target = _active_dispatch(req, data.department_id)
    if target.replied_at is not None:
        raise Conflict("该部门已答复，不能撤回派发", en="That department has already replied")
    target.withdrawn_at = now
    was_lead, target.is_lead = target.is_lead, False
    if was_lead:
        # The lead passes to the next department still on the request, so one always leads.
        nxt = next(iter(req.active_dispatches), None)
        if nxt is not None:
            nxt.is_lead = True
    settle(req)
    _log(
        session,
        req,
        user,
        "withdraw_dispatch",
        department=_name(session.get(Department, target.department_id)),
        reason=data.reason.strip(),
    )
    return req


def _answer(
    session: Session,
    req: ServiceRequest,
    target: RequestDispatch,
    user: User,
    text: str,
    now: datetime,
    *,
    offline: bool,
) -> None:
    if target.replied_at is not None:
        raise Conflict("该部门已答复", en="That department has already replied")
    target.reply = text.strip()
    target.replied_at = now
    target.replied_by_id = user.id
    target.offline = offline
    settle(req)
    _log(
        session,
        req,
        user,
        "record_reply" if offline else "reply",
        department=_name(session.get(Department, target.department_id)),
        reply=target.reply,
        recorded_by=user.display_name if offline else None,
        on_time=now <= target.reply_due_at,
    )


def reply(
    session: Session, *, user: User, request_id: int, data: ReplyBody, now: datetime | None = None
) -> ServiceRequest:
    """A department's answer to the request dispatched to it."""
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    require_step(session, user=user, req=req, step="reply")
    target = _active_dispatch(req, user.department_id or -1)
    if target.replied_at is not None:
        raise Conflict("本部门已答复", en="Your department has already replied")
    _answer(session, req, target, user, data.reply, now, offline=False)
    return req


def record_reply(
    session: Session,
    *,
    user: User,
    request_id: int,
    data: RecordReplyBody,
    now: datetime | None = None,
) -> ServiceRequest:
    """A handler records a department's reply received offline, marked as such."""
    now = now or utcnow()
    req = get_request(session, user=user, request_id=request_id)
    require_step(session, user=user, req=req, step="record_reply")
    target = _active_dispatch(req, data.department_id)
    _answer(session, req, target, user, data.reply, now, offline=True)
    return req
