"""Notifications API: the signed-in user's inbox."""

from __future__ import annotations

from fastapi import APIRouter, Query

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.notify import service
from biopark.notify.schemas import NoticeList, NoticeRead, ReadAll

router = APIRouter(prefix="/api/notifications", tags=["notifications"])


@router.get("", response_model=NoticeList)
def list_notices(
    user: CurrentUser,
    session: SessionDep,
    unread: bool = False,
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> NoticeList:
    """The user's notices, newest first, and the unread count."""
    result = service.inbox(session, user=user, unread_only=unread, page=page, size=size)
    return NoticeList(
        items=[NoticeRead.model_validate(n) for n in result.items],
        unread=service.unread_count(session, user_id=user.id),
        total=result.total,
    )


@router.post("/read-all", response_model=ReadAll)
def read_all(user: CurrentUser, session: SessionDep) -> ReadAll:
    """Mark every notice read."""
    marked = service.mark_all_read(session, user=user)
    return ReadAll(marked=marked, unread=service.unread_count(session, user_id=user.id))


@router.post("/{notice_id}/read", response_model=NoticeRead)
def read_one(notice_id: int, user: CurrentUser, session: SessionDep) -> NoticeRead:
    """Mark one notice read."""
    return NoticeRead.model_validate(service.mark_read(session, user=user, notice_id=notice_id))
