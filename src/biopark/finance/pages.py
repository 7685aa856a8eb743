"""金融服务 pages: financing needs with their matches and referral, and the product catalogue."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role, User
from biopark.errors import BioparkError, Conflict, Forbidden, ValidationFailed
from biopark.finance import service
from biopark.finance.models import NEED_STATUS_LABELS, PRODUCT_KINDS, STAGES
from biopark.finance.schemas import (
    DeclineBody,
    GrantBody,
    NeedCreate,
    ProductCreate,
    ProductUpdate,
    ReferBody,
)
from biopark.kit.dates import today
from biopark.kit.money import parse_cny
from biopark.policies import rules
from biopark.registry import NavItem
from biopark.web.flash import flash
from biopark.web.forms import blank_to_none, error_messages, parse_form
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "金融服务",
        "/finance/needs",
        frozenset(r.value for r in service.READERS),
        order=44,
        description="融资需求发布、金融产品匹配与银行对接",
        group="企业服务",
    ),
]

LABELS = {
    "name": "产品名称",
    "kind": "产品类型",
    "provider": "提供机构",
    "amount_min": "额度下限",
    "amount_max": "额度上限",
    "rate_text": "利率/费率",
    "summary": "说明",
    "conditions": "申请条件",
    "amount": "融资金额",
    "purpose": "资金用途",
    "stage": "发展阶段",
    "product_id": "金融产品",
    "note": "备注",
    "granted_amount": "获批金额",
    "granted_by": "放款机构",
    "decided_on": "结果日期",
}
MONEY_FIELDS = ("amount", "amount_min", "amount_max", "granted_amount")
NULLABLE = ("amount_min", "amount_max", "rate_text")
ACTIVE_STATES = {"retire": (False, "金融产品已停用"), "reactivate": (True, "金融产品已重新启用")}

register(
    {
        "金融服务": "Financing services",
        "融资需求发布、金融产品匹配与银行对接": "Post financing needs, match products, refer to banks",
        "融资需求": "Financing needs",
        "融资需求详情": "Financing need",
        "金融产品": "Financial products",
        "产品名称": "Product",
        "产品类型": "Product type",
        "提供机构": "Provider",
        "额度下限": "Minimum amount",
        "额度上限": "Maximum amount",
        "额度": "Amount range",
        "利率/费率": "Rate",
        "申请条件": "Conditions",
        "融资金额": "Amount sought",
        "资金用途": "Purpose",
        "发展阶段": "Stage",
        "获批金额": "Amount granted",
        "放款机构": "Granted by",
        "结果日期": "Decision date",
        "发布融资需求": "Post a financing need",
        "新增金融产品": "Add a product",
        "推荐至金融产品": "Refer to a product",
        "登记获批": "Record grant",
        "登记未获批": "Record refusal",
        "撤回需求": "Withdraw need",
        "匹配的金融产品": "Matching products",
        "推荐对接": "Referral",
        "结果": "Outcome",
        "发布时间": "Posted",
        "融资需求已发布": "Financing need posted",
        "已推荐至金融机构": "Referred to the provider",
        "已登记获批": "Grant recorded",
        "已登记未获批": "Refusal recorded",
        "融资需求已撤回": "Financing need withdrawn",
        "金融产品已添加": "Product added",
        "暂无匹配产品": "No matching products",
        "原因": "Reason",
        "融资需求进展": "Financing need progress",
        "人才服务申请进展": "Talent application progress",
        "银行贷款": "Bank loan",
        "融资担保": "Guarantee",
        "产业基金": "Industry fund",
        "保险": "Insurance",
        "研发期": "R&D",
        "临床期": "Clinical",
        "产业化期": "Commercialisation",
        "成熟期": "Mature",
        "已发布": "Posted",
        "已推荐": "Referred",
        "已获批": "Granted",
        "未获批": "Declined",
        "已撤回": "Withdrawn",
        "融资服务": "Financing services",
        "获批笔数": "Granted",
        "需求数": "Needs",
        "已推荐数": "Referred",
        "获批总额": "Amount granted",
        "已停用": "Retired",
        "可写“3亿元”或“5000万”": "You may write 3亿元 or 5000万",
        "编辑金融产品": "Edit product",
        "取消": "Cancel",
        "停用产品": "Retire",
        "重新启用": "Reactivate",
        "金融产品已更新": "Product updated",
        "金融产品已停用": "Product retired",
        "金融产品已重新启用": "Product reactivated",
        "停用后不再向企业展示，也不再匹配新的融资需求；已推荐的需求不受影响": "A retired product is no longer shown to enterprises nor matched to new needs; needs already referred to it are unaffected",
    }
)


def _money_values(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Amounts may be written as 3亿元 / 5000万 / 1,200,000; each refused one names its field."""
    out, errors = dict(values), []
    for key in MONEY_FIELDS:
        text = str(values.get(key) or "").strip()
        if key not in values or not text:
            continue
        try:
            out[key] = parse_cny(text)
        except ValueError:
            errors.append(f"{LABELS[key]}：无法识别的金额")
    return out, errors


