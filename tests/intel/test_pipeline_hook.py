"""News events become pipeline milestone proposals: ingest -> pending proposal -> analyst accepts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.intel.models import IntelEvent
from biopark.intel.service.ingest import reextract
from biopark.intel.service.review import review_fact
from biopark.pipeline.models import Drug, Milestone, MilestoneProposal
from biopark.pipeline.stages import Stage
from tests.builders import make_park, make_user, token_headers
from tests.intel.builders import make_document
from tests.jobs.builders import finished_task
from tests.pipeline.builders import make_drug, make_member

HOOKS = Path(__file__).parent / "fixtures" / "hooks"


def _proposals(session: Session, drug: Drug) -> list[MilestoneProposal]:
    stmt = select(MilestoneProposal).where(MilestoneProposal.drug_id == drug.id)
    return list(session.scalars(stmt.order_by(MilestoneProposal.id)))


def test_ind_news_is_proposed_accepted_and_sourced(session: Session, client: TestClient) -> None:
    park = make_park(session)
    drug = make_drug(session, park, name="QX-2107注射液", code="QX-2107", modality="bispecific")
    other = make_drug(session, park, name="不相关注射液", code="ZZ-9999")
    analyst = make_user(session, park, Role.analyst)
    headers = token_headers(client, analyst)
    upload = client.post(
        "/api/intel/documents/upload",
        headers=headers,
        files={"file": ("ind.txt", (HOOKS / "ind_approval.txt").read_bytes(), "text/plain")},
    )
    doc_id = finished_task(client, upload, headers)["result"]["items"][0]["document_id"]

    pending = client.get("/api/pipeline/proposals", headers=headers).json()
    assert [(p["drug_id"], p["proposed_stage"], p["status"]) for p in pending] == [
        (drug.id, Stage.ind_approved.value, "pending")
    ]
    assert pending[0]["source_document_id"] == doc_id
    assert pending[0]["proposed_on"] == "2026-03-12"
    assert "QX-2107" in pending[0]["source_text"]
    assert _proposals(session, other) == []
    # Nothing moves before an analyst decides.
    session.refresh(drug)
    assert drug.stage == Stage.preclinical

    resp = client.post(
        f"/api/pipeline/proposals/{pending[0]['id']}/accept", headers=headers, json={}
    )
    assert resp.status_code == 200, resp.text
    session.refresh(drug)
    assert drug.stage == Stage.ind_approved
    milestone = session.scalars(select(Milestone).where(Milestone.drug_id == drug.id)).one()
    assert milestone.source_document_id == doc_id
    assert milestone.occurred_on == date(2026, 3, 12)
    assert milestone.source_title == "重庆启新生物双抗新药获批开展临床试验"


def test_reingest_and_reextract_do_not_duplicate_proposals(session: Session) -> None:
    park = make_park(session)
    drug = make_drug(session, park, name="QX-2107注射液", code="QX-2107")
    data = (HOOKS / "ind_approval.txt").read_bytes()
    doc = make_document(session, park, data)
    assert len(_proposals(session, drug)) == 1
    make_document(session, park, data, origin="again")  # same bytes: a duplicate, no-op
    reextract(session, document=doc)
    reextract(session, document=doc)
    assert len(_proposals(session, drug)) == 1
    # A repost with other bytes but the same sentence is the same proposal too.
    make_document(session, park, data + "\n（转载）\n".encode(), origin="repost")
    assert len(_proposals(session, drug)) == 1


def test_events_rejected_by_an_analyst_are_not_proposed_on_reextract(session: Session) -> None:
    park = make_park(session)
    analyst = make_member(session, park, Role.analyst)
    doc = make_document(session, park, (HOOKS / "ind_approval.txt").read_bytes())
    # The drug enters the pipeline after the article was read; re-extraction proposes it,
    # unless the analyst has rejected the event meanwhile.
    for event in session.scalars(select(IntelEvent).where(IntelEvent.document_id == doc.id)):
        review_fact(session, user=analyst, kind="event", fact_id=event.id, action="reject")
    drug = make_drug(session, park, name="QX-2107注射液", code="QX-2107")
    reextract(session, document=doc)
    assert _proposals(session, drug) == []
    other = make_document(
        session, park, (HOOKS / "ind_approval.txt").read_bytes() + b"\n", origin="other"
    )
    assert [p.source_document_id for p in _proposals(session, drug)] == [other.id]


def test_news_without_pipeline_drugs_proposes_nothing(session: Session) -> None:
    park = make_park(session)
    make_document(session, park, (HOOKS / "ind_approval.txt").read_bytes())
    count = session.scalar(
        select(func.count())
        .select_from(MilestoneProposal)
        .where(MilestoneProposal.park_id == park.id)
    )
    assert count == 0


def test_a_long_title_and_odd_url_still_make_a_proposal(session: Session) -> None:
    park = make_park(session)
    doc = make_document(session, park, (HOOKS / "ind_approval.txt").read_bytes())
    # Stored titles may be 500 characters and origins any text; proposals keep less.
    doc.title = "重庆启新生物双抗新药获批开展临床试验" + "，详细报道" * 80
    doc.url = "ftp://example.invalid/a"
    drug = make_drug(session, park, name="QX-2107注射液", code="QX-2107")
    reextract(session, document=doc)
    (proposal,) = _proposals(session, drug)
    assert proposal.source_title == doc.title[:300] and proposal.source_url is None
    assert proposal.source_document_id == doc.id
