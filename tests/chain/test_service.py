"""Chain service: default taxonomy, placements, coverage, gaps, versioned edits, imports."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit.models import AuditEntry
from biopark.chain import gaps, service, taxonomy
from biopark.chain.models import ChainCandidate, ChainMapVersion
from biopark.chain.schemas import LinkCreate, LinkUpdate
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.pipeline.stages import Stage
from tests.builders import make_enterprise, make_park
from tests.chain.builders import link_of, place, xlsx_bytes
from tests.pipeline.builders import make_drug, make_member


def test_default_taxonomy_covers_the_innovative_drug_chain(session: Session) -> None:
    park = make_park(session)
    ov = service.overview(session, park_id=park.id)
    names = {link.name for link in ov.links.values()}
    for expected in ("药物发现与CRO", "原料药与中间体", "疫苗", "化学药", "现代中药", "医疗器械"):
        assert expected in names
    assert {"CDMO与生产制造", "临床研究与GCP", "医药流通", "市场准入与商业化"} <= names
    assert ov.chain.version == 1
    assert service.ensure_map(session, park_id=park.id).id == ov.chain.id
    # An empty park: every leaf is a gap.
    assert all(ov.scores[c].level == "gap" for c in ov.tree.leaves())


def test_placements_and_drugs_change_the_score(session: Session) -> None:
    park = make_park(session)
    a, b, cro, cdmo, mat = (make_enterprise(session, park) for _ in range(5))
    place(session, park, "antibody", a, leader=True)
    place(session, park, "antibody", b)
    for code, ent in (("discovery", cro), ("cdmo", cdmo), ("materials", mat)):
        place(session, park, code, ent)
    ov = service.overview(session, park_id=park.id)
    assert [r.code for r in ov.scores["antibody"].reasons] == ["no_pipeline"]
    make_drug(session, park, modality="bispecific", enterprise_id=a.id)
    make_drug(session, park, modality="adc", stage=Stage.discontinued, enterprise_id=a.id)
    ov = service.overview(session, park_id=park.id)
    assert ov.scores["antibody"].score == 0 and ov.scores["antibody"].drugs == 1
    assert ov.scores["biologics"].enterprises == 2


def test_link_detail_lists_enterprises_drugs_and_candidates(session: Session) -> None:
    park = make_park(session)
    user = make_member(session, park, Role.leader)
    ent = make_enterprise(session, park, name="重庆甲疫苗有限公司")
    place(session, park, "vaccine", ent, leader=True)
    drug = make_drug(session, park, modality="vaccine", enterprise_id=ent.id)
    link = link_of(session, park, "vaccine")
    session.add(ChainCandidate(park_id=park.id, link_id=link.id, name="乙疫苗公司"))
    detail = service.link_detail(session, user=user, link_id=link.id)
    assert [e["name"] for e in detail["enterprises"]] == ["重庆甲疫苗有限公司"]
    assert detail["enterprises"][0]["is_leader"]
    assert [d["id"] for d in detail["drugs"]] == [drug.id]
    assert [c["name"] for c in detail["candidates"]] == ["乙疫苗公司"]
    heading = service.link_detail(
        session, user=user, link_id=link_of(session, park, "biologics").id
    )
    assert [e["name"] for e in heading["enterprises"]] == ["重庆甲疫苗有限公司"]
    assert {c["code"] for c in heading["children"]} == {"antibody", "vaccine", "cgt", "peptide"}


def test_other_parks_links_look_missing(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    user = make_member(session, park, Role.investment_officer)
    theirs = link_of(session, other, "cdmo")
    with pytest.raises(NotFound):
        service.link_detail(session, user=user, link_id=theirs.id)
    with pytest.raises(NotFound):
        service.place_enterprise(
            session, user=user, link_id=theirs.id, enterprise_id=make_enterprise(session, other).id
        )
    mine = link_of(session, park, "cdmo")
    with pytest.raises(NotFound):
        service.place_enterprise(
            session, user=user, link_id=mine.id, enterprise_id=make_enterprise(session, other).id
        )


def test_place_and_remove_are_audited_and_role_checked(session: Session) -> None:
    park = make_park(session)
    officer = make_member(session, park, Role.investment_officer)
    ent = make_enterprise(session, park)
    link = link_of(session, park, "cdmo")
    service.place_enterprise(session, user=officer, link_id=link.id, enterprise_id=ent.id)
    service.place_enterprise(
        session, user=officer, link_id=link.id, enterprise_id=ent.id, is_leader=True
    )
    ov = service.overview(session, park_id=park.id)
    assert ov.scores["cdmo"].leaders == 1 and ov.scores["cdmo"].enterprises == 1
    assert [
        x.code for x in service.links_of_enterprise(session, park_id=park.id, enterprise_id=ent.id)
    ] == ["cdmo"]
    service.remove_placement(session, user=officer, link_id=link.id, enterprise_id=ent.id)
    assert service.overview(session, park_id=park.id).scores["cdmo"].enterprises == 0
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "chain_link")
    ).all()
    assert actions == ["place", "update", "unplace"]
    for role in (Role.leader, Role.analyst, Role.commissioner):
        with pytest.raises(Forbidden):
            service.place_enterprise(
                session,
                user=make_member(session, park, role),
                link_id=link.id,
                enterprise_id=ent.id,
            )


def test_taxonomy_edits_make_versions(session: Session) -> None:
    park = make_park(session)
    admin = make_member(session, park, Role.admin)
    link = taxonomy.create_link(
        session,
        user=admin,
        data=LinkCreate(code="imaging", name="医学影像", stream="down", parent_code="down"),
    )
    taxonomy.update_link(
        session, user=admin, link_id=link.id, data=LinkUpdate(min_enterprises=3, note="提高目标")
    )
    versions = taxonomy.versions(session, user=admin)
    assert [v.version for v in versions] == [3, 2, 1]
    assert versions[0].note == "提高目标"
    assert any(x["code"] == "imaging" for x in versions[1].links)
    assert not any(x["code"] == "imaging" for x in versions[2].links)
    with pytest.raises(Conflict):
        taxonomy.create_link(
            session, user=admin, data=LinkCreate(code="imaging", name="重复", stream="down")
        )
    taxonomy.delete_link(session, user=admin, link_id=link.id)
    assert service.ensure_map(session, park_id=park.id).version == 4


def test_taxonomy_refuses_broken_structures(session: Session) -> None:
    park = make_park(session)
    admin = make_member(session, park, Role.admin)
    with pytest.raises(ValidationFailed):
        taxonomy.create_link(
            session,
            user=admin,
            data=LinkCreate(code="orphan", name="孤儿", stream="up", parent_code="nope"),
        )
    cdmo = link_of(session, park, "cdmo")
    with pytest.raises(ValidationFailed):
        taxonomy.update_link(session, user=admin, link_id=cdmo.id, data=LinkUpdate(needs=["zz"]))
    with pytest.raises(Conflict):  # the antibody link needs cdmo
        taxonomy.delete_link(session, user=admin, link_id=cdmo.id)
    with pytest.raises(Conflict):  # has children
        taxonomy.delete_link(session, user=admin, link_id=link_of(session, park, "biologics").id)
    with pytest.raises(Forbidden):
        taxonomy.update_link(
            session,
            user=make_member(session, park, Role.leader),
            link_id=cdmo.id,
            data=LinkUpdate(name="改名"),
        )


def test_import_is_all_or_nothing(session: Session) -> None:
    park = make_park(session)
    analyst = make_member(session, park, Role.analyst)
    good = xlsx_bytes(
        [
            ["环节", "企业名称", "地区"],
            ["cdmo", "甲CDMO有限公司", "上海"],
            ["临床研究与GCP", "乙临床服务公司", ""],
        ]
    )
    result = gaps.import_candidates(
        session, park_id=park.id, filename="a.xlsx", content=good, actor=analyst
    )
    assert (result.created, result.updated) == (2, 0)
    bad = xlsx_bytes(
        [["环节", "企业名称", "地区"], ["cdmo", "甲CDMO有限公司", "苏州"], ["月球", "丙公司", ""]]
    )
    with pytest.raises(gaps.ImportRejected) as exc:
        gaps.import_candidates(
            session, park_id=park.id, filename="b.xlsx", content=bad, actor=analyst
        )
    assert exc.value.errors == ["第 3 行：未知产业链环节“月球”"]
    stored = session.scalars(select(ChainCandidate).order_by(ChainCandidate.name)).all()
    assert [(c.name, c.region) for c in stored] == [
        ("乙临床服务公司", None),
        ("甲CDMO有限公司", "上海"),
    ]
    again = xlsx_bytes([["环节", "企业名称", "地区"], ["cdmo", "甲CDMO有限公司", ""]])
    result = gaps.import_candidates(session, park_id=park.id, filename="c.xlsx", content=again)
    assert (result.created, result.updated) == (0, 0)
    assert (
        session.scalar(select(ChainCandidate.region).where(ChainCandidate.name == "甲CDMO有限公司"))
        == "上海"
    )
    with pytest.raises(Forbidden):
        gaps.import_candidates(
            session,
            park_id=park.id,
            filename="a.xlsx",
            content=good,
            actor=make_member(session, park, Role.leader),
        )


def test_gap_list_carries_candidates_and_news_hook_is_empty(session: Session) -> None:
    park = make_park(session)
    user = make_member(session, park, Role.leader)
    link = link_of(session, park, "clinical")
    session.add(ChainCandidate(park_id=park.id, link_id=link.id, name="甲临床公司"))
    session.flush()
    found = gaps.gap_list(session, user=user)
    clinical = next(g for g in found if g["link"]["code"] == "clinical")
    assert [c["name"] for c in clinical["candidates"]] == ["甲临床公司"]
    assert found[0]["link"]["score"] >= found[-1]["link"]["score"]
    assert service.candidates_from_news(session, park_id=park.id, link_id=link.id) == []


def test_cluster_view(session: Session) -> None:
    park = make_park(session)
    user = make_member(session, park, Role.commissioner)
    ent = make_enterprise(session, park, cluster="现代中药", tags=["龙头企业"])
    place(session, park, "tcm", ent, leader=True)
    # Only placements count, as in the map's table: a registry tag alone places nobody.
    make_enterprise(session, park, cluster="现代中药", tags=["龙头企业"])
    make_drug(session, park, modality="tcm", enterprise_id=ent.id, stage=Stage.phase2)
    make_drug(session, park, modality="tcm", enterprise_id=ent.id, stage=Stage.marketed)
    view = {c["cluster"]: c for c in gaps.cluster_view(session, user=user)}
    assert list(view) == ["生物药", "化学药", "现代中药", "医疗器械"]
    tcm = view["现代中药"]
    assert (
        tcm["enterprises"],
        tcm["leaders"],
        tcm["drugs_in_research"],
        tcm["drugs_on_market"],
    ) == (1, 1, 1, 1)
    assert "疫苗" in view["生物药"]["links"]


def test_readers_only(session: Session) -> None:
    park = make_park(session)
    for role in (Role.enterprise, Role.department):
        with pytest.raises(Forbidden):
            service.overview_for(session, user=make_member(session, park, role))
    assert session.scalar(select(func.count()).select_from(ChainMapVersion)) == 0
