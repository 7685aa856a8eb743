"""The daily digest: one notice per user summarising the day's notices, on the digest channels."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.kit.dates import to_local
from biopark.notify import service
from biopark.notify.models import DIGEST, KIND_LABELS, Notice, NotifyPreference


def run_daily_digest(session: Session, *, now: datetime) -> dict[str, int]:
    """Send each user who chose digests one summary of the last day's notices."""
    rows = session.scalars(select(NotifyPreference).where(NotifyPreference.mode == DIGEST))
    wanted: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        wanted[row.user_id].add(row.channel)
    day = to_local(now).date().isoformat()  # type: ignore[union-attr]
    since = now - timedelta(days=1)
    sent = 0
    for user_id, digest_channels in sorted(wanted.items()):
        notices = list(
            session.scalars(
                select(Notice)
                .where(
                    Notice.user_id == user_id,
                    Notice.created_at >= since,
                    Notice.created_at <= now,
                    Notice.kind != "digest",
                )
                .order_by(Notice.id)
            )
        )
        kinds_by_channel = {
            c: {k for (k, ch), m in _modes(session, user_id).items() if ch == c and m == DIGEST}
            for c in digest_channels
        }
        relevant = [
            n for n in notices if any({n.kind, "*"} & kinds for kinds in kinds_by_channel.values())
        ]
        if not relevant:
            continue
        lines = [f"- [{KIND_LABELS.get(n.kind, n.kind)}] {n.title} {n.url}" for n in relevant]
        made = service.send(
            session,
            to=user_id,
            kind="digest",
            title=f"每日汇总 {day}：{len(relevant)} 条通知",
            url="/notifications",
            body="\n".join(lines),
            dedupe_key=f"digest:{day}",
            now=now,
            channels=sorted(digest_channels),
        )
        sent += len(made)
    return {"digests": sent}


def _modes(session: Session, user_id: int) -> dict[tuple[str, str], str]:
    rows = session.scalars(select(NotifyPreference).where(NotifyPreference.user_id == user_id))
    return {(r.kind, r.channel): r.mode for r in rows}
