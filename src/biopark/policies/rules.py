"""Eligibility rules as data, checked by pure functions with three outcomes.

A rule is JSON made of a small set of operators over enterprise attributes.
`parse` validates it into typed nodes (refusing anything else), `evaluate`
gives pass / fail / unknown per node with the reason, and `classify` turns
the outcome into qualified / nearly qualified (the unmet conditions named) /
cannot evaluate (the missing data named) / not eligible. Missing data is never
guessed: a condition over an attribute nobody recorded is "unknown".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from biopark.enterprises.models import CLUSTERS, POOLS, REVENUE_BANDS, TAGS
from biopark.kit.money import format_cny
from biopark.web.numbers import money

FIXED_FIELDS = frozenset({"cluster", "park", "district"})
MAX_DEPTH = 6
MAX_NODES = 100
MAX_LIST = 50


class RuleError(ValueError):
    """A rule that is not well formed; the message says where, in Chinese."""


class Status(enum.StrEnum):
    passed = "pass"
    failed = "fail"
    unknown = "unknown"


@dataclass(frozen=True)
class FieldSpec:
    label: str
    kind: str  # money | number | text | set
    choices: tuple[str, ...] = ()
    label_en: str = ""


FIELDS: dict[str, FieldSpec] = {
    "registered_capital": FieldSpec("注册资本", "money", label_en="Registered capital"),
    "rd_spending": FieldSpec("研发投入", "money", label_en="R&D spending"),
    "employees": FieldSpec("员工人数", "number", label_en="Employees"),
    "age_years": FieldSpec("成立年限", "number", label_en="Years since founding"),
    "cluster": FieldSpec("产业集群", "text", CLUSTERS, label_en="Industry cluster"),
    "revenue_band": FieldSpec("营收区间", "text", REVENUE_BANDS, label_en="Revenue band"),
    "park": FieldSpec("园区", "text", label_en="Park"),
    "district": FieldSpec("所在区县", "text", label_en="District"),
    "tags": FieldSpec("标签", "set", TAGS, label_en="Tags"),
    "pools": FieldSpec("培育库", "set", POOLS, label_en="Cultivation pools"),
    "chain_links": FieldSpec("产业链环节", "set", label_en="Chain links"),
}

COMPARISONS = {"gte": "≥", "lte": "≤", "gt": ">", "lt": "<"}
# op -> (implicit field or None, what the value is)
OPERATORS: dict[str, str | None] = {
    "eq": None,
    "ne": None,
    "in": None,
    "not_in": None,
    "gte": None,
    "lte": None,
    "gt": None,
    "lt": None,
    "has_tag": "tags",
    "in_pool": "pools",
    "has_chain_link": "chain_links",
    "age_years_gte": "age_years",
    "age_years_lte": "age_years",
}
OPERATOR_LABELS = {
    "eq": "等于",
    "ne": "不等于",
    "in": "属于",
    "not_in": "不属于",
    "gte": "不低于",
    "lte": "不高于",
    "gt": "高于",
    "lt": "低于",
    "has_tag": "具有标签",
    "in_pool": "在培育库",
    "has_chain_link": "位于产业链环节",
    "age_years_gte": "成立满（年）",
    "age_years_lte": "成立不超过（年）",
}

Value = Decimal | str | tuple[str, ...]


@dataclass(frozen=True)
class Leaf:
    op: str
    field: str
    value: Value


@dataclass(frozen=True)
class All:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Leaf | All | AnyOf | Not


@dataclass(frozen=True)
class Facts:
    """What is known of an enterprise; None (or chain_links None) means not recorded."""

    as_of: date
    registered_capital: Decimal | None = None
    rd_spending: Decimal | None = None
    employees: int | None = None
    founded_on: date | None = None
    cluster: str | None = None
    revenue_band: str | None = None
    park: str | None = None
    district: str | None = None
    tags: frozenset[str] = frozenset()
    pools: frozenset[str] = frozenset()
    chain_links: frozenset[str] | None = None

    def get(self, name: str) -> Any:
        if name == "age_years":
            if self.founded_on is None:
                return None
            d, t = self.founded_on, self.as_of
            return Decimal(t.year - d.year - ((t.month, t.day) < (d.month, d.day)))
        value = getattr(self, name)
        if name in ("registered_capital", "rd_spending") and value is not None:
            return Decimal(value)
        if name == "employees" and value is not None:
            return Decimal(value)
        return value


@dataclass(frozen=True)
class Outcome:
    status: Status
    text: str
    reason: str = ""
    children: tuple[Outcome, ...] = ()
    kind: str = "leaf"  # leaf | all | any | not
    # Over attributes a company cannot work towards (its park, district, cluster).
    fixed: bool = False


# ---------------------------------------------------------------- parsing


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise RuleError(f"{where}：应为数字")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise RuleError(f"{where}：应为数字") from exc
    if not number.is_finite() or abs(number) > Decimal(10) ** 16:
        raise RuleError(f"{where}：数字超出范围")
    return number


def _word(value: Any, where: str, spec: FieldSpec) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 60:
        raise RuleError(f"{where}：应为不超过 60 字的文字")
    if spec.choices and value not in spec.choices:
        raise RuleError(f"{where}：{spec.label}须为 {'、'.join(spec.choices)}")
    return value.strip()


def _leaf(raw: dict[str, Any], where: str) -> Leaf:
    op = raw.get("op")
    if not isinstance(op, str) or op not in OPERATORS:
        raise RuleError(f"{where}：未知运算 {op!r}（可用：{'、'.join(OPERATORS)}）")
    implicit = OPERATORS[op]
    extra = set(raw) - {"op", "field", "value"}
    if extra:
        raise RuleError(f"{where}：多余的键 {'、'.join(sorted(extra))}")
    name = implicit or raw.get("field")
    if implicit and raw.get("field") not in (None, implicit):
        raise RuleError(f"{where}：{op} 只用于 {implicit}")
    if not isinstance(name, str) or name not in FIELDS:
        raise RuleError(f"{where}：未知字段 {name!r}（可用：{'、'.join(FIELDS)}）")
    spec = FIELDS[name]
    if "value" not in raw:
        raise RuleError(f"{where}：缺少 value")
    value = raw["value"]
    if op in COMPARISONS or op.startswith("age_years"):
        if spec.kind not in ("money", "number"):
            raise RuleError(f"{where}：{spec.label}不是数值，不能比较大小")
        number = _decimal(value, where)
        if op.startswith("age_years") and (number < 0 or number != number.to_integral()):
            raise RuleError(f"{where}：年限应为非负整数")
        return Leaf(op, name, number)
    if op in ("has_tag", "in_pool", "has_chain_link"):
        return Leaf(op, name, _word(value, where, spec))
    if spec.kind == "set":
        raise RuleError(f"{where}：{spec.label}请用 has_tag / in_pool / has_chain_link")
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value or len(value) > MAX_LIST:
            raise RuleError(f"{where}：value 应为 1 至 {MAX_LIST} 项的列表")
        if spec.kind != "text":
            raise RuleError(f"{where}：{op} 只用于文字字段")
        return Leaf(op, name, tuple(_word(v, where, spec) for v in value))
    if spec.kind == "text":
        return Leaf(op, name, _word(value, where, spec))
    return Leaf(op, name, _decimal(value, where))


def parse(
    raw: Any, *, _where: str = "条件", _depth: int = 0, _count: list[int] | None = None
) -> Node:
    """Validate a JSON rule into typed nodes, or raise RuleError saying what is wrong."""
    count = _count if _count is not None else [0]
    count[0] += 1
    if count[0] > MAX_NODES:
        raise RuleError(f"条件过多（最多 {MAX_NODES} 个节点）")
    if _depth > MAX_DEPTH:
        raise RuleError(f"条件嵌套过深（最多 {MAX_DEPTH} 层）")
    if not isinstance(raw, dict):
        raise RuleError(f"{_where}：应为对象")
    for key, cls in (("all", All), ("any", AnyOf)):
        if key in raw:
            if len(raw) != 1:
                raise RuleError(f"{_where}：{key} 不能与其他键并列")
            items = raw[key]
            if not isinstance(items, list) or (key == "any" and not items):
                raise RuleError(f"{_where}：{key} 应为非空列表")
            return cls(
                tuple(
                    parse(it, _where=f"{_where}.{key}[{i}]", _depth=_depth + 1, _count=count)
                    for i, it in enumerate(items)
                )
            )
    if "not" in raw:
        if len(raw) != 1:
            raise RuleError(f"{_where}：not 不能与其他键并列")
        return Not(parse(raw["not"], _where=f"{_where}.not", _depth=_depth + 1, _count=count))
    return _leaf(raw, _where)


def _json_value(value: Value) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else str(value)
    return value


def to_json(node: Node) -> dict[str, Any]:
    """The rule as plain JSON (what is stored)."""
    if isinstance(node, All):
        return {"all": [to_json(n) for n in node.items]}
    if isinstance(node, AnyOf):
        return {"any": [to_json(n) for n in node.items]}
    if isinstance(node, Not):
        return {"not": to_json(node.item)}
    out: dict[str, Any] = {"op": node.op, "value": _json_value(node.value)}
    if OPERATORS[node.op] is None:
        out["field"] = node.field
    return out


# ---------------------------------------------------------------- describing


def _show(name: str, value: Any, lang: str = "zh") -> str:
    spec = FIELDS[name]
    en = lang == "en"
    if value is None:
        return "not on record" if en else "未登记"
    if isinstance(value, tuple | frozenset | set):
        items = sorted(value) if not isinstance(value, tuple) else list(value)
        if en:
            return ", ".join(_en(v) for v in items) or "none"
        return "、".join(items) or "无"
    if spec.kind == "money":
        return money(Decimal(value), "en") if en else format_cny(Decimal(value))
    if name == "employees":
        return f"{value} people" if en else f"{value} 人"
    if name == "age_years":
        return f"{value} years" if en else f"{value} 年"
    return _en(str(value)) if en else str(value)


def _en(value: str) -> str:
    from biopark.web.i18n import translate

    return translate(value, "en")


@lru_cache(maxsize=4096)
def describe(node: Node, lang: str = "zh") -> str:
    """The condition in plain Chinese (or English)."""
    if lang == "en":
        return _describe_en(node)
    if isinstance(node, All):
        return "同时满足：" + "；".join(describe(n) for n in node.items) if node.items else "无条件"
    if isinstance(node, AnyOf):
        return "满足其一：" + " 或 ".join(describe(n) for n in node.items)
    if isinstance(node, Not):
        return "不得：" + describe(node.item)
    label = FIELDS[node.field].label
    if node.op == "has_tag":
        return f"具有“{node.value}”标签"
    if node.op == "in_pool":
        return f"已入“{node.value}”培育库"
    if node.op == "has_chain_link":
        return f"位于产业链环节“{node.value}”"
    if node.op == "age_years_gte":
        return f"成立满 {node.value} 年"
    if node.op == "age_years_lte":
        return f"成立不超过 {node.value} 年"
    if node.op in COMPARISONS:
        return f"{label} {COMPARISONS[node.op]} {_show(node.field, node.value)}"
    if node.op == "in":
        return f"{label}属于 {_show(node.field, node.value)}"
    if node.op == "not_in":
        return f"{label}不属于 {_show(node.field, node.value)}"
    if node.op == "ne":
        return f"{label}不为 {_show(node.field, node.value)}"
    return f"{label}为 {_show(node.field, node.value)}"


def _describe_en(node: Node) -> str:
    if isinstance(node, All):
        inner = "; ".join(describe(n, "en") for n in node.items)
        return "All of: " + inner if node.items else "No conditions"
    if isinstance(node, AnyOf):
        return "Any of: " + " or ".join(describe(n, "en") for n in node.items)
    if isinstance(node, Not):
        return "Must not: " + describe(node.item, "en")
    label = FIELDS[node.field].label_en
    value = _show(node.field, node.value, "en")
    if node.op == "has_tag":
        return f"Has the tag “{_en(str(node.value))}”"
    if node.op == "in_pool":
        return f"In the “{_en(str(node.value))}” cultivation pool"
    if node.op == "has_chain_link":
        return f"At the chain link “{node.value}”"
    if node.op == "age_years_gte":
        return f"Founded at least {node.value} years ago"
    if node.op == "age_years_lte":
        return f"Founded at most {node.value} years ago"
    if node.op in COMPARISONS:
        return f"{label} {COMPARISONS[node.op]} {value}"
    words = {"in": "is one of", "not_in": "is none of", "ne": "is not"}
    return f"{label} {words.get(node.op, 'is')} {value}"


def describe_list(conditions: Any, lang: str = "zh") -> list[str]:
    """Stored conditions as sentences, one per top-level condition."""
    try:
        node = parse(conditions)
    except RuleError as exc:
        return [f"Invalid conditions: {exc}" if lang == "en" else f"条件无效：{exc}"]
    if isinstance(node, All):
        return [describe(n, lang) for n in node.items] or [
            "No conditions" if lang == "en" else "无条件"
        ]
    return [describe(node, lang)]


# ---------------------------------------------------------------- evaluating


def _compare(op: str, actual: Any, expected: Value) -> bool:
    if op == "gte":
        return bool(actual >= expected)
    if op == "lte":
        return bool(actual <= expected)
    if op == "gt":
        return bool(actual > expected)
    if op == "lt":
        return bool(actual < expected)
    if op in ("eq", "ne"):
        same = bool(actual == expected)
        return same if op == "eq" else not same
    assert isinstance(expected, tuple)
    inside = str(actual) in expected
    return inside if op == "in" else not inside


def _evaluate_leaf(node: Leaf, facts: Facts) -> Outcome:
    text = describe(node)
    label = FIELDS[node.field].label
    actual = facts.get(node.field)
    # Nobody can become younger, so an upper bound on age is as fixed as the district.
    fixed = node.field in FIXED_FIELDS or (
        node.op in ("age_years_lte", "lt", "lte") and (node.field == "age_years")
    )
    if actual is None:
        return Outcome(Status.unknown, text, f"缺少数据：{label}", fixed=fixed)
    if node.op in ("has_tag", "in_pool", "has_chain_link"):
        ok = node.value in actual
    elif node.op.startswith("age_years"):
        ok = _compare(node.op.removeprefix("age_years_"), actual, node.value)
    else:
        ok = _compare(node.op, actual, node.value)
    if ok:
        return Outcome(Status.passed, text, fixed=fixed)
    return Outcome(Status.failed, text, f"现为：{_show(node.field, actual)}", fixed=fixed)


def evaluate(node: Node, facts: Facts) -> Outcome:
    """Pass, fail or unknown (with the reason) for the enterprise's facts."""
    if isinstance(node, Leaf):
        return _evaluate_leaf(node, facts)
    if isinstance(node, Not):
        inner = evaluate(node.item, facts)
        flipped = {Status.passed: Status.failed, Status.failed: Status.passed}
        return Outcome(
            flipped.get(inner.status, Status.unknown),
            describe(node),
            inner.reason,
            (inner,),
            "not",
            True,  # meeting it means giving something up: not a gap to close
        )
    children = tuple(evaluate(n, facts) for n in node.items)
    statuses = {c.status for c in children}
    decisive, other = (
        (Status.failed, Status.passed) if isinstance(node, All) else (Status.passed, Status.failed)
    )
    if decisive in statuses:
        status = decisive
    elif Status.unknown in statuses:
        status = Status.unknown
    else:
        status = other
    kind = "all" if isinstance(node, All) else "any"
    fixed = bool(children) and all(c.fixed for c in children)
    return Outcome(status, describe(node), "", children, kind, fixed)


