"""Project ledger (招商项目台账) export in print layout, and the import template."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.investment import service
from biopark.investment.excel import _WAN, COLUMNS
from biopark.investment.models import FundsEntry, Project
from biopark.kit import sheets
from biopark.kit.dates import format_local
from biopark.kit.models import utcnow
from biopark.parks.models import Park

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def export_ledger(
    session: Session, *, user: User, flt: service.ProjectFilter, title_note: str = ""
) -> bytes:
    """The filtered projects as a printable ledger: title, header, rows, totals."""
    stmt = service.project_query(user, flt).order_by(
        Project.registered_on.is_(None), Project.registered_on, Project.id
    )
    projects = list(session.scalars(stmt))
    service.decorate_projects(session, projects)
    ids = [p.id for p in projects]
    last_funds: dict[int, date] = {}
    if ids:
        last_funds = dict(
            session.execute(
                select(FundsEntry.project_id, func.max(FundsEntry.received_on))
                .where(FundsEntry.project_id.in_(ids))
                .group_by(FundsEntry.project_id)
            ).all()
        )
    park = session.get(Park, user.park_id)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "招商项目台账"
    ncol = len(COLUMNS)
    ws.cell(
        row=1,
        column=1,
        value=sheets.export_value(f"{park.name if park else ''}招商项目台账{title_note}"),
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    head_fill = PatternFill("solid", fgColor="DDEBEB")
    for i, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=2, column=i, value=col.header)
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    totals = {"land_mu": Decimal(0), "agreed_investment": Decimal(0), "funds_in_place": Decimal(0)}
    for n, p in enumerate(projects, start=1):
        values: dict[str, Any] = {
            "seq": n,
            "stage": p.stage.value,
            "owner": getattr(p, "owner_name", None),
            "funds_on": last_funds.get(p.id),
            "funds_in_place": getattr(p, "funds_in_place", None) or None,
        }
        for col in COLUMNS:
            if col.field not in values:
                values[col.field] = getattr(p, col.field, None)
        for key in totals:
            totals[key] += values[key] or 0
        for i, col in enumerate(COLUMNS, start=1):
            value = values[col.field]
            if col.kind == "money" and value is not None:
                value = value / _WAN
            cell = ws.cell(row=n + 2, column=i, value=sheets.export_value(value))
            cell.border = _BORDER
            if col.kind == "money":
                cell.number_format = "#,##0.00"
            elif col.kind == "date":
                cell.number_format = "yyyy-mm-dd"
            elif col.kind == "text":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    total_row = len(projects) + 3
    ws.cell(row=total_row, column=1, value="合计").font = Font(bold=True)
    for i, col in enumerate(COLUMNS, start=1):
        if col.field in totals:
            value = totals[col.field] / (_WAN if col.kind == "money" else 1)
            cell = ws.cell(row=total_row, column=i, value=value)
            cell.font = Font(bold=True)
            cell.number_format = "#,##0.00"
    ws.cell(
        row=total_row + 1,
        column=1,
        value=f"导出时间：{format_local(utcnow())}（共 {len(projects)} 个项目）",
    )
    ws.freeze_panes = "C3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        from openpyxl.worksheet.properties import PageSetupProperties

        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    buf = io.BytesIO()
    sheets.save_workbook(wb, buf)
    return buf.getvalue()


def import_template() -> bytes:
    """The ledger import template: every column, one example row, and the rules as notes."""
    today = service.today_local()
    example: dict[str, Any] = {
        "seq": 1,
        "code": None,
        "name": "示例：抗体偶联药物中试基地",
        "company": "示例生物医药有限公司",
        "stage": "签约",
        "owner": None,
        "team": "生物药链长团队",
        "chain": "生物医药",
        "chain_link": "抗体药物",
        "site": "二期标准厂房",
        "land_mu": 30,
        "agreed_investment": 25000,
        "funds_in_place": None,
        "funds_on": None,
        "signed_on": today.replace(day=1).isoformat(),
        "next_action": "准备入库材料",
        "due_on": (today + timedelta(days=30)).isoformat(),
        "notes": "示例行，导入前请删除",
    }
    notes = [
        "招商项目台账导入说明",
        "第一行是表头，请勿修改列名；示例行导入前请删除。",
        "项目编号：留空表示新建项目；填写已有项目的编号（如 P2026-00042）则更新该项目。编号由系统生成，见导出的台账。",
        "金额列单位为万元，也可写“1.5亿”“3000万元”。日期格式 YYYY-MM-DD。",
        "阶段为 线索、洽谈、签约、入库、开工、投产 或 终止。签约及以后须填写协议投资额和签约日期；"
        "入库、开工、投产各须填写其日期；日期须按 签约 ≤ 入库 ≤ 开工 ≤ 投产 的顺序且不晚于今天。",
        "在推项目须填写下一步工作和截止日期；终止项目须填写终止原因。",
        "到位资金填累计金额，须同时填写最近到位日期；超过协议投资额的须在项目页确认后登记。",
        "负责人填本园区招商人员的姓名或用户名，留空则为导入人。",
        "整个文件全部通过检查才会导入；有错误时不导入任何数据，并列出每一行的问题。",
    ]
    return sheets.template(
        [(c.header, example.get(c.field)) for c in COLUMNS],
        notes=notes,
        sheet="招商项目台账",
        widths=[c.width for c in COLUMNS],
    )
