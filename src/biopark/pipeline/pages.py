"""Drug pipeline pages: list, detail with milestones and deals, funnel and timeline, proposals."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role
from biopark.audit import service as audit
from biopark.errors import BioparkError, Forbidden
from biopark.pipeline import proposals, service, stages
from biopark.pipeline.models import CURRENCIES, MODALITIES
from biopark.pipeline.schemas import (
    DealCreate,
    DrugCreate,
    MilestoneCreate,
    ProposalDecision,
    StageChange,
)
from biopark.registry import NavItem
from biopark.web.flash import flash
from biopark.web.forms import error_messages, parse_form
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "创新药管线",
        "/pipeline",
        frozenset({*(r.value for r in service.READERS), Role.enterprise.value}),
        order=45,
        description="药物阶段、里程碑与授权交易",
        group="产业",
    )
]
register({"药物阶段、里程碑与授权交易": "Drug stages, milestones and licensing deals"})
register(
    {
        "药物已创建": "Drug created",
        "研发阶段已变更": "Stage changed",
        "里程碑已添加": "Milestone added",
        "授权交易已添加": "Licensing deal added",
        "已采纳，里程碑已记录": "Accepted; the milestone is recorded",
        "已驳回该提议": "Proposal rejected",
        "未知操作": "Unknown action",
        "输入有误": "Invalid input",
    }
)

register(
    {
        "创新药管线": "Drug pipeline",
        "管线漏斗": "Pipeline funnel",
        "药物": "Drugs",
        "代号": "Code",
        "靶点": "Target",
        "适应症": "Indication",
        "类型": "Modality",
        "阶段": "Stage",
        "阶段日期": "Stage since",
        "范围": "Scope",
        "园区": "Park",
        "全市": "City",
        "市级": "City-level",
        "在研": "In research",
        "临床阶段": "In clinical stages",
        "已获批": "On market",
        "里程碑": "Milestones",
        "授权交易": "Licensing deals",
        "合作方": "Partner",
        "区域": "Territory",
        "首付款": "Upfront",
        "总金额": "Total",
        "币种": "Currency",
        "签约日期": "Signed on",
        "日期": "Date",
        "标题": "Title",
        "原因": "Reason",
        "来源": "Source",
        "来源标题": "Source title",
        "来源链接": "Source URL",
        "提供人": "Told by",
        "变更阶段": "Change stage",
        "新增里程碑": "Add milestone",
        "新增交易": "Add deal",
        "时间线": "Timeline",
        "待审里程碑": "Proposed milestones",
        "采纳": "Accept",
        "驳回": "Reject",
        "原文": "Source text",
        "建议阶段": "Proposed stage",
        "备注": "Note",
        "全部": "All",
        "演示": "demo",
        "企业": "Enterprise",
        "新建药物": "New drug",
        "园区企业": "Park enterprise",
        "企业名称": "Company name",
        "园区外企业填写": "for companies outside the park",
    }
)

LABELS = {
    "stage": "阶段",
    "occurred_on": "日期",
    "reason": "原因",
    "title": "标题",
    "source_title": "来源标题",
    "source_url": "来源链接",
    "source_person": "提供人",
    "partner": "合作方",
    "territory": "区域",
    "upfront": "首付款",
    "total": "总金额",
    "currency": "币种",
    "signed_on": "签约日期",
}


def _common(request: Request) -> dict[str, Any]:
    en = lang_of(request) == "en"
    return {
        "en": en,
        "modalities": {k: v[1] if en else v[0] for k, v in MODALITIES.items()},
        "stage_labels": {s.value: stages.label(s, "en" if en else "zh") for s in stages.Stage},
        "stage_order": [s.value for s in stages.ORDER] + [stages.Stage.discontinued.value],
    }


@router.get("/pipeline", response_class=HTMLResponse)
def list_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    stage: str | None = Query(default=None, max_length=20),
    modality: str | None = Query(default=None, max_length=20),
    scope: str | None = Query(default=None, max_length=10),
    page: int = Query(default=1, ge=1),
) -> Response:
    if stage and stage not in {"in_research", "clinical", "on_market", *stages.Stage}:
        stage = None
    if scope not in (None, "", "park", "city"):
        scope = None
    result = service.list_drugs(
        session,
        user=user,
        q=q,
        stage=stage,
        modality=modality or None,
        scope=scope or None,
        page=page,
        size=30,
    )
    ctx = {
        **_common(request),
        "page": result,
        "companies": {d.id: service.company_of(session, d) for d in result.items},
        "q": q or "",
        "stage": stage or "",
        "modality": modality or "",
        "scope": scope or "",
        "show_funnel": user.role in service.READERS,
        "can_edit": service.can_edit(user),
    }
    return render(request, "pipeline/list.html", ctx)


DRUG_LABELS = {
    "name": "名称",
    "code": "代号",
    "enterprise_id": "企业",
    "company_name": "企业名称",
    "modality": "类型",
    "target": "靶点",
    "indication": "适应症",
    "stage": "阶段",
    "stage_since": "阶段日期",
    "scope": "范围",
}


def _new_form(request, user, session, values, errors, status=200):  # type: ignore[no-untyped-def]
    ctx = {
        **_common(request),
        "values": values,
        "errors": errors,
        "enterprises": service.park_enterprises(session, user=user),
    }
    return render(request, "pipeline/new.html", ctx, status)


@router.get("/pipeline/new", response_class=HTMLResponse)
def new_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    if not service.can_edit(user):
        raise Forbidden()
    return _new_form(request, user, session, {"stage": "preclinical", "scope": "park"}, [])


@router.post("/pipeline/new", response_class=HTMLResponse)
def create(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    values = {k: form.get(k) for k in DRUG_LABELS}
    try:
        data = parse_form(DrugCreate, values)
    except ValidationError as exc:
        errors = error_messages(exc, DRUG_LABELS, lang_of(request))
        return _new_form(request, user, session, values, errors, 422)
    try:
        drug = service.create_drug(session, user=user, data=data)
    except BioparkError as exc:
        if exc.status not in (409, 422):
            raise
        return _new_form(request, user, session, values, [exc.text(lang_of(request))], exc.status)
    flash(request, "药物已创建")
    return RedirectResponse(f"/pipeline/drugs/{drug.id}", status_code=303)


def _detail(request, user, session, drug_id, errors=None, status=200):  # type: ignore[no-untyped-def]
    drug = service.get_drug(session, user=user, drug_id=drug_id)
    ctx = {
        **_common(request),
        "drug": drug,
        "company": service.company_of(session, drug),
        "milestones": service.milestones(session, drug=drug),
        "deals": service.deals(session, drug=drug),
        "can_edit": service.can_edit(user),
        "currencies": CURRENCIES,
        "errors": errors or {},
        "targets": [s.value for s in stages.forward_targets(drug.stage)],
        "history": audit.history(
            session, park_id=drug.park_id, entity_type="drug", entity_id=drug.id
        ),
    }
    return render(request, "pipeline/detail.html", ctx, status)


@router.get("/pipeline/drugs/{drug_id}", response_class=HTMLResponse)
def detail_page(request: Request, drug_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return _detail(request, user, session, drug_id)


def _form(request: Request, model: type[BaseModel]) -> tuple[BaseModel | None, list[str]]:
    form = form_of(request)
    values = {k: v for k, v in form.items() if k != "csrf_token" and isinstance(v, str)}
    try:
        return parse_form(model, values), []
    except ValidationError as exc:
        return None, error_messages(exc, LABELS, lang_of(request))


@router.post("/pipeline/drugs/{drug_id}/stage", response_class=HTMLResponse)
def stage_post(request: Request, drug_id: int, user: CurrentUser, session: SessionDep) -> Response:
    data, errors = _form(request, StageChange)
    if data is not None:
        assert isinstance(data, StageChange)
        try:
            service.change_stage(session, user=user, drug_id=drug_id, data=data)
        except BioparkError as exc:
            if exc.status != 422:
                raise
            errors = [exc.text(lang_of(request))]
    if errors:
        return _detail(request, user, session, drug_id, {"stage": errors}, 422)
    flash(request, "研发阶段已变更")
    return RedirectResponse(f"/pipeline/drugs/{drug_id}", status_code=303)


@router.post("/pipeline/drugs/{drug_id}/milestones", response_class=HTMLResponse)
def milestone_post(
    request: Request, drug_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    data, errors = _form(request, MilestoneCreate)
    if data is None:
        return _detail(request, user, session, drug_id, {"milestone": errors}, 422)
    assert isinstance(data, MilestoneCreate)
    service.add_milestone(session, user=user, drug_id=drug_id, data=data)
    flash(request, "里程碑已添加")
    return RedirectResponse(f"/pipeline/drugs/{drug_id}", status_code=303)


@router.post("/pipeline/drugs/{drug_id}/deals", response_class=HTMLResponse)
def deal_post(request: Request, drug_id: int, user: CurrentUser, session: SessionDep) -> Response:
    data, errors = _form(request, DealCreate)
    if data is None:
        return _detail(request, user, session, drug_id, {"deal": errors}, 422)
    assert isinstance(data, DealCreate)
    service.add_deal(session, user=user, drug_id=drug_id, data=data)
    flash(request, "授权交易已添加")
    return RedirectResponse(f"/pipeline/drugs/{drug_id}", status_code=303)


@router.get("/pipeline/funnel", response_class=HTMLResponse)
def funnel_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    lang = lang_of(request)
    ctx = {
        **_common(request),
        "park": service.funnel_for(session, user=user, scope="park", lang=lang),
        "city": service.funnel_for(session, user=user, scope="city", lang=lang),
        "timeline": service.timeline(session, user=user, limit=30),
    }
    return render(request, "pipeline/funnel.html", ctx)


@router.get("/pipeline/proposals", response_class=HTMLResponse)
def proposals_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    status: str = Query(default="pending", pattern="^(pending|accepted|rejected)$"),
) -> Response:
    items = proposals.list_proposals(session, user=user, status=status)
    names = {
        d.id: d.name
        for d in (service.get_drug(session, user=user, drug_id=p.drug_id) for p in items)
    }
    ctx = {
        **_common(request),
        "items": items,
        "names": names,
        "status": status,
        "can_decide": user.role in proposals.DECIDERS,
        "error": request.query_params.get("error"),
    }
    return render(request, "pipeline/proposals.html", ctx)


@router.post("/pipeline/proposals/{proposal_id}/{decision}", response_class=HTMLResponse)
def decide(
    request: Request, proposal_id: int, decision: str, user: CurrentUser, session: SessionDep
) -> Response:
    data, errors = _form(request, ProposalDecision)
    back = RedirectResponse("/pipeline/proposals", status_code=303)
    if data is None:
        flash(request, "；".join(errors) or "输入有误", level="error")
        return RedirectResponse("/pipeline/proposals?error=1", status_code=303)
    assert isinstance(data, ProposalDecision)
    try:
        if decision == "accept":
            proposals.accept_proposal(session, user=user, proposal_id=proposal_id, data=data)
            flash(request, "已采纳，里程碑已记录")
        elif decision == "reject":
            proposals.reject_proposal(session, user=user, proposal_id=proposal_id, data=data)
            flash(request, "已驳回该提议")
        else:
            flash(request, "未知操作", level="error")
    except BioparkError as exc:
        # Refused before anything was written (already decided, no date, a stage move not allowed).
        if exc.status not in (409, 422):
            raise
        flash(request, exc.text(lang_of(request)), level="error")
    return back


from biopark.pipeline import deal_pages  # noqa: E402  (its routes join this router)

router.include_router(deal_pages.router)
