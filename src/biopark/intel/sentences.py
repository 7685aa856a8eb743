"""Sentence spans of cleaned text, so quotes keep exact offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

# Chinese sentences end at 。！？ (plus a closing quote); English ones at .!? before a capital.
_END = re.compile(r"[。！？!?]+[”’\"」』)）]*|\n+|(?<=[a-z0-9)%\"”])\.(?=\s+[A-Z\"“(])")


def sentence_spans(*, text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each sentence with surrounding spaces trimmed."""
    pos = 0
    for m in _END.finditer(text):
        end = m.end() if not m.group().startswith("\n") else m.start()
        yield from _trim(text, pos, end)
        pos = m.end()
    yield from _trim(text, pos, len(text))


@lru_cache(maxsize=4)
def sentence_list(text: str) -> tuple[tuple[int, int], ...]:
    """sentence_spans as a tuple; metrics and events split the same document text."""
    return tuple(sentence_spans(text=text))


def _trim(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end
