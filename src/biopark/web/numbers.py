"""Numbers as people read them: money in 亿元/万元 or "1.02 billion yuan", percentages, counts.

Never scientific notation: Decimals read from the database (Decimal("6.5E+8"))
are formatted through Babel, which always writes positional digits.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from babel.numbers import format_compact_decimal, get_decimal_symbol, get_group_symbol

_YI = Decimal(10) ** 8
_WAN = Decimal(10) ** 4
_MILLION = Decimal(10) ** 6

# Currency code -> (Chinese suffix after 亿/万, English word).
CURRENCIES = {
    "CNY": ("元", "yuan"),
    "USD": ("美元", "US dollars"),
    "EUR": ("欧元", "euros"),
    "HKD": ("港元", "Hong Kong dollars"),
}
# Measure units of intel facts -> (Chinese, English).
UNITS = {
    "m2": ("平方米", "m²"),
    "km2": ("平方公里", "km²"),
    "mu": ("亩", "mu"),
}


def _locale(lang: str) -> str:
    return "en" if lang == "en" else "zh_CN"


def to_decimal(value: Any) -> Decimal | None:
    """The value as a finite Decimal, or None for blanks and things that are not numbers."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        d = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


@lru_cache(maxsize=4)
def _symbols(lang: str) -> tuple[str, str]:
    locale = _locale(lang)
    return get_group_symbol(locale), get_decimal_symbol(locale)


def number(value: Any, lang: str = "zh", digits: int = 2) -> str:
    """A count or measure with thousands separators: "1,234,567", "3.14"."""
    d = to_decimal(value)
    if d is None:
        return "—"
    # Babel's pattern "#,##0.##" gives the same text (both languages group by three) at about
    # a tenth of the cost, and Babel fails past 28 digits; list pages format hundreds of figures.
    text = f"{d:,.{max(digits, 0)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    group, point = _symbols("en" if lang == "en" else "zh")
    return text.translate({ord(","): group, ord("."): point})


def percent(value: Any, lang: str = "zh") -> str:
    """A value already in percent (80 means 80%): "80%", "12.5%"."""
    d = to_decimal(value)
    if d is None:
        return "—"
    return number(d, lang, digits=1) + "%"


def money(value: Any, lang: str = "zh", currency: str = "CNY") -> str:
    """An amount: "6.5亿元", "3,000万元", "1,234元"; "650 million yuan", "1.02 billion yuan"."""
    d = to_decimal(value)
    if d is None:
        return "—"
    zh_word, en_word = CURRENCIES.get(currency, (currency, currency))
    if d < 0:
        return "-" + money(-d, lang, currency)
    if lang == "en":
        if d >= _MILLION:
            text = format_compact_decimal(d, format_type="long", locale="en", fraction_digits=2)
        else:
            text = number(d, "en")
        return f"{text} {en_word}"
    if d >= _YI:
        return f"{number(d / _YI, 'zh')}亿{zh_word}"
    if d >= _WAN:
        return f"{number(d / _WAN, 'zh')}万{zh_word}"
    return f"{number(d, 'zh')}{zh_word}"


def metric(value: Any, unit: str | None, lang: str = "zh") -> str:
    """A figure with its unit code (as intel facts store them) written for people."""
    unit = unit or ""
    if unit in CURRENCIES:
        return money(value, lang, unit)
    if unit == "percent":
        return percent(value, lang)
    if unit in ("count", ""):
        return number(value, lang)
    zh, en = UNITS.get(unit, (unit, unit))
    return f"{number(value, lang)} {en if lang == 'en' else zh}"


def editable(value: Any) -> str:
    """The value as someone would type it into a form: "350000000", "3.5", never "3.5E+8".

    Text is returned as it is: a re-rendered form keeps what the person typed ("3.5亿").
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return str(value)
    d = to_decimal(value)
    if d is None:
        return ""
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def month_name(month: int, lang: str = "zh") -> str:
    """A month number as a column head: "3月" or "Mar"."""
    from babel.dates import get_month_names

    if lang == "en":
        return str(get_month_names("abbreviated", locale="en")[int(month)])
    return f"{int(month)}月"
