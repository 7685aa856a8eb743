"""Project ledger (招商项目台账) in Excel: import all-or-nothing, export in print layout."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.errors import ValidationFailed
from biopark.investment import service
from biopark.investment.models import (
    OPEN_STAGES,
    STAGE_DATE_FIELD,
    FundsEntry,
    Project,
    Stage,
    StageChange,
)
from biopark.investment.schemas import ProjectCreate, to_money
from biopark.investment.stages import rank
from biopark.kit.dates import format_local
from biopark.kit.models import utcnow
from biopark.kit.sheets import SheetError, export_value, read_rows, save_workbook
from biopark.parks.models import Park
from biopark.web.forms import error_messages

_WAN = Decimal(10000)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # text, money, mu, date, stage, owner, seq
    width: int = 12


COLUMNS = (
    Column("序号", "seq", "seq", 6),
    Column("项目名称", "name", "text", 28),
    Column("企业名称", "company", "text", 26),
    Column("阶段", "stage", "stage", 8),
    Column("负责人", "owner", "owner", 10),
    Column("链长团队", "team", "text", 12),
    Column("产业链", "chain", "text", 12),
    Column("产业链环节", "chain_link", "text", 14),
    Column("项目地点", "site", "text", 16),
    Column("用地（亩）", "land_mu", "mu", 10),
    Column("协议投资额（万元）", "agreed_investment", "money", 14),
    Column("到位资金（万元）", "funds_in_place", "money", 14),
    Column("最近到位日期", "funds_on", "date", 12),
    Column("签约日期", "signed_on", "date", 12),
    Column("入库日期", "registered_on", "date", 12),
    Column("开工日期", "started_on", "date", 12),
    Column("投产日期", "produced_on", "date", 12),
    Column("终止原因", "terminated_reason", "text", 16),
    Column("下一步工作", "next_action", "text", 24),
    Column("截止日期", "due_on", "date", 12),
    Column("备注", "notes", "text", 24),
)
HEADERS = {c.header: c for c in COLUMNS}
_LABELS = {c.field: c.header for c in COLUMNS} | {"owner_id": "负责人"}


class ImportRejected(ValidationFailed):
    """The whole file was refused; `errors` has one line per bad row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            f"导入被拒绝，共 {len(errors)} 处错误，未导入任何数据：" + "；".join(errors[:5]),
            en=f"Import rejected with {len(errors)} errors; nothing was imported",
        )
        self.errors = errors


def _cell_money(value: Any, header: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        # A bare number in a 万元 column is in 万元; text such as "1.5亿" carries its own unit.
        return to_money(Decimal(str(value)) * (_WAN if "万元" in header else 1))
    text = str(value).strip()
    if text.replace(",", "").replace(".", "", 1).isdigit() and "万元" in header:
        return to_money(Decimal(text.replace(",", "")) * _WAN)
    return to_money(text)


def _cell_date(value: Any) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"日期格式不对：{value}（应为 YYYY-MM-DD）")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@dataclass
class _Row:
    line: int
    data: ProjectCreate
    stage: Stage
    dates: dict[str, date | None]
    terminated_reason: str | None
    funds: Decimal | None
    funds_on: date | None


def _read_rows(content: bytes) -> tuple[list[str], list[tuple[int, tuple[Any, ...]]]]:
    try:
        numbered = read_rows(content)
    except SheetError as exc:
        raise ValidationFailed(str(exc)) from None
    header: list[str] | None = None
    rows: list[tuple[int, tuple[Any, ...]]] = []
    for line, row in numbered:
        if header is None:
            cells = [_text(c) or "" for c in row]
            if "项目名称" in cells:
                header = cells
            continue
        if _text(row[0]) in ("合计", "总计"):
            # The totals row ends the ledger; what follows is a footer.
            break
        rows.append((line, row))
    if header is None:
        raise ValidationFailed("找不到表头（须含“项目名称”列）", en="No header row with 项目名称")
    return header, rows


