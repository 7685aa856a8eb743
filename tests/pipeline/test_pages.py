"""Pipeline pages: list, detail forms with Chinese errors, funnel, proposals, isolation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.pipeline import proposals
from biopark.pipeline.schemas import ProposalCreate
from biopark.pipeline.stages import Stage
from tests.builders import csrf_of, make_enterprise, make_park, make_user, page_login
from tests.pipeline.builders import make_drug


def test_list_and_detail_for_a_reader(client: TestClient, session: Session) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park, short_name="甲生物")
    drug = make_drug(session, park, name="甲单抗注射液", enterprise_id=ent.id, stage=Stage.phase2)
    page_login(client, make_user(session, park, Role.commissioner))
    html = client.get("/pipeline?stage=clinical").text
    assert "甲单抗注射液" in html and "甲生物" in html
    assert "甲单抗注射液" not in client.get("/pipeline?stage=preclinical").text
    assert client.get("/pipeline?stage=bogus").status_code == 200
    detail = client.get(f"/pipeline/drugs/{drug.id}").text
    assert "II期临床" in detail and "变更阶段" not in detail


def test_stage_form_shows_the_state_machine_error(client: TestClient, session: Session) -> None:
    park = make_park(session)
    drug = make_drug(session, park, stage=Stage.phase2)
    page_login(client, make_user(session, park, Role.analyst))
    html = client.get(f"/pipeline/drugs/{drug.id}").text
    token = csrf_of(html)
    resp = client.post(
        f"/pipeline/drugs/{drug.id}/stage",
        data={"stage": "phase1", "occurred_on": "2025-01-02", "csrf_token": token},
    )
    assert resp.status_code == 422 and "须填写原因" in resp.text
    resp = client.post(
        f"/pipeline/drugs/{drug.id}/stage",
        data={"stage": "phase3", "occurred_on": "2025-01-02", "csrf_token": token},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    history = client.get(f"/pipeline/drugs/{drug.id}").text.split('id="history"')[1]
    assert "阶段" in history and "III期临床" in history and "phase3" not in history
    resp = client.post(
        f"/pipeline/drugs/{drug.id}/milestones",
        data={"occurred_on": "2025-01-03", "title": "无来源", "csrf_token": token},
    )
    assert resp.status_code == 422 and "来源" in resp.text
    resp = client.post(
        f"/pipeline/drugs/{drug.id}/deals",
        data={"partner": "海外药企", "total": "abc", "currency": "USD", "csrf_token": token},
    )
    assert resp.status_code == 422 and "总金额：应为数字" in resp.text


def test_funnel_page_and_proposals_page(client: TestClient, session: Session) -> None:
    park = make_park(session)
    drug = make_drug(session, park, stage=Stage.ind_filed, name="乙疫苗")
    make_drug(session, park, stage=Stage.phase1)
    p = proposals.create_proposal(
        session,
        park_id=park.id,
        data=ProposalCreate(
            drug_id=drug.id,
            source_text="获批临床",
            title="IND获批",
            proposed_stage=Stage.ind_approved,
            proposed_on=None,
        ),
    )
    page_login(client, make_user(session, park, Role.analyst))
    funnel = client.get("/pipeline/funnel").text
    assert 'id="funnel-park"' in funnel and 'id="kpi-park-clinical"' in funnel
    html = client.get("/pipeline/proposals").text
    assert "获批临床" in html and 'name="occurred_on"' in html
    resp = client.post(
        f"/pipeline/proposals/{p.id}/accept",
        data={"occurred_on": "2025-04-01", "csrf_token": csrf_of(html)},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    assert "IND获批" in client.get(f"/pipeline/drugs/{drug.id}").text
    assert "乙疫苗" in client.get("/pipeline/funnel").text


def test_enterprise_pages_see_only_own_drugs(client: TestClient, session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    mine = make_drug(session, park, enterprise_id=user.enterprise_id, name="自家药")
    theirs = make_drug(
        session, park, enterprise_id=make_enterprise(session, park).id, name="别家药"
    )
    page_login(client, user)
    html = client.get("/pipeline").text
    assert "自家药" in html and "别家药" not in html and "/pipeline/funnel" not in html
    assert client.get(f"/pipeline/drugs/{mine.id}").status_code == 200
    assert client.get(f"/pipeline/drugs/{theirs.id}").status_code == 404
    assert client.get("/pipeline/funnel").status_code == 403
    client.cookies.clear()
    page_login(client, make_user(session, park, Role.department))
    assert client.get("/pipeline").status_code == 403


def test_new_drug_form(client: TestClient, session: Session) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park, name="重庆丙医药有限公司")
    page_login(client, make_user(session, park, Role.investment_officer))
    html = client.get("/pipeline/new").text
    assert "重庆丙医药有限公司" in html
    token = csrf_of(html)
    resp = client.post(
        "/pipeline/new",
        data={
            "name": "丙-001片",
            "modality": "small_molecule",
            "stage": "preclinical",
            "csrf_token": token,
        },
    )
    assert resp.status_code == 422 and "须选择园区企业或填写企业名称" in resp.text
    assert 'value="丙-001片"' in resp.text
    resp = client.post(
        "/pipeline/new",
        data={
            "name": "丙-001片",
            "code": "BING-001",
            "enterprise_id": str(ent.id),
            "modality": "small_molecule",
            "stage": "phase1",
            "scope": "park",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303
    detail = client.get(resp.headers["location"]).text
    assert "丙-001片" in detail and "I期临床" in detail
    client.cookies.clear()
    page_login(client, make_user(session, park, Role.leader))
    assert client.get("/pipeline/new").status_code == 403
