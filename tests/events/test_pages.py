"""Public sign-up page (no sign-in), QR code, staff pages, check-in page, API, English text."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.events.models import Registration
from tests.builders import csrf_of, make_park, make_user, page_login, token_headers
from tests.events.builders import in_days, make_event
from tests.web.test_fixed_lists import HAN, _interface_text


def _count(session: Session) -> int:
    return session.scalar(select(func.count(Registration.id))) or 0


def test_public_signup_flow_and_refusals(client: TestClient, session: Session) -> None:
    event = make_event(session, make_park(session))
    page = client.get(f"/signup/{event.code}")
    assert page.status_code == 200 and event.name in page.text
    csrf = csrf_of(page.text)
    form = {"csrf_token": csrf, "name": "王五", "company": "测试生物", "phone": "12345"}
    bad = client.post(f"/signup/{event.code}", data=form)
    assert bad.status_code == 422 and "手机号码" in bad.text and "测试生物" in bad.text
    form["phone"] = "139 0000 1234"
    no_consent = client.post(f"/signup/{event.code}", data=form)
    assert no_consent.status_code == 422 and "个人信息保护说明" in no_consent.text
    form["consent"] = "on"
    expired = client.post(f"/signup/{event.code}", data={**form, "csrf_token": "x"})
    assert expired.status_code == 400 and "页面已过期" in expired.text
    assert _count(session) == 0
    done = client.post(f"/signup/{event.code}", data=form)
    assert done.status_code == 200 and "报名成功" in done.text
    again = client.post(f"/signup/{event.code}", data=form)
    assert again.status_code == 409 and "已报名" in again.text
    bot = client.post(
        f"/signup/{event.code}", data={**form, "phone": "13900009999", "website": "x"}
    )
    assert bot.status_code == 200 and _count(session) == 1
    assert client.get("/signup/nope").status_code == 404


def test_qr_codes(client: TestClient, session: Session) -> None:
    event = make_event(session, make_park(session))
    png = client.get(f"/signup/{event.code}/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert (
        client.get(f"/signup/{event.code}/qr.svg").headers["content-type"].startswith("image/svg")
    )
    assert client.get(f"/signup/{event.code}/qr.gif").status_code == 404


def test_check_in_page(client: TestClient, session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    event = make_event(session, park)
    session.add(
        Registration(
            park_id=park.id, event_id=event.id, name="赵六", company="测试药业", phone="13900000007"
        )
    )
    page_login(client, officer)
    page = client.get(f"/events/{event.id}/checkin")
    assert page.status_code == 200 and "0 / 1" in page.text
    csrf = csrf_of(page.text)
    missing = client.post(
        f"/events/{event.id}/checkin", data={"csrf_token": csrf, "phone": "13900000008"}
    )
    assert missing.status_code == 422 and "未报名" in missing.text
    ok = client.post(
        f"/events/{event.id}/checkin", data={"csrf_token": csrf, "phone": "13900000007"}
    )
    assert ok.status_code == 200 and "签到成功" in ok.text and "1 / 1" in ok.text
    twice = client.post(
        f"/events/{event.id}/checkin", data={"csrf_token": csrf, "phone": "13900000007"}
    )
    assert twice.status_code == 422 and "重复签到" in twice.text
    later = make_event(session, park, starts_on=in_days(3), ends_on=in_days(3))
    assert "不是活动日" in client.get(f"/events/{later.id}/checkin").text


def test_staff_pages_create_event_and_turn_registration_into_lead(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.investment_officer))
    csrf = csrf_of(client.get("/events").text)
    bad = client.post(
        "/events",
        data={
            "csrf_token": csrf,
            "name": "路演",
            "kind": "异地路演",
            "starts_on": str(in_days(3)),
            "ends_on": str(in_days(1)),
            "city": "上海",
            "place": "张江",
        },
    )
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.text
    resp = client.post(
        "/events",
        data={
            "csrf_token": csrf,
            "name": "路演",
            "kind": "异地路演",
            "starts_on": str(in_days(0)),
            "ends_on": str(in_days(1)),
            "city": "上海",
            "place": "张江",
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303
    url = resp.headers["location"]
    detail = client.get(url)
    assert "/signup/" in detail.text and "qr.svg" in detail.text
    client.post(
        f"{url}/register",
        data={"csrf_token": csrf, "name": "钱七", "company": "测试医药", "phone": "13900000011"},
    )
    reg = session.scalar(select(Registration).where(Registration.phone == "13900000011"))
    assert reg is not None
    moved = client.post(
        f"{url}/lead",
        data={"csrf_token": csrf, "registration_id": str(reg.id)},
        follow_redirects=False,
    )
    assert moved.status_code == 303 and moved.headers["location"].startswith("/investment/leads/")
    assert moved.headers["location"] in client.get(url).text


def test_api_public_signup_and_results(client: TestClient, session: Session) -> None:
    park = make_park(session)
    event = make_event(session, park)
    body = {"name": "孙八", "company": "测试生物", "phone": "13900000021", "consent": True}
    assert client.post(f"/api/events/signup/{event.code}", json=body).status_code == 201
    assert client.post(f"/api/events/signup/{event.code}", json=body).status_code == 409
    no = client.post(
        f"/api/events/signup/{event.code}", json={**body, "phone": "13900000022", "consent": False}
    )
    assert no.status_code == 422
    officer = make_user(session, park, Role.investment_officer)
    headers = token_headers(client, officer)
    [row] = client.get("/api/events/results", headers=headers).json()
    assert row["registrations"] == 1
    checked = client.post(
        f"/api/events/{event.id}/checkin", json={"phone": "13900000021"}, headers=headers
    )
    assert checked.status_code == 200 and checked.json()["checked_in_at"]
    ent = make_user(session, park, Role.enterprise)
    assert client.get("/api/events", headers=token_headers(client, ent)).status_code == 403


@pytest.mark.parametrize(
    "path", ["/events", "/events/{e}", "/events/{e}/checkin", "/signup/{code}"]
)
def test_english_pages_have_no_chinese_interface_text(
    client: TestClient, session: Session, path: str
) -> None:
    park = make_park(session)
    event = make_event(session, park, name="Forum", city="Chongqing", place="Hall A")
    page_login(client, make_user(session, park, Role.admin))
    resp = client.get(path.format(e=event.id, code=event.code), params={"lang": "en"})
    assert resp.status_code == 200
    texts = [t.replace(park.name, "") for t in _interface_text(resp.text)]
    assert not [t for t in texts if HAN.search(t)], path
