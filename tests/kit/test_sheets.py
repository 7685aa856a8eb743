from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from biopark.kit.sheets import SheetError, export_value, read_rows, save_workbook


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_blank_rows_are_skipped_but_line_numbers_stay_those_of_the_sheet() -> None:
    rows = read_rows(_xlsx([["名称"], [None], ["甲公司"], ["  "], ["乙公司"]]))
    assert [(line, row[0]) for line, row in rows] == [(1, "名称"), (3, "甲公司"), (5, "乙公司")]


def test_gbk_csv_is_read() -> None:
    content = "环节,企业名称\n抗体,甲生物\n".encode("gbk")
    assert read_rows(content, filename="x.csv")[1] == (2, ("抗体", "甲生物"))


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "a.xlsx", "文件为空"),
        (b"not a zip", "a.xlsx", "不是有效的 Excel"),
        (b"%PDF", "a.pdf", "仅支持"),
        (b"x" * 20, "a.xlsx", "文件超过"),
    ],
)
def test_bad_uploads_get_a_chinese_reason(content: bytes, filename: str, message: str) -> None:
    with pytest.raises(SheetError, match=message):
        read_rows(content, filename=filename, max_bytes=10 if len(content) == 20 else 1024)


def test_row_cap() -> None:
    with pytest.raises(SheetError, match="行数超过 2"):
        read_rows(_xlsx([["h"], [1], [2], [3]]), max_rows=2)
    assert len(read_rows(_xlsx([["h"], [1], [2]]), max_rows=2)) == 3


def _rewrite_sheet(content: bytes, sheet_xml: str) -> bytes:
    """The workbook with its first sheet's XML replaced."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            dst.writestr(item.filename, data)
    return out.getvalue()


def _sheet(dimension: str, rows: str) -> str:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def full_sheet_bomb() -> bytes:
    """A ~5 KB workbook declaring the whole sheet, with one cell in its last row."""
    cell = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return _rewrite_sheet(_xlsx([["h"]]), _sheet("A1:XFD1048576", cell))


def test_a_workbook_declaring_the_full_sheet_is_refused_fast() -> None:
    bomb = full_sheet_bomb()
    assert len(bomb) < 6000
    started = time.perf_counter()
    with pytest.raises(SheetError, match="声明的范围达 1048576 行"):
        read_rows(bomb)
    assert time.perf_counter() - started < 2


def test_a_workbook_lying_about_its_size_stops_at_the_row_cap() -> None:
    cell = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    liar = _rewrite_sheet(_xlsx([["h"]]), _sheet("A1", cell))
    started = time.perf_counter()
    with pytest.raises(SheetError, match="行数超过 5000"):
        read_rows(liar)
    assert time.perf_counter() - started < 2


def test_too_many_columns_are_refused_declared_or_real() -> None:
    wide = _rewrite_sheet(_xlsx([["h"]]), _sheet("A1:ZZ1", ""))
    with pytest.raises(SheetError, match="列"):
        read_rows(wide)
    cell = '<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>'
    hidden = _rewrite_sheet(_xlsx([["h"]]), _sheet("A1", cell))
    with pytest.raises(SheetError, match="超过 200 列"):
        read_rows(hidden)


def test_a_zip_bomb_is_refused_before_unpacking() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in zipfile.ZipFile(io.BytesIO(_xlsx([["h"]]))).infolist():
            dst.writestr(item.filename, b"")
        dst.writestr("xl/media/padding.bin", b"\0" * (70 * 1024 * 1024))
    assert len(out.getvalue()) < 200_000
    with pytest.raises(SheetError, match="解压后超过"):
        read_rows(out.getvalue())


def test_csv_row_and_column_caps() -> None:
    with pytest.raises(SheetError, match="行数超过 3"):
        read_rows(b"h\n" + b"x\n" * 2000, filename="a.csv", max_rows=3)
    with pytest.raises(SheetError, match="超过 200 列"):
        read_rows(b"," * 300, filename="a.csv")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("名\x0b称\x00", "名称"),
        ("普通文字", "普通文字"),
        (12, 12),
    ],
)
def test_export_values_are_never_formulas_nor_illegal(value: object, written: object) -> None:
    assert export_value(value) == written


def test_save_workbook_neutralises_every_formula_and_reads_back_as_typed() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["名称"])
    ws.append(["=1+1"])
    ws.append([export_value("@A1")])
    buf = io.BytesIO()
    save_workbook(wb, buf)
    raw = zipfile.ZipFile(io.BytesIO(buf.getvalue())).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw
    assert [row[0] for _, row in read_rows(buf.getvalue())] == ["名称", "=1+1", "@A1"]
