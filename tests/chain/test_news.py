"""Candidate firms from the news: companies of the park's news whose context fits a link."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.chain import gaps, news, service
from biopark.parks.models import Park
from tests.builders import make_enterprise, make_park, make_user, page_login, token_headers
from tests.chain.builders import link_of
from tests.intel.builders import make_document
from tests.pipeline.builders import make_drug, make_member

CDMO = (Path(__file__).parent / "fixtures" / "cdmo_news.txt").read_bytes()
IND = (Path(__file__).parents[1] / "intel" / "fixtures" / "hooks" / "ind_approval.txt").read_bytes()
SUZHOU = "苏州示例生物制药有限公司"
HANGZHOU = "杭州样本医疗器械有限公司"
QIXIN = "重庆启新生物有限公司"


def _names(session: Session, park: Park, code: str) -> list[str]:
    link = link_of(session, park, code)
    return [
        c["name"] for c in service.candidates_from_news(session, park_id=park.id, link_id=link.id)
    ]


def test_news_companies_fit_the_links_their_sentences_name(session: Session) -> None:
    park = make_park(session)
    assert _names(session, park, "cdmo") == []  # no news yet
    doc = make_document(session, park, CDMO)
    make_document(session, park, IND, origin="ind")
    assert _names(session, park, "cdmo") == [SUZHOU]
    # 抗体 / ADC in its sentence; 启新's sentence names a 双特异性抗体.
    assert sorted(_names(session, park, "antibody")) == sorted([SUZHOU, QIXIN])
    assert _names(session, park, "devices") == [HANGZHOU]
    assert _names(session, park, "vaccine") == []
    # Stream roots are too broad for a match.
    assert _names(session, park, "mid") == []
    link = link_of(session, park, "cdmo")
    (row,) = service.candidates_from_news(session, park_id=park.id, link_id=link.id)
    assert row["source"] == "news" and row["id"] is None and row["link_id"] == link.id
    assert row["mentions"] == 1
    assert row["documents"] == [{"id": doc.id, "title": "华东某企业扩建抗体药物CDMO产能"}]
    assert "CDMO" in row["reason"]
    # Another park's link id gives nothing.
    assert (
        service.candidates_from_news(session, park_id=make_park(session).id, link_id=link.id) == []
    )


def test_registered_enterprises_are_not_candidates(session: Session) -> None:
    park = make_park(session)
    make_enterprise(session, park, name=SUZHOU)
    make_document(session, park, CDMO)
    assert _names(session, park, "cdmo") == []
    assert _names(session, park, "devices") == [HANGZHOU]


def test_a_company_fits_by_its_pipeline_drugs_modality(session: Session) -> None:
    park = make_park(session)
    make_document(session, park, CDMO)
    make_drug(session, park, company_name=HANGZHOU, modality="vaccine")
    link = link_of(session, park, "vaccine")
    (row,) = service.candidates_from_news(session, park_id=park.id, link_id=link.id)
    assert row["name"] == HANGZHOU and "疫苗" in row["reason"]


def test_link_detail_and_gaps_show_news_candidates_to_intel_readers_only(session: Session) -> None:
    park = make_park(session)
    make_document(session, park, CDMO)
    leader = make_member(session, park, Role.leader)
    commissioner = make_member(session, park, Role.commissioner)
    link = link_of(session, park, "cdmo")
    detail = service.link_detail(session, user=leader, link_id=link.id)
    assert [c["name"] for c in detail["candidates"] if c["source"] == "news"] == [SUZHOU]
    # A parent link lists a firm fitting several of its children once.
    mid = service.link_detail(session, user=leader, link_id=link_of(session, park, "biologics").id)
    assert [c["name"] for c in mid["candidates"]].count(SUZHOU) == 1
    cdmo_gap = next(g for g in gaps.gap_list(session, user=leader) if g["link"]["code"] == "cdmo")
    assert [c["name"] for c in cdmo_gap["candidates"]] == [SUZHOU]
    # Commissioners have no access to intelligence, so no news candidates for them.
    detail = service.link_detail(session, user=commissioner, link_id=link.id)
    assert detail["candidates"] == []
    assert all(g["candidates"] == [] for g in gaps.gap_list(session, user=commissioner))


def test_pages_and_api_show_news_candidates_with_source_links(
    session: Session, client: TestClient
) -> None:
    park = make_park(session)
    doc = make_document(session, park, CDMO)
    link = link_of(session, park, "cdmo")
    leader = make_user(session, park, Role.leader)
    resp = client.get(f"/api/chain/links/{link.id}", headers=token_headers(client, leader))
    assert resp.status_code == 200
    news = [c for c in resp.json()["candidates"] if c["source"] == "news"]
    assert [(c["name"], c["id"], c["mentions"]) for c in news] == [(SUZHOU, None, 1)]
    page_login(client, leader)
    for url in (f"/chain/links/{link.id}", "/chain/gaps"):
        html = client.get(url).text
        assert "新闻中发现的候选企业" in html
        assert SUZHOU in html
        assert f'href="/intel/documents/{doc.id}"' in html
    commissioner = make_user(session, park, Role.commissioner)
    client.cookies.clear()
    page_login(client, commissioner)
    html = client.get(f"/chain/links/{link.id}").text
    assert "新闻中发现的候选企业" not in html and not re.search(r"/intel/documents/\d", html)


def test_modality_words_of_the_news_fit_the_link() -> None:
    link = service.ChainLink(
        code="antibody",
        name="抗体与ADC",
        stream="mid",
        parent_code="biologics",
        modalities=["antibody", "bispecific", "adc"],
    )
    words = news.terms(link)
    assert {"抗体", "ADC", "双特异性抗体", "双抗", "单抗"} <= set(words)
    lead = news.NewsLead(
        "澄江生物科技有限公司", 3, [], "澄江生物科技有限公司拟投资建设双抗药物产业化基地。"
    )
    (row,) = news.for_link(link, [lead])
    assert row["reason"] == "新闻提及：双抗"
    far = news.NewsLead("某器械公司", 1, [], "某器械公司发布血糖仪。")
    assert news.for_link(link, [far]) == []
