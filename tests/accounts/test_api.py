from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import PASSWORD, make_park, make_user, page_login, token_headers


def test_token_login_and_me(client: TestClient, session: Session) -> None:
    user = make_user(session, make_park(session), Role.analyst)
    headers = token_headers(client, user)
    me = client.get("/api/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["username"] == user.username
    assert client.delete("/api/auth/token", headers=headers).status_code == 204
    assert client.get("/api/me", headers=headers).status_code == 401


def test_wrong_password_is_401_with_chinese_message(client: TestClient, session: Session) -> None:
    user = make_user(session, make_park(session), Role.analyst)
    resp = client.post("/api/auth/token", json={"username": user.username, "password": "nope-nope"})
    assert resp.status_code == 401
    assert resp.json()["error"]["message"] == "用户名或密码错误"


def test_api_login_is_rate_limited(client: TestClient, session: Session) -> None:
    user = make_user(session, make_park(session), Role.analyst)
    for _ in range(5):
        client.post("/api/auth/token", json={"username": user.username, "password": "nope-nope"})
    resp = client.post("/api/auth/token", json={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 429


def test_users_api_is_admin_only(client: TestClient, session: Session) -> None:
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    leader = make_user(session, park, Role.leader)
    assert client.get("/api/users", headers=token_headers(client, leader)).status_code == 403
    resp = client.post(
        "/api/users",
        headers=token_headers(client, admin),
        json={
            "username": "new-analyst",
            "display_name": "新分析员",
            "password": PASSWORD,
            "role": "analyst",
        },
    )
    assert resp.status_code == 201
    assert resp.json()["park_id"] == park.id


def test_anonymous_api_gets_401_json(client: TestClient) -> None:
    resp = client.get("/api/enterprises")
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "AuthRequired"


def test_cookie_session_write_needs_csrf_header(client: TestClient, session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    page_login(client, officer)
    resp = client.post("/api/enterprises", json={"name": "重庆某某制药有限公司"})
    assert resp.status_code == 403
    assert client.get("/api/enterprises").status_code == 200
