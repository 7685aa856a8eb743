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

# Run as a script, bench/ is on sys.path: the project filler is shared with the investment bench.
from bench_investment import fill_projects
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _fill(url: str, n: int, n_ent: int, n_req: int) -> None:
    from sqlalchemy.orm import Session

    from biopark import migrate
    from biopark.db import make_engine
    from biopark.enterprises.models import Enterprise
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
        fill_projects(session, park, n, rng, leader=True)
        park_id = park.id
        _fill_park(session, park_id, n_ent, n_req, rng, Enterprise, Department, Drug,
                   ServiceRequest, RequestStatus, CATEGORIES, CoordTask)  # fmt: skip
    # What autovacuum does on a running server: statistics and the visibility map. Without
    # the map a freshly bulk-loaded table is planned as if index-only scans could not help.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
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
