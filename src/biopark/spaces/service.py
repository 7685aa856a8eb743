"""The space inventory, leads' needs and matching, and visit bookings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.errors import Conflict, NotFound, ValidationFailed
from biopark.investment.access import check_access
from biopark.investment.models import Lead, Project
from biopark.kit.dates import SHANGHAI, now_utc
from biopark.spaces.matching import Match, rank
from biopark.spaces.models import (
    LETTABLE,
    PARENT_KINDS,
    Availability,
    Space,
    SpaceKind,
    SpaceNeed,
    SpaceVisit,
)
from biopark.spaces.schemas import NeedSet, SpaceCreate, SpaceStatusChange, VisitCreate

ENTITY_SPACE = "space"
ENTITY_VISIT = "space_visit"


def list_spaces(
    session: Session,
    *,
    user: User,
    kind: SpaceKind | None = None,
    status: Availability | None = None,
    parent_id: int | None = None,
    top: bool = False,
) -> list[Space]:
    """The park's spaces, filtered; `top` keeps only buildings and parcels."""
    check_access(user)
    stmt = select(Space).where(Space.park_id == user.park_id)
    if kind is not None:
        stmt = stmt.where(Space.kind == kind)
    if status is not None:
        stmt = stmt.where(Space.status == status)
    if parent_id is not None:
        stmt = stmt.where(Space.parent_id == parent_id)
    if top:
        stmt = stmt.where(Space.parent_id.is_(None))
    return list(session.scalars(stmt.order_by(Space.kind, Space.name, Space.id)))


def get_space(session: Session, *, user: User, space_id: int) -> Space:
    """One space of the user's park."""
    check_access(user)
    space = session.get(Space, space_id)
    if space is None or space.park_id != user.park_id:
        raise NotFound("载体不存在", en="Space not found")
    return space


def descendants(session: Session, *, space: Space) -> list[Space]:
    """Every space below this one (floors, and the units and labs on them)."""
    found: list[Space] = []
    level = [space.id]
    while level:
        rows = list(
            session.scalars(
                select(Space).where(Space.parent_id.in_(level)).order_by(Space.name, Space.id)
            )
        )
        found.extend(rows)
        level = [r.id for r in rows]
    return found


def create_space(session: Session, *, user: User, data: SpaceCreate) -> Space:
    """Add a building, floor, unit, lab or land parcel to the inventory."""
    check_access(user)
    allowed = PARENT_KINDS[data.kind]
    if data.parent_id is not None:
        parent = get_space(session, user=user, space_id=data.parent_id)
        if parent.kind not in allowed:
            raise ValidationFailed(
                f"{data.kind.value}不能放在{parent.kind.value}下",
                en="This kind of space cannot sit under that parent",
            )
    elif data.kind == SpaceKind.floor:
        raise ValidationFailed("楼层须属于一栋楼", en="A floor belongs to a building")
    if data.kind in LETTABLE and data.area_m2 is None:
        raise ValidationFailed("请填写面积", en="Please give the area")
    if data.kind == SpaceKind.land and data.land_mu is None:
        raise ValidationFailed("地块请填写面积（亩）", en="Please give the parcel's size in mu")
    if data.kind != SpaceKind.lab and (data.cleanroom_grade or data.floor_load_kn_m2):
        raise ValidationFailed(
            "洁净等级和楼面荷载只用于实验室", en="Cleanroom grade and floor load are for labs"
        )
    if data.kind not in LETTABLE and data.status != Availability.available:
        raise ValidationFailed(
            "楼栋和楼层的状态由其中的单元决定",
            en="A building's or floor's availability follows its units",
        )
    space = Space(park_id=user.park_id, **data.model_dump())
    session.add(space)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="create",
        entity_type=ENTITY_SPACE,
        entity_id=space.id,
        park_id=space.park_id,
        changes={"kind": space.kind.value, "name": space.name},
    )
    return space


