"""The leaders' monthly report (月报): the dashboard's figures for the year to that month,
the month's key events with their sources, as HTML and as .docx with bar charts.

Charts are drawn as PNG with the standard library only (zlib): bars without text,
so a missing CJK font can never produce tofu; captions and numbers are docx text.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from docx import Document
from docx.shared import Cm
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.dashboard import service
from biopark.errors import ValidationFailed
from biopark.intel.models import STATUS_OK, IntelDocument, IntelEvent
from biopark.investment.models import Project, Stage, StageChange
from biopark.kit.money import format_cny
from biopark.pipeline.models import Drug, Milestone

KEY_STAGES = (Stage.signed, Stage.registered, Stage.construction, Stage.production)


@dataclass
class Event:
    on: date | None
    kind: str
    text: str
    source: str | None = None
    url: str | None = None


@dataclass
class Report:
    month: str
    dashboard: service.Dashboard
    events: list[Event] = field(default_factory=list)


def parse_month(text: str) -> tuple[int, int]:
    """(year, month) of "YYYY-MM"."""
    try:
        year_s, month_s = text.strip().split("-")
        year, month = int(year_s), int(month_s)
    except ValueError:
        raise ValidationFailed("月份格式应为 YYYY-MM", en="Month must be YYYY-MM") from None
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationFailed("月份格式应为 YYYY-MM", en="Month must be YYYY-MM")
    return year, month


def month_events(session: Session, *, park_id: int, period: service.Period) -> list[Event]:
    """News events, drug milestones and investment stage moves dated in the period."""
    out: list[Event] = []
    seen: set[tuple[object, ...]] = set()
    for ev, doc_id, title, cluster in session.execute(
        select(IntelEvent, IntelDocument.id, IntelDocument.title, IntelDocument.cluster_id)
        .join(IntelDocument, IntelDocument.id == IntelEvent.document_id)
        .where(
            IntelEvent.park_id == park_id,
            IntelDocument.status == STATUS_OK,
            IntelEvent.review != "rejected",
            IntelEvent.event_date >= period.start,
            IntelEvent.event_date <= period.end,
        )
        .order_by(IntelEvent.event_date, IntelEvent.id)
    ):
        # Reposts of one press release form a cluster: its event is told once.
        key = (cluster or doc_id, ev.type, ev.event_date)
        if key in seen:
            continue
        seen.add(key)
        out.append(Event(ev.event_date, "资讯", ev.quote, title, f"/intel/documents/{doc_id}"))
    for ms, drug_id, name in session.execute(
        select(Milestone, Drug.id, Drug.name)
        .join(Drug, Drug.id == Milestone.drug_id)
        .where(
            Milestone.park_id == park_id,
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
                ms.source_title or name,
                f"/pipeline/drugs/{drug_id}",
            )
        )
    for ch, pid, pname in session.execute(
        select(StageChange, Project.id, Project.name)
        .join(Project, Project.id == StageChange.project_id)
        .where(
            StageChange.park_id == park_id,
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
                pname,
                f"/investment/projects/{pid}",
            )
        )
    return sorted(out, key=lambda e: (e.on or date.min, e.kind))


def build(session: Session, *, park_id: int, month: str) -> Report:
    """The report of a month: year-to-date figures and the month's events."""
    year, m = parse_month(month)
    dash = service.build(session, park_id=park_id, period=service.Period(year, 1, m))
    events = month_events(session, park_id=park_id, period=service.Period(year, m, m))
    return Report(month=f"{year}-{m:02d}", dashboard=dash, events=events)


# -- charts ---------------------------------------------------------------------------------

PALETTE = [(37, 99, 235), (16, 185, 129), (245, 158, 11), (239, 68, 68)]


def bar_png(values: list[float], *, width: int = 640, height: int = 240) -> bytes:
    """A bar chart as PNG bytes: one bar per value on a light grid, no text."""
    pixels = [[(255, 255, 255)] * width for _ in range(height)]
    pad = 16
    top = max(max(values, default=0), 1e-9)
    for i in range(5):
        y = pad + i * (height - 2 * pad) // 4
        for x in range(pad, width - pad):
            pixels[y][x] = (226, 232, 240)
    n = max(len(values), 1)
    slot = (width - 2 * pad) / n
    for i, v in enumerate(values):
        h = int((height - 2 * pad) * max(v, 0) / top)
        x0, x1 = int(pad + i * slot + slot * 0.15), int(pad + (i + 1) * slot - slot * 0.15)
        color = PALETTE[i % len(PALETTE)] if n <= len(PALETTE) else PALETTE[0]
        for y in range(height - pad - h, height - pad):
            for x in range(x0, x1):
                pixels[y][x] = color
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# -- output ---------------------------------------------------------------------------------


