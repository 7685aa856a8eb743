"""Dashboard (驾驶舱) pages: the figures, the reconciliation and the monthly report."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.dashboard import jsonify, reconciliation, report, report_render, service
from biopark.dashboard.api import DOCX, PDF
from biopark.errors import NotFound
from biopark.registry import NavItem
from biopark.web import i18n
from biopark.web.templating import lang_of, render

router = APIRouter(tags=["dashboard"])

NAV = [
    NavItem(
        "驾驶舱",
        "/dashboard",
        frozenset(r.value for r in service.READERS),
        order=1,
        description="目标进度、管线、短板、诉求与任务一屏总览",
    )
]

i18n.register(
    {
        "目标进度、管线、短板、诉求与任务一屏总览": "Targets, pipeline, gaps, requests and tasks at a glance"
    }
)
i18n.register(
    {
        "需要关注": "Needs attention",
        "其他园区数据": "Other parks in the news",
        "主体": "Subject",
        "数值": "Value",
        "仅比较本园区的数据；其他园区的数据列在下方。": (
            "Only this park's figures are compared; other parks' figures are listed below."
        ),
        "驾驶舱": "Dashboard",
        "统计期间": "Period",
        "年份": "Year",
        "起始月": "From month",
        "结束月": "To month",
        "查询": "Apply",
        "签约入库项目": "Signed & registered projects",
        "协议投资额": "Agreed investment",
        "到位资金": "Funds in place",
        "年度目标": "Annual target",
        "完成进度": "Progress",
        "资金到位率": "Funds-in-place rate",
        "招商进度": "Investment progress",
        "各月新增": "New per month",
        "创新药管线": "Drug pipeline",
        "在研": "In research",
        "临床": "Clinical",
        "已上市": "On market",
        "全市": "City",
        "产业链": "Industry chain",
        "环节": "Links",
        "已覆盖": "Covered",
        "弱项": "Weak",
        "短板": "Gaps",
        "查看短板": "View gaps",
        "产业链图谱": "Chain map",
        "企业诉求": "Enterprise requests",
        "按时办结率": "On-time rate",
        "满意度": "Satisfaction",
        "当前逾期诉求": "Overdue requests now",
        "协调任务": "Coordination tasks",
        "逾期任务": "Overdue tasks",
        "两周内到期": "Due in 2 weeks",
        "重大授权交易": "Major licensing deals",
        "新闻数据核对": "News vs ledger",
        "月报": "Monthly report",
        "一致": "Match",
        "不一致": "Mismatch",
        "不可比": "Not comparable",
        "报道指标": "Reported figure",
        "报道值": "Reported",
        "台账值": "Ledger",
        "结论": "Finding",
        "说明": "Reason",
        "原文": "Source sentence",
        "来源": "Source",
        "下载 Word": "Download Word",
        "下载 PDF": "Download PDF",
        "月份": "Month",
        "大事记": "Key events",
        "个": "",
        "截至当月累计": "year to date",
        "合作方": "Partner",
        "总额": "Total",
        "核心指标": "Headline figures",
        "指标": "Indicator",
        "上年同期": "Same period last year",
        "同比": "Year on year",
        "上期": "Previous period",
        "环比": "Period on period",
        "上期为零": "From zero",
        "截止": "Due",
        "暂无其他园区的数据：情报中读到张江、光谷、泰州等园区的指标后在此并列对比": (
            "No figures about other parks yet: figures read in the news about Zhangjiang, "
            "Optics Valley, Taizhou and other parks are set side by side here"
        ),
        "件": "",
        "点击图中柱条可打开对应记录": "Click a bar to open the records behind it",
        "各月明细": "By month",
        "合计": "Total",
        "分产业链签约": "Signed by industry chain",
        "未标注": "Untagged",
        "本期无签约入库项目": "No signed projects in this period",
        "需关注事项": "Needs attention",
        "逾期或升级的诉求": "Overdue or escalated requests",
        "已升级": "Escalated",
        "逾期": "Overdue",
        "无": "None",
        "全部": "All",
        "新闻与台账不一致": "News vs ledger mismatches",
        "兄弟园区对比": "Peer parks",
        "情报引擎从新闻中读到的其他园区数据，点击来源查看原文": (
            "Figures about other parks read from the news; open a source to see the article"
        ),
        "亿元": "100 million yuan",
        "数据更新于": "Figures as of",
    }
)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    year: int | None = Query(default=None),
    month_from: int | None = Query(default=None),
    month_to: int | None = Query(default=None),
) -> Response:
    period = service.period_for(
        session, user=user, year=year, month_from=month_from, month_to=month_to
    )
    d = service.for_user(session, user=user, period=period, lang=lang_of(request))
    return render(
        request,
        "dashboard/index.html",
        {"d": d, "data": jsonify.to_json(d), "years": range(period.year - 4, period.year + 2)},
    )


@router.get("/dashboard/reconcile", response_class=HTMLResponse)
def reconcile_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    service.check_reader(user)
    lang = lang_of(request)
    rows = reconciliation.reconcile_park(session, park_id=user.park_id)
    counts = {s: sum(1 for r in rows if r.status.value == s) for s in reconciliation.STATUS_LABELS}
    return render(
        request,
        "dashboard/reconcile.html",
        {
            "rows": [r.as_json(lang) for r in rows],
            "counts": counts,
            "labels": reconciliation.STATUS_LABELS,
            "attention": reconciliation.needs_attention(session, park_id=user.park_id, lang=lang),
            "peers": reconciliation.peer_figures(session, park_id=user.park_id, lang=lang),
        },
    )


@router.get("/dashboard/report", response_class=HTMLResponse)
def report_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    month: str | None = Query(default=None, max_length=7),
) -> Response:
    period = service.period_for(session, user=user, year=None, month_from=None, month_to=None)
    month = month or f"{period.year}-{period.month_to:02d}"
    rep = report.build(session, park_id=user.park_id, month=month)
    ctx = report_render.context(rep)
    ctx["period_query"] = service.Period(rep.year, 1, rep.month_no).query
    return render(request, "dashboard/report.html", ctx)


@router.get("/dashboard/report.{fmt}")
def report_file(
    user: CurrentUser,
    session: SessionDep,
    fmt: str,
    month: str = Query(max_length=7),
) -> Response:
    service.check_reader(user)
    if fmt not in ("pdf", "docx"):
        raise NotFound("没有这种格式的月报", en="No report in that format")
    rep = report.build(session, park_id=user.park_id, month=month)
    return Response(
        report_render.render(rep, fmt),
        media_type=PDF if fmt == "pdf" else DOCX,
        headers={"Content-Disposition": f'attachment; filename="report-{rep.month}.{fmt}"'},
    )
