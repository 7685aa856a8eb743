"""Named entities: companies, drugs, institutions, government bodies, parks, platforms, people, media."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import rjieba

from biopark.intel.names import (
    COMPANY_SUFFIX,
    DRUG_SUFFIX,
    grow_left,
    is_generic,
    looks_like_brand,
    plain_name,
    trim_left,
)
from biopark.intel.orgs import MUTATION, chinese_parties, drug_names, english_parties
from biopark.intel.prefilter import Prefiltered
from biopark.intel.types import Entity
from biopark.intel.wordlists import KNOWN_COMPANIES

_COMPANY = re.compile(
    rf"(?:{COMPANY_SUFFIX})(?![\u4e00-\u9fff]{{0,2}}(?:城|园|谷|区|学|院|所|局|委|部|站|馆))"
)
_WEAK = frozenset(
    [
        "生物",
        "医药",
        "科技",
        "医疗",
        "医科",
        "资本",
        "股份",
        "生物医药",
        "生物科技",
        "生物技术",
        "控股",
        "创投",
    ]
)
# What companies do right after their name is written ("某某生物研发的……").
_COMPANY_ACT = re.compile(
    r"^(?:自主研发|研发|宣布|发布|公告|获得|获批|完成|推出|旗下|申报|递交|与|携手|的[\u4e00-\u9fffA-Za-z0-9]{1,8}(?:注射液|单抗|疫苗|片|胶囊))"
)
# A brand at the start of a clause followed by what only companies do.
_ACTOR = re.compile(
    r"(?:^|[，。；：、,;:\n“])([\u4e00-\u9fff]{2,8}?)(?=是[^，。]{0,20}(?:企业|药企|公司)[，。,]|另一款|旗下|自主研发|宣布|发布公告|"
    r"公告称|首款|早期研发|获批|递交|申报)"
)
# "3个生物医药项目": a counted phrase, not a name.
_COUNTED = re.compile(r"^(?:[\d.]+|[一二三四五六七八九十两几多数百千]+)[个家项款批类种名位]")
_AREA = re.compile(r"全市|全区|全省|全县|全国|本市|我市|本区|园区|新区|该区|区内|市内|省内")
_PARKISH = re.compile(r"(?:城|园|区|谷|中心|基地|平台)$")
_DRUG = re.compile(
    rf"(?:{DRUG_SUFFIX})(?![\u4e00-\u9fff]{{0,1}}(?:企业|公司|产业|领域|研发|药物|平台|技术|类|行业|集群|基地))"
)
_CODE = re.compile(
    r"(?<![A-Za-z0-9])([A-Z]{1,5}-?\d{3,6}[A-Za-z]?)(注射液|片|胶囊|单抗|疫苗)?(?![A-Za-z0-9])"
)
_NOT_CODE = re.compile(
    r"^(?:ISO|GB|GMP|ICP|COVID|SARS|IPO|PCT|WHO|TS|KB|CN|US|EP|WO|HK|SH|SZ|TEL|NO|GSP|GLP|PD|CD)",
    re.I,
)
_INN = re.compile(
    r"\b([A-Z]?[a-z]{3,}(?:mab|nib|tinib|ciclib|parib|lisib|stat|vir|cept|tide|glutide|tecan|mycin|zumab|ximab))\b"
)
_EN_COMPANY = re.compile(
    r"(?<![A-Za-z0-9&])((?:[A-Z][A-Za-z0-9&\-]+ ){0,4}[A-Z][A-Za-z0-9&\-]+,? (?:Inc\.|Inc\b|Ltd\.|Limited\b|"
    r"Co\., Ltd\.|Corp\.|Corporation\b|Pharmaceuticals?\b|Therapeutics\b|Biotherapeutics\b|Biosciences\b|"
    r"Biotech\b|Biologics\b|Biopharma\b|BioPharma\b|Pharma\b|Oncology\b|Medicines\b|Group\b|Holdings\b|AG\b|AB\b|"
    r"GmbH\b|plc\b|PLC\b|S\.A\.|SA\b|SE\b|N\.V\.|LLC\b|K\.K\.|A/S\b|S\.p\.A\.|Bio(?= Ltd| Inc)))"
    r"(?:,? (?:Inc\.|Ltd\.|AG\b|AB\b|GmbH\b|Co\., Ltd\.|LLC\b))?"
)
_EN_NOT_COMPANY = re.compile(
    r"\b(?:Society|Association|Institute|University|Hospital|Cent(?:er|re)|College|Journal|Conference|Congress|"
    r"Department|Ministry|Administration|Agency|Bureau|Commission|Council|Foundation|Exchange)\b"
)
_EN_BODY_NEXT = re.compile(
    r"\s+(?:Agency|Administration|Association|Society|Institute|Council|Foundation|Conference)\b"
)
_EN_FIELD = re.compile(r"(?:Oncology|Medicines|Biotech)$")
# "建成后可年产疫苗": production talk, not a product name.
_DRUG_STEM_BAD = re.compile(r"年产|生产|建成|研发|开发|用于|可年|以及|新增|批签发")
# Most Chinese pages hold none of the legal suffixes: skip the costly English scan there.
_EN_COMPANY_GUARD = Prefiltered(_EN_COMPANY)
_KNOWN_RE = re.compile(
    "|".join(re.escape(n) for n in sorted(KNOWN_COMPANIES, key=len, reverse=True))
)
_LATIN = re.compile(r"[A-Za-z0-9]")
_INSTITUTION = re.compile(
    r"(?:大学|学院|研究院|研究所|医院|协会|学会|联盟|科学院|实验室|研究中心)(?![\u4e00-\u9fff]{0,1}(?:的|等))?"
)
_GOV = re.compile(
    r"(?:部|委员会|委|(?<![布格结大全当开])局|人民政府|政府|管委会)(?=[、，。,和与及等的）)\s]|$)"
)
_PARK = re.compile(r"生物城|药谷|医药城|产业园|科技园|科学城|高新区|开发区|经开区|示范区|生态圈")
_PLATFORM = re.compile(r"平台|孵化中心|创新中心|研发中心|运营中心")
_PERSON = re.compile(
    r"(?:主任|书记|区长|市长|县长|局长|部长|董事长|总经理|总裁|院长|教授|博士|负责人|创始人|经理|主席)([\u4e00-\u9fff]{2,3})(?=表示|介绍|说|指出|称|认为|强调|透露)"
)
_MEDIA = re.compile(r"(?:日报|晚报|晨报|时报|商报|新闻网|网|电视台)(?=[、，。,”）\s]|讯|记者|消息)")
# List contexts: "A、B、C等(重点)企业", "以A、B为代表的", "A、B等N个创新药物".
_LIST = re.compile(
    r"(?:以|如|包括|例如|比如|促成|协助|推动|引进|引入|吸引|聚集|集聚|培育|支持|帮助|带动|发挥)?"
    r"((?:[^，。；：、！？“”,.;:!?\s]{2,24}、)*[^，。；：、！？“”,.;:!?\s]{2,24})"
    r"(?:等(?:\d+|[一二三四五六七八九十百几多数]+)?(?:余)?(?:个|家|款|种|批|项)?\s*"
    r"(?P<kind>[\u4e00-\u9fff]{0,10}?(?:企业|公司|药企|集团|项目|药物|药品|新药|品种|产品|疫苗|创新药))|"
    r"(?P<rep>为代表的?))"
)
_SENTENCE = re.compile(r"[^。！？\n]+")
_PROJECT_CUT = re.compile(
    r"全球|研发|总部|抗体|生产|一期|二期|三期|改扩建|扩建|新建|产业化|大健康|药品|CDMO|CRO|基地|项目|西南|华南|华东|华北|中国区|类器官|现代中药|手术机器人"
)
_ITEM_LEAD = re.compile(
    r"^(?:以|如|包括|例如|比如|促成|协助|推动|引进|引入|吸引|聚集|集聚|培育|支持|帮助|带动|充分发挥|发挥|与|和|及|MAH项目|项目)"
)
_FACILITY = re.compile(r"(?:中心|平台|基地|园|城|谷|院|所|车间|工厂|实验室)$")
_THERAPY_AREA = re.compile(
    r"^(?:抗|治疗|预防|防治|重点|主要|布局|研发|生产)|领域$|(?:疾病|系统|血管)$"
)
# "全资子公司", "生物技术公司", "股份有限公司医药": roles, kinds and fragments, not names.
_NOT_NAME = re.compile(
    r"^(?:股份|有限|公司|集团|控股)|^(?:生物|医药|科技|技术|制药|医疗|生命科学|健康|创新|药品|器械)+公司$|^.{0,3}(?:子|孙|母|分|总|该|本|其|合资|全资|控股|参股|上市)公司$"
)


def _add(found: dict[str, str], name: str, kind: str) -> None:
    name = name.strip("“”\"'（）() ·-")
    if len(name) < 2 or len(name) > 40:
        return
    found.setdefault(name, kind)


def _companies(text: str, found: dict[str, str]) -> None:
    for m in _COMPANY.finditer(text):
        suffix = m.group()
        name = grow_left(text=text, end=m.end(), suffix_len=len(suffix))
        stem = name[: -len(suffix)]
        if len(stem) < 2 or _PARKISH.search(stem) or is_generic(stem=stem) or _COUNTED.match(stem):
            continue
        if suffix in _WEAK and not (
            looks_like_brand(stem=stem) or _COMPANY_ACT.match(text[m.end() : m.end() + 12])
        ):
            continue
        _add(found, name, "company")
    for m in _ACTOR.finditer(text):
        name = m.group(1)
        if plain_name(text=name) and not is_generic(stem=name) and not _AREA.match(name):
            _add(found, name, "company")
    for m in _EN_COMPANY.finditer(text) if _EN_COMPANY_GUARD.possible(text) else ():
        # "American Society of Clinical Oncology" names a society, not a company.
        after_of = text[max(0, m.start() - 4) : m.start()] == " of "
        if _EN_BODY_NEXT.match(text, m.end()):
            continue
        if _EN_NOT_COMPANY.search(m.group()) or (after_of and _EN_FIELD.search(m.group())):
            continue
        _add(found, m.group().rstrip(","), "company")
    for m in _KNOWN_RE.finditer(text):
        if _standalone(text, m.start(), m.end()):
            _add(found, m.group(), "company")


def _standalone(text: str, start: int, end: int) -> bool:
    """A listed name counts only as a whole word ("强生", not the middle of "增强生产")."""
    if text[start].isascii():
        return not ((start and _LATIN.match(text[start - 1])) or _LATIN.match(text[end : end + 1]))
    lo = max(0, start - 8)
    cuts, pos = {0}, 0
    for word in rjieba.cut(text[lo : end + 8]):
        pos += len(word)
        cuts.add(pos)
    return start - lo in cuts and end - lo in cuts


def _drugs(text: str, found: dict[str, str]) -> None:
    for m in _CODE.finditer(text):
        if not _NOT_CODE.match(m.group(1)) and not MUTATION.match(m.group(1)):
            _add(found, m.group(), "drug")
    for name in drug_names(text):
        _add(found, name, "drug")
    for m in _DRUG.finditer(text):
        suffix = m.group()
        name = grow_left(text=text, end=m.end(), suffix_len=len(suffix), max_chars=10)
        stem = name[: -len(suffix)]
        if re.search(r"[A-Z]{1,5}-?\d{3,6}[A-Za-z]?$", stem) or is_generic(stem=stem):
            continue
        if _DRUG_STEM_BAD.search(stem) or (
            suffix in ("片", "肽", "双抗", "单抗") and len(stem) < 3
        ):
            continue
        _add(found, name, "drug")
    for m in _INN.finditer(text):
        _add(found, m.group(1), "drug")


def _list_matches(text: str) -> Iterator[re.Match[str]]:
    """_LIST on the sentences that can hold a list ("等", "为代表"): it is slow on long text."""
    for sent in _SENTENCE.finditer(text):
        if "等" in sent.group() or "为代表" in sent.group():
            yield from _LIST.finditer(sent.group())


def _lists(text: str, found: dict[str, str]) -> None:
    for m in _list_matches(text):
        kind = m.group("kind") or ""
        if re.match(r"领域|行业|方向|赛道|类|细分", kind):
            continue
        is_drug = (
            bool(re.search(r"药物|药品|新药|品种|疫苗|创新药|产品", kind)) and "企业" not in kind
        )
        items = m.group(1).split("、")
        # The first item may carry the words before the list; keep its name part only.
        bare = _ITEM_LEAD.sub("", items[0])
        if len(bare) > 6:
            head = grow_left(text=bare, end=len(bare), suffix_len=0, max_chars=24)
            bare = head if len(head) >= 2 else trim_left(text=bare)
        items[0] = bare
        if len(items) < 2 and not m.group("rep") and not re.search("企业|公司|药企|集团", kind):
            continue
        for raw in items:
            item = _ITEM_LEAD.sub("", raw).strip().lstrip("了以与和及的")
            if len(item) < 2:
                continue
            if is_drug:
                # "抗肿瘤、治疗心脑血管等药品" lists therapy areas, not products.
                if not _FACILITY.search(item) and not _THERAPY_AREA.search(item):
                    _add(found, item, "drug")
                continue
            cut = _PROJECT_CUT.search(item)
            if cut and cut.start() >= 2:
                item = item[: cut.start()]
            elif _FACILITY.search(item):
                _add(found, item, "platform")
                continue
            if not is_generic(stem=item):
                _add(found, item, "company")


def _others(text: str, found: dict[str, str]) -> None:
    for pat, kind in (
        (_PARK, "park"),
        (_PLATFORM, "platform"),
        (_GOV, "government"),
        (_MEDIA, "media"),
    ):
        for m in pat.finditer(text):
            name = grow_left(text=text, end=m.end(), suffix_len=len(m.group()), max_chars=12)
            if len(name) - len(m.group()) >= 2 and not is_generic(stem=name[: -len(m.group())]):
                _add(found, name, kind)
    for m in _INSTITUTION.finditer(text):
        name = grow_left(text=text, end=m.end(), suffix_len=len(m.group()))
        if len(name) >= 4:
            _add(found, name, "institution")
    for m in _PERSON.finditer(text):
        _add(found, m.group(1), "person")


def _tidy(found: dict[str, str]) -> dict[str, str]:
    """Strip a known company name off the front of drug names ("某某赛立奇单抗")."""
    companies = sorted((n for n, k in found.items() if k == "company"), key=len, reverse=True)
    out: dict[str, str] = {}
    for name, kind in found.items():
        if kind == "drug":
            for c in companies:
                if name.startswith(c) and len(name) - len(c) >= 2:
                    name = name[len(c) :]
                    break
        out.setdefault(name, kind)
    # A company name that is a drug name's prefix plus a drug suffix is the drug.
    return out


def find_entities(*, text: str, known_names: Iterable[str] = ()) -> list[Entity]:
    """Find named entities in cleaned text, with how often each is mentioned."""
    found: dict[str, str] = {}
    for name in known_names:
        if name and name in text:
            found[name] = "company"
    _lists(text, found)
    _companies(text, found)
    _drugs(text, found)
    _others(text, found)
    for name in chinese_parties(text):
        _add(found, name, "company")
    for name in english_parties(text):
        _add(found, name, "company")
    found = {
        n: k
        for n, k in found.items()
        if not (
            k == "company"
            and (_NOT_NAME.search(n) or (n.endswith("公司") and is_generic(stem=n[:-2])))
        )
    }
    found = _tidy(found)
    # Prefer the longer name when one contains another of the same kind.
    names = sorted(found, key=len, reverse=True)
    # Counted once: the containment check below compares every pair of names.
    counts = {name: text.count(name) for name in names}
    kept: list[Entity] = []
    for name in names:
        kind = found[name]
        if any(kind == e.type and name in e.name and counts[name] == counts[e.name] for e in kept):
            continue
        kept.append(Entity(name=name, type=kind, mentions=max(1, counts[name])))
    return sorted(kept, key=lambda e: (-e.mentions, text.find(e.name)))
