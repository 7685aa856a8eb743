from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.registry import NavItem
from tests.builders import PASSWORD, csrf_of, make_park, make_user, page_login


def test_healthz_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/api/enterprises" in spec["paths"]
    assert "/api/auth/token" in spec["paths"]


def test_pages_redirect_to_login(client: TestClient) -> None:
    resp = client.get("/enterprises", follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"].startswith("/login?next=/enterprises")


def test_login_page_shows_chinese_error_and_keeps_username(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, make_park(session), Role.leader)
    csrf = csrf_of(client.get("/login").text)
    resp = client.post(
        "/login", data={"username": user.username, "password": "x" * 9, "csrf_token": csrf}
    )
    assert resp.status_code == 401
    assert "用户名或密码错误" in resp.text
    assert f'value="{user.username}"' in resp.text


def test_login_without_csrf_token_is_refused(client: TestClient, session: Session) -> None:
    user = make_user(session, make_park(session), Role.leader)
    client.get("/login")
    resp = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 403
    assert "表单已过期" in resp.text


def test_open_redirect_is_ignored(client: TestClient, session: Session) -> None:
    user = make_user(session, make_park(session), Role.leader)
    csrf = csrf_of(client.get("/login").text)
    resp = client.post(
        "/login",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrf_token": csrf,
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert resp.headers["location"] == "/"


def test_navigation_lists_only_what_the_role_may_use(client: TestClient, session: Session) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.admin))
    html = client.get("/").text
    assert 'href="/users"' in html and 'href="/audit"' in html and 'href="/enterprises"' in html
    client.post("/logout", data={"csrf_token": csrf_of(html)})
    page_login(client, make_user(session, park, Role.department))
    html = client.get("/").text
    assert 'href="/users"' not in html and 'href="/enterprises"' not in html


def test_english_switch(client: TestClient, session: Session) -> None:
    page_login(client, make_user(session, make_park(session), Role.admin))
    assert "Enterprise registry" in client.get("/?lang=en").text
    assert "Enterprise registry" in client.get("/").text  # the choice is kept in a cookie
    assert "企业库" in client.get("/?lang=zh").text


def test_unknown_page_is_a_chinese_404(client: TestClient) -> None:
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    assert "页面不存在" in resp.text


def test_logout_ends_the_session(client: TestClient, session: Session) -> None:
    page_login(client, make_user(session, make_park(session), Role.leader))
    html = client.get("/").text
    client.post("/logout", data={"csrf_token": csrf_of(html)})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_home_tiles_carry_the_module_descriptions(client: TestClient, session: Session) -> None:
    assert NavItem("x", "/x").description == ""
    park = make_park(session)
    page_login(client, make_user(session, park, Role.admin))
    html = client.get("/").text
    assert '<span class="tile-desc">账号、角色与权限管理</span>' in html
    assert "Accounts, roles and permissions" in client.get("/?lang=en").text
    client.get("/?lang=zh")
    client.post("/logout", data={"csrf_token": csrf_of(html)})
    page_login(client, make_user(session, park, Role.enterprise))
    html = client.get("/").text
    assert "本企业档案、产业链与管线" in html and "账号、角色与权限管理" not in html
