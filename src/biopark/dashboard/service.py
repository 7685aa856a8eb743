"""The leaders' dashboard (驾驶舱): one period's figures from every domain, by SQL aggregates.

Readers: admin and leader see everything; investment officers, analysts and
commissioners read it too (nothing on it can be changed). Links to records are
only shown where the reader may open the target list.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.chain import graph
from biopark.chain import service as chain_service
from biopark.config import get_settings
from biopark.dashboard import compare
from biopark.errors import Forbidden, NotFound, ValidationFailed
from biopark.investment import service as investment
from biopark.investment.access import ACCESS as INVESTMENT_READERS
from biopark.investment.models import REGISTERED_OR_LATER, Project
from biopark.investment.schemas import YearStats
from biopark.kit.dates import SHANGHAI, today
from biopark.kit.models import utcnow
from biopark.kit.stale import StaleCache
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
    return today()


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
    def label_en(self) -> str:
        return compare.window(self.year, self.month_from, self.month_to).label_en

    def label_in(self, lang: str) -> str:
        """The label in the reader's language."""
        return self.label_en if lang == "en" else self.label

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
    year: int | None,
    month_from: int | None,
    month_to: int | None,
    *,
    today: date | None = None,
    latest: date | None = None,
) -> Period:
    """The period asked for; by default January to the current month of this year.

    `latest` is the latest month with data: when this year has none yet (a ledger
    loaded last year), the default is that year up to that month, never a page of zeros.
    """
    today = today or today_local()
    if year is None and latest is not None and latest.year < today.year:
        year = latest.year
        if month_to is None:
            month_to = latest.month
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
    comparisons: dict[str, Comparison] = field(default_factory=dict)
    by_chain: list[dict[str, Any]] = field(default_factory=list)
    attention: Any = None
    peers: list[Any] = field(default_factory=list)
    panels: list[Any] = field(default_factory=list)
    computed_at: datetime | None = None


@dataclass(frozen=True)
class Comparison:
    """One headline figure against last year's same months (同比) and the period before (环比)."""

    key: str
    label: str
    yoy: compare.Change
    mom: compare.Change
    yoy_label: str
    mom_label: str
    yoy_label_en: str = ""
    mom_label_en: str = ""
    money: bool = False
    unit: str = ""


# Headline figures compared over time: (key, label, money, unit).
COMPARED = (
    ("signed_projects", "签约入库项目", False, "个"),
    ("agreed_investment", "协议投资额", True, ""),
    ("funds_in_place", "到位资金", True, ""),
    ("requests", "企业诉求", False, "件"),
    ("on_time_rate", "按时办结率", False, "%"),
    ("satisfaction", "满意度", False, ""),
)


def _window_values(
    session: Session,
    ledger: compare.LedgerReader,
    *,
    park_id: int,
    w: compare.Window,
    current: bool = False,
) -> dict[str, Decimal | None]:
    fig = ledger.figures(w, require_data=not current)
    sla = sla_kpi(session, park_id=park_id, period=w)
    return {
        "signed_projects": None if fig is None else Decimal(fig.signed_projects),
        "agreed_investment": None if fig is None else fig.agreed_investment,
        "funds_in_place": None if fig is None else fig.funds_in_place,
        "requests": Decimal(sla.total),
        "on_time_rate": sla.on_time_rate,
        "satisfaction": sla.satisfaction,
    }


def comparisons(session: Session, *, park_id: int, period: Period) -> dict[str, Comparison]:
    """同比 and 环比 of every headline figure of the period."""
    ledger = compare.LedgerReader(session, park_id=park_id)
    now_w = compare.window(period.year, period.month_from, period.month_to)
    yoy_w, mom_w = compare.last_year(now_w), compare.previous_period(now_w)
    cur = _window_values(session, ledger, park_id=park_id, w=now_w, current=True)
    yoy = _window_values(session, ledger, park_id=park_id, w=yoy_w)
    mom = _window_values(session, ledger, park_id=park_id, w=mom_w)
    return {
        key: Comparison(
            key=key,
            label=label,
            yoy=compare.Change(cur[key], yoy[key]),
            mom=compare.Change(cur[key], mom[key]),
            yoy_label=yoy_w.label,
            mom_label=mom_w.label,
            yoy_label_en=yoy_w.label_en,
            mom_label_en=mom_w.label_en,
            money=money,
            unit=unit,
        )
        for key, label, money, unit in COMPARED
    }


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
    session: Session,
    *,
    park_id: int,
    period: Period | compare.Window,
    now: datetime | None = None,
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


