"""Request pages: the walk through forms, errors in Chinese, and guessed ids."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import csrf_of, make_department, make_park, make_user, page_login
from tests.services.builders import make_request


def _post(client: TestClient, path: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get("/requests").text)
    return client.post(path, data={**data, "csrf_token": csrf}, follow_redirects=False)


def test_walk_through_the_pages(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    dept = make_department(session, park, short_name="市医保局")
    ent, com, dep = (
        make_user(session, park, Role.enterprise),
        make_user(session, park, Role.commissioner),
        make_user(session, park, Role.department, department_id=dept.id),
    )
    c_ent, c_com, c_dep = TestClient(app), TestClient(app), TestClient(app)
    for c, u in ((c_ent, ent), (c_com, com), (c_dep, dep)):
        page_login(c, u)

    bad = _post(c_ent, "/requests/new", {"category": "市场准入", "title": "", "content": "x"})
    assert bad.status_code == 422 and "标题" in bad.text
    r = _post(
        c_ent,
        "/requests/new",
        {"category": "市场准入", "title": "创新药进医保目录咨询", "content": "请协助了解谈判流程"},
    )
    assert r.status_code == 303
    rid = int(r.headers["location"].rsplit("/", 1)[1])
    assert "待响应" in c_ent.get(f"/requests/{rid}").text
    assert c_dep.get(f"/requests/{rid}").status_code == 404
    page = c_com.get(f"/requests/{rid}").text
    assert 'id="dispatch-form"' in page and "市医保局" in page
    r = _post(
        c_com,
        f"/requests/{rid}/dispatch",
        {"department_ids": [str(dept.id)], "note": "请医保局答复"},
    )
    assert r.status_code == 303
    again = _post(c_com, f"/requests/{rid}/dispatch", {"department_ids": [str(dept.id)]})
    assert again.status_code == 409 and "尚未答复" in again.text
    page = c_dep.get(f"/requests/{rid}").text
    assert 'id="reply-form"' in page and 'id="dispatch-form"' not in page
    assert _post(c_dep, f"/requests/{rid}/reply", {"reply": "已安排专人对接"}).status_code == 303
    assert _post(c_com, f"/requests/{rid}/close", {"resolution": "已答复企业"}).status_code == 303
    bad = _post(c_ent, f"/requests/{rid}/rate", {"satisfaction": "9"})
    assert bad.status_code == 422
    assert (
        _post(c_ent, f"/requests/{rid}/rate", {"satisfaction": "5", "comment": "满意"}).status_code
        == 303
    )
    page = c_ent.get(f"/requests/{rid}").text
    assert "已评价" in page and "★★★★★" in page
    assert len(re.findall(r"<tr><td>\d{4}-", page)) == 5  # submit, dispatch, reply, close, rate
    assert _post(c_dep, f"/requests/{rid}/bogus", {}).status_code == 404
    stats = c_com.get("/requests/stats")
    assert stats.status_code == 200 and "市医保局" in stats.text
    assert c_ent.get("/requests/stats").status_code == 403


def test_guessed_ids_on_pages_look_missing(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    mine_user, other_user = (
        make_user(session, park, Role.enterprise),
        make_user(session, park, Role.enterprise),
    )
    dep = make_user(session, park, Role.department)
    mine, theirs = make_request(session, mine_user), make_request(session, other_user)
    client = TestClient(app)
    page_login(client, mine_user)
    for guess in sorted({0, *range(mine.id - 3, theirs.id + 3)}):
        r = client.get(f"/requests/{guess}")
        assert r.status_code == (200 if guess == mine.id else 404)
    listing = client.get("/requests").text
    assert f'/requests/{mine.id}"' in listing and f'/requests/{theirs.id}"' not in listing
    r = _post(client, f"/requests/{theirs.id}/rate", {"satisfaction": "1"})
    assert r.status_code == 404
    d = TestClient(app)
    page_login(d, dep)
    assert d.get(f"/requests/{mine.id}").status_code == 404
    assert "无记录" in d.get("/requests").text
