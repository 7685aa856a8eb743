"""Organisation and product names found from their position, not from a legal suffix.

Real news names investors, partners and acquirers by their short names ("X领投",
"与X达成", "led by X Capital", "partnership with X"). These rules read the role a
phrase plays in its clause; the names themselves come from the text, never from a list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from biopark.intel.names import is_generic, plain_name, trim_left
from biopark.intel.wordlists import PLACES

# --- Chinese -----------------------------------------------------------------------------

# "A领投，B、C跟投": everything between the clause start and the role verb is a list of investors.
_CN_INVEST_ROLE = re.compile(
    r"(?:^|[，。；：,;:（(\n])(?:由|本轮由|本轮融资由|此轮融资由)?"
    r"([^，。；：,;:（()）\n]{2,60}?)(?:联合领投|共同领投|领投|跟投|参投|共同投资|追加投资|超额认购)"
)
_CN_ITEM_SPLIT = re.compile(r"、|以及|及|和|与|，|,")
_CN_ROLE_WORDS = re.compile(
    r"^(?:老股东|新股东|现有股东|原股东|股东|投资方|投资人|机构|知名机构|产业资本|国资|基石投资者|继续|持续|"
    r"独家|等|则|另|还有|包括|其中|旗下|的)+"
)
# "与X达成/签署/签订……": the counterparty of an agreement.
_CN_PARTNER = re.compile(
    r"(?:与|同|携手|联手|牵手)([\u4e00-\u9fffA-Za-z0-9]{2,14}?)(?:正式|共同|双方|今日|日前|近日)?"
    r"(?:达成|签署|签订|就|宣布|举行|开展|建立|订立|合作|联合)"
)
# Investment firms are written with one of these endings after a short brand.
_CN_INVESTOR = re.compile(r"(资本|创投|产投|基金|投资)(?=[、，。；和及与等领跟参在以的）)\s]|$)")
_CN_STEM = re.compile(r"[\u4e00-\u9fffA-Za-z]{2,4}$")
_CN_ROLE_CUE = re.compile(r"领投|跟投|参投|共同投资|追加投资|超额认购")
_NOT_PARTY = re.compile(
    r"(?:政府|委员会|管委会|局|厅|部|医院|大学|学院|研究院|研究所|园区|高新区|开发区|中心|协会|双方|各方|多家|一家|"
    r"企业|公司|集团|团队|方面|合作|项目|当地|全球|国内|海外|国际|我们|他们|其|该|机构|投资者|投资人|股东|资本)$|^(?:该|其|我|双方|多家|一家|本)"
)
_PLACE_SET = frozenset(PLACES)


# "北欧药企X", "美国生物技术公司X": a descriptor in front of the name.
_DESCRIPTOR = re.compile(r"^.{0,8}?(?:药企|企业|公司|机构|集团|药厂)(?=.{2})")


def _cn_name(raw: str) -> str | None:
    name = _CN_ROLE_WORDS.sub("", raw.strip(" “”\"'·"))
    name = _DESCRIPTOR.sub("", name)
    name = trim_left(text=name) if len(name) > 2 else name
    if not 2 <= len(name) <= 12 or name in _PLACE_SET:
        return None
    if _NOT_PARTY.search(name) or is_generic(stem=name) or not plain_name(text=name):
        return None
    if re.search(r"\d{3,}|[年月日亿万元%]", name):
        return None
    return name


def chinese_parties(text: str) -> Iterator[str]:
    """Investors before 领投/跟投, partners after 与…达成, firms ending in 资本/创投/基金."""
    for m in _CN_INVEST_ROLE.finditer(text) if _CN_ROLE_CUE.search(text) else ():
        for item in _CN_ITEM_SPLIT.split(m.group(1)):
            name = _cn_name(item)
            if name:
                yield name
    for m in _CN_PARTNER.finditer(text):
        name = _cn_name(m.group(1))
        if name:
            yield name
    for m in _CN_INVESTOR.finditer(text):
        found = _CN_STEM.search(text, max(0, m.start() - 4), m.start())
        if not found:
            continue
        stem = _CN_ROLE_WORDS.sub("", found.group())
        # In a list ("A创投、B资本") a verb-looking brand is still a name; alone it must look plain.
        start = found.start()
        listed = text[m.end() : m.end() + 1] in "、等" or text[start - 1 : start] == "、"
        if len(stem) < 2 or stem in _PLACE_SET or is_generic(stem=stem) or _NOT_PARTY.search(stem):
            continue
        if listed or plain_name(text=stem):
            yield stem + m.group(1)


# --- English -----------------------------------------------------------------------------

_CAP = r"(?:[A-Z][A-Za-z0-9\-.']*|&)"
_EN_ORG_ENDING = re.compile(
    rf"(?<![A-Za-z0-9])((?:{_CAP} ){{0,3}}(?:Venture Partners|Capital|Partners|Ventures|Investments?|"
    r"Healthcare|Electric|Biotherapies|Biopharmaceuticals?|Securities|Bank|AMC|PE|Asset Management|"
    r"Sciences|Fund|Holdings|Group))(?![A-Za-z])"
)
_EN_PHRASE = re.compile(
    rf"{_CAP}(?: (?:{_CAP}|of|de|and(?= [A-Z][a-z]+ (?:Capital|Partners|Bank))))*"
)
_EN_ROLE = re.compile(
    r"(?:co-led by|led by|participation (?:from|of|by)|joined by|investors? (?:include|included|including|are|were)|"
    r"backed by|shareholders(?: such as| including| include)?|underwriters? (?:is|are|include)|"
    r"(?:agreement|partnership|collaboration|deal|pact|cooperation|contract|alliance|venture) with|"
    r"partnering with|partnered with|teamed up with|signed with|license from|licensed from|acquired by|"
    r"sponsored by|supported by)\s+(?:the\s+)?([^.;:()]{2,240})"
)
_EN_LEAD_DROP = re.compile(
    r"^(?:The|A|An|In|On|At|For|And|With|By|Its|Their|This|That|Existing|New|Investors?|Shareholders?|"
    r"Chinese|US|U\.S\.|Global|Leading)\s+"
)
_EN_NOT_ORG = re.compile(
    r"^(?:China|Chinese|Beijing|Shanghai|Shenzhen|Hong Kong|US|U\.S\.|United States|Europe|Asia|FDA|NMPA|"
    r"Series [A-F]\+*|January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|The|It|He|She|They|We|Class \w+)$"
)
_EN_GOV = re.compile(
    r"\b(?:Government|Ministry|Administration|Commission|Bureau|Department|Committee|Council|University|"
    r"Hospital|Institute|District|Province|City|Municipal|Zone|Park|Exchange|Market|Board)\b"
)


_EN_CAPS = re.compile(r"[A-Z][a-z]+ [A-Z]")


def _en_clean(phrase: str) -> str | None:
    prev = None
    while prev != phrase:
        prev = phrase
        phrase = _EN_LEAD_DROP.sub("", phrase).strip(" ,'\"")
    if phrase.endswith("'s"):
        phrase = phrase[:-2]
    if not phrase or len(phrase) < 3 or len(phrase.split()) > 6 or _EN_NOT_ORG.match(phrase):
        return None
    if _EN_GOV.search(phrase):
        return None
    return phrase


def english_parties(text: str) -> Iterator[str]:
    """Investors, partners and firms named in English without a legal suffix."""
    if not _EN_CAPS.search(text):
        return
    for m in _EN_ORG_ENDING.finditer(text):
        name = _en_clean(m.group(1))
        if name and " " in name:
            yield name
    for m in _EN_ROLE.finditer(text):
        tail = m.group(1)
        # The list ends where a lowercase word that is not a connector starts a new clause.
        for part in re.split(r",\s*(?:and\s+|as well as\s+)?|\s+and\s+|\s+as well as\s+", tail):
            lead = _EN_PHRASE.match(part.strip())
            if not lead:
                break
            name = _en_clean(lead.group())
            if name:
                yield name
            if lead.end() < len(part.strip()):
                break


# --- Drugs -------------------------------------------------------------------------------

# Codes with letters inside the number part ("AB-12C34"), hyphenless "ABC12" codes.
_MIXED_CODE = re.compile(
    r"(?<![A-Za-z0-9\-])([A-Z]{2,5}-(?=[A-Z0-9]*\d[A-Z0-9]*\d)[A-Z0-9]{3,8}"
    # Hyphenless "ABC12" reads like a gene target (CLDN18) unless a filing or trial follows.
    r"|[A-Z]{2,4}\d{2}(?=\s?(?:获|的(?:临床|新药|IND)|(?:IND|NDA|BLA)|临床试验|注射液)))(?![A-Za-z0-9\-.])"
)
# Point mutations (T790M, L858R) and exons are targets, not products.
MUTATION = re.compile(r"^[A-Z]\d{2,4}[A-Z]$")
_NOT_CODE = re.compile(
    r"^(?:COVID|SARS|ISO|GMP|GB|PD|CD|IL|HER|EGFR|KRAS|CDK|HK|SH|SZ|ASCO|ESMO|AACR|WHO|QS)"
)
_TWO_CAPS = re.compile(r"[A-Z]{2}")
_BRAND = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Za-z0-9\-]{2,24})\s?[®™]")


def drug_names(text: str) -> Iterator[str]:
    """Product codes and registered brands ("XYZ-12A3", "Brandname®")."""
    for m in _MIXED_CODE.finditer(text) if _TWO_CAPS.search(text) else ():
        code = m.group(1)
        if not _NOT_CODE.match(code):
            yield code
    for m in _BRAND.finditer(text) if ("®" in text or "™" in text) else ():
        yield m.group(1)
