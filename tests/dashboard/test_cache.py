"""The cockpit's per-process cache: figures are reused for `dashboard_cache_seconds`, each
request gets its own park and role links, and a zero lifetime always recomputes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.config import get_settings
from biopark.dashboard import service
from biopark.kit.stale import StaleCache
from biopark.tasks.models import CoordTask, TaskStatus
from tests.builders import make_department, make_user
from tests.dashboard.builders import make_world

PERIOD = service.Period(2025, 1, 2)


@pytest.fixture
def cache_seconds(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("BIOPARK_DASHBOARD_CACHE_SECONDS", "60")
    monkeypatch.setattr(service, "_cache", StaleCache())  # nothing left from another test
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def _late_task(session: Session, park_id: int, dept_id: int, title: str) -> None:
    session.add(
        CoordTask(
            park_id=park_id,
            category="项目推进",
            title=title,
            lead_department_id=dept_id,
            deadline=service.today_local() - timedelta(days=2),
            status=TaskStatus.in_progress,
        )
    )
    session.flush()


def test_figures_are_reused_within_the_lifetime(session: Session, cache_seconds: None) -> None:
    w = make_world(session)
    dept = make_department(session, w.park)
    _late_task(session, w.park.id, dept.id, "第一项逾期任务")
    first = service.for_user(session, user=w.leader, period=PERIOD)
    assert first.attention.tasks_total == 1 and first.computed_at is not None
    _late_task(session, w.park.id, dept.id, "第二项逾期任务")
    again = service.for_user(session, user=w.leader, period=PERIOD)
    assert again.attention.tasks_total == 1 and again.computed_at == first.computed_at
    # Another period is computed on its own, so it sees the new task.
    other = service.for_user(session, user=w.leader, period=service.Period(2025, 3, 3))
    assert other.attention.tasks_total == 2


def test_each_request_gets_its_own_park_and_links(session: Session, cache_seconds: None) -> None:
    w = make_world(session)
    analyst = make_user(session, w.park, Role.analyst)
    leader_view = service.for_user(session, user=w.leader, period=PERIOD)
    other_view = service.for_user(session, user=analyst, period=PERIOD)
    assert leader_view.park.id == w.park.id and other_view.park.name == w.park.name
    assert leader_view.links == service.link_rights(Role.leader)
    assert other_view.links == service.link_rights(Role.analyst)
    assert leader_view.links != other_view.links


def test_zero_lifetime_always_recomputes(session: Session) -> None:
    assert get_settings().dashboard_cache_seconds == 0
    w = make_world(session)
    dept = make_department(session, w.park)
    assert service.for_user(session, user=w.leader, period=PERIOD).attention.tasks_total == 0
    _late_task(session, w.park.id, dept.id, "新的逾期任务")
    d = service.for_user(session, user=w.leader, period=PERIOD)
    assert d.attention.tasks_total == 1 and d.computed_at is None
