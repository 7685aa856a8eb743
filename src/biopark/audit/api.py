"""Audit log API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from biopark.accounts.deps import SessionDep, require_roles
from biopark.accounts.models import Role, User
from biopark.audit import chain, service
from biopark.audit.schemas import AuditRead, ChainCheckRead, ChainStateRead
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


@router.get("/chain", response_model=ChainStateRead)
def chain_state(user: Auditor, session: SessionDep) -> ChainStateRead:
    """The hash chain: entries, last hash and the latest verification."""
    st = chain.state(session)
    last = ChainCheckRead.model_validate(st.last_check) if st.last_check else None
    return ChainStateRead(entries=st.entries, last_hash=st.last_hash, last_check=last)


@router.post("/chain/verify", response_model=ChainCheckRead)
def chain_verify(user: Auditor, session: SessionDep) -> ChainCheckRead:
    """Verify the whole chain now and keep the result."""
    report = chain.verify(session)
    return ChainCheckRead.model_validate(chain.record_check(session, report=report, source="api"))
