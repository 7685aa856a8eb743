"""API schemas for the enterprise registry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from stdnum.cn import uscc

from biopark.enterprises.models import CLUSTERS, POOLS, PRODUCT_KINDS, REVENUE_BANDS, TAGS


def check_credit_code(value: str | None) -> str | None:
    """Normalise a 统一社会信用代码 and verify its GB 32100 check character."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if not uscc.is_valid(code):
        raise ValueError("统一社会信用代码无效（18 位，校验位不符）")
    return code


def check_cluster(value: str | None) -> str | None:
    """One of the park clusters (生物药, 化学药 …), or None when empty."""
    if value and value not in CLUSTERS:
        raise ValueError(f"产业集群须为：{'、'.join(CLUSTERS)}")
    return value or None


class EnterpriseBase(BaseModel):
    short_name: str | None = Field(default=None, max_length=60)
    credit_code: str | None = Field(default=None, max_length=18)
    founded_on: date | None = None
    registered_capital: Decimal | None = Field(default=None, ge=0, max_digits=20, decimal_places=2)
    cluster: str | None = None
    tags: list[str] = Field(default_factory=list, max_length=len(TAGS))
    address: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    employees: int | None = Field(default=None, ge=0, le=1_000_000)
    rd_spending: Decimal | None = Field(default=None, ge=0, max_digits=20, decimal_places=2)
    revenue_band: str | None = None
    chain_links: list[str] = Field(default_factory=list, max_length=10)

    @field_validator("revenue_band")
    @classmethod
    def _revenue_band(cls, v: str | None) -> str | None:
        if v and v not in REVENUE_BANDS:
            raise ValueError(f"营收区间须为：{'、'.join(REVENUE_BANDS)}")
        return v or None

    @field_validator("chain_links", mode="before")
    @classmethod
    def _chain_links(cls, v: object) -> object:
        if isinstance(v, str):
            v = [p for p in v.replace("，", ",").replace("、", ",").split(",")]
        if isinstance(v, list):
            links = [str(p).strip() for p in v if str(p).strip()]
            if any(len(p) > 40 for p in links):
                raise ValueError("产业链环节名称不超过 40 字")
            return list(dict.fromkeys(links))
        return v

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, v: str | None) -> str | None:
        return check_credit_code(v)

    @field_validator("cluster")
    @classmethod
    def _cluster(cls, v: str | None) -> str | None:
        return check_cluster(v)

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        bad = [t for t in v if t not in TAGS]
        if bad:
            raise ValueError(f"未知标签：{'、'.join(bad)}")
        return sorted(set(v), key=TAGS.index)

    @field_validator("founded_on")
    @classmethod
    def _founded(cls, v: date | None) -> date | None:
        if v and v > date.today():
            raise ValueError("成立日期不能晚于今天")
        return v


class EnterpriseCreate(EnterpriseBase):
    name: str = Field(min_length=2, max_length=200)


class EnterpriseUpdate(EnterpriseBase):
    name: str | None = Field(default=None, min_length=2, max_length=200)


class EnterpriseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    park_id: int
    name: str
    short_name: str | None
    credit_code: str | None
    founded_on: date | None
    registered_capital: Decimal | None
    cluster: str | None
    tags: list[str]
    address: str | None
    description: str | None
    is_demo: bool
    employees: int | None
    rd_spending: Decimal | None
    revenue_band: str | None
    chain_links: list[str]
    commissioner_id: int | None


def _not_future(v: date | None) -> date | None:
    if v and v > date.today():
        raise ValueError("日期不能晚于今天")
    return v


class PoolEntry(BaseModel):
    pool: str
    entered_on: date
    note: str | None = Field(default=None, max_length=300)

    @field_validator("pool")
    @classmethod
    def _pool(cls, v: str) -> str:
        if v not in POOLS:
            raise ValueError(f"培育库须为：{'、'.join(POOLS)}")
        return v

    @field_validator("entered_on")
    @classmethod
    def _entered(cls, v: date) -> date:
        _not_future(v)
        return v


class PoolLeave(BaseModel):
    left_on: date


class PoolRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    pool: str
    entered_on: date
    left_on: date | None
    note: str | None


class ContactCreate(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    title: str | None = Field(default=None, max_length=60)
    phone: str | None = Field(default=None, max_length=30, pattern=r"^[0-9+\- ()]{5,30}$")
    email: str | None = Field(default=None, max_length=120, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    is_primary: bool = False


class ContactRead(ContactCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int


class ProductCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    kind: str = "药品"
    stage: str | None = Field(default=None, max_length=40)
    indication: str | None = Field(default=None, max_length=200)
    approval_no: str | None = Field(default=None, max_length=60)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in PRODUCT_KINDS:
            raise ValueError(f"类别须为：{'、'.join(PRODUCT_KINDS)}")
        return v


class ProductRead(ProductCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int


class PlanUpdate(BaseModel):
    goals: str = Field(default="", max_length=5000)
    measures: str = Field(default="", max_length=5000)


class FollowUpCreate(BaseModel):
    happened_on: date
    note: str = Field(min_length=1, max_length=2000)
    next_step: str | None = Field(default=None, max_length=300)
    due_on: date | None = None

    @field_validator("happened_on")
    @classmethod
    def _happened(cls, v: date) -> date:
        _not_future(v)
        return v


class FollowUpRead(FollowUpCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int


class PlanRead(BaseModel):
    goals: str
    measures: str
    follow_ups: list[FollowUpRead]


class CommissionerAssign(BaseModel):
    commissioner_id: int | None
