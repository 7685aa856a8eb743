"""GET /api/todo and the to-do pages."""

from __future__ import annotations

from sqlalchemy.orm import Session

from biopark.kit.dates import now_utc
from biopark.services.sla import escalate_overdue
from tests.builders import page_login, token_headers
from tests.services.builders import make_request
from tests.todo.builders import LONG_AGO, make_office, recent


def test_api_lists_the_signed_in_users_items_overdue_first(client, session: Session) -> None:
    office = make_office(session)
    fresh = make_request(session, office.commissioner, enterprise_id=office.ent.id, now=recent())
    late = make_request(
        session, office.commissioner, enterprise_id=office.ent.id, title="逾期诉求", now=LONG_AGO
    )
    resp = client.get("/api/todo", headers=token_headers(client, office.commissioner))
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["total"] == 2 and body["overdue"] == 1
    assert body["counts"] == {"request": 2}
    first, second = body["items"]
    assert first["url"] == f"/requests/{late.id}" and first["overdue"] is True
    assert second["url"] == f"/requests/{fresh.id}" and second["overdue"] is False
    assert set(first) >= {"kind", "title", "url", "due_at", "overdue"}
    assert first["title"] == "响应诉求：测试药业 · 逾期诉求"
    assert first["due_at"].startswith(late.respond_due_at.isoformat()[:16])


def test_api_speaks_english_when_asked(client, session: Session) -> None:
    office = make_office(session)
    make_request(session, office.commissioner, enterprise_id=office.ent.id, title="用地")
    resp = client.get("/api/todo?lang=en", headers=token_headers(client, office.commissioner))
    [item] = resp.json()["items"]
    assert item["title"] == "Respond to the request: 测试药业 · 用地"
    assert item["kind_label"] == "Requests to handle"


def test_api_shows_nothing_of_another_users_work(client, session: Session) -> None:
    office = make_office(session)
    make_request(session, office.commissioner, enterprise_id=office.ent.id, now=LONG_AGO)
    escalate_overdue(session, now=now_utc(), park_id=office.park.id)
    for user in (office.enterprise_user, office.department, office.analyst, office.admin):
        body = client.get("/api/todo", headers=token_headers(client, user)).json()
        assert body == {"items": [], "counts": {}, "total": 0, "overdue": 0}, user.role
    leader = client.get("/api/todo", headers=token_headers(client, office.leader)).json()
    assert leader["counts"] == {"escalation": 1}


def test_api_requires_sign_in(client) -> None:
    resp = client.get("/api/todo")
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "AuthRequired"
    bad = client.get("/api/todo", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and bad.json()["error"]["message"]


def test_todo_page_groups_items_with_overdue_badges_and_links(client, session: Session) -> None:
    office = make_office(session)
    late = make_request(session, office.commissioner, enterprise_id=office.ent.id, now=LONG_AGO)
    page_login(client, office.commissioner)
    html = client.get("/todo").text
    assert 'id="todo-request"' in html
    assert f'href="/requests/{late.id}"' in html
    assert "已逾期" in html
    badge = client.get("/todo/badge").text
    assert 'data-total="1"' in badge and "nav-badge-overdue" in badge
    home = client.get("/").text
    assert 'id="home-todo"' in home and f'href="/requests/{late.id}"' in home
    assert 'hx-get="/todo/badge"' in home
    assert 'class="tile"' in home


def test_todo_page_for_a_user_with_nothing_and_for_admins(client, session: Session) -> None:
    office = make_office(session)
    page_login(client, office.analyst)
    assert "暂无待办事项" in client.get("/todo").text
    assert client.get("/todo/badge").text.strip() == ""
    client.post("/logout", data={"csrf_token": ""})
    client.cookies.clear()
    page_login(client, office.admin)
    assert "管理员没有个人待办" in client.get("/todo").text
    assert 'id="home-todo"' not in client.get("/").text


def test_todo_page_requires_sign_in(client) -> None:
    resp = client.get("/todo", follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"].startswith("/login")
