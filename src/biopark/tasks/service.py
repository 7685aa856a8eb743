"""Coordination tasks (打表推进): who leads, who helps, milestones, progress, overdue alerts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.kit import dates
from biopark.kit.dates import SHANGHAI
from biopark.kit.models import utcnow
from biopark.kit.pagination import Page, paginate
from biopark.notify import events
from biopark.parks.models import Department
from biopark.tasks.models import (
    STATUS_LABELS,
    CoordTask,
    ProgressReport,
    TaskMilestone,
    TaskPartner,
    TaskStatus,
    today_local,
)
from biopark.tasks.schemas import MilestoneCreate, ProgressCreate, TaskCreate, TaskUpdate

ENTITY = "coord_task"
MANAGERS = {Role.admin, Role.leader}
# A report this many points below the department's previous figure must say why.
DROP_NEEDS_REASON = 20


def loaded(stmt: Select[Any]) -> Select[Any]:
    """The statement with partners, milestones and reports eager-loaded."""
    return stmt.options(
        selectinload(CoordTask.partners),
        selectinload(CoordTask.milestones),
        selectinload(CoordTask.reports),
    )


def _involves(department_id: int) -> Any:
    partner = exists().where(
        TaskPartner.task_id == CoordTask.id, TaskPartner.department_id == department_id
    )
    return or_(CoordTask.lead_department_id == department_id, partner)


def visible(user: User) -> Select[Any]:
    """Tasks the user may read: the park's for leaders, led or co-led ones for a department."""
    stmt = select(CoordTask).where(CoordTask.park_id == user.park_id)
    if user.role in MANAGERS:
        return stmt
    if user.role == Role.department:
        return stmt.where(_involves(user.department_id or -1))
    raise Forbidden()


def _status_filter(stmt: Select[Any], status: str, today: date) -> Select[Any]:
    if status == "overdue":
        return stmt.where(CoordTask.status != TaskStatus.done, CoordTask.deadline < today)
    if status in (TaskStatus.not_started, TaskStatus.in_progress):
        return stmt.where(CoordTask.status == status, CoordTask.deadline >= today)
    if status == TaskStatus.done:
        return stmt.where(CoordTask.status == TaskStatus.done)
    raise NotFound("状态不存在", en="Unknown status")


def list_tasks(
    session: Session,
    *,
    user: User,
    status: str | None = None,
    category: str | None = None,
    department_id: int | None = None,
    today: date | None = None,
    page: int = 1,
    size: int = 100,
) -> Page[Any]:
    """A page of visible tasks by deadline, filtered by status (incl. overdue), category, department."""
    today = today or today_local()
    stmt = loaded(visible(user))
    if status:
        stmt = _status_filter(stmt, status, today)
    if category:
        stmt = stmt.where(CoordTask.category == category)
    if department_id:
        stmt = stmt.where(_involves(department_id))
    return paginate(session, stmt.order_by(CoordTask.deadline, CoordTask.id), page=page, size=size)


def get_task(session: Session, *, user: User, task_id: int) -> CoordTask:
    """One task, if the user may see it (others' look the same as missing ones)."""
    task = session.scalar(loaded(visible(user)).where(CoordTask.id == task_id))
    if task is None:
        raise NotFound("任务不存在", en="Task not found")
    return task


def history(session: Session, *, task: CoordTask) -> list[Any]:
    """Every change of the task, newest first."""
    return audit.history(session, park_id=task.park_id, entity_type=ENTITY, entity_id=task.id)


def _log(session: Session, task: CoordTask, user: User | None, action: str, **changes: Any) -> None:
    audit.record(
        session,
        actor=user,
        action=action,
        entity_type=ENTITY,
        entity_id=task.id,
        park_id=task.park_id,
        changes=changes,
    )


def _departments(session: Session, park_id: int, ids: list[int]) -> dict[int, Department]:
    found = {
        d.id: d
        for d in session.scalars(
            select(Department).where(Department.id.in_(set(ids)), Department.park_id == park_id)
        )
    }
    if len(found) != len(set(ids)):
        raise NotFound("部门不存在", en="Department not found")
    return found


def _check_title(session: Session, park_id: int, title: str, own: int | None) -> None:
    clash = session.scalar(
        select(CoordTask.id).where(
            CoordTask.park_id == park_id, CoordTask.title == title, CoordTask.id != (own or -1)
        )
    )
    if clash is not None:
        raise Conflict(f"任务已存在：{title}", en=f"Task exists: {title}")


def _check_lead_not_partner(data: TaskCreate | TaskUpdate) -> None:
    if data.lead_department_id in data.partner_ids:
        raise ValidationFailed(
            "牵头单位不能同时是配合单位",
            en="The lead department cannot also be a cooperating department",
        )


