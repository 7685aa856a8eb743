"""Task rules: each department's own figure, the lead's figure is the task's, drops need a
reason, lead is never a partner, no deadline in the past; through the service and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.errors import ValidationFailed
from biopark.kit.dates import today
from biopark.tasks import service
from biopark.tasks.models import ProgressReport, TaskPartner
from biopark.tasks.schemas import ProgressCreate, TaskCreate, TaskUpdate
from tests.builders import make_department, make_park, make_user, token_headers
from tests.tasks.builders import make_task


@pytest.fixture
def w(session: Session):  # type: ignore[no-untyped-def]
    park = make_park(session)
    lead, partner, third = (make_department(session, park) for _ in range(3))
    return {
        "park": park,
        "lead": lead,
        "partner": partner,
        "third": third,
        "leader": make_user(session, park, Role.leader),
        "lead_user": make_user(session, park, Role.department, department_id=lead.id),
        "partner_user": make_user(session, park, Role.department, department_id=partner.id),
    }


def _report(session: Session, user, task, progress: int, reason: str | None = None):  # type: ignore[no-untyped-def]
    data = ProgressCreate(progress=progress, content="本期推进情况", drop_reason=reason)
    return service.report_progress(session, user=user, task_id=task.id, data=data)


def _reports(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ProgressReport)) or 0


def test_each_department_reports_and_the_lead_figure_is_the_tasks(session, w) -> None:  # type: ignore[no-untyped-def]
    task = make_task(session, w["park"], w["lead"], partner_ids=[w["partner"].id])
    _report(session, w["lead_user"], task, 40)
    _report(session, w["partner_user"], task, 90)
    assert task.progress == 40  # the cooperating department's 90 does not overwrite it
    figures = service.department_figures(task)
    assert {k: r.progress for k, r in figures.items()} == {w["lead"].id: 40, w["partner"].id: 90}
    # A leader's report counts for the lead department.
    _report(session, w["leader"], task, 55)
    assert task.progress == 55 and service.department_figures(task)[w["lead"].id].progress == 55


def test_a_large_drop_needs_a_reason(session, w) -> None:  # type: ignore[no-untyped-def]
    task = make_task(session, w["park"], w["lead"], partner_ids=[w["partner"].id])
    _report(session, w["lead_user"], task, 70)
    _report(session, w["partner_user"], task, 30)
    before = _reports(session)
    with pytest.raises(ValidationFailed, match="70% 降到 40%"):
        _report(session, w["lead_user"], task, 40)
    assert _reports(session) == before and task.progress == 70
    _report(session, w["lead_user"], task, 50)  # 20 points: allowed without a reason
    # The partner's own previous figure (30) is its yardstick, not the lead's.
    _report(session, w["partner_user"], task, 15)
    report = _report(session, w["lead_user"], task, 10, reason="用地指标被收回，需重新选址")
    assert report.drop_reason and task.progress == 10


def test_lead_cannot_be_a_partner(session, w) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="牵头单位不能同时是配合单位"):
        TaskCreate(
            category="政策落实",
            title="x任务",
            lead_department_id=w["lead"].id,
            partner_ids=[w["lead"].id],
            deadline=today(),
        )
    task = make_task(session, w["park"], w["lead"], partner_ids=[w["partner"].id])
    bad = TaskUpdate.model_construct(
        **{
            **TaskUpdate.model_validate(task, from_attributes=True).model_dump(),
            "partner_ids": [w["lead"].id],
        }
    )
    with pytest.raises(ValidationFailed, match="牵头单位"):
        service.update_task(session, user=w["leader"], task_id=task.id, data=bad)
    assert task.partner_ids == [w["partner"].id]


def test_updating_partners_keeps_the_rows_that_stay(session, w) -> None:  # type: ignore[no-untyped-def]
    task = make_task(session, w["park"], w["lead"], partner_ids=[w["partner"].id])
    data = TaskUpdate.model_validate(task, from_attributes=True).model_dump()
    data["partner_ids"] = [w["partner"].id, w["third"].id]
    service.update_task(session, user=w["leader"], task_id=task.id, data=TaskUpdate(**data))
    session.flush()
    rows = session.scalars(select(TaskPartner).where(TaskPartner.task_id == task.id)).all()
    assert sorted(r.department_id for r in rows) == sorted([w["partner"].id, w["third"].id])


def test_deadline_in_the_past_is_refused_on_creation(session, w) -> None:  # type: ignore[no-untyped-def]
    data = TaskCreate(
        category="项目建设",
        title="建设中试平台",
        lead_department_id=w["lead"].id,
        deadline=date(2026, 3, 31),
    )
    with pytest.raises(ValidationFailed, match="完成时限不能早于今天"):
        service.create_task(
            session, user=w["leader"], park_id=w["park"].id, data=data, today=date(2026, 4, 1)
        )
    task = service.create_task(
        session, user=w["leader"], park_id=w["park"].id, data=data, today=date(2026, 3, 31)
    )
    assert task.deadline == date(2026, 3, 31)


def test_rules_through_the_api(client, session: Session, w) -> None:  # type: ignore[no-untyped-def]
    hl, hd, hp = (token_headers(client, w[k]) for k in ("leader", "lead_user", "partner_user"))
    body = {
        "category": "市场主体培育",
        "title": "培育瞪羚企业",
        "lead_department_id": w["lead"].id,
        "partner_ids": [w["partner"].id],
        "deadline": (today() - timedelta(days=1)).isoformat(),
    }
    r = client.post("/api/tasks?lang=zh", json=body, headers=hl)
    assert r.status_code == 422 and "完成时限不能早于今天" in r.json()["error"]["message"]
    r = client.post("/api/tasks?lang=en", json=body, headers=hl)
    assert (
        r.status_code == 422 and "deadline cannot be before today" in r.json()["error"]["message"]
    )
    body["deadline"] = (today() + timedelta(days=90)).isoformat()
    tid = client.post("/api/tasks", json=body, headers=hl).json()["id"]
    r = client.put(f"/api/tasks/{tid}", json={**body, "partner_ids": [w["lead"].id]}, headers=hl)
    assert r.status_code == 422 and r.json()["error"]["code"] == "ValidationFailed"
    # Changing partners while keeping one used to fail on the unique constraint with a 500.
    r = client.put(
        f"/api/tasks/{tid}",
        json={**body, "partner_ids": [w["partner"].id, w["third"].id]},
        headers=hl,
    )
    assert r.status_code == 200 and sorted(r.json()["partner_ids"]) == sorted(
        [w["partner"].id, w["third"].id]
    )
    url = f"/api/tasks/{tid}/progress"
    assert (
        client.post(url, json={"progress": 60, "content": "完成选址"}, headers=hd).status_code
        == 201
    )
    assert (
        client.post(url, json={"progress": 95, "content": "配合到位"}, headers=hp).status_code
        == 201
    )
    assert client.get(f"/api/tasks/{tid}", headers=hl).json()["progress"] == 60
    r = client.post(url + "?lang=zh", json={"progress": 20, "content": "调整"}, headers=hd)
    assert r.status_code == 422 and "请说明原因" in r.json()["error"]["message"]
    r = client.post(url + "?lang=en", json={"progress": 20, "content": "调整"}, headers=hd)
    assert "give a reason" in r.json()["error"]["message"]
    assert len(client.get(f"/api/tasks/{tid}", headers=hl).json()["reports"]) == 2
    r = client.post(
        url, json={"progress": 20, "content": "调整", "drop_reason": "企业迁出"}, headers=hd
    )
    assert r.status_code == 201 and r.json()["drop_reason"] == "企业迁出"
