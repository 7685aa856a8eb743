"""API schemas of the investment pipeline; money is accepted as people write it."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from biopark.investment.models import LEAD_SOURCES, LeadStatus, Stage, TargetScope
from biopark.kit.dates import SHANGHAI
from biopark.kit.money import parse_cny

_MAX_YUAN = Decimal(10) ** 18
_PHONE = re.compile(r"1[3-9]\d{9}")


def to_money(value: Any) -> Decimal | None:
    """'102亿元', '3,000万元', '1.5亿', 1500 -> Decimal yuan, exact to the fen."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("金额格式不对")
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace("，", ",")
        if re.fullmatch(r"[\d,]+(\.\d+)?", text):
            amount = Decimal(text.replace(",", ""))
        else:
            try:
                amount = parse_cny(text)
            except ValueError:
                raise ValueError(
                    f"无法识别的金额：{value}（示例：102亿元、3,000万元、1.5亿）"
                ) from None
    else:
        raise ValueError("金额格式不对")
    if amount < 0:
        raise ValueError("金额不能为负数")
    if amount >= _MAX_YUAN:
        raise ValueError("金额过大")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("金额最多精确到分")
    return amount.quantize(Decimal("0.01"))


def to_mu(value: Any) -> Decimal | None:
    """Land in 亩: '300', '300亩', 12.5."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().removesuffix("亩").strip().replace(",", "")
    try:
        mu = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"用地面积应为数字（亩）：{value}") from None
    if not mu.is_finite() or mu < 0 or mu >= Decimal(10) ** 9:
        raise ValueError("用地面积不在合理范围")
    if mu != mu.quantize(Decimal("0.01")):
        raise ValueError("用地面积最多两位小数")
    return mu.quantize(Decimal("0.01"))


def to_phone(value: Any) -> str:
    """A mainland mobile number: 11 digits starting with 1, spaces/dashes/+86 allowed."""
    text = re.sub(r"[\s\-()]", "", str(value or ""))
    text = re.sub(r"^(\+?86)", "", text)
    if not _PHONE.fullmatch(text):
        raise ValueError("请输入有效的 11 位手机号码")
    return text


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _aware(value: datetime | None) -> datetime | None:
    """A time without a zone is read as Asia/Shanghai, the park's local time."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=SHANGHAI)
    return value


LocalDateTime = Annotated[datetime | None, AfterValidator(_aware)]
Money = Annotated[Decimal | None, BeforeValidator(to_money)]
Mu = Annotated[Decimal | None, BeforeValidator(to_mu)]
Phone = Annotated[str, BeforeValidator(to_phone)]
Text = Annotated[str | None, BeforeValidator(_strip)]


class ConsultationCreate(BaseModel):
    """The public QR form."""

    company: str = Field(min_length=2, max_length=200)
    contact_name: str = Field(min_length=1, max_length=60)
    phone: Phone
    industry: Annotated[str | None, Field(max_length=100)] = None
    chain_link: Annotated[str | None, Field(max_length=100)] = None
    intended_investment: Money = None
    intended_land_mu: Mu = None
    message: Annotated[str | None, Field(max_length=2000)] = None

    @field_validator("company", "contact_name", mode="before")
    @classmethod
    def _trim(cls, v: Any) -> Any:
        return v.strip() if isinstance(v, str) else v


class LeadCreate(ConsultationCreate):
    source: str = "manual"
    chain: Annotated[str | None, Field(max_length=100)] = None
    owner_id: int | None = None
    team: Annotated[str | None, Field(max_length=100)] = None
    next_action: Annotated[str | None, Field(max_length=300)] = None
    due_at: LocalDateTime = None

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        if v not in LEAD_SOURCES:
            raise ValueError(f"来源须为：{'、'.join(LEAD_SOURCES)}")
        return v


class LeadUpdate(BaseModel):
    owner_id: int | None = None
    team: Annotated[str | None, Field(max_length=100)] = None
    chain: Annotated[str | None, Field(max_length=100)] = None
    chain_link: Annotated[str | None, Field(max_length=100)] = None
    next_action: Annotated[str | None, Field(max_length=300)] = None
    due_at: LocalDateTime = None
    intended_investment: Money = None
    intended_land_mu: Mu = None


class LeadClose(BaseModel):
    reason: str = Field(min_length=2, max_length=300)


class LeadQualify(BaseModel):
    name: Annotated[str | None, Field(max_length=200)] = None
    owner_id: int | None = None
    next_action: str = Field(min_length=2, max_length=300)
    due_on: date


class LeadRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    park_id: int
    source: str
    company: str
    contact_name: str
    phone: str
    industry: str | None
    chain: str | None
    chain_link: str | None
    intended_investment: Decimal | None
    intended_land_mu: Decimal | None
    message: str | None
    status: LeadStatus
    owner_id: int | None
    team: str | None
    next_action: str | None
    due_at: datetime | None
    first_contact_due_at: datetime | None
    first_contacted_at: datetime | None
    closed_reason: str | None
    project_id: int | None
    is_demo: bool
    created_at: datetime
    owner_name: str | None = None
    sla_hours_left: float | None = Field(
        default=None, description="Working hours left to the first contact (negative: overdue)."
    )


