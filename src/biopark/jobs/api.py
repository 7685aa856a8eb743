"""Background task API: submit an upload (202), then poll its status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.jobs import tasks
from biopark.jobs.uploads import accepted, submit_upload
from biopark.web.templating import lang_of

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


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
    return accepted(submit_upload(request, session, user=user, kind=kind, files=files))


@router.get("/tasks/{task_id}")
def task_status(
    request: Request, task_id: int, user: CurrentUser, session: SessionDep
) -> dict[str, Any]:
    """The task's status, progress and result (or failure reason)."""
    return tasks.read(tasks.get_task(session, user=user, task_id=task_id), lang=lang_of(request))
