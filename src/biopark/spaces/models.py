"""Space inventory (buildings, floors, units, labs, land), leads' space needs and visit bookings."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime


class SpaceKind(enum.StrEnum):
    building = "楼栋"
    floor = "楼层"
    unit = "单元"
    lab = "实验室"
    land = "地块"


class Availability(enum.StrEnum):
    available = "可招商"
    reserved = "已预留"
    occupied = "已入驻"


# Kinds that are let or sold on their own; buildings and floors only group them.
LETTABLE = (SpaceKind.unit, SpaceKind.lab, SpaceKind.land)
# Where each kind may sit: a floor in a building, a unit or lab on a floor or in a building.
PARENT_KINDS = {
    SpaceKind.building: (),
    SpaceKind.land: (),
    SpaceKind.floor: (SpaceKind.building,),
    SpaceKind.unit: (SpaceKind.floor, SpaceKind.building),
    SpaceKind.lab: (SpaceKind.floor, SpaceKind.building),
}
CLEANROOM_GRADES = ("ISO 5", "ISO 6", "ISO 7", "ISO 8", "GMP A", "GMP B", "GMP C", "GMP D")
ZONINGS = ("工业用地", "科研用地", "商业用地", "仓储用地")
# One 亩 is 10000/15 square metres.
M2_PER_MU = Decimal(10000) / Decimal(15)

_kind = Enum(
    SpaceKind, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]
)
_avail = Enum(
    Availability, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]
)


class Space(IdMixin, TimestampMixin, ParkMixin, Base):
    """One piece of the park's space; units and labs hang under floors or buildings."""

    __tablename__ = "space"
    __table_args__ = (Index("ix_space_park_kind_status", "park_id", "kind", "status"),)

    kind: Mapped[SpaceKind] = mapped_column(_kind)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("space.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[Availability] = mapped_column(_avail, default=Availability.available)
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    land_mu: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    zoning: Mapped[str | None] = mapped_column(String(20))
    # Rent in yuan per m² per day, or a sale price in yuan; either or both.
    rent_per_m2_day: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    sale_price: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    cleanroom_grade: Mapped[str | None] = mapped_column(String(10))
    ventilation: Mapped[str | None] = mapped_column(String(100))
    floor_load_kn_m2: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    address: Mapped[str | None] = mapped_column(String(200))
    occupant: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def is_gmp(self) -> bool:
        return bool(self.cleanroom_grade and self.cleanroom_grade.startswith("GMP"))


class SpaceNeed(IdMixin, TimestampMixin, ParkMixin, Base):
    """What space an investment lead asks for: kind, area range, budget and GMP."""

    __tablename__ = "space_need"

    lead_id: Mapped[int] = mapped_column(
        ForeignKey("investment_lead.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[SpaceKind | None] = mapped_column(_kind)
    area_min_m2: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    area_max_m2: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    max_rent_per_m2_day: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    max_sale_price: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    gmp_required: Mapped[bool] = mapped_column(Boolean, default=False)


class SpaceVisit(IdMixin, TimestampMixin, ParkMixin, Base):
    """A one-hour visit of a lead or a project to one space.

    `slot_start` is cleared on cancellation, so the unique pair (space, slot) holds only
    live bookings and the database itself refuses a second booking of the same hour.
    """

    __tablename__ = "space_visit"
    __table_args__ = (UniqueConstraint("space_id", "slot_start", name="uq_space_visit_slot"),)

    space_id: Mapped[int] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("investment_lead.id", ondelete="SET NULL"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("investment_project.id", ondelete="SET NULL"), index=True
    )
    visitor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(300))
    booked_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    space: Mapped[Space] = relationship(lazy="joined")
