"""Information source schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class SourceCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    kind: Literal["rss", "url"] = "rss"
    url: str = Field(min_length=8, max_length=1000)
    interval_minutes: int = Field(default=60, ge=5, le=10080)
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("名称不能为空")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value):
            raise ValueError("地址应以 http:// 或 https:// 开头")
        return value


class SourceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    url: str
    interval_minutes: int
    enabled: bool
    last_polled_at: datetime | None
    last_status: str | None
    last_error: str | None
    items_seen: int


class PollResult(BaseModel):
    source_id: int
    status: str
    new: int
    error: str | None = None
