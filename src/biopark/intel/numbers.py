"""The project's one number reader: Arabic and Chinese numerals with 十/百/千/万/亿 scales.

Written here because cn2an handles pure Chinese numerals but returns floats for
mixed forms such as "38.33亿"; money must stay exact, so Arabic forms are read
with Decimal and only all-Chinese numerals are handed to cn2an.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Arabic number with optional thousands separators and decimals ("3,000", "38.33").
ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUMERAL = rf"[{CN_DIGITS}十百千万亿]+(?:点[{CN_DIGITS}]+)?"
SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
ENGLISH_SCALES = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
    "tn": 10**12,
}
_ARABIC_SCALED = re.compile(rf"({ARABIC})\s*([十百千万亿]*)")
_CN_ONLY = re.compile(rf"(?:{CN_NUMERAL})")
# Dashes and tildes people put between the ends of a range ("8-10", "1—3", "10～15").
RANGE_SEP = r"\s*[-–—~～至到]\s*"


def scale_of(*, chars: str) -> Decimal:
    """Multiply out a run of Chinese scale characters ("千万" -> 10**7)."""
    result = Decimal(1)
    for ch in chars:
        result *= SCALES[ch]
    return result


def parse_number(*, text: str) -> Decimal:
    """Read one number such as "38.33亿", "3,000", "一千二百万" or "1.5" exactly."""
    t = text.strip().replace(" ", "")
    m = _ARABIC_SCALED.fullmatch(t)
    if m:
        try:
            base = Decimal(m.group(1).replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(f"不是数字：{text!r}") from exc
        return base * scale_of(chars=m.group(2))
    if t and _CN_ONLY.fullmatch(t) and t not in ("点",):
        import cn2an  # 0.1 s to import; most numbers in the news are Arabic

        try:
            value = cn2an.cn2an(t, "smart")
        except (ValueError, KeyError) as exc:
            raise ValueError(f"不是数字：{text!r}") from exc
        return Decimal(str(value))
    raise ValueError(f"不是数字：{text!r}")


def parse_english(*, number: str, scale: str | None) -> Decimal:
    """Read "1.2" with an English scale word ("billion", "bn", "m") exactly."""
    base = parse_number(text=number)
    if not scale:
        return base
    key = scale.lower().rstrip(".")
    if key not in ENGLISH_SCALES:
        raise ValueError(f"unknown scale word: {scale!r}")
    return base * ENGLISH_SCALES[key]


def normalize(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
