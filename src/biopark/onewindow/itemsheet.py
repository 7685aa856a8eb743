"""The 事项清单 spreadsheet: its columns, the template, and rows read into ItemCreate.

Pure functions over the numbered rows `kit.sheets.read_rows` gives: no session here.
Every problem is reported with its row and column, in Chinese and English.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from biopark.errors import ValidationFailed
from biopark.kit import sheets
from biopark.onewindow.models import MATERIAL_KIND_LABELS, MaterialKind
from biopark.onewindow.schemas import ItemCreate, MaterialIn
from biopark.web.forms import error_messages

# A park's published list is a few hundred items (Chongqing's has 157).
MAX_ROWS = 1000
MAX_COLUMNS = sheets.MAX_COLUMNS
SHOWN_ERRORS = 20


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    en: str
    example: Any
    width: int


COLUMNS = [
    Column("事项编码", "code", "Code", "CQ-YJ-001", 14),
    Column("事项名称", "name", "Item name", "药品生产许可证核发", 30),
    Column("类别", "category", "Category", "药品监管", 12),
    Column("说明", "description", "Description", "新开办药品生产企业申请生产许可", 40),
    Column("零材料", "zero_material", "Zero-material", "否", 8),
    Column("办理时限（工作日）", "time_limit_days", "Time limit (working days)", 20, 12),
    Column("办理部门", "departments", "Departments", "市药监局、市市场监管局", 28),
    Column(
        "材料",
        "materials",
        "Materials",
        "企业名称|record|name\n统一社会信用代码|record|credit_code\n营业执照|document|营业执照",
        50,
    ),
]
BY_HEADER = {c.header: c for c in COLUMNS}
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = ("事项编码", "事项名称", "办理部门")
KIND_WORDS = {
    **{k.value: k for k in MaterialKind},
    "item": MaterialKind.submission,
    **{label: k for k, label in MATERIAL_KIND_LABELS.items()},
}
_YES = {"是", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", ""}
_SPLIT_DEPTS = re.compile(r"[、,，;；]")
_SPLIT_MATERIALS = re.compile(r"[\r\n;；]+")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


class RowError(ValidationFailed):
    """One problem of one row (and column) of the sheet."""

    def __init__(self, row: int | None, column: Column | None, zh: str, en: str) -> None:
        where_zh = f"第 {row} 行" if row else "文件"
        where_en = f"Row {row}" if row else "File"
        if column is not None:
            where_zh += f"「{column.header}」"
            where_en += f", {column.en}"
        super().__init__(f"{where_zh}：{zh}", en=f"{where_en}: {en}")
        self.row = row
        self.column = column.header if column else None


class ImportRejected(ValidationFailed):
    """The sheet was refused as a whole; `errors` lists every problem, row by row."""

    def __init__(self, errors: list[RowError]) -> None:
        more = len(errors) - SHOWN_ERRORS
        zh = "；".join(e.message for e in errors[:SHOWN_ERRORS])
        en = "; ".join(e.en for e in errors[:SHOWN_ERRORS])
        if more > 0:
            zh += f"；另有 {more} 处错误"
            en += f"; and {more} more"
        super().__init__(
            f"导入失败，未做任何修改：{zh}",
            en=f"Import refused, nothing changed ({len(errors)} problem(s)): {en}",
        )
        self.errors = errors

    def detail(self, lang: str) -> Any:
        """Every problem: row, column (the Chinese header) and the message."""
        return [{"row": e.row, "column": e.column, "message": e.text(lang)} for e in self.errors]


@dataclass
class ParsedRow:
    row: int
    data: ItemCreate
    given: frozenset[str]  # fields whose column is in the sheet


def template() -> bytes:
    """The import template: the header row, one example row and a notes sheet."""
    notes = [
        "一窗综办事项清单导入说明",
        "第一行是表头，请勿修改列名；示例行导入前请删除或改为真实事项。",
        "事项编码：字母、数字、- 或 _；已有编码的行更新该事项，新编码新建事项；同一表内编码不能重复。",
        "零材料：是 或 否（留空为否）。零材料事项不能要求上传证照材料。",
        "办理时限：1 至 365 的整数（工作日），留空为 5。",
        "办理部门：本园区部门的名称或简称，多个用 、 或 , 分隔。",
        "材料：每行一项，或用 ； 分隔，写作 名称|类型|来源。类型为 record（企业档案字段，来源如 name、"
        "credit_code、address、founded_on、registered_capital、employees、cluster）、document"
        "（证照材料，来源为证照类型）或 item（前序办件结果，来源为前序事项编码）。",
        "单元格不能含公式。整个文件全部通过检查才会导入；有错误时不导入任何数据，并列出每一行的问题。",
    ]
    return sheets.template(
        [(c.header, c.example) for c in COLUMNS],
        notes=notes,
        sheet="事项清单",
        widths=[c.width for c in COLUMNS],
    )


def read(content: bytes, *, filename: str) -> list[tuple[int, tuple[Any, ...]]]:
    """Numbered rows of the upload; ImportRejected for a bad file or a formula in a cell."""
    try:
        xml = b""
        if filename.lower().endswith(".xlsx") and 0 < len(content) <= sheets.MAX_BYTES:
            sheets.check_archive(content, max_rows=MAX_ROWS)
            xml = _first_sheet(content)
            # Counting <row> elements is milliseconds; openpyxl would parse a thousand more.
            rows = len(_ROW.findall(xml))
            if rows > MAX_ROWS + 1 + sheets.MAX_BLANK_LINES:
                raise sheets.SheetError(f"行数超过 {MAX_ROWS}（文件有 {rows} 行）")
        numbered = sheets.read_rows(content, filename=filename, max_rows=MAX_ROWS)
    except sheets.SheetError as exc:
        raise ImportRejected([RowError(None, None, str(exc), _sheet_error_en(str(exc)))]) from None
    found = _formula_cells(xml)
    if found:
        raise ImportRejected(
            [
                RowError(
                    row,
                    None,
                    f"单元格 {ref} 含公式，请改为直接填写的值",
                    f"cell {ref} holds a formula; type the value instead",
                )
                for row, ref in found
            ]
        )
    return numbered


def _first_sheet(content: bytes) -> bytes:
    """The XML of the sheet read_rows reads (the archive is already checked for size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = sorted(
                n
                for n in archive.namelist()
                if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")
            )
            if not names:
                return b""
            first = _first_target(archive) or (
                "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else names[0]
            )
            return archive.read(first) if first in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise sheets.SheetError("不是有效的 Excel 文件（.xlsx）") from exc


def _first_target(archive: zipfile.ZipFile) -> str | None:
    """The member of the workbook's first sheet (the one openpyxl reads), from workbook.xml."""
    try:
        book = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    sheet = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\b\w+:id=\"([^\"]+)\"", book)
    if sheet is None:
        return None
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        if f'Id="{sheet.group(1).decode()}"'.encode() in tag:
            target = re.search(rb'Target="([^"]+)"', tag)
            if target:
                path = target.group(1).decode()
                return path.lstrip("/") if path.startswith("/") else "xl/" + path
    return None


