"""Enterprise requests (诉求) with SLA clocks, their dispatches to departments, SLA settings."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime

CATEGORIES = ("审评审批", "临床试验对接", "市场准入", "融资贷款", "用地", "人才", "其他")


class RequestStatus(enum.StrEnum):
    new = "new"
    responded = "responded"
    planned = "planned"
    dispatched = "dispatched"
    replied = "replied"
    closed = "closed"
    rated = "rated"
    reopened = "reopened"


STATUS_LABELS = {
    RequestStatus.new: "待响应",
    RequestStatus.responded: "已响应",
    RequestStatus.planned: "已制定方案",
    RequestStatus.dispatched: "已派发",
    RequestStatus.replied: "部门已答复",
    RequestStatus.closed: "已办结",
    RequestStatus.rated: "已评价",
    RequestStatus.reopened: "已重新打开",
}

# Clock name -> (due column, done column, escalated column).
CLOCKS = {
    "respond": ("respond_due_at", "responded_at", "respond_escalated_at"),
    "plan": ("plan_due_at", "planned_at", "plan_escalated_at"),
    "close": ("close_due_at", "closed_at", "close_escalated_at"),
}
CLOCK_LABELS = {"respond": "响应", "plan": "方案", "close": "办结", "reply": "部门答复"}


class ServiceRequest(IdMixin, TimestampMixin, ParkMixin, Base):
    __tablename__ = "service_request"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    on_behalf: Mapped[bool] = mapped_column(default=False)
    category: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[RequestStatus] = mapped_column(
        Enum(RequestStatus, native_enum=False, length=20), index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    response: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    respond_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    respond_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    plan_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    plan_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    close_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated: Mapped[bool] = mapped_column(default=False, index=True)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    is_demo: Mapped[bool] = mapped_column(default=False)

    dispatches: Mapped[list[RequestDispatch]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestDispatch.id"
    )


class RequestDispatch(IdMixin, TimestampMixin, Base):
    __tablename__ = "request_dispatch"
    __table_args__ = (
        UniqueConstraint("request_id", "department_id", name="uq_request_dispatch_request_dept"),
    )

    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str | None] = mapped_column(Text)
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reply_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply: Mapped[str | None] = mapped_column(Text)
    replied_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[ServiceRequest] = relationship(back_populates="dispatches")


class SlaSetting(IdMixin, TimestampMixin, ParkMixin, Base):
    """A park's SLA for one category; categories without a row use the defaults."""

    __tablename__ = "sla_setting"
    __table_args__ = (UniqueConstraint("park_id", "category", name="uq_sla_setting_park_category"),)

    category: Mapped[str] = mapped_column(String(20))
    respond_minutes: Mapped[int] = mapped_column(Integer)
    plan_hours: Mapped[int] = mapped_column(Integer)
    close_days: Mapped[int] = mapped_column(Integer)
    reply_days: Mapped[int] = mapped_column(Integer)
