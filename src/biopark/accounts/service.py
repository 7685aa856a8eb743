"""Users, passwords (argon2), API tokens and the login rate limit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import ApiToken, LoginAttempt, Role, User
from biopark.accounts.schemas import UserCreate
from biopark.audit import service as audit
from biopark.config import get_settings
from biopark.errors import Conflict, NotFound, RateLimited, ValidationFailed
from biopark.kit.models import utcnow
from biopark.parks.models import Department, Park

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(session: Session, *, park: Park, data: UserCreate, actor: User | None) -> User:
    """Create a user of the park, checking the role's ties to an enterprise or department."""
    from biopark.enterprises.models import Enterprise

    if session.scalar(select(User.id).where(User.username == data.username)):
        raise Conflict(f"用户名 {data.username} 已存在", en=f"User {data.username} exists")
    if data.role == Role.enterprise:
        ent = session.get(Enterprise, data.enterprise_id) if data.enterprise_id else None
        if ent is None or ent.park_id != park.id:
            raise ValidationFailed(
                "企业用户必须关联本园区的一家企业", en="An enterprise user needs an enterprise"
            )
    if data.role == Role.department:
        dept = session.get(Department, data.department_id) if data.department_id else None
        if dept is None or dept.park_id != park.id:
            raise ValidationFailed(
                "部门用户必须关联本园区的一个部门", en="A department user needs a department"
            )
    user = User(
        park_id=park.id,
        username=data.username,
        display_name=data.display_name,
        password_hash=hash_password(data.password),
        role=data.role,
        enterprise_id=data.enterprise_id if data.role == Role.enterprise else None,
        department_id=data.department_id if data.role == Role.department else None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity_type="user",
        entity_id=user.id,
        park_id=park.id,
        changes={"username": user.username, "role": user.role},
    )
    return user


def set_password(session: Session, *, user: User, password: str, actor: User | None) -> None:
    """Replace a user's password."""
    if len(password) < 8:
        raise ValidationFailed("密码至少 8 位", en="Password needs at least 8 characters")
    user.password_hash = hash_password(password)
    audit.record(
        session,
        actor=actor,
        action="set_password",
        entity_type="user",
        entity_id=user.id,
        park_id=user.park_id,
    )


def _check_rate_limit(session: Session, *, username: str, address: str) -> None:
    settings = get_settings()
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    failures = session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.at >= since,
            LoginAttempt.succeeded.is_(False),
            (LoginAttempt.username == username) | (LoginAttempt.address == address),
        )
    )
    if (failures or 0) >= settings.login_max_failures:
        raise RateLimited(
            f"登录失败次数过多，请 {settings.login_window_minutes} 分钟后再试",
            en="Too many failed sign-ins; try again later",
        )


def authenticate(session: Session, *, username: str, password: str, address: str) -> User | None:
    """Check credentials under the rate limit and record the attempt; None when they are wrong.

    Returning None instead of raising lets the caller commit the failed attempt,
    which the rate limit counts.
    """
    username = username.strip()[:60]
    _check_rate_limit(session, username=username, address=address)
    user = session.scalar(select(User).where(User.username == username))
    ok = user is not None and user.active and verify_password(user.password_hash, password)
    session.add(LoginAttempt(username=username, address=address, succeeded=ok, at=utcnow()))
    if not ok or user is None:
        return None
    user.last_login_at = utcnow()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, *, user: User, name: str = "api") -> tuple[str, ApiToken]:
    """A new bearer token for the user; only its hash is stored."""
    plain = "bp_" + secrets.token_urlsafe(32)
    days = get_settings().token_max_age_days
    token = ApiToken(
        user_id=user.id,
        token_hash=_digest(plain),
        name=name,
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    return plain, token


def user_for_token(session: Session, *, token: str) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked or row.expires_at < utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def revoke_token(session: Session, *, token: str) -> None:
    """Revoke a token (idempotent)."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is not None:
        row.revoked = True


def get_user(session: Session, *, park_id: int, user_id: int) -> User:
    """A user of the park."""
    user = session.get(User, user_id)
    if user is None or user.park_id != park_id:
        raise NotFound()
    return user


def list_users(session: Session, *, park_id: int) -> list[User]:
    """All users of the park, by username."""
    return list(
        session.scalars(select(User).where(User.park_id == park_id).order_by(User.username))
    )
