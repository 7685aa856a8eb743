"""人才科创 pages: the talent service catalogue, applications with their clocks, and events."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role, User
from biopark.enterprises.models import Enterprise
from biopark.errors import BioparkError, Conflict, Forbidden, NotFound, ValidationFailed
from biopark.finance.service import describe_conditions, enterprise_names
from biopark.kit.dates import SHANGHAI
from biopark.kit.models import utcnow
from biopark.policies import rules
from biopark.registry import NavItem
from biopark.talent import service
from biopark.talent.models import (
    APP_STATUS_LABELS,
    EDUCATION,
    EVENT_KINDS,
    SERVICE_KINDS,
    TalentService,
)
from biopark.talent.schemas import (
    ApplicationCreate,
    DecisionBody,
    EventCreate,
    RegistrationCreate,
    ServiceCreate,
    ServiceUpdate,
)
from biopark.web.flash import flash
from biopark.web.forms import error_messages, parse_form
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "人才科创",
        "/talent",
        frozenset(r.value for r in service.READERS),
        order=45,
        description="人才认定、安居与子女入学等服务的申办，人才活动报名",
        group="企业服务",
    ),
]
EVENT_FIELDS = {
    "title": "标题",
    "kind": "活动类型",
    "starts_at": "开始时间",
    "location": "地点",
    "capacity": "名额",
}
SERVICE_FIELDS = {
    "name": "服务名称",
    "kind": "服务类型",
    "provider": "受理部门",
    "summary": "说明",
    "conditions": "申请条件",
}
ACTIVE_STATES = {"retire": (False, "人才服务已停用"), "reactivate": (True, "人才服务已重新启用")}
LABELS = {
    "applicant_name": "申请人",
    "applicant_title": "职务",
    "education": "学历",
    "phone": "联系电话",
    "note": "备注",
    "attendee_name": "参加人",
}

register(
    {
        "人才科创": "Talent services",
        "人才认定、安居与子女入学等服务的申办，人才活动报名": "Apply for talent recognition, housing, schooling; sign up for talent events",
        "人才服务": "Talent services",
        "人才服务申请": "Talent applications",
        "人才活动": "Talent events",
        "申请": "Apply",
        "申请人": "Applicant",
        "职务": "Position",
        "学历": "Education",
        "联系电话": "Phone",
        "受理部门": "Handled by",
        "服务": "Service",
        "提交申请": "Submit application",
        "企业信息（取自一企一档）": "Enterprise details (from the enterprise file)",
        "统一社会信用代码": "Unified social credit code",
        "联系人": "Contact",
        "受理时限": "Acceptance due",
        "办结时限": "Decision due",
        "受理": "Accept",
        "通过": "Approve",
        "不予通过": "Reject",
        "撤回申请": "Withdraw application",
        "申请已提交": "Application submitted",
        "已受理": "Accepted",
        "已通过": "Approved",
        "未通过": "Rejected",
        "待受理": "Awaiting acceptance",
        "申请已撤回": "Application withdrawn",
        "已报名": "Registered",
        "报名": "Register",
        "参加人": "Attendee",
        "名额": "Places",
        "地点": "Location",
        "开始时间": "Starts",
        "已结束": "Past",
        "报名名单": "Registrations",
        "人才认定": "Talent recognition",
        "住房补贴": "Housing subsidy",
        "子女入学": "Children's schooling",
        "就医保障": "Medical care",
        "创业扶持": "Start-up support",
        "博士": "Doctorate",
        "硕士": "Master's",
        "本科": "Bachelor's",
        "其他": "Other",
        "招聘会": "Job fair",
        "路演": "Roadshow",
        "沙龙": "Salon",
        "培训": "Training",
        "我的报名": "My registrations",
        "活动类型": "Event type",
        "发布人才活动": "Publish a talent event",
        "人才活动已发布": "Talent event published",
        "工作时间：中国法定工作日（含调休上班日）09:00–18:00": "Working time: Chinese working days 09:00–18:00",
        "服务名称": "Service name",
        "服务类型": "Service type",
        "新增人才服务": "Add a talent service",
        "编辑人才服务": "Edit talent service",
        "人才服务已添加": "Talent service added",
        "人才服务已更新": "Talent service updated",
        "人才服务已停用": "Talent service retired",
        "人才服务已重新启用": "Talent service reactivated",
        "停用服务": "Retire",
        "重新启用": "Reactivate",
        "取消": "Cancel",
        "停用后不再受理新申请；在办的申请照常办理": "A retired service takes no new applications; open ones go on",
    }
)


@router.get("/talent", response_class=HTMLResponse)
def catalogue(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    return _catalogue(request, session, user, [])


def _catalogue(
    request: Request,
    session: Session,
    user: User,
    errors: list[str],
    code: int = 200,
    values: dict[str, Any] | None = None,
    service_values: dict[str, Any] | None = None,
) -> Response:
    services = service.list_services(session, user=user)
    verdicts: dict[int, Any] = {}
    if user.role == Role.enterprise and user.enterprise_id:
        ent = session.get(Enterprise, user.enterprise_id)
        if ent is not None:
            verdicts = {s.id: service.eligibility(session, ent=ent, svc=s) for s in services}
    events = service.list_events(session, user=user)
    ctx = {
        "services": services,
        "conditions": {s.id: describe_conditions(s.conditions, lang_of(request)) for s in services},
        "verdicts": verdicts,
        "verdict_labels": {k.value: v for k, v in rules.VERDICT_LABELS.items()},
        "kinds": SERVICE_KINDS,
        "events": events,
        "taken": service.taken(session, event_ids=[e.id for e in events]),
        "now": utcnow(),
        "is_enterprise": user.role == Role.enterprise,
        "can_edit": user.role in service.EDITORS,
        "event_kinds": EVENT_KINDS,
        "values": values or {},
        "service_values": service_values or {"kind": "recognition", "conditions": '{"all": []}'},
        "errors": errors,
    }
    return render(request, "talent/catalogue.html", ctx, code)


def _apply_form(
    request: Request,
    session: Session,
    user: User,
    service_id: int,
    values: dict[str, Any],
    errors: list[str],
    code: int = 200,
) -> Response:
    filled = service.prefill(session, user=user, service_id=service_id)
    svc = service.get_service(session, user=user, service_id=service_id)
    ctx = {
        "svc": svc,
        "filled": filled,
        "values": values or filled,
        "education": EDUCATION,
        "kinds": SERVICE_KINDS,
        "verdict_labels": {k.value: v for k, v in rules.VERDICT_LABELS.items()},
        "errors": errors,
    }
    return render(request, "talent/apply.html", ctx, code)


@router.get("/talent/apply/{service_id}", response_class=HTMLResponse)
def apply_page(
    request: Request, service_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    return _apply_form(request, session, user, service_id, {}, [])


@router.post("/talent/apply/{service_id}", response_class=HTMLResponse)
def apply(request: Request, service_id: int, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    raw: dict[str, Any] = {k: form.get(k) for k in LABELS if k != "attendee_name"}
    try:
        data = parse_form(ApplicationCreate, {**raw, "service_id": service_id})
        app = service.submit_application(session, user=user, data=data)
    except ValidationError as exc:
        errors = error_messages(exc, LABELS, lang_of(request))
        return _apply_form(request, session, user, service_id, raw, errors, 422)
    except (ValidationFailed, Conflict) as exc:
        errors = [exc.text(lang_of(request))]
        try:
            return _apply_form(request, session, user, service_id, raw, errors, exc.status)
        except NotFound:
            # A retired service has no form to show again: say why on the catalogue.
            return _catalogue(request, session, user, errors, exc.status)
    flash(request, "申请已提交")
    return RedirectResponse(f"/talent/applications/{app.id}", status_code=303)


@router.get("/talent/applications", response_class=HTMLResponse)
def applications_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    status: str | None = Query(default=None, max_length=20),
    page: int = Query(default=1, ge=1),
) -> Response:
    result = service.list_applications(
        session, user=user, status=status or None, page=page, size=30
    )
    names = service.service_names(
        session, park_id=user.park_id, ids={a.service_id for a in result.items}
    )
    now = utcnow()
    ctx = {
        "page": result,
        "status": status or "",
        "status_labels": {k.value: v for k, v in APP_STATUS_LABELS.items()},
        "names": enterprise_names(session, {a.enterprise_id for a in result.items}),
        "services": names,
        "late": {a.id: service.overdue(a, now) for a in result.items},
    }
    return render(request, "talent/applications.html", ctx)


def _detail(
    request: Request,
    session: Session,
    user: User,
    application_id: int,
    errors: list[str] | None = None,
    code: int = 200,
) -> Response:
    app = service.get_application(session, user=user, application_id=application_id)
    svc = session.get(TalentService, app.service_id)
    ctx = {
        "app": app,
        "svc": svc,
        "steps": service.steps_for(user.role, app.status),
        "status_labels": {k.value: v for k, v in APP_STATUS_LABELS.items()},
        "late": service.overdue(app, utcnow()),
        "history": service.history(session, app=app),
        "errors": errors or [],
    }
    return render(request, "talent/application.html", ctx, code)


@router.get("/talent/applications/{application_id}", response_class=HTMLResponse)
def application_page(
    request: Request, application_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    return _detail(request, session, user, application_id)


DONE = {"accept": "已受理", "approve": "已通过", "reject": "未通过", "withdraw": "申请已撤回"}


@router.post("/talent/applications/{application_id}/{step}", response_class=HTMLResponse)
def application_step(
    request: Request, application_id: int, step: str, user: CurrentUser, session: SessionDep
) -> Response:
    if step not in service.STEPS:
        raise BioparkError("未知操作", en="Unknown action", status=404)
    form = form_of(request)
    try:
        data = parse_form(DecisionBody, {"note": form.get("note")})
        with session.begin_nested():
            service.act(session, user=user, application_id=application_id, step=step, data=data)
    except ValidationError as exc:
        errors = error_messages(exc, LABELS, lang_of(request))
        return _detail(request, session, user, application_id, errors, 422)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return _detail(
            request, session, user, application_id, [exc.text(lang_of(request))], exc.status
        )
    flash(request, DONE[step])
    return RedirectResponse(f"/talent/applications/{application_id}", status_code=303)


@router.get("/talent/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: int, user: CurrentUser, session: SessionDep) -> Response:
    event = service.get_event(session, user=user, event_id=event_id)
    regs = service.registrations(session, user=user, event_id=event.id)
    ctx = {
        "event": event,
        "regs": regs,
        "names": enterprise_names(session, {r.enterprise_id for r in regs}),
        "taken": service.taken(session, event_ids=[event.id]).get(event.id, 0),
    }
    return render(request, "talent/event.html", ctx)


@router.post("/talent/events/{event_id}/register", response_class=HTMLResponse)
def register_page(
    request: Request, event_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    form = form_of(request)
    raw = {"attendee_name": form.get("attendee_name"), "phone": form.get("phone")}
    try:
        data = parse_form(RegistrationCreate, raw)
        service.register(session, user=user, event_id=event_id, data=data)
    except ValidationError as exc:
        return _catalogue(
            request, session, user, error_messages(exc, LABELS, lang_of(request)), 422
        )
    except (ValidationFailed, Conflict) as exc:
        return _catalogue(request, session, user, [exc.text(lang_of(request))], exc.status)
    flash(request, "已报名")
    return RedirectResponse(f"/talent/events/{event_id}", status_code=303)


@router.post("/talent/events", response_class=HTMLResponse)
def add_event(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    if user.role not in service.EDITORS:
        raise Forbidden()
    form = form_of(request)
    raw: dict[str, Any] = {k: form.get(k) for k in EVENT_FIELDS}
    values = dict(raw)
    errors: list[str] = []
    try:
        local = datetime.fromisoformat(str(raw.get("starts_at") or ""))
        values["starts_at"] = local.replace(tzinfo=SHANGHAI) if local.tzinfo is None else local
    except ValueError:
        errors.append("开始时间：格式应为 YYYY-MM-DDTHH:MM")
    if not errors:
        try:
            data = parse_form(EventCreate, values)
            if data.starts_at <= utcnow():
                raise ValidationFailed(
                    "开始时间须晚于现在", en="The event must start in the future"
                )
            service.create_event(session, park_id=user.park_id, actor=user, data=data)
        except ValidationError as exc:
            errors = error_messages(exc, EVENT_FIELDS, lang_of(request))
        except ValidationFailed as exc:
            errors = [exc.text(lang_of(request))]
    if errors:
        return _catalogue(request, session, user, errors, 422, raw)
    flash(request, "人才活动已发布")
    return RedirectResponse("/talent#events", status_code=303)


def _service_form(request: Request) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The typed service form (to show again), its parsed values and the errors found so far."""
    form = form_of(request)
    raw: dict[str, Any] = {k: form.get(k) for k in SERVICE_FIELDS}
    values, errors = dict(raw), []
    try:
        values["conditions"] = json.loads(str(raw.get("conditions") or "").strip() or "{}")
    except ValueError:
        errors.append("申请条件：不是有效的 JSON")
    values["summary"] = str(raw.get("summary") or "")
    return raw, values, errors


