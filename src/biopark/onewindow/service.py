"""一窗综办: the catalogue, reuse of materials on file, parallel department parts.

Every change to a submission or a part is written to the audit trail, which is the
hash-chained shared record (audit/chain.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.audit.models import AuditEntry
from biopark.enterprises.models import Enterprise
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.kit.dates import now_utc, today
from biopark.notify import service as notify
from biopark.onewindow import files
from biopark.onewindow.catalogue import enterprise_of, get_item, material_plan
from biopark.onewindow.models import (
    FINAL_PART,
    PART_STATUS_LABELS,
    MaterialKind,
    PartStatus,
    Submission,
    SubmissionPart,
)
from biopark.parks.models import Department

ENTITY_SUBMISSION = "onewindow_submission"
ENTITY_PART = "onewindow_part"
OVERSEERS = {Role.admin, Role.leader, Role.commissioner}

# action -> (states it may start from, resulting state, Chinese verb, English participle)
ACTIONS: dict[str, tuple[set[PartStatus], PartStatus, str, str]] = {
    "start": ({PartStatus.received}, PartStatus.processing, "开始办理", "started"),
    "approve": (
        {PartStatus.received, PartStatus.processing},
        PartStatus.approved,
        "办结",
        "approved",
    ),
    "return": (
        {PartStatus.received, PartStatus.processing},
        PartStatus.returned,
        "退回补正",
        "returned",
    ),
    "reject": (
        {PartStatus.received, PartStatus.processing},
        PartStatus.rejected,
        "不予办理",
        "rejected",
    ),
}
STATUS_EN = {
    PartStatus.received: "received",
    PartStatus.processing: "processing",
    PartStatus.approved: "approved",
    PartStatus.returned: "returned for correction",
    PartStatus.rejected: "rejected",
}


# No 0/O or 1/I to misread, and no E: a suffix such as 8E6739 reads as a number in
# scientific notation (so spreadsheets and people take it).
NUMBER_LETTERS = "23456789ABCDFGHJKLMNPQRSTUVWXYZ"


def submission_number() -> str:
    """A new submission's number: YC, today's date and six random letters or digits."""
    suffix = "".join(secrets.choice(NUMBER_LETTERS) for _ in range(6))
    return f"YC{today():%Y%m%d}-{suffix}"


def derive_status(statuses: Iterable[PartStatus]) -> PartStatus:
    """A submission's status from its parts: any rejection or return first, then progress."""
    found = set(statuses)
    if not found:
        return PartStatus.received
    if PartStatus.rejected in found:
        return PartStatus.rejected
    if PartStatus.returned in found:
        return PartStatus.returned
    if found == {PartStatus.approved}:
        return PartStatus.approved
    if found == {PartStatus.received}:
        return PartStatus.received
    return PartStatus.processing


# --- submissions -------------------------------------------------------------------------


def _department_users(session: Session, department_ids: Iterable[int]) -> list[int]:
    return list(
        session.scalars(
            select(User.id).where(
                User.department_id.in_(list(department_ids)), User.role == Role.department
            )
        )
    )


def _enterprise_users(session: Session, enterprise_id: int) -> list[int]:
    return list(
        session.scalars(
            select(User.id).where(User.enterprise_id == enterprise_id, User.role == Role.enterprise)
        )
    )


def _log(session: Session, user: User | None, action: str, obj: Any, **changes: Any) -> None:
    entity = ENTITY_PART if isinstance(obj, SubmissionPart) else ENTITY_SUBMISSION
    audit.record(
        session,
        actor=user,
        action=action,
        entity_type=entity,
        entity_id=obj.id,
        park_id=obj.park_id,
        changes=changes,
    )


