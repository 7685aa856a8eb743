"""The rule builder's pure functions: form <-> tree <-> JSON, edits, hostile keys."""

from __future__ import annotations

from typing import Any

import pytest

from biopark.policies import builder, rules

RULES: list[dict[str, Any]] = [
    {"all": [{"op": "has_tag", "value": "高新技术企业"}]},
    {
        "all": [
            {"op": "gte", "field": "rd_spending", "value": 5000000},
            {"op": "in", "field": "cluster", "value": ["生物药", "化学药"]},
            {"op": "age_years_gte", "value": 2},
            {
                "any": [
                    {"op": "in_pool", "value": "专精特新"},
                    {"op": "gt", "field": "employees", "value": 50},
                ]
            },
            {"not": {"op": "has_tag", "value": "上市"}},
        ]
    },
    {"any": [{"op": "eq", "field": "district", "value": "巴南区"}, {"all": []}]},
]


def _form(tree: builder.Group, path: str = "r") -> dict[str, str]:
    """The posted form a browser sends for a drawn tree."""
    out = {f"rb.{path}.kind": tree.kind}
    for i, item in enumerate(tree.items):
        child = f"{path}.{i}"
        if isinstance(item, builder.Group):
            out.update(_form(item, child))
        else:
            out.update({f"rb.{child}.field": item.field, f"rb.{child}.op": item.op})
            out[f"rb.{child}.value"] = item.value
    return out


@pytest.mark.parametrize("raw", RULES)
def test_json_round_trips_through_the_form(raw: dict[str, Any]) -> None:
    canonical = rules.to_json(rules.parse(raw))
    tree = builder.from_rule(rules.parse(raw))
    again = builder.from_form(_form(tree))
    assert rules.to_json(builder.to_rule(again)) == canonical


def test_money_may_be_typed_in_wan_and_yi() -> None:
    form = {
        "rb.r.kind": "all",
        "rb.r.0.field": "rd_spending",
        "rb.r.0.op": "gte",
        "rb.r.0.value": "500万",
        "rb.r.1.field": "registered_capital",
        "rb.r.1.op": "lt",
        "rb.r.1.value": "0.5亿",
    }
    got = rules.to_json(builder.to_rule(builder.from_form(form)))
    assert got == {
        "all": [
            {"op": "gte", "field": "rd_spending", "value": 5000000},
            {"op": "lt", "field": "registered_capital", "value": 50000000},
        ]
    }


def test_rows_keep_their_order_past_ten() -> None:
    form: dict[str, str] = {"rb.r.kind": "any"}
    for i in range(12):
        form.update({f"rb.r.{i}.field": "employees", f"rb.r.{i}.op": "gte"})
        form[f"rb.r.{i}.value"] = str(i)
    raw = builder.to_raw(builder.from_form(form))
    assert [leaf["value"] for leaf in raw["any"]] == [str(i) for i in range(12)]


def test_a_changed_field_gets_an_operator_it_accepts() -> None:
    form = {"rb.r.kind": "all", "rb.r.0.field": "tags", "rb.r.0.op": "gte", "rb.r.0.value": "上市"}
    row = builder.from_form(form).items[0]
    assert isinstance(row, builder.Row) and row.op == "has_tag"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"rb.r.kind": "all", "rb.r.0.field": "salary", "rb.r.0.op": "eq"}, "未知字段"),
        ({"rb.r.kind": "xor"}, "未知的组类型"),
        ({"rb.r.kind": "all", "rb.../../x.kind": "all"}, "条件表单无效"),
        ({"rb.r.kind": "all", "rb.r.0.field": "tags", "rb.r.0.value": "x" * 400}, "过长"),
        ({"rb.r.kind": "all", "rb.r.0.field": "tags", "rb.r.0.value": ""}, "请填写条件的值"),
        ({"rb.r.kind": "all", "rb.r.0.field": "rd_spending", "rb.r.0.value": "很多"}, "不是金额"),
        ({"rb.r.kind": "all", "rb.r.0.field": "tags", "rb.r.0.value": "<b>"}, "标签须为"),
        ({"rb.r.kind": "not"}, "恰好包含一个条件"),
    ],
)
def test_hostile_or_unfinished_forms_are_refused(form: dict[str, str], message: str) -> None:
    with pytest.raises(rules.RuleError, match=message):
        builder.to_rule(builder.from_form(form))


def test_too_many_nodes_are_refused() -> None:
    form = {"rb.r.kind": "all", "rb.r.0.kind": "any", "rb.r.1.kind": "any"}
    for g in (0, 1):
        for i in range(60):
            form[f"rb.r.{g}.{i}.field"] = "employees"
            form[f"rb.r.{g}.{i}.value"] = "1"
    with pytest.raises(rules.RuleError, match="条件过多"):
        builder.from_form(form)


def test_edits_add_and_remove_rows_and_groups() -> None:
    tree = builder.Group("all", [builder.Row()])
    builder.apply(tree, "add-group:r")
    builder.apply(tree, "add-row:r.1")
    assert isinstance(tree.items[1], builder.Group) and len(tree.items[1].items) == 2
    builder.apply(tree, "remove:r.0")
    assert len(tree.items) == 1 and isinstance(tree.items[0], builder.Group)
    builder.apply(tree, "add-group:r.0")
    with pytest.raises(rules.RuleError, match="最多嵌套"):
        builder.apply(tree, "add-group:r.0.2")
    with pytest.raises(rules.RuleError):
        builder.apply(tree, "add-row:r.0.0")  # a row is not a group
    with pytest.raises(rules.RuleError):
        builder.apply(tree, "explode:r")
