"""Investment API: public consultation, permissions, isolation, stats, Excel."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.investment import consult, service
from biopark.investment.config import InvestmentSettings
from biopark.investment.models import Lead, Project
from tests.builders import make_park, make_user, token_headers
from tests.investment.builders import make_project, make_registered
from tests.jobs.builders import finished_task

FORM = {
    "company": "苏州某医疗科技有限公司",
    "contact_name": "周女士",
    "phone": "139 0013 9002",
    "consent": True,
}


def test_public_consultation_needs_no_login(client: TestClient, session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    resp = client.post(
        f"/api/investment/consult/{park.code}",
        json={**FORM, "intended_investment": "5000万元", "intended_land_mu": "30"},
    )
    assert resp.status_code == 201, resp.text
    lead = session.get(Lead, resp.json()["lead_id"])
    assert lead is not None and lead.source == "qr" and lead.owner_id == officer.id
    assert lead.phone == "13900139002" and lead.intended_investment == Decimal("50000000")
    headers = token_headers(client, officer)
    listed = client.get("/api/investment/leads", headers=headers).json()
    assert listed["items"][0]["id"] == lead.id and listed["items"][0]["sla_hours_left"] is not None


def test_public_consultation_validates(client: TestClient, session: Session) -> None:
    park = make_park(session)
    resp = client.post(f"/api/investment/consult/{park.code}", json={**FORM, "phone": "12345"})
    assert resp.status_code == 422
    assert client.post("/api/investment/consult/no-such-park", json=FORM).status_code == 404


def test_honeypot_is_thanked_and_dropped(client: TestClient, session: Session) -> None:
    park = make_park(session)
    resp = client.post(f"/api/investment/consult/{park.code}", json={**FORM, "website": "x"})
    assert resp.status_code == 201 and resp.json()["lead_id"] is None
    assert (
        session.scalar(select(func.count()).select_from(Lead).where(Lead.park_id == park.id)) == 0
    )


def test_public_consultation_is_rate_limited(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        consult, "get_investment_settings", lambda: InvestmentSettings(consult_phone_limit=3)
    )
    park = make_park(session)
    codes = [
        client.post(f"/api/investment/consult/{park.code}", json=FORM).status_code for _ in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    assert (
        session.scalar(select(func.count()).select_from(Lead).where(Lead.park_id == park.id)) == 3
    )


@pytest.mark.parametrize("role", [Role.enterprise, Role.department])
def test_enterprise_and_department_users_are_refused(
    client: TestClient, session: Session, role: Role
) -> None:
    park = make_park(session)
    project = make_project(session, make_user(session, park, Role.investment_officer))
    headers = token_headers(client, make_user(session, park, role))
    for path in ("/api/investment/projects", f"/api/investment/projects/{project.id}",
                 "/api/investment/leads", "/api/investment/stats?year=2025", "/api/investment/loop"):  # fmt: skip
        assert client.get(path, headers=headers).status_code == 403, path


def test_other_parks_ids_are_404(client: TestClient, session: Session) -> None:
    park, other = make_park(session), make_park(session)
    headers = token_headers(client, make_user(session, park, Role.investment_officer))
    theirs = make_project(session, make_user(session, other, Role.investment_officer))
    lead = Lead(park_id=other.id, company="别人的线索", contact_name="王", phone="13800138000")
    session.add(lead)
    session.flush()
    for path in (f"/api/investment/projects/{theirs.id}", f"/api/investment/projects/{theirs.id}/visits",
                 f"/api/investment/projects/{theirs.id}/funds", f"/api/investment/projects/{theirs.id}/history",
                 f"/api/investment/leads/{lead.id}"):  # fmt: skip
        assert client.get(path, headers=headers).status_code == 404, path
    resp = client.post(
        f"/api/investment/projects/{theirs.id}/stage", json={"stage": "签约"}, headers=headers
    )
    assert resp.status_code == 404
    listed = client.get("/api/investment/projects", headers=headers).json()
    assert listed["total"] == 0


def test_project_lifecycle_over_api(client: TestClient, session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    headers = token_headers(client, officer)
    body = {"name": "皓元ADC基地", "agreed_investment": "12亿元", "land_mu": "120",
            "next_action": "起草协议", "due_on": str(service.today_local() + timedelta(days=3))}  # fmt: skip
    project = client.post("/api/investment/projects", json=body, headers=headers)
    assert project.status_code == 201, project.text
    pid = project.json()["id"]
    assert project.json()["agreed_investment"] == "1200000000.00"
    today = str(service.today_local())
    move = {"stage": "入库", "signed_on": today, "registered_on": today, "reason": "同日签约入库"}
    resp = client.post(f"/api/investment/projects/{pid}/stage", json=move, headers=headers)
    assert resp.status_code == 200 and resp.json()["registered_on"] == today
    back = client.post(
        f"/api/investment/projects/{pid}/stage", json={"stage": "洽谈"}, headers=headers
    )
    assert back.status_code == 422 and "原因" in back.json()["error"]["message"]
    funds = client.post(
        f"/api/investment/projects/{pid}/funds",
        json={"received_on": str(service.today_local()), "amount": "3,000万元"},
        headers=headers,
    )
    assert funds.status_code == 201
    visit = client.post(
        f"/api/investment/projects/{pid}/visits",
        json={
            "visited_on": str(service.today_local()),
            "people": "李招商",
            "next_step": "开工协调",
        },
        headers=headers,
    )
    assert visit.status_code == 201
    history = client.get(f"/api/investment/projects/{pid}/history", headers=headers).json()
    assert {"create", "stage", "funds", "visit"} <= {h["action"] for h in history}
    timeline = client.get(f"/api/investment/projects/{pid}/timeline", headers=headers).json()
    assert {"stage", "visit", "funds", "create"} <= {t["kind"] for t in timeline}
    assert any("3000万元" in t["title"] for t in timeline)
    got = client.get(f"/api/investment/projects/{pid}", headers=headers).json()
    assert got["funds_in_place"] == "30000000.00"


def test_stats_and_targets(client: TestClient, session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    leader = make_user(session, park, Role.leader)
    make_registered(session, officer, service.today_local().replace(day=1), Decimal("500000000"))
    target = {
        "year": service.today_local().year,
        "projects": 4,
        "agreed_investment": "20亿元",
        "funds_in_place": "10亿元",
    }
    refused = client.put(
        "/api/investment/targets", json=target, headers=token_headers(client, officer)
    )
    assert refused.status_code == 403
    ok = client.put("/api/investment/targets", json=target, headers=token_headers(client, leader))
    assert ok.status_code == 200 and ok.json()["agreed_investment"] == "2000000000.00"
    stats = client.get(
        f"/api/investment/stats?year={service.today_local().year}",
        headers=token_headers(client, officer),
    )
    body = stats.json()
    assert body["signed_projects"] == 1
    assert body["progress"]["projects_pct"] == "25.00"
    assert body["progress"]["agreed_investment_pct"] == "25.00"


def test_export_and_import_over_api(client: TestClient, session: Session) -> None:
    park, other = make_park(session), make_park(session)
    headers = token_headers(client, make_user(session, park, Role.investment_officer))
    owner = make_user(session, park, Role.investment_officer, display_name="张三")
    project = make_registered(session, owner, service.today_local(), Decimal("1e8"))
    resp = client.get("/api/investment/projects/export.xlsx?stage=入库", headers=headers)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws is not None and ws["C3"].value == project.name and ws["B3"].value == project.code
    files = {"file": ("ledger.xlsx", resp.content, "application/octet-stream")}
    again = client.post("/api/investment/projects/import", files=files, headers=headers)
    body = finished_task(client, again, headers)
    assert body["status"] == "done"
    assert body["result"] == {"total": 1, "created": 0, "updated": 1}
    other_headers = token_headers(client, make_user(session, other, Role.leader))
    refused = client.post("/api/investment/projects/import", files=files, headers=other_headers)
    body = finished_task(client, refused, other_headers)
    assert body["status"] == "failed" and "项目编号不存在" in body["result"]["errors"][0]
    count = select(func.count()).select_from(Project)
    assert session.scalar(count.where(Project.park_id == park.id)) == 1
    assert session.scalar(count.where(Project.park_id == other.id)) == 0


def test_openapi_documents_the_investment_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/investment/consult/{park_code}", "/api/investment/projects",
                 "/api/investment/projects/{project_id}/stage", "/api/investment/stats",
                 "/api/investment/projects/import", "/api/investment/loop", "/api/investment/targets"):  # fmt: skip
        assert path in paths
