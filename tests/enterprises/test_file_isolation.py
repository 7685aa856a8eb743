"""The enterprise file through API and pages: others' ids are 404, departments are refused."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises import records
from biopark.enterprises.schemas import ContactCreate
from tests.builders import csrf_of, make_enterprise, make_park, make_user, page_login, token_headers
from tests.jobs.builders import finished_task

SUB = ("pools", "contacts", "products", "plan", "history")


def test_enterprise_user_api_file_is_its_own_only(client: TestClient, session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    others = [make_enterprise(session, park) for _ in range(3)]
    leader = make_user(session, park, Role.leader)
    contact = records.add_contact(
        session, user=leader, enterprise_id=others[0].id, data=ContactCreate(name="秘书")
    )
    headers = token_headers(client, user)
    for sub in SUB:
        assert (
            client.get(f"/api/enterprises/{user.enterprise_id}/{sub}", headers=headers).status_code
            == 200
        )
    for guess in range(min(e.id for e in others) - 2, max(e.id for e in others) + 3):
        if guess == user.enterprise_id:
            continue
        for sub in SUB:
            assert client.get(f"/api/enterprises/{guess}/{sub}", headers=headers).status_code == 404
        resp = client.get(f"/api/policies/matches?enterprise_id={guess}", headers=headers)
        assert resp.status_code == 404
    resp = client.delete(f"/api/enterprises/{others[0].id}/contacts/{contact.id}", headers=headers)
    assert resp.status_code == 404
    resp = client.post(
        f"/api/enterprises/{user.enterprise_id}/contacts", headers=headers, json={"name": "自己加"}
    )
    assert resp.status_code == 403


def test_commissioner_api_sees_only_assigned(client: TestClient, session: Session) -> None:
    park = make_park(session)
    commissioner = make_user(session, park, Role.commissioner)
    mine = make_enterprise(session, park, commissioner_id=commissioner.id)
    theirs = make_enterprise(session, park)
    headers = token_headers(client, commissioner)
    listing = client.get("/api/enterprises", headers=headers).json()
    assert [e["id"] for e in listing["items"]] == [mine.id]
    assert client.get(f"/api/enterprises/{theirs.id}", headers=headers).status_code == 404
    resp = client.post(
        f"/api/enterprises/{mine.id}/pools",
        headers=headers,
        json={"pool": "专精特新", "entered_on": "2025-01-02"},
    )
    assert resp.status_code == 201
    resp = client.post(
        f"/api/enterprises/{theirs.id}/pools",
        headers=headers,
        json={"pool": "专精特新", "entered_on": "2025-01-02"},
    )
    assert resp.status_code == 404
    for target, status in ((theirs, 404), (mine, 403)):
        resp = client.put(
            f"/api/enterprises/{target.id}/commissioner",
            headers=headers,
            json={"commissioner_id": commissioner.id},
        )
        assert resp.status_code == status


def test_department_users_cannot_read_files_or_matches(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park)
    headers = token_headers(client, make_user(session, park, Role.department))
    assert client.get(f"/api/enterprises/{ent.id}/contacts", headers=headers).status_code == 403
    assert client.get("/api/enterprises/export.xlsx", headers=headers).status_code == 403
    assert (
        client.get(f"/api/policies/matches?enterprise_id={ent.id}", headers=headers).status_code
        == 403
    )
    assert client.get("/api/policies", headers=headers).status_code == 403


def test_api_file_round_trip(client: TestClient, session: Session) -> None:
    park = make_park(session)
    leader = make_user(session, park, Role.leader)
    commissioner = make_user(session, park, Role.commissioner)
    ent = make_enterprise(session, park)
    h = token_headers(client, leader)
    resp = client.patch(
        f"/api/enterprises/{ent.id}",
        headers=h,
        json={
            "employees": 88,
            "rd_spending": "1500000.00",
            "revenue_band": "1亿-5亿元",
            "chain_links": ["CRO"],
        },
    )
    assert resp.status_code == 200 and resp.json()["employees"] == 88
    assert (
        client.patch(
            f"/api/enterprises/{ent.id}", headers=h, json={"revenue_band": "很多"}
        ).status_code
        == 422
    )
    resp = client.put(
        f"/api/enterprises/{ent.id}/commissioner",
        headers=h,
        json={"commissioner_id": commissioner.id},
    )
    assert resp.json()["commissioner_id"] == commissioner.id
    resp = client.post(
        f"/api/enterprises/{ent.id}/products",
        headers=h,
        json={"name": "某单抗", "kind": "在研药物"},
    )
    assert resp.status_code == 201
    resp = client.put(
        f"/api/enterprises/{ent.id}/plan", headers=h, json={"goals": "投产", "measures": "协调"}
    )
    assert resp.json()["goals"] == "投产"
    resp = client.post(
        f"/api/enterprises/{ent.id}/plan/follow-ups",
        headers=h,
        json={"happened_on": str(date.today()), "note": "走访"},
    )
    assert resp.status_code == 201
    assert len(client.get(f"/api/enterprises/{ent.id}/plan", headers=h).json()["follow_ups"]) == 1
    export = client.get("/api/enterprises/export.xlsx", headers=h)
    assert export.status_code == 200 and export.content[:2] == b"PK"
    resp = client.post(
        "/api/enterprises/import",
        headers=h,
        files={"file": ("e.xlsx", export.content, "application/octet-stream")},
    )
    body = finished_task(client, resp, h)
    assert body["status"] == "done" and body["result"]["created"] == 0
    bad = client.post(
        "/api/enterprises/import", headers=h, files={"file": ("e.xlsx", b"junk", "x")}
    )
    assert bad.status_code == 422 and "不是有效的 Excel" in bad.json()["error"]["message"]
    assert Decimal(
        client.get(f"/api/enterprises/{ent.id}", headers=h).json()["rd_spending"]
    ) == Decimal("1500000")


def test_enterprise_user_pages_cannot_open_other_files(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    other = make_enterprise(session, park, name="重庆别家生物有限公司")
    page_login(client, user)
    html = client.get(f"/enterprises/{user.enterprise_id}").text
    for tab in ("培育库", "联系人", "产品与药物", "一企一策", "匹配政策", "变更历史"):
        assert tab in html
    # No edit forms for the enterprise itself: only the change proposal, reviewed by its commissioner.
    actions = set(re.findall(r'action="(/enterprises/[^"]*)"', html))
    assert actions == {f"/enterprises/{user.enterprise_id}/proposals"}
    csrf = csrf_of(html)
    for path in ("contacts", "pools", "products", "plan", "follow-ups", "commissioner"):
        resp = client.post(
            f"/enterprises/{other.id}/{path}", data={"csrf_token": csrf, "name": "x"}
        )
        assert resp.status_code == 404, path
        assert "重庆别家生物有限公司" not in resp.text


def test_page_section_form_shows_chinese_errors(client: TestClient, session: Session) -> None:
    park = make_park(session)
    leader = make_user(session, park, Role.leader)
    ent = make_enterprise(session, park)
    page_login(client, leader)
    csrf = csrf_of(client.get(f"/enterprises/{ent.id}").text)
    resp = client.post(
        f"/enterprises/{ent.id}/pools",
        data={"csrf_token": csrf, "pool": "独角兽", "entered_on": "2024-01-01"},
    )
    assert resp.status_code == 422 and "培育库：培育库须为" in resp.text
    resp = client.post(
        f"/enterprises/{ent.id}/contacts",
        data={"csrf_token": csrf, "name": "张三", "phone": "023 8888 1234", "is_primary": "on"},
        follow_redirects=False,
    )
    assert resp.status_code == 303 and resp.headers["location"].endswith("#contacts")
    assert "张三" in client.get(f"/enterprises/{ent.id}").text
