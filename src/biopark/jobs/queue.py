"""The task queue: the only module that knows huey exists.

BIOPARK_QUEUE_URL empty -> SqliteHuey in <var_dir>/jobs.db (embedded, nothing to install);
redis://host:port/db -> RedisHuey, shared by `biopark worker` processes on several machines.
Every scheduled job is a periodic huey task that calls `runs.execute`, which claims the
(job, period) row first: with several schedulers enqueuing the same tick, one run wins.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from biopark.config import Settings, get_settings
from biopark.db import session_scope
from biopark.jobs import runs, tasks
from biopark.jobs.service import JOBS
from biopark.kit.dates import now_utc

RETRIES = 2
RETRY_DELAY = 30


def make_huey(settings: Settings) -> Huey:
    """The huey instance the settings describe."""
    url = settings.queue_url.strip()
    if not url:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(
            settings.queue_name,
            filename=str((settings.var_dir / "jobs.db").resolve()),
            results=False,
        )
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(settings.queue_name, url=url, results=False)
    raise ValueError(f"BIOPARK_QUEUE_URL must be empty or redis://…, not {url!r}")


@lru_cache
def queue() -> Huey:
    """The process-wide huey with every job registered (periodic and on demand)."""
    huey = make_huey(get_settings())

    @huey.task(retries=RETRIES, retry_delay=RETRY_DELAY, name="run_job")
    def run_job(name: str, period: str | None = None) -> None:
        runs.execute(name, period=period)

    @huey.task(retries=RETRIES, retry_delay=RETRY_DELAY, name="run_task")
    def run_task(task_id: int) -> None:
        tasks.execute(task_id)

    huey.run_job = run_job  # type: ignore[attr-defined]
    huey.run_task = run_task  # type: ignore[attr-defined]
    for job in JOBS.values():
        _periodic(huey, job.name, job.cron)
    return huey


def _periodic(huey: Huey, name: str, cron: dict[str, str]) -> None:
    def tick() -> None:
        runs.execute(name)

    huey.periodic_task(
        crontab(**cron), retries=RETRIES, retry_delay=RETRY_DELAY, name=f"periodic_{name}"
    )(tick)


def enqueue(name: str, *, period: str | None = None) -> Any:
    """Put one run of a job on the queue (a worker picks it up)."""
    runs.get_job(name)
    return queue().run_job(name, period)  # type: ignore[attr-defined]


def enqueue_task(task_id: int) -> Any:
    """Hand one background task (an upload) to a worker."""
    return queue().run_task(task_id)  # type: ignore[attr-defined]


def requeue_abandoned() -> list[int]:
    """Enqueue tasks no worker holds any more (killed worker, lost message); claims dedupe."""
    lease = timedelta(seconds=get_settings().job_lease_seconds)
    with session_scope(read_only=True) as session:
        ids = tasks.abandoned(session, now=now_utc(), lease=lease)
    for task_id in ids:
        enqueue_task(task_id)
    return ids


def consumer(*, workers: int = 2, periodic: bool = True) -> Consumer:
    """A huey consumer for `biopark worker` (threads; periodic scheduling built in)."""
    return queue().create_consumer(
        workers=workers, worker_type="thread", periodic=periodic, check_worker_health=True
    )
