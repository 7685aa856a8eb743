"""Talent services, applications and events API (人才科创)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.audit.schemas import AuditRead
from biopark.errors import NotFound
from biopark.kit.pagination import Page
from biopark.talent import service
from biopark.talent.models import EventRegistration, TalentApplication, TalentEvent, TalentService
from biopark.talent.schemas import (
    ApplicationCreate,
    ApplicationRead,
    DecisionBody,
    EventCreate,
    EventRead,
    RegistrationCreate,
    RegistrationRead,
    ServiceCreate,
    ServiceRead,
    ServiceUpdate,
)

router = APIRouter(prefix="/api/talent", tags=["talent"])


@router.get("/services", response_model=list[ServiceRead])
def list_services(user: CurrentUser, session: SessionDep) -> list[TalentService]:
    """The park's talent services."""
    return service.list_services(session, user=user)


@router.post("/services", response_model=ServiceRead, status_code=201)
def create_service(body: ServiceCreate, user: CurrentUser, session: SessionDep) -> TalentService:
    """Add a talent service (admins and commissioners)."""
    return service.create_service(session, park_id=user.park_id, actor=user, data=body)


@router.patch("/services/{service_id}", response_model=ServiceRead)
def update_service(
    service_id: int, body: ServiceUpdate, user: CurrentUser, session: SessionDep
) -> TalentService:
    """Change the given fields of a talent service (admins and commissioners)."""
    return service.update_service(session, user=user, service_id=service_id, data=body)


@router.post("/services/{service_id}/retire", response_model=ServiceRead)
def retire_service(service_id: int, user: CurrentUser, session: SessionDep) -> TalentService:
    """Take no new applications for the service; open ones go on."""
    return service.set_service_active(session, user=user, service_id=service_id, active=False)


@router.post("/services/{service_id}/reactivate", response_model=ServiceRead)
def reactivate_service(service_id: int, user: CurrentUser, session: SessionDep) -> TalentService:
    """Take applications for a retired service again."""
    return service.set_service_active(session, user=user, service_id=service_id, active=True)


@router.get("/services/{service_id}/prefill")
def prefill(service_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """The application form pre-filled from the enterprise file, with the eligibility verdict."""
    return service.prefill(session, user=user, service_id=service_id)


@router.get("/applications", response_model=Page[ApplicationRead])
def list_applications(
    user: CurrentUser,
    session: SessionDep,
    status: str | None = Query(default=None, max_length=20),
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> Page[Any]:
    """Applications the user may see."""
    return service.list_applications(session, user=user, status=status, page=page, size=size)


@router.post("/applications", response_model=ApplicationRead, status_code=201)
def submit(body: ApplicationCreate, user: CurrentUser, session: SessionDep) -> TalentApplication:
    """Apply for a talent service (enterprise users)."""
    return service.submit_application(session, user=user, data=body)


@router.get("/applications/{application_id}", response_model=ApplicationRead)
def get_application(
    application_id: int, user: CurrentUser, session: SessionDep
) -> TalentApplication:
    """One application."""
    return service.get_application(session, user=user, application_id=application_id)


@router.get("/applications/{application_id}/history", response_model=list[AuditRead])
def application_history(application_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Every step of the application."""
    app = service.get_application(session, user=user, application_id=application_id)
    return service.history(session, app=app)


@router.post("/applications/{application_id}/{step}", response_model=ApplicationRead)
def act(
    application_id: int,
    step: str,
    user: CurrentUser,
    session: SessionDep,
    body: DecisionBody | None = None,
) -> TalentApplication:
    """accept | approve | reject (staff), withdraw (the enterprise)."""
    if step not in service.STEPS:
        raise NotFound("未知操作", en="Unknown action")
    return service.act(
        session, user=user, application_id=application_id, step=step, data=body or DecisionBody()
    )


@router.get("/events", response_model=list[EventRead])
def list_events(user: CurrentUser, session: SessionDep) -> list[TalentEvent]:
    """The park's talent events."""
    return service.list_events(session, user=user)


@router.post("/events", response_model=EventRead, status_code=201)
def create_event(body: EventCreate, user: CurrentUser, session: SessionDep) -> TalentEvent:
    """Add a talent event (admins and commissioners)."""
    return service.create_event(session, park_id=user.park_id, actor=user, data=body)


@router.get("/events/{event_id}/registrations", response_model=list[RegistrationRead])
def list_registrations(
    event_id: int, user: CurrentUser, session: SessionDep
) -> list[EventRegistration]:
    """The event's registrations (an enterprise sees its own)."""
    return service.registrations(session, user=user, event_id=event_id)


@router.post("/events/{event_id}/registrations", response_model=RegistrationRead, status_code=201)
def register(
    event_id: int, body: RegistrationCreate, user: CurrentUser, session: SessionDep
) -> EventRegistration:
    """Register an attendee of the user's enterprise."""
    return service.register(session, user=user, event_id=event_id, data=body)
