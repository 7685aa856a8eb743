"""Background tasks: an upload stored under var_dir/uploads, processed by a worker.

`submit` stores the files and the record; `execute` (the queue's task) claims it with a lease,
so a task whose worker died is taken over by the next one. Imports run in one transaction
(all or nothing); an intel batch commits each document with its progress, so a re-run
continues after the last stored document and never stores one twice (content hash).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.config import get_settings
from biopark.db import session_scope
from biopark.errors import BioparkError, NotFound, ValidationFailed
from biopark.jobs.models import DONE, FAILED, QUEUED, RUNNING, BackgroundTask
from biopark.jobs.runs import WORKER, Heartbeat
from biopark.kit import sheets
from biopark.kit.dates import now_utc

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_BATCH_FILES = 50
# How long a worker waits for the request that enqueued a task to commit its record.
RECORD_WAIT_SECONDS = 10.0

Commit = Callable[[], None]
Runner = Callable[[Session, BackgroundTask, User, list[Path], Commit], dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    label_en: str
    check: Callable[[User], None]
    run: Runner
    batch: bool = False
    sheet: bool = True
    back_url: str = "/"


def _check_investment(user: User) -> None:
    from biopark.investment import service

    service.check_access(user)


def _check_enterprises(user: User) -> None:
    from biopark.enterprises.excel import ASSIGNERS
    from biopark.errors import Forbidden

    if user.role not in ASSIGNERS:
        raise Forbidden()


def _check_chain(user: User) -> None:
    from biopark.chain import service
    from biopark.errors import Forbidden

    if not service.can_import(user):
        raise Forbidden()


def _check_intel(user: User) -> None:
    from biopark.intel.service.access import check_write

    check_write(user)


def _run_ledger(
    session: Session, task: BackgroundTask, user: User, paths: list[Path], commit: Commit
) -> dict[str, Any]:
    from biopark.investment import excel

    try:
        result = excel.import_ledger(session, user=user, content=paths[0].read_bytes())
    except excel.ImportRejected as exc:
        raise Rejected(exc, exc.errors) from exc
    return {"created": result.created, "updated": result.updated, "total": result.total}


def _run_enterprises(
    session: Session, task: BackgroundTask, user: User, paths: list[Path], commit: Commit
) -> dict[str, Any]:
    from biopark.enterprises import excel

    try:
        result = excel.import_xlsx(
            session, park_id=task.park_id, actor=user, content=paths[0].read_bytes()
        )
    except excel.ImportRejected as exc:
        raise Rejected(exc, exc.rows) from exc
    return {"created": result.created, "updated": result.updated, "names": result.names[:50]}


def _run_candidates(
    session: Session, task: BackgroundTask, user: User, paths: list[Path], commit: Commit
) -> dict[str, Any]:
    from biopark.chain import gaps

    try:
        result = gaps.import_candidates(
            session,
            park_id=task.park_id,
            filename=task.filename,
            content=paths[0].read_bytes(),
            actor=user,
        )
    except gaps.ImportRejected as exc:
        raise Rejected(exc, exc.errors) from exc
    return {"created": result.created, "updated": result.updated, "batch": result.batch}


def _run_intel(
    session: Session, task: BackgroundTask, user: User, paths: list[Path], commit: Commit
) -> dict[str, Any]:
    from biopark.intel import service
    from biopark.jobs.service import _pause

    items: list[dict[str, Any]] = json.loads(task.result or "{}").get("items", [])
    # Documents stored by an earlier attempt are in `items` (committed with them): skip them.
    for path in paths[len(items) :]:
        name = path.name.split("-", 1)[-1]
        _pause()
        outcome = service.ingest_bytes(
            session,
            park_id=task.park_id,
            origin=f"upload:{name}",
            data=path.read_bytes(),
            actor=user,
        )
        items.append(
            {
                "file": name,
                "status": outcome.status,
                "document_id": outcome.document_id,
                "error": outcome.error,
            }
        )
        task.done = len(items)
        task.result = json.dumps({"items": items}, ensure_ascii=False)
        task.heartbeat_at = now_utc()
        commit()
    counts: dict[str, int] = {}
    for item in items:
        counts[item["status"]] = counts.get(item["status"], 0) + 1
    return {"items": items, "counts": counts}


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "ledger_import",
            "招商项目台账导入",
            "Project ledger import",
            _check_investment,
            _run_ledger,
            back_url="/investment/projects",
        ),
        Kind(
            "enterprise_import",
            "企业导入",
            "Enterprise import",
            _check_enterprises,
            _run_enterprises,
            back_url="/enterprises",
        ),
        Kind(
            "candidate_import",
            "补链候选企业导入",
            "Chain candidate import",
            _check_chain,
            _run_candidates,
            back_url="/chain/gaps",
        ),
        Kind(
            "intel_batch",
            "情报文档批量上传",
            "Intelligence document upload",
            _check_intel,
            _run_intel,
            batch=True,
            sheet=False,
            back_url="/intel",
        ),
    )
}


class Rejected(Exception):
    """An import refused as a whole, with its per-row errors."""

    def __init__(self, error: BioparkError, rows: list[str]) -> None:
        super().__init__(error.message)
        self.error = error
        self.rows = rows


def get_kind(name: str) -> Kind:
    """The task kind of that name."""
    kind = KINDS.get(name)
    if kind is None:
        raise ValidationFailed(
            f"未知的任务类型：{name[:40]}（可选：{'、'.join(KINDS)}）",
            en=f"Unknown task kind: {name[:40]} (one of: {', '.join(KINDS)})",
        )
    return kind


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip() or "file"
    return "".join(c for c in base if c.isprintable() and c not in '<>:"|?*')[:120] or "file"


def submit(
    session: Session,
    *,
    user: User,
    kind: str,
    files: list[tuple[str, bytes]],
    var_dir: Path,
) -> BackgroundTask:
    """Check the upload, store its files under var_dir/uploads and record a queued task."""
    spec = get_kind(kind)
    spec.check(user)
    files = [(n, d) for n, d in files if n or d]
    if not files:
        raise ValidationFailed("请选择要上传的文件", en="Choose a file to upload")
    if not spec.batch and len(files) > 1:
        raise ValidationFailed("只能上传一个文件", en="Upload one file only")
    if len(files) > MAX_BATCH_FILES:
        raise ValidationFailed(
            f"一次最多上传 {MAX_BATCH_FILES} 个文件", en=f"At most {MAX_BATCH_FILES} files at once"
        )
    for name, data in files:
        if not data:
            raise ValidationFailed(
                f"文件为空：{_safe_name(name)}", en=f"Empty file: {_safe_name(name)}"
            )
        if len(data) > MAX_FILE_BYTES:
            raise ValidationFailed(
                f"文件过大（上限 5 MB）：{_safe_name(name)}",
                en=f"File too large (5 MB limit): {_safe_name(name)}",
            )
        if spec.sheet and (data[:2] == b"PK" or name.lower().endswith(".xlsx")):
            # A bomb is refused at once, as before: its directory says enough, no rows read.
            try:
                sheets.check_archive(data)
            except sheets.SheetError as exc:
                raise ValidationFailed(str(exc), en=f"Spreadsheet refused: {exc}") from None
    folder = var_dir / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True, mode=0o700)
    for i, (name, data) in enumerate(files):
        # Write then rename: a reader never sees a half-written upload.
        target = folder / f"{i:03d}-{_safe_name(name)}"
        part = target.with_suffix(target.suffix + ".part")
        part.write_bytes(data)
        part.replace(target)
    task = BackgroundTask(
        park_id=user.park_id,
        user_id=user.id,
        kind=spec.name,
        file_path=str(folder.resolve()),
        filename=_safe_name(files[0][0]),
        status=QUEUED,
        done=0,
        total=len(files),
        attempts=0,
        created_at=now_utc(),
    )
    session.add(task)
    session.flush()
    return task


def get_task(session: Session, *, user: User, task_id: int) -> BackgroundTask:
    """The task, if the user started it or administers its park; NotFound otherwise."""
    task = session.get(BackgroundTask, task_id)
    if task is None or not (
        task.user_id == user.id or (user.role == Role.admin and task.park_id == user.park_id)
    ):
        raise NotFound("没有这个后台任务", en="No such background task")
    return task


def claim(
    session: Session, *, task_id: int, now: datetime, lease: timedelta, worker: str = WORKER
) -> bool:
    """Take a queued task, or one whose worker stopped beating; False if another holds it."""
    result = session.execute(
        update(BackgroundTask)
        .where(
            BackgroundTask.id == task_id,
            or_(
                BackgroundTask.status == QUEUED,
                (BackgroundTask.status == RUNNING) & (BackgroundTask.heartbeat_at < now - lease),
            ),
        )
        .values(
            status=RUNNING,
            attempts=BackgroundTask.attempts + 1,
            worker=worker,
            started_at=now,
            heartbeat_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


def process(
    session: Session, *, task: BackgroundTask, commit: Commit, own_transaction: bool = False
) -> None:
    """Run a claimed task to done or failed; an import's rows and its done mark go together.

    With its own transaction (a worker), a batch commits per document and a failure rolls
    back only the document in progress; inside a request everything is one savepoint.
    """
    spec = get_kind(task.kind)
    per_document = own_transaction and spec.batch
    user = session.get(User, task.user_id)
    paths = sorted(p for p in Path(task.file_path).glob("*") if not p.name.endswith(".part"))
    try:
        if user is None or not user.active:
            raise BioparkError("上传者的账号已停用", en="The uploader's account is disabled")
        if len(paths) != task.total:
            raise BioparkError("上传的文件已丢失", en="The uploaded file is missing")
        if per_document:
            result = spec.run(session, task, user, paths, commit)
        else:
            with session.begin_nested():
                result = spec.run(session, task, user, paths, commit)
    except Rejected as exc:
        _finish(task, FAILED, {"errors": exc.rows[:500]}, exc.error)
    except BioparkError as exc:
        if per_document:
            session.rollback()
        _finish(task, FAILED, json.loads(task.result or "{}") or None, exc)
    except Exception:
        log.exception("background task %s failed", task.id)
        if per_document:
            session.rollback()
        _finish(
            task,
            FAILED,
            None,
            BioparkError("处理时出现内部错误", en="An internal error stopped the task"),
        )
    else:
        task.done = task.total
        _finish(task, DONE, result, None)
    session.flush()


def _finish(
    task: BackgroundTask, status: str, result: dict[str, Any] | None, error: BioparkError | None
) -> None:
    task.status = status
    task.finished_at = now_utc()
    task.result = json.dumps(result, ensure_ascii=False, default=str) if result else None
    task.error = error.message[:4000] if error else None
    task.error_en = error.en[:4000] if error else None


def run_inline(session: Session, *, task: BackgroundTask) -> None:
    """Process the task in the caller's transaction (no worker: tests, BIOPARK_JOBS_INLINE)."""
    claim(session, task_id=task.id, now=now_utc(), lease=timedelta(0))
    session.refresh(task)
    process(session, task=task, commit=session.flush)


