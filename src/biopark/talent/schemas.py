"""API schemas for talent services, applications, events and registrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from biopark.policies.schemas import check_conditions
from biopark.talent.models import EDUCATION, EVENT_KINDS, SERVICE_KINDS, AppStatus

PHONE = r"^[0-9+\- ]{5,30}$"


def _strip(v: Any) -> Any:
    return v.strip() if isinstance(v, str) else v


def _known_kind(v: str) -> str:
    if v not in SERVICE_KINDS:
        raise ValueError(f"服务类型须为：{'、'.join(SERVICE_KINDS.values())}")
    return v


class ServiceCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    kind: str
    provider: str = Field(min_length=2, max_length=200)
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


REQUIRED_ON_UPDATE = {"name": "服务名称", "kind": "服务类型", "provider": "受理部门"}


class ServiceUpdate(BaseModel):
    """A partial change: only the fields given are changed, with the same checks as create."""

    name: str | None = Field(default=None, min_length=2, max_length=200)
    kind: str | None = None
    provider: str | None = Field(default=None, min_length=2, max_length=200)
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

    @model_validator(mode="after")
    def _given(self) -> ServiceUpdate:
        for key, label in REQUIRED_ON_UPDATE.items():
            if key in self.model_fields_set and getattr(self, key) is None:
                raise ValueError(f"{label}不能为空")
        return self


class ServiceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    provider: str
    summary: str
    conditions: dict[str, Any]
    active: bool


class ApplicationCreate(BaseModel):
    service_id: int
    applicant_name: str = Field(min_length=2, max_length=60)
    applicant_title: str | None = Field(default=None, max_length=60)
    education: str | None = None
    phone: str | None = Field(default=None, pattern=PHONE)
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("education")
    @classmethod
    def _education(cls, v: str | None) -> str | None:
        if v is not None and v not in EDUCATION:
            raise ValueError(f"学历须为：{'、'.join(EDUCATION)}")
        return v


class DecisionBody(BaseModel):
    note: str | None = Field(default=None, max_length=2000)


class ApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    service_id: int
    status: AppStatus
    applicant_name: str
    applicant_title: str | None
    education: str | None
    phone: str | None
    enterprise_snapshot: dict[str, Any]
    submitted_at: datetime
    respond_due_at: datetime
    accepted_at: datetime | None
    close_due_at: datetime
    closed_at: datetime | None
    decision_note: str | None


class EventCreate(BaseModel):
    title: str = Field(min_length=4, max_length=200)
    kind: str
    starts_at: datetime
    location: str = Field(min_length=2, max_length=200)
    capacity: int = Field(ge=1, le=10_000)
    summary: str = Field(default="", max_length=5000)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in EVENT_KINDS:
            raise ValueError(f"活动类型须为：{'、'.join(EVENT_KINDS)}")
        return v

    @field_validator("starts_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("开始时间须带时区")
        return v


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    kind: str
    starts_at: datetime
    location: str
    capacity: int
    summary: str


class RegistrationCreate(BaseModel):
    attendee_name: str = Field(min_length=2, max_length=60)
    phone: str | None = Field(default=None, pattern=PHONE)


class RegistrationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    enterprise_id: int
    attendee_name: str
    phone: str | None
