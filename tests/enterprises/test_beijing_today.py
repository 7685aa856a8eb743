"""At 07:30 in Beijing (23:30 UTC the day before) today's date is accepted, tomorrow's is not."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises.models import Enterprise
from biopark.enterprises.schemas import EnterpriseCreate
from tests.builders import csrf_of, make_park, make_user, page_login, token_headers
from tests.kit.clock import freeze

TODAY = "2026-03-02"
TOMORROW = "2026-03-03"


def test_schemas_take_beijing_today(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch)
    assert EnterpriseCreate(name="重庆晨光生物有限公司", founded_on=TODAY).founded_on is not None
    with pytest.raises(ValueError):
        EnterpriseCreate(name="重庆晨光生物有限公司", founded_on=TOMORROW)


def test_enterprise_form_accepts_today_before_eight(
    session: Session, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    page_login(client, admin)
    csrf = csrf_of(client.get("/enterprises/new").text)
    resp = client.post(
        "/enterprises/new",
        data={"name": "重庆晨光生物有限公司", "founded_on": TODAY, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    ent = session.scalars(select(Enterprise).where(Enterprise.name == "重庆晨光生物有限公司")).one()
    assert ent.founded_on is not None and ent.founded_on.isoformat() == TODAY


def test_enterprise_api_refuses_tomorrow_and_writes_nothing(
    session: Session, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    headers = token_headers(client, admin)
    body = {"name": "重庆暮色生物有限公司", "founded_on": TOMORROW}
    resp = client.post("/api/enterprises", json=body, headers=headers)
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "ValidationFailed"
    assert session.scalars(select(Enterprise).where(Enterprise.park_id == park.id)).all() == []
    ok = client.post("/api/enterprises", json={**body, "founded_on": TODAY}, headers=headers)
    assert ok.status_code == 201, ok.text


def test_pool_entry_form_accepts_today_before_eight(
    session: Session, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch)
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    headers = token_headers(client, admin)
    ent = client.post("/api/enterprises", json={"name": "重庆晨曦药业有限公司"}, headers=headers)
    ent_id = ent.json()["id"]
    page_login(client, admin)
    csrf = csrf_of(client.get(f"/enterprises/{ent_id}").text)
    resp = client.post(
        f"/enterprises/{ent_id}/pools",
        data={"pool": "专精特新", "entered_on": TODAY, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    pools = client.get(f"/api/enterprises/{ent_id}/pools", headers=headers).json()
    assert [p["entered_on"] for p in pools] == [TODAY]
