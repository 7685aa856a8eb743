"""Writing and reading the audit log."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.audit.models import AuditEntry

if TYPE_CHECKING:
    from biopark.accounts.models import User


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


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
        changes={k: _plain(v) for k, v in (changes or {}).items()},
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


def history(
    session: Session, *, park_id: int, entity_type: str, entity_id: int, limit: int = 200
) -> list[AuditEntry]:
    """The audit entries of one record, newest first."""
    stmt = (
        select(AuditEntry)
        .where(
            AuditEntry.park_id == park_id,
            AuditEntry.entity_type == entity_type,
            AuditEntry.entity_id == entity_id,
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
