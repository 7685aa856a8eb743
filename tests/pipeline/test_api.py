"""Pipeline API: roles, enterprise isolation by guessing ids, stage moves, funnel."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.pipeline.stages import Stage
from tests.builders import make_enterprise, make_park, make_user, token_headers
from tests.pipeline.builders import make_drug


def test_enterprise_user_sees_only_its_own_drugs(client: TestClient, session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    mine = make_drug(session, park, enterprise_id=user.enterprise_id)
    others = [
        make_drug(session, park, enterprise_id=make_enterprise(session, park).id) for _ in range(3)
    ]
    others.append(make_drug(session, make_park(session)))
    headers = token_headers(client, user)
    listing = client.get("/api/pipeline/drugs", headers=headers).json()
    assert [d["id"] for d in listing["items"]] == [mine.id]
    assert client.get(f"/api/pipeline/drugs/{mine.id}", headers=headers).status_code == 200
    for guess in range(max(min(d.id for d in others) - 3, 1), max(d.id for d in others) + 3):
        if guess == mine.id:
            continue
        assert client.get(f"/api/pipeline/drugs/{guess}", headers=headers).status_code == 404
    # Enterprise users read their drugs; they do not edit them, nor read the park's funnel.
    resp = client.post(
        f"/api/pipeline/drugs/{mine.id}/stage",
        json={"stage": "ind_filed", "occurred_on": "2025-01-01"},
        headers=headers,
    )
    assert resp.status_code == 403
    assert client.get("/api/pipeline/funnel", headers=headers).status_code == 403


def test_department_user_sees_nothing(client: TestClient, session: Session) -> None:
    park = make_park(session)
    drug = make_drug(session, park)
    headers = token_headers(client, make_user(session, park, Role.department))
    assert client.get("/api/pipeline/drugs", headers=headers).status_code == 403
    assert client.get(f"/api/pipeline/drugs/{drug.id}", headers=headers).status_code == 403
    assert client.get("/api/pipeline/timeline", headers=headers).status_code == 403


def test_analyst_creates_moves_and_records(client: TestClient, session: Session) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park)
    headers = token_headers(client, make_user(session, park, Role.analyst))
    resp = client.post(
        "/api/pipeline/drugs",
        json={
            "name": "ZX-900注射液",
            "code": "ZX-900",
            "enterprise_id": ent.id,
            "modality": "antibody",
        },
        headers=headers,
    )
    assert resp.status_code == 201, resp.text
    drug_id = resp.json()["id"]
    move = client.post(
        f"/api/pipeline/drugs/{drug_id}/stage",
        json={"stage": "phase1", "occurred_on": "2025-02-01", "source_title": "CDE"},
        headers=headers,
    )
    assert move.status_code == 201 and move.json()["stage"] == "phase1"
    back = client.post(
        f"/api/pipeline/drugs/{drug_id}/stage",
        json={"stage": "preclinical", "occurred_on": "2025-03-01"},
        headers=headers,
    )
    assert back.status_code == 422 and "原因" in back.json()["error"]["message"]
    deal = client.post(
        f"/api/pipeline/drugs/{drug_id}/deals",
        json={"partner": "海外药企", "total": "712000000", "currency": "USD"},
        headers=headers,
    )
    assert deal.status_code == 201
    detail = client.get(f"/api/pipeline/drugs/{drug_id}", headers=headers).json()
    assert detail["stage"] == "phase1" and len(detail["milestones"]) == 1
    assert detail["deals"][0]["total"] == "712000000.00"
    bad = client.post(
        "/api/pipeline/drugs", json={"name": "x", "modality": "antibody"}, headers=headers
    )
    assert bad.status_code == 422


def test_funnel_and_timeline(client: TestClient, session: Session) -> None:
    park = make_park(session)
    for stage in (Stage.phase1, Stage.phase2, Stage.preclinical):
        make_drug(session, park, stage=stage)
    make_drug(session, park, stage=Stage.phase3, scope="city")
    headers = token_headers(client, make_user(session, park, Role.leader))
    body = client.get("/api/pipeline/funnel", headers=headers).json()
    assert (body["park"]["in_research"], body["park"]["clinical"]) == (3, 2)
    assert (body["city"]["in_research"], body["city"]["clinical"]) == (4, 3)
    assert client.get("/api/pipeline/timeline", headers=headers).json() == []


def test_proposal_workflow_over_the_api(client: TestClient, session: Session) -> None:
    park = make_park(session)
    drug = make_drug(session, park, stage=Stage.ind_filed)
    analyst = token_headers(client, make_user(session, park, Role.analyst))
    officer = token_headers(client, make_user(session, park, Role.investment_officer))
    body = {
        "drug_id": drug.id,
        "source_text": "获得临床试验默示许可",
        "title": "IND获批",
        "proposed_stage": "ind_approved",
        "proposed_on": "2025-04-01",
        "source_url": "https://example.org/news/1",
    }
    assert client.post("/api/pipeline/proposals", json=body, headers=officer).status_code == 403
    created = client.post("/api/pipeline/proposals", json=body, headers=analyst)
    assert created.status_code == 201
    pid = created.json()["id"]
    assert (
        client.post(f"/api/pipeline/proposals/{pid}/accept", json={}, headers=officer).status_code
        == 403
    )
    accepted = client.post(f"/api/pipeline/proposals/{pid}/accept", json={}, headers=analyst)
    assert (
        accepted.status_code == 200
        and accepted.json()["source_url"] == "https://example.org/news/1"
    )
    assert (
        client.get(f"/api/pipeline/drugs/{drug.id}", headers=analyst).json()["stage"]
        == "ind_approved"
    )
    assert client.get("/api/pipeline/proposals", headers=analyst).json() == []
    again = client.post(f"/api/pipeline/proposals/{pid}/reject", json={}, headers=analyst)
    assert again.status_code == 409
