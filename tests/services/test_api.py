"""Requests API: the whole walk, errors, and isolation by guessing ids."""

from __future__ import annotations

from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import make_department, make_park, make_user, token_headers
from tests.services.builders import make_request


def test_walk_through_the_api(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    dept = make_department(session, park)
    ent = make_user(session, park, Role.enterprise)
    com = make_user(session, park, Role.commissioner)
    dep = make_user(session, park, Role.department, department_id=dept.id)
    h_ent, h_com, h_dep = (token_headers(client, u) for u in (ent, com, dep))

    resp = client.post(
        "/api/requests",
        json={"category": "融资贷款", "title": "流动资金贷款贴息", "content": "申请贴息政策咨询"},
        headers=h_ent,
    )
    assert resp.status_code == 201, resp.text
    rid = resp.json()["id"]
    assert resp.json()["status"] == "new" and resp.json()["respond_due_at"]
    assert client.get(f"/api/requests/{rid}", headers=h_dep).status_code == 404
    r = client.post(
        f"/api/requests/{rid}/dispatch", json={"department_ids": [dept.id]}, headers=h_com
    )
    assert r.status_code == 200 and r.json()["status"] == "dispatched"
    assert client.get("/api/requests", headers=h_dep).json()["total"] == 1
    r = client.post(f"/api/requests/{rid}/reply", json={"reply": "符合条件"}, headers=h_dep)
    assert r.json()["status"] == "replied"
    r = client.post(f"/api/requests/{rid}/close", json={"resolution": "已办结"}, headers=h_com)
    assert r.json()["status"] == "closed"
    r = client.post(f"/api/requests/{rid}/rate", json={"satisfaction": 6}, headers=h_ent)
    assert r.status_code == 422
    r = client.post(f"/api/requests/{rid}/rate", json={"satisfaction": 4}, headers=h_ent)
    assert r.json()["status"] == "rated"
    hist = client.get(f"/api/requests/{rid}/history", headers=h_ent).json()
    assert [e["action"] for e in hist] == ["rate", "close", "reply", "dispatch", "submit"]
    stats = client.get("/api/requests/stats", headers=h_com).json()
    assert stats["overall"]["total"] == 1 and stats["overall"]["satisfaction"] == "4.00"
    assert client.get("/api/requests/stats", headers=h_ent).status_code == 403


def test_bad_input_gets_clear_errors(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    ent = make_user(session, park, Role.enterprise)
    h = token_headers(client, ent)
    r = client.post(
        "/api/requests", json={"category": "外星", "title": "x", "content": ""}, headers=h
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "ValidationFailed"
    leader = make_user(session, park, Role.leader)
    hl = token_headers(client, leader)
    body = {"respond_minutes": 30, "plan_hours": 8, "close_days": 3, "reply_days": 2}
    assert client.put("/api/requests/sla/用地", json=body, headers=hl).status_code == 200
    assert client.put("/api/requests/sla/火星", json=body, headers=hl).status_code == 422
    assert client.put("/api/requests/sla/用地", json=body, headers=h).status_code == 403
    sla = {s["category"]: s for s in client.get("/api/requests/sla", headers=hl).json()}
    assert sla["用地"]["close_days"] == 3 and sla["人才"]["close_days"] == 7


def test_guessing_ids_across_enterprises_departments_and_parks(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    park, other_park = make_park(session), make_park(session)
    dept_a, dept_b = make_department(session, park), make_department(session, park)
    ent_a = make_user(session, park, Role.enterprise)
    ent_b = make_user(session, park, Role.enterprise)
    com = make_user(session, park, Role.commissioner)
    dep_a = make_user(session, park, Role.department, department_id=dept_a.id)
    dep_b = make_user(session, park, Role.department, department_id=dept_b.id)
    foreign = make_user(session, other_park, Role.leader)
    req_a = make_request(session, ent_a)
    req_b = make_request(session, ent_b)
    from biopark.services import dispatching
    from biopark.services.schemas import DispatchBody

    dispatching.dispatch(
        session, user=com, request_id=req_a.id, data=DispatchBody(department_ids=[dept_a.id])
    )
    session.flush()
    own = {ent_a: req_a.id, ent_b: req_b.id, dep_a: req_a.id}
    for user in (ent_a, ent_b, dep_a, dep_b, foreign):
        h = token_headers(client, user)
        allowed = own.get(user)
        for guess in sorted({0, *range(req_a.id - 5, req_b.id + 5)}):
            for suffix in ("", "/history"):
                r = client.get(f"/api/requests/{guess}{suffix}", headers=h)
                assert r.status_code == (200 if guess == allowed else 404), (user.username, guess)
        listed = {i["id"] for i in client.get("/api/requests", headers=h).json()["items"]}
        assert listed == ({allowed} if allowed else set())
    # Writes on guessed ids are refused the same way.
    h_b = token_headers(client, ent_b)
    assert (
        client.post(
            f"/api/requests/{req_a.id}/rate", json={"satisfaction": 1}, headers=h_b
        ).status_code
        == 404
    )
    h_dep_b = token_headers(client, dep_b)
    assert (
        client.post(
            f"/api/requests/{req_a.id}/reply", json={"reply": "x"}, headers=h_dep_b
        ).status_code
        == 404
    )
    h_f = token_headers(client, foreign)
    assert (
        client.post(
            f"/api/requests/{req_a.id}/dispatch", json={"department_ids": [dept_a.id]}, headers=h_f
        ).status_code
        == 404
    )
    # A department of another park cannot be a dispatch target.
    other_dept = make_department(session, other_park)
    h_com = token_headers(client, com)
    r = client.post(
        f"/api/requests/{req_b.id}/dispatch",
        json={"department_ids": [other_dept.id]},
        headers=h_com,
    )
    assert r.status_code == 404
