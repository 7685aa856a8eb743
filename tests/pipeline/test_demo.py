"""The demo pipeline and chain come from records: the park's reported figures, loaded once."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.chain import service as chain
from biopark.chain.models import ChainCandidate, ChainMapVersion, LinkPlacement
from biopark.demo.service import load_demo
from biopark.parks.models import Park
from biopark.pipeline import service
from biopark.pipeline.models import Drug, LicensingDeal, Milestone
from biopark.pipeline.stages import Stage

MODELS = (Drug, Milestone, LicensingDeal, LinkPlacement, ChainCandidate, ChainMapVersion)


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(m)) or 0 for m in MODELS)


def test_demo_records_and_reload(session: Session) -> None:
    # One test: loading the demo park hashes seven passwords, which is the slow part.
    park = load_demo(session, password="demo-password-1").park
    before = _counts(session)
    load_demo(session, password="demo-password-1")
    assert _counts(session) == before
    _funnel(session, park.id)
    _named_products(session, park.id)
    _chain(session, park.id)


def _funnel(session: Session, park_id: int) -> None:
    park = session.get(Park, park_id)
    assert park is not None
    own = service.funnel(session, park_id=park.id)
    assert (own.in_research, own.clinical) == (56, 20)
    city = service.funnel(session, park_id=park.id, scope="city")
    assert city.in_research >= 100 and city.clinical == 42


def _named_products(session: Session, park_id: int) -> None:
    drugs = {d.name: d for d in session.scalars(select(Drug).where(Drug.park_id == park_id))}
    assert drugs["赛立奇单抗注射液"].stage == Stage.approved
    assert service.company_of(session, drugs["赛立奇单抗注射液"]) == "智翔金泰"
    assert drugs["普基奥仑赛注射液"].stage == Stage.approved
    assert service.company_of(session, drugs["普基奥仑赛注射液"]) == "精准生物"
    deal = session.scalar(
        select(LicensingDeal).where(LicensingDeal.drug_id == drugs["GR1803注射液"].id)
    )
    assert deal is not None and deal.total == Decimal("712000000") and deal.currency == "USD"
    generated = [d for d in drugs.values() if d.code and d.code.startswith("ZX-")]
    assert generated and all(d.is_demo for d in generated)


def _chain(session: Session, park_id: int) -> None:
    ov = chain.overview(session, park_id=park_id)
    assert ov.scores["antibody"].leaders == 2
    levels = {c: ov.scores[c].level for c in ov.tree.leaves()}
    assert levels["cdmo"] == "gap" and levels["chemical"] == "covered"
    assert session.scalar(select(func.count()).select_from(ChainCandidate)) >= 5
