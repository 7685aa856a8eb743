"""Brief synthesis (pure): one point per fact across reposts and languages, written from the facts.

A fact is an extracted event or figure with every document that carries it.
Two facts are one when they say the same thing: the same event type and the
same amount, or the same subject on close dates; the same figure (value, unit,
period); or an event and the figure of its amount in one story. A point is
written from the fact's fields in the brief's language ("X 与 Y 达成授权，首付款
3,000万美元"), so an English source reaches a Chinese brief and the other way round.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from biopark.intel.types import Amount, DealTerms
from biopark.web import numbers

_MODALITY = re.compile(r"\bADC\b|双抗|双特异性抗体|\bbispecific\b|CAR-T|siRNA|mRNA|GLP-1", re.I)
_CODE = re.compile(r"\b[A-Z]{1,5}-?\d{2,6}\b")
_CNY_PER = {"CNY": Decimal(1), "USD": Decimal("7.1"), "EUR": Decimal("7.7"), "HKD": Decimal("0.91")}
WEIGHTS = {
    "marketing_approval": 10.0,
    "licensing_deal": 9.0,
    "acquisition": 9.0,
    "ipo": 8.0,
    "financing": 7.0,
    "clinical_approval": 7.0,
    "marketing_application": 6.0,
    "project_signing": 6.0,
    "cooperation": 4.0,
    "facility_milestone": 3.0,
    "award": 3.0,
}
METRIC_WEIGHT = 4.0
# Event types whose point is always written from its fields (names, amounts).
TEMPLATED = {
    "licensing_deal",
    "acquisition",
    "financing",
    "ipo",
    "clinical_approval",
    "marketing_application",
    "marketing_approval",
}
_ZH_VERB = {
    "acquisition": "{a} 收购 {b}",
    "financing": "{a} 完成融资",
    "ipo": "{a} 上市",
    "clinical_approval": "{a} 获批开展临床试验",
    "marketing_application": "{a} 递交上市申请",
    "marketing_approval": "{a} 获批上市",
    "project_signing": "{a} 签约项目",
    "cooperation": "{a} 达成合作",
    "facility_milestone": "{a} 项目取得进展",
    "award": "{a} 获得奖项",
}
_EN_VERB = {
    "acquisition": "{a} acquires {b}",
    "financing": "{a} closes a financing round",
    "ipo": "{a} lists its shares",
    "clinical_approval": "{a} is cleared to start clinical trials",
    "marketing_application": "{a} files for marketing approval",
    "marketing_approval": "{a} wins marketing approval",
    "project_signing": "{a} signs a project",
    "cooperation": "{a} agree to cooperate",
    "facility_milestone": "{a} reaches a project milestone",
    "award": "{a} receives an award",
}
# Figure labels in the other language (unknown labels are kept as written).
LABELS_EN = {
    "协议投资额": "agreed investment",
    "到位资金": "funds in place",
    "签约入库项目": "signed projects",
    "营收": "revenue",
    "营业收入": "revenue",
    "产业规模": "industry output",
    "在研创新药": "innovative drugs in development",
    "同比增长": "year-on-year growth",
    "首付款": "upfront payment",
    "融资": "financing",
    "签约项目": "signed projects",
    "在研管线": "pipeline candidates",
    "总投资": "total investment",
    "拟投资": "planned investment",
    "项目占地": "site area",
    "创新药": "innovative drugs",
    "具体措施": "measures",
    "奖励": "awards",
    "临床阶段": "drugs in clinical stages",
}
LABELS_ZH = {v: k for k, v in LABELS_EN.items()} | {"upfront": "首付款", "total": "总额"}


def _translated(label: str, table: dict[str, str]) -> str:
    """The label in the other language: an exact entry, else the longest entry it contains."""
    if label in table:
        return table[label]
    for key in sorted(table, key=len, reverse=True):
        if key in label:
            rest = label.replace(key, "").strip()
            return f"{rest} {table[key]}".strip() if rest and rest.isascii() else table[key]
    return label


@dataclass
class Fact:
    """One extracted event or figure of one story, with the documents that carry it."""

    kind: str  # "event" | "metric"
    type: str | None
    theme: str
    quote: str
    language: str
    when: date | None
    document_ids: list[int]
    subjects: tuple[str, ...] = ()
    amount: Amount | None = None
    terms: DealTerms | None = None
    label: str | None = None
    value: Decimal | None = None
    unit: str | None = None
    period: str | None = None
    qualifier: str = "exact"
    subject: str | None = None


@dataclass
class Group:
    """Facts that are one fact: their documents are the point's citations."""

    facts: list[Fact] = field(default_factory=list)

    @property
    def document_ids(self) -> list[int]:
        seen: list[int] = []
        for f in self.facts:
            seen += [d for d in f.document_ids if d not in seen]
        return seen

    def best(self, lang: str) -> Fact:
        """The fact that speaks for the group: an event, in the brief's language, with terms."""
        return max(
            self.facts,
            key=lambda f: (
                f.kind == "event",
                bool(f.terms and f.terms.licensor) + bool(f.terms and f.terms.licensee),
                bool(f.terms and (f.terms.upfront or f.terms.total)),
                f.language == lang,
                len(f.subjects),
                -min(f.document_ids),
            ),
        )