def set_status(session: Session, *, user: User, space_id: int, data: SpaceStatusChange) -> Space:
    """Mark a unit, lab or parcel available, reserved or occupied (occupied names the occupant)."""
    space = get_space(session, user=user, space_id=space_id)
    if space.kind not in LETTABLE:
        raise ValidationFailed(
            "楼栋和楼层的状态由其中的单元决定",
            en="A building's or floor's availability follows its units",
        )
    if data.status == space.status:
        raise Conflict(f"该载体已是“{space.status.value}”", en="The space already has that status")
    if data.status == Availability.occupied and not data.occupant:
        raise ValidationFailed("入驻请填写入驻企业", en="Name the occupant")
    before = space.status.value
    space.status = data.status
    space.occupant = data.occupant if data.status != Availability.available else None
    if data.status == Availability.occupied:
        _cancel_upcoming(session, space=space)
    audit.record(
        session,
        actor=user,
        action="status",
        entity_type=ENTITY_SPACE,
        entity_id=space.id,
        park_id=space.park_id,
        changes={"status": [before, space.status.value], "occupant": space.occupant},
    )
    session.flush()
    return space


def _cancel_upcoming(session: Session, *, space: Space) -> None:
    # An occupied space can no longer be shown; its future visits lapse.
    for visit in session.scalars(
        select(SpaceVisit).where(
            SpaceVisit.space_id == space.id,
            SpaceVisit.cancelled_at.is_(None),
            SpaceVisit.starts_at > now_utc(),
        )
    ):
        visit.cancelled_at = now_utc()
        visit.slot_start = None


def _lead(session: Session, *, user: User, lead_id: int) -> Lead:
    lead = session.get(Lead, lead_id)
    if lead is None or lead.park_id != user.park_id:
        raise NotFound("线索不存在", en="Lead not found")
    return lead


def get_need(session: Session, *, user: User, lead_id: int) -> SpaceNeed | None:
    """The space need recorded on a lead, if any."""
    check_access(user)
    _lead(session, user=user, lead_id=lead_id)
    return session.scalar(select(SpaceNeed).where(SpaceNeed.lead_id == lead_id))


def set_need(session: Session, *, user: User, lead_id: int, data: NeedSet) -> SpaceNeed:
    """Record or replace the kind, area, budget and GMP requirement of a lead."""
    need = get_need(session, user=user, lead_id=lead_id)
    if need is None:
        need = SpaceNeed(park_id=user.park_id, lead_id=lead_id)
        session.add(need)
    for key, value in data.model_dump().items():
        setattr(need, key, value)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="space_need",
        entity_type="investment_lead",
        entity_id=lead_id,
        park_id=user.park_id,
        changes={k: str(v) for k, v in data.model_dump(exclude_none=True).items()},
    )
    return need


def matches_for_lead(session: Session, *, user: User, lead_id: int, limit: int = 8) -> list[Match]:
    """Available spaces that fit the lead's need (or its intended land), best first."""
    lead = _lead(session, user=user, lead_id=lead_id)
    need = get_need(session, user=user, lead_id=lead_id)
    if need is None and not lead.intended_land_mu:
        return []
    spaces = list_spaces(session, user=user, status=Availability.available)
    return rank(spaces, need, lead.intended_land_mu)[:limit]


def slot_of(starts_at: datetime) -> datetime:
    """The one-hour slot (on the hour, Shanghai time) a visit occupies."""
    local = starts_at.astimezone(SHANGHAI)
    return local.replace(minute=0, second=0, microsecond=0)


