"""Builders for core records: make_park, make_user, make_enterprise, login helpers."""

from __future__ import annotations

import itertools
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts import service as accounts
from biopark.accounts.models import Role, User
from biopark.accounts.schemas import UserCreate
from biopark.enterprises.models import Enterprise
from biopark.parks.models import Department, Park

PASSWORD = "correct-horse-9"
_seq = itertools.count(1)


def make_park(session: Session, **overrides: Any) -> Park:
    n = next(_seq)
    park = Park(**{"code": f"park-{n}", "name": f"测试园区{n}", **overrides})
    session.add(park)
    session.flush()
    return park


def make_department(session: Session, park: Park, **overrides: Any) -> Department:
    n = next(_seq)
    dept = Department(**{"park_id": park.id, "name": f"测试部门{n}", **overrides})
    session.add(dept)
    session.flush()
    return dept


def make_enterprise(session: Session, park: Park, **overrides: Any) -> Enterprise:
    n = next(_seq)
    ent = Enterprise(**{"park_id": park.id, "name": f"重庆测试生物医药有限公司{n}", **overrides})
    session.add(ent)
    session.flush()
    return ent


def make_user(session: Session, park: Park, role: Role, **overrides: Any) -> User:
    n = next(_seq)
    if role == Role.enterprise and "enterprise_id" not in overrides:
        overrides["enterprise_id"] = make_enterprise(session, park).id
    if role == Role.department and "department_id" not in overrides:
        overrides["department_id"] = make_department(session, park).id
    data = UserCreate(
        **{
            "username": f"{role.value}-{n}",
            "display_name": f"{role.value} {n}",
            "password": PASSWORD,
            "role": role,
            **overrides,
        }
    )
    return accounts.create_user(session, park=park, data=data, actor=None)


def token_headers(client: TestClient, user: User) -> dict[str, str]:
    """Authorization headers for the user's API token."""
    resp = client.post("/api/auth/token", json={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def page_login(client: TestClient, user: User) -> None:
    """Sign the test client in through the login page."""
    csrf = csrf_of(client.get("/login").text)
    resp = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf, "next": "/"},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
