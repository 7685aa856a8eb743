"""Title, publication date, source and language read from the lines around a headline."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS = (
    re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
)
_EN_MDY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
# "Published on 09/29 2018", "09/29/2018": American month-first numerals.
_EN_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/|\s+)(20\d{2}|19\d{2})(?!\d)")
_EN_DMY = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.I)
# Site widgets that print today's date are not the article's date.
_TODAY = re.compile(r"今天是|今日|当前时间|现在时间|更新时间：?\s*$|Today|天气")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[A-Za-z]+")
_SOURCE_LINE = re.compile(
    r"(?:来源|来自|稿源|出处|Source)\s*[:：]\s*([^\s|｜丨/，,]{2,30}(?:\s[A-Z][\w.]*){0,3})", re.I
)
_MEDIA = re.compile(
    r"([\u4e00-\u9fffA-Za-z0-9]{1,10}(?:日报|晚报|晨报|商报|时报|周刊|报业|新闻网|网|报|通讯社|新闻社|电视台|广播电视台|客户端|TV))"
)
# "数字报", "电子版报", "手机报": editions of a paper, not its name.
_EDITION = re.compile(r"^(?:数字|电子|手机|客户|新闻客户)")
_EN_SOURCE = re.compile(
    r"/\s*(PRNewswire|Business Wire|GlobeNewswire|Xinhua|PR Newswire)\s*/|\((Reuters|Xinhua|AP|AFP|Bloomberg|BUSINESS WIRE|GLOBE NEWSWIRE)\)"
)


def language_of(*, text: str) -> str:
    """Say "zh" when Chinese characters dominate the text, else "en"."""
    sample = text[:4000]
    cjk = len(_CJK.findall(sample))
    words = len(_LATIN.findall(sample))
    return "zh" if cjk >= words else "en"


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def find_date(*, line: str) -> date | None:
    """Return the first full calendar date written in a line (Chinese, ISO or English)."""
    if _TODAY.search(line) or not _DIGIT.search(line):
        return None  # every date pattern below needs a digit
    for pat in _DATE_PATTERNS:
        m = pat.search(line)
        if m:
            found = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if found:
                return found
    m = _EN_MDY.search(line)
    if m:
        return _valid(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    m = _EN_DMY.search(line)
    if m:
        return _valid(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    m = _EN_NUMERIC.search(line)
    if m:
        return _valid(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    return None


def parse_iso_date(*, value: str) -> date | None:
    """Read the date part of an ISO-like timestamp from a meta tag."""
    return find_date(line=value.replace("T", " "))


def find_source(*, line: str) -> str | None:
    """Return the media named on a byline or source line, if any."""
    m = _SOURCE_LINE.search(line)
    if m:
        return m.group(1).strip(" -—|")
    m = _EN_SOURCE.search(line)
    if m:
        return (m.group(1) or m.group(2)).strip()
    return None


def media_in(*, line: str) -> str | None:
    """Return a newspaper, site or channel name found in a short header line."""
    if len(line) > 40:
        return None
    found = _MEDIA.findall(line)
    if not found:
        return None
    names = [n for n in found if n not in ("网", "报") and len(n) >= 3 and not _EDITION.match(n)]
    return names[0] if names else None


def strip_site_suffix(*, title: str) -> str:
    """Drop the " - 新华网" / "_人民网" / "| Reuters" tail that pages add to <title>."""
    parts = re.split(
        r"\s*(?:_|\||｜|\s-\s|—\s|-\s?(?=[\u4e00-\u9fff]{2,8}(?:网|报|频道)$))\s*", title
    )
    if len(parts) > 1 and len(parts[0]) >= 6:
        return parts[0].strip()
    return title.strip()
