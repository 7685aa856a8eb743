"""The 融资服务 dashboard panel: figures for a period and its template on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.finance import service
from biopark.finance.schemas import GrantBody, ReferBody
from biopark.finance.stats import dashboard_panel
from biopark.kit.dates import today
from biopark.web.templating import templates
from tests.builders import make_park, make_user
from tests.finance.builders import make_need, make_product


@dataclass(frozen=True)
class Span:
    start: date
    end: date


def test_panel_counts_needs_referrals_grants_and_amount(session: Session) -> None:
    park = make_park(session)
    staff = make_user(session, park, Role.admin)
    product = make_product(session, park)
    for i in range(3):
        user = make_user(session, park, Role.enterprise)
        need = make_need(session, user, amount=Decimal(100_000_000) * (i + 1))
        if i:
            service.refer_need(
                session, user=staff, need_id=need.id, data=ReferBody(product_id=product.id)
            )
        if i == 2:
            service.grant_need(
                session,
                user=staff,
                need_id=need.id,
                data=GrantBody(granted_amount=Decimal(300_000_000), decided_on=today()),
            )
    span = Span(today() - timedelta(days=1), today() + timedelta(days=1))
    panel = dashboard_panel(session, park_id=park.id, period=span)
    assert panel is not None
    assert (panel["needs"], panel["referred"], panel["granted"]) == (3, 2, 1)
    assert panel["granted_amount"] == Decimal("300000000.00")
    html = (
        templates()
        .env.get_template("finance/dashboard_panel.html")
        .render(panel=panel, _=lambda s: s, lang="zh")
    )
    assert "3亿元" in html and "融资服务" in html
    en = (
        templates()
        .env.get_template("finance/dashboard_panel.html")
        .render(panel=panel, _=lambda s: {"融资服务": "Financing services"}.get(s, s), lang="en")
    )
    assert "300 million yuan" in en and "e+" not in en


def test_panel_is_none_without_data(session: Session) -> None:
    park = make_park(session)
    span = Span(date(2020, 1, 1), date(2020, 12, 31))
    assert dashboard_panel(session, park_id=park.id, period=span) is None
