"""Issue 11: no project can be driven into a wrong state — through the service and the API."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.errors import ValidationFailed
from biopark.investment import service
from biopark.investment.models import FundsEntry, Project, Stage, StageChange
from biopark.investment.schemas import (
    FundsCreate,
    ProjectCreate,
    ProjectUpdate,
    StageChangeCreate,
    VisitCreate,
)
from biopark.investment.stats import year_stats
from tests.builders import make_park, make_user, token_headers
from tests.investment.builders import make_project

TODAY = service.today_local()
YESTERDAY = TODAY - timedelta(days=1)


def _officer(session: Session) -> User:
    return make_user(session, make_park(session), Role.investment_officer)


def _changes(session: Session, project: Project) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(StageChange)
            .where(StageChange.project_id == project.id)
        )
        or 0
    )


def _move(session: Session, user: User, project: Project, **kw: Any) -> Project:
    return service.change_stage(
        session, user=user, project_id=project.id, data=StageChangeCreate.model_validate(kw)
    )


def _post(client: TestClient, headers: dict[str, str], path: str, body: dict[str, Any], lang: str):  # type: ignore[no-untyped-def]
    return client.post(f"{path}?lang={lang}", json=body, headers=headers)


# --- stage facts ---------------------------------------------------------------------------


def test_signing_needs_agreed_investment_and_date_service(session: Session) -> None:
    officer = _officer(session)
    project = make_project(session, officer)
    with pytest.raises(ValidationFailed) as exc:
        _move(session, officer, project, stage="签约")
    assert exc.value.message == "进入签约需要：协议投资额、签约日期"
    assert project.stage == Stage.negotiating and project.signed_on is None
    assert _changes(session, project) == 0
    _move(session, officer, project, stage="签约", agreed_investment="3亿元", signed_on=YESTERDAY)
    assert project.stage == Stage.signed and project.signed_on == YESTERDAY
    assert project.agreed_investment == Decimal("300000000")


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("zh", "进入签约需要：协议投资额、签约日期"),
        ("en", "Entering 签约 (signed) needs: agreed investment, signing date"),
    ],
)
def test_signing_needs_facts_api(
    client: TestClient, session: Session, lang: str, message: str
) -> None:
    officer = _officer(session)
    project = make_project(session, officer)
    headers = token_headers(client, officer)
    path = f"/api/investment/projects/{project.id}/stage"
    resp = _post(client, headers, path, {"stage": "签约"}, lang)
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert (error["code"], error["message"]) == ("ValidationFailed", message)
    session.refresh(project)
    assert project.stage == Stage.negotiating and _changes(session, project) == 0


@pytest.mark.parametrize(
    ("current", "target", "field", "en"),
    [
        (Stage.signed, Stage.registered, "入库日期", "registration date"),
        (Stage.registered, Stage.construction, "开工日期", "start date"),
        (Stage.construction, Stage.production, "投产日期", "production date"),
    ],
)
def test_each_stage_needs_its_date(
    client: TestClient, session: Session, current: Stage, target: Stage, field: str, en: str
) -> None:
    officer = _officer(session)
    dates = {"signed_on": date(2025, 1, 2), "registered_on": date(2025, 1, 3),
             "started_on": date(2025, 2, 1)}  # fmt: skip
    done = {k: v for k, v in dates.items() if k in ("signed_on", "registered_on", "started_on")}
    filled = dict(
        list(done.items())[
            : [Stage.signed, Stage.registered, Stage.construction].index(current) + 1
        ]
    )
    project = make_project(session, officer, stage=current, agreed_investment=Decimal(1), **filled)
    with pytest.raises(ValidationFailed, match=f"进入{target.value}需要：{field}"):
        _move(session, officer, project, stage=target.value)
    headers = token_headers(client, officer)
    resp = _post(client, headers, f"/api/investment/projects/{project.id}/stage",
                 {"stage": target.value}, "en")  # fmt: skip
    assert resp.status_code == 422 and en in resp.json()["error"]["message"]
    session.refresh(project)
    assert project.stage == current


# --- jumps ---------------------------------------------------------------------------------

JUMP = {
    "stage": "投产",
    "agreed_investment": "5亿元",
    "signed_on": str(TODAY - timedelta(days=90)),
    "registered_on": str(TODAY - timedelta(days=80)),
    "started_on": str(TODAY - timedelta(days=60)),
    "produced_on": str(YESTERDAY),
}


def test_jump_needs_reason_and_every_skipped_date_service(session: Session) -> None:
    officer = _officer(session)
    project = make_project(session, officer, stage=Stage.lead)
    with pytest.raises(ValidationFailed) as exc:
        _move(session, officer, project, stage="投产")
    assert "协议投资额、签约日期、入库日期、开工日期、投产日期、跳过阶段的原因" in exc.value.message
    without_reason = dict(JUMP)
    with pytest.raises(ValidationFailed, match="跳过阶段的原因"):
        _move(session, officer, project, **without_reason)
    assert project.stage == Stage.lead and project.signed_on is None
    _move(session, officer, project, reason="补录已投产项目", **JUMP)
    assert project.stage == Stage.production
    assert project.signed_on == date.fromisoformat(JUMP["signed_on"])
    assert project.started_on == date.fromisoformat(JUMP["started_on"])
    trail = service.stage_history(session, user=officer, project_id=project.id)
    assert [(c.to_stage, c.effective_on) for c in trail] == [
        (Stage.negotiating, date.fromisoformat(JUMP["signed_on"])),
        (Stage.signed, date.fromisoformat(JUMP["signed_on"])),
        (Stage.registered, date.fromisoformat(JUMP["registered_on"])),
        (Stage.construction, date.fromisoformat(JUMP["started_on"])),
        (Stage.production, YESTERDAY),
    ]
    assert all(c.reason == "补录已投产项目" for c in trail)


@pytest.mark.parametrize(
    ("lang", "word"), [("zh", "跳过阶段的原因"), ("en", "a reason for skipping stages")]
)
def test_jump_without_reason_api(
    client: TestClient, session: Session, lang: str, word: str
) -> None:
    officer = _officer(session)
    project = make_project(session, officer, stage=Stage.lead)
    headers = token_headers(client, officer)
    path = f"/api/investment/projects/{project.id}/stage"
    resp = _post(client, headers, path, JUMP, lang)
    assert resp.status_code == 422 and word in resp.json()["error"]["message"]
    session.refresh(project)
    assert project.stage == Stage.lead and project.produced_on is None
    assert _changes(session, project) == 0
    ok = _post(client, headers, path, {**JUMP, "reason": "历史项目补录"}, lang)
    assert ok.status_code == 200 and ok.json()["stage"] == "投产"


def test_one_click_jump_is_not_counted_as_signed_this_year(session: Session) -> None:
    officer = _officer(session)
    project = make_project(session, officer, stage=Stage.lead)
    last_year = TODAY.replace(year=TODAY.year - 1, month=3, day=1)
    _move(session, officer, project, stage="入库", reason="去年已签约", agreed_investment="1亿元",
          signed_on=last_year, registered_on=last_year)  # fmt: skip
    stats = year_stats(session, park_id=officer.park_id, year=TODAY.year)
    assert stats.signed_projects == 0
    assert year_stats(session, park_id=officer.park_id, year=last_year.year).signed_projects == 1


# --- dates ---------------------------------------------------------------------------------


def test_dates_must_be_in_order_and_not_future(client: TestClient, session: Session) -> None:
    officer = _officer(session)
    project = make_project(session, officer)
    with pytest.raises(ValidationFailed, match="入库日期早于签约日期"):
        _move(session, officer, project, stage="入库", reason="同时", agreed_investment="1亿元",
              signed_on=YESTERDAY, registered_on=YESTERDAY - timedelta(days=3))  # fmt: skip
    with pytest.raises(ValidationFailed, match="签约日期不能晚于今天"):
        _move(session, officer, project, stage="签约", agreed_investment="1亿元",
              signed_on=TODAY + timedelta(days=1))  # fmt: skip
    headers = token_headers(client, officer)
    resp = _post(client, headers, f"/api/investment/projects/{project.id}/stage",
                 {"stage": "签约", "agreed_investment": "1亿", "signed_on": str(TODAY + timedelta(days=2))},
                 "en")  # fmt: skip
    assert resp.status_code == 422
    assert resp.json()["error"]["message"] == "The signing date cannot be in the future"
    session.refresh(project)
    assert project.stage == Stage.negotiating and project.signed_on is None


def test_back_needs_reason_then_clears_later_dates(client: TestClient, session: Session) -> None:
    officer = _officer(session)
    project = make_project(session, officer, stage=Stage.registered, agreed_investment=Decimal(9),
                           signed_on=YESTERDAY, registered_on=YESTERDAY)  # fmt: skip
    headers = token_headers(client, officer)
    path = f"/api/investment/projects/{project.id}/stage"
    resp = _post(client, headers, path, {"stage": "洽谈"}, "en")
    assert resp.status_code == 422 and "needs a reason" in resp.json()["error"]["message"]
    ok = _post(client, headers, path, {"stage": "签约", "reason": "入库材料退回"}, "zh")
    assert ok.status_code == 200
    assert ok.json()["registered_on"] is None and ok.json()["signed_on"] == str(YESTERDAY)


# --- funds above the agreed investment ------------------------------------------------------


def test_funds_above_agreed_need_confirmation_service(session: Session) -> None:
    officer = _officer(session)
    project = make_project(session, officer, stage=Stage.signed, agreed_investment=Decimal("1e8"))
    entry = FundsCreate(received_on=TODAY, amount="8000万元")
    service.add_funds(session, user=officer, project_id=project.id, data=entry)
    more = FundsCreate(received_on=TODAY, amount="3000万元")
    with pytest.raises(ValidationFailed, match="超过协议投资额"):
        service.add_funds(session, user=officer, project_id=project.id, data=more)
    assert len(service.list_funds(session, user=officer, project_id=project.id)) == 1
    confirmed = more.model_copy(update={"confirm_over_agreed": True})
    saved = service.add_funds(session, user=officer, project_id=project.id, data=confirmed)
    assert saved.over_agreed
    got = service.get_project(session, user=officer, project_id=project.id)
    assert got.over_agreed  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lang", "word"), [("zh", "确认超出协议投资额"), ("en", "confirm_over_agreed")]
)
def test_funds_above_agreed_need_confirmation_api(
    client: TestClient, session: Session, lang: str, word: str
) -> None:
    officer = _officer(session)
    project = make_project(session, officer, stage=Stage.signed, agreed_investment=Decimal("1e6"))
    headers = token_headers(client, officer)
    path = f"/api/investment/projects/{project.id}/funds"
    body = {"received_on": str(TODAY), "amount": "200万元"}
    resp = _post(client, headers, path, body, lang)
    assert resp.status_code == 422 and word in resp.json()["error"]["message"]
    count = select(func.count()).select_from(FundsEntry).where(FundsEntry.project_id == project.id)
    assert session.scalar(count) == 0
    ok = _post(client, headers, path, {**body, "confirm_over_agreed": True}, lang)
    assert ok.status_code == 201 and ok.json()["over_agreed"] is True
    shown = client.get(f"/api/investment/projects/{project.id}", headers=headers).json()
    assert shown["over_agreed"] is True


# --- due dates -----------------------------------------------------------------------------


def test_past_due_date_is_refused_when_set_service(session: Session) -> None:
    officer = _officer(session)
    with pytest.raises(ValidationFailed, match="截止日期不能早于今天"):
        service.create_project(session, user=officer, data=ProjectCreate(
            name="过期项目", next_action="洽谈", due_on=YESTERDAY))  # fmt: skip
    project = make_project(session, officer, due_on=TODAY - timedelta(days=5))
    # An overdue project can still be edited as long as its due date is left alone.
    service.update_project(session, user=officer, project_id=project.id,
                           data=ProjectUpdate(notes="补充说明"))  # fmt: skip
    with pytest.raises(ValidationFailed, match="截止日期不能早于今天"):
        service.update_project(session, user=officer, project_id=project.id,
                               data=ProjectUpdate(due_on=YESTERDAY))  # fmt: skip
    with pytest.raises(ValidationFailed, match="截止日期不能早于今天"):
        service.add_visit(session, user=officer, project_id=project.id, data=VisitCreate(
            visited_on=TODAY, people="王", next_step="再访", next_due_on=YESTERDAY))  # fmt: skip
    service.update_project(session, user=officer, project_id=project.id,
                           data=ProjectUpdate(due_on=TODAY))  # fmt: skip
    assert project.due_on == TODAY


@pytest.mark.parametrize(
    ("lang", "message"),
    [("zh", "截止日期不能早于今天"), ("en", "The due date cannot be in the past")],
)
def test_past_due_date_is_refused_api(
    client: TestClient, session: Session, lang: str, message: str
) -> None:
    officer = _officer(session)
    project = make_project(session, officer)
    headers = token_headers(client, officer)
    resp = client.patch(f"/api/investment/projects/{project.id}?lang={lang}",
                        json={"due_on": str(YESTERDAY)}, headers=headers)  # fmt: skip
    assert resp.status_code == 422 and resp.json()["error"]["message"] == message
    session.refresh(project)
    assert project.due_on == TODAY + timedelta(days=7)
    lead = client.post(f"/api/investment/leads?lang={lang}", headers=headers, json={
        "company": "某公司", "contact_name": "李", "phone": "13800001111",
        "next_action": "电话", "due_at": f"{YESTERDAY}T10:00:00"})  # fmt: skip
    assert lead.status_code == 422 and lead.json()["error"]["message"] == message


def test_signed_project_keeps_its_agreed_investment(session: Session) -> None:
    officer = _officer(session)
    project = make_project(session, officer, stage=Stage.signed, agreed_investment=Decimal(5),
                           signed_on=YESTERDAY)  # fmt: skip
    with pytest.raises(ValidationFailed, match="协议投资额"):
        service.update_project(session, user=officer, project_id=project.id,
                               data=ProjectUpdate(agreed_investment=None))  # fmt: skip
    assert project.agreed_investment == Decimal(5)


def test_stage_rules_endpoint_and_codes(client: TestClient, session: Session) -> None:
    officer = _officer(session)
    headers = token_headers(client, officer)
    rules = client.get("/api/investment/stages", headers=headers).json()
    assert [f["field"] for f in next(r for r in rules if r["stage"] == "签约")["facts"]] == [
        "agreed_investment",
        "signed_on",
    ]
    a = client.post("/api/investment/projects", headers=headers, json={
        "name": "编号甲", "next_action": "洽谈", "due_on": str(TODAY)}).json()  # fmt: skip
    b = client.post("/api/investment/projects", headers=headers, json={
        "name": "编号乙", "next_action": "洽谈", "due_on": str(TODAY)}).json()  # fmt: skip
    assert a["code"].startswith(f"P{TODAY.year}-") and a["code"] != b["code"]
