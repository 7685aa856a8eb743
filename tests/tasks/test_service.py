"""Coordination tasks: visibility, progress, milestones, overdue status, stats, export."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.errors import Conflict, Forbidden, NotFound
from biopark.kit.dates import SHANGHAI
from biopark.tasks import service
from biopark.tasks.export import task_workbook
from biopark.tasks.models import TaskStatus
from biopark.tasks.schemas import MilestoneCreate, ProgressCreate, TaskCreate, TaskUpdate
from tests.builders import make_department, make_park, make_user
from tests.tasks.builders import make_task


@pytest.fixture
def world(session: Session):  # type: ignore[no-untyped-def]
    park = make_park(session)
    lead, partner, outsider = (
        make_department(session, park, short_name=n) for n in ("市发展改革委", "市财政局", "市教委")
    )
    return {
        "park": park,
        "lead": lead,
        "partner": partner,
        "outsider": outsider,
        "leader": make_user(session, park, Role.leader),
        "lead_user": make_user(session, park, Role.department, department_id=lead.id),
        "partner_user": make_user(session, park, Role.department, department_id=partner.id),
        "outsider_user": make_user(session, park, Role.department, department_id=outsider.id),
    }


def test_department_sees_only_tasks_it_leads_or_helps(session, world) -> None:  # type: ignore[no-untyped-def]
    t1 = make_task(session, world["park"], world["lead"], partner_ids=[world["partner"].id])
    t2 = make_task(session, world["park"], world["outsider"])

    def ids(user) -> set[int]:  # type: ignore[no-untyped-def]
        return {t.id for t in service.list_tasks(session, user=user).items}

    assert ids(world["leader"]) == {t1.id, t2.id}
    assert ids(world["lead_user"]) == {t1.id}
    assert ids(world["partner_user"]) == {t1.id}
    assert ids(world["outsider_user"]) == {t2.id}
    with pytest.raises(NotFound):
        service.get_task(session, user=world["outsider_user"], task_id=t1.id)
    with pytest.raises(Forbidden):
        service.list_tasks(session, user=make_user(session, world["park"], Role.enterprise))
    with pytest.raises(NotFound):
        service.get_task(
            session, user=make_user(session, make_park(session), Role.leader), task_id=t1.id
        )


def test_progress_moves_status_and_only_lead_sets_overall_progress(session, world) -> None:  # type: ignore[no-untyped-def]
    task = make_task(session, world["park"], world["lead"], partner_ids=[world["partner"].id])
    assert task.status == TaskStatus.not_started
    service.report_progress(
        session,
        user=world["partner_user"],
        task_id=task.id,
        data=ProgressCreate(progress=80, content="资金测算已完成"),
    )
    assert task.progress == 0 and len(task.reports) == 1
    service.report_progress(
        session,
        user=world["lead_user"],
        task_id=task.id,
        data=ProgressCreate(progress=40, content="初稿已形成"),
    )
    assert task.status == TaskStatus.in_progress and task.progress == 40
    service.report_progress(
        session,
        user=world["lead_user"],
        task_id=task.id,
        data=ProgressCreate(progress=100, content="已印发"),
        now=datetime(2025, 5, 1, 1, tzinfo=SHANGHAI),
    )
    assert task.status == TaskStatus.done and task.completed_on == date(2025, 5, 1)
    with pytest.raises(Conflict):
        service.report_progress(
            session,
            user=world["lead_user"],
            task_id=task.id,
            data=ProgressCreate(progress=100, content="再报"),
        )
    with pytest.raises(NotFound):
        service.report_progress(
            session,
            user=world["outsider_user"],
            task_id=task.id,
            data=ProgressCreate(progress=1, content="越权"),
        )


def test_milestones_by_lead_not_partner(session, world) -> None:  # type: ignore[no-untyped-def]
    task = make_task(session, world["park"], world["lead"], partner_ids=[world["partner"].id])
    ms = service.add_milestone(
        session,
        user=world["lead_user"],
        task_id=task.id,
        data=MilestoneCreate(title="完成调研", due_on=date(2025, 4, 1)),
    )
    with pytest.raises(Forbidden):
        service.add_milestone(
            session,
            user=world["partner_user"],
            task_id=task.id,
            data=MilestoneCreate(title="越权", due_on=date(2025, 4, 1)),
        )
    service.complete_milestone(
        session,
        user=world["lead_user"],
        task_id=task.id,
        milestone_id=ms.id,
        today=date(2025, 3, 30),
    )
    assert ms.done_on == date(2025, 3, 30)
    with pytest.raises(Conflict):
        service.complete_milestone(
            session, user=world["lead_user"], task_id=task.id, milestone_id=ms.id
        )


def test_overdue_is_derived_and_filtered(session, world) -> None:  # type: ignore[no-untyped-def]
    late = make_task(session, world["park"], world["lead"], deadline=date(2025, 3, 31))
    ok = make_task(session, world["park"], world["lead"], deadline=date(2025, 12, 31))
    today = date(2025, 4, 1)
    assert late.status_on(today) == "overdue" and ok.status_on(today) == "not_started"
    page = service.list_tasks(session, user=world["leader"], status="overdue", today=today)
    assert [t.id for t in page.items] == [late.id]
    assert [
        t.id for t in service.overdue_tasks(session, park_id=world["park"].id, today=today)
    ] == [late.id]
    stats = service.task_stats(session, park_id=world["park"].id, today=today)
    assert (
        stats.total == 2 and stats.by_status["overdue"] == 1 and stats.by_status["not_started"] == 1
    )
    assert stats.by_department[0].label == "市发展改革委" and stats.by_department[0].overdue == 1


def test_create_and_update_are_for_leaders_and_audited(session, world) -> None:  # type: ignore[no-untyped-def]
    data = TaskCreate(
        category="项目建设",
        title="建设公共技术服务平台",
        lead_department_id=world["lead"].id,
        deadline=date(2025, 9, 30),
    )
    park_id, day = world["park"].id, date(2025, 3, 1)
    with pytest.raises(Forbidden):
        service.create_task(session, user=world["lead_user"], park_id=park_id, data=data, today=day)
    task = service.create_task(session, user=world["leader"], park_id=park_id, data=data, today=day)
    with pytest.raises(Conflict):
        service.create_task(session, user=world["leader"], park_id=park_id, data=data, today=day)
    update = TaskUpdate(
        **{
            **data.model_dump(),
            "partner_ids": [world["partner"].id],
            "deadline": date(2025, 10, 31),
        }
    )
    service.update_task(session, user=world["leader"], task_id=task.id, data=update)
    assert task.partner_ids == [world["partner"].id] and task.deadline == date(2025, 10, 31)
    assert [e.action for e in service.history(session, task=task)] == ["update", "create"]
    foreign = make_department(session, make_park(session))
    bad = TaskCreate(**{**data.model_dump(), "title": "别园部门", "lead_department_id": foreign.id})
    with pytest.raises(NotFound):
        service.create_task(session, user=world["leader"], park_id=park_id, data=bad, today=day)


def test_export_has_the_meeting_table_layout(session, world) -> None:  # type: ignore[no-untyped-def]
    late = make_task(
        session,
        world["park"],
        world["lead"],
        title="编制生物医药产业发展规划",
        category="编制产业发展规划",
        partner_ids=[world["partner"].id],
        deadline=date(2025, 3, 31),
    )
    service.add_milestone(
        session,
        user=world["leader"],
        task_id=late.id,
        data=MilestoneCreate(title="形成征求意见稿", due_on=date(2025, 3, 1)),
    )
    service.report_progress(
        session,
        user=world["lead_user"],
        task_id=late.id,
        data=ProgressCreate(progress=60, content="已征求各部门意见"),
    )
    data = task_workbook(
        session,
        tasks=[late],
        park_name="测试园区",
        park_id=world["park"].id,
        today=date(2025, 4, 1),
    )
    ws = load_workbook(BytesIO(data)).active
    assert "重点任务推进表" in ws["A1"].value
    assert [c.value for c in ws[3]][:6] == [
        "序号",
        "任务类别",
        "重点任务",
        "牵头单位",
        "配合单位",
        "完成时限",
    ]
    row = [c.value for c in ws[4]]
    assert (
        row[2] == "编制生物医药产业发展规划" and row[3] == "市发展改革委" and row[4] == "市财政局"
    )
    assert "形成征求意见稿" in row[6] and "已征求各部门意见" in row[7]
    assert row[8] == "60%" and row[9] == "逾期"
    assert "逾期1项" in ws["A2"].value
