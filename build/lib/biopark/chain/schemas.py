"""API schemas for the industry chain."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from biopark.chain.graph import STREAMS
from biopark.enterprises.schemas import check_cluster
from biopark.pipeline.models import MODALITIES

CODE_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"


class LinkBase(BaseModel):
    name_en: str | None = Field(default=None, max_length=100)
    parent_code: str | None = Field(default=None, max_length=40)
    cluster: str | None = None
    needs: list[str] = Field(default_factory=list, max_length=20)
    needs_leader: bool = False
    min_enterprises: int = Field(default=1, ge=0, le=1000)
    modalities: list[str] = Field(default_factory=list, max_length=len(MODALITIES))
    description: str | None = Field(default=None, max_length=2000)

    @field_validator("cluster")
    @classmethod
    def _cluster(cls, v: str | None) -> str | None:
        return check_cluster(v)

    @field_validator("modalities")
    @classmethod
    def _modalities(cls, v: list[str]) -> list[str]:
        bad = [m for m in v if m not in MODALITIES]
        if bad:
            raise ValueError(f"未知药物类型：{'、'.join(bad)}")
        return list(dict.fromkeys(v))


class LinkCreate(LinkBase):
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=2, max_length=60)
    stream: str

    @field_validator("stream")
    @classmethod
    def _stream(cls, v: str) -> str:
        if v not in STREAMS:
            raise ValueError("环节须属上游(up)、中游(mid)或下游(down)")
        return v


class LinkUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=60)
    name_en: str | None = Field(default=None, max_length=100)
    needs: list[str] | None = Field(default=None, max_length=20)
    needs_leader: bool | None = None
    min_enterprises: int | None = Field(default=None, ge=0, le=1000)
    description: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=300)


class ReasonRead(BaseModel):
    code: str
    zh: str
    en: str
    points: int


class LinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    parent_code: str | None
    name: str
    name_en: str | None
    stream: str
    cluster: str | None
    needs: list[str]
    needs_leader: bool
    min_enterprises: int
    modalities: list[str]


class LinkCoverage(LinkRead):
    enterprises: int
    leaders: int
    drugs: int
    projects: int
    score: int
    level: str
    reasons: list[ReasonRead]


class MapRead(BaseModel):
    id: int
    name: str
    version: int
    links: list[LinkCoverage]


class PlacedEnterprise(BaseModel):
    enterprise_id: int
    name: str
    short_name: str | None
    cluster: str | None
    is_leader: bool


class NewsDocument(BaseModel):
    id: int
    title: str


class CandidateRead(BaseModel):
    """An imported candidate (id set), or one seen in the news (source "news", id None)."""

    model_config = ConfigDict(from_attributes=True)

    id: int | None
    link_id: int
    name: str
    region: str | None
    reason: str | None
    contact: str | None
    source: str
    mentions: int | None = None
    document_id: int | None = None
    documents: list[NewsDocument] = []


class LinkDetail(BaseModel):
    link: LinkCoverage
    enterprises: list[PlacedEnterprise]
    drugs: list[DrugBrief]
    candidates: list[CandidateRead]


class DrugBrief(BaseModel):
    id: int
    name: str
    code: str | None
    company: str | None
    modality: str
    stage: str


class PlacementCreate(BaseModel):
    enterprise_id: int
    is_leader: bool = False
    note: str | None = Field(default=None, max_length=300)


class GapRead(BaseModel):
    link: LinkCoverage
    candidates: list[CandidateRead]


class ImportResult(BaseModel):
    created: int
    updated: int
    batch: str


class VersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    note: str | None
    actor_name: str
    links: list[dict[str, object]]


class ClusterRead(BaseModel):
    cluster: str
    enterprises: int
    leaders: int
    links: list[str]
    drugs_in_research: int
    drugs_on_market: int


LinkDetail.model_rebuild()
