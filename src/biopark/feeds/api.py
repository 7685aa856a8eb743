"""Information sources API (信息源管理)."""

from __future__ import annotations

from fastapi import APIRouter

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.feeds import service
from biopark.feeds.models import Source
from biopark.feeds.schemas import PollResult, SourceCreate, SourceRead

router = APIRouter(prefix="/api/feeds/sources", tags=["feeds"])


@router.get("", response_model=list[SourceRead])
def list_sources(user: CurrentUser, session: SessionDep) -> list[Source]:
    """The park's sources with their last poll."""
    return service.list_sources(session, user=user)


@router.post("", response_model=SourceRead, status_code=201)
def create_source(body: SourceCreate, user: CurrentUser, session: SessionDep) -> Source:
    """Add a source (analysts and admins)."""
    return service.create_source(session, user=user, park_id=user.park_id, data=body)


@router.put("/{source_id}", response_model=SourceRead)
def update_source(
    source_id: int, body: SourceCreate, user: CurrentUser, session: SessionDep
) -> Source:
    """Change a source."""
    return service.update_source(session, user=user, source_id=source_id, data=body)


@router.post("/{source_id}/poll", response_model=PollResult)
def poll_source(source_id: int, user: CurrentUser, session: SessionDep) -> PollResult:
    """Poll a source now."""
    return service.poll_now(session, user=user, source_id=source_id)
