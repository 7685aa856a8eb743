"""`biopark tasks ...`: overdue key tasks and the meeting table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.parks.models import Department
from biopark.parks.service import get_park_by_code
from biopark.tasks import service
from biopark.tasks.export import task_workbook
from biopark.tasks.models import CoordTask, today_local

app = typer.Typer(help="Coordination tasks (打表推进).", no_args_is_help=True)
console = Console()


def _day(value: str) -> date:
    if not value:
        return today_local()
    try:
        return date.fromisoformat(value)
    except ValueError:
        console.print(f"[red]日期格式应为 YYYY-MM-DD / bad date: {value}")
        raise typer.Exit(2) from None


@app.command("overdue")
def overdue(
    park: str = typer.Option("cq-biocity", help="Park code."),
    today: str = typer.Option("", help="As of this date (YYYY-MM-DD; default today)."),
) -> None:
    """List unfinished tasks past their deadline (exit code 0 either way)."""
    day = _day(today)
    try:
        with session_scope() as session:
            p = get_park_by_code(session, code=park)
            tasks = service.overdue_tasks(session, park_id=p.id, today=day)
            names = {
                d.id: d.short_name or d.name
                for d in session.scalars(select(Department).where(Department.park_id == p.id))
            }
            rows = [
                (t.id, t.title, names.get(t.lead_department_id, ""), t.deadline, t.progress)
                for t in tasks
            ]
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    table = Table(
        "id",
        "task",
        "lead",
        "deadline",
        "days late",
        "progress",
        title=f"逾期任务 / overdue: {len(rows)}",
    )
    for tid, title, lead, deadline, progress in rows:
        table.add_row(
            str(tid), title, lead, str(deadline), str((day - deadline).days), f"{progress}%"
        )
    console.print(table)


@app.command("export")
def export(
    path: Path = typer.Argument(..., help="Where to write the .xlsx file."),
    park: str = typer.Option("cq-biocity", help="Park code."),
) -> None:
    """Write the key-task table in the meeting layout."""
    try:
        with session_scope() as session:
            p = get_park_by_code(session, code=park)
            stmt = service.loaded(select(CoordTask).where(CoordTask.park_id == p.id))
            tasks = list(session.scalars(stmt))
            data = task_workbook(
                session, tasks=tasks, park_name=p.name, park_id=p.id, today=today_local()
            )
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    path.write_bytes(data)
    console.print(f"已导出 {len(tasks)} 项任务 / exported to {path}")
