"""`biopark talent ...`: the talent service catalogue, applications and events."""

from __future__ import annotations

import json

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.finance.service import describe_conditions, enterprise_names
from biopark.kit.dates import format_local
from biopark.kit.models import utcnow
from biopark.parks.service import get_park_by_code
from biopark.talent import service
from biopark.talent.models import APP_STATUS_LABELS, SERVICE_KINDS, TalentApplication, TalentService
from biopark.talent.schemas import ServiceCreate

app = typer.Typer(help="Talent services, applications and events (人才科创).", no_args_is_help=True)
console = Console()


@app.command("services")
def services(park: str = typer.Option(..., help="Park code, e.g. cq-biocity.")) -> None:
    """List the park's talent services."""
    try:
        with session_scope() as session:
            found = get_park_by_code(session, code=park)
            rows = session.scalars(
                select(TalentService)
                .where(TalentService.park_id == found.id)
                .order_by(TalentService.id)
            )
            table = Table("id", "服务", "类型", "受理部门", "条件")
            for s in rows:
                table.add_row(
                    str(s.id),
                    s.name,
                    SERVICE_KINDS[s.kind],
                    s.provider,
                    "；".join(describe_conditions(s.conditions)),
                )
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(table)


@app.command("add-service")
def add_service(
    park: str = typer.Option(..., help="Park code."),
    name: str = typer.Option(...),
    kind: str = typer.Option(..., help="recognition | housing | schooling | medical | startup"),
    provider: str = typer.Option(..., help="The department that handles it."),
    conditions: str = typer.Option('{"all": []}', help="Rule JSON (policies syntax)."),
) -> None:
    """Add one talent service to the catalogue."""
    try:
        data = ServiceCreate(
            name=name, kind=kind, provider=provider, conditions=json.loads(conditions)
        )
        with session_scope() as session:
            found = get_park_by_code(session, code=park)
            svc = service.create_service(session, park_id=found.id, actor=None, data=data)
            console.print(f"已添加 / added: {svc.id} {svc.name}")
    except (ValidationError, ValueError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None


@app.command("applications")
def applications(park: str = typer.Option(..., help="Park code.")) -> None:
    """List the park's talent applications with their close deadlines."""
    try:
        with session_scope() as session:
            found = get_park_by_code(session, code=park)
            rows = list(
                session.scalars(
                    select(TalentApplication)
                    .where(TalentApplication.park_id == found.id)
                    .order_by(TalentApplication.submitted_at.desc())
                )
            )
            names = enterprise_names(session, {a.enterprise_id for a in rows})
            table = Table("id", "企业", "申请人", "状态", "办结时限")
            for a in rows:
                table.add_row(
                    str(a.id),
                    names.get(a.enterprise_id, ""),
                    a.applicant_name,
                    APP_STATUS_LABELS[a.status],
                    format_local(a.close_due_at),
                )
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(table)


@app.command("escalate")
def escalate() -> None:
    """Escalate overdue application clocks to the park leaders (idempotent; for cron or the jobs)."""
    with session_scope() as session:
        found = service.escalate_overdue(session, now=utcnow())
    console.print(f"已升级 {len(found)} 个超时时限 / escalated {len(found)} overdue clocks")
