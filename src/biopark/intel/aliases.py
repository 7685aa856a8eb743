"""One company, several names: the legal name, its short name and an English name in brackets.

"某某生物科技有限公司" is reported once, under its legal name, with "某某生物" and the
English name given in brackets after it as aliases and the mentions of all forms summed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from biopark.intel.names import is_generic
from biopark.intel.types import Entity
from biopark.intel.wordlists import PLACES

# Legal suffixes a short name drops ("股份有限公司", "Co., Ltd.").
_LEGAL = re.compile(
    r"(?:(?:集团)?股份有限公司|有限责任公司|有限公司|股份公司|"
    r",? (?:Inc\.|Ltd\.|Co\., Ltd\.|AG|GmbH|plc|LLC|Corp\.|Corporation|Limited))+$"
)
_PLACE_HEAD = re.compile("^(?:" + "|".join(sorted(PLACES, key=len, reverse=True)) + ")")
_BRACKET = re.compile(r"\s*[（(]\s*([A-Za-z][A-Za-z0-9&.,'\- ]{1,60}?)\s*[）)]")


def short_names(name: str) -> list[str]:
    """The shorter forms a legal name goes by: suffix dropped, then place prefix dropped too."""
    bare = _LEGAL.sub("", name)
    if bare == name:
        return []
    out = [bare]
    unplaced = _PLACE_HEAD.sub("", bare)
    if unplaced != bare and len(unplaced) >= 2:
        out.append(unplaced)
    return [s for s in out if len(s) >= 2 and not is_generic(stem=s)]


def _english_after(text: str, forms: Sequence[str]) -> set[str]:
    """English names printed in brackets right after one of the Chinese forms."""
    found: set[str] = set()
    for form in forms:
        at = text.find(form)
        while at >= 0:
            m = _BRACKET.match(text, at + len(form))
            if m:
                found.add(m.group(1).strip())
            at = text.find(form, at + 1)
    return found


def _mentions(text: str, forms: Sequence[str]) -> int:
    """Occurrences of any form, a short form inside a longer one's occurrence counted once."""
    taken: list[tuple[int, int]] = []
    for form in sorted(forms, key=len, reverse=True):
        at = text.find(form)
        while at >= 0:
            end = at + len(form)
            if not any(lo < end and at < hi for lo, hi in taken):
                taken.append((at, end))
            at = text.find(form, at + 1)
    return len(taken)


def group_aliases(entities: Sequence[Entity], text: str) -> list[Entity]:
    """Merge companies that are one company under different names; order as before."""
    by_name = {e.name: e for e in entities if e.type == "company"}
    absorbed: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for e in sorted(by_name.values(), key=lambda e: -len(e.name)):
        if e.name in absorbed:
            continue
        shorts = short_names(e.name)
        forms = [e.name, *shorts]
        others = [s for s in shorts if s in by_name and s not in absorbed]
        others += sorted(
            n
            for n in _english_after(text, forms)
            if n in by_name and n not in absorbed and n != e.name
        )
        if not others:
            continue
        members[e.name] = others
        for n in others:
            absorbed[n] = e.name
    if not members:
        return list(entities)
    out: list[Entity] = []
    for e in entities:
        if e.name in absorbed and e.type == "company":
            continue
        if e.type == "company" and e.name in members:
            names = [e.name, *members[e.name]]
            e = replace(e, mentions=max(1, _mentions(text, names)), aliases=tuple(names[1:]))
        out.append(e)
    return sorted(out, key=lambda e: (-e.mentions, text.find(e.name)))
