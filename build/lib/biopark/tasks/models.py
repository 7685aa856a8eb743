"""Key tasks of the coordination mechanism (打表推进): lead, co-departments, milestones, reports."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from biopark.kit.dates import SHANGHAI
from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime


def today_local() -> date:
    """Today's date in Asia/Shanghai (deadlines are local dates)."""
    return datetime.now(SHANGHAI).date()


TASK_CATEGORIES = ("编制产业发展规划", "政策落实", "项目建设", "市场主体培育", "要素保障", "其他")


class TaskStatus(enum.StrEnum):
    """Stored status; 逾期 (overdue) is derived from the deadline, never stored."""

    not_started = "not_started"
    in_progress = "in_progress"
    done = "done"


STATUS_LABELS = {
    "not_started": "未开始",
    "in_progress": "推进中",
    "done": "已完成",
    "overdue": "逾期",
}


class CoordTask(IdMixin, TimestampMixin, ParkMixin, Base):
    __tablename__ = "coord_task"
    __table_args__ = (UniqueConstraint("park_id", "title", name="uq_coord_task_park_title"),)

    category: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    lead_department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    start_on: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[TaskStatus] = mapped_column(
        Enum(TaskStatus, native_enum=False, length=20), index=True
    )
    progress: Mapped[int] = mapped_column(Integer, default=0)
    completed_on: Mapped[date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(default=False)

    partners: Mapped[list[TaskPartner]] = relationship(
        cascade="all, delete-orphan", order_by="TaskPartner.id"
    )
    milestones: Mapped[list[TaskMilestone]] = relationship(
        cascade="all, delete-orphan", order_by="TaskMilestone.due_on"
    )
    reports: Mapped[list[ProgressReport]] = relationship(
        cascade="all, delete-orphan",
        order_by="(ProgressReport.reported_at.desc(), ProgressReport.id.desc())",
    )

    def status_on(self, today: date) -> str:
        """未开始/推进中/已完成, or 逾期 when unfinished past the deadline."""
        if self.status != TaskStatus.done and self.deadline < today:
            return "overdue"
        return self.status.value

    @property
    def effective_status(self) -> str:
        """The status as of today in Asia/Shanghai."""
        return self.status_on(today_local())

    @property
    def partner_ids(self) -> list[int]:
        return [p.department_id for p in self.partners]


class TaskPartner(IdMixin, Base):
    """A cooperating department (配合单位) of a task."""

    __tablename__ = "task_partner"
    __table_args__ = (
        UniqueConstraint("task_id", "department_id", name="uq_task_partner_task_dept"),
    )

    task_id: Mapped[int] = mapped_column(
        ForeignKey("coord_task.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), index=True
    )


class TaskMilestone(IdMixin, TimestampMixin, Base):
    __tablename__ = "task_milestone"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("coord_task.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class ProgressReport(IdMixin, Base):
    __tablename__ = "progress_report"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("coord_task.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(100))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    progress: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
