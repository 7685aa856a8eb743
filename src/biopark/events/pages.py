"""Event pages: the list with results, one event, and the phone-friendly check-in page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role, User
from biopark.errors import BioparkError
from biopark.events import public, service
from biopark.events.i18n import LABELS
from biopark.events.models import EventKind
from biopark.events.schemas import (
    CheckIn,
    EventCreate,
    InviteeCreate,
    LeadAttach,
    RegistrationCreate,
)
from biopark.kit.dates import today
from biopark.registry import NavItem
from biopark.web.flash import flash
from biopark.web.forms import error_messages, parse_form
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
router.include_router(public.router)

NAV = [
    NavItem(
        "活动招商",
        "/events",
        frozenset({Role.admin.value, Role.leader.value, Role.investment_officer.value}),
        order=23,
        description="招商大会、论坛、异地路演和城市考察：报名、签到与成效",
        group="招商",
    )
]

EVENT_FIELDS = ("name", "kind", "starts_on", "ends_on", "city", "place", "description", "capacity")


def _values(form: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: (v if isinstance(v := form.get(k), str) else None) for k in fields}


def _parse(model: type[BaseModel], data: dict[str, Any], request: Request) -> Any:
    try:
        # Fields left empty take the schema's default.
        given = {
            k: v
            for k, v in data.items()
            if not (v is None or (isinstance(v, str) and not v.strip()))
        }
        return parse_form(model, given), []
    except ValidationError as exc:
        return None, error_messages(exc, LABELS, lang_of(request))


def _list_page(
    request: Request,
    session: Session,
    user: User,
    errors: list[str] | None = None,
    values: dict[str, Any] | None = None,
    code: int = 200,
) -> Response:
    events = service.list_events(session, user=user)
    results = {r.event_id: r for r in service.results(session, park_id=user.park_id, events=events)}
    ctx = {
        "events": events,
        "results": results,
        "kinds": list(EventKind),
        "errors": errors or [],
        "values": values or {},
        "today": today(),
    }
    return render(request, "events/list.html", ctx, code)


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    return _list_page(request, session, user)


@router.post("/events", response_class=HTMLResponse)
def event_create(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    values = _values(form_of(request), EVENT_FIELDS)
    data, errors = _parse(EventCreate, values, request)
    if data:
        try:
            event = service.create_event(session, user=user, data=data)
        except BioparkError as exc:
            errors = [exc.text(lang_of(request))]
    if errors:
        session.rollback()
        return _list_page(request, session, user, errors, values, 422)
    flash(request, "活动已创建")
    return RedirectResponse(f"/events/{event.id}", status_code=303)


def _event_page(
    request: Request,
    session: Session,
    user: User,
    event_id: int,
    errors: list[str] | None = None,
    code: int = 200,
) -> Response:
    event = service.get_event(session, user=user, event_id=event_id)
    ctx = {
        "event": event,
        "result": service.results(session, park_id=user.park_id, events=[event])[0],
        "invitees": service.list_invitees(session, user=user, event_id=event_id),
        "registrations": service.list_registrations(session, user=user, event_id=event_id),
        "leads": service.event_leads(session, user=user, event_id=event_id),
        "signup_url": public.signup_url(str(request.base_url), event.code),
        "errors": errors or [],
    }
    return render(request, "events/detail.html", ctx, code)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return _event_page(request, session, user, event_id)


def _checkin_page(
    request: Request,
    session: Session,
    user: User,
    event_id: int,
    errors: list[str] | None = None,
    code: int = 200,
) -> Response:
    event = service.get_event(session, user=user, event_id=event_id)
    regs = service.list_registrations(session, user=user, event_id=event_id)
    ctx = {
        "event": event,
        "registrations": regs,
        "checked": sum(1 for r in regs if r.checked_in_at),
        "is_day": event.starts_on <= today() <= event.ends_on,
        "errors": errors or [],
    }
    return render(request, "events/checkin.html", ctx, code)


@router.get("/events/{event_id}/checkin", response_class=HTMLResponse)
def checkin_page(
    request: Request, event_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    return _checkin_page(request, session, user, event_id)


@router.post("/events/{event_id}/checkin", response_class=HTMLResponse)
def checkin_submit(
    request: Request, event_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    data, errors = _parse(CheckIn, _values(form_of(request), ("phone",)), request)
    if data:
        try:
            reg = service.check_in(session, user=user, event_id=event_id, phone=data.phone)
        except BioparkError as exc:
            errors = [exc.text(lang_of(request))]
    if errors:
        session.rollback()
        return _checkin_page(request, session, user, event_id, errors, 422)
    flash(request, "签到成功")
    flash(request, f"{reg.name} · {reg.company}", "info")
    return RedirectResponse(f"/events/{event_id}/checkin", status_code=303)


@router.post("/events/{event_id}/{action}", response_class=HTMLResponse)
def event_action(
    request: Request, event_id: int, action: str, user: CurrentUser, session: SessionDep
) -> Response:
    service.get_event(session, user=user, event_id=event_id)
    form = form_of(request)
    errors: list[str] = []
    target = f"/events/{event_id}"
    try:
        if action == "invitee":
            fields = ("company", "contact_name", "phone", "note")
            data, errors = _parse(InviteeCreate, _values(form, fields), request)
            if data:
                service.add_invitee(session, user=user, event_id=event_id, data=data)
                flash(request, "已加入邀请名单")
        elif action == "register":
            fields = ("name", "company", "title", "phone")
            data, errors = _parse(RegistrationCreate, _values(form, fields), request)
            if data:
                service.staff_register(session, user=user, event_id=event_id, data=data)
                flash(request, "已登记报名")
        elif action == "attribute":
            data, errors = _parse(LeadAttach, _values(form, ("lead_id",)), request)
            if data:
                service.attribute_lead(session, user=user, event_id=event_id, lead_id=data.lead_id)
                flash(request, "线索已归属本活动")
        elif action == "lead":
            reg_id = form.get("registration_id")
            if not isinstance(reg_id, str) or not reg_id.isdigit():
                return Response(status_code=404)
            lead = service.lead_from_registration(
                session, user=user, event_id=event_id, registration_id=int(reg_id)
            )
            flash(request, "已转为线索")
            target = f"/investment/leads/{lead.id}"
        elif action in ("open", "close"):
            service.set_signup(session, user=user, event_id=event_id, open_=action == "open")
            flash(request, "报名已开放" if action == "open" else "报名已关闭")
        else:
            return Response(status_code=404)
    except BioparkError as exc:
        errors = [exc.text(lang_of(request))]
    if errors:
        session.rollback()
        return _event_page(request, session, user, event_id, errors, 422)
    return RedirectResponse(target, status_code=303)
