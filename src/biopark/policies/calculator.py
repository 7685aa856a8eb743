"""政策计算器: an enterprise confirms or changes its figures and sees what it qualifies for.

Nothing is saved: the figures are read from the query string, checked, and laid
over the enterprise's record for this one calculation.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, ValidationError, field_validator

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.enterprises.models import CLUSTERS, REVENUE_BANDS, TAGS
from biopark.kit.dates import today
from biopark.kit.money import parse_cny
from biopark.policies import rules, service
from biopark.policies.models import BENEFITS
from biopark.registry import NavItem
from biopark.web.forms import error_messages
from biopark.web.i18n import register
from biopark.web.numbers import editable
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

NAV_ITEM = NavItem(
    "政策计算器",
    "/my/policies/calculator",
    frozenset({"enterprise"}),
    order=42,
    description="填入或确认企业数据，测算可享受的政策",
    group="企业服务",
)
FIGURES = (
    "registered_capital",
    "rd_spending",
    "employees",
    "founded_on",
    "cluster",
    "revenue_band",
)
LABELS = {
    "registered_capital": "注册资本",
    "rd_spending": "研发投入",
    "employees": "员工人数",
    "founded_on": "成立日期",
    "cluster": "产业集群",
    "revenue_band": "营收区间",
    "tags": "标签",
}
MONEY_CAP = Decimal(10) ** 15

register(
    {
        "政策计算器": "Policy calculator",
        "填入或确认企业数据，测算可享受的政策": (
            "Enter or confirm your figures and see which policies you qualify for"
        ),
        "以下数据取自企业档案，可改动试算；试算不会保存。": (
            "The figures come from your enterprise record; change them to try. Nothing is saved."
        ),
        "试算": "Calculate",
        "恢复档案数据": "Reset to the record",
        "研发投入": "R&D spending",
        "员工人数": "Employees",
        "营收区间": "Revenue band",
        "未填写": "Not given",
        "可申报的政策": "Policies you qualify for",
        "接近符合的政策": "Policies you nearly qualify for",
        "还缺": "Missing",
        "需补充数据才能判断": "Need more data to decide",
        "暂不符合的政策": "Policies you do not qualify for",
        "预计可获": "Estimated benefit",
        "合计（可估算部分）": "Total (where an amount can be estimated)",
        "当前没有生效的已发布政策。": "There are no published policies in force at the moment.",
        "暂无符合的政策；看看下面“接近符合”的还差什么。": (
            "No policy fits yet; see below what the nearly-qualifying ones need."
        ),
        "金额可写 500万、0.5亿": "Amounts may be written as 500万 or 0.5亿",
        "与档案不同": "differs from the record",
    }
)


class WhatIf(BaseModel):
    registered_capital: Decimal | None = Field(default=None, ge=0, le=MONEY_CAP)
    rd_spending: Decimal | None = Field(default=None, ge=0, le=MONEY_CAP)
    employees: int | None = Field(default=None, ge=0, le=10_000_000)
    founded_on: date | None = None
    cluster: str | None = None
    revenue_band: str | None = None
    tags: list[str] = Field(default_factory=list, max_length=len(TAGS))

    @field_validator("registered_capital", "rd_spending", mode="before")
    @classmethod
    def _money(cls, v: Any) -> Any:
        if isinstance(v, str) and v.strip():
            try:
                return parse_cny(v)
            except ValueError as exc:
                raise ValueError("不是金额（例：500万、0.5亿、3000000）") from exc
        return v

    @field_validator("founded_on")
    @classmethod
    def _past(cls, v: date | None) -> date | None:
        if v is not None and (v > today() or v.year < 1900):
            raise ValueError("成立日期应在 1900 年至今天之间")
        return v

    @field_validator("cluster")
    @classmethod
    def _cluster(cls, v: str | None) -> str | None:
        if v is not None and v not in CLUSTERS:
            raise ValueError("须为所列产业集群之一")
        return v

    @field_validator("revenue_band")
    @classmethod
    def _band(cls, v: str | None) -> str | None:
        if v is not None and v not in REVENUE_BANDS:
            raise ValueError("须为所列营收区间之一")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        unknown = [t for t in v if t not in TAGS]
        if unknown:
            raise ValueError("须为所列标签之一")
        return v

    def facts(self) -> dict[str, Any]:
        """The fields as rules.Facts keyword arguments."""
        out: dict[str, Any] = {k: getattr(self, k) for k in FIGURES}
        out["tags"] = frozenset(self.tags)
        return out


@router.get("/my/policies/calculator", response_class=HTMLResponse)
def calculator_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    on = today()
    ent, facts = service.own_facts(session, user=user, as_of=on)
    record = {k: getattr(facts, k) for k in FIGURES}
    record["tags"] = sorted(facts.tags)
    params = request.query_params
    errors: list[str] = []
    values: dict[str, Any] = {k: editable(v) if v is not None else "" for k, v in record.items()}
    values["tags"] = record["tags"]
    what_if: dict[str, Any] = {}
    if "go" in params:
        given: dict[str, Any] = {k: (params.get(k) or "").strip()[:40] or None for k in FIGURES}
        given["tags"] = params.getlist("tags")[:20]
        values = {**given, "tags": given["tags"]}
        values = {k: ("" if v is None else v) for k, v in values.items()}
        try:
            what_if = WhatIf.model_validate(given).facts()
        except ValidationError as exc:
            errors = error_messages(exc, LABELS, lang_of(request))
    matches = []
    if not errors:
        matches = service.calculate(session, user=user, what_if=what_if, as_of=on)
    groups = {v.value: [m for m in matches if m.verdict == v] for v in rules.Verdict}
    total = sum((m.amount for m in groups["qualified"] if m.amount is not None), Decimal(0))
    ctx = {
        "enterprise": ent,
        "values": values,
        "record": record,
        "errors": errors,
        "groups": groups,
        "total": total,
        "has_policies": bool(matches) or bool(errors),
        "clusters": CLUSTERS,
        "bands": REVENUE_BANDS,
        "all_tags": TAGS,
        "labels": {k.value: v for k, v in rules.VERDICT_LABELS.items()},
        "benefits": BENEFITS,
        "field_labels": LABELS,
    }
    # htmx swaps only 2xx answers; a plain form post gets the 422 it deserves.
    status = 422 if errors and not request.headers.get("HX-Request") else 200
    return render(request, "policies/calculator.html", ctx, status)
