"""Excel import and export of the enterprise file (one row per enterprise)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from pydantic import ValidationError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises.models import Enterprise
from biopark.enterprises.schemas import EnterpriseCreate
from biopark.enterprises.service import ASSIGNERS
from biopark.errors import Forbidden, ValidationFailed
from biopark.kit.money import parse_cny
from biopark.kit.sheets import SheetError, export_value, read_rows, save_workbook
from biopark.web.forms import error_messages

# (column header, field)
COLUMNS = [
    ("名称", "name"),
    ("简称", "short_name"),
    ("统一社会信用代码", "credit_code"),
    ("成立日期", "founded_on"),
    ("注册资本（元）", "registered_capital"),
    ("产业集群", "cluster"),
    ("标签", "tags"),
    ("地址", "address"),
    ("员工人数", "employees"),
    ("研发投入（元）", "rd_spending"),
    ("营收区间", "revenue_band"),
    ("产业链环节", "chain_links"),
    ("服务专员", "commissioner"),
    ("简介", "description"),
]
HEADER_FIELD = dict(COLUMNS)
LABELS = {f: h for h, f in COLUMNS}
SHOWN_ERRORS = 20


class ImportRejected(ValidationFailed):
    """The file was refused as a whole; `rows` says what is wrong, row by row."""

    def __init__(self, rows: list[str]) -> None:
        shown = "；".join(rows[:SHOWN_ERRORS])
        more = f"；另有 {len(rows) - SHOWN_ERRORS} 处错误" if len(rows) > SHOWN_ERRORS else ""
        super().__init__(
            f"导入失败，未做任何修改：{shown}{more}",
            en=f"Import refused, nothing changed: {len(rows)} problem(s): {shown}{more}",
        )
        self.rows = rows


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    names: list[str] = field(default_factory=list)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _date(value: Any) -> date | str | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _text(value)


def _money(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return parse_cny(text)


def _split(value: Any) -> list[str]:
    text = _text(value) or ""
    for sep in ("，", "、", ";", "；", "/"):
        text = text.replace(sep, ",")
    return [p.strip() for p in text.split(",") if p.strip()]


def _row_values(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in ("tags", "chain_links"):
            out[key] = _split(value)
        elif key == "founded_on":
            out[key] = _date(value)
        elif key in ("registered_capital", "rd_spending"):
            out[key] = _money(value)
        else:
            out[key] = _text(value)
    return out


def _read_rows(content: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    try:
        numbered = read_rows(content)
    except SheetError as exc:
        raise ImportRejected([str(exc)]) from None
    if not numbered:
        raise ImportRejected(["工作表为空"])
    names = [_text(h) or "" for h in numbered[0][1]]
    problems = [f"第 1 行：未知列“{h}”" for h in names if h and h not in HEADER_FIELD]
    if "名称" not in names:
        problems.append("第 1 行：缺少“名称”列")
    if problems:
        raise ImportRejected(problems)
    out = [
        (line, {HEADER_FIELD[h]: v for h, v in zip(names, values, strict=False) if h})
        for line, values in numbered[1:]
    ]
    return names, out


def import_xlsx(
    session: Session, *, park_id: int, actor: User | None, content: bytes
) -> ImportResult:
    """Check the whole file, then create or update every row, or change nothing."""
    if actor is not None and actor.role not in ASSIGNERS:
        raise Forbidden()
    _, rows = _read_rows(content)
    existing = list(session.scalars(select(Enterprise).where(Enterprise.park_id == park_id)))
    by_name = {e.name: e for e in existing}
    by_code = {e.credit_code: e for e in existing if e.credit_code}
    commissioners = {
        u.username: u
        for u in session.scalars(
            select(User).where(User.park_id == park_id, User.role == Role.commissioner)
        )
    }
    problems: list[str] = []
    plan: list[tuple[Enterprise | None, EnterpriseCreate, User | None, bool]] = []
    seen: dict[str, int] = {}
    for number, raw in rows:
        try:
            values = _row_values(raw)
        except ValueError as exc:
            problems.append(f"第 {number} 行：{exc}")
            continue
        who = values.pop("commissioner", None)
        has_commissioner = "commissioner" in raw
        try:
            data = EnterpriseCreate.model_validate({k: v for k, v in values.items()})
        except ValidationError as exc:
            problems.append(f"第 {number} 行：" + "，".join(error_messages(exc, LABELS)))
            continue
        key = data.credit_code or data.name
        if key in seen:
            problems.append(f"第 {number} 行：与第 {seen[key]} 行重复（{key}）")
            continue
        seen[key] = number
        commissioner = None
        if who:
            commissioner = commissioners.get(who)
            if commissioner is None:
                problems.append(f"第 {number} 行：服务专员“{who}”不存在")
                continue
        target = (by_code.get(data.credit_code) if data.credit_code else None) or by_name.get(
            data.name
        )
        clash = by_name.get(data.name)
        if target is not None and clash is not None and clash is not target:
            problems.append(f"第 {number} 行：名称与另一企业的信用代码冲突（{data.name}）")
            continue
        plan.append((target, data, commissioner, has_commissioner))
    if problems:
        raise ImportRejected(problems)
    result = ImportResult()
    for target, data, commissioner, has_commissioner in plan:
        given = data.model_dump(exclude_unset=True)
        if has_commissioner:
            given["commissioner_id"] = commissioner.id if commissioner else None
        if target is None:
            ent = Enterprise(park_id=park_id, **given)
            session.add(ent)
            session.flush()
            result.created += 1
            action, changes = "import_create", {k: v for k, v in given.items() if v is not None}
        else:
            ent = target
            changes = audit.apply_changes(ent, given)
            if not changes:
                continue
            result.updated += 1
            action = "import_update"
        result.names.append(ent.name)
        audit.record(
            session,
            actor=actor,
            action=action,
            entity_type="enterprise",
            entity_id=ent.id,
            park_id=park_id,
            changes=changes,
        )
    session.flush()
    return result


def export_xlsx(session: Session, *, stmt: Select[Any]) -> bytes:
    """The enterprises selected by stmt as an .xlsx file in the import layout."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "企业档案"
    ws.append([h for h, _ in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    usernames: dict[int, str] = {
        uid: name for uid, name in session.execute(select(User.id, User.username))
    }
    for ent in session.scalars(stmt.order_by(Enterprise.name)):
        row: list[Any] = []
        for _, name in COLUMNS:
            if name == "commissioner":
                row.append(usernames.get(ent.commissioner_id) if ent.commissioner_id else None)
            elif name in ("tags", "chain_links"):
                row.append("、".join(getattr(ent, name) or []) or None)
            else:
                row.append(getattr(ent, name))
        ws.append([export_value(v) for v in row])
    ws.freeze_panes = "A2"
    for col, width in zip(
        "ABCDEFGHIJKLMN", (36, 14, 22, 12, 16, 10, 28, 30, 10, 16, 14, 24, 18, 40), strict=False
    ):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    save_workbook(wb, buf)
    return buf.getvalue()
