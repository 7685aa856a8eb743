"""Space pages and API: inventory, a lead's matching space, bookings, English text."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.kit.dates import today
from biopark.spaces.models import SpaceKind
from tests.builders import csrf_of, make_park, make_user, page_login, token_headers
from tests.spaces.builders import make_lead, make_space
from tests.web.test_fixed_lists import HAN, _interface_text


def test_lead_page_shows_matching_space_and_saves_the_need(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    lead = make_lead(session, park, owner_id=officer.id)
    lab = make_space(
        session,
        park,
        kind=SpaceKind.lab,
        name="GMP中试车间",
        cleanroom_grade="GMP B",
        area_m2=Decimal(2000),
    )
    page_login(client, officer)
    page = client.get(f"/investment/leads/{lead.id}")
    assert page.status_code == 200 and "匹配载体" in page.text and "GMP中试车间" not in page.text
    resp = client.post(
        f"/spaces/needs/{lead.id}",
        data={
            "csrf_token": csrf_of(page.text),
            "kind": "实验室",
            "area_min_m2": "1000",
            "area_max_m2": "3000",
            "gmp_required": "on",
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303
    page = client.get(f"/investment/leads/{lead.id}")
    assert "GMP中试车间" in page.text and f"/spaces/{lab.id}?lead={lead.id}" in page.text
    bad = client.post(
        f"/spaces/needs/{lead.id}",
        data={"csrf_token": csrf_of(page.text), "area_min_m2": "多少"},
    )
    assert "应为数字" in bad.text


def test_create_space_page_refuses_bad_input_and_keeps_it(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.investment_officer))
    csrf = csrf_of(client.get("/spaces").text)
    resp = client.post(
        "/spaces",
        data={"csrf_token": csrf, "kind": "单元", "name": "新单元", "area_m2": "-3"},
    )
    assert resp.status_code == 422 and "面积（m²）" in resp.text and "新单元" in resp.text
    resp = client.post(
        "/spaces",
        data={"csrf_token": csrf, "kind": "单元", "name": "新单元", "area_m2": "800"},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    detail = client.get(resp.headers["location"])
    assert "新单元" in detail.text and "800" in detail.text


def test_booking_through_the_page_and_double_booking(client: TestClient, session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    lead = make_lead(session, park)
    unit = make_space(session, park)
    page_login(client, officer)
    csrf = csrf_of(client.get(f"/spaces/{unit.id}").text)
    when = f"{today() + timedelta(days=2)}T10:00"
    form = {"csrf_token": csrf, "starts_at": when, "visitor": "周总", "lead_id": str(lead.id)}
    assert (
        client.post(f"/spaces/{unit.id}/visit", data=form, follow_redirects=False).status_code
        == 303
    )
    again = client.post(f"/spaces/{unit.id}/visit", data=form)
    assert again.status_code == 422 and "该时段已有预约" in again.text


def test_api_and_roles(client: TestClient, session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    make_space(session, park)
    headers = token_headers(client, officer)
    assert len(client.get("/api/spaces", headers=headers).json()) == 1
    occ = client.get("/api/spaces/occupancy", headers=headers).json()
    assert occ["vacancy_rate"] == "100.0"
    ent = make_user(session, park, Role.enterprise)
    assert client.get("/api/spaces", headers=token_headers(client, ent)).status_code == 403


@pytest.mark.parametrize("path", ["/spaces", "/spaces/{unit}", "/investment/leads/{lead}"])
def test_english_pages_have_no_chinese_interface_text(
    client: TestClient, session: Session, path: str
) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.admin)
    unit = make_space(session, park, name="U1")
    lead = make_lead(session, park, company="Acme")
    page_login(client, officer)
    resp = client.get(path.format(unit=unit.id, lead=lead.id), params={"lang": "en"})
    assert resp.status_code == 200
    texts = [t.replace(park.name, "") for t in _interface_text(resp.text)]
    assert not [t for t in texts if HAN.search(t)], path