def submit(
    session: Session,
    *,
    user: User,
    item_id: int,
    note: str = "",
    uploads: dict[str, files.Upload] | None = None,
    var_dir: Path | None,
    max_bytes: int,
    is_demo: bool = False,
) -> Submission:
    """Apply once for an item: materials on file are reused, the rest must be uploaded now."""
    enterprise = enterprise_of(session, user)
    item = get_item(session, user=user, item_id=item_id)
    if not item.active:
        raise Conflict("该事项已停止受理", en="This item is no longer accepted")
    uploads = {k: u for k, u in (uploads or {}).items() if u.data or u.filename}
    open_one = session.scalar(
        select(Submission.number).where(
            Submission.enterprise_id == enterprise.id,
            Submission.item_id == item.id,
            Submission.status.not_in([PartStatus.approved, PartStatus.rejected]),
        )
    )
    if open_one:
        raise Conflict(
            f"该事项已有在办申请（{open_one}），请勿重复提交",
            en=f"An application for this item is already open ({open_one})",
        )
    plan = material_plan(session, enterprise=enterprise, item=item)
    wanted = {c.source for c in plan if c.kind == MaterialKind.document}
    stray = set(uploads) - wanted
    if stray:
        raise ValidationFailed(
            "上传的材料不属于该事项：" + "、".join(sorted(stray)),
            en="Uploaded material not needed by this item: " + ", ".join(sorted(stray)),
        )
    gaps = [c.name for c in plan if not c.on_file and c.kind == MaterialKind.record]
    if gaps:
        raise ValidationFailed(
            "企业档案缺少：" + "、".join(gaps) + "，请先在一企一档中补充",
            en="The enterprise record lacks: " + ", ".join(gaps) + "; complete it first",
        )
    missing = [c.name for c in plan if not c.on_file and c.source not in uploads]
    if missing:
        raise ValidationFailed(
            "缺少材料：" + "、".join(missing), en="Missing materials: " + ", ".join(missing)
        )
    checked = files.check_all(uploads, max_bytes=max_bytes)
    stored = (
        files.store(
            session,
            park_id=user.park_id,
            enterprise_id=enterprise.id,
            user_id=user.id,
            checked=checked,
            var_dir=var_dir,
        )
        if checked and var_dir is not None
        else {}
    )
    used = []
    for c in plan:
        entry: dict[str, object] = {"name": c.name, "kind": c.kind.value, "source": c.source}
        if c.source in stored and c.kind == MaterialKind.document:
            doc = stored[c.source]
            entry.update(reused=False, detail=doc.filename, document_id=doc.id)
        else:
            entry.update(reused=True, detail=c.detail, document_id=c.document_id)
        used.append(entry)
    now = now_utc()
    sub = Submission(
        park_id=user.park_id,
        number=submission_number(),
        enterprise_id=enterprise.id,
        item_id=item.id,
        status=PartStatus.received,
        note=note,
        materials=used,
        submitted_by_id=user.id,
        submitted_at=now,
        is_demo=is_demo,
        parts=[
            SubmissionPart(park_id=user.park_id, department_id=d, status=PartStatus.received)
            for d in item.department_ids
        ],
    )
    session.add(sub)
    session.flush()
    _log(
        session,
        user,
        "create",
        sub,
        number=sub.number,
        item=item.name,
        departments=list(item.department_ids),
        reused=sum(1 for u in used if u["reused"]),
        uploaded=len(stored),
    )
    for part in sub.parts:
        _log(session, user, "create", part, submission=sub.number, status=part.status)
    notify.send(
        session,
        to=_department_users(session, item.department_ids),
        kind="onewindow_submitted",
        title=f"一窗综办新件：{item.name}（{enterprise.short_name or enterprise.name}）",
        url=f"/onewindow/submissions/{sub.id}",
        dedupe_key=f"onewindow:{sub.id}:submitted",
    )
    return sub


def _visible(stmt: Any, user: User) -> Any:
    stmt = stmt.where(Submission.park_id == user.park_id)
    if user.role == Role.enterprise:
        return stmt.where(Submission.enterprise_id == (user.enterprise_id or -1))
    if user.role == Role.department:
        mine = select(SubmissionPart.submission_id).where(
            SubmissionPart.department_id == (user.department_id or -1)
        )
        return stmt.where(Submission.id.in_(mine))
    if user.role in OVERSEERS:
        return stmt
    raise Forbidden()


def list_submissions(
    session: Session, *, user: User, status: PartStatus | None = None, limit: int = 200
) -> list[Submission]:
    """Submissions the user may see, newest first."""
    stmt = _visible(select(Submission), user).options(
        selectinload(Submission.parts), selectinload(Submission.item)
    )
    if status is not None:
        stmt = stmt.where(Submission.status == status)
    return list(session.scalars(stmt.order_by(Submission.id.desc()).limit(limit)))


def get_submission(session: Session, *, user: User, submission_id: int) -> Submission:
    """One submission the user may see (others are reported as not found)."""
    sub = session.scalar(_visible(select(Submission), user).where(Submission.id == submission_id))
    if sub is None:
        raise NotFound("申请不存在", en="Application not found")
    return sub


def work_queue(
    session: Session, *, user: User, open_only: bool = True, limit: int = 200
) -> list[SubmissionPart]:
    """A department user's parts: its own department's share of each submission."""
    if user.role != Role.department or user.department_id is None:
        raise Forbidden("仅市级部门有办件队列", en="Only department users have a work queue")
    stmt = (
        select(SubmissionPart)
        .where(
            SubmissionPart.park_id == user.park_id,
            SubmissionPart.department_id == user.department_id,
        )
        .options(selectinload(SubmissionPart.submission).selectinload(Submission.item))
        .order_by(SubmissionPart.id.desc())
        .limit(limit)
    )
    if open_only:
        stmt = stmt.where(SubmissionPart.status.in_([PartStatus.received, PartStatus.processing]))
    return list(session.scalars(stmt))


