"""Traditional script and financial numerals, normalised for extraction only.

The extractor's rules and word lists are written in simplified Chinese. Pages from
Hong Kong and Taiwan are read through an OpenCC t2s copy of exactly the same length,
so every offset found in the copy is also an offset into the original text, and the
names and quotes we report are cut from the original.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

_CONVERTER = opencc.OpenCC("t2s")
# 贰仟参佰万: the uppercase numerals of contracts and prospectuses.
_FINANCIAL = str.maketrans("壹贰叁参肆伍陆柒捌玖拾佰仟", "一二三三四五六七八九十百千")
_FINANCIAL_RUN = re.compile(r"[壹贰叁参肆伍陆柒捌玖拾佰仟零〇万亿两]{2,}")
_FINANCIAL_MARK = re.compile(r"[壹贰叁肆伍陆柒捌玖拾佰仟]")


def _traditional_chars() -> re.Pattern[str]:
    """The characters t2s rewrites, read once from OpenCC itself, to skip pages that need nothing."""
    block = "".join(chr(c) for c in range(0x4E00, 0xA000))
    out = _CONVERTER.convert(block)
    if len(out) == len(block):
        changed = [a for a, b in zip(block, out, strict=True) if a != b]
    else:
        changed = [a for a in block if _CONVERTER.convert(a) != a]
    return re.compile("[" + "".join(changed) + "]")


_TRADITIONAL = _traditional_chars()


@lru_cache(maxsize=8192)
def _one(ch: str) -> str:
    out = _CONVERTER.convert(ch)
    return out if len(out) == 1 else ch


def to_simplified(text: str) -> str:
    """Simplified copy of the text, character for character (same length, same offsets)."""
    if not _TRADITIONAL.search(text):
        return _FINANCIAL_RUN.sub(_read_financial, text) if _FINANCIAL_MARK.search(text) else text
    out = _CONVERTER.convert(text)
    if len(out) != len(text):
        # A phrase rule changed the length somewhere: fall back to one character at a time.
        out = "".join(_one(ch) for ch in text)
    return _FINANCIAL_RUN.sub(_read_financial, out)


def _read_financial(m: re.Match[str]) -> str:
    run = m.group()
    return run.translate(_FINANCIAL) if _FINANCIAL_MARK.search(run) else run


def original_span(*, simplified: str, original: str, piece: str, start: int = 0) -> str:
    """The original text behind a piece found in the simplified copy (the piece if absent)."""
    at = simplified.find(piece, start)
    if at < 0:
        return piece
    return original[at : at + len(piece)]
