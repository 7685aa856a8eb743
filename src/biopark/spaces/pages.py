"""Space pages: the inventory with occupancy, one space with its bookings, and leads' needs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.errors import BioparkError
from biopark.kit.dates import today
from biopark.registry import NavItem
from biopark.spaces import service, stats
from biopark.spaces.i18n import LABELS
from biopark.spaces.models import (
    CLEANROOM_GRADES,
    LETTABLE,
    ZONINGS,
    Availability,
    SpaceKind,
)
from biopark.spaces.schemas import NeedSet, SpaceCreate, SpaceStatusChange, VisitCreate
from biopark.web.flash import flash
from biopark.web.forms import error_messages, parse_form
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

STAFF = frozenset({Role.admin.value, Role.leader.value, Role.investment_officer.value})
NAV = [
    NavItem(
        "载体",
        "/spaces",
        STAFF,
        order=22,
        description="楼宇、实验室和土地的可招商情况与看房预约",
        group="招商",
    )
]

SPACE_FIELDS = (
    "kind",
    "name",
    "parent_id",
    "status",
    "area_m2",
    "land_mu",
    "zoning",
    "rent_per_m2_day",
    "sale_price",
    "cleanroom_grade",
    "ventilation",
    "floor_load_kn_m2",
    "address",
    "occupant",
    "notes",
)
NEED_FIELDS = (
    "kind",
    "area_min_m2",
    "area_max_m2",
    "max_rent_per_m2_day",
    "max_sale_price",
    "gmp_required",
)


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
    kind: SpaceKind | None,
    status: Availability | None,
    errors: list[str] | None = None,
    values: dict[str, Any] | None = None,
    code: int = 200,
) -> Response:
    tops = service.list_spaces(session, user=user, top=True)
    ctx = {
        "occupancy": stats.occupancy(session, park_id=user.park_id),
        "tops": [(s, service.rollup(session, space=s)) for s in tops],
        "spaces": [
            s
            for s in service.list_spaces(session, user=user, kind=kind, status=status)
            if s.kind in LETTABLE
        ],
        "parents": [s for s in service.list_spaces(session, user=user) if s.kind not in LETTABLE],
        "kinds": list(SpaceKind),
        "statuses": list(Availability),
        "grades": CLEANROOM_GRADES,
        "zonings": ZONINGS,
        "kind": kind.value if kind else "",
        "status": status.value if status else "",
        "errors": errors or [],
        "values": values or {},
        "visits": service.list_visits(session, user=user, upcoming=True)[:10],
    }
    return render(request, "spaces/list.html", ctx, code)


@router.get("/spaces", response_class=HTMLResponse)
def spaces_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    kind: SpaceKind | None = None,
    status: Availability | None = None,
) -> Response:
    return _list_page(request, session, user, kind, status)


@router.post("/spaces", response_class=HTMLResponse)
def space_create(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    values = _values(form_of(request), SPACE_FIELDS)
    data, errors = _parse(SpaceCreate, values, request)
    if data:
        try:
            space = service.create_space(session, user=user, data=data)
        except BioparkError as exc:
            errors = [exc.text(lang_of(request))]
    if errors:
        session.rollback()
        return _list_page(request, session, user, None, None, errors, values, 422)
    flash(request, "载体已添加")
    return RedirectResponse(f"/spaces/{space.id}", status_code=303)


def _space_page(
    request: Request,
    session: Session,
    user: User,
    space_id: int,
    errors: list[str] | None = None,
    code: int = 200,
    posted: dict[str, Any] | None = None,
) -> Response:
    space = service.get_space(session, user=user, space_id=space_id)
    parent = (
        service.get_space(session, user=user, space_id=space.parent_id) if space.parent_id else None
    )
    ctx = {
        "space": space,
        "parent": parent,
        "children": service.descendants(session, space=space),
        "rollup": service.rollup(session, space=space),
        "visits": service.list_visits(session, user=user, space_id=space.id),
        "statuses": list(Availability),
        "lettable": space.kind in LETTABLE,
        "errors": errors or [],
        "today": today().isoformat(),
        "posted": posted or {},
        "history": audit.history(
            session, park_id=space.park_id, entity_type=service.ENTITY_SPACE, entity_id=space.id
        ),
    }
    return render(request, "spaces/detail.html", ctx, code)


@router.get("/spaces/{space_id}", response_class=HTMLResponse)
def space_page(request: Request, space_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return _space_page(request, session, user, space_id)


@router.post("/spaces/needs/{lead_id}", response_class=HTMLResponse)
def need_save(request: Request, lead_id: int, user: CurrentUser, session: SessionDep) -> Response:
    values = _values(form_of(request), NEED_FIELDS)
    values["gmp_required"] = values.get("gmp_required") in ("on", "true", "1")
    data, errors = _parse(NeedSet, values, request)
    if data:
        try:
            service.set_need(session, user=user, lead_id=lead_id, data=data)
        except BioparkError as exc:
            errors = [exc.text(lang_of(request))]
    if errors:
        session.rollback()
        for e in errors:
            flash(request, e, "error")
    else:
        flash(request, "载体需求已保存")
    return RedirectResponse(f"/investment/leads/{lead_id}#space-matches", status_code=303)


@router.post("/spaces/{space_id}/{action}", response_class=HTMLResponse)
def space_action(
    request: Request, space_id: int, action: str, user: CurrentUser, session: SessionDep
) -> Response:
    service.get_space(session, user=user, space_id=space_id)
    form = form_of(request)
    errors: list[str] = []
    target = f"/spaces/{space_id}"
    try:
        if action == "status":
            data, errors = _parse(SpaceStatusChange, _values(form, ("status", "occupant")), request)
            if data:
                service.set_status(session, user=user, space_id=space_id, data=data)
                flash(request, "状态已更新")
        elif action == "visit":
            fields = ("starts_at", "lead_id", "project_id", "visitor", "note")
            data, errors = _parse(
                VisitCreate, {**_values(form, fields), "space_id": space_id}, request
            )
            if data:
                service.book_visit(session, user=user, data=data)
                flash(request, "看房已预约")
                if data.lead_id:
                    target += f"?lead={data.lead_id}"
        elif action == "cancel":
            visit_id = form.get("visit_id")
            if not isinstance(visit_id, str) or not visit_id.isdigit():
                return Response(status_code=404)
            service.cancel_visit(session, user=user, visit_id=int(visit_id))
            flash(request, "预约已取消")
        else:
            return Response(status_code=404)
    except BioparkError as exc:
        errors = [exc.text(lang_of(request))]
    if errors:
        session.rollback()
        posted = _values(form, ("starts_at", "lead_id", "project_id", "visitor", "note"))
        return _space_page(request, session, user, space_id, errors, 422, posted)
    return RedirectResponse(target, status_code=303)
