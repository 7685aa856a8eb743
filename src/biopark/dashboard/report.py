"""The leaders' monthly report (月报): one data model, rendered as HTML, PDF and .docx.

`build()` gathers the month's figures (this month, last month, the same month last year,
the year to date against target and against last year), writes the narrative from them,
and collects the month's key events of this park and its enterprises only. The renderers
in report_render.py only lay out what is here, so the three formats always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.dashboard import compare, peers, service
from biopark.enterprises.models import Enterprise
from biopark.errors import NotFound, ValidationFailed
from biopark.intel.models import REJECTED, STATUS_OK, IntelDocument, IntelEvent
from biopark.investment.models import Project, Stage, StageChange
from biopark.kit.dates import today
from biopark.parks.models import Park
from biopark.pipeline.models import Drug, Milestone
from biopark.web.numbers import money, number, percent

KEY_STAGES = (Stage.signed, Stage.registered, Stage.construction, Stage.production)
_PCT = Decimal("0.1")


@dataclass
class Event:
    on: date | None
    kind: str
    text: str
    source: str | None = None
    url: str | None = None


@dataclass
class Indicator:
    """One ledger figure of the month and the year to date, with what it is compared to."""

    key: str
    label: str
    money: bool
    month: Decimal
    last_month: Decimal | None
    same_month_last_year: Decimal | None
    ytd: Decimal
    ytd_last_year: Decimal | None
    target: Decimal | None

    def show(self, value: Decimal | None) -> str:
        if value is None:
            return "—"
        return money(value) if self.money else f"{number(value)}个"

    @property
    def mom(self) -> compare.Change:
        return compare.Change(self.month, self.last_month)

    @property
    def yoy(self) -> compare.Change:
        return compare.Change(self.month, self.same_month_last_year)

    @property
    def ytd_yoy(self) -> compare.Change:
        return compare.Change(self.ytd, self.ytd_last_year)

    @property
    def progress(self) -> Decimal | None:
        if not self.target:
            return None
        return (self.ytd * 100 / self.target).quantize(_PCT, ROUND_HALF_UP)


@dataclass
class Report:
    park: Park
    year: int
    month_no: int
    issued_on: date
    office: str
    dashboard: service.Dashboard
    indicators: list[Indicator]
    narrative: list[str]
    events: list[Event] = field(default_factory=list)
    months: list[dict[str, Decimal | int]] = field(default_factory=list)
    deals: list[dict[str, object]] = field(default_factory=list)

    @property
    def month(self) -> str:
        return f"{self.year}-{self.month_no:02d}"

    @property
    def issue(self) -> str:
        """第N期: the reports of a year are numbered by month."""
        return f"{self.year}年第{self.month_no}期"

    @property
    def title(self) -> str:
        return f"{self.park.name}{self.year}年{self.month_no}月工作月报"

    @property
    def time_progress(self) -> Decimal:
        """Share of the year elapsed at the end of the month, in % (时序进度)."""
        return (Decimal(self.month_no) * 100 / 12).quantize(_PCT, ROUND_HALF_UP)


def parse_month(text: str) -> tuple[int, int]:
    """(year, month) of "YYYY-MM"."""
    try:
        year_s, month_s = text.strip().split("-")
        if len(year_s) != 4 or len(month_s) != 2:
            raise ValueError(text)
        year, month = int(year_s), int(month_s)
    except ValueError:
        raise ValidationFailed(
            f"月份格式应为 YYYY-MM（如 2025-11），收到：{text}",
            en=f"Month must be YYYY-MM (e.g. 2025-11), got: {text}",
        ) from None
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationFailed(
            f"月份无效：{text}（年份 2000—2100，月份 01—12）",
            en=f"Invalid month: {text} (year 2000-2100, month 01-12)",
        )
    return year, month


# -- key events --------------------------------------------------------------------------------


def _own_names(session: Session, park: Park) -> tuple[list[str], dict[str, str]]:
    """Names that make an event this park's: the park's names and its enterprises' names."""
    names = peers.known_names(list(session.scalars(select(Park))))
    mine = peers.own_names(park, names)
    own = [n for n, canonical in names.items() if canonical in mine]
    for name, short in session.execute(
        select(Enterprise.name, Enterprise.short_name).where(Enterprise.park_id == park.id)
    ):
        own.extend(n for n in (name, short) if n and len(n) >= 2)
    return own, names


def is_own_event(
    subjects: list[str], quote: str, *, own: list[str], names: dict[str, str], park: Park
) -> bool:
    """The event names this park or one of its enterprises, and no other park instead."""
    text = " ".join([*subjects, quote])
    if not any(n in text for n in own):
        return False
    other = peers.park_named(text, names)
    if other is None or other in peers.own_names(park, names):
        return True
    # Another park is named: keep the event only when one of its subjects is ours.
    return any(any(n in s or s in n for n in own) for s in subjects if len(s) >= 2)


