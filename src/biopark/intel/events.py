"""Events: deals, approvals, filings, listings, signings, milestones, financings, awards."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from biopark.intel.numbers import normalize
from biopark.intel.quantities import Quantity, find_chinese, find_english
from biopark.intel.sentences import sentence_spans
from biopark.intel.types import Amount, Entity, Event

_TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        (
            "licensing_deal",
            r"授权|许可协议|许可交易|独家许可|权益(?:出海|转让)|出海交易|BD交易|out-?licens|licens(?:e|ing) (?:agreement|deal)|exclusive licen|rights to",
        ),
        (
            "clinical_approval",
            r"获批(?:开展)?临床|临床试验(?:申请|许可)?[^，。；]{0,12}(?:获批|批准|默示许可|获得)|临床默示许可|IND[^，。；.]{0,20}(?:获批|批准|clear|approv)|cleared? (?:the|its|an)? ?IND",
        ),
        (
            "marketing_application",
            r"申报上市|上市申请[^，。；]{0,12}(?:受理|递交|提交)|递交[^，。；]{0,12}上市申请|(?:NDA|BLA|MAA)[^，。；.]{0,20}(?:受理|accept|submi|fil)|(?:submitted|filed) (?:a|an|the) (?:NDA|BLA|MAA)",
        ),
        (
            "marketing_approval",
            r"获批上市|批准上市|上市许可[^，。；]{0,6}(?:获批|批准)|附条件批准|(?:NMPA|FDA|EMA)[^.，。；]{0,20}(?:approv|批准)|approved (?:by|for)|marketing authori[sz]ation",
        ),
        (
            "ipo",
            r"IPO|首次公开发行|挂牌上市|上市(?:首日|敲钟)|登陆[^，。；]{0,8}(?:板|交所|市场)|招股|(?:科创板|创业板|港交所|主板|纳斯达克)[^，。；]{0,4}上市|initial public offering|listed on|went public",
        ),
        (
            "project_signing",
            r"签约|签订[^，。；]{0,10}(?:项目|协议|合同)|项目[^，。；]{0,8}落户|落户|入驻|signed? (?:an|a|the)? ?(?:investment|project)",
        ),
        (
            "facility_milestone",
            r"封顶|投产|竣工|开工|建成投用|投入使用|投用|奠基|试生产|groundbreaking|broke ground|commenced (?:production|operation)|topped out|completed construction",
        ),
        (
            "financing",
            r"融资|天使轮|Pre-?[A-F]轮|[A-F]\+?轮|募资|募集资金|定增|raised|financing|funding round|Series [A-F]\b",
        ),
        (
            "cooperation",
            r"战略合作|合作协议|框架协议|签署[^，。；]{0,10}合作|携手|共建|达成合作|partnership|collaborat|strategic cooperation",
        ),
        ("award", r"荣获|获评|获奖|入选|授予|被评为|award|prize|recogni[sz]ed as"),
    )
)
_MONTH_DAY = re.compile(r"(?:(?:19|20)(\d{2})年)?(\d{1,2})月(\d{1,2})日")
_MONEY = {"CNY", "USD", "EUR", "HKD"}
_SUBJECT_TYPES = ("company", "drug", "park", "platform", "institution")


def _clauses(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for lo, hi in sentence_spans(text=text):
        pos = lo
        for m in re.finditer(r"；|;", text[lo:hi]):
            spans.append((pos, lo + m.end()))
            pos = lo + m.end()
        if pos < hi:
            spans.append((pos, hi))
    return spans


def _date_in(clause: str, pub: date | None) -> date | None:
    m = _MONTH_DAY.search(clause)
    if not m:
        return None
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
    names = sorted((e for e in entities if e.type in _SUBJECT_TYPES), key=lambda e: -len(e.name))
    out: list[Event] = []
    seen: set[tuple[str, str]] = set()
    clauses = [text[lo:hi].strip() for lo, hi in _clauses(text)]
    if title:
        clauses.insert(0, title)
    for at, clause in enumerate(clauses):
        kinds = [kind for kind, pat in _TRIGGERS if pat.search(clause)]
        if not kinds:
            continue
        subjects: list[str] = []
        for e in names:
            if e.name in clause and not any(e.name in s for s in subjects):
                subjects.append(e.name)
        amounts = [q for q in _quantities(clause) if q.unit in _MONEY]
        for kind in kinds:
            key = (kind, clause)
            if key in seen:
                continue
            seen.add(key)
            amount = None
            if kind in ("licensing_deal", "financing") and not amounts:
                # Deal terms often follow in the next sentences ("Under the agreement, ...").
                amounts = [
                    q for c in clauses[at + 1 : at + 3] for q in _quantities(c) if q.unit in _MONEY
                ]
            if kind in ("licensing_deal", "financing", "project_signing", "ipo") and amounts:
                best = max(amounts, key=lambda q: (q.unit == "USD", q.value))
                amount = Amount(normalize(best.value), best.unit)
            out.append(Event(kind, _date_in(clause, published_at), tuple(subjects), clause, amount))
    return out


def _quantities(clause: str) -> list[Quantity]:
    return list(find_chinese(text=clause)) + list(find_english(text=clause))
