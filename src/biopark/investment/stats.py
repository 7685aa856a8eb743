"""Year statistics of the investment pipeline, computed with SQL aggregates.

Definitions (the ones the park's public reports use):

- 签约入库项目 (signed and registered projects) in a period: projects whose
  入库 date (`registered_on`) falls in the period and whose current stage is
  入库 or later (开工, 投产). A project moved back before 入库 loses its
  入库 date; a terminated project no longer counts.
- 协议投资额 (agreed investment) in a period: the sum of `agreed_investment`
  over those projects.
- 到位资金 (funds in place) in a period: the sum of the funds entries whose
  date falls in the period, over all the park's projects (money that arrived
  stays arrived, whatever the project's stage).
- 资金到位率 (funds-in-place rate): cumulative funds in place ÷ cumulative
  agreed investment of the period, in %.
- Target progress: actual ÷ annual target, in %, with 2 decimals.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, extract, func, select
from sqlalchemy.orm import Session

from biopark.investment.models import (
    OPEN_LEAD_STATUSES,
    OPEN_STAGES,
    REGISTERED_OR_LATER,
    FundsEntry,
    Lead,
    Project,
    Target,
)
from biopark.investment.schemas import MonthRow, Progress, TargetRead, YearStats
from biopark.kit.dates import SHANGHAI
from biopark.kit.models import utcnow

_CENT = Decimal("0.01")


def pct(part: Decimal | int, whole: Decimal | int | None) -> Decimal | None:
    """part ÷ whole in %, rounded half up to 2 decimals; None without a positive whole."""
    if whole is None or Decimal(whole) <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_CENT, rounding=ROUND_HALF_UP)


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(_CENT)


def _default_month_to(year: int, today: date) -> int:
    if year == today.year:
        return today.month
    return 12


def latest_data_month(session: Session, *, park_id: int, today: date) -> date | None:
    """The first day of the latest month (up to today) with a registered project or funds."""
    registered = session.scalar(
        select(func.max(Project.registered_on)).where(
            Project.park_id == park_id, Project.registered_on <= today
        )
    )
    funds = session.scalar(
        # The entry's own park (indexed with the date): a join to projects reads them all.
        select(func.max(FundsEntry.received_on)).where(
            FundsEntry.park_id == park_id, FundsEntry.received_on <= today
        )
    )
    found = [d for d in (registered, funds) if d is not None]
    return max(found).replace(day=1) if found else None


def default_year(session: Session, *, park_id: int, today: date) -> int:
    """This year, or the latest earlier year with data when this year has none yet."""
    latest = latest_data_month(session, park_id=park_id, today=today)
    return latest.year if latest is not None else today.year


def _scope(team: str | None, chain: str | None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if team:
        conds.append(Project.team == team)
    if chain:
        conds.append(Project.chain == chain)
    return conds


def year_stats(
    session: Session,
    *,
    park_id: int,
    year: int,
    month_to: int | None = None,
    team: str | None = None,
    chain: str | None = None,
) -> YearStats:
    """Counts, sums, monthly roll-up and target progress of a park (or team/chain) for a year."""
    now = utcnow()
    today = now.astimezone(SHANGHAI).date()
    month_to = month_to or _default_month_to(year, today)
    if not 1 <= month_to <= 12:
        raise ValueError("month_to must be 1..12")
    start = date(year, 1, 1)
    end = date(year, month_to, calendar.monthrange(year, month_to)[1])
    scope = _scope(team, chain)

    signed_month = extract("month", Project.registered_on)
    signed_rows = session.execute(
        select(
            signed_month,
            func.count(Project.id),
            func.coalesce(func.sum(Project.agreed_investment), 0),
        )
        .where(
            Project.park_id == park_id,
            Project.registered_on >= start,
            Project.registered_on <= end,
            Project.stage.in_(list(REGISTERED_OR_LATER)),
            *scope,
        )
        .group_by(signed_month)
    ).all()
    funds_month = extract("month", FundsEntry.received_on)
    funds_stmt = (
        select(funds_month, func.coalesce(func.sum(FundsEntry.amount), 0))
        .where(
            FundsEntry.park_id == park_id,
            FundsEntry.received_on >= start,
            FundsEntry.received_on <= end,
        )
        .group_by(funds_month)
    )
    if scope:
        funds_stmt = funds_stmt.join(Project, Project.id == FundsEntry.project_id).where(*scope)
    funds_rows = session.execute(funds_stmt).all()

    signed = {int(m): (int(n), _money(s)) for m, n, s in signed_rows}
    funds = {int(m): _money(s) for m, s in funds_rows}
    months: list[MonthRow] = []
    cum_n, cum_agreed, cum_funds = 0, Decimal(0), Decimal(0)
    for m in range(1, month_to + 1):
        n, agreed = signed.get(m, (0, Decimal(0)))
        f = funds.get(m, Decimal(0))
        cum_n, cum_agreed, cum_funds = cum_n + n, cum_agreed + agreed, cum_funds + f
        months.append(
            MonthRow(
                month=m,
                signed_projects=n,
                agreed_investment=agreed,
                funds_in_place=f,
                cum_signed_projects=cum_n,
                cum_agreed_investment=cum_agreed,
                cum_funds_in_place=cum_funds,
                funds_in_place_rate=pct(cum_funds, cum_agreed),
            )
        )

    # One pass over the park's projects gives both the stage counts and the overdue ones.
    late = func.sum(case((Project.due_on < today, 1), else_=0))
    stage_counts: dict[str, int] = {}
    overdue = 0
    for stage, n, n_late in session.execute(
        select(Project.stage, func.count(Project.id), late)
        .where(Project.park_id == park_id, *scope)
        .group_by(Project.stage)
    ).all():
        stage_counts[str(getattr(stage, "value", stage))] = int(n)
        if stage in OPEN_STAGES:
            overdue += int(n_late or 0)
    if not chain:
        lead_stmt = select(func.count(Lead.id)).where(
            Lead.park_id == park_id,
            Lead.status.in_(list(OPEN_LEAD_STATUSES)),
            Lead.due_at < utcnow(),
        )
        if team:
            lead_stmt = lead_stmt.where(Lead.team == team)
        overdue += session.scalar(lead_stmt) or 0

    scope_name, scope_value = (
        ("team", team) if team else ("chain", chain) if chain else ("park", "")
    )
    target = session.scalar(
        select(Target).where(
            Target.park_id == park_id,
            Target.year == year,
            Target.scope == scope_name,
            Target.scope_value == (scope_value or ""),
        )
    )
    return YearStats(
        park_id=park_id,
        year=year,
        month_to=month_to,
        team=team,
        chain=chain,
        signed_projects=cum_n,
        agreed_investment=cum_agreed,
        funds_in_place=cum_funds,
        funds_in_place_rate=pct(cum_funds, cum_agreed),
        target=TargetRead.model_validate(target) if target else None,
        progress=Progress(
            projects_pct=pct(cum_n, target.projects) if target else None,
            agreed_investment_pct=pct(cum_agreed, target.agreed_investment) if target else None,
            funds_in_place_pct=pct(cum_funds, target.funds_in_place) if target else None,
        ),
        months=months,
        stage_counts=stage_counts,
        overdue=int(overdue),
    )
