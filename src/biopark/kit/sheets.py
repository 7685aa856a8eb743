"""Uploaded spreadsheets: the first sheet of an .xlsx (or a .csv) as numbered rows.

Every importer (enterprises, investment ledger, chain candidates) reads its
upload through here, so the size cap, the row cap, the refusal of non-Excel
files and the row numbering people see in error messages are the same everywhere.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


class SheetError(ValueError):
    """The upload cannot be read as a table; the message is for people (Chinese)."""


def _blank(row: tuple[Any, ...]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _xlsx_rows(content: bytes) -> list[tuple[Any, ...]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise SheetError("不是有效的 Excel 文件（.xlsx）") from exc
    try:
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _csv_rows(content: bytes) -> list[tuple[Any, ...]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError("CSV 编码无法识别（请用 UTF-8 或 GBK）")
    return [tuple(row) for row in csv.reader(io.StringIO(text))]


def read_rows(
    content: bytes,
    *,
    filename: str = "upload.xlsx",
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> list[tuple[int, tuple[Any, ...]]]:
    """Non-blank rows with their 1-based line numbers in the sheet; SheetError on a bad file."""
    name = filename.lower()
    if not content:
        raise SheetError(
            "文件为空" if name.endswith(".csv") else "文件为空，请上传 Excel（.xlsx）文件"
        )
    if len(content) > max_bytes:
        raise SheetError(f"文件超过 {max_bytes // 1024 // 1024} MB")
    if name.endswith(".csv"):
        raw = _csv_rows(content)
    elif name.endswith(".xlsx"):
        raw = _xlsx_rows(content)
    else:
        raise SheetError("仅支持 .xlsx 或 .csv 文件")
    rows = [(line, row) for line, row in enumerate(raw, start=1) if not _blank(row)]
    if len(rows) > max_rows + 1:
        raise SheetError(f"行数超过 {max_rows}")
    return rows


def template(
    columns: Sequence[tuple[str, Any]],
    *,
    notes: Sequence[str],
    sheet: str = "导入",
    widths: Sequence[int] | None = None,
) -> bytes:
    """An import template: a header row and one example row, plus a 说明 sheet with the notes."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    bold = Font(bold=True)
    for i, (header, example) in enumerate(columns, start=1):
        ws.cell(row=1, column=i, value=header).font = bold
        ws.cell(row=2, column=i, value=example)
        width = widths[i - 1] if widths else max(10, len(header) * 2 + 2)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    info = book.create_sheet("说明")
    info.column_dimensions["A"].width = 100
    for row, line in enumerate(notes, start=1):
        info.cell(row=row, column=1, value=line)
    info.cell(row=1, column=1).font = bold
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
