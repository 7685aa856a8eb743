"""Taxonomy edits keyed by id: renaming keeps projects, placements and candidates; new links."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.chain import service, taxonomy
from biopark.chain.models import ChainCandidate, ChainLink, ChainMap
from biopark.chain.schemas import LinkCreate, LinkUpdate
from biopark.errors import Conflict, ValidationFailed
from biopark.investment import service as investment
from biopark.investment.schemas import ProjectCreate, ProjectUpdate
from tests.builders import (
    csrf_of,
    make_enterprise,
    make_park,
    make_user,
    page_login,
    token_headers,
)
from tests.chain.builders import link_of, place
from tests.investment.builders import make_project
from tests.pipeline.builders import make_member


def _new_project(session: Session, user, **fields) -> int:  # type: ignore[no-untyped-def]
    data = ProjectCreate(
        name="抗体新药产业化项目", next_action="商务洽谈", due_on="2031-01-01", **fields
    )
    return investment.create_project(session, user=user, data=data).id


def test_rename_keeps_projects_placements_and_candidates(session: Session) -> None:
    park = make_park(session)
    officer = make_member(session, park, Role.investment_officer)
    link = link_of(session, park, "antibody")
    place(session, park, "antibody", make_enterprise(session, park))
    session.add(ChainCandidate(park_id=park.id, link_id=link.id, name="外地抗体公司"))
    by_text = _new_project(session, officer, chain_link="抗体药物")  # the text names the link
    by_id = _new_project(session, officer, chain_link_id=link.id)
    assert service.project_counts(session, park_id=park.id) == {"antibody": 2}
    taxonomy.update_link(
        session, user=officer, link_id=link.id, data=LinkUpdate(name="大分子偶联药")
    )
    ov = service.overview(session, park_id=park.id)
    sc = ov.scores["antibody"]
    assert ov.links["antibody"].name == "大分子偶联药"
    assert (sc.projects, sc.enterprises) == (2, 1)
    assert service.project_counts(session, park_id=park.id) == {"antibody": 2}
    detail = service.link_detail(session, user=officer, link_id=link.id)
    assert [c["name"] for c in detail["candidates"]] == ["外地抗体公司"]
    for pid in (by_text, by_id):
        assert (
            investment.get_project(session, user=officer, project_id=pid).chain_link_id == link.id
        )


def test_legacy_text_rows_still_count_by_name(session: Session) -> None:
    park = make_park(session)
    officer = make_member(session, park, Role.investment_officer)
    make_project(session, officer, chain_link="疫苗")  # written before the id existed
    make_project(session, officer, chain_link_id=link_of(session, park, "vaccine").id)
    assert service.project_counts(session, park_id=park.id) == {"vaccine": 2}


def test_a_project_refuses_another_parks_link(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    officer = make_member(session, park, Role.investment_officer)
    foreign = link_of(session, other, "antibody")
    with pytest.raises(ValidationFailed):
        _new_project(session, officer, chain_link_id=foreign.id)
    pid = _new_project(session, officer, chain_link_id=link_of(session, park, "cdmo").id)
    with pytest.raises(ValidationFailed):
        investment.update_project(
            session, user=officer, project_id=pid, data=ProjectUpdate(chain_link_id=foreign.id)
        )
    project = investment.get_project(session, user=officer, project_id=pid)
    assert project.chain_link_id == link_of(session, park, "cdmo").id


def test_new_link_under_a_parent_checks_name_and_parent(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    admin = make_member(session, park, Role.admin)
    bio = link_of(session, park, "biologics")
    chain = service.ensure_map(session, park_id=park.id)
    link = taxonomy.create_link(session, user=admin, data=LinkCreate(name="核药", parent_id=bio.id))
    assert (link.parent_code, link.stream, link.code.startswith("link_")) == (
        "biologics",
        "mid",
        True,
    )
    assert chain.version == 2
    with pytest.raises(Conflict):
        taxonomy.create_link(session, user=admin, data=LinkCreate(name="疫苗", parent_id=bio.id))
    with pytest.raises(Conflict):  # renaming onto a sibling's name is refused too
        taxonomy.update_link(session, user=admin, link_id=link.id, data=LinkUpdate(name="疫苗"))
    with pytest.raises(ValidationFailed):
        taxonomy.create_link(
            session,
            user=admin,
            data=LinkCreate(name="外园环节", parent_id=link_of(session, other, "biologics").id),
        )
    # The same name under another parent is fine.
    taxonomy.create_link(session, user=admin, data=LinkCreate(name="疫苗", parent_id=link.id))
    assert chain.version == 3


def test_api_rename_by_id_keeps_counts_and_refuses_bad_input(
    client: TestClient, session: Session
) -> None:
    park, other = make_park(session), make_park(session)
    officer = make_user(session, park, Role.investment_officer)
    headers = token_headers(client, officer)
    link = link_of(session, park, "vaccine")
    make_project(session, officer, chain_link_id=link.id)
    version = service.ensure_map(session, park_id=park.id).version
    ok = client.patch(f"/api/chain/links/{link.id}", json={"name": "预防性疫苗"}, headers=headers)
    assert ok.status_code == 200 and ok.json()["name"] == "预防性疫苗"
    row = next(
        x
        for x in client.get("/api/chain/map", headers=headers).json()["links"]
        if x["id"] == link.id
    )
    assert row["projects"] == 1
    clash = client.patch(f"/api/chain/links/{link.id}", json={"name": "抗体与ADC"}, headers=headers)
    assert clash.status_code == 409 and "已有环节" in clash.json()["error"]["message"]
    clash_en = client.patch(
        f"/api/chain/links/{link.id}?lang=en", json={"name": "抗体与ADC"}, headers=headers
    )
    assert "exists there" in clash_en.json()["error"]["message"]
    foreign = link_of(session, other, "vaccine")
    assert (
        client.patch(
            f"/api/chain/links/{foreign.id}", json={"name": "别人的"}, headers=headers
        ).status_code
        == 404
    )
    assert (
        client.patch(f"/api/chain/links/{link.id}", json={"name": "x"}, headers=headers).status_code
        == 422
    )
    session.expire_all()
    assert service.ensure_map(session, park_id=park.id).version == version + 1
    assert session.get(ChainLink, foreign.id).name == "疫苗"  # type: ignore[union-attr]


def test_api_adds_links_by_parent_id(client: TestClient, session: Session) -> None:
    park, other = make_park(session), make_park(session)
    headers = token_headers(client, make_user(session, park, Role.admin))
    cdmo = link_of(session, park, "cdmo")
    foreign_parent = link_of(session, other, "cdmo").id
    made = client.post(
        "/api/chain/links", json={"name": "无菌制剂", "parent_id": cdmo.id}, headers=headers
    )
    assert made.status_code == 201, made.text
    assert made.json()["parent_code"] == "cdmo"
    before = session.scalar(select(func.count()).select_from(ChainLink))
    dup = client.post(
        "/api/chain/links", json={"name": "无菌制剂", "parent_id": cdmo.id}, headers=headers
    )
    assert dup.status_code == 409
    foreign = client.post(
        "/api/chain/links?lang=en",
        json={"name": "外园", "parent_id": foreign_parent},
        headers=headers,
    )
    assert (
        foreign.status_code == 422 and foreign.json()["error"]["message"] == "No such parent link"
    )
    no_stream = client.post("/api/chain/links?lang=zh", json={"name": "孤立环节"}, headers=headers)
    assert no_stream.status_code == 422 and "上中下游" in no_stream.json()["error"]["message"]
    assert session.scalar(select(func.count()).select_from(ChainLink)) == before


def test_project_api_refuses_a_foreign_link(client: TestClient, session: Session) -> None:
    park, other = make_park(session), make_park(session)
    headers = token_headers(client, make_user(session, park, Role.investment_officer))
    body = {
        "name": "外链项目",
        "next_action": "洽谈",
        "due_on": "2031-01-01",
        "chain_link_id": link_of(session, other, "cdmo").id,
    }
    resp = client.post("/api/investment/projects", json=body, headers=headers)
    assert resp.status_code == 422 and resp.json()["error"]["message"] == "产业链环节不存在"
    resp = client.post("/api/investment/projects?lang=en", json=body, headers=headers)
    assert resp.json()["error"]["message"] == "No such chain link"
    body["chain_link_id"] = link_of(session, park, "cdmo").id
    made = client.post("/api/investment/projects", json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["chain_link_id"] == body["chain_link_id"]
    assert made.json()["chain_link"] == "CDMO与生产制造"


def test_page_adds_a_sub_link_and_shows_refusals(client: TestClient, session: Session) -> None:
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    page_login(client, admin)
    cdmo = link_of(session, park, "cdmo")
    page = client.get(f"/chain/links/{cdmo.id}")
    assert 'id="add-link"' in page.text
    csrf = csrf_of(page.text)
    resp = client.post(
        f"/chain/links/{cdmo.id}/children",
        data={"name": "冻干制剂", "min_enterprises": "2", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    assert "已新增环节" in client.get(resp.headers["location"]).text
    dup = client.post(
        f"/chain/links/{cdmo.id}/children?lang=en",
        data={"name": "冻干制剂", "csrf_token": csrf},
    )
    assert dup.status_code == 409 and "exists there" in dup.text
    short = client.post(f"/chain/links/{cdmo.id}/children", data={"name": "冻", "csrf_token": csrf})
    assert short.status_code == 422 and "名称" in short.text
    chain = session.scalar(select(ChainMap).where(ChainMap.park_id == park.id))
    assert chain is not None and chain.version == 2


def test_cluster_cards_equal_their_table_rows(client: TestClient, session: Session) -> None:
    from biopark.pipeline.stages import Stage
    from tests.pipeline.builders import make_drug

    park = make_park(session)
    leader = make_user(session, park, Role.leader)
    a, b = make_enterprise(session, park), make_enterprise(session, park)
    place(session, park, "antibody", a, leader=True)
    place(session, park, "vaccine", a)  # one firm on two links of a cluster counts once
    place(session, park, "vaccine", b)
    place(session, park, "chemical", b)
    make_drug(session, park, modality="adc", stage=Stage.phase1)
    make_drug(session, park, modality="vaccine", stage=Stage.marketed)
    make_drug(session, park, modality="small_molecule", stage=Stage.discontinued)
    headers = token_headers(client, leader)
    rows = {r["code"]: r for r in client.get("/api/chain/map", headers=headers).json()["links"]}
    cards = {c["cluster"]: c for c in client.get("/api/chain/clusters", headers=headers).json()}
    heads = {"生物药": "biologics", "化学药": "chemical", "现代中药": "tcm", "医疗器械": "devices"}
    for cluster, code in heads.items():
        card, row = cards[cluster], rows[code]
        assert (card["enterprises"], card["leaders"]) == (row["enterprises"], row["leaders"])
        assert card["drugs_in_research"] + card["drugs_on_market"] == row["drugs"]
    assert (cards["生物药"]["enterprises"], cards["生物药"]["drugs_in_research"]) == (2, 1)
