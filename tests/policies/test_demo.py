"""The demo policy library and enterprise files: idempotent, and showing every verdict."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.demo.service import load_demo
from biopark.enterprises.models import Enterprise, EnterprisePool, EnterpriseProduct
from biopark.policies import service
from biopark.policies.models import Policy
from biopark.policies.rules import Verdict

TODAY = date(2026, 11, 21)


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(m)) or 0
        for m in (Policy, EnterprisePool, EnterpriseProduct)
    )


def test_demo_loads_once_and_shows_all_three_verdicts(session: Session) -> None:
    park = load_demo(session, password="demo-password-1").park
    before = _counts(session)
    load_demo(session, password="demo-password-1")
    assert _counts(session) == before
    assert before[0] >= 10
    matches = service.match_park(session, park=park, as_of=TODAY)
    verdicts = {m.verdict for m in matches}
    assert verdicts == {Verdict.qualified, Verdict.nearly, Verdict.unknown}
    zx = session.scalar(select(Enterprise).where(Enterprise.short_name == "智翔金泰"))
    assert zx is not None
    products = session.scalars(
        select(EnterpriseProduct.name).where(EnterpriseProduct.enterprise_id == zx.id)
    ).all()
    assert "赛立奇单抗注射液" in products
    commissioner = session.scalar(select(User).where(User.username == "demo-commissioner"))
    assert commissioner is not None and zx.commissioner_id == commissioner.id
    push = service.push_list(session, user=commissioner, as_of=TODAY)
    assert {m.verdict for m in push} == {Verdict.qualified, Verdict.nearly}
    assert any(m.auto_grant for m in push)
