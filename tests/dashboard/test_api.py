from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import make_enterprise, make_park, make_user, page_login, token_headers
from tests.dashboard.builders import add_article, make_world


def test_dashboard_api_figures(client: TestClient, session: Session) -> None:
    w = make_world(session)
    h = token_headers(client, w.leader)
    resp = client.get("/api/dashboard?year=2025&month_from=1&month_to=2", headers=h)
    assert resp.status_code == 200, resp.text
    inv = resp.json()["investment"]
    assert inv["signed_projects"] == 3
    assert inv["agreed_investment"] == "1200000000.00"
    assert inv["target"]["projects"] == 20
    bad = client.get("/api/dashboard?year=2025&month_from=5&month_to=2", headers=h)
    assert bad.status_code == 422


def test_dashboard_api_roles_and_park_isolation(client: TestClient, session: Session) -> None:
    w = make_world(session)
    ent = make_user(
        session, w.park, Role.enterprise, enterprise_id=make_enterprise(session, w.park).id
    )
    dept = make_user(session, w.park, Role.department)
    for user in (ent, dept):
        assert client.get("/api/dashboard", headers=token_headers(client, user)).status_code == 403
    # Another park's leader sees its own (empty) park, never this one's figures.
    other = make_user(session, make_park(session), Role.leader)
    data = client.get(
        "/api/dashboard?year=2025&month_to=2", headers=token_headers(client, other)
    ).json()
    assert data["investment"]["signed_projects"] == 0
    add_article(session, w.park)
    assert client.get("/api/dashboard/reconcile", headers=token_headers(client, other)).json() == []
    assert client.get("/api/dashboard", headers={}).status_code == 401


def test_reconcile_and_report_api(client: TestClient, session: Session) -> None:
    w = make_world(session)
    add_article(session, w.park)
    h = token_headers(client, w.leader)
    rows = client.get("/api/dashboard/reconcile", headers=h).json()
    assert {r["status"] for r in rows} >= {"match", "mismatch", "not_comparable"}
    docx = client.get("/api/dashboard/report?month=2025-02", headers=h)
    assert docx.status_code == 200
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    html = client.get("/api/dashboard/report?month=2025-02&format=html", headers=h)
    assert "2025年2月工作月报" in html.text and "12亿元" in html.text
    pdf = client.get("/api/dashboard/report?month=2025-02&format=pdf", headers=h)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get("/api/dashboard/report?month=bad", headers=h).status_code == 422
    assert (
        client.get("/api/dashboard/report?month=2025-02&format=rtf", headers=h).status_code == 422
    )


def test_pages(client: TestClient, session: Session) -> None:
    w = make_world(session)
    add_article(session, w.park)
    page_login(client, w.leader)
    html = client.get("/dashboard?year=2025&month_from=1&month_to=2").text
    assert "12亿元" in html
    assert "/investment/projects?year=2025&amp;month_from=1&amp;month_to=2&amp;signed=true" in html
    assert "/tasks?status=overdue" in html and "/requests?overdue=true" in html
    assert 'href="/dashboard"' in client.get("/").text
    rec = client.get("/dashboard/reconcile").text
    assert "一致" in rec and "/intel/documents/" in rec
    assert "月报" in client.get("/dashboard/report?month=2025-02").text
    assert client.get("/dashboard/report.docx?month=2025-02").status_code == 200
    assert client.get("/dashboard/report.pdf?month=2025-02").content.startswith(b"%PDF")
    assert client.get("/dashboard/report.rtf?month=2025-02").status_code == 404


def test_linked_lists_filter(client: TestClient, session: Session) -> None:
    w = make_world(session)
    page_login(client, w.leader)
    html = client.get("/investment/projects?year=2025&month_from=1&month_to=2&signed=true").text
    # Three registered in Jan-Feb; the March one and the terminated one are left out.
    assert html.count('href="/investment/projects/') - html.count("/investment/projects/new") >= 3
    all_year = client.get("/investment/projects?year=2025").text
    assert all_year.count("测试项目") > html.count("测试项目")


def test_page_forbidden_for_enterprise(client: TestClient, session: Session) -> None:
    w = make_world(session)
    ent = make_user(
        session, w.park, Role.enterprise, enterprise_id=make_enterprise(session, w.park).id
    )
    page_login(client, ent)
    assert client.get("/dashboard").status_code == 403
    assert 'href="/dashboard"' not in client.get("/").text
