"""`biopark jobs list|run|enqueue` and the root `biopark worker` command."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.table import Table

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.kit.dates import format_local

app = typer.Typer(help="Scheduled jobs (定时任务) on the task queue.", no_args_is_help=True)
console = Console()


@app.command("list")
def list_jobs() -> None:
    """Each job with its schedule, last run and result."""
    from biopark.jobs import runs

    with session_scope() as session:
        rows = runs.status(session)
    table = Table(
        "job", "schedule", "last run", "status", "result", "runs", title="定时任务 / jobs"
    )
    for r in rows:
        last = r.last
        table.add_row(
            r.name,
            r.schedule,
            format_local(last.started_at) if last else "—",
            (last.status + (f" ×{last.attempts}" if last.attempts > 1 else "")) if last else "—",
            ((last.result or last.error or "")[:80]) if last else "",
            str(r.runs),
        )
    console.print(table)


@app.command("run")
def run_job(name: str = typer.Argument(..., help="Job name (see `biopark jobs list`).")) -> None:
    """Run one job now, in this process, and print its result."""
    from biopark.jobs import runs
    from biopark.kit.dates import now_utc

    try:
        now = now_utc()
        # A manual run gets its own period, so it runs even if the scheduled one already did.
        outcome = runs.execute(name, now=now, period="manual:" + now.isoformat(timespec="seconds"))
    except BioparkError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(2) from None
    typer.echo(
        json.dumps(
            {
                "job": outcome.job,
                "period": outcome.period,
                "status": outcome.status,
                "result": outcome.result,
            },
            ensure_ascii=False,
            default=str,
        )
    )


@app.command("enqueue")
def enqueue_job(
    name: str = typer.Argument(..., help="Job name."),
    period: str = typer.Option("", help="Period key (default: the current period)."),
) -> None:
    """Put one run of a job on the queue for a worker."""
    from biopark.jobs import queue

    try:
        queue.enqueue(name, period=period or None)
    except BioparkError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(2) from None
    typer.echo(f"已加入队列 / enqueued: {name}")


def _exit_with_parent() -> None:
    # uvicorn re-raises SIGTERM after its shutdown, so `serve` may die without stopping its
    # child: the embedded worker watches its parent and stops itself, gracefully.
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=watch, daemon=True).start()


def _watch_abandoned_tasks() -> None:
    # A worker killed mid-task took its queue message with it: every few seconds, hand tasks
    # whose lease ran out (and queued ones never picked up) back to the queue.
    from biopark.config import get_settings
    from biopark.jobs import queue

    interval = max(1.0, get_settings().job_lease_seconds / 3)

    def watch() -> None:
        while True:
            try:
                queue.requeue_abandoned()
            except Exception:
                logging.getLogger(__name__).exception("requeue of abandoned tasks failed")
            time.sleep(interval)

    threading.Thread(target=watch, daemon=True).start()


def worker_command(workers: int, periodic: bool, with_parent: bool = False) -> None:
    """Consume the queue until stopped (SIGINT/SIGTERM)."""
    from biopark.jobs import queue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if with_parent:
        _exit_with_parent()
    _watch_abandoned_tasks()
    queue.consumer(workers=workers, periodic=periodic).run()


@contextmanager
def embedded_worker(enabled: bool) -> Iterator[None]:
    """Run one `biopark worker` child next to the web server, stopped with it.

    One child per `biopark serve`, whatever the number of uvicorn workers, so the
    embedded queue never has two consumers fighting over the SQLite file.
    """
    if not enabled:
        yield
        return
    child = subprocess.Popen(
        [sys.executable, "-m", "biopark", "worker", "--workers", "2", "--exit-with-parent"]
    )
    try:
        yield
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
