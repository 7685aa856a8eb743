"""Policies with structured eligibility rules, and pushes of matches to enterprises."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime, utcnow

BENEFITS = {
    "subsidy": "资金补贴",
    "loan": "贷款融资",
    "tax": "税收优惠",
    "talent": "人才支持",
    "land": "用地保障",
}
LEVELS = ("国家级", "市级", "区级", "园区")


class Policy(IdMixin, TimestampMixin, ParkMixin, Base):
    __tablename__ = "policy"
    __table_args__ = (UniqueConstraint("park_id", "title", name="uq_policy_park_title"),)

    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(10))
    doc_no: Mapped[str | None] = mapped_column(String(80))
    benefit: Mapped[str] = mapped_column(String(20), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # Validated by policies.rules before storing; evaluated only by rules.evaluate.
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    amount_rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    auto_grant: Mapped[bool] = mapped_column(default=False)
    published: Mapped[bool] = mapped_column(default=True)
    source_url: Mapped[str | None] = mapped_column(String(500))


class PolicyPush(IdMixin, ParkMixin, Base):
    """A commissioner told an enterprise about a policy it matches."""

    __tablename__ = "policy_push"
    __table_args__ = (
        UniqueConstraint("policy_id", "enterprise_id", name="uq_policy_push_policy_enterprise"),
    )

    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    pushed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str | None] = mapped_column(String(300))
