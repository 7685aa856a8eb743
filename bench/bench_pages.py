"""Dashboard and list pages under 50 concurrent signed-in users, with 1 and with 2 workers.

Usage: .venv/bin/python bench/bench_pages.py [--users 50] [--seconds 60] [--workers 1,2]
       [--think 0] [--enterprises N] [--projects N] [--requests N] [--port 8110] [--url URL]
Creates a scratch PostgreSQL database (bulk inserts: 1,000 enterprises, 20,000
projects, 50,000 requests), starts `biopark serve --workers N` on 127.0.0.1, lets the
users walk the pages for the given time, prints p50/p95 per page, req/s and the load
average, then stops the server and drops the database. Goal: p95 <= 300 ms with 2 workers.
--think 0 (the default) sends each user's next request as soon as the last one is answered,
which measures the most the server holds; --think S waits a random time with mean S
seconds between a user's pages, as people reading them do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
from bench_dashboard import DEFAULT_URL, _fill
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PAGES = [
    "/dashboard",
    "/investment/projects",
    "/investment/projects?q=项目1",
    "/enterprises",
    "/enterprises?q=基准企业12",
    "/requests?scope=all",
    "/api/requests?q=诉求12",
]
PASSWORD = "bench-password-1"


def _admins(url: str, n: int) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from biopark.accounts import service as accounts
    from biopark.accounts.models import Role
    from biopark.accounts.schemas import UserCreate
    from biopark.db import make_engine
    from biopark.parks.models import Park

    engine = make_engine(url)
    with Session(engine) as session:
        park = session.scalars(select(Park)).one()
        for i in range(n):
            accounts.create_user(
                session,
                park=park,
                data=UserCreate(
                    username=f"bench-admin-{i}",
                    display_name=f"管理员{i}",
                    password=PASSWORD,
                    role=Role.admin,
                ),
                actor=None,
            )
        session.commit()
    engine.dispose()


def _serve(url: str, port: int, workers: int, var: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BIOPARK_DATABASE_URL": url,
        "BIOPARK_VAR_DIR": str(var),
        "BIOPARK_SECRET_KEY": "bench-secret-key",
        "BIOPARK_EMBEDDED_WORKER": "false",
    }
    log = open(var / f"serve-{workers}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "biopark", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


async def _user(
    base: str,
    token: str,
    until: float,
    rng: random.Random,
    out: dict[str, list[float]],
    think: float,
) -> int:
    errors = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        while time.monotonic() < until:
            if think > 0:
                await asyncio.sleep(rng.expovariate(1 / think))
            page = rng.choice(PAGES)
            t0 = time.perf_counter()
            resp = await client.get(page)
            took = (time.perf_counter() - t0) * 1000
            if resp.status_code != 200:
                errors += 1
                continue
            out[page].append(took)
    return errors


async def _load(
    base: str, tokens: list[str], seconds: float, think: float
) -> tuple[dict[str, list[float]], int]:
    out: dict[str, list[float]] = {p: [] for p in PAGES}
    until = time.monotonic() + seconds
    errors = await asyncio.gather(
        *(_user(base, tok, until, random.Random(i), out, think) for i, tok in enumerate(tokens))
    )
    return out, sum(errors)


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def _run(url: str, args: argparse.Namespace, workers: int, var: Path) -> None:
    proc = _serve(url, args.port, workers, var)
    base = f"http://127.0.0.1:{args.port}"
    try:
        tokens = []
        for i in range(args.users):
            r = httpx.post(
                f"{base}/api/auth/token",
                json={"username": f"bench-admin-{i}", "password": PASSWORD},
                timeout=60,
            )
            r.raise_for_status()
            tokens.append(r.json()["access_token"])
        for page in PAGES:  # warm each worker's caches a little
            httpx.get(base + page, headers={"Authorization": f"Bearer {tokens[0]}"}, timeout=60)
        t0 = time.monotonic()
        samples, errors = asyncio.run(_load(base, tokens, args.seconds, args.think))
        elapsed = time.monotonic() - t0
        load = os.getloadavg()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    total = sum(len(s) for s in samples.values())
    every = [x for s in samples.values() for x in s]
    print(
        f"\n== {workers} worker(s), {args.users} users, think {args.think:g} s, {elapsed:.0f} s: "
        f"{total / elapsed:.1f} req/s, errors {errors}, "
        f"p50 {statistics.median(every):.0f} ms, p95 {_pct(every, 0.95):.0f} ms, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(f"{'page':32} {'n':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for page, s in samples.items():
        if s:
            print(f"{page:32} {len(s):6} {statistics.median(s):8.0f} {_pct(s, 0.95):8.0f}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--think", type=float, default=0.0, help="Mean seconds between pages.")
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--enterprises", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--url", default=os.environ.get("BIOPARK_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="Keep the filled database.")
    parser.add_argument("--reuse", help="Name of a database kept by --keep (no filling).")
    args = parser.parse_args()
    base = make_url(args.url)
    name = args.reuse or f"biopark_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not args.reuse:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"PostgreSQL not reachable at {args.url}: {exc.__class__.__name__}; skipped")
        return 0
    url = base.set(database=name).render_as_string(hide_password=False)
    var = Path(os.environ.get("TMPDIR", "/tmp")) / name
    var.mkdir(parents=True, exist_ok=True)
    try:
        if not args.reuse:
            t0 = time.perf_counter()
            _fill(url, args.projects, args.enterprises, args.requests)
            _admins(url, args.users)
            print(
                f"filled {args.enterprises} enterprises, {args.projects} projects, "
                f"{args.requests} requests in {time.perf_counter() - t0:.1f} s"
            )
        for workers in (int(w) for w in args.workers.split(",")):
            _run(url, args, workers, var)
    finally:
        if args.keep or args.reuse:
            print(f"database kept: {name}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
