"""Audit log page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from biopark.accounts.deps import SessionDep
from biopark.accounts.models import Role
from biopark.audit import service
from biopark.audit.api import Auditor
from biopark.registry import NavItem
from biopark.web.i18n import register
from biopark.web.templating import render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "审计日志",
        "/audit",
        frozenset({Role.admin.value, Role.leader.value}),
        order=950,
        description="全部数据变更的留痕记录",
        group="管理",
    )
]
register({"全部数据变更的留痕记录": "Trail of every change to the data"})


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: Auditor, session: SessionDep) -> Response:
    return render(
        request, "audit/list.html", {"entries": service.recent(session, park_id=user.park_id)}
    )
