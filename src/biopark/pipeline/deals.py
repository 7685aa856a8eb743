"""Deals from the news: proposed from extracted events, decided by an analyst, listed across companies.

An extracted licensing, acquisition or financing event becomes a *proposed*
deal with its parties, amounts, date and the sentence it came from. An analyst
accepts it (optionally correcting parties and amounts) or rejects it; accepted
deals form the cross-company deal table. Reposts of one deal (same kind,
parties and amounts) are proposed once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.intel.types import Event
from biopark.kit.models import utcnow
from biopark.pipeline.models import Deal, Drug, LicensingDeal
from biopark.pipeline.schemas import DealDecision, DealFilters
from biopark.pipeline.service import DECIDERS, READERS

EVENT_KINDS = {
    "licensing_deal": "licensing",
    "acquisition": "acquisition",
    "financing": "financing",
}
# Indicative rates, used only to filter and sort deals of different currencies together.
CNY_PER = {"CNY": Decimal(1), "USD": Decimal("7.1"), "EUR": Decimal("7.7"), "HKD": Decimal("0.91")}

_MODALITY_WORDS = (
    ("adc", r"ADC|抗体偶联|偶联药物|antibody[- ]drug conjugate"),
    ("bispecific", r"双抗|双特异|bispecific"),
    ("cell_therapy", r"CAR-?T|细胞治疗|cell therapy|TCR-?T|NK细胞"),
    ("gene_therapy", r"基因治疗|gene therapy|AAV|siRNA|mRNA|小核酸"),
    ("vaccine", r"疫苗|vaccine"),
    ("peptide", r"多肽|peptide|GLP-1"),
    ("insulin", r"胰岛素|insulin"),
    ("antibody", r"单抗|单克隆抗体|monoclonal|antibody|抗体"),
    ("small_molecule", r"小分子|small molecule|抑制剂|inhibitor"),
)
_REGION_WORDS = (
    (
        "ex_china",
        r"除[^，。]{0,12}(?:中国|大中华)[^，。]{0,12}(?:以外|之外)|ex-China|outside (?:of )?(?:Greater )?China|excluding (?:Greater |mainland )?China",
    ),
    ("greater_china", r"大中华|Greater China"),
    ("china", r"中国|mainland China|China"),
    ("global", r"全球|worldwide|global"),
    ("us", r"美国|United States|\bU\.?S\.?\b"),
    ("europe", r"欧洲|Europe"),
    ("asia", r"日本|韩国|亚洲|Japan|Korea|Asia"),
)


def modality_of(text: str) -> str | None:
    """The drug modality a deal's sentence names, if any."""
    for key, pattern in _MODALITY_WORDS:
        if re.search(pattern, text, re.I):
            return key
    return None


def region_of(territory: str | None) -> str | None:
    """The region code of a territory as written ("除中国以外的全球" -> ex_china)."""
    if not territory:
        return None
    for key, pattern in _REGION_WORDS:
        if re.search(pattern, territory, re.I):
            return key
    return "other"


def _parties(event: Event, kind: str) -> tuple[str | None, str | None]:
    if kind == "licensing" and event.terms and (event.terms.licensor or event.terms.licensee):
        return event.terms.licensor, event.terms.licensee
    subjects = [s for s in event.subjects if s]
    if kind == "financing":
        # The financed company is named first; investors follow.
        return (subjects[1] if len(subjects) > 1 else None), (subjects[0] if subjects else None)
    return (subjects[0] if subjects else None), (subjects[1] if len(subjects) > 1 else None)


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def _drug_for(drugs: list[Drug], event: Event) -> Drug | None:
    for drug in drugs:
        for s in event.subjects:
            if s == drug.name or (drug.code and drug.code in s):
                return drug
    return None


def _amounts(event: Event) -> tuple[Decimal | None, Decimal | None]:
    terms = event.terms
    total = (terms.total if terms else None) or event.amount
    upfront = terms.upfront if terms else None
    return (upfront.value if upfront else None), (total.value if total else None)