def kpi_rows(report: Report) -> list[tuple[str, str, str, str]]:
    """(indicator, actual, annual target, progress) rows of the report."""
    inv = report.dashboard.investment
    t = inv.ytd.target
    p = inv.ytd.progress
    return [
        (
            "签约入库项目（个）",
            str(inv.ytd.signed_projects),
            str(t.projects) if t and t.projects is not None else "—",
            f"{p.projects_pct}%" if p.projects_pct is not None else "—",
        ),
        (
            "协议投资额",
            format_cny(inv.ytd.agreed_investment),
            format_cny(t.agreed_investment) if t and t.agreed_investment is not None else "—",
            f"{p.agreed_investment_pct}%" if p.agreed_investment_pct is not None else "—",
        ),
        (
            "到位资金",
            format_cny(inv.ytd.funds_in_place),
            format_cny(t.funds_in_place) if t and t.funds_in_place is not None else "—",
            f"{p.funds_in_place_pct}%" if p.funds_in_place_pct is not None else "—",
        ),
    ]


def other_rows(report: Report) -> list[tuple[str, str]]:
    """Pipeline, chain, services and tasks figures as (label, value)."""
    d = report.dashboard
    rate = d.sla.on_time_rate
    return [
        ("在研创新药（园区）", str(d.funnel.in_research)),
        ("临床阶段创新药（园区）", str(d.funnel.clinical)),
        ("已上市（园区）", str(d.funnel.on_market)),
        ("产业链环节 / 短板 / 弱项", f"{d.chain.links} / {d.chain.gaps} / {d.chain.weak}"),
        ("企业诉求（统计期间）", str(d.sla.total)),
        ("诉求按时办结率", f"{rate}%" if rate is not None else "—"),
        ("诉求满意度（5 分制）", str(d.sla.satisfaction or "—")),
        ("当前逾期诉求", str(d.sla.open_overdue)),
        ("协调任务 / 逾期", f"{d.tasks_total} / {d.tasks_overdue}"),
    ]


def to_docx(report: Report) -> bytes:
    """The report as a Word document."""
    d = report.dashboard
    doc = Document()
    doc.add_heading(f"{d.park.name} {report.month} 月报", level=0)
    doc.add_paragraph(f"统计期间：{d.period.label}（截至当月累计）")
    doc.add_heading("一、招商引资", level=1)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("指标", "累计完成", "年度目标", "完成进度"), strict=True
    ):
        cell.text = text
    for row in kpi_rows(report):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    months = d.investment.ytd.months
    doc.add_picture(io.BytesIO(bar_png([float(m.agreed_investment) for m in months])), width=Cm(15))
    doc.add_paragraph(
        "图1 各月新增协议投资额（自左至右为 1 月至 "
        f"{d.period.month_to} 月）："
        + "，".join(f"{m.month}月 {format_cny(m.agreed_investment)}" for m in months)
    )
    progress = d.investment.ytd.progress
    pcts = [progress.projects_pct, progress.agreed_investment_pct, progress.funds_in_place_pct]
    doc.add_picture(io.BytesIO(bar_png([float(v or 0) for v in pcts])), width=Cm(12))
    doc.add_paragraph(
        "图2 年度目标完成进度（签约入库项目、协议投资额、到位资金）："
        + "，".join(f"{v}%" if v is not None else "—" for v in pcts)
    )
    doc.add_heading("二、管线、产业链与服务", level=1)
    t2 = doc.add_table(rows=0, cols=2)
    t2.style = "Table Grid"
    for label, value in other_rows(report):
        cells = t2.add_row().cells
        cells[0].text, cells[1].text = label, value
    if d.deals:
        doc.add_paragraph("重大授权交易：")
        for deal in d.deals[:5]:
            total = deal["total"]
            doc.add_paragraph(
                f"{deal['drug']} 授权 {deal['partner']}，总额 {_amount(total, deal['currency'])}",
                style="List Bullet",
            )
    doc.add_heading(f"三、{report.month} 大事记", level=1)
    if not report.events:
        doc.add_paragraph("本月无记录的大事。")
    for ev in report.events:
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(f"{ev.on or ''} [{ev.kind}] {ev.text}")
        if ev.source:
            p.add_run(f"（来源：{ev.source}，{ev.url}）")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _amount(value: Decimal | None, currency: str) -> str:
    if value is None:
        return "—"
    if currency == "CNY":
        return format_cny(value)
    millions = (value / Decimal(1_000_000)).normalize()
    return f"{format(millions, 'f')} 百万{currency}"


def context(report: Report) -> dict[str, Any]:
    """Template context of the HTML report."""
    return {
        "report": report,
        "d": report.dashboard,
        "kpis": kpi_rows(report),
        "others": other_rows(report),
        "amount": _amount,
    }
