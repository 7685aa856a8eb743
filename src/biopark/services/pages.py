"""Request (诉求) pages: list, submission, detail with each role's next step, statistics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role, User
from biopark.errors import BioparkError, Conflict, Forbidden, ValidationFailed
from biopark.kit.dates import now_utc
from biopark.kit.models import utcnow
from biopark.kit.pagination import PAGE_COUNT_LIMIT
from biopark.registry import NavItem
from biopark.services import dispatching, service, sla, stats, thread, workflow
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
    MessageBody,
    PlanBody,
    RateBody,
    RecordReplyBody,
    ReplyBody,
    RequestCreate,
    RespondBody,
    WithdrawBody,
    WithdrawDispatchBody,
)
from biopark.web.flash import flash
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
        group="企业服务",
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
    "reason": "理由",
    "lead_department_id": "主办部门",
    "department_id": "部门",
    "body": "留言",
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
        "企业已撤回": "Withdrawn by the enterprise",
        "主办部门": "Lead department",
        "协办部门": "Cooperating departments",
        "主办": "Lead",
        "协办": "Cooperating",
        "（不变）": "(unchanged)",
        "替换未答复的部门（重新派发）": "Replace departments that have not replied (re-dispatch)",
        "撤回派发": "Withdraw dispatch",
        "撤回理由": "Reason for withdrawal",
        "代录部门答复": "Record the department's reply",
        "线下答复，由": "Offline reply, recorded by",
        "无账号": "no account",
        "该部门没有账号：请线下联系后代录答复，或说明理由办结。": "This department has no account: record its reply after contacting it offline, or close with a reason.",
        "理由": "Reason",
        "未收到部门答复时必须填写": "Required when no department has replied",
        "办结理由": "Reason for closing",
        "撤回诉求": "Withdraw request",
        "撤回原因": "Reason",
        "撤回后诉求不再办理。": "A withdrawn request is no longer handled.",
        "沟通记录": "Messages",
        "留言": "Message",
        "附件": "Attachments",
        "发送": "Send",
        "暂无留言": "No messages yet",
        "企业档案": "Enterprise file",
        "我的企业": "My enterprises",
        "全园区": "Whole park",
        "重新打开于": "Reopened at",
        "附件：PDF、PNG、JPEG、Word、Excel、纯文本，单个不超过": "Files: PDF, PNG, JPEG, Word, Excel, plain text; each at most",
        "已响应，开始计时": "Responded; the plan clock is running",
        "方案已保存": "Plan saved",
        "已派发至部门": "Dispatched to the departments",
        "已撤回派发": "Dispatch withdrawn",
        "答复已提交": "Reply sent",
        "已代录部门答复": "Department reply recorded",
        "诉求已办结": "Request closed",
        "评价已提交": "Rating saved",
        "评价较低，诉求已重新打开，时限重新计算": "Low rating: the request is reopened and its clocks restart",
        "诉求已撤回": "Request withdrawn",
        "留言已发送": "Message sent",
        "诉求已提交": "Request submitted",
        "专员": "Commissioner",
        "部门": "Department",
    }
)
# The categories' English lives with the other fixed lists in biopark.web.fixed_lists.


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
    scope: str = Query(default="mine", max_length=10),
    page: int = Query(default=1, ge=1),
) -> Response:
    if status and status not in STATUS_LABELS:
        status = None
    chosen: service.Scope = "park" if scope == "park" else "mine"
    result = service.list_requests(
        session,
        user=user,
        scope=chosen,
        status=status,
        category=category or None,
        escalated=True if escalated else None,
        overdue_at=utcnow() if overdue else None,
        page=page,
        size=30,
        count_up_to=PAGE_COUNT_LIMIT,
    )
    ctx = {
        **_base_ctx(user),
        "page": result,
        "status": status or "",
        "category": category or "",
        "escalated": escalated,
        "overdue": overdue,
        "scope": chosen,
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
    flash(request, "诉求已提交")
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
            for d in req.active_dispatches
            if user.role == Role.department and d.department_id == user.department_id
        ),
        None,
    )
    steps = workflow.steps_for(user.role, req.status)
    if user.role == Role.commissioner and not service.may_handle(session, user=user, req=req):
        steps = {"message"} if "message" in steps else set()
    if user.role == Role.department and own_dispatch is None:
        steps.discard("message")
    ctx = {
        **_base_ctx(user),
        "req": req,
        "enterprise": service.enterprise_names(session, ids={req.enterprise_id}).get(
            req.enterprise_id, ""
        ),
        "enterprise_url": service.enterprise_url(session, user=user, req=req),
        "history": service.history(session, req=req),
        "departments": depts,
        "dept_names": dept_names,
        "with_accounts": service.departments_with_accounts(session, park_id=req.park_id),
        "pending": {d.department_id for d in req.active_dispatches if d.replied_at is None},
        "own_dispatch": own_dispatch,
        "recorders": service.user_names(
            session, ids={d.replied_by_id for d in req.dispatches if d.offline and d.replied_by_id}
        ),
        "steps": steps,
        "can_reply": "reply" in steps
        and own_dispatch is not None
        and own_dispatch.replied_at is None,
        "can_rate": "rate" in steps,
        "max_mb": request.app.state.settings.attachment_max_mb,
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
    until = now_utc()
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
    done: str,
) -> Response:
    form = form_of(request)
    values: dict[str, Any] = {k: form.get(k) for k in schema.model_fields}
    if "department_ids" in schema.model_fields:
        values["department_ids"] = [v for v in form.getlist("department_ids") if isinstance(v, str)]
    if "replace" in schema.model_fields:
        values["replace"] = form.get("replace") == "true"
    try:
        data = parse_form(schema, values)
        # Savepoint: a refused step must not leave half-applied changes in this request's transaction.
        with session.begin_nested():
            result = call(session, user=user, request_id=request_id, data=data)
    except ValidationError as exc:
        return _detail(
            request, session, user, request_id, error_messages(exc, LABELS, lang_of(request)), 422
        )
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return _detail(request, session, user, request_id, [exc.text(lang_of(request))], exc.status)
    if getattr(result, "status", None) == RequestStatus.reopened:
        done = "评价较低，诉求已重新打开，时限重新计算"
    flash(request, done)
    return RedirectResponse(f"/requests/{request_id}", status_code=303)


STEPS: dict[str, tuple[type[BaseModel], Callable[..., Any], str]] = {
    "respond": (RespondBody, service.respond, "已响应，开始计时"),
    "plan": (PlanBody, service.make_plan, "方案已保存"),
    "dispatch": (DispatchBody, dispatching.dispatch, "已派发至部门"),
    "withdraw-dispatch": (WithdrawDispatchBody, dispatching.withdraw_dispatch, "已撤回派发"),
    "reply": (ReplyBody, dispatching.reply, "答复已提交"),
    "record-reply": (RecordReplyBody, dispatching.record_reply, "已代录部门答复"),
    "close": (CloseBody, service.close, "诉求已办结"),
    "withdraw": (WithdrawBody, service.withdraw, "诉求已撤回"),
    "rate": (RateBody, service.rate, "评价已提交"),
}


@router.post("/requests/{request_id}/messages", response_class=HTMLResponse)
def message(request: Request, request_id: int, user: CurrentUser, session: SessionDep) -> Response:
    settings = request.app.state.settings
    max_bytes = settings.attachment_max_mb * 1024 * 1024
    form = form_of(request)
    uploads = [
        thread.Upload(f.filename or "", f.file.read(max_bytes + 1))
        for f in form.getlist("files")
        if not isinstance(f, str) and f.filename
    ]
    try:
        data = parse_form(MessageBody, {"body": form.get("body")})
        with session.begin_nested():
            thread.post_message(
                session,
                user=user,
                request_id=request_id,
                data=data,
                uploads=uploads,
                var_dir=settings.var_dir,
                max_bytes=max_bytes,
            )
    except ValidationError as exc:
        errors = error_messages(exc, LABELS, lang_of(request))
        return _detail(request, session, user, request_id, errors, 422)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return _detail(request, session, user, request_id, [exc.text(lang_of(request))], exc.status)
    flash(request, "留言已发送")
    return RedirectResponse(f"/requests/{request_id}#thread", status_code=303)


@router.get("/requests/{request_id}/attachments/{attachment_id}")
def attachment(
    request: Request, request_id: int, attachment_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    att, path = thread.get_attachment(
        session,
        user=user,
        request_id=request_id,
        attachment_id=attachment_id,
        var_dir=request.app.state.settings.var_dir,
    )
    return FileResponse(path, media_type=att.content_type, filename=att.filename)


@router.post("/requests/{request_id}/{step}", response_class=HTMLResponse)
def step(
    request: Request, request_id: int, step: str, user: CurrentUser, session: SessionDep
) -> Response:
    if step not in STEPS:
        raise BioparkError("页面不存在", en="Not found", status=404)
    schema, call, done = STEPS[step]
    return _act(request, session, user, request_id, schema, call, done)
