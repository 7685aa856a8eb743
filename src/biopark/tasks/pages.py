"""Coordination task pages: the key-task table, a task with its milestones and reports."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role, User
from biopark.errors import Conflict, Forbidden, ValidationFailed
from biopark.parks.models import Department
from biopark.registry import NavItem
from biopark.tasks import service
from biopark.tasks.models import STATUS_LABELS, TASK_CATEGORIES, CoordTask, today_local
from biopark.tasks.schemas import MilestoneCreate, ProgressCreate, TaskCreate, TaskUpdate
from biopark.web.flash import flash
from biopark.web.forms import error_messages, parse_form
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "打表推进",
        "/tasks",
        frozenset({Role.admin.value, Role.leader.value, Role.department.value}),
        order=45,
        description="重点任务分解、打表与督办",
        group="管理",
    )
]
register({"重点任务分解、打表与督办": "Key tasks, progress reporting and follow-up"})

LABELS = {
    "category": "任务类别",
    "title": "重点任务",
    "description": "任务说明",
    "lead_department_id": "牵头单位",
    "partner_ids": "配合单位",
    "start_on": "开始日期",
    "deadline": "完成时限",
    "progress": "进度",
    "content": "推进情况",
    "due_on": "计划日期",
    "drop_reason": "进度回退原因",
}

register(
    {
        "打表推进": "Key tasks",
        "重点任务": "Key task",
        "任务类别": "Category",
        "任务说明": "Description",
        "牵头单位": "Lead department",
        "配合单位": "Cooperating departments",
        "开始日期": "Start",
        "完成时限": "Deadline",
        "节点安排": "Milestones",
        "推进情况": "Progress report",
        "进度": "Progress",
        "未开始": "Not started",
        "推进中": "In progress",
        "逾期": "Overdue",
        "新建任务": "New task",
        "导出表格": "Export .xlsx",
        "逾期提醒": "Overdue alert",
        "项任务已逾期": "tasks are overdue",
        "报送进度": "Report progress",
        "添加节点": "Add milestone",
        "计划日期": "Due",
        "标记完成": "Mark done",
        "完成于": "Done on",
        "进度报送": "Progress reports",
        "报送人": "Reported by",
        "全部单位": "All departments",
        "任务": "Task",
        "变更记录": "Change history",
        "以牵头单位报送为准": "the lead department's latest figure",
        "各单位进度": "Progress by department",
        "牵头": "lead",
        "进度回退原因": "Reason for the drop",
        "比本单位上次报送低 20 个百分点以上时必填": "Required when 20+ points below your department's previous figure",
        "任务已创建": "Task created",
        "任务已保存": "Task saved",
        "进度已报送": "Progress reported",
        "节点已添加": "Milestone added",
        "节点已完成": "Milestone done",
    }
)


def _names(session: Session, park_id: int) -> dict[int, str]:
    return {
        d.id: d.short_name or d.name
        for d in session.scalars(
            select(Department).where(Department.park_id == park_id).order_by(Department.id)
        )
    }


@router.get("/tasks", response_class=HTMLResponse)
def list_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    status: str | None = Query(default=None, max_length=20),
    category: str | None = Query(default=None, max_length=20),
    department_id: int | None = Query(default=None),
) -> Response:
    if status not in STATUS_LABELS:
        status = None
    today = today_local()
    result = service.list_tasks(
        session,
        user=user,
        status=status,
        category=category or None,
        department_id=department_id,
        today=today,
        size=200,
    )
    overdue = service.list_tasks(session, user=user, status="overdue", today=today, size=1).total
    ctx = {
        "tasks": result.items,
        "total": result.total,
        "overdue_count": overdue,
        "today": today,
        "status": status or "",
        "category": category or "",
        "department_id": department_id,
        "status_labels": STATUS_LABELS,
        "categories": TASK_CATEGORIES,
        "names": _names(session, user.park_id),
        "can_manage": user.role in service.MANAGERS,
    }
    return render(request, "tasks/list.html", ctx)


def _form(
    request: Request,
    session: Session,
    user: User,
    task: CoordTask | None,
    values: dict[str, Any],
    errors: list[str],
    status: int = 200,
) -> Response:
    ctx = {
        "task": task,
        "values": values,
        "errors": errors,
        "categories": TASK_CATEGORIES,
        "names": _names(session, user.park_id),
    }
    return render(request, "tasks/form.html", ctx, status)


def _values(request: Request) -> dict[str, Any]:
    form = form_of(request)
    values: dict[str, Any] = {
        k: form.get(k)
        for k in ("category", "title", "description", "lead_department_id", "start_on", "deadline")
    }
    values["partner_ids"] = [v for v in form.getlist("partner_ids") if isinstance(v, str)]
    return values


def _manager(user: User) -> None:
    if user.role not in service.MANAGERS:
        raise Forbidden()


@router.get("/tasks/new", response_class=HTMLResponse)
def new_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    _manager(user)
    return _form(request, session, user, None, {"partner_ids": []}, [])


@router.post("/tasks/new", response_class=HTMLResponse)
def create(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    _manager(user)
    values = _values(request)
    try:
        data = parse_form(TaskCreate, values)
        with session.begin_nested():
            task = service.create_task(session, user=user, park_id=user.park_id, data=data)
    except ValidationError as exc:
        errors = error_messages(exc, LABELS, lang_of(request))
        return _form(request, session, user, None, values, errors, 422)
    except (Conflict, ValidationFailed) as exc:
        return _form(request, session, user, None, values, [exc.text(lang_of(request))], 422)
    flash(request, "任务已创建")
    return RedirectResponse(f"/tasks/{task.id}", status_code=303)


@router.get("/tasks/{task_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, task_id: int, user: CurrentUser, session: SessionDep) -> Response:
    task = service.get_task(session, user=user, task_id=task_id)
    _manager(user)
    values = {k: getattr(task, k) for k in LABELS if hasattr(task, k)}
    return _form(request, session, user, task, values, [])


@router.post("/tasks/{task_id}/edit", response_class=HTMLResponse)
def update(request: Request, task_id: int, user: CurrentUser, session: SessionDep) -> Response:
    task = service.get_task(session, user=user, task_id=task_id)
    _manager(user)
    values = _values(request)
    try:
        data = parse_form(TaskUpdate, values)
        with session.begin_nested():
            service.update_task(session, user=user, task_id=task_id, data=data)
    except ValidationError as exc:
        errors = error_messages(exc, LABELS, lang_of(request))
        return _form(request, session, user, task, values, errors, 422)
    except (Conflict, ValidationFailed) as exc:
        return _form(request, session, user, task, values, [exc.text(lang_of(request))], 422)
    flash(request, "任务已保存")
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


def _detail(
    request: Request,
    session: Session,
    user: User,
    task_id: int,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    task = service.get_task(session, user=user, task_id=task_id)
    steer = user.role in service.MANAGERS or (
        user.role == Role.department and user.department_id == task.lead_department_id
    )
    ctx = {
        "task": task,
        "state": task.status_on(today_local()),
        "status_labels": STATUS_LABELS,
        "names": _names(session, task.park_id),
        "history": service.history(session, task=task),
        "figures": service.department_figures(task),
        "can_steer": steer,
        "can_report": task.status.value != "done",
        "can_manage": user.role in service.MANAGERS,
        "errors": errors or [],
    }
    return render(request, "tasks/detail.html", ctx, status)


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def detail_page(request: Request, task_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return _detail(request, session, user, task_id)


@router.post("/tasks/{task_id}/progress", response_class=HTMLResponse)
def progress(request: Request, task_id: int, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    values = {k: form.get(k) for k in ("progress", "content", "drop_reason")}
    try:
        data = parse_form(ProgressCreate, values)
        with session.begin_nested():
            service.report_progress(session, user=user, task_id=task_id, data=data)
    except ValidationError as exc:
        errors = error_messages(exc, LABELS, lang_of(request))
        return _detail(request, session, user, task_id, errors, 422)
    except (Conflict, ValidationFailed) as exc:
        return _detail(request, session, user, task_id, [exc.text(lang_of(request))], exc.status)
    flash(request, "进度已报送")
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


@router.post("/tasks/{task_id}/milestones", response_class=HTMLResponse)
def milestone(request: Request, task_id: int, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    values = {"title": form.get("title"), "due_on": form.get("due_on")}
    try:
        data = parse_form(MilestoneCreate, values)
        service.add_milestone(session, user=user, task_id=task_id, data=data)
    except ValidationError as exc:
        errors = error_messages(exc, LABELS, lang_of(request))
        return _detail(request, session, user, task_id, errors, 422)
    flash(request, "节点已添加")
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


@router.post("/tasks/{task_id}/milestones/{milestone_id}/done", response_class=HTMLResponse)
def milestone_done(
    request: Request, task_id: int, milestone_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    try:
        with session.begin_nested():
            service.complete_milestone(
                session, user=user, task_id=task_id, milestone_id=milestone_id
            )
    except Conflict as exc:
        return _detail(request, session, user, task_id, [exc.text(lang_of(request))], 409)
    flash(request, "节点已完成")
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)
