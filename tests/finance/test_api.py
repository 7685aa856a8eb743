"""金融服务 API: posting, isolation between enterprises, staff-only steps, hostile input."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.finance.models import FinancingNeed
from tests.builders import make_park, make_user, token_headers
from tests.finance.builders import make_product


def test_enterprise_posts_and_sees_only_its_own(client: TestClient, session: Session) -> None:
    park = make_park(session)
    a, b = make_user(session, park, Role.enterprise), make_user(session, park, Role.enterprise)
    make_product(session, park)
    ha, hb = token_headers(client, a), token_headers(client, b)
    body = {"amount": "300000000", "purpose": "III期临床", "stage": "临床期"}
    resp = client.post("/api/finance/needs", json=body, headers=ha)
    assert resp.status_code == 201, resp.text
    need_id = resp.json()["id"]
    assert client.get("/api/finance/needs", headers=hb).json()["total"] == 0
    assert client.get(f"/api/finance/needs/{need_id}", headers=hb).status_code == 404
    assert client.get(f"/api/finance/needs/{need_id}/matches", headers=hb).status_code == 404
    matches = client.get(f"/api/finance/needs/{need_id}/matches", headers=ha).json()
    assert matches and matches[0]["verdict"] == "qualified"
    # The enterprise cannot refer or grant its own need.
    refer = client.post(
        f"/api/finance/needs/{need_id}/refer",
        json={"product_id": matches[0]["product_id"]},
        headers=ha,
    )
    assert refer.status_code == 403
    grant = client.post(
        f"/api/finance/needs/{need_id}/grant",
        json={"granted_amount": "1", "decided_on": "2026-01-01"},
        headers=ha,
    )
    assert grant.status_code == 403


def test_staff_refer_then_grant_and_refusals(client: TestClient, session: Session) -> None:
    park = make_park(session)
    ent_user = make_user(session, park, Role.enterprise)
    product = make_product(session, park)
    staff = token_headers(client, make_user(session, park, Role.commissioner))
    need = client.post(
        "/api/finance/needs",
        json={"amount": "50000000", "purpose": "产线", "stage": "产业化期"},
        headers=token_headers(client, ent_user),
    ).json()
    early = client.post(
        f"/api/finance/needs/{need['id']}/grant",
        json={"granted_amount": "50000000", "decided_on": "2026-01-01"},
        headers=staff,
    )
    assert early.status_code == 409 and "不能登记获批" in early.json()["error"]["message"]
    ok = client.post(
        f"/api/finance/needs/{need['id']}/refer", json={"product_id": product.id}, headers=staff
    )
    assert ok.status_code == 200 and ok.json()["status"] == "referred"
    again = client.post(
        f"/api/finance/needs/{need['id']}/refer", json={"product_id": product.id}, headers=staff
    )
    assert again.status_code == 409


def test_hostile_input_is_refused_and_writes_nothing(client: TestClient, session: Session) -> None:
    park = make_park(session)
    headers = token_headers(client, make_user(session, park, Role.enterprise))
    before = session.scalar(select(func.count(FinancingNeed.id)))
    for body in (
        {"amount": "-5", "purpose": "用途", "stage": "临床期"},
        {"amount": "1e400", "purpose": "用途", "stage": "临床期"},
        {"amount": "NaN", "purpose": "用途", "stage": "临床期"},
        {"amount": "100", "purpose": "用途", "stage": "火星期"},
        {"amount": "100", "purpose": "x" * 301, "stage": "临床期"},
    ):
        resp = client.post("/api/finance/needs", json=body, headers=headers)
        assert resp.status_code == 422, (body, resp.text)
    assert session.scalar(select(func.count(FinancingNeed.id))) == before
    admin = token_headers(client, make_user(session, park, Role.admin))
    bad = client.post(
        "/api/finance/products",
        json={"name": "坏产品", "kind": "loan", "provider": "某银行", "conditions": {"op": "boom"}},
        headers=admin,
    )
    assert bad.status_code == 422
    flipped = client.post(
        "/api/finance/products",
        json={
            "name": "坏产品",
            "kind": "loan",
            "provider": "某银行",
            "amount_min": "5",
            "amount_max": "1",
        },
        headers=admin,
    )
    assert flipped.status_code == 422
    assert (
        client.post(
            "/api/finance/products",
            json={"name": "企业产品", "kind": "loan", "provider": "某银行"},
            headers=headers,
        ).status_code
        == 403
    )
