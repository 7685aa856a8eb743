"""Reading candidate files: xlsx and csv (UTF-8 or GBK), with an error per bad row."""

from __future__ import annotations

from biopark.chain.imports import read_candidates
from tests.chain.builders import xlsx_bytes

HEADER = ["环节", "企业名称", "地区", "推荐理由", "联系方式"]


def test_xlsx_rows_are_read() -> None:
    data = xlsx_bytes([HEADER, ["cdmo", "甲生物CDMO有限公司", "上海", "产能充足", None]])
    rows, errors = read_candidates("list.xlsx", data)
    assert errors == []
    assert rows[0].link == "cdmo" and rows[0].name == "甲生物CDMO有限公司"
    assert rows[0].region == "上海" and rows[0].contact is None and rows[0].line == 2


def test_gbk_csv_with_english_headers() -> None:
    text = "link,name,region\ndiscovery,乙药物发现有限公司,成都\n"
    rows, errors = read_candidates("x.csv", text.encode("gbk"))
    assert errors == [] and rows[0].name == "乙药物发现有限公司"


def test_every_bad_row_is_reported_with_its_line() -> None:
    text = "环节,企业名称\n,丙公司\ncdmo,丁\ncdmo,=HYPERLINK()\ncdmo,戊生物有限公司\ncdmo,戊生物有限公司\n"
    rows, errors = read_candidates("x.csv", text.encode("utf-8"))
    assert [e.split("：")[0] for e in errors] == ["第 2 行", "第 3 行", "第 4 行", "第 6 行"]
    assert "重复" in errors[-1]
    assert [r.name for r in rows] == ["戊生物有限公司"]


def test_file_level_problems() -> None:
    assert read_candidates("x.csv", b"")[1] == ["文件为空"]
    assert "仅支持" in read_candidates("x.pdf", b"%PDF")[1][0]
    assert "Excel" in read_candidates("x.xlsx", b"not a zip")[1][0]
    assert "缺少列" in read_candidates("x.csv", "地区\n上海\n".encode())[1][0]
