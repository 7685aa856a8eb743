"""Reporting periods written before a figure: 今年1—11月, 前三季度, 截至10月底, 2024年全年, 十四五."""

from __future__ import annotations

import re

_Y = r"(?P<y>今年|本年|去年|上年|前年|明年|(?:19|20)\d{2}\s*年度?)?\s*"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二两三四五六七八九])"
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
       "十": 10, "十一": 11, "十二": 12}  # fmt: skip
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (  # each kind needs the character listed in _NEEDS
        # 截至10月底 / 截至2025年9月末 -> the year to that month.
        ("to_month", rf"截[至止]\s*{_Y}(?P<b>{_MONTH})\s*月(?:底|末|份|(?!\s*\d{{1,2}}\s*[日号]))"),
        ("to_year", rf"截[至止]\s*{_Y}(?:年底|年末|底|末)"),
        ("first_n", rf"{_Y}前\s*(?P<b>{_MONTH})\s*个?月"),
        (
            "months",
            rf"{_Y}(?P<a>{_MONTH})\s*[-—–~～至到]\s*(?P<b>{_MONTH})\s*月(?!\s*\d*\s*[日号])",
        ),
        ("first3q", rf"{_Y}前(?:三|3)季度"),
        ("quarter", rf"{_Y}(?<!前)第?(?P<q>[一二三四1-4])\s*季度"),
        ("half", rf"{_Y}(?P<h>上|下)半年"),
        ("month", rf"{_Y}(?<![\d\-—–~～至到])(?P<b>{_MONTH})\s*月份?(?!\s*\d{{0,2}}\s*[日号底末])"),
        ("plan", r"[“\"]?(?P<p>十[一二三四五六七八九]五)[”\"]?"),
        ("recent", r"(?:近|过去|最近)(?P<n>[两二三四五六七八九十2-9])\s*年"),
        (
            "year",
            rf"{_Y}(?:全年|年内|全年度)|(?P<y2>今年|本年|去年|上年|前年|明年|(?:19|20)\d{{2}}\s*年度?)",
        ),
    )
)
# A character each kind cannot do without: most sentences skip most patterns.
_NEEDS = {"to_month": "截", "to_year": "截", "first_n": "前", "months": "月", "first3q": "季",
          "quarter": "季", "half": "半", "month": "月", "plan": "五", "recent": "年", "year": "年"}  # fmt: skip
_PLANS = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _num(word: str) -> int:
    return int(word) if word.isdigit() else _CN[word]


def _year(word: str | None, pub_year: int | None) -> int | None:
    if not word:
        return pub_year
    word = word.replace(" ", "").rstrip("度").rstrip("年")
    offsets = {"今": 0, "本": 0, "去": -1, "上": -1, "前": -2, "明": 1}
    if word in offsets:
        return pub_year + offsets[word] if pub_year else None
    return int(word)


def periods_in(*, text: str, pub_year: int | None) -> list[tuple[int, int, str]]:
    """Every period named in text as (end offset, length, value), for picking by position."""
    found: list[tuple[int, int, str]] = []
    for kind, pat in _PATTERNS:
        if _NEEDS[kind] not in text:
            continue
        for m in pat.finditer(text):
            value = _render(kind, m, pub_year)
            if value is not None:
                found.append((m.end(), m.end() - m.start(), value))
    return found


def nearest_period(periods: list[tuple[int, int, str]], before: int) -> str | None:
    """The period ending nearest before an offset; on a tie the longer (more specific) one."""
    best = max((p for p in periods if p[0] <= before), default=None)
    return best[2] if best else None


def find_period(*, text: str, pub_year: int | None) -> str | None:
    """Return the period named nearest the end of text: "YYYY", "YYYY-MM/YYYY-MM", "YYYY/YYYY"."""
    return nearest_period(periods_in(text=text, pub_year=pub_year), len(text))


def _render(kind: str, m: re.Match[str], pub_year: int | None) -> str | None:
    groups = m.groupdict()
    if kind == "plan":
        first = _PLANS[groups["p"]]
        return f"{first}/{first + 4}"
    if kind == "recent":
        n = _num(groups["n"])
        return f"{pub_year - n}/{pub_year - 1}" if pub_year else None
    y = _year(groups.get("y") or groups.get("y2"), pub_year)
    if y is None:
        return None
    if kind in ("to_month", "first_n", "month", "months"):
        b = _num(groups["b"])
        a = 1 if kind in ("to_month", "first_n") else b
        if kind == "months":
            a = _num(groups["a"])
        return f"{y}-{a:02d}/{y}-{b:02d}" if 1 <= a <= b <= 12 else None
    if kind == "quarter":
        q = _QUARTERS[groups["q"]]
        return f"{y}-{3 * q - 2:02d}/{y}-{3 * q:02d}"
    if kind == "first3q":
        return f"{y}-01/{y}-09"
    if kind == "half":
        return f"{y}-01/{y}-06" if groups["h"] == "上" else f"{y}-07/{y}-12"
    return str(y)
