"""Literal pre-filters must never hide a match: they only skip text that cannot match."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from biopark.intel import entities, events, quantities
from biopark.intel.prefilter import Prefiltered, any_possible, required_literals

FIXTURES = Path(__file__).parent / "fixtures"


def test_required_literals_of_a_sequence_pick_the_longest_run() -> None:
    assert required_literals(re.compile(r"ab(?:c|d)e")) == {"ab"}
    assert required_literals(re.compile(r"x?(?:授权|许可协议)")) == {"授权", "许可协议"}


def test_optional_parts_and_lookarounds_add_no_requirement() -> None:
    assert required_literals(re.compile(r"(?:abc)?")) is None
    assert required_literals(re.compile(r"(?<!专利)\b")) is None
    # One branch without a literal means no literal is required at all.
    assert required_literals(re.compile(r"签约|\d+")) is None


def test_case_insensitive_patterns_get_no_filter() -> None:
    guard = Prefiltered(re.compile("licen", re.I))
    assert guard.need is None
    assert guard.possible("LICENSE")


def test_guard_refuses_only_text_without_the_literals() -> None:
    guard = Prefiltered(re.compile(r"(?<!被)收购(?!兼并)|并购"))
    assert guard.possible("甲公司完成收购")
    assert guard.search("甲公司完成收购") is not None
    assert not guard.possible("甲公司签署合作协议")
    assert guard.search("甲公司签署合作协议") is None
    # The guard passes text the pattern itself then rejects: it is a necessary test only.
    assert guard.possible("被收购") and guard.search("被收购") is None


def test_any_possible_falls_open_when_one_pattern_has_no_filter() -> None:
    gate = any_possible((Prefiltered(re.compile("签约")), Prefiltered(re.compile(r"\d+"))))
    assert gate("没有任何关键词")
    gate = any_possible((Prefiltered(re.compile("签约")), Prefiltered(re.compile("封顶"))))
    assert gate("项目封顶") and not gate("没有任何关键词")


def _sentences() -> list[str]:
    out: list[str] = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".md", ".html"):
            text = path.read_text(encoding="utf-8", errors="ignore")
            out += [s for s in re.split(r"[。！？\n]", text) if s.strip()]
    return out


GUARDED = [
    *zip(events._TRIGGERS_ZH, events._KIND_GUARDS_ZH, strict=True),
    *zip(events._TRIGGERS_LOW, events._KIND_GUARDS_LOW, strict=True),
]


@pytest.mark.parametrize("pair", GUARDED, ids=lambda p: p[0][0])
def test_trigger_guards_never_hide_a_match(
    pair: tuple[tuple[str, re.Pattern[str]], Prefiltered],
) -> None:
    (_kind, pattern), guard = pair
    rng = random.Random(11)
    texts = _sentences()
    # Shuffled fragments make odd mixtures the fixtures alone would not contain.
    pieces = [t[i : i + 6] for t in texts for i in range(0, len(t), 6)]
    texts += ["".join(rng.sample(pieces, 8)) for _ in range(400)]
    for text in texts + [t.lower() for t in texts]:
        if pattern.search(text):
            assert guard.possible(text), text


def test_other_guards_never_hide_a_match() -> None:
    texts = _sentences()
    for text in texts:
        if entities._EN_COMPANY.search(text):
            assert entities._EN_COMPANY_GUARD.possible(text)
        if quantities._EN_COUNT.search(text):
            assert quantities._EN_COUNT_GUARD.possible(text)
        if quantities._CN_QUANT.search(text):
            assert quantities._NUMBER_START.search(text)
