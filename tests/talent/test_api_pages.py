"""人才科创 over HTTP: pre-filled form, isolation, staff-only steps, registrations."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.kit.dates import now_utc
from biopark.talent import service
from biopark.talent.schemas import EventCreate, ServiceCreate
from tests.builders import csrf_of, make_park, make_user, page_login, token_headers


def _setup(session: Session):  # type: ignore[no-untyped-def]
    park = make_park(session)
    svc = service.create_service(
        session,
        park_id=park.id,
        actor=None,
        data=ServiceCreate(name="人才安居住房补贴", kind="housing", provider="区住建委"),
    )
    return park, svc


def test_api_isolation_and_steps(client: TestClient, session: Session) -> None:
    park, svc = _setup(session)
    a, b = make_user(session, park, Role.enterprise), make_user(session, park, Role.enterprise)
    ha, hb = token_headers(client, a), token_headers(client, b)
    pre = client.get(f"/api/talent/services/{svc.id}/prefill", headers=ha).json()
    assert pre["verdict"] == "qualified" and pre["enterprise"]["name"]
    resp = client.post(
        "/api/talent/applications",
        json={"service_id": svc.id, "applicant_name": "刘博士", "phone": "13800001111"},
        headers=ha,
    )
    assert resp.status_code == 201, resp.text
    app_id = resp.json()["id"]
    assert client.get(f"/api/talent/applications/{app_id}", headers=hb).status_code == 404
    assert client.get("/api/talent/applications", headers=hb).json()["total"] == 0
    assert client.post(f"/api/talent/applications/{app_id}/accept", headers=ha).status_code == 403
    staff = token_headers(client, make_user(session, park, Role.admin))
    assert (
        client.post(f"/api/talent/applications/{app_id}/approve", headers=staff).status_code == 409
    )
    assert (
        client.post(f"/api/talent/applications/{app_id}/accept", headers=staff).json()["status"]
        == "accepted"
    )
    assert (
        client.post(f"/api/talent/applications/{app_id}/nonsense", headers=staff).status_code == 404
    )
    bad = client.post(
        "/api/talent/applications",
        json={"service_id": svc.id, "applicant_name": "张", "phone": "<script>"},
        headers=ha,
    )
    assert bad.status_code == 422


def test_pages_prefill_apply_and_register(client: TestClient, session: Session) -> None:
    park, svc = _setup(session)
    user = make_user(session, park, Role.enterprise, display_name="刘博士")
    event = service.create_event(
        session,
        park_id=park.id,
        actor=None,
        data=EventCreate(
            title="生物医药人才招聘会",
            kind="招聘会",
            starts_at=now_utc() + timedelta(days=5),
            location="人才服务中心",
            capacity=50,
        ),
    )
    page_login(client, user)
    catalogue = client.get("/talent")
    assert "人才安居住房补贴" in catalogue.text and "生物医药人才招聘会" in catalogue.text
    form = client.get(f"/talent/apply/{svc.id}")
    assert 'value="刘博士"' in form.text and "企业信息（取自一企一档）" in form.text
    csrf = csrf_of(form.text)
    bad = client.post(f"/talent/apply/{svc.id}", data={"csrf_token": csrf, "applicant_name": "刘"})
    assert bad.status_code == 422 and "申请人" in bad.text
    ok = client.post(
        f"/talent/apply/{svc.id}",
        data={"csrf_token": csrf, "applicant_name": "刘博士", "education": "博士"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    detail = client.get(ok.headers["location"])
    assert (
        "受理时限" in detail.text
        and "withdraw-form" in detail.text
        and "accept-form" not in detail.text
    )
    reg = client.post(
        f"/talent/events/{event.id}/register",
        data={"csrf_token": csrf, "attendee_name": "刘博士"},
        follow_redirects=True,
    )
    assert reg.status_code == 200 and "刘博士" in reg.text
    dup = client.post(
        f"/talent/events/{event.id}/register", data={"csrf_token": csrf, "attendee_name": "刘博士"}
    )
    assert dup.status_code == 409 and "已报名此活动" in dup.text
    en = client.get("/talent", params={"lang": "en"})
    assert "Talent services" in en.text and "Housing subsidy" in en.text


def test_other_enterprise_cannot_open_the_application_page(
    client: TestClient, session: Session
) -> None:
    park, svc = _setup(session)
    a, b = make_user(session, park, Role.enterprise), make_user(session, park, Role.enterprise)
    from biopark.talent.schemas import ApplicationCreate

    app = service.submit_application(
        session, user=a, data=ApplicationCreate(service_id=svc.id, applicant_name="张工")
    )
    page_login(client, b)
    assert client.get(f"/talent/applications/{app.id}").status_code == 404
    assert "张工" not in client.get("/talent/applications").text


def test_staff_publish_an_event_and_refusals(client: TestClient, session: Session) -> None:
    from sqlalchemy import select

    from biopark.talent.models import TalentEvent

    park, _ = _setup(session)
    page_login(client, make_user(session, park, Role.commissioner))
    csrf = csrf_of(client.get("/talent").text)
    form = {
        "csrf_token": csrf,
        "title": "创新药人才路演",
        "kind": "路演",
        "location": "创新中心",
        "capacity": "30",
    }
    past = client.post("/talent/events", data={**form, "starts_at": "2020-01-01T09:00"})
    assert past.status_code == 422 and "开始时间须晚于现在" in past.text
    garbled = client.post("/talent/events", data={**form, "starts_at": "明天"})
    assert garbled.status_code == 422 and "开始时间" in garbled.text
    zero = client.post(
        "/talent/events", data={**form, "capacity": "0", "starts_at": "2099-01-01T09:00"}
    )
    assert zero.status_code == 422
    assert session.scalar(select(TalentEvent.id).where(TalentEvent.park_id == park.id)) is None
    ok = client.post("/talent/events", data={**form, "starts_at": "2099-01-01T09:00"})
    assert ok.status_code == 200 and "创新药人才路演" in ok.text and "2099-01-01 09:00" in ok.text
    ent_user = make_user(session, park, Role.enterprise)
    page_login(client, ent_user)
    assert (
        client.post(
            "/talent/events",
            data={
                **form,
                "csrf_token": csrf_of(client.get("/talent").text),
                "starts_at": "2099-01-01T09:00",
            },
        ).status_code
        == 403
    )
