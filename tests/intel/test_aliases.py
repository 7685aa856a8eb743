"""A company's legal, short and English names are reported as one entity."""

from __future__ import annotations

from biopark.intel.aliases import group_aliases, short_names
from biopark.intel.extract import extract_document, to_json
from biopark.intel.types import Entity, RawDocument

ARTICLE = (
    "青岚生物医药股份有限公司今日宣布，其自主研发的QL-2071注射液获批开展临床试验。\n"
    "青岚生物医药表示，该产品有望于明年进入二期研究。\n"
    "业内人士认为，青岚生物医药在抗体药物领域积累深厚。\n"
)


def test_short_names_drop_the_legal_suffix_and_the_place() -> None:
    assert short_names("苏州青岚生物医药股份有限公司") == ["苏州青岚生物医药", "青岚生物医药"]
    assert short_names("Corvel Biosciences, Inc.") == ["Corvel Biosciences"]
    # A name without a legal suffix has no shorter form to group.
    assert short_names("青岚生物医药") == []


def test_group_merges_short_into_legal_and_sums_mentions() -> None:
    entities = [
        Entity("青岚生物医药", "company", 3),
        Entity("青岚生物医药股份有限公司", "company", 1),
        Entity("QL-2071", "drug", 1),
    ]
    grouped = group_aliases(entities, ARTICLE)
    company = next(e for e in grouped if e.type == "company")
    assert company.name == "青岚生物医药股份有限公司"
    assert company.aliases == ("青岚生物医药",)
    # Three places name the company; the short form inside the legal name is not counted twice.
    assert company.mentions == 3
    assert [e.name for e in grouped if e.type == "company"] == ["青岚生物医药股份有限公司"]


def test_english_name_in_brackets_joins_the_group() -> None:
    text = "澜川药业有限公司（Lanchuan Pharma Co., Ltd.）与澜川药业的团队……Lanchuan Pharma Co., Ltd. 表示"
    entities = [
        Entity("澜川药业有限公司", "company", 1),
        Entity("澜川药业", "company", 2),
        Entity("Lanchuan Pharma Co., Ltd.", "company", 2),
    ]
    grouped = group_aliases(entities, text)
    assert len(grouped) == 1
    assert grouped[0].name == "澜川药业有限公司"
    assert set(grouped[0].aliases) == {"澜川药业", "Lanchuan Pharma Co., Ltd."}
    assert grouped[0].mentions == 4


def test_different_companies_stay_apart() -> None:
    entities = [Entity("青岚生物医药股份有限公司", "company", 1), Entity("青岚资本", "company", 1)]
    grouped = group_aliases(entities, "青岚生物医药股份有限公司获青岚资本投资")
    assert [e.aliases for e in grouped] == [(), ()]


def test_extract_reports_one_entity_with_aliases() -> None:
    out = to_json(extract_document(RawDocument(path="a.txt", data=ARTICLE.encode())))
    companies = [e for e in out["entities"] if e["type"] == "company"]
    legal = next(e for e in companies if e["name"] == "青岚生物医药股份有限公司")
    assert legal["aliases"] == ["青岚生物医药"]
    assert not any(e["name"] == "青岚生物医药" for e in companies)
    # Grouping comes after event finding, so events are read exactly as before.
    assert [ev["type"] for ev in out["events"]] == ["clinical_approval"]


def test_search_by_short_name_finds_the_grouped_company(session) -> None:
    from sqlalchemy import select

    from biopark.accounts.models import Role
    from biopark.intel.index import Filters
    from biopark.intel.models import IntelEntity
    from biopark.intel.service.search import search
    from tests.builders import make_park, make_user
    from tests.intel.builders import make_document

    park = make_park(session)
    doc = make_document(session, park, ARTICLE.encode(), origin="test:alias")
    row = session.scalars(
        select(IntelEntity).where(IntelEntity.document_id == doc.id, IntelEntity.type == "company")
    ).one()
    assert row.name == "青岚生物医药股份有限公司"
    assert row.aliases == "\n青岚生物医药\n"
    user = make_user(session, park, Role.analyst)
    for name in ("青岚生物医药股份有限公司", "青岚生物医药"):
        hits = search(session, user=user, query="", filters=Filters(entity=name)).hits
        assert [h.document.id for h in hits] == [doc.id], name
    # Part of a name is no alias: LIKE wildcards and fragments find nothing.
    for name in ("青岚", "%", "青岚生物_药"):
        assert search(session, user=user, query="", filters=Filters(entity=name)).hits == []


def test_news_companies_group_short_names_across_pages(session) -> None:
    from biopark.intel.service.facts import companies_in_news
    from tests.builders import make_park
    from tests.intel.builders import make_document

    park = make_park(session)
    first = make_document(session, park, ARTICLE.encode(), origin="test:alias-1")
    other = "青岚生物医药宣布完成新一轮融资，资金将用于抗体平台建设。\n".encode()
    second = make_document(session, park, other, origin="test:alias-2")
    leads = [c for c in companies_in_news(session, park_id=park.id) if "青岚" in c.name]
    assert len(leads) == 1
    lead = leads[0]
    assert lead.name == "青岚生物医药股份有限公司"
    assert lead.aliases == ["青岚生物医药"]
    assert sorted(lead.document_ids) == sorted([first.id, second.id])
    assert lead.mentions >= 4