def import_ledger(session: Session, *, user: User, content: bytes) -> int:
    """Check the whole ledger, then import every row or none (ImportRejected lists the errors)."""
    service.check_access(user)
    header, raw_rows = _read_rows(content)
    unknown = [h for h in header if h and h not in HEADERS]
    errors: list[str] = [f"未知列：{h}" for h in unknown]
    owners = service.officers(session, park_id=user.park_id)
    by_name = {u.username: u for u in owners} | {u.display_name: u for u in owners}
    existing = set(session.scalars(select(Project.name).where(Project.park_id == user.park_id)))
    seen: set[str] = set()
    today = service.today_local()
    parsed: list[_Row] = []
    for line, row in raw_rows:
        cells = {
            header[i]: row[i] for i in range(min(len(header), len(row))) if header[i] in HEADERS
        }
        problems: list[str] = []
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for h, value in cells.items():
            col = HEADERS[h]
            try:
                if col.kind == "seq":
                    continue
                if col.kind == "money":
                    target = extra if col.field == "funds_in_place" else values
                    target[col.field] = _cell_money(value, h)
                elif col.kind == "date":
                    d = _cell_date(value)
                    if d and d > today and col.field not in ("due_on",):
                        raise ValueError(f"{h}不能晚于今天")
                    (values if col.field == "due_on" else extra)[col.field] = d
                elif col.kind == "stage":
                    text = _text(value) or Stage.lead.value
                    extra["stage"] = Stage(text)
                elif col.kind == "owner":
                    name = _text(value)
                    if name:
                        if name not in by_name:
                            raise ValueError(f"负责人“{name}”不是本园区的招商人员")
                        values["owner_id"] = by_name[name].id
                elif col.field == "terminated_reason":
                    extra[col.field] = _text(value)
                else:
                    values[col.field] = _text(value) if col.kind == "text" else value
            except ValueError as exc:
                msg = str(exc)
                if "is not a valid Stage" in msg:
                    msg = f"阶段须为：{'、'.join(s.value for s in Stage)}"
                problems.append(f"{h}：{msg}")
        name = _text(values.get("name"))
        if name in existing:
            problems.append(f"项目已存在：{name}")
        elif name in seen:
            problems.append(f"项目名称在文件中重复：{name}")
        if name:
            seen.add(name)
        data: ProjectCreate | None = None
        try:
            data = ProjectCreate.model_validate({k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            problems.extend(error_messages(exc, _LABELS))
        stage = extra.get("stage", Stage.lead)
        dates = {f: extra.get(f) for f in STAGE_DATE_FIELD.values()}
        for st, field in STAGE_DATE_FIELD.items():
            if stage != Stage.terminated and rank(stage) >= rank(st) and dates[field] is None:
                problems.append(f"阶段为“{stage.value}”须填写{_header_of(field)}")
        if stage == Stage.terminated and not extra.get("terminated_reason"):
            problems.append("阶段为“终止”须填写终止原因")
        if stage in OPEN_STAGES and (not values.get("next_action") or not values.get("due_on")):
            problems.append("在推项目须填写下一步工作和截止日期")
        if extra.get("funds_in_place") and not extra.get("funds_on"):
            problems.append("有到位资金须填写最近到位日期")
        if problems:
            errors.append(f"第 {line} 行：" + "；".join(problems))
        elif data is not None:
            parsed.append(
                _Row(
                    line=line,
                    data=data,
                    stage=stage,
                    dates=dates,
                    terminated_reason=extra.get("terminated_reason"),
                    funds=extra.get("funds_in_place"),
                    funds_on=extra.get("funds_on"),
                )
            )
    if not raw_rows and not errors:
        errors.append("文件中没有数据行")
    if errors:
        raise ImportRejected(errors)
    for r in parsed:
        _store(session, user=user, row=r)
    return len(parsed)


def _header_of(field: str) -> str:
    return next(c.header for c in COLUMNS if c.field == field)


def _store(session: Session, *, user: User, row: _Row) -> Project:
    values = row.data.model_dump()
    values["owner_id"] = values["owner_id"] or user.id
    project = Project(
        park_id=user.park_id,
        stage=row.stage,
        terminated_reason=row.terminated_reason,
        **{k: v for k, v in row.dates.items()},
        **values,
    )
    session.add(project)
    session.flush()
    dated = [d for d in row.dates.values() if d] or [service.today_local()]
    session.add(
        StageChange(
            park_id=project.park_id,
            project_id=project.id,
            from_stage=None,
            to_stage=row.stage,
            effective_on=max(dated),
            reason="Excel 台账导入",
            actor_id=user.id,
            actor_name=user.username,
        )
    )
    if row.funds:
        session.add(
            FundsEntry(
                park_id=project.park_id,
                project_id=project.id,
                received_on=row.funds_on,
                amount=row.funds,
                note="Excel 台账导入（累计）",
                recorded_by=user.id,
            )
        )
    audit.record(
        session,
        actor=user,
        action="import",
        entity_type=service.ENTITY_PROJECT,
        entity_id=project.id,
        park_id=project.park_id,
        changes={"line": row.line, "stage": row.stage.value, "name": project.name},
    )
    return project


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
        row=1, column=1, value=export_value(f"{park.name if park else ''}招商项目台账{title_note}")
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
            cell = ws.cell(row=n + 2, column=i, value=export_value(value))
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
    save_workbook(wb, buf)
    return buf.getvalue()