def create_task(
    session: Session,
    *,
    user: User | None,
    park_id: int,
    data: TaskCreate,
    is_demo: bool = False,
    today: date | None = None,
) -> CoordTask:
    """Add a key task (leaders and admins; None is the demo loader, which records past tasks)."""
    if user is not None and (user.role not in MANAGERS or user.park_id != park_id):
        raise Forbidden()
    _check_lead_not_partner(data)
    today = today or dates.today()
    if user is not None and data.deadline < today:
        raise ValidationFailed(
            f"完成时限不能早于今天（{today.isoformat()}）",
            en=f"The deadline cannot be before today ({today.isoformat()})",
        )
    partners = list(dict.fromkeys(data.partner_ids))
    _departments(session, park_id, [data.lead_department_id, *partners])
    title = data.title.strip()
    _check_title(session, park_id, title, None)
    task = CoordTask(
        park_id=park_id,
        category=data.category,
        title=title,
        description=data.description,
        lead_department_id=data.lead_department_id,
        start_on=data.start_on,
        deadline=data.deadline,
        status=TaskStatus.not_started,
        progress=0,
        is_demo=is_demo,
        partners=[TaskPartner(department_id=i) for i in partners],
    )
    session.add(task)
    session.flush()
    _log(session, task, user, "create", **data.model_dump(exclude_none=True))
    events.task_assigned(session, task)
    return task


def update_task(session: Session, *, user: User, task_id: int, data: TaskUpdate) -> CoordTask:
    """Change a task's fields and departments (leaders and admins)."""
    if user.role not in MANAGERS:
        raise Forbidden()
    task = get_task(session, user=user, task_id=task_id)
    _check_lead_not_partner(data)
    partners = list(dict.fromkeys(data.partner_ids))
    _departments(session, task.park_id, [data.lead_department_id, *partners])
    title = data.title.strip()
    _check_title(session, task.park_id, title, task.id)
    values = data.model_dump(exclude={"partner_ids"})
    values["title"] = title
    changed = audit.apply_changes(task, values)
    if sorted(partners) != sorted(task.partner_ids):
        changed["partner_ids"] = [task.partner_ids, partners]
        # Keep the rows that stay: replacing the whole list would insert a kept department
        # again before its old row is deleted and break the unique constraint.
        task.partners = [p for p in task.partners if p.department_id in partners]
        kept = {p.department_id for p in task.partners}
        task.partners.extend(TaskPartner(department_id=i) for i in partners if i not in kept)
    if changed:
        session.flush()
        _log(session, task, user, "update", **changed)
    return task


def _may_steer(user: User, task: CoordTask) -> bool:
    return user.role in MANAGERS or (
        user.role == Role.department and user.department_id == task.lead_department_id
    )


def add_milestone(
    session: Session, *, user: User, task_id: int, data: MilestoneCreate
) -> TaskMilestone:
    """Add a milestone (节点) to a task (leaders or the lead department)."""
    task = get_task(session, user=user, task_id=task_id)
    if not _may_steer(user, task):
        raise Forbidden()
    ms = TaskMilestone(task_id=task.id, title=data.title.strip(), due_on=data.due_on)
    session.add(ms)
    session.flush()
    session.refresh(task, ["milestones"])
    _log(session, task, user, "milestone", title=ms.title, due_on=ms.due_on)
    return ms


def complete_milestone(
    session: Session, *, user: User, task_id: int, milestone_id: int, today: date | None = None
) -> TaskMilestone:
    """Mark a milestone reached (leaders or the lead department)."""
    task = get_task(session, user=user, task_id=task_id)
    if not _may_steer(user, task):
        raise Forbidden()
    ms = next((m for m in task.milestones if m.id == milestone_id), None)
    if ms is None:
        raise NotFound("节点不存在", en="Milestone not found")
    if ms.done_on is not None:
        raise Conflict("节点已完成", en="Milestone already done")
    ms.done_on = today or today_local()
    _log(session, task, user, "milestone_done", title=ms.title, done_on=ms.done_on)
    return ms


def department_figures(task: CoordTask) -> dict[int, ProgressReport]:
    """Each department's latest report on the task."""
    latest: dict[int, ProgressReport] = {}
    for r in task.reports:  # newest first
        if r.department_id is not None and r.department_id not in latest:
            latest[r.department_id] = r
    return latest


