"""Information sources: managed per park, polled on their own interval through intel ingest."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.config import get_settings
from biopark.errors import Conflict, NotFound
from biopark.feeds.models import Source
from biopark.feeds.schemas import PollResult, SourceCreate
from biopark.intel.fetch import Fetcher
from biopark.intel.models import IntelDocument
from biopark.intel.service import ingest_many
from biopark.intel.service.access import check_read, check_write
from biopark.intel.service.ingest import NEW
from biopark.kit.dates import now_utc, to_local
from biopark.notify import service as notify

OK, FAILED = "ok", "failed"


def list_sources(session: Session, *, user: User) -> list[Source]:
    """The park's sources."""
    check_read(user)
    return list(
        session.scalars(select(Source).where(Source.park_id == user.park_id).order_by(Source.id))
    )


def get_source(session: Session, *, user: User, source_id: int) -> Source:
    """One source of the user's park."""
    check_read(user)
    source = session.get(Source, source_id)
    if source is None or source.park_id != user.park_id:
        raise NotFound("信息源不存在", en="Source not found")
    return source


def _check_url(session: Session, park_id: int, url: str, source_id: int | None) -> None:
    other = session.scalar(select(Source.id).where(Source.park_id == park_id, Source.url == url))
    if other is not None and other != source_id:
        raise Conflict("该地址已是信息源", en="This URL is already a source")


def create_source(
    session: Session, *, user: User | None, park_id: int, data: SourceCreate
) -> Source:
    """Add a source (analysts and admins; None is the CLI)."""
    if user is not None:
        check_write(user)
    _check_url(session, park_id, data.url, None)
    source = Source(park_id=park_id, **data.model_dump())
    session.add(source)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="create",
        entity_type="feed_source",
        entity_id=source.id,
        park_id=park_id,
        changes=data.model_dump(),
    )
    return source


def update_source(session: Session, *, user: User, source_id: int, data: SourceCreate) -> Source:
    """Change a source's name, address, interval or switch."""
    check_write(user)
    source = get_source(session, user=user, source_id=source_id)
    _check_url(session, source.park_id, data.url, source.id)
    changes = audit.apply_changes(source, data.model_dump())
    if changes:
        audit.record(
            session,
            actor=user,
            action="update",
            entity_type="feed_source",
            entity_id=source.id,
            park_id=source.park_id,
            changes=changes,
        )
    session.flush()
    return source


def set_enabled(session: Session, *, user: User, source_id: int, enabled: bool) -> Source:
    """Switch polling of a source on or off."""
    check_write(user)
    source = get_source(session, user=user, source_id=source_id)
    source.enabled = enabled
    session.flush()
    return source


def is_due(source: Source, now: datetime) -> bool:
    """Whether the source's interval has passed since its last poll."""
    if not source.enabled:
        return False
    if source.last_polled_at is None:
        return True
    return source.last_polled_at + timedelta(minutes=source.interval_minutes) <= now


def _known_urls(session: Session, park_id: int, links: list[str]) -> set[str]:
    known: set[str] = set()
    for i in range(0, len(links), 500):
        known.update(
            u
            for u in session.scalars(
                select(IntelDocument.url).where(
                    IntelDocument.park_id == park_id, IntelDocument.url.in_(links[i : i + 500])
                )
            )
            if u
        )
    return known


def poll(
    session: Session,
    *,
    source: Source,
    now: datetime | None = None,
    fetcher: Fetcher | None = None,
) -> PollResult:
    """Fetch a source once: new articles of a feed (or the page) go through intel ingest."""
    now = now or now_utc()
    own = fetcher is None
    fetcher = fetcher or Fetcher(allow_private=get_settings().feeds_allow_private)
    try:
        error: str | None = None
        if source.kind == "rss":
            links, error = fetcher.feed_links(source.url)
        else:
            links = [source.url]
        new = 0
        if error is None:
            fresh = [
                u
                for u in dict.fromkeys(links)
                if u not in _known_urls(session, source.park_id, links)
            ]
            results = ingest_many(session, park_id=source.park_id, targets=fresh, fetcher=fetcher)
            new = sum(1 for r in results if r.status == NEW)
            failed = [r for r in results if r.error]
            if source.kind == "url" and failed:
                error = failed[0].error
    finally:
        if own:
            fetcher.close()
    source.last_polled_at = now
    source.last_status = FAILED if error else OK
    source.last_error = (error or "")[:500] or None
    source.items_seen += new
    session.flush()
    if error:
        day = to_local(now).date()  # type: ignore[union-attr]
        notify.send(
            session,
            to=notify.users_with_role(
                session, park_id=source.park_id, roles=[Role.analyst, Role.admin]
            ),
            kind="feed_failed",
            title=f"信息源抓取失败：{source.name}",
            url="/intel/sources",
            body=error,
            dedupe_key=f"feed_failed:{source.id}:{day}",
            now=now,
        )
    return PollResult(source_id=source.id, status=source.last_status, new=new, error=error)


def poll_due(session: Session, *, now: datetime, fetcher: Fetcher | None = None) -> dict[str, Any]:
    """Poll every enabled source whose interval has passed; one failure stops no other."""
    sources = [s for s in session.scalars(select(Source).order_by(Source.id)) if is_due(s, now)]
    counts = {"polled": 0, "new": 0, "failed": 0}
    for source in sources:
        with session.begin_nested():
            result = poll(session, source=source, now=now, fetcher=fetcher)
        counts["polled"] += 1
        counts["new"] += result.new
        counts["failed"] += result.status == FAILED
    return counts


def poll_now(session: Session, *, user: User, source_id: int) -> PollResult:
    """Poll one source at once (analysts and admins)."""
    check_write(user)
    return poll(session, source=get_source(session, user=user, source_id=source_id))
