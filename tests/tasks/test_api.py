"""Tasks API: progress, export, and isolation by guessing ids."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import make_department, make_park, make_user, token_headers
from tests.tasks.builders import make_task


def test_leader_creates_department_reports_and_exports(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    lead, partner = make_department(session, park), make_department(session, park)
    leader = make_user(session, park, Role.leader)
    dep = make_user(session, park, Role.department, department_id=lead.id)
    hl, hd = token_headers(client, leader), token_headers(client, dep)
    body = {
        "category": "市场主体培育",
        "title": "培育专精特新企业10家",
        "lead_department_id": lead.id,
        "partner_ids": [partner.id],
        "deadline": "2030-12-31",
    }
    r = client.post("/api/tasks", json=body, headers=hl)
    assert r.status_code == 201, r.text
    tid = r.json()["id"]
    assert r.json()["effective_status"] == "not_started"
    assert (
        client.post("/api/tasks", json={**body, "title": "另一项"}, headers=hd).status_code == 403
    )
    r = client.post(
        f"/api/tasks/{tid}/progress", json={"progress": 30, "content": "已遴选12家"}, headers=hd
    )
    assert r.status_code == 201
    assert client.get(f"/api/tasks/{tid}", headers=hd).json()["status"] == "in_progress"
    bad = client.post(
        f"/api/tasks/{tid}/progress", json={"progress": 130, "content": "x"}, headers=hd
    )
    assert bad.status_code == 422
    r = client.get("/api/tasks/export.xlsx", headers=hd)
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.content)).active
    assert ws["C4"].value == "培育专精特新企业10家" and ws["I4"].value == "30%"
    assert client.get("/api/tasks/stats", headers=hl).json()["by_status"]["in_progress"] == 1
    assert client.get("/api/tasks/stats", headers=hd).status_code == 403


def test_guessing_task_ids_across_departments(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    a, b = make_department(session, park), make_department(session, park)
    t_a = make_task(session, park, a)
    t_b = make_task(session, park, b)
    user_a = make_user(session, park, Role.department, department_id=a.id)
    ent = make_user(session, park, Role.enterprise)
    foreign = make_user(session, make_park(session), Role.leader)
    h_a, h_f = token_headers(client, user_a), token_headers(client, foreign)
    for guess in sorted({0, *range(t_a.id - 5, t_b.id + 5)}):
        r = client.get(f"/api/tasks/{guess}", headers=h_a)
        assert r.status_code == (200 if guess == t_a.id else 404)
        assert client.get(f"/api/tasks/{guess}", headers=h_f).status_code == 404
    r = client.post(
        f"/api/tasks/{t_b.id}/progress", json={"progress": 5, "content": "越权"}, headers=h_a
    )
    assert r.status_code == 404
    assert client.get("/api/tasks", headers=token_headers(client, ent)).status_code == 403
    ws = load_workbook(BytesIO(client.get("/api/tasks/export.xlsx", headers=h_a).content)).active
    assert ws["C4"].value == t_a.title and ws["C5"].value is None
