"""Two-factor sign-in with TOTP: enrolment with a QR code, then codes at every sign-in."""

from __future__ import annotations

import re
import time

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.config import get_settings
from tests.builders import PASSWORD, csrf_of, make_park, make_user, page_login


def _enrol(client: TestClient) -> str:
    page = client.get("/account/2fa").text
    assert "<svg" in page
    match = re.search(r"<code>([A-Z2-7]{16,})</code>", page)
    assert match
    secret = match.group(1)
    wrong = client.post("/account/2fa", data={"csrf_token": csrf_of(page), "code": "000000"})
    assert wrong.status_code == 422 and "验证码不正确" in wrong.text
    ok = client.post(
        "/account/2fa",
        data={"csrf_token": csrf_of(page), "code": pyotp.TOTP(secret).now()},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    return secret


def test_enrolled_admin_needs_the_code_for_tokens_and_pages(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, make_park(session), Role.admin)
    page_login(client, admin)
    secret = _enrol(client)
    body = {"username": admin.username, "password": PASSWORD}
    assert client.post("/api/auth/token", json=body).status_code == 401
    good = client.post("/api/auth/token", json={**body, "otp": pyotp.TOTP(secret).now()})
    assert good.status_code == 200, good.text
    fresh = TestClient(client.app)
    form = {"username": admin.username, "password": PASSWORD, "next": "/"}
    csrf = csrf_of(fresh.get("/login").text)
    assert fresh.post("/login", data={**form, "csrf_token": csrf}).status_code == 401
    time.sleep(2.1)  # the progressive delay after a second failure
    signed = fresh.post(
        "/login",
        data={**form, "csrf_token": csrf, "otp": pyotp.TOTP(secret).now()},
        follow_redirects=False,
    )
    assert signed.status_code == 303


def test_required_setting_sends_admins_to_enrolment(
    client: TestClient, session: Session, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(get_settings(), "totp_required", True)
    park = make_park(session)
    leader = make_user(session, park, Role.leader)
    csrf = csrf_of(client.get("/login").text)
    resp = client.post(
        "/login",
        data={"username": leader.username, "password": PASSWORD, "csrf_token": csrf, "next": "/"},
        follow_redirects=False,
    )
    assert resp.headers["location"] == "/account/2fa"
    officer = make_user(session, park, Role.investment_officer)
    other = TestClient(client.app)
    csrf = csrf_of(other.get("/login").text)
    resp = other.post(
        "/login",
        data={"username": officer.username, "password": PASSWORD, "csrf_token": csrf, "next": "/"},
        follow_redirects=False,
    )
    assert resp.headers["location"] == "/"