def _one_per_deal(events: Iterable[Event]) -> list[Event]:
    """One event per deal of a document: the headline, the deal sentence and the terms
    sentence of one deal share its amounts; the most complete of them speaks for it."""
    best: dict[tuple[object, ...], Event] = {}
    order: list[tuple[object, ...]] = []

    def score(e: Event) -> tuple[int, int, int]:
        kind = EVENT_KINDS[e.type]
        a, b = _parties(e, kind)
        return (int(bool(a)) + int(bool(b)), int(e.date is not None), len(e.quote))

    for i, event in enumerate(events):
        if event.type not in EVENT_KINDS:
            continue
        upfront, total = _amounts(event)
        key: tuple[object, ...] = (event.type, upfront, total) if upfront or total else (i,)
        if key not in best:
            order.append(key)
            best[key] = event
        elif score(event) > score(best[key]):
            best[key] = event
    return [best[k] for k in order]


@dataclass(frozen=True)
class DealSource:
    """The deal events of one document and where they were read."""

    events: tuple[Event, ...]
    document_id: int | None = None
    source_title: str | None = None
    source_url: str | None = None
    published_on: date | None = None


def propose_deals_from_events(
    session: Session,
    *,
    park_id: int,
    events: Iterable[Event],
    document_id: int | None = None,
    source_title: str | None = None,
    source_url: str | None = None,
    published_on: date | None = None,
) -> list[Deal]:
    """Turn deal events of one document into proposed deals; a deal already on record is kept."""
    source = DealSource(tuple(events), document_id, source_title, source_url, published_on)
    return propose_deals(session, park_id=park_id, sources=[source])


def _key(kind: str, a: str | None, b: str | None, total: object, upfront: object) -> tuple:
    return (kind, a, b, total, upfront)


def _on_record(session: Session, *, park_id: int, keys: set[tuple]) -> dict[tuple, Deal]:
    """The park's deals already on record with one of these keys.

    A deal is looked up by its pair of parties, through the (party_a, party_b) index,
    or by its one party when the other is blank. Reading every deal of either party
    grew with the corpus for parties that deal often: 170 ms of a 400-document run at
    100,000 documents on PostgreSQL. The pairs are asked as `party_a IN (...) AND
    party_b IN (...)`, which both databases answer with index seeks; SQLite answered
    a row-value `(party_a, party_b) IN (VALUES ...)` by scanning the whole index
    (100 ms a run at 100,000 documents). Pairs asked for by no key are dropped with
    the other candidates that match no key. Only the key columns of the candidates
    are read; the matching deals are loaded afterwards.
    """
    kinds = {k[0] for k in keys}
    pairs = {(k[1], k[2]) for k in keys}
    both = sorted((a, b) for a, b in pairs if a and b)
    only_a = sorted(a for a, b in pairs if a and not b)
    only_b = sorted(b for a, b in pairs if b and not a)
    parts = []
    if both:
        firsts, seconds = sorted({a for a, _ in both}), sorted({b for _, b in both})
        parts.append(select(Deal.id).where(Deal.party_a.in_(firsts), Deal.party_b.in_(seconds)))
    if only_a:
        parts.append(select(Deal.id).where(Deal.party_a.in_(only_a), Deal.party_b.is_(None)))
    if only_b:
        parts.append(select(Deal.id).where(Deal.party_b.in_(only_b), Deal.party_a.is_(None)))
    if not parts:
        return {}
    ids = union(*parts).subquery()
    rows = session.execute(
        select(Deal.id, Deal.kind, Deal.party_a, Deal.party_b, Deal.total, Deal.upfront).where(
            Deal.id.in_(select(ids.c.id)), Deal.park_id == park_id, Deal.kind.in_(kinds)
        )
    )
    found = {_key(kind, a, b, total, upfront): i for i, kind, a, b, total, upfront in rows}
    wanted = {found[k] for k in keys if k in found}
    deals: Iterable[Deal] = (
        session.scalars(select(Deal).where(Deal.id.in_(wanted))) if wanted else []
    )
    return {_key(d.kind, d.party_a, d.party_b, d.total, d.upfront): d for d in deals}