def _money_of(f: Fact) -> tuple[Decimal, str] | None:
    if f.kind == "event" and f.amount is not None:
        return f.amount.value.normalize(), f.amount.unit
    if f.kind == "metric" and f.value is not None and f.unit in _CNY_PER:
        return f.value.normalize(), f.unit or ""
    return None


def _moneys(f: Fact) -> set[tuple[Decimal, str]]:
    """Every amount an event names: its amount and its deal terms."""
    found = {m for m in [_money_of(f)] if m}
    if f.terms:
        for a in (f.terms.upfront, f.terms.total, f.terms.milestones):
            if a is not None:
                found.add((a.value.normalize(), a.unit))
    return found


def _close(a: date | None, b: date | None, days: int = 45) -> bool:
    return a is None or b is None or abs((a - b).days) <= days


def _codes(f: Fact) -> set[str]:
    return set(_CODE.findall(f.quote)) | {s for s in f.subjects if _CODE.fullmatch(s)}


def same_fact(a: Fact, b: Fact, aliases: Callable[[str], str] = lambda s: s) -> bool:
    """Whether two facts say the same thing (see the module note)."""
    if a.quote == b.quote and set(a.document_ids) & set(b.document_ids):
        return True  # one sentence is one statement, however many figures it holds
    if a.kind == "event" and b.kind == "event":
        if a.type != b.type or not _close(a.when, b.when):
            return False
        money_a, money_b = _moneys(a), _moneys(b)
        if money_a and money_b:
            return bool(money_a & money_b)
        names_a = {aliases(s).lower() for s in a.subjects}
        names_b = {aliases(s).lower() for s in b.subjects}
        return bool(names_a & names_b) or bool(_codes(a) & _codes(b))
    if a.kind == "metric" and b.kind == "metric":
        if (a.value, a.unit) != (b.value, b.unit) or a.value is None:
            return False
        if a.period and b.period and a.period != b.period:
            return False
        return a.label == b.label or a.language != b.language or a.subject == b.subject
    event, metric = (a, b) if a.kind == "event" else (b, a)
    return (
        bool(set(event.document_ids) & set(metric.document_ids))
        and _money_of(event) is not None
        and _money_of(event) == _money_of(metric)
    )


