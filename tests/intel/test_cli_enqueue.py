"""`biopark intel enqueue`: files become background tasks on the queue, which any worker
takes; each task stores its documents once, and refusals queue nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from biopark import db, migrate
from biopark.accounts.models import Role
from biopark.cli import app
from biopark.db import session_scope
from biopark.intel.models import IntelDocument
from biopark.jobs import queue, tasks
from biopark.jobs.models import BackgroundTask
from tests.builders import make_park, make_user

runner = CliRunner()

STORY = "{n}号药企宣布完成{n}亿元B轮融资，资金将用于新药的临床试验。公司成立于2015年。"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    url = f"sqlite:///{tmp_path}/cli.db"
    migrate.upgrade(url)
    monkeypatch.setenv("BIOPARK_DATABASE_URL", url)
    monkeypatch.setenv("BIOPARK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("BIOPARK_QUEUE_URL", "")
    db.forget()
    queue.queue.cache_clear()
    with session_scope() as session:
        park = make_park(session)
        make_user(session, park, Role.analyst, username="analyst1")
        make_user(session, park, Role.enterprise, username="ent1")
    yield tmp_path
    db.get_engine().dispose()
    db.forget()
    queue.queue.cache_clear()


def _news(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"story-{i}.txt").write_text(STORY.format(n=i + 1), encoding="utf-8")
    return folder


def _count(model: type) -> int:
    with session_scope(read_only=True) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_files_become_tasks_that_workers_finish(cli_env: Path) -> None:
    folder = _news(cli_env / "news", 5)
    result = runner.invoke(
        app, ["intel", "enqueue", str(folder), "--as", "analyst1", "--chunk", "2"]
    )
    assert result.exit_code == 0, result.output
    with session_scope(read_only=True) as session:
        queued = list(session.scalars(select(BackgroundTask).order_by(BackgroundTask.id)))
    assert [t.total for t in queued] == [2, 2, 1]
    assert all(t.status == tasks.QUEUED and t.kind == "intel_batch" for t in queued)
    assert [f"/jobs/tasks/{t.id}" for t in queued] == result.stdout.split()
    # The queue holds one message per task, for whichever worker comes first.
    assert queue.queue().pending_count() == 3
    for task in queued:  # what a worker does with each message
        assert tasks.execute(task.id) == tasks.DONE
    assert _count(IntelDocument) == 5
    # A message delivered twice finds its task done and stores nothing again.
    assert tasks.execute(queued[0].id) == "skipped"
    assert _count(IntelDocument) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "nobody"], "nobody"),
        (["--as", "ent1"], "无权访问"),
    ],
)
def test_refusals_queue_nothing(cli_env: Path, args: list[str], message: str) -> None:
    folder = _news(cli_env / "news", 3)
    result = runner.invoke(app, ["intel", "enqueue", str(folder), *args])
    assert result.exit_code != 0 and message in result.output
    assert _count(BackgroundTask) == 0


def test_an_empty_file_refuses_the_whole_run(cli_env: Path) -> None:
    folder = _news(cli_env / "news", 3)
    (folder / "zz-empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["intel", "enqueue", str(folder), "--as", "analyst1"])
    assert result.exit_code == 1 and "zz-empty.txt" in result.output
    assert _count(BackgroundTask) == 0
    assert not (cli_env / "var" / "uploads").exists() or not any(
        (cli_env / "var" / "uploads").iterdir()
    )
