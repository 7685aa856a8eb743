"""Parks API."""

from __future__ import annotations

from fastapi import APIRouter

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.errors import NotFound
from biopark.parks import service
from biopark.parks.models import Department, Park
from biopark.parks.schemas import DepartmentRead, ParkRead

router = APIRouter(prefix="/api", tags=["parks"])


@router.get("/park", response_model=ParkRead)
def current_park(user: CurrentUser, session: SessionDep) -> Park:
    """The signed-in user's park."""
    park = session.get(Park, user.park_id)
    if park is None:
        raise NotFound()
    return park


@router.get("/departments", response_model=list[DepartmentRead])
def departments(user: CurrentUser, session: SessionDep) -> list[Department]:
    """The departments of the coordination mechanism."""
    return service.list_departments(session, park_id=user.park_id)
