"""A small park with ledger, target and a news article about it, for dashboard tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.intel.service.ingest import Linker, ingest_bytes
from biopark.investment.models import Stage, Target
from biopark.parks.models import Park
from tests.builders import make_park, make_user
from tests.investment.builders import add_funds, make_registered

ARTICLE = """测试园区前两个月招商情况
2025-03-02 来源：测试园区
今年1至2月，{park}累计签约入库项目3个，协议投资额12亿元，到位资金2.5亿元。
另据报道，{park}1至2月到位资金达到9亿元。
{park}预计全年签约入库项目20个，协议投资额100亿元。
"""


@dataclass
class World:
    park: Park
    leader: User


def make_world(session: Session) -> World:
    """Three projects registered in Jan-Feb 2025 (12亿元), 2.5亿元 in place, a 2025 target."""
    park = make_park(session, name="测试生物城")
    leader = make_user(session, park, Role.leader)
    officer = make_user(session, park, Role.investment_officer)
    yi = Decimal(100_000_000)
    p1 = make_registered(session, officer, date(2025, 1, 10), 5 * yi)
    make_registered(session, officer, date(2025, 2, 3), 4 * yi, stage=Stage.construction)
    make_registered(session, officer, date(2025, 2, 20), 3 * yi)
    # Registered later in the year, and one that was terminated: neither counts for Jan-Feb.
    make_registered(session, officer, date(2025, 3, 5), 7 * yi)
    make_registered(session, officer, date(2025, 2, 21), 9 * yi, stage=Stage.terminated)
    add_funds(session, p1, date(2025, 1, 20), Decimal("1.5") * yi)
    add_funds(session, p1, date(2025, 2, 20), 1 * yi)
    session.add(
        Target(
            park_id=park.id,
            year=2025,
            scope="park",
            scope_value="",
            projects=20,
            agreed_investment=100 * yi,
            funds_in_place=40 * yi,
        )
    )
    session.flush()
    return World(park, leader)


def add_article(session: Session, park: Park, text: str | None = None) -> None:
    """Ingest a news article about the park."""
    body = (text or ARTICLE).format(park=park.name).encode("utf-8")
    linker = Linker.for_park(session, park_id=park.id)
    ingest_bytes(
        session,
        park_id=park.id,
        origin="test:article",
        data=body,
        url="https://example.org/test",
        linker=linker,
    )