def report_progress(
    session: Session,
    *,
    user: User,
    task_id: int,
    data: ProgressCreate,
    now: datetime | None = None,
) -> ProgressReport:
    """A department reports its own progress; the task's figure is the lead department's.

    Leaders and admins report on the lead department's behalf. A drop of more than
    DROP_NEEDS_REASON points below the department's previous figure needs a reason.
    """
    now = now or utcnow()
    task = get_task(session, user=user, task_id=task_id)
    if user.role in MANAGERS:
        department_id = task.lead_department_id
    elif user.role == Role.department and user.department_id is not None:
        department_id = user.department_id
    else:
        raise Forbidden()
    if task.status == TaskStatus.done:
        raise Conflict("任务已完成", en="Task is already done")
    previous = department_figures(task).get(department_id)
    reason = (data.drop_reason or "").strip() or None
    if (
        previous is not None
        and previous.progress - data.progress > DROP_NEEDS_REASON
        and not reason
    ):
        raise ValidationFailed(
            f"进度从 {previous.progress}% 降到 {data.progress}%，请说明原因",
            en=f"Progress drops from {previous.progress}% to {data.progress}%: give a reason",
        )
    report = ProgressReport(
        task_id=task.id,
        department_id=department_id,
        author_id=user.id,
        author_name=user.display_name,
        reported_at=now,
        progress=data.progress,
        content=data.content.strip(),
        drop_reason=reason,
    )
    session.add(report)
    old = (task.status.value, task.progress)
    # Only the lead department's figure is the task's; a cooperating one never overwrites it.
    if department_id == task.lead_department_id:
        task.progress = data.progress
        if data.progress >= 100:
            task.status = TaskStatus.done
            task.completed_on = now.astimezone(SHANGHAI).date()
        elif data.progress > 0 or task.status == TaskStatus.not_started:
            task.status = TaskStatus.in_progress
    elif task.status == TaskStatus.not_started:
        task.status = TaskStatus.in_progress
    session.flush()
    session.refresh(task, ["reports"])
    _log(
        session,
        task,
        user,
        "progress",
        progress=data.progress,
        content=report.content,
        drop_reason=reason,
        status=[old[0], task.status.value] if old[0] != task.status.value else None,
    )
    return report


def _overdue(park_id: int, today: date) -> tuple[Any, ...]:
    return (
        CoordTask.park_id == park_id,
        CoordTask.status != TaskStatus.done,
        CoordTask.deadline < today,
    )


def overdue_tasks(
    session: Session, *, park_id: int, today: date, limit: int | None = None
) -> list[CoordTask]:
    """Unfinished tasks past their deadline, oldest deadline first (the first `limit`)."""
    stmt = loaded(select(CoordTask).where(*_overdue(park_id, today)))
    stmt = stmt.order_by(CoordTask.deadline, CoordTask.id).limit(limit)
    return list(session.scalars(stmt))


def overdue_count(session: Session, *, park_id: int, today: date) -> int:
    """How many unfinished tasks are past their deadline."""
    stmt = select(func.count()).select_from(CoordTask).where(*_overdue(park_id, today))
    return session.scalar(stmt) or 0


@dataclass
class DeptTaskRow:
    department_id: int
    label: str
    led: int = 0
    done: int = 0
    overdue: int = 0


@dataclass
class TaskStats:
    today: date
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_department: list[DeptTaskRow] = field(default_factory=list)
    due_soon: int = 0

    @property
    def completion_rate(self) -> float | None:
        return None if not self.total else round(100 * self.by_status["done"] / self.total, 1)


def task_stats(session: Session, *, park_id: int, today: date, soon_days: int = 14) -> TaskStats:
    """Counts by status (incl. overdue), category and lead department as of `today`."""
    tasks = list(session.scalars(select(CoordTask).where(CoordTask.park_id == park_id)))
    depts = {
        d.id: d for d in session.scalars(select(Department).where(Department.park_id == park_id))
    }
    stats = TaskStats(today=today, by_status=dict.fromkeys(STATUS_LABELS, 0))
    rows: dict[int, DeptTaskRow] = {}
    cats: dict[str, int] = defaultdict(int)
    for t in tasks:
        status = t.status_on(today)
        stats.total += 1
        stats.by_status[status] += 1
        cats[t.category] += 1
        if status != "done" and status != "overdue" and (t.deadline - today).days <= soon_days:
            stats.due_soon += 1
        if t.lead_department_id not in rows:
            dept = depts.get(t.lead_department_id)
            label = (dept.short_name or dept.name) if dept else str(t.lead_department_id)
            rows[t.lead_department_id] = DeptTaskRow(t.lead_department_id, label)
        row = rows[t.lead_department_id]
        row.led += 1
        row.done += status == "done"
        row.overdue += status == "overdue"
    stats.by_category = dict(cats)
    stats.by_department = sorted(rows.values(), key=lambda r: (-r.overdue, -r.led, r.label))
    return stats
