"""Drug pipeline API."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.errors import Forbidden
from biopark.kit.pagination import Page
from biopark.pipeline import deals, proposals, service
from biopark.pipeline.models import Deal, Drug, LicensingDeal, Milestone, MilestoneProposal
from biopark.pipeline.schemas import (
    DealCreate,
    DealDecision,
    DealFilters,
    DealRead,
    DealRecordRead,
    DrugCreate,
    DrugDetail,
    DrugRead,
    DrugUpdate,
    FunnelPair,
    MilestoneCreate,
    MilestoneRead,
    ProposalCreate,
    ProposalDecision,
    ProposalRead,
    StageChange,
    TimelineEntry,
)

router = APIRouter(prefix="/api/pipeline", tags=["pipeline"])


@router.get("/drugs", response_model=Page[DrugRead])
def list_drugs(
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    stage: str | None = Query(
        default=None,
        pattern="^(in_research|clinical|on_market|preclinical|ind_filed|ind_approved|phase1|phase2|phase3|nda_filed|approved|marketed|discontinued)$",
    ),
    modality: str | None = Query(default=None, max_length=20),
    scope: str | None = Query(default=None, pattern="^(park|city)$"),
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> Page[Any]:
    """Drugs the user may see."""
    return service.list_drugs(
        session, user=user, q=q, stage=stage, modality=modality, scope=scope, page=page, size=size
    )


@router.post("/drugs", response_model=DrugRead, status_code=201)
def create_drug(body: DrugCreate, user: CurrentUser, session: SessionDep) -> Drug:
    """Register a drug."""
    return service.create_drug(session, user=user, data=body)


@router.get("/drugs/{drug_id}", response_model=DrugDetail)
def get_drug(drug_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """One drug with its milestones and deals."""
    drug = service.get_drug(session, user=user, drug_id=drug_id)
    return {
        **DrugRead.model_validate(drug).model_dump(),
        "milestones": service.milestones(session, drug=drug),
        "deals": service.deals(session, drug=drug),
    }


@router.patch("/drugs/{drug_id}", response_model=DrugRead)
def update_drug(drug_id: int, body: DrugUpdate, user: CurrentUser, session: SessionDep) -> Drug:
    """Change a drug's descriptive fields."""
    return service.update_drug(session, user=user, drug_id=drug_id, data=body)


@router.post("/drugs/{drug_id}/stage", response_model=MilestoneRead, status_code=201)
def change_stage(
    drug_id: int, body: StageChange, user: CurrentUser, session: SessionDep
) -> Milestone:
    """Move the drug to another stage (backwards, stop and restart need a reason)."""
    return service.change_stage(session, user=user, drug_id=drug_id, data=body)


@router.post("/drugs/{drug_id}/milestones", response_model=MilestoneRead, status_code=201)
def add_milestone(
    drug_id: int, body: MilestoneCreate, user: CurrentUser, session: SessionDep
) -> Milestone:
    """Record a dated milestone with its source."""
    return service.add_milestone(session, user=user, drug_id=drug_id, data=body)


@router.post("/drugs/{drug_id}/deals", response_model=DealRead, status_code=201)
def add_deal(
    drug_id: int, body: DealCreate, user: CurrentUser, session: SessionDep
) -> LicensingDeal:
    """Record a licensing deal."""
    return service.add_deal(session, user=user, drug_id=drug_id, data=body)


@router.get("/funnel", response_model=FunnelPair)
def get_funnel(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """Stage counts for the park and for the city."""
    return {
        "park": service.funnel_for(session, user=user, scope="park"),
        "city": service.funnel_for(session, user=user, scope="city"),
    }


@router.get("/timeline", response_model=list[TimelineEntry])
def get_timeline(
    user: CurrentUser,
    session: SessionDep,
    year: int | None = Query(default=None, ge=1990, le=2100),
    limit: int = Query(default=100, ge=1, le=500),
) -> list[TimelineEntry]:
    """Latest milestones of the drugs the user may see."""
    return service.timeline(session, user=user, year=year, limit=limit)


@router.get("/proposals", response_model=list[ProposalRead])
def list_proposals(
    user: CurrentUser,
    session: SessionDep,
    status: str | None = Query(default="pending", pattern="^(pending|accepted|rejected)$"),
) -> list[MilestoneProposal]:
    """Milestones proposed from the news."""
    return proposals.list_proposals(session, user=user, status=status)


@router.post("/proposals", response_model=ProposalRead, status_code=201)
def create_proposal(
    body: ProposalCreate, user: CurrentUser, session: SessionDep
) -> MilestoneProposal:
    """Queue a proposed milestone (what the intelligence engine does)."""
    if user.role not in proposals.DECIDERS:
        raise Forbidden()
    return proposals.create_proposal(session, park_id=user.park_id, data=body, actor=user)


@router.post("/proposals/{proposal_id}/accept", response_model=MilestoneRead)
def accept_proposal(
    proposal_id: int, body: ProposalDecision, user: CurrentUser, session: SessionDep
) -> Milestone:
    """Accept: record the milestone and move the stage if it names one."""
    return proposals.accept_proposal(session, user=user, proposal_id=proposal_id, data=body)


@router.post("/proposals/{proposal_id}/reject", response_model=ProposalRead)
def reject_proposal(
    proposal_id: int, body: ProposalDecision, user: CurrentUser, session: SessionDep
) -> MilestoneProposal:
    """Reject the proposal (kept on record)."""
    return proposals.reject_proposal(session, user=user, proposal_id=proposal_id, data=body)


@router.get("/deals", response_model=list[dict[str, Any]])
def deal_table(
    user: CurrentUser, session: SessionDep, filters: Annotated[DealFilters, Query()]
) -> list[dict[str, Any]]:
    """The cross-company deal table (accepted deals), filtered and sorted."""
    return [asdict(r) for r in deals.deal_table(session, user=user, filters=filters)]


@router.get("/deals/proposed", response_model=list[DealRecordRead])
def proposed_deals(
    user: CurrentUser,
    session: SessionDep,
    status: str = Query(default="proposed", pattern="^(proposed|accepted|rejected)$"),
) -> list[Deal]:
    """Deals proposed from the news (or decided ones, by status)."""
    return deals.list_proposed(session, user=user, status=status)


@router.post("/deals/{deal_id}/accept", response_model=DealRecordRead)
def accept_deal(deal_id: int, body: DealDecision, user: CurrentUser, session: SessionDep) -> Deal:
    """Accept a proposed deal, with corrections to parties and amounts."""
    return deals.accept_deal(session, user=user, deal_id=deal_id, data=body)


@router.post("/deals/{deal_id}/reject", response_model=DealRecordRead)
def reject_deal(
    deal_id: int, body: ProposalDecision, user: CurrentUser, session: SessionDep
) -> Deal:
    """Reject a proposed deal."""
    return deals.reject_deal(session, user=user, deal_id=deal_id, note=body.note)
