"""Literal pre-filters: skip a costly pattern on text that cannot match it.

Python's regex engine tries every branch of a long alternation at every position, and
branches that open with a look-behind or a character class defeat its fast first-character
skip. Most clauses match none of our trigger patterns, so we first look for the literal
strings that any match must contain (read from the pattern's own parse tree, so the filter
cannot drift from the pattern) with one all-literal alternation, which the engine scans fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
_MAX_CLASS = 12  # a wider character class filters too little to be worth it


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective option: longest shortest string, then fewest strings."""
    if not options:
        return None
    return max(options, key=lambda s: (min(len(x) for x in s), -len(s)))


def _required(items: Any) -> frozenset[str] | None:
    """Strings of which every match of the sequence contains at least one, or None."""
    options: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            options.append(frozenset(["".join(run)]))
            run = []
        sub = _element(op, av)
        if sub:
            options.append(sub)
    if run:
        options.append(frozenset(["".join(run)]))
    return _best(options)


def _element(op: Any, av: Any) -> frozenset[str] | None:
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & re.I:
            return None
        return _required(sub)
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            need = _required(branch)
            if not need:
                return None
            union |= need
        return frozenset(union)
    if op in _REPEATS:
        low, _high, sub = av
        return _required(sub) if low >= 1 else None
    if op is sre.IN:
        if len(av) > _MAX_CLASS or any(o is not sre.LITERAL for o, _ in av):
            return None
        return frozenset(chr(c) for _, c in av)
    return None


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Literal strings one of which every match of the pattern contains (None: no filter)."""
    if pattern.flags & re.I:
        return None
    return _required(sre_parse.parse(pattern.pattern, pattern.flags))


def _shortest(need: frozenset[str]) -> frozenset[str]:
    """Drop strings that contain another one ("licens" is found whenever "exclusive licens" is)."""
    return frozenset(s for s in need if not any(t != s and t in s for t in need))


def _literal_pattern(need: frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(s) for s in sorted(need, key=len, reverse=True)))


def any_possible(guards: tuple[Prefiltered, ...]) -> Callable[[str], bool]:
    """One check standing for many: False only when none of the patterns can match."""
    if any(g.need is None for g in guards):
        return lambda text: True
    union = _literal_pattern(_shortest(frozenset().union(*(g.need or () for g in guards))))
    return lambda text: union.search(text) is not None


class Prefiltered:
    """A pattern guarded by a fast literal check that never hides a match."""

    __slots__ = ("_guard", "need", "pattern")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        need = required_literals(pattern)
        if need:
            # "licens" is found whenever "exclusive licens" is: keep only the shorter.
            need = _shortest(need)
        self.need = need or None
        self._guard = _literal_pattern(need) if need else None

    def possible(self, text: str) -> bool:
        """False only when the pattern surely has no match in text."""
        return self._guard is None or self._guard.search(text) is not None

    def search(self, text: str) -> re.Match[str] | None:
        """Same as pattern.search, faster on text without the required literals."""
        return self.pattern.search(text) if self.possible(text) else None
