"""Terms of a licensing deal read from its sentences: who licenses what to whom, where, for how much.

The parties come from the roles the verbs give them ("A将……授予B", "B will pay A",
"granting B exclusive rights", "licensed from A"); the amounts from the words that
name them in the clause ("首付款", "upfront", "里程碑", "总额", "up to").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from biopark.intel.numbers import normalize
from biopark.intel.quantities import Quantity, chinese_in, english_in
from biopark.intel.types import Amount, DealTerms

_MONEY = {"CNY", "USD", "EUR", "HKD"}
_UPFRONT = re.compile(r"首付款|预付款|首期款|upfront|up-front|initial payment", re.I)
_MILESTONE = re.compile(r"里程碑|milestone", re.I)
# "最高"/"up to" only qualify a figure; the thing named decides what it is.
_TOTAL = re.compile(r"总额|总金额|总价|合计|共计|总计|total|aggregate", re.I)
# The excluded-region form is the most precise, so it is looked for first.
_EXCEPT = re.compile(
    r"(除[^，。；]{1,30}(?:以外|之外)的?(?:全球|全世界|其他地区)|"
    r"(?:excluding|outside(?: of)?) [A-Z][^.;]{2,60}?(?=[.;,]| to | from | for | under |$))"
)
_TERRITORY = re.compile(
    r"(大中华区|中国(?:大陆|境内)?|全球|海外|美国|欧洲|日本|韩国|"
    r"(?:excluding|outside(?: of)?) [A-Z][^.;]{2,60}?(?=[.;,]| to | from | for | under |$)|worldwide|globally|"
    r"(?:in|for) (?:Greater China|mainland China|the United States|Europe|Japan|Korea))"
)
# Verbs that put the licensor before them and the licensee after them.
_GRANT_CN = re.compile(r"授予|授权给|许可给|转让给")
_GRANT_EN = re.compile(
    r"\b(?:grant(?:s|ed|ing)?|out-?licens(?:e|es|ed|ing)(?: [^.;]{0,40}?)? to)\b", re.I
)
# Verbs that put the licensee before them and the licensor after them.
_TAKE_EN = re.compile(
    r"\b(?:in-?licens(?:e|es|ed|ing)|licensed|acquired the rights)\b[^.;]{0,60}?\bfrom\b", re.I
)
_COUNTERPART = re.compile(r"\s*(?:对方|合作方|后者)")
_WITH = re.compile(r"与|同")
# A counterpart the entity list missed: the words between 与 and the signing verb.
_WITH_NAME = re.compile(r"([^，。；、与]{2,30}?)(?:签署|签订|达成|订立|就)")
# An English organisation name written right after "from"/"to": capitalised words.
_EN_NAME = re.compile(r"\s*([A-Z][\w&\-]*(?: [A-Z][\w&\-]*){0,4})")
_PAY = re.compile(
    r"向(?P<cn>[^，。；]{2,30}?)支付|\bpay(?:s|ing)? (?P<en>[A-Z][\w\- ]{1,40}?)(?= an?\b| up\b| US| \$)"
)


_ENGLISH_MONEY = re.compile(r"[$€]|\b(?:USD|RMB|CNY|EUR|million|billion|yuan|dollars)\b")


def _quantities(text: str) -> list[Quantity]:
    found = [q for q in chinese_in(text) if q.unit in _MONEY]
    if _ENGLISH_MONEY.search(text):
        found += [q for q in english_in(text) if q.unit in _MONEY]
    return sorted(found, key=lambda q: q.start)


def _first_after(text: str, at: int, subjects: Sequence[str], within: int = 40) -> str | None:
    best: tuple[int, str] | None = None
    for name in subjects:
        pos = text.find(name, at)
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, name)
    return best[1] if best and best[0] - at <= within else None


def _last_before(text: str, at: int, subjects: Sequence[str]) -> str | None:
    best: tuple[int, str] | None = None
    for name in subjects:
        pos = text.rfind(name, 0, at)
        if pos >= 0 and (best is None or pos > best[0]):
            best = (pos, name)
    return best[1] if best else None


def _others(names: list[str], taken: str | None) -> list[str]:
    """Names that are not the party already found (nor its short or long form)."""
    if not taken:
        return names
    return [n for n in names if n not in taken and taken not in n]


def _parties(text: str, subjects: Sequence[str]) -> tuple[str | None, str | None]:
    names = [s for s in subjects if s]
    for pat in (_GRANT_CN, _GRANT_EN):
        m = pat.search(text)
        if m and _COUNTERPART.match(text, m.end()):
            # "A与B……将其权益授予对方": the counterpart is the one A signed with.
            w = _WITH.search(text, 0, m.start())
            if w:
                raw = _WITH_NAME.match(text, w.end())
                span = raw.group(1).strip() if raw else ""
                licensee = _first_after(text, w.end(), names, within=2) or (
                    next((n for n in names if n in span), span) or None
                )
                return _last_before(text, w.start(), _others(names, licensee)), licensee
        if m:
            licensee = _first_after(text, m.end(), names)
            licensor = _last_before(text, m.start(), _others(names, licensee))
            if licensee or licensor:
                return licensor, licensee
    m = _TAKE_EN.search(text)
    if m:
        raw = _EN_NAME.match(text, m.end())
        licensor = _first_after(text, m.end(), names, within=2) or (raw.group(1) if raw else None)
        return licensor, _last_before(text, m.start(), _others(names, licensor))
    m = _PAY.search(text)
    if m:
        payee = m.group("cn") or m.group("en") or ""
        licensor = next((n for n in names if n in payee or payee.strip() in n), None)
        licensee = _last_before(text, m.start(), _others(names, licensor))
        return licensor, licensee
    return None, None


def _distinct(licensor: str | None, licensee: str | None) -> tuple[str | None, str | None]:
    """A party cannot be on both sides of its own deal; keep the licensor then."""
    if licensor and licensee and (licensor in licensee or licensee in licensor):
        return licensor, None
    return licensor, licensee


def _nearest_name(before: str, after: str) -> str | None:
    """The naming word closest to the figure, before it or just after it ("2亿美元首付款")."""
    best: tuple[int, str] | None = None
    for kind, pat in (("upfront", _UPFRONT), ("milestones", _MILESTONE), ("total", _TOTAL)):
        for m in pat.finditer(before):
            dist = len(before) - m.end()
            if best is None or dist < best[0]:
                best = (dist, kind)
        nxt = pat.search(after)
        # Words after the figure count only when nothing else stands between ("的首付款").
        if (
            nxt
            and re.fullmatch(r"\s*(?:的|in|of|的[^，。；,;]{0,12})?\s*", after[: nxt.start()])
            and (best is None or nxt.start() < best[0])
        ):
            best = (nxt.start(), kind)
    return best[1] if best else None


def _amount(q: Quantity) -> Amount:
    return Amount(normalize(q.value), q.unit)


def deal_terms(*, sentences: Sequence[str], subjects: Sequence[str]) -> DealTerms:
    """Read the terms from the deal's sentence and the sentences that give its terms."""
    text = "".join(sentences)
    licensor, licensee = _distinct(*_parties(text, subjects))
    territory = _EXCEPT.search(text) or _TERRITORY.search(text)
    upfront = milestones = total = None
    prev_end = 0
    for q in _quantities(text):
        before = text[max(prev_end, q.start - 24) : q.start]
        prev_end = q.end
        if re.search(r"[（(]\s*(?:约合|折合|约|about)?\s*$", before):
            continue
        # A naming word never reaches across a comma or past the previous figure.
        before = re.split(r"[，,；;]", before)[-1]
        kind = _nearest_name(before, text[q.end : q.end + 20])
        if kind == "upfront" and upfront is None:
            upfront = _amount(q)
        elif kind == "milestones" and milestones is None:
            milestones = _amount(q)
        elif kind == "total" and total is None:
            total = _amount(q)
    if total is None and upfront and milestones and upfront.unit == milestones.unit:
        total = Amount(normalize(upfront.value + milestones.value), upfront.unit)
    return DealTerms(
        licensor=licensor,
        licensee=licensee,
        territory=territory.group(1).strip() if territory else None,
        upfront=upfront,
        milestones=milestones,
        total=total,
    )
