"""Notices on domain events, one call each from the owning service (kept here, not there,
so that the domains' diffs stay one line)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.notify import service


def lead_created(session: Session, lead: Any) -> None:
    """A public consultation became a lead: tell the park's investment officers."""
    service.send(
        session,
        to=service.users_with_role(session, park_id=lead.park_id, roles=[Role.investment_officer]),
        kind="lead_new",
        title=f"新咨询线索：{lead.company}",
        url=f"/investment/leads/{lead.id}",
        body=f"{lead.contact_name} · {lead.industry or ''}".strip(" ·"),
        dedupe_key=f"lead_new:{lead.id}",
    )


def request_dispatched(session: Session, req: Any, department_ids: Iterable[int]) -> None:
    """A request was dispatched: tell each department's users (once per dispatch round)."""
    for dispatch in req.dispatches:
        if dispatch.department_id not in set(department_ids):
            continue
        service.send(
            session,
            to=service.department_users(session, department_id=dispatch.department_id),
            kind="request_dispatched",
            title=f"收到派发诉求：{req.title}",
            url=f"/requests/{req.id}",
            body=dispatch.note,
            dedupe_key=f"dispatch:{req.id}:{dispatch.department_id}:"
            f"{dispatch.dispatched_at.isoformat()}",
        )


def task_assigned(session: Session, task: Any) -> None:
    """A key task was created: tell the lead department's users."""
    service.send(
        session,
        to=service.department_users(session, department_id=task.lead_department_id),
        kind="task_assigned",
        title=f"新交办任务：{task.title}",
        url=f"/tasks/{task.id}",
        body=f"完成时限 {task.deadline}",
        dedupe_key=f"task_assigned:{task.id}:{task.lead_department_id}",
    )
