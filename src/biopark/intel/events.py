"""Events: deals, approvals, filings, listings, signings, milestones, financings, awards."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from biopark.intel.deals import deal_terms
from biopark.intel.names import is_generic
from biopark.intel.numbers import normalize
from biopark.intel.prefilter import Prefiltered, any_possible
from biopark.intel.quantities import Quantity, chinese_in, english_in
from biopark.intel.sentences import sentence_list
from biopark.intel.types import Amount, DealTerms, Entity, Event
from biopark.intel.wordlists import PLACES

_TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        (
            "licensing_deal",
            r"(?<!专利)授权(?!发明专利|专利)|许可协议|许可交易|独家许可|权益(?:出海|转让)|出海交易|BD交易|"
            r"授予[^，。；]{0,40}(?:权益|许可|权利|开发权|销售权|商业化权)|首付款|里程碑付款|或有付款|"
            r"out-?licens|in-?licens|licens(?:e|ing) (?:agreement|deal)|\blicen[cs](?:es|ed)\b|exclusive licen|"
            r"option and licen|rights to develop|exclusive rights to|upfront payment|milestone payments?",
        ),
        (
            "clinical_approval",
            r"获批(?:开展)?临床|获批[^，。；]{0,6}IND|临床试验(?:申请|许可)?[^，。；]{0,30}(?:获批|批准|默示许可|获得)|临床默示许可|"
            r"IND[^，。；.]{0,20}(?:获批|批准|clear|approv)|cleared? (?:the|its|an)? ?IND|"
            r"(?:cleared|approved|granted)[^.;，。]{0,60}\b(?:Investigational New Drug|IND)\b|IND clearance|"
            r"approv\w*[^.;，。]{0,60}\bto (?:begin|start|initiate|conduct|launch) (?:a |its )?(?:phase \w+ )?clinical (?:trials?|studies|study)",
        ),
        (
            "marketing_application",
            r"申报上市|(?:上市(?:许可)?|注册|许可)申请[^，。；]{0,12}(?:受理|递交|提交|优先审评|优先评审)|"
            r"(?:递交|提交)[^，。；]{0,12}(?:上市(?:许可)?|注册)申请|(?:NDA|BLA)\)?的?优先(?:审评|评审)|"
            r"accepted by the (?:FDA|NMPA|EMA)|(?:FDA|NMPA|EMA) (?:has )?accepted|priority review|"
            r"(?:NDA|BLA|MAA)[^，。；.]{0,20}(?:受理|accept|submi|fil)|(?:submitted|filed) (?:a|an|the) (?:NDA|BLA|MAA)|"
            r"(?:accepted|submitted|filed)[^.;，。]{0,50}\b(?:NDA|BLA|MAA|New Drug Application|Biologics License Application)",
        ),
        (
            "marketing_approval",
            r"获批上市|批准上市|(?:进口)?注册申请[^，。；]{0,8}(?:获批|获得批准)|(?:获得|取得|收到|获颁)[^，。；]{0,40}(?:药品注册证书|注册证书|医疗器械注册证)|批准[^，。；]{2,40}上市(?!申请|许可申请)|上市许可[^，。；]{0,6}(?:获批|批准)|附条件批准|"
            r"(?:NMPA|FDA|EMA)[^.，。；]{0,20}(?:approv|批准)(?![^.;，。]{0,60}(?:IND\b|Investigational|临床|clinical))|"
            r"approved (?:by|for)|marketing authori[sz]ation",
        ),
        (
            "ipo",
            r"IPO|首次公开发行|递表|递交招股书|挂牌上市|上市(?:首日|敲钟)|登陆[^，。；]{0,8}(?:板|交所|市场)|招股|"
            r"(?:科创板|创业板|北交所|港交所|主板|纳斯达克)[^，。；]{0,4}上市|initial public offering|listed on|went public|"
            r"集资总额|超购|公开发售|招股价|上市申请",
        ),
        (
            "project_signing",
            r"签约|签订[^，。；]{0,10}(?:项目|协议|合同)|项目[^，。；]{0,8}落户|落户|入驻|"
            r"\bsign(?:s|ed|ing)?\b[^.;]{0,40}\b(?:projects?|investment agreements?)\b",
        ),
        (
            "facility_milestone",
            r"封顶|投产|竣工|开工|开建|动工|施工|建成投用|投入使用|投用|启用|落成|奠基|试生产|groundbreaking|"
            r"broke(?:n)? ground|breaks? ground|commenced (?:production|operation)|topped out|completed construction|"
            r"(?:officially )?(?:opened|inaugurated)\b",
        ),
        (
            "financing",
            r"融资|天使轮|领投|跟投|战略投资|Pre-?[A-F]轮|[A-F]\+?轮|募资|募集资金|定增|raised|financing|funding round|Series [A-F]\b|"
            r"\b(?:infused|poured|injected)\b[^.;]{0,40}\b(?:yuan|dollars|million|billion)",
        ),
        (
            "cooperation",
            r"战略合作|合作协议|合作备忘录|框架协议|签署[^，。；]{0,10}合作|携手|共建|达成合作|合作开发|同盟|联盟|"
            r"partnership|collaborat|"
            r"strategic cooperation",
        ),
        (
            "acquisition",
            r"(?<!被)收购(?!兼并)|并购(?!基金|市场|交易数量)|控股权|全资控股|\bacquir(?:e|es|ed|ing)\b|\bacquisition of\b|\bmerger\b",
        ),
        (
            "award",
            r"荣获|获评|获奖|入选|(?<!将)授予(?![^，。；]{0,40}(?:权益|许可|权利|使用权|开发权|销售权|资格))|被评为|\baward|prize|"
            r"recogni[sz]ed as",
        ),
    )
)
# Case folding makes the scan several times slower; clauses without Latin letters skip it.
_TRIGGERS_ZH = tuple((kind, re.compile(p.pattern)) for kind, p in _TRIGGERS)
# Case-insensitive matching is slow; lower-cased patterns run on a lower-cased clause instead
# (the patterns use no upper-case escapes such as \B or \W, so lowering them is safe).
_TRIGGERS_LOW = tuple((kind, re.compile(p.pattern.lower())) for kind, p in _TRIGGERS)
# Literal guards, so clauses that cannot match skip the costly patterns.
_KIND_GUARDS_ZH = tuple(Prefiltered(p) for _, p in _TRIGGERS_ZH)
_KIND_GUARDS_LOW = tuple(Prefiltered(p) for _, p in _TRIGGERS_LOW)
_KIND_GUARDS = tuple(Prefiltered(p) for _, p in _TRIGGERS)
# One fast pass to skip the many clauses that name no event at all.
_ANY_GUARD_ZH = any_possible(_KIND_GUARDS_ZH)
_ANY_GUARD_LOW = any_possible(_KIND_GUARDS_LOW)
_LATIN = re.compile(r"[A-Za-z]")
_MONTH_DAY = re.compile(r"(?:(?:19|20)(\d{2})年)?(\d{1,2})月(\d{1,2})日")
_MONEY = {"CNY", "USD", "EUR", "HKD"}
_SUBJECT_TYPES = ("company", "drug", "park", "platform", "institution")


def _clauses(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for lo, hi in sentence_list(text):
        pos = lo
        for m in re.finditer(r"；|;", text[lo:hi]):
            spans.append((pos, lo + m.end()))
            pos = lo + m.end()
        if pos < hi:
            spans.append((pos, hi))
    return spans


_RELATIVE_DAY = re.compile(r"(今日|今天|今晨|今晚|昨日|昨天|昨晚|昨|前日|前天)(?![年月])")
_EN_RELATIVE = re.compile(
    r"\b(today|yesterday|on (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b", re.I
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SAME_DAY = re.compile(r"同日|当日|当天|same day")
# Statistics, rankings and repost notices mention events without reporting one.
_NOT_A_FACT = re.compile(
    r"数据(?:库)?显示|据统计|统计显示|榜单|排行|位列|榜首|转载自|原标题|本文来源|文章来源|according to data|ranked|ranking",
    re.I,
)
# "成为第3个获批的1类创新药": the part counts approvals rather than reporting one.
_RANK = re.compile(r"第[\d一二三四五六七八九十]+(?:个|款|家)")


def _relative_date(clause: str, pub: date | None) -> date | None:
    """今日/昨日/"on Thursday" read against the publication date."""
    if pub is None:
        return None
    m = _RELATIVE_DAY.search(clause)
    if m:
        word = m.group(1)
        back = 0 if word.startswith("今") else 2 if word.startswith("前") else 1
        return pub - timedelta(days=back)
    e = _EN_RELATIVE.search(clause)
    if e:
        if e.group(2):
            # The most recent such weekday on or before the publication date.
            back = (pub.weekday() - _WEEKDAYS.index(e.group(2).lower())) % 7
            return pub - timedelta(days=back)
        return pub - timedelta(days=0 if e.group(1).lower() == "today" else 1)
    return None


def _date_in(clause: str, pub: date | None) -> date | None:
    m = _MONTH_DAY.search(clause)
    if not m:
        return _relative_date(clause, pub)
    year = 2000 + int(m.group(1)) if m.group(1) else (pub.year if pub else None)
    if year is None:
        return None
    try:
        found = date(year, int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    # "3月20日" in an article dated January refers to last year.
    if not m.group(1) and pub and found > pub:
        found = found.replace(year=found.year - 1)
    return found


def find_events(
    *, text: str, entities: Sequence[Entity], published_at: date | None, title: str | None = None
) -> list[Event]:
    """Find events clause by clause (the headline too), with subjects, date and amount."""
    names = _aliases(e for e in entities if e.type in _SUBJECT_TYPES)
    company_names = {e.name for e in entities if e.type == "company"}
    companies = [pair for pair in names if pair[1] in company_names]
    main = _main_names(entities, names, text)
    out: list[Event] = []
    clauses = [text[lo:hi].strip() for lo, hi in _clauses(text)]
    if title:
        clauses.insert(0, title)
    last_date: date | None = None
    seen: dict[int, int] = {}
    terms_of: dict[int, DealTerms] = {}
    for at, clause in enumerate(clauses):
        latin = bool(_LATIN.search(clause))
        target, triggers, guards, gate = clause, _TRIGGERS_ZH, _KIND_GUARDS_ZH, _ANY_GUARD_ZH
        if latin:
            target, triggers, guards = clause.lower(), _TRIGGERS_LOW, _KIND_GUARDS_LOW
            gate = _ANY_GUARD_LOW
            if len(target) != len(clause):
                target, triggers, guards = clause, _TRIGGERS, _KIND_GUARDS
        if not gate(target):
            continue
        # Each kind's matches, read once: a clause no kind matches names no event.
        hits = [
            (kind, matches)
            for (kind, pat), guard in zip(triggers, guards, strict=True)
            if guard.possible(target) and (matches := list(pat.finditer(target)))
        ]
        if not hits:
            continue
        if _NOT_A_FACT.search(clause):
            continue
        date_ = _date_in(clause, published_at)
        if date_ is None and _SAME_DAY.search(clause):
            date_ = last_date
        last_date = date_ or last_date
        for kind, matches in hits:
            parts: dict[str, list[str]] = {}
            for m in matches:
                if kind == "award" and _GRANTED_RIGHTS.search(
                    clause[max(0, m.start() - 40) : m.end() + 40]
                ):
                    continue
                part = _part(clause, m.start(), m.end())
                if _RANK.search(part):
                    continue
                parts.setdefault(part, _subjects(part, names))
            if not parts:
                continue
            named = {p: subj for p, subj in parts.items() if subj}
            if not named:
                # No name next to the trigger: a name earlier in the sentence, or "该公司".
                part = next(iter(parts))
                named = {part: _resolve(clause, main) or _subjects(clause, names)}
            for part, subjects in named.items():
                amount = _amount(kind, clause, part, clauses[at + 1 : at + 3])
                terms = None
                if kind == "licensing_deal":
                    # Terms belong to the sentence, not to one part of it: read them once.
                    if at not in terms_of:
                        terms_of[at] = _terms(clause, clauses[at + 1 : at + 3], companies)
                    terms = terms_of[at]
                event = Event(kind, date_, tuple(subjects), clause, amount, terms)
                same = _same_fact(out, seen, event, at)
                if same is None:
                    seen[len(out)] = at
                    out.append(event)
                else:
                    out[same] = _merge(out[same], event)
    return out


def _same_fact(out: list[Event], seen: dict[int, int], event: Event, at: int) -> int | None:
    """An earlier event this one repeats: same kind, a shared subject, within two sentences."""
    for i in range(len(out) - 1, -1, -1):
        old = out[i]
        if at - seen[i] > 2:
            break
        if old.type != event.type or not set(old.subjects) & set(event.subjects):
            continue
        if old.amount and event.amount and old.amount != event.amount and old.quote != event.quote:
            continue
        return i
    return None


def _merge(old: Event, new: Event) -> Event:
    """One event per fact: the later sentence adds the subjects, date and amount it names."""
    subjects = old.subjects + tuple(s for s in new.subjects if s not in old.subjects)
    amount = old.amount or new.amount
    if old.amount and new.amount and new.amount.unit == old.amount.unit:
        amount = max(old.amount, new.amount, key=lambda a: a.value)
    terms = old.terms or new.terms
    if old.terms and new.terms:
        a, b = old.terms, new.terms
        terms = DealTerms(
            a.licensor or b.licensor,
            a.licensee or b.licensee,
            max(a.territory or "", b.territory or "", key=len) or None,
            a.upfront or b.upfront,
            a.milestones or b.milestones,
            a.total or b.total,
        )
    return Event(old.type, old.date or new.date, subjects[:6], old.quote, amount, terms)


_RIGHTS = re.compile(r"授予|权益|许可|\brights\b|territor", re.I)


def _terms(clause: str, following: list[str], companies: list[tuple[str, str]]) -> DealTerms:
    """Deal terms from the clause and the next sentences that state terms, names in full."""
    sentences = [clause] + [s for s in following if _DEAL_TERMS.search(s) or _RIGHTS.search(s)]
    forms = [form for form, _ in companies]
    terms = deal_terms(sentences=sentences, subjects=forms)
    full = dict(companies)
    return DealTerms(
        full.get(terms.licensor or "", terms.licensor),
        full.get(terms.licensee or "", terms.licensee),
        terms.territory,
        terms.upfront,
        terms.milestones,
        terms.total,
    )


# "将……权益授予合作方" grants licensed rights; it is no award.
_GRANTED_RIGHTS = re.compile(
    r"(?:权益|许可|权利|使用权)[^，。；]{0,30}授予|授予[^，。；]{0,30}(?:权益|许可|权利|使用权)"
)
_SUFFIXES = re.compile(
    r"(?:(?:集团)?股份有限公司|有限责任公司|有限公司|股份公司|集团|控股|科技|生物科技|技术|"
    r",? (?:Inc\.|Ltd\.|Co\., Ltd\.|AG|AB|GmbH|plc|LLC|S\.A\.|Corp\.|Corporation|Limited))+$"
)


def _aliases(entities: Iterable[Entity]) -> list[tuple[str, str]]:
    """(form to look for, name to report): full names plus short forms ("君和医药", "Lumeris")."""
    pairs: list[tuple[str, str]] = []
    for e in entities:
        pairs.append((e.name, e.name))
        if e.type != "company":
            continue
        short = _SUFFIXES.sub("", e.name)
        short = _PLACE_HEAD.sub("", short) if len(short) > 3 else short
        if e.name.isascii():
            short = short.split()[0] if short.split() else ""
            if len(short) >= 4 and short[0].isupper() and short not in ("China", "Chinese", "The"):
                pairs.append((short, e.name))
        elif 2 <= len(short) < len(e.name) and not is_generic(stem=short):
            pairs.append((short, e.name))
    return sorted(pairs, key=lambda p: -len(p[0]))


_PLACE_HEAD = re.compile("^(?:" + "|".join(sorted(PLACES, key=len, reverse=True)) + ")")
_PART_END = re.compile(r"[，,；;：:]|其中|此外|同时|并且")
_MENTION = re.compile(r"该公司|本公司|公司|\b[Tt]he (?:[Cc]ompany|biotech|drugmaker)\b")
_DRUG_REF = re.compile(r"该药物?|该产品|本品|该款药物|该药品")
_DEAL_TERMS = re.compile(
    r"根据(?:该)?协议|按照协议|首付款|里程碑|许可费|授权金|权利金|Under the|upfront|milestone|total",
    re.I,
)
_CONVERSION = re.compile(
    r"[（(]\s*(?:约合|折合|合|约|about|approximately|or)?\s*(?:人民币|US)?\s*$", re.I
)
_TO_USD = {"USD": Decimal(1), "CNY": Decimal("0.14"), "EUR": Decimal("1.1"), "HKD": Decimal("0.13")}
_TOTAL = re.compile(r"总额|总金额|总价|合计|共计|总计|总交易|total|aggregate", re.I)


def _part(clause: str, start: int, end: int) -> str:
    """The comma-delimited part of a clause around a trigger ("A获批临床，B获批上市")."""
    cuts = list(_PART_END.finditer(clause))
    lo = max(
        [c.end() if c.group() in "，,；;：:" else c.start() for c in cuts if c.end() <= start]
        or [0]
    )
    hi = min([c.start() for c in cuts if c.start() >= end] or [len(clause)])
    return clause[lo:hi]


def _subjects(part: str, names: Sequence[tuple[str, str]]) -> list[str]:
    found: list[str] = []
    for form, name in names:
        if form in part and name not in found and not any(form in s for s in found):
            found.append(name)
            if len(found) >= 6:
                break
    return found


def _main_names(
    entities: Sequence[Entity], names: Sequence[tuple[str, str]], text: str
) -> dict[str, str]:
    """The article's main company and drug, when one clearly leads the mentions (short forms too)."""
    counts: dict[str, int] = {}
    for form, name in names:
        counts[name] = max(counts.get(name, 0), text.count(form))
    out: dict[str, str] = {}
    for kind in ("company", "drug"):
        ranked = sorted(
            (e for e in entities if e.type == kind), key=lambda e: -counts.get(e.name, e.mentions)
        )
        top = [counts.get(e.name, e.mentions) for e in ranked[:2]]
        if ranked and (len(ranked) == 1 or top[0] > top[1]):
            out[kind] = ranked[0].name
    return out


