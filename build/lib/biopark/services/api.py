"""Enterprise requests (诉求) API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from biopark.accounts.deps import CurrentUser, SessionDep, require_roles
from biopark.accounts.models import Role, User
from biopark.audit.schemas import AuditRead
from biopark.kit.pagination import Page
from biopark.services import service, sla, stats
from biopark.services.models import RequestStatus, ServiceRequest
from biopark.services.schemas import (
    CloseBody,
    DispatchBody,
    PlanBody,
    RateBody,
    ReplyBody,
    RequestCreate,
    RequestRead,
    RespondBody,
    SlaRead,
    SlaUpdate,
    StatRowRead,
)

router = APIRouter(prefix="/api/requests", tags=["requests"])

Overseer = Annotated[User, Depends(require_roles(Role.admin, Role.leader, Role.commissioner))]


@router.get("", response_model=Page[RequestRead])
def list_requests(
    user: CurrentUser,
    session: SessionDep,
    status: RequestStatus | None = None,
    category: str | None = Query(default=None, max_length=20),
    escalated: bool | None = None,
    q: str | None = Query(default=None, max_length=100),
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> Page[Any]:
    """Requests the user may see."""
    return service.list_requests(
        session,
        user=user,
        status=status,
        category=category,
        escalated=escalated,
        q=q,
        page=page,
        size=size,
    )


@router.post("", response_model=RequestRead, status_code=201)
def submit(body: RequestCreate, user: CurrentUser, session: SessionDep) -> ServiceRequest:
    """Submit a request (enterprise user) or file one on an enterprise's behalf."""
    return service.submit_request(session, user=user, data=body)


@router.get("/sla", response_model=list[SlaRead])
def list_sla(user: Overseer, session: SessionDep) -> list[Any]:
    """The SLA of every category."""
    return list(sla.list_sla(session, park_id=user.park_id))


@router.put("/sla/{category}", response_model=SlaRead)
def set_sla(category: str, body: SlaUpdate, user: CurrentUser, session: SessionDep) -> Any:
    """Change a category's SLA (leaders and admins)."""
    return sla.set_sla(session, user=user, park_id=user.park_id, category=category, data=body)


@router.get("/stats")
def request_stats(
    user: Overseer,
    session: SessionDep,
    days: int = Query(default=90, ge=1, le=3660),
) -> dict[str, Any]:
    """On-time rate and satisfaction per category and department over the last `days` days."""
    until = datetime.now(UTC)
    result = stats.sla_stats(
        session, park_id=user.park_id, since=until - timedelta(days=days), until=until
    )

    def rows(items: list[stats.StatRow]) -> list[dict[str, Any]]:
        return [_row(r).model_dump() for r in items]

    return {
        "since": result.since,
        "until": result.until,
        "overall": _row(result.overall).model_dump(),
        "by_category": rows(result.by_category),
        "by_department": rows(result.by_department),
    }


def _row(r: stats.StatRow) -> StatRowRead:
    return StatRowRead(
        key=r.key,
        label=r.label,
        total=r.total,
        done=r.done,
        on_time=r.on_time,
        overdue=r.overdue,
        on_time_rate=None if r.on_time_rate is None else str(r.on_time_rate),
        rated=r.rated,
        satisfaction=None if r.satisfaction is None else str(r.satisfaction),
    )


@router.get("/{request_id}", response_model=RequestRead)
def get_request(request_id: int, user: CurrentUser, session: SessionDep) -> ServiceRequest:
    """One request."""
    return service.get_request(session, user=user, request_id=request_id)


@router.get("/{request_id}/history", response_model=list[AuditRead])
def request_history(request_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Every step of the request, newest first."""
    req = service.get_request(session, user=user, request_id=request_id)
    return service.history(session, req=req)


@router.post("/{request_id}/respond", response_model=RequestRead)
def respond(
    request_id: int, body: RespondBody, user: CurrentUser, session: SessionDep
) -> ServiceRequest:
    """First response to the enterprise."""
    return service.respond(session, user=user, request_id=request_id, data=body)


@router.post("/{request_id}/plan", response_model=RequestRead)
def plan(request_id: int, body: PlanBody, user: CurrentUser, session: SessionDep) -> ServiceRequest:
    """Record the handling plan."""
    return service.make_plan(session, user=user, request_id=request_id, data=body)


@router.post("/{request_id}/dispatch", response_model=RequestRead)
def dispatch(
    request_id: int, body: DispatchBody, user: CurrentUser, session: SessionDep
) -> ServiceRequest:
    """Dispatch to one or more departments."""
    return service.dispatch(session, user=user, request_id=request_id, data=body)


@router.post("/{request_id}/reply", response_model=RequestRead)
def reply(
    request_id: int, body: ReplyBody, user: CurrentUser, session: SessionDep
) -> ServiceRequest:
    """The signed-in department's reply."""
    return service.reply(session, user=user, request_id=request_id, data=body)


@router.post("/{request_id}/close", response_model=RequestRead)
def close(
    request_id: int, body: CloseBody, user: CurrentUser, session: SessionDep
) -> ServiceRequest:
    """Close with a resolution."""
    return service.close(session, user=user, request_id=request_id, data=body)


@router.post("/{request_id}/rate", response_model=RequestRead)
def rate(request_id: int, body: RateBody, user: CurrentUser, session: SessionDep) -> ServiceRequest:
    """The enterprise's rating; 1 or 2 reopens the request."""
    return service.rate(session, user=user, request_id=request_id, data=body)
