"""The demo park has work waiting for every working role, and loading twice adds none."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.demo.service import load_demo
from biopark.investment.models import Lead
from biopark.services.models import ServiceRequest
from biopark.todo import service

EXPECTED = {
    "demo-leader": {"escalation", "discrepancy"},
    "demo-investment": {"lead", "project"},
    "demo-commissioner": {"request", "followup", "policy_push"},
    "demo-department": {"reply", "task", "milestone"},
    "demo-enterprise": {"rating"},
    "demo-analyst": {"proposal"},
}


def test_demo_has_due_and_overdue_work_for_every_role(session: Session) -> None:
    load_demo(session, password="demo-password-1")
    for username, kinds in EXPECTED.items():
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        items = service.todo_for(session, user=user)
        assert kinds <= {i.kind for i in items}, username
        if username not in ("demo-enterprise", "demo-analyst"):
            assert any(i.overdue for i in items), username
            assert any(not i.overdue for i in items), username
    # Requests past their SLA and not yet escalated: the escalation job's first work.
    from biopark.kit.dates import now_utc

    waiting = session.scalar(
        select(func.count())
        .select_from(ServiceRequest)
        .where(
            ServiceRequest.escalated.is_(False),
            ServiceRequest.respond_due_at < now_utc(),
            ServiceRequest.responded_at.is_(None),
        )
    )
    assert waiting


def test_loading_the_demo_twice_adds_no_work(session: Session) -> None:
    load_demo(session, password="demo-password-1")
    counts = [session.scalar(select(func.count()).select_from(m)) for m in (Lead, ServiceRequest)]
    load_demo(session, password="demo-password-1")
    assert [
        session.scalar(select(func.count()).select_from(m)) for m in (Lead, ServiceRequest)
    ] == counts
