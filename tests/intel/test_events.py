from datetime import date
from decimal import Decimal

from biopark.intel.entities import find_entities
from biopark.intel.events import find_events


def _events(text: str, title: str | None = None, pub: date | None = date(2024, 5, 1)):
    return find_events(text=text, entities=find_entities(text=text), published_at=pub, title=title)


def test_licensing_deal_carries_amount() -> None:
    ev = _events("其双抗药物AB-1234注射液成功实现海外授权，交易总额达7.12亿美元。")
    deal = next(e for e in ev if e.type == "licensing_deal")
    assert deal.amount is not None and deal.amount.value == Decimal(712000000)
    assert deal.amount.unit == "USD"
    assert "AB-1234注射液" in deal.subjects


def test_approvals_filings_and_milestones_with_dates() -> None:
    text = (
        "3月25日，松石生物的松石单抗申报上市；4月24日，CD-2002注射液获批临床。"
        "青柏注射液近期获批上市。3月20日，孵化中心成功封顶。"
    )
    kinds = {e.type: e for e in _events(text)}
    assert kinds["marketing_application"].date == date(2024, 3, 25)
    assert kinds["clinical_approval"].date == date(2024, 4, 24)
    assert "marketing_approval" in kinds
    assert kinds["facility_milestone"].date == date(2024, 3, 20)


def test_english_deal_terms_in_following_sentence() -> None:
    text = (
        "Lumen Biotherapeutics, Inc. announced an exclusive license agreement with Northway Pharma. "
        "Under the agreement, Lumen is eligible for up to $650 million."
    )
    deal = next(e for e in _events(text) if e.type == "licensing_deal")
    assert deal.amount is not None and deal.amount.value == Decimal(650000000)


def test_headline_is_read_for_events() -> None:
    ev = _events("正文没有事件。", title="某某生物完成5亿元B轮融资")
    fin = next(e for e in ev if e.type == "financing")
    assert fin.amount is not None and fin.amount.value == Decimal(500000000)


def test_signing_cooperation_and_financing() -> None:
    text = "园区与鸿运医药集团签署战略合作协议。促成九曜医药等项目签约。"
    kinds = {e.type for e in _events(text)}
    assert {"cooperation", "project_signing"} <= kinds
