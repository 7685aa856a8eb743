"""Request (诉求) pages: list, submission, detail with each role's next step, statistics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role, User
from biopark.errors import BioparkError, Conflict, Forbidden, ValidationFailed
from biopark.kit.models import utcnow
from biopark.registry import NavItem
from biopark.services import service, sla, stats
from biopark.services.models import (
    CATEGORIES,
    CLOCK_LABELS,
    CLOCKS,
    STATUS_LABELS,
    RequestStatus,
)
from biopark.services.schemas import (
    CloseBody,
    DispatchBody,
    PlanBody,
    RateBody,
    ReplyBody,
    RequestCreate,
    RespondBody,
)
from biopark.web.forms import error_messages, parse_form
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

READERS = {Role.admin, Role.leader, Role.commissioner, Role.department, Role.enterprise}
NAV = [
    NavItem(
        "诉求办理",
        "/requests",
        frozenset(r.value for r in READERS),
        order=40,
        description="企业诉求受理、分派与办理",
    )
]
register({"企业诉求受理、分派与办理": "Enterprise requests: intake, dispatch, handling, feedback"})

LABELS = {
    "category": "类别",
    "title": "标题",
    "content": "诉求内容",
    "contact": "联系人及电话",
    "enterprise_id": "企业",
    "note": "响应意见",
    "plan": "办理方案",
    "department_ids": "派发部门",
    "reply": "答复意见",
    "resolution": "办结情况",
    "satisfaction": "满意度",
    "comment": "评价意见",
}

register(
    {
        "诉求办理": "Requests",
        "诉求": "Request",
        "提交诉求": "Submit a request",
        "代企业提交": "File for an enterprise",
        "类别": "Category",
        "标题": "Title",
        "诉求内容": "Request",
        "联系人及电话": "Contact",
        "状态": "Status",
        "提交时间": "Submitted",
        "响应时限": "Respond by",
        "方案时限": "Plan by",
        "办结时限": "Close by",
        "答复时限": "Reply by",
        "已升级": "Escalated",
        "超时": "Overdue",
        "按时": "On time",
        "待响应": "Awaiting response",
        "已响应": "Responded",
        "已制定方案": "Planned",
        "已派发": "Dispatched",
        "部门已答复": "Replied",
        "已办结": "Closed",
        "已评价": "Rated",
        "已重新打开": "Reopened",
        "响应": "Respond",
        "方案": "Plan",
        "办结": "Close",
        "部门答复": "Department reply",
        "响应意见": "Response",
        "办理方案": "Plan",
        "派发部门": "Dispatch to",
        "派发": "Dispatch",
        "答复意见": "Reply",
        "提交答复": "Send reply",
        "办结情况": "Resolution",
        "满意度": "Satisfaction",
        "评价意见": "Comment",
        "提交评价": "Submit rating",
        "1–2 分将重新打开诉求": "A score of 1–2 reopens the request",
        "时限": "Clocks",
        "派发情况": "Dispatches",
        "办理记录": "History",
        "统计": "Statistics",
        "按类别": "By category",
        "按部门": "By department",
        "按时率": "On-time rate",
        "满意度均分": "Average satisfaction",
        "总数": "Total",
        "已完成": "Done",
        "已评价数": "Rated",
        "合计": "Total",
        "时限设置": "SLA settings",
        "响应（分钟）": "Respond (minutes)",
        "方案（工作小时）": "Plan (working hours)",
        "办结（工作日）": "Close (working days)",
        "部门答复（工作日）": "Reply (working days)",
        "仅看已升级": "Escalated only",
        "仅看逾期": "Overdue only",
        "全部状态": "All statuses",
        "全部类别": "All categories",
        "企业": "Enterprise",
        "筛选": "Filter",
        "近": "Last",
        "天": "days",
        "工作时间：中国法定工作日（含调休上班日）09:00–18:00": "Working time: official working days in China (incl. make-up days), 09:00–18:00",
        "代提交": "Filed on behalf",
        "下一步": "Next step",
        "提交": "Submit",
    }
)
for _label in CATEGORIES:
    register({_label: _label})


def _base_ctx(user: User) -> dict[str, Any]:
    return {
        "status_labels": {k.value: v for k, v in STATUS_LABELS.items()},
        "clock_labels": CLOCK_LABELS,
        "categories": CATEGORIES,
        "now": utcnow(),
        "is_handler": user.role in service.HANDLERS,
    }


@router.get("/requests", response_class=HTMLResponse)
def list_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    status: str | None = Query(default=None, max_length=20),
    category: str | None = Query(default=None, max_length=20),
    escalated: bool = False,
    overdue: bool = False,
    page: int = Query(default=1, ge=1),
) -> Response:
    if status and status not in STATUS_LABELS:
        status = None
    result = service.list_requests(
        session,
        user=user,
        status=status,
        category=category or None,
        escalated=True if escalated else None,
        overdue_at=utcnow() if overdue else None,
        page=page,
        size=30,
    )
    ctx = {
        **_base_ctx(user),
        "page": result,
        "status": status or "",
        "category": category or "",
        "escalated": escalated,
        "overdue": overdue,
        "can_submit": user.role in service.HANDLERS or user.role == Role.enterprise,
        "names": service.enterprise_names(session, ids={r.enterprise_id for r in result.items}),
    }
    return render(request, "services/list.html", ctx)


def _form(
    request: Request,
    session: Session,
    user: User,
    values: dict[str, Any],
    errors: list[str],
    status: int = 200,
) -> Response:
    ctx = {
        **_base_ctx(user),
        "values": values,
        "errors": errors,
        "enterprises": service.enterprise_choices(session, user=user),
    }
    return render(request, "services/form.html", ctx, status)


@router.get("/requests/new", response_class=HTMLResponse)
def new_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    service.visible(user)
    return _form(request, session, user, {}, [])


@router.post("/requests/new", response_class=HTMLResponse)
def submit(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    values: dict[str, Any] = {
        k: form.get(k) for k in ("category", "title", "content", "contact", "enterprise_id")
    }
    try:
        data = parse_form(RequestCreate, values)
        req = service.submit_request(session, user=user, data=data)
    except ValidationError as exc:
        return _form(
            request, session, user, values, error_messages(exc, LABELS, lang_of(request)), 422
        )
    except (ValidationFailed, Conflict) as exc:
        return _form(request, session, user, values, [exc.text(lang_of(request))], 422)
    return RedirectResponse(f"/requests/{req.id}", status_code=303)


def _detail(
    request: Request,
    session: Session,
    user: User,
    request_id: int,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    req = service.get_request(session, user=user, request_id=request_id)
    depts = service.department_choices(session, park_id=req.park_id)
    dept_names = {d.id: d.short_name or d.name for d in depts}
    own_dispatch = next(
        (
            d
            for d in req.dispatches
            if user.role == Role.department and d.department_id == user.department_id
        ),
        None,
    )
    ctx = {
        **_base_ctx(user),
        "req": req,
        "enterprise": service.enterprise_names(session, ids={req.enterprise_id}).get(
            req.enterprise_id, ""
        ),
        "history": service.history(session, req=req),
        "departments": depts,
        "dept_names": dept_names,
        "dispatched": {d.department_id for d in req.dispatches if d.replied_at is None},
        "own_dispatch": own_dispatch,
        "can_reply": own_dispatch is not None and own_dispatch.replied_at is None,
        "can_rate": user.role == Role.enterprise and req.status == RequestStatus.closed,
        "errors": errors or [],
        "clocks": [
            (CLOCK_LABELS[name], getattr(req, due), getattr(req, done), getattr(req, esc))
            for name, (due, done, esc) in CLOCKS.items()
        ],
    }
    return render(request, "services/detail.html", ctx, status)


@router.get("/requests/stats", response_class=HTMLResponse)
def stats_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    days: int = Query(default=365, ge=1, le=3660),
) -> Response:
    if user.role not in service.HANDLERS:
        raise Forbidden()
    until = datetime.now(UTC)
    result = stats.sla_stats(
        session, park_id=user.park_id, since=until - timedelta(days=days), until=until
    )
    ctx = {"stats": result, "days": days, "sla": sla.list_sla(session, park_id=user.park_id)}
    return render(request, "services/stats.html", ctx)


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def detail_page(
    request: Request, request_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    return _detail(request, session, user, request_id)


def _act(
    request: Request,
    session: Session,
    user: User,
    request_id: int,
    schema: type[BaseModel],
    call: Callable[..., Any],
) -> Response:
    form = form_of(request)
    values: dict[str, Any] = {k: form.get(k) for k in schema.model_fields}
    if "department_ids" in schema.model_fields:
        values["department_ids"] = [v for v in form.getlist("department_ids") if isinstance(v, str)]
    try:
        data = parse_form(schema, values)
        # Savepoint: a refused step must not leave half-applied changes in this request's transaction.
        with session.begin_nested():
            call(session, user=user, request_id=request_id, data=data)
    except ValidationError as exc:
        return _detail(
            request, session, user, request_id, error_messages(exc, LABELS, lang_of(request)), 422
        )
    except (ValidationFailed, Conflict) as exc:
        return _detail(request, session, user, request_id, [exc.text(lang_of(request))], exc.status)
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


STEPS: dict[str, tuple[type[BaseModel], Callable[..., Any]]] = {
    "respond": (RespondBody, service.respond),
    "plan": (PlanBody, service.make_plan),
    "dispatch": (DispatchBody, service.dispatch),
    "reply": (ReplyBody, service.reply),
    "close": (CloseBody, service.close),
    "rate": (RateBody, service.rate),
}


@router.post("/requests/{request_id}/{step}", response_class=HTMLResponse)
def step(
    request: Request, request_id: int, step: str, user: CurrentUser, session: SessionDep
) -> Response:
    if step not in STEPS:
        raise BioparkError("页面不存在", en="Not found", status=404)
    schema, call = STEPS[step]
    return _act(request, session, user, request_id, schema, call)
