"""An enterprise user sees its own record only, by API and by page, even guessing ids."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import make_enterprise, make_park, make_user, page_login, token_headers


def test_enterprise_user_api_sees_only_its_own(client: TestClient, session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    others = [make_enterprise(session, park) for _ in range(3)]
    headers = token_headers(client, user)
    listing = client.get("/api/enterprises", headers=headers).json()
    assert [e["id"] for e in listing["items"]] == [user.enterprise_id]
    assert client.get(f"/api/enterprises/{user.enterprise_id}", headers=headers).status_code == 200
    lo = min(e.id for e in others) - 5
    hi = max(e.id for e in others) + 5
    for guess in range(max(lo, 1), hi):
        if guess == user.enterprise_id:
            continue
        assert client.get(f"/api/enterprises/{guess}", headers=headers).status_code == 404
        assert client.get(f"/api/enterprises/{guess}/history", headers=headers).status_code == 404
        resp = client.patch(f"/api/enterprises/{guess}", headers=headers, json={"address": "x"})
        assert resp.status_code in (403, 404)


def test_enterprise_user_pages_see_only_its_own(client: TestClient, session: Session) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    other = make_enterprise(session, park, name="重庆隔壁生物科技有限公司")
    page_login(client, user)
    resp = client.get("/enterprises", follow_redirects=False)
    assert (
        resp.status_code == 303 and resp.headers["location"] == f"/enterprises/{user.enterprise_id}"
    )
    mine = client.get(f"/enterprises/{user.enterprise_id}")
    assert mine.status_code == 200
    theirs = client.get(f"/enterprises/{other.id}")
    assert theirs.status_code == 404
    assert "重庆隔壁生物科技有限公司" not in theirs.text
    assert client.get(f"/enterprises/{other.id}/edit").status_code == 404


def test_page_form_shows_chinese_validation_errors(client: TestClient, session: Session) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.investment_officer))
    html = client.get("/enterprises/new").text
    from tests.builders import csrf_of

    resp = client.post(
        "/enterprises/new",
        data={"name": "重庆新来制药有限公司", "credit_code": "123456", "csrf_token": csrf_of(html)},
    )
    assert resp.status_code == 422
    assert "统一社会信用代码：统一社会信用代码无效" in resp.text
    assert 'value="重庆新来制药有限公司"' in resp.text