def book_visit(
    session: Session, *, user: User, data: VisitCreate, now: datetime | None = None
) -> SpaceVisit:
    """Book a one-hour visit of a lead or project to a space; refuse past, occupied or taken slots."""
    space = get_space(session, user=user, space_id=data.space_id)
    now = now or now_utc()
    if (data.lead_id is None) == (data.project_id is None):
        raise ValidationFailed("请选择一条线索或一个项目", en="Choose either a lead or a project")
    if data.lead_id is not None:
        _lead(session, user=user, lead_id=data.lead_id)
    if data.project_id is not None:
        project = session.get(Project, data.project_id)
        if project is None or project.park_id != user.park_id:
            raise NotFound("项目不存在", en="Project not found")
    if space.kind not in LETTABLE:
        raise ValidationFailed("请预约具体的单元、实验室或地块", en="Book a unit, lab or parcel")
    if space.status == Availability.occupied:
        raise Conflict(
            "该载体已入驻，不能预约看房", en="The space is occupied; it cannot be visited"
        )
    if data.starts_at <= now:
        raise ValidationFailed("看房时间不能早于现在", en="The visit cannot be in the past")
    slot = slot_of(data.starts_at)
    taken = session.scalar(
        select(SpaceVisit.id).where(SpaceVisit.space_id == space.id, SpaceVisit.slot_start == slot)
    )
    message = "该时段已有预约，请另选时间"
    if taken:
        raise Conflict(message, en="That hour is already booked; choose another time")
    visit = SpaceVisit(
        park_id=space.park_id,
        space_id=space.id,
        starts_at=data.starts_at,
        slot_start=slot,
        lead_id=data.lead_id,
        project_id=data.project_id,
        visitor=data.visitor,
        note=data.note,
        booked_by=user.id,
    )
    try:
        with session.begin_nested():
            session.add(visit)
            session.flush()
    except IntegrityError:
        # Another booking of the same hour committed between the check and the insert.
        raise Conflict(message, en="That hour is already booked; choose another time") from None
    audit.record(
        session,
        actor=user,
        action="book",
        entity_type=ENTITY_VISIT,
        entity_id=visit.id,
        park_id=visit.park_id,
        changes={"space_id": space.id, "starts_at": data.starts_at.isoformat()},
    )
    return visit


def cancel_visit(session: Session, *, user: User, visit_id: int) -> SpaceVisit:
    """Cancel a booking, freeing its hour."""
    check_access(user)
    visit = session.get(SpaceVisit, visit_id)
    if visit is None or visit.park_id != user.park_id:
        raise NotFound("预约不存在", en="Booking not found")
    if visit.cancelled_at is not None:
        raise Conflict("该预约已取消", en="The booking is already cancelled")
    visit.cancelled_at = now_utc()
    visit.slot_start = None
    audit.record(
        session,
        actor=user,
        action="cancel",
        entity_type=ENTITY_VISIT,
        entity_id=visit.id,
        park_id=visit.park_id,
    )
    session.flush()
    return visit


def list_visits(
    session: Session,
    *,
    user: User,
    space_id: int | None = None,
    lead_id: int | None = None,
    upcoming: bool = False,
) -> list[SpaceVisit]:
    """Bookings of the park, a space or a lead (live ones first, then by time)."""
    check_access(user)
    stmt = select(SpaceVisit).where(SpaceVisit.park_id == user.park_id)
    if space_id is not None:
        stmt = stmt.where(SpaceVisit.space_id == space_id)
    if lead_id is not None:
        stmt = stmt.where(SpaceVisit.lead_id == lead_id)
    if upcoming:
        stmt = stmt.where(SpaceVisit.cancelled_at.is_(None), SpaceVisit.starts_at > now_utc())
    return list(session.scalars(stmt.order_by(SpaceVisit.starts_at)))


def rollup(session: Session, *, space: Space) -> dict[str, Decimal]:
    """Lettable area under (or of) a space, per availability name, with the total."""
    lettable = [s for s in [space, *descendants(session, space=space)] if s.kind in LETTABLE]
    totals = {a.name: Decimal(0) for a in Availability}
    for s in lettable:
        totals[s.status.name] += s.area_m2 or Decimal(0)
    totals["total"] = sum((s.area_m2 or Decimal(0) for s in lettable), Decimal(0))
    return totals


def lead_panel(session: Session, *, user: User, lead_id: int) -> dict[str, Any]:
    """What a lead's page shows under 'matching space': the need, the matches, the bookings."""
    return {
        "space_need": get_need(session, user=user, lead_id=lead_id),
        "space_matches": matches_for_lead(session, user=user, lead_id=lead_id),
        "space_visits": list_visits(session, user=user, lead_id=lead_id),
        "space_kinds": list(LETTABLE),
    }
