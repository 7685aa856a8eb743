"""Index documents as they are committed, whoever stores them.

CLI ingest, web uploads (a background job), URL ingest, feeds and the demo all
store documents through sessions of db.session_scope(); the sessionmaker there
is watched, so each committed chunk of new or re-extracted documents reaches the
search backend of the installation in the same transaction (PostgreSQL) or just
before it commits (tantivy). A failure to index never loses the documents: they
stay unindexed (indexed_at NULL), are still found by the LIKE fallback, and the
scheduled job `index_pending` (every ten minutes, a few thousand at a time) or
`biopark intel reindex` picks them up.

A bulk run may collect the ids instead (`defer_into`) and index them a few hundred
at a time: tantivy writes a segment per commit and merges them as it goes, so a
commit per chunk of 20 costs 4–8 ms a document and grows with the index, while
commits of 500 stay near 0.4 ms. PostgreSQL keeps indexing in the transaction.
Until they are indexed, the documents are found by the LIKE fallback.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from biopark.intel.models import STATUS_OK, IntelDocument

log = logging.getLogger(__name__)
_PENDING = "intel_unindexed"
_LATER = "intel_index_later"
# Unindexed documents indexed per run of the scheduled job.
PENDING_BATCH = 2000


def _collect(session: Session, _context: Any) -> None:
    pending: set[int] = session.info.setdefault(_PENDING, set())
    for obj in session.new:
        if isinstance(obj, IntelDocument) and obj.status == STATUS_OK:
            pending.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, IntelDocument) and obj.status == STATUS_OK:
            attrs = inspect(obj).attrs
            if attrs.text.history.has_changes() or attrs.title.history.has_changes():
                pending.add(obj.id)


def _index_pending(session: Session) -> None:
    session.flush()
    ids = sorted(session.info.pop(_PENDING, set()))
    if not ids:
        return
    from biopark.intel.service.backends import is_postgres

    later: list[int] | None = session.info.get(_LATER)
    if later is not None and not is_postgres(session):
        later += ids
        return
    index_now(session, ids)


def index_now(session: Session, ids: list[int]) -> int:
    """Index these documents in the session's transaction; returns how many were indexed
    (none when it failed: they stay unindexed)."""
    from biopark.config import get_settings
    from biopark.intel.service.backends import writable_backend
    from biopark.intel.service.search import index_documents, index_path

    try:
        with session.begin_nested():
            backend = writable_backend(session, path=index_path(get_settings().var_dir))
            return index_documents(session, index=backend, document_ids=ids)
    except Exception:  # the documents matter more than their index entry
        log.exception("indexing %d documents failed; the job index_pending retries them", len(ids))
        return 0


def index_pending(session: Session, *, limit: int = PENDING_BATCH) -> int:
    """Index up to `limit` stored documents still unindexed; returns how many now are.

    A document stays unindexed when indexing failed, or when a bulk run held the tantivy
    writer while the document was stored; the scheduled job `index_pending` picks it up.
    """
    ids = list(
        session.scalars(
            select(IntelDocument.id)
            .where(IntelDocument.indexed_at.is_(None), IntelDocument.status == STATUS_OK)
            .order_by(IntelDocument.id)
            .limit(limit)
        )
    )
    return index_now(session, ids) if ids else 0


def defer_into(session: Session, later: list[int]) -> None:
    """Let this session's commits add their new documents' ids to `later` (not on PostgreSQL).

    The caller indexes them with `index_now`; ids of a transaction that then failed
    are skipped there, since only stored documents are read back.
    """
    session.info[_LATER] = later


def watch(target: Any) -> None:
    """Index the documents that sessions of target (a Session or sessionmaker) commit."""
    event.listen(target, "after_flush", _collect)
    event.listen(target, "before_commit", _index_pending)
