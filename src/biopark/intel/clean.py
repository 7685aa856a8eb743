"""Page text to article text: find the headline, the dateline and the body.

Plain-text snapshots are handled with our own line rules (see boilerplate.py);
HTML goes through trafilatura first and then through the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from biopark.intel import meta
from biopark.intel.boilerplate import ends_article, is_content, is_furniture

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_MD_DECOR = re.compile(r"^[>*\-+]\s+|\*\*|__|!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)")
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u3000\ufeff]+")
_CJK_GAP = re.compile(
    r"(?<=[\u4e00-\u9fff，。；：、！？“”（）])\s+(?=[\u4e00-\u9fff，。；：、！？“”（）])"
)
_OPEN_END = re.compile(r"[。！？!?…；;：:”」』】]$|[.]$")
_TITLE_STOP = re.compile(
    r"[。！？]$|^\d(?!\d{3}\s*年)|^(?:第\d|http)|[:：]$|证券代码|股票代码|公告编号"
)
_SNAPSHOT = re.compile(
    r"^(?:URL|Source URL|Saved|Snapshot|快照|Fetched|Captured|原文链接|原文地址)\s*[:：]", re.I
)


@dataclass(slots=True)
class Line:
    """One non-empty line of the page, with its markdown heading level (0 for none)."""

    text: str
    level: int


@dataclass(slots=True)
class Page:
    """What the line rules found: headline, dateline, source and article paragraphs."""

    title: str | None
    published_at: date | None
    source: str | None
    paragraphs: list[str]


def split_lines(*, text: str) -> list[Line]:
    """Normalise spacing and markdown decoration, one Line per non-empty line."""
    out: list[Line] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        s = _SPACES.sub(" ", raw).strip()
        if not s:
            continue
        level = 0
        m = _MD_HEADING.match(s)
        if m:
            level, s = len(m.group(1)), m.group(2).strip(" #")
        # Most lines carry no markdown: test for the characters it needs before the regex.
        if s[:1] in ">*-+" or "**" in s or "__" in s or "[" in s:
            s = _MD_DECOR.sub(lambda mm: mm.group(1) or "", s)
        s = s.strip()
        if s and not _SNAPSHOT.match(s):
            out.append(Line(s, level))
    return out


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _title_like(s: str) -> bool:
    longest = 90 if _HAN.search(s) else 180
    return (
        6 <= len(s) <= longest
        and not _TITLE_STOP.search(s)
        and not is_furniture(line=s)
        and not _CHROME.search(s)
    )


# Bylines, captions and metadata rows sit where headlines sit but never are one.
_CHROME = re.compile(
    r"记者|通讯员|作者|^By |^来源|^Source\b|^date\b|时间[:：]|热度|阅读量|浏览|"
    r"^[（(][^）)]*[）)]$|^[（(]?(?:资料)?(?:图片|图为|图源|摄影)",
    re.I,
)
# "时政|", "今日报丨": a column name glued in front of the headline.
_COLUMN = re.compile(r"^[\u4e00-\u9fffA-Za-z]{2,6}\s*[|｜丨]\s*(?=\S{6})")


def strip_column(title: str) -> str:
    """Drop a short column prefix ("时政|") from a headline."""
    return _COLUMN.sub("", title, count=1)


# Site names, bylines and datelines sit near headlines but are not them.
_NOT_HEADLINE = re.compile(
    r"(?:网|网站|门户网站|官网|频道|数字报|电子报|日报|晚报|晨报|商报|时报|报|客户端|Wire|Newswire|News|Daily|English)$|"
    r"首页|记者|通讯员|作者|^By |^来源|^Source|^发布|星期|版[：:]|^第.{1,4}版|[>»]",
    re.I,
)


_WHITESPACE = re.compile(r"\s+")


def _key(s: str) -> str:
    return _WHITESPACE.sub("", s)


_NOTICE = re.compile(r"^关于.{2,60}(?:公告|通知|提示性公告|报告书?)$")
# Hong Kong style announcements print their kind on a line of its own above the headline.
_SHORT_SENTENCE = re.compile(
    r"^[^（(【\[].*[\u4e00-\u9fff].*[，,].*[\u4e00-\u9fff][^（(]*[。！？]$|"
    r"^[A-Z][\w'’-]*(?: [^()\s]+){4,}[a-z0-9%][.!?]$"
)
_KIND_LINE = re.compile(
    r"^(?:自愿公告|自願公告|公告|内幕消息|澄清公告|补充公告|VOLUNTARY ANNOUNCEMENT|ANNOUNCEMENT)$",
    re.I,
)
_COMPANY_LINE = re.compile(r"(?:公司|集团)(?:董事会)?$")


def _find_title(lines: list[Line], first_content: int) -> tuple[str | None, list[int]]:
    # Listed-company announcements: "某某股份有限公司" over "关于……的公告".
    for i in range(min(first_content if first_content >= 0 else len(lines), 12)):
        if _NOTICE.match(lines[i].text):
            # The company line above is the issuer, not part of the headline.
            if i > 0 and _COMPANY_LINE.search(lines[i - 1].text) and len(lines[i - 1].text) <= 30:
                return lines[i].text, [i - 1, i]
            return lines[i].text, [i]
        if _KIND_LINE.match(lines[i].text) and i + 1 < len(lines):
            nxt = lines[i + 1].text
            if _title_like(nxt) and not is_content(line=nxt):
                return nxt, [i + 1]
    h1 = [i for i, ln in enumerate(lines) if ln.level == 1 and _title_like(ln.text)]
    if h1:
        return lines[h1[0]].text, h1[:1]
    window = range(min(len(lines), max(first_content + 1, 1) + 40))
    counts: dict[str, list[int]] = {}
    keys = [_key(lines[i].text) for i in window]
    for i in window:
        counts.setdefault(keys[i], []).append(i)
    # A headline is usually printed twice (breadcrumb, page title, headline).
    for i in window:
        s = lines[i].text
        if i > first_content or not _title_like(s):
            continue
        k = keys[i]
        hits = counts[k] + [j for j in window if j != i and keys[j].endswith(">" + k)]
        if len(hits) >= 2:
            return s, sorted(counts[k])
    quoted = _quoted_title(lines, first_content)
    if quoted is not None:
        return lines[quoted].text, [quoted]
    best = _scored_title(lines, first_content)
    if best is not None:
        return lines[best].text, [best]
    # A page may show no headline at all; its first sentence is body text, not a title.
    return None, []


def _quoted_title(lines: list[Line], first_content: int) -> int | None:
    """A document a cover letter names in 《》 and then prints on a line of its own."""
    for i in range(min(max(first_content + 1, 8), len(lines))):
        if "《" not in lines[i].text:
            continue
        for name in re.findall(r"《([^》]{6,60})》", lines[i].text):
            for j in range(i + 1, min(len(lines), i + 12)):
                if _key(lines[j].text) == _key(name):
                    return j
    return None


def _scored_title(lines: list[Line], first_content: int) -> int | None:
    """The headline-shaped line next to a dateline and nearest the body, not a site name."""
    top = min(first_content, len(lines))
    dated = [
        i
        for i in range(top)
        if meta.find_date(line=lines[i].text) or meta.find_source(line=lines[i].text)
    ]
    best: tuple[float, int] | None = None
    for i in range(top):
        s = lines[i].text
        if not _title_like(s) or len(s) < 8 or meta.find_date(line=s):
            continue
        score = 0.0
        if _NOT_HEADLINE.search(s):
            score -= 5
        if any(0 < abs(i - d) <= 2 for d in dated):
            score += 3
        score += 1 if len(s) >= 10 else 0
        score -= (top - i) * 0.1
        if best is None or score > best[0]:
            best = (score, i)
    return best[1] if best else None


def _header(
    lines: list[Line], title_at: list[int], first_content: int
) -> tuple[date | None, str | None, int]:
    """Date and source from the lines around the headline; index where the header ends."""
    anchor = max([i for i in title_at if i <= max(first_content, 0)] or [-1])
    lo = max(0, min(title_at or [0]) - 2)
    hi = first_content if first_content >= 0 else len(lines)
    best: tuple[int, date] | None = None
    source: str | None = None
    end = anchor
    for i in range(lo, min(hi, len(lines))):
        s = lines[i].text
        found = meta.find_date(line=s)
        if found and len(s) <= 80:
            dist = abs(i - anchor) + (0 if i > min(title_at or [0]) else 5)
            if best is None or dist < best[0]:
                best = (dist, found)
            end = max(end, i)
        src = meta.find_source(line=s)
        near = any(abs(i - j) <= 3 for j in title_at)
        if src and not source:
            source, end = src, max(end, i) if i < hi else end
        elif near and not source and found is None and i > min(title_at or [0]):
            source = meta.media_in(line=s) or source
        if i > anchor and i - anchor <= 4 and is_furniture(line=s):
            end = max(end, i)
    if best is None and 0 <= first_content < len(lines):
        # Wire stories carry their date in the dateline that opens the first paragraph.
        head = lines[first_content].text[:80]
        if re.search(r"/\s*\w+\s*/|\(\w+\)\s*[-—]|--|电\s*$|电（", head):
            dateline = meta.find_date(line=head)
            best = (0, dateline) if dateline else None
        if source is None:
            source = meta.find_source(line=head)
    if source is None:
        source = _late_source(lines)
    if source is None:
        for i in range(0, min(hi, len(lines))):
            source = meta.media_in(line=lines[i].text)
            if source:
                break
    if best is None:
        # Newspaper pages print the issue date above the headline, past the nearby window.
        for i in range(0, max(lo, 0)):
            found = meta.find_date(line=lines[i].text)
            if found and len(lines[i].text) <= 40:
                best = (0, found)
    return (best[1] if best else None), source, end


# WeChat snapshots: "原创 [作者] 公众号名 2025年06月18日 17:30 [地区]".
_WECHAT = re.compile(
    r"^(?:原创\s+)?(?:\S+\s+)*?([^\s:：]{2,24})\s+20\d{2}(?:年|[-./])\d{1,2}(?:月|[-./])\d{1,2}日?\s+\d{1,2}:\d{2}"
)


def _late_source(lines: list[Line]) -> str | None:
    """A "来源：…" line closing the article, else the account named in a WeChat header."""
    for ln in lines[-10:]:
        m = _TRAILING_SOURCE.match(ln.text)
        if m:
            return m.group(1).strip()
    for ln in lines[:8]:
        m = _WECHAT.match(ln.text) if len(ln.text) <= 80 else None
        if m and not meta.find_date(line=m.group(1)):
            return m.group(1)
    return None


_TRAILING_SOURCE = re.compile(
    r"^[（(【\[]?(?:来源|稿源|转自|文章来源|信息来源|内容来源|素材来源)\s*[:：丨|]\s*([^\s，。,)）】\]]{2,30})"
)


def _footer_date(lines: list[Line]) -> date | None:
    """Announcements are dated under the signature at the very end."""
    for ln in reversed(lines[-4:]):
        if len(ln.text) <= 24 and meta.find_date(line=ln.text):
            return meta.find_date(line=ln.text)
    return None


_URL_DATE = re.compile(
    r"(?:https?://|www\.)\S*?[/_t](20\d{2})[-/]?(0[1-9]|1[0-2])[-/]?([0-2]\d|3[01])(?=[/_.\-?]|$)",
    re.M,
)


def _url_date(text: str) -> date | None:
    """Government and news URLs carry the date (".../202503/t20250308_123.html")."""
    for part in (text[:800], text[-500:]):
        m = _URL_DATE.search(part)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def _join_broken(paras: list[tuple[str, int]]) -> list[str]:
    """Glue paragraphs that a page break split mid-sentence."""
    out: list[tuple[str, int]] = []
    for text, level in paras:
        if (
            out
            and out[-1][1] == 0
            and level == 0
            and len(out[-1][0]) >= 30
            and not _OPEN_END.search(out[-1][0])
            and re.match(r"[\u4e00-\u9fffA-Za-z0-9(（]", text)
            and re.search(r"[\u4e00-\u9fff)）]$", out[-1][0])
        ):
            out[-1] = (out[-1][0] + text, 0)
        else:
            out.append((text, level))
    return [t for t, _ in out]


def read_page(*, text: str) -> Page:
    """Split a page into headline, date, source and the article's paragraphs."""
    lines = split_lines(text=text)
    content = [i for i, ln in enumerate(lines) if ln.level == 0 and is_content(line=ln.text)]
    first = content[0] if content else -1
    title, title_at = _find_title(lines, first if first >= 0 else len(lines))
    after_title = [i for i in content if not title_at or i > min(title_at)]
    first_body = after_title[0] if after_title else first
    published, source, header_end = _header(lines, title_at, first_body)
    if published is None:
        published = _footer_date(lines) or _url_date(text)
    if content and (not title_at or content[0] < min(title_at)):
        start = content[0]
    else:
        start = min(header_end + 1, first_body) if first_body >= 0 else header_end + 1
    stop = len(lines)
    for i in range(max(start, 0), len(lines)):
        if i > first_body and ends_article(line=lines[i].text):
            stop = i
            break
    tail = [i for i in content if i < stop]
    last = tail[-1] if tail else stop - 1
    # A sentence cut by a page break continues on the next line.
    while (
        0 <= last < stop - 1
        and not _OPEN_END.search(lines[last].text)
        and is_content(line=lines[last].text)
    ):
        if is_furniture(line=lines[last + 1].text) or lines[last + 1].level:
            break
        last += 1
    # A short closing sentence ("据悉，……1100亿元。") is still article text.
    while (
        0 <= last < stop - 1
        and len(lines[last + 1].text) <= 160
        and _SHORT_SENTENCE.search(lines[last + 1].text)
    ):
        nxt = lines[last + 1].text
        if is_furniture(line=nxt) or ends_article(line=nxt) or _TRAILING_SOURCE.match(nxt):
            break
        last += 1
    title_key = _key(title or "")
    paras: list[tuple[str, int]] = []
    for i in range(max(start, 0), last + 1):
        ln = lines[i]
        if i in title_at or (ln.text and _key(ln.text) == title_key):
            continue
        if is_furniture(line=ln.text) or (i == header_end and not is_content(line=ln.text)):
            continue
        if meta.find_date(line=ln.text) and len(ln.text) <= 30 and i < first_body:
            continue
        # Typeset pages put spaces between Chinese characters; running text has none.
        body = _CJK_GAP.sub("", ln.text) if is_content(line=ln.text) else ln.text
        paras.append((body, ln.level))
    if title:
        title = strip_column(title)
    if title and title.startswith("【") and title.endswith("】"):
        # Flash news wraps its headline in 【】.
        title = title[1:-1].strip()
    issuer = _issuer(lines, title_at, title)
    if issuer and not any(issuer in p for p, _ in paras):
        paras.insert(0, (issuer, 0))
    return Page(title=title, published_at=published, source=source, paragraphs=_join_broken(paras))


