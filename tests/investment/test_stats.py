"""Year statistics: 签约入库 counting, sums, monthly roll-up, target arithmetic, demo figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.investment import demo, service
from biopark.investment.models import Stage, Target
from biopark.investment.stats import pct
from tests.builders import make_park, make_user
from tests.investment.builders import add_funds, make_project, make_registered

YI = Decimal(10) ** 8


def test_pct_rounds_half_up_and_needs_a_target() -> None:
    assert pct(21, 25) == Decimal("84.00")
    assert pct(Decimal("3833000000"), Decimal("4500000000")) == Decimal("85.18")
    assert pct(1, 8) == Decimal("12.50")
    assert pct(2, 3) == Decimal("66.67")
    assert pct(5, 0) is None and pct(5, None) is None


def test_signed_and_registered_counting(session: Session) -> None:
    park = make_park(session)
    o = make_user(session, park, Role.investment_officer)
    make_registered(session, o, date(2025, 1, 10), 10 * YI)
    make_registered(session, o, date(2025, 1, 20), 5 * YI, stage=Stage.construction)
    make_registered(session, o, date(2025, 3, 2), 2 * YI, stage=Stage.production)
    make_registered(session, o, date(2025, 3, 5), 7 * YI, stage=Stage.terminated)
    make_registered(session, o, date(2024, 12, 31), 9 * YI)
    make_project(
        session, o, stage=Stage.signed, signed_on=date(2025, 2, 1), agreed_investment=4 * YI
    )
    other = make_park(session)
    make_registered(
        session, make_user(session, other, Role.investment_officer), date(2025, 1, 5), YI
    )
    stats = service.year_stats(session, park_id=park.id, year=2025, month_to=3)
    assert stats.signed_projects == 3
    assert stats.agreed_investment == 17 * YI
    assert [m.signed_projects for m in stats.months] == [2, 0, 1]
    assert [m.cum_agreed_investment for m in stats.months] == [15 * YI, 15 * YI, 17 * YI]
    assert stats.stage_counts[Stage.terminated.value] == 1
    assert service.year_stats(session, park_id=park.id, year=2025, month_to=1).signed_projects == 2


def test_funds_roll_up_and_target_progress(session: Session) -> None:
    park = make_park(session)
    o = make_user(session, park, Role.investment_officer)
    p = make_registered(session, o, date(2025, 2, 1), 10 * YI, team="甲团队")
    q = make_registered(session, o, date(2025, 2, 3), 10 * YI, team="乙团队")
    add_funds(session, p, date(2025, 2, 10), 2 * YI)
    add_funds(session, p, date(2025, 4, 10), YI)
    add_funds(session, q, date(2025, 4, 11), Decimal("0.5") * YI)
    add_funds(session, q, date(2024, 12, 1), 9 * YI)
    session.add_all(
        [
            Target(park_id=park.id, year=2025, scope="park", scope_value="", projects=4,
                   agreed_investment=40 * YI, funds_in_place=10 * YI),
            Target(park_id=park.id, year=2025, scope="team", scope_value="甲团队", projects=1,
                   agreed_investment=8 * YI, funds_in_place=6 * YI),
        ]
    )  # fmt: skip
    session.flush()
    stats = service.year_stats(session, park_id=park.id, year=2025, month_to=4)
    assert stats.funds_in_place == Decimal("3.5") * YI
    assert [m.funds_in_place for m in stats.months] == [0, 2 * YI, 0, Decimal("1.5") * YI]
    assert stats.months[1].funds_in_place_rate == Decimal("10.00")
    assert stats.funds_in_place_rate == Decimal("17.50")
    assert stats.progress.projects_pct == Decimal("50.00")
    assert stats.progress.agreed_investment_pct == Decimal("50.00")
    assert stats.progress.funds_in_place_pct == Decimal("35.00")
    team = service.year_stats(session, park_id=park.id, year=2025, month_to=4, team="甲团队")
    assert team.signed_projects == 1 and team.funds_in_place == 3 * YI
    assert team.progress.projects_pct == Decimal("100.00")
    assert team.progress.agreed_investment_pct == Decimal("125.00")
    assert team.progress.funds_in_place_pct == Decimal("50.00")


def test_no_target_means_no_progress(session: Session) -> None:
    park = make_park(session)
    stats = service.year_stats(session, park_id=park.id, year=2025)
    assert stats.target is None and stats.progress.projects_pct is None
    assert stats.signed_projects == 0 and len(stats.months) == 12


def test_demo_ledger_reproduces_the_reported_figures(session: Session) -> None:
    park = make_park(session)
    make_user(session, park, Role.investment_officer, username="demo-investment")
    demo.load(session, park=park)
    demo.load(session, park=park)
    stats = service.year_stats(session, park_id=park.id, year=2025, month_to=11)
    assert stats.signed_projects == 21
    assert stats.agreed_investment == 102 * YI
    assert stats.funds_in_place == Decimal("38.33") * YI
    assert stats.target is not None and stats.target.projects == 25
    assert stats.progress.projects_pct == Decimal("84.00")
    assert stats.progress.agreed_investment_pct == Decimal("92.73")
    assert stats.progress.funds_in_place_pct == Decimal("85.18")
    page = service.list_projects(
        session,
        user=make_user(session, park, Role.leader),
        flt=service.ProjectFilter(q="科瑞制药"),
    )
    assert page.items[0].land_mu == Decimal("300") and page.items[0].is_demo


def test_overdue_counts_only_open_projects(session: Session) -> None:
    park = make_park(session)
    o = make_user(session, park, Role.investment_officer)
    past = service.today_local() - timedelta(days=1)
    make_project(session, o, due_on=past)
    make_project(session, o, due_on=past, stage=Stage.registered, team="甲团队")
    make_project(session, o, due_on=past, stage=Stage.production)
    make_project(session, o, due_on=past, stage=Stage.terminated)
    make_project(session, o)
    stats = service.year_stats(session, park_id=park.id, year=2025)
    assert stats.overdue == 2
    assert service.year_stats(session, park_id=park.id, year=2025, team="甲团队").overdue == 1
