"""Error categories met on real news pages, each checked on an article we wrote ourselves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from biopark.intel.extract import clean_document, extract_document, to_json
from biopark.intel.metrics import find_metrics
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


def _metrics(name: str) -> list[tuple[float, str, str]]:
    path = CATEGORIES / name
    out = extract_document(RawDocument(path=str(path), data=path.read_bytes()))
    return [(float(m.value), m.unit, m.label) for m in out.metrics]


def _has(found: list[tuple[float, str, str]], value: float, unit: str, word: str) -> bool:
    return any(v == value and u == unit and word in label for v, u, label in found)


def test_traditional_script_and_uppercase_numerals_are_read() -> None:
    found = _metrics("hant_listing.txt")
    assert _has(found, 52_300_000, "count", "發行")
    assert _has(found, 10, "percent", "公開發售")
    assert _has(found, 35_126_000, "CNY", "收入")
    assert _has(found, 120_000_000, "CNY", "虧損")
    assert _has(found, 23_000_000, "CNY", "許可費")
    assert _has(found, 45, "mu", "")


def test_names_and_quotes_of_a_traditional_page_stay_in_its_script() -> None:
    path = CATEGORIES / "hant_listing.txt"
    out = extract_document(RawDocument(path=str(path), data=path.read_bytes()))
    assert out.metrics and all(m.quote in out.document.text for m in out.metrics)  # type: ignore[union-attr]
    assert all(e.name in out.document.text for e in out.entities)  # type: ignore[union-attr]


def test_english_labels_come_from_the_clause_structure() -> None:
    found = _metrics("en_labels.txt")
    assert _has(found, 640_000_000, "CNY", "public offering")
    assert _has(found, 90_000_000, "USD", "public offering")
    assert _has(found, 120_000_000, "USD", "invest")
    assert _has(found, 8_000_000, "CNY", "Subsidies")
    assert _has(found, 3_000_000, "CNY", "Subsidies")
    assert _has(found, 80_000, "m2", "first phase")


def test_a_compared_figure_takes_the_label_of_the_figure_it_is_compared_with() -> None:
    found = [
        (float(m.value), m.unit, m.label)
        for m in find_metrics(
            text="今年完成融资事件数达820件，相比去年的905件，减少9.4%。", pub_year=2025
        )
    ]
    assert _has(found, 905, "count", "融资事件")


def _entities(name: str) -> dict[str, str]:
    path = CATEGORIES / name
    out = extract_document(RawDocument(path=str(path), data=path.read_bytes()))
    return {e.name: e.type for e in out.entities}


def test_investors_and_partners_without_a_legal_suffix_are_companies() -> None:
    found = _entities("investors.txt")
    for name in ("远帆资本", "松石创投", "北辰基金", "海岳投资", "澄湖产投", "明湖医药"):
        assert found.get(name) == "company", name
    assert found.get("QC-2B07") == "drug"
    # A mutation is a target, and a role word is not a name.
    assert "T790M" not in found
    assert not any(n.endswith("子公司") for n in found)
    assert "机构" not in found


def test_english_investors_partners_codes_and_brands() -> None:
    found = _entities("en_investors.txt")
    for name in (
        "Northgate Capital",
        "Redwood Venture Partners",
        "Summit Healthcare",
        "Lantern Investments",
        "Bluewater Biotherapies",
    ):
        assert found.get(name) == "company", name
    assert found.get("HB-7Q21") == "drug"
    assert found.get("Clarivance") == "drug"


def _events(name: str):  # type: ignore[no-untyped-def]
    path = CATEGORIES / name
    return extract_document(RawDocument(path=str(path), data=path.read_bytes())).events


def test_application_approval_and_ind_are_kept_apart_with_relative_dates() -> None:
    events = _events("events_zh.txt")
    kinds = [(e.type, e.date) for e in events]
    # 今日 is the publication date; 同日 is the date of the fact just before.
    assert ("marketing_application", date(2025, 3, 14)) in kinds
    assert ("clinical_approval", date(2025, 3, 14)) in kinds
    assert not any(e.type == "marketing_approval" for e in events)
    # The priority-review sentence repeats the same filing: one event per fact.
    assert sum(e.type == "marketing_application" for e in events) == 1


def test_statistics_rankings_and_repost_notices_are_no_events() -> None:
    events = _events("events_zh.txt")
    assert not any("据统计" in e.quote or "转载" in e.quote for e in events)


def test_an_acquisition_is_its_own_event_dated_yesterday() -> None:
    deal = [e for e in _events("events_zh.txt") if e.type == "acquisition"]
    assert len(deal) == 1
    assert deal[0].date == date(2025, 3, 13)
    assert deal[0].amount is not None and deal[0].amount.value == 1_200_000_000


def test_english_filing_ind_and_licence_terms() -> None:
    events = _events("events_en.txt")
    kinds = {e.type for e in events}
    assert "marketing_application" in kinds
    assert "marketing_approval" not in kinds
    clinical = [e for e in events if e.type == "clinical_approval"]
    # "on Thursday" before a Friday publication date.
    assert clinical and clinical[0].date == date(2025, 6, 12)
    deal = [e for e in events if e.type == "licensing_deal" and e.amount]
    assert deal and deal[0].amount.value == 600_000_000  # type: ignore[union-attr]


def test_licensing_terms_carry_licensor_licensee_territory_and_amounts() -> None:
    deal = next(e for e in _events("deal_zh.txt") if e.type == "licensing_deal" and e.terms)
    terms = deal.terms
    assert terms is not None
    assert terms.licensor == "青川生物科技有限公司"
    assert terms.licensee == "北辰制药有限公司"
    assert terms.territory == "除大中华区以外的全球"
    assert terms.upfront is not None and terms.upfront.value == 150_000_000
    assert terms.milestones is not None and terms.milestones.value == 850_000_000
    assert terms.total is not None and terms.total.value == 1_000_000_000


def test_english_licence_terms_and_their_json() -> None:
    path = CATEGORIES / "events_en.txt"
    out = to_json(extract_document(RawDocument(path=str(path), data=path.read_bytes())))
    deal = next(e for e in out["events"] if e["type"] == "licensing_deal" and "terms" in e)
    assert deal["terms"] == {
        "licensor": "Lanterra Therapeutics",
        "licensee": "Northgate Biopharma",
        "territory": "outside Greater China",
        "upfront": {"value": 40_000_000, "unit": "USD"},
        "milestones": {"value": 600_000_000, "unit": "USD"},
        "total": {"value": 640_000_000, "unit": "USD"},
    }


def test_a_descriptor_before_a_partner_is_not_part_of_its_name() -> None:
    from biopark.intel.orgs import chinese_parties

    found = set(chinese_parties("本月，公司与南美药企拓原医药签署合作协议。"))
    assert "拓原医药" in found
    assert not any(n.startswith("南美") for n in found)
