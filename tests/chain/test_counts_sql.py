"""project_counts groups legacy texts in SQL and still gives the row-by-row answers."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.chain import service
from biopark.chain.models import ChainLink
from biopark.demo.service import load_demo
from biopark.investment.models import OPEN_STAGES, Project, Stage
from tests.builders import make_park
from tests.investment.builders import make_project
from tests.pipeline.builders import make_member


def _row_by_row(session: Session, *, park_id: int) -> dict[str, int]:
    """The former algorithm: every project matched on its own."""
    chain = service.ensure_map(session, park_id=park_id)
    links = list(
        session.scalars(
            select(ChainLink)
            .where(ChainLink.map_id == chain.id)
            .order_by(ChainLink.position, ChainLink.id)
        )
    )
    code_of = {link.id: link.code for link in links}
    ordered = service.leaves_first(links)
    counts: dict[str, int] = {}
    rows = session.execute(
        select(Project.chain_link_id, Project.chain_link, Project.chain).where(
            Project.park_id == park_id, Project.stage.in_(OPEN_STAGES)
        )
    )
    for link_id, chain_link, chain_name in rows:
        if link_id is not None:
            code = code_of.get(link_id)
        else:
            link = service.link_for_text(ordered, chain_link) or service.link_for_text(
                ordered, chain_name
            )
            code = link.code if link else None
        if code is not None:
            counts[code] = counts.get(code, 0) + 1
    return counts


def test_demo_counts_match_the_row_by_row_answer(session: Session) -> None:
    park = load_demo(session, password="demo-password-1").park
    assert service.project_counts(session, park_id=park.id) == _row_by_row(session, park_id=park.id)


def test_random_texts_match_the_row_by_row_answer(session: Session) -> None:
    park = make_park(session)
    owner = make_member(session, park, Role.investment_officer)
    links = service.link_choices(session, park_id=park.id)
    rng = random.Random(15)
    words = [lk.name for lk in links] + [lk.code for lk in links]
    words += ["抗体药物", " CDMO ", "元宇宙", "细胞与基因治疗平台", "", "ADC药物", "生物药"]
    stages = list(Stage)
    for _ in range(120):
        text = rng.choice(words)
        if rng.random() < 0.3:
            text = text.upper() + rng.choice(["", " ", "研发"])
        make_project(
            session,
            owner,
            chain_link=text or None,
            chain=rng.choice(["生物药", "化学药", "", "医疗器械"]) or None,
            chain_link_id=rng.choice(links).id if rng.random() < 0.2 else None,
            stage=rng.choice(stages),
        )
    session.flush()
    got = service.project_counts(session, park_id=park.id)
    assert got == _row_by_row(session, park_id=park.id)
    assert sum(got.values()) > 0
