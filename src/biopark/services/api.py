"""Enterprise requests (诉求) API."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse

from biopark.accounts.deps import CurrentUser, SessionDep, require_roles
from biopark.accounts.models import Role, User
from biopark.audit.schemas import AuditRead
from biopark.config import Settings
from biopark.kit.dates import now_utc
from biopark.kit.pagination import Page
from biopark.services import dispatching, service, sla, stats, thread
from biopark.services.models import RequestMessage, RequestStatus, ServiceRequest
from biopark.services.schemas import (
    CloseBody,
    DispatchBody,
    MessageBody,
    MessageRead,
    PlanBody,
    RateBody,
    RecordReplyBody,
    ReplyBody,
    RequestCreate,
    RequestRead,
    RespondBody,
    SlaRead,
    SlaUpdate,
    StatRowRead,
    WithdrawBody,
    WithdrawDispatchBody,
)

router = APIRouter(prefix="/api/requests", tags=["requests"])

Overseer = Annotated[User, Depends(require_roles(Role.admin, Role.leader, Role.commissioner))]


@router.get("", response_model=Page[RequestRead])
def list_requests(
    user: CurrentUser,
    session: SessionDep,
    scope: service.Scope = "mine",
    status: RequestStatus | None = None,
    category: str | None = Query(default=None, max_length=20),
    escalated: bool | None = None,
    q: str | None = Query(default=None, max_length=100),
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> Page[Any]:
    """Requests the user may see; commissioners: their enterprises', or scope=park for all."""
    return service.list_requests(
        session,
        user=user,
        scope=scope,
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
    until = now_utc()
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
    """Dispatch or re-dispatch to a lead and cooperating departments."""
    return dispatching.dispatch(session, user=user, request_id=request_id, data=body)


@router.post("/{request_id}/withdraw-dispatch", response_model=RequestRead)
def withdraw_dispatch(
    request_id: int, body: WithdrawDispatchBody, user: CurrentUser, session: SessionDep
) -> ServiceRequest:
    """Take the request back from a department that has not replied."""
    return dispatching.withdraw_dispatch(session, user=user, request_id=request_id, data=body)


@router.post("/{request_id}/record-reply", response_model=RequestRead)
def record_reply(
    request_id: int, body: RecordReplyBody, user: CurrentUser, session: SessionDep
) -> ServiceRequest:
    """Record a department's offline reply on its behalf (commissioners and admins)."""
    return dispatching.record_reply(session, user=user, request_id=request_id, data=body)


@router.post("/{request_id}/reply", response_model=RequestRead)
def reply(
    request_id: int, body: ReplyBody, user: CurrentUser, session: SessionDep
) -> ServiceRequest:
    """The signed-in department's reply."""
    return dispatching.reply(session, user=user, request_id=request_id, data=body)


@router.post("/{request_id}/close", response_model=RequestRead)
def close(
    request_id: int, body: CloseBody, user: CurrentUser, session: SessionDep
) -> ServiceRequest:
    """Close with a resolution (and a reason when no department has replied)."""
    return service.close(session, user=user, request_id=request_id, data=body)


@router.post("/{request_id}/withdraw", response_model=RequestRead)
def withdraw(
    request_id: int, body: WithdrawBody, user: CurrentUser, session: SessionDep
) -> ServiceRequest:
    """The enterprise withdraws its own open request."""
    return service.withdraw(session, user=user, request_id=request_id, data=body)


@router.post("/{request_id}/rate", response_model=RequestRead)
def rate(request_id: int, body: RateBody, user: CurrentUser, session: SessionDep) -> ServiceRequest:
    """The enterprise's rating; 1 or 2 reopens the request."""
    return service.rate(session, user=user, request_id=request_id, data=body)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/{request_id}/messages", response_model=list[MessageRead])
def list_messages(request_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """The reply thread, oldest first."""
    return list(service.get_request(session, user=user, request_id=request_id).messages)


@router.post("/{request_id}/messages", response_model=MessageRead, status_code=201)
def post_message(
    request_id: int,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    body: Annotated[str, Form(max_length=5000)],
    files: Annotated[list[UploadFile] | None, Form()] = None,
) -> RequestMessage:
    """Add a message to the thread; files go as multipart `files` (size cap, type by content)."""
    settings = _settings(request)
    max_bytes = settings.attachment_max_mb * 1024 * 1024
    uploads = [
        thread.Upload(f.filename or "", f.file.read(max_bytes + 1)) for f in files or [] if f
    ]
    return thread.post_message(
        session,
        user=user,
        request_id=request_id,
        data=MessageBody(body=body),
        uploads=uploads,
        var_dir=settings.var_dir,
        max_bytes=max_bytes,
    )


@router.get("/{request_id}/attachments/{attachment_id}")
def download(
    request_id: int, attachment_id: int, request: Request, user: CurrentUser, session: SessionDep
) -> FileResponse:
    """An attachment, for those who can read the request."""
    att, path = thread.get_attachment(
        session,
        user=user,
        request_id=request_id,
        attachment_id=attachment_id,
        var_dir=_settings(request).var_dir,
    )
    return FileResponse(path, media_type=att.content_type, filename=att.filename)
