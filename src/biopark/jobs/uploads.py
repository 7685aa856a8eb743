"""Web glue for uploads processed as background tasks: submit, start, answer 202."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.jobs import tasks
from biopark.jobs.models import BackgroundTask
from biopark.web.flash import flash
from biopark.web.i18n import register

register({"文件已上传，正在后台处理": "File uploaded; it is being processed in the background"})


def submit_upload(
    request: Request, session: Session, *, user: User, kind: str, files: list[tuple[str, bytes]]
) -> BackgroundTask:
    """Store the upload as a task and start it: inline (BIOPARK_JOBS_INLINE) or on the queue."""
    settings = request.app.state.settings
    task = tasks.submit(session, user=user, kind=kind, files=files, var_dir=settings.var_dir)
    if settings.jobs_inline:
        tasks.run_inline(session, task=task)
    else:
        from biopark.jobs import queue

        # The worker waits for this request's commit before it claims the record.
        queue.enqueue_task(task.id)
    return task


def accepted(task: BackgroundTask) -> JSONResponse:
    """202 with where to poll."""
    return JSONResponse(
        {"task_id": task.id, "status_url": f"/api/jobs/tasks/{task.id}"}, status_code=202
    )


def to_status_page(request: Request, task: BackgroundTask) -> RedirectResponse:
    """Flash and redirect a page upload to its task's status page."""
    flash(request, "文件已上传，正在后台处理")
    return RedirectResponse(f"/jobs/tasks/{task.id}", status_code=303)