# ---------------------------------------------------------------- classifying


class Verdict(enum.StrEnum):
    qualified = "qualified"
    nearly = "nearly"
    unknown = "unknown"
    ineligible = "ineligible"


VERDICT_LABELS = {
    Verdict.qualified: "符合条件",
    Verdict.nearly: "接近符合",
    Verdict.unknown: "无法判断",
    Verdict.ineligible: "不符合",
}


@dataclass(frozen=True)
class Classification:
    verdict: Verdict
    unmet: tuple[str, ...] = ()
    missing_data: tuple[str, ...] = ()
    outcome: Outcome | None = field(default=None, compare=False)


def _unknown_reasons(outcome: Outcome) -> list[str]:
    if not outcome.children:
        return [outcome.reason] if outcome.status == Status.unknown else []
    reasons: list[str] = []
    for child in outcome.children:
        reasons.extend(r for r in _unknown_reasons(child) if r not in reasons)
    return reasons


def classify(outcome: Outcome, *, max_unmet: int = 1) -> Classification:
    """Qualified, nearly, unknown or ineligible.

    Nearly: at most max_unmet top-level conditions unmet, at least one met, and
    none of the unmet ones over an attribute the company cannot change.
    """
    top = outcome.children if outcome.kind == "all" else (outcome,)
    failed = [c for c in top if c.status == Status.failed]
    unmet = tuple(f"{c.text}（{c.reason}）" if c.reason else c.text for c in failed)
    # A met exclusion ("not listed yet") says nothing about being close to qualifying.
    met = sum(1 for c in top if c.status == Status.passed and c.kind != "not")
    missing = tuple(_unknown_reasons(outcome))
    if outcome.status == Status.passed:
        return Classification(Verdict.qualified, outcome=outcome)
    if outcome.status == Status.unknown and not unmet:
        return Classification(Verdict.unknown, (), missing, outcome)
    if 0 < len(unmet) <= max_unmet and met and not any(c.fixed for c in failed):
        return Classification(Verdict.nearly, unmet, missing, outcome)
    return Classification(Verdict.ineligible, unmet, missing, outcome)


