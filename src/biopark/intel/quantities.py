"""Find quantities (money, percent, area, counts) with their qualifiers in text.

Our own regexes: no installed library reads "38.33亿元", "超1000亿元" or
"US$1.2 billion" with the qualifier words Chinese reports put around them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from biopark.intel.numbers import ARABIC, CN_NUMERAL, RANGE_SEP, parse_english, parse_number
from biopark.intel.prefilter import Prefiltered

_NUM = rf"(?:{ARABIC}|{CN_NUMERAL})"
_MONEY_UNITS = {
    "亿美元": ("USD", 10**8), "万美元": ("USD", 10**4), "美元": ("USD", 1), "美金": ("USD", 1),
    "亿元人民币": ("CNY", 10**8), "万元人民币": ("CNY", 10**4), "元人民币": ("CNY", 1),
    "亿人民币": ("CNY", 10**8), "万人民币": ("CNY", 10**4), "人民币": ("CNY", 1),
    "亿元": ("CNY", 10**8), "万元": ("CNY", 10**4), "千元": ("CNY", 10**3), "元": ("CNY", 1),
    "亿欧元": ("EUR", 10**8), "万欧元": ("EUR", 10**4), "欧元": ("EUR", 1),
    "亿港元": ("HKD", 10**8), "万港元": ("HKD", 10**4), "港元": ("HKD", 1), "港币": ("HKD", 1),
    "平方公里": ("km2", 1), "平方千米": ("km2", 1), "万平方米": ("m2", 10**4),
    "平方米": ("m2", 1), "平米": ("m2", 1), "㎡": ("m2", 1), "万亩": ("mu", 10**4), "亩": ("mu", 1),
    "公顷": ("m2", 10**4), "个百分点": ("percent", 1), "%": ("percent", 1), "％": ("percent", 1),
}  # fmt: skip
# 股 (shares) and 起 (deals, cases) count too, but not in 股份/股东 or 起步/起草.
_COUNT = (
    "个|家|项|款|条|名|位|支|所|座|栋|批|件|种|只|台|套|张|份|篇|部|场|次|人次|人|户|例|株|床|辆|吨|笔|"
    "股(?!份|东|权|票|本|比|息|价)|起(?!步|草|点|来|飞|始|航|诉|见|到)"
)
_UNIT_RE = "|".join(sorted((re.escape(u) for u in _MONEY_UNITS), key=len, reverse=True))
_PRE_Q = r"(?P<preq>最高|最多|超过|超|逾|突破|不到|不足|不超过|低于|少于|最多|将近|接近|近|约|大约|高达|达到|达|共计|合计|累计|总计)?"
_CN_QUANT = re.compile(
    rf"(?<![A-Za-z0-9.第])(?P<num>{_NUM})(?:{RANGE_SEP}(?P<num2>{_NUM}))?"
    rf"(?P<scale>[十百千万亿]*)(?P<postq>余|多)?\s*"
    rf"(?:(?P<unit>{_UNIT_RE})|(?P<count>{_COUNT})(?!月|日|年|号|时|分|秒|小时|岁|期|周|星)|(?=[，。；、\s]))"
    rf"(?P<tail>以上|左右|以下|以内|上下|许)?"
)
_PERCENT_CN = re.compile(r"百分之(?P<num>[零〇一二两三四五六七八九十百点\d.]+)")
_EN_MONEY = re.compile(
    rf"(?P<cur>US\$|USD|RMB|CNY|HK\$|EUR|€|¥|\$)\s?(?P<num>{ARABIC})\s?"
    r"(?P<scale>trillion|billion|million|thousand|bn|mn|mln|tn|k|m|b)?\b(?:\s*(?:yuan|dollars))?"
    rf"|(?P<num2>{ARABIC})\s?(?P<scale2>trillion|billion|million|thousand|bn|mn|mln)?\s?"
    r"(?P<cur2>yuan|renminbi|RMB|U\.?S\.? dollars|dollars|euros|USD|CNY)\b",
    re.I,
)
_EN_OTHER = re.compile(
    rf"(?P<num>{ARABIC})\s?(?P<unit>%|percent\b|per cent\b|square (?:meters|metres|kilometers|kilometres)\b|"
    r"sq\.? ?(?:m|km)\b|mu\b|hectares\b)",
    re.I,
)
_EN_COUNT = re.compile(
    r"(?<![\d.,$€¥-])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,6}(?:\.\d+)?)(?:\s+(million|billion|thousand))?"
    r"\s+(?:[a-z][a-z\-]+\s+){0,2}"
    r"(?:shares|clients|customers|countries|regions|measures|policies|cases|transactions|drugs|medicines|companies|firms|enterprises|projects|products|candidates|trials|patients|employees|"
    r"jobs|sites|facilities|parks|programs|programmes|therapies|vaccines|deals|agreements|startups|"
    r"institutions|hospitals|patents|approvals|biotechs|biotech companies)\b"
)
_EN_COUNT_GUARD = Prefiltered(_EN_COUNT)
_EN_PRE = re.compile(
    r"(more than|over|above|exceeding|nearly|almost|about|approximately|around|roughly|up to|less than|under|below|some)\s*$",
    re.I,
)
_EN_QUAL = {"more than": "over", "over": "over", "above": "over", "exceeding": "over", "up to": "under",
            "less than": "under", "under": "under", "below": "under"}  # fmt: skip
_CUR = {"us$": "USD", "usd": "USD", "$": "USD", "dollars": "USD", "rmb": "CNY", "cny": "CNY",
        "¥": "CNY", "yuan": "CNY", "renminbi": "CNY", "hk$": "HKD", "eur": "EUR", "€": "EUR",
        "euros": "EUR"}  # fmt: skip
_QUAL = {"超过": "over", "超": "over", "逾": "over", "突破": "over", "余": "over", "多": "over",
         "以上": "over", "不到": "under", "不足": "under", "不超过": "under", "低于": "under",
         "少于": "under", "最多": "under", "最高": "under", "以下": "under", "以内": "under", "将近": "approx",
         "接近": "approx", "近": "approx", "约": "approx", "大约": "approx", "左右": "approx",
         "上下": "approx", "许": "approx"}  # fmt: skip
_MONEY_WORDS = re.compile(
    r"投资|资金|融资|金额|估值|营收|收入|销售额|总额|产值|规模|出资|贷款|基金|利润|税收|募资|募集|交易|首付款|里程碑|订单"
)
_PRE_WINDOW = 8


@dataclass(frozen=True, slots=True)
class Quantity:
    """One figure in text: [start, end) covers number and unit, qualifier words excluded."""

    value: Decimal
    unit: str
    qualifier: str
    start: int
    end: int
    range_part: str | None = None


def _unit_of(m: re.Match[str], text: str) -> tuple[str, Decimal] | None:
    if m.group("unit"):
        unit, factor = _MONEY_UNITS[m.group("unit")]
        return unit, Decimal(factor)
    if m.group("count"):
        return "count", Decimal(1)
    # "投资超100亿" names yuan without writing 元; only money words make it CNY.
    scale = m.group("scale")
    if (
        scale
        and scale[-1] in "万亿"
        and _MONEY_WORDS.search(text[max(0, m.start() - 12) : m.start()])
    ):
        return "CNY", Decimal(1)
    return None


# Compiled once: these run for every number found, and the re module's cache lookup adds up.
_ARABIC_RE = re.compile(ARABIC)
_CN_DIGIT = re.compile("[零〇一二两三四五六七八九十]")
_CN_TENS = re.compile("[十百千万亿]")
_PRE_Q_END = re.compile(_PRE_Q + "$")
# The characters a number in _CN_QUANT can start with (ARABIC or CN_NUMERAL).
_NUMBER_START = re.compile(r"[\d零〇一二两三四五六七八九十百千万亿]")


def _chinese_ok(num: str, unit: str) -> bool:
    if _ARABIC_RE.fullmatch(num):
        return True
    if not _CN_DIGIT.search(num):
        return False
    # Single-digit Chinese numerals before classifiers ("一批", "两家") are phrasing, not data.
    return unit != "count" or bool(_CN_TENS.search(num))


def find_chinese(*, text: str) -> Iterator[Quantity]:
    """Yield quantities written the Chinese way."""
    # Every figure starts with a digit or a Chinese numeral; a third of sentences hold neither.
    figures = _CN_QUANT.finditer(text) if _NUMBER_START.search(text) else ()
    for m in figures:
        unit_factor = _unit_of(m, text)
        if unit_factor is None:
            continue
        unit, factor = unit_factor
        if not _chinese_ok(m.group("num"), unit):
            continue
        pre = _PRE_Q_END.search(text[max(0, m.start() - 4) : m.start()])
        words = [
            w
            for w in ((pre.group("preq") if pre else None), m.group("postq"), m.group("tail"))
            if w
        ]
        qualifier = next((_QUAL[w] for w in words if w in _QUAL), "exact")
        scale = m.group("scale")
        try:
            values = [parse_number(text=m.group("num") + scale)]
            if m.group("num2"):
                values.append(parse_number(text=m.group("num2") + scale))
        except ValueError:
            continue
        for i, v in enumerate(values):
            part = None if len(values) == 1 else ("low" if i == 0 else "high")
            q = qualifier if part is None else ("over" if i == 0 else "under")
            yield Quantity(v * factor, unit, q, m.start(), m.end(), part)
    for m in _PERCENT_CN.finditer(text) if "百分之" in text else ():
        try:
            yield Quantity(
                parse_number(text=m.group("num").replace("点", ".")),
                "percent",
                "exact",
                m.start(),
                m.end(),
            )
        except ValueError:
            continue


# Events, deal terms and metrics read the same sentences (and parts of them) several times
# over; the extractor clears this per document, so it only saves repeated work within one.
@lru_cache(maxsize=2048)
def chinese_in(text: str) -> tuple[Quantity, ...]:
    """find_chinese as a tuple, remembered for the current document."""
    return tuple(find_chinese(text=text))


@lru_cache(maxsize=2048)
def english_in(text: str) -> tuple[Quantity, ...]:
    """find_english as a tuple, remembered for the current document."""
    return tuple(find_english(text=text))


def forget() -> None:
    """Drop the remembered quantities (called at the start of each document)."""
    chinese_in.cache_clear()
    english_in.cache_clear()


def find_english(*, text: str) -> Iterator[Quantity]:
    """Yield quantities written the English way ("$712 million", "37.5%", "RMB 3.8bn")."""
    for m in _EN_MONEY.finditer(text):
        num, scale, cur = (m.group("num"), m.group("scale"), m.group("cur"))
        if num is None:
            num, scale, cur = m.group("num2"), m.group("scale2"), m.group("cur2")
        cur_key = re.sub(r"[.\s]", "", cur.lower()).replace("usdollars", "dollars")
        unit = _CUR.get(cur_key, "USD")
        try:
            value = parse_english(number=num, scale=scale)
        except ValueError:
            continue
        yield Quantity(value, unit, _en_qualifier(text, m.start()), m.start(), m.end())
    for m in _EN_OTHER.finditer(text):
        u = m.group("unit").lower()
        unit = (
            "percent"
            if u in ("%", "percent", "per cent")
            else "mu"
            if u == "mu"
            else "km2"
            if "k" in u
            else "m2"
        )
        factor = Decimal(10**4) if u == "hectares" else Decimal(1)
        yield Quantity(
            parse_number(text=m.group("num")) * factor,
            unit,
            _en_qualifier(text, m.start()),
            m.start(),
            m.end(),
        )


def find_english_counts(*, text: str) -> Iterator[Quantity]:
    """Yield counts of things written the English way ("48 innovative drugs")."""
    for m in _EN_COUNT.finditer(text) if _EN_COUNT_GUARD.possible(text) else ():
        try:
            value = parse_english(number=m.group(1), scale=m.group(2))
        except ValueError:
            continue
        end = m.end(2) if m.group(2) else m.end(1)
        yield Quantity(value, "count", _en_qualifier(text, m.start()), m.start(), end)


def _en_qualifier(text: str, start: int) -> str:
    m = _EN_PRE.search(text[max(0, start - 20) : start])
    return _EN_QUAL.get(m.group(1).lower(), "approx") if m else "exact"
