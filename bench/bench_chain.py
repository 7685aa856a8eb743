"""Chain and pipeline timings: pure gap scoring on a large taxonomy, and the demo park's
map, gap list, link detail and funnel against a fresh SQLite database.

Usage: .venv/bin/python bench/bench_chain.py [--links N] [--firms N] [--repeat N] [--docs N]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from biopark.chain import graph


def _timed(label: str, fn: Callable[[], Any], repeat: int) -> None:
    fn()
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    ms = (time.perf_counter() - start) / repeat * 1000
    print(f"{label:<46} {ms:9.2f} ms")


def _pure(links: int, firms: int, repeat: int) -> None:
    rng = random.Random(7)
    specs = [graph.LinkSpec(s, s, s) for s in graph.STREAMS]
    for i in range(links):
        parent = specs[rng.randrange(len(specs))]
        needs = tuple(f"l{j}" for j in rng.sample(range(i), min(i, 2))) if i else ()
        specs.append(
            graph.LinkSpec(
                f"l{i}",
                f"环节{i}",
                parent.stream,
                parent=parent.code,
                needs=needs,
                needs_leader=i % 3 == 0,
            )
        )
    tree = graph.build_tree(specs)
    leaves = tree.leaves()
    placements: dict[str, list[graph.Placed]] = {}
    for n in range(firms):
        placements.setdefault(rng.choice(leaves), []).append(
            graph.Placed(n, f"企业{n}", n % 9 == 0)
        )
    _timed(f"build_tree ({len(specs)} links)", lambda: graph.build_tree(specs), repeat)
    _timed(
        f"score_tree ({len(specs)} links, {firms} placements)",
        lambda: graph.score_tree(tree, placements),
        repeat,
    )


def _database(repeat: int, docs: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-chain-"))
    url = f"sqlite:///{tmp}/bench.db"
    os.environ["BIOPARK_DATABASE_URL"] = url
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from biopark import migrate
    from biopark.accounts.models import Role, User
    from biopark.chain import gaps, service
    from biopark.db import make_engine
    from biopark.demo.service import load_demo
    from biopark.pipeline import service as pipeline

    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        start = time.perf_counter()
        park = load_demo(session, password="bench-password-1").park
        session.commit()
        print(f"{'demo load (first time)':<46} {(time.perf_counter() - start) * 1000:9.2f} ms")
        _timed("demo load again (idempotent)", lambda: load_demo(session, password="x" * 12), 3)
        leader = session.scalar(select(User).where(User.role == Role.leader))
        assert leader is not None
        link = service.overview(session, park_id=park.id).links["antibody"]
        _timed(
            "chain overview (map, 20 links)",
            lambda: service.overview_for(session, user=leader),
            repeat,
        )
        _timed("gap list with candidates", lambda: gaps.gap_list(session, user=leader), repeat)
        _timed(
            "link detail (antibody)",
            lambda: service.link_detail(session, user=leader, link_id=link.id),
            repeat,
        )
        _timed("cluster view", lambda: gaps.cluster_view(session, user=leader), repeat)
        _timed(
            "funnel park + city",
            lambda: (
                pipeline.funnel(session, park_id=park.id),
                pipeline.funnel(session, park_id=park.id, scope="city"),
            ),
            repeat,
        )
        _timed("timeline (100)", lambda: pipeline.timeline(session, user=leader), repeat)
        _timed(
            "project counts per link",
            lambda: service.project_counts(session, park_id=park.id),
            repeat,
        )
        _news(session, park.id, leader, docs)
    engine.dispose()


def _news(session: Any, park_id: int, leader: Any, docs: int) -> None:
    """Candidates from the news once the park has `docs` more articles naming outside firms."""
    from biopark.chain import gaps, news
    from biopark.intel.service.ingest import Linker, ingest_bytes

    topics = ("抗体药物", "ADC药物", "CDMO产能", "细胞治疗", "医疗器械", "疫苗", "原料药", "多肽")
    linker = Linker.for_park(session, park_id=park_id)
    start = time.perf_counter()
    for i in range(docs):
        topic = topics[i % len(topics)]
        text = (
            f"第{i}号企业动态\n\n2026年3月{i % 28 + 1}日 来源：基准测试\n\n"
            f"2026年3月{i % 28 + 1}日，示例{i % 150}号生物科技有限公司宣布扩建{topic}生产线，"
            f"与示例{(i * 7) % 150}号医药有限公司签署合作协议。\n"
        )
        ingest_bytes(
            session, park_id=park_id, origin=f"bench:{i}", data=text.encode(), linker=linker
        )
    ms = (time.perf_counter() - start) / docs * 1000
    print(f"{f'ingest {docs} articles (per article)':<46} {ms:9.2f} ms")
    found = news.leads(session, park_id=park_id)
    print(f"{'news companies (not registered)':<46} {len(found):9d}")
    _timed("news leads (context of every company)", lambda: news.leads(session, park_id=park_id), 3)
    _timed("gap list with news candidates", lambda: gaps.gap_list(session, user=leader), 10)


def main() -> None:
    """Print the timings."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--links", type=int, default=2000)
    ap.add_argument("--firms", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--docs", type=int, default=300)
    args = ap.parse_args()
    _pure(args.links, args.firms, args.repeat)
    _database(args.repeat, args.docs)


if __name__ == "__main__":
    main()
