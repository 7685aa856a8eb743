"""Chain API: who may read and edit, isolation between parks, the import upload."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import make_enterprise, make_park, make_user, token_headers
from tests.chain.builders import link_of, xlsx_bytes
from tests.jobs.builders import finished_task


def test_readers_get_the_map_gaps_clusters_and_echarts(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    for role in (Role.leader, Role.commissioner, Role.analyst, Role.investment_officer, Role.admin):
        headers = token_headers(client, make_user(session, park, role))
        body = client.get("/api/chain/map", headers=headers).json()
        assert body["version"] == 1 and {x["code"] for x in body["links"]} >= {"cdmo", "antibody"}
    gaps = client.get("/api/chain/gaps", headers=headers).json()
    assert gaps[0]["link"]["reasons"][0]["code"] == "no_enterprise"
    assert len(client.get("/api/chain/clusters", headers=headers).json()) == 4
    tree = client.get("/api/chain/echarts", headers=headers).json()
    assert [c["name"] for c in tree["children"]] == ["上游", "中游", "下游"]


def test_enterprise_and_department_users_get_nothing(client: TestClient, session: Session) -> None:
    park = make_park(session)
    link = link_of(session, park, "cdmo")
    for role in (Role.enterprise, Role.department):
        headers = token_headers(client, make_user(session, park, role))
        for path in ("/api/chain/map", "/api/chain/gaps", f"/api/chain/links/{link.id}"):
            assert client.get(path, headers=headers).status_code == 403


def test_editing_roles_and_other_parks_ids(client: TestClient, session: Session) -> None:
    park, other = make_park(session), make_park(session)
    ent = make_enterprise(session, park)
    link = link_of(session, park, "cdmo")
    theirs = link_of(session, other, "cdmo")
    officer = token_headers(client, make_user(session, park, Role.investment_officer))
    leader = token_headers(client, make_user(session, park, Role.leader))
    url = f"/api/chain/links/{link.id}/enterprises/{ent.id}"
    body = {"enterprise_id": ent.id, "is_leader": True}
    assert client.put(url, json=body, headers=leader).status_code == 403
    assert client.put(url, json=body, headers=officer).status_code == 204
    detail = client.get(f"/api/chain/links/{link.id}", headers=leader).json()
    assert detail["enterprises"][0]["enterprise_id"] == ent.id and detail["link"]["leaders"] == 1
    assert client.get(f"/api/chain/links/{theirs.id}", headers=leader).status_code == 404
    resp = client.put(
        f"/api/chain/links/{theirs.id}/enterprises/{ent.id}", json=body, headers=officer
    )
    assert resp.status_code == 404
    assert (
        client.patch(
            f"/api/chain/links/{theirs.id}", json={"name": "改名"}, headers=officer
        ).status_code
        == 404
    )
    assert client.delete(url, headers=officer).status_code == 204


def test_taxonomy_edits_through_the_api(client: TestClient, session: Session) -> None:
    park = make_park(session)
    admin = token_headers(client, make_user(session, park, Role.admin))
    resp = client.post(
        "/api/chain/links",
        json={"code": "imaging", "name": "医学影像", "stream": "down", "parent_code": "down"},
        headers=admin,
    )
    assert resp.status_code == 201, resp.text
    bad = client.post(
        "/api/chain/links", json={"code": "Bad Code", "name": "x", "stream": "up"}, headers=admin
    )
    assert bad.status_code == 422
    assert client.delete(f"/api/chain/links/{resp.json()['id']}", headers=admin).status_code == 204
    versions = client.get("/api/chain/versions", headers=admin).json()
    assert [v["version"] for v in versions] == [3, 2, 1]


def test_import_upload_all_or_nothing(client: TestClient, session: Session) -> None:
    park = make_park(session)
    analyst = token_headers(client, make_user(session, park, Role.analyst))
    rows = [["环节", "企业名称"], ["cdmo", "甲CDMO有限公司"], ["nowhere", "乙公司"]]
    files = {"file": ("c.xlsx", xlsx_bytes(rows), "application/octet-stream")}
    resp = client.post("/api/chain/candidates/import", files=files, headers=analyst)
    body = finished_task(client, resp, analyst)
    assert body["status"] == "failed" and "第 3 行" in body["error"]
    assert any("第 3 行" in e for e in body["result"]["errors"])
    rows.pop()
    files = {"file": ("c.xlsx", xlsx_bytes(rows), "application/octet-stream")}
    resp = client.post("/api/chain/candidates/import", files=files, headers=analyst)
    body = finished_task(client, resp, analyst)
    assert body["status"] == "done" and body["result"]["created"] == 1
    leader = token_headers(client, make_user(session, park, Role.leader))
    resp = client.post("/api/chain/candidates/import", files=files, headers=leader)
    assert resp.status_code == 403


def test_openapi_lists_chain_and_pipeline(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/chain/gaps" in paths and "/api/pipeline/funnel" in paths
    assert "/api/pipeline/proposals/{proposal_id}/accept" in paths
