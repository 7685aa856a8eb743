"""Task pages: table with overdue alert, forms, reports, guessed ids."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import csrf_of, make_department, make_park, make_user, page_login
from tests.tasks.builders import make_task


def test_leader_and_department_use_the_task_pages(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    lead, other = (
        make_department(session, park, short_name="市经济信息委"),
        make_department(session, park),
    )
    late = make_task(session, park, lead, title="编制产业发展规划", deadline=date(2020, 1, 31))
    hidden = make_task(session, park, other, title="别人的任务", deadline=date(2030, 1, 31))
    leader = make_user(session, park, Role.leader)
    dep = make_user(session, park, Role.department, department_id=lead.id)
    cl, cd = TestClient(app), TestClient(app)
    page_login(cl, leader)
    page_login(cd, dep)

    page = cl.get("/tasks").text
    assert 'id="overdue-alert"' in page and "编制产业发展规划" in page and "别人的任务" in page
    csrf = csrf_of(cl.get("/tasks/new").text)
    r = cl.post(
        "/tasks/new",
        data={
            "csrf_token": csrf,
            "category": "项目建设",
            "title": "建设中试基地",
            "lead_department_id": str(lead.id),
            "partner_ids": [str(other.id)],
            "deadline": "2030-06-30",
            "start_on": "2031-01-01",
        },
    )
    assert r.status_code == 422 and "开始日期不能晚于完成时限" in r.text
    r = cl.post(
        "/tasks/new",
        data={
            "csrf_token": csrf,
            "category": "项目建设",
            "title": "建设中试基地",
            "lead_department_id": str(lead.id),
            "deadline": "2030-06-30",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert cd.get("/tasks/new").status_code == 403

    page = cd.get("/tasks").text
    assert "编制产业发展规划" in page and "别人的任务" not in page
    assert cd.get(f"/tasks/{hidden.id}").status_code == 404
    csrf = csrf_of(cd.get(f"/tasks/{late.id}").text)
    r = cd.post(
        f"/tasks/{late.id}/progress",
        data={"csrf_token": csrf, "progress": "50", "content": "规划初稿已完成"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = cd.post(
        f"/tasks/{late.id}/milestones",
        data={"csrf_token": csrf, "title": "专家评审", "due_on": "2020-01-15"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = cd.get(f"/tasks/{late.id}").text
    assert "规划初稿已完成" in page and "专家评审" in page and "逾期" in page
    r = cd.post(
        f"/tasks/{hidden.id}/progress",
        data={"csrf_token": csrf, "progress": "5", "content": "越权"},
    )
    assert r.status_code == 404
    bad = cd.post(
        f"/tasks/{late.id}/progress", data={"csrf_token": csrf, "progress": "abc", "content": "x"}
    )
    assert bad.status_code == 422 and "进度" in bad.text
    ent = make_user(session, park, Role.enterprise)
    ce = TestClient(app)
    page_login(ce, ent)
    assert ce.get("/tasks").status_code == 403
    assert ce.get(f"/tasks/{late.id}").status_code == 403
