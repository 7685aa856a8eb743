"""Background task API: submit an upload (202), then poll its status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.jobs import tasks
from biopark.web.templating import lang_of

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


def start(request: Request, session: Any, task: Any) -> None:
    """Run the task now (inline setting) or hand it to a worker."""
    if request.app.state.settings.jobs_inline:
        tasks.run_inline(session, task=task)
        return
    from biopark.jobs import queue

    # The worker waits for this request's commit before it claims the record.
    queue.enqueue_task(task.id)


@router.post("/tasks", status_code=202)
def submit_task(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    kind: str = Form(..., max_length=40),
    file: list[UploadFile] = File(...),
) -> JSONResponse:
    """Store an upload (one file; several for intel_batch) and process it in the background."""
    files = [(f.filename or "", f.file.read(tasks.MAX_FILE_BYTES + 1)) for f in file]
    task = tasks.submit(
        session, user=user, kind=kind, files=files, var_dir=request.app.state.settings.var_dir
    )
    start(request, session, task)
    return JSONResponse(
        {"task_id": task.id, "status_url": f"/api/jobs/tasks/{task.id}"}, status_code=202
    )


@router.get("/tasks/{task_id}")
def task_status(
    request: Request, task_id: int, user: CurrentUser, session: SessionDep
) -> dict[str, Any]:
    """The task's status, progress and result (or failure reason)."""
    return tasks.read(tasks.get_task(session, user=user, task_id=task_id), lang=lang_of(request))
