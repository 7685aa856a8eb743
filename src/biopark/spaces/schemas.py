"""API and form schemas of the space inventory, needs and visit bookings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from biopark.investment.schemas import Money, Mu
from biopark.kit.dates import SHANGHAI
from biopark.spaces.models import CLEANROOM_GRADES, ZONINGS, Availability, SpaceKind


def _positive(limit: int) -> Any:
    def check(value: Any) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip().replace(",", "").removesuffix("m²").removesuffix("㎡")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"应为数字：{value}") from None
        if not number.is_finite() or number < 0 or number >= Decimal(10) ** limit:
            raise ValueError("数值不在合理范围")
        if number != number.quantize(Decimal("0.01")):
            raise ValueError("最多两位小数")
        return number.quantize(Decimal("0.01"))

    return check


Area = Annotated[Decimal | None, BeforeValidator(_positive(10))]
Rent = Annotated[Decimal | None, BeforeValidator(_positive(6))]
Load = Annotated[Decimal | None, BeforeValidator(_positive(3))]


def _choice(options: tuple[str, ...], label: str) -> Any:
    def check(value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if value not in options:
            raise ValueError(f"{label}须为：{'、'.join(options)}")
        return str(value)

    return check


class SpaceCreate(BaseModel):
    kind: SpaceKind
    name: str = Field(min_length=1, max_length=200)
    parent_id: int | None = None
    status: Availability = Availability.available
    area_m2: Area = None
    land_mu: Mu = None
    zoning: Annotated[str | None, BeforeValidator(_choice(ZONINGS, "用地性质"))] = None
    rent_per_m2_day: Rent = None
    sale_price: Money = None
    cleanroom_grade: Annotated[
        str | None, BeforeValidator(_choice(CLEANROOM_GRADES, "洁净等级"))
    ] = None
    ventilation: Annotated[str | None, Field(max_length=100)] = None
    floor_load_kn_m2: Load = None
    address: Annotated[str | None, Field(max_length=200)] = None
    occupant: Annotated[str | None, Field(max_length=200)] = None
    notes: Annotated[str | None, Field(max_length=2000)] = None

    @model_validator(mode="after")
    def _land_area(self) -> SpaceCreate:
        # A parcel is sized in 亩; its area in m² follows when not given.
        if self.kind == SpaceKind.land and self.area_m2 is None and self.land_mu is not None:
            from biopark.spaces.models import M2_PER_MU

            self.area_m2 = (self.land_mu * M2_PER_MU).quantize(Decimal("0.01"))
        return self


class SpaceStatusChange(BaseModel):
    status: Availability
    occupant: Annotated[str | None, Field(max_length=200)] = None


class SpaceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    park_id: int
    kind: SpaceKind
    name: str
    parent_id: int | None
    status: Availability
    area_m2: Decimal | None
    land_mu: Decimal | None
    zoning: str | None
    rent_per_m2_day: Decimal | None
    sale_price: Decimal | None
    cleanroom_grade: str | None
    ventilation: str | None
    floor_load_kn_m2: Decimal | None
    address: str | None
    occupant: str | None
    is_demo: bool


class NeedSet(BaseModel):
    kind: SpaceKind | None = None
    area_min_m2: Area = None
    area_max_m2: Area = None
    max_rent_per_m2_day: Rent = None
    max_sale_price: Money = None
    gmp_required: bool = False

    @model_validator(mode="after")
    def _range(self) -> NeedSet:
        if (
            self.area_min_m2 is not None
            and self.area_max_m2 is not None
            and self.area_min_m2 > self.area_max_m2
        ):
            raise ValueError("最小面积不能大于最大面积")
        return self


class NeedRead(NeedSet):
    model_config = ConfigDict(from_attributes=True)

    lead_id: int


class MatchRead(BaseModel):
    space: SpaceRead
    score: int
    reasons: list[str]


def _local(value: datetime) -> datetime:
    # A time typed without a zone is the park's local time.
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value


class VisitCreate(BaseModel):
    space_id: int
    starts_at: Annotated[datetime, AfterValidator(_local)]
    lead_id: int | None = None
    project_id: int | None = None
    visitor: str = Field(min_length=1, max_length=200)
    note: Annotated[str | None, Field(max_length=300)] = None


class VisitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    space_id: int
    starts_at: datetime
    lead_id: int | None
    project_id: int | None
    visitor: str
    note: str | None
    cancelled_at: datetime | None
