"""Investment pages: the public QR form, the officer's pages, permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.investment import consult, service
from biopark.investment.config import InvestmentSettings
from biopark.investment.models import Lead, LeadStatus, Stage
from tests.builders import csrf_of, make_park, make_user, page_login
from tests.investment.builders import make_project

FORM = {"company": "成都某生物技术有限公司", "contact_name": "刘先生", "phone": "13800138001",
        "intended_investment": "2亿元", "message": "想了解中试平台", "consent": "on"}  # fmt: skip


def _leads(session: Session, park_id: int) -> int:
    return (
        session.scalar(select(func.count()).select_from(Lead).where(Lead.park_id == park_id)) or 0
    )


def test_public_form_submits_and_officer_sees_the_lead(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    page = client.get(f"/consult/{park.code}")
    assert page.status_code == 200 and 'name="website"' in page.text
    done = client.post(f"/consult/{park.code}", data={**FORM, "csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "提交成功" in done.text and "工作小时" in done.text
    assert _leads(session, park.id) == 1
    page_login(client, officer)
    listed = client.get("/investment/leads")
    assert FORM["company"] in listed.text and 'class="sla"' in listed.text


def test_invalid_form_keeps_what_was_typed(client: TestClient, session: Session) -> None:
    park = make_park(session)
    page = client.get(f"/consult/{park.code}")
    resp = client.post(
        f"/consult/{park.code}", data={**FORM, "phone": "123", "csrf_token": csrf_of(page.text)}
    )
    assert resp.status_code == 422 and "手机号码" in resp.text
    assert FORM["company"] in resp.text and FORM["message"] in resp.text
    assert _leads(session, park.id) == 0


def test_expired_page_keeps_the_text_for_resending(client: TestClient, session: Session) -> None:
    park = make_park(session)
    resp = client.post(f"/consult/{park.code}", data={**FORM, "csrf_token": "stale"})
    assert resp.status_code == 400 and "再次点击提交" in resp.text and FORM["company"] in resp.text
    again = client.post(f"/consult/{park.code}", data={**FORM, "csrf_token": csrf_of(resp.text)})
    assert again.status_code == 200 and _leads(session, park.id) == 1


def test_honeypot_and_rate_limit_on_the_page(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        consult, "get_investment_settings", lambda: InvestmentSettings(consult_phone_limit=2)
    )
    park = make_park(session)
    token = csrf_of(client.get(f"/consult/{park.code}").text)
    bot = client.post(
        f"/consult/{park.code}", data={**FORM, "website": "spam", "csrf_token": token}
    )
    assert bot.status_code == 200 and _leads(session, park.id) == 0
    for _ in range(2):
        assert (
            client.post(f"/consult/{park.code}", data={**FORM, "csrf_token": token}).status_code
            == 200
        )
    limited = client.post(f"/consult/{park.code}", data={**FORM, "csrf_token": token})
    assert (
        limited.status_code == 429
        and "该手机号今天已提交" in limited.text
        and FORM["company"] in limited.text
    )
    assert _leads(session, park.id) == 2


def test_qr_downloads(client: TestClient, session: Session) -> None:
    park = make_park(session)
    png = client.get(f"/consult/{park.code}/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = client.get(f"/consult/{park.code}/qr.svg")
    assert svg.status_code == 200 and b"<svg" in svg.content


def test_officer_works_a_lead_and_a_project(client: TestClient, session: Session) -> None:
    park = make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    lead = service.create_consultation(
        session,
        park=park,
        data=service.ConsultationCreate.model_validate(
            {k: v for k, v in FORM.items() if k != "message"}
        ),
    )
    page_login(client, officer)
    page = client.get(f"/investment/leads/{lead.id}")
    token = csrf_of(page.text)
    due = str(service.today_local() + timedelta(days=2))
    resp = client.post(
        f"/investment/leads/{lead.id}/contact",
        data={"next_action": "安排考察", "due_at": due, "csrf_token": token},
        follow_redirects=False,
    )
    assert resp.status_code == 303 and lead.status == LeadStatus.contacted
    resp = client.post(
        f"/investment/leads/{lead.id}/qualify",
        data={
            "name": "成都某生物项目",
            "next_action": "首轮洽谈",
            "due_on": due,
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303
    pid = int(resp.headers["location"].rsplit("/", 1)[1])
    back = client.post(
        f"/investment/projects/{pid}/stage",
        data={"stage": "终止", "reason": "", "csrf_token": token},
    )
    assert back.status_code == 422 and "须填写原因" in back.text
    ok = client.post(
        f"/investment/projects/{pid}/stage",
        data={
            "stage": "签约",
            "signed_on": str(service.today_local()),
            "agreed_investment": "3亿元",
            "reason": "跳过洽谈",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    detail = client.get(f"/investment/projects/{pid}")
    assert "签约" in detail.text and "阶段：洽谈 → 签约" in detail.text
    for path in ("/investment", "/investment/projects", "/investment/loop", "/investment/targets",
                 "/investment/projects/new", f"/investment/projects/{pid}/edit"):  # fmt: skip
        assert client.get(path).status_code == 200, path


def test_import_page_lists_bad_rows(client: TestClient, session: Session) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.investment_officer))
    token = csrf_of(client.get("/investment/projects").text)
    resp = client.post(
        "/investment/projects/import",
        data={"csrf_token": token},
        files={"file": ("x.xlsx", b"garbage", "application/octet-stream")},
    )
    assert resp.status_code == 422 and "Excel" in resp.text


@pytest.mark.parametrize("role", [Role.enterprise, Role.department])
def test_pages_refuse_other_roles(client: TestClient, session: Session, role: Role) -> None:
    park = make_park(session)
    project = make_project(session, make_user(session, park, Role.investment_officer))
    page_login(client, make_user(session, park, role))
    assert "/investment" not in client.get("/").text
    for path in ("/investment", "/investment/projects", f"/investment/projects/{project.id}"):
        assert client.get(path).status_code == 403, path


def test_other_parks_project_page_is_404(client: TestClient, session: Session) -> None:
    park, other = make_park(session), make_park(session)
    theirs = make_project(
        session, make_user(session, other, Role.investment_officer), stage=Stage.lead
    )
    page_login(client, make_user(session, park, Role.leader))
    assert client.get(f"/investment/projects/{theirs.id}").status_code == 404
    assert client.get(f"/investment/projects/{theirs.id}/edit").status_code == 404


def test_english_labels(client: TestClient, session: Session) -> None:
    park = make_park(session)
    assert "Send enquiry" in client.get(f"/consult/{park.code}?lang=en").text
