"""API schemas for the drug pipeline."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from biopark.kit.dates import today
from biopark.pipeline.models import (
    CURRENCIES,
    DEAL_CURRENCIES,
    DEAL_KINDS,
    MODALITIES,
    REGIONS,
)
from biopark.pipeline.stages import Stage


def _modality(v: str | None) -> str | None:
    if v is not None and v not in MODALITIES:
        raise ValueError(f"药物类型须为：{'、'.join(MODALITIES)}")
    return v


def _not_future(v: date | None) -> date | None:
    if v and v > today():
        raise ValueError("日期不能晚于今天")
    return v


class DrugBase(BaseModel):
    code: str | None = Field(default=None, max_length=40)
    enterprise_id: int | None = None
    company_name: str | None = Field(default=None, max_length=200)
    target: str | None = Field(default=None, max_length=120)
    indication: str | None = Field(default=None, max_length=300)
    notes: str | None = Field(default=None, max_length=5000)


class DrugCreate(DrugBase):
    name: str = Field(min_length=2, max_length=120)
    modality: str
    stage: Stage = Stage.preclinical
    stage_since: date | None = None
    scope: str = Field(default="park", pattern="^(park|city)$")

    @field_validator("scope", mode="before")
    @classmethod
    def _scope(cls, v: object) -> object:
        return "park" if v is None else v

    @field_validator("modality")
    @classmethod
    def _v_modality(cls, v: str | None) -> str | None:
        return _modality(v)

    @field_validator("stage_since")
    @classmethod
    def _v_stage_since(cls, v: date | None) -> date | None:
        return _not_future(v)

    @model_validator(mode="after")
    def _company(self) -> DrugCreate:
        if self.enterprise_id is None and not (self.company_name or "").strip():
            raise ValueError("须选择园区企业或填写企业名称")
        if self.stage == Stage.discontinued:
            raise ValueError("新药物不能以“终止”状态登记")
        return self


class DrugUpdate(DrugBase):
    name: str | None = Field(default=None, min_length=2, max_length=120)
    modality: str | None = None

    @field_validator("modality")
    @classmethod
    def _v_modality(cls, v: str | None) -> str | None:
        return _modality(v)


class StageChange(BaseModel):
    stage: Stage
    occurred_on: date
    reason: str | None = Field(default=None, max_length=500)
    source_title: str | None = Field(default=None, max_length=300)
    source_url: str | None = Field(default=None, max_length=1000)
    source_person: str | None = Field(default=None, max_length=100)

    @field_validator("occurred_on")
    @classmethod
    def _v_occurred_on(cls, v: date | None) -> date | None:
        return _not_future(v)


class SourceFields(BaseModel):
    source_title: str | None = Field(default=None, max_length=300)
    source_url: str | None = Field(default=None, max_length=1000)
    source_document_id: int | None = Field(default=None, ge=1)
    source_person: str | None = Field(default=None, max_length=100)

    @field_validator("source_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError("来源链接须以 http:// 或 https:// 开头")
        return v


class MilestoneCreate(SourceFields):
    occurred_on: date
    title: str = Field(min_length=2, max_length=300)

    @field_validator("occurred_on")
    @classmethod
    def _v_occurred_on(cls, v: date | None) -> date | None:
        return _not_future(v)

    @model_validator(mode="after")
    def _has_source(self) -> MilestoneCreate:
        if not (
            self.source_title or self.source_url or self.source_document_id or self.source_person
        ):
            raise ValueError("里程碑须注明来源（文件标题、链接或提供人）")
        return self


class MilestoneRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    drug_id: int
    occurred_on: date
    title: str
    stage: Stage | None
    reason: str | None
    source_title: str | None
    source_url: str | None
    source_document_id: int | None
    source_person: str | None
    actor_name: str


class DealCreate(BaseModel):
    partner: str = Field(min_length=2, max_length=200)
    territory: str | None = Field(default=None, max_length=200)
    upfront: Decimal | None = Field(default=None, ge=0, max_digits=20, decimal_places=2)
    total: Decimal | None = Field(default=None, ge=0, max_digits=20, decimal_places=2)
    currency: str = "CNY"
    signed_on: date | None = None
    source_title: str | None = Field(default=None, max_length=300)
    source_url: str | None = Field(default=None, max_length=1000)

    @field_validator("signed_on")
    @classmethod
    def _v_signed_on(cls, v: date | None) -> date | None:
        return _not_future(v)

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        v = v.strip().upper()
        if v not in CURRENCIES:
            raise ValueError("币种须为 CNY 或 USD")
        return v

    @model_validator(mode="after")
    def _amounts(self) -> DealCreate:
        if self.upfront is not None and self.total is not None and self.upfront > self.total:
            raise ValueError("首付款不能大于总金额")
        return self


class DealRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    drug_id: int
    partner: str
    territory: str | None
    upfront: Decimal | None
    total: Decimal | None
    currency: str
    signed_on: date | None
    source_title: str | None
    source_url: str | None


class DrugRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    park_id: int
    name: str
    code: str | None
    enterprise_id: int | None
    company_name: str | None
    modality: str
    target: str | None
    indication: str | None
    stage: Stage
    stage_since: date | None
    scope: str
    is_demo: bool


class DrugDetail(DrugRead):
    milestones: list[MilestoneRead]
    deals: list[DealRead]


class FunnelRow(BaseModel):
    stage: Stage
    label: str
    count: int


class Funnel(BaseModel):
    scope: str
    in_research: int
    clinical: int
    on_market: int
    discontinued: int
    stages: list[FunnelRow]


class FunnelPair(BaseModel):
    park: Funnel
    city: Funnel


class TimelineEntry(BaseModel):
    occurred_on: date
    drug_id: int
    drug_name: str
    title: str
    stage: Stage | None


class ProposalCreate(SourceFields):
    drug_id: int
    source_text: str = Field(min_length=2, max_length=5000)
    title: str = Field(min_length=2, max_length=300)
    event_type: str | None = Field(default=None, max_length=40)
    proposed_stage: Stage | None = None
    proposed_on: date | None = None


class ProposalDecision(BaseModel):
    note: str | None = Field(default=None, max_length=500)
    occurred_on: date | None = None


class ProposalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    drug_id: int
    source_text: str
    source_title: str | None
    source_url: str | None
    source_document_id: int | None
    event_type: str | None
    title: str
    proposed_stage: Stage | None
    proposed_on: date | None
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    milestone_id: int | None


class DealDecision(BaseModel):
    """An analyst's acceptance of a proposed deal, with optional corrections."""

    party_a: str | None = Field(default=None, min_length=2, max_length=200)
    party_b: str | None = Field(default=None, min_length=2, max_length=200)
    territory: str | None = Field(default=None, max_length=200)
    modality: str | None = None
    upfront: Decimal | None = Field(default=None, ge=0, max_digits=20, decimal_places=2)
    total: Decimal | None = Field(default=None, ge=0, max_digits=20, decimal_places=2)
    currency: str | None = None
    signed_on: date | None = None
    note: str | None = Field(default=None, max_length=500)

    _v_modality = field_validator("modality")(_modality)
    _v_signed_on = field_validator("signed_on")(_not_future)

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = v.strip().upper()
        if v not in DEAL_CURRENCIES:
            raise ValueError(f"币种须为：{'、'.join(DEAL_CURRENCIES)}")
        return v

    @model_validator(mode="after")
    def _amounts(self) -> DealDecision:
        if self.upfront is not None and self.total is not None and self.upfront > self.total:
            raise ValueError("首付款不能大于总金额")
        return self


