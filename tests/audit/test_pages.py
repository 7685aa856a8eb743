"""Every record page that shows a history, and the audit log, read as sentences in zh and en.

The demo park is loaded, an admin changes one record of each domain through the API,
and then each record page with audit entries is read in both languages: no raw
dict or list, no None, no column name (`_id`, `agreed_investment`) may show.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import describe
from biopark.audit.models import AuditEntry
from biopark.chain.models import ChainLink
from biopark.demo.service import load_demo
from biopark.enterprises.models import Enterprise
from biopark.investment.models import Project
from biopark.pipeline.models import Drug
from biopark.policies.models import Policy
from biopark.tasks.models import CoordTask

PASSWORD = "demo-password-1"
LEAKS = [
    re.compile(r": \["),  # a [old, new] pair printed as a list
    re.compile(r"\{'|\{&#39;|\[None|\bNone\b"),
    re.compile(r"\b[a-z]+_[a-z_]+\b"),  # a column name such as agreed_investment or owner_id
]


def _history_html(html: str) -> str:
    """The history section of a record page, or the audit table."""
    for marker in ('class="grid history"', 'id="timeline"'):
        if marker in html:
            section = html.split(marker, 1)[1]
            return section.split("</table>", 1)[0]
    raise AssertionError("page has no history")


def _assert_readable(html: str, where: str) -> None:
    text = re.sub(r"<[^>]+>", " ", _history_html(html))
    for leak in LEAKS:
        found = leak.search(text)
        assert found is None, f"{where}: {found.group(0)!r} in {text[:400]}"


@pytest.fixture
def demo(session: Session, client: TestClient):  # type: ignore[no-untyped-def]
    park = load_demo(session, password=PASSWORD).park
    admin = session.scalars(select(User).where(User.park_id == park.id, User.role == "admin")).one()
    token = client.post("/api/auth/token", json={"username": admin.username, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return park, admin, headers


def _change_one_of_each(session: Session, client: TestClient, park, admin, headers) -> None:  # type: ignore[no-untyped-def]
    def ok(resp):  # type: ignore[no-untyped-def]
        assert resp.status_code < 300, resp.text
        return resp.json() if resp.content else None

    ent = session.scalars(
        select(Enterprise).where(Enterprise.park_id == park.id).order_by(Enterprise.id)
    ).first()
    assert ent is not None
    ok(
        client.patch(
            f"/api/enterprises/{ent.id}",
            json={"registered_capital": "50000000", "tags": ["专精特新"]},
            headers=headers,
        )
    )
    project = session.scalars(
        select(Project).where(Project.park_id == park.id).order_by(Project.id)
    ).first()
    assert project is not None
    link = session.scalars(
        select(ChainLink).where(ChainLink.park_id == park.id, ChainLink.code == "cdmo")
    ).one()
    ok(
        client.patch(
            f"/api/investment/projects/{project.id}",
            json={"agreed_investment": "3.5亿元", "owner_id": admin.id, "chain_link_id": link.id},
            headers=headers,
        )
    )
    ok(
        client.patch(
            f"/api/chain/links/{link.id}", json={"name": "CDMO与智能制造"}, headers=headers
        )
    )
    ok(
        client.put(
            f"/api/chain/links/{link.id}/enterprises/{ent.id}",
            json={"enterprise_id": ent.id, "is_leader": True},
            headers=headers,
        )
    )
    drug = session.scalars(select(Drug).where(Drug.park_id == park.id).order_by(Drug.id)).first()
    assert drug is not None
    ok(
        client.patch(
            f"/api/pipeline/drugs/{drug.id}",
            json={"target": "PD-1", "indication": "实体瘤"},
            headers=headers,
        )
    )
    policy = session.scalars(
        select(Policy).where(Policy.park_id == park.id).order_by(Policy.id)
    ).first()
    assert policy is not None
    ok(
        client.patch(
            f"/api/policies/{policy.id}",
            json={"summary": "对首次获批的一类新药给予奖励"},
            headers=headers,
        )
    )
    task = session.scalars(
        select(CoordTask).where(CoordTask.park_id == park.id).order_by(CoordTask.id)
    ).first()
    assert task is not None
    body = {
        "category": task.category,
        "title": task.title,
        "lead_department_id": task.lead_department_id,
        "partner_ids": list(task.partner_ids or []),
        "description": "按月调度，季度通报",
        "deadline": task.deadline.replace(year=task.deadline.year + 1).isoformat(),
    }
    ok(client.put(f"/api/tasks/{task.id}", json=body, headers=headers))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_history_page_reads_as_sentences(
    session: Session,
    client: TestClient,
    demo,
    lang: str,  # type: ignore[no-untyped-def]
) -> None:
    park, admin, headers = demo
    _change_one_of_each(session, client, park, admin, headers)
    page = client.post(
        "/login",
        data={
            "username": admin.username,
            "password": PASSWORD,
            "csrf_token": _csrf(client),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert page.status_code == 303
    _assert_readable(client.get(f"/audit?lang={lang}").text, "audit log")
    seen: set[str] = set()
    stmt = select(AuditEntry).where(AuditEntry.park_id == park.id).order_by(AuditEntry.id.desc())
    for entry in session.scalars(stmt):
        ent = describe.entity(entry.entity_type)
        if ent.url is None or entry.entity_type in seen or entry.entity_id is None:
            continue
        seen.add(entry.entity_type)
        url = ent.url.format(id=entry.entity_id)
        resp = client.get(f"{url}?lang={lang}")
        assert resp.status_code == 200, url
        _assert_readable(resp.text, url)
    assert {
        "enterprise",
        "investment_project",
        "chain_link",
        "drug",
        "policy",
        "coord_task",
        "service_request",
    } <= seen


def test_project_page_has_one_timeline(session: Session, client: TestClient, demo) -> None:  # type: ignore[no-untyped-def]
    park, admin, headers = demo
    _change_one_of_each(session, client, park, admin, headers)
    project = session.scalars(
        select(Project).where(Project.park_id == park.id).order_by(Project.id)
    ).first()
    assert project is not None
    client.post(
        f"/api/investment/projects/{project.id}/visits",
        json={"visited_on": "2026-01-05", "people": "王主任、企业董事长"},
        headers=headers,
    )
    client.post(
        "/login",
        data={
            "username": admin.username,
            "password": PASSWORD,
            "csrf_token": _csrf(client),
            "next": "/",
        },
    )
    html = client.get(f"/investment/projects/{project.id}?lang=zh").text
    assert html.count("<h2>时间线</h2>") == 1 and "阶段记录" not in html and "变更历史" not in html
    timeline = _history_html(html)
    assert "将协议投资额从" in timeline and "3.5亿元" in timeline
    assert (
        timeline.count("拜访：王主任、企业董事长") == 1
    )  # the visit once, not again as an audit row
    en = client.get(
        f"/api/investment/projects/{project.id}/timeline?lang=en", headers=headers
    ).json()
    assert any("350 million yuan" in t["title"] for t in en)


def test_audit_api_gives_sentences_in_both_languages(
    session: Session, client: TestClient, demo
) -> None:  # type: ignore[no-untyped-def]
    park, admin, headers = demo
    _change_one_of_each(session, client, park, admin, headers)
    zh = client.get("/api/audit?limit=20&lang=zh", headers=headers).json()
    assert any("将协议投资额从" in row["text"] for row in zh)
    assert all(row["text"] and "None" not in row["text"] for row in zh)
    en = client.get("/api/audit?limit=20&lang=en", headers=headers).json()
    assert any("agreed investment from" in row["text"] for row in en)
    assert zh[0]["changes"] == en[0]["changes"]  # the raw data stays for machines


def _csrf(client: TestClient) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert match
    return match.group(1)
