"""GET /api/notifications, read one, read all; the inbox and bell pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.notify import service
from tests.builders import csrf_of, make_park, make_user, page_login, token_headers


def test_inbox_api(client: TestClient, session: Session) -> None:
    park = make_park(session)
    a, b = make_user(session, park, Role.leader), make_user(session, park, Role.leader)
    (n1,) = service.send(
        session,
        to=a,
        kind="lead_new",
        title="新线索：甲",
        url="/investment/leads/1",
        dedupe_key="1",
    )
    service.send(session, to=a, kind="task_assigned", title="任务", url="/tasks/2", dedupe_key="2")
    (other,) = service.send(session, to=b, kind="lead_new", title="别人的", url="/", dedupe_key="1")
    h = token_headers(client, a)
    body = client.get("/api/notifications", headers=h).json()
    assert body["unread"] == 2
    assert [i["title"] for i in body["items"]] == ["任务", "新线索：甲"]
    assert set(body["items"][0]) >= {"id", "kind", "title", "url", "created_at", "read_at"}
    resp = client.post(f"/api/notifications/{other.id}/read", headers=h)
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "NotFound"
    assert client.post(f"/api/notifications/{n1.id}/read", headers=h).json()["read_at"]
    assert client.get("/api/notifications", headers=h).json()["unread"] == 1
    assert client.post("/api/notifications/read-all", headers=h).json() == {
        "marked": 1,
        "unread": 0,
    }
    assert client.get("/api/notifications").status_code == 401


def test_inbox_page_and_bell(client: TestClient, session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.leader)
    (notice,) = service.send(
        session,
        to=user,
        kind="lead_new",
        title="新线索：乙",
        url="/investment/leads/5",
        dedupe_key="p",
    )
    page_login(client, user)
    assert 'data-unread="1"' in client.get("/notifications/bell").text
    html = client.get("/notifications").text
    assert "新线索：乙" in html and 'id="bell"' in html
    resp = client.post(
        f"/notifications/{notice.id}/read",
        data={"csrf_token": csrf_of(html), "open": "1"},
        follow_redirects=False,
    )
    assert resp.status_code == 303 and resp.headers["location"] == "/investment/leads/5"
    assert "data-unread" not in client.get("/notifications/bell").text


def test_settings_page_refuses_bad_email(client: TestClient, session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.leader)
    page_login(client, user)
    csrf = csrf_of(client.get("/notifications/settings").text)
    resp = client.post(
        "/notifications/settings",
        data={"csrf_token": csrf, "email": "", "mode:*:email": "immediate"},
    )
    assert resp.status_code == 422 and "请填写邮箱" in resp.text
    assert service.preferences(session, user=user)["modes"] == {}
    resp = client.post(
        "/notifications/settings",
        data={"csrf_token": csrf, "email": "w@x.cn", "mode:*:email": "digest"},
        follow_redirects=True,
    )
    assert "通知设置已保存" in resp.text
    assert service.preferences(session, user=user)["modes"][("*", "email")] == "digest"
