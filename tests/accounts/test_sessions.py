"""Server-side sessions: sign-out, password changes and timeouts end them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts import service
from biopark.accounts.models import Role, UserSession
from biopark.audit.models import AuditEntry
from biopark.config import get_settings
from tests.builders import make_park, make_user, page_login, token_headers


def _actions(session: Session, user_id: int) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity_type == "user", AuditEntry.entity_id == user_id)
            .order_by(AuditEntry.id)
        )
    )


def test_sign_out_ends_the_session_even_for_a_copied_cookie(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, make_park(session), Role.leader)
    page_login(client, user)
    copied = dict(client.cookies)
    assert client.get("/", follow_redirects=False).status_code == 200
    csrf = client.get("/").text.split('name="csrf_token" value="')[1].split('"')[0]
    assert (
        client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    )
    replay = TestClient(client.app, cookies=copied)
    assert replay.get("/", follow_redirects=False).status_code == 303
    assert _actions(session, user.id)[-2:] == ["sign_in", "sign_out"]


def test_password_change_ends_other_sessions_and_tokens(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, make_park(session), Role.leader)
    headers = token_headers(client, user)
    page_login(client, user)
    other = TestClient(client.app)
    page_login(other, user)
    assert other.get("/", follow_redirects=False).status_code == 200
    key = session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    ).first()
    assert key is not None
    service.set_password(session, user=user, password="a-new-long-secret-7", actor=user)
    session.commit()
    assert client.get("/api/me", headers=headers).status_code == 401
    assert client.get("/", follow_redirects=False).status_code == 303
    assert other.get("/", follow_redirects=False).status_code == 303


def test_change_own_password_keeps_this_session_only(client: TestClient, session: Session) -> None:
    user = make_user(session, make_park(session), Role.leader)
    headers = token_headers(client, user)
    page_login(client, user)
    other = TestClient(client.app)
    page_login(other, user)
    csrf = client.get("/").text.split('name="csrf_token" value="')[1].split('"')[0]
    wrong = client.post(
        "/api/me/password",
        json={"current_password": "not-it-at-all", "new_password": "a-new-long-secret-7"},
        headers={"x-csrf-token": csrf},
    )
    assert wrong.status_code == 422
    weak = client.post(
        "/api/me/password",
        json={"current_password": "correct-horse-9", "new_password": "password2024"},
        headers={"x-csrf-token": csrf},
    )
    assert weak.status_code == 422 and "常见" in weak.json()["error"]["message"]
    ok = client.post(
        "/api/me/password",
        json={"current_password": "correct-horse-9", "new_password": "a-new-long-secret-7"},
        headers={"x-csrf-token": csrf},
    )
    assert ok.status_code == 204, ok.text
    assert client.get("/", follow_redirects=False).status_code == 200
    assert other.get("/", follow_redirects=False).status_code == 303
    assert client.get("/api/me", headers=headers).status_code == 401


@pytest.mark.parametrize(("field", "age"), [("last_seen_at", 121 * 60), ("created_at", 13 * 3600)])
def test_idle_and_absolute_timeouts(
    client: TestClient, session: Session, field: str, age: int
) -> None:
    assert get_settings().session_idle_minutes == 120
    user = make_user(session, make_park(session), Role.leader)
    page_login(client, user)
    row = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    setattr(row, field, getattr(row, field) - timedelta(seconds=age))
    session.commit()
    # Refused on every request from now on (the row is checked, not the cookie).
    assert client.get("/", follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_in_failures_and_denials_are_audited(client: TestClient, session: Session) -> None:
    user = make_user(session, make_park(session), Role.leader)
    assert (
        client.post(
            "/api/auth/token", json={"username": user.username, "password": "nope"}
        ).status_code
        == 401
    )
    headers = token_headers(client, user)
    assert client.get("/api/users", headers=headers).status_code == 403
    assert _actions(session, user.id)[-2:] == ["sign_in_failed", "sign_in"]
    denial = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "permission_denied", AuditEntry.actor_id == user.id
        )
    ).one()
    assert denial.changes == {"target": "GET /api/users"}


def test_a_busy_database_skips_the_touch_not_the_request(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from biopark.accounts import sessions
    from biopark.kit.models import utcnow

    user = make_user(session, make_park(session), Role.leader)
    key = sessions.start_session(session, user=user, address="127.0.0.1")
    row = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    row.last_seen_at = utcnow() - timedelta(minutes=5)
    session.flush()
    seen = row.last_seen_at

    real_flush = session.flush

    def busy(*args: object, **kwargs: object) -> None:
        # Only the touch's own write fails, as when SQLite refuses to make a reader a writer.
        if session.in_nested_transaction():
            raise OperationalError("UPDATE user_session", {}, Exception("database is locked"))
        real_flush(*args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as m:
        m.setattr(session, "flush", busy)
        assert sessions.session_user(session, key=key) == user
    session.refresh(row)
    assert row.last_seen_at == seen and row.ended_at is None
    # The next request makes the touch.
    assert sessions.session_user(session, key=key) == user
    session.flush()
    assert row.last_seen_at > seen
