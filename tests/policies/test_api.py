"""Policy API: editing rules safely, matches, push list, 我的政策, isolation by guessing ids."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import make_enterprise, make_park, make_user, token_headers
from tests.policies.builders import make_policy

RULE = {
    "all": [
        {"op": "has_tag", "value": "高新技术企业"},
        {"op": "gte", "field": "employees", "value": 50},
    ]
}


def _body(**over: object) -> dict[str, object]:
    return {
        "title": "巴南区测试研发奖励",
        "issuer": "重庆市巴南区科学技术局",
        "valid_from": "2025-01-01",
        "valid_to": "2030-12-31",
        "benefit": "subsidy",
        "conditions": RULE,
        "amount_rule": {"kind": "fixed", "amount": 200000},
        **over,
    }


def test_commissioner_creates_and_edits_a_policy(client: TestClient, session: Session) -> None:
    park = make_park(session)
    h = token_headers(client, make_user(session, park, Role.commissioner))
    resp = client.post("/api/policies", headers=h, json=_body())
    assert resp.status_code == 201, resp.text
    pid = resp.json()["id"]
    assert resp.json()["conditions"] == RULE
    resp = client.patch(f"/api/policies/{pid}", headers=h, json={"auto_grant": True})
    assert resp.json()["auto_grant"] is True
    assert client.post("/api/policies", headers=h, json=_body()).status_code == 409
    history = client.get(f"/api/policies/{pid}/history", headers=h).json()
    assert [e["action"] for e in history] == ["update", "create"]


def test_unsafe_or_malformed_rules_are_refused(client: TestClient, session: Session) -> None:
    park = make_park(session)
    h = token_headers(client, make_user(session, park, Role.admin))
    bad_rules = [
        {"op": "eval", "value": "1"},
        {"op": "gte", "field": "__class__", "value": 1},
        {"all": [{"op": "has_tag", "value": "独角兽"}]},
        {"any": []},
    ]
    for rule in bad_rules:
        resp = client.post("/api/policies", headers=h, json=_body(conditions=rule))
        assert resp.status_code == 422, rule
    resp = client.post("/api/policies", headers=h, json=_body(valid_to="2024-01-01"))
    assert resp.status_code == 422
    resp = client.post(
        "/api/policies", headers=h, json=_body(amount_rule={"kind": "rate", "base": "x"})
    )
    assert resp.status_code == 422
    resp = client.post("/api/policies/check-conditions", headers=h, json={"conditions": RULE})
    assert resp.json()["text"] == "同时满足：具有“高新技术企业”标签；员工人数 ≥ 50 人"
    resp = client.post(
        "/api/policies/check-conditions", headers=h, json={"conditions": {"op": "x"}}
    )
    assert resp.status_code == 422 and "未知运算" in resp.json()["error"]["message"]


def test_leaders_and_enterprises_cannot_write_policies(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    for role in (Role.leader, Role.enterprise, Role.investment_officer):
        h = token_headers(client, make_user(session, park, role))
        assert client.post("/api/policies", headers=h, json=_body()).status_code == 403


def test_matches_push_list_and_mine(client: TestClient, session: Session) -> None:
    park = make_park(session)
    commissioner = make_user(session, park, Role.commissioner)
    good = make_enterprise(
        session, park, tags=["高新技术企业"], employees=80, commissioner_id=commissioner.id
    )
    near = make_enterprise(
        session, park, tags=["高新技术企业"], employees=10, commissioner_id=commissioner.id
    )
    unknown = make_enterprise(session, park, tags=["高新技术企业"], commissioner_id=commissioner.id)
    policy = make_policy(
        session, park, conditions=RULE, amount_rule={"kind": "fixed", "amount": 200000}
    )
    h = token_headers(client, commissioner)
    verdicts = {
        e.id: client.get(f"/api/policies/matches?enterprise_id={e.id}", headers=h).json()[0][
            "verdict"
        ]
        for e in (good, near, unknown)
    }
    assert verdicts == {good.id: "qualified", near.id: "nearly", unknown.id: "unknown"}
    push = client.get("/api/policies/push-list", headers=h).json()
    assert {(m["enterprise_id"], m["verdict"]) for m in push} == {
        (good.id, "qualified"),
        (near.id, "nearly"),
    }
    assert Decimal(push[0]["amount"]) == Decimal("200000")
    resp = client.post(
        "/api/policies/pushes", headers=h, json={"policy_id": policy.id, "enterprise_id": good.id}
    )
    assert resp.status_code == 201
    pushed = [m for m in client.get("/api/policies/push-list", headers=h).json() if m["pushed_at"]]
    assert [m["enterprise_id"] for m in pushed] == [good.id]
    user = make_user(session, park, Role.enterprise, enterprise_id=near.id)
    mine = client.get("/api/policies/mine", headers=token_headers(client, user)).json()
    assert [(m["enterprise_id"], m["unmet"]) for m in mine] == [
        (near.id, ["员工人数 ≥ 50 人（现为：10 人）"])
    ]


def test_enterprise_user_guessing_ids(client: TestClient, session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    others = [make_enterprise(session, park, tags=["高新技术企业"], employees=99) for _ in range(3)]
    policy = make_policy(session, park, conditions=RULE, auto_grant=True)
    draft = make_policy(session, park, published=False)
    h = token_headers(client, user)
    for e in others:
        assert (
            client.get(f"/api/policies/matches?enterprise_id={e.id}", headers=h).status_code == 404
        )
        resp = client.post(
            "/api/policies/pushes", headers=h, json={"policy_id": policy.id, "enterprise_id": e.id}
        )
        assert resp.status_code in (403, 404)
    assert client.get(f"/api/policies/{policy.id}", headers=h).status_code == 200
    assert client.get(f"/api/policies/{draft.id}", headers=h).status_code == 404
    assert client.get(f"/api/policies/{policy.id}/ready", headers=h).status_code == 403
    assert client.get("/api/policies/push-list", headers=h).status_code == 403


def test_ready_list_via_api(client: TestClient, session: Session) -> None:
    park = make_park(session)
    leader = make_user(session, park, Role.leader)
    ent = make_enterprise(session, park, tags=["高新技术企业"], employees=60)
    make_enterprise(session, park, tags=[], employees=60)
    policy = make_policy(session, park, conditions=RULE, auto_grant=True)
    plain = make_policy(session, park)
    h = token_headers(client, leader)
    ready = client.get(f"/api/policies/{policy.id}/ready", headers=h).json()
    assert [m["enterprise_id"] for m in ready] == [ent.id]
    assert client.get(f"/api/policies/{plain.id}/ready", headers=h).status_code == 409


def test_openapi_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/policies",
        "/api/policies/matches",
        "/api/policies/push-list",
        "/api/policies/mine",
        "/api/policies/{policy_id}/ready",
        "/api/enterprises/{enterprise_id}/pools",
        "/api/enterprises/{enterprise_id}/plan",
        "/api/enterprises/export.xlsx",
        "/api/enterprises/import",
    ):
        assert path in paths, path
