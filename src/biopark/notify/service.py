"""Notices: `send` is the one call other domains make; the inbox, preferences and robots."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.errors import Forbidden, NotFound, ValidationFailed
from biopark.kit.dates import now_utc
from biopark.kit.pagination import Page, paginate
from biopark.notify.models import (
    CHANNELS,
    EMAIL,
    IMMEDIATE,
    INAPP,
    KIND_LABELS,
    MODES,
    OFF,
    PENDING,
    ROBOTS,
    SENT,
    Delivery,
    Notice,
    NotifyPreference,
    NotifyProfile,
    Robot,
)

Recipients = User | int | Iterable[User | int]


def _user_ids(to: Recipients) -> list[int]:
    items: Iterable[User | int] = [to] if isinstance(to, User | int) else to
    ids = [i.id if isinstance(i, User) else int(i) for i in items]
    return list(dict.fromkeys(ids))


def channel_modes(session: Session, *, user_id: int, kind: str) -> dict[str, str]:
    """The mode of each channel for a kind: the kind's own row, else '*', else off."""
    rows = session.scalars(
        select(NotifyPreference).where(
            NotifyPreference.user_id == user_id, NotifyPreference.kind.in_((kind, "*"))
        )
    )
    modes = dict.fromkeys(CHANNELS, OFF)
    # '*' rows first, so that a kind's own row overrides them.
    for row in sorted(rows, key=lambda r: r.kind != "*"):
        if row.channel in modes:
            modes[row.channel] = row.mode
    return modes


def send(
    session: Session,
    *,
    to: Recipients,
    kind: str,
    title: str,
    url: str,
    dedupe_key: str,
    body: str | None = None,
    now: datetime | None = None,
    channels: Iterable[str] | None = None,
) -> list[Notice]:
    """Notify each user once per dedupe key: a notice in the inbox, deliveries per channel.

    `channels` overrides the preferences (the digest goes where the user chose digests).
    """
    now = now or now_utc()
    users = {
        u.id: u
        for u in session.scalars(
            select(User).where(User.id.in_(_user_ids(to)), User.active.is_(True))
        )
    }
    if not users:
        return []
    seen = set(
        session.scalars(
            select(Notice.user_id).where(
                Notice.user_id.in_(users), Notice.dedupe_key == dedupe_key[:200]
            )
        )
    )
    created: list[Notice] = []
    for user in users.values():
        if user.id in seen:
            continue
        notice = Notice(
            park_id=user.park_id,
            user_id=user.id,
            kind=kind,
            title=title[:300],
            url=url[:500],
            body=body,
            dedupe_key=dedupe_key[:200],
            created_at=now,
        )
        try:
            # A concurrent worker may insert the same notice; the unique key decides.
            with session.begin_nested():
                session.add(notice)
                session.flush()
        except IntegrityError:
            continue
        session.add(Delivery(notice_id=notice.id, channel=INAPP, status=SENT, sent_at=now))
        if channels is not None:
            chosen = [c for c in channels if c in CHANNELS]
        else:
            modes = channel_modes(session, user_id=user.id, kind=kind)
            chosen = [c for c, mode in modes.items() if mode == IMMEDIATE]
        for channel in chosen:
            session.add(
                Delivery(notice_id=notice.id, channel=channel, status=PENDING, next_attempt_at=now)
            )
        created.append(notice)
    session.flush()
    return created


def users_with_role(session: Session, *, park_id: int, roles: Iterable[Role]) -> list[User]:
    """The park's active users with one of the roles."""
    return list(
        session.scalars(
            select(User).where(
                User.park_id == park_id, User.role.in_(list(roles)), User.active.is_(True)
            )
        )
    )


def department_users(session: Session, *, department_id: int) -> list[User]:
    """The active users of a department."""
    return list(
        session.scalars(
            select(User).where(User.department_id == department_id, User.active.is_(True))
        )
    )


def inbox(
    session: Session, *, user: User, unread_only: bool = False, page: int = 1, size: int = 50
) -> Page[Notice]:
    """The user's notices, newest first."""
    stmt = select(Notice).where(Notice.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notice.read_at.is_(None))
    return paginate(session, stmt.order_by(Notice.id.desc()), page=page, size=size)


def unread_count(session: Session, *, user_id: int) -> int:
    """How many of the user's notices are unread."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        )
        or 0
    )


def mark_read(session: Session, *, user: User, notice_id: int) -> Notice:
    """Mark one of the user's notices read (reading twice keeps the first time)."""
    notice = session.get(Notice, notice_id)
    if notice is None or notice.user_id != user.id:
        raise NotFound("通知不存在", en="Notice not found")
    if notice.read_at is None:
        notice.read_at = now_utc()
        session.flush()
    return notice


