"""Milestones proposed from news events: created by the intel hook, decided by an analyst."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.intel.types import Amount, Event
from biopark.pipeline import proposals, service
from biopark.pipeline.schemas import ProposalCreate, ProposalDecision
from biopark.pipeline.stages import Stage
from tests.builders import make_park
from tests.pipeline.builders import make_drug, make_member


def _events() -> list[Event]:
    return [
        Event(
            type="clinical_approval",
            date=date(2025, 4, 2),
            subjects=("智翔金泰", "GR2001注射液"),
            quote="GR2001注射液获得国家药监局临床试验默示许可。",
        ),
        Event(
            type="licensing_deal",
            date=date(2025, 5, 6),
            subjects=("GR2001注射液",),
            quote="公司就GR2001达成海外授权。",
            amount=Amount(Decimal("100000000"), "USD"),
        ),
        Event(type="award", date=None, subjects=("GR2001",), quote="获奖。"),
        Event(type="marketing_approval", date=None, subjects=("别的药",), quote="别的药获批。"),
    ]


def test_events_become_pending_proposals_once(session: Session) -> None:
    park = make_park(session)
    drug = make_drug(session, park, code="GR2001", name="GR2001注射液", stage=Stage.ind_filed)
    found = proposals.propose_milestones_from_events(
        session, park_id=park.id, events=_events(), source_title="某报道", document_id=42
    )
    assert [(p.event_type, p.proposed_stage) for p in found] == [
        ("clinical_approval", Stage.ind_approved),
        ("licensing_deal", None),
    ]
    assert all(p.status == "pending" and p.drug_id == drug.id for p in found)
    assert found[0].source_document_id == 42
    again = proposals.propose_milestones_from_events(session, park_id=park.id, events=_events())
    assert [p.id for p in again] == [p.id for p in found]
    assert drug.stage == Stage.ind_filed


def test_accept_moves_the_stage_and_records_the_milestone(session: Session) -> None:
    park = make_park(session)
    analyst = make_member(session, park, Role.analyst)
    drug = make_drug(session, park, code="GR2001", name="GR2001注射液", stage=Stage.ind_filed)
    first, deal = proposals.propose_milestones_from_events(
        session, park_id=park.id, events=_events(), source_title="某报道", document_id=42
    )
    m = proposals.accept_proposal(
        session, user=analyst, proposal_id=first.id, data=ProposalDecision()
    )
    assert drug.stage == Stage.ind_approved and m.occurred_on == date(2025, 4, 2)
    assert m.source_document_id == 42 and first.status == "accepted" and first.milestone_id == m.id
    with pytest.raises(Conflict):
        proposals.accept_proposal(
            session, user=analyst, proposal_id=first.id, data=ProposalDecision()
        )
    m2 = proposals.accept_proposal(
        session, user=analyst, proposal_id=deal.id, data=ProposalDecision()
    )
    assert m2.stage is None and drug.stage == Stage.ind_approved
    assert len(service.milestones(session, drug=drug)) == 2


def test_accept_that_would_go_backwards_needs_a_note(session: Session) -> None:
    park = make_park(session)
    analyst = make_member(session, park, Role.analyst)
    drug = make_drug(session, park, stage=Stage.phase2)
    p = proposals.create_proposal(
        session,
        park_id=park.id,
        data=ProposalCreate(
            drug_id=drug.id,
            source_text="旧闻：获批临床",
            title="IND获批",
            proposed_stage=Stage.ind_approved,
            proposed_on=date(2024, 1, 1),
        ),
    )
    with pytest.raises(ValidationFailed):
        proposals.accept_proposal(session, user=analyst, proposal_id=p.id, data=ProposalDecision())
    assert p.status == "pending"
    rejected = proposals.reject_proposal(
        session, user=analyst, proposal_id=p.id, data=ProposalDecision(note="旧闻")
    )
    assert rejected.status == "rejected" and drug.stage == Stage.phase2
    assert proposals.list_proposals(session, user=analyst) == []
    assert proposals.list_proposals(session, user=analyst, status="rejected") == [p]


def test_only_analysts_and_admins_decide_in_their_park(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    drug = make_drug(session, park)
    p = proposals.create_proposal(
        session,
        park_id=park.id,
        data=ProposalCreate(
            drug_id=drug.id, source_text="原文", title="标题", proposed_on=date(2025, 1, 1)
        ),
    )
    for role in (Role.leader, Role.investment_officer, Role.enterprise):
        with pytest.raises(Forbidden):
            proposals.accept_proposal(
                session,
                user=make_member(session, park, role),
                proposal_id=p.id,
                data=ProposalDecision(),
            )
    with pytest.raises(NotFound):
        proposals.reject_proposal(
            session,
            user=make_member(session, other, Role.analyst),
            proposal_id=p.id,
            data=ProposalDecision(),
        )
    with pytest.raises(NotFound):
        proposals.create_proposal(
            session,
            park_id=other.id,
            data=ProposalCreate(drug_id=drug.id, source_text="原文", title="标题"),
        )
