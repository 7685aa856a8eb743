"""我的待办: what waits for the signed-in user, gathered from every domain.

Each source is one function that returns the user's items of one kind, or
nothing when the user's role does not do that work. A source reads through
the owning domain's own rules of visibility and runs a fixed number of
queries, however many items it finds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from biopark.accounts.models import Role, User
from biopark.dashboard import reconciliation
from biopark.dashboard.reconcile import Status
from biopark.enterprises.models import Enterprise, PlanFollowUp
from biopark.investment.models import OPEN_LEAD_STATUSES, OPEN_STAGES, Lead, Project
from biopark.kit.dates import SHANGHAI, now_utc, today
from biopark.pipeline.models import Drug, MilestoneProposal
from biopark.policies import rules
from biopark.policies import service as policies
from biopark.services.models import RequestDispatch, RequestStatus, ServiceRequest
from biopark.services.sla import OPEN_STATUSES
from biopark.tasks.models import CoordTask, TaskMilestone, TaskPartner, TaskStatus
from biopark.todo.schemas import KINDS, TodoItem

# Admins run the platform; everyone else has work that comes to them.
WORKING_ROLES = frozenset(Role) - {Role.admin}
# Tasks, milestones and plan follow-ups show up this many days before they fall due.
HORIZON_DAYS = 14
FOLLOWUP_HORIZON_DAYS = 7
# One list is read by a person: past this many items of a kind, the domain's own page is the tool.
LIMIT = 200

# What a commissioner does next with a request in each status, and which clock it runs against.
REQUEST_STEPS: dict[RequestStatus, tuple[str, str]] = {
    RequestStatus.new: ("响应诉求", "respond_due_at"),
    RequestStatus.reopened: ("响应重新打开的诉求", "respond_due_at"),
    RequestStatus.responded: ("制定办理方案", "plan_due_at"),
    RequestStatus.planned: ("派发或办结诉求", "close_due_at"),
    RequestStatus.replied: ("部门已答复，办结诉求", "close_due_at"),
}


def end_of_day(day: date) -> datetime:
    """The last second of a local day, in UTC: a date deadline as an instant."""
    return datetime.combine(day, time(23, 59, 59), SHANGHAI).astimezone(UTC)


def _name(short: str | None, full: str) -> str:
    return short or full


def lead_items(session: Session, *, user: User, now: datetime | None = None) -> list[TodoItem]:
    """Own open leads not yet contacted (first-contact SLA), or whose next action is due today."""
    if user.role not in {Role.investment_officer, Role.leader}:
        return []
    now = now or now_utc()
    stmt = (
        select(Lead)
        .where(
            Lead.park_id == user.park_id,
            Lead.owner_id == user.id,
            Lead.status.in_(list(OPEN_LEAD_STATUSES)),
            or_(
                Lead.first_contacted_at.is_(None),
                Lead.due_at <= end_of_day(now.astimezone(SHANGHAI).date()),
            ),
        )
        .order_by(Lead.due_at, Lead.id)
        .limit(LIMIT)
    )
    items = []
    for lead in session.scalars(stmt):
        if lead.first_contacted_at is None:
            action, due = "首次联系", lead.first_contact_due_at or lead.due_at
        else:
            action, due = lead.next_action or "跟进线索", lead.due_at
        items.append(
            TodoItem(
                kind="lead",
                action=action,
                subject=lead.company,
                url=f"/investment/leads/{lead.id}",
                due_at=due,
                overdue=due is not None and due < now,
            )
        )
    return items


def project_items(session: Session, *, user: User, on: date | None = None) -> list[TodoItem]:
    """Own open projects whose next action is due today or overdue."""
    if user.role not in {Role.investment_officer, Role.leader}:
        return []
    on = on or today()
    stmt = (
        select(Project)
        .where(
            Project.park_id == user.park_id,
            Project.owner_id == user.id,
            Project.stage.in_(list(OPEN_STAGES)),
            Project.due_on <= on,
        )
        .order_by(Project.due_on, Project.id)
        .limit(LIMIT)
    )
    return [
        TodoItem(
            kind="project",
            action=p.next_action or "推进项目",
            subject=p.name,
            url=f"/investment/projects/{p.id}",
            due_at=end_of_day(p.due_on) if p.due_on else None,
            all_day=True,
            overdue=p.due_on is not None and p.due_on < on,
        )
        for p in session.scalars(stmt)
    ]


def request_items(session: Session, *, user: User, now: datetime | None = None) -> list[TodoItem]:
    """Requests of the commissioner's own enterprises to respond, plan, dispatch or close;
    for a department, requests dispatched to it and not yet answered."""
    now = now or now_utc()
    if user.role == Role.commissioner:
        stmt = (
            select(ServiceRequest, Enterprise.short_name, Enterprise.name)
            .join(Enterprise, Enterprise.id == ServiceRequest.enterprise_id)
            .where(
                ServiceRequest.park_id == user.park_id,
                Enterprise.commissioner_id == user.id,
                ServiceRequest.status.in_(list(REQUEST_STEPS)),
            )
            .order_by(ServiceRequest.submitted_at, ServiceRequest.id)
            .limit(LIMIT)
        )
        items = []
        for req, short, full in session.execute(stmt):
            action, due_col = REQUEST_STEPS[req.status]
            due = getattr(req, due_col)
            items.append(
                TodoItem(
                    kind="request",
                    action=action,
                    subject=f"{_name(short, full)} · {req.title}",
                    url=f"/requests/{req.id}",
                    due_at=due,
                    overdue=due is not None and due < now,
                )
            )
        return items
    if user.role == Role.department and user.department_id is not None:
        dispatch_stmt = (
            select(RequestDispatch, ServiceRequest.title, Enterprise.short_name, Enterprise.name)
            .join(ServiceRequest, ServiceRequest.id == RequestDispatch.request_id)
            .join(Enterprise, Enterprise.id == ServiceRequest.enterprise_id)
            .where(
                ServiceRequest.park_id == user.park_id,
                RequestDispatch.department_id == user.department_id,
                RequestDispatch.replied_at.is_(None),
                ServiceRequest.status.in_(list(OPEN_STATUSES)),
            )
            .order_by(RequestDispatch.reply_due_at, RequestDispatch.id)
            .limit(LIMIT)
        )
        return [
            TodoItem(
                kind="reply",
                action="答复派发的诉求",
                subject=f"{_name(short, full)} · {title}",
                url=f"/requests/{d.request_id}",
                due_at=d.reply_due_at,
                overdue=d.reply_due_at < now,
            )
            for d, title, short, full in session.execute(dispatch_stmt)
        ]
    return []


def rating_items(session: Session, *, user: User) -> list[TodoItem]:
    """An enterprise's own closed requests waiting for its satisfaction rating."""
    if user.role != Role.enterprise or user.enterprise_id is None:
        return []
    stmt = (
        select(ServiceRequest.id, ServiceRequest.title)
        .where(
            ServiceRequest.park_id == user.park_id,
            ServiceRequest.enterprise_id == user.enterprise_id,
            ServiceRequest.status == RequestStatus.closed,
        )
        .order_by(ServiceRequest.closed_at, ServiceRequest.id)
        .limit(LIMIT)
    )
    return [
        TodoItem(kind="rating", action="评价办理结果", subject=title, url=f"/requests/{rid}")
        for rid, title in session.execute(stmt)
    ]


