"""Writing and reading the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.audit.models import AuditEntry
from biopark.audit.schemas import AuditRead

if TYPE_CHECKING:
    from biopark.accounts.models import User


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


# Fields whose values never enter the audit trail, by entity type. The trail is append-only
# and hash-chained (audit/chain.py), so nothing in it can be erased later; personal data
# that must be erasable (PIPL retention) is therefore recorded only as "changed".
_PERSONAL: dict[str, frozenset[str]] = {}
MASKED = "（个人信息，不入审计）"


def register_personal(entity_type: str, fields: Iterable[str]) -> None:
    """Keep the values of these fields of `entity_type` out of the audit trail."""
    _PERSONAL[entity_type] = _PERSONAL.get(entity_type, frozenset()) | frozenset(fields)


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    park_id: int | None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry (actor None means the system or the CLI)."""
    entry = AuditEntry(
        park_id=park_id,
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else "system",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes={
            k: MASKED if k in _PERSONAL.get(entity_type, ()) else _plain(v)
            for k, v in (changes or {}).items()
        },
    )
    session.add(entry)
    return entry


def apply_changes(obj: object, data: dict[str, Any]) -> dict[str, Any]:
    """Set attributes on obj and return {field: [old, new]} for those that changed."""
    changed: dict[str, Any] = {}
    for key, new in data.items():
        old = getattr(obj, key)
        if old != new:
            changed[key] = [_plain(old), _plain(new)]
            setattr(obj, key, new)
    return changed


def record_update(
    session: Session,
    *,
    obj: Any,
    data: dict[str, Any],
    actor: User | None,
    action: str,
    entity_type: str,
) -> dict[str, Any]:
    """Apply `data` to a park-scoped record and audit the fields that changed (none: no entry)."""
    changes = apply_changes(obj, data)
    session.flush()
    if changes:
        record(
            session,
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=obj.id,
            park_id=obj.park_id,
            changes=changes,
        )
    return changes


def history(
    session: Session, *, park_id: int, entity_type: str, entity_id: int, limit: int = 200
) -> list[AuditEntry]:
    """The audit entries of one record, newest first."""
    return histories(
        session, park_id=park_id, entity_type=entity_type, entity_ids=[entity_id], limit=limit
    )


def histories(
    session: Session,
    *,
    park_id: int,
    entity_type: str,
    entity_ids: Sequence[int],
    limit: int = 200,
) -> list[AuditEntry]:
    """The audit entries of several records of one type, newest first, in one query."""
    if not entity_ids:
        return []
    stmt = (
        select(AuditEntry)
        .where(
            AuditEntry.park_id == park_id,
            AuditEntry.entity_type == entity_type,
            AuditEntry.entity_id.in_(list(entity_ids)),
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def recent(session: Session, *, park_id: int, limit: int = 200) -> list[AuditEntry]:
    """The park's latest audit entries, newest first."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.park_id == park_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def readable(session: Session, *, entries: list[AuditEntry], lang: str) -> list[AuditRead]:
    """The entries for the API, each with its sentence and the record's name."""
    from biopark.audit.describe import describe

    return [
        AuditRead.model_validate(entry).model_copy(
            update={"text": line.text, "record": line.record}
        )
        for entry, line in zip(entries, describe(entries, lang, session), strict=True)
    ]
