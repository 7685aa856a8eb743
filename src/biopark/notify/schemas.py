"""Notification API schemas."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class NoticeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    title: str
    url: str
    created_at: datetime
    read_at: datetime | None


class NoticeList(BaseModel):
    items: list[NoticeRead]
    unread: int
    total: int


class ReadAll(BaseModel):
    marked: int
    unread: int