def task_items(session: Session, *, user: User, on: date | None = None) -> list[TodoItem]:
    """A department's unfinished tasks (led or co-led) and led milestones due within the horizon."""
    if user.role != Role.department or user.department_id is None:
        return []
    on = on or today()
    until = on + timedelta(days=HORIZON_DAYS)
    dept = user.department_id
    partner = (
        select(TaskPartner.id)
        .where(TaskPartner.task_id == CoordTask.id, TaskPartner.department_id == dept)
        .exists()
    )
    task_stmt = (
        select(CoordTask.id, CoordTask.title, CoordTask.deadline)
        .where(
            CoordTask.park_id == user.park_id,
            or_(CoordTask.lead_department_id == dept, partner),
            CoordTask.status != TaskStatus.done,
            CoordTask.deadline <= until,
        )
        .order_by(CoordTask.deadline, CoordTask.id)
        .limit(LIMIT)
    )
    items = [
        TodoItem(
            kind="task",
            action="报告推进情况",
            subject=title,
            url=f"/tasks/{tid}",
            due_at=end_of_day(deadline),
            all_day=True,
            overdue=deadline < on,
        )
        for tid, title, deadline in session.execute(task_stmt)
    ]
    # Only the lead department completes milestones (tasks.service._may_steer).
    ms_stmt = (
        select(TaskMilestone.title, TaskMilestone.due_on, CoordTask.id, CoordTask.title)
        .join(CoordTask, CoordTask.id == TaskMilestone.task_id)
        .where(
            CoordTask.park_id == user.park_id,
            CoordTask.lead_department_id == dept,
            CoordTask.status != TaskStatus.done,
            TaskMilestone.done_on.is_(None),
            TaskMilestone.due_on <= until,
        )
        .order_by(TaskMilestone.due_on, TaskMilestone.id)
        .limit(LIMIT)
    )
    items += [
        TodoItem(
            kind="milestone",
            action="完成里程碑",
            subject=f"{task_title} · {ms_title}",
            url=f"/tasks/{tid}",
            due_at=end_of_day(due_on),
            all_day=True,
            overdue=due_on < on,
        )
        for ms_title, due_on, tid, task_title in session.execute(ms_stmt)
    ]
    return items