class ProjectBase(BaseModel):
    company: Annotated[str | None, Field(max_length=200)] = None
    owner_id: int | None = None
    team: Annotated[str | None, Field(max_length=100)] = None
    chain: Annotated[str | None, Field(max_length=100)] = None
    chain_link: Annotated[str | None, Field(max_length=100)] = None
    enterprise_id: int | None = None
    site: Annotated[str | None, Field(max_length=200)] = None
    land_mu: Mu = None
    agreed_investment: Money = None
    next_action: Annotated[str | None, Field(max_length=300)] = None
    due_on: date | None = None
    expected_sign_on: date | None = None
    expected_start_on: date | None = None
    expected_production_on: date | None = None
    notes: Annotated[str | None, Field(max_length=5000)] = None


class ProjectCreate(ProjectBase):
    name: str = Field(min_length=2, max_length=200)


class ProjectUpdate(ProjectBase):
    name: Annotated[str | None, Field(min_length=2, max_length=200)] = None


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    park_id: int
    name: str
    company: str | None
    stage: Stage
    terminated_reason: str | None
    owner_id: int | None
    owner_name: str | None = None
    team: str | None
    chain: str | None
    chain_link: str | None
    enterprise_id: int | None
    site: str | None
    land_mu: Decimal | None
    agreed_investment: Decimal | None
    funds_in_place: Decimal = Decimal(0)
    next_action: str | None
    due_on: date | None
    expected_sign_on: date | None
    expected_start_on: date | None
    expected_production_on: date | None
    signed_on: date | None
    registered_on: date | None
    started_on: date | None
    produced_on: date | None
    terminated_on: date | None
    notes: str | None
    is_demo: bool
    created_at: datetime


class StageChangeCreate(BaseModel):
    stage: Stage
    effective_on: date | None = None
    reason: Annotated[str | None, Field(max_length=300)] = None


class StageChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_stage: Stage | None
    to_stage: Stage
    effective_on: date
    reason: str | None
    actor_name: str
    at: datetime


class VisitCreate(BaseModel):
    visited_on: date
    people: str = Field(min_length=1, max_length=300)
    place: Annotated[str | None, Field(max_length=200)] = None
    notes: Annotated[str | None, Field(max_length=5000)] = None
    next_step: Annotated[str | None, Field(max_length=300)] = None
    next_due_on: date | None = Field(
        default=None, description="When set with next_step, becomes the project's next action."
    )


class VisitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    visited_on: date
    people: str
    place: str | None
    notes: str | None
    next_step: str | None
    created_at: datetime


class FundsCreate(BaseModel):
    received_on: date
    amount: Annotated[Decimal, BeforeValidator(to_money)]
    note: Annotated[str | None, Field(max_length=300)] = None

    @field_validator("amount")
    @classmethod
    def _positive(cls, v: Decimal) -> Decimal:
        if v is None or v <= 0:
            raise ValueError("到位金额须大于零")
        return v


class FundsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    received_on: date
    amount: Decimal
    note: str | None
    cumulative: Decimal = Decimal(0)


class TargetSet(BaseModel):
    year: int = Field(ge=2000, le=2100)
    scope: TargetScope = TargetScope.park
    scope_value: Annotated[str, Field(max_length=100)] = ""
    projects: int | None = Field(default=None, ge=0, le=100000)
    agreed_investment: Money = None
    funds_in_place: Money = None

    @field_validator("scope_value", mode="before")
    @classmethod
    def _value(cls, v: Any) -> str:
        return (v or "").strip() if isinstance(v, str | None) else v


class TargetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    year: int
    scope: str
    scope_value: str
    projects: int | None
    agreed_investment: Decimal | None
    funds_in_place: Decimal | None


class MonthRow(BaseModel):
    month: int
    signed_projects: int
    agreed_investment: Decimal
    funds_in_place: Decimal
    cum_signed_projects: int
    cum_agreed_investment: Decimal
    cum_funds_in_place: Decimal
    funds_in_place_rate: Decimal | None = Field(
        description="Cumulative funds in place ÷ cumulative agreed investment, in %."
    )


class Progress(BaseModel):
    projects_pct: Decimal | None
    agreed_investment_pct: Decimal | None
    funds_in_place_pct: Decimal | None


class YearStats(BaseModel):
    park_id: int
    year: int
    month_to: int
    team: str | None = None
    chain: str | None = None
    signed_projects: int = Field(description="签约入库项目: reached 入库 (or later) in the period.")
    agreed_investment: Decimal
    funds_in_place: Decimal
    funds_in_place_rate: Decimal | None
    target: TargetRead | None
    progress: Progress
    months: list[MonthRow]
    stage_counts: dict[str, int]
    overdue: int


class OverdueItem(BaseModel):
    kind: str
    id: int
    title: str
    owner_id: int | None
    owner_name: str | None
    team: str | None
    next_action: str | None
    due: datetime | date | None
    overdue: bool


class ImportReport(BaseModel):
    imported: int
    errors: list[str]


class LeadContact(BaseModel):
    next_action: str = Field(min_length=2, max_length=300)
    due_at: Annotated[datetime, AfterValidator(_aware)]


class ConsultationPost(ConsultationCreate):
    """The public form as JSON; `website` is a honeypot that people never fill."""

    website: str | None = Field(default=None, max_length=200)


class ConsultationReceipt(BaseModel):
    lead_id: int | None
    message: str
    first_contact_due_at: datetime | None


class TimelineItem(BaseModel):
    """One dated event of a project: a change, a stage move, a visit or funds received."""

    on: date
    at: datetime | None = None
    kind: str
    title: str
    detail: str | None = None
    actor: str | None = None
