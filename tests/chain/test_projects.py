"""Open investment projects counted per chain link from their free-text chain link."""

from __future__ import annotations

from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.chain import service
from biopark.investment.models import Stage
from tests.builders import make_park
from tests.investment.builders import make_project
from tests.pipeline.builders import make_member


def test_projects_are_counted_on_the_link_their_text_names(session: Session) -> None:
    park = make_park(session)
    owner = make_member(session, park, Role.investment_officer)
    make_project(session, owner, chain_link="抗体与ADC")  # exact name
    make_project(session, owner, chain_link=" cdmo ")  # code, spaces and case ignored
    make_project(session, owner, chain_link="抗体药物")  # contains the name part 抗体
    make_project(session, owner, chain_link="化学原料药及制剂")  # contains 原料药
    make_project(session, owner, chain_link="放射性药物", chain="化学药")  # falls back to chain
    make_project(session, owner, chain_link="元宇宙")  # names no link
    make_project(session, owner, chain_link="疫苗", stage=Stage.terminated)  # not open
    make_project(session, owner, chain_link="疫苗", stage=Stage.production)  # done, not open
    make_project(session, owner, chain_link="疫苗", stage=Stage.lead)
    other = make_member(session, make_park(session), Role.investment_officer)
    make_project(session, other, chain_link="疫苗")  # another park's
    counts = service.project_counts(session, park_id=park.id)
    assert counts == {"antibody": 2, "cdmo": 1, "api": 1, "chemical": 1, "vaccine": 1}
    ov = service.overview(session, park_id=park.id)
    assert ov.scores["antibody"].projects == 2
    # A parent link sums its children's projects.
    assert ov.scores["biologics"].projects == 3


def test_link_for_text_prefers_the_longest_part_and_leaves() -> None:
    ov_links = [
        _link("biologics", "生物药"),
        _link("antibody", "抗体与ADC"),
        _link("discovery", "药物发现与CRO"),
    ]
    leaves_first = sorted(ov_links, key=lambda lk: lk.code == "biologics")
    assert service.link_for_text(leaves_first, "ADC药物") is ov_links[1]
    assert service.link_for_text(leaves_first, "生物药") is ov_links[0]
    assert service.link_for_text(leaves_first, "创新药物发现平台") is ov_links[2]
    assert service.link_for_text(leaves_first, "") is None
    assert service.link_for_text(leaves_first, None) is None


def _link(code: str, name: str) -> service.ChainLink:
    return service.ChainLink(code=code, name=name, stream="mid")
