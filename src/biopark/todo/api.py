"""我的待办 API: what waits for the signed-in user."""

from __future__ import annotations

from fastapi import APIRouter, Request

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.todo import i18n as _i18n  # noqa: F401  (registers the English labels)
from biopark.todo import service
from biopark.todo.schemas import KIND_LABELS, TodoItem, TodoItemRead, TodoList
from biopark.web.i18n import translate
from biopark.web.templating import lang_of

router = APIRouter(prefix="/api/todo", tags=["todo"])


def read_item(item: TodoItem, lang: str) -> TodoItemRead:
    """The item with its labels in the language."""
    action = translate(item.action, lang)
    sep = ": " if lang == "en" else "："
    return TodoItemRead(
        kind=item.kind,
        kind_label=translate(KIND_LABELS[item.kind], lang),
        title=f"{action}{sep}{item.subject}",
        action=action,
        subject=item.subject,
        url=item.url,
        due_at=item.due_at,
        all_day=item.all_day,
        overdue=item.overdue,
    )


@router.get("", response_model=TodoList)
def my_todo(request: Request, user: CurrentUser, session: SessionDep) -> TodoList:
    """Everything waiting for the signed-in user, overdue first, then by due date."""
    items = service.todo_for(session, user=user)
    lang = lang_of(request)
    return TodoList(
        items=[read_item(i, lang) for i in items],
        counts=service.counts(items),
        total=len(items),
        overdue=sum(1 for i in items if i.overdue),
    )