def signed_by_chain(session: Session, *, park_id: int, period: Period) -> list[dict[str, Any]]:
    """Signed and registered projects of the period per industry chain, largest first."""
    stmt = (
        select(
            Project.chain,
            func.count(Project.id),
            func.coalesce(func.sum(Project.agreed_investment), 0),
        )
        .where(
            Project.park_id == park_id,
            Project.stage.in_(list(REGISTERED_OR_LATER)),
            Project.registered_on >= period.start,
            Project.registered_on <= period.end,
        )
        .group_by(Project.chain)
    )
    rows = [
        {"chain": chain or "", "projects": int(n), "agreed_investment": Decimal(str(total))}
        for chain, n, total in session.execute(stmt)
    ]
    return sorted(rows, key=lambda r: (-r["projects"], r["chain"]))


def build(
    session: Session,
    *,
    park_id: int,
    period: Period,
    role: Role = Role.admin,
    cockpit: bool = False,
    lang: str = "zh",
) -> Dashboard:
    """All figures of the dashboard for a park and period; with `cockpit`, also the
    attention panel, peer parks and other domains' panels that only the page shows."""
    from biopark.dashboard import attention, panels, peers

    park = session.get(Park, park_id)
    if park is None:
        raise NotFound("园区不存在", en="Park not found")
    today = today_local()
    stats = tasks.task_stats(session, park_id=park_id, today=today)
    extras: dict[str, Any] = {}
    if cockpit:
        extras = {
            "attention": attention.attention(session, park_id=park_id, today=today, lang=lang),
            "peers": peers.peer_parks(session, park_id=park_id),
            "panels": panels.panels(session, park_id=park_id, period=period),
        }
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
        comparisons=comparisons(session, park_id=park_id, period=period),
        by_chain=signed_by_chain(session, park_id=park_id, period=period),
        **extras,
    )


def period_for(
    session: Session,
    *,
    user: User,
    year: int | None,
    month_from: int | None,
    month_to: int | None,
) -> Period:
    """The chosen period, or by default the latest one with data in the user's park."""
    check_reader(user)
    today = today_local()
    latest = None
    if year is None:
        latest = investment.latest_data_month(session, park_id=user.park_id, today=today)
    return make_period(year, month_from, month_to, today=today, latest=latest)


_cache: StaleCache[Dashboard] = StaleCache(maxsize=256)


def _cached_cockpit(session: Session, *, park_id: int, period: Period, lang: str) -> Dashboard:
    """The cockpit's figures, recomputed about every `dashboard_cache_seconds` per process.

    A park-wide summary costs hundreds of queries' worth of time at 20,000 projects and
    50,000 requests; under many readers each process serves the same figures for a few
    seconds instead, and one reader rebuilds them when they expire while the others are
    served the previous ones. The cache only holds derived read-only data (no ORM objects:
    `park` and the role's links are set per request), so no process depends on another's.
    """
    ttl = get_settings().dashboard_cache_seconds
    if ttl <= 0:
        return build(session, park_id=park_id, period=period, cockpit=True, lang=lang)

    def rebuild() -> Dashboard:
        found = build(session, park_id=park_id, period=period, cockpit=True, lang=lang)
        return replace(found, park=cast(Any, None), links={}, computed_at=utcnow())

    key = (session.get_bind().engine.url.render_as_string(), park_id, period, lang)
    return _cache.get(key, ttl, rebuild)


def for_user(session: Session, *, user: User, period: Period, lang: str = "zh") -> Dashboard:
    """The dashboard of the user's park (sentences in `lang`)."""
    check_reader(user)
    d = _cached_cockpit(session, park_id=user.park_id, period=period, lang=lang)
    park = session.get(Park, user.park_id)
    if park is None:
        raise NotFound("园区不存在", en="Park not found")
    return replace(d, park=park, links=link_rights(user.role))