def execute(task_id: int) -> str:
    """The queue's entry point: claim the task (waiting for its record), then process it."""
    lease = timedelta(seconds=get_settings().job_lease_seconds)
    deadline = time.monotonic() + RECORD_WAIT_SECONDS
    while True:
        with session_scope() as session:
            exists = session.get(BackgroundTask, task_id) is not None
            won = exists and claim(session, task_id=task_id, now=now_utc(), lease=lease)
        if exists or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if not won:
        return "skipped"
    with session_scope() as session:
        task = session.get(BackgroundTask, task_id)
        assert task is not None
        with Heartbeat(task_id, max(1.0, lease.total_seconds() / 3), model=BackgroundTask):
            process(session, task=task, commit=session.commit, own_transaction=True)
        status = task.status
    return status


def abandoned(session: Session, *, now: datetime, lease: timedelta) -> list[int]:
    """Tasks to hand to a worker again: queued but never picked up, or held by a dead worker."""
    return list(
        session.scalars(
            select(BackgroundTask.id)
            .where(
                or_(
                    (BackgroundTask.status == QUEUED) & (BackgroundTask.created_at < now - lease),
                    (BackgroundTask.status == RUNNING)
                    & (BackgroundTask.heartbeat_at < now - lease),
                )
            )
            .order_by(BackgroundTask.id)
        )
    )


def read(task: BackgroundTask, *, lang: str) -> dict[str, Any]:
    """The task as the API and the status page show it, messages in the user's language."""
    spec = KINDS.get(task.kind)
    return {
        "id": task.id,
        "kind": task.kind,
        "label": (spec.label_en if lang == "en" else spec.label) if spec else task.kind,
        "filename": task.filename,
        "status": task.status,
        "progress": {"done": task.done, "total": task.total},
        "result": json.loads(task.result) if task.result else None,
        "error": (task.error_en if lang == "en" else task.error) if task.error else None,
        "attempts": task.attempts,
        "created_at": task.created_at,
        "started_at": task.started_at,
        "finished_at": task.finished_at,
        "back_url": spec.back_url if spec else "/",
    }