def month_events(session: Session, *, park: Park, period: service.Period) -> list[Event]:
    """News events about this park and its enterprises, drug milestones and stage moves."""
    out: list[Event] = []
    own, names = _own_names(session, park)
    seen: set[tuple[object, ...]] = set()
    for ev, doc_id, title, cluster, url in session.execute(
        select(
            IntelEvent,
            IntelDocument.id,
            IntelDocument.title,
            IntelDocument.cluster_id,
            IntelDocument.url,
        )
        .join(IntelDocument, IntelDocument.id == IntelEvent.document_id)
        .where(
            IntelEvent.park_id == park.id,
            IntelDocument.status == STATUS_OK,
            IntelEvent.review != REJECTED,
            IntelEvent.event_date >= period.start,
            IntelEvent.event_date <= period.end,
        )
        .order_by(IntelEvent.event_date, IntelEvent.id)
    ):
        if not is_own_event(list(ev.subjects or []), ev.quote, own=own, names=names, park=park):
            continue
        # Reposts of one press release form a cluster: its event is told once.
        key = (cluster or doc_id, ev.type, ev.event_date)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Event(ev.event_date, "资讯", ev.quote, title, url or f"/intel/documents/{doc_id}")
        )
    for ms, drug_id, name in session.execute(
        select(Milestone, Drug.id, Drug.name)
        .join(Drug, Drug.id == Milestone.drug_id)
        .where(
            Milestone.park_id == park.id,
            Milestone.occurred_on >= period.start,
            Milestone.occurred_on <= period.end,
        )
        .order_by(Milestone.occurred_on, Milestone.id)
    ):
        out.append(
            Event(
                ms.occurred_on,
                "管线",
                f"{name}：{ms.title}",
                ms.source_title or f"创新药档案：{name}",
                f"/pipeline/drugs/{drug_id}",
            )
        )
    for ch, pid, pname in session.execute(
        select(StageChange, Project.id, Project.name)
        .join(Project, Project.id == StageChange.project_id)
        .where(
            StageChange.park_id == park.id,
            StageChange.to_stage.in_(list(KEY_STAGES)),
            StageChange.effective_on >= period.start,
            StageChange.effective_on <= period.end,
        )
        .order_by(StageChange.effective_on, StageChange.id)
    ):
        out.append(
            Event(
                ch.effective_on,
                "招商",
                f"{pname} 进入{ch.to_stage.value}阶段",
                f"招商项目台账：{pname}",
                f"/investment/projects/{pid}",
            )
        )
    return sorted(out, key=lambda e: (e.on or date.min, e.kind))


# -- figures and narrative ---------------------------------------------------------------------


def indicators(session: Session, *, park_id: int, year: int, month: int) -> list[Indicator]:
    """The three ledger figures of the month, with last month, last year and the year to date."""
    ledger = compare.LedgerReader(session, park_id=park_id)
    this = compare.window(year, month, month)
    last_m, last_y = compare.previous_period(this), compare.last_year(this)
    ytd, ytd_ly = compare.window(year, 1, month), compare.window(year - 1, 1, month)
    f = {k: ledger.figures(w) for k, w in (("lm", last_m), ("ly", last_y), ("ytd_ly", ytd_ly))}
    f["m"] = ledger.figures(this, require_data=False)
    f["ytd"] = ledger.figures(ytd, require_data=False)
    target = ledger.year(year).target
    targets = {
        "signed_projects": None if target is None or target.projects is None else target.projects,
        "agreed_investment": None if target is None else target.agreed_investment,
        "funds_in_place": None if target is None else target.funds_in_place,
    }
    out = []
    for key, label, is_money in (
        ("signed_projects", "签约入库项目", False),
        ("agreed_investment", "协议投资额", True),
        ("funds_in_place", "到位资金", True),
    ):

        def val(name: str, key: str = key) -> Decimal | None:
            fig = f[name]
            return None if fig is None else Decimal(getattr(fig, key))

        tv = targets[key]
        out.append(
            Indicator(
                key,
                label,
                is_money,
                val("m") or Decimal(0),
                val("lm"),
                val("ly"),
                val("ytd") or Decimal(0),
                val("ytd_ly"),
                None if tv is None else Decimal(tv),
            )
        )
    return out


def _change_words(ch: compare.Change, ind: Indicator, against: str) -> str:
    if ch.previous is None:
        return f"{against}无台账数据"
    if ch.previous == 0:
        return f"{against}为零" if ch.current == 0 else f"{against}为零，本期新增"
    if ch.direction == "flat":
        return f"与{against}持平"
    verb = "增长" if ch.direction == "up" else "下降"
    return f"较{against}{verb}{percent(abs(ch.pct or 0))}（{against}{ind.show(ch.previous)}）"


