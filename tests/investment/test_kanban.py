"""The kanban page and its move route: same rules, JSON refusals, flash on success."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.investment import service
from biopark.investment.models import Stage
from tests.builders import csrf_of, make_park, make_user, page_login
from tests.investment.builders import make_project

TODAY = service.today_local()


def _board(client: TestClient, session: Session):  # type: ignore[no-untyped-def]
    officer = make_user(session, make_park(session), Role.investment_officer)
    project = make_project(session, officer, name="看板卡片项目")
    page_login(client, officer)
    page = client.get("/investment/kanban")
    return project, page, {"X-CSRF-Token": csrf_of(page.text)}


def test_board_shows_a_column_per_stage_and_the_rules(client: TestClient, session: Session) -> None:
    project, page, _ = _board(client, session)
    assert page.status_code == 200
    for stage in Stage:
        assert f'data-stage="{stage.value}"' in page.text
    assert f'id="card-{project.id}"' in page.text and 'id="stage-rules"' in page.text
    assert "agreed_investment" in page.text and "移到…" in page.text


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("zh", "进入签约需要：协议投资额、签约日期"),
        ("en", "Entering 签约 (signed) needs: agreed investment, signing date"),
    ],
)
def test_refused_move_returns_the_rule_and_writes_nothing(
    client: TestClient, session: Session, lang: str, message: str
) -> None:
    project, _, headers = _board(client, session)
    resp = client.post(f"/investment/kanban/{project.id}/move?lang={lang}",
                       json={"stage": "签约", "agreed_investment": ""}, headers=headers)  # fmt: skip
    assert resp.status_code == 422
    assert resp.json() == {"error": {"code": "ValidationFailed", "message": message}}
    session.refresh(project)
    assert project.stage == Stage.negotiating and project.agreed_investment is None


def test_move_runs_the_service_and_flashes(client: TestClient, session: Session) -> None:
    project, _, headers = _board(client, session)
    body = {"stage": "入库", "agreed_investment": "2亿元", "reason": "签约当日入库",
            "signed_on": str(TODAY - timedelta(days=2)), "registered_on": str(TODAY)}  # fmt: skip
    resp = client.post(f"/investment/kanban/{project.id}/move", json=body, headers=headers)
    assert resp.status_code == 200 and resp.json()["stage"] == "入库"
    session.refresh(project)
    assert project.registered_on == TODAY and project.signed_on == TODAY - timedelta(days=2)
    assert "阶段已变更" in client.get("/investment/kanban").text


def test_move_refuses_bad_input_and_missing_csrf(client: TestClient, session: Session) -> None:
    project, _, headers = _board(client, session)
    bad = client.post(f"/investment/kanban/{project.id}/move", content=b"not json",
                      headers={**headers, "Content-Type": "application/json"})  # fmt: skip
    assert bad.status_code == 400
    wrong = client.post(f"/investment/kanban/{project.id}/move",
                        json={"stage": "完成", "signed_on": "昨天"}, headers=headers)  # fmt: skip
    assert wrong.status_code == 422 and "阶段" in wrong.json()["error"]["message"]
    forged = client.post(f"/investment/kanban/{project.id}/move", json={"stage": "洽谈"})
    assert forged.status_code == 403
    session.refresh(project)
    assert project.stage == Stage.negotiating
