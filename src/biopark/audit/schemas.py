"""API schemas for the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    actor_name: str
    action: str
    entity_type: str
    entity_id: int | None
    changes: dict[str, Any]
    at: datetime
    text: str | None = Field(
        default=None, description="The change as a sentence in the reader's language."
    )
    record: str | None = Field(default=None, description="The record changed, by name.")


class ChainCheckRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    checked_at: datetime
    ok: bool
    entries: int
    last_hash: str
    broken_seq: int | None
    broken_entry_id: int | None
    reason: str | None
    source: str


class ChainStateRead(BaseModel):
    entries: int
    last_hash: str
    last_check: ChainCheckRead | None