# ---------------------------------------------------------------- benefit amounts

AMOUNT_KINDS = ("fixed", "up_to", "rate", "none")


@dataclass(frozen=True)
class AmountRule:
    kind: str
    amount: Decimal | None = None
    base: str | None = None
    rate: Decimal | None = None
    cap: Decimal | None = None


def parse_amount(raw: Any) -> AmountRule:
    """Validate an amount rule: fixed, up_to, rate (of a money field, with a cap) or none."""
    if raw is None:
        return AmountRule("none")
    if not isinstance(raw, dict) or raw.get("kind") not in AMOUNT_KINDS:
        raise RuleError(f"金额规则：kind 须为 {'、'.join(AMOUNT_KINDS)}")
    kind = raw["kind"]
    allowed = {
        "fixed": {"kind", "amount"},
        "up_to": {"kind", "amount"},
        "rate": {"kind", "base", "rate", "cap"},
        "none": {"kind"},
    }[kind]
    extra = set(raw) - allowed
    if extra:
        raise RuleError(f"金额规则：多余的键 {'、'.join(sorted(extra))}")
    if kind in ("fixed", "up_to"):
        amount = _decimal(raw.get("amount"), "金额规则.amount")
        if amount <= 0:
            raise RuleError("金额规则.amount：应为正数")
        return AmountRule(kind, amount=amount)
    if kind == "rate":
        base = raw.get("base")
        if base not in ("rd_spending", "registered_capital"):
            raise RuleError("金额规则.base：须为 rd_spending 或 registered_capital")
        rate = _decimal(raw.get("rate"), "金额规则.rate")
        if not Decimal(0) < rate <= Decimal(1):
            raise RuleError("金额规则.rate：应在 0 与 1 之间")
        cap = _decimal(raw["cap"], "金额规则.cap") if raw.get("cap") is not None else None
        if cap is not None and cap <= 0:
            raise RuleError("金额规则.cap：应为正数")
        return AmountRule(kind, base=base, rate=rate, cap=cap)
    return AmountRule("none")