def _issuer(lines: list[Line], title_at: list[int], title: str | None) -> str | None:
    """The company issuing an announcement, printed on its own line above the headline."""
    if not title or not title_at:
        return None
    top = min(title_at)
    near = lines[max(0, top - 6) : top + 1]
    if not (_NOTICE.match(title) or any(_KIND_LINE.match(ln.text) for ln in near)):
        return None
    for ln in reversed(near):
        if _COMPANY_LINE.search(ln.text) and len(ln.text) <= 30 and not is_content(line=ln.text):
            return ln.text
    return None


def _dateline(s: str) -> bool:
    return len(s) <= 60 and meta.find_date(line=s) is not None and not is_content(line=s)


def clean_body(*, text: str, title: str | None = None) -> list[str]:
    """Apply the line rules to text that is already the article (e.g. from trafilatura)."""
    paras: list[tuple[str, int]] = []
    key = _key(title or "\0")
    seen_content = False
    for ln in split_lines(text=text):
        if seen_content and ends_article(line=ln.text):
            break
        if is_furniture(line=ln.text) or _key(ln.text) == key or _dateline(ln.text):
            continue
        content = is_content(line=ln.text)
        seen_content = seen_content or content
        paras.append((_CJK_GAP.sub("", ln.text) if content else ln.text, ln.level))
    return _join_broken(paras)
