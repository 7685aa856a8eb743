"""Deal pages: proposed deals to decide, the cross-company deal table, competitor pipelines."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from openpyxl import Workbook
from pydantic import ValidationError

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.errors import BioparkError
from biopark.kit.sheets import export_value, save_workbook
from biopark.pipeline import competitors, deals
from biopark.pipeline.models import DEAL_CURRENCIES, DEAL_KINDS, MODALITIES, REGIONS
from biopark.pipeline.schemas import DealDecision, DealFilters
from biopark.web.flash import flash
from biopark.web.forms import error_messages, parse_form
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

register(
    {
        "交易表": "Deal table",
        "待审交易": "Proposed deals",
        "竞品管线": "Competitor pipelines",
        "甲方": "Party A",
        "乙方": "Party B",
        "许可方/收购方/投资方": "Licensor / acquirer / investor",
        "被许可方/被收购方/融资方": "Licensee / target / financed company",
        "交易类型": "Deal type",
        "年份": "Year",
        "首付款（万元）": "Upfront (10k CNY)",
        "总金额（万元）": "Total (10k CNY)",
        "最低": "Min",
        "最高": "Max",
        "排序": "Sort",
        "筛选": "Filter",
        "导出 CSV": "Export CSV",
        "导出 Excel": "Export Excel",
        "采纳并更正": "Accept with corrections",
        "交易已采纳": "Deal accepted",
        "交易已驳回": "Deal rejected",
        "原句": "Source sentence",
        "标的": "Asset",
        "金额按参考汇率折算为人民币后筛选和排序。": (
            "Amounts are converted to CNY at indicative rates for filtering and sorting."
        ),
        "园区药物": "Park drugs",
        "新闻所见药物": "Drugs seen in the news",
        "按靶点": "By target",
        "按类型": "By modality",
        "未注明": "Not stated",
        "升序": "Ascending",
        "待审": "Proposed",
        "已采纳": "Accepted",
        "已驳回": "Rejected",
        "降序": "Descending",
        "无记录": "No records",
        "共": "Total",
        "条": "rows",
    }
)

LABELS = {
    "party_a": "甲方",
    "party_b": "乙方",
    "territory": "区域",
    "modality": "类型",
    "upfront": "首付款",
    "total": "总金额",
    "currency": "币种",
    "signed_on": "签约日期",
    "note": "备注",
    "upfront_min": "首付款（万元）",
    "upfront_max": "首付款（万元）",
    "total_min": "总金额（万元）",
    "total_max": "总金额（万元）",
    "year": "年份",
}
HEADERS = (
    ("kind", "交易类型"),
    ("party_a", "甲方"),
    ("party_b", "乙方"),
    ("asset", "标的"),
    ("modality", "类型"),
    ("territory", "区域"),
    ("upfront", "首付款"),
    ("total", "总金额"),
    ("currency", "币种"),
    ("signed_on", "签约日期"),
    ("source_title", "来源"),
)


def _choices(en: bool) -> dict[str, Any]:
    pick = 1 if en else 0
    return {
        "kinds": {k: v[pick] for k, v in DEAL_KINDS.items()},
        "modalities": {k: v[pick] for k, v in MODALITIES.items()},
        "regions": {k: v[pick] for k, v in REGIONS.items()},
        "currencies": DEAL_CURRENCIES,
    }


def _filters(request: Request) -> tuple[DealFilters, list[str]]:
    params = {k: v for k, v in request.query_params.items() if k in DealFilters.model_fields}
    if "desc" in params:
        params["desc"] = "1" if params["desc"] not in ("0", "false", "") else "0"
    try:
        return parse_form(DealFilters, params), []
    except ValidationError as exc:
        return DealFilters(), error_messages(exc, LABELS, lang_of(request))


@router.get("/pipeline/deals", response_class=HTMLResponse)
def deal_table_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    filters, errors = _filters(request)
    rows = deals.deal_table(session, user=user, filters=filters)
    query = request.url.query
    ctx = {
        **_choices(lang_of(request) == "en"),
        "rows": rows,
        "f": filters,
        "errors": errors,
        "query": query,
        "sorts": deals.SORTS,
        "can_decide": user.role in deals.DECIDERS,
    }
    return render(request, "pipeline/deals.html", ctx, 422 if errors else 200)


@router.get("/pipeline/deals/export")
def deal_export(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    format: str = Query(default="xlsx", pattern="^(csv|xlsx)$"),
) -> Response:
    filters, _ = _filters(request)
    rows = deals.deal_table(session, user=user, filters=filters)
    en = lang_of(request) == "en"
    names = _choices(en)
    header = [h if not en else {"交易类型": "Type"}.get(h, h) for _, h in HEADERS]
    table: list[list[Any]] = []
    for r in rows:
        line: list[Any] = []
        for key, _ in HEADERS:
            value = getattr(r, key)
            if key == "kind":
                value = names["kinds"].get(value, value)
            elif key == "modality":
                value = names["modalities"].get(value or "", value)
            line.append(export_value(value))
        table.append(line)
    if format == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(header)
        writer.writerows(table)
        return Response(
            "\ufeff" + buf.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="deals.csv"'},
        )
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "deals"
    ws.append(header)
    for line in table:
        ws.append(line)
    out = io.BytesIO()
    save_workbook(book, out)
    return Response(
        out.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="deals.xlsx"'},
    )


@router.get("/pipeline/deals/proposed", response_class=HTMLResponse)
def proposed_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    status: str = Query(default="proposed", pattern="^(proposed|accepted|rejected)$"),
) -> Response:
    ctx = {
        **_choices(lang_of(request) == "en"),
        "items": deals.list_proposed(session, user=user, status=status),
        "status": status,
        "can_decide": user.role in deals.DECIDERS,
    }
    return render(request, "pipeline/deal_proposals.html", ctx)


@router.post("/pipeline/deals/{deal_id}/{decision}", response_class=HTMLResponse)
def decide(
    request: Request, deal_id: int, decision: str, user: CurrentUser, session: SessionDep
) -> Response:
    form = form_of(request)
    values = {k: v for k, v in form.items() if k in LABELS and isinstance(v, str)}
    back = RedirectResponse("/pipeline/deals/proposed", status_code=303)
    try:
        data = parse_form(DealDecision, values)
    except ValidationError as exc:
        flash(request, "；".join(error_messages(exc, LABELS, lang_of(request))), level="error")
        return back
    try:
        if decision == "accept":
            deals.accept_deal(session, user=user, deal_id=deal_id, data=data)
            flash(request, "交易已采纳")
        elif decision == "reject":
            deals.reject_deal(session, user=user, deal_id=deal_id, note=data.note)
            flash(request, "交易已驳回")
        else:
            flash(request, "未知操作", level="error")
    except BioparkError as exc:
        if exc.status not in (409, 422):
            raise
        flash(request, exc.text(lang_of(request)), level="error")
    return back


@router.get("/pipeline/competitors", response_class=HTMLResponse)
def competitors_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    en = lang_of(request) == "en"
    ctx = {
        **_choices(en),
        "view": competitors.competitor_view(session, user=user),
    }
    return render(request, "pipeline/competitors.html", ctx)