def propose_deals(session: Session, *, park_id: int, sources: Iterable[DealSource]) -> list[Deal]:
    """Propose the deals of several documents in a fixed number of statements (ingest chunks):
    the park's drugs and the deals already on record are read once, new deals flushed once."""
    planned: list[tuple[tuple, Event, DealSource, str, str | None, str | None]] = []
    for source in sources:
        for event in _one_per_deal(source.events):
            kind = EVENT_KINDS[event.type]
            party_a, party_b = _parties(event, kind)
            upfront, total = _amounts(event)
            terms = event.terms
            named = (terms.total if terms else None) or event.amount or (terms and terms.upfront)
            currency = named.unit if named else "CNY"
            if currency not in CNY_PER or not (party_a or party_b):
                # A deal without any named party cannot be checked or listed by company.
                continue
            key = _key(kind, party_a, party_b, _money(total), _money(upfront))
            planned.append((key, event, source, currency, party_a, party_b))
    if not planned:
        return []
    drugs = list(session.scalars(select(Drug).where(Drug.park_id == park_id)))
    known = _on_record(session, park_id=park_id, keys={p[0] for p in planned})
    out: list[Deal] = []
    fresh: list[Deal] = []
    for key, event, source, currency, party_a, party_b in planned:
        if key in known:
            out.append(known[key])
            continue
        kind, _, _, total, upfront = key
        drug = _drug_for(drugs, event)
        territory = event.terms.territory if event.terms else None
        deal = Deal(
            park_id=park_id,
            kind=kind,
            status="proposed",
            party_a=(party_a or "")[:200] or None,
            party_b=(party_b or "")[:200] or None,
            drug_id=drug.id if drug else None,
            asset=drug.name if drug else None,
            modality=(drug.modality if drug else None) or modality_of(event.quote),
            target=drug.target if drug else None,
            territory=(territory or "")[:200] or None,
            region=region_of(territory),
            upfront=upfront,
            total=total,
            currency=currency,
            signed_on=event.date or source.published_on,
            source_document_id=source.document_id,
            source_title=(source.source_title or "")[:300] or None,
            source_url=source.source_url,
            source_sentence=event.quote[:5000],
        )
        known[key] = deal
        fresh.append(deal)
        out.append(deal)
    session.add_all(fresh)
    session.flush()
    for deal in fresh:
        audit.record(
            session,
            actor=None,
            action="propose",
            entity_type="deal",
            entity_id=deal.id,
            park_id=park_id,
            changes={"kind": deal.kind, "party_a": deal.party_a, "party_b": deal.party_b},
        )
    return out


def list_proposed(session: Session, *, user: User, status: str = "proposed") -> list[Deal]:
    """The park's deals in one state (proposed by default), oldest first."""
    if user.role not in READERS:
        raise Forbidden()
    if status not in ("proposed", "accepted", "rejected"):
        raise ValidationFailed("未知状态", en="Unknown status")
    stmt = select(Deal).where(Deal.park_id == user.park_id, Deal.status == status)
    return list(session.scalars(stmt.order_by(Deal.id)))


def get_deal(session: Session, *, user: User, deal_id: int) -> Deal:
    """One deal of the user's park."""
    if user.role not in READERS:
        raise Forbidden()
    deal = session.get(Deal, deal_id)
    if deal is None or deal.park_id != user.park_id:
        raise NotFound("交易不存在", en="Deal not found")
    return deal


def _proposed(session: Session, *, user: User, deal_id: int) -> Deal:
    if user.role not in DECIDERS:
        raise Forbidden()
    deal = get_deal(session, user=user, deal_id=deal_id)
    if deal.status == "accepted":
        raise Conflict("该交易已采纳，不能重复处理", en="This deal has already been accepted")
    if deal.status == "rejected":
        raise Conflict("该交易已驳回，不能再采纳", en="This deal has been rejected")
    return deal


def accept_deal(session: Session, *, user: User, deal_id: int, data: DealDecision) -> Deal:
    """Accept a proposed deal, with the analyst's corrections; it joins the deal table."""
    deal = _proposed(session, user=user, deal_id=deal_id)
    changes: dict[str, object] = {}
    for field_name, value in data.model_dump(exclude={"note"}, exclude_unset=True).items():
        if value is not None and value != "" and getattr(deal, field_name) != value:
            old = getattr(deal, field_name)
            changes[field_name] = [None if old is None else str(old), str(value)]
            setattr(deal, field_name, value)
    if not deal.party_a or not deal.party_b:
        raise ValidationFailed("请填写交易双方", en="Both parties of the deal are required")
    if deal.upfront is not None and deal.total is not None and deal.upfront > deal.total:
        raise ValidationFailed("首付款不能大于总金额", en="Upfront cannot exceed the total")
    if "territory" in changes:
        deal.region = region_of(deal.territory)
    deal.status = "accepted"
    deal.decided_by = user.username
    deal.decided_at = utcnow()
    deal.decision_note = data.note
    session.flush()
    audit.record(
        session,
        actor=user,
        action="accept",
        entity_type="deal",
        entity_id=deal.id,
        park_id=deal.park_id,
        changes=changes,
    )
    return deal


