"""Change proposals: an enterprise user proposes edits to its own file; its commissioner
approves them (they are applied, with history) or rejects them with a reason. Nobody else
reviews, and no one proposes for another enterprise."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises.models import ChangeProposal, Enterprise
from biopark.enterprises.schemas import PROPOSABLE, ProposalCreate, ProposalReview
from biopark.enterprises.service import get_enterprise
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.kit.models import utcnow

FIELD_LABELS = {
    "short_name": "简称",
    "address": "地址",
    "description": "简介",
    "employees": "员工人数",
    "registered_capital": "注册资本",
    "rd_spending": "研发投入",
    "revenue_band": "营收区间",
}


def _record(session: Session, user: User, ent: Enterprise, action: str, **changes: Any) -> None:
    audit.record(
        session,
        actor=user,
        action=action,
        entity_type="enterprise",
        entity_id=ent.id,
        park_id=ent.park_id,
        changes=changes,
    )


def propose(
    session: Session, *, user: User, enterprise_id: int, data: ProposalCreate
) -> ChangeProposal:
    """An enterprise user proposes changes to its own file."""
    if user.role != Role.enterprise:
        raise Forbidden(
            "只有企业用户可以提交档案变更申请", en="Only enterprise users propose changes"
        )
    ent = get_enterprise(session, user=user, enterprise_id=enterprise_id)
    given = data.model_dump(mode="json", exclude_unset=True, include=set(PROPOSABLE))
    changes = {k: v for k, v in given.items() if v != _plain(getattr(ent, k))}
    if not changes:
        raise ValidationFailed("没有需要变更的内容", en="Nothing would change")
    if session.scalar(
        select(ChangeProposal.id).where(
            ChangeProposal.enterprise_id == ent.id, ChangeProposal.status == "pending"
        )
    ):
        raise Conflict(
            "已有一份变更申请待审核，请等待服务专员处理",
            en="A proposal is already waiting for review",
        )
    row = ChangeProposal(
        park_id=ent.park_id,
        enterprise_id=ent.id,
        proposed_by_id=user.id,
        changes=changes,
        note=(data.note or "").strip() or None,
        status="pending",
    )
    session.add(row)
    session.flush()
    _record(session, user, ent, "proposal", fields=[FIELD_LABELS[k] for k in changes])
    return row


def _plain(value: Any) -> Any:
    from decimal import Decimal

    return str(value.quantize(Decimal("0.01"))) if isinstance(value, Decimal) else value


def list_proposals(session: Session, *, user: User, enterprise_id: int) -> list[ChangeProposal]:
    """The enterprise's proposals, newest first (for anyone who can read the file)."""
    ent = get_enterprise(session, user=user, enterprise_id=enterprise_id)
    stmt = (
        select(ChangeProposal)
        .where(ChangeProposal.enterprise_id == ent.id)
        .order_by(ChangeProposal.id.desc())
    )
    return list(session.scalars(stmt))


def _reviewable(
    session: Session, user: User, proposal_id: int
) -> tuple[ChangeProposal, Enterprise]:
    row = session.get(ChangeProposal, proposal_id)
    if row is None or row.park_id != user.park_id:
        raise NotFound("变更申请不存在", en="Proposal not found")
    ent = get_enterprise(session, user=user, enterprise_id=row.enterprise_id)
    if user.role != Role.commissioner or ent.commissioner_id != user.id:
        raise Forbidden(
            "只有该企业的服务专员可以审核变更申请",
            en="Only the enterprise's commissioner reviews its proposals",
        )
    if row.status != "pending":
        raise Conflict("该申请已审核", en="This proposal has already been reviewed")
    return row, ent


def approve(
    session: Session, *, user: User, proposal_id: int, data: ProposalReview
) -> ChangeProposal:
    """The commissioner approves: the changes are applied to the file and recorded."""
    from biopark.enterprises.schemas import EnterpriseUpdate

    row, ent = _reviewable(session, user, proposal_id)
    values = EnterpriseUpdate.model_validate(row.changes).model_dump(include=set(row.changes))
    changed = audit.apply_changes(ent, values)
    row.status = "approved"
    row.reviewed_by_id, row.reviewed_at = user.id, utcnow()
    row.review_note = (data.reason or "").strip() or None
    _record(session, user, ent, "proposal_approved", proposal=row.id, **changed)
    return row


def reject(
    session: Session, *, user: User, proposal_id: int, data: ProposalReview
) -> ChangeProposal:
    """The commissioner rejects with a reason; nothing in the file changes."""
    row, ent = _reviewable(session, user, proposal_id)
    reason = (data.reason or "").strip()
    if not reason:
        raise ValidationFailed("驳回须说明理由", en="Give a reason for the rejection")
    row.status = "rejected"
    row.reviewed_by_id, row.reviewed_at = user.id, utcnow()
    row.review_note = reason
    _record(session, user, ent, "proposal_rejected", proposal=row.id, reason=reason)
    return row
