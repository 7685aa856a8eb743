"""Dashboard, reconciliation and monthly report API (read-only)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.dashboard import jsonify, reconciliation, report, report_render, service

router = APIRouter(prefix="/api/dashboard", tags=["dashboard"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


@router.get("")
def dashboard(
    user: CurrentUser,
    session: SessionDep,
    year: int | None = Query(default=None),
    month_from: int | None = Query(default=None),
    month_to: int | None = Query(default=None),
) -> dict[str, Any]:
    period = service.period_for(
        session, user=user, year=year, month_from=month_from, month_to=month_to
    )
    return jsonify.to_json(service.for_user(session, user=user, period=period))


@router.get("/reconcile")
def reconcile(
    user: CurrentUser, session: SessionDep, peers: bool = Query(default=False)
) -> list[dict[str, Any]]:
    """The park's figures against its ledgers (peers=true adds other subjects' figures)."""
    service.check_reader(user)
    rows = reconciliation.reconcile_park(session, park_id=user.park_id, include_peers=peers)
    return [r.as_json() for r in rows]


@router.get("/peers")
def peers(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    """Figures the news reported about other parks, with their sources."""
    service.check_reader(user)
    return [asdict(p) for p in reconciliation.peer_figures(session, park_id=user.park_id)]


@router.get("/attention")
def attention(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    """The park's real discrepancies between the news and its ledgers."""
    service.check_reader(user)
    return [asdict(a) for a in reconciliation.needs_attention(session, park_id=user.park_id)]


@router.get("/report")
def monthly_report(
    user: CurrentUser,
    session: SessionDep,
    month: str = Query(max_length=7),
    format: str = Query(default="docx", pattern="^(docx|html|pdf)$"),
) -> Response:
    service.check_reader(user)
    rep = report.build(session, park_id=user.park_id, month=month)
    if format == "html":
        return HTMLResponse(report_render.to_html(rep))
    return Response(
        report_render.render(rep, format),
        media_type=PDF if format == "pdf" else DOCX,
        headers={"Content-Disposition": f'attachment; filename="report-{rep.month}.{format}"'},
    )
