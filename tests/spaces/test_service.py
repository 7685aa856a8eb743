"""Space inventory, matching to leads' needs, visit bookings and their refusals."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.kit.dates import SHANGHAI, now_utc
from biopark.spaces import service
from biopark.spaces.models import Availability, SpaceKind, SpaceVisit
from biopark.spaces.schemas import NeedSet, SpaceCreate, SpaceStatusChange, VisitCreate
from tests.builders import make_park, make_user
from tests.spaces.builders import make_lead, make_space


def _tomorrow(hour: int = 10) -> datetime:
    day = (now_utc() + timedelta(days=1)).astimezone(SHANGHAI).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def test_inventory_tree_and_rollup(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    building = service.create_space(
        session, user=officer, data=SpaceCreate(kind=SpaceKind.building, name="创新中心")
    )
    floor = service.create_space(
        session,
        user=officer,
        data=SpaceCreate(kind=SpaceKind.floor, name="3层", parent_id=building.id),
    )
    for area, status in (("1200", Availability.available), ("800", Availability.occupied)):
        service.create_space(
            session,
            user=officer,
            data=SpaceCreate(
                kind=SpaceKind.unit,
                name=f"单元{area}",
                parent_id=floor.id,
                area_m2=area,
                status=status,
                rent_per_m2_day="1.6",
            ),
        )
    lab = service.create_space(
        session,
        user=officer,
        data=SpaceCreate(
            kind=SpaceKind.lab,
            name="GMP车间",
            parent_id=building.id,
            area_m2="600",
            cleanroom_grade="GMP B",
            floor_load_kn_m2="10",
            ventilation="全新风",
        ),
    )
    assert lab.is_gmp
    totals = service.rollup(session, space=building)
    assert totals["total"] == Decimal(2600)
    assert totals["available"] == Decimal(1800) and totals["occupied"] == Decimal(800)


def test_land_parcel_area_follows_mu(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    land = service.create_space(
        session,
        user=officer,
        data=SpaceCreate(kind=SpaceKind.land, name="A3地块", land_mu="300", zoning="工业用地"),
    )
    assert land.area_m2 == Decimal("200000.00")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": SpaceKind.floor, "name": "孤立楼层"}, "楼层须属于一栋楼"),
        ({"kind": SpaceKind.unit, "name": "无面积"}, "请填写面积"),
        ({"kind": SpaceKind.land, "name": "无亩", "area_m2": "100"}, "地块请填写面积（亩）"),
        (
            {"kind": SpaceKind.unit, "name": "荷载", "area_m2": "10", "floor_load_kn_m2": "5"},
            "实验室",
        ),
        (
            {"kind": SpaceKind.building, "name": "楼", "status": Availability.occupied},
            "由其中的单元决定",
        ),
    ],
)
def test_create_refusals(session: Session, data: dict, message: str) -> None:  # type: ignore[type-arg]
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    with pytest.raises(ValidationFailed, match=message):
        service.create_space(session, user=officer, data=SpaceCreate(**data))


def test_parent_must_fit_and_be_in_the_park(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    land = make_space(session, park, kind=SpaceKind.land, land_mu=Decimal(10))
    foreign = make_space(session, other, kind=SpaceKind.building)
    with pytest.raises(ValidationFailed):
        service.create_space(
            session,
            user=officer,
            data=SpaceCreate(kind=SpaceKind.unit, name="x", area_m2="5", parent_id=land.id),
        )
    with pytest.raises(NotFound):
        service.create_space(
            session,
            user=officer,
            data=SpaceCreate(kind=SpaceKind.unit, name="x", area_m2="5", parent_id=foreign.id),
        )


def test_bad_input_is_refused_by_the_schema() -> None:
    from pydantic import ValidationError

    for bad in ({"area_m2": "-5"}, {"area_m2": "1e400"}, {"cleanroom_grade": "ISO 99"}):
        with pytest.raises(ValidationError):
            SpaceCreate(kind=SpaceKind.lab, name="x", **bad)
    with pytest.raises(ValidationError, match="最小面积不能大于最大面积"):
        NeedSet(area_min_m2="500", area_max_m2="100")


def test_only_investment_staff_and_own_park(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    space = make_space(session, other)
    enterprise = make_user(session, park, Role.enterprise)
    officer = make_user(session, park, Role.investment_officer)
    with pytest.raises(Forbidden):
        service.list_spaces(session, user=enterprise)
    with pytest.raises(NotFound):
        service.get_space(session, user=officer, space_id=space.id)
    assert service.list_spaces(session, user=officer) == []


def test_status_changes_and_refusals(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    unit = make_space(session, park)
    with pytest.raises(ValidationFailed, match="入驻企业"):
        service.set_status(
            session, user=officer, space_id=unit.id, data=SpaceStatusChange(status="已入驻")
        )
    with pytest.raises(Conflict):
        service.set_status(
            session, user=officer, space_id=unit.id, data=SpaceStatusChange(status="可招商")
        )
    service.set_status(
        session,
        user=officer,
        space_id=unit.id,
        data=SpaceStatusChange(status="已入驻", occupant="山城生物"),
    )
    assert unit.status == Availability.occupied and unit.occupant == "山城生物"


def test_matching_follows_kind_area_budget_and_gmp(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    lead = make_lead(session, park)
    gmp = make_space(
        session,
        park,
        kind=SpaceKind.lab,
        area_m2=Decimal(2000),
        cleanroom_grade="GMP C",
        rent_per_m2_day=Decimal("4.00"),
    )
    make_space(
        session,
        park,
        kind=SpaceKind.lab,
        area_m2=Decimal(2000),
        cleanroom_grade="ISO 7",
        rent_per_m2_day=Decimal("3.00"),
    )
    make_space(
        session,
        park,
        kind=SpaceKind.lab,
        area_m2=Decimal(2000),
        cleanroom_grade="GMP B",
        rent_per_m2_day=Decimal("9.00"),
    )
    make_space(
        session,
        park,
        kind=SpaceKind.lab,
        area_m2=Decimal(2000),
        cleanroom_grade="GMP D",
        status=Availability.occupied,
    )
    make_space(session, park, kind=SpaceKind.lab, area_m2=Decimal(90), cleanroom_grade="GMP D")
    assert service.matches_for_lead(session, user=officer, lead_id=lead.id) == []
    service.set_need(
        session,
        user=officer,
        lead_id=lead.id,
        data=NeedSet(
            kind=SpaceKind.lab,
            area_min_m2="1000",
            area_max_m2="3000",
            max_rent_per_m2_day="5",
            gmp_required=True,
        ),
    )
    found = service.matches_for_lead(session, user=officer, lead_id=lead.id)
    assert [m.space.id for m in found] == [gmp.id]
    assert set(found[0].reasons) >= {"类型符合", "GMP符合", "面积符合", "租金在预算内"}


def test_matching_by_intended_land(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    lead = make_lead(session, park, intended_land_mu=Decimal(280))
    big = make_space(
        session, park, kind=SpaceKind.land, land_mu=Decimal(300), area_m2=Decimal(200000)
    )
    make_space(session, park, kind=SpaceKind.land, land_mu=Decimal(40), area_m2=Decimal(26667))
    found = service.matches_for_lead(session, user=officer, lead_id=lead.id)
    assert [m.space.id for m in found] == [big.id]


def test_visit_booking_and_its_refusals(session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    lead = make_lead(session, park)
    unit = make_space(session, park)
    data = VisitCreate(space_id=unit.id, starts_at=_tomorrow(), lead_id=lead.id, visitor="周总")
    visit = service.book_visit(session, user=officer, data=data)
    assert visit.slot_start == _tomorrow()
    # Same hour (even a later minute in it) is refused; the next hour is fine.
    again = data.model_copy(update={"starts_at": _tomorrow() + timedelta(minutes=30)})
    with pytest.raises(Conflict, match="该时段已有预约"):
        service.book_visit(session, user=officer, data=again)
    service.book_visit(
        session, user=officer, data=data.model_copy(update={"starts_at": _tomorrow(11)})
    )
    past = data.model_copy(update={"starts_at": now_utc() - timedelta(hours=1)})
    with pytest.raises(ValidationFailed, match="不能早于现在"):
        service.book_visit(session, user=officer, data=past)
    with pytest.raises(ValidationFailed, match="线索或一个项目"):
        service.book_visit(session, user=officer, data=data.model_copy(update={"lead_id": None}))
    # Cancelling frees the hour.
    service.cancel_visit(session, user=officer, visit_id=visit.id)
    with pytest.raises(Conflict):
        service.cancel_visit(session, user=officer, visit_id=visit.id)
    service.book_visit(session, user=officer, data=data)
    # An occupied space cannot be visited, and occupying it cancels its future visits.
    service.set_status(
        session,
        user=officer,
        space_id=unit.id,
        data=SpaceStatusChange(status="已入驻", occupant="渝康"),
    )
    live = session.scalar(
        select(func.count(SpaceVisit.id)).where(
            SpaceVisit.space_id == unit.id, SpaceVisit.cancelled_at.is_(None)
        )
    )
    assert live == 0
    with pytest.raises(Conflict, match="已入驻"):
        service.book_visit(session, user=officer, data=data)


def test_booking_a_building_or_foreign_lead_is_refused(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    building = make_space(session, park, kind=SpaceKind.building)
    unit = make_space(session, park)
    foreign_lead = make_lead(session, other)
    own_lead = make_lead(session, park)
    with pytest.raises(ValidationFailed):
        service.book_visit(
            session,
            user=officer,
            data=VisitCreate(
                space_id=building.id, starts_at=_tomorrow(), lead_id=own_lead.id, visitor="x"
            ),
        )
    with pytest.raises(NotFound):
        service.book_visit(
            session,
            user=officer,
            data=VisitCreate(
                space_id=unit.id, starts_at=_tomorrow(), lead_id=foreign_lead.id, visitor="x"
            ),
        )
