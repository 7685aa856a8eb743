"""Defects found by fuzzing: each answered with a 4xx and a clear message, never a 500."""

from __future__ import annotations

import io
from datetime import date

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises.models import Enterprise
from biopark.investment import service as investment
from biopark.investment.schemas import ConsultationCreate
from tests.builders import make_department, make_enterprise, make_park, make_user, token_headers
from tests.policies.builders import make_policy
from tests.tasks.builders import make_task


def test_patch_policy_with_published_null_keeps_it(client: TestClient, session: Session) -> None:
    park = make_park(session)
    policy = make_policy(session, park)
    headers = token_headers(client, make_user(session, park, Role.commissioner))
    resp = client.patch(
        f"/api/policies/{policy.id}", json={"published": None, "auto_grant": None}, headers=headers
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["published"] is policy.published


def test_qualifying_a_lead_whose_name_would_be_too_long_is_422(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    lead = investment.create_consultation(
        session,
        park=park,
        data=ConsultationCreate(company="长" * 199 + "司", contact_name="张", phone="13900001111"),
    )
    resp = client.post(
        f"/api/investment/leads/{lead.id}/qualify",
        json={"next_action": "首次拜访", "due_on": "2026-12-31"},
        headers=token_headers(client, officer),
    )
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "ValidationFailed"


def test_task_lead_also_partner_is_a_client_error(client: TestClient, session: Session) -> None:
    park = make_park(session)
    dept = make_department(session, park)
    task = make_task(session, park, dept)
    headers = token_headers(client, make_user(session, park, Role.admin))
    body = {
        "category": task.category,
        "title": task.title,
        "lead_department_id": dept.id,
        "partner_ids": [dept.id, dept.id],
        "deadline": date(2026, 6, 30).isoformat(),
    }
    resp = client.put(f"/api/tasks/{task.id}", json=body, headers=headers)
    # Refused (4xx) or the lead dropped from its own partners; never a 500.
    assert resp.status_code < 500, resp.text
    if resp.status_code == 200:
        assert dept.id not in resp.json()["partner_ids"]


def test_control_characters_are_stripped_and_exports_still_open(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    headers = token_headers(client, admin)
    resp = client.post(
        "/api/enterprises",
        json={"name": "重庆\x0b控制\x00字符生物有限公司", "unified_code": None},
        headers=headers,
    )
    assert resp.status_code in (201, 422), resp.text
    # Whatever path wrote it, the stored text has no control characters.
    ent = make_enterprise(session, park, name='=HYPERLINK("http://x")\x0b公司')
    session.commit()
    stored = session.scalars(select(Enterprise.name).where(Enterprise.id == ent.id)).one()
    assert stored == '=HYPERLINK("http://x")公司'
    export = client.get("/api/enterprises/export.xlsx", headers=headers)
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")公司' in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_nul_in_a_search_query_is_not_a_500(client: TestClient, session: Session) -> None:
    park = make_park(session)
    headers = token_headers(client, make_user(session, park, Role.admin))
    for path in ("/api/enterprises?q=a%00b", "/api/investment/leads?q=a%00b"):
        resp = client.get(path, headers=headers)
        assert resp.status_code < 500, (path, resp.text)
