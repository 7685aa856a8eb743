"""Topic briefs: a lead paragraph, a time window and ranked points with numbered citations.

Deterministic by default: every point is written from stored facts (see
intel/synth.py), one point per fact across reposts and languages, so every
word of a brief can be traced to its sources. An optional language model may
rewrite points for fluency (intel/llm.py); its output is checked against the
cited facts.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

THEMES = (
    ("pipeline", "管线与审批", "Pipeline and approvals"),
    ("deals", "合作与交易", "Deals"),
    ("investment", "投资与项目", "Investment and projects"),
    ("policy", "政策", "Policy"),
    ("platforms", "平台", "Platforms"),
)
THEME_NAMES = {key: zh for key, zh, _ in THEMES}
THEME_NAMES_EN = {key: en for key, _, en in THEMES}
_EVENT_THEME = {
    "clinical_approval": "pipeline",
    "marketing_application": "pipeline",
    "marketing_approval": "pipeline",
    "licensing_deal": "deals",
    "cooperation": "deals",
    "financing": "deals",
    "ipo": "deals",
    "acquisition": "deals",
    "project_signing": "investment",
    "facility_milestone": "investment",
    "award": "platforms",
}
_POLICY = re.compile(r"政策|办法|措施|意见|条例|实施方案|扶持|补贴|奖补|奖励|专项资金")
_PLATFORM = re.compile(r"平台|研究院|实验室|创新中心|孵化器|公共服务|中试")
_PIPELINE = re.compile(r"临床|管线|获批|批件|上市许可|IND|NDA")
_SPACE = re.compile(r"\s+")


def theme_of(*, event_type: str | None, sentence: str) -> str:
    """The theme a fact's sentence belongs to."""
    # A policy sentence is about policy even when it also mentions an approval or a project.
    if _POLICY.search(sentence):
        return "policy"
    if event_type is None:
        if _PLATFORM.search(sentence):
            return "platforms"
        if _PIPELINE.search(sentence):
            return "pipeline"
        return "investment"
    if event_type == "cooperation" and _PLATFORM.search(sentence):
        return "platforms"
    return _EVENT_THEME.get(event_type, "investment")


def normalise(sentence: str) -> str:
    """The sentence as compared for duplicates."""
    return _SPACE.sub("", sentence).strip("。；; ")


@dataclass
class Source:
    number: int
    document_id: int
    title: str
    source: str | None
    published_at: date | None
    url: str | None


@dataclass
class Point:
    sentence: str
    citations: list[int]
    published_at: date | None = None
    score: float = 0.0
    # The cited facts' own sentences: what a rewrite is checked against.
    evidence: list[str] = field(default_factory=list)
    rewritten: bool = False


@dataclass
class Section:
    key: str
    title: str
    points: list[Point] = field(default_factory=list)


@dataclass
class Brief:
    topic: str
    sections: list[Section]
    sources: list[Source]
    lead: str = ""
    date_from: date | None = None
    date_to: date | None = None
    lang: str = "zh"

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.sections)


def _cite(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def window_text(brief: Brief) -> str:
    """The brief's time window in its language."""
    a = brief.date_from.isoformat() if brief.date_from else "…"
    b = brief.date_to.isoformat() if brief.date_to else "…"
    return f"Period: {a} to {b}" if brief.lang == "en" else f"时间范围：{a} 至 {b}"


def _heading(brief: Brief) -> str:
    return f"Brief: {brief.topic}" if brief.lang == "en" else f"简报：{brief.topic}"


def _nothing(brief: Brief) -> str:
    return "Nothing found." if brief.lang == "en" else "未找到相关资料。"


def _sources_title(brief: Brief) -> str:
    return "Sources" if brief.lang == "en" else "来源"


def to_markdown(brief: Brief) -> str:
    """The brief as Markdown: window, lead, a heading per theme, points with [n], sources."""
    lines = [f"# {_heading(brief)}", "", f"*{window_text(brief)}*", ""]
    if brief.lead:
        lines += [brief.lead, ""]
    if brief.empty:
        lines += [_nothing(brief), ""]
    for section in brief.sections:
        if not section.points:
            continue
        lines += [f"## {section.title}", ""]
        lines += [f"- {p.sentence}{_cite(p.citations)}" for p in section.points]
        lines.append("")
    if brief.sources:
        lines += [f"## {_sources_title(brief)}", ""]
        for s in brief.sources:
            meta = "，".join(
                x for x in (s.source, s.published_at.isoformat() if s.published_at else None) if x
            )
            link = f" <{s.url}>" if s.url else ""
            lines.append(f"{s.number}. {s.title}{'（' + meta + '）' if meta else ''}{link}")
        lines.append("")
    return "\n".join(lines)


def to_html(brief: Brief) -> str:
    """The brief as a standalone HTML page (escaped; citations link to the source list)."""
    e = html.escape
    lang = "en" if brief.lang == "en" else "zh-CN"
    parts = [
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{e(_heading(brief))}</title></head><body>",
        f"<h1>{e(_heading(brief))}</h1>",
        f'<p class="window">{e(window_text(brief))}</p>',
    ]
    if brief.lead:
        parts.append(f'<p class="lead">{e(brief.lead)}</p>')
    if brief.empty:
        parts.append(f"<p>{e(_nothing(brief))}</p>")
    for section in brief.sections:
        if not section.points:
            continue
        parts.append(f"<h2>{e(section.title)}</h2><ul>")
        for p in section.points:
            cites = "".join(f'<a href="#src-{n}">[{n}]</a>' for n in p.citations)
            parts.append(f"<li>{e(p.sentence)}<sup>{cites}</sup></li>")
        parts.append("</ul>")
    if brief.sources:
        parts.append(f"<h2>{e(_sources_title(brief))}</h2><ol>")
        for s in brief.sources:
            meta = "，".join(
                x for x in (s.source, s.published_at.isoformat() if s.published_at else None) if x
            )
            title = f'<a href="{e(s.url)}">{e(s.title)}</a>' if s.url else e(s.title)
            parts.append(f'<li id="src-{s.number}">{title} {e(meta)}</li>')
        parts.append("</ol>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
