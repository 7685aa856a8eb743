"""Users, API tokens and login attempts."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, TimestampMixin, UTCDateTime


class Role(enum.StrEnum):
    admin = "admin"
    leader = "leader"
    investment_officer = "investment_officer"
    commissioner = "commissioner"
    department = "department"
    enterprise = "enterprise"
    analyst = "analyst"


ROLE_LABELS = {
    Role.admin: "管理员",
    Role.leader: "领导",
    Role.investment_officer: "招商专员",
    Role.commissioner: "服务专员",
    Role.department: "市级部门",
    Role.enterprise: "入驻企业",
    Role.analyst: "情报分析员",
}


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "app_user"

    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(5), default="zh")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Base32 TOTP secret once the user has enrolled a second factor.
    totp_secret: Mapped[str | None] = mapped_column(String(64))


@dataclass(frozen=True)
class UserView:
    """What pages need of the signed-in user, safe to use after the session ends."""

    id: int
    park_id: int
    username: str
    display_name: str
    role: Role
    enterprise_id: int | None
    department_id: int | None

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(
            id=user.id,
            park_id=user.park_id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            enterprise_id=user.enterprise_id,
            department_id=user.department_id,
        )


class ApiToken(IdMixin, TimestampMixin, Base):
    __tablename__ = "api_token"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="api")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginAttempt(IdMixin, Base):
    __tablename__ = "login_attempt"

    username: Mapped[str] = mapped_column(String(60), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class UserSession(IdMixin, Base):
    """A signed-in browser: the cookie holds the key, only its hash is stored.

    Being a row, it can be ended by sign-out or by a password change, and its idle
    and absolute ages are checked on every request.
    """

    __tablename__ = "user_session"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
