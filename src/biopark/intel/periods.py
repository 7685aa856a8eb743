"""Reporting periods written before a figure: 今年1—11月, 一季度, 上半年, 2024年, 十四五."""

from __future__ import annotations

import re

_YEAR = r"(今年|本年|去年|上年|明年|(?:19|20)\d{2}\s*年)"
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("months", re.compile(_YEAR + r"?\s*(\d{1,2})\s*[-—–~～至到]\s*(\d{1,2})\s*月(?!\d*日)")),
    ("quarter", re.compile(_YEAR + r"?\s*(?:第)?([一二三四1-4])\s*季度")),
    ("first3q", re.compile(_YEAR + r"?\s*前三季度")),
    ("half", re.compile(_YEAR + r"?\s*(上|下)半年")),
    ("plan", re.compile(r"[“\"]?(十[一二三四五六七八九]五)[”\"]?(?:期间|时期|以来)?")),
    ("year", re.compile(_YEAR + r"(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日)|全年|年内")),
)
_PLANS = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}


def _year(word: str | None, pub_year: int | None) -> int | None:
    if not word or word in ("全年", "年内"):
        return pub_year
    word = word.replace(" ", "")
    if word in ("今年", "本年"):
        return pub_year
    if word in ("去年", "上年"):
        return pub_year - 1 if pub_year else None
    if word == "明年":
        return pub_year + 1 if pub_year else None
    return int(word.rstrip("年"))


def find_period(*, text: str, pub_year: int | None) -> str | None:
    """Return the last period named in text as "YYYY", "YYYY-MM/YYYY-MM" or None."""
    best: tuple[int, str] | None = None
    for kind, pat in _PATTERNS:
        for m in pat.finditer(text):
            value = _render(kind, m, pub_year)
            if value and (best is None or m.start() > best[0]):
                best = (m.start(), value)
    return best[1] if best else None


def _render(kind: str, m: re.Match[str], pub_year: int | None) -> str | None:
    if kind == "plan":
        first = _PLANS.get(m.group(1))
        return f"{first}/{first + 4}" if first else None
    y = _year(m.group(1) if m.lastindex else m.group(0), pub_year)
    if y is None:
        return None
    if kind == "months":
        a, b = int(m.group(2)), int(m.group(3))
        return f"{y}-{a:02d}/{y}-{b:02d}" if 1 <= a <= b <= 12 else None
    if kind == "quarter":
        q = _QUARTERS[m.group(2)]
        return f"{y}-{3 * q - 2:02d}/{y}-{3 * q:02d}"
    if kind == "first3q":
        return f"{y}-01/{y}-09"
    if kind == "half":
        return f"{y}-01/{y}-06" if m.group(2) == "上" else f"{y}-07/{y}-12"
    return str(y)
