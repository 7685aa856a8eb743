"""Metrics: each quantity with its label, period, forecast flag, subject and sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

import rjieba

from biopark.intel.numbers import normalize
from biopark.intel.periods import nearest_period, periods_in
from biopark.intel.quantities import Quantity, chinese_in, english_in, find_english_counts
from biopark.intel.sentences import sentence_list
from biopark.intel.types import Metric

_CLAUSE = re.compile(r"[，,。；;：:！？!?、（()）\n]")
_QUOTES = re.compile(r"[“”\"‘’「」『』《》]")
# Words that frame a figure but are not the thing measured.
_TRAIL = re.compile(
    r"(?:累计|共计|合计|总计|共|达到|达|约为|约|为|最高不超过|不超过|不低于|不少于|最高可达|最高达|最高为|最多可达|总计达|"
    r"超过|超|逾|近|有|就有|已有|已|将|有望|实现了?|完成了?|是|的|增至|增加到|"
    r"高达|仅|占|至|到|突破|不到|不足|将近|接近|大约|每年|年均|分别|各|再|新增了?|预计|合|计|可达|可|最高|最多|最低)$"
)
_LEAD = re.compile(
    r"^(?:其中|同时|此外|目前|截至目前|截至\S{0,8}|今年以来|近年来|另外|并且|并|且|和|及|与|而|也|还|则|"
    r"预计|力争|计划|目标|有望|已经|已|累计|共|可|将|实现|全年|今年|去年|上半年|下半年|前三季度|"
    r"(?:19|20)\d{2}年(?:\d{1,2}[-—–~至到]\d{1,2}月|\d{1,2}月)?|\d{1,2}[-—–~至到]\d{1,2}月|"
    r"[一二三四1-4]季度|\d{1,2}月份?)"
)
_AFTER_STOP = re.compile(
    r"\d|将|已|于|正|在|是|为|把|被|由|从|向|以|均|都|也|还|并|共|进入|实现|达到|落户|入驻|参加|参与|加快|完成|覆盖|成功|形成|用于|获得"
)
_AFTER_BAD = re.compile(r"将|已|于|正|在|是|为|被|由|从|向|以|均|都|也|还|并|共|等")
# Adverbs after which the thing measured starts ("工信部和市经信委共安排资金").
_ADVERB = re.compile(r"(?:累计|共计|合计|总计|共(?=[安投实完签引吸培新储])|均)(?=..)")
_MONEY_NOUNS = re.compile(
    r"(?:贷款|专项资金|资金|(?:新一?轮|战略|天使轮|Pre-?[A-F]\+*轮|[A-F]\+*轮)?融资|投资|基金|授信|奖励|补贴|补助|资助|订单|"
    r"营业收入|收入|营收|首付款|预付款|近期付款|里程碑付款|里程碑款|或有付款|(?<![首预款碑有])付款|特许权使用费|销售额|净利润|利润|研发投入|研发费用|"
    r"交易总额|交易总金额|总金额|合同|估值|募资|募集资金)"
)
# Registered-name endings: the label starts after them ("某某股份有限公司完成融资" -> "完成融资").
_ORG_END = re.compile(r".*(?:有限公司|有限责任公司|股份公司|集团|公司)")
_FORECAST = re.compile(
    r"预计|力争|目标|计划|拟|有望|预期|争取|将于|将达|将实现|将超|将突破|将新增|将建成|将形成|到(?:19|20)\d{2}年|"
    r"\b(?:expect|expects|expected|plans? to|will|target|aims? to|forecast|projected|estimated)\b",
    re.I,
)
_EN_TAIL = re.compile(
    r"\s*\b(?:of|at|to|for|by|was|is|were|are|reached|reaching|totaling|totalling|total|worth|valued|"
    r"up|about|approximately|more than|over|nearly|some|around|roughly|than|less|almost|an|a|the|and|eligible|receive|receives|"
    r"grew|rose|increased|fell|declined|by|with|in|raised|raise|raises|secured|exceeded|exceeding|topped|"
    r"surpassed|hit|amounted|stood|totaled|totalled|generated|recorded|reported|at least|at most|"
    r"comprise|comprises|will|would)\s*$",
    re.I,
)
_EN_STOP = frozenset(
    ["a", "an", "the", "and", "its", "their", "his", "her", "our", "will", "would", "to", "of",
     "for", "in", "on", "at", "by", "is", "was", "with", "which", "that", "this", "receive",
     "receives", "received", "get", "gets", "pay", "pays", "paid", "make", "makes", "made"]
)  # fmt: skip
_EN_AFTER = re.compile(
    r"^\s*(?:in|for|of)?\s*([a-z][a-z\- ]{2,30}?)(?=[,.;]|\s+(?:and|to|from|with|for|in|on|at)\b)",
    re.I,
)
_DIGITS = re.compile(r"[\d.,]+[个家项款条名位支所座栋批件种类亿万千百元%％]*")
_MAX_LABEL = 14


def _strip(label: str) -> str:
    prev = None
    while prev != label:
        prev = label
        label = _LEAD.sub("", label).strip()
        label = _TRAIL.sub("", label).strip()
    return label


def _before(text: str, lo: int, q_start: int, subjects: Iterable[str]) -> str:
    seg = text[lo:q_start]
    parts = _CLAUSE.split(seg)
    label = _strip(_QUOTES.sub("", parts[-1]))
    org = _ORG_END.match(label)
    if org and len(label) - org.end() >= 2:
        label = _strip(label[org.end() :])
    for name in subjects:
        if label.startswith(name) and len(label) > len(name) + 1:
            label = _strip(label[len(name) :])
    if len(label) < 2 and len(parts) >= 2:
        # "项目23个、共1.5亿元": the thing measured sits in the previous clause.
        label = _strip(_DIGITS.sub("", _QUOTES.sub("", parts[-2])))
    cut = list(_ADVERB.finditer(label))
    if cut:
        label = _strip(label[cut[-1].end() :])
    return _shorten(label)


def _shorten(label: str) -> str:
    """Keep the words nearest the figure, cut at a word boundary."""
    if len(label) <= _MAX_LABEL:
        return label
    words = rjieba.cut(label)
    while words and sum(len(w) for w in words) > _MAX_LABEL:
        words.pop(0)
    return "".join(words) or label[-_MAX_LABEL:]


def _after(text: str, q_end: int, hi: int, money: bool = True) -> str:
    seg = _QUOTES.sub("", text[q_end:hi])
    # "9.8亿美元的开发、注册和销售里程碑付款": the head noun closes the phrase.
    head = re.match(r"的?([^，,。；;：:（(]{0,16})(" + _MONEY_NOUNS.pattern + r")", seg)
    if money and head and not _AFTER_BAD.search(head.group(1)):
        return head.group(2)
    # "10%在本地公开发售": where the share goes is what it measures.
    place = re.match(r"(?:在|于)([^，,。；;：:（(]{2,14})", seg)
    if place and not money:
        return place.group(0)
    seg = seg[1:] if seg.startswith("的") else seg
    seg = _CLAUSE.split(seg, maxsplit=1)[0]
    stop = _AFTER_STOP.search(seg)
    if stop and stop.start() >= 2:
        seg = seg[: stop.start()]
    if not re.match(r"[\u4e00-\u9fff]|\d+类[\u4e00-\u9fff]", seg) or _AFTER_BAD.match(seg):
        return ""
    return seg[:10]


def _label(text: str, q: Quantity, lo: int, hi: int, subjects: list[str], english: bool) -> str:
    if english or (
        q.unit in ("USD", "EUR", "HKD")
        and not re.search(r"[\u4e00-\u9fff]", text[q.end : q.end + 1])
    ):
        before_en, after_en = text[max(lo, q.start - 80) : q.start], text[q.end : hi]
        # "1.28 billion yuan ($181 million) in its IPO": the conversion is not the label.
        after_en = _CONVERSION.sub(" ", after_en, count=1)
        if q.unit == "count":
            m = re.match(r"\s*((?:[A-Za-z\-]+\s+){0,2}[A-Za-z\-]+)", after_en)
            words = m.group(1).split() if m else []
            while words and words[-1].lower() in _EN_STOP:
                words.pop()
            return " ".join(words)
        label = _english_noun(before_en, after_en)
        if label or english:
            return label or _english_label(before_en) or _english_after(after_en)
    before = _before(text, lo, q.start, subjects)
    after = _after(text, q.end, hi, money=q.unit in ("CNY", "USD", "EUR", "HKD"))
    if q.unit == "count" or after.startswith(("在", "于")):
        return after or before
    if q.unit in ("m2", "km2", "mu"):
        return after or before
    if after and _MONEY_NOUNS.fullmatch(after) and q.unit in ("CNY", "USD", "EUR", "HKD"):
        return after
    return before or after


def _english_label(before: str) -> str:
    parts = re.split(
        r"[,;:()]|[$€¥]?\d[\d.,]*\s*(?:million|billion|trillion|bn|mn|%|percent)?", before
    )
    seg = parts[-1]
    growth = _EN_GROWTH.search(seg)
    if growth and len(parts) > 1:
        # "output value reached 52.6 billion yuan, up 14 percent": the change of that value.
        subject = _EN_SUBJECT.match(before.strip())
        if subject:
            return f"{_drop_lead(subject.group(1).split())} {growth.group(1).lower()}"
        # "approved 48 innovative drugs in 2024, up 20 percent": the thing counted just before.
        counted = [w for w in parts[-2].split() if w.isalpha()]
        while counted and counted[-1].lower() in _EN_STOP:
            counted.pop()
        return " ".join([*counted[-3:], growth.group(1).lower()])
    prev = None
    while prev != seg:
        prev = seg
        seg = _EN_TAIL.sub("", seg).rstrip()
    words = seg.split()[-6:]
    # "while exports of vaccines and biologics" -> "exports of vaccines and biologics".
    cut = 0
    for i, w in enumerate(words):
        low = w.lower()
        if (low in _EN_STOP and low not in _EN_LINKS) or low in _EN_CLAUSE or _EN_PAST.search(w):
            cut = i + 1
    return " ".join(words[cut:])


_EN_HEAD = (
    r"(?:park|project|facility|plant|base|campus|cent(?:er|re)|hub|fund|"
    r"initial public offering|public offering|financing|round|(?:upfront |milestone |license |licensing )?payments?|milestones?|proceeds|revenues?|"
    r"sales|investment|funding|loans?|grants?|fees?|deal value|transaction value|deal|offering|IPO|placement|"
    r"royalt(?:y|ies)|valuation|net income|income|profit|net loss|loss|capital|commitment|per share|"
    r"contract|order|subsidy|subsidies|budget|expenses?|spending|turnover|output|exports?|imports?)"
)
_EN_NEXT = re.compile(
    rf"^\s*(?:more\s+|additional\s+)?(?:in\s+)?((?:[A-Za-z0-9+\-]+\s+){{0,3}}{_EN_HEAD})\b", re.I
)
_EN_OF = re.compile(
    r"((?:[A-Za-z\-]+\s+){0,3}[A-Za-z\-]+)\s+(?:of|at|totaling|totalling|worth)\s+"
    r"(?:(?:up to|about|approximately|nearly|more than|over|around|roughly|some|an estimated|a record|a total of)\s*){0,2}$",
    re.I,
)
_EN_IN = re.compile(rf"^\s*in\s+[^.;]{{0,80}}?((?:[A-Za-z\-]+\s+)?{_EN_HEAD})\b", re.I)
_EN_GROWTH = re.compile(
    r"^\s*(up|down|rose|grew|increased|jumped|fell|declined|dropped)(?:\s+by)?\s*$", re.I
)
_EN_SUBJECT = re.compile(
    r"^((?:[\w'\-]+\s+){0,5}?[\w'\-]+)\s+(?:reached|rose|grew|was|were|stood|totaled|totalled|hit|generated|"
    r"recorded|reported|increased|jumped|fell|declined)\b",
    re.I,
)
_EN_INVEST = re.compile(
    r"\binvest(?:s|ed|ing)?\s+(?:(?:up to|about|approximately|nearly|more than|over|around|some)\s+)*$",
    re.I,
)
_CONVERSION = re.compile(r"^\s*\)?\s*(?:\([^()]{1,40}\))?")
_EN_LINKS = frozenset(["of", "in", "and", "for"])
_EN_CLAUSE = frozenset(
    ["while", "whereas", "as", "when", "after", "before", "said", "says", "whose", "which"]
)
_EN_PAST = re.compile(r"ed$|^(?:is|are|was|were|be|been|has|have|had)$", re.I)
_EN_VERBISH = re.compile(r"(?:ed|ing)$|^(?:is|are|was|were|be|been|has|have|had)$", re.I)


def _english_noun(before: str, after: str) -> str:
    """The noun phrase naming an amount: "$120 million Series C financing", "revenue of $32.5 million"."""
    # "will invest about $350 million in a new centre": the money is an investment.
    if _EN_INVEST.search(before):
        return "investment"
    m = _EN_NEXT.match(after)
    if m:
        return _drop_lead(m.group(1).split())
    m = _EN_OF.search(before)
    if m:
        label = _drop_lead(m.group(1).split())
        if label:
            return label
    m = _EN_IN.match(after)
    return _drop_lead(m.group(1).split()) if m else ""


def _drop_lead(words: list[str]) -> str:
    """Keep the words after the last verb or function word ("Corvana reported revenue" -> "revenue")."""
    cut = 0
    for i, w in enumerate(words[:-1]):
        if w.lower() in _EN_STOP or _EN_VERBISH.search(w):
            cut = i + 1
    return " ".join(words[cut:])


def _english_after(after: str) -> str:
    of = re.match(r"\s*of\s+((?:[A-Za-z][A-Za-z\-]*\s*){1,3})", after)
    if of:
        # "66.2% of patients achieving ...": the people or things counted.
        words = []
        for w in of.group(1).split():
            if _EN_VERBISH.search(w) or w.lower() in _EN_STOP:
                break
            words.append(w)
        if words:
            return " ".join(words)
    m = _EN_AFTER.match(after)
    return m.group(1).strip() if m else ""


def _subject(prefix: str, subjects: list[str]) -> str | None:
    best: tuple[int, str] | None = None
    for name in subjects:
        at = prefix.rfind(name)
        if at >= 0 and (best is None or at > best[0]):
            best = (at, name)
    return best[1] if best else None


_HAN = re.compile(r"[\u4e00-\u9fff]")
# Every match holds "$" or "RMB": find_metrics checks those with `in` first, which is cheaper.
_FOREIGN = re.compile(r"US\$|\$\s?\d|RMB\s?\d")


def find_metrics(*, text: str, pub_year: int | None, subjects: Iterable[str] = ()) -> list[Metric]:
    """Read every figure in the cleaned text into Metric records, in text order."""
    names = sorted(set(subjects), key=len, reverse=True)
    out: list[Metric] = []
    for lo, hi in sentence_list(text):
        sentence = text[lo:hi]
        english = not _HAN.search(sentence)
        found = list(english_in(sentence) if english else chinese_in(sentence))
        if english:
            found += find_english_counts(text=sentence)
        if not english and ("$" in sentence or "RMB" in sentence) and _FOREIGN.search(sentence):
            found += english_in(sentence)
        periods = periods_in(text=sentence, pub_year=pub_year) if found else []
        prev: Metric | None = None
        prev_end = lo
        for q in sorted(found, key=lambda x: x.start):
            shifted = Quantity(q.value, q.unit, q.qualifier, q.start + lo, q.end + lo, q.range_part)
            prefix = text[lo : shifted.start]
            label = _label(text, shifted, lo, hi, names, english)
            if prev is not None and prev.unit == q.unit and prev.label:
                # "subsidies of 30 million, 15 million and 5 million yuan": one label for the list.
                gap = text[prev_end : shifted.start]
                if _LIST_GAP.fullmatch(gap) or _COMPARED.match(label):
                    label = prev.label
            out.append(
                Metric(
                    label=label,
                    value=normalize(q.value),
                    unit=q.unit,
                    qualifier=q.qualifier,
                    period=nearest_period(periods, q.start),
                    forecast=bool(_FORECAST.search(prefix)),
                    subject=_subject(prefix, names),
                    quote=sentence,
                    start=lo,
                    end=hi,
                )
            )
            prev, prev_end = out[-1], shifted.end
    return out


# "相比2024年的1531件": the figure compared with is the same thing measured.
_COMPARED = re.compile(r"^(?:相比|相较|较|比|同比|对比)")
_LIST_GAP = re.compile(r"\s*(?:yuan|dollars)?\s*(?:,|、|and|, and|or|和|及)\s*(?:up to\s*)?", re.I)


def metric_value(metric: Metric) -> Decimal:
    """The metric's value (kept for callers that sort or sum metrics)."""
    return metric.value
