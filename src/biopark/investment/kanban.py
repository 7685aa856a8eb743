"""The project kanban: a column per stage; a drop runs the same stage rules as the API."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import User
from biopark.errors import BioparkError
from biopark.investment import i18n, service, stages
from biopark.investment.models import Project, Stage
from biopark.investment.schemas import StageChangeCreate
from biopark.web.flash import flash
from biopark.web.forms import error_messages
from biopark.web.posted import json_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
PER_COLUMN = 60


def board(session: Session, *, user: User, per_column: int = PER_COLUMN) -> list[dict[str, Any]]:
    """Each stage with its project count and its most urgent projects (by due date)."""
    service.check_access(user)
    counts = dict(
        session.execute(
            select(Project.stage, func.count(Project.id))
            .where(Project.park_id == user.park_id)
            .group_by(Project.stage)
        ).all()
    )
    columns = []
    for stage in Stage:
        projects = list(
            session.scalars(
                service.project_query(user, service.ProjectFilter(stage=stage))
                .order_by(Project.due_on.is_(None), Project.due_on, Project.id.desc())
                .limit(per_column)
            )
        )
        service.decorate_projects(session, projects)
        columns.append({"stage": stage, "total": counts.get(stage, 0), "projects": projects})
    return columns


def card_facts(project: Project) -> str:
    """The facts a card already has, as JSON for the dialog (only the missing ones are asked)."""
    return json.dumps(
        {
            f: (str(v) if (v := getattr(project, f)) is not None else None)
            for f in stages.FACT_FIELDS
        }
    )


@router.get("/investment/kanban", response_class=HTMLResponse)
def kanban_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    ctx = {
        "columns": board(session, user=user),
        "rules": stages.requirements(),
        "card_facts": card_facts,
        "stages": list(Stage),
        "today": service.today_local(),
    }
    return render(request, "investment/kanban.html", ctx)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


@router.post("/investment/kanban/{project_id}/move")
def kanban_move(
    request: Request, project_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    body = json_of(request)
    if not isinstance(body, dict):
        return _error(
            400, "BadRequest", "请求格式不对" if lang_of(request) != "en" else "Bad request"
        )
    try:
        data = StageChangeCreate.model_validate(
            {k: v for k, v in body.items() if v not in ("", None)}
        )
    except ValidationError as exc:
        return _error(
            422, "ValidationFailed", "；".join(error_messages(exc, i18n.LABELS, lang_of(request)))
        )
    try:
        project = service.change_stage(session, user=user, project_id=project_id, data=data)
    except BioparkError as exc:
        session.rollback()
        return _error(exc.status, type(exc).__name__, exc.text(lang_of(request)))
    flash(request, "阶段已变更")
    return JSONResponse({"id": project.id, "stage": project.stage.value, "code": project.code})
