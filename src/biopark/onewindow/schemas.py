"""一窗综办 schemas: catalogue items, material checks, submissions and parts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from biopark.onewindow.models import MaterialKind, PartStatus


class MaterialIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    kind: MaterialKind
    source: str = Field(min_length=1, max_length=120)


class ItemCreate(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=2, max_length=200)
    category: str = Field(default="", max_length=40)
    description: str = Field(default="", max_length=2000)
    zero_material: bool = False
    time_limit_days: int = Field(default=5, ge=1, le=365)
    department_ids: list[int] = Field(min_length=1, max_length=21)
    materials: list[MaterialIn] = Field(default_factory=list, max_length=30)


class ItemUpdate(BaseModel):
    """A partial change: only the fields given are changed."""

    code: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    name: str | None = Field(default=None, min_length=2, max_length=200)
    category: str | None = Field(default=None, max_length=40)
    description: str | None = Field(default=None, max_length=2000)
    zero_material: bool | None = None
    time_limit_days: int | None = Field(default=None, ge=1, le=365)
    department_ids: list[int] | None = Field(default=None, min_length=1, max_length=21)
    materials: list[MaterialIn] | None = Field(default=None, max_length=30)
    active: bool | None = None


class ImportReport(BaseModel):
    """What an import did (or, on a dry run, would do)."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]
    dry_run: bool = False


class MaterialRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    kind: MaterialKind
    source: str


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    category: str
    description: str
    zero_material: bool
    time_limit_days: int
    department_ids: list[int]
    active: bool
    materials: list[MaterialRead]


class MaterialCheck(BaseModel):
    """One material for one enterprise: on file (reused) or still to upload."""

    name: str
    kind: MaterialKind
    source: str
    on_file: bool
    detail: str = ""
    document_id: int | None = None


class SubmissionCreate(BaseModel):
    item_id: int
    note: str = Field(default="", max_length=2000)


class PartAction(BaseModel):
    action: Literal["start", "approve", "return", "reject"]
    note: str = Field(default="", max_length=2000)


class ResubmitBody(BaseModel):
    note: str = Field(default="", max_length=2000)


class PartRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    submission_id: int
    department_id: int
    status: PartStatus
    note: str
    acted_at: datetime | None


class SubmissionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    enterprise_id: int
    item_id: int
    status: PartStatus
    note: str
    materials: list[dict[str, object]]
    submitted_at: datetime
    closed_at: datetime | None
    parts: list[PartRead]
