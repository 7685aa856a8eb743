"""The enterprise registry (一企一档 core)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Date, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin

TAGS = ("高新技术企业", "专精特新", "龙头企业", "关键配套", "上市")
CLUSTERS = ("生物药", "化学药", "现代中药", "医疗器械", "其他")


class Enterprise(IdMixin, TimestampMixin, ParkMixin, Base):
    __tablename__ = "enterprise"
    __table_args__ = (
        UniqueConstraint("park_id", "name", name="uq_enterprise_park_name"),
        UniqueConstraint("park_id", "credit_code", name="uq_enterprise_park_credit_code"),
    )

    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(60), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18))
    founded_on: Mapped[date | None] = mapped_column(Date)
    registered_capital: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    cluster: Mapped[str | None] = mapped_column(String(20), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    address: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)
