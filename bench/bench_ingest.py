"""Ingest rate as the database grows: docs/s at 1k, 10k (and 100k) stored documents.

Usage:
  .venv/bin/python bench/bench_ingest.py [--database URL] [--sizes 1000 10000] [--large]
      [--jobs 1 2] [--sample 400] [--chunk 20] [--repeat 3]

The documents are generated from this file's own templates (companies, drugs, amounts
and dates varied; one in eight is a repost of an earlier story with other chrome and
edits, so the clustering works as it does on real news). The database is filled to
each size with the fastest --jobs setting, then a fresh sample of --sample documents
is ingested with each --jobs value through the same path as `biopark intel ingest`
(process pool, chunked commits) and timed, in a process of its own as a
`biopark intel ingest` run would be (the filling process's heap and caches are not
the sample's). The database is copied as filled to each size; each sample starts from
the copy of its size. Each setting is sampled --repeat times, going round the sizes:
on a shared 2-core machine a single 400-document run varied by ±15 %, and the speed
of the machine drifts over the minutes a bench takes, so the figures are medians
taken over the same minutes. --large adds 100,000. Without --database a new SQLite
file is used; a PostgreSQL URL gets a fresh database `bench_ingest` (and a copy per
size while the bench runs). The median rate at the largest size over the median rate
at the smallest is the flatness figure (goal ≥ 0.8); the median of each round's own
ratio is printed beside it, since the sizes of one round run within the same minutes.

Each fill step is also a continuous run, as a long ingest sees the corpus grow: the
bench prints its rate over the last --sample documents before each size, once the
run's start is behind it, and the ratio of those rates (when the smallest fill holds
more than --sample documents). A sample is a fresh run on a copy, so its rate
includes reading what that run meets for the first time; a long run has most of it
in hand already.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CITIES = ["成都", "重庆", "苏州", "杭州", "武汉", "广州", "南京", "合肥", "西安", "天津"]
STEMS = ["康", "瑞", "恒", "泽", "晟", "宁", "华", "博", "安", "诺", "信", "源", "迈", "德", "和"]
ENDINGS = ["生物", "医药", "药业", "生物科技", "生物医药"]
INVESTORS = ["红杉", "高远", "启明", "礼来亚洲", "北极光", "松禾", "元禾", "深创投", "国投创新"]
STAGES = ["天使轮", "A轮", "A+轮", "B轮", "C轮", "Pre-IPO轮"]
TARGETS = ["PD-1", "HER2", "CLDN18.2", "KRAS G12C", "GLP-1", "TROP2", "BCMA", "IL-17A"]
TEMPLATES = [
    (
        "{company}完成{stage}融资",
        "{month}月{day}日，{city}{company}宣布完成{amount}亿元{stage}融资，由{inv1}领投，"
        "{inv2}跟投。本轮资金将用于{target}靶点候选药物{code}的临床研究及生产基地建设。\n"
        "公司成立于{year}年，目前拥有员工{staff}人，其中研发人员占比{share}%。"
        "{company}表示，{code}有望在明年进入II期临床。\n"
        "业内人士认为，{target}赛道竞争激烈，但差异化设计仍有空间。",
    ),
    (
        "{company}的{code}获批开展临床试验",
        "{month}月{day}日，国家药监局药品审评中心公示，{company}自主研发的1类新药{code}"
        "获得临床试验默示许可，拟用于治疗晚期实体瘤。{code}是一款靶向{target}的抗体偶联药物。\n"
        "此前，{company}已在{city}建成{area}平方米的中试车间，年产能可达{capacity}批次。\n"
        "公司去年营业收入{revenue}亿元，同比增长{growth}%。",
    ),
    (
        "{company}与{partner}达成授权合作",
        "{company}今日宣布与{partner}签署独家授权协议，将{code}在大中华区以外的权益授予对方。"
        "根据协议，{company}将获得{upfront}亿美元首付款，以及最高{total}亿美元的里程碑付款。\n"
        "{code}目前处于II期临床阶段，针对{target}阳性患者。"
        "双方预计在{year}年提交上市申请。\n"
        "截至{month}月底，{company}在研管线共有{pipeline}个项目。",
    ),
]
CHROME = ["（来源：{city}日报）", "责任编辑：{editor}", "【打印】【关闭】", "原标题：{title}"]


def _company(rng: random.Random) -> str:
    return rng.choice(CITIES) + "".join(rng.sample(STEMS, 2)) + rng.choice(ENDINGS)


def _story(rng: random.Random, n: int) -> tuple[str, str]:
    title_t, body_t = TEMPLATES[n % len(TEMPLATES)]
    values = {
        "company": _company(rng),
        "partner": _company(rng),
        "city": rng.choice(CITIES),
        "stage": rng.choice(STAGES),
        "inv1": rng.choice(INVESTORS),
        "inv2": rng.choice(INVESTORS),
        "target": rng.choice(TARGETS),
        "code": f"{rng.choice('ABCDHJKQXZ')}{rng.choice('BCKMRSTY')}-{rng.randint(100, 9999)}",
        "month": rng.randint(1, 12),
        "day": rng.randint(1, 28),
        "year": rng.randint(2015, 2027),
        "amount": f"{rng.randint(1, 30)}.{rng.randint(0, 9)}",
        "upfront": f"{rng.randint(1, 9)}.{rng.randint(0, 9)}",
        "total": rng.randint(10, 90),
        "staff": rng.randint(40, 2000),
        "share": rng.randint(20, 80),
        "area": rng.randint(2, 60) * 1000,
        "capacity": rng.randint(10, 400),
        "revenue": f"{rng.randint(1, 80)}.{rng.randint(10, 99)}",
        "growth": rng.randint(3, 150),
        "pipeline": rng.randint(3, 40),
    }
    return title_t.format(**values), body_t.format(**values)


def generate(folder: Path, start: int, count: int, seed: int) -> None:
    """Write `count` documents numbered from `start`; every eighth reposts an earlier one."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed * 1_000_003 + start)
    recent: list[tuple[str, str]] = []
    for n in range(start, start + count):
        if n % 8 == 7 and recent:
            title, body = rng.choice(recent)
            paras = body.split("\n")
            body = "\n".join(paras[1:] if len(paras) > 2 and rng.random() < 0.5 else paras)
            body = body.replace("，", ",", rng.randint(0, 3))
        else:
            title, body = _story(rng, n)
            recent = [*recent, (title, body)][-50:]
        chrome = rng.choice(CHROME).format(
            city=rng.choice(CITIES), editor="王" + rng.choice(STEMS), title=title
        )
        text = f"{title}\n{2020 + n % 7}-{n % 12 + 1:02d}-{n % 28 + 1:02d}\n{body}\n{chrome}\n"
        (folder / f"d{n:07d}.txt").write_text(text, encoding="utf-8")


