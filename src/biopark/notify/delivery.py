"""The delivery job: send pending deliveries, each claimed first so that none goes out twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.config import Settings, get_settings
from biopark.notify import channels
from biopark.notify.channels import ChannelError
from biopark.notify.models import (
    EMAIL,
    FAILED,
    FEISHU,
    PENDING,
    ROBOTS,
    SENDING,
    SENT,
    Delivery,
    Notice,
    NotifyProfile,
    Robot,
)

MAX_ATTEMPTS = 5
# A delivery claimed this long ago by a worker that died before recording the outcome.
STALE_CLAIM = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: 2, 4, 8, 16 minutes."""
    return timedelta(minutes=2**attempts)


def claim(session: Session, *, delivery_id: int, now: datetime) -> bool:
    """Take a pending delivery for this worker; False when another worker has it."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == PENDING)
        .values(status=SENDING, claimed_at=now, attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


def _text(notice: Notice, settings: Settings, *, markdown: bool) -> str:
    link = settings.base_url.rstrip("/") + notice.url
    lines = [notice.body] if notice.body else []
    lines.append(f"[查看 / Open]({link})" if markdown else link)
    return "\n".join(lines)


def send_one(session: Session, *, delivery: Delivery, notice: Notice, settings: Settings) -> None:
    """Hand one delivery to its channel (raises ChannelError)."""
    if delivery.channel == EMAIL:
        address = session.scalar(
            select(NotifyProfile.email).where(NotifyProfile.user_id == notice.user_id)
        )
        if not address:
            raise ChannelError("no e-mail address in the user's preferences")
        channels.send_email(
            settings,
            to=address,
            subject=f"[biopark] {notice.title}",
            text=_text(notice, settings, markdown=False),
        )
        return
    if delivery.channel in ROBOTS:
        robot = session.scalar(
            select(Robot).where(Robot.park_id == notice.park_id, Robot.channel == delivery.channel)
        )
        if robot is None or not robot.enabled:
            raise ChannelError(f"the park has no {delivery.channel} robot")
        user = session.get(User, notice.user_id)
        who = f"@{user.display_name} " if user else ""
        markdown = delivery.channel != FEISHU
        channels.send_robot(
            delivery.channel,
            url=robot.url,
            secret=robot.secret,
            title=notice.title,
            text=who + _text(notice, settings, markdown=markdown),
        )
        return
    raise ChannelError(f"unknown channel: {delivery.channel}")


def deliver_due(
    session: Session,
    *,
    now: datetime,
    settings: Settings | None = None,
    commit: Callable[[], None] | None = None,
    limit: int = 200,
) -> dict[str, int]:
    """Send the deliveries that are due; failures are retried with backoff, then given up.

    `commit` (the job passes session.commit) makes each claim durable before the send,
    so a second worker never sends the same delivery.
    """
    settings = settings or get_settings()
    session.execute(
        update(Delivery)
        .where(Delivery.status == SENDING, Delivery.claimed_at < now - STALE_CLAIM)
        .values(status=PENDING)
        .execution_options(synchronize_session=False)
    )
    ids = list(
        session.scalars(
            select(Delivery.id)
            .where(Delivery.status == PENDING, Delivery.next_attempt_at <= now)
            .order_by(Delivery.id)
            .limit(limit)
        )
    )
    counts = {"sent": 0, "retry": 0, "failed": 0, "taken": 0}
    for delivery_id in ids:
        if not claim(session, delivery_id=delivery_id, now=now):
            counts["taken"] += 1
            continue
        if commit:
            commit()
        delivery = session.get(Delivery, delivery_id, populate_existing=True)
        assert delivery is not None
        notice = session.get(Notice, delivery.notice_id)
        assert notice is not None
        try:
            send_one(session, delivery=delivery, notice=notice, settings=settings)
        except ChannelError as exc:
            delivery.last_error = str(exc)[:500]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = FAILED
                counts["failed"] += 1
            else:
                delivery.status = PENDING
                delivery.next_attempt_at = now + backoff(delivery.attempts)
                counts["retry"] += 1
        else:
            delivery.status, delivery.sent_at, delivery.last_error = SENT, now, None
            counts["sent"] += 1
        session.flush()
        if commit:
            commit()
    return counts
