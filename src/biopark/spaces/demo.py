"""Demo space of the Bio City: land parcels, the innovation centre, a lab building (idempotent)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.investment.models import Lead
from biopark.kit.dates import SHANGHAI, today
from biopark.parks.models import Park
from biopark.spaces.models import M2_PER_MU, Availability, Space, SpaceKind, SpaceNeed, SpaceVisit

A, R, OC = Availability.available, Availability.reserved, Availability.occupied

# (name, 亩, zoning, status, price in yuan, occupant)
PARCELS = [
    ("生物城西区A3地块", "300", "工业用地", A, "75000000", None),
    ("生物城东区C7地块", "120", "工业用地", R, "30000000", None),
    ("生物城科研用地K2地块", "45", "科研用地", A, "15750000", None),
    ("生物城南区B1地块", "80", "工业用地", OC, None, "渝康单抗生产基地"),
]
# Floors of the innovation centre: (floor, [(unit, m², rent per m² per day, status, occupant)])
CENTRE_FLOORS: list[tuple[str, list[tuple[str, str, str, Availability, str | None]]]] = [
    (
        "1层",
        [("101 展示厅", "1800", "2.20", OC, "生物城招商展示中心"), ("102", "950", "2.00", A, None)],
    ),
    ("3层", [("301", "1200", "1.60", OC, "嘉禾细胞科技"), ("302", "2400", "1.60", A, None)]),
    ("5层", [("501", "3000", "1.50", A, None), ("502", "1500", "1.50", R, None)]),
    ("8层", [("801", "5200", "1.40", OC, "巴渝抗体研究院"), ("802", "4800", "1.40", A, None)]),
]
# Labs of the public lab building: (name, m², grade, ventilation, load, rent, status, occupant)
LABS = [
    ("GMP中试车间 L1", "2600", "GMP B", "全新风 ≥ 20 次/小时", "12", "4.50", A, None),
    ("GMP灌装车间 L2", "1800", "GMP C", "≥ 20 次/小时", "10", "4.00", OC, "山城生物制剂"),
    ("细胞治疗洁净室 L3", "900", "GMP D", "≥ 15 次/小时", "8", "3.80", A, None),
    ("分析测试实验室 L4", "650", "ISO 7", "≥ 15 次/小时", "5", "3.00", A, None),
    ("化学合成实验室 L5", "1200", "ISO 8", "通风柜独立排风", "5", "2.60", R, None),
]


def _add(session: Session, park: Park, **values: Any) -> Space:
    space = Space(park_id=park.id, is_demo=True, **values)
    session.add(space)
    session.flush()
    return space


def load(session: Session, *, park: Park) -> None:
    """Create the demo space once; a second load changes nothing."""
    if session.scalar(select(Space.id).where(Space.park_id == park.id, Space.is_demo.is_(True))):
        return
    for name, mu, zoning, status, price, occupant in PARCELS:
        _add(
            session,
            park,
            kind=SpaceKind.land,
            name=name,
            land_mu=Decimal(mu),
            area_m2=(Decimal(mu) * M2_PER_MU).quantize(Decimal("0.01")),
            zoning=zoning,
            status=status,
            sale_price=Decimal(price) if price else None,
            occupant=occupant,
        )
    centre = _add(
        session,
        park,
        kind=SpaceKind.building,
        name="生物城创新中心",
        area_m2=Decimal(100000),
        address="重庆市巴南区生物城大道 8 号",
    )
    for floor_name, units in CENTRE_FLOORS:
        floor = _add(
            session, park, kind=SpaceKind.floor, name=f"创新中心{floor_name}", parent_id=centre.id
        )
        for unit, m2, rent, status, occupant in units:
            _add(
                session,
                park,
                kind=SpaceKind.unit,
                name=f"创新中心{unit}",
                parent_id=floor.id,
                area_m2=Decimal(m2),
                rent_per_m2_day=Decimal(rent),
                floor_load_kn_m2=None,
                status=status,
                occupant=occupant,
            )
    lab_building = _add(
        session,
        park,
        kind=SpaceKind.building,
        name="公共技术服务平台实验楼",
        area_m2=Decimal(24000),
        address="重庆市巴南区生物城大道 16 号",
    )
    for name, m2, grade, vent, load_kn, rent, status, occupant in LABS:
        _add(
            session,
            park,
            kind=SpaceKind.lab,
            name=name,
            parent_id=lab_building.id,
            area_m2=Decimal(m2),
            cleanroom_grade=grade,
            ventilation=vent,
            floor_load_kn_m2=Decimal(load_kn),
            rent_per_m2_day=Decimal(rent),
            status=status,
            occupant=occupant,
        )
    _demo_need(session, park)


def _demo_need(session: Session, park: Park) -> None:
    # One demo lead asks for a GMP workshop and has a visit booked for tomorrow morning.
    lead = session.scalar(
        select(Lead).where(Lead.park_id == park.id, Lead.is_demo.is_(True)).order_by(Lead.id)
    )
    if lead is None:
        return
    session.add(
        SpaceNeed(
            park_id=park.id,
            lead_id=lead.id,
            kind=SpaceKind.lab,
            area_min_m2=Decimal(800),
            area_max_m2=Decimal(3000),
            max_rent_per_m2_day=Decimal("5.00"),
            gmp_required=True,
        )
    )
    workshop = session.scalar(
        select(Space).where(Space.park_id == park.id, Space.name == "GMP中试车间 L1")
    )
    if workshop is not None:
        start = datetime.combine(today() + timedelta(days=1), time(10), SHANGHAI)
        session.add(
            SpaceVisit(
                park_id=park.id,
                space_id=workshop.id,
                starts_at=start,
                slot_start=start,
                lead_id=lead.id,
                visitor=lead.company,
                note="演示：中试车间看房",
            )
        )
    session.flush()
