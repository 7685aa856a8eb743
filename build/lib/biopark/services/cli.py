"""`biopark services ...`: escalate overdue SLA clocks (cron-able), SLA settings, statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.kit.dates import SHANGHAI, format_local
from biopark.parks.service import get_park_by_code
from biopark.services import sla, stats
from biopark.services.models import CLOCK_LABELS
from biopark.services.schemas import SlaUpdate

app = typer.Typer(help="Enterprise requests (诉求) and their SLA clocks.", no_args_is_help=True)
console = Console()


def _parse_now(value: str) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        console.print(f"[red]时间格式应为 ISO 8601，如 2025-03-04T10:00 / bad time: {value}")
        raise typer.Exit(2) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


@app.command("escalate")
def escalate(
    now: str = typer.Option("", help="Pretend it is this time (ISO, Asia/Shanghai if no zone)."),
) -> None:
    """Mark overdue clocks and escalate them to the leaders; running it again adds nothing."""
    at = _parse_now(now)
    with session_scope() as session:
        found = sla.escalate_overdue(session, now=at)
        rows = [(e.request_id, CLOCK_LABELS[e.clock], e.department or "", e.due_at) for e in found]
    table = Table("request", "clock", "department", "due", title=f"升级 / escalated: {len(rows)}")
    for rid, clock, dept, due in rows:
        table.add_row(str(rid), clock, dept, format_local(due))
    console.print(table)


@app.command("sla")
def show_sla(park: str = typer.Option("cq-biocity", help="Park code.")) -> None:
    """Show the SLA of every category."""
    try:
        with session_scope() as session:
            p = get_park_by_code(session, code=park)
            values = sla.list_sla(session, park_id=p.id)
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    table = Table("category", "respond (min)", "plan (working h)", "close (working d)", "reply (d)")
    for v in values:
        table.add_row(
            v.category,
            str(v.respond_minutes),
            str(v.plan_hours),
            str(v.close_days),
            str(v.reply_days),
        )
    console.print(table)


@app.command("sla-set")
def set_sla(
    category: str = typer.Argument(..., help="Category, e.g. 用地."),
    respond_minutes: int = typer.Option(60),
    plan_hours: int = typer.Option(24),
    close_days: int = typer.Option(7),
    reply_days: int = typer.Option(5),
    park: str = typer.Option("cq-biocity", help="Park code."),
) -> None:
    """Set one category's SLA (working time); applies to clocks started from now on."""
    try:
        data = SlaUpdate(
            respond_minutes=respond_minutes,
            plan_hours=plan_hours,
            close_days=close_days,
            reply_days=reply_days,
        )
        with session_scope() as session:
            p = get_park_by_code(session, code=park)
            sla.set_sla(session, user=None, park_id=p.id, category=category, data=data)
    except ValidationError as exc:
        console.print("[red]输入有误：" + "; ".join(str(e["msg"]) for e in exc.errors()))
        raise typer.Exit(1) from None
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已设置 {category} 时限 / SLA set")


@app.command("stats")
def show_stats(
    park: str = typer.Option("cq-biocity", help="Park code."),
    days: int = typer.Option(365, min=1, help="Requests submitted in the last N days."),
) -> None:
    """On-time rate and satisfaction per category and per department."""
    until = datetime.now(UTC)
    try:
        with session_scope() as session:
            p = get_park_by_code(session, code=park)
            result = stats.sla_stats(
                session, park_id=p.id, since=until - timedelta(days=days), until=until
            )
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    for title, rows in (
        ("按类别 / by category", [*result.by_category, result.overall]),
        ("按部门 / by department", result.by_department),
    ):
        table = Table("", "total", "on time", "overdue", "on-time %", "satisfaction", title=title)
        for r in rows:
            table.add_row(
                r.label,
                str(r.total),
                str(r.on_time),
                str(r.overdue),
                "—" if r.on_time_rate is None else str(r.on_time_rate),
                "—" if r.satisfaction is None else str(r.satisfaction),
            )
        console.print(table)
