"""Enterprise registry API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.audit import service as audit
from biopark.audit.schemas import AuditRead
from biopark.enterprises import service
from biopark.enterprises.models import Enterprise
from biopark.enterprises.schemas import EnterpriseCreate, EnterpriseRead, EnterpriseUpdate
from biopark.kit.pagination import Page

router = APIRouter(prefix="/api/enterprises", tags=["enterprises"])


@router.get("", response_model=Page[EnterpriseRead])
def list_enterprises(
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    tag: str | None = Query(default=None, max_length=20),
    cluster: str | None = Query(default=None, max_length=20),
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> Page[Any]:
    """Enterprises the user may see."""
    return service.list_enterprises(
        session, user=user, q=q, tag=tag, cluster=cluster, page=page, size=size
    )


@router.post("", response_model=EnterpriseRead, status_code=201)
def create_enterprise(body: EnterpriseCreate, user: CurrentUser, session: SessionDep) -> Enterprise:
    """Register an enterprise."""
    return service.create_enterprise(session, user=user, data=body)


@router.get("/{enterprise_id}", response_model=EnterpriseRead)
def get_enterprise(enterprise_id: int, user: CurrentUser, session: SessionDep) -> Enterprise:
    """One enterprise."""
    return service.get_enterprise(session, user=user, enterprise_id=enterprise_id)


@router.patch("/{enterprise_id}", response_model=EnterpriseRead)
def update_enterprise(
    enterprise_id: int, body: EnterpriseUpdate, user: CurrentUser, session: SessionDep
) -> Enterprise:
    """Change an enterprise."""
    return service.update_enterprise(session, user=user, enterprise_id=enterprise_id, data=body)


@router.get("/{enterprise_id}/history", response_model=list[AuditRead])
def enterprise_history(enterprise_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Every recorded change of the enterprise."""
    ent = service.get_enterprise(session, user=user, enterprise_id=enterprise_id)
    return audit.history(session, park_id=ent.park_id, entity_type="enterprise", entity_id=ent.id)
