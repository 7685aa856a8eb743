"""API schemas for financial products, financing needs and their referral and outcome."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from biopark.finance.models import PRODUCT_KINDS, STAGES, NeedStatus
from biopark.policies.schemas import check_conditions

Money = Decimal


def _positive(value: Decimal | None, label: str) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or value <= 0 or value > Decimal(10) ** 13:
        raise ValueError(f"{label}应为正数且不超过 10 万亿元")
    return value.quantize(Decimal("0.01"))


def _strip(v: Any) -> Any:
    return v.strip() if isinstance(v, str) else v


def _known_kind(v: str) -> str:
    if v not in PRODUCT_KINDS:
        raise ValueError(f"产品类型须为：{'、'.join(PRODUCT_KINDS.values())}")
    return v


class ProductCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    kind: str
    provider: str = Field(min_length=2, max_length=200)
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    rate_text: str | None = Field(default=None, max_length=200)
    summary: str = Field(default="", max_length=5000)
    conditions: dict[str, Any] = Field(default_factory=lambda: {"all": []})
    active: bool = True

    _trim = field_validator("name", "provider", mode="before")(_strip)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return _known_kind(v)

    @field_validator("conditions", mode="before")
    @classmethod
    def _conditions(cls, v: Any) -> Any:
        return {"all": []} if v is None else check_conditions(v)

    @field_validator("amount_min", "amount_max")
    @classmethod
    def _amounts(cls, v: Decimal | None) -> Decimal | None:
        return _positive(v, "额度")

    @model_validator(mode="after")
    def _range(self) -> ProductCreate:
        if self.amount_min and self.amount_max and self.amount_min > self.amount_max:
            raise ValueError("额度下限不能高于上限")
        return self


# Fields that a partial update may leave out but never set to nothing.
REQUIRED_ON_UPDATE = {"name": "产品名称", "kind": "产品类型", "provider": "提供机构"}


class ProductUpdate(BaseModel):
    """A partial change: only the fields given are changed (an amount or rate given as null is
    cleared); the same checks as ProductCreate, the range checked against the stored values."""

    name: str | None = Field(default=None, min_length=2, max_length=200)
    kind: str | None = None
    provider: str | None = Field(default=None, min_length=2, max_length=200)
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    rate_text: str | None = Field(default=None, max_length=200)
    summary: str | None = Field(default=None, max_length=5000)
    conditions: dict[str, Any] | None = None
    active: bool | None = None

    _trim = field_validator("name", "provider", mode="before")(_strip)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str | None) -> str | None:
        return None if v is None else _known_kind(v)

    @field_validator("conditions", mode="before")
    @classmethod
    def _conditions(cls, v: Any) -> Any:
        return {"all": []} if v is None else check_conditions(v)

    @field_validator("amount_min", "amount_max")
    @classmethod
    def _amounts(cls, v: Decimal | None) -> Decimal | None:
        return _positive(v, "额度")

    @model_validator(mode="after")
    def _given(self) -> ProductUpdate:
        for key, label in REQUIRED_ON_UPDATE.items():
            if key in self.model_fields_set and getattr(self, key) is None:
                raise ValueError(f"{label}不能为空")
        if self.amount_min and self.amount_max and self.amount_min > self.amount_max:
            raise ValueError("额度下限不能高于上限")
        return self


class ProductRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    provider: str
    amount_min: Decimal | None
    amount_max: Decimal | None
    rate_text: str | None
    summary: str
    conditions: dict[str, Any]
    active: bool


class NeedCreate(BaseModel):
    amount: Decimal
    purpose: str = Field(min_length=2, max_length=300)
    stage: str
    enterprise_id: int | None = Field(default=None, description="Staff posting on behalf.")

    @field_validator("amount")
    @classmethod
    def _amount(cls, v: Decimal) -> Decimal:
        out = _positive(v, "融资金额")
        assert out is not None
        return out

    @field_validator("stage")
    @classmethod
    def _stage(cls, v: str) -> str:
        if v not in STAGES:
            raise ValueError(f"发展阶段须为：{'、'.join(STAGES)}")
        return v


class ReferBody(BaseModel):
    product_id: int
    note: str | None = Field(default=None, max_length=2000)


class GrantBody(BaseModel):
    granted_amount: Decimal
    granted_by: str | None = Field(default=None, max_length=200)
    decided_on: date
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("granted_amount")
    @classmethod
    def _amount(cls, v: Decimal) -> Decimal:
        out = _positive(v, "获批金额")
        assert out is not None
        return out


class DeclineBody(BaseModel):
    decided_on: date
    note: str = Field(min_length=2, max_length=2000)


class NeedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    amount: Decimal
    purpose: str
    stage: str
    status: NeedStatus
    posted_at: datetime
    product_id: int | None
    referred_to: str | None
    referred_at: datetime | None
    granted_amount: Decimal | None
    granted_by: str | None
    decided_on: date | None
    decision_note: str | None


class ProductMatchRead(BaseModel):
    product_id: int
    product_name: str
    kind: str
    provider: str
    verdict: str
    unmet: list[str]
    missing_data: list[str]
