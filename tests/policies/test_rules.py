"""The rule engine: validation, tri-state evaluation, classification and amounts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from biopark.policies import rules
from biopark.policies.rules import Facts, Status, Verdict

TODAY = date(2026, 11, 21)
FULL = Facts(
    as_of=TODAY,
    registered_capital=Decimal("50000000"),
    rd_spending=Decimal("12000000"),
    employees=320,
    founded_on=date(2015, 6, 1),
    cluster="生物药",
    revenue_band="1亿-5亿元",
    park="cq-biocity",
    district="巴南区",
    tags=frozenset({"高新技术企业"}),
    pools=frozenset({"专精特新"}),
    chain_links=frozenset({"抗体药物"}),
)


def check(rule: dict[str, Any], facts: Facts = FULL) -> rules.Classification:
    return rules.classify(rules.evaluate(rules.parse(rule), facts))


def test_all_conditions_met_is_qualified() -> None:
    rule = {
        "all": [
            {"op": "has_tag", "value": "高新技术企业"},
            {"op": "gte", "field": "rd_spending", "value": "10000000"},
            {"op": "age_years_gte", "value": 3},
            {"op": "eq", "field": "district", "value": "巴南区"},
        ]
    }
    assert check(rule).verdict == Verdict.qualified


def test_one_unmet_condition_is_nearly_and_named_with_actual_value() -> None:
    rule = {
        "all": [
            {"op": "has_tag", "value": "高新技术企业"},
            {"op": "gte", "field": "employees", "value": 500},
        ]
    }
    result = check(rule)
    assert result.verdict == Verdict.nearly
    assert result.unmet == ("员工人数 ≥ 500 人（现为：320 人）",)


HIGH_TECH = {"op": "has_tag", "value": "高新技术企业"}


def test_unmet_fixed_attribute_or_nothing_met_is_ineligible_not_nearly() -> None:
    wrong_place = {"all": [HIGH_TECH, {"op": "eq", "field": "district", "value": "渝北区"}]}
    assert check(wrong_place).verdict == Verdict.ineligible
    assert check({"all": [{"op": "has_tag", "value": "上市"}]}).verdict == Verdict.ineligible
    assert check({"op": "has_tag", "value": "上市"}).verdict == Verdict.ineligible


def test_two_unmet_conditions_are_ineligible() -> None:
    rule = {
        "all": [
            {"op": "has_tag", "value": "上市"},
            {"op": "gte", "field": "employees", "value": 500},
        ]
    }
    assert check(rule).verdict == Verdict.ineligible


def test_missing_data_is_reported_not_guessed() -> None:
    facts = replace(FULL, rd_spending=None)
    rule = {
        "all": [
            {"op": "gte", "field": "rd_spending", "value": 1},
            {"op": "has_tag", "value": "高新技术企业"},
        ]
    }
    result = check(rule, facts)
    assert result.verdict == Verdict.unknown
    assert result.missing_data == ("缺少数据：研发投入",)


def test_unknown_with_an_unmet_condition_is_nearly_and_names_both() -> None:
    facts = replace(FULL, employees=None)
    rule = {
        "all": [
            HIGH_TECH,
            {"op": "gte", "field": "employees", "value": 10},
            {"op": "in_pool", "value": "龙头企业"},
        ]
    }
    result = check(rule, facts)
    assert result.verdict == Verdict.nearly
    assert result.unmet == ("已入“龙头企业”培育库（现为：专精特新）",)
    assert result.missing_data == ("缺少数据：员工人数",)


def test_any_passes_when_one_branch_passes_even_if_another_is_unknown() -> None:
    facts = replace(FULL, rd_spending=None)
    rule = {
        "any": [
            {"op": "gte", "field": "rd_spending", "value": 1},
            {"op": "in_pool", "value": "专精特新"},
        ]
    }
    assert check(rule, facts).verdict == Verdict.qualified


def test_age_is_counted_in_full_years() -> None:
    facts = replace(FULL, founded_on=date(2023, 11, 22))
    assert (
        rules.evaluate(rules.parse({"op": "age_years_gte", "value": 3}), facts).status
        == Status.failed
    )
    facts = replace(FULL, founded_on=date(2023, 11, 21))
    assert (
        rules.evaluate(rules.parse({"op": "age_years_gte", "value": 3}), facts).status
        == Status.passed
    )


def test_not_inverts_and_keeps_unknown() -> None:
    node = rules.parse({"not": {"op": "has_tag", "value": "上市"}})
    assert rules.evaluate(node, FULL).status == Status.passed
    node = rules.parse({"not": {"op": "gte", "field": "employees", "value": 1}})
    assert rules.evaluate(node, replace(FULL, employees=None)).status == Status.unknown


def test_empty_chain_links_are_unknown_but_empty_tags_are_known() -> None:
    facts = replace(FULL, chain_links=None, tags=frozenset())
    assert (
        rules.evaluate(rules.parse({"op": "has_chain_link", "value": "抗体药物"}), facts).status
        == Status.unknown
    )
    assert (
        rules.evaluate(rules.parse({"op": "has_tag", "value": "上市"}), facts).status
        == Status.failed
    )


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"op": "exec", "value": 1}, "未知运算"),
        ({"op": "gte", "field": "__class__", "value": 1}, "未知字段"),
        ({"op": "gte", "field": "cluster", "value": 1}, "不是数值"),
        ({"op": "gte", "field": "employees", "value": "many"}, "应为数字"),
        ({"op": "gte", "field": "employees", "value": True}, "应为数字"),
        ({"op": "gte", "field": "employees", "value": "NaN"}, "超出范围"),
        ({"op": "has_tag", "value": "独角兽"}, "标签须为"),
        ({"op": "in_pool", "value": "独角兽"}, "培育库须为"),
        ({"op": "eq", "field": "tags", "value": "上市"}, "has_tag"),
        ({"op": "in", "field": "cluster", "value": []}, "列表"),
        ({"op": "in", "field": "employees", "value": [1]}, "文字字段"),
        ({"op": "age_years_gte", "value": 1.5}, "非负整数"),
        ({"op": "has_tag", "field": "pools", "value": "上市"}, "只用于"),
        ({"op": "gte", "field": "employees"}, "缺少 value"),
        ({"op": "gte", "field": "employees", "value": 1, "eval": "x"}, "多余的键"),
        ({"any": []}, "非空列表"),
        ({"all": [], "op": "x"}, "不能与其他键并列"),
        ([1, 2], "应为对象"),
    ],
)
def test_malformed_rules_are_refused_in_chinese(rule: Any, fragment: str) -> None:
    with pytest.raises(rules.RuleError) as err:
        rules.parse(rule)
    assert fragment in str(err.value)


def test_deep_and_huge_rules_are_refused() -> None:
    deep: dict[str, Any] = {"op": "has_tag", "value": "上市"}
    for _ in range(10):
        deep = {"not": deep}
    with pytest.raises(rules.RuleError, match="嵌套过深"):
        rules.parse(deep)
    huge = {"all": [{"op": "has_tag", "value": "上市"}] * 200}
    with pytest.raises(rules.RuleError, match="条件过多"):
        rules.parse(huge)


def test_amounts() -> None:
    rate = rules.parse_amount(
        {"kind": "rate", "base": "rd_spending", "rate": "0.1", "cap": "1000000"}
    )
    assert rules.estimate(rate, FULL).amount == Decimal("1000000")
    assert rules.estimate(rate, replace(FULL, rd_spending=Decimal("5000000"))).amount == Decimal(
        "500000.00"
    )
    assert rules.estimate(rate, replace(FULL, rd_spending=None)).text == "无法估算：缺少研发投入"
    assert rules.describe_amount(rate) == "按研发投入的 10%，最高 100万元"
    fixed = rules.parse_amount({"kind": "fixed", "amount": 500000})
    assert rules.estimate(fixed, FULL).amount == Decimal("500000")
    with pytest.raises(rules.RuleError):
        rules.parse_amount({"kind": "rate", "base": "employees", "rate": "0.1"})
    with pytest.raises(rules.RuleError):
        rules.parse_amount({"kind": "rate", "base": "rd_spending", "rate": "2"})


# ---------------------------------------------------------------- properties

money = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False)
leaves = st.one_of(
    st.builds(
        lambda v: {"op": "has_tag", "value": v}, st.sampled_from(rules.FIELDS["tags"].choices)
    ),
    st.builds(
        lambda v: {"op": "in_pool", "value": v}, st.sampled_from(rules.FIELDS["pools"].choices)
    ),
    st.builds(lambda v: {"op": "has_chain_link", "value": v}, st.sampled_from(["抗体药物", "CRO"])),
    st.builds(lambda v: {"op": "age_years_gte", "value": v}, st.integers(0, 40)),
    st.builds(lambda v: {"op": "age_years_lte", "value": v}, st.integers(0, 40)),
    st.builds(
        lambda op, f, v: {"op": op, "field": f, "value": str(v)},
        st.sampled_from(list(rules.COMPARISONS)),
        st.sampled_from(["registered_capital", "rd_spending", "employees"]),
        money,
    ),
    st.builds(
        lambda op, v: {"op": op, "field": "cluster", "value": v},
        st.sampled_from(["eq", "ne"]),
        st.sampled_from(rules.FIELDS["cluster"].choices),
    ),
    st.builds(
        lambda op, v: {"op": op, "field": "revenue_band", "value": v},
        st.sampled_from(["in", "not_in"]),
        st.lists(st.sampled_from(rules.FIELDS["revenue_band"].choices), min_size=1, max_size=3),
    ),
)
trees = st.recursive(
    leaves,
    lambda kids: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(kids, max_size=4)),
        st.builds(lambda xs: {"any": xs}, st.lists(kids, min_size=1, max_size=4)),
        st.builds(lambda x: {"not": x}, kids),
    ),
    max_leaves=12,
).filter(lambda r: _depth(r) <= rules.MAX_DEPTH)


def _depth(r: Any) -> int:
    if "all" in r or "any" in r:
        return 1 + max((_depth(x) for x in r.get("all", r.get("any", []))), default=0)
    if "not" in r:
        return 1 + _depth(r["not"])
    return 0


full_facts = st.builds(
    Facts,
    as_of=st.just(TODAY),
    registered_capital=money,
    rd_spending=money,
    employees=st.integers(0, 100000),
    founded_on=st.dates(date(1950, 1, 1), TODAY),
    cluster=st.sampled_from(rules.FIELDS["cluster"].choices),
    revenue_band=st.sampled_from(rules.FIELDS["revenue_band"].choices),
    park=st.just("cq-biocity"),
    district=st.just("巴南区"),
    tags=st.frozensets(st.sampled_from(rules.FIELDS["tags"].choices)),
    pools=st.frozensets(st.sampled_from(rules.FIELDS["pools"].choices)),
    chain_links=st.frozensets(st.sampled_from(["抗体药物", "CRO"]), min_size=1),
)
OPTIONAL = [
    "registered_capital",
    "rd_spending",
    "employees",
    "founded_on",
    "cluster",
    "revenue_band",
    "chain_links",
]


@settings(max_examples=200, deadline=None)
@given(trees)
def test_parse_and_to_json_round_trip(rule: dict[str, Any]) -> None:
    node = rules.parse(rule)
    assert rules.parse(rules.to_json(node)) == node


@settings(max_examples=300, deadline=None)
@given(trees, full_facts, st.sets(st.sampled_from(OPTIONAL)))
def test_forgetting_data_never_flips_a_decided_outcome(
    rule: dict[str, Any], facts: Facts, forget: set[str]
) -> None:
    node = rules.parse(rule)
    known = rules.evaluate(node, facts).status
    assert known != Status.unknown  # with every attribute recorded, nothing is unknown
    partial = replace(facts, **dict.fromkeys(forget))
    assert rules.evaluate(node, partial).status in (known, Status.unknown)


@settings(max_examples=200, deadline=None)
@given(trees, full_facts)
def test_double_negation_and_classification_agree(rule: dict[str, Any], facts: Facts) -> None:
    node = rules.parse(rule)
    assert (
        rules.evaluate(rules.Not(rules.Not(node)), facts).status
        == rules.evaluate(node, facts).status
    )
    verdict = rules.classify(rules.evaluate(node, facts)).verdict
    assert (verdict == Verdict.qualified) == (rules.evaluate(node, facts).status == Status.passed)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda kids: (
        st.lists(kids, max_size=4)
        | st.dictionaries(
            st.sampled_from(["op", "field", "value", "all", "any", "not", "x"]), kids, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_arbitrary_json_is_either_a_rule_or_a_rule_error(raw: Any) -> None:
    try:
        node = rules.parse(raw)
    except rules.RuleError:
        return
    rules.evaluate(node, FULL)


def test_conditions_and_amounts_read_in_english_too() -> None:
    import biopark.enterprises.pages  # noqa: F401  (registers the fixed lists' English)

    conditions = {
        "all": [
            {"field": "registered_capital", "op": "gte", "value": "5000000"},
            {"op": "has_tag", "value": "高新技术企业"},
            {"field": "cluster", "op": "in", "value": ["生物药", "化学药"]},
            {"not": {"op": "age_years_lte", "value": 2}},
        ]
    }
    assert rules.describe_list(conditions) == [
        "注册资本 ≥ 500万元",
        "具有“高新技术企业”标签",
        "产业集群属于 生物药、化学药",
        "不得：成立不超过 2 年",
    ]
    assert rules.describe_list(conditions, "en") == [
        "Registered capital ≥ 5 million yuan",
        "Has the tag “High-tech enterprise”",
        "Industry cluster is one of Biologics, Chemical drugs",
        "Must not: Founded at most 2 years ago",
    ]
    assert rules.describe_list({"all": []}, "en") == ["No conditions"]
    assert rules.describe_list({"bogus": 1}, "en")[0].startswith("Invalid conditions")
    rate = rules.parse_amount(
        {"kind": "rate", "rate": "0.1", "base": "rd_spending", "cap": "2000000"}
    )
    assert rules.describe_amount(rate) == "按研发投入的 10%，最高 200万元"
    assert rules.describe_amount(rate, "en") == "10% of R&D spending, at most 2 million yuan"
