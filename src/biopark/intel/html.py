"""HTML pages: trafilatura finds the article; meta tags give title, date and site name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html import unescape

from biopark.intel import meta

_HTML = re.compile(r"<(?:!doctype html|html|head|body|div|p|article|meta|title)\b", re.I)
_META = re.compile(r"<meta\s+([^>]+)>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.I | re.S)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TIME = re.compile(r"<time[^>]+datetime\s*=\s*[\"']([^\"']+)", re.I)
_TAGS = re.compile(r"<[^>]+>")
_DATE_KEYS = (
    "article:published_time", "og:published_time", "published_time", "pubdate", "publishdate",
    "publish_date", "publishtime", "date", "dc.date", "dc.date.issued", "sailthru.date",
    "parsely-pub-date", "datepublished", "weibo: article:create_at", "citation_publication_date",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class HtmlArticle:
    """The article text of an HTML page with what its head says about it."""

    title: str | None
    published_at: date | None
    source: str | None
    text: str


def is_html(*, text: str) -> bool:
    """True when the text is an HTML page rather than plain text or markdown."""
    return bool(_HTML.search(text[:2000]))


def _metas(page: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _META.finditer(page[:200_000]):
        attrs = {a.lower(): (b or c) for a, b, c in _ATTR.findall(m.group(1))}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key and "content" in attrs:
            out.setdefault(key, unescape(attrs["content"]).strip())
    return out


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", unescape(_TAGS.sub("", fragment))).strip()


def read_html(*, page: str) -> HtmlArticle:
    """Extract the article from an HTML page (precision over recall: no comments, no menus)."""
    metas = _metas(page)
    h1 = _H1.search(page)
    tag_title = _TITLE.search(page)
    title = (
        (_text(h1.group(1)) if h1 else None)
        or metas.get("og:title")
        or (meta.strip_site_suffix(title=_text(tag_title.group(1))) if tag_title else None)
    )
    published = next(
        (d for k in _DATE_KEYS if (d := meta.parse_iso_date(value=metas.get(k, "")))), None
    )
    if published is None:
        t = _TIME.search(page)
        published = meta.parse_iso_date(value=t.group(1)) if t else None
    import trafilatura  # 0.3 s to import: only pages that are HTML need it

    doc = trafilatura.bare_extraction(
        page,
        fast=True,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        favor_precision=True,
    )
    body = ""
    if doc is not None:
        body = (doc.get("text") if isinstance(doc, dict) else getattr(doc, "text", "")) or ""
    if published is None and title:
        published = _date_near_title(page, title)
    source = metas.get("og:site_name") or metas.get("source") or metas.get("author") or None
    if source is None:
        visible = _text(page)
        at = visible.find(title or "\0")
        source = meta.find_source(line=visible[max(at, 0) : max(at, 0) + 400]) if at >= 0 else None
    return HtmlArticle(title=title, published_at=published, source=source, text=body)


def _date_near_title(page: str, title: str) -> date | None:
    """Find a dateline printed right after the headline in the visible text."""
    visible = _text(re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S | re.I))
    at = visible.rfind(title)
    if at < 0:
        return None
    return meta.find_date(line=visible[at + len(title) : at + len(title) + 160])
