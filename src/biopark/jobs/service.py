"""The scheduled jobs as plain functions `run_x(session, *, now) -> result`, and their schedule.

No queue here: `jobs/queue.py` wires these to huey; tests call them directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.config import get_settings
from biopark.enterprises.models import Enterprise, PlanFollowUp
from biopark.investment.models import OPEN_STAGES, Project
from biopark.kit.dates import to_local
from biopark.kit.workcal import is_working_day
from biopark.notify import service as notify
from biopark.notify.delivery import deliver_due
from biopark.notify.digest import run_daily_digest
from biopark.parks.models import Park
from biopark.services import sla
from biopark.services.models import CLOCK_LABELS, ServiceRequest
from biopark.talent.service import escalate_overdue as escalate_talent
from biopark.tasks.models import CoordTask, TaskStatus

JobFn = Callable[..., dict[str, Any]]


def _local_day(now: datetime) -> date:
    local = to_local(now)
    assert local is not None
    return local.date()


def _pause() -> None:
    # The kill -9 test makes a job slow on purpose, to kill its worker in the middle.
    delay = get_settings().job_slow_seconds
    if delay > 0:
        time.sleep(delay)


def run_escalate_requests(session: Session, *, now: datetime) -> dict[str, Any]:
    """Escalate overdue SLA clocks (working time) and notify the park's leaders once each."""
    found = sla.escalate_overdue(session, now=now)
    leaders: dict[int, list[User]] = {}
    notices = 0
    for item in found:
        if item.park_id not in leaders:
            leaders[item.park_id] = notify.users_with_role(
                session, park_id=item.park_id, roles=[Role.leader]
            )
        req = session.get(ServiceRequest, item.request_id)
        title = req.title if req else f"#{item.request_id}"
        clock = CLOCK_LABELS.get(item.clock, item.clock)
        where = f"（{item.department}）" if item.department else ""
        _pause()
        notices += len(
            notify.send(
                session,
                to=leaders[item.park_id],
                kind="sla_escalation",
                title=f"诉求{clock}超时{where}：{title}",
                url=f"/requests/{item.request_id}",
                body=f"{clock}时限 {item.due_at.isoformat(timespec='minutes')} 已过，已升级。",
                dedupe_key=(
                    f"sla:{item.request_id}:{item.clock}:{item.department or ''}:"
                    f"{item.due_at.isoformat()}"
                ),
                now=now,
            )
        )
    # Talent applications run on the same working-time clocks; their module notifies leaders.
    talent = escalate_talent(session, now=now)
    return {"escalated": len(found), "notices": notices, "talent_escalated": len(talent)}


def run_overdue_reminders(session: Session, *, now: datetime) -> dict[str, Any]:
    """Remind owners of overdue projects, lead departments of overdue tasks, commissioners
    of due one-company-plan follow-ups: once per item and day."""
    today = _local_day(now)
    counts = {"projects": 0, "tasks": 0, "followups": 0}
    projects = session.scalars(
        select(Project).where(
            Project.stage.in_(list(OPEN_STAGES)),
            Project.due_on.is_not(None),
            Project.due_on < today,
            Project.owner_id.is_not(None),
        )
    )
    for p in projects:
        counts["projects"] += len(
            notify.send(
                session,
                to=p.owner_id or 0,
                kind="project_overdue",
                title=f"项目下一步已逾期：{p.name}",
                url=f"/investment/projects/{p.id}",
                body=f"{p.next_action or '下一步'}（应于 {p.due_on} 完成）",
                dedupe_key=f"project_overdue:{p.id}:{today}",
                now=now,
            )
        )
    tasks = session.scalars(
        select(CoordTask).where(CoordTask.status != TaskStatus.done, CoordTask.deadline < today)
    )
    for t in tasks:
        counts["tasks"] += len(
            notify.send(
                session,
                to=notify.department_users(session, department_id=t.lead_department_id),
                kind="task_overdue",
                title=f"重点任务已逾期：{t.title}",
                url=f"/tasks/{t.id}",
                body=f"完成时限 {t.deadline}，当前进度 {t.progress}%",
                dedupe_key=f"task_overdue:{t.id}:{today}",
                now=now,
            )
        )
    follow_ups = session.execute(
        select(PlanFollowUp, Enterprise)
        .join(Enterprise, Enterprise.id == PlanFollowUp.enterprise_id)
        .where(
            PlanFollowUp.due_on.is_not(None),
            PlanFollowUp.due_on <= today,
            Enterprise.commissioner_id.is_not(None),
        )
    )
    for f, ent in follow_ups:
        # Only the latest follow-up of a plan sets the next due date; older ones are history.
        newer = session.scalar(
            select(PlanFollowUp.id).where(
                PlanFollowUp.enterprise_id == f.enterprise_id, PlanFollowUp.id > f.id
            )
        )
        if newer is not None:
            continue
        counts["followups"] += len(
            notify.send(
                session,
                to=ent.commissioner_id or 0,
                kind="followup_due",
                title=f"一企一策跟进到期：{ent.short_name or ent.name}",
                url=f"/enterprises/{ent.id}",
                body=f"{f.next_step or '跟进'}（{f.due_on}）",
                dedupe_key=f"followup_due:{f.id}:{today}",
                now=now,
            )
        )
    return counts


