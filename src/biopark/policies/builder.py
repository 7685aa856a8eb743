"""The eligibility rule as a form: groups (all / any / not) of field-operator-value rows.

Pure functions between three shapes: the posted form (flat `rb.<path>.<part>`
keys), a small tree of `Group` and `Row` that the template draws, and the rule
JSON that `rules.parse` validates. Every rule the form can draw comes back as
the same JSON, and every JSON rule whose top is a group can be drawn.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from biopark.kit.money import parse_cny
from biopark.policies import rules

GROUP_KINDS = ("all", "any", "not")
GROUP_LABELS = {"all": "同时满足以下全部", "any": "满足以下任一", "not": "不得满足"}
MAX_GROUP_DEPTH = 3
MAX_VALUE = 300
_PATH = re.compile(r"^r(\.\d{1,2}){0,4}$")
_LIST_SPLIT = re.compile(r"[,，、;；\n]+")


def operators_for(name: str) -> tuple[str, ...]:
    """The operators that make sense for a field, in the order the form lists them."""
    spec = rules.FIELDS[name]
    if name == "tags":
        return ("has_tag",)
    if name == "pools":
        return ("in_pool",)
    if name == "chain_links":
        return ("has_chain_link",)
    if name == "age_years":
        return ("age_years_gte", "age_years_lte", "gt", "lt")
    if spec.kind in ("money", "number"):
        return ("gte", "lte", "gt", "lt", "eq", "ne")
    return ("eq", "ne", "in", "not_in")


@dataclass
class Row:
    field: str = "tags"
    op: str = "has_tag"
    value: str = ""

    @property
    def operators(self) -> tuple[str, ...]:
        return operators_for(self.field)

    @property
    def choices(self) -> tuple[str, ...]:
        return rules.FIELDS[self.field].choices


@dataclass
class Group:
    kind: str = "all"
    items: list[Group | Row] = field(default_factory=list)


# ---------------------------------------------------------------- form -> tree


def from_form(form: Mapping[str, Any]) -> Group:
    """The builder tree from posted `rb.*` keys; raises RuleError on forged keys."""
    parts: dict[str, dict[str, str]] = {}
    for key in form:
        if not key.startswith("rb."):
            continue
        path, _, part = key[3:].rpartition(".")
        if not _PATH.match(path) or part not in ("kind", "field", "op", "value"):
            raise rules.RuleError("条件表单无效")
        value = str(form.get(key) or "")
        if len(value) > MAX_VALUE:
            raise rules.RuleError(f"条件的值过长（最多 {MAX_VALUE} 字）")
        parts.setdefault(path, {})[part] = value
    if len(parts) > rules.MAX_NODES:
        raise rules.RuleError(f"条件过多（最多 {rules.MAX_NODES} 个节点）")
    if "r" not in parts:
        return Group()
    return _node("r", parts)  # type: ignore[return-value]


def _children(path: str, parts: dict[str, dict[str, str]]) -> list[str]:
    depth = path.count(".") + 1
    kids = [p for p in parts if p.startswith(path + ".") and p.count(".") == depth]
    return sorted(kids, key=lambda p: int(p.rsplit(".", 1)[1]))


def _node(path: str, parts: dict[str, dict[str, str]]) -> Group | Row:
    given = parts[path]
    if "kind" in given:
        if given["kind"] not in GROUP_KINDS:
            raise rules.RuleError("条件表单无效：未知的组类型")
        return Group(given["kind"], [_node(p, parts) for p in _children(path, parts)])
    name = given.get("field", "")
    if name not in rules.FIELDS:
        raise rules.RuleError(f"未知字段 {name!r}")
    op = given.get("op", "")
    if op not in operators_for(name):
        op = operators_for(name)[0]  # the field changed: its first operator
    return Row(name, op, given.get("value", "").strip())


# ---------------------------------------------------------------- tree -> JSON


def _number(text: str, row: Row) -> Any:
    if rules.FIELDS[row.field].kind == "money":
        try:
            return str(parse_cny(text))
        except ValueError as exc:
            label = rules.FIELDS[row.field].label
            raise rules.RuleError(
                f"{label}：“{text}”不是金额（例：500万、0.5亿、3000000）"
            ) from exc
    return text


def _row_json(row: Row) -> dict[str, Any]:
    label = rules.FIELDS[row.field].label
    if not row.value:
        raise rules.RuleError(f"{label}：请填写条件的值")
    value: Any = row.value
    if row.op in ("in", "not_in"):
        value = [v.strip() for v in _LIST_SPLIT.split(row.value) if v.strip()]
    elif (
        row.op in rules.COMPARISONS
        or row.op.startswith("age_years")
        or (rules.FIELDS[row.field].kind in ("money", "number"))
    ):
        value = _number(row.value, row)
    out: dict[str, Any] = {"op": row.op, "value": value}
    if rules.OPERATORS[row.op] is None:
        out["field"] = row.field
    return out


def to_raw(node: Group | Row) -> dict[str, Any]:
    """The rule JSON the tree stands for (not yet validated)."""
    if isinstance(node, Row):
        return _row_json(node)
    items = [to_raw(n) for n in node.items]
    if node.kind == "not":
        if len(items) != 1:
            raise rules.RuleError("“不得满足”组须恰好包含一个条件")
        return {"not": items[0]}
    return {node.kind: items}


def to_rule(tree: Group) -> rules.Node:
    """The validated rule, or RuleError saying what to fix."""
    return rules.parse(to_raw(tree))


# ---------------------------------------------------------------- JSON -> tree


def _text(value: rules.Value) -> str:
    if isinstance(value, tuple):
        return "、".join(value)
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


def from_rule(node: rules.Node) -> Group:
    """The tree that draws a validated rule; a lone condition becomes a one-row group."""
    drawn = _draw(node)
    return drawn if isinstance(drawn, Group) else Group("all", [drawn])


def _draw(node: rules.Node) -> Group | Row:
    if isinstance(node, rules.Leaf):
        return Row(node.field, node.op, _text(node.value))
    if isinstance(node, rules.Not):
        return Group("not", [_draw(node.item)])
    kind = "all" if isinstance(node, rules.All) else "any"
    return Group(kind, [_draw(n) for n in node.items])


# ---------------------------------------------------------------- editing


def _find(tree: Group, path: str) -> Group | Row | None:
    node: Group | Row = tree
    for index in path.split(".")[1:]:
        if not isinstance(node, Group) or int(index) >= len(node.items):
            return None
        node = node.items[int(index)]
    return node


def apply(tree: Group, action: str) -> Group:
    """Add a row or a group to the group at a path, or remove the node at a path."""
    verb, _, path = action.partition(":")
    if not _PATH.match(path):
        raise rules.RuleError("条件表单无效")
    target = _find(tree, path)
    if verb in ("add-row", "add-group"):
        if not isinstance(target, Group):
            raise rules.RuleError("条件表单无效")
        if verb == "add-group":
            if path.count(".") + 1 >= MAX_GROUP_DEPTH:
                raise rules.RuleError(f"条件组最多嵌套 {MAX_GROUP_DEPTH} 层")
            target.items.append(Group("any", [Row()]))
        else:
            target.items.append(Row())
    elif verb == "remove" and path != "r":
        parent = _find(tree, path.rsplit(".", 1)[0])
        index = int(path.rsplit(".", 1)[1])
        if isinstance(parent, Group) and index < len(parent.items):
            del parent.items[index]
    else:
        raise rules.RuleError("条件表单无效")
    return tree
