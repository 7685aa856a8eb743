from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.dashboard import reconciliation, service
from biopark.errors import Forbidden, ValidationFailed
from biopark.services.models import RequestStatus, ServiceRequest
from biopark.services.stats import sla_stats
from tests.builders import make_enterprise, make_user
from tests.dashboard.builders import add_article, make_world

YI = Decimal(100_000_000)


def test_period_sums_follow_month_range(session: Session) -> None:
    w = make_world(session)
    d = service.build(session, park_id=w.park.id, period=service.Period(2025, 1, 2))
    assert d.investment.signed_projects == 3
    assert d.investment.agreed_investment == 12 * YI
    assert d.investment.funds_in_place == Decimal("2.5") * YI
    feb = service.build(session, park_id=w.park.id, period=service.Period(2025, 2, 3))
    assert feb.investment.signed_projects == 3  # two in Feb, one in March
    assert feb.investment.agreed_investment == 14 * YI
    assert feb.investment.ytd.target is not None
    assert feb.investment.ytd.progress.projects_pct == Decimal("20.00")


def test_make_period_rejects_bad_ranges() -> None:
    today = date(2025, 6, 15)
    assert service.make_period(None, None, None, today=today) == service.Period(2025, 1, 6)
    assert service.make_period(2024, None, None, today=today) == service.Period(2024, 1, 12)
    for args in ((2025, 5, 3), (2025, 0, 3), (2025, 1, 13), (1999, 1, 2)):
        with pytest.raises(ValidationFailed):
            service.make_period(*args, today=today)


def test_sla_aggregate_equals_sla_stats(session: Session) -> None:
    w = make_world(session)
    ent = make_enterprise(session, w.park)
    base = datetime(2025, 3, 1, 2, tzinfo=UTC)
    rows = [
        # (closed after, due after, satisfaction)
        (timedelta(days=2), timedelta(days=5), 5),
        (timedelta(days=9), timedelta(days=5), 3),
        (None, timedelta(days=5), None),  # open and past due
        (None, None, None),  # no clock
    ]
    for i, (closed, due, score) in enumerate(rows):
        session.add(
            ServiceRequest(
                park_id=w.park.id,
                enterprise_id=ent.id,
                category="审评审批",
                title=f"诉求{i}",
                content="内容",
                status=RequestStatus.closed if closed else RequestStatus.new,
                submitted_at=base + timedelta(hours=i),
                close_due_at=base + due if due else None,
                closed_at=base + closed if closed else None,
                satisfaction=score,
            )
        )
    session.flush()
    period = service.Period(2025, 3, 3)
    kpi = service.sla_kpi(session, park_id=w.park.id, period=period)
    since, until = period.utc_bounds()
    ref = sla_stats(session, park_id=w.park.id, since=since, until=until).overall
    assert (kpi.total, kpi.on_time, kpi.overdue, kpi.rated) == (4, 1, 2, 2)
    assert (kpi.on_time, kpi.overdue, kpi.rated) == (ref.on_time, ref.overdue, ref.rated)
    assert kpi.on_time_rate == ref.on_time_rate == Decimal("33.3")
    assert kpi.satisfaction == ref.satisfaction == Decimal("4.00")
    assert kpi.open_overdue == 1


def test_reconcile_match_mismatch_and_not_comparable(session: Session) -> None:
    w = make_world(session)
    add_article(session, w.park)
    add_article(
        session,
        w.park,
        "另一园区动态\n2025-03-03 来源：测试\n今年1至2月，某某产业园累计签约入库项目8个。\n",
    )
    rows = {
        (r.figure.label, format(r.figure.value.normalize(), "f")): r
        for r in reconciliation.reconcile_park(session, park_id=w.park.id)
    }
    assert rows[("签约入库项目", "3")].status.value == "match"
    agreed = rows[("协议投资额", "1200000000")]
    assert agreed.status.value == "match"
    assert agreed.ledger_value == 12 * YI
    wrong = rows[("到位资金", "900000000")]
    assert wrong.status.value == "mismatch"
    assert wrong.ledger_value == Decimal("2.5") * YI
    assert "9亿元" in wrong.reason and "2.5亿元" in wrong.reason
    assert wrong.as_json()["document_url"].startswith("/intel/documents/")
    forecast = next(r for r in rows.values() if r.figure.forecast and r.key == "agreed_investment")
    assert forecast.status.value == "not_comparable"
    assert forecast.target_value == 100 * YI
    # Another park's figure stays out of the park view (it is a peer figure).
    assert ("签约入库项目", "8") not in rows
    every = reconciliation.reconcile_park(session, park_id=w.park.id, include_peers=True)
    other = next(r for r in every if r.figure.value == 8)
    assert other.status.value == "not_comparable"
    assert "其他主体" in other.reason


def test_readers_only(session: Session) -> None:
    w = make_world(session)
    ent_user = make_user(
        session, w.park, Role.enterprise, enterprise_id=make_enterprise(session, w.park).id
    )
    with pytest.raises(Forbidden):
        service.for_user(session, user=ent_user, period=service.Period(2025, 1, 2))
    analyst = make_user(session, w.park, Role.analyst)
    d = service.for_user(session, user=analyst, period=service.Period(2025, 1, 2))
    assert d.links["investment"] is False and d.links["pipeline"] is True