@router.get("/finance/needs", response_class=HTMLResponse)
def needs_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    status: str | None = Query(default=None, max_length=20),
    page: int = Query(default=1, ge=1),
) -> Response:
    return _needs(request, session, user, status, page, {}, [])


def _needs(
    request: Request,
    session: Session,
    user: User,
    status: str | None,
    page: int,
    values: dict[str, Any],
    errors: list[str],
    code: int = 200,
) -> Response:
    result = service.list_needs(session, user=user, status=status or None, page=page, size=30)
    ctx = {
        "page": result,
        "status": status or "",
        "names": service.enterprise_names(session, {n.enterprise_id for n in result.items}),
        "status_labels": {k.value: v for k, v in NEED_STATUS_LABELS.items()},
        "stages": STAGES,
        "can_post": user.role == Role.enterprise,
        "values": values,
        "errors": errors,
    }
    return render(request, "finance/needs.html", ctx, code)


@router.post("/finance/needs", response_class=HTMLResponse)
def post_need(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    raw = {k: form.get(k) for k in ("amount", "purpose", "stage")}
    values, errors = _money_values(raw)
    if not errors:
        try:
            need = service.post_need(session, user=user, data=parse_form(NeedCreate, values))
        except ValidationError as exc:
            errors = error_messages(exc, LABELS, lang_of(request))
        except (ValidationFailed, Conflict) as exc:
            errors = [exc.text(lang_of(request))]
    if errors:
        return _needs(request, session, user, None, 1, raw, errors, 422)
    flash(request, "融资需求已发布")
    return RedirectResponse(f"/finance/needs/{need.id}", status_code=303)


def _detail(
    request: Request,
    session: Session,
    user: User,
    need_id: int,
    errors: list[str] | None = None,
    code: int = 200,
) -> Response:
    need = service.get_need(session, user=user, need_id=need_id)
    matches = service.match_need(session, user=user, need_id=need.id)
    product = (
        service.get_product(session, user=user, product_id=need.product_id)
        if (need.product_id and user.role in service.EDITORS)
        else None
    )
    ctx = {
        "need": need,
        "enterprise": service.enterprise_names(session, {need.enterprise_id}).get(
            need.enterprise_id, ""
        ),
        "product": product,
        "matches": matches,
        "steps": service.steps_for(user.role, need.status),
        "status_labels": {k.value: v for k, v in NEED_STATUS_LABELS.items()},
        "verdicts": {k.value: v for k, v in rules.VERDICT_LABELS.items()},
        "kinds": PRODUCT_KINDS,
        "history": service.history(session, need=need),
        "errors": errors or [],
        "today": today(),
    }
    return render(request, "finance/need.html", ctx, code)


@router.get("/finance/needs/{need_id}", response_class=HTMLResponse)
def need_page(request: Request, need_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return _detail(request, session, user, need_id)


STEPS: dict[str, tuple[type[BaseModel] | None, Callable[..., Any], str]] = {
    "refer": (ReferBody, service.refer_need, "已推荐至金融机构"),
    "grant": (GrantBody, service.grant_need, "已登记获批"),
    "decline": (DeclineBody, service.decline_need, "已登记未获批"),
    "withdraw": (None, service.withdraw_need, "融资需求已撤回"),
}


@router.post("/finance/needs/{need_id}/{step}", response_class=HTMLResponse)
def need_step(
    request: Request, need_id: int, step: str, user: CurrentUser, session: SessionDep
) -> Response:
    if step not in STEPS:
        raise BioparkError("未知操作", en="Unknown action", status=404)
    schema, call, done = STEPS[step]
    lang = lang_of(request)
    try:
        with session.begin_nested():
            if schema is None:
                call(session, user=user, need_id=need_id)
            else:
                form = form_of(request)
                values, errors = _money_values({k: form.get(k) for k in schema.model_fields})
                if errors:
                    return _detail(request, session, user, need_id, errors, 422)
                call(session, user=user, need_id=need_id, data=parse_form(schema, values))
    except ValidationError as exc:
        return _detail(request, session, user, need_id, error_messages(exc, LABELS, lang), 422)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return _detail(request, session, user, need_id, [exc.text(lang)], exc.status)
    flash(request, done)
    return RedirectResponse(f"/finance/needs/{need_id}", status_code=303)


def _catalogue(
    request: Request,
    session: Session,
    user: User,
    values: dict[str, Any],
    errors: list[str],
    code: int = 200,
) -> Response:
    result = service.list_products(session, user=user, size=200)
    ctx = {
        "products": result.items,
        "conditions": {
            p.id: service.describe_conditions(p.conditions, lang_of(request)) for p in result.items
        },
        "kinds": PRODUCT_KINDS,
        "can_edit": user.role in service.EDITORS,
        "values": values,
        "errors": errors,
    }
    return render(request, "finance/products.html", ctx, code)


@router.get("/finance/products", response_class=HTMLResponse)
def products_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    return _catalogue(request, session, user, {"kind": "loan", "conditions": '{"all": []}'}, [])


def _product_form(request: Request) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The typed product form (to show again), its parsed values and the errors found so far."""
    form = form_of(request)
    raw = {k: form.get(k) for k in ProductCreate.model_fields if k != "active"}
    values, errors = _money_values(raw)
    try:
        values["conditions"] = json.loads(str(raw.get("conditions") or "").strip() or "{}")
    except ValueError:
        errors.append("申请条件：不是有效的 JSON")
    return raw, values, errors


@router.post("/finance/products", response_class=HTMLResponse)
def add_product(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    if user.role not in service.EDITORS:
        raise Forbidden()
    raw, values, errors = _product_form(request)
    if not errors:
        try:
            given = {k: v for k, v in blank_to_none(values).items() if v is not None}
            data = ProductCreate.model_validate(given)
            service.create_product(session, park_id=user.park_id, actor=user, data=data)
        except ValidationError as exc:
            errors = error_messages(exc, LABELS, lang_of(request))
        except (ValidationFailed, Conflict) as exc:
            errors = [exc.text(lang_of(request))]
    if errors:
        return _catalogue(request, session, user, raw, errors, 422)
    flash(request, "金融产品已添加")
    return RedirectResponse("/finance/products", status_code=303)


def _edit_form(
    request: Request,
    session: Session,
    user: User,
    product_id: int,
    values: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    code: int = 200,
) -> Response:
    if user.role not in service.EDITORS:
        raise Forbidden("无权修改金融产品", en="You may not change financial products")
    product = service.get_product(session, user=user, product_id=product_id)
    if values is None:
        values = {k: getattr(product, k) for k in ProductCreate.model_fields if k != "active"}
        values["conditions"] = json.dumps(product.conditions, ensure_ascii=False)
    ctx = {"product": product, "kinds": PRODUCT_KINDS, "values": values, "errors": errors or []}
    return render(request, "finance/product_edit.html", ctx, code)


@router.get("/finance/products/{product_id}/edit", response_class=HTMLResponse)
def edit_product_page(
    request: Request, product_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    return _edit_form(request, session, user, product_id)


@router.post("/finance/products/{product_id}/edit", response_class=HTMLResponse)
def edit_product(
    request: Request, product_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    if user.role not in service.EDITORS:
        raise Forbidden("无权修改金融产品", en="You may not change financial products")
    raw, values, errors = _product_form(request)
    if not errors:
        try:
            # A blank optional field clears it; a blank required one is refused as too short.
            given = {
                k: (None if k in NULLABLE and not str(v or "").strip() else v)
                for k, v in values.items()
            }
            given["summary"] = str(given.get("summary") or "")
            data = ProductUpdate.model_validate(given)
            service.update_product(session, user=user, product_id=product_id, data=data)
        except ValidationError as exc:
            errors = error_messages(exc, LABELS, lang_of(request))
        except (ValidationFailed, Conflict) as exc:
            errors = [exc.text(lang_of(request))]
    if errors:
        return _edit_form(request, session, user, product_id, raw, errors, 422)
    flash(request, "金融产品已更新")
    return RedirectResponse("/finance/products", status_code=303)


@router.post("/finance/products/{product_id}/{state}", response_class=HTMLResponse)
def product_state(
    request: Request, product_id: int, state: str, user: CurrentUser, session: SessionDep
) -> Response:
    if state not in ACTIVE_STATES:
        raise BioparkError("未知操作", en="Unknown action", status=404)
    active, done = ACTIVE_STATES[state]
    service.set_product_active(session, user=user, product_id=product_id, active=active)
    flash(request, done)
    return RedirectResponse("/finance/products", status_code=303)
