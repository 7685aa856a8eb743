"""Deals from the news: proposed from events and articles, decided by an analyst, listed, exported."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.intel.types import Amount, DealTerms, Event
from biopark.pipeline import competitors, deals
from biopark.pipeline.models import Deal
from biopark.pipeline.schemas import DealDecision, DealFilters
from tests.builders import csrf_of, make_park, make_user, page_login, token_headers
from tests.intel.builders import demo_bytes, make_document
from tests.pipeline.builders import make_drug, make_member

LICENCE = Event(
    type="licensing_deal",
    date=date(2025, 3, 4),
    subjects=("山岚生物", "Northwind Pharma"),
    quote="山岚生物将其ADC药物SL-07在除中国以外的全球权益授予Northwind Pharma。",
    terms=DealTerms(
        licensor="山岚生物",
        licensee="Northwind Pharma",
        territory="除中国以外的全球",
        upfront=Amount(Decimal("30000000"), "USD"),
        total=Amount(Decimal("900000000"), "USD"),
    ),
)
BUYOUT = Event(
    type="acquisition",
    date=date(2024, 9, 1),
    subjects=("青禾医药", "溪谷细胞"),
    quote="青禾医药以12亿元收购溪谷细胞全部股权，获得其CAR-T平台。",
    amount=Amount(Decimal("1200000000"), "CNY"),
)


def _propose(session: Session, park_id: int) -> list[Deal]:
    return deals.propose_deals_from_events(
        session,
        park_id=park_id,
        events=[LICENCE, BUYOUT, Event("award", None, ("某奖",), "获奖。")],
        document_id=7,
        source_title="测试报道",
    )


def test_deal_events_become_proposed_deals_once(session: Session) -> None:
    park = make_park(session)
    found = _propose(session, park.id)
    assert [(d.kind, d.party_a, d.party_b) for d in found] == [
        ("licensing", "山岚生物", "Northwind Pharma"),
        ("acquisition", "青禾医药", "溪谷细胞"),
    ]
    lic, acq = found
    assert lic.status == "proposed" and lic.region == "ex_china" and lic.modality == "adc"
    assert (lic.upfront, lic.total, lic.currency) == (
        Decimal("30000000"),
        Decimal("900000000"),
        "USD",
    )
    assert lic.source_document_id == 7 and "SL-07" in (lic.source_sentence or "")
    assert acq.total == Decimal("1200000000") and acq.modality == "cell_therapy"
    # A repost of the same deal adds nothing.
    again = _propose(session, park.id)
    assert [d.id for d in again] == [d.id for d in found]


def test_deals_on_record_are_found_by_their_exact_parties_even_with_one_blank(
    session: Session,
) -> None:
    park = make_park(session)
    solo = Event(
        "financing", None, ("溪谷细胞",), "溪谷细胞完成3亿元融资。", Amount(Decimal("3e8"), "CNY")
    )
    buyer_only = Event(
        "acquisition", None, ("青禾医药",), "青禾医药完成收购。", Amount(Decimal("5e8"), "CNY")
    )
    first = deals.propose_deals_from_events(
        session, park_id=park.id, events=[BUYOUT, solo, buyer_only]
    )
    assert [(d.party_a, d.party_b) for d in first] == [
        ("青禾医药", "溪谷细胞"),
        (None, "溪谷细胞"),
        ("青禾医药", None),
    ]
    again = deals.propose_deals_from_events(
        session, park_id=park.id, events=[buyer_only, solo, BUYOUT]
    )
    assert [d.id for d in again] == [first[2].id, first[1].id, first[0].id]
    # The same parties the other way round are another deal.
    swapped = Event(
        "acquisition",
        None,
        ("溪谷细胞", "青禾医药"),
        "溪谷细胞以12亿元收购青禾医药。",
        BUYOUT.amount,
    )
    (other,) = deals.propose_deals_from_events(session, park_id=park.id, events=[swapped])
    assert other.id not in {d.id for d in first}
    assert session.query(Deal).filter(Deal.park_id == park.id).count() == 4


def test_a_deal_on_record_between_parties_of_two_other_deals_is_not_taken_for_either(
    session: Session,
) -> None:
    # The pairs are looked up as "party_a among the first parties and party_b among the
    # second": a deal on record that crosses two asked pairs is read, and must not match.
    park = make_park(session)
    (on_record,) = deals.propose_deals_from_events(session, park_id=park.id, events=[BUYOUT])
    crossing = [
        Event(
            "acquisition", None, ("青禾医药", "远山制药"), "青禾医药收购远山制药。", BUYOUT.amount
        ),
        Event(
            "acquisition",
            None,
            ("北辰生物", "溪谷细胞"),
            "北辰生物收购溪谷细胞。",
            Amount(Decimal("8e8"), "CNY"),
        ),
    ]
    found = deals.propose_deals_from_events(session, park_id=park.id, events=crossing)
    assert [(d.party_a, d.party_b) for d in found] == [
        ("青禾医药", "远山制药"),
        ("北辰生物", "溪谷细胞"),
    ]
    assert on_record.id not in {d.id for d in found}
    assert session.query(Deal).filter(Deal.park_id == park.id).count() == 3


def test_accept_with_corrections_and_refusals(session: Session) -> None:
    park = make_park(session)
    analyst = make_member(session, park, Role.analyst)
    lic, acq = _propose(session, park.id)
    accepted = deals.accept_deal(
        session,
        user=analyst,
        deal_id=lic.id,
        data=DealDecision(party_b="Northwind Pharma AB", total=Decimal("800000000")),
    )
    assert accepted.status == "accepted" and accepted.party_b == "Northwind Pharma AB"
    assert accepted.total == Decimal("800000000") and accepted.decided_by == analyst.username
    with pytest.raises(Conflict, match="已采纳"):
        deals.accept_deal(session, user=analyst, deal_id=lic.id, data=DealDecision())
    deals.reject_deal(session, user=analyst, deal_id=acq.id, note="重复")
    with pytest.raises(Conflict, match="已驳回"):
        deals.accept_deal(session, user=analyst, deal_id=acq.id, data=DealDecision())
    with pytest.raises(Conflict):
        deals.reject_deal(session, user=analyst, deal_id=acq.id)
    with pytest.raises(ValueError):
        DealDecision(upfront=Decimal("-1"))
    with pytest.raises(ValueError, match="首付款不能大于总金额"):
        DealDecision(upfront=Decimal("5"), total=Decimal("1"))
    # The proposal's own upfront exceeding a corrected total is refused too, and nothing changes.
    third = deals.propose_deals_from_events(
        session,
        park_id=park.id,
        events=[
            Event(
                "licensing_deal",
                None,
                ("甲药业", "乙药业"),
                "甲药业授予乙药业权益。",
                terms=DealTerms("甲药业", "乙药业", upfront=Amount(Decimal("500"), "CNY")),
            )
        ],
    )[0]
    with pytest.raises(ValidationFailed):
        deals.accept_deal(
            session, user=analyst, deal_id=third.id, data=DealDecision(total=Decimal(1))
        )
    session.refresh(third)
    assert third.status == "proposed"


def test_missing_party_is_refused(session: Session) -> None:
    park = make_park(session)
    analyst = make_member(session, park, Role.analyst)
    lonely = deals.propose_deals_from_events(
        session,
        park_id=park.id,
        events=[
            Event(
                "financing",
                None,
                ("孤峰生物",),
                "孤峰生物完成2亿元融资。",
                Amount(Decimal("200000000"), "CNY"),
            )
        ],
    )[0]
    assert lonely.party_b == "孤峰生物" and lonely.party_a is None
    with pytest.raises(ValidationFailed, match="交易双方"):
        deals.accept_deal(session, user=analyst, deal_id=lonely.id, data=DealDecision())
    ok = deals.accept_deal(
        session, user=analyst, deal_id=lonely.id, data=DealDecision(party_a="远山资本")
    )
    assert ok.status == "accepted"


def test_roles_and_parks(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    lic, _ = _propose(session, park.id)
    with pytest.raises(Forbidden):
        deals.accept_deal(
            session,
            user=make_member(session, park, Role.leader),
            deal_id=lic.id,
            data=DealDecision(),
        )
    with pytest.raises(NotFound):
        deals.accept_deal(
            session,
            user=make_member(session, other, Role.analyst),
            deal_id=lic.id,
            data=DealDecision(),
        )
    with pytest.raises(Forbidden):
        deals.deal_table(
            session, user=make_member(session, park, Role.enterprise), filters=DealFilters()
        )


def _accepted_table(session: Session) -> tuple[object, object]:
    park = make_park(session)
    analyst = make_member(session, park, Role.analyst)
    for d in _propose(session, park.id):
        deals.accept_deal(session, user=analyst, deal_id=d.id, data=DealDecision())
    drug = make_drug(session, park, name="园区单抗", modality="antibody")
    from biopark.pipeline import service
    from biopark.pipeline.schemas import DealCreate

    service.add_deal(
        session,
        user=analyst,
        drug_id=drug.id,
        data=DealCreate(
            partner="东岭药业",
            upfront=Decimal("5000000"),
            total=Decimal("50000000"),
            signed_on=date(2023, 6, 1),
            territory="中国",
        ),
    )
    return park, analyst


def test_deal_table_filters_and_sorts(session: Session) -> None:
    _, analyst = _accepted_table(session)

    def names(**kw: object) -> list[str | None]:
        rows = deals.deal_table(session, user=analyst, filters=DealFilters(**kw))  # type: ignore[arg-type]
        return [r.party_b for r in rows]

    assert names() == ["Northwind Pharma", "溪谷细胞", "东岭药业"]  # newest first
    assert names(partner="northwind") == ["Northwind Pharma"]
    assert names(modality="antibody") == ["东岭药业"]
    assert names(region="china") == ["东岭药业"]
    assert names(region="ex_china") == ["Northwind Pharma"]
    assert names(year=2024) == ["溪谷细胞"]
    assert names(kind="acquisition") == ["溪谷细胞"]
    # 3000万美元 upfront is about 2.1亿元; bounds are in 万元.
    assert names(upfront_min=Decimal(10000)) == ["Northwind Pharma"]
    assert names(total_max=Decimal(150000)) == ["溪谷细胞", "东岭药业"]
    assert names(sort="total", desc=False) == ["东岭药业", "溪谷细胞", "Northwind Pharma"]
    assert names(sort="upfront", desc=True) == ["Northwind Pharma", "东岭药业", "溪谷细胞"]


def test_article_to_proposal_to_table(session: Session) -> None:
    park = make_park(session)
    analyst = make_member(session, park, Role.analyst)
    doc = make_document(session, park, demo_bytes("05"), origin="demo:05")
    proposed = list(session.scalars(select(Deal).where(Deal.park_id == park.id)))
    assert len(proposed) == 1
    deal = proposed[0]
    assert deal.source_document_id == doc.id and deal.kind == "licensing"
    assert deal.upfront == Decimal("20000000") and deal.currency == "USD"
    assert deal.party_a and "宸安" in deal.party_a
    deals.accept_deal(session, user=analyst, deal_id=deal.id, data=DealDecision())
    rows = deals.deal_table(session, user=analyst, filters=DealFilters(region="europe"))
    assert [r.id for r in rows] == [deal.id]


def test_competitors_by_target_and_modality(session: Session) -> None:
    park = make_park(session)
    analyst = make_member(session, park, Role.analyst)
    make_drug(session, park, name="园区PD-1单抗", target="PD-1", modality="antibody")
    text = "云杉药业宣布，其PD-1单抗YS-101获批开展临床试验。云杉药业的ADC药物YS-202进入II期临床。".encode()
    make_document(session, park, text, origin="test:competitor")
    view = competitors.competitor_view(session, user=analyst)
    pd1 = next(g for g in view.by_target if g.key == "PD-1")
    assert [d.name for d in pd1.park] == ["园区PD-1单抗"]
    assert competitors.target_of("靶向CLDN18.2的ADC") == "CLDN18.2"
    assert competitors.target_of("没有靶点") is None


def test_api_and_pages(client: TestClient, session: Session) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    lic, acq = _propose(session, park.id)
    headers = token_headers(client, analyst)
    listed = client.get("/api/pipeline/deals/proposed", headers=headers).json()
    assert [d["id"] for d in listed] == [lic.id, acq.id]
    bad = client.post(
        f"/api/pipeline/deals/{lic.id}/accept", json={"upfront": "-5"}, headers=headers
    )
    assert bad.status_code == 422
    ok = client.post(
        f"/api/pipeline/deals/{lic.id}/accept", json={"party_a": "山岚生物科技"}, headers=headers
    )
    assert ok.status_code == 200 and ok.json()["party_a"] == "山岚生物科技"
    twice = client.post(f"/api/pipeline/deals/{lic.id}/accept", json={}, headers=headers)
    assert twice.status_code == 409
    table = client.get("/api/pipeline/deals?partner=山岚", headers=headers).json()
    assert [r["party_a"] for r in table] == ["山岚生物科技"]
    assert client.get("/api/pipeline/deals?year=1800", headers=headers).status_code == 422

    page_login(client, analyst)
    page = client.get("/pipeline/deals/proposed")
    assert page.status_code == 200 and "溪谷细胞" in page.text
    resp = client.post(
        f"/pipeline/deals/{acq.id}/accept",
        data={"csrf_token": csrf_of(page.text), "total": "-1"},
        follow_redirects=True,
    )
    assert "不能为负数" in resp.text
    session.refresh(acq)
    assert acq.status == "proposed"
    resp = client.post(
        f"/pipeline/deals/{acq.id}/reject",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=True,
    )
    assert "交易已驳回" in resp.text
    table_page = client.get("/pipeline/deals?region=ex_china")
    assert "2.1亿" not in table_page.text and "3,000万美元" in table_page.text
    assert client.get("/pipeline/deals?year=abc").status_code == 422
    csv_text = client.get("/pipeline/deals/export?format=csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("交易类型,甲方,乙方")
    assert "山岚生物科技" in csv_text
    xlsx = client.get("/pipeline/deals/export?format=xlsx&partner=山岚")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.max_row == 2
    assert client.get("/pipeline/competitors").status_code == 200