def amount_to_json(rule: AmountRule) -> dict[str, Any] | None:
    """The amount rule as stored JSON."""
    if rule.kind == "none":
        return None
    if rule.kind == "rate":
        out: dict[str, Any] = {"kind": "rate", "base": rule.base, "rate": str(rule.rate)}
        if rule.cap is not None:
            out["cap"] = str(rule.cap)
        return out
    return {"kind": rule.kind, "amount": str(rule.amount)}


def describe_amount(rule: AmountRule, lang: str = "zh") -> str:
    """The amount rule in plain Chinese (or English)."""
    en = lang == "en"

    def cny(value: Decimal | None) -> str:
        return money(value or Decimal(0), "en") if en else format_cny(value or Decimal(0))

    if rule.kind == "fixed":
        return cny(rule.amount)
    if rule.kind == "up_to":
        return f"Up to {cny(rule.amount)}" if en else f"最高 {cny(rule.amount)}"
    if rule.kind == "rate":
        pct = (rule.rate or Decimal(0)) * 100
        spec = FIELDS[rule.base or "rd_spending"]
        if en:
            text = f"{pct.normalize():f}% of {spec.label_en}"
            return text + (f", at most {cny(rule.cap)}" if rule.cap is not None else "")
        text = f"按{spec.label}的 {pct.normalize():f}%"
        return text + (f"，最高 {cny(rule.cap)}" if rule.cap is not None else "")
    return "See the policy text" if en else "见政策原文"


@dataclass(frozen=True)
class Estimate:
    amount: Decimal | None
    text: str


def estimate(rule: AmountRule, facts: Facts) -> Estimate:
    """The benefit the enterprise could expect, or why it cannot be computed."""
    if rule.kind == "fixed":
        return Estimate(rule.amount, format_cny(rule.amount or Decimal(0)))
    if rule.kind == "up_to":
        return Estimate(None, describe_amount(rule))
    if rule.kind == "rate":
        base = facts.get(rule.base or "")
        if base is None:
            return Estimate(None, f"无法估算：缺少{FIELDS[rule.base or 'rd_spending'].label}")
        value = (base * (rule.rate or Decimal(0))).quantize(Decimal("0.01"))
        if rule.cap is not None:
            value = min(value, rule.cap)
        return Estimate(value, f"约 {format_cny(value)}")
    return Estimate(None, "见政策原文")
