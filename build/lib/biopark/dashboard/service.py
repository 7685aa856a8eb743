"""The leaders' dashboard (驾驶舱): one period's figures from every domain, by SQL aggregates.

Readers: admin and leader see everything; investment officers, analysts and
commissioners read it too (nothing on it can be changed). Links to records are
only shown where the reader may open the target list.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.chain import graph
from biopark.chain import service as chain_service
from biopark.errors import Forbidden, NotFound, ValidationFailed
from biopark.investment import service as investment
from biopark.investment.access import ACCESS as INVESTMENT_READERS
from biopark.investment.schemas import YearStats
from biopark.kit.dates import SHANGHAI
from biopark.kit.models import utcnow
from biopark.parks.models import Park
from biopark.pipeline import service as pipeline
from biopark.pipeline.models import Drug, LicensingDeal
from biopark.pipeline.schemas import Funnel
from biopark.services.models import ServiceRequest
from biopark.services.service import OPEN as OPEN_REQUESTS
from biopark.tasks import service as tasks

READERS = frozenset(
    {Role.admin, Role.leader, Role.investment_officer, Role.analyst, Role.commissioner}
)
# Who may open the list behind each figure (the target page's own rule).
LINK_READERS: dict[str, frozenset[Role]] = {
    "investment": INVESTMENT_READERS,
    "pipeline": frozenset(pipeline.READERS),
    "chain": frozenset(chain_service.READERS),
    "requests": frozenset({Role.admin, Role.leader, Role.commissioner}),
    "tasks": frozenset({Role.admin, Role.leader, Role.commissioner}),
    "intel": frozenset({Role.analyst, Role.leader, Role.admin, Role.investment_officer}),
}


def check_reader(user: User) -> None:
    """Forbidden unless the user's role reads the dashboard."""
    if user.role not in READERS:
        raise Forbidden()


