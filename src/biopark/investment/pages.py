"""Investment pipeline pages: overview, leads, projects, targets, the closed loop."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import User
from biopark.chain import service as chain_links
from biopark.errors import BioparkError
from biopark.investment import i18n, kanban, lead_pages, public, service, stages
from biopark.investment.models import LeadStatus, Stage, TargetScope
from biopark.investment.page_forms import parse as _parse
from biopark.investment.page_forms import values as _values
from biopark.investment.schemas import (
    FundsCreate,
    ProjectCreate,
    ProjectUpdate,
    StageChangeCreate,
    TargetSet,
    VisitCreate,
)
from biopark.jobs.uploads import submit_upload, to_status_page
from biopark.kit import sheets
from biopark.kit.pagination import PAGE_COUNT_LIMIT
from biopark.parks.models import Park
from biopark.registry import NavItem
from biopark.web.flash import flash
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
router.include_router(public.router)

NAV = [
    NavItem(
        "招商",
        "/investment",
        frozenset(r.value for r in service.ACCESS),
        order=30,
        description="线索、项目推进与签约入库",
        group="招商",
    )
]
register({"线索、项目推进与签约入库": "Leads, projects, signings and funds in place"})
i18n.register_all()
router.include_router(lead_pages.router)
router.include_router(kanban.router)

STAGE_FIELDS = ("stage", "effective_on", "reason", *stages.FACT_FIELDS)
PROJECT_FIELDS = (
    "name", "company", "contact_name", "contact_phone", "intended_investment",
    "owner_id", "team", "chain", "chain_link_id", "site", "land_mu",
    "agreed_investment", "next_action", "due_on", "expected_sign_on", "expected_start_on",
    "expected_production_on", "notes",
)  # fmt: skip


# --- overview -------------------------------------------------------------------------------


@router.get("/investment", response_class=HTMLResponse)
def overview(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    year: int | None = Query(default=None, ge=2000, le=2100),
    team: str | None = Query(default=None, max_length=100),
) -> Response:
    service.check_access(user)
    year = year or service.default_year(session, park_id=user.park_id, today=service.today_local())
    stats = service.year_stats(session, park_id=user.park_id, year=year, team=team or None)
    items = service.loop_items(session, park_id=user.park_id)
    leads = service.list_leads(session, user=user, status=LeadStatus.new, size=10)
    park = session.get(Park, user.park_id)
    ctx = {
        "stats": stats,
        "year": year,
        "team": team or "",
        "park": park,
        "by_owner": service.overdue_by(items, key="owner"),
        "by_team": service.overdue_by(items, key="team"),
        "overdue": [i for i in items if i.overdue][:20],
        "new_leads": leads.items,
        "chart": {
            "months": [f"{m.month}月" for m in stats.months],
            "signed": [m.signed_projects for m in stats.months],
            "agreed": [float(m.cum_agreed_investment / 10**8) for m in stats.months],
            "funds": [float(m.cum_funds_in_place / 10**8) for m in stats.months],
        },
    }
    return render(request, "investment/overview.html", ctx)


@router.get("/investment/loop", response_class=HTMLResponse)
def loop_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    owner_id: int | None = None,
    team: str | None = Query(default=None, max_length=100),
    days: int = Query(default=7, ge=0, le=90),
) -> Response:
    service.check_access(user)
    items = service.loop_items(
        session, park_id=user.park_id, owner_id=owner_id, team=team or None, horizon_days=days
    )
    ctx = {
        "items": items,
        "by_owner": service.overdue_by(items, key="owner"),
        "by_team": service.overdue_by(items, key="team"),
        "days": days,
        "team": team or "",
        "owner_id": owner_id,
        "officers": service.officers(session, park_id=user.park_id),
    }
    return render(request, "investment/loop.html", ctx)


# --- projects -------------------------------------------------------------------------------


def _flt(
    q: str | None,
    stage: str | None,
    owner_id: int | None,
    team: str | None,
    chain: str | None,
    year: int | None,
    overdue: bool,
    month_from: int | None = None,
    month_to: int | None = None,
    signed: bool = False,
    funded: bool = False,
) -> service.ProjectFilter:
    return service.ProjectFilter(
        q=q or None,
        stage=Stage(stage) if stage else None,
        owner_id=owner_id,
        team=team or None,
        chain=chain or None,
        year=year,
        overdue=overdue,
        month_from=month_from if year else None,
        month_to=month_to if year else None,
        signed=signed,
        funded=funded if year else False,
    )


@router.get("/investment/projects", response_class=HTMLResponse)
def projects_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    stage: Stage | None = None,
    owner_id: int | None = None,
    team: str | None = Query(default=None, max_length=100),
    chain: str | None = Query(default=None, max_length=100),
    year: int | None = Query(default=None, ge=2000, le=2100),
    overdue: bool = False,
    month_from: int | None = Query(default=None, ge=1, le=12),
    month_to: int | None = Query(default=None, ge=1, le=12),
    signed: bool = False,
    funded: bool = False,
    page: int = Query(default=1, ge=1),
) -> Response:
    flt = _flt(
        q,
        stage.value if stage else None,
        owner_id,
        team,
        chain,
        year,
        overdue,
        month_from,
        month_to,
        signed,
        funded,
    )
    result = service.list_projects(
        session, user=user, flt=flt, page=page, size=30, count_up_to=PAGE_COUNT_LIMIT
    )
    query = "&".join(
        f"{k}={v}"
        for k, v in (
            ("q", q),
            ("stage", stage.value if stage else None),
            ("owner_id", owner_id),
            ("team", team),
            ("chain", chain),
            ("year", year),
            ("overdue", "true" if overdue else None),
            ("month_from", month_from),
            ("month_to", month_to),
            ("signed", "true" if signed else None),
            ("funded", "true" if funded else None),
        )
        if v
    )
    ctx = {
        "page": result,
        "q": q or "",
        "stage": stage.value if stage else "",
        "owner_id": owner_id,
        "team": team or "",
        "chain": chain or "",
        "year": year or "",
        "overdue": overdue,
        "month_from": month_from if year else None,
        "month_to": month_to if year else None,
        "signed": signed,
        "funded": funded,
        "stages": list(Stage),
        "officers": service.officers(session, park_id=user.park_id),
        "query": query,
    }
    return render(request, "investment/projects.html", ctx)


@router.post("/investment/projects/import", response_class=HTMLResponse)
def import_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    service.check_access(user)
    form = form_of(request)
    upload = form.get("file")
    errors: list[str] = []
    if upload is None or isinstance(upload, str):
        errors = ["请选择 Excel 文件（.xlsx）"]
    else:
        content = upload.file.read(sheets.MAX_BYTES + 1)
        try:
            task = submit_upload(
                request,
                session,
                user=user,
                kind="ledger_import",
                files=[(upload.filename or "", content)],
            )
            return to_status_page(request, task)
        except BioparkError as exc:
            errors = [exc.text(lang_of(request))]
    return render(request, "investment/import.html", {"errors": errors, "imported": 0}, 422)


def _project_form(
    request: Request,
    session: Any,
    user: User,
    project: Any,
    values: dict[str, Any],
    errors: list[str],
    status: int = 200,
) -> Response:
    ctx = {
        "project": project,
        "values": values,
        "errors": errors,
        "officers": service.officers(session, park_id=user.park_id),
        "chain_links": chain_links.link_choices(session, park_id=user.park_id),
    }
    return render(request, "investment/project_form.html", ctx, status)


@router.get("/investment/projects/new", response_class=HTMLResponse)
def new_project_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    service.check_access(user)
    return _project_form(request, session, user, None, {"owner_id": user.id}, [])


@router.post("/investment/projects/new", response_class=HTMLResponse)
def create_project(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    service.check_access(user)
    values = _values(form_of(request), PROJECT_FIELDS)
    data, errors = _parse(ProjectCreate, values, request)
    if data:
        try:
            project = service.create_project(session, user=user, data=data)
            flash(request, "项目已创建")
            return RedirectResponse(f"/investment/projects/{project.id}", status_code=303)
        except BioparkError as exc:
            errors = [exc.text(lang_of(request))]
    return _project_form(request, session, user, None, values, errors, 422)


@router.get("/investment/projects/{project_id}/edit", response_class=HTMLResponse)
def edit_project_page(
    request: Request, project_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    project = service.get_project(session, user=user, project_id=project_id)
    values = {k: getattr(project, k) for k in PROJECT_FIELDS}
    return _project_form(request, session, user, project, values, [])


@router.post("/investment/projects/{project_id}/edit", response_class=HTMLResponse)
def update_project(
    request: Request, project_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    project = service.get_project(session, user=user, project_id=project_id)
    values = _values(form_of(request), PROJECT_FIELDS)
    data, errors = _parse(ProjectUpdate, values, request)
    if data:
        try:
            service.update_project(session, user=user, project_id=project_id, data=data)
            flash(request, "已保存")
            return RedirectResponse(f"/investment/projects/{project_id}", status_code=303)
        except BioparkError as exc:
            session.rollback()
            errors = [exc.text(lang_of(request))]
    return _project_form(request, session, user, project, values, errors, 422)


def _project_page(
    request: Request,
    session: Any,
    user: User,
    project_id: int,
    errors: list[str],
    status: int = 200,
) -> Response:
    project = service.get_project(session, user=user, project_id=project_id)
    ctx = {
        "project": project,
        "errors": errors,
        "stages": list(Stage),
        "visits": service.list_visits(session, user=user, project_id=project_id),
        "funds": service.list_funds(session, user=user, project_id=project_id),
        "timeline": service.timeline(
            session, user=user, project_id=project_id, lang=lang_of(request)
        ),
        "today": service.today_local(),
    }
    return render(request, "investment/project.html", ctx, status)


@router.get("/investment/projects/{project_id}", response_class=HTMLResponse)
def project_page(
    request: Request, project_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    return _project_page(request, session, user, project_id, [])


@router.post("/investment/projects/{project_id}/{action}", response_class=HTMLResponse)
def project_action(
    request: Request, project_id: int, action: str, user: CurrentUser, session: SessionDep
) -> Response:
    service.get_project(session, user=user, project_id=project_id)
    form = form_of(request)
    errors: list[str] = []
    try:
        if action == "stage":
            data, errors = _parse(StageChangeCreate, _values(form, STAGE_FIELDS), request)
            if data:
                service.change_stage(session, user=user, project_id=project_id, data=data)
                flash(request, "阶段已变更")
        elif action == "visit":
            fields = ("visited_on", "people", "place", "notes", "next_step", "next_due_on")
            data, errors = _parse(VisitCreate, _values(form, fields), request)
            if data:
                service.add_visit(session, user=user, project_id=project_id, data=data)
                flash(request, "拜访已记录")
        elif action == "funds":
            values = _values(form, ("received_on", "amount", "note", "confirm_over_agreed"))
            values["confirm_over_agreed"] = values["confirm_over_agreed"] in ("on", "true")
            data, errors = _parse(FundsCreate, values, request)
            if data:
                service.add_funds(session, user=user, project_id=project_id, data=data)
                flash(request, "到位资金已记录")
        else:
            return Response(status_code=404)
    except BioparkError as exc:
        errors = [exc.text(lang_of(request))]
    if errors:
        session.rollback()
        return _project_page(request, session, user, project_id, errors, 422)
    return RedirectResponse(f"/investment/projects/{project_id}", status_code=303)


# --- targets --------------------------------------------------------------------------------


@router.get("/investment/targets", response_class=HTMLResponse)
def targets_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    ctx = {
        "targets": service.list_targets(session, user=user),
        "can_edit": user.role in service.TARGET_EDITORS,
        "scopes": list(TargetScope),
        "errors": [],
        "values": {"year": service.today_local().year},
    }
    return render(request, "investment/targets.html", ctx)


@router.post("/investment/targets", response_class=HTMLResponse)
def set_target(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    values = _values(
        form_of(request),
        ("year", "scope", "scope_value", "projects", "agreed_investment", "funds_in_place"),
    )
    data, errors = _parse(TargetSet, values, request)
    if data:
        try:
            service.set_target(session, user=user, data=data)
            flash(request, "目标已保存")
            return RedirectResponse("/investment/targets", status_code=303)
        except BioparkError as exc:
            errors = [exc.text(lang_of(request))]
    ctx = {
        "targets": service.list_targets(session, user=user),
        "can_edit": user.role in service.TARGET_EDITORS,
        "scopes": list(TargetScope),
        "errors": errors,
        "values": values,
    }
    return render(request, "investment/targets.html", ctx, 422)


__all__ = ["NAV", "router"]
