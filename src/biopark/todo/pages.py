"""我的待办 pages: the full list, and the count shown in the navigation."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.registry import NavItem
from biopark.todo import i18n as _i18n  # noqa: F401  (registers the English labels)
from biopark.todo import service
from biopark.todo.schemas import KIND_LABELS, TodoItem
from biopark.web.templating import render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "我的待办",
        "/todo",
        frozenset(r.value for r in service.WORKING_ROLES),
        order=1,
        description="待办事项、超时提醒与各模块入口",
        badge="/todo/badge",
    )
]


def grouped(items: list[TodoItem]) -> list[tuple[str, str, list[TodoItem]]]:
    """(kind, label, items) per kind that has items, in the page's order of kinds."""
    groups: dict[str, list[TodoItem]] = {}
    for item in items:
        groups.setdefault(item.kind, []).append(item)
    return [(k, label, groups[k]) for k, label in KIND_LABELS.items() if k in groups]


@router.get("/todo", response_class=HTMLResponse)
def todo_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    items = service.todo_for(session, user=user)
    return render(
        request,
        "todo/index.html",
        {
            "groups": grouped(items),
            "total": len(items),
            "overdue": sum(1 for i in items if i.overdue),
            "working": user.role in service.WORKING_ROLES,
        },
    )


@router.get("/todo/badge", response_class=HTMLResponse)
def todo_badge(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    # Loaded by HTMX after the page, so that no page waits for every domain's queries.
    items = service.todo_for(session, user=user)
    overdue = sum(1 for i in items if i.overdue)
    return render(request, "todo/_badge.html", {"total": len(items), "overdue_count": overdue})
