"""Audit log API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from biopark.accounts.deps import SessionDep, require_roles
from biopark.accounts.models import Role, User
from biopark.audit import service
from biopark.audit.schemas import AuditRead

router = APIRouter(prefix="/api/audit", tags=["audit"])

Auditor = Annotated[User, Depends(require_roles(Role.admin, Role.leader))]


@router.get("", response_model=list[AuditRead])
def recent(user: Auditor, session: SessionDep, limit: int = Query(200, ge=1, le=1000)) -> list[Any]:
    """The park's latest changes."""
    return service.recent(session, park_id=user.park_id, limit=limit)
