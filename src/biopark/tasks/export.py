"""The key-task table (重点任务推进表) as the coordination meeting reviews it, in .xlsx."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.kit.sheets import export_value, save_workbook
from biopark.parks.models import Department
from biopark.tasks.models import STATUS_LABELS, CoordTask

HEADERS = (
    ("序号", 6),
    ("任务类别", 14),
    ("重点任务", 36),
    ("牵头单位", 16),
    ("配合单位", 26),
    ("完成时限", 12),
    ("节点安排", 34),
    ("推进情况", 44),
    ("进度", 8),
    ("状态", 9),
)
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_OVERDUE = PatternFill("solid", fgColor="FDE2E1")
_HEAD = PatternFill("solid", fgColor="DCEFEF")


def task_workbook(
    session: Session, *, tasks: list[CoordTask], park_name: str, park_id: int, today: date
) -> bytes:
    """One sheet: a title row, the date, then one row per task grouped by category."""
    names = {
        d.id: d.short_name or d.name
        for d in session.scalars(select(Department).where(Department.park_id == park_id))
    }
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "重点任务推进表"
    width = len(HEADERS)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1, export_value(f"{park_name}专项协调机制重点任务推进表")).font = Font(
        bold=True, size=16
    )
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    counts = {k: 0 for k in STATUS_LABELS}
    for t in tasks:
        counts[t.status_on(today)] += 1
    summary = "，".join(f"{STATUS_LABELS[k]}{v}项" for k, v in counts.items())
    ws.cell(2, 1, f"截至 {today:%Y年%m月%d日}，共{len(tasks)}项：{summary}")
    for col, (title, w) in enumerate(HEADERS, start=1):
        cell = ws.cell(3, col, title)
        cell.font = Font(bold=True)
        cell.fill = _HEAD
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = w
    ordered = sorted(tasks, key=lambda t: (t.category, t.deadline, t.id))
    for n, t in enumerate(ordered, start=1):
        status = t.status_on(today)
        milestones = "\n".join(
            f"{m.due_on:%Y-%m-%d} {m.title}{'（已完成）' if m.done_on else ''}"
            for m in t.milestones
        )
        latest = t.reports[0] if t.reports else None
        progress_text = (
            f"{latest.reported_at:%Y-%m-%d} {latest.author_name}：{latest.content}"
            if latest
            else ""
        )
        row: tuple[int | str | date, ...] = (
            n,
            t.category,
            t.title,
            names.get(t.lead_department_id, ""),
            "、".join(names.get(i, "") for i in t.partner_ids),
            t.deadline,
            milestones,
            progress_text,
            f"{t.progress}%",
            STATUS_LABELS[status],
        )
        r = n + 3
        for col, value in enumerate(row, start=1):
            cell = ws.cell(r, col, export_value(value))
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if status == "overdue":
                cell.fill = _OVERDUE
        ws.cell(r, 6).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    out = BytesIO()
    save_workbook(wb, out)
    return out.getvalue()