def today_local() -> date:
    """Today in Asia/Shanghai."""
    return utcnow().astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class Period:
    """A month range within one year."""

    year: int
    month_from: int
    month_to: int

    @property
    def start(self) -> date:
        return date(self.year, self.month_from, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month_to, calendar.monthrange(self.year, self.month_to)[1])

    @property
    def label(self) -> str:
        if self.month_from == self.month_to:
            return f"{self.year}年{self.month_to}月"
        return f"{self.year}年{self.month_from}—{self.month_to}月"

    @property
    def query(self) -> str:
        return f"year={self.year}&month_from={self.month_from}&month_to={self.month_to}"

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) of the period as aware datetimes (Shanghai midnight)."""
        start = datetime.combine(self.start, time(), SHANGHAI)
        nxt = (
            date(self.year + 1, 1, 1)
            if self.month_to == 12
            else date(self.year, self.month_to + 1, 1)
        )
        return start, datetime.combine(nxt, time(), SHANGHAI)


def make_period(
    year: int | None, month_from: int | None, month_to: int | None, *, today: date | None = None
) -> Period:
    """The period asked for; by default this year from January to the current month."""
    today = today or today_local()
    year = today.year if year is None else year
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年份应在 2000—2100 之间", en="Year must be 2000-2100")
    default_to = today.month if year == today.year else 12
    month_to = default_to if month_to is None else month_to
    month_from = 1 if month_from is None else month_from
    if not (1 <= month_from <= 12 and 1 <= month_to <= 12) or month_from > month_to:
        raise ValidationFailed(
            "月份范围无效（1—12 月，起始月不晚于结束月）",
            en="Invalid month range (1-12, from <= to)",
        )
    return Period(year, month_from, month_to)


@dataclass
class InvestmentKpi:
    signed_projects: int
    agreed_investment: Decimal
    funds_in_place: Decimal
    ytd: YearStats
    months: list[dict[str, Any]]


@dataclass
class SlaKpi:
    total: int
    on_time: int
    overdue: int
    rated: int
    satisfaction: Decimal | None
    open_overdue: int

    @property
    def on_time_rate(self) -> Decimal | None:
        judged = self.on_time + self.overdue
        if judged == 0:
            return None
        return (Decimal(100 * self.on_time) / judged).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class ChainKpi:
    links: int
    covered: int
    weak: int
    gaps: int
    top_gaps: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Dashboard:
    park: Park
    period: Period
    investment: InvestmentKpi
    funnel: Funnel
    city_funnel: Funnel
    chain: ChainKpi
    sla: SlaKpi
    tasks_total: int
    tasks_overdue: int
    tasks_due_soon: int
    deals: list[dict[str, Any]]
    links: dict[str, bool]


def investment_kpi(session: Session, *, park_id: int, period: Period) -> InvestmentKpi:
    """Signed projects, agreed investment and funds in place of the period (from year_stats)."""
    ys = investment.year_stats(session, park_id=park_id, year=period.year, month_to=period.month_to)
    rows = [m for m in ys.months if m.month >= period.month_from]
    return InvestmentKpi(
        signed_projects=sum(m.signed_projects for m in rows),
        agreed_investment=sum((m.agreed_investment for m in rows), Decimal(0)),
        funds_in_place=sum((m.funds_in_place for m in rows), Decimal(0)),
        ytd=ys,
        months=[
            {
                "month": m.month,
                "signed_projects": m.signed_projects,
                "agreed_investment": m.agreed_investment,
                "funds_in_place": m.funds_in_place,
            }
            for m in rows
        ],
    )


def sla_kpi(
    session: Session, *, park_id: int, period: Period, now: datetime | None = None
) -> SlaKpi:
    """Close-clock on-time rate and satisfaction of requests submitted in the period (one query),
    with the same rule as services.stats.sla_stats, plus the requests open and overdue now."""
    now = now or utcnow()
    since, until = period.utc_bounds()
    r = ServiceRequest
    judged_late = or_(
        and_(r.closed_at.is_not(None), r.closed_at > r.close_due_at),
        and_(r.closed_at.is_(None), r.close_due_at < now),
    )
    row = session.execute(
        select(
            func.count(r.id),
            func.count(r.id).filter(r.close_due_at.is_not(None), r.closed_at <= r.close_due_at),
            func.count(r.id).filter(r.close_due_at.is_not(None), judged_late),
            func.count(r.satisfaction),
            func.coalesce(func.sum(r.satisfaction), 0),
        ).where(r.park_id == park_id, r.submitted_at >= since, r.submitted_at < until)
    ).one()
    total, on_time, overdue, rated, score_sum = (int(v or 0) for v in row)
    open_overdue = session.scalar(
        select(func.count(r.id)).where(
            r.park_id == park_id,
            r.status.in_(OPEN_REQUESTS),
            or_(
                r.close_due_at < now,
                r.responded_at.is_(None) & (r.respond_due_at < now),
            ),
        )
    )
    satisfaction = (
        (Decimal(score_sum) / rated).quantize(Decimal("0.01"), ROUND_HALF_UP) if rated else None
    )
    return SlaKpi(total, on_time, overdue, rated, satisfaction, int(open_overdue or 0))


def chain_kpi(session: Session, *, park_id: int) -> ChainKpi:
    """Leaf links of the chain map: covered, weak and gaps, with the worst gaps."""
    ov = chain_service.overview(session, park_id=park_id)
    levels = [sc.level for sc in ov.scores.values() if sc.is_leaf]
    worst = graph.gaps(ov.scores, ov.tree)[:5]
    return ChainKpi(
        links=len(levels),
        covered=levels.count("covered"),
        weak=levels.count("weak"),
        gaps=levels.count("gap"),
        top_gaps=[
            {"code": sc.code, "name": ov.links[sc.code].name, "level": sc.level, "score": sc.score}
            for sc in worst
        ],
    )


def deal_rows(
    session: Session, *, park_id: int, period: Period | None = None
) -> list[dict[str, Any]]:
    """Licensing deals of the park's drugs, largest first (optionally signed in the period)."""
    stmt = (
        select(LicensingDeal, Drug.name, Drug.code)
        .join(Drug, Drug.id == LicensingDeal.drug_id)
        .where(Drug.park_id == park_id)
        .order_by(LicensingDeal.total.desc().nulls_last(), LicensingDeal.id)
        .limit(10)
    )
    if period is not None:
        stmt = stmt.where(
            LicensingDeal.signed_on >= period.start, LicensingDeal.signed_on <= period.end
        )
    return [
        {
            "drug_id": deal.drug_id,
            "drug": code or name,
            "partner": deal.partner,
            "total": deal.total,
            "upfront": deal.upfront,
            "currency": deal.currency,
            "signed_on": deal.signed_on,
        }
        for deal, name, code in session.execute(stmt)
    ]