def mark_all_read(session: Session, *, user: User) -> int:
    """Mark every unread notice of the user read; returns how many."""
    result = session.execute(
        update(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .values(read_at=now_utc())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def preferences(session: Session, *, user: User) -> dict[str, Any]:
    """The user's e-mail address and mode per (kind, channel) as stored."""
    profile = session.scalar(select(NotifyProfile).where(NotifyProfile.user_id == user.id))
    rows = session.scalars(select(NotifyPreference).where(NotifyPreference.user_id == user.id))
    return {
        "email": profile.email if profile else None,
        "modes": {(r.kind, r.channel): r.mode for r in rows},
    }


def set_preferences(
    session: Session, *, user: User, email: str | None, modes: dict[tuple[str, str], str]
) -> None:
    """Replace the user's preferences; unknown kinds, channels or modes are refused."""
    for (kind, channel), mode in modes.items():
        if kind != "*" and kind not in KIND_LABELS:
            raise ValidationFailed(f"未知的通知类型：{kind}", en=f"Unknown kind: {kind}")
        if channel not in CHANNELS:
            raise ValidationFailed(f"未知的渠道：{channel}", en=f"Unknown channel: {channel}")
        if mode not in MODES:
            raise ValidationFailed(f"未知的方式：{mode}", en=f"Unknown mode: {mode}")
    email = (email or "").strip() or None
    if email is not None and (len(email) > 200 or "@" not in email or " " in email):
        raise ValidationFailed("邮箱格式不对", en="Invalid e-mail address")
    wants_mail = any(c == EMAIL and m != OFF for (_, c), m in modes.items())
    if wants_mail and email is None:
        raise ValidationFailed("选择邮件通知时请填写邮箱", en="E-mail notices need an address")
    profile = session.scalar(select(NotifyProfile).where(NotifyProfile.user_id == user.id))
    if profile is None:
        session.add(NotifyProfile(user_id=user.id, email=email))
    else:
        profile.email = email
    current = {
        (r.kind, r.channel): r
        for r in session.scalars(
            select(NotifyPreference).where(NotifyPreference.user_id == user.id)
        )
    }
    for key, old in current.items():
        if key not in modes:
            session.delete(old)
    for (kind, channel), mode in modes.items():
        row = current.get((kind, channel))
        if row is None:
            session.add(NotifyPreference(user_id=user.id, kind=kind, channel=channel, mode=mode))
        else:
            row.mode = mode
    session.flush()


def _admin(user: User) -> None:
    if user.role not in {Role.admin, Role.leader}:
        raise Forbidden()


def robots(session: Session, *, park_id: int) -> dict[str, Robot]:
    """The park's robots by channel."""
    return {r.channel: r for r in session.scalars(select(Robot).where(Robot.park_id == park_id))}


def set_robot(
    session: Session,
    *,
    user: User | None,
    park_id: int,
    channel: str,
    url: str | None,
    secret: str | None = None,
) -> Robot | None:
    """Set (or with an empty URL remove) the park's robot webhook for a channel."""
    if user is not None:
        _admin(user)
    if channel not in ROBOTS:
        raise ValidationFailed(f"未知的机器人渠道：{channel}", en=f"Unknown robot: {channel}")
    url = (url or "").strip()
    existing = robots(session, park_id=park_id).get(channel)
    if not url:
        if existing is not None:
            session.delete(existing)
            session.flush()
        return None
    if not url.startswith(("https://", "http://")) or len(url) > 500 or " " in url:
        raise ValidationFailed("Webhook 地址应以 http:// 或 https:// 开头", en="Invalid URL")
    secret = (secret or "").strip() or None
    if existing is None:
        existing = Robot(park_id=park_id, channel=channel, url=url, secret=secret)
        session.add(existing)
    else:
        existing.url, existing.secret, existing.enabled = url, secret, True
    session.flush()
    return existing


def delivery_log(
    session: Session, *, user: User, status: str | None = None, limit: int = 100
) -> list[tuple[Delivery, Notice]]:
    """Recent deliveries of the park (admins and leaders)."""
    _admin(user)
    stmt = (
        select(Delivery, Notice)
        .join(Notice, Notice.id == Delivery.notice_id)
        .where(Notice.park_id == user.park_id, Delivery.channel != INAPP)
    )
    if status:
        stmt = stmt.where(Delivery.status == status)
    return [(d, n) for d, n in session.execute(stmt.order_by(Delivery.id.desc()).limit(limit))]
