"""Adding, editing, retiring and reactivating talent services: service, API and pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit.models import AuditEntry
from biopark.errors import Conflict, Forbidden, NotFound
from biopark.talent import service
from biopark.talent.models import AppStatus, TalentApplication, TalentService
from biopark.talent.schemas import ApplicationCreate, ServiceCreate, ServiceUpdate
from tests.builders import csrf_of, make_park, make_user, page_login, token_headers


def _service(session: Session, park, **kw):  # type: ignore[no-untyped-def]
    data = {"name": "高层次人才认定", "kind": "recognition", "provider": "区人才办", **kw}
    return service.create_service(
        session, park_id=park.id, actor=None, data=ServiceCreate.model_validate(data)
    )


def _applications(session: Session) -> int:
    return session.scalar(select(func.count(TalentApplication.id))) or 0


def test_update_audits_before_after_and_refuses_clashes_and_others(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    editor = make_user(session, park, Role.commissioner)
    svc = _service(session, park)
    _service(session, park, name="人才安居")
    foreign = _service(session, other, name="外园区服务")
    service.update_service(
        session,
        user=editor,
        service_id=svc.id,
        data=ServiceUpdate(provider="区人才服务中心", summary="一站式认定"),
    )
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "talent_service", AuditEntry.entity_id == svc.id)
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert entry is not None and entry.action == "update"
    assert entry.changes == {
        "provider": ["区人才办", "区人才服务中心"],
        "summary": ["", "一站式认定"],
    }
    with pytest.raises(Conflict):
        service.update_service(
            session, user=editor, service_id=svc.id, data=ServiceUpdate(name="人才安居")
        )
    for missing in (foreign.id, 999_999):
        with pytest.raises(NotFound):
            service.update_service(
                session, user=editor, service_id=missing, data=ServiceUpdate(summary="x")
            )
    for role in (Role.leader, Role.enterprise):
        user = make_user(session, park, role)
        with pytest.raises(Forbidden):
            service.update_service(
                session, user=user, service_id=svc.id, data=ServiceUpdate(summary="x")
            )
        with pytest.raises(Forbidden):
            service.set_service_active(session, user=user, service_id=svc.id, active=False)
    assert svc.name == "高层次人才认定" and svc.summary == "一站式认定"
    for bad in ({"name": " "}, {"provider": None}, {"kind": "x"}, {"conditions": {"op": "x"}}):
        with pytest.raises(ValidationError):
            ServiceUpdate.model_validate(bad)


def test_retired_service_takes_no_new_applications_but_open_ones_go_on(session: Session) -> None:
    park = make_park(session)
    staff = make_user(session, park, Role.admin)
    user = make_user(session, park, Role.enterprise)
    svc = _service(session, park)
    app = service.submit_application(
        session, user=user, data=ApplicationCreate(service_id=svc.id, applicant_name="张工")
    )
    service.set_service_active(session, user=staff, service_id=svc.id, active=False)
    before = _applications(session)
    with pytest.raises(Conflict, match="已停用，不再受理新申请") as refused:
        service.submit_application(
            session, user=user, data=ApplicationCreate(service_id=svc.id, applicant_name="李工")
        )
    assert "retired" in refused.value.text("en")
    assert _applications(session) == before
    assert service.list_services(session, user=user) == []
    service.act(session, user=staff, application_id=app.id, step="accept")
    assert app.status == AppStatus.accepted
    service.set_service_active(session, user=staff, service_id=svc.id, active=True)
    service.submit_application(
        session, user=user, data=ApplicationCreate(service_id=svc.id, applicant_name="李工")
    )
    assert _applications(session) == before + 1


def test_api_patch_retire_and_refusals(client: TestClient, session: Session) -> None:
    park, other = make_park(session), make_park(session)
    svc = _service(session, park)
    foreign = _service(session, other)
    admin = token_headers(client, make_user(session, park, Role.admin))
    ok = client.patch(f"/api/talent/services/{svc.id}", json={"kind": "housing"}, headers=admin)
    assert ok.status_code == 200 and ok.json()["kind"] == "housing", ok.text
    for body in ({"name": ""}, {"kind": "nope"}, {"conditions": {"op": "boom"}}, {"name": None}):
        assert (
            client.patch(f"/api/talent/services/{svc.id}", json=body, headers=admin).status_code
            == 422
        ), body
    assert (
        client.post(f"/api/talent/services/{svc.id}/retire", headers=admin).json()["active"]
        is False
    )
    ent = token_headers(client, make_user(session, park, Role.enterprise))
    refused = client.post(
        "/api/talent/applications",
        json={"service_id": svc.id, "applicant_name": "刘博士"},
        headers=ent,
    )
    assert refused.status_code == 409 and "已停用" in refused.text
    assert _applications(session) == 0
    for url in (f"/api/talent/services/{foreign.id}", "/api/talent/services/999999"):
        assert client.patch(url, json={"summary": "x"}, headers=admin).status_code == 404
        assert client.post(url + "/reactivate", headers=admin).status_code == 404
    for role in (Role.leader, Role.enterprise):
        h = token_headers(client, make_user(session, park, role))
        url = f"/api/talent/services/{svc.id}"
        assert client.patch(url, json={"summary": "x"}, headers=h).status_code == 403
        assert client.post(url + "/reactivate", headers=h).status_code == 403
    assert session.get(TalentService, svc.id).active is False  # type: ignore[union-attr]


def test_pages_add_edit_retire_and_refusals(client: TestClient, session: Session) -> None:
    park, other = make_park(session), make_park(session)
    foreign = _service(session, other)
    page_login(client, make_user(session, park, Role.commissioner))
    page = client.get("/talent")
    assert 'id="service-form"' in page.text
    csrf = csrf_of(page.text)
    form = {
        "csrf_token": csrf,
        "name": "子女入学服务",
        "kind": "schooling",
        "provider": "区教委",
        "summary": "",
        "conditions": '{"all": []}',
    }
    for key, value, message in (
        ("name", "  ", "服务名称"),
        ("conditions", "{oops", "申请条件：不是有效的 JSON"),
        ("conditions", '{"op": "boom"}', "申请条件"),
    ):
        bad = client.post("/talent/services", data={**form, key: value})
        assert bad.status_code == 422 and message in bad.text, (key, value)
        assert 'value="区教委"' in bad.text
    assert session.scalar(select(func.count(TalentService.id))) == 1
    added = client.post("/talent/services", data=form, follow_redirects=False)
    assert added.status_code == 303
    svc = session.scalars(select(TalentService).where(TalentService.park_id == park.id)).one()
    again = client.post("/talent/services", data=form)
    assert again.status_code == 422 and "人才服务已存在" in again.text
    edit = client.get(f"/talent/services/{svc.id}/edit")
    assert edit.status_code == 200 and 'value="子女入学服务"' in edit.text
    bad = client.post(f"/talent/services/{svc.id}/edit", data={**form, "provider": "x"})
    assert bad.status_code == 422 and "受理部门" in bad.text and 'value="x"' in bad.text
    done = client.post(
        f"/talent/services/{svc.id}/edit",
        data={**form, "summary": "随迁子女入学协调"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.refresh(svc)
    assert svc.summary == "随迁子女入学协调"
    client.post(f"/talent/services/{svc.id}/retire", data={"csrf_token": csrf})
    session.refresh(svc)
    assert not svc.active
    assert f"/talent/services/{svc.id}/reactivate" in client.get("/talent").text
    for sid in (foreign.id, 999_999):
        assert client.get(f"/talent/services/{sid}/edit").status_code == 404
        assert (
            client.post(f"/talent/services/{sid}/edit", data={**form, "name": "新名字"})
        ).status_code == 404
    client.cookies.clear()
    page_login(client, make_user(session, park, Role.leader))
    page = client.get("/talent")
    assert 'id="service-form"' not in page.text
    csrf = csrf_of(page.text)
    assert client.post("/talent/services", data={**form, "csrf_token": csrf}).status_code == 403
    assert client.get(f"/talent/services/{svc.id}/edit").status_code == 403
    for action in ("edit", "retire", "reactivate"):
        resp = client.post(f"/talent/services/{svc.id}/{action}", data={**form, "csrf_token": csrf})
        assert resp.status_code == 403, action


def test_enterprise_applying_to_a_retired_service_is_told_why(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    svc = _service(session, park)
    user = make_user(session, park, Role.enterprise)
    page_login(client, user)
    csrf = csrf_of(client.get(f"/talent/apply/{svc.id}").text)
    service.set_service_active(
        session, user=make_user(session, park, Role.admin), service_id=svc.id, active=False
    )
    resp = client.post(
        f"/talent/apply/{svc.id}", data={"csrf_token": csrf, "applicant_name": "刘博士"}
    )
    assert resp.status_code == 409 and "已停用，不再受理新申请" in resp.text
    en = client.post(
        f"/talent/apply/{svc.id}",
        data={"csrf_token": csrf, "applicant_name": "刘博士"},
        params={"lang": "en"},
    )
    assert "takes no new applications" in en.text
    assert _applications(session) == 0