def reject_deal(session: Session, *, user: User, deal_id: int, note: str | None = None) -> Deal:
    """Reject a proposed deal; it stays on record with the note."""
    deal = _proposed(session, user=user, deal_id=deal_id)
    deal.status = "rejected"
    deal.decided_by = user.username
    deal.decided_at = utcnow()
    deal.decision_note = note
    audit.record(
        session,
        actor=user,
        action="reject",
        entity_type="deal",
        entity_id=deal.id,
        park_id=deal.park_id,
        changes={"note": note},
    )
    return deal


@dataclass
class DealRow:
    """One line of the cross-company deal table."""

    id: int
    kind: str
    party_a: str | None
    party_b: str | None
    asset: str | None
    drug_id: int | None
    modality: str | None
    territory: str | None
    region: str | None
    upfront: Decimal | None
    total: Decimal | None
    currency: str
    signed_on: date | None
    source_title: str | None
    source_url: str | None
    source_document_id: int | None

    def in_cny(self, value: Decimal | None) -> Decimal | None:
        """An amount in CNY at the indicative rate (for filters and sorting only)."""
        return None if value is None else value * CNY_PER.get(self.currency, Decimal(1))


def _rows(session: Session, *, park_id: int) -> list[DealRow]:
    rows = [
        DealRow(
            d.id,
            d.kind,
            d.party_a,
            d.party_b,
            d.asset,
            d.drug_id,
            d.modality,
            d.territory,
            d.region,
            d.upfront,
            d.total,
            d.currency,
            d.signed_on,
            d.source_title,
            d.source_url,
            d.source_document_id,
        )
        for d in session.scalars(
            select(Deal).where(Deal.park_id == park_id, Deal.status == "accepted")
        )
    ]
    # Deals typed in on a drug's page belong to the same list (their ids are negative).
    for ld, drug in session.execute(
        select(LicensingDeal, Drug)
        .join(Drug, Drug.id == LicensingDeal.drug_id)
        .where(LicensingDeal.park_id == park_id)
    ):
        rows.append(
            DealRow(
                -ld.id,
                "licensing",
                drug.company_name,
                ld.partner,
                drug.name,
                drug.id,
                drug.modality,
                ld.territory,
                region_of(ld.territory),
                ld.upfront,
                ld.total,
                ld.currency,
                ld.signed_on,
                ld.source_title,
                ld.source_url,
                None,
            )
        )
    return rows


SORTS = ("signed_on", "upfront", "total", "party_a", "party_b", "kind")


def deal_table(session: Session, *, user: User, filters: DealFilters) -> list[DealRow]:
    """Accepted deals of the park, filtered and sorted (amounts compared in CNY)."""
    if user.role not in READERS:
        raise Forbidden()
    f = filters
    out = []
    for row in _rows(session, park_id=user.park_id):
        if f.partner and not any(
            f.partner.lower() in (p or "").lower() for p in (row.party_a, row.party_b)
        ):
            continue
        if f.kind and row.kind != f.kind:
            continue
        if f.modality and row.modality != f.modality:
            continue
        if f.region and row.region != f.region:
            continue
        if f.year and (row.signed_on is None or row.signed_on.year != f.year):
            continue
        if not _within(row.in_cny(row.upfront), f.upfront_min, f.upfront_max):
            continue
        if not _within(row.in_cny(row.total), f.total_min, f.total_max):
            continue
        out.append(row)
    sort = f.sort if f.sort in SORTS else "signed_on"

    def key(row: DealRow) -> tuple[bool, object]:
        if sort in ("upfront", "total"):
            value: object = row.in_cny(getattr(row, sort))
        else:
            value = getattr(row, sort)
        return (value is None, value if value is not None else 0)

    present = [r for r in out if key(r)[0] is False]
    missing = [r for r in out if key(r)[0] is True]
    present.sort(key=lambda r: key(r)[1], reverse=f.desc)  # type: ignore[arg-type,return-value]
    return present + missing


WAN = Decimal(10000)


def _within(value: Decimal | None, low: Decimal | None, high: Decimal | None) -> bool:
    """Whether an amount in yuan lies within bounds given in 万元."""
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low * WAN) and (high is None or value <= high * WAN)
