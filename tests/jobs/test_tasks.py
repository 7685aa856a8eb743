"""Background tasks at the service level: lifecycle, owners, failures, leases, resuming."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.chain.models import ChainCandidate
from biopark.errors import Forbidden, NotFound, ValidationFailed
from biopark.intel.models import IntelDocument
from biopark.jobs import tasks
from biopark.jobs.models import BackgroundTask
from biopark.kit.dates import now_utc
from tests.builders import make_park, make_user
from tests.chain.builders import xlsx_bytes
from tests.intel.builders import demo_bytes

GOOD = [["环节", "企业名称"], ["cdmo", "甲CDMO有限公司"], ["cdmo", "乙CDMO有限公司"]]
BAD = [["环节", "企业名称"], ["cdmo", "甲CDMO有限公司"], ["nowhere", "乙公司"]]


def _candidates(session: Session, park_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(ChainCandidate)
            .where(ChainCandidate.park_id == park_id)
        )
        or 0
    )


def test_candidate_import_task_runs_to_done_with_counts(session: Session, tmp_path: Path) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    task = tasks.submit(
        session,
        user=analyst,
        kind="candidate_import",
        files=[("c.xlsx", xlsx_bytes(GOOD))],
        var_dir=tmp_path,
    )
    assert task.status == "queued" and task.total == 1
    stored = list(Path(task.file_path).iterdir())
    assert [p.name for p in stored] == ["000-c.xlsx"] and Path(task.file_path).is_relative_to(
        tmp_path / "uploads"
    )
    tasks.run_inline(session, task=task)
    assert task.status == "done" and task.done == 1 and task.attempts == 1
    assert json.loads(task.result or "")["created"] == 2
    assert task.finished_at is not None and _candidates(session, park.id) == 2


def test_rejected_import_fails_with_row_errors_and_writes_nothing(
    session: Session, tmp_path: Path
) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    task = tasks.submit(
        session,
        user=analyst,
        kind="candidate_import",
        files=[("c.xlsx", xlsx_bytes(BAD))],
        var_dir=tmp_path,
    )
    tasks.run_inline(session, task=task)
    assert task.status == "failed"
    assert task.error and "导入未执行" in task.error
    assert task.error_en and task.error_en.startswith("Nothing imported")
    errors = json.loads(task.result or "")["errors"]
    assert any("第 3 行" in e for e in errors)
    assert _candidates(session, park.id) == 0
    # The record of the failure itself survived the rolled-back import.
    assert session.get(BackgroundTask, task.id) is not None


def test_submit_refuses_wrong_kind_role_empty_and_oversized_files(
    session: Session, tmp_path: Path
) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    leader = make_user(session, park, Role.leader)
    cases = [
        (analyst, "drop_tables", [("a.xlsx", b"x")], ValidationFailed),
        (leader, "intel_batch", [("a.txt", b"x")], Forbidden),
        (analyst, "candidate_import", [], ValidationFailed),
        (analyst, "candidate_import", [("a.xlsx", b"")], ValidationFailed),
        (analyst, "candidate_import", [("a.xlsx", b"1"), ("b.xlsx", b"2")], ValidationFailed),
        (
            analyst,
            "intel_batch",
            [("big.txt", b"x" * (tasks.MAX_FILE_BYTES + 1))],
            ValidationFailed,
        ),
    ]
    for user, kind, files, error in cases:
        with pytest.raises(error):
            tasks.submit(session, user=user, kind=kind, files=files, var_dir=tmp_path)
    assert session.scalar(select(func.count()).select_from(BackgroundTask)) == 0
    assert not (tmp_path / "uploads").exists()


def test_only_the_owner_and_the_parks_admin_see_a_task(session: Session, tmp_path: Path) -> None:
    park, other = make_park(session), make_park(session)
    owner = make_user(session, park, Role.analyst)
    task = tasks.submit(
        session, user=owner, kind="intel_batch", files=[("a.txt", b"hello")], var_dir=tmp_path
    )
    assert tasks.get_task(session, user=owner, task_id=task.id) is task
    admin = make_user(session, park, Role.admin)
    assert tasks.get_task(session, user=admin, task_id=task.id) is task
    for stranger in (
        make_user(session, park, Role.analyst),
        make_user(session, park, Role.leader),
        make_user(session, other, Role.admin),
    ):
        with pytest.raises(NotFound):
            tasks.get_task(session, user=stranger, task_id=task.id)
    with pytest.raises(NotFound):
        tasks.get_task(session, user=owner, task_id=task.id + 1000)


def test_a_claim_is_exclusive_until_its_lease_runs_out(session: Session, tmp_path: Path) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    task = tasks.submit(
        session, user=analyst, kind="intel_batch", files=[("a.txt", b"hello")], var_dir=tmp_path
    )
    now, lease = now_utc(), timedelta(seconds=60)
    assert tasks.claim(session, task_id=task.id, now=now, lease=lease, worker="w1")
    assert not tasks.claim(session, task_id=task.id, now=now, lease=lease, worker="w2")
    assert tasks.abandoned(session, now=now, lease=lease) == []
    later = now + timedelta(seconds=61)
    assert tasks.abandoned(session, now=later, lease=lease) == [task.id]
    assert tasks.claim(session, task_id=task.id, now=later, lease=lease, worker="w2")
    session.refresh(task)
    assert task.attempts == 2 and task.worker == "w2" and task.status == "running"


def test_intel_batch_resumes_after_the_documents_already_stored(
    session: Session, tmp_path: Path
) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    files = [(f"{p}.txt", demo_bytes(p)) for p in ("04", "05", "06")]
    task = tasks.submit(session, user=analyst, kind="intel_batch", files=files, var_dir=tmp_path)
    tasks.run_inline(session, task=task)
    assert task.status == "done" and task.done == 3
    first = json.loads(task.result or "")
    assert first["counts"] == {"new": 3}
    # A second attempt that had recorded the first document only processes the other two.
    again = tasks.submit(session, user=analyst, kind="intel_batch", files=files, var_dir=tmp_path)
    again.result = json.dumps({"items": first["items"][:1]})
    tasks.run_inline(session, task=again)
    items = json.loads(again.result or "")["items"]
    assert [i["status"] for i in items] == ["new", "duplicate", "duplicate"]
    stored = session.scalar(
        select(func.count()).select_from(IntelDocument).where(IntelDocument.park_id == park.id)
    )
    assert stored == 3


def test_missing_upload_or_disabled_uploader_fails_with_a_reason(
    session: Session, tmp_path: Path
) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    task = tasks.submit(
        session, user=analyst, kind="intel_batch", files=[("a.txt", b"hello")], var_dir=tmp_path
    )
    for p in Path(task.file_path).iterdir():
        p.unlink()
    tasks.run_inline(session, task=task)
    assert task.status == "failed" and task.error_en == "The uploaded file is missing"
    second = tasks.submit(
        session, user=analyst, kind="intel_batch", files=[("a.txt", b"hello")], var_dir=tmp_path
    )
    analyst.active = False
    tasks.run_inline(session, task=second)
    assert second.status == "failed" and second.error == "上传者的账号已停用"
