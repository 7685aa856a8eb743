"""Job runs: claim a (job, period) row before running, so a period runs once across workers.

A run whose worker died (no heartbeat for the lease) or that failed is taken over by the next
attempt; the job's effects carry dedupe keys, so running it again changes nothing twice.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from biopark.config import get_settings
from biopark.db import session_scope
from biopark.errors import NotFound
from biopark.jobs.models import DONE, FAILED, RUNNING, JobRun
from biopark.jobs.service import JOBS, Job
from biopark.kit.dates import now_utc

WORKER = f"{socket.gethostname()}:{os.getpid()}"


def get_job(name: str) -> Job:
    """The job of that name."""
    job = JOBS.get(name)
    if job is None:
        raise NotFound(
            f"没有这个任务：{name}（可选：{'、'.join(JOBS)}）", en=f"Unknown job: {name}"
        )
    return job


def claim(
    session: Session,
    *,
    job: str,
    period: str,
    now: datetime,
    worker: str = WORKER,
    lease: timedelta | None = None,
) -> JobRun | None:
    """Insert the period's run, or take over a failed or abandoned one; None if it is taken."""
    lease = lease or timedelta(seconds=get_settings().job_lease_seconds)
    run = JobRun(
        job=job,
        period=period,
        status=RUNNING,
        attempts=1,
        worker=worker,
        started_at=now,
        heartbeat_at=now,
    )
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
        return run
    except IntegrityError:
        pass
    result = session.execute(
        update(JobRun)
        .where(
            JobRun.job == job,
            JobRun.period == period,
            or_(
                JobRun.status == FAILED,
                (JobRun.status == RUNNING) & (JobRun.heartbeat_at < now - lease),
            ),
        )
        .values(
            status=RUNNING,
            attempts=JobRun.attempts + 1,
            worker=worker,
            heartbeat_at=now,
            error=None,
        )
        .execution_options(synchronize_session=False)
    )
    if int(result.rowcount or 0) != 1:  # type: ignore[attr-defined]
        return None
    return session.scalar(
        select(JobRun)
        .where(JobRun.job == job, JobRun.period == period)
        .execution_options(populate_existing=True)
    )


def finish(session: Session, *, run_id: int, result: dict[str, Any], now: datetime) -> None:
    """Mark the run done with its result (in the job's own transaction)."""
    session.execute(
        update(JobRun)
        .where(JobRun.id == run_id)
        .values(
            status=DONE,
            finished_at=now_utc(),
            heartbeat_at=now_utc(),
            result=json.dumps(result, ensure_ascii=False, default=str)[:4000],
        )
        .execution_options(synchronize_session=False)
    )


class Heartbeat:
    """Refreshes a running row's heartbeat (a JobRun or a BackgroundTask) from a thread
    while the work goes on, so that its lease is not taken over."""

    def __init__(self, row_id: int, interval: float, model: Any = JobRun) -> None:
        self.row_id = row_id
        self.interval = interval
        self.model = model
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                with session_scope() as s:
                    s.execute(
                        update(self.model)
                        .where(self.model.id == self.row_id, self.model.status == RUNNING)
                        .values(heartbeat_at=now_utc())
                    )
            except Exception:
                continue

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass(frozen=True)
class Outcome:
    job: str
    period: str
    status: str
    result: dict[str, Any] | None = None


def execute(name: str, *, now: datetime | None = None, period: str | None = None) -> Outcome:
    """Run a job for its period once: claim, run with a heartbeat, record; used by the queue."""
    job = get_job(name)
    now = now or now_utc()
    period = period or job.period(now)
    with session_scope() as session:
        run = claim(session, job=name, period=period, now=now)
    if run is None:
        return Outcome(name, period, "skipped")
    beat = max(1.0, get_settings().job_lease_seconds / 3)
    try:
        with Heartbeat(run.id, beat), session_scope() as session:
            result = job.run(session, now=now)
            # Effects and the done mark commit together: a run is never done without them.
            finish(session, run_id=run.id, result=result, now=now)
    except Exception as exc:
        with session_scope() as session:
            session.execute(
                update(JobRun)
                .where(JobRun.id == run.id)
                .values(
                    status=FAILED,
                    finished_at=now_utc(),
                    error="".join(traceback.format_exception_only(exc))[:4000],
                )
            )
        raise
    return Outcome(name, period, DONE, result)


@dataclass(frozen=True)
class JobStatus:
    name: str
    schedule: str
    description: str
    last: JobRun | None
    runs: int


def status(session: Session) -> list[JobStatus]:
    """Each job with its schedule and its latest run."""
    counts = dict(
        session.execute(select(JobRun.job, func.count()).group_by(JobRun.job)).tuples().all()
    )
    out = []
    for job in JOBS.values():
        last = session.scalar(
            select(JobRun).where(JobRun.job == job.name).order_by(JobRun.started_at.desc()).limit(1)
        )
        out.append(
            JobStatus(job.name, job.schedule, job.description, last, counts.get(job.name, 0))
        )
    return out
