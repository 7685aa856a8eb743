"""Talent services (人才科创), applications with SLA clocks, talent events and registrations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime

SERVICE_KINDS = {
    "recognition": "人才认定",
    "housing": "住房补贴",
    "schooling": "子女入学",
    "medical": "就医保障",
    "startup": "创业扶持",
}
EDUCATION = ("博士", "硕士", "本科", "其他")
EVENT_KINDS = ("招聘会", "路演", "沙龙", "培训")
# The SLA category (services.sla) whose clocks talent applications use.
SLA_CATEGORY = "人才"


class AppStatus(enum.StrEnum):
    submitted = "submitted"
    accepted = "accepted"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"


APP_STATUS_LABELS = {
    AppStatus.submitted: "待受理",
    AppStatus.accepted: "已受理",
    AppStatus.approved: "已通过",
    AppStatus.rejected: "未通过",
    AppStatus.withdrawn: "已撤回",
}


class TalentService(IdMixin, TimestampMixin, ParkMixin, Base):
    __tablename__ = "talent_service"
    __table_args__ = (UniqueConstraint("park_id", "name", name="uq_talent_service_park_name"),)

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    provider: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # Validated by policies.rules before storing; evaluated only by rules.evaluate.
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)


class TalentApplication(IdMixin, TimestampMixin, ParkMixin, Base):
    """An application for a talent service, its form pre-filled from the enterprise file."""

    __tablename__ = "talent_application"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("talent_service.id", ondelete="CASCADE"), index=True
    )
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    status: Mapped[AppStatus] = mapped_column(
        Enum(AppStatus, native_enum=False, length=20), index=True
    )
    applicant_name: Mapped[str] = mapped_column(String(60))
    applicant_title: Mapped[str | None] = mapped_column(String(60))
    education: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(30))
    # What the enterprise file said when the application was made.
    enterprise_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    respond_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When an overdue clock was escalated to the park's leaders (once per clock).
    respond_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)


class TalentEvent(IdMixin, TimestampMixin, ParkMixin, Base):
    __tablename__ = "talent_event"

    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    location: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)


class EventRegistration(IdMixin, TimestampMixin, ParkMixin, Base):
    __tablename__ = "talent_registration"
    __table_args__ = (
        UniqueConstraint(
            "event_id", "enterprise_id", "attendee_name", name="uq_talent_registration_attendee"
        ),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("talent_event.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    attendee_name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(30))
