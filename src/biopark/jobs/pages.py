"""Background task pages: submit an upload, then a status page that polls until done."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.errors import BioparkError
from biopark.jobs import tasks
from biopark.jobs.uploads import submit_upload, to_status_page
from biopark.web.flash import flash
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
register(
    {
        "后台任务": "Background task",
        "排队中": "Queued",
        "处理中": "Running",
        "已完成": "Done",
        "失败": "Failed",
        "进度": "Progress",
        "新增": "Created",
        "更新": "Updated",
        "文件": "File",
        "结果": "Result",
        "失败原因": "Reason",
        "逐行错误": "Errors by row",
        "返回": "Back",
        "页面每 2 秒自动刷新": "This page refreshes every 2 seconds",
        "未做任何修改": "Nothing was changed",
        "已导入": "stored",
        "重复": "duplicate",
        "无法读取": "unreadable",
        "尝试次数": "Attempts",
    }
)
STATUS_LABELS = {"queued": "排队中", "running": "处理中", "done": "已完成", "failed": "失败"}
ITEM_LABELS = {"new": "已导入", "duplicate": "重复", "failed": "无法读取"}


@router.post("/jobs/tasks", response_class=HTMLResponse)
def submit_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    kind = str(form.get("kind") or "")
    back = tasks.KINDS[kind].back_url if kind in tasks.KINDS else "/"
    files = [
        (u.filename or "", u.file.read(tasks.MAX_FILE_BYTES + 1))
        for u in form.getlist("file")
        if isinstance(u, UploadFile) and u.filename
    ]
    try:
        task = submit_upload(request, session, user=user, kind=kind, files=files)
    except BioparkError as exc:
        flash(request, exc.text(lang_of(request)), level="error")
        return RedirectResponse(back, status_code=303)
    return to_status_page(request, task)


def _ctx(request: Request, user: CurrentUser, session: SessionDep, task_id: int) -> dict:  # type: ignore[type-arg]
    task = tasks.read(tasks.get_task(session, user=user, task_id=task_id), lang=lang_of(request))
    return {"task": task, "status_labels": STATUS_LABELS, "item_labels": ITEM_LABELS}


@router.get("/jobs/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, task_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return render(request, "jobs/task.html", _ctx(request, user, session, task_id))


@router.get("/jobs/tasks/{task_id}/status", response_class=HTMLResponse)
def task_fragment(
    request: Request, task_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    return render(request, "jobs/_task_status.html", _ctx(request, user, session, task_id))
