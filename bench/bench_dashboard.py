"""p50/p95 of the dashboard (驾驶舱) with a realistic park in PostgreSQL.

Usage: .venv/bin/python bench/bench_dashboard.py [--enterprises N] [--projects N]
       [--requests N] [--runs N] [--url URL]
Creates a scratch database on the server (default postgres@127.0.0.1), fills it by
bulk inserts (1,000 enterprises, 20,000 projects with funds, 50,000 requests,
300 coordination tasks, 600 drugs), times the real app's dashboard endpoints and
pages through TestClient, then drops the database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STAGES = ["线索", "洽谈", "签约", "入库", "开工", "投产", "终止"]
TEAMS = ["生物药链长团队", "化学药链长团队", "器械链长团队", "中药链长团队", "研发服务链长团队"]
CHAINS = ["生物药", "化学药", "医疗器械", "现代中药", "研发服务"]


def _fill(url: str, n: int, n_ent: int, n_req: int) -> None:
    from sqlalchemy.orm import Session

    from biopark import migrate
    from biopark.accounts import service as accounts
    from biopark.accounts.models import Role
    from biopark.accounts.schemas import UserCreate
    from biopark.db import make_engine
    from biopark.enterprises.models import Enterprise
    from biopark.investment.models import FundsEntry, Project, Target
    from biopark.parks.models import Department, Park
    from biopark.pipeline.models import Drug
    from biopark.services.models import CATEGORIES, RequestStatus, ServiceRequest
    from biopark.tasks.models import CoordTask

    migrate.upgrade(url)
    engine = make_engine(url)
    rng = random.Random(7)
    with Session(engine) as session:
        park = Park(code="bench", name="基准园区")
        session.add(park)
        session.flush()
        owners = [
            accounts.create_user(
                session,
                park=park,
                data=UserCreate(
                    username=f"bench-{i}",
                    display_name=f"专员{i}",
                    password="bench-password-1",
                    role=Role.leader if i == 0 else Role.investment_officer,
                ),
                actor=None,
            ).id
            for i in range(20)
        ]
        session.add(
            Target(
                park_id=park.id,
                year=2025,
                scope="park",
                scope_value="",
                projects=5000,
                agreed_investment=Decimal("5e12"),
                funds_in_place=Decimal("2e12"),
            )
        )
        session.commit()
        park_id = park.id
        batch = 5000
        for start in range(0, n, batch):
            rows = []
            for i in range(start, min(start + batch, n)):
                stage = rng.choice(STAGES)
                reg = date(2021, 1, 1) + timedelta(days=rng.randrange(6 * 365))
                reached = STAGES.index(stage) >= 3 and stage != "终止"
                rows.append({
                    "park_id": park_id, "name": f"基准项目{i}", "company": f"基准企业{i}有限公司",
                    "stage": stage, "owner_id": rng.choice(owners), "team": rng.choice(TEAMS),
                    "chain": rng.choice(CHAINS), "agreed_investment": Decimal(rng.randrange(10**6, 10**10)),
                    "signed_on": reg if reached else None, "registered_on": reg if reached else None,
                    "next_action": "跟进", "due_on": reg + timedelta(days=rng.randrange(-30, 400)),
                    "is_demo": False,
                })  # fmt: skip
            ids = session.scalars(insert(Project).returning(Project.id), rows).all()
            funds = [
                {"park_id": park_id, "project_id": pid, "received_on": date(2021, 1, 1) + timedelta(days=rng.randrange(6 * 365)),
                 "amount": Decimal(rng.randrange(10**5, 10**9))}
                for pid in ids if rng.random() < 0.33
            ]  # fmt: skip
            if funds:
                session.execute(insert(FundsEntry), funds)
            session.commit()
        _fill_park(session, park_id, n_ent, n_req, rng, Enterprise, Department, Drug,
                   ServiceRequest, RequestStatus, CATEGORIES, CoordTask)  # fmt: skip
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()


def _fill_park(session, park_id, n_ent, n_req, rng, Enterprise, Department, Drug,  # type: ignore[no-untyped-def]
               ServiceRequest, RequestStatus, CATEGORIES, CoordTask) -> None:  # fmt: skip
    ent_ids = session.scalars(
        insert(Enterprise).returning(Enterprise.id),
        [{"park_id": park_id, "name": f"基准企业{i}"} for i in range(n_ent)],
    ).all()
    dept_ids = session.scalars(
        insert(Department).returning(Department.id),
        [{"park_id": park_id, "name": f"部门{i}"} for i in range(21)],
    ).all()
    stages = [
        "preclinical",
        "ind_filed",
        "ind_approved",
        "phase1",
        "phase2",
        "phase3",
        "nda_filed",
        "approved",
        "marketed",
    ]
    session.execute(insert(Drug), [
        {"park_id": park_id, "name": f"基准药{i}", "modality": rng.choice(["antibody", "small_molecule", "cell_gene"]),
         "stage": rng.choice(stages), "scope": "park", "enterprise_id": rng.choice(ent_ids)}
        for i in range(600)
    ])  # fmt: skip
    session.execute(insert(CoordTask), [
        {"park_id": park_id, "category": "项目建设", "title": f"任务{i}", "lead_department_id": rng.choice(dept_ids),
         "deadline": date(2025, 1, 1) + timedelta(days=rng.randrange(730)),
         "status": rng.choice(["not_started", "in_progress", "done"])}
        for i in range(300)
    ])  # fmt: skip
    base = datetime(2025, 1, 1, 1, tzinfo=UTC)
    statuses = list(RequestStatus)
    for start in range(0, n_req, 10_000):
        rows = []
        for i in range(start, min(start + 10_000, n_req)):
            at = base + timedelta(minutes=rng.randrange(700 * 24 * 60))
            due = at + timedelta(days=10)
            status = rng.choice(statuses)
            closed = (
                at + timedelta(days=rng.randrange(1, 16))
                if status in (RequestStatus.closed, RequestStatus.rated)
                else None
            )
            rows.append({
                "park_id": park_id, "enterprise_id": rng.choice(ent_ids), "category": rng.choice(CATEGORIES),
                "title": f"诉求{i}", "content": "基准诉求", "status": status, "submitted_at": at,
                "respond_due_at": at + timedelta(days=1), "responded_at": at + timedelta(hours=rng.randrange(1, 40)),
                "close_due_at": due, "closed_at": closed,
                "satisfaction": rng.randrange(1, 6) if status == RequestStatus.rated else None,
            })  # fmt: skip
        session.execute(insert(ServiceRequest), rows)
        session.commit()


def _time(client, path: str, headers: dict[str, str], runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    client.get(path, headers=headers)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        resp = client.get(path, headers=headers)
        samples.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200, resp.text
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--enterprises", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--url", default=os.environ.get("BIOPARK_BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    base = make_url(args.url)
    name = f"biopark_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(
            f"PostgreSQL not reachable at {args.url}: {exc.__class__.__name__}; benchmark skipped"
        )
        return 0
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        t0 = time.perf_counter()
        _fill(url, args.projects, args.enterprises, args.requests)
        print(
            f"filled {args.enterprises} enterprises, {args.projects} projects, "
            f"{args.requests} requests in {time.perf_counter() - t0:.1f} s"
        )
        os.environ["BIOPARK_DATABASE_URL"] = url
        os.environ.setdefault("BIOPARK_SECRET_KEY", "bench-secret")
        from fastapi.testclient import TestClient

        from biopark.app import create_app

        client = TestClient(create_app())
        token = client.post(
            "/api/auth/token", json={"username": "bench-0", "password": "bench-password-1"}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        paths = [
            "/api/dashboard?year=2025&month_from=1&month_to=11",
            "/api/dashboard?year=2026&month_from=3&month_to=6",
            "/dashboard?year=2025&month_from=1&month_to=11",
            "/api/dashboard/reconcile",
        ]
        print(f"{'endpoint':60} {'p50 ms':>8} {'p95 ms':>8}")
        for path in paths:
            p50, p95 = _time(client, path, headers, args.runs)
            print(f"{path:60} {p50:8.1f} {p95:8.1f}")
        from biopark.db import get_engine

        get_engine().dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
