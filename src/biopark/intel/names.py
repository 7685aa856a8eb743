"""Word lists and boundary rules for reading Chinese organisation and drug names.

jieba-style segmenters split unknown brand names into odd pieces, so a name is
found from its suffix (有限公司, 生物, 注射液 ...) and grown leftwards over the
segmenter's tokens until a verb, preposition or punctuation mark stops it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import rjieba

from biopark.intel.segment import ensure_dictionary
from biopark.intel.wordlists import GENERIC, PLACES, STOP_POS, STOP_WORDS

COMPANY_SUFFIX = (
    r"(?:集团)?股份有限公司|有限责任公司|有限公司|股份公司|公司|集团|控股|药业|制药|医药|生物科技|生物技术|"
    r"生物医药|生物|科技|医疗|医科|银行|资本|创投|股份"
)
DRUG_SUFFIX = (
    r"单抗注射液|细胞注射液|注射液|注射剂|单克隆抗体|单抗|双抗|疫苗|缓释片|控释片|肠溶片|分散片|"
    r"咀嚼片|缓释胶囊|控释胶囊|肠溶胶囊|缓释颗粒|(?<=[酸钠钾胺平汀坦唑醇酯素林定尼啶嗪酮])片|胶囊|颗粒|口服液|口服溶液|滴眼液|软膏|乳膏|凝胶|喷雾剂|气雾剂|吸入剂|贴剂|混悬液|滴剂|"
    r"胰岛素|替尼|沙坦|他汀|格列汀|霉素|西林|鲁肽|肽"
)


@lru_cache(maxsize=32768)
def _tag_cached(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(rjieba.tag(text))


def _tag(text: str) -> tuple[tuple[str, str], ...]:
    """Part-of-speech tags; names and windows repeat within and across pages, so cached."""
    ensure_dictionary()
    return _tag_cached(text)


_LEAD_CHARS = frozenset("以与和及的了在对向为将把被由从于是等")
# Everything up to the last character that cannot sit inside a name (greedy, so the last one).
_UP_TO_LAST_MARK = re.compile(r"(?s).*[^\u4e00-\u9fffA-Za-z0-9（）()·\-]")
_CJK_OR_CODE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


# Words inside registered names that the segmenter tags as verbs ("先导药物开发股份有限公司").
_TRADE_WORDS = frozenset(
    ["开发", "控股", "研发", "发展", "投资", "管理", "咨询", "实业", "技术", "制造", "生产", "服务",
     "检测", "诊断", "营销", "销售", "贸易", "进出口", "某某"]
)  # fmt: skip
_REGISTERED = re.compile(r"有限公司|有限责任公司|股份公司")
_PLACE_RE = re.compile("|".join(sorted(PLACES, key=len, reverse=True)))


def grow_left(*, text: str, end: int, suffix_len: int, max_chars: int = 16) -> str:
    """Extend a name leftwards from text[end - suffix_len:end] until a stop token."""
    ensure_dictionary()
    registered = bool(_REGISTERED.search(text[end - suffix_len : end]))
    if registered:
        max_chars = max(max_chars, 24)
    lo = max(0, end - suffix_len - max_chars)
    window = text[lo : end - suffix_len]
    # Cut at the last punctuation mark: names never span one.
    last = _UP_TO_LAST_MARK.match(window)
    if last:
        window = window[last.end() :]
    tokens = _tag(window) if window else []
    kept: list[str] = []
    for word, pos in reversed(tokens):
        if registered and word in _TRADE_WORDS:
            kept.append(word)
            continue
        if word in STOP_WORDS:
            break
        if len(word) >= 2 and pos in STOP_POS:
            break
        if not _CJK_OR_CODE.match(word):
            break
        kept.append(word)
    name = "".join(reversed(kept))
    # The segmenter sometimes glues a preposition onto an unknown name ("以智睿").
    while len(name) > 2 and name[0] in _LEAD_CHARS:
        name = name[1:]
    if registered:
        name = _from_place(window, name)
    return name + text[end - suffix_len : end]


def _from_place(window: str, name: str) -> str:
    """Registered names open with their city or province ("上海" + 君和医药科技有限公司)."""
    head = window[: len(window) - len(name)]
    places = list(_PLACE_RE.finditer(head))
    if not places:
        return name
    gap = head[places[-1].end() :]
    if len(gap) > 4 or (gap and gap[0] in _LEAD_CHARS):
        return name
    return head[places[-1].start() :] + name


_NAME_POS = frozenset(["nr", "nz", "nrt", "nrfg", "x", "eng", "j", "ns", "nt", "g"])


def looks_like_brand(*, stem: str) -> bool:
    """True when a stem reads as a proper name (unknown or name-tagged words), not a phrase."""
    ensure_dictionary()
    tags = _tag(stem)
    if not tags or all(pos == "ns" for _, pos in tags):
        return False
    return all(len(w) == 1 or pos in _NAME_POS for w, pos in tags)


_GENERIC_RE = re.compile(
    "|".join(sorted((w for w in GENERIC if len(w) > 1), key=len, reverse=True))
)


def plain_name(*, text: str) -> bool:
    """True when no word of text is a verb, preposition or other non-name word."""
    ensure_dictionary()
    return all(
        w not in STOP_WORDS and (len(w) == 1 or pos not in STOP_POS) for w, pos in _tag(text)
    )


@lru_cache(maxsize=32768)
def is_generic(*, stem: str) -> bool:
    """True when a name's stem is made only of common words (生物医药, 上市公司)."""
    if len(stem) < 2:
        return True
    ensure_dictionary()
    rest = _GENERIC_RE.sub("", stem)
    if rest:
        rest = "".join(w for w, _ in _tag(rest) if not (w in GENERIC or w in PLACES))
    return len(rest) < 1 or (len(rest) == 1 and len(stem) <= 3)


def trim_left(*, text: str) -> str:
    """Drop leading verbs, prepositions and particles ("协助百亚股份" -> "百亚股份")."""
    ensure_dictionary()
    tags = _tag(text)
    i = 0
    while i < len(tags) and (
        tags[i][0] in STOP_WORDS or (len(tags[i][0]) >= 2 and tags[i][1] in STOP_POS)
    ):
        i += 1
    return "".join(w for w, _ in tags[i:])
