"""Space (载体) API: inventory, occupancy, leads' needs and matches, visit bookings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.investment.access import check_access
from biopark.spaces import service, stats
from biopark.spaces.models import Availability, Space, SpaceKind, SpaceNeed, SpaceVisit
from biopark.spaces.schemas import (
    MatchRead,
    NeedRead,
    NeedSet,
    SpaceCreate,
    SpaceRead,
    SpaceStatusChange,
    VisitCreate,
    VisitRead,
)

router = APIRouter(prefix="/api/spaces", tags=["spaces"])


@router.get("", response_model=list[SpaceRead])
def list_spaces(
    user: CurrentUser,
    session: SessionDep,
    kind: SpaceKind | None = None,
    status: Availability | None = None,
    parent_id: int | None = None,
) -> list[Space]:
    """The park's buildings, floors, units, labs and land parcels."""
    return service.list_spaces(session, user=user, kind=kind, status=status, parent_id=parent_id)


@router.post("", response_model=SpaceRead, status_code=201)
def create_space(body: SpaceCreate, user: CurrentUser, session: SessionDep) -> Space:
    """Add a space to the inventory."""
    return service.create_space(session, user=user, data=body)


@router.get("/occupancy")
def occupancy(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """Floor space and land by availability, with occupancy and vacancy rates."""
    check_access(user)
    return stats.occupancy(session, park_id=user.park_id)


@router.get("/visits", response_model=list[VisitRead])
def list_visits(
    user: CurrentUser, session: SessionDep, space_id: int | None = None, upcoming: bool = False
) -> list[SpaceVisit]:
    """Visit bookings of the park or of one space."""
    return service.list_visits(session, user=user, space_id=space_id, upcoming=upcoming)


@router.post("/visits", response_model=VisitRead, status_code=201)
def book_visit(body: VisitCreate, user: CurrentUser, session: SessionDep) -> SpaceVisit:
    """Book a one-hour visit (refused: past time, occupied space, hour already booked)."""
    return service.book_visit(session, user=user, data=body)


@router.post("/visits/{visit_id}/cancel", response_model=VisitRead)
def cancel_visit(visit_id: int, user: CurrentUser, session: SessionDep) -> SpaceVisit:
    """Cancel a booking and free its hour."""
    return service.cancel_visit(session, user=user, visit_id=visit_id)


@router.get("/needs/{lead_id}", response_model=NeedRead | None)
def get_need(lead_id: int, user: CurrentUser, session: SessionDep) -> SpaceNeed | None:
    """The space need of a lead (null when none is recorded)."""
    return service.get_need(session, user=user, lead_id=lead_id)


@router.put("/needs/{lead_id}", response_model=NeedRead)
def set_need(lead_id: int, body: NeedSet, user: CurrentUser, session: SessionDep) -> SpaceNeed:
    """Record the kind, area range, budget and GMP requirement of a lead."""
    return service.set_need(session, user=user, lead_id=lead_id, data=body)


@router.get("/matches/{lead_id}", response_model=list[MatchRead])
def matches(lead_id: int, user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    """Available spaces that fit the lead, best first."""
    found = service.matches_for_lead(session, user=user, lead_id=lead_id)
    return [
        {"space": SpaceRead.model_validate(m.space), "score": m.score, "reasons": m.reasons}
        for m in found
    ]


@router.get("/{space_id}", response_model=SpaceRead)
def get_space(space_id: int, user: CurrentUser, session: SessionDep) -> Space:
    """One space."""
    return service.get_space(session, user=user, space_id=space_id)


@router.post("/{space_id}/status", response_model=SpaceRead)
def set_status(
    space_id: int, body: SpaceStatusChange, user: CurrentUser, session: SessionDep
) -> Space:
    """Mark a unit, lab or parcel available, reserved or occupied."""
    return service.set_status(session, user=user, space_id=space_id, data=body)