def link_rights(role: Role) -> dict[str, bool]:
    """Which record lists the role may follow from the dashboard."""
    return {key: role in roles for key, roles in LINK_READERS.items()}


def build(session: Session, *, park_id: int, period: Period, role: Role = Role.admin) -> Dashboard:
    """All figures of the dashboard for a park and period."""
    park = session.get(Park, park_id)
    if park is None:
        raise NotFound("园区不存在", en="Park not found")
    stats = tasks.task_stats(session, park_id=park_id, today=today_local())
    return Dashboard(
        park=park,
        period=period,
        investment=investment_kpi(session, park_id=park_id, period=period),
        funnel=pipeline.funnel(session, park_id=park_id),
        city_funnel=pipeline.funnel(session, park_id=park_id, scope="city"),
        chain=chain_kpi(session, park_id=park_id),
        sla=sla_kpi(session, park_id=park_id, period=period),
        tasks_total=stats.total,
        tasks_overdue=stats.by_status.get("overdue", 0),
        tasks_due_soon=stats.due_soon,
        deals=deal_rows(session, park_id=park_id),
        links=link_rights(role),
    )


def for_user(session: Session, *, user: User, period: Period) -> Dashboard:
    """The dashboard of the user's park."""
    check_reader(user)
    return build(session, park_id=user.park_id, period=period, role=user.role)


def to_json(d: Dashboard) -> dict[str, Any]:
    """JSON-ready figures of a dashboard (money as strings of yuan)."""
    inv = d.investment
    target = inv.ytd.target
    return {
        "park": {"id": d.park.id, "code": d.park.code, "name": d.park.name},
        "period": {
            "year": d.period.year,
            "month_from": d.period.month_from,
            "month_to": d.period.month_to,
        },
        "investment": {
            "signed_projects": inv.signed_projects,
            "agreed_investment": str(inv.agreed_investment),
            "funds_in_place": str(inv.funds_in_place),
            "ytd_signed_projects": inv.ytd.signed_projects,
            "ytd_agreed_investment": str(inv.ytd.agreed_investment),
            "ytd_funds_in_place": str(inv.ytd.funds_in_place),
            "funds_in_place_rate": _s(inv.ytd.funds_in_place_rate),
            "target": None
            if target is None
            else {
                "projects": target.projects,
                "agreed_investment": _s(target.agreed_investment),
                "funds_in_place": _s(target.funds_in_place),
            },
            "progress": {k: _s(v) for k, v in inv.ytd.progress.model_dump().items()},
            "stage_counts": inv.ytd.stage_counts,
            "months": [
                {k: (str(v) if isinstance(v, Decimal) else v) for k, v in m.items()}
                for m in inv.months
            ],
        },
        "pipeline": {
            "park": d.funnel.model_dump(mode="json"),
            "city": d.city_funnel.model_dump(mode="json"),
        },
        "chain": {
            "links": d.chain.links,
            "covered": d.chain.covered,
            "weak": d.chain.weak,
            "gaps": d.chain.gaps,
            "top_gaps": d.chain.top_gaps,
        },
        "services": {
            "requests": d.sla.total,
            "on_time": d.sla.on_time,
            "overdue": d.sla.overdue,
            "on_time_rate": _s(d.sla.on_time_rate),
            "satisfaction": _s(d.sla.satisfaction),
            "rated": d.sla.rated,
            "open_overdue": d.sla.open_overdue,
        },
        "tasks": {
            "total": d.tasks_total,
            "overdue": d.tasks_overdue,
            "due_soon": d.tasks_due_soon,
        },
        "deals": [
            {
                **deal,
                "total": _s(deal["total"]),
                "upfront": _s(deal["upfront"]),
                "signed_on": deal["signed_on"].isoformat() if deal["signed_on"] else None,
            }
            for deal in d.deals
        ],
    }


def _s(value: Any) -> str | None:
    return None if value is None else str(value)
