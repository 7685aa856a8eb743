"""Information sources (信息源): RSS feeds and pages polled on their own schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime

KINDS = ("rss", "url")
KIND_LABELS = {"rss": "RSS 订阅", "url": "网页"}


class Source(IdMixin, TimestampMixin, ParkMixin, Base):
    __tablename__ = "feed_source"
    __table_args__ = (UniqueConstraint("park_id", "url", name="uq_feed_source_park_url"),)

    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(String(1000))
    interval_minutes: Mapped[int] = mapped_column(Integer, default=60)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[str | None] = mapped_column(String(20))
    last_error: Mapped[str | None] = mapped_column(String(500))
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
