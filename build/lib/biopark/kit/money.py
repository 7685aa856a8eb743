"""Money as people write it in Chinese and English, read to and written from Decimal CNY."""

from __future__ import annotations

import re
from decimal import Decimal

from biopark.intel.numbers import (
    ARABIC,
    CN_NUMERAL,
    normalize,
    parse_english,
    parse_number,
)

_PREFIX = re.compile(r"^(?:人民币|RMB|CNY|¥|￥)\s*", re.I)
_SUFFIX = re.compile(r"\s*(?:元人民币|人民币|元|块钱|块|yuan|RMB|CNY)$", re.I)
_CHINESE = re.compile(rf"(?:{ARABIC})\s*[十百千万亿]*|{CN_NUMERAL}")
_ENGLISH = re.compile(rf"({ARABIC})\s*(thousand|million|billion|trillion|mn|bn|k|m|b)\.?", re.I)
_YI = Decimal(10) ** 8
_WAN = Decimal(10) ** 4


def parse_cny(text: str) -> Decimal:
    """Read an amount in yuan: "102亿元", "3,000万元", "一千二百万元", "RMB 3.8bn"."""
    t = _SUFFIX.sub("", _PREFIX.sub("", text.strip())).strip()
    if not t:
        raise ValueError(f"无法识别的金额：{text!r}（没有数字）")
    m = _ENGLISH.fullmatch(t)
    if m:
        return normalize(parse_english(number=m.group(1), scale=m.group(2)))
    if not _CHINESE.fullmatch(t):
        raise ValueError(f"无法识别的金额：{text!r}")
    try:
        value = parse_number(text=t)
    except ValueError as exc:
        raise ValueError(f"无法识别的金额：{text!r}") from exc
    if value < 0:
        raise ValueError(f"金额不能为负数：{text!r}")
    return normalize(value)


def _plain(value: Decimal) -> str:
    return format(normalize(value), "f")


def format_cny(value: Decimal) -> str:
    """Write yuan the way Chinese reports do: "102亿元", "3000万元", "1234.5元"."""
    if value < 0:
        return "-" + format_cny(-value)
    if value >= _YI and (value / _YI) == (value / _YI).quantize(Decimal("0.0001")):
        return f"{_plain(value / _YI)}亿元"
    if value >= _WAN and (value / _WAN) == (value / _WAN).quantize(Decimal("0.01")):
        return f"{_plain(value / _WAN)}万元"
    return f"{_plain(value)}元"
