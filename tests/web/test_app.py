"""Cross-cutting behaviour of the application: limits, ids, headers, health, fuzz safety nets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.app import create_app
from biopark.config import Settings
from tests.builders import make_park, make_user, page_login, token_headers


def test_declared_body_over_the_cap_is_refused_with_413(client: TestClient) -> None:
    big = b"x" * (13 * 1024 * 1024)
    resp = client.post("/api/auth/token", content=big, headers={"content-type": "application/json"})
    assert resp.status_code == 413
    assert "请求内容过大" in resp.json()["error"]["message"]


def test_streamed_body_over_the_cap_is_refused_with_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(14):
            yield b"y" * (1024 * 1024)

    resp = client.post(
        "/api/auth/token?lang=en", content=chunks(), headers={"content-type": "application/json"}
    )
    assert resp.status_code == 413
    assert resp.json()["error"]["message"] == "Request body too large (12 MB limit)"


def test_every_response_has_a_request_id_and_security_headers(client: TestClient) -> None:
    resp = client.get("/login")
    assert len(resp.headers["x-request-id"]) == 16
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
    assert "strict-transport-security" not in resp.headers
    sent = client.get("/login", headers={"X-Request-ID": "proxy-given-id-1"})
    assert sent.headers["x-request-id"] == "proxy-given-id-1"
    forged = client.get("/login", headers={"X-Request-ID": "<script>"})
    assert forged.headers["x-request-id"] != "<script>"


def test_hsts_only_with_secure_cookies(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(Settings(var_dir=tmp_path, secret_key="k", secure_cookies=True))
    resp = TestClient(app, base_url="https://testserver").get("/healthz")
    assert resp.headers["strict-transport-security"].startswith("max-age=")


def test_error_pages_show_the_request_id(client: TestClient) -> None:
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    assert resp.headers["x-request-id"] in resp.text
    api = client.get("/api/no-such-thing")
    assert api.json()["error"]["request_id"] == api.headers["x-request-id"]


def test_readiness_checks_the_database(client: TestClient, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from biopark import db

    assert client.get("/healthz").json()["status"] == "ok"
    monkeypatch.setattr(db, "get_engine", lambda: db.make_engine(f"sqlite:///{tmp_path}/x.db"))
    assert client.get("/readyz").json() == {
        "status": "ok",
        "database": "ok",
        "version": client.get("/healthz").json()["version"],
    }
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"
    monkeypatch.setattr(db, "get_engine", lambda: db.make_engine(unreachable))
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.json()["database"] == "unreachable"
    # Liveness does not depend on the database.
    assert client.get("/healthz").status_code == 200


def test_docs_only_for_signed_in_admins(client: TestClient, session: Session) -> None:
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    leader = make_user(session, park, Role.leader)
    assert client.get("/docs", follow_redirects=False).status_code == 303
    assert client.get("/api/../redoc", follow_redirects=False).status_code in (303, 404)
    page_login(client, leader)
    assert client.get("/docs").status_code == 403
    client.post("/logout", headers={"x-csrf-token": "x"})
    client.cookies.clear()
    page_login(client, admin)
    assert "swagger" in client.get("/docs").text.lower()
    assert client.get("/redoc").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/enterprises/{big}",
        "/api/investment/projects/{big}",
        "/api/investment/leads?page={big}",
        "/api/tasks/{big}",
        "/enterprises/{big}",
    ],
)
def test_numbers_past_64_bits_are_client_errors(
    client: TestClient, session: Session, path: str
) -> None:
    park = make_park(session)
    headers = token_headers(client, make_user(session, park, Role.admin))
    for big in (2**63, 2**64 + 7, 10**30):
        resp = client.get(path.format(big=big), headers=headers)
        assert 400 <= resp.status_code < 500, (path, big, resp.status_code, resp.text[:200])


def test_an_unexpected_error_answers_500_and_keeps_serving(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(Settings(var_dir=tmp_path, secret_key="k"))
    boom = APIRouter()

    @boom.get("/api/boom")
    def explode() -> None:
        raise RuntimeError("kaboom")

    app.include_router(boom)
    # raise_server_exceptions: the exception must not escape the app (uvicorn would then
    # close the kept-alive connection).
    with TestClient(app) as c:
        resp = c.get("/api/boom")
        assert resp.status_code == 500
        assert resp.json()["error"]["code"] == "InternalError"
        assert resp.json()["error"]["request_id"] == resp.headers["x-request-id"]
        assert c.get("/healthz").status_code == 200