def _resolve(clause: str, main: dict[str, str]) -> list[str]:
    """ "该公司" / "该药物" stand for the article's main company or drug."""
    found = []
    if _MENTION.search(clause) and "company" in main:
        found.append(main["company"])
    if _DRUG_REF.search(clause) and "drug" in main:
        found.append(main["drug"])
    return found


def _amount(kind: str, clause: str, part: str, following: list[str]) -> Amount | None:
    if kind not in ("licensing_deal", "financing", "project_signing", "ipo", "acquisition"):
        return None
    pool = [(q, part) for q in _quantities(part) if q.unit in _MONEY]
    if not pool:
        pool = [(q, clause) for q in _quantities(clause) if q.unit in _MONEY]
    if kind == "licensing_deal":
        # Deal terms often follow in the next sentences ("根据协议……", "Under the agreement, ...").
        for nxt in following:
            if _DEAL_TERMS.search(nxt):
                pool += [(q, nxt) for q in _quantities(nxt) if q.unit in _MONEY]
    elif not pool and kind == "financing" and following:
        pool = [(q, following[0]) for q in _quantities(following[0]) if q.unit in _MONEY]
    if not pool:
        return None
    # "36亿元（约合4.95亿美元）", "3.6 billion yuan ($495 million)": a conversion, not a second sum.
    pool = [
        (q, src) for q, src in pool if not _CONVERSION.search(src[max(0, q.start - 6) : q.start])
    ]
    if not pool:
        return None
    totals = [q for q, src in pool if _TOTAL.search(src[max(0, q.start - 30) : q.start])]
    best = max(
        totals or [q for q, _ in pool], key=lambda q: q.value * _TO_USD.get(q.unit, Decimal(1))
    )
    return Amount(normalize(best.value), best.unit)


def _quantities(clause: str) -> list[Quantity]:
    found = list(chinese_in(clause))
    if _LATIN.search(clause) or "$" in clause or "€" in clause:
        found += english_in(clause)
    return found
