"""Demo requests and tasks: every state present, some overdue, loading twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.demo.service import load_demo
from biopark.kit.models import utcnow
from biopark.services.models import RequestDispatch, RequestStatus, ServiceRequest
from biopark.tasks.models import CoordTask, ProgressReport, TaskMilestone, today_local


def _counts(session: Session) -> tuple[int, ...]:
    models = (ServiceRequest, RequestDispatch, CoordTask, TaskMilestone, ProgressReport)
    return tuple(session.scalar(select(func.count()).select_from(m)) or 0 for m in models)


def test_demo_requests_cover_every_state_and_tasks_every_status(session: Session) -> None:
    park = load_demo(session, password="demo-password-1").park
    reqs = list(session.scalars(select(ServiceRequest).where(ServiceRequest.park_id == park.id)))
    assert {r.status for r in reqs} == set(RequestStatus)
    assert any(r.escalated for r in reqs)
    now = utcnow()
    assert any(r.close_due_at and r.close_due_at < now and r.closed_at is None for r in reqs)
    assert any(r.on_behalf for r in reqs)
    tasks = list(session.scalars(select(CoordTask).where(CoordTask.park_id == park.id)))
    today = today_local()
    assert {t.status_on(today) for t in tasks} == {"not_started", "in_progress", "done", "overdue"}
    assert {t.category for t in tasks} >= {
        "编制产业发展规划",
        "政策落实",
        "项目建设",
        "市场主体培育",
    }
    before = _counts(session)
    load_demo(session, password="demo-password-1")
    assert _counts(session) == before