def _on_database(url: str, name: str) -> str:
    """The same server's URL for database `name`."""
    return url.rsplit("/", 1)[0] + "/" + name


def _admin(url: str, *statements: str) -> None:
    """Run statements on the server's `postgres` database, each outside a transaction."""
    from sqlalchemy import create_engine, text

    admin = create_engine(_on_database(url, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        admin.dispose()


def _prepare_database(url: str | None, var: Path) -> str:
    if url and url.startswith("postgresql"):
        _admin(
            url, "DROP DATABASE IF EXISTS bench_ingest WITH (FORCE)", "CREATE DATABASE bench_ingest"
        )
        return _on_database(url, "bench_ingest")
    return url or f"sqlite:///{var / 'bench.db'}"


def _snapshot(url: str, var: Path, size: int, *, restore: bool) -> None:
    """Copy the database filled to `size` aside, or (restore) put that copy in its place.

    SQLite: the file (checkpointed first) and the search index. PostgreSQL: a database
    made from the other as its template. A restored copy is written to disk before the
    sample starts; otherwise the sample's final sync wrote it (0.4–1 s at 100,000
    documents on PostgreSQL) and its writeback competed with the sample.
    """
    from biopark.db import get_engine

    if not restore:
        _settle()
    get_engine().dispose()
    if url.startswith("postgresql"):
        live, copy = "bench_ingest", f"bench_ingest_{size}"
        source, target = (copy, live) if restore else (live, copy)
        _admin(
            url,
            f"DROP DATABASE IF EXISTS {target} WITH (FORCE)",
            f"CREATE DATABASE {target} TEMPLATE {source} STRATEGY FILE_COPY",
            "CHECKPOINT",
        )
        os.sync()  # the copy is on disk before the sample starts: its writes are not the sample's
        return
    copy_dir = var / f"filled{size}"
    if not restore:
        shutil.rmtree(copy_dir, ignore_errors=True)
        copy_dir.mkdir()
        shutil.copy2(var / "bench.db", copy_dir / "bench.db")
        if (var / "index").exists():
            shutil.copytree(var / "index", copy_dir / "index")
        return
    for leftover in ("bench.db-wal", "bench.db-shm"):
        (var / leftover).unlink(missing_ok=True)
    shutil.copy2(copy_dir / "bench.db", var / "bench.db")
    shutil.rmtree(var / "index", ignore_errors=True)
    if (copy_dir / "index").exists():
        shutil.copytree(copy_dir / "index", var / "index")
    os.sync()


def _drop_copies(url: str, sizes: list[int]) -> None:
    """Drop the PostgreSQL copies of each size (bench_ingest itself stays)."""
    if url.startswith("postgresql"):
        _admin(
            url, *(f"DROP DATABASE IF EXISTS bench_ingest_{size} WITH (FORCE)" for size in sizes)
        )


def _ingest(
    folder: Path, jobs: int, chunk: int, window: int = 0
) -> tuple[int, float, float, str, float]:
    """Ingest a folder into the bench park: documents, seconds, CPU seconds, where the
    time went (to the first stored chunk, a chunk's median, the end of the run, the
    final checkpoint), and docs/s over the run's last `window` documents."""
    from sqlalchemy import select

    from biopark.db import session_scope
    from biopark.intel.bulk import ingest_paths
    from biopark.intel.service.ingest import Linker
    from biopark.parks.models import Park

    def cpu() -> float:
        # This process and the pool's workers (counted once they have exited).
        own, kids = (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    with session_scope() as session:
        park_id = session.scalar(select(Park.id).where(Park.code == "bench"))
        linker = Linker.for_park(session, park_id=park_id)
    paths = sorted(str(p) for p in folder.iterdir())
    marks: list[float] = []
    counts: list[int] = []

    def stored(chunk_results: list[object]) -> None:
        marks.append(time.perf_counter())
        counts.append(len(chunk_results))

    start, cpu_start = time.perf_counter(), cpu()
    results = ingest_paths(
        paths,
        park_id=park_id,
        linker=linker,
        jobs=jobs,
        chunk=chunk,
        on_chunk=stored,
    )
    ended = time.perf_counter()
    _settle()  # the run's own pages written back count towards its time
    took, spent = time.perf_counter() - start, cpu() - cpu_start
    assert all(r.status == "new" for r in results), {r.status for r in results}
    steps = sorted(b - a for a, b in itertools.pairwise(marks)) or [0.0]
    phases = (
        f"first chunk {marks[0] - start:.2f} s, chunk p50 {steps[len(steps) // 2] * 1000:.0f} ms"
        f" max {steps[-1] * 1000:.0f} ms, end {ended - marks[-1]:.2f} s,"
        f" checkpoint {start + took - ended:.2f} s"
    )
    return len(results), took, spent, phases, _tail_rate(marks, counts, window)


def _tail_rate(marks: list[float], counts: list[int], window: int) -> float:
    """Docs/s over the chunks that stored the last `window` documents (0 if too few,
    or no window asked for).

    Timed from the end of the chunk before them to the end of the last, so the run's
    start (workers, imports, cold caches) is not in it: the rate a long-running ingest
    has once the corpus has reached this size.
    """
    docs = 0
    for i in range(len(counts) - 1, 0, -1) if window else ():
        docs += counts[i]
        if docs >= window:
            return docs / (marks[-1] - marks[i - 1])
    return 0.0


def _settle() -> None:
    """Write the WAL back into the SQLite file, and sync.

    A sample of 400 documents is shorter than SQLite's checkpoint interval (40 MB of
    WAL): without this a sample would pay for the checkpoint of the run before it
    instead of its own. Each run therefore ends with its own checkpoint, timed.
    """
    from biopark.db import get_engine

    engine = get_engine()
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    os.sync()


def _measure(folder: Path, jobs: int, chunk: int) -> tuple[int, float, float, str]:
    """Time one sample in a new process (the environment names the database)."""
    command = [sys.executable, __file__, "--measure", str(folder)]
    out = subprocess.run(
        [*command, "--jobs", str(jobs), "--chunk", str(chunk)],
        check=True,
        capture_output=True,
        text=True,
    )
    n, took, spent, phases, _ = json.loads(out.stdout.splitlines()[-1])
    return int(n), float(took), float(spent), str(phases)


def main() -> None:
    """Fill the database step by step and time a fresh sample at each size."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", default=None, help="SQLAlchemy URL (default: new SQLite).")
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--large", action="store_true", help="Also measure at 100,000 documents.")
    ap.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--sample", type=int, default=400)
    ap.add_argument("--chunk", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3, help="Samples of each setting at each size.")
    ap.add_argument("--keep", action="store_true", help="Keep the generated files and database.")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one sample, see _measure
    args = ap.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT / "src"))
        print(json.dumps(_ingest(args.measure, args.jobs[0], args.chunk)))
        return
    sizes = sorted(set(args.sizes + ([100_000] if args.large else [])))
    var = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    url = _prepare_database(args.database, var)
    os.environ["BIOPARK_DATABASE_URL"] = url
    os.environ["BIOPARK_VAR_DIR"] = str(var)
    sys.path.insert(0, str(ROOT / "src"))

    from biopark import migrate
    from biopark.db import session_scope
    from biopark.parks.schemas import ParkCreate
    from biopark.parks.service import create_park

    migrate.upgrade(url)
    with session_scope() as session:
        create_park(session, data=ParkCreate(code="bench", name="基准测试园区"))

    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"database: {kind}  sample: {args.sample}  chunk: {args.chunk}  cores: {os.cpu_count()}")
    stored = 0
    seed = 0
    fill_jobs = max(args.jobs)
    tails: dict[int, float] = {}
    for size in sizes:  # fill to each size with the fastest setting, and keep a copy
        seed += 1
        folder = var / f"fill{seed}"
        generate(folder, stored, size - stored, seed)
        n, took, _, _, tails[size] = _ingest(folder, fill_jobs, args.chunk, args.sample)
        stored += n
        shutil.rmtree(folder)
        tail = (
            f"; over its last {args.sample} documents {tails[size]:.1f} docs/s"
            if tails[size]
            else ""
        )
        print(f"  filled to {stored}: {n / took:.0f} docs/s with --jobs {fill_jobs}{tail}")
        _snapshot(url, var, size, restore=False)
    # The samples go round the sizes and settings, so that a slow spell of the machine
    # (which comes and goes over minutes here) hits every size alike.
    runs: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for _ in range(args.repeat):
        for size in sizes:
            for jobs in args.jobs:
                seed += 1
                folder = var / f"sample{seed}"
                generate(folder, 10_000_000 + seed * args.sample, args.sample, seed)
                _snapshot(url, var, size, restore=True)
                load = os.getloadavg()[0]
                n, took, spent, phases = _measure(folder, jobs, args.chunk)
                shutil.rmtree(folder)
                runs.setdefault((size, jobs), []).append((n / took, n / spent))
                print(
                    f"at {size:>7,} documents  --jobs {jobs}: {n / took:6.1f} docs/s"
                    f"  {n / spent:6.1f} docs per CPU-s (client)"
                    f"  ({n} in {took:.1f} s, load {load:.2f} before,"
                    f" {os.getloadavg()[0]:.2f} after)\n      {phases}"
                )
    rates = {key: statistics.median(r for r, _ in got) for key, got in runs.items()}
    cpu_rates = {key: statistics.median(c for _, c in got) for key, got in runs.items()}
    for (size, jobs), got in sorted(runs.items()):
        spread = ", ".join(f"{r:.1f}" for r, _ in got)
        print(f"  median at {size:>7,}, --jobs {jobs}: {rates[size, jobs]:6.1f} docs/s ({spread})")
    first, last = sizes[0], sizes[-1]
    for jobs in args.jobs:
        ratio = rates[last, jobs] / rates[first, jobs]
        cpu_ratio = cpu_rates[last, jobs] / cpu_rates[first, jobs]
        # Each round's own ratio too: the sizes of a round ran within a minute or two, so
        # a slow spell of the machine that lasts longer cancels out of it.
        paired = statistics.median(
            a / b for (a, _), (b, _) in zip(runs[last, jobs], runs[first, jobs], strict=True)
        )
        print(
            f"--jobs {jobs}: median rate at {last:,} / at {first:,} = {ratio:.2f} wall,"
            f" {cpu_ratio:.2f} per CPU-s; median of each round's ratio {paired:.2f}"
            "  (goal ≥ 0.8)"
        )
    if tails[first]:
        print(
            f"continuous fill, --jobs {fill_jobs}: rate over the last {args.sample} documents"
            f" before {last:,} / before {first:,} = {tails[last] / tails[first]:.2f}"
        )
    _drop_copies(url, sizes)
    if not args.keep:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
