"""Leads, projects, stage changes, visits, funds in place and annual targets."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime, utcnow


class Stage(enum.StrEnum):
    lead = "线索"
    negotiating = "洽谈"
    signed = "签约"
    registered = "入库"
    construction = "开工"
    production = "投产"
    terminated = "终止"


# The forward order; 终止 stands outside it.
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.lead,
    Stage.negotiating,
    Stage.signed,
    Stage.registered,
    Stage.construction,
    Stage.production,
)
OPEN_STAGES = frozenset(STAGE_ORDER[:-1])
# Stages at or beyond 入库: a project here counts as 签约入库.
REGISTERED_OR_LATER = frozenset(STAGE_ORDER[3:])

# The project's milestone date column set when it reaches each stage.
STAGE_DATE_FIELD = {
    Stage.signed: "signed_on",
    Stage.registered: "registered_on",
    Stage.construction: "started_on",
    Stage.production: "produced_on",
}


class LeadStatus(enum.StrEnum):
    new = "待联系"
    contacted = "已联系"
    qualified = "已转项目"
    closed = "已关闭"


OPEN_LEAD_STATUSES = frozenset({LeadStatus.new, LeadStatus.contacted})

LEAD_SOURCES = ("qr", "manual", "import", "event", "referral")

_stage = Enum(Stage, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e])
_status = Enum(
    LeadStatus, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]
)


class Lead(IdMixin, TimestampMixin, ParkMixin, Base):
    """A consultation or tip: the first contact is due within N working hours."""

    __tablename__ = "investment_lead"
    __table_args__ = (Index("ix_investment_lead_park_status_due", "park_id", "status", "due_at"),)

    source: Mapped[str] = mapped_column(String(20), default="manual")
    company: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(20))
    industry: Mapped[str | None] = mapped_column(String(100))
    chain: Mapped[str | None] = mapped_column(String(100))
    chain_link: Mapped[str | None] = mapped_column(String(100))
    intended_investment: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    intended_land_mu: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[LeadStatus] = mapped_column(_status, default=LeadStatus.new)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    team: Mapped[str | None] = mapped_column(String(100))
    next_action: Mapped[str | None] = mapped_column(String(300))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_contact_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_reason: Mapped[str | None] = mapped_column(String(300))
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("investment_project.id", ondelete="SET NULL"), index=True
    )
    is_demo: Mapped[bool] = mapped_column(default=False)


class Project(IdMixin, TimestampMixin, ParkMixin, Base):
    """An investment project moving through the stages, with money and milestone dates."""

    __tablename__ = "investment_project"
    __table_args__ = (
        Index("ix_investment_project_park_registered", "park_id", "registered_on"),
        Index("ix_investment_project_park_stage", "park_id", "stage"),
        Index("ix_investment_project_park_due", "park_id", "due_on"),
    )

    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    stage: Mapped[Stage] = mapped_column(_stage, default=Stage.lead)
    terminated_reason: Mapped[str | None] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    team: Mapped[str | None] = mapped_column(String(100), index=True)
    chain: Mapped[str | None] = mapped_column(String(100), index=True)
    chain_link: Mapped[str | None] = mapped_column(String(100))
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), index=True
    )
    site: Mapped[str | None] = mapped_column(String(200))
    land_mu: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    agreed_investment: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    next_action: Mapped[str | None] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    expected_sign_on: Mapped[date | None] = mapped_column(Date)
    expected_start_on: Mapped[date | None] = mapped_column(Date)
    expected_production_on: Mapped[date | None] = mapped_column(Date)
    signed_on: Mapped[date | None] = mapped_column(Date)
    registered_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    produced_on: Mapped[date | None] = mapped_column(Date)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)


class StageChange(IdMixin, ParkMixin, Base):
    """One stage transition: from, to, effective date, who, when, and why."""

    __tablename__ = "investment_stage_change"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("investment_project.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[Stage | None] = mapped_column(_stage)
    to_stage: Mapped[Stage] = mapped_column(_stage)
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(300))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Visit(IdMixin, TimestampMixin, ParkMixin, Base):
    """A negotiation visit (洽谈拜访)."""

    __tablename__ = "investment_visit"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("investment_project.id", ondelete="CASCADE"), index=True
    )
    visited_on: Mapped[date] = mapped_column(Date)
    people: Mapped[str] = mapped_column(String(300))
    place: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(String(300))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))


class FundsEntry(IdMixin, TimestampMixin, ParkMixin, Base):
    """Funds that arrived on a date; a project's funds in place is the running sum."""

    __tablename__ = "investment_funds_entry"
    __table_args__ = (Index("ix_investment_funds_entry_park_on", "park_id", "received_on"),)

    project_id: Mapped[int] = mapped_column(
        ForeignKey("investment_project.id", ondelete="CASCADE"), index=True
    )
    received_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    note: Mapped[str | None] = mapped_column(String(300))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))


class TargetScope(enum.StrEnum):
    park = "park"
    team = "team"
    chain = "chain"


class Target(IdMixin, TimestampMixin, ParkMixin, Base):
    """Annual targets of a park, a chain-leader team or a chain."""

    __tablename__ = "investment_target"
    __table_args__ = (
        UniqueConstraint("park_id", "year", "scope", "scope_value", name="uq_investment_target"),
    )

    year: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(10), default=TargetScope.park.value)
    scope_value: Mapped[str] = mapped_column(String(100), default="")
    projects: Mapped[int | None] = mapped_column(Integer)
    agreed_investment: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    funds_in_place: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))


class ConsultAttempt(IdMixin, Base):
    """A public form post, kept to rate-limit by address (stored as a keyed hash)."""

    __tablename__ = "investment_consult_attempt"

    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
