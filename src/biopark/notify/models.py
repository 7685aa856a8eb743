"""Notices (the in-app inbox), their deliveries per channel, preferences and group robots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime, utcnow

INAPP, EMAIL, WECOM, DINGTALK, FEISHU = "inapp", "email", "wecom", "dingtalk", "feishu"
ROBOTS = (WECOM, DINGTALK, FEISHU)
# Channels a user can choose in the preferences; the inbox always gets every notice.
CHANNELS = (EMAIL, *ROBOTS)
CHANNEL_LABELS = {INAPP: "站内", EMAIL: "邮件", WECOM: "企业微信", DINGTALK: "钉钉", FEISHU: "飞书"}

IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"
MODES = (IMMEDIATE, DIGEST, OFF)
MODE_LABELS = {IMMEDIATE: "即时", DIGEST: "每日汇总", OFF: "不发送"}

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"

KIND_LABELS = {
    "lead_new": "新线索",
    "request_dispatched": "诉求派发",
    "task_assigned": "任务交办",
    "sla_escalation": "诉求超时升级",
    "project_overdue": "项目逾期",
    "task_overdue": "任务逾期",
    "followup_due": "一企一策跟进到期",
    "feed_failed": "信息源抓取失败",
    "monthly_report": "月报",
    "finance_need": "融资需求进展",
    "talent_application": "人才服务申请进展",
    "digest": "每日汇总",
    "onewindow_submitted": "一窗综办新件",
    "onewindow_status": "一窗综办进度",
}


class Notice(IdMixin, ParkMixin, Base):
    """One message to one user; the dedupe key makes the same event notify once."""

    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key", name="uq_notice_user_dedupe"),
        Index("ix_notice_user_read", "user_id", "read_at"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Delivery(IdMixin, Base):
    """A notice on one channel: claimed before sending, so it is sent at most once."""

    __tablename__ = "notice_delivery"
    __table_args__ = (
        UniqueConstraint("notice_id", "channel", name="uq_notice_delivery_notice_channel"),
        Index("ix_notice_delivery_status_next", "status", "next_attempt_at"),
    )

    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NotifyPreference(IdMixin, Base):
    """How a user wants notices of a kind ('*' = every kind) on a channel."""

    __tablename__ = "notify_preference"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "channel", name="uq_notify_preference_user_kind_chan"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))


class NotifyProfile(IdMixin, Base):
    """Where e-mail notices go for a user (accounts keep no address)."""

    __tablename__ = "notify_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str | None] = mapped_column(String(200))


class Robot(IdMixin, TimestampMixin, ParkMixin, Base):
    """A park's group-robot webhook on 企业微信, 钉钉 or 飞书 (optional signing secret)."""

    __tablename__ = "notify_robot"
    __table_args__ = (UniqueConstraint("park_id", "channel", name="uq_notify_robot_park_channel"),)

    channel: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
