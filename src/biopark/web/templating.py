"""Jinja2 rendering with the user's language, navigation and CSRF token."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from biopark import registry
from biopark.accounts.models import ROLE_LABELS
from biopark.config import get_settings
from biopark.kit.dates import format_local
from biopark.web import (
    fixed_lists,  # noqa: F401  (registers the fixed lists' English)
    numbers,
)
from biopark.web.flash import pop_flashes
from biopark.web.i18n import translate


@lru_cache
def templates() -> Jinja2Templates:
    """The template engine over the shared and the domain template folders."""
    env = Environment(
        loader=FileSystemLoader([str(p) for p in registry.template_dirs()]),
        autoescape=select_autoescape(["html"]),
        # Templates ship with the package; checking their files on every render costs a stat
        # per template and include. BIOPARK_TEMPLATE_RELOAD=true brings it back for development.
        auto_reload=get_settings().template_reload,
    )
    env.globals["role_labels"] = {k.value: v for k, v in ROLE_LABELS.items()}
    env.filters["cny"] = _money
    env.filters["money"] = _money
    env.filters["number"] = _number
    env.filters["percent"] = _percent
    env.filters["metric"] = _metric
    env.filters["editable"] = numbers.editable
    env.filters["month_name"] = _month_name
    env.filters["localtime"] = format_local
    env.globals["describe_history"] = _describe_history
    return Jinja2Templates(env=env)


def _describe_history(entries: Any, lang: str) -> list[Any]:
    """Audit entries as sentences (audit.describe), looking names up in the entries' session."""
    from sqlalchemy.orm import object_session

    from biopark.audit.describe import describe

    entries = list(entries or [])
    session = object_session(entries[0]) if entries else None
    return list(describe(entries, lang, session))


# The number filters read the page language from the template context.
@pass_context
def _money(ctx: Context, value: Any, currency: str = "CNY") -> str:
    return numbers.money(value, str(ctx.get("lang", "zh")), currency)


@pass_context
def _number(ctx: Context, value: Any, digits: int = 2) -> str:
    return numbers.number(value, str(ctx.get("lang", "zh")), digits)


@pass_context
def _percent(ctx: Context, value: Any) -> str:
    return numbers.percent(value, str(ctx.get("lang", "zh")))


@pass_context
def _metric(ctx: Context, value: Any, unit: str | None) -> str:
    return numbers.metric(value, unit, str(ctx.get("lang", "zh")))


@pass_context
def _month_name(ctx: Context, month: int) -> str:
    return numbers.month_name(month, str(ctx.get("lang", "zh")))


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def lang_of(request: Request) -> str:
    """The request's interface language."""
    return str(getattr(request.state, "lang", "zh"))


@lru_cache(maxsize=32)
def _nav_for(role: str) -> tuple[list[Any], tuple[list[Any], list[Any]]]:
    """The entries a role may open and their header menus (the same for every request)."""
    nav = [i for i in registry.nav_items() if not i.roles or role in i.roles]
    return nav, registry.nav_groups(nav)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page template for the current user."""
    lang = lang_of(request)
    user = getattr(request.state, "user", None)
    nav, menus = _nav_for(user.role.value) if user is not None else ([], ([], []))
    ctx: dict[str, Any] = {
        "user": user,
        "lang": lang,
        "_": lambda text: translate(text, lang),
        "nav": nav,
        "nav_menus": menus,
        "csrf_token": csrf_token(request),
        "csp_nonce": getattr(request.state, "csp_nonce", ""),
        "path": request.url.path,
        "flashes": pop_flashes(request),
    }
    ctx.update(context or {})
    return templates().TemplateResponse(request, name, ctx, status_code=status_code)
