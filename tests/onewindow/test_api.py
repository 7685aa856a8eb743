"""一窗综办 API: isolation of enterprises and departments, actions, English errors."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import make_park, make_user, token_headers
from tests.onewindow.builders import department_user, make_item, two_departments


def test_isolation_of_enterprises_and_departments(session: Session, client: TestClient) -> None:
    park = make_park(session)
    d1, d2 = two_departments(session, park)
    d3 = two_departments(session, park)[0]
    only_d1 = make_item(session, park, [d1])
    both = make_item(session, park, [d1, d2])
    ent_a, ent_b = (
        make_user(session, park, Role.enterprise),
        make_user(session, park, Role.enterprise),
    )
    u1, u2, u3 = (department_user(session, park, d) for d in (d1, d2, d3))
    ha, hb = token_headers(client, ent_a), token_headers(client, ent_b)
    h1, h2, h3 = (token_headers(client, u) for u in (u1, u2, u3))

    r = client.post("/api/onewindow/submissions", json={"item_id": only_d1.id}, headers=ha)
    assert r.status_code == 201, r.text
    sub_a = r.json()
    r = client.post("/api/onewindow/submissions", json={"item_id": both.id}, headers=hb)
    sub_b = r.json()

    assert [s["id"] for s in client.get("/api/onewindow/submissions", headers=ha).json()] == [
        sub_a["id"]
    ]
    assert client.get(f"/api/onewindow/submissions/{sub_b['id']}", headers=ha).status_code == 404
    # d1 is in both submissions, d2 only in B's, d3 in none.
    assert {s["id"] for s in client.get("/api/onewindow/submissions", headers=h1).json()} == {
        sub_a["id"],
        sub_b["id"],
    }
    assert [s["id"] for s in client.get("/api/onewindow/submissions", headers=h2).json()] == [
        sub_b["id"]
    ]
    assert client.get(f"/api/onewindow/submissions/{sub_a['id']}", headers=h2).status_code == 404
    assert client.get("/api/onewindow/submissions", headers=h3).json() == []
    queue2 = client.get("/api/onewindow/queue", headers=h2).json()
    assert [q["department_id"] for q in queue2] == [d2.id]
    assert client.get("/api/onewindow/queue", headers=ha).status_code == 403

    d1_part_of_b = next(p for p in sub_b["parts"] if p["department_id"] == d1.id)
    r = client.post(
        f"/api/onewindow/parts/{d1_part_of_b['id']}/actions?lang=en",
        json={"action": "approve"},
        headers=h2,
    )
    assert r.status_code == 403 and "own department" in r.text
    r = client.post(
        f"/api/onewindow/parts/{d1_part_of_b['id']}/actions",
        json={"action": "approve"},
        headers=h1,
    )
    assert r.status_code == 200 and r.json()["submission_status"] == "processing"
    r = client.post(
        f"/api/onewindow/parts/{d1_part_of_b['id']}/actions?lang=en",
        json={"action": "approve"},
        headers=h1,
    )
    assert r.status_code == 409 and "cannot be approved" in r.text
    progress = client.get(f"/api/onewindow/submissions/{sub_b['id']}", headers=hb).json()
    assert sorted(p["status"] for p in progress["parts"]) == ["approved", "received"]


def test_other_parks_are_invisible(session: Session, client: TestClient) -> None:
    park, other = make_park(session), make_park(session)
    d1, _ = two_departments(session, other)
    item = make_item(session, other, [d1])
    ent = make_user(session, park, Role.enterprise)
    h = token_headers(client, ent)
    assert client.get(f"/api/onewindow/items/{item.id}", headers=h).status_code == 404
    r = client.post("/api/onewindow/submissions", json={"item_id": item.id}, headers=h)
    assert r.status_code == 404
    assert client.get("/api/onewindow/items", headers=h).json() == []


def test_item_detail_shows_the_plan_to_enterprises(session: Session, client: TestClient) -> None:
    park = make_park(session)
    d1, d2 = two_departments(session, park)
    item = make_item(session, park, [d1, d2])
    ent = make_user(session, park, Role.enterprise)
    body = client.get(f"/api/onewindow/items/{item.id}", headers=token_headers(client, ent)).json()
    assert body["zero_material"] and body["plan"][0]["on_file"]
    zero = client.get("/api/onewindow/items?zero_material=true", headers=token_headers(client, ent))
    assert [i["id"] for i in zero.json()] == [item.id]
    leader = make_user(session, park, Role.leader)
    body = client.get(f"/api/onewindow/items/{item.id}", headers=token_headers(client, leader))
    assert body.json()["plan"] is None
