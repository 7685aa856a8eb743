"""Spreadsheets in and out: uploads read as numbered rows, exports made safe to open.

Every importer (enterprises, investment ledger, chain candidates) reads its
upload through `read_rows`, so the size caps, the refusal of non-Excel files and
the row numbering people see in error messages are the same everywhere. An
.xlsx is a zip of XML: its members' unpacked sizes and the sheet's declared
`<dimension>` are checked before openpyxl parses anything, and the parse stops
at the row and column caps, so a small file cannot make the server chew for
minutes.

Every export writes cell values through `export_value` and saves through
`save_workbook`, so text typed by anyone (the anonymous consultation form
included) never becomes a live formula and a stray control character never
breaks the file.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook import Workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 200
# A real ledger of MAX_BYTES compresses roughly 5-10x; 60 MB unpacked leaves room
# for styles while refusing zip bombs.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
# Blank lines between records are allowed, but not a million of them.
MAX_BLANK_LINES = 1000

_DIMENSION_RE = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\""
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SheetError(ValueError):
    """The upload cannot be read as a table; the message is for people (Chinese)."""


def _blank(row: tuple[Any, ...]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _unescape(value: Any) -> Any:
    # The export writes '=x as text; reading our own export back gives =x again.
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def _check_archive(content: bytes, *, max_rows: int) -> None:
    """Refuse zip bombs and sheets declaring more rows or columns than we read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise SheetError("不是有效的 Excel 文件（.xlsx）") from exc
    with archive:
        members = archive.infolist()
        if len(members) > 500:
            raise SheetError("不是有效的 Excel 文件（.xlsx）：压缩包成员过多")
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise SheetError(
                f"文件解压后超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB，请精简后再上传"
            )
        for member in members:
            if not (
                member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
            ):
                continue
            with archive.open(member) as stream:
                head = stream.read(4096)
            match = _DIMENSION_RE.search(head)
            if match is None:
                continue
            last_col = match.group(3) or match.group(1)
            last_row = match.group(4) or match.group(2)
            if last_row is not None and int(last_row) > max_rows + 1 + MAX_BLANK_LINES:
                raise SheetError(
                    f"表格声明的范围达 {int(last_row)} 行，超过上限 {max_rows} 行；"
                    "请删除多余的空行或格式后再上传"
                )
            if last_col is not None and column_index_from_string(last_col.decode()) > MAX_COLUMNS:
                raise SheetError(
                    f"表格声明的范围超过 {MAX_COLUMNS} 列；请删除多余的列或格式后再上传"
                )


def check_archive(content: bytes, *, max_rows: int = MAX_ROWS) -> None:
    """Refuse a zip bomb from its directory and declared sizes alone (cheap: no rows read)."""
    _check_archive(content, max_rows=max_rows)


def _xlsx_rows(content: bytes, *, max_rows: int) -> list[tuple[Any, ...]]:
    _check_archive(content, max_rows=max_rows)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise SheetError("不是有效的 Excel 文件（.xlsx）") from exc
    max_line = max_rows + 1 + MAX_BLANK_LINES
    try:
        sheet = book.worksheets[0]
        # Ignore the declared size: read only the rows and cells really present.
        sheet.reset_dimensions()  # type: ignore[union-attr]
        rows: list[tuple[Any, ...]] = []
        # max_row makes openpyxl stop at the first row past the cap instead of
        # padding the gap up to it.
        for row in sheet.iter_rows(max_row=max_line + 1, values_only=True):
            if len(rows) >= max_line:
                raise SheetError(f"行数超过 {max_rows}")
            if len(row) > MAX_COLUMNS:
                raise SheetError(f"第 {len(rows) + 1} 行超过 {MAX_COLUMNS} 列")
            rows.append(tuple(_unescape(v) for v in row))
        return rows
    except (KeyError, ValueError, OSError, TypeError, zipfile.BadZipFile) as exc:
        if isinstance(exc, SheetError):
            raise
        raise SheetError("不是有效的 Excel 文件（.xlsx）") from exc
    finally:
        book.close()


def _csv_rows(content: bytes, *, max_rows: int) -> list[tuple[Any, ...]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError("CSV 编码无法识别（请用 UTF-8 或 GBK）")
    max_line = max_rows + 1 + MAX_BLANK_LINES
    rows: list[tuple[Any, ...]] = []
    try:
        for row in csv.reader(io.StringIO(text)):
            if len(rows) >= max_line:
                raise SheetError(f"行数超过 {max_rows}")
            if len(row) > MAX_COLUMNS:
                raise SheetError(f"第 {len(rows) + 1} 行超过 {MAX_COLUMNS} 列")
            rows.append(tuple(_unescape(v) for v in row))
    except csv.Error as exc:
        raise SheetError("CSV 格式有误") from exc
    return rows


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
        raw = _csv_rows(content, max_rows=max_rows)
    elif name.endswith(".xlsx"):
        raw = _xlsx_rows(content, max_rows=max_rows)
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
    save_workbook(book, buf)
    return buf.getvalue()


def export_value(value: Any) -> Any:
    """A cell value safe to write: no control characters, text never read as a formula."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(_FORMULA_START):
        # The apostrophe is what spreadsheet programs themselves use for "this is text".
        return "'" + value
    return value


def save_workbook(book: Workbook, out: str | Path | IO[bytes]) -> None:
    """Save an export, neutralising any text cell that would be read as a formula."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (
                    cell.data_type == "f" or cell.value.startswith(_FORMULA_START)
                ):
                    cell.value = export_value(cell.value)
                    cell.data_type = "s"
    book.save(out)  # type: ignore[arg-type]
