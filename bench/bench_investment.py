"""p50/p95 of the investment stats and list endpoints with 100k projects in PostgreSQL.

Usage: .venv/bin/python bench/bench_investment.py [--projects N] [--runs N] [--url URL]
Creates a scratch database on the server (default postgres@127.0.0.1), fills it
with N projects spread over 2021–2026 (a third of them with funds entries),
times the HTTP endpoints through the real app, then drops the database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STAGES = ["线索", "洽谈", "签约", "入库", "开工", "投产", "终止"]
TEAMS = ["生物药链长团队", "化学药链长团队", "器械链长团队", "中药链长团队", "研发服务链长团队"]
CHAINS = ["生物药", "化学药", "医疗器械", "现代中药", "研发服务"]


def fill_projects(session, park, n: int, rng: random.Random, *, leader: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Bulk-insert n projects (a third with funds entries), 20 owners and a park target."""
    from biopark.accounts import service as accounts
    from biopark.accounts.models import Role
    from biopark.accounts.schemas import UserCreate
    from biopark.investment.models import FundsEntry, Project, Target

    owners = [
        accounts.create_user(
            session,
            park=park,
            data=UserCreate(
                username=f"bench-{i}",
                display_name=f"专员{i}",
                password="bench-password-1",
                role=Role.leader if leader and i == 0 else Role.investment_officer,
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


def _fill(url: str, n: int) -> None:
    from sqlalchemy.orm import Session

    from biopark import migrate
    from biopark.db import make_engine
    from biopark.parks.models import Park

    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        park = Park(code="bench", name="基准园区")
        session.add(park)
        session.flush()
        fill_projects(session, park, n, random.Random(7))
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()


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
    parser.add_argument("--projects", type=int, default=100_000)
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
        _fill(url, args.projects)
        print(f"filled {args.projects} projects in {time.perf_counter() - t0:.1f} s")
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
            "/api/investment/stats?year=2025",
            "/api/investment/stats?year=2025&team=生物药链长团队",
            "/api/investment/projects",
            "/api/investment/projects?stage=入库&year=2025",
            "/api/investment/projects?q=基准项目9999",
            "/api/investment/projects?overdue=true&page=50",
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