def _check_editor(user: User) -> None:
    if user.role not in service.EDITORS:
        raise Forbidden("无权修改人才服务", en="You may not change talent services")


@router.post("/talent/services", response_class=HTMLResponse)
def add_service(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    _check_editor(user)
    raw, values, errors = _service_form(request)
    if not errors:
        try:
            data = ServiceCreate.model_validate(values)
            service.create_service(session, park_id=user.park_id, actor=user, data=data)
        except ValidationError as exc:
            errors = error_messages(exc, SERVICE_FIELDS, lang_of(request))
        except (ValidationFailed, Conflict) as exc:
            errors = [exc.text(lang_of(request))]
    if errors:
        return _catalogue(request, session, user, errors, 422, service_values=raw)
    flash(request, "人才服务已添加")
    return RedirectResponse("/talent#services", status_code=303)


def _edit_form(
    request: Request,
    session: Session,
    user: User,
    service_id: int,
    values: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    code: int = 200,
) -> Response:
    _check_editor(user)
    svc = service.get_service(session, user=user, service_id=service_id)
    if values is None:
        values = {k: getattr(svc, k) for k in SERVICE_FIELDS}
        values["conditions"] = json.dumps(svc.conditions, ensure_ascii=False)
    ctx = {"svc": svc, "kinds": SERVICE_KINDS, "values": values, "errors": errors or []}
    return render(request, "talent/service_edit.html", ctx, code)


@router.get("/talent/services/{service_id}/edit", response_class=HTMLResponse)
def edit_service_page(
    request: Request, service_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    return _edit_form(request, session, user, service_id)


@router.post("/talent/services/{service_id}/edit", response_class=HTMLResponse)
def edit_service(
    request: Request, service_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    _check_editor(user)
    raw, values, errors = _service_form(request)
    if not errors:
        try:
            data = ServiceUpdate.model_validate(values)
            service.update_service(session, user=user, service_id=service_id, data=data)
        except ValidationError as exc:
            errors = error_messages(exc, SERVICE_FIELDS, lang_of(request))
        except (ValidationFailed, Conflict) as exc:
            errors = [exc.text(lang_of(request))]
    if errors:
        return _edit_form(request, session, user, service_id, raw, errors, 422)
    flash(request, "人才服务已更新")
    return RedirectResponse("/talent#services", status_code=303)


@router.post("/talent/services/{service_id}/{state}", response_class=HTMLResponse)
def service_state(
    request: Request, service_id: int, state: str, user: CurrentUser, session: SessionDep
) -> Response:
    if state not in ACTIVE_STATES:
        raise BioparkError("未知操作", en="Unknown action", status=404)
    active, done = ACTIVE_STATES[state]
    service.set_service_active(session, user=user, service_id=service_id, active=active)
    flash(request, done)
    return RedirectResponse("/talent#services", status_code=303)
