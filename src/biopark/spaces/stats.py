"""Occupancy and vacancy of the park's space, for the space pages and the dashboard."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.kit.dates import SHANGHAI
from biopark.spaces import i18n  # noqa: F401  (the panel template's English)
from biopark.spaces.models import Availability, Space, SpaceKind, SpaceVisit


class Period(Protocol):
    """Any date range with a first and a last day (the dashboard's Period fits)."""

    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...


def _rate(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole * 100).quantize(Decimal("0.1"))


def area_by_status(
    session: Session, *, park_id: int, kinds: tuple[SpaceKind, ...], column: Any = Space.area_m2
) -> dict[Availability, Decimal]:
    """Summed area (or 亩) of the given kinds per availability."""
    rows = session.execute(
        select(Space.status, func.coalesce(func.sum(column), 0))
        .where(Space.park_id == park_id, Space.kind.in_(kinds))
        .group_by(Space.status)
    ).all()
    found = {Availability(s): Decimal(str(v)) for s, v in rows}
    return {a: found.get(a, Decimal(0)) for a in Availability}


def occupancy(session: Session, *, park_id: int) -> dict[str, Any]:
    """Floor space (units and labs, m²) and land (亩) by availability, with the rates."""
    floor = area_by_status(session, park_id=park_id, kinds=(SpaceKind.unit, SpaceKind.lab))
    land = area_by_status(session, park_id=park_id, kinds=(SpaceKind.land,), column=Space.land_mu)
    labs = area_by_status(session, park_id=park_id, kinds=(SpaceKind.lab,))
    floor_total = sum(floor.values(), Decimal(0))
    land_total = sum(land.values(), Decimal(0))
    labs_total = sum(labs.values(), Decimal(0))
    return {
        "floor_total_m2": floor_total,
        "floor_m2": {a.name: v for a, v in floor.items()},
        "occupancy_rate": _rate(floor[Availability.occupied], floor_total),
        "vacancy_rate": _rate(floor[Availability.available], floor_total),
        "lab_total_m2": labs_total,
        "lab_vacancy_rate": _rate(labs[Availability.available], labs_total),
        "land_total_mu": land_total,
        "land_mu": {a.name: v for a, v in land.items()},
    }


def dashboard_panel(
    session: Session, *, park_id: int, period: Period | None
) -> dict[str, Any] | None:
    """The 载体 panel of the cockpit: occupancy, vacancy, free land and visits in the period.

    None when the park has no space on record, so the cockpit leaves the panel out.
    """
    has_space = session.scalar(
        select(func.count(Space.id)).where(
            Space.park_id == park_id,
            Space.kind.in_((SpaceKind.unit, SpaceKind.lab, SpaceKind.land)),
        )
    )
    if not has_space:
        return None
    panel = occupancy(session, park_id=park_id)
    visits = None
    if period is not None:
        start = datetime.combine(period.start, time(0), SHANGHAI)
        end = datetime.combine(period.end + timedelta(days=1), time(0), SHANGHAI)
        visits = session.scalar(
            select(func.count(SpaceVisit.id)).where(
                SpaceVisit.park_id == park_id,
                SpaceVisit.cancelled_at.is_(None),
                SpaceVisit.starts_at >= start,
                SpaceVisit.starts_at < end,
            )
        )
    return {
        "title": "载体",
        "url": "/spaces",
        **panel,
        "floor_available_m2": panel["floor_m2"]["available"],
        "land_available_mu": panel["land_mu"]["available"],
        "visits": visits,
    }
