from datetime import date

from biopark.intel.clean import read_page
from biopark.intel.extract import clean_document
from tests.intel.conftest import FIXTURES


def _page(name: str):
    return read_page(text=(FIXTURES / name).read_text(encoding="utf-8"))


def test_html_menus_ads_and_related_news_are_dropped(fixture_doc) -> None:
    doc = clean_document(fixture_doc("portal_page.html"))
    assert doc.title == "江城生物港一季度签约项目12个 协议投资56.8亿元"
    assert doc.published_at == date(2024, 4, 8)
    assert doc.source == "长河新闻网"
    assert doc.text.startswith("4月7日")
    for furniture in ("首页", "广告", "相关新闻", "1000亿元", "版权所有", "8.8%"):
        assert furniture not in doc.text


def test_gbk_html_page(fixture_doc) -> None:
    doc = clean_document(fixture_doc("gbk_page.html"))
    assert doc.title == "松岭药谷新药获批上市"
    assert doc.published_at == date(2023, 11, 2)
    assert doc.source == "松岭日报"
    assert "来源" not in doc.text and "版权所有" not in doc.text


def test_snapshot_without_date_keeps_date_null_and_drops_menus() -> None:
    page = _page("no_date_page.txt")
    assert page.title == "青溪医药城：打造西部细胞治疗产业高地"
    assert page.published_at is None
    text = "\n".join(page.paragraphs)
    assert text.startswith("近年来")
    for furniture in ("当前位置", "分享到", "相关阅读", "集中开工", "技术支持"):
        assert furniture not in text


def test_newspaper_snapshot_reads_spaced_date_and_drops_page_navigation() -> None:
    page = _page("newspaper_snapshot.txt")
    assert page.title == "东湖光谷药谷再迎百亿级项目"
    assert page.published_at == date(2024, 9, 12)
    text = "\n".join(page.paragraphs)
    assert "上一版" not in text and "版权所有" not in text
    assert text.splitlines()[-1].startswith("去年")


def test_company_announcement_heading_and_signature_date() -> None:
    page = _page("announcement.txt")
    # The issuer line above "关于……的公告" is not part of the headline.
    assert page.title == "关于子公司药品获得临床试验批准通知书的公告"
    assert page.published_at == date(2025, 6, 18)
    assert not any(p.startswith("星河示例药业股份有限公司") for p in page.paragraphs[:1])


def test_english_wire_story_dateline_and_about_section() -> None:
    page = _page("wire_story_en.txt")
    assert page.title is not None and page.title.startswith("Lumen Biotherapeutics Signs")
    assert page.published_at == date(2025, 3, 5)
    assert page.source == "PRNewswire"
    text = "\n".join(page.paragraphs)
    assert "300 employees" not in text and "Media Contact" not in text


def test_markdown_h1_is_the_title_and_split_sentences_are_glued() -> None:
    md = (
        "## 专题栏目\n\n# 某园区 新闻标题在此处\n\n"
        "园区负责人介绍，今年以来园区累计引进生物医药项目30个，其中包括一家位于城南的创新药研\n\n"
        "发企业，协议投资额达到20亿元。\n"
    )
    page = read_page(text=md)
    assert page.title == "某园区 新闻标题在此处"
    assert any("创新药研发企业" in p for p in page.paragraphs)
