"""Audit log: who changed what and when, as a hash-chained, append-only record.

Each entry carries its place in the chain (`seq`), the hash of the entry before it and
its own hash (see audit/chain.py). The single row of `audit_chain_head` holds the last
seq and hash: appends lock it, and it shows when the newest entries were removed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, UTCDateTime, utcnow


class AuditEntry(IdMixin, Base):
    __tablename__ = "audit_entry"

    park_id: Mapped[int | None] = mapped_column(
        ForeignKey("park.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[int | None] = mapped_column(Integer, index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The chain's one head row (id 1): the last seq and hash; appends lock it."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainCheck(IdMixin, Base):
    """One verification of the chain and what it found."""

    __tablename__ = "audit_chain_check"

    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    entries: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    broken_seq: Mapped[int | None] = mapped_column(Integer)
    broken_entry_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="cli")
