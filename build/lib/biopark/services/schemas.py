"""Request (诉求) schemas for the API and the forms."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from biopark.kit.pagination import Page
from biopark.services.models import CATEGORIES, RequestStatus


def _category(value: str) -> str:
    if value not in CATEGORIES:
        raise ValueError("类别应为：" + "、".join(CATEGORIES))
    return value


class RequestCreate(BaseModel):
    category: str
    title: str = Field(min_length=2, max_length=200)
    content: str = Field(min_length=2, max_length=5000)
    contact: str | None = Field(default=None, max_length=100)
    # Needed when a commissioner submits on an enterprise's behalf; ignored for enterprise users.
    enterprise_id: int | None = None

    _check_category = field_validator("category")(_category)


class RespondBody(BaseModel):
    note: str = Field(min_length=1, max_length=2000)


class PlanBody(BaseModel):
    plan: str = Field(min_length=1, max_length=5000)


class DispatchBody(BaseModel):
    department_ids: list[int] = Field(min_length=1, max_length=21)
    note: str | None = Field(default=None, max_length=2000)


class ReplyBody(BaseModel):
    reply: str = Field(min_length=1, max_length=5000)


class CloseBody(BaseModel):
    resolution: str = Field(min_length=1, max_length=5000)


class RateBody(BaseModel):
    satisfaction: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


class SlaUpdate(BaseModel):
    respond_minutes: int = Field(ge=1, le=60 * 24 * 10)
    plan_hours: int = Field(ge=1, le=24 * 30)
    close_days: int = Field(ge=1, le=120)
    reply_days: int = Field(ge=1, le=120)


class SlaRead(SlaUpdate):
    model_config = ConfigDict(from_attributes=True)

    category: str


class DispatchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    department_id: int
    note: str | None
    dispatched_at: datetime
    reply_due_at: datetime
    replied_at: datetime | None
    reply: str | None
    escalated_at: datetime | None


class RequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    category: str
    title: str
    content: str
    contact: str | None
    status: RequestStatus
    on_behalf: bool
    submitted_at: datetime
    response: str | None
    plan: str | None
    resolution: str | None
    respond_due_at: datetime | None
    responded_at: datetime | None
    plan_due_at: datetime | None
    planned_at: datetime | None
    close_due_at: datetime | None
    closed_at: datetime | None
    escalated: bool
    satisfaction: int | None
    rating_comment: str | None
    reopen_count: int
    dispatches: list[DispatchRead]


RequestPage = Page[RequestRead]


class StatRowRead(BaseModel):
    key: str
    label: str
    total: int
    done: int
    on_time: int
    overdue: int
    on_time_rate: str | None
    rated: int
    satisfaction: str | None