class DealFilters(BaseModel):
    """Filters of the deal table; amount bounds in 万元 (CNY at indicative rates)."""

    partner: str | None = Field(default=None, max_length=100)
    kind: str | None = None
    modality: str | None = None
    region: str | None = None
    upfront_min: Decimal | None = Field(default=None, ge=0)
    upfront_max: Decimal | None = Field(default=None, ge=0)
    total_min: Decimal | None = Field(default=None, ge=0)
    total_max: Decimal | None = Field(default=None, ge=0)
    year: int | None = Field(default=None, ge=1990, le=2100)
    sort: str = "signed_on"
    desc: bool = True

    @field_validator("kind", "modality", "region")
    @classmethod
    def _known(cls, v: str | None) -> str | None:
        if v and v not in {*DEAL_KINDS, *MODALITIES, *REGIONS}:
            raise ValueError("未知选项")
        return v or None


class DealRecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    status: str
    party_a: str | None
    party_b: str | None
    drug_id: int | None
    asset: str | None
    modality: str | None
    territory: str | None
    region: str | None
    upfront: Decimal | None
    total: Decimal | None
    currency: str
    signed_on: date | None
    source_document_id: int | None
    source_title: str | None
    source_url: str | None
    source_sentence: str | None
    decided_by: str | None