def _sheet_error_en(zh: str) -> str:
    """English for kit.sheets' refusals, which are written in Chinese only."""
    for start, en in (
        ("仅支持", "only .xlsx or .csv files are accepted"),
        ("文件为空", "the file is empty"),
        ("文件超过", f"the file is larger than {sheets.MAX_BYTES // 1024 // 1024} MB"),
        ("表格声明的范围达", f"the sheet has more than {MAX_ROWS} rows"),
        ("行数超过", f"the sheet has more than {MAX_ROWS} rows"),
        ("不是有效的 Excel", "not a valid Excel (.xlsx) file"),
        ("CSV", "the CSV file cannot be read (use UTF-8 or GBK)"),
    ):
        if zh.startswith(start):
            return en
    return f"not a readable sheet within the limits ({MAX_ROWS} rows, {MAX_COLUMNS} columns)"


def _formula_cells(xml: bytes) -> list[tuple[int, str]]:
    """(row, cell) of every formula in the sheet; read_rows only sees cached values."""
    found = []
    for m in _CELL.finditer(xml):
        body = m.group(2)
        if body and re.search(rb"<(?:\w+:)?f[\s>/]", body):
            ref = _REF.search(m.group(1))
            if ref:
                found.append((int(ref.group(2)), (ref.group(1) + ref.group(2)).decode()))
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header(value: Any) -> str:
    return _text(value).replace("(", "（").replace(")", "）").replace(" ", "")


def parse(
    rows: list[tuple[int, tuple[Any, ...]]], *, departments: dict[str, int]
) -> tuple[list[ParsedRow], list[RowError]]:
    """Rows into ItemCreate (departments matched by name); every problem as a RowError."""
    if not rows:
        return [], [RowError(1, None, "工作表为空，缺少表头", "the sheet is empty: no header row")]
    head_line, head = rows[0]
    headers = [_header(h) for h in head]
    errors = [
        RowError(head_line, None, f"未知列“{h}”", f"unknown column “{h}”")
        for h in headers
        if h and h not in BY_HEADER
    ]
    errors += [
        RowError(head_line, BY_HEADER[h], "缺少必需的列", "required column missing")
        for h in REQUIRED
        if h not in headers
    ]
    if errors:
        return [], errors
    given = frozenset(BY_HEADER[h].field for h in headers if h)
    parsed: list[ParsedRow] = []
    seen: dict[str, int] = {}
    for line, values in rows[1:]:
        cells = {BY_HEADER[h].field: v for h, v in zip(headers, values, strict=False) if h}
        data, row_errors = _row(line, cells, departments=departments)
        code = _text(cells.get("code"))
        if code in seen:
            row_errors.insert(
                0,
                RowError(
                    line,
                    BY_FIELD["code"],
                    f"与第 {seen[code]} 行编码重复（{code}）",
                    f"same code as row {seen[code]} ({code})",
                ),
            )
        elif code:
            seen[code] = line
        errors += row_errors
        if data is not None and not row_errors:
            parsed.append(ParsedRow(line, data, given))
    return parsed, errors


