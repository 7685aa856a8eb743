"""Server-side sign-in sessions: started at sign-in, checked on every request, endable.

The session cookie only carries a random key; the row behind it decides. So a
sign-out really ends the session (a copied cookie stops working), a password
change ends every other session, and idle and absolute timeouts hold even for a
cookie someone kept.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from biopark.accounts.models import ApiToken, User, UserSession
from biopark.config import get_settings
from biopark.kit.models import utcnow

log = logging.getLogger(__name__)

# Writing last_seen_at on every request would make every page view a write.
TOUCH_EVERY = timedelta(minutes=1)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(session: Session, *, user: User, address: str) -> str:
    """A new session for the user; returns the key to put in the cookie."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            user_id=user.id,
            key_hash=_digest(key),
            address=address[:64],
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return key


def session_user(session: Session, *, key: str) -> User | None:
    """The active user of a live session, or None (ended, idle or too old)."""
    row = session.scalar(select(UserSession).where(UserSession.key_hash == _digest(key)))
    if row is None or row.ended_at is not None:
        return None
    settings = get_settings()
    now = utcnow()
    too_old = now - row.created_at > timedelta(hours=settings.session_max_age_hours)
    idle = now - row.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
    if too_old or idle:
        row.ended_at = now
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        try:
            with session.begin_nested():
                row.last_seen_at = now
                session.flush()
        except OperationalError:
            # SQLite: a reading request cannot always become a writer ("database is
            # locked" when another request committed since it began). The touch only
            # keeps the idle clock fresh, so the next request makes it instead.
            log.info("session %s: last_seen_at not updated (database busy)", row.id)
    return user


def end_session(session: Session, *, key: str) -> User | None:
    """End the session behind the key (sign-out); returns its user."""
    row = session.scalar(select(UserSession).where(UserSession.key_hash == _digest(key)))
    if row is None or row.ended_at is not None:
        return None
    row.ended_at = utcnow()
    return session.get(User, row.user_id)


def end_other_sessions(session: Session, *, user: User, keep_key: str | None = None) -> int:
    """End every session and revoke every API token of the user but the kept session."""
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep_key:
        stmt = stmt.where(UserSession.key_hash != _digest(keep_key))
    ended = session.execute(stmt.values(ended_at=utcnow())).rowcount  # type: ignore[attr-defined]
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
        .values(revoked=True)
    )
    return int(ended or 0)
