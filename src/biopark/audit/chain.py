"""The shared record: the audit trail as a hash-chained, append-only log.

Every AuditEntry gets, when it is flushed, the next `seq`, the hash of the entry before
it and its own hash: SHA-256 over a canonical JSON of its fields and the previous hash.
Changing or removing any stored row, even directly in the database, therefore breaks the
chain at that entry, and `verify` names it. The head row (last seq and hash) catches the
removal of the newest entries.

Appends are serialised on the head row: SELECT ... FOR UPDATE on PostgreSQL; on SQLite
a no-op UPDATE of it, which takes the database's single writer lock until the
transaction ends. Two writers can therefore never chain onto the same predecessor.

`actor_id` is left out of the hash on purpose: deleting a user sets it to NULL
(ON DELETE SET NULL), which is not tampering; the actor's name is hashed instead.
What the chain cannot show is a rewrite of every hash after the changed row together
with the head: publishing the last hash elsewhere (the chain page shows it) closes that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, event, insert, select, update
from sqlalchemy.orm import Session

from biopark.audit.models import AuditChainCheck, AuditChainHead, AuditEntry
from biopark.errors import Conflict
from biopark.kit.dates import now_utc

GENESIS = "0" * 64
HEAD_ID = 1


def canonical_changes(changes: Any) -> Any:
    """The changes as the database gives them back (JSON round trip)."""
    return json.loads(json.dumps(changes if changes is not None else {}, ensure_ascii=False))


def entry_hash(
    *,
    seq: int,
    prev_hash: str,
    park_id: int | None,
    actor_name: str,
    action: str,
    entity_type: str,
    entity_id: int | None,
    changes: Any,
    at: datetime,
) -> str:
    """SHA-256 (hex) of the canonical JSON of one entry's fields and the previous hash."""
    fields = {
        "seq": seq,
        "prev": prev_hash,
        "park_id": park_id,
        "actor": actor_name,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "changes": canonical_changes(changes),
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _hash_of(entry: AuditEntry) -> str:
    return entry_hash(
        seq=entry.seq,
        prev_hash=entry.prev_hash,
        park_id=entry.park_id,
        actor_name=entry.actor_name,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        changes=entry.changes,
        at=entry.at,
    )


def _lock_head(conn: Connection) -> tuple[int, str]:
    """Take the append lock and read the head; a missing head restarts from the last entry."""
    head: Table = AuditChainHead.__table__  # type: ignore[assignment]
    if conn.dialect.name == "sqlite":
        # SQLite has no row locks: a write takes the database's writer lock for the rest
        # of the transaction, so no other connection can append until this one ends.
        conn.execute(update(head).where(head.c.id == HEAD_ID).values(seq=head.c.seq))
        row = conn.execute(select(head.c.seq, head.c.hash).where(head.c.id == HEAD_ID)).first()
    else:
        row = conn.execute(
            select(head.c.seq, head.c.hash).where(head.c.id == HEAD_ID).with_for_update()
        ).first()
    if row is not None:
        return int(row.seq), str(row.hash)
    entries: Table = AuditEntry.__table__  # type: ignore[assignment]
    last = conn.execute(
        select(entries.c.seq, entries.c.hash).order_by(entries.c.seq.desc()).limit(1)
    ).first()
    seq, last_hash = (int(last.seq), str(last.hash)) if last else (0, GENESIS)
    conn.execute(insert(head).values(id=HEAD_ID, seq=seq, hash=last_hash))
    return seq, last_hash


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise Conflict("审计记录只能追加，不能修改或删除", en="Audit entries are append-only")
    new = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if not new:
        return
    seq, prev = _lock_head(session.connection())
    for entry in new:
        entry.at = entry.at or now_utc()
        entry.changes = canonical_changes(entry.changes)
        seq += 1
        entry.seq = seq
        entry.prev_hash = prev
        entry.hash = _hash_of(entry)
        prev = entry.hash
    head: Table = AuditChainHead.__table__  # type: ignore[assignment]
    session.connection().execute(
        update(head).where(head.c.id == HEAD_ID).values(seq=seq, hash=prev)
    )


event.listen(Session, "before_flush", _before_flush)


@dataclass(frozen=True)
class ChainReport:
    """What a verification found: the entries read, the last hash, the first break."""

    ok: bool
    entries: int
    last_hash: str
    head_seq: int | None
    broken_seq: int | None = None
    broken_entry_id: int | None = None
    reason: str | None = None

    def message(self) -> str:
        """One line for the CLI."""
        if self.ok:
            return f"chain intact: {self.entries} entries, last hash {self.last_hash}"
        where = f"entry #{self.broken_seq}"
        if self.broken_entry_id is not None:
            where += f" (audit_entry.id={self.broken_entry_id})"
        return f"chain broken at {where}: {self.reason}"


def _broken(
    count: int, last: str, head: int | None, seq: int, eid: int | None, why: str
) -> ChainReport:
    return ChainReport(False, count, last, head, broken_seq=seq, broken_entry_id=eid, reason=why)


def verify(session: Session, *, batch: int = 2000) -> ChainReport:
    """Walk the chain in seq order, recomputing every hash; stop at the first break."""
    head = session.get(AuditChainHead, HEAD_ID, populate_existing=True)
    head_seq = head.seq if head else None
    t = AuditEntry.__table__
    rows = session.execute(
        select(
            t.c.id,
            t.c.seq,
            t.c.prev_hash,
            t.c.hash,
            t.c.park_id,
            t.c.actor_name,
            t.c.action,
            t.c.entity_type,
            t.c.entity_id,
            t.c.changes,
            t.c.at,
        ).order_by(t.c.seq),
        execution_options={"yield_per": batch},
    )
    expected, prev, count = 1, GENESIS, 0
    for row in rows:
        if row.seq != expected:
            return _broken(
                count,
                prev,
                head_seq,
                expected,
                row.id if row.seq is None else None,
                f"entry #{expected} is missing (next stored entry is #{row.seq}, id {row.id})",
            )
        if row.prev_hash != prev:
            return _broken(
                count,
                prev,
                head_seq,
                row.seq,
                row.id,
                "previous-hash link does not match the entry before it",
            )
        recomputed = entry_hash(
            seq=row.seq,
            prev_hash=row.prev_hash,
            park_id=row.park_id,
            actor_name=row.actor_name,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            changes=row.changes,
            at=row.at,
        )
        if recomputed != row.hash:
            return _broken(
                count,
                prev,
                head_seq,
                row.seq,
                row.id,
                "stored fields do not match the entry's hash",
            )
        prev, count, expected = row.hash, count + 1, expected + 1
    if head is None:
        return _broken(count, prev, head_seq, expected, None, "the chain head row is missing")
    if head.seq != count or head.hash != prev:
        if head.seq > count:
            why = f"entries #{count + 1}–#{head.seq} were removed from the end"
        else:
            why = "the chain head does not match the last entry"
        return _broken(count, prev, head_seq, count + 1 if head.seq > count else count, None, why)
    return ChainReport(True, count, prev, head_seq)


def record_check(session: Session, *, report: ChainReport, source: str) -> AuditChainCheck:
    """Keep the result of a verification, for the chain page."""
    check = AuditChainCheck(
        checked_at=now_utc(),
        ok=report.ok,
        entries=report.entries,
        last_hash=report.last_hash,
        broken_seq=report.broken_seq,
        broken_entry_id=report.broken_entry_id,
        reason=report.reason,
        source=source,
    )
    session.add(check)
    session.flush()
    return check


@dataclass(frozen=True)
class ChainState:
    """The chain page: entries and last hash from the head, and the latest check."""

    entries: int
    last_hash: str
    last_check: AuditChainCheck | None


def state(session: Session) -> ChainState:
    """The chain's head and the latest verification."""
    head = session.get(AuditChainHead, HEAD_ID)
    last = session.scalars(
        select(AuditChainCheck).order_by(AuditChainCheck.id.desc()).limit(1)
    ).first()
    return ChainState(
        entries=head.seq if head else 0, last_hash=head.hash if head else GENESIS, last_check=last
    )


def recent_checks(session: Session, *, limit: int = 20) -> list[AuditChainCheck]:
    """The latest verifications, newest first."""
    return list(
        session.scalars(select(AuditChainCheck).order_by(AuditChainCheck.id.desc()).limit(limit))
    )
