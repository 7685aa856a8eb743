"""Issue 11: leads carry over, visits, duplicates and merges, consent, limits, retention."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit.models import AuditEntry
from biopark.errors import RateLimited, ValidationFailed
from biopark.investment import consult, service
from biopark.investment.config import InvestmentSettings
from biopark.investment.models import ConsultCounter, Lead, LeadStatus, LeadVisit
from biopark.investment.schemas import (
    ConsultationCreate,
    LeadCreate,
    LeadQualify,
    LeadVisitCreate,
)
from tests.builders import csrf_of, make_park, make_user, token_headers

TODAY = service.today_local()
FORM = {"company": "重庆示例抗体有限公司", "contact_name": "陈经理", "phone": "13912345678"}


def _officer(session: Session) -> User:
    return make_user(session, make_park(session), Role.investment_officer)


def _lead(session: Session, user: User, **kw: Any) -> Lead:
    return service.create_lead(session, user=user, data=LeadCreate.model_validate({**FORM, **kw}))


def _count(session: Session, model: Any, *where: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


# --- conversion carries the lead's facts ----------------------------------------------------


def test_conversion_carries_contact_phone_investment_land_and_visits(session: Session) -> None:
    officer = _officer(session)
    lead = _lead(session, officer, intended_investment="2亿元", intended_land_mu="45")
    service.add_lead_visit(session, user=officer, lead_id=lead.id, data=LeadVisitCreate(
        visited_on=TODAY, people="陈经理、王招商", place="企业研发中心"))  # fmt: skip
    project = service.qualify_lead(session, user=officer, lead_id=lead.id, data=LeadQualify(
        next_action="首轮洽谈", due_on=TODAY))  # fmt: skip
    assert (project.contact_name, project.contact_phone) == ("陈经理", "13912345678")
    assert project.intended_investment == Decimal("200000000")
    assert project.land_mu == Decimal("45") and project.agreed_investment is None
    visits = service.list_visits(session, user=officer, project_id=project.id)
    assert [v.people for v in visits] == ["陈经理、王招商"]


def test_conversion_over_api_shows_carried_facts(client: TestClient, session: Session) -> None:
    officer = _officer(session)
    lead = _lead(session, officer, intended_investment="5000万", intended_land_mu="12.5")
    headers = token_headers(client, officer)
    resp = client.post(f"/api/investment/leads/{lead.id}/qualify", headers=headers,
                       json={"next_action": "洽谈", "due_on": str(TODAY)})  # fmt: skip
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["contact_phone"] == "13912345678" and body["intended_investment"] == "50000000.00"
    assert body["land_mu"] == "12.50" and body["code"]
    again = client.post(f"/api/investment/leads/{lead.id}/qualify?lang=en", headers=headers,
                        json={"next_action": "洽谈", "due_on": str(TODAY)})  # fmt: skip
    assert (
        again.status_code == 422
        and again.json()["error"]["message"] == "Lead is closed or qualified"
    )


# --- visits on leads ------------------------------------------------------------------------


def test_lead_visits_service_and_api(client: TestClient, session: Session) -> None:
    officer = _officer(session)
    lead = _lead(session, officer)
    visit = service.add_lead_visit(session, user=officer, lead_id=lead.id,
                                   data=LeadVisitCreate(visited_on=TODAY, people="陈经理"))  # fmt: skip
    assert visit.id and lead.first_contacted_at is not None and lead.status == LeadStatus.contacted
    with pytest.raises(ValidationFailed, match="晚于今天"):
        service.add_lead_visit(session, user=officer, lead_id=lead.id, data=LeadVisitCreate(
            visited_on=TODAY + timedelta(days=1), people="x"))  # fmt: skip
    headers = token_headers(client, officer)
    ok = client.post(f"/api/investment/leads/{lead.id}/visits", headers=headers,
                     json={"visited_on": str(TODAY), "people": "王招商", "notes": "电话沟通"})  # fmt: skip
    assert ok.status_code == 201
    listed = client.get(f"/api/investment/leads/{lead.id}/visits", headers=headers).json()
    assert {v["people"] for v in listed} == {"陈经理", "王招商"}
    future = client.post(f"/api/investment/leads/{lead.id}/visits?lang=en", headers=headers,
                         json={"visited_on": str(TODAY + timedelta(days=3)), "people": "x"})  # fmt: skip
    assert future.status_code == 422 and "future" in future.json()["error"]["message"]
    assert _count(session, LeadVisit, LeadVisit.lead_id == lead.id) == 2


# --- duplicates and merging -----------------------------------------------------------------


def test_duplicates_by_company_or_phone_and_merge(session: Session) -> None:
    officer = _officer(session)
    first = _lead(session, officer, intended_investment="1亿元")
    by_name = _lead(session, officer, company=" 重庆示例抗体 股份有限公司", phone="13700000001",
                    intended_land_mu="20", message="想看厂房")  # fmt: skip
    by_phone = _lead(session, officer, company="完全不同的公司", phone="139-1234-5678")
    other = _lead(session, officer, company="无关企业", phone="13600000002")
    got = service.get_lead(session, user=officer, lead_id=first.id)
    assert got.duplicate_ids == [by_name.id, by_phone.id]  # type: ignore[attr-defined]
    assert service.get_lead(session, user=officer, lead_id=other.id).duplicate_ids == []  # type: ignore[attr-defined]
    service.add_lead_visit(session, user=officer, lead_id=by_name.id,
                           data=LeadVisitCreate(visited_on=TODAY, people="李"))  # fmt: skip
    kept = service.merge_leads(session, user=officer, keep_id=first.id, duplicate_id=by_name.id)
    assert kept.intended_land_mu == Decimal("20") and "想看厂房" in (kept.message or "")
    assert kept.intended_investment == Decimal("100000000")
    assert by_name.status == LeadStatus.closed and by_name.merged_into_id == first.id
    assert [
        v.people for v in service.list_lead_visits(session, user=officer, lead_id=first.id)
    ] == ["李"]
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity_type == service.ENTITY_LEAD, AuditEntry.entity_id.in_([first.id, by_name.id])))  # fmt: skip
    assert {"merge", "merged"} <= set(actions)
    assert by_name.id not in service.get_lead(session, user=officer, lead_id=first.id).duplicate_ids  # type: ignore[attr-defined]
    with pytest.raises(ValidationFailed, match="已被合并"):
        service.merge_leads(session, user=officer, keep_id=first.id, duplicate_id=by_name.id)
    with pytest.raises(ValidationFailed, match="不是重复线索"):
        service.merge_leads(session, user=officer, keep_id=first.id, duplicate_id=other.id)
    with pytest.raises(ValidationFailed, match="自身"):
        service.merge_leads(session, user=officer, keep_id=first.id, duplicate_id=first.id)


def _qualify(session: Session, user: User, lead: Lead) -> None:
    service.qualify_lead(session, user=user, lead_id=lead.id,
                         data=LeadQualify(next_action="洽谈", due_on=TODAY))  # fmt: skip


def test_merge_refuses_converted_into_converted_service(session: Session) -> None:
    officer = _officer(session)
    a, b = _lead(session, officer), _lead(session, officer)
    _qualify(session, officer, a)
    with pytest.raises(ValidationFailed, match="只能作为保留方"):
        service.merge_leads(session, user=officer, keep_id=b.id, duplicate_id=a.id)
    _qualify(session, officer, b)
    with pytest.raises(ValidationFailed, match="两条线索都已转为项目"):
        service.merge_leads(session, user=officer, keep_id=b.id, duplicate_id=a.id)
    assert a.merged_into_id is None and b.merged_into_id is None


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("zh", "两条线索都已转为项目，不能合并"),
        ("en", "Both leads became projects; they cannot merge"),
    ],
)
def test_merge_refusal_api(client: TestClient, session: Session, lang: str, message: str) -> None:
    officer = _officer(session)
    a, b = _lead(session, officer), _lead(session, officer)
    _qualify(session, officer, a)
    _qualify(session, officer, b)
    headers = token_headers(client, officer)
    listed = client.get("/api/investment/leads", headers=headers).json()["items"]
    assert all(item["duplicate_ids"] for item in listed)
    resp = client.post(f"/api/investment/leads/{b.id}/merge?lang={lang}", headers=headers,
                       json={"duplicate_id": a.id})  # fmt: skip
    assert resp.status_code == 422 and resp.json()["error"]["message"] == message
    session.refresh(a)
    assert a.merged_into_id is None and a.status == LeadStatus.qualified


def test_merge_page_flashes(client: TestClient, session: Session) -> None:
    from tests.builders import page_login

    officer = _officer(session)
    a, b = _lead(session, officer), _lead(session, officer, phone="13500000000")
    page_login(client, officer)
    page = client.get(f"/investment/leads/{a.id}")
    assert 'id="duplicates"' in page.text and f"#{b.id}" in page.text
    resp = client.post(f"/investment/leads/{a.id}/merge",
                       data={"duplicate_id": str(b.id), "csrf_token": csrf_of(page.text)})  # fmt: skip
    assert resp.status_code == 200 and "重复线索已合并" in resp.text
    session.refresh(b)
    assert b.merged_into_id == a.id


# --- the public page: consent, limits --------------------------------------------------------


def test_consent_is_required_service_and_api(client: TestClient, session: Session) -> None:
    park = make_park(session)
    data = ConsultationCreate.model_validate(FORM)
    with pytest.raises(ValidationFailed, match="个人信息保护说明"):
        service.submit_consultation(session, park=park, data=data, address="1.1.1.1", consent=False)
    resp = client.post(f"/api/investment/consult/{park.code}?lang=en", json=FORM)
    assert resp.status_code == 422
    assert (
        resp.json()["error"]["message"]
        == "Please read and accept the privacy notice before submitting"
    )
    assert _count(session, Lead, Lead.park_id == park.id) == 0
    ok = client.post(f"/api/investment/consult/{park.code}", json={**FORM, "consent": True})
    lead = session.get(Lead, ok.json()["lead_id"])
    assert lead is not None and lead.consent_at is not None
    assert lead.consent_version == service.PRIVACY_NOTICE_VERSION


def test_consent_on_the_page(client: TestClient, session: Session) -> None:
    park = make_park(session)
    page = client.get(f"/consult/{park.code}")
    assert 'name="consent"' in page.text and "个人信息保护说明" in page.text
    resp = client.post(f"/consult/{park.code}", data={**FORM, "csrf_token": csrf_of(page.text)})
    assert (
        resp.status_code == 422 and "请阅读并勾选同意" in resp.text and FORM["company"] in resp.text
    )
    assert _count(session, Lead, Lead.park_id == park.id) == 0


def _limits(monkeypatch: pytest.MonkeyPatch, **kw: int) -> None:
    monkeypatch.setattr(consult, "get_investment_settings", lambda: InvestmentSettings(**kw))


def test_per_phone_limit_refuses_with_a_clear_message(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _limits(monkeypatch, consult_phone_limit=2)
    park = make_park(session)
    data = ConsultationCreate.model_validate(FORM)
    now = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)
    for i in range(2):
        service.submit_consultation(session, park=park, data=data, address=f"10.0.0.{i}",
                                    consent=True, now=now)  # fmt: skip
    with pytest.raises(RateLimited, match="该手机号今天已提交 2 次"):
        service.submit_consultation(session, park=park, data=data, address="10.0.0.9",
                                    consent=True, now=now)  # fmt: skip
    # The next Beijing day (16:00 UTC is midnight in Shanghai) the phone may write again.
    service.submit_consultation(session, park=park, data=data, address="10.0.0.9", consent=True,
                                now=datetime(2025, 6, 2, 16, 1, tzinfo=UTC))  # fmt: skip
    assert _count(session, Lead, Lead.park_id == park.id) == 3


def test_address_ceiling_keeps_and_flags(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _limits(monkeypatch, consult_address_limit=3, consult_phone_limit=5)
    park = make_park(session)
    flags = []
    for i in range(5):
        resp = client.post(f"/api/investment/consult/{park.code}",
                           json={**FORM, "phone": f"1391111000{i}", "consent": True})  # fmt: skip
        assert resp.status_code == 201
        flags.append(resp.json()["flagged"])
    assert flags == [False, False, False, True, True]
    leads = session.scalars(select(Lead).where(Lead.park_id == park.id).order_by(Lead.id)).all()
    assert len(leads) == 5 and leads[-1].flag == consult.ADDRESS_FLAG
    refused = client.post(f"/api/investment/consult/{park.code}?lang=en",
                          json={**FORM, "phone": "13911110000", "consent": True})  # fmt: skip
    assert refused.status_code == 201  # the per-phone limit (5) is not reached yet
    _limits(monkeypatch, consult_address_limit=3, consult_phone_limit=2)
    over = client.post(f"/api/investment/consult/{park.code}?lang=en",
                       json={**FORM, "phone": "13911110000", "consent": True})  # fmt: skip
    assert over.status_code == 429 and "phone number" in over.json()["error"]["message"]
    assert _count(session, Lead, Lead.park_id == park.id) == 6


def test_counting_is_atomic_under_concurrency(engine: Engine) -> None:
    # Real concurrent transactions on their own connections: never more than the limit.
    bucket = f"test:{uuid.uuid4().hex}"
    window = datetime(2025, 1, 1, tzinfo=UTC)
    results: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        for _ in range(5):
            for _attempt in range(20):
                try:
                    with Session(engine) as s, s.begin():
                        ok = consult.bump(s, bucket=bucket, window_start=window, limit=17)
                    break
                except Exception:
                    continue
            with lock:
                results.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with Session(engine) as s, s.begin():
        n = s.scalar(select(ConsultCounter.n).where(ConsultCounter.bucket == bucket))
        s.execute(delete(ConsultCounter).where(ConsultCounter.bucket == bucket))
    assert n == 17 and results.count(True) == 17 and len(results) == 40


# --- retention ------------------------------------------------------------------------------


def test_stale_unconverted_leads_are_anonymised(session: Session) -> None:
    officer = _officer(session)
    old = _lead(session, officer, intended_investment="3亿元", industry="抗体药物")
    converted = _lead(session, officer)
    fresh = _lead(session, officer)
    _qualify(session, officer, converted)
    now = datetime.now(UTC)
    for lead in (old, converted):
        lead.created_at = now - timedelta(days=400)
    session.flush()
    assert service.purge_stale_leads(session, now=now, days=365) == 1
    assert old.phone == "" and old.contact_name == consult.ANONYMOUS and old.message is None
    assert old.status == LeadStatus.closed and old.anonymised_at == now
    assert old.intended_investment == Decimal("300000000") and old.industry == "抗体药物"
    assert converted.phone == FORM["phone"] and fresh.phone == FORM["phone"]
    history = session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == service.ENTITY_LEAD, AuditEntry.entity_id == old.id)).all()  # fmt: skip
    assert all(FORM["phone"] not in str(e.changes) for e in history)
    assert service.purge_stale_leads(session, now=now, days=365) == 0
    with pytest.raises(ValidationFailed, match="已匿名"):
        service.merge_leads(session, user=officer, keep_id=fresh.id, duplicate_id=old.id)