def group_facts(facts: Sequence[Fact], aliases: Callable[[str], str] = lambda s: s) -> list[Group]:
    """Facts merged into one group per fact (reposts, translations, event and its figure)."""
    parent = list(range(len(facts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(facts)):
        for j in range(i + 1, len(facts)):
            if root(i) != root(j) and same_fact(facts[i], facts[j], aliases):
                parent[root(j)] = root(i)
    groups: dict[int, Group] = {}
    for i, f in enumerate(facts):
        groups.setdefault(root(i), Group()).facts.append(f)
    return list(groups.values())


def importance(group: Group) -> float:
    """A point's rank: what happened, how much money, how many outlets carried it."""
    best = max(group.facts, key=lambda f: f.kind == "event")
    score = WEIGHTS.get(best.type or "", 3.0) if best.kind == "event" else METRIC_WEIGHT
    amounts = [m for m in (_money_of(f) for f in group.facts) if m]
    if amounts:
        yuan = max(v * _CNY_PER.get(u, Decimal(1)) for v, u in amounts)
        if yuan > 0:
            score += max(0.0, min(5.0, math.log10(float(yuan)) - 6)) * 0.6
    if any(f.terms for f in group.facts):
        score += 0.5
    return score + 0.5 * (len(group.document_ids) - 1)


def _money(amount: Amount | None, lang: str) -> str | None:
    if amount is None:
        return None
    return numbers.money(amount.value, lang, amount.unit)


def _join(names: Sequence[str], lang: str) -> str:
    names = [n for n in names if n]
    return ("、" if lang == "zh" else ", ").join(names[:3])


def event_text(f: Fact, lang: str, name: Callable[[str], str] = lambda s: s) -> str | None:
    """The event written from its fields in the language, or None when it names nobody."""
    t = f.terms
    zh = lang == "zh"
    if f.type == "licensing_deal" and t and (t.licensor or t.licensee):
        a, b = name(t.licensor or "—"), name(t.licensee or "—")
        m = _MODALITY.search(f.quote)
        kind = f"{m.group(0)} " if m else ""
        parts = [
            f"{a} 与 {b} 达成{' ' + kind if kind else ''}授权"
            if zh
            else f"{a} licenses {kind}rights to {b}"
        ]
        if t.territory:
            parts.append(f"区域：{t.territory}" if zh else f"territory: {t.territory}")
        if t.upfront:
            parts.append(
                f"首付款{_money(t.upfront, lang)}" if zh else f"upfront {_money(t.upfront, lang)}"
            )
        if t.total:
            parts.append(
                f"总额最高{_money(t.total, lang)}"
                if zh
                else f"up to {_money(t.total, lang)} in total"
            )
        return ("，" if zh else ", ").join(parts)
    subjects = [name(s) for s in f.subjects if s]
    if not subjects:
        return None
    if f.type == "licensing_deal":
        text = (
            f"{_join(subjects, lang)} 达成授权合作"
            if zh
            else f"{_join(subjects, lang)} agree a licensing deal"
        )
    else:
        pattern = (_ZH_VERB if zh else _EN_VERB).get(f.type or "")
        if pattern is None:
            return None
        b = subjects[1] if len(subjects) > 1 else "—"
        text = pattern.format(a=subjects[0] if "{b}" in pattern else _join(subjects, lang), b=b)
    amount = _money(f.amount, lang)
    if amount:
        text += f"，金额{amount}" if zh else f", {amount}"
    return text


def metric_text(f: Fact, lang: str, name: Callable[[str], str] = lambda s: s) -> str:
    """A figure written from its fields: subject, label, value and period."""
    value = numbers.metric(f.value, f.unit, lang)
    label = f.label or ""
    if lang == "en":
        label = _translated(label, LABELS_EN)
        qual = {"over": "over ", "under": "under ", "approx": "about "}.get(f.qualifier, "")
        who = f"{name(f.subject)}: " if f.subject else ""
        period = f" ({f.period})" if f.period else ""
        return f"{who}{label} {qual}{value}{period}"
    label = (
        _translated(label.lower(), LABELS_ZH) if not re.search(r"[\u4e00-\u9fff]", label) else label
    )
    qual = {"over": "超过", "under": "不足", "approx": "约"}.get(f.qualifier, "")
    who = name(f.subject) if f.subject and f.subject not in label else ""
    period = f"（{f.period}）" if f.period else ""
    return f"{who}{label}{qual}{value}{period}"


def point_text(group: Group, lang: str, name: Callable[[str], str] = lambda s: s) -> str:
    """The deterministic text of a point in the brief's language."""
    best = group.best(lang)
    same_language = [f for f in group.facts if f.language == lang]
    if best.kind == "event" and (best.type in TEMPLATED or not same_language):
        text = event_text(best, lang, name)
        if text:
            return text
    if same_language:
        quote = max(same_language, key=lambda f: f.kind == "event").quote
        return quote.strip().rstrip("。；; ")
    metrics = [f for f in group.facts if f.kind == "metric"]
    if metrics:
        texts: list[str] = []
        for m in metrics:
            text = metric_text(m, lang, name)
            if text not in texts:
                texts.append(text)
        return ("；" if lang == "zh" else "; ").join(texts[:4])
    return best.quote.strip()


_COUNT_WORDS = (
    ("licensing_deal", "授权交易{n}起", "{n} licensing deal(s)"),
    ("acquisition", "并购{n}起", "{n} acquisition(s)"),
    ("financing", "融资{n}起", "{n} financing round(s)"),
    ("marketing_approval", "获批上市{n}项", "{n} marketing approval(s)"),
    ("clinical_approval", "获批临床{n}项", "{n} clinical trial clearance(s)"),
)


def _yuan(group: Group) -> Decimal:
    amounts = [m for m in (_money_of(f) for f in group.facts) if m]
    return max((v * _CNY_PER.get(u, Decimal(1)) for v, u in amounts), default=Decimal(0))


def lead_text(
    points: Sequence[tuple[Group, str, list[int]]],
    *,
    lang: str,
    sources: int,
    date_from: date | None,
    date_to: date | None,
) -> str:
    """The lead paragraph: the window, how much was read, what happened, the key figures."""
    zh = lang == "zh"
    if not points:
        return ""
    a = date_from.isoformat() if date_from else "…"
    b = date_to.isoformat() if date_to else "…"
    if zh:
        text = f"{a}至{b}，{sources}篇报道汇成{len(points)}条要点（转载与译文已合并）。"
    else:
        text = (
            f"From {a} to {b}, {sources} reports make {len(points)} points "
            "(reposts and translations merged)."
        )
    types = [g.best(lang).type for g, _, _ in points if g.best(lang).kind == "event"]
    counts = [
        (zh_word if zh else en_word).format(n=types.count(t))
        for t, zh_word, en_word in _COUNT_WORDS
        if types.count(t)
    ]
    if counts:
        text += (
            ("其中" + "、".join(counts) + "。")
            if zh
            else (" They include " + ", ".join(counts) + ".")
        )
    money = sorted((p for p in points if _yuan(p[0]) > 0), key=lambda p: -_yuan(p[0]))[:2]
    if money:
        cited = ["".join(f"[{n}]" for n in cites) for _, _, cites in money]
        items = [f"{txt}{c}" for (_, txt, _), c in zip(money, cited, strict=True)]
        text += (
            ("关键数字：" + "；".join(items) + "。")
            if zh
            else (" Key figures: " + "; ".join(items) + ".")
        )
    return text
