"""The enterprise registry and file (一企一档): pools, contacts, products, the plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin

TAGS = ("高新技术企业", "专精特新", "龙头企业", "关键配套", "上市")
CLUSTERS = ("生物药", "化学药", "现代中药", "医疗器械", "其他")
POOLS = ("龙头企业", "专精特新", "高新技术企业", "关键配套", "上市后备")
REVENUE_BANDS = ("2000万元以下", "2000万-1亿元", "1亿-5亿元", "5亿-20亿元", "20亿元以上")
PRODUCT_KINDS = ("药品", "在研药物", "医疗器械", "原料/中间体", "服务", "其他")


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
    # None means "not known", which the policy rules report instead of guessing.
    employees: Mapped[int | None] = mapped_column(Integer)
    rd_spending: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    revenue_band: Mapped[str | None] = mapped_column(String(20))
    chain_links: Mapped[list[str]] = mapped_column(JSON, default=list)
    # use_alter: app_user.enterprise_id points back here, a cycle the metadata must break.
    commissioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL", use_alter=True), index=True
    )


class EnterprisePool(IdMixin, TimestampMixin, ParkMixin, Base):
    """Membership of a cultivation pool (培育库) from a date, until it is left."""

    __tablename__ = "enterprise_pool"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    pool: Mapped[str] = mapped_column(String(20), index=True)
    entered_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300))


class EnterpriseContact(IdMixin, TimestampMixin, ParkMixin, Base):
    __tablename__ = "enterprise_contact"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(60))
    title: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))
    is_primary: Mapped[bool] = mapped_column(default=False)


class EnterpriseProduct(IdMixin, TimestampMixin, ParkMixin, Base):
    """A product or drug of the enterprise (marketed or in development)."""

    __tablename__ = "enterprise_product"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str | None] = mapped_column(String(40))
    indication: Mapped[str | None] = mapped_column(String(200))
    approval_no: Mapped[str | None] = mapped_column(String(60))


class EnterprisePlan(IdMixin, TimestampMixin, ParkMixin, Base):
    """The one-company plan (一企一策): goals and measures."""

    __tablename__ = "enterprise_plan"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), unique=True
    )
    goals: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")


class PlanFollowUp(IdMixin, TimestampMixin, ParkMixin, Base):
    """A dated follow-up of the plan, with the next step and its due date."""

    __tablename__ = "plan_follow_up"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    happened_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
