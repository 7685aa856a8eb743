"""Enterprise pages for follow-ups that are due and for change proposals."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.enterprises import proposals, records
from biopark.enterprises.schemas import ProposalCreate, ProposalReview
from biopark.errors import Conflict, Forbidden, ValidationFailed
from biopark.kit.dates import today
from biopark.web.flash import flash
from biopark.web.forms import error_messages, parse_form
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

register(
    {
        "到期跟进": "Follow-ups due",
        "一企一策跟进事项：已逾期或 7 天内到期": "Plan follow-ups overdue or due within 7 days",
        "今日到期": "Due today",
        "即将到期": "Due soon",
        "变更申请": "Change proposals",
        "申请内容": "Proposed changes",
        "待审核": "Pending",
        "已同意": "Approved",
        "已驳回": "Rejected",
        "同意并更新档案": "Approve and update the file",
        "驳回": "Reject",
        "驳回理由": "Reason for rejection",
        "只填需要变更的项，提交后由服务专员审核。": "Fill in only what changes; your commissioner reviews it.",
        "说明": "Note",
        "提交变更申请": "Propose changes",
        "变更申请已提交，等待服务专员审核": "Proposal sent; your commissioner will review it",
        "已同意，档案已更新": "Approved; the file is updated",
        "已驳回变更申请": "Proposal rejected",
        "入库即加上对应标签（专精特新、龙头企业、高新技术企业、关键配套）；出库即去掉该标签。上市后备库不对应标签。": (
            "Entering a pool sets its tag (Specialised & innovative SME, Leading enterprises,"
            " High-tech enterprise, Key supplier); leaving it removes the tag."
            " The IPO pipeline pool has no tag."
        ),
        "如 3.6亿、5000万、1,200.5万元": "e.g. 3.6亿, 5000万, 1,200.5万元",
        "每年": "per year",
        "已入库，标签已同步": "Entered the pool; tags updated",
        "已出库，标签已同步": "Left the pool; tags updated",
        "已保存": "Saved",
    }
)
STATUS = {"pending": "待审核", "approved": "已同意", "rejected": "已驳回"}
PROPOSAL_LABELS = {**proposals.FIELD_LABELS, "note": "说明"}


@router.get("/enterprises/followups", response_class=HTMLResponse)
def followups_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    day = today()
    rows = records.due_follow_ups(session, user=user, today=day)
    return render(request, "enterprises/followups.html", {"rows": rows, "today": day})


def _back(enterprise_id: int) -> RedirectResponse:
    return RedirectResponse(f"/enterprises/{enterprise_id}#proposals", status_code=303)


@router.post("/enterprises/{enterprise_id}/proposals")
def propose(
    request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    form = form_of(request)
    fields = (*proposals.FIELD_LABELS, "note")
    # Empty boxes mean "no change", so they are left out rather than sent as blanks.
    values: dict[str, Any] = {
        k: form.get(k) for k in fields if isinstance(form.get(k), str) and str(form.get(k)).strip()
    }
    try:
        data = parse_form(ProposalCreate, values)
        with session.begin_nested():
            proposals.propose(session, user=user, enterprise_id=enterprise_id, data=data)
    except ValidationError as exc:
        for line in error_messages(exc, PROPOSAL_LABELS, lang_of(request)):
            flash(request, line, level="error")
        return _back(enterprise_id)
    except (ValidationFailed, Conflict) as exc:
        flash(request, exc.message, level="error")
        return _back(enterprise_id)
    flash(request, "变更申请已提交，等待服务专员审核")
    return _back(enterprise_id)


def _review(request: Request, proposal_id: int, user: Any, session: Any, approve: bool) -> Response:
    form = form_of(request)
    data = ProposalReview(reason=str(form.get("reason") or "")[:2000] or None)
    call = proposals.approve if approve else proposals.reject
    try:
        with session.begin_nested():
            row = call(session, user=user, proposal_id=proposal_id, data=data)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        if isinstance(exc, Forbidden):
            raise
        flash(request, exc.message, level="error")
        return RedirectResponse("/enterprises", status_code=303)
    flash(request, "已同意，档案已更新" if approve else "已驳回变更申请")
    return _back(row.enterprise_id)


@router.post("/enterprises/proposals/{proposal_id}/approve")
def approve(request: Request, proposal_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return _review(request, proposal_id, user, session, approve=True)


@router.post("/enterprises/proposals/{proposal_id}/reject")
def reject(request: Request, proposal_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return _review(request, proposal_id, user, session, approve=False)