def narrative(rep: Report) -> list[str]:
    """Paragraphs written from the figures: what rose or fell, against target, month, year."""
    m = rep.month_no
    paras: list[str] = []
    parts = [f"{ind.label}{ind.show(ind.month)}" for ind in rep.indicators]
    paras.append(f"{m}月，园区新增" + "，".join(parts) + "。")
    # Without any ledger for last year, say so once instead of on every figure.
    no_last_year = all(
        i.yoy.previous is None and i.ytd_yoy.previous is None for i in rep.indicators
    )
    for ind in rep.indicators:
        words = [_change_words(ind.mom, ind, "上月")]
        if not no_last_year:
            words.append(_change_words(ind.yoy, ind, "上年同月"))
        paras.append(f"{ind.label}本月{ind.show(ind.month)}，" + "；".join(words) + "。")
    ytd_parts = []
    for ind in rep.indicators:
        text = f"{ind.label}{ind.show(ind.ytd)}"
        if ind.progress is not None:
            pace = "快于" if ind.progress >= rep.time_progress else "慢于"
            text += (
                f"，完成年度目标{ind.show(ind.target)}的{percent(ind.progress)}，"
                f"{pace}时序进度（{percent(rep.time_progress)}）"
            )
        else:
            text += "（未设年度目标）"
        if not no_last_year:
            text += "，" + _change_words(ind.ytd_yoy, ind, "上年同期")
        ytd_parts.append(text)
    paras.append(f"1—{m}月累计：" + "；".join(ytd_parts) + "。")
    if no_last_year:
        paras.append(f"{rep.year - 1}年无台账数据，本期暂不作同比分析。")
    rose = [i.label for i in rep.indicators if i.mom.direction == "up"]
    fell = [i.label for i in rep.indicators if i.mom.direction == "down"]
    behind = [
        i.label for i in rep.indicators if i.progress is not None and i.progress < rep.time_progress
    ]
    summary = []
    if rose:
        summary.append("较上月上升的有" + "、".join(rose))
    if fell:
        summary.append("较上月下降的有" + "、".join(fell))
    if behind:
        summary.append("落后于时序进度、需加快推进的有" + "、".join(behind))
    if summary:
        paras.append("综合来看，" + "；".join(summary) + "。")
    d = rep.dashboard
    paras.append(
        f"创新药管线方面，园区在研创新药{d.funnel.in_research}个，其中临床阶段"
        f"{d.funnel.clinical}个，已上市{d.funnel.on_market}个（全市在研{d.city_funnel.in_research}个）。"
    )
    rate = d.sla.on_time_rate
    if d.sla.total:
        served = (
            f"本月受理企业诉求{d.sla.total}件，按时办结率"
            f"{percent(rate) if rate is not None else '—'}，满意度"
            f"{d.sla.satisfaction if d.sla.satisfaction is not None else '—'}分（5分制）"
        )
    else:
        served = "本月未受理企业诉求"
    paras.append(
        f"企业服务方面，{served}；目前逾期诉求{d.sla.open_overdue}件，"
        f"逾期协调任务{d.tasks_overdue}项。"
    )
    return paras


def default_office(park: Park) -> str:
    """The issuing office printed in the header."""
    return f"{park.name}管理委员会办公室"


def build(
    session: Session,
    *,
    park_id: int,
    month: str,
    issued_on: date | None = None,
    office: str | None = None,
) -> Report:
    """The report of a month: its figures, narrative, charts' data and key events."""
    year, m = parse_month(month)
    park = session.get(Park, park_id)
    if park is None:
        raise NotFound("园区不存在", en="Park not found")
    one_month = service.Period(year, m, m)
    dash = service.build(session, park_id=park_id, period=one_month)
    ys = compare.LedgerReader(session, park_id=park_id).year(year)
    rep = Report(
        park=park,
        year=year,
        month_no=m,
        issued_on=issued_on or today(),
        office=office or default_office(park),
        dashboard=dash,
        indicators=indicators(session, park_id=park_id, year=year, month=m),
        narrative=[],
        events=month_events(session, park=park, period=one_month),
        deals=service.deal_rows(session, park_id=park_id, period=one_month),
        months=[
            {
                "month": row.month,
                "signed_projects": row.signed_projects,
                "agreed_investment": row.agreed_investment,
                "funds_in_place": row.funds_in_place,
            }
            for row in ys.months
            if row.month <= m
        ],
    )
    rep.narrative = narrative(rep)
    return rep
