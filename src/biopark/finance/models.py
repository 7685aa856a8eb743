"""Financial products (金融产品), enterprises' financing needs, their referral and outcome."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime

PRODUCT_KINDS = {
    "loan": "银行贷款",
    "guarantee": "融资担保",
    "fund": "产业基金",
    "insurance": "保险",
}
STAGES = ("研发期", "临床期", "产业化期", "成熟期")


class NeedStatus(enum.StrEnum):
    posted = "posted"
    referred = "referred"
    granted = "granted"
    declined = "declined"
    withdrawn = "withdrawn"


NEED_STATUS_LABELS = {
    NeedStatus.posted: "已发布",
    NeedStatus.referred: "已推荐",
    NeedStatus.granted: "已获批",
    NeedStatus.declined: "未获批",
    NeedStatus.withdrawn: "已撤回",
}


class FinanceProduct(IdMixin, TimestampMixin, ParkMixin, Base):
    __tablename__ = "finance_product"
    __table_args__ = (UniqueConstraint("park_id", "name", name="uq_finance_product_park_name"),)

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    provider: Mapped[str] = mapped_column(String(200))
    amount_min: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    amount_max: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    rate_text: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # Validated by policies.rules before storing; evaluated only by rules.evaluate.
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)


class FinancingNeed(IdMixin, TimestampMixin, ParkMixin, Base):
    """An enterprise's financing need, referred to one product and its provider, then decided."""

    __tablename__ = "financing_need"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    amount: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    purpose: Mapped[str] = mapped_column(String(300))
    stage: Mapped[str] = mapped_column(String(20))
    status: Mapped[NeedStatus] = mapped_column(
        Enum(NeedStatus, native_enum=False, length=20), index=True
    )
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("finance_product.id", ondelete="SET NULL"), index=True
    )
    referred_to: Mapped[str | None] = mapped_column(String(200))
    referral_note: Mapped[str | None] = mapped_column(Text)
    referred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    referred_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    granted_amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    granted_by: Mapped[str | None] = mapped_column(String(200))
    decided_on: Mapped[date | None] = mapped_column(Date, index=True)
    decision_note: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(default=False)
