"""API schemas for policies and matches."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from biopark.policies import rules
from biopark.policies.models import BENEFITS, LEVELS


def check_conditions(value: Any) -> dict[str, Any]:
    """Validate a rule and return it in canonical JSON (raises ValueError in Chinese)."""
    return rules.to_json(rules.parse(value))


def check_amount(value: Any) -> dict[str, Any] | None:
    """Validate an amount rule and return its canonical JSON."""
    return rules.amount_to_json(rules.parse_amount(value))


class PolicyBase(BaseModel):
    issuer: str | None = Field(default=None, min_length=2, max_length=120)
    level: str | None = None
    doc_no: str | None = Field(default=None, max_length=80)
    benefit: str | None = None
    summary: str | None = Field(default=None, max_length=5000)
    valid_from: date | None = None
    valid_to: date | None = None
    conditions: dict[str, Any] | None = None
    amount_rule: dict[str, Any] | None = None
    auto_grant: bool | None = None
    published: bool | None = None
    source_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://\S+$")

    @field_validator("level")
    @classmethod
    def _level(cls, v: str | None) -> str | None:
        if v is not None and v not in LEVELS:
            raise ValueError(f"层级须为：{'、'.join(LEVELS)}")
        return v

    @field_validator("benefit")
    @classmethod
    def _benefit(cls, v: str | None) -> str | None:
        if v is not None and v not in BENEFITS:
            raise ValueError(f"扶持方式须为：{'、'.join(BENEFITS)}")
        return v

    @field_validator("conditions", mode="before")
    @classmethod
    def _conditions(cls, v: Any) -> Any:
        return None if v is None else check_conditions(v)

    @field_validator("amount_rule", mode="before")
    @classmethod
    def _amount(cls, v: Any) -> Any:
        return check_amount(v)

    @model_validator(mode="after")
    def _window(self) -> PolicyBase:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("有效期截止不能早于开始")
        return self


class PolicyCreate(PolicyBase):
    title: str = Field(min_length=4, max_length=200)
    issuer: str = Field(min_length=2, max_length=120)
    level: str = "区级"
    benefit: str = "subsidy"
    summary: str = Field(default="", max_length=5000)
    valid_from: date
    conditions: dict[str, Any] = Field(default_factory=lambda: {"all": []})
    auto_grant: bool = False
    published: bool = True


class PolicyUpdate(PolicyBase):
    title: str | None = Field(default=None, min_length=4, max_length=200)


class PolicyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    park_id: int
    title: str
    issuer: str
    level: str
    doc_no: str | None
    benefit: str
    summary: str
    valid_from: date
    valid_to: date | None
    conditions: dict[str, Any]
    amount_rule: dict[str, Any] | None
    auto_grant: bool
    published: bool
    source_url: str | None


class MatchRead(BaseModel):
    enterprise_id: int
    enterprise_name: str
    policy_id: int
    policy_title: str
    benefit: str
    auto_grant: bool
    verdict: rules.Verdict
    unmet: list[str]
    missing_data: list[str]
    amount: Decimal | None
    amount_text: str
    pushed_at: datetime | None


class PushCreate(BaseModel):
    policy_id: int
    enterprise_id: int
    note: str | None = Field(default=None, max_length=300)


class ConditionCheck(BaseModel):
    conditions: dict[str, Any]
