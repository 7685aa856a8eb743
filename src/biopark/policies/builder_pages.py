"""The rule builder's htmx parts: redraw after an edit, switch to JSON and back, live preview."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role, User
from biopark.kit.dates import today
from biopark.policies import builder, rules, service
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import render

router = APIRouter(include_in_schema=False)

register(
    {
        "同时满足以下全部": "All of the following",
        "满足以下任一": "Any of the following",
        "不得满足": "None of the following",
        "添加条件": "Add condition",
        "添加条件组": "Add group",
        "删除": "Delete",
        "删除此条件": "Delete this condition",
        "删除此条件组": "Delete this group",
        "条件组类型": "Group type",
        "字段": "Field",
        "运算": "Operator",
        "值": "Value",
        "以 JSON 编辑": "Edit as JSON",
        "返回表单": "Back to the form",
        "申报条件（JSON）": "Eligibility conditions (JSON)",
        "多个值用顿号或逗号分隔": "Separate several values with commas",
        "金额可写 500万、0.5亿": "Amounts may be written as 500万 or 0.5亿",
        "预览": "Preview",
        "符合条件的企业": "Enterprises that qualify",
        "接近符合的企业（差一个条件）": "Enterprises one condition short",
        "共检查": "Checked",
        "家企业": "enterprises",
        "还没有企业符合；可放宽条件或先完善企业资料。": (
            "No enterprise qualifies yet; relax a condition or complete the enterprise records."
        ),
        "条件有误，预览暂停：": "The conditions have an error; preview paused:",
        "仅管理员可直接编辑 JSON": "Only administrators may edit the JSON directly",
        "尚无条件：所有企业都符合。点“添加条件”开始。": (
            "No conditions yet: every enterprise qualifies. Click “Add condition” to start."
        ),
    }
)


def tree_of(values: dict[str, Any]) -> builder.Group | None:
    """The builder tree for the form values, or None when only JSON can show the rule."""
    tree = values.get("tree")
    if isinstance(tree, builder.Group):
        return tree
    raw = values.get("conditions")
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else raw
        return builder.from_rule(rules.parse(parsed if parsed is not None else {"all": []}))
    except (ValueError, rules.RuleError):
        return None


def builder_context(user: User, values: dict[str, Any]) -> dict[str, Any]:
    """What _builder.html needs."""
    tree = tree_of(values)
    mode = values.get("conditions_mode") or ("form" if tree is not None else "json")
    if mode == "json" and user.role != Role.admin and tree is not None:
        mode = "form"
    return {
        "tree": tree or builder.Group(),
        "mode": mode,
        "json_text": values.get("conditions_json") or _json_text(values),
        "can_json": user.role == Role.admin,
        "field_labels": {k: v.label for k, v in rules.FIELDS.items()},
        "field_kinds": {k: v.kind for k, v in rules.FIELDS.items()},
        "field_choices": {k: v.choices for k, v in rules.FIELDS.items()},
        "op_labels": rules.OPERATOR_LABELS,
        "group_labels": builder.GROUP_LABELS,
        "max_depth": builder.MAX_GROUP_DEPTH,
    }


def _json_text(values: dict[str, Any]) -> str:
    raw = values.get("conditions")
    if isinstance(raw, str):
        return raw
    tree = values.get("tree")
    if isinstance(tree, builder.Group):
        try:
            raw = builder.to_raw(tree)
        except rules.RuleError:
            raw = None
    return json.dumps(raw if raw is not None else {"all": []}, ensure_ascii=False, indent=2)


def conditions_from(form: Any) -> tuple[dict[str, Any], Any, list[str]]:
    """(values to draw the builder again, the rule JSON to save, errors) from a posted form."""
    mode = str(form.get("conditions_mode") or "")
    has_rows = any(str(k).startswith("rb.") for k in form)
    if mode == "json" or (not has_rows and "conditions" in form):
        text = str(form.get("conditions_json") or form.get("conditions") or "").strip()
        drawn: dict[str, Any] = {
            "conditions_mode": "json",
            "conditions_json": text,
            "conditions": text,
        }
        if not text:
            return drawn, {"all": []}, []
        try:
            return drawn, json.loads(text), []
        except ValueError:
            return drawn, None, ["申报条件：不是有效的 JSON"]
    try:
        tree = builder.from_form(form)
    except rules.RuleError as exc:
        return {"conditions_mode": "form"}, None, [f"申报条件：{exc}"]
    drawn = {"conditions_mode": "form", "tree": tree}  # type: ignore[dict-item]
    try:
        return drawn, builder.to_raw(tree), []
    except rules.RuleError as exc:
        return drawn, None, [f"申报条件：{exc}"]


def _part(request: Request, user: User, values: dict[str, Any], error: str = "") -> Response:
    ctx = {**builder_context(user, values), "builder_error": error}
    response = render(request, "policies/_builder.html", ctx)
    response.headers["HX-Trigger"] = "rules-changed"
    return response


@router.post("/policies/rule-builder", response_class=HTMLResponse)
def redraw(request: Request, user: CurrentUser) -> Response:
    service.require_editor(user)
    form = form_of(request)
    action = str(form.get("action") or "")
    values, raw, errors = conditions_from(form)
    if action == "to-json":
        if user.role != Role.admin:
            return _part(request, user, values, "仅管理员可直接编辑 JSON")
        try:
            if errors:
                raise rules.RuleError(errors[0].removeprefix("申报条件："))
            canonical = rules.to_json(rules.parse(raw))
        except rules.RuleError as exc:
            return _part(request, user, values, f"申报条件：{exc}")
        text = json.dumps(canonical, ensure_ascii=False, indent=2)
        return _part(request, user, {"conditions_mode": "json", "conditions_json": text})
    if action == "to-form":
        if errors:
            return _part(request, user, values, errors[0])
        try:
            tree = builder.from_rule(rules.parse(raw))
        except rules.RuleError as exc:
            return _part(request, user, values, f"申报条件：{exc}")
        return _part(request, user, {"conditions_mode": "form", "tree": tree})
    drawn_tree = values.get("tree")
    if action and isinstance(drawn_tree, builder.Group):
        try:
            builder.apply(drawn_tree, action)
        except rules.RuleError as exc:
            return _part(request, user, values, str(exc))
    return _part(request, user, values)


@router.post("/policies/rule-preview", response_class=HTMLResponse)
def preview(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    service.require_editor(user)
    _values, raw, errors = conditions_from(form_of(request))
    node = None
    if not errors:
        try:
            node = rules.parse(raw)
        except rules.RuleError as exc:
            errors = [f"申报条件：{exc}"]
    result = None
    if node is not None:
        result = service.preview_rule(session, user=user, node=node, as_of=today())
    ctx = {"preview": result, "errors": errors}
    return render(request, "policies/_preview.html", ctx)
