"""A real `biopark worker` killed with -9 in the middle of an intel batch, then a new one.

SQLite database and SQLite queue in a temp var dir, as the embedded default runs them. Each
document slows down by BIOPARK_JOB_SLOW_SECONDS so the kill lands between documents.
Afterwards: every document is stored exactly once and nothing is half-written.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from biopark import migrate
from biopark.accounts.models import Role
from biopark.intel.models import IntelDocument
from biopark.jobs import tasks
from biopark.jobs.models import BackgroundTask
from tests.builders import make_park, make_user
from tests.intel.builders import demo_bytes

pytestmark = pytest.mark.slow
PREFIXES = ("01", "04", "05", "06", "07", "03")


def _wait(predicate: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_kill_9_mid_batch_keeps_finished_documents_and_a_new_worker_finishes(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'biopark.db'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        park = make_park(session)
        analyst = make_user(session, park, Role.analyst)
        files = [(f"{p}.txt", demo_bytes(p)) for p in PREFIXES]
        task_id = tasks.submit(
            session, user=analyst, kind="intel_batch", files=files, var_dir=tmp_path
        ).id
        park_id = park.id
        session.commit()
    env = {
        **os.environ,
        "BIOPARK_DATABASE_URL": url,
        "BIOPARK_VAR_DIR": str(tmp_path),
        "BIOPARK_QUEUE_URL": "",
        "BIOPARK_JOB_SLOW_SECONDS": "1.5",
        "BIOPARK_JOB_LEASE_SECONDS": "3",
        "BIOPARK_JOBS_INLINE": "false",
    }
    cmd = [sys.executable, "-m", "biopark", "worker", "--workers", "1", "--no-periodic"]
    subprocess.run(
        [sys.executable, "-c", f"from biopark.jobs import queue; queue.enqueue_task({task_id})"],
        env=env,
        check=True,
    )

    def task() -> BackgroundTask:
        with Session(engine) as s:
            row = s.get(BackgroundTask, task_id)
            assert row is not None
            return row

    def stored() -> list[str]:
        with Session(engine) as s:
            return list(
                s.scalars(
                    select(IntelDocument.content_hash).where(IntelDocument.park_id == park_id)
                )
            )

    first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    second = None
    try:
        _wait(lambda: task().done >= 2, 60, "two documents")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed = task()
        assert killed.status == "running" and 2 <= killed.done < len(PREFIXES)
        # Committed documents and committed progress match: nothing half-written.
        assert len(stored()) == killed.done == len(json.loads(killed.result or "")["items"])
        second = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        finished = _wait(lambda: (t := task()).status == "done" and t, 90, "the new worker")
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
    assert finished.attempts == 2 and finished.done == len(PREFIXES)
    items = json.loads(finished.result or "")["items"]
    assert [i["file"] for i in items] == [f"{p}.txt" for p in PREFIXES]
    assert all(i["status"] == "new" for i in items)
    hashes = stored()
    assert len(hashes) == len(set(hashes)) == len(PREFIXES)
    with Session(engine) as s:
        empty = s.scalar(
            select(func.count())
            .select_from(IntelDocument)
            .where(IntelDocument.park_id == park_id, func.length(IntelDocument.text) == 0)
        )
    assert empty == 0
