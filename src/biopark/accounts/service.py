"""Users, passwords (argon2), API tokens and the login rate limit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts import totp
from biopark.accounts.models import ApiToken, LoginAttempt, Role, User
from biopark.accounts.passwords import check_password
from biopark.accounts.schemas import UserCreate
from biopark.accounts.sessions import end_other_sessions
from biopark.audit import service as audit
from biopark.audit.models import AuditEntry
from biopark.config import get_settings
from biopark.errors import Conflict, NotFound, RateLimited, ValidationFailed
from biopark.kit.locks import lock_key
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
    check_password(data.password, username=data.username)
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


def set_password(
    session: Session,
    *,
    user: User,
    password: str,
    actor: User | None,
    keep_session_key: str | None = None,
) -> None:
    """Replace a user's password and end every other session and API token of the user."""
    check_password(password, username=user.username)
    user.password_hash = hash_password(password)
    ended = end_other_sessions(session, user=user, keep_key=keep_session_key)
    audit.record(
        session,
        actor=actor,
        action="set_password",
        entity_type="user",
        entity_id=user.id,
        park_id=user.park_id,
        changes={"sessions_ended": ended},
    )


def _failures(session: Session, *, since: datetime, **match: str) -> tuple[int, datetime | None]:
    conditions = [getattr(LoginAttempt, k) == v for k, v in match.items()]
    count, last = session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.at)).where(
            LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False), *conditions
        )
    ).one()
    return int(count or 0), last


def _check_rate_limit(session: Session, *, username: str, address: str, now: datetime) -> None:
    """Refuse when this (user, address) pair or this address has failed too often."""
    settings = get_settings()
    since = now - timedelta(minutes=settings.login_window_minutes)
    minutes = settings.login_window_minutes
    pair, last = _failures(session, since=since, username=username, address=address)
    if pair >= settings.login_max_failures:
        raise RateLimited(
            f"登录失败次数过多，请 {minutes} 分钟后再试",
            en=f"Too many failed sign-ins; try again in {minutes} minutes",
        )
    if pair >= 2 and last is not None:
        # Progressive: 2 s after the second failure, then 4 s, 8 s ...
        wait = timedelta(seconds=2 ** (pair - 1)) - (now - last)
        if wait > timedelta(0):
            seconds = int(wait.total_seconds()) + 1
            raise RateLimited(
                f"登录失败，请 {seconds} 秒后再试", en=f"Sign-in failed; retry in {seconds} s"
            )
    spread, _ = _failures(session, since=since, address=address)
    if spread >= settings.login_max_failures_per_address:
        raise RateLimited(
            f"该地址登录失败次数过多，请 {minutes} 分钟后再试",
            en=f"Too many failed sign-ins from this address; try again in {minutes} minutes",
        )


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    address: str,
    otp: str | None = None,
    now: datetime | None = None,
) -> User | None:
    """Check credentials under the rate limit and record the attempt; None when they are wrong.

    Returning None instead of raising lets the caller commit the failed attempt,
    which the rate limit counts. The lockout is per (username, address): a stranger
    guessing from elsewhere cannot lock the real user out.
    """
    username = username.strip()[:60]
    address = address[:64]
    # Concurrent attempts on one pair take turns, so each sees the others' failures.
    lock_key(session, key=f"login:{username}:{address}")
    lock_key(session, key=f"login-address:{address}")
    now = now or utcnow()
    _check_rate_limit(session, username=username, address=address, now=now)
    user = session.scalar(select(User).where(User.username == username))
    ok = user is not None and user.active and verify_password(user.password_hash, password)
    if ok and user is not None and user.totp_secret:
        # A wrong or missing code counts as a failed attempt, so codes cannot be guessed.
        ok = totp.verify(user.totp_secret, otp)
    session.add(LoginAttempt(username=username, address=address, succeeded=ok, at=now))
    if not ok or user is None:
        if user is not None:
            audit.record(
                session,
                actor=None,
                action="sign_in_failed",
                entity_type="user",
                entity_id=user.id,
                park_id=user.park_id,
                changes={"address": address},
            )
        return None
    user.last_login_at = now
    return user


def record_sign_in(session: Session, *, user: User, address: str, method: str) -> None:
    """Put a successful sign-in (page or token) in the audit trail."""
    audit.record(
        session,
        actor=user,
        action="sign_in",
        entity_type="user",
        entity_id=user.id,
        park_id=user.park_id,
        changes={"address": address, "method": method},
    )


def record_sign_out(session: Session, *, user: User, address: str) -> None:
    """Put a sign-out in the audit trail."""
    audit.record(
        session,
        actor=user,
        action="sign_out",
        entity_type="user",
        entity_id=user.id,
        park_id=user.park_id,
        changes={"address": address},
    )


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
    # One query for both: it runs on every API request.
    return session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == _digest(token),
            ApiToken.revoked.is_(False),
            ApiToken.expires_at >= utcnow(),
            User.active.is_(True),
        )
    )


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


def record_denial(
    session: Session, *, user_id: int, username: str, park_id: int, target: str
) -> None:
    """Put a refused permission (403) in the audit trail."""
    session.add(
        AuditEntry(
            park_id=park_id,
            actor_id=user_id,
            actor_name=username,
            action="permission_denied",
            entity_type="request",
            entity_id=None,
            changes={"target": target},
        )
    )


def enable_totp(session: Session, *, user: User, secret: str, code: str) -> None:
    """Turn on the second factor once the user proves their app has the secret."""
    if not totp.verify(secret, code):
        raise ValidationFailed(
            "验证码不正确，请核对手机时间后重试", en="Wrong code; check the phone's clock"
        )
    user.totp_secret = secret
    audit.record(
        session,
        actor=user,
        action="enable_totp",
        entity_type="user",
        entity_id=user.id,
        park_id=user.park_id,
    )
