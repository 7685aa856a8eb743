from biopark.accounts.models import Role
from tests.builders import make_park, make_user, token_headers
from tests.intel.builders import demo_bytes, ingest_demo
from tests.jobs.builders import finished_task


def test_readers_search_brief_and_read_documents(client, session) -> None:
    park = make_park(session)
    docs = ingest_demo(session, park)
    leader = make_user(session, park, Role.leader)
    h = token_headers(client, leader)
    resp = client.get(
        "/api/intel/search", params={"q": "创新药 临床", "from": "2025-01-01"}, headers=h
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["terms"] == ["创新药", "临床"] and body["hits"]
    assert "<mark>" in body["hits"][0]["snippet"]
    bad = client.get("/api/intel/search", params={"q": "x", "from": "2025-13-01"}, headers=h)
    assert bad.status_code == 422
    brief = client.get(
        "/api/intel/brief", params={"topic": "重庆国际生物城 创新药"}, headers=h
    ).json()
    assert brief["sections"] and brief["sources"] and "[1]" in brief["markdown"]
    detail = client.get(f"/api/intel/documents/{docs['02'].id}", headers=h).json()
    assert {c["id"] for c in detail["cluster"]} == {docs["01"].id, docs["02"].id, docs["03"].id}
    assert all(detail["text"][m["start"] : m["end"]] == m["quote"] for m in detail["metrics"])
    figures = client.get("/api/intel/figures", params={"label": "协议投资额"}, headers=h).json()
    assert [f["value"] for f in figures].count("4800000000") == 1
    companies = client.get("/api/intel/companies", headers=h).json()
    assert "澄江生物科技有限公司" in {c["name"] for c in companies}


def test_other_parks_ids_look_missing_and_roles_are_enforced(client, session) -> None:
    park, other = make_park(session), make_park(session)
    docs = ingest_demo(session, other)
    analyst = make_user(session, park, Role.analyst)
    h = token_headers(client, analyst)
    for doc in docs.values():
        assert client.get(f"/api/intel/documents/{doc.id}", headers=h).status_code == 404
    assert client.get("/api/intel/search", params={"q": "创新药"}, headers=h).json()["hits"] == []
    assert client.get("/api/intel/figures", headers=h).json() == []
    resp = client.post(
        f"/api/intel/facts/metric/{_first_metric(client, session, other)}/review",
        json={"action": "confirm"},
        headers=h,
    )
    assert resp.status_code == 404
    for role in (Role.enterprise, Role.department):
        hh = token_headers(client, make_user(session, park, role))
        assert client.get("/api/intel/documents", headers=hh).status_code == 403
        assert (
            client.get("/api/intel/search", params={"q": "创新药"}, headers=hh).status_code == 403
        )
    leader = token_headers(client, make_user(session, park, Role.leader))
    up = client.post(
        "/api/intel/documents/upload", files={"file": ("a.txt", demo_bytes("05"))}, headers=leader
    )
    assert up.status_code == 403


def _first_metric(client, session, park) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from biopark.intel.models import IntelMetric

    return session.scalar(select(IntelMetric.id).where(IntelMetric.park_id == park.id).limit(1))


def test_analyst_uploads_and_reviews(client, session) -> None:
    park = make_park(session)
    h = token_headers(client, make_user(session, park, Role.analyst))
    up = finished_task(
        client,
        client.post(
            "/api/intel/documents/upload", files={"file": ("deal.txt", demo_bytes("05"))}, headers=h
        ),
        h,
    )["result"]["items"][0]
    assert up["status"] == "new"
    again = client.post(
        "/api/intel/documents/upload", files={"file": ("copy.txt", demo_bytes("05"))}, headers=h
    )
    assert finished_task(client, again, h)["result"]["items"][0]["status"] == "duplicate"
    junk = client.post(
        "/api/intel/documents/upload", files={"file": ("x.bin", b"\x00\x01\x02" * 100)}, headers=h
    )
    junk_item = finished_task(client, junk, h)["result"]["items"][0]
    assert junk_item["status"] == "failed" and junk_item["error"]
    doc = client.get(f"/api/intel/documents/{up['document_id']}", headers=h).json()
    metric = doc["metrics"][0]
    resp = client.post(
        f"/api/intel/facts/metric/{metric['id']}/review",
        json={"action": "correct", "values": {"value": "25000000"}},
        headers=h,
    )
    assert resp.status_code == 200 and resp.json()["review"] == "corrected"
    bad = client.post(
        f"/api/intel/facts/metric/{metric['id']}/review",
        json={"action": "correct", "values": {"value": "很多"}},
        headers=h,
    )
    assert bad.status_code == 422 and "数值" in bad.json()["error"]["message"]
    listing = client.get("/api/intel/documents", params={"status": "failed"}, headers=h).json()
    assert listing["total"] == 1
