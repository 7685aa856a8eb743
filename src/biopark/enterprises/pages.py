"""Enterprise registry pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role
from biopark.audit import service as audit
from biopark.enterprises import service
from biopark.enterprises.models import CLUSTERS, TAGS
from biopark.enterprises.schemas import EnterpriseCreate, EnterpriseUpdate
from biopark.registry import NavItem
from biopark.web.forms import error_messages, parse_form
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem("企业库", "/enterprises", frozenset(r.value for r in service.READERS), order=20),
    NavItem("我的企业", "/enterprises", frozenset({Role.enterprise.value}), order=20),
]

LABELS = {
    "name": "名称",
    "short_name": "简称",
    "credit_code": "统一社会信用代码",
    "founded_on": "成立日期",
    "registered_capital": "注册资本",
    "cluster": "产业集群",
    "tags": "标签",
    "address": "地址",
    "description": "简介",
}


@router.get("/enterprises", response_class=HTMLResponse)
def list_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    tag: str | None = Query(default=None, max_length=20),
    cluster: str | None = Query(default=None, max_length=20),
    page: int = Query(default=1, ge=1),
) -> Response:
    if user.role == Role.enterprise and user.enterprise_id:
        return RedirectResponse(f"/enterprises/{user.enterprise_id}", status_code=303)
    result = service.list_enterprises(
        session, user=user, q=q, tag=tag, cluster=cluster, page=page, size=30
    )
    ctx = {
        "page": result,
        "q": q or "",
        "tag": tag or "",
        "cluster": cluster or "",
        "tags": TAGS,
        "clusters": CLUSTERS,
        "can_edit": user.role in service.EDITORS,
    }
    return render(request, "enterprises/list.html", ctx)


def _form(
    request: Request,
    ent: object | None,
    values: dict[str, Any],
    errors: list[str],
    status: int = 200,
) -> Response:
    ctx = {"ent": ent, "values": values, "errors": errors, "tags": TAGS, "clusters": CLUSTERS}
    return render(request, "enterprises/form.html", ctx, status)


async def _form_values(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {k: form.get(k) for k in LABELS if k != "tags"}
    values["tags"] = [t for t in form.getlist("tags") if isinstance(t, str)]
    return values


@router.get("/enterprises/new", response_class=HTMLResponse)
def new_page(request: Request, user: CurrentUser) -> Response:
    service.visible(user)
    return _form(request, None, {"tags": []}, [])


@router.post("/enterprises/new", response_class=HTMLResponse)
async def create(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    values = await _form_values(request)
    try:
        data = parse_form(EnterpriseCreate, values)
    except ValidationError as exc:
        return _form(request, None, values, error_messages(exc, LABELS, lang_of(request)), 422)
    ent = service.create_enterprise(session, user=user, data=data)
    return RedirectResponse(f"/enterprises/{ent.id}", status_code=303)


@router.get("/enterprises/{enterprise_id}", response_class=HTMLResponse)
def detail_page(request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep):
    ent = service.get_enterprise(session, user=user, enterprise_id=enterprise_id)
    entries = audit.history(
        session, park_id=ent.park_id, entity_type="enterprise", entity_id=ent.id
    )
    ctx = {"ent": ent, "history": entries, "can_edit": user.role in service.EDITORS}
    return render(request, "enterprises/detail.html", ctx)


@router.get("/enterprises/{enterprise_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep):
    ent = service.get_enterprise(session, user=user, enterprise_id=enterprise_id)
    values = {k: getattr(ent, k) for k in LABELS}
    return _form(request, ent, values, [])


@router.post("/enterprises/{enterprise_id}/edit", response_class=HTMLResponse)
async def update(request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep):
    ent = service.get_enterprise(session, user=user, enterprise_id=enterprise_id)
    values = await _form_values(request)
    try:
        data = parse_form(EnterpriseUpdate, values)
    except ValidationError as exc:
        return _form(request, ent, values, error_messages(exc, LABELS, lang_of(request)), 422)
    service.update_enterprise(session, user=user, enterprise_id=enterprise_id, data=data)
    return RedirectResponse(f"/enterprises/{enterprise_id}", status_code=303)
