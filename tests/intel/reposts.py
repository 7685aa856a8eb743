"""Reposts of our own fixture stories, made the way outlets re-run a press release."""

from __future__ import annotations

from pathlib import Path

REPOSTS = Path(__file__).parent / "fixtures" / "reposts"
STORIES = sorted(p.stem for p in REPOSTS.glob("story_*.txt"))

_MENU = "首页\n新闻\n产业\n园区\n招商\n登录\n注册\n"
_FOOTER = "责任编辑：王小禾\n版权所有 某某网 未经授权不得转载\n相关阅读\n另一条新闻的标题在这里\n"


def _lines(story: str) -> list[str]:
    return (REPOSTS / f"{story}.txt").read_text(encoding="utf-8").strip().split("\n")


def original(story: str) -> str:
    """The story as its first outlet printed it."""
    return "\n".join(_lines(story)) + "\n"


def reposts(story: str) -> list[str]:
    """Five reposts: other chrome, a cut lead, a cut ending, punctuation changes, edits."""
    title, *body = _lines(story)
    rechromed = _MENU + title + "\n来源：北岸晚报 记者 李青\n" + "\n".join(body) + "\n" + _FOOTER
    cut_lead = title + "\n原标题：" + title + "\n" + "\n".join(body[1:]) + "\n"
    cut_end = "【快讯】" + title + "\n" + "\n".join(body[:-2]) + "\n（完）\n"
    punctuated = (
        title
        + "\n"
        + "\n".join(p.replace("，", ", ").replace("。", ". ").replace("、", ",") for p in body)
        + "\n"
    )
    edited_body = [
        p.replace("表示", "称")
        .replace("介绍", "说")
        .replace("近日", "日前")
        .replace("今年", "本年度")
        for p in body
    ]
    edited_body.insert(2, "记者在现场看到，相关工作正在有序推进，多位业内人士对此给予积极评价。")
    edited = _MENU + "编者按：以下内容转自合作媒体。\n" + title + "\n" + "\n".join(edited_body[1:])
    return [rechromed, cut_lead, cut_end, punctuated, edited + "\n" + _FOOTER]