def refresh_status(session: Session, user: User | None, sub: Submission) -> None:
    """Derive the submission's status from its parts; tell the enterprise when it changes."""
    new = derive_status(p.status for p in sub.parts)
    if new == sub.status:
        return
    old, sub.status = sub.status, new
    sub.closed_at = now_utc() if new in FINAL_PART else None
    _log(session, user, "update", sub, status=[old.value, new.value])
    label = PART_STATUS_LABELS[new]
    notify.send(
        session,
        to=_enterprise_users(session, sub.enterprise_id),
        kind="onewindow_status",
        title=f"申请 {sub.number}：{label}",
        url=f"/onewindow/submissions/{sub.id}",
        dedupe_key=f"onewindow:{sub.id}:{new.value}:{len(sub.parts)}:{now_utc():%Y%m%d%H%M%S%f}",
    )


def act(
    session: Session, *, user: User, part_id: int, action: str, note: str = ""
) -> SubmissionPart:
    """A department acts on its own part: start, approve, return for correction, reject."""
    if action not in ACTIONS:
        raise ValidationFailed("未知的办理操作", en="Unknown action")
    part = session.get(SubmissionPart, part_id)
    if part is None or part.park_id != user.park_id:
        raise NotFound("办件不存在", en="Work item not found")
    if user.role != Role.department or user.department_id != part.department_id:
        raise Forbidden("只能办理本部门的事项", en="You can only act on your own department's part")
    allowed, target, verb, verb_en = ACTIONS[action]
    if part.status not in allowed:
        label = PART_STATUS_LABELS[part.status]
        raise Conflict(
            f"该办件当前为「{label}」，不能{verb}",
            en=f"This part is {STATUS_EN[part.status]}; it cannot be {verb_en}",
        )
    note = note.strip()
    if target in (PartStatus.returned, PartStatus.rejected) and not note:
        raise ValidationFailed(
            "退回补正或不予办理须说明理由", en="Give a reason when returning or rejecting"
        )
    old = part.status
    part.status, part.note = target, note
    part.acted_by_id, part.acted_at = user.id, now_utc()
    _log(session, user, "update", part, status=[old.value, target.value], note=note or None)
    session.flush()
    refresh_status(session, user, part.submission)
    session.flush()
    return part


def resubmit(
    session: Session,
    *,
    user: User,
    submission_id: int,
    note: str = "",
    uploads: dict[str, files.Upload] | None = None,
    var_dir: Path,
    max_bytes: int,
) -> Submission:
    """The enterprise answers a return for correction: the returned parts are received again."""
    enterprise_of(session, user)
    sub = get_submission(session, user=user, submission_id=submission_id)
    if sub.status != PartStatus.returned:
        raise Conflict(
            "只有退回补正的申请可以重新提交", en="Only returned applications can be resubmitted"
        )
    uploads = {k: u for k, u in (uploads or {}).items() if u.data or u.filename}
    wanted = {m.source for m in sub.item.materials if m.kind == MaterialKind.document}
    if set(uploads) - wanted:
        raise ValidationFailed(
            "上传的材料不属于该事项", en="Uploaded material not needed by this item"
        )
    checked = files.check_all(uploads, max_bytes=max_bytes)
    if checked:
        files.store(
            session,
            park_id=sub.park_id,
            enterprise_id=sub.enterprise_id,
            user_id=user.id,
            checked=checked,
            var_dir=var_dir,
        )
    returned = [p for p in sub.parts if p.status == PartStatus.returned]
    for part in returned:
        part.status, part.note = PartStatus.received, ""
        _log(session, user, "update", part, status=["returned", "received"], note=note or None)
    if note:
        sub.note = note
    session.flush()
    refresh_status(session, user, sub)
    notify.send(
        session,
        to=_department_users(session, [p.department_id for p in returned]),
        kind="onewindow_submitted",
        title=f"补正材料已提交：{sub.number}",
        url=f"/onewindow/submissions/{sub.id}",
        dedupe_key=f"onewindow:{sub.id}:resubmitted:{now_utc():%Y%m%d%H%M%S%f}",
    )
    return sub


def department_names(session: Session, *, park_id: int) -> dict[int, str]:
    """{department id: short name} of the park."""
    return {
        d.id: d.short_name or d.name
        for d in session.scalars(select(Department).where(Department.park_id == park_id))
    }


def enterprise_names(session: Session, *, ids: Iterable[int]) -> dict[int, str]:
    """{enterprise id: short name} for the listed enterprises."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {
        e.id: e.short_name or e.name
        for e in session.scalars(select(Enterprise).where(Enterprise.id.in_(wanted)))
    }


def history(session: Session, *, submission: Submission) -> list[AuditEntry]:
    """The submission's audit entries and those of its department parts, newest first."""
    entries = audit.history(
        session,
        park_id=submission.park_id,
        entity_type=ENTITY_SUBMISSION,
        entity_id=submission.id,
    )
    entries += audit.histories(
        session,
        park_id=submission.park_id,
        entity_type=ENTITY_PART,
        entity_ids=[part.id for part in submission.parts],
    )
    return sorted(entries, key=lambda e: (e.at, e.id), reverse=True)
