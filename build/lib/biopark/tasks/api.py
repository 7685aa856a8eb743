"""Coordination tasks (打表推进) API."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from biopark.accounts.deps import CurrentUser, SessionDep, require_roles
from biopark.accounts.models import Role, User
from biopark.audit.schemas import AuditRead
from biopark.kit.pagination import Page
from biopark.parks.models import Park
from biopark.tasks import service
from biopark.tasks.export import task_workbook
from biopark.tasks.models import CoordTask, TaskMilestone, today_local
from biopark.tasks.schemas import (
    MilestoneCreate,
    MilestoneRead,
    ProgressCreate,
    ReportRead,
    TaskCreate,
    TaskRead,
    TaskUpdate,
)

router = APIRouter(prefix="/api/tasks", tags=["tasks"])

Manager = Annotated[User, Depends(require_roles(Role.admin, Role.leader))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("", response_model=Page[TaskRead])
def list_tasks(
    user: CurrentUser,
    session: SessionDep,
    status: str | None = Query(default=None, pattern="^(not_started|in_progress|done|overdue)$"),
    category: str | None = Query(default=None, max_length=20),
    department_id: int | None = None,
    page: int = Query(default=1, ge=1),
    size: int = Query(default=100, ge=1, le=200),
) -> Page[Any]:
    """Tasks the user may see."""
    return service.list_tasks(
        session,
        user=user,
        status=status,
        category=category,
        department_id=department_id,
        page=page,
        size=size,
    )


@router.post("", response_model=TaskRead, status_code=201)
def create_task(body: TaskCreate, user: CurrentUser, session: SessionDep) -> CoordTask:
    """Add a key task (leaders and admins)."""
    return service.create_task(session, user=user, park_id=user.park_id, data=body)


@router.get("/overdue", response_model=list[TaskRead])
def overdue(user: Manager, session: SessionDep) -> list[CoordTask]:
    """Unfinished tasks past their deadline."""
    return service.overdue_tasks(session, park_id=user.park_id, today=today_local())


@router.get("/stats")
def stats(user: Manager, session: SessionDep, today: date | None = None) -> dict[str, Any]:
    """Counts by status, category and lead department."""
    result = service.task_stats(session, park_id=user.park_id, today=today or today_local())
    return {**asdict(result), "completion_rate": result.completion_rate}


@router.get("/export.xlsx")
def export(user: CurrentUser, session: SessionDep) -> Response:
    """The key-task table in the meeting layout (the tasks the user may see)."""
    tasks = service.list_tasks(session, user=user, size=200).items
    park = session.get(Park, user.park_id)
    data = task_workbook(
        session,
        tasks=tasks,
        park_name=park.name if park else "",
        park_id=user.park_id,
        today=today_local(),
    )
    headers = {"Content-Disposition": "attachment; filename*=UTF-8''tasks.xlsx"}
    return Response(data, media_type=XLSX, headers=headers)


@router.get("/{task_id}", response_model=TaskRead)
def get_task(task_id: int, user: CurrentUser, session: SessionDep) -> CoordTask:
    """One task."""
    return service.get_task(session, user=user, task_id=task_id)


@router.put("/{task_id}", response_model=TaskRead)
def update_task(
    task_id: int, body: TaskUpdate, user: CurrentUser, session: SessionDep
) -> CoordTask:
    """Change a task (leaders and admins)."""
    return service.update_task(session, user=user, task_id=task_id, data=body)


@router.get("/{task_id}/history", response_model=list[AuditRead])
def task_history(task_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Every change of the task."""
    task = service.get_task(session, user=user, task_id=task_id)
    return service.history(session, task=task)


@router.post("/{task_id}/progress", response_model=ReportRead, status_code=201)
def report(task_id: int, body: ProgressCreate, user: CurrentUser, session: SessionDep) -> Any:
    """A progress report."""
    return service.report_progress(session, user=user, task_id=task_id, data=body)


@router.post("/{task_id}/milestones", response_model=MilestoneRead, status_code=201)
def add_milestone(
    task_id: int, body: MilestoneCreate, user: CurrentUser, session: SessionDep
) -> TaskMilestone:
    """Add a milestone."""
    return service.add_milestone(session, user=user, task_id=task_id, data=body)


@router.post("/{task_id}/milestones/{milestone_id}/done", response_model=MilestoneRead)
def milestone_done(
    task_id: int, milestone_id: int, user: CurrentUser, session: SessionDep
) -> TaskMilestone:
    """Mark a milestone reached."""
    return service.complete_milestone(
        session, user=user, task_id=task_id, milestone_id=milestone_id
    )
