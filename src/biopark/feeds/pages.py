"""信息源管理 pages: list, add, edit, switch on/off, poll now."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import User
from biopark.errors import Conflict
from biopark.feeds import service
from biopark.feeds.models import KIND_LABELS, Source
from biopark.feeds.schemas import SourceCreate
from biopark.intel.service.access import WRITERS, check_write
from biopark.registry import NavItem
from biopark.web.flash import flash
from biopark.web.forms import error_messages, parse_form
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "信息源管理",
        "/intel/sources",
        frozenset(r.value for r in WRITERS),
        order=41,
        description="RSS 与网页信息源的定时抓取",
        group="情报",
    )
]

LABELS = {"name": "名称", "kind": "类型", "url": "地址", "interval_minutes": "抓取间隔（分钟）"}
register(
    {
        "信息源管理": "Sources",
        "新增信息源": "Add source",
        "编辑信息源": "Edit source",
        "名称": "Name",
        "地址": "URL",
        "抓取间隔（分钟）": "Interval (minutes)",
        "启用": "Enabled",
        "停用": "Disabled",
        "立即抓取": "Poll now",
        "上次抓取": "Last poll",
        "累计新文章": "New articles",
        "信息源已保存": "Source saved",
        "信息源已启用": "Source enabled",
        "信息源已停用": "Source disabled",
        "抓取完成": "Poll finished",
        "抓取失败": "Poll failed",
        "RSS 订阅": "RSS feed",
        "网页": "Web page",
        "暂无信息源": "No sources yet",
        "RSS 与网页信息源的定时抓取": "Scheduled polling of RSS feeds and pages",
    }
)


def _form(
    request: Request,
    source: Source | None,
    values: dict[str, Any],
    errors: list[str],
    status: int = 200,
) -> Response:
    ctx = {"source": source, "values": values, "errors": errors, "kinds": KIND_LABELS}
    return render(request, "feeds/form.html", ctx, status)


def _values(request: Request) -> dict[str, Any]:
    form = form_of(request)
    values: dict[str, Any] = {k: form.get(k) for k in ("name", "kind", "url", "interval_minutes")}
    values["enabled"] = form.get("enabled") is not None
    return values


@router.get("/intel/sources", response_class=HTMLResponse)
def list_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    ctx = {
        "sources": service.list_sources(session, user=user),
        "kinds": KIND_LABELS,
        "can_write": user.role in WRITERS,
    }
    return render(request, "feeds/list.html", ctx)


@router.get("/intel/sources/new", response_class=HTMLResponse)
def new_page(request: Request, user: CurrentUser) -> Response:
    check_write(user)
    return _form(request, None, {"kind": "rss", "interval_minutes": 60, "enabled": True}, [])


def _save(
    request: Request, session: Session, user: User, source: Source | None, values: dict[str, Any]
) -> Response:
    try:
        data = parse_form(SourceCreate, values)
        with session.begin_nested():
            if source is None:
                service.create_source(session, user=user, park_id=user.park_id, data=data)
            else:
                service.update_source(session, user=user, source_id=source.id, data=data)
    except ValidationError as exc:
        return _form(request, source, values, error_messages(exc, LABELS, lang_of(request)), 422)
    except Conflict as exc:
        return _form(request, source, values, [exc.text(lang_of(request))], 422)
    flash(request, "信息源已保存")
    return RedirectResponse("/intel/sources", status_code=303)


@router.post("/intel/sources/new", response_class=HTMLResponse)
def create(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    check_write(user)
    return _save(request, session, user, None, _values(request))


@router.get("/intel/sources/{source_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, source_id: int, user: CurrentUser, session: SessionDep) -> Response:
    check_write(user)
    source = service.get_source(session, user=user, source_id=source_id)
    values = {k: getattr(source, k) for k in ("name", "kind", "url", "interval_minutes", "enabled")}
    return _form(request, source, values, [])


@router.post("/intel/sources/{source_id}/edit", response_class=HTMLResponse)
def update(request: Request, source_id: int, user: CurrentUser, session: SessionDep) -> Response:
    check_write(user)
    source = service.get_source(session, user=user, source_id=source_id)
    return _save(request, session, user, source, _values(request))


@router.post("/intel/sources/{source_id}/toggle")
def toggle(request: Request, source_id: int, user: CurrentUser, session: SessionDep) -> Response:
    source = service.get_source(session, user=user, source_id=source_id)
    service.set_enabled(session, user=user, source_id=source_id, enabled=not source.enabled)
    flash(request, "信息源已启用" if source.enabled else "信息源已停用")
    return RedirectResponse("/intel/sources", status_code=303)


@router.post("/intel/sources/{source_id}/poll")
def poll(request: Request, source_id: int, user: CurrentUser, session: SessionDep) -> Response:
    result = service.poll_now(session, user=user, source_id=source_id)
    if result.error:
        flash(request, "抓取失败", level="error")
    else:
        flash(request, "抓取完成")
    return RedirectResponse("/intel/sources", status_code=303)
