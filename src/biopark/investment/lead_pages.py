"""Lead pages: the list with duplicates, one lead with its visits, and the actions on it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.errors import BioparkError
from biopark.investment import service
from biopark.investment.models import LeadStatus
from biopark.investment.page_forms import end_of_day, parse, values
from biopark.investment.schemas import (
    LeadClose,
    LeadContact,
    LeadMerge,
    LeadQualify,
    LeadUpdate,
    LeadVisitCreate,
)
from biopark.spaces import service as spaces
from biopark.web.flash import flash
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)


@router.get("/investment/leads", response_class=HTMLResponse)
def leads_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    status: LeadStatus | None = None,
    q: str | None = Query(default=None, max_length=100),
    page: int = Query(default=1, ge=1),
) -> Response:
    result = service.list_leads(session, user=user, status=status, q=q, page=page, size=30)
    ctx = {
        "page": result,
        "status": status.value if status else "",
        "q": q or "",
        "statuses": list(LeadStatus),
    }
    return render(request, "investment/leads.html", ctx)


def _lead_page(
    request: Request, session: Any, user: User, lead_id: int, errors: list[str], status: int = 200
) -> Response:
    lead = service.get_lead(session, user=user, lead_id=lead_id)
    duplicates = [service.get_lead(session, user=user, lead_id=i) for i in lead.duplicate_ids]  # type: ignore[attr-defined]
    ctx = {
        "lead": lead,
        "errors": errors,
        "duplicates": duplicates,
        "visits": service.list_lead_visits(session, user=user, lead_id=lead_id),
        "officers": service.officers(session, park_id=user.park_id),
        "history": audit.history(
            session, park_id=lead.park_id, entity_type=service.ENTITY_LEAD, entity_id=lead.id
        ),
        "today": service.today_local(),
        **spaces.lead_panel(session, user=user, lead_id=lead_id),
    }
    return render(request, "investment/lead.html", ctx, status)


@router.get("/investment/leads/{lead_id}", response_class=HTMLResponse)
def lead_page(request: Request, lead_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return _lead_page(request, session, user, lead_id, [])


@router.post("/investment/leads/{lead_id}/{action}", response_class=HTMLResponse)
def lead_action(
    request: Request, lead_id: int, action: str, user: CurrentUser, session: SessionDep
) -> Response:
    service.get_lead(session, user=user, lead_id=lead_id)
    form = form_of(request)
    errors: list[str] = []
    target = f"/investment/leads/{lead_id}"
    try:
        if action == "contact":
            data_in = values(form, ("next_action", "due_at"))
            data_in["due_at"] = end_of_day(data_in["due_at"])
            data, errors = parse(LeadContact, data_in, request)
            if data:
                service.mark_contacted(
                    session,
                    user=user,
                    lead_id=lead_id,
                    next_action=data.next_action,
                    due_at=data.due_at,
                )
                flash(request, "已标记为已联系")
        elif action == "assign":
            data_in = values(form, ("owner_id", "next_action", "due_at"))
            data_in["due_at"] = end_of_day(data_in["due_at"])
            data, errors = parse(LeadUpdate, data_in, request)
            if data:
                service.update_lead(session, user=user, lead_id=lead_id, data=data)
                flash(request, "已保存")
        elif action == "close":
            data, errors = parse(LeadClose, values(form, ("reason",)), request)
            if data:
                service.close_lead(session, user=user, lead_id=lead_id, data=data)
                flash(request, "线索已关闭")
        elif action == "visit":
            fields = ("visited_on", "people", "place", "notes")
            data, errors = parse(LeadVisitCreate, values(form, fields), request)
            if data:
                service.add_lead_visit(session, user=user, lead_id=lead_id, data=data)
                flash(request, "拜访已记录")
        elif action == "merge":
            data, errors = parse(LeadMerge, values(form, ("duplicate_id",)), request)
            if data:
                service.merge_leads(
                    session, user=user, keep_id=lead_id, duplicate_id=data.duplicate_id
                )
                flash(request, "重复线索已合并")
        elif action == "qualify":
            data, errors = parse(
                LeadQualify, values(form, ("name", "next_action", "due_on")), request
            )
            if data:
                project = service.qualify_lead(session, user=user, lead_id=lead_id, data=data)
                flash(request, "已转为项目")
                target = f"/investment/projects/{project.id}"
        else:
            return Response(status_code=404)
    except BioparkError as exc:
        errors = [exc.text(lang_of(request))]
    if errors:
        session.rollback()
        return _lead_page(request, session, user, lead_id, errors, 422)
    return RedirectResponse(target, status_code=303)
