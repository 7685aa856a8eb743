"""Milestones proposed from the news: queued by the intel engine, decided by an analyst."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.intel.types import Event
from biopark.kit.models import utcnow
from biopark.pipeline import stages
from biopark.pipeline.models import Drug, Milestone, MilestoneProposal
from biopark.pipeline.schemas import ProposalCreate, ProposalDecision
from biopark.pipeline.service import DECIDERS, READERS, _move
from biopark.pipeline.stages import Stage

EVENT_STAGES = {
    "clinical_approval": Stage.ind_approved,
    "marketing_application": Stage.nda_filed,
    "marketing_approval": Stage.approved,
}


def create_proposal(
    session: Session, *, park_id: int, data: ProposalCreate, actor: User | None = None
) -> MilestoneProposal:
    """Queue a proposed milestone for an analyst; skips one already queued for the same text."""
    drug = session.get(Drug, data.drug_id)
    if drug is None or drug.park_id != park_id:
        raise NotFound("药物不存在", en="Drug not found")
    same = session.scalar(
        select(MilestoneProposal).where(
            MilestoneProposal.drug_id == drug.id,
            MilestoneProposal.source_text == data.source_text,
            MilestoneProposal.proposed_stage == data.proposed_stage,
        )
    )
    if same is not None:
        return same
    values = data.model_dump(exclude={"source_person"})
    proposal = MilestoneProposal(park_id=park_id, status="pending", **values)
    session.add(proposal)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="propose",
        entity_type="drug_proposal",
        entity_id=proposal.id,
        park_id=park_id,
        changes={"drug_id": drug.id, "title": data.title},
    )
    return proposal


def propose_milestones_from_events(
    session: Session,
    *,
    park_id: int,
    events: Iterable[Event],
    source_title: str | None = None,
    source_url: str | None = None,
    document_id: int | None = None,
    published_on: date | None = None,
) -> list[MilestoneProposal]:
    """Turn events the intelligence engine found into proposals for the park's drugs.

    The intel integration calls this with the events of one stored document
    (`intel.types.Event`: clinical_approval, marketing_application,
    marketing_approval, licensing_deal). An event is matched to a drug when one
    of its subjects equals the drug's name or code, or contains the drug's
    code (GR1803注射液 -> GR1803). Nothing is changed on the drug itself:
    the proposals wait in the queue at /pipeline/proposals until an analyst
    accepts (milestone recorded, stage moved through the state machine) or
    rejects them. Proposing the same sentence twice returns the queued one.
    """
    drugs = list(session.scalars(select(Drug).where(Drug.park_id == park_id)))
    out: list[MilestoneProposal] = []
    for event in events:
        stage = EVENT_STAGES.get(event.type)
        if stage is None and event.type != "licensing_deal":
            continue
        for drug in drugs:
            if not _mentions(drug, event.subjects):
                continue
            title = f"{drug.name}：{stages.label(stage)}" if stage else f"{drug.name}：授权许可交易"
            out.append(
                create_proposal(
                    session,
                    park_id=park_id,
                    data=ProposalCreate(
                        drug_id=drug.id,
                        source_text=event.quote[:5000] or title,
                        title=title,
                        event_type=event.type,
                        proposed_stage=stage,
                        proposed_on=event.date or published_on,
                        source_title=source_title,
                        source_url=source_url,
                        source_document_id=document_id,
                    ),
                )
            )
    return out


def _mentions(drug: Drug, subjects: Iterable[str]) -> bool:
    for subject in subjects:
        if subject == drug.name or (drug.code and (subject == drug.code or drug.code in subject)):
            return True
    return False


def list_proposals(
    session: Session, *, user: User, status: str | None = "pending"
) -> list[MilestoneProposal]:
    """Proposals of the user's park (pending by default), oldest first."""
    if user.role not in READERS:
        raise Forbidden()
    stmt = select(MilestoneProposal).where(MilestoneProposal.park_id == user.park_id)
    if status:
        stmt = stmt.where(MilestoneProposal.status == status)
    return list(session.scalars(stmt.order_by(MilestoneProposal.id)))


def _pending(session: Session, *, user: User, proposal_id: int) -> MilestoneProposal:
    if user.role not in DECIDERS:
        raise Forbidden()
    proposal = session.get(MilestoneProposal, proposal_id)
    if proposal is None or proposal.park_id != user.park_id:
        raise NotFound("提议不存在", en="Proposal not found")
    if proposal.status != "pending":
        raise Conflict("该提议已处理", en="Proposal already decided")
    return proposal


def accept_proposal(
    session: Session, *, user: User, proposal_id: int, data: ProposalDecision
) -> Milestone:
    """Accept a proposal: record the milestone and, if it names a stage, move the drug there."""
    proposal = _pending(session, user=user, proposal_id=proposal_id)
    drug = session.get(Drug, proposal.drug_id)
    assert drug is not None
    on = data.occurred_on or proposal.proposed_on
    if on is None:
        raise ValidationFailed("请填写里程碑日期", en="A milestone date is required")
    source = {
        "source_title": proposal.source_title,
        "source_url": proposal.source_url,
        "source_document_id": proposal.source_document_id,
    }
    if not any(source.values()):
        source["source_title"] = proposal.source_text[:300]
    if proposal.proposed_stage is not None and proposal.proposed_stage != drug.stage:
        milestone = _move(
            session,
            user=user,
            drug=drug,
            target=proposal.proposed_stage,
            occurred_on=on,
            reason=data.note,
            source=source,
            title=proposal.title,
        )
    else:
        milestone = Milestone(
            park_id=drug.park_id,
            drug_id=drug.id,
            occurred_on=on,
            title=proposal.title,
            actor_name=user.username,
            **source,
        )
        session.add(milestone)
        session.flush()
    proposal.status = "accepted"
    proposal.decided_by = user.username
    proposal.decided_at = utcnow()
    proposal.decision_note = data.note
    proposal.milestone_id = milestone.id
    audit.record(
        session,
        actor=user,
        action="accept",
        entity_type="drug_proposal",
        entity_id=proposal.id,
        park_id=proposal.park_id,
        changes={"milestone_id": milestone.id},
    )
    return milestone


def reject_proposal(
    session: Session, *, user: User, proposal_id: int, data: ProposalDecision
) -> MilestoneProposal:
    """Reject a proposal; it stays on record with the note."""
    proposal = _pending(session, user=user, proposal_id=proposal_id)
    proposal.status = "rejected"
    proposal.decided_by = user.username
    proposal.decided_at = utcnow()
    proposal.decision_note = data.note
    audit.record(
        session,
        actor=user,
        action="reject",
        entity_type="drug_proposal",
        entity_id=proposal.id,
        park_id=proposal.park_id,
        changes={"note": data.note},
    )
    return proposal
