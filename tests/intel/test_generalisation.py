"""Whole-pipeline checks on articles in many styles (fixtures/gen, expectations in gold.json).

Each fixture is an article we wrote in the manner of one kind of source: wire stories,
newspapers, government portals, WeChat snapshots, A-share and Hong Kong announcements,
company sites, flash news, statistics releases and English press releases.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from biopark.intel.extract import extract_document, to_json
from biopark.intel.types import RawDocument

GEN = Path(__file__).parent / "fixtures" / "gen"
GOLD: dict[str, dict[str, Any]] = json.loads((GEN / "gold.json").read_text(encoding="utf-8"))[
    "docs"
]
MEASURED = {"CNY", "USD", "percent", "m2", "km2", "mu"}


def _run(name: str) -> dict[str, Any]:
    path = GEN / name
    return to_json(extract_document(RawDocument(path=str(path), data=path.read_bytes())))


def _close(a: Any, b: Any) -> bool:
    a, b = Decimal(str(a)), Decimal(str(b))
    return a == b if b == 0 else abs(a - b) <= Decimal("0.005") * abs(b)


def _norm(name: str) -> str:
    n = re.sub(r"\s+", "", name)
    for suffix in ("股份有限公司", "有限责任公司", "有限公司", "Co.,Ltd.", "Inc.", "Ltd."):
        n = n.removesuffix(suffix)
    return n.lower()


def _same(a: str, b: str) -> bool:
    x, y = _norm(a), _norm(b)
    return len(x) >= 2 and len(y) >= 2 and (x in y or y in x)


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    return {name: _run(name) for name in GOLD}


@pytest.mark.parametrize("name", sorted(GOLD))
def test_title_and_date(name: str, results: dict[str, dict[str, Any]]) -> None:
    got, gold = results[name], GOLD[name]
    assert re.sub(r"\s+", "", got["title"] or "") == re.sub(r"\s+", "", gold["title"])
    assert got["published_at"] == gold["published_at"]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_every_expected_metric_with_its_label(
    name: str, results: dict[str, dict[str, Any]]
) -> None:
    metrics = results[name]["metrics"]
    for g in GOLD[name]["metrics"]:
        assert any(
            m["unit"] == g["unit"]
            and _close(m["value"], g["value"])
            and any(k.lower() in (m["label"] or "").lower() for k in g["label_any"])
            for m in metrics
        ), f"missing {g} in {[(m['value'], m['unit'], m['label']) for m in metrics]}"


@pytest.mark.parametrize("name", sorted(GOLD))
def test_no_money_or_percent_from_outside_the_article(
    name: str, results: dict[str, dict[str, Any]]
) -> None:
    gold = GOLD[name]
    allowed = gold["values_complete"] + gold["ignore"]
    extra = [
        (m["value"], m["unit"], m["label"])
        for m in results[name]["metrics"]
        if m["unit"] in MEASURED
        and not any(m["unit"] == u and _close(m["value"], v) for v, u in allowed)
    ]
    assert extra == []


@pytest.mark.parametrize("name", sorted(GOLD))
def test_companies_and_drugs(name: str, results: dict[str, dict[str, Any]]) -> None:
    gold = GOLD[name]
    names = [e["name"] for e in results[name]["entities"] if e["type"] in ("company", "drug")]
    expected = gold["companies"] + gold["drugs"]
    assert [g for g in expected if not any(_same(g, n) for n in names)] == []
    wrong = [n for n in names if not any(_same(n, a) for a in expected + gold["also_ok"])]
    assert wrong == []


@pytest.mark.parametrize("name", sorted(GOLD))
def test_events(name: str, results: dict[str, dict[str, Any]]) -> None:
    events = results[name]["events"]
    for g in GOLD[name]["events"]:
        hits = [
            e
            for e in events
            if e["type"] == g["type"]
            and any(k in " ".join([*e["subjects"], e["quote"]]) for k in g["any_of"])
        ]
        if "amount" in g:
            hits = [
                e
                for e in hits
                if e["amount"]
                and e["amount"]["unit"] == g["amount"][1]
                and _close(e["amount"]["value"], g["amount"][0])
            ]
        assert hits, f"missing event {g}"


def test_periods_run_from_the_start_of_the_year(results: dict[str, dict[str, Any]]) -> None:
    periods = {
        (m["value"], m["unit"]): m["period"] for m in results["zh_newspaper_period.txt"]["metrics"]
    }
    assert periods[(68000000000, "CNY")] == "2025-01/2025-10"  # 截至10月底
    assert periods[(9600000000, "CNY")] == "2025-01/2025-02"  # 今年1-2月
    assert periods[(4200000000, "CNY")] == "2025-01/2025-03"  # 一季度
    assert periods[(156, "count")] == "2025-01/2025-06"  # 上半年
    assert periods[(120000000000, "CNY")] == "2021/2025"  # 十四五期间
    assert periods[(87000000000, "CNY")] == "2024"  # 去年全年
    assert periods[(65, "count")] == "2024"  # 2024年全年
    assert periods[(5800000000, "CNY")] == "2025-01/2025-02"  # 前两个月
    gov = {(m["value"], m["unit"]): m["period"] for m in results["zh_gov_output.txt"]["metrics"]}
    assert gov[(32000000000, "CNY")] == "2025-01/2025-09"  # 前三季度


def test_labels_name_the_thing_measured(results: dict[str, dict[str, Any]]) -> None:
    def labels(name: str) -> dict[Any, str]:
        return {(m["value"], m["unit"]): m["label"] for m in results[name]["metrics"]}

    assert labels("zh_wire_xinhua.txt")[(500000000, "CNY")] == "完成新一轮融资"
    deal = labels("zh_announcement_license.txt")
    assert deal[(980000000, "USD")] == "里程碑付款"
    assert deal[(35000000, "USD")] == "首付款"
    assert labels("en_prn_financing.txt")[(120000000, "USD")] == "Series C financing"
    bw = labels("en_bw_license.txt")
    assert bw[(45000000, "USD")] == "upfront payment"
    assert bw[(655000000, "USD")] == "total deal value"
    assert bw[(32500000, "USD")] == "revenue"


def test_granting_rights_is_a_licence_not_an_award(results: dict[str, dict[str, Any]]) -> None:
    for name in ("zh_announcement_license.txt", "zh_finance_deal.txt"):
        kinds = {e["type"] for e in results[name]["events"]}
        assert "licensing_deal" in kinds and "award" not in kinds


def test_event_subjects_stay_in_their_clause(results: dict[str, dict[str, Any]]) -> None:
    events = results["zh_wire_xinhua.txt"]["events"]
    clinical = [e for e in events if e["type"] == "clinical_approval"]
    assert clinical and all("芦康沙妥珠单抗" not in e["subjects"] for e in clinical)
    financing = [e for e in events if e["type"] == "financing"]
    assert financing[0]["subjects"] == ["成都先导药物开发股份有限公司"]
    wechat = results["zh_wechat_approval.txt"]["events"]
    filing = next(e for e in wechat if e["type"] == "marketing_application")
    assert filing["subjects"] == ["XX-101片"]  # "该药物" is the article's one drug


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("zh_wechat_approval.txt", "重庆国际生物城"),
        ("zh_wechat_signing.txt", "某某生物医药产业园"),
        ("zh_wire_xinhua.txt", "新华网"),
        ("zh_newspaper_period.txt", "重庆日报"),
        ("en_bw_license.txt", "BUSINESS WIRE"),
        ("en_html_ipo.html", "BioPharma Daily"),
        ("zh_announcement_license.txt", None),
    ],
)
def test_sources(name: str, source: str | None, results: dict[str, dict[str, Any]]) -> None:
    assert results[name]["source"] == source


def test_gbk_page_is_read(results: dict[str, dict[str, Any]]) -> None:
    got = results["zh_gbk_groundbreaking.html"]
    assert "二期项目正式开工" in got["text"] and "ICP" not in got["text"]
