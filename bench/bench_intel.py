"""Intelligence bench: ingest throughput into SQLite, search latency on 100k and 1M documents.

Synthetic documents are recombined from sentences written for this bench
(names and figures vary). Not part of `make test`.

    .venv/bin/python bench/bench_intel.py [--ingest N] [--sizes 100000,1000000] [--queries 300]

Ingest runs the whole stored pipeline (extract, simhash cluster lookup, fact
rows, audit) through intel.service.ingest_bytes, committing every 1000
documents. Search latency is measured on a tantivy index built directly from
pre-segmented sentences (segmenting 1M documents with rjieba is not what is
being timed), with the park filter and the same query construction the
service uses; at the ingested size the end-to-end service search (index +
database + snippets) is timed too.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from biopark.intel.index import Filters, IndexDoc, SearchIndex, index_terms, query_terms  # noqa: E402

COMPANIES = [
    "澄江生物",
    "青岚药业",
    "嘉木生物",
    "云渡医药",
    "松泽制药",
    "北辰细胞",
    "远帆生物",
    "禾川药业",
]
DRUGS = ["QL-101注射液", "JM-2208片", "YD-031胶囊", "SZ-7701注射液", "BC-CAR19", "YF-909单抗"]
PARKS = ["重庆国际生物城", "江城生物港", "东湖药谷", "滨海医药城"]
OUTLETS = ["巴渝财经网", "山城晨报", "西部医药观察", "园区发布", "长河新闻网"]
SENTENCES = [
    "{d}，{c}自主研发的{g}获得国家药品监督管理局药物临床试验批准通知书，拟用于治疗晚期实体瘤。",
    "{p}举行生物医药项目集中签约仪式，{n}个项目现场签约，协议投资额{m}亿元。",
    "{c}与海外药企签署授权协议，将获得{u}万美元首付款及最高{v}亿美元里程碑付款。",
    "今年以来，{p}累计引进创新药项目{n}个，到位资金{m}亿元，同比增长{r}%。",
    "{c}拟投资{m}亿元建设抗体药物产业化基地，项目占地约{a}亩，预计明年建成投产。",
    "{p}将建设生物医药中试公共服务平台，总投资{m}亿元，面向园区企业提供质量检测服务。",
    "区里印发支持创新药产业高质量发展若干措施，对获批临床的1类创新药给予最高{n}00万元奖励。",
    "{c}完成B轮融资{m}亿元，资金将用于{g}的二期临床研究和生产线建设。",
    "{c}的{g}上市许可申请获得受理，有望成为同类首个国产创新药。",
    "业内人士认为，细胞治疗和双抗药物是园区未来三年的重点发展方向。",
    "{p}已有{n}个创新药进入临床阶段，覆盖肿瘤、自身免疫病和代谢疾病等领域。",
    "{c}与高校共建联合实验室，围绕新靶点发现和药物递送开展合作研究。",
]


def _fill(rng: random.Random, template: str, day: date) -> str:
    return template.format(
        c=rng.choice(COMPANIES) + "有限公司" if rng.random() < 0.3 else rng.choice(COMPANIES),
        g=rng.choice(DRUGS),
        p=rng.choice(PARKS),
        d=f"{day.month}月{day.day}日",
        n=rng.randint(2, 40),
        m=rng.randint(2, 150),
        u=rng.randint(500, 9000),
        v=rng.randint(1, 9),
        r=rng.randint(3, 40),
        a=rng.randint(20, 400),
    )


def synthetic_article(rng: random.Random, n: int) -> bytes:
    """One plausible text snapshot: title, date line with source, 4-8 sentences."""
    day = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
    body = [_fill(rng, rng.choice(SENTENCES), day) for _ in range(rng.randint(4, 8))]
    title = body[0][:28].rstrip("，。") + f"（{n}）"
    text = f"{title}\n{day.isoformat()} 来源：{rng.choice(OUTLETS)}\n" + "\n".join(body) + "\n"
    return text.encode("utf-8")


def bench_ingest(n: int, work: Path) -> tuple[float, str]:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from biopark import migrate
    from biopark.db import make_engine
    from biopark.intel.models import IntelDocument
    from biopark.intel.service.ingest import Linker, ingest_bytes
    from biopark.parks.models import Park

    db_path = work / "bench.db"
    db_path.unlink(missing_ok=True)
    url = f"sqlite:///{db_path}"
    migrate.upgrade(url)
    engine = make_engine(url)
    rng = random.Random(7)
    docs = [synthetic_article(rng, i) for i in range(n)]
    # Every 10th document is a repost of an earlier one with a different masthead line.
    for i in range(10, n, 10):
        docs[i] = docs[i - 7].replace("来源：".encode(), "来源：转载 ".encode(), 1)
    start = time.perf_counter()
    with Session(engine) as session:
        park = Park(code="bench", name="基准园区")
        session.add(park)
        session.flush()
        linker = Linker.for_park(session, park_id=park.id)
        for i, data in enumerate(docs):
            ingest_bytes(session, park_id=park.id, origin=f"bench:{i}", data=data, linker=linker)
            if i % 1000 == 999:
                session.commit()
                done = i + 1
                rate = done / (time.perf_counter() - start)
                print(f"  ingested {done}/{n}  {rate:.0f} docs/s", file=sys.stderr, flush=True)
        session.commit()
        elapsed = time.perf_counter() - start
        stored = session.scalar(select(func.count()).select_from(IntelDocument))
        clustered = session.scalar(
            select(func.count())
            .select_from(IntelDocument)
            .where(IntelDocument.cluster_id != IntelDocument.id)
        )
    engine.dispose()
    return (
        elapsed,
        f"stored {stored}, in a repost cluster {clustered}, db {db_path.stat().st_size / 1e6:.0f} MB",
    )


def build_index(path: Path, n: int, parks: int = 3) -> float:
    """A tantivy index of n synthetic documents spread over a few parks; returns seconds."""
    rng = random.Random(11)
    pool: list[str] = []
    for _ in range(400):
        template = rng.choice(SENTENCES)
        pool.append(
            index_terms(
                _fill(rng, template, date(2025, 1, 1) + timedelta(days=rng.randint(0, 300)))
            )
        )
    shutil.rmtree(path, ignore_errors=True)
    index = SearchIndex(path)
    start = time.perf_counter()
    writer = index.index.writer(heap_size=512 * 1024 * 1024, num_threads=2)
    for i in range(n):
        k = 4 + (i % 5)
        body = " ".join(rng.choices(pool, k=k))
        SearchIndex.add(
            writer,
            IndexDoc(
                doc_id=i + 1,
                park_id=1 + i % parks,
                cluster_id=i + 1,
                published_at=date(2023, 1, 1) + timedelta(days=i % 1000),
                source=OUTLETS[i % len(OUTLETS)],
                title_terms=body[:60],
                body_terms=body,
                entities=[COMPANIES[i % len(COMPANIES)]],
                event_types=["clinical_approval" if i % 3 == 0 else "project_signing"],
                units=["CNY"],
            ),
        )
        if i % 200_000 == 199_999:
            print(f"  indexed {i + 1}/{n}", file=sys.stderr, flush=True)
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - start


QUERIES = [
    "创新药 临床",
    "签约 协议投资额",
    "授权 首付款",
    "中试 平台",
    "融资",
    "细胞治疗",
    "抗体 产业化",
    "上市许可",
    "奖励 措施",
    "里程碑",
]


def bench_search(path: Path, queries: int) -> tuple[float, float, float]:
    index = SearchIndex.open_if_exists(path)
    assert index is not None
    rng = random.Random(3)
    timings: list[float] = []
    for i in range(queries + 20):
        q = rng.choice(QUERIES)
        filters = Filters()
        if i % 3 == 0:
            filters = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
        if i % 5 == 0:
            filters = Filters(event_type="clinical_approval")
        t = time.perf_counter()
        index.search(park_id=1 + i % 3, terms=query_terms(q), filters=filters, limit=60)
        if i >= 20:  # the first queries warm the page cache
            timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], timings[-1]


def bench_service_search(work: Path, queries: int) -> tuple[float, float]:
    from sqlalchemy.orm import Session

    from biopark.accounts.models import Role, User
    from biopark.db import make_engine
    from biopark.intel.service.search import reindex, search

    engine = make_engine(f"sqlite:///{work / 'bench.db'}")
    with Session(engine) as session:
        t = time.perf_counter()
        n = reindex(session, path=work / "service-index")
        session.commit()
        print(f"  reindex of {n} stored documents: {time.perf_counter() - t:.1f} s", flush=True)
        index = SearchIndex.open_if_exists(work / "service-index")
        user = User(id=None, park_id=1, role=Role.analyst, username="bench", display_name="bench")
        timings = []
        for i in range(queries):
            t = time.perf_counter()
            search(session, user=user, query=QUERIES[i % len(QUERIES)], index=index, limit=20)
            timings.append((time.perf_counter() - t) * 1000)
    engine.dispose()
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ingest", type=int, default=100_000, help="documents to ingest (0 skips)")
    parser.add_argument("--sizes", default="100000,1000000", help="index sizes for search latency")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench-intel")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.ingest:
        seconds, note = bench_ingest(args.ingest, args.work)
        print(
            f"ingest {args.ingest} docs (SQLite, one process): {seconds:.1f} s = {args.ingest / seconds:.0f} docs/s; {note}"
        )
        p50, p95 = bench_service_search(args.work, min(args.queries, 200))
        print(
            f"service search at {args.ingest} docs (index + DB + snippets): p50 {p50:.1f} ms  p95 {p95:.1f} ms"
        )
    for size in (int(s) for s in args.sizes.split(",") if s):
        path = args.work / f"index-{size}"
        seconds = build_index(path, size)
        p50, p95, worst = bench_search(path, args.queries)
        print(
            f"index {size} docs: build {seconds:.1f} s; search p50 {p50:.1f} ms  p95 {p95:.1f} ms  max {worst:.1f} ms"
        )
        shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
