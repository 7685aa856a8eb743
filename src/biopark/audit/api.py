"""Audit log API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from biopark.accounts.deps import SessionDep, require_roles
from biopark.accounts.models import Role, User
from biopark.audit import service
from biopark.audit.schemas import AuditRead
from biopark.web.templating import lang_of

router = APIRouter(prefix="/api/audit", tags=["audit"])

Auditor = Annotated[User, Depends(require_roles(Role.admin, Role.leader))]


@router.get("", response_model=list[AuditRead])
def recent(
    request: Request, user: Auditor, session: SessionDep, limit: int = Query(200, ge=1, le=1000)
) -> list[AuditRead]:
    """The park's latest changes, each also as a sentence in the reader's language."""
    entries = service.recent(session, park_id=user.park_id, limit=limit)
    return service.readable(session, entries=entries, lang=lang_of(request))
