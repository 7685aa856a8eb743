"""Policy matching throughput: pure rule evaluation, and a whole park through the database.

Usage: .venv/bin/python bench/bench_policies.py [--enterprises N]
Builds N enterprises with random attributes and the demo policy library
(14 policies), then times (1) rules.evaluate + classify over every pair in
memory and (2) service.match_park on a fresh SQLite database.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from biopark import migrate
from biopark.db import make_engine
from biopark.enterprises.models import (
    CLUSTERS,
    POOLS,
    REVENUE_BANDS,
    TAGS,
    Enterprise,
    EnterprisePool,
)
from biopark.parks.models import Park
from biopark.policies import rules, service
from biopark.policies.demo import POLICIES
from biopark.policies.schemas import PolicyCreate

TODAY = date(2026, 11, 21)


def _facts(rng: random.Random) -> rules.Facts:
    def maybe(value: object) -> object:
        return None if rng.random() < 0.15 else value

    return rules.Facts(
        as_of=TODAY,
        registered_capital=maybe(Decimal(rng.randint(1, 50000)) * 10000),  # type: ignore[arg-type]
        rd_spending=maybe(Decimal(rng.randint(0, 30000)) * 10000),  # type: ignore[arg-type]
        employees=maybe(rng.randint(5, 3000)),  # type: ignore[arg-type]
        founded_on=maybe(date(rng.randint(1990, 2025), rng.randint(1, 12), 1)),  # type: ignore[arg-type]
        cluster=rng.choice(CLUSTERS),
        revenue_band=rng.choice(REVENUE_BANDS),
        park="cq-biocity",
        district="巴南区",
        tags=frozenset(rng.sample(TAGS, rng.randint(0, 3))),
        pools=frozenset(rng.sample(POOLS, rng.randint(0, 2))),
        chain_links=maybe(frozenset({"抗体药物"})),  # type: ignore[arg-type]
    )


def bench_pure(n: int) -> None:
    rng = random.Random(7)
    nodes = [rules.parse(PolicyCreate.model_validate(p).conditions) for p in POLICIES]
    facts = [_facts(rng) for _ in range(n)]
    start = time.perf_counter()
    counts: dict[str, int] = {}
    for f in facts:
        for node in nodes:
            verdict = rules.classify(rules.evaluate(node, f)).verdict
            counts[verdict.value] = counts.get(verdict.value, 0) + 1
    elapsed = time.perf_counter() - start
    pairs = n * len(nodes)
    print(f"pure: {pairs} pairs in {elapsed:.3f}s = {pairs / elapsed:,.0f} pairs/s  {counts}")


def bench_db(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        from sqlalchemy.orm import Session

        rng = random.Random(11)
        with Session(engine) as session:
            park = Park(code="bench", name="基准园区", district="巴南区")
            session.add(park)
            session.flush()
            for i in range(n):
                f = _facts(rng)
                ent = Enterprise(
                    park_id=park.id,
                    name=f"重庆基准生物医药有限公司{i}",
                    registered_capital=f.registered_capital,
                    rd_spending=f.rd_spending,
                    employees=f.employees,
                    founded_on=f.founded_on,
                    cluster=f.cluster,
                    tags=sorted(f.tags),
                    chain_links=sorted(f.chain_links or ()),
                )
                session.add(ent)
                session.flush()
                for pool in f.pools:
                    session.add(
                        EnterprisePool(
                            park_id=park.id,
                            enterprise_id=ent.id,
                            pool=pool,
                            entered_on=date(2020, 1, 1),
                        )
                    )
            for raw in POLICIES:
                service.create_policy(
                    session, park_id=park.id, actor=None, data=PolicyCreate.model_validate(raw)
                )
            session.commit()
            start = time.perf_counter()
            matches = service.match_park(session, park=park, as_of=TODAY)
            elapsed = time.perf_counter() - start
        engine.dispose()
    print(
        f"match_park: {n} enterprises x {len(POLICIES)} policies in {elapsed:.3f}s ({len(matches)} shown)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=2000)
    args = parser.parse_args()
    bench_pure(args.enterprises * 5)
    bench_db(args.enterprises)


if __name__ == "__main__":
    main()
