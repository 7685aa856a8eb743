"""Events (活动招商) API: events, invitees, registrations, check-in, leads and results."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request

from biopark.accounts.deps import CurrentUser, SessionDep, client_address
from biopark.events import public, service
from biopark.events.models import Event, EventLead, Invitee, Registration
from biopark.events.schemas import (
    CheckIn,
    EventCreate,
    EventRead,
    EventResult,
    InviteeCreate,
    InviteeRead,
    LeadAttach,
    PublicSignup,
    RegistrationCreate,
    RegistrationRead,
)

router = APIRouter(prefix="/api/events", tags=["events"])


@router.get("", response_model=list[EventRead])
def list_events(user: CurrentUser, session: SessionDep) -> list[Event]:
    """The park's events, newest first."""
    return service.list_events(session, user=user)


@router.post("", response_model=EventRead, status_code=201)
def create_event(body: EventCreate, user: CurrentUser, session: SessionDep) -> Event:
    """Plan an event; it gets a public sign-up address with a QR code."""
    return service.create_event(session, user=user, data=body)


@router.get("/results", response_model=list[EventResult])
def results(user: CurrentUser, session: SessionDep) -> list[EventResult]:
    """Per event: registrations, check-ins, leads, signed projects, agreed investment."""
    events = service.list_events(session, user=user)
    return service.results(session, park_id=user.park_id, events=events)


@router.post("/signup/{code}", response_model=RegistrationRead | None, status_code=201)
def signup(
    code: str, body: PublicSignup, request: Request, session: SessionDep
) -> Registration | None:
    """Public sign-up (no sign-in): consent required, per-address limit, one per phone."""
    event = service.event_by_code(session, code=code)
    if body.website:
        return None
    data = body.model_dump(include={"name", "company", "title", "phone"})
    return public.public_signup(
        session,
        event=event,
        data=RegistrationCreate.model_validate(data),
        address=client_address(request),
        consent=body.consent,
    )


@router.get("/{event_id}", response_model=EventRead)
def get_event(event_id: int, user: CurrentUser, session: SessionDep) -> Event:
    """One event."""
    return service.get_event(session, user=user, event_id=event_id)


@router.get("/{event_id}/invitees", response_model=list[InviteeRead])
def invitees(event_id: int, user: CurrentUser, session: SessionDep) -> list[Invitee]:
    """The invitation list."""
    return service.list_invitees(session, user=user, event_id=event_id)


@router.post("/{event_id}/invitees", response_model=InviteeRead, status_code=201)
def add_invitee(
    event_id: int, body: InviteeCreate, user: CurrentUser, session: SessionDep
) -> Invitee:
    """Invite a company."""
    return service.add_invitee(session, user=user, event_id=event_id, data=body)


@router.get("/{event_id}/registrations", response_model=list[RegistrationRead])
def registrations(event_id: int, user: CurrentUser, session: SessionDep) -> list[Registration]:
    """Who signed up."""
    return service.list_registrations(session, user=user, event_id=event_id)


@router.post("/{event_id}/registrations", response_model=RegistrationRead, status_code=201)
def register(
    event_id: int, body: RegistrationCreate, user: CurrentUser, session: SessionDep
) -> Registration:
    """Register someone at the desk (duplicate phone refused)."""
    return service.staff_register(session, user=user, event_id=event_id, data=body)


@router.post("/{event_id}/checkin", response_model=RegistrationRead)
def check_in(
    event_id: int,
    body: CheckIn,
    user: CurrentUser,
    session: SessionDep,
    on: date | None = None,
) -> Registration:
    """Check in by phone (refused: not registered, already checked in, not an event day)."""
    return service.check_in(session, user=user, event_id=event_id, phone=body.phone, on=on)


@router.post("/{event_id}/leads", status_code=201)
def attribute(
    event_id: int, body: LeadAttach, user: CurrentUser, session: SessionDep
) -> dict[str, int]:
    """Credit a lead to the event (a lead counts for one event)."""
    link: EventLead = service.attribute_lead(
        session, user=user, event_id=event_id, lead_id=body.lead_id
    )
    return {"event_id": link.event_id, "lead_id": link.lead_id}
