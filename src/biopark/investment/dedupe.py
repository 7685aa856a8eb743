"""Duplicate leads (same normalised company or same phone) and merging them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.errors import ValidationFailed
from biopark.investment.access import ENTITY_LEAD
from biopark.investment.leads import get_lead
from biopark.investment.models import Lead, LeadStatus, LeadVisit

# Fields a kept lead takes from the duplicate when it has none of its own.
_FILL = (
    "industry",
    "chain",
    "chain_link",
    "intended_investment",
    "intended_land_mu",
    "team",
    "first_contacted_at",
    "consent_at",
    "consent_version",
)


def merge_leads(session: Session, *, user: User, keep_id: int, duplicate_id: int) -> Lead:
    """Merge a duplicate into the kept lead: visits move, blanks are filled, the duplicate closes."""
    keep = get_lead(session, user=user, lead_id=keep_id)
    dup = get_lead(session, user=user, lead_id=duplicate_id)
    if keep.id == dup.id:
        raise ValidationFailed("不能把线索合并到自身", en="A lead cannot be merged into itself")
    if dup.merged_into_id is not None or keep.merged_into_id is not None:
        raise ValidationFailed("该线索已被合并过", en="That lead has already been merged")
    if keep.anonymised_at is not None or dup.anonymised_at is not None:
        raise ValidationFailed("已匿名的线索不能合并", en="Anonymised leads cannot be merged")
    if dup.id not in getattr(keep, "duplicate_ids", []):
        raise ValidationFailed(
            "两条线索的企业名称和手机号都不相同，不是重复线索",
            en="The leads share neither company nor phone; they are not duplicates",
        )
    if dup.status == LeadStatus.qualified:
        if keep.status == LeadStatus.qualified:
            raise ValidationFailed(
                "两条线索都已转为项目，不能合并", en="Both leads became projects; they cannot merge"
            )
        raise ValidationFailed(
            "已转为项目的线索只能作为保留方：请从该线索发起合并",
            en="A lead that became a project must be the one kept; merge from it",
        )
    moved = session.execute(
        update(LeadVisit)
        .where(LeadVisit.lead_id == dup.id)
        .values(lead_id=keep.id)
        .execution_options(synchronize_session=False)
    )
    fill = {f: getattr(dup, f) for f in _FILL if getattr(keep, f) is None and getattr(dup, f)}
    if dup.message:
        fill["message"] = "\n".join(m for m in (keep.message, dup.message) if m)
    changed = audit.apply_changes(keep, fill)
    closed = audit.apply_changes(
        dup,
        {
            "status": LeadStatus.closed,
            "closed_reason": f"已合并到线索 #{keep.id}",
            "merged_into_id": keep.id,
        },
    )
    note: dict[str, Any] = {"merged_lead_id": dup.id, "visits_moved": moved.rowcount, **changed}  # type: ignore[attr-defined]
    audit.record(session, actor=user, action="merge", entity_type=ENTITY_LEAD,
                 entity_id=keep.id, park_id=keep.park_id, changes=note)  # fmt: skip
    audit.record(session, actor=user, action="merged", entity_type=ENTITY_LEAD,
                 entity_id=dup.id, park_id=dup.park_id, changes={"into": keep.id, **closed})  # fmt: skip
    session.flush()
    return get_lead(session, user=user, lead_id=keep.id)
