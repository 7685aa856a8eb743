"""Search p50/p95 on both backends, side by side: tantivy (SQLite) and PostgreSQL full-text.

Usage: .venv/bin/python bench/bench_search.py [--docs 100000] [--million] [--queries 200]
       [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

The same synthetic documents (bench_intel.py's sentences, recombined; pre-segmented
once per sentence, as segmenting every copy is not what is timed) are stored in a
SQLite file and in a scratch PostgreSQL database and indexed by each backend. Two
figures per backend: the backend's own query (ids and scores), and the whole service
search (backend + hits re-read from the database + snippets + facts + clusters), which
is what the API answers. --million adds a 1,000,000-document run.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench_intel import OUTLETS, QUERIES, SENTENCES, _fill
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BATCH = 5000


def _pool(rng: random.Random) -> list[tuple[str, str]]:
    from biopark.intel.index import index_terms

    out = []
    for _ in range(400):
        sentence = _fill(rng, rng.choice(SENTENCES), date(2025, 1, 1))
        out.append((sentence, index_terms(sentence)))
    return out


def _docs(n: int, start: int, pool: list[tuple[str, str]], rng: random.Random) -> list[Any]:
    rows = []
    for i in range(start, min(start + BATCH, n)):
        picked = rng.choices(pool, k=4 + i % 5)
        rows.append(
            {
                "id": i + 1,
                "park_id": 1,
                "origin": f"bench:{i}",
                "status": "ok",
                "title": picked[0][0][:40],
                "text": "".join(s for s, _ in picked),
                "published_at": date(2023, 1, 1) + timedelta(days=i % 1000),
                "source": OUTLETS[i % len(OUTLETS)],
                "ingested_by": "bench",
                "terms": " ".join(t for _, t in picked),
            }
        )
    return rows


def _fill_db(url: str, n: int, var: Path) -> float:
    """Store and index n documents; returns the indexing seconds."""
    from sqlalchemy.orm import Session

    from biopark import migrate
    from biopark.db import make_engine
    from biopark.intel.index import IndexDoc, SearchIndex
    from biopark.intel.models import IntelDocument
    from biopark.intel.service.backends import PostgresBackend, is_postgres
    from biopark.intel.service.search import index_path
    from biopark.kit.models import utcnow
    from biopark.parks.models import Park

    migrate.upgrade(url)
    engine = make_engine(url)
    rng = random.Random(11)
    pool = _pool(rng)
    took = 0.0
    with Session(engine) as session:
        session.add(Park(id=1, code="bench", name="基准园区"))
        session.flush()
        pg = is_postgres(session)
        tantivy = None if pg else SearchIndex.recreate(index_path(var))
        writer = tantivy.writer() if tantivy else None
        for start in range(0, n, BATCH):
            rows = _docs(n, start, pool, rng)
            now = utcnow()
            session.execute(
                insert(IntelDocument),
                [{k: v for k, v in r.items() if k != "terms"} | {"indexed_at": now} for r in rows],
            )
            items = [
                IndexDoc(
                    doc_id=r["id"],
                    park_id=1,
                    cluster_id=r["id"],
                    published_at=r["published_at"],
                    source=r["source"],
                    title_terms=r["terms"][:60],
                    body_terms=r["terms"],
                )
                for r in rows
            ]
            t = time.perf_counter()
            if pg:
                PostgresBackend().upsert(session, items)
            else:
                for item in items:
                    SearchIndex.add(writer, item)
            took += time.perf_counter() - t
            session.commit()
            if start % 100_000 == 0 and start:
                print(f"  stored {start}/{n}", file=sys.stderr, flush=True)
        if writer is not None:
            t = time.perf_counter()
            writer.commit()
            writer.wait_merging_threads()
            took += time.perf_counter() - t
    if pg:
        with engine.connect() as conn:
            conn.execute(text("SELECT setval('intel_document_id_seq', :n)"), {"n": n + 1})
            conn.commit()
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return took


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _time(url: str, var: Path, queries: int) -> tuple[list[float], list[float]]:
    from sqlalchemy.orm import Session

    from biopark.accounts.models import Role, User
    from biopark.db import make_engine
    from biopark.intel.index import Filters, query_terms
    from biopark.intel.service.backends import open_backend
    from biopark.intel.service.search import index_path, search

    engine = make_engine(url)
    user = User(id=None, park_id=1, role=Role.analyst, username="bench", display_name="bench")
    own: list[float] = []
    whole: list[float] = []
    with Session(engine) as session:
        backend = open_backend(session, path=index_path(var))
        assert backend is not None
        for i in range(queries + 10):
            q = QUERIES[i % len(QUERIES)]
            filters = Filters(date_from=date(2024, 1, 1)) if i % 3 == 0 else Filters()
            t = time.perf_counter()
            backend.search(session, park_id=1, terms=query_terms(q), filters=filters, limit=60)
            a = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            search(session, user=user, query=q, filters=filters, index=backend, limit=20)
            b = (time.perf_counter() - t) * 1000
            if i >= 10:  # the first queries warm the caches
                own.append(a)
                whole.append(b)
    engine.dispose()
    return own, whole


def _run(n: int, pg_base: str | None, queries: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="biopark-search-"))
    try:
        targets = [("tantivy (SQLite)", f"sqlite:///{work / 'bench.db'}", None)]
        if pg_base:
            name = f"biopark_search_{uuid.uuid4().hex[:8]}"
            targets.append(
                (
                    "PostgreSQL FTS",
                    make_url(pg_base).set(database=name).render_as_string(hide_password=False),
                    name,
                )
            )
        admin = create_engine(pg_base, isolation_level="AUTOCOMMIT") if pg_base else None
        for label, url, dbname in targets:
            if admin is not None and dbname:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{dbname}"'))
            try:
                took = _fill_db(url, n, work)
                own, whole = _time(url, work, queries)
                print(
                    f"{n:>9} {label:18} index {n / took:8.0f} docs/s   backend p50 "
                    f"{statistics.median(own):6.1f} p95 {_pct(own, 0.95):6.1f} ms   "
                    f"service p50 {statistics.median(whole):6.1f} p95 {_pct(whole, 0.95):6.1f} ms",
                    flush=True,
                )
            finally:
                if admin is not None and dbname:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        if admin is not None:
            admin.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    import os

    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="Also 1,000,000 documents.")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--url", default=os.environ.get("BIOPARK_BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    pg_base: str | None = args.url
    try:
        with create_engine(args.url, connect_args={"connect_timeout": 3}).connect():
            pass
    except Exception as exc:
        print(f"PostgreSQL not reachable at {args.url}: {type(exc).__name__}; tantivy only")
        pg_base = None
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for n in [args.docs] + ([1_000_000] if args.million else []):
        _run(n, pg_base, args.queries)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