def first_working_day(year: int, month: int) -> date:
    """The first working day of a month on the holiday calendar."""
    day = date(year, month, 1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def run_monthly_report(session: Session, *, now: datetime) -> dict[str, Any]:
    """On the first working day of a month, write last month's report and notify leaders."""
    from biopark.dashboard import report, report_render

    today = _local_day(now)
    if today != first_working_day(today.year, today.month):
        return {"skipped": "not the first working day"}
    last = today.replace(day=1) - timedelta(days=1)
    month = f"{last.year}-{last.month:02d}"
    folder = get_settings().var_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for park in session.scalars(select(Park).order_by(Park.id)):
        rep = None
        for fmt in ("pdf", "docx"):
            path = folder / f"{park.code}-{month}.{fmt}"
            if not path.exists():
                rep = rep or report.build(session, park_id=park.id, month=month)
                data = report_render.render(rep, fmt)
                # Write then rename: a worker killed halfway leaves no truncated report.
                tmp = path.with_suffix(".part")
                tmp.write_bytes(data)
                tmp.replace(path)
            written.append(str(path))
        notify.send(
            session,
            to=notify.users_with_role(session, park_id=park.id, roles=[Role.leader]),
            kind="monthly_report",
            title=f"{month} 月报已生成",
            url=f"/api/dashboard/report?month={month}&format=html",
            dedupe_key=f"monthly_report:{month}",
            now=now,
        )
    return {"month": month, "files": written}


def run_deliver_notices(session: Session, *, now: datetime) -> dict[str, Any]:
    """Send pending e-mail and robot deliveries (each claim committed before its send)."""
    return deliver_due(session, now=now, commit=session.commit)


def run_poll_sources(session: Session, *, now: datetime) -> dict[str, Any]:
    """Poll every enabled information source whose interval has passed."""
    from biopark.feeds.service import poll_due

    return poll_due(session, now=now)


def run_purge_leads(session: Session, *, now: datetime) -> dict[str, Any]:
    """Anonymise consultations never converted within the retention period (PIPL)."""
    from biopark.investment.consult import purge_stale_leads

    return {"anonymised": purge_stale_leads(session, now=now)}


def run_index_pending(session: Session, *, now: datetime) -> dict[str, Any]:
    """Index the documents left unindexed (a failed indexing, or a bulk run held the index)."""
    from biopark.intel.autoindex import index_pending

    return {"indexed": index_pending(session)}


def minute_key(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M")


def hour_key(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H")


def day_key(now: datetime) -> str:
    return _local_day(now).isoformat()


@dataclass(frozen=True)
class Job:
    """A scheduled job: cron fields in UTC (huey's default), and the key of its period."""

    name: str
    schedule: str
    cron: dict[str, str]
    period: Callable[[datetime], str]
    run: JobFn
    description: str


JOBS: dict[str, Job] = {
    j.name: j
    for j in (
        Job(
            "escalate_requests",
            "每分钟 / every minute",
            {"minute": "*"},
            minute_key,
            run_escalate_requests,
            "诉求 SLA 超时升级并通知领导",
        ),
        Job(
            "deliver_notices",
            "每分钟 / every minute",
            {"minute": "*"},
            minute_key,
            run_deliver_notices,
            "发送邮件与群机器人通知（失败重试）",
        ),
        Job(
            "poll_sources",
            "每分钟检查，按各信息源间隔 / per-source interval",
            {"minute": "*"},
            minute_key,
            run_poll_sources,
            "抓取到期的 RSS/网页信息源",
        ),
        Job(
            "overdue_reminders",
            "每小时 / hourly at :05",
            {"minute": "5"},
            hour_key,
            run_overdue_reminders,
            "项目、任务、一企一策跟进逾期提醒",
        ),
        Job(
            "daily_digest",
            "每天 08:30（北京时间）",
            {"minute": "30", "hour": "0"},
            day_key,
            run_daily_digest,
            "每日汇总通知",
        ),
        Job(
            "monthly_report",
            "每天 07:00 检查，每月第一个工作日生成",
            {"minute": "0", "hour": "23"},
            day_key,
            run_monthly_report,
            "生成上月月报并通知领导",
        ),
        Job(
            "purge_leads",
            "每天 03:00（北京时间）",
            {"minute": "0", "hour": "19"},
            day_key,
            run_purge_leads,
            "超过保存期限未转化的线索匿名化",
        ),
        Job(
            "index_pending",
            "每 10 分钟 / every 10 minutes",
            {"minute": "*/10"},
            minute_key,
            run_index_pending,
            "为尚未建立检索索引的情报文档补建索引",
        ),
    )
}
