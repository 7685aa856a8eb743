from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from biopark.kit.sheets import SheetError, read_rows


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
