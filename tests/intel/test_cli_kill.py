"""A killed ingest batch keeps its finished chunks, leaves nothing half-written, and resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.live import PASSWORD, server_env

ARTICLE = """<html><head><title>{company}签约入驻</title></head><body><article>
<h1>{company}与园区签约</h1>
<p>{n}月{day}日，{company}与重庆国际生物城签订投资协议，计划投资{amount}亿元建设创新药研发中心，
项目编号 K-{n:04d}。该公司负责人表示，将在{year}年内完成一期厂房建设，预计新增就业{jobs}人。</p>
<p>园区相关负责人介绍，今年以来已有多家生物医药企业落户，第{n}个项目的落地进一步完善了产业链。</p>
</article></body></html>"""


def _count(db: Path) -> tuple[int, int]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        ours = conn.execute(
            text(
                "SELECT count(*), count(DISTINCT origin) FROM intel_document WHERE origin LIKE :p"
            ),
            {"p": "%batch%"},
        ).one()
        empty = conn.execute(
            text(
                "SELECT count(*) FROM intel_document WHERE origin LIKE :p "
                "AND (text IS NULL OR text = '')"
            ),
            {"p": "%batch%"},
        ).scalar_one()
    engine.dispose()
    assert empty == 0
    return int(ours[0]), int(ours[1])


def _processes_on(folder: Path) -> list[int]:
    """Live processes whose command line names the folder (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(folder).encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_kill_9_mid_batch_keeps_finished_chunks_and_a_rerun_resumes(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    # Enough chunks that the kill lands well before the end, however fast ingest gets.
    total = 200
    for n in range(1, total + 1):
        company = f"测试{n}号生物医药有限公司"
        (folder / f"a{n:03d}.html").write_text(
            ARTICLE.format(
                company=company, n=n, day=n % 28 + 1, amount=n + 1, year=2026, jobs=n * 10
            ),
            encoding="utf-8",
        )
    env = server_env(tmp_path)
    cli = [sys.executable, "-m", "biopark"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*cli, "demo", "load", "--password", PASSWORD], env=env, check=True, capture_output=True
    )
    db = tmp_path / "biopark.db"
    proc = subprocess.Popen(
        [*cli, "intel", "ingest", str(folder), "--park", "cq-biocity"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        stored, _ = _count(db)
        if stored >= 20:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Its extraction workers notice and leave instead of waiting forever on their queue.
    gone_by = time.monotonic() + 10
    while _processes_on(folder) and time.monotonic() < gone_by:
        time.sleep(0.2)
    assert _processes_on(folder) == []
    kept, distinct = _count(db)
    assert 20 <= kept < total and kept % 20 == 0 and kept == distinct
    rerun = subprocess.run(
        [*cli, "intel", "ingest", str(folder), "--park", "cq-biocity"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert _count(db) == (total, total)
    assert f"新增 new: {total - kept}" in rerun.stdout + rerun.stderr
