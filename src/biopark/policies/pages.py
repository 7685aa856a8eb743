"""Policy library, push list and 我的政策 pages."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import escape
from pydantic import ValidationError

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role
from biopark.audit import service as audit
from biopark.errors import BioparkError
from biopark.kit.dates import today
from biopark.policies import builder_pages, calculator, rules, service
from biopark.policies.models import BENEFITS, LEVELS, Policy
from biopark.policies.schemas import PolicyCreate, PolicyUpdate
from biopark.registry import NavItem
from biopark.web import i18n
from biopark.web.flash import flash
from biopark.web.forms import blank_to_none, error_messages, parse_form
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
router.include_router(builder_pages.router)
router.include_router(calculator.router)

LIBRARY_ROLES = service.READERS - {Role.enterprise}
NAV = [
    NavItem(
        "政策库",
        "/policies",
        frozenset(r.value for r in LIBRARY_ROLES),
        order=40,
        description="惠企政策条款与申报条件查询",
        group="企业服务",
    ),
    NavItem(
        "政策推送",
        "/push-list",
        frozenset(r.value for r in service.PUSHERS),
        order=41,
        description="按条件匹配企业，精准推送",
        group="企业服务",
    ),
    NavItem(
        "我的政策",
        "/my/policies",
        frozenset({Role.enterprise.value}),
        order=40,
        description="本企业可申报的政策",
        group="企业服务",
    ),
    calculator.NAV_ITEM,
]
register(
    {
        "惠企政策条款与申报条件查询": "Support policies, their terms and conditions",
        "按条件匹配企业，精准推送": "Match enterprises to policies and push them",
        "本企业可申报的政策": "Policies your enterprise can apply for",
    }
)

LABELS = {
    "title": "标题",
    "issuer": "发布单位",
    "level": "层级",
    "doc_no": "文号",
    "benefit": "扶持方式",
    "summary": "摘要",
    "valid_from": "生效日期",
    "valid_to": "截止日期",
    "conditions": "申报条件",
    "amount_rule": "金额规则",
    "auto_grant": "免申即享",
    "published": "发布",
    "source_url": "原文链接",
}

i18n.register(
    {
        "政策已创建": "Policy created",
        "政策已保存": "Policy saved",
        "已标记为已推送": "Marked as pushed",
        "推送失败：参数无效": "Push failed: invalid parameters",
        "政策库": "Policy library",
        "政策推送": "Policy push list",
        "我的政策": "My policies",
        "政策": "Policy",
        "企业": "Enterprise",
        "标题": "Title",
        "发布单位": "Issuer",
        "层级": "Level",
        "文号": "Document no.",
        "扶持方式": "Benefit",
        "摘要": "Summary",
        "生效日期": "Valid from",
        "截止日期": "Valid to",
        "有效期": "Validity",
        "申报条件": "Eligibility conditions",
        "金额规则": "Amount rule",
        "免申即享": "Apply-free",
        "发布": "Published",
        "草稿": "Draft",
        "原文链接": "Source",
        "新建政策": "New policy",
        "结论": "Verdict",
        "说明": "Explanation",
        "预计金额": "Expected amount",
        "推送": "Push",
        "已推送": "Pushed",
        "标记已推送": "Mark pushed",
        "未满足": "Unmet",
        "无法判断": "Cannot evaluate",
        "符合条件": "Qualified",
        "接近符合": "Nearly qualified",
        "不符合": "Not eligible",
        "可申报": "May apply",
        "免申请，直接兑现": "Granted without application",
        "暂无匹配政策": "No matching policies",
        "免申即享名单": "Apply-free ready list",
        "企业匹配情况": "How enterprises match",
        "仅当前有效": "Valid today only",
        "资金补贴": "Subsidy",
        "贷款融资": "Loan",
        "税收优惠": "Tax relief",
        "人才支持": "Talent",
        "用地保障": "Land",
        "长期": "Open-ended",
        "已过期": "Expired",
        "条件写法": "How to write conditions",
        "我的服务企业": "My enterprises",
        "全部": "All",
        "可空": "optional",
        "叶子条件": "Leaf condition",
        "待推送": "To push",
        "检查条件": "Check conditions",
    }
)


def _ctx_common() -> dict[str, Any]:
    return {
        "benefits": BENEFITS,
        "levels": LEVELS,
        "labels": {k.value: v for k, v in rules.VERDICT_LABELS.items()},
    }


@router.get("/policies", response_class=HTMLResponse)
def list_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    benefit: str | None = Query(default=None, max_length=20),
    current: str | None = Query(default=None, max_length=3),
    page: int = Query(default=1, ge=1),
) -> Response:
    if user.role == Role.enterprise:
        return RedirectResponse("/my/policies", status_code=303)
    result = service.list_policies(
        session,
        user=user,
        q=q,
        benefit=benefit or None,
        current_on=today() if current else None,
        page=page,
        size=30,
    )
    ctx = {
        **_ctx_common(),
        "page": result,
        "q": q or "",
        "benefit": benefit or "",
        "current": bool(current),
        "today": today(),
        "can_edit": user.role in service.EDITORS,
    }
    return render(request, "policies/list.html", ctx)


def _conditions_view(policy: Policy, lang: str) -> list[str]:
    return rules.describe_list(policy.conditions, lang)


def _amount_view(policy: Policy, lang: str) -> str:
    try:
        return rules.describe_amount(rules.parse_amount(policy.amount_rule), lang)
    except rules.RuleError:
        return "—"


def _form(
    request: Request,
    policy: Policy | None,
    values: dict[str, Any],
    errors: list[str],
    status: int = 200,
) -> Response:
    user = request.state.user
    ctx = {
        **_ctx_common(),
        **builder_pages.builder_context(user, values),
        "policy": policy,
        "values": values,
        "errors": errors,
        "operators": rules.OPERATOR_LABELS,
        "fields": {k: v.label for k, v in rules.FIELDS.items()},
    }
    return render(request, "policies/form.html", ctx, status)


def _values_of(policy: Policy) -> dict[str, Any]:
    values: dict[str, Any] = {k: getattr(policy, k) for k in LABELS}
    values["conditions"] = policy.conditions
    values["amount_rule"] = (
        json.dumps(policy.amount_rule, ensure_ascii=False) if policy.amount_rule else ""
    )
    return values


def _posted(request: Request) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The raw form (to show again) and the parsed values, with JSON errors in Chinese."""
    form = form_of(request)
    raw: dict[str, Any] = {k: form.get(k) for k in LABELS}
    raw["auto_grant"] = "auto_grant" in form
    raw["published"] = "published" in form
    drawn, conditions, errors = builder_pages.conditions_from(form)
    values = dict(raw)
    values["conditions"] = conditions
    raw.update(drawn)
    text = str(raw.get("amount_rule") or "").strip()
    values["amount_rule"] = None
    if text:
        try:
            values["amount_rule"] = json.loads(text)
        except ValueError:
            errors.append(f"{LABELS['amount_rule']}：不是有效的 JSON")
    return raw, values, errors


