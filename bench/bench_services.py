"""Working-time arithmetic, request workflow, escalation, SLA statistics and task export.

Usage: .venv/bin/python bench/bench_services.py [--requests N] [--tasks N]
Runs on a fresh SQLite file built by the migrations; prints one line per figure.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from biopark import migrate
from biopark.accounts.models import Role, User
from biopark.db import make_engine
from biopark.enterprises.models import Enterprise
from biopark.kit.dates import SHANGHAI
from biopark.kit.workcal import add_working_hours, working_hours_between
from biopark.parks.models import Department, Park
from biopark.services import dispatching, service, sla, stats
from biopark.services.models import CATEGORIES
from biopark.services.schemas import CloseBody, DispatchBody, ReplyBody, RequestCreate
from biopark.tasks import service as tasks
from biopark.tasks.export import task_workbook
from biopark.tasks.models import TASK_CATEGORIES
from biopark.tasks.schemas import ProgressCreate, TaskCreate


def _rate(label: str, n: int, seconds: float, unit: str = "ops") -> None:
    print(f"{label:<44} {n:>7} in {seconds:7.3f}s  {n / seconds:>10.0f} {unit}/s")


def bench_workcal(rng: random.Random) -> None:
    starts = [
        datetime(2024, 1, 1, tzinfo=SHANGHAI) + timedelta(minutes=rng.randrange(0, 1_400_000))
        for _ in range(20_000)
    ]
    t0 = time.perf_counter()
    ends = [add_working_hours(s, rng.uniform(0, 63)) for s in starts]
    _rate("add_working_hours (0-63 h)", len(starts), time.perf_counter() - t0)
    t0 = time.perf_counter()
    for s, e in zip(starts, ends, strict=True):
        working_hours_between(s, e)
    _rate("working_hours_between", len(starts), time.perf_counter() - t0)


def _user(session: Session, park: Park, role: Role, name: str, **ids: int) -> User:
    user = User(
        park_id=park.id, username=name, display_name=name, password_hash="!", role=role, **ids
    )
    session.add(user)
    session.flush()
    return user


def bench_requests(session: Session, n: int, rng: random.Random) -> None:
    park = Park(code="bench", name="基准园区")
    session.add(park)
    session.flush()
    depts = [Department(park_id=park.id, name=f"部门{i}") for i in range(21)]
    ents = [Enterprise(park_id=park.id, name=f"企业{i}") for i in range(200)]
    session.add_all(depts + ents)
    session.flush()
    com = _user(session, park, Role.commissioner, "bench-com")
    _user(session, park, Role.leader, "bench-leader")
    staff = {
        d.id: _user(session, park, Role.department, f"bench-d{d.id}", department_id=d.id)
        for d in depts
    }
    base = datetime(2026, 1, 5, 9, tzinfo=UTC)
    t0 = time.perf_counter()
    for i in range(n):
        at = base + timedelta(minutes=37 * i)
        req = service.submit_request(
            session,
            user=com,
            data=RequestCreate(
                category=rng.choice(CATEGORIES),
                title=f"基准诉求{i}",
                content="基准测试内容",
                enterprise_id=rng.choice(ents).id,
            ),
            now=at,
        )
        if i % 3:
            chosen = rng.sample(depts, rng.randint(1, 3))
            dispatching.dispatch(
                session,
                user=com,
                request_id=req.id,
                data=DispatchBody(department_ids=[d.id for d in chosen]),
                now=at + timedelta(minutes=30),
            )
            if i % 3 == 2:
                for d in chosen:
                    dispatching.reply(
                        session,
                        user=staff[d.id],
                        request_id=req.id,
                        data=ReplyBody(reply="已答复"),
                        now=at + timedelta(hours=rng.randint(1, 120)),
                    )
                service.close(
                    session,
                    user=com,
                    request_id=req.id,
                    data=CloseBody(resolution="办结"),
                    now=at + timedelta(hours=130),
                )
    session.flush()
    _rate("request workflow (submit/dispatch/reply/close)", n, time.perf_counter() - t0, "req")
    now = base + timedelta(minutes=37 * n + 60 * 24 * 30)
    t0 = time.perf_counter()
    found = sla.escalate_overdue(session, now=now)
    _rate(f"escalate_overdue ({len(found)} escalations)", n, time.perf_counter() - t0, "req")
    t0 = time.perf_counter()
    again = sla.escalate_overdue(session, now=now)
    assert not again
    _rate("escalate_overdue, nothing new", n, time.perf_counter() - t0, "req")
    t0 = time.perf_counter()
    result = stats.sla_stats(session, park_id=park.id, since=base, until=now, now=now)
    _rate("sla_stats", n, time.perf_counter() - t0, "req")
    print(f"  on-time rate overall {result.overall.on_time_rate}%")
    t0 = time.perf_counter()
    page = service.list_requests(session, user=com, page=3, size=50)
    _rate("list_requests page of 50", len(page.items), time.perf_counter() - t0, "rows")


def bench_tasks(session: Session, n: int, rng: random.Random) -> None:
    park = Park(code="bench-t", name="任务园区")
    session.add(park)
    session.flush()
    depts = [Department(park_id=park.id, name=f"单位{i}") for i in range(21)]
    session.add_all(depts)
    session.flush()
    leader = _user(session, park, Role.leader, "bench-t-leader")
    t0 = time.perf_counter()
    for i in range(n):
        lead = rng.choice(depts)
        task = tasks.create_task(
            session,
            user=leader,
            park_id=park.id,
            data=TaskCreate(
                category=rng.choice(TASK_CATEGORIES),
                title=f"重点任务{i}",
                lead_department_id=lead.id,
                partner_ids=[d.id for d in rng.sample(depts, 3)],
                deadline=date(2026, 1, 1) + timedelta(days=rng.randint(0, 365)),
            ),
        )
        tasks.report_progress(
            session,
            user=leader,
            task_id=task.id,
            data=ProgressCreate(progress=rng.randint(0, 99), content="推进情况说明"),
        )
    _rate("task create + progress report", n, time.perf_counter() - t0, "tasks")
    t0 = time.perf_counter()
    items = tasks.list_tasks(session, user=leader, size=200).items
    data = task_workbook(
        session, tasks=items, park_name=park.name, park_id=park.id, today=date(2026, 6, 1)
    )
    _rate(f"xlsx export ({len(data) // 1024} KiB)", len(items), time.perf_counter() - t0, "rows")
    t0 = time.perf_counter()
    tasks.task_stats(session, park_id=park.id, today=date(2026, 6, 1))
    _rate("task_stats", n, time.perf_counter() - t0, "tasks")


def main() -> None:
    """Build a fresh database, run every figure once, print them."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--tasks", type=int, default=200)
    args = ap.parse_args()
    rng = random.Random(7)
    bench_workcal(rng)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            bench_requests(session, args.requests, rng)
            bench_tasks(session, args.tasks, rng)
            session.rollback()
        engine.dispose()


if __name__ == "__main__":
    main()
