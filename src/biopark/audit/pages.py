"""Audit log page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from biopark.accounts.deps import SessionDep
from biopark.accounts.models import Role
from biopark.audit import chain, service
from biopark.audit.api import Auditor
from biopark.registry import NavItem
from biopark.web.flash import flash
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
    ),
    NavItem(
        "共享账本",
        "/audit/chain",
        frozenset({Role.admin.value, Role.leader.value}),
        order=951,
        description="哈希链存证：任何改动或删除都会被发现",
        group="管理",
    ),
]
register(
    {
        "全部数据变更的留痕记录": "Trail of every change to the data",
        "共享账本": "Shared record",
        "哈希链存证：任何改动或删除都会被发现": "Hash chain: any edit or removal is detected",
        "链上记录数": "Entries",
        "最新哈希": "Last hash",
        "最近校验": "Last verified",
        "校验结果": "Result",
        "链完整": "Chain intact",
        "链已断裂": "Chain broken",
        "首个断点": "First broken entry",
        "尚未校验": "Not verified yet",
        "立即校验": "Verify now",
        "校验记录": "Verifications",
        "来源": "Source",
        "校验完成：链完整": "Verified: the chain is intact",
        "校验完成：链已断裂": "Verified: the chain is broken",
        "每条审计记录都带有前一条记录的哈希（SHA-256），任何对已存记录的修改或删除都会使校验失败。": (
            "Each audit entry carries the SHA-256 hash of the one before it;"
            " changing or removing any stored entry makes verification fail."
        ),
        "命令行：biopark audit verify": "Command line: biopark audit verify",
    }
)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: Auditor, session: SessionDep) -> Response:
    return render(
        request, "audit/list.html", {"entries": service.recent(session, park_id=user.park_id)}
    )


@router.get("/audit/chain", response_class=HTMLResponse)
def chain_page(request: Request, user: Auditor, session: SessionDep) -> Response:
    return render(
        request,
        "audit/chain.html",
        {"state": chain.state(session), "checks": chain.recent_checks(session)},
    )


@router.post("/audit/chain/verify", response_class=HTMLResponse)
def chain_verify(request: Request, user: Auditor, session: SessionDep) -> Response:
    report = chain.verify(session)
    chain.record_check(session, report=report, source="page")
    flash(
        request,
        "校验完成：链完整" if report.ok else "校验完成：链已断裂",
        "success" if report.ok else "error",
    )
    return RedirectResponse("/audit/chain", status_code=303)