@router.get("/policies/new", response_class=HTMLResponse)
def new_page(request: Request, user: CurrentUser) -> Response:
    service.require_editor(user)
    values = {
        "level": "区级",
        "benefit": "subsidy",
        "published": True,
        "valid_from": today(),
        "conditions": {"all": [{"op": "has_tag", "value": "高新技术企业"}]},
    }
    return _form(request, None, values, [])


@router.post("/policies/new", response_class=HTMLResponse)
def create(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    service.require_editor(user)
    raw, values, errors = _posted(request)
    if errors:
        return _form(request, None, raw, errors, 422)
    try:
        given = {k: v for k, v in blank_to_none(values).items() if v is not None}
        data = PolicyCreate.model_validate(given)
        policy = service.create_policy(session, park_id=user.park_id, actor=user, data=data)
    except ValidationError as exc:
        return _form(request, None, raw, error_messages(exc, LABELS, lang_of(request)), 422)
    except BioparkError as exc:
        if exc.status in (409, 422):
            return _form(request, None, raw, [exc.text(lang_of(request))], exc.status)
        raise
    flash(request, "政策已创建")
    return RedirectResponse(f"/policies/{policy.id}", status_code=303)


@router.post("/policies/check-conditions", response_class=HTMLResponse)
def check_conditions(request: Request, user: CurrentUser) -> Response:
    service.require_editor(user)
    form = form_of(request)
    text = str(form.get("conditions") or "")
    try:
        node = rules.parse(json.loads(text))
    except rules.RuleError as exc:
        return HTMLResponse(f'<div class="alert">{escape(str(exc))}</div>')
    except ValueError:
        return HTMLResponse('<div class="alert">申报条件：不是有效的 JSON</div>')
    text = rules.describe(node, lang_of(request))
    return HTMLResponse(f'<div class="notice">{escape(text)}</div>')


@router.get("/policies/{policy_id}", response_class=HTMLResponse)
def detail_page(request: Request, policy_id: int, user: CurrentUser, session: SessionDep):
    policy = service.get_policy(session, user=user, policy_id=policy_id)
    on = today()
    matches: list[service.Match] = []
    ready: list[service.Match] = []
    if user.role in service.PUSHERS or user.role == Role.investment_officer:
        matches = service.policy_matches(session, user=user, policy_id=policy.id, as_of=on)
        ready = [m for m in matches if m.verdict == rules.Verdict.qualified and policy.auto_grant]
    ctx = {
        **_ctx_common(),
        "policy": policy,
        "conditions": _conditions_view(policy, lang_of(request)),
        "amount": _amount_view(policy, lang_of(request)),
        "matches": matches,
        "ready": ready,
        "expired": policy.valid_to is not None and policy.valid_to < on,
        "can_edit": user.role in service.EDITORS,
        "history": audit.history(
            session, park_id=policy.park_id, entity_type="policy", entity_id=policy.id
        ),
    }
    return render(request, "policies/detail.html", ctx)


@router.get("/policies/{policy_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, policy_id: int, user: CurrentUser, session: SessionDep):
    service.require_editor(user)
    policy = service.get_policy(session, user=user, policy_id=policy_id)
    return _form(request, policy, _values_of(policy), [])


@router.post("/policies/{policy_id}/edit", response_class=HTMLResponse)
def update(request: Request, policy_id: int, user: CurrentUser, session: SessionDep):
    service.require_editor(user)
    policy = service.get_policy(session, user=user, policy_id=policy_id)
    raw, values, errors = _posted(request)
    if errors:
        return _form(request, policy, raw, errors, 422)
    try:
        data = parse_form(PolicyUpdate, values)
        service.update_policy(session, user=user, policy_id=policy_id, data=data)
    except ValidationError as exc:
        return _form(request, policy, raw, error_messages(exc, LABELS, lang_of(request)), 422)
    except BioparkError as exc:
        if exc.status in (409, 422):
            return _form(request, policy, raw, [exc.text(lang_of(request))], exc.status)
        raise
    flash(request, "政策已保存")
    return RedirectResponse(f"/policies/{policy_id}", status_code=303)


@router.get("/push-list", response_class=HTMLResponse)
def push_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    verdict: str | None = Query(default=None, max_length=12),
) -> Response:
    matches = service.push_list(session, user=user, as_of=today())
    if verdict in ("qualified", "nearly"):
        matches = [m for m in matches if m.verdict.value == verdict]
    enterprises = sorted({m.enterprise_name for m in matches})
    ctx = {
        **_ctx_common(),
        "matches": matches,
        "verdict": verdict or "",
        "enterprise_count": len(enterprises),
        "pending": sum(1 for m in matches if m.pushed_at is None),
    }
    return render(request, "policies/push.html", ctx)


@router.post("/push-list/mark")
def push_mark(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    try:
        policy_id = int(str(form.get("policy_id")))
        enterprise_id = int(str(form.get("enterprise_id")))
    except ValueError:
        flash(request, "推送失败：参数无效", level="error")
        return RedirectResponse("/push-list", status_code=303)
    service.mark_pushed(session, user=user, policy_id=policy_id, enterprise_id=enterprise_id)
    flash(request, "已标记为已推送")
    return RedirectResponse("/push-list", status_code=303)


@router.get("/my/policies", response_class=HTMLResponse)
def my_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    matches = service.my_matches(session, user=user, as_of=today())
    groups = {
        v.value: [m for m in matches if m.verdict == v]
        for v in (rules.Verdict.qualified, rules.Verdict.nearly, rules.Verdict.unknown)
    }
    return render(request, "policies/mine.html", {**_ctx_common(), "groups": groups})
