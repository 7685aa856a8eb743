"""API schemas for the enterprise registry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from stdnum.cn import uscc

from biopark.enterprises.models import CLUSTERS, TAGS


def check_credit_code(value: str | None) -> str | None:
    """Normalise a 统一社会信用代码 and verify its GB 32100 check character."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if not uscc.is_valid(code):
        raise ValueError("统一社会信用代码无效（18 位，校验位不符）")
    return code


class EnterpriseBase(BaseModel):
    short_name: str | None = Field(default=None, max_length=60)
    credit_code: str | None = Field(default=None, max_length=18)
    founded_on: date | None = None
    registered_capital: Decimal | None = Field(default=None, ge=0, max_digits=20, decimal_places=2)
    cluster: str | None = None
    tags: list[str] = Field(default_factory=list, max_length=len(TAGS))
    address: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=5000)

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, v: str | None) -> str | None:
        return check_credit_code(v)

    @field_validator("cluster")
    @classmethod
    def _cluster(cls, v: str | None) -> str | None:
        if v and v not in CLUSTERS:
            raise ValueError(f"产业集群须为：{'、'.join(CLUSTERS)}")
        return v or None

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
