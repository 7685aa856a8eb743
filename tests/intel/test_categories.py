"""Error categories met on real news pages, each checked on an article we wrote ourselves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from biopark.intel.extract import clean_document
from biopark.intel.types import RawDocument

CATEGORIES = Path(__file__).parent / "fixtures" / "categories"


def _clean(name: str):  # type: ignore[no-untyped-def]
    path = CATEGORIES / name
    return clean_document(RawDocument(path=str(path), data=path.read_bytes()))


def test_a_page_without_a_headline_has_no_title_and_keeps_its_first_paragraph() -> None:
    doc = _clean("no_title_line.txt")
    assert doc.title is None
    assert doc.text.startswith("6月12日上午")
    assert "用户登录" not in doc.text


def test_a_byline_is_not_a_title() -> None:
    doc = _clean("byline_only.txt")
    assert doc.title is None
    assert "远川药业集团有限公司签署" in doc.text


def test_a_column_prefix_and_a_photo_caption_are_not_the_title() -> None:
    doc = _clean("column_prefix_caption.txt")
    assert doc.title == "松林湾建成智能化制剂生产基地"


def test_a_document_named_in_a_cover_letter_is_the_title() -> None:
    doc = _clean("cover_letter.txt")
    assert doc.title == "临川市促进细胞与基因治疗产业发展的若干措施"
    assert "1000万元奖励" in doc.text


def test_an_american_numeric_date_is_read_month_first() -> None:
    doc = _clean("en_numeric_date.txt")
    assert doc.published_at == date(2024, 3, 14)
    assert doc.title == "Riverside park adds five biomedicine projects"