def followup_items(session: Session, *, user: User, on: date | None = None) -> list[TodoItem]:
    """The next step of each own enterprise's latest plan follow-up, due within a week or overdue."""
    if user.role != Role.commissioner:
        return []
    on = on or today()
    newer = aliased(PlanFollowUp)
    superseded = (
        select(newer.id)
        .where(
            newer.enterprise_id == PlanFollowUp.enterprise_id,
            or_(
                newer.happened_on > PlanFollowUp.happened_on,
                and_(newer.happened_on == PlanFollowUp.happened_on, newer.id > PlanFollowUp.id),
            ),
        )
        .exists()
    )
    stmt = (
        select(PlanFollowUp, Enterprise.short_name, Enterprise.name)
        .join(Enterprise, Enterprise.id == PlanFollowUp.enterprise_id)
        .where(
            Enterprise.park_id == user.park_id,
            Enterprise.commissioner_id == user.id,
            PlanFollowUp.due_on <= on + timedelta(days=FOLLOWUP_HORIZON_DAYS),
            ~superseded,
        )
        .order_by(PlanFollowUp.due_on, PlanFollowUp.id)
        .limit(LIMIT)
    )
    items = []
    for f, short, full in session.execute(stmt):
        assert f.due_on is not None
        items.append(
            TodoItem(
                kind="followup",
                action=f.next_step or "跟进一企一策",
                subject=_name(short, full),
                url=f"/enterprises/{f.enterprise_id}#plan",
                due_at=end_of_day(f.due_on),
                all_day=True,
                overdue=f.due_on < on,
            )
        )
    return items


def policy_push_items(session: Session, *, user: User, on: date | None = None) -> list[TodoItem]:
    """Current policies that the commissioner's enterprises qualify for and have not been sent."""
    if user.role != Role.commissioner:
        return []
    matches = policies.push_list(session, user=user, as_of=on or today())
    waiting: dict[int, tuple[str, list[str]]] = {}
    for m in matches:
        if m.verdict == rules.Verdict.qualified and m.pushed_at is None:
            waiting.setdefault(m.policy_id, (m.policy_title, []))[1].append(m.enterprise_name)
    items = []
    for policy_id, (title, names) in waiting.items():
        shown = "、".join(names[:3]) + (f" 等{len(names)}家" if len(names) > 3 else "")
        items.append(
            TodoItem(
                kind="policy_push",
                action="推送政策",
                subject=f"{title} → {shown}",
                url=f"/policies/{policy_id}",
            )
        )
    return items[:LIMIT]


