"""Parks and departments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.errors import Conflict, NotFound
from biopark.parks.models import Department, Park
from biopark.parks.schemas import ParkCreate


def get_park_by_code(session: Session, *, code: str) -> Park:
    """The park with this code."""
    park = session.scalar(select(Park).where(Park.code == code))
    if park is None:
        raise NotFound(f"园区 {code} 不存在", en=f"Park {code} not found")
    return park


def create_park(session: Session, *, data: ParkCreate) -> Park:
    """Create a park with a unique code."""
    if session.scalar(select(Park.id).where(Park.code == data.code)):
        raise Conflict(f"园区代码 {data.code} 已存在", en=f"Park code {data.code} exists")
    park = Park(**data.model_dump())
    session.add(park)
    session.flush()
    return park


def list_parks(session: Session) -> list[Park]:
    """All parks by code."""
    return list(session.scalars(select(Park).order_by(Park.code)))


def list_departments(session: Session, *, park_id: int) -> list[Department]:
    """The park's departments by name."""
    stmt = select(Department).where(Department.park_id == park_id).order_by(Department.id)
    return list(session.scalars(stmt))


def get_department(session: Session, *, park_id: int, department_id: int) -> Department:
    """One department of the park."""
    dept = session.get(Department, department_id)
    if dept is None or dept.park_id != park_id:
        raise NotFound()
    return dept
