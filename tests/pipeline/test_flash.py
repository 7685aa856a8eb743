"""Pipeline pages confirm each action, and a refused decision says why without writing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.pipeline import proposals
from biopark.pipeline.models import Drug, MilestoneProposal
from biopark.pipeline.schemas import ProposalCreate
from biopark.pipeline.stages import Stage
from tests.builders import csrf_of, make_park, make_user, page_login
from tests.pipeline.builders import make_drug


def _ok(html: str, message: str) -> bool:
    return f'class="flash flash-success">{message}<' in html


def test_drug_actions_flash_success(client: TestClient, session: Session) -> None:
    park = make_park(session)
    drug = make_drug(session, park, stage=Stage.preclinical)
    page_login(client, make_user(session, park, Role.analyst))
    token = csrf_of(client.get(f"/pipeline/drugs/{drug.id}").text)
    page = client.post(
        f"/pipeline/drugs/{drug.id}/stage",
        data={"stage": "ind_filed", "occurred_on": "2025-01-02", "csrf_token": token},
    )
    assert _ok(page.text, "研发阶段已变更")
    page = client.post(
        f"/pipeline/drugs/{drug.id}/milestones",
        data={
            "occurred_on": "2025-01-03",
            "title": "完成首例给药",
            "source_person": "王",
            "csrf_token": token,
        },
    )
    assert page.status_code == 200 and _ok(page.text, "里程碑已添加")
    page = client.post(
        f"/pipeline/drugs/{drug.id}/deals",
        data={"partner": "海外药企", "currency": "USD", "csrf_token": token},
    )
    assert _ok(page.text, "授权交易已添加")
    again = client.get(f"/pipeline/drugs/{drug.id}").text
    assert "授权交易已添加" not in again


def test_refused_decision_flashes_the_reason_and_writes_nothing(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    drug = make_drug(session, park, stage=Stage.phase1)
    proposal = proposals.create_proposal(
        session,
        park_id=park.id,
        data=ProposalCreate(
            drug_id=drug.id, source_text="进入三期", title="III期", proposed_stage=Stage.phase3
        ),
    )
    page_login(client, make_user(session, park, Role.analyst))
    token = csrf_of(client.get("/pipeline/proposals").text)
    # No date on the proposal nor in the form: refused.
    page = client.post(f"/pipeline/proposals/{proposal.id}/accept", data={"csrf_token": token})
    assert 'class="flash flash-error">请填写里程碑日期<' in page.text
    session.expire_all()
    assert session.get(MilestoneProposal, proposal.id).status == "pending"  # type: ignore[union-attr]
    page = client.post(
        f"/pipeline/proposals/{proposal.id}/reject", data={"csrf_token": token, "note": "误报"}
    )
    assert _ok(page.text, "已驳回该提议")
    page = client.post(
        f"/pipeline/proposals/{proposal.id}/reject?lang=en", data={"csrf_token": token}
    )
    assert 'class="flash flash-error">Proposal already decided<' in page.text
    session.expire_all()
    assert session.get(Drug, drug.id).stage == Stage.phase1  # type: ignore[union-attr]