def proposal_items(session: Session, *, user: User) -> list[TodoItem]:
    """Drug milestones proposed from the news, waiting for an analyst's decision."""
    if user.role != Role.analyst:
        return []
    stmt = (
        select(MilestoneProposal.title, Drug.name)
        .join(Drug, Drug.id == MilestoneProposal.drug_id)
        .where(MilestoneProposal.park_id == user.park_id, MilestoneProposal.status == "pending")
        .order_by(MilestoneProposal.id)
        .limit(LIMIT)
    )
    return [
        TodoItem(
            kind="proposal",
            action="审核管线里程碑",
            subject=title or drug,
            url="/pipeline/proposals",
        )
        for title, drug in session.execute(stmt)
    ]


_CLOCKS = (
    ("respond_due_at", "respond_escalated_at"),
    ("plan_due_at", "plan_escalated_at"),
    ("close_due_at", "close_escalated_at"),
)


def escalation_items(session: Session, *, user: User) -> list[TodoItem]:
    """Open requests escalated to the leaders because a clock ran out."""
    if user.role != Role.leader:
        return []
    stmt = (
        select(ServiceRequest, Enterprise.short_name, Enterprise.name)
        .join(Enterprise, Enterprise.id == ServiceRequest.enterprise_id)
        .where(
            ServiceRequest.park_id == user.park_id,
            ServiceRequest.escalated.is_(True),
            ServiceRequest.status.in_(list(OPEN_STATUSES)),
        )
        .order_by(ServiceRequest.submitted_at, ServiceRequest.id)
        .limit(LIMIT)
    )
    rows = session.execute(stmt).all()
    ids = [req.id for req, _, _ in rows]
    # A department's late answer escalates too; its deadline counts when it came first.
    late_replies = (
        dict(
            session.execute(
                select(RequestDispatch.request_id, func.min(RequestDispatch.reply_due_at))
                .where(
                    RequestDispatch.request_id.in_(ids),
                    RequestDispatch.escalated_at.is_not(None),
                    RequestDispatch.replied_at.is_(None),
                )
                .group_by(RequestDispatch.request_id)
            ).all()
        )
        if ids
        else {}
    )
    items = []
    for req, short, full in rows:
        dues = [getattr(req, due) for due, esc in _CLOCKS if getattr(req, esc) is not None]
        if req.id in late_replies:
            dues.append(late_replies[req.id])
        known = [d for d in dues if d is not None]
        items.append(
            TodoItem(
                kind="escalation",
                action="督办超时诉求",
                subject=f"{_name(short, full)} · {req.title}",
                url=f"/requests/{req.id}",
                due_at=min(known) if known else None,
                overdue=True,
            )
        )
    return items


def discrepancy_items(session: Session, *, user: User) -> list[TodoItem]:
    """Figures in the park's news that the investment ledger contradicts."""
    if user.role != Role.leader:
        return []
    rows = reconciliation.reconcile_park(session, park_id=user.park_id)
    return [
        TodoItem(
            kind="discrepancy",
            action="核对新闻与台账",
            subject=f"{reconciliation.label_of(r.key)}：{r.reason}",
            url=f"/intel/documents/{r.figure.document_id}",
        )
        for r in rows
        if r.status == Status.mismatch
    ][:LIMIT]


SOURCES: tuple[Callable[..., list[TodoItem]], ...] = (
    escalation_items,
    discrepancy_items,
    lead_items,
    project_items,
    request_items,
    rating_items,
    task_items,
    followup_items,
    policy_push_items,
    proposal_items,
)
_FAR = datetime.max.replace(tzinfo=UTC)


def sort_items(items: list[TodoItem]) -> list[TodoItem]:
    """Overdue first, then by due date (undated last), then by kind and title."""
    return sorted(
        items,
        key=lambda i: (not i.overdue, i.due_at or _FAR, KINDS.index(i.kind), i.title),
    )


def todo_for(session: Session, *, user: User) -> list[TodoItem]:
    """Everything waiting for the user, overdue first."""
    if user.role not in WORKING_ROLES:
        return []
    items: list[TodoItem] = []
    for source in SOURCES:
        items.extend(source(session, user=user))
    return sort_items(items)


def counts(items: list[TodoItem]) -> dict[str, int]:
    """Items per kind, in the page's order of kinds."""
    found = {k: 0 for k in KINDS}
    for item in items:
        found[item.kind] += 1
    return {k: n for k, n in found.items() if n}
