from biopark.accounts.models import Role
from tests.builders import csrf_of, make_park, make_user, page_login
from tests.intel.builders import demo_bytes, ingest_demo


def test_analyst_pages_search_brief_detail_and_review(client, session) -> None:
    park = make_park(session)
    docs = ingest_demo(session, park)
    page_login(client, make_user(session, park, Role.analyst))
    listing = client.get("/intel")
    assert listing.status_code == 200 and "科创情报" in listing.text and "导入文档" in listing.text
    found = client.get("/intel/search", params={"q": "创新药 临床"})
    assert found.status_code == 200 and "<mark>创新药</mark>" in found.text
    brief = client.get("/intel/brief", params={"topic": "重庆国际生物城 创新药"})
    assert brief.status_code == 200 and 'href="#src-1"' in brief.text and "投资与项目" in brief.text
    md = client.get("/intel/brief", params={"topic": "重庆国际生物城 创新药", "format": "md"})
    assert md.headers["content-type"].startswith("text/markdown") and "## 来源" in md.text
    detail = client.get(f"/intel/documents/{docs['02'].id}")
    assert detail.status_code == 200 and 'class="fact"' in detail.text and "转载来源" in detail.text
    import re

    metric_id = re.search(r'id="metric-(\d+)"', detail.text).group(1)  # type: ignore[union-attr]
    resp = client.post(
        f"/intel/facts/metric/{metric_id}/review",
        data={"action": "reject", "csrf_token": csrf_of(detail.text)},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    assert "已驳回" in client.get(f"/intel/documents/{docs['02'].id}").text
    no_csrf = client.post(f"/intel/facts/metric/{metric_id}/review", data={"action": "confirm"})
    assert no_csrf.status_code == 403


def test_ingest_form_uploads_a_file(client, session) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.admin))
    csrf = csrf_of(client.get("/intel").text)
    resp = client.post(
        "/intel/ingest",
        data={"csrf_token": csrf},
        files={"file": ("deal.txt", demo_bytes("05"))},
        follow_redirects=False,
    )
    assert resp.status_code == 303 and resp.headers["location"].startswith("/jobs/tasks/")
    status = client.get(resp.headers["location"]).text
    assert "已完成" in status and 'href="/intel/documents/' in status
    bad = client.post("/intel/ingest", data={"csrf_token": csrf, "url": "ftp://x"})
    assert bad.status_code == 422 and "http" in bad.text


def test_roles_and_other_parks_on_pages(client, session) -> None:
    park, other = make_park(session), make_park(session)
    docs = ingest_demo(session, other)
    page_login(client, make_user(session, park, Role.investment_officer))
    assert client.get("/intel").status_code == 200
    assert "导入文档" not in client.get("/intel").text
    for doc in docs.values():
        assert client.get(f"/intel/documents/{doc.id}").status_code == 404
    client.cookies.clear()
    page_login(client, make_user(session, park, Role.enterprise))
    assert client.get("/intel").status_code == 403
    assert client.get("/intel/search", params={"q": "创新药"}).status_code == 403