def _row(
    line: int, cells: dict[str, Any], *, departments: dict[str, int]
) -> tuple[ItemCreate | None, list[RowError]]:
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    for field, raw in cells.items():
        col = BY_FIELD[field]
        text = _text(raw)
        if text.startswith("="):
            errors.append(RowError(line, col, "不能包含公式", "formulas are not allowed"))
            continue
        if field == "zero_material":
            if text.lower() in _YES:
                values[field] = True
            elif text.lower() in _NO:
                values[field] = False
            else:
                errors.append(RowError(line, col, "须填“是”或“否”", "must be 是 (yes) or 否 (no)"))
        elif field == "time_limit_days":
            if not text:
                continue
            if not text.isdigit():
                errors.append(
                    RowError(line, col, "须为 1 至 365 的整数", "must be a whole number 1-365")
                )
            else:
                values[field] = int(text)
        elif field == "departments":
            ids, problems = _departments(text, departments)
            errors += [RowError(line, col, zh, en) for zh, en in problems]
            values["department_ids"] = ids
        elif field == "materials":
            materials, problems = parse_materials(text)
            errors += [RowError(line, col, zh, en) for zh, en in problems]
            values["materials"] = materials
        else:
            values[field] = text
    for header in REQUIRED:
        col = BY_HEADER[header]
        key = "department_ids" if col.field == "departments" else col.field
        if not values.get(key) and not any(e.column == header for e in errors):
            errors.append(RowError(line, col, "必填", "required"))
    if errors:
        return None, errors
    try:
        data = ItemCreate.model_validate(values)
    except ValidationError as exc:
        return None, _validation_errors(line, exc)
    return data, []


def _validation_errors(line: int, exc: ValidationError) -> list[RowError]:
    out = []
    zh_lines = error_messages(exc, {}, "zh")
    en_lines = error_messages(exc, {}, "en")
    for err, zh, en in zip(exc.errors(), zh_lines, en_lines, strict=False):
        field = str(err["loc"][0]) if err["loc"] else ""
        if field == "department_ids":
            field = "departments"
        col = BY_FIELD.get(field)
        zh = zh.split("：", 1)[-1]
        en = en.split("：", 1)[-1]
        out.append(RowError(line, col, zh, en))
    return out


def _departments(text: str, departments: dict[str, int]) -> tuple[list[int], list[tuple[str, str]]]:
    ids: list[int] = []
    problems: list[tuple[str, str]] = []
    for name in (p.strip() for p in _SPLIT_DEPTS.split(text)):
        if not name:
            continue
        if name in departments:
            ids.append(departments[name])
        else:
            problems.append((f"本园区没有部门“{name}”", f"no department “{name}” in this park"))
    return list(dict.fromkeys(ids)), problems


def parse_materials(text: str) -> tuple[list[MaterialIn], list[tuple[str, str]]]:
    """`名称|kind|source` entries, one a line or separated by ；, into MaterialIn."""
    materials: list[MaterialIn] = []
    problems: list[tuple[str, str]] = []
    for n, entry in enumerate((p.strip() for p in _SPLIT_MATERIALS.split(text) if p.strip()), 1):
        parts = [p.strip() for p in entry.replace("｜", "|").split("|")]
        if len(parts) != 3 or not all(parts):
            problems.append(
                (
                    f"第 {n} 项“{entry[:40]}”应写作 名称|类型|来源",
                    f"entry {n} “{entry[:40]}” must be written name|kind|source",
                )
            )
            continue
        name, kind_word, source = parts
        kind = KIND_WORDS.get(kind_word.lower(), KIND_WORDS.get(kind_word))
        if kind is None:
            problems.append(
                (
                    f"第 {n} 项的类型“{kind_word[:20]}”应为 record、document 或 item",
                    f"entry {n}: kind “{kind_word[:20]}” must be record, document or item",
                )
            )
            continue
        if len(name) > 120 or len(source) > 120:
            problems.append(
                (f"第 {n} 项过长（最多 120 字）", f"entry {n} is too long (120 characters at most)")
            )
            continue
        materials.append(MaterialIn(name=name, kind=kind, source=source))
    if len(materials) > 30:
        problems.append(("材料最多 30 项", "at most 30 materials"))
    return materials, problems


def material_text(materials: list[Any]) -> str:
    """Materials written back in the sheet syntax, one a line (for forms and audit)."""
    return "\n".join(f"{m.name}|{_kind_word(m.kind)}|{m.source}" for m in materials)


def _kind_word(kind: MaterialKind) -> str:
    return "item" if kind == MaterialKind.submission else kind.value
